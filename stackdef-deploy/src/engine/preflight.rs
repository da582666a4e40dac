//! Before a deploy: what the stack's current status allows (create, update, or refuse with
//! what to do), deleting a stack left by a failed create when asked to.

use aws_sdk_cloudformation::types::{Stack, StackStatus};

use super::context::{StackContext, deleted};
use super::error::DeployError;
use super::outcome::StackOutcome;
use super::report::Progress;
use super::status::{in_progress, status_of};

/// How the deploy of a stack goes on.
pub(crate) enum Start {
    /// Create the stack (it does not exist, holds only a change set under review, or was
    /// just deleted after a failed create).
    Create,
    /// Update it.
    Update,
    /// Stop here with this outcome.
    Stop(StackOutcome),
}

/// Decides from the stack's status whether it can be deployed.
pub(crate) async fn preflight(
    ctx: &StackContext<'_>,
    existing: Option<&Stack>,
    recreate_failed: bool,
) -> Result<Start, DeployError> {
    let Some(stack) = existing else {
        return Ok(Start::Create);
    };
    let name = ctx.name();
    let status = status_of(stack);
    match status {
        StackStatus::ReviewInProgress => Ok(Start::Create),
        StackStatus::RollbackComplete if recreate_failed => {
            ctx.reporter.progress(Progress::Step {
                stack: name,
                message: "deleting the stack left by the failed create, to create it again",
            });
            let end = ctx
                .delete_and_wait(stack.stack_id().unwrap_or(name))
                .await?;
            if end.interrupted {
                return Ok(Start::Stop(StackOutcome::Interrupted {
                    status: Some(end.status),
                }));
            }
            if !deleted(&end) {
                return Err(DeployError::Stuck {
                    stack: name.to_owned(),
                    status: end.status.as_str().to_owned(),
                    hint: "the failed stack could not be deleted; see its events".into(),
                });
            }
            Ok(Start::Create)
        }
        StackStatus::RollbackComplete => Err(DeployError::RollbackComplete {
            stack: name.to_owned(),
        }),
        StackStatus::UpdateRollbackFailed => Err(DeployError::UpdateRollbackFailed {
            stack: name.to_owned(),
        }),
        StackStatus::RollbackFailed | StackStatus::DeleteFailed | StackStatus::CreateFailed => {
            Err(DeployError::Stuck {
                stack: name.to_owned(),
                hint: "it cannot be updated; delete it and deploy again".into(),
                status: status.as_str().to_owned(),
            })
        }
        s if in_progress(&s) => Err(DeployError::Busy {
            stack: name.to_owned(),
            status: s.as_str().to_owned(),
        }),
        _ => Ok(Start::Update),
    }
}
