//! [`CodeDeployEcsAction`]: a blue/green deployment of an ECS service by CodeDeploy.

use super::action::{ActionContext, ActionSpec, ArtifactLimits, StageAction, sealed::Action};
use super::artifact::Artifact;
use crate::cfn::codepipeline::pipeline as l1;
use crate::codedeploy::EcsDeploymentGroup;
use crate::iam::PolicyStatement;
use crate::value::Json;
use crate::{fns, sub};

/// Deploys a new task definition to a service through its CodeDeploy deployment group
/// (provider `CodeDeployToECS`): the green tasks start, the test listener reaches them,
/// traffic shifts as the group's configuration says, and CodeDeploy rolls back as the
/// group says.
///
/// CodeDeploy reads two files: a task definition template (`taskdef.json`, the task
/// definition to register, its image written as the placeholder `<IMAGE1_NAME>`) and an
/// AppSpec (`appspec.yaml`, naming `<TASK_DEFINITION>`, the container and its port).
/// The image comes from an `imageDetail.json` (`{"ImageURI": "..."}`) in `image`,
/// written by the build or an ECR source. The pipeline's role gets what that takes and
/// may pass the service's two task roles to ECS, and no other role.
#[derive(Debug, Clone)]
pub struct CodeDeployEcsAction {
    /// The action's name.
    pub name: String,
    /// The deployment group (and so the service) to deploy.
    pub deployment_group: EcsDeploymentGroup,
    /// The artifact holding the task definition template.
    pub task_definition: Artifact,
    /// The template's path in it. default: `taskdef.json`.
    pub task_definition_path: String,
    /// The artifact holding the AppSpec (may be `task_definition`'s).
    pub app_spec: Artifact,
    /// The AppSpec's path in it. default: `appspec.yaml`.
    pub app_spec_path: String,
    /// The artifact holding `imageDetail.json` (may be one of the others).
    pub image: Artifact,
    /// The placeholder for the image in the task definition template, without the angle
    /// brackets. default: `IMAGE1_NAME`.
    pub image_placeholder: String,
}

impl CodeDeployEcsAction {
    /// Deploys with `deployment_group`, the task definition template and AppSpec from
    /// `templates`, and the image from `image`.
    pub fn new(
        name: &str,
        deployment_group: &EcsDeploymentGroup,
        templates: &Artifact,
        image: &Artifact,
    ) -> Self {
        CodeDeployEcsAction {
            name: name.to_owned(),
            deployment_group: deployment_group.clone(),
            task_definition: templates.clone(),
            task_definition_path: "taskdef.json".into(),
            app_spec: templates.clone(),
            app_spec_path: "appspec.yaml".into(),
            image: image.clone(),
            image_placeholder: "IMAGE1_NAME".into(),
        }
    }
}

impl Action for CodeDeployEcsAction {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        let group = &self.deployment_group;
        ctx.role.add_to_policy(PolicyStatement::allow(
            [
                "codedeploy:CreateDeployment",
                "codedeploy:GetDeployment",
                "codedeploy:GetApplication",
                "codedeploy:GetApplicationRevision",
                "codedeploy:RegisterApplicationRevision",
            ],
            [group.arn(), group.application().arn()],
        ));
        ctx.role.add_to_policy(PolicyStatement::allow(
            ["codedeploy:GetDeploymentConfig"],
            [sub![
                "arn:",
                fns::partition(),
                ":codedeploy:",
                fns::region(),
                ":",
                fns::account_id(),
                ":deploymentconfig:*"
            ]],
        ));
        // Registering a task definition has no resource-level permissions.
        ctx.role.add_to_policy(PolicyStatement::allow(
            ["ecs:RegisterTaskDefinition"],
            ["*"],
        ));
        let task = group.service().task_definition();
        task.execution_role().grant_pass_role(ctx.role);
        task.task_role().grant_pass_role(ctx.role);

        let mut problems = Vec::new();
        for (what, path) in [
            ("task_definition_path", &self.task_definition_path),
            ("app_spec_path", &self.app_spec_path),
        ] {
            if path.trim().is_empty() {
                problems.push(format!("{what} is empty: name the file in the artifact"));
            }
        }
        let placeholder = &self.image_placeholder;
        if placeholder.is_empty()
            || !placeholder
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            problems.push(format!(
                "image placeholder `{placeholder}` must be letters, digits, - and _ (written as <{placeholder}> in the task definition template)"
            ));
        }
        let mut inputs = vec![self.task_definition.clone()];
        for a in [&self.app_spec, &self.image] {
            if !inputs.contains(a) {
                inputs.push(a.clone());
            }
        }
        ActionSpec {
            name: self.name,
            category: l1::Category::Deploy,
            provider: "CodeDeployToECS",
            configuration: vec![
                ("ApplicationName", Json::from(group.application_name())),
                (
                    "DeploymentGroupName",
                    Json::from(group.deployment_group_name()),
                ),
                (
                    "TaskDefinitionTemplateArtifact",
                    Json::from(self.task_definition.name()),
                ),
                (
                    "TaskDefinitionTemplatePath",
                    Json::from(self.task_definition_path.as_str()),
                ),
                ("AppSpecTemplateArtifact", Json::from(self.app_spec.name())),
                (
                    "AppSpecTemplatePath",
                    Json::from(self.app_spec_path.as_str()),
                ),
                ("Image1ArtifactName", Json::from(self.image.name())),
                (
                    "Image1ContainerName",
                    Json::from(self.image_placeholder.as_str()),
                ),
            ],
            inputs,
            produces_output: false,
            limits: ArtifactLimits {
                inputs: (1, 5),
                outputs: (0, 0),
            },
            problems,
        }
    }
}

impl StageAction for CodeDeployEcsAction {
    type Output = ();
    fn output(_: Artifact) {}
}
