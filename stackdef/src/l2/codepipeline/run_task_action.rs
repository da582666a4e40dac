//! [`RunTaskAction`]: run a one-off ECS task (a schema migration) as a pipeline step, and
//! fail the step unless the task exits 0.

use super::action::{ActionContext, ActionSpec, ArtifactLimits, StageAction, sealed::Action};
use super::artifact::Artifact;
use crate::Construct;
use crate::cfn::codepipeline::pipeline as l1;
use crate::codebuild::{BuildImage, BuildSpec, Phase, Project, ProjectProps};
use crate::ecs::FargateTask;
use crate::value::Json;

/// Runs `task` once and waits for it: a small CodeBuild project (created beside the
/// pipeline) calls `aws ecs run-task`, waits until the task stops (ten minutes at
/// most) and fails unless its first container exited 0.
///
/// With [`RunTaskAction::with_image_from`], the task first gets a new revision running the
/// image the build just wrote to `imagedefinitions.json`, so the migration runs the code
/// being deployed. (CodeBuild rather than a Step Functions state machine: one less
/// service for the pipeline's readers, and its log shows the task's outcome.)
#[derive(Debug, Clone)]
pub struct RunTaskAction {
    name: String,
    task: FargateTask,
    input: Artifact,
    container: Option<String>,
}

impl RunTaskAction {
    /// Runs `task` as it is defined; `input` is any artifact (CodeBuild needs a source).
    pub fn new(name: &str, task: &FargateTask, input: &Artifact) -> Self {
        RunTaskAction {
            name: name.to_owned(),
            task: task.clone(),
            input: input.clone(),
            container: None,
        }
    }

    /// Runs `container` with the image `input`'s `imagedefinitions.json` names for it.
    pub fn with_image_from(mut self, container: &str) -> Self {
        self.container = Some(container.to_owned());
        self
    }
}

/// The runner's commands: swap the image in (if asked), run, wait, check the exit code.
fn commands(image_from_artifact: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if image_from_artifact {
        out.extend([
            r#"IMAGE=$(jq -er --arg c "$CONTAINER" '.[] | select(.name == $c) | .imageUri' imagedefinitions.json)"#,
            r#"aws ecs describe-task-definition --task-definition "$TASK_DEFINITION" --query taskDefinition > current.json"#,
            r#"jq --arg c "$CONTAINER" --arg i "$IMAGE" '.containerDefinitions |= map(if .name == $c then .image = $i else . end) | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities, .registeredAt, .registeredBy, .deregisteredAt)' current.json > next.json"#,
            r#"TASK_DEFINITION=$(aws ecs register-task-definition --cli-input-json file://next.json --query taskDefinition.taskDefinitionArn --output text)"#,
        ]);
    }
    out.extend([
        r#"TASK=$(aws ecs run-task --cluster "$CLUSTER" --task-definition "$TASK_DEFINITION" --launch-type FARGATE --network-configuration "$NETWORK" --query 'tasks[0].taskArn' --output text)"#,
        r#"aws ecs wait tasks-stopped --cluster "$CLUSTER" --tasks "$TASK""#,
        r#"EXIT=$(aws ecs describe-tasks --cluster "$CLUSTER" --tasks "$TASK" --query 'tasks[0].containers[0].exitCode' --output text)"#,
        r#"echo "task $TASK exited with $EXIT""#,
        r#"test "$EXIT" = "0""#,
    ]);
    out
}

impl Action for RunTaskAction {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        let mut problems = Vec::new();
        if let Some(c) = &self.container
            && !self
                .task
                .task_definition()
                .containers()
                .iter()
                .any(|d| d.name() == c)
        {
            problems.push(format!(
                "with_image_from(\"{c}\"): the task definition has no container named `{c}`"
            ));
        }
        let mut props = ProjectProps::new(
            BuildImage::AmazonLinuxStandard5,
            BuildSpec::new().phase(Phase::Build, commands(self.container.is_some())),
        );
        props.timeout_minutes = 20;
        props.encryption_key = ctx.key.cloned();
        props.description = Some(format!("Runs {} once", self.task.node().path()));
        let environment = [
            ("CLUSTER", self.task.cluster().cluster_name().into()),
            ("TASK_DEFINITION", self.task.task_definition().arn().into()),
            ("NETWORK", self.task.network_configuration().into()),
            (
                "CONTAINER",
                self.container.as_deref().unwrap_or_default().into(),
            ),
        ];
        props.environment = environment
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let runner = Project::pipeline(ctx.node, &format!("{}Runner", self.name), props);
        self.task.grant_run(&runner);
        runner.grant_start(ctx.role);
        ctx.bucket.grant_read(&runner);
        ActionSpec {
            name: self.name,
            category: l1::Category::Build,
            provider: "CodeBuild",
            configuration: vec![("ProjectName", Json::from(runner.project_name()))],
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

impl StageAction for RunTaskAction {
    type Output = ();
    fn output(_: Artifact) {}
}
