//! Watching a stack (`Deployer::watch`): replay its latest operation from the start, then
//! follow it until it settles.

use super::context::StackContext;
use super::describe::describe_stack;
use super::error::DeployError;
use super::events::{FollowEnd, operation_start_marker};
use crate::analysis::paths::construct_paths;

/// Follows whatever operation is running on a stack, replaying its events from the start of
/// that operation.
pub(crate) async fn watch_stack(ctx: &StackContext<'_>) -> Result<FollowEnd, DeployError> {
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    let Some(stack) = describe_stack(cfn, name).await? else {
        return Err(DeployError::StackNotFound {
            stack: name.to_owned(),
            region: ctx.clients.region.clone(),
        });
    };
    let stack_id = stack.stack_id().unwrap_or(name).to_owned();
    let paths = construct_paths(ctx.artifact, None);
    // From the start of the running (or last) operation, not from now.
    let marker = operation_start_marker(cfn, name, &stack_id).await?;
    ctx.follow(&stack_id, marker, &paths, ctx.artifact.resources.len())
        .await
}
