//! How the engine tells its caller what is happening, and asks for confirmation.
//!
//! The CLI renders [`Progress`] as coloured lines and a progress bar; a library caller can
//! log it or ignore it ([`Quiet`]).

use std::time::Duration;

use crate::analysis::plan::Plan;

/// One stack event (a resource, or the stack itself, changing state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceEvent {
    /// Event time as CloudFormation reports it (RFC 3339).
    pub timestamp: String,
    /// Logical id (the stack name for stack-level events).
    pub logical_id: String,
    /// Resource type.
    pub type_name: String,
    /// New status (`CREATE_IN_PROGRESS`, `CREATE_FAILED`, ...).
    pub status: String,
    /// CloudFormation's reason, if any.
    pub reason: Option<String>,
    /// Construct path of the resource, when known.
    pub construct_path: Option<String>,
}

impl ResourceEvent {
    /// Whether this is a failure (and not a cancellation caused by another failure).
    pub fn is_failure(&self) -> bool {
        self.status.ends_with("_FAILED")
            && !self
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("cancelled") || r.contains("canceled"))
    }
}

/// What the engine reports while it works.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Progress<'a> {
    /// Work on a stack starts.
    StackStarted {
        /// Stack name.
        stack: &'a str,
        /// Region.
        region: &'a str,
    },
    /// A step (creating the change set, uploading the template, ...).
    Step {
        /// Stack name.
        stack: &'a str,
        /// What is being done.
        message: &'a str,
    },
    /// The change set is ready: the planned changes.
    Planned {
        /// The plan.
        plan: &'a Plan,
    },
    /// A stack event while following an operation.
    Event {
        /// Stack name.
        stack: &'a str,
        /// The event.
        event: &'a ResourceEvent,
        /// Resources finished so far.
        done: usize,
        /// Resources expected to change.
        total: usize,
        /// Time since execution started.
        elapsed: Duration,
    },
    /// Nothing happened on a followed stack for a while: what is still in progress.
    Waiting {
        /// Stack name.
        stack: &'a str,
        /// Construct paths (else logical ids) of the resources still in progress; empty
        /// when CloudFormation has not started any yet.
        in_progress: &'a [String],
        /// How long nothing happened.
        quiet: Duration,
        /// Time since following started.
        elapsed: Duration,
    },
    /// A stack reached a final state.
    StackFinished {
        /// Stack name.
        stack: &'a str,
        /// Final status (or `NO_CHANGES`).
        status: &'a str,
        /// Time for the whole stack.
        elapsed: Duration,
    },
}

/// A question the engine asks before acting.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Confirm<'a> {
    /// Execute this change set?
    Deploy {
        /// The plan shown to the user.
        plan: &'a Plan,
    },
    /// Delete this stack? `stateful` lists the data that goes with it.
    Destroy {
        /// Stack name.
        stack: &'a str,
        /// Number of resources in the stack.
        resources: usize,
        /// Stateful resources deleted with it (`DeletionPolicy: Delete`): (logical id,
        /// type, construct path).
        stateful: &'a [(String, String, Option<String>)],
    },
}

/// Receives progress and answers confirmations. Implementations must be thread-safe: stacks
/// deploy concurrently.
///
/// A confirmation answered `false` while the engine's [`crate::Interrupt`] is set counts as
/// an interruption, not a refusal: the engine removes what it prepared (the change set, and
/// the empty stack created to hold it) and reports the stack as interrupted.
pub trait Reporter: Send + Sync {
    /// Something happened.
    fn progress(&self, event: Progress<'_>);
    /// Should the engine go ahead?
    fn confirm(&self, question: Confirm<'_>) -> bool;
}

/// Reports nothing and answers every question with `yes`.
#[derive(Debug, Clone, Copy)]
pub struct Quiet {
    /// The answer to every confirmation.
    pub yes: bool,
}

impl Reporter for Quiet {
    fn progress(&self, _event: Progress<'_>) {}
    fn confirm(&self, _question: Confirm<'_>) -> bool {
        self.yes
    }
}
