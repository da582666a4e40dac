//! [`CodeBuildAction`]: run a CodeBuild project on an artifact.

use super::action::{ActionContext, ActionSpec, ArtifactLimits, StageAction, sealed::Action};
use super::artifact::Artifact;
use crate::cfn::codepipeline::pipeline as l1;
use crate::codebuild::Project;
use crate::value::Json;

/// Runs `project` with `input` as its source; gives nothing back. For a build whose files
/// later actions use, call [`CodeBuildAction::with_output`].
#[derive(Debug, Clone)]
pub struct CodeBuildAction {
    name: String,
    project: Project,
    input: Artifact,
    extra_inputs: Vec<Artifact>,
}

impl CodeBuildAction {
    /// A build of `input` by `project`.
    pub fn new(name: &str, project: &Project, input: &Artifact) -> Self {
        CodeBuildAction {
            name: name.to_owned(),
            project: project.clone(),
            input: input.clone(),
            extra_inputs: Vec::new(),
        }
    }

    /// More sources (up to four), found by the build in `$CODEBUILD_SRC_DIR_<name>`.
    pub fn with_extra_inputs<'a>(mut self, inputs: impl IntoIterator<Item = &'a Artifact>) -> Self {
        self.extra_inputs.extend(inputs.into_iter().cloned());
        self
    }

    /// The same build, handing the files its buildspec lists on as an artifact.
    pub fn with_output(self) -> CodeBuildActionWithOutput {
        CodeBuildActionWithOutput(self)
    }

    fn spec(self, ctx: &ActionContext<'_>, output: bool) -> ActionSpec {
        self.project.grant_start(ctx.role);
        ctx.bucket.grant_read_write(&self.project);
        let mut configuration = vec![("ProjectName", Json::from(self.project.project_name()))];
        if !self.extra_inputs.is_empty() {
            configuration.push(("PrimarySource", Json::from(self.input.name())));
        }
        let mut problems = Vec::new();
        if output && !self.project.has_artifacts() {
            problems.push(
                "with_output needs files to hand on, and the project's buildspec lists none: add `artifact_files` to it".into(),
            );
        }
        let mut inputs = vec![self.input];
        inputs.extend(self.extra_inputs);
        ActionSpec {
            name: self.name,
            category: l1::Category::Build,
            provider: "CodeBuild",
            configuration,
            inputs,
            produces_output: output,
            limits: ArtifactLimits {
                inputs: (1, 5),
                outputs: (0, 5),
            },
            problems,
        }
    }
}

impl Action for CodeBuildAction {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        self.spec(ctx, false)
    }
}

impl StageAction for CodeBuildAction {
    type Output = ();
    fn output(_: Artifact) {}
}

/// A [`CodeBuildAction`] whose buildspec's artifact files become an [`Artifact`].
#[derive(Debug, Clone)]
pub struct CodeBuildActionWithOutput(CodeBuildAction);

impl Action for CodeBuildActionWithOutput {
    fn declare(self, ctx: &ActionContext<'_>) -> ActionSpec {
        self.0.spec(ctx, true)
    }
}

impl StageAction for CodeBuildActionWithOutput {
    type Output = Artifact;
    fn output(artifact: Artifact) -> Artifact {
        artifact
    }
}
