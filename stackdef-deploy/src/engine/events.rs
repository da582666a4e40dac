//! Following a stack operation: polls stack events and status until a final state, reporting
//! each resource state change, and remembers the first failure.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::primitives::DateTimeFormat;
use aws_sdk_cloudformation::types::{StackEvent, StackStatus};

use super::describe::describe_stack;
use super::error::DeployError;
use super::interrupt::Interrupt;
use super::report::{Progress, Reporter, ResourceEvent};
use super::retry::{is_stack_missing, retry_throttled};
use super::status::{in_progress, status_of};
use crate::analysis::secrets::mask;

/// How a followed operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowEnd {
    /// The stack's final status (`DELETE_COMPLETE` once a deleted stack is gone), or its
    /// status when following was interrupted.
    pub status: StackStatus,
    /// The stack's status reason.
    pub status_reason: Option<String>,
    /// The first resource failure seen.
    pub first_failure: Option<ResourceEvent>,
    /// Following stopped on an interrupt; the operation goes on in AWS.
    pub interrupted: bool,
    /// Following stopped at the time limit; the operation goes on in AWS.
    pub timed_out: bool,
}

impl FollowEnd {
    /// Whether the operation ended as it was meant to: `CREATE_COMPLETE`,
    /// `UPDATE_COMPLETE`, `DELETE_COMPLETE` or `IMPORT_COMPLETE`, not interrupted.
    pub fn completed(&self) -> bool {
        !self.interrupted
            && !self.timed_out
            && matches!(
                self.status,
                StackStatus::CreateComplete
                    | StackStatus::UpdateComplete
                    | StackStatus::DeleteComplete
                    | StackStatus::ImportComplete
            )
    }
}

/// The id of the most recent event of the stack (events after it are new).
pub(crate) async fn latest_event_id(
    cfn: &Client,
    stack_id: &str,
) -> Result<Option<String>, DeployError> {
    let out = retry_throttled("cloudformation:DescribeStackEvents", || {
        cfn.describe_stack_events().stack_name(stack_id).send()
    })
    .await?;
    Ok(out
        .stack_events()
        .first()
        .and_then(|e| e.event_id())
        .map(str::to_owned))
}

/// How many pages of events (100 each) are searched for the start of the latest operation.
const OPERATION_SEARCH_PAGES: usize = 20;

/// The marker (see [`FollowTarget::marker`]) that makes a follow replay the stack's latest
/// operation from its start: `stackdef watch` then shows what happened while nobody was
/// following, even when the operation has already ended. When the start is not among the
/// newest events, following begins at the latest event instead.
pub(crate) async fn operation_start_marker(
    cfn: &Client,
    stack: &str,
    stack_id: &str,
) -> Result<Option<String>, DeployError> {
    let mut events: Vec<StackEvent> = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..OPERATION_SEARCH_PAGES {
        let page = retry_throttled("cloudformation:DescribeStackEvents", || {
            cfn.describe_stack_events()
                .stack_name(stack_id)
                .set_next_token(token.clone())
                .send()
        })
        .await?;
        events.extend(page.stack_events().iter().cloned());
        if let Some(marker) = marker_before_operation(&events, stack, stack_id) {
            return Ok(marker);
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            // The oldest event is reached without a start: replay everything.
            _ => return Ok(None),
        }
    }
    Ok(events.first().and_then(|e| e.event_id()).map(str::to_owned))
}

/// In `events` (newest first), the newest event that begins an operation on the stack
/// itself: `Some(marker)` with the id of the event just before it (`None` inside when
/// it is the oldest, so every event is replayed); `None` when there is none, or when the
/// event before it is on a page not read yet.
fn marker_before_operation(
    events: &[StackEvent],
    stack: &str,
    stack_id: &str,
) -> Option<Option<String>> {
    let start = events
        .iter()
        .position(|e| starts_operation(e, stack, stack_id))?;
    events
        .get(start + 1)
        .map(|before| before.event_id().map(str::to_owned))
}

/// Whether `e` is the stack's own event that begins a create, update, delete or import
/// (rollbacks and clean-ups are phases of an operation, not starts).
fn starts_operation(e: &StackEvent, stack: &str, stack_id: &str) -> bool {
    let on_stack = e.physical_resource_id() == Some(stack_id)
        || (e.resource_type() == Some("AWS::CloudFormation::Stack")
            && e.logical_resource_id() == Some(stack));
    let status = e.resource_status().map(|s| s.as_str()).unwrap_or_default();
    on_stack
        && matches!(
            status,
            "CREATE_IN_PROGRESS"
                | "UPDATE_IN_PROGRESS"
                | "DELETE_IN_PROGRESS"
                | "IMPORT_IN_PROGRESS"
        )
}

/// What a follow needs to know about the stack.
#[derive(Debug)]
pub(crate) struct FollowTarget<'a> {
    /// Stack name (for reports and stack-level events).
    pub stack: &'a str,
    /// Stack id (ARN) to poll, which stays valid after deletion.
    pub stack_id: &'a str,
    /// Events up to and including this one are old.
    pub marker: Option<String>,
    /// Logical id -> construct path.
    pub paths: &'a HashMap<String, String>,
    /// Resources expected to change (for the progress bar).
    pub total: usize,
    /// Stop following after this long.
    pub timeout: Option<Duration>,
    /// Report what is in progress after this long without news.
    pub heartbeat: Duration,
    /// Values masked in event reasons.
    pub secrets: &'a [String],
}

fn to_event(e: &StackEvent, paths: &HashMap<String, String>) -> ResourceEvent {
    let logical_id = e.logical_resource_id().unwrap_or_default().to_owned();
    ResourceEvent {
        timestamp: e
            .timestamp()
            .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
            .unwrap_or_default(),
        construct_path: paths.get(&logical_id).cloned(),
        logical_id,
        type_name: e.resource_type().unwrap_or_default().to_owned(),
        status: e
            .resource_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        reason: e
            .resource_status_reason()
            .filter(|r| !r.is_empty())
            .map(str::to_owned),
    }
}

async fn new_events(
    cfn: &Client,
    target: &FollowTarget<'_>,
    seen: &mut HashSet<String>,
) -> Result<Vec<StackEvent>, DeployError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    'pages: loop {
        let page = match retry_throttled("cloudformation:DescribeStackEvents", || {
            cfn.describe_stack_events()
                .stack_name(target.stack_id)
                .set_next_token(token.clone())
                .send()
        })
        .await
        {
            Ok(p) => p,
            Err(e) if is_stack_missing(&e) => break,
            Err(e) => return Err(e),
        };
        for e in page.stack_events() {
            let id = e.event_id().unwrap_or_default();
            if Some(id) == target.marker.as_deref() || seen.contains(id) {
                break 'pages;
            }
            out.push(e.clone());
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    out.reverse();
    for e in &out {
        seen.insert(e.event_id().unwrap_or_default().to_owned());
    }
    Ok(out)
}

/// Follows the stack until its status is final (or `interrupt` fires, or the time limit
/// passes), reporting events, and what is still in progress when nothing happens for a
/// while.
pub(crate) async fn follow(
    cfn: &Client,
    target: FollowTarget<'_>,
    reporter: &dyn Reporter,
    interrupt: &Interrupt,
) -> Result<FollowEnd, DeployError> {
    let started = Instant::now();
    let mut seen = HashSet::new();
    let mut finished: HashSet<String> = HashSet::new();
    // Logical id -> shown name, for resources whose latest status is in progress.
    let mut running: Vec<(String, String)> = Vec::new();
    let mut first_failure: Option<ResourceEvent> = None;
    let mut delay = Duration::from_millis(150);
    let mut last_news = Instant::now();
    let mut last_heartbeat = Instant::now();
    loop {
        let stack = describe_stack(cfn, target.stack_id).await?;
        let (status, reason) = match &stack {
            Some(s) => (
                status_of(s),
                s.stack_status_reason()
                    .filter(|r| !r.is_empty())
                    .map(|r| mask(r, target.secrets)),
            ),
            // Not described any more: the stack was deleted.
            None => (StackStatus::DeleteComplete, None),
        };
        let events = new_events(cfn, &target, &mut seen).await?;
        if !events.is_empty() {
            delay = Duration::from_millis(300);
            last_news = Instant::now();
        }
        for e in &events {
            let mut event = to_event(e, target.paths);
            event.reason = event.reason.map(|r| mask(&r, target.secrets));
            let is_stack = event.logical_id == target.stack
                || e.physical_resource_id() == Some(target.stack_id);
            if !is_stack {
                running.retain(|(id, _)| *id != event.logical_id);
                if event.status.ends_with("_IN_PROGRESS") {
                    let shown = event
                        .construct_path
                        .clone()
                        .unwrap_or_else(|| event.logical_id.clone());
                    running.push((event.logical_id.clone(), shown));
                }
            }
            if !is_stack
                && (event.status.ends_with("_COMPLETE") || event.status.ends_with("_FAILED"))
            {
                finished.insert(event.logical_id.clone());
            }
            if !is_stack && first_failure.is_none() && event.is_failure() {
                first_failure = Some(event.clone());
            }
            reporter.progress(Progress::Event {
                stack: target.stack,
                event: &event,
                done: finished.len(),
                total: target.total.max(finished.len()),
                elapsed: started.elapsed(),
            });
        }
        let end =
            |interrupted: bool, timed_out: bool, first_failure: Option<ResourceEvent>| FollowEnd {
                status: status.clone(),
                status_reason: reason.clone(),
                first_failure,
                interrupted,
                timed_out,
            };
        if !in_progress(&status) {
            return Ok(end(false, false, first_failure));
        }
        if target.timeout.is_some_and(|t| started.elapsed() >= t) {
            return Ok(end(false, true, first_failure));
        }
        let quiet = last_news.elapsed().min(last_heartbeat.elapsed());
        if quiet >= target.heartbeat {
            let names: Vec<String> = running.iter().map(|(_, n)| n.clone()).collect();
            reporter.progress(Progress::Waiting {
                stack: target.stack,
                in_progress: &names,
                quiet: last_news.elapsed(),
                elapsed: started.elapsed(),
            });
            last_heartbeat = Instant::now();
        }
        let mut wait = delay;
        if let Some(t) = target.timeout {
            wait = wait.min(t.saturating_sub(started.elapsed()));
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = interrupt.wait() => {
                return Ok(end(true, false, first_failure));
            }
        }
        delay = (delay.mul_f32(1.5)).min(Duration::from_secs(3));
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudformation::types::ResourceStatus;

    use super::*;

    const ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/App/1";

    fn event(id: &str, logical: &str, status: &str) -> StackEvent {
        let on_stack = logical == "App";
        StackEvent::builder()
            .event_id(id)
            .stack_id(ID)
            .stack_name("App")
            .logical_resource_id(logical)
            .physical_resource_id(if on_stack { ID } else { "phys" })
            .resource_type(if on_stack {
                "AWS::CloudFormation::Stack"
            } else {
                "AWS::SQS::Queue"
            })
            .resource_status(ResourceStatus::from(status))
            .build()
    }

    #[test]
    fn replay_starts_at_the_latest_operation_not_at_a_rollback() {
        // Newest first: an update that rolled back, after a create.
        let events = [
            event("9", "App", "UPDATE_ROLLBACK_COMPLETE"),
            event("8", "Queue", "UPDATE_COMPLETE"),
            event("7", "App", "UPDATE_ROLLBACK_IN_PROGRESS"),
            event("6", "Queue", "UPDATE_FAILED"),
            event("5", "App", "UPDATE_IN_PROGRESS"),
            event("4", "App", "CREATE_COMPLETE"),
            event("3", "Queue", "CREATE_COMPLETE"),
            event("2", "Queue", "CREATE_IN_PROGRESS"),
            event("1", "App", "CREATE_IN_PROGRESS"),
            event("0", "App", "REVIEW_IN_PROGRESS"),
        ];
        assert_eq!(
            marker_before_operation(&events, "App", ID),
            Some(Some("4".into()))
        );
        // The first operation: everything after the change-set review.
        assert_eq!(
            marker_before_operation(&events[5..], "App", ID),
            Some(Some("0".into()))
        );
        // A start on the oldest event read so far: the one before it is on the next page.
        assert_eq!(marker_before_operation(&events[5..9], "App", ID), None);
        // A resource's own CREATE_IN_PROGRESS does not start anything.
        assert_eq!(marker_before_operation(&events[..4], "App", ID), None);
    }
}
