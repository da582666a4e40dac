//! The result of a multi-stack deploy or destroy: one [`StackReport`] per selected stack.

use std::time::Duration;

use super::error::DeployError;
use super::outcome::StackOutcome;

/// How one stack fared in a multi-stack run.
#[derive(Debug)]
#[non_exhaustive]
pub enum StackResult {
    /// The operation ended without failure.
    Ok(StackOutcome),
    /// The operation failed.
    Failed(DeployError),
    /// Not run: a stack it depends on did not succeed, or the run was interrupted.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One stack's line in a [`RunReport`].
#[derive(Debug)]
pub struct StackReport {
    /// Stack name.
    pub stack: String,
    /// Region.
    pub region: String,
    /// What happened.
    pub result: StackResult,
    /// Time spent on it.
    pub elapsed: Duration,
}

/// The result of a multi-stack deploy or destroy, in the order stacks were selected.
#[derive(Debug, Default)]
pub struct RunReport {
    /// One entry per selected stack.
    pub stacks: Vec<StackReport>,
}

impl RunReport {
    /// Every stack succeeded (deployed, unchanged, or already absent).
    pub fn succeeded(&self) -> bool {
        self.stacks
            .iter()
            .all(|s| matches!(&s.result, StackResult::Ok(o) if o.succeeded()))
    }

    /// Some stack's following was interrupted (or not started because of the interrupt).
    pub fn interrupted(&self) -> bool {
        self.stacks
            .iter()
            .any(|s| matches!(s.result, StackResult::Ok(StackOutcome::Interrupted { .. })))
    }

    /// Some stack was declined at a prompt.
    pub fn declined(&self) -> bool {
        self.stacks
            .iter()
            .any(|s| matches!(s.result, StackResult::Ok(StackOutcome::Declined)))
    }
}
