//! W4 — the delivery pipeline (seed 002): GitHub → build the image → migrate the database
//! → deploy to ECS.
//!
//! ```text
//! cargo run -p stackdef-examples --example pipeline
//! ```
//!
//! Two stacks, so the pipeline can change without touching the app and the app without
//! touching the pipeline (`stackdef deploy BankPipeline`):
//!
//! | stack          | holds                                                                  |
//! |----------------|------------------------------------------------------------------------|
//! | `BankApp`      | the bank ([`Bank`]), its image repository and the `db-migrate` task    |
//! | `BankPipeline` | the GitHub connection, the image build and the pipeline                |
//!
//! The pipeline uses the app's service, cluster, task and repository as Rust values;
//! stackdef turns each use into an export of `BankApp` and an import here, so `BankApp`
//! deploys first. The repository lives with the app because the app's execution role
//! must be allowed to pull from it: in the pipeline's stack, each stack would need the
//! other's exports.
//!
//! Where it differs from the seed: the GitHub token became a CodeConnections connection
//! (confirm it once in the console after the first deploy); images are tagged with the
//! commit instead of `latest` (the repository's tags are immutable); the migration runs
//! in the pipeline before the deploy, with the image just built, and the pipeline stops
//! if it fails; the roles hold what their actions use and nothing else.
//!
//! Both templates are cfn-lint clean. checkov finds in `BankApp` what `bank_stack.rs`
//! documents, and in `BankPipeline`:
//!
//! - CKV_AWS_111 — the pipeline's role may register task definitions and update services
//!   on `*`: ECS has no resource-level permissions for registering, and the deploy action
//!   needs it. What it may pass to ECS is limited to the service's two roles.
//! - CKV_AWS_18 — the artifact bucket has no server access logging (it would need a
//!   bucket of its own, which would raise the same finding).
//!
//! The pipeline's deploy registers new task definition revisions outside CloudFormation.
//! A later `stackdef deploy BankApp` that changes the task definition or the service puts
//! the template's image back until the next pipeline run; changes elsewhere leave the
//! running revision alone.

use std::process::ExitCode;

use stackdef::codebuild::{BuildImage, BuildSpec, Phase, Project, ProjectProps};
use stackdef::codepipeline::{
    CodeBuildAction, EcsDeployAction, GitHubSource, Pipeline, PipelineProps, RunTaskAction,
    SourceConnection,
};
use stackdef::ec2::HasDefaultPort;
use stackdef::ecr::{EcrRepository, EcrRepositoryProps};
use stackdef::ecs::{
    ContainerOptions, EcsSecret, FargateTask, FargateTaskDefinition, FargateTaskDefinitionProps,
    FargateTaskProps, Logging,
};
use stackdef::kms::{Key, KeyProps};
use stackdef::{App, CfnOutput, Env, Stack};
use stackdef_examples::bank::{Bank, BankProps, CONTAINER_NAME};

/// The repository the pipeline builds from.
const GITHUB_OWNER: &str = "kha1i1e";
const GITHUB_REPO: &str = "dep7bankapp";
const GITHUB_BRANCH: &str = "main";

/// What the migration task runs instead of the web server.
const MIGRATE_COMMAND: [&str; 2] = ["python", "load_data.py"];

/// The build: log in to ECR, build and push the image tagged with the commit, and write
/// `imagedefinitions.json` for the migrate and deploy actions.
fn image_build_spec() -> BuildSpec {
    BuildSpec::new()
        .phase(
            Phase::PreBuild,
            [
                r#"aws ecr get-login-password | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}""#,
                r#"IMAGE_TAG="$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c 1-12)""#,
            ],
        )
        .phase(Phase::Build, [r#"docker build -t "$REPOSITORY_URI:$IMAGE_TAG" ."#])
        .phase(
            Phase::PostBuild,
            [
                // A re-run of the same commit finds its tag already pushed.
                r#"docker push "$REPOSITORY_URI:$IMAGE_TAG" || aws ecr describe-images --repository-name "${REPOSITORY_URI##*/}" --image-ids imageTag="$IMAGE_TAG""#,
                r#"printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > imagedefinitions.json"#,
            ],
        )
        .artifact_files(["imagedefinitions.json"])
}

/// The app's stack and the pieces the pipeline deploys to.
#[derive(Debug)]
pub struct BankApp {
    /// The stack.
    pub stack: Stack,
    /// The bank.
    pub bank: Bank,
    /// Where the pipeline pushes images.
    pub images: EcrRepository,
    /// The one-off migration task.
    pub migrate: FargateTask,
}

/// `BankApp`: the bank, its repository and the `db-migrate` task.
pub fn bank_app(app: &App) -> BankApp {
    let stack = app.stack("BankApp", Env::region("us-east-1"));
    stack.set_description("Banking app deployed by its pipeline (BankPipeline)");
    let bank = Bank::new(&stack, "Bank", &BankProps::seed());
    let images = EcrRepository::new(&stack, "Images", EcrRepositoryProps::default());
    images.grant_pull(&bank.task.execution_role());

    // The seed's db-migrate: the app's container with another command, the database's
    // credentials, no port, run once by the pipeline (or by hand: `MigrateCommand`).
    let migrate_task = FargateTaskDefinition::new(
        &stack,
        "MigrateTaskDefinition",
        FargateTaskDefinitionProps::default(),
    );
    migrate_task.add_container(
        CONTAINER_NAME,
        bank.container.image().clone(),
        ContainerOptions {
            command: MIGRATE_COMMAND.map(String::from).to_vec(),
            secrets: EcsSecret::from_fields(&bank.database.credentials(), "DB"),
            logging: Logging::aws_logs(&bank.logs, "migrate"),
            ..Default::default()
        },
    );
    images.grant_pull(&migrate_task.execution_role());
    let migrate = FargateTask::new(
        &stack,
        "Migrate",
        &bank.cluster,
        &migrate_task,
        FargateTaskProps::default(),
    );
    bank.database.allow_default_port_from(&migrate);
    CfnOutput::new(&stack, "MigrateCommand", migrate.run_task_command())
        .description("Runs the migration once, by hand");
    BankApp {
        stack,
        bank,
        images,
        migrate,
    }
}

/// `BankPipeline`: Source → Build → Migrate → Deploy.
pub fn bank_pipeline(app: &App, target: &BankApp) -> Stack {
    let stack = app.stack("BankPipeline", Env::region("us-east-1"));
    stack.set_description("Builds the banking app from GitHub and deploys it to BankApp");

    // Build logs and pipeline artifacts are encrypted under a key of the stack's own.
    let key = Key::new(&stack, "Key", KeyProps::default());
    let github = SourceConnection::github(&stack, "GitHub", "bank-github");
    let build = Project::pipeline(
        &stack,
        "ImageBuild",
        ProjectProps {
            privileged: true,
            encryption_key: Some(key.clone()),
            ..ProjectProps::new(BuildImage::AmazonLinuxStandard5, image_build_spec())
        }
        .env("REPOSITORY_URI", target.images.repository_uri())
        .env("CONTAINER_NAME", CONTAINER_NAME),
    );
    target.images.grant_push(&build);

    let pipeline = Pipeline::new(
        &stack,
        "Pipeline",
        PipelineProps {
            encryption_key: Some(key),
            ..PipelineProps::default()
        },
    );
    let source = pipeline.add_source_stage("Source").add(GitHubSource::new(
        "GitHub",
        &github,
        GITHUB_OWNER,
        GITHUB_REPO,
        GITHUB_BRANCH,
    ));
    let image = pipeline
        .add_stage("Build")
        .add(CodeBuildAction::new("Image", &build, &source).with_output());
    pipeline.add_stage("Migrate").add(
        RunTaskAction::new("DbMigrate", &target.migrate, &image).with_image_from(CONTAINER_NAME),
    );
    pipeline.add_stage("Deploy").add(EcsDeployAction::new(
        "Service",
        &target.bank.service,
        &image,
    ));
    stack
}

fn main() -> ExitCode {
    let app = App::new();
    let bank = bank_app(&app);
    bank_pipeline(&app, &bank);
    app.run()
}
