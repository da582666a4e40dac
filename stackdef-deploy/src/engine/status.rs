//! Stack statuses as the SDK types them, and CloudFormation's "nothing to change" texts.

use aws_sdk_cloudformation::types::StackStatus;

/// Whether an operation is running on a stack in `status`.
pub(crate) fn in_progress(status: &StackStatus) -> bool {
    match status {
        StackStatus::CreateInProgress
        | StackStatus::DeleteInProgress
        | StackStatus::ImportInProgress
        | StackStatus::ImportRollbackInProgress
        | StackStatus::ReviewInProgress
        | StackStatus::RollbackInProgress
        | StackStatus::UpdateCompleteCleanupInProgress
        | StackStatus::UpdateInProgress
        | StackStatus::UpdateRollbackCompleteCleanupInProgress
        | StackStatus::UpdateRollbackInProgress => true,
        // A status newer than this SDK: CloudFormation names the running ones `*_IN_PROGRESS`.
        other => other.as_str().ends_with("_IN_PROGRESS"),
    }
}

/// Whether a create, update or import that ended in `status` did what it was asked.
pub(crate) fn deployed(status: &StackStatus) -> bool {
    matches!(
        status,
        StackStatus::CreateComplete | StackStatus::UpdateComplete | StackStatus::ImportComplete
    )
}

/// The status of `stack`; an unknown one when CloudFormation sent none.
pub(crate) fn status_of(stack: &aws_sdk_cloudformation::types::Stack) -> StackStatus {
    stack
        .stack_status()
        .cloned()
        .unwrap_or_else(|| StackStatus::from(""))
}

/// Whether a failed change set or update says only that there was nothing to change.
pub(crate) fn says_no_changes(reason: &str) -> bool {
    reason.contains("didn't contain changes")
        || reason.contains("No updates are to be performed")
        || reason.contains("no changes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_and_settled_statuses() {
        assert!(in_progress(&StackStatus::UpdateRollbackInProgress));
        assert!(in_progress(&StackStatus::from("SOME_NEW_IN_PROGRESS")));
        assert!(!in_progress(&StackStatus::RollbackComplete));
        assert!(!in_progress(&StackStatus::from("")));
        assert!(deployed(&StackStatus::ImportComplete));
        assert!(!deployed(&StackStatus::DeleteComplete));
    }
}
