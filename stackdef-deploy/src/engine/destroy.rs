//! Destroying one stack: refuse a protected or busy stack, name the data that goes with
//! it, ask, delete and follow the deletion.

use std::time::Instant;

use aws_sdk_cloudformation::types::StackStatus;
use serde_json::Value;

use super::context::{StackContext, deleted, failure};
use super::describe::{deployed_template, describe_stack};
use super::error::DeployError;
use super::events::latest_event_id;
use super::outcome::StackOutcome;
use super::report::Confirm;
use super::retry::retry_throttled;
use super::status::{in_progress, status_of};
use crate::analysis::paths::construct_paths;
use crate::analysis::stateful::stateful_deleted;

/// Destroys one stack.
pub(crate) async fn destroy_stack(ctx: &StackContext<'_>) -> Result<StackOutcome, DeployError> {
    let started = Instant::now();
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    let Some(stack) = describe_stack(cfn, name).await? else {
        ctx.finished("ABSENT", started);
        return Ok(StackOutcome::Absent);
    };
    if stack.enable_termination_protection() == Some(true) {
        return Err(DeployError::TerminationProtection {
            stack: name.to_owned(),
        });
    }
    let status = status_of(&stack);
    // A stack holding only a change set under review can go.
    if in_progress(&status) && status != StackStatus::ReviewInProgress {
        return Err(DeployError::Busy {
            stack: name.to_owned(),
            status: status.as_str().to_owned(),
        });
    }
    let stack_id = stack.stack_id().unwrap_or(name).to_owned();
    let deployed = deployed_template(cfn, &stack_id).await?;
    let stateful = deployed.as_ref().map(stateful_deleted).unwrap_or_default();
    let resources = deployed
        .as_ref()
        .and_then(|t| t.get("Resources"))
        .and_then(Value::as_object)
        .map_or(0, |r| r.len());
    if !ctx.reporter.confirm(Confirm::Destroy {
        stack: name,
        resources,
        stateful: &stateful,
    }) {
        if ctx.interrupt.is_set() {
            return Ok(StackOutcome::Interrupted { status: None });
        }
        ctx.finished("DECLINED", started);
        return Ok(StackOutcome::Declined);
    }
    let paths = construct_paths(ctx.artifact, deployed.as_ref());
    let marker = latest_event_id(cfn, &stack_id).await.ok().flatten();
    retry_throttled("cloudformation:DeleteStack", || {
        cfn.delete_stack().stack_name(&stack_id).send()
    })
    .await?;
    let end = ctx.follow(&stack_id, marker, &paths, resources).await?;
    if end.interrupted {
        return Ok(StackOutcome::Interrupted {
            status: Some(end.status),
        });
    }
    if end.timed_out {
        return Err(ctx.timed_out(&end, started));
    }
    ctx.finished(end.status.as_str(), started);
    if deleted(&end) {
        Ok(StackOutcome::Done {
            status: end.status,
            outputs: Vec::new(),
        })
    } else {
        Err(failure(name, end))
    }
}
