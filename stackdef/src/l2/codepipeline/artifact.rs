//! [`Artifact`]: a set of files one pipeline action produces and later ones consume.

/// An output of a pipeline action. It exists only as the result of adding the action
/// that produces it, so it cannot be named without being produced; it belongs to one
/// pipeline, and handing it to another is reported at synth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub(super) name: String,
    /// The producing pipeline's construct path.
    pub(super) pipeline: String,
    /// The producing stage's index in its pipeline.
    pub(super) stage: usize,
    /// The producing stage's name.
    pub(super) stage_name: String,
}

impl Artifact {
    /// The artifact's name in the pipeline (`<action name>Output`).
    pub fn name(&self) -> &str {
        &self.name
    }
}
