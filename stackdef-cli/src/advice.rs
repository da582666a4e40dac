//! The engine's errors as this binary prints them: the library's sentence, plus what to
//! run next in `stackdef`'s own terms (flags, `stackdef` commands). The library names no
//! flag or command of a binary its caller may not use; the advice lives here.

use stackdef_deploy::analysis::protection::refusal_summary;
use stackdef_deploy::{DeployError, StackFailure};

/// `error`'s message, with the `stackdef` advice that goes with it.
pub fn describe(error: &DeployError) -> String {
    if let DeployError::StatefulRefused { stack, changes } = error {
        // One flag per resource, on its own line.
        let mut s = refusal_summary(stack, changes.len());
        for c in changes {
            let flag = if c.loss.is_replacement() {
                "--allow-replace"
            } else {
                "--allow-remove"
            };
            s.push_str(&format!(
                "\n  {c}: {}; pass `{flag} {}` to allow it",
                c.consequence(),
                c.logical_id
            ));
        }
        return s;
    }
    match advice(error) {
        Some(advice) => format!("{error}{advice}"),
        None => error.to_string(),
    }
}

/// What to add to `error`'s own message.
fn advice(error: &DeployError) -> Option<String> {
    Some(match error {
        DeployError::NoCredentials => " (or pass --profile NAME)".into(),
        DeployError::ProfileNotFound { .. } => " (--profile, else AWS_PROFILE)".into(),
        DeployError::NoRegion { .. } => " (or pass --region)".into(),
        DeployError::AccountMismatch { .. } => " (e.g. --profile)".into(),
        DeployError::RollbackComplete { stack } => {
            format!("; `stackdef deploy {stack} --recreate-failed` does both")
        }
        DeployError::Busy { stack, .. } => {
            format!(" (follow it with `stackdef watch {stack}`)")
        }
        DeployError::Stuck { stack, status, .. } if needs_destroy(status) => {
            format!(" (`stackdef destroy {stack}`)")
        }
        DeployError::NeedsStaging { .. } => ": name one with --staging-bucket (or `staging_bucket` in stackdef.toml); create it once with `stackdef bootstrap --staging-bucket NAME`".into(),
        DeployError::StagingBucketMissing { bucket } => {
            format!(": `stackdef bootstrap --staging-bucket {bucket}`")
        }
        DeployError::StackFailed(failure) => return failed_stack_advice(failure),
        DeployError::HasDependants { stack, dependants } => {
            let mut names = vec![stack.as_str()];
            names.extend(dependants.iter().map(String::as_str));
            format!(
                ": `stackdef destroy {stack} --with-dependents`, or `stackdef destroy {}`",
                names.join(" ")
            )
        }
        DeployError::FollowTimeout { stack, .. } => {
            format!("; resume following with `stackdef watch {stack}`")
        }
        _ => return None,
    })
}

/// A stack that ended in one of these statuses can only be deleted.
fn needs_destroy(status: &str) -> bool {
    matches!(
        status,
        "ROLLBACK_FAILED" | "DELETE_FAILED" | "CREATE_FAILED"
    )
}

/// The command that follows a failed stack operation's rollback outcome.
fn failed_stack_advice(failure: &StackFailure) -> Option<String> {
    let stack = &failure.stack;
    match failure.status.as_str() {
        "ROLLBACK_COMPLETE" => Some(format!(": `stackdef deploy {stack} --recreate-failed`")),
        "ROLLBACK_FAILED" | "DELETE_FAILED" => Some(format!(": `stackdef destroy {stack}`")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use stackdef_deploy::analysis::protection::{Leftover, Loss, ProtectedChange};

    use super::*;

    fn failure(status: &str) -> DeployError {
        DeployError::StackFailed(Box::new(StackFailure {
            stack: "Demo".into(),
            status: status.into(),
            first_failure: None,
            status_reason: None,
            cleanup: None,
        }))
    }

    #[test]
    fn recovery_commands_follow_the_library_text() {
        let text = describe(&failure("ROLLBACK_COMPLETE"));
        assert!(
            text.ends_with(
                "delete the stack and create it again: `stackdef deploy Demo --recreate-failed`"
            ),
            "{text}"
        );
        assert!(describe(&failure("DELETE_FAILED")).ends_with(": `stackdef destroy Demo`"));
        let plain = failure("UPDATE_ROLLBACK_COMPLETE");
        assert_eq!(describe(&plain), plain.to_string());
        let busy = DeployError::Busy {
            stack: "Demo".into(),
            status: "UPDATE_IN_PROGRESS".into(),
        };
        assert!(describe(&busy).contains("`stackdef watch Demo`"));
        let missing = DeployError::StagingBucketMissing {
            bucket: "stage-here".into(),
        };
        assert!(describe(&missing).contains("stackdef bootstrap --staging-bucket stage-here"));
        // One line, as the library's own.
        assert!(!describe(&DeployError::NoCredentials).contains('\n'));
    }

    #[test]
    fn refusals_name_the_flag_for_each_resource() {
        let refused = DeployError::StatefulRefused {
            stack: "S".into(),
            changes: vec![
                ProtectedChange {
                    logical_id: "Data".into(),
                    construct_path: Some("S/Data".into()),
                    type_name: "AWS::S3::Bucket".into(),
                    loss: Loss::Replace,
                    policy: "Snapshot".into(),
                    leftover: Leftover::Snapshot,
                },
                ProtectedChange {
                    logical_id: "Logs".into(),
                    construct_path: None,
                    type_name: "AWS::Logs::LogGroup".into(),
                    loss: Loss::Remove,
                    policy: "Retain".into(),
                    leftover: Leftover::Orphan,
                },
            ],
        };
        let text = describe(&refused);
        assert!(
            text.contains("\n  replace S/Data (Data, AWS::S3::Bucket): the stack's resource becomes a new, empty one; UpdateReplacePolicy Snapshot leaves only a snapshot of the old data, which nothing in the stack uses; pass `--allow-replace Data` to allow it"),
            "{text}"
        );
        assert!(
            text.contains("\n  remove Logs (Logs, AWS::Logs::LogGroup): it leaves the stack; DeletionPolicy Retain leaves the old resource orphaned outside the stack (still billed, nothing points at it); pass `--allow-remove Logs` to allow it"),
            "{text}"
        );
        // The library says the same without the flags.
        assert!(!refused.to_string().contains("--allow"), "{refused}");
    }
}
