//! How one stack's operation ended: done, unchanged, absent, declined or interrupted
//! ([`StackOutcome`]), or failed ([`StackFailure`]); and a stack's outputs.

use aws_sdk_cloudformation::types::StackStatus;

use super::report::ResourceEvent;

/// A stack output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackOutput {
    /// Output key (logical id).
    pub key: String,
    /// Value.
    pub value: String,
    /// Description, if any.
    pub description: Option<String>,
    /// Export name, if exported.
    pub export_name: Option<String>,
}

/// How one stack's operation ended, when it did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StackOutcome {
    /// Changes executed.
    Done {
        /// Final status (`CREATE_COMPLETE`, `UPDATE_COMPLETE`, `DELETE_COMPLETE`, ...).
        status: StackStatus,
        /// Outputs after the deploy (empty for destroy).
        outputs: Vec<StackOutput>,
    },
    /// Nothing to change (a success).
    NoChanges {
        /// Current outputs.
        outputs: Vec<StackOutput>,
    },
    /// Nothing to destroy: the stack does not exist.
    Absent,
    /// The user said no; nothing was changed.
    Declined,
    /// Following stopped on an interrupt; the operation goes on in AWS.
    Interrupted {
        /// The stack's status when following stopped (`None` when nothing was started).
        status: Option<StackStatus>,
    },
}

impl StackOutcome {
    /// Whether the stack is where it was asked to be (done, unchanged, or already absent).
    pub fn succeeded(&self) -> bool {
        matches!(
            self,
            StackOutcome::Done { .. } | StackOutcome::NoChanges { .. } | StackOutcome::Absent
        )
    }
}

/// A stack operation that ended in failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackFailure {
    /// Stack name.
    pub stack: String,
    /// Final status (`ROLLBACK_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, ...), or the failed API
    /// call's name when CloudFormation refused the operation outright.
    pub status: String,
    /// The first resource that failed, with its construct path.
    pub first_failure: Option<ResourceEvent>,
    /// The stack's own status reason.
    pub status_reason: Option<String>,
    /// What the engine cleaned up after the failure (e.g. the empty stack it created to
    /// hold the change set), when it did.
    pub cleanup: Option<String>,
}

impl StackFailure {
    /// What the rollback did and what to do next.
    pub fn rollback_outcome(&self) -> String {
        let s = &self.stack;
        match StackStatus::from(self.status.as_str()) {
            StackStatus::RollbackComplete => "the create was rolled back and the stack is empty; fix the cause, then delete the stack and create it again".into(),
            StackStatus::UpdateRollbackComplete => {
                "the update was rolled back; the stack is back to its previous deployment".into()
            }
            StackStatus::UpdateRollbackFailed => format!(
                "the rollback failed too: fix the resource by hand, then `aws cloudformation continue-update-rollback --stack-name {s}` (with `--resources-to-skip` for what cannot be fixed)"
            ),
            StackStatus::RollbackFailed => {
                "the rollback failed: some resources remain; delete the stack and deploy again".into()
            }
            StackStatus::DeleteFailed => "some resources could not be deleted; remove them (or what blocks them) and delete the stack again".into(),
            StackStatus::CreateFailed | StackStatus::UpdateFailed => {
                "rollback is disabled; the stack keeps the partial change".into()
            }
            _ if self.status == "ExecuteChangeSet" => "CloudFormation failed the ExecuteChangeSet call itself; resources it had started may exist, so check the stack's resources before deploying again".into(),
            _ => "CloudFormation refused the operation".into(),
        }
    }
}

impl std::fmt::Display for StackFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stack `{}` failed ({})", self.stack, self.status)?;
        if let Some(e) = &self.first_failure {
            let at = e.construct_path.as_deref().unwrap_or(&e.logical_id);
            write!(
                f,
                "\n  first failure: {at} ({} {}) {}: {}",
                e.logical_id,
                e.type_name,
                e.status,
                e.reason.as_deref().unwrap_or("no reason given")
            )?;
        } else if let Some(r) = &self.status_reason {
            write!(f, "\n  reason: {r}")?;
        }
        write!(f, "\n  {}", self.rollback_outcome())?;
        if let Some(c) = &self.cleanup {
            write!(f, "\n  {c}")?;
        }
        Ok(())
    }
}
