//! Deploy and approval actions: a new image for an ECS service, a person's go-ahead.

use super::action::{ActionContext, ActionSpec, ArtifactLimits, StageAction, sealed::Action};
use super::artifact::Artifact;
use crate::cfn::codepipeline::pipeline as l1;
use crate::ecs::FargateService;
use crate::iam::PolicyStatement;
use crate::value::Json;

/// Rolls an ECS service onto the image named in an `imagedefinitions.json` of `input`
/// (`[{"name": "<container>", "imageUri": "<image>"}]`): a new task definition revision,
/// then a rolling deployment. The pipeline's role gets what that takes, and may pass the
/// service's two task roles to ECS, and no other role.
#[derive(Debug, Clone)]
pub struct EcsDeployAction {
    /// The action's name.
    pub name: String,
    /// The service to update.
    pub service: FargateService,
    /// The artifact holding the image definitions file.
    pub input: Artifact,
    /// The file's name in the artifact. default (with [`EcsDeployAction::new`]):
    /// `imagedefinitions.json`.
    pub file_name: String,
    /// Minutes to wait for the deployment (1 to 60). default: 60.
    pub timeout_minutes: u32,
}

impl EcsDeployAction {
    /// Deploys the image definitions in `input` to `service`.
    pub fn new(name: &str, service: &FargateService, input: &Artifact) -> Self {
        EcsDeployAction {
            name: name.to_owned(),
            service: service.clone(),
            input: input.clone(),
            file_name: "imagedefinitions.json".into(),
            timeout_minutes: 60,
        }
    }
}

impl Action for EcsDeployAction {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        // Registering a revision and updating the service have no resource-level
        // permissions beyond the service itself.
        ctx.role.add_to_policy(PolicyStatement::allow(
            [
                "ecs:DescribeServices",
                "ecs:DescribeTaskDefinition",
                "ecs:DescribeTasks",
                "ecs:ListTasks",
                "ecs:RegisterTaskDefinition",
                "ecs:TagResource",
                "ecs:UpdateService",
            ],
            ["*"],
        ));
        let task = self.service.task_definition();
        task.execution_role().grant_pass_role(ctx.role);
        task.task_role().grant_pass_role(ctx.role);
        let mut problems = Vec::new();
        if !(1..=60).contains(&self.timeout_minutes) {
            problems.push(format!(
                "timeout_minutes {} is out of range: 1 to 60",
                self.timeout_minutes
            ));
        }
        if self.file_name.trim().is_empty() {
            problems.push("file_name is empty: name the image definitions file".into());
        }
        ActionSpec {
            name: self.name,
            category: l1::Category::Deploy,
            provider: "ECS",
            configuration: vec![
                (
                    "ClusterName",
                    Json::from(self.service.cluster().cluster_name()),
                ),
                ("ServiceName", Json::from(self.service.service_name())),
                ("FileName", Json::from(self.file_name.as_str())),
                (
                    "DeploymentTimeout",
                    Json::from(self.timeout_minutes.to_string()),
                ),
            ],
            inputs: vec![self.input],
            produces_output: false,
            limits: ArtifactLimits {
                inputs: (1, 1),
                outputs: (0, 0),
            },
            problems,
        }
    }
}

impl StageAction for EcsDeployAction {
    type Output = ();
    fn output(_: Artifact) {}
}

/// Stops the pipeline until someone approves in the console (or rejects: the run fails).
#[derive(Debug, Clone)]
pub struct ManualApproval {
    /// The action's name.
    pub name: String,
    /// What the approver should check. default: none.
    pub comments: Option<String>,
}

impl ManualApproval {
    /// An approval named `name`.
    pub fn new(name: &str) -> Self {
        ManualApproval {
            name: name.to_owned(),
            comments: None,
        }
    }
}

impl Action for ManualApproval {
    fn declare(self, _: &ActionContext<'_>) -> ActionSpec {
        let mut problems = Vec::new();
        let mut configuration = Vec::new();
        if let Some(c) = &self.comments {
            if c.len() > 1000 {
                problems.push(format!(
                    "comments are {} characters; CodePipeline allows 1000",
                    c.len()
                ));
            }
            configuration.push(("CustomData", Json::from(c.as_str())));
        }
        ActionSpec {
            name: self.name,
            category: l1::Category::Approval,
            provider: "Manual",
            configuration,
            inputs: Vec::new(),
            produces_output: false,
            limits: ArtifactLimits {
                inputs: (0, 0),
                outputs: (0, 0),
            },
            problems,
        }
    }
}

impl StageAction for ManualApproval {
    type Output = ();
    fn output(_: Artifact) {}
}
