//! CodePipeline: a [`Pipeline`] of stages holding typed actions, connected by
//! [`Artifact`]s; its artifact bucket, role and every permission an action needs are
//! generated, and the rules CodePipeline enforces are checked at synth.
//!
//! ```
//! use stackdef::codebuild::{BuildImage, BuildSpec, Phase, Project, ProjectProps};
//! use stackdef::codepipeline::{CodeBuildAction, GitHubSource, Pipeline, PipelineProps, SourceConnection};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Ci", Env::region("us-east-1"));
//! let github = SourceConnection::github(&stack, "GitHub", "my-org");
//! let tests = Project::pipeline(&stack, "Tests", ProjectProps::new(
//!     BuildImage::AmazonLinuxStandard5,
//!     BuildSpec::new().phase(Phase::Build, ["make test"]),
//! ));
//! let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
//! let source = pipeline
//!     .add_source_stage("Source")
//!     .add(GitHubSource::new("Checkout", &github, "my-org", "app", "main"));
//! pipeline.add_stage("Test").add(CodeBuildAction::new("Test", &tests, &source));
//! assert!(app.synthesize().is_ok());
//! ```
//!
//! Only source actions go into the source stage, and source actions go nowhere else:
//!
//! ```compile_fail,E0277
//! use stackdef::codebuild::{BuildImage, BuildSpec, Project, ProjectProps};
//! use stackdef::codepipeline::{CodeBuildAction, GitHubSource, Pipeline, PipelineProps, SourceConnection};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Ci", Env::region("us-east-1"));
//! let github = SourceConnection::from_arn("arn:aws:codeconnections:us-east-1:123456789012:connection/x");
//! let project = Project::pipeline(&stack, "Build", ProjectProps::new(BuildImage::AmazonLinuxStandard5, BuildSpec::new()));
//! let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
//! let source_stage = pipeline.add_source_stage("Source");
//! let source = source_stage.add(GitHubSource::new("Checkout", &github, "o", "r", "main"));
//! source_stage.add(CodeBuildAction::new("Build", &project, &source)); // not a source action
//! ```
//!
//! ```compile_fail,E0277
//! use stackdef::codepipeline::{GitHubSource, Pipeline, PipelineProps, SourceConnection};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Ci", Env::region("us-east-1"));
//! let github = SourceConnection::from_arn("arn:aws:codeconnections:us-east-1:123456789012:connection/x");
//! let pipeline = Pipeline::new(&stack, "Pipeline", PipelineProps::default());
//! pipeline.add_stage("Build").add(GitHubSource::new("Checkout", &github, "o", "r", "main"));
//! ```
//!
//! An artifact exists only as the output of the action that produces it; a deploy action
//! takes one, not a name:
//!
//! ```compile_fail,E0308
//! use stackdef::codepipeline::EcsDeployAction;
//! # fn f(service: &stackdef::ecs::FargateService) {
//! EcsDeployAction::new("Deploy", service, "BuildOutput");
//! # }
//! ```

mod action;
mod artifact;
mod build_action;
mod codedeploy_action;
mod connection;
mod deploy_actions;
mod pipeline;
mod run_task_action;
mod source_actions;

pub use action::{SourceAction, StageAction};
pub use artifact::Artifact;
pub use build_action::{CodeBuildAction, CodeBuildActionWithOutput};
pub use codedeploy_action::CodeDeployEcsAction;
pub use connection::SourceConnection;
pub use deploy_actions::{EcsDeployAction, ManualApproval};
pub use pipeline::{ExecutionMode, Pipeline, PipelineProps, SourceStage, Stage};
pub use run_task_action::RunTaskAction;
pub use source_actions::{EcrSource, GitHubSource, S3Source};
