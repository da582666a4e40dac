//! What every action declares: its type, configuration, artifacts and permissions.

use crate::cfn::codepipeline::pipeline as l1;
use crate::iam::Role;
use crate::value::Json;
use crate::{Node, s3::Bucket};

use super::artifact::Artifact;

/// How many artifacts an action type takes and gives (CodePipeline's limits).
#[derive(Debug, Clone, Copy)]
pub struct ArtifactLimits {
    pub inputs: (usize, usize),
    pub outputs: (usize, usize),
}

/// One action, ready to be placed in a stage.
#[derive(Debug, Clone)]
pub struct ActionSpec {
    pub name: String,
    pub category: l1::Category,
    pub provider: &'static str,
    pub configuration: Vec<(&'static str, Json)>,
    pub inputs: Vec<Artifact>,
    /// Whether the action produces one output artifact.
    pub produces_output: bool,
    pub limits: ArtifactLimits,
    /// A problem found while building the spec (reported at the user's `add` call).
    pub problems: Vec<String>,
}

/// What an action may use while it is declared: the pipeline's construct, role and
/// artifact bucket.
#[derive(Debug)]
pub struct ActionContext<'a> {
    pub node: &'a Node,
    pub role: &'a Role,
    pub bucket: &'a Bucket,
    pub key: Option<&'a crate::kms::Key>,
}

pub mod sealed {
    /// Implemented by stackdef's actions only: their declarations are checked as a whole.
    pub trait Action {
        /// The action's declaration, with its permissions granted.
        fn declare(self, ctx: &super::ActionContext<'_>) -> super::ActionSpec;
    }
}

/// An action of the first stage: it brings files into the pipeline.
pub trait SourceAction: sealed::Action {}

/// An action of a later stage (build, deploy, approval); `Output` is what adding it gives
/// back: an [`Artifact`] for an action that produces one, `()` otherwise.
pub trait StageAction: sealed::Action {
    /// What [`Stage::add`](super::Stage::add) returns.
    type Output;
    /// Wraps the action's artifact as `Output` (actions without one drop it).
    #[doc(hidden)]
    fn output(artifact: Artifact) -> Self::Output;
}
