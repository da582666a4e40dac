//! The change-set path: create a change set, wait for CloudFormation's plan, check it,
//! show it, ask, execute it and follow the execution.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{
    ChangeAction, ChangeSetStatus, ChangeSetType, Replacement, ResourceChange, StackStatus,
};

use super::context::{Prepared, StackContext};
use super::describe::describe_stack;
use super::error::DeployError;
use super::events::latest_event_id;
use super::options::DeployOptions;
use super::outcome::{StackFailure, StackOutcome};
use super::report::{Confirm, Progress};
use super::retry::retry_throttled;
use super::staging::TemplateSource;
use super::status::says_no_changes;
use crate::analysis::plan::{Action, Plan, PlannedChange, ReplacementSource};
use crate::analysis::protection::check;
use crate::analysis::replacement::predicted_replacements;
use crate::analysis::secrets::shown_parameters;
use crate::analysis::security::security_changes;

/// What CloudFormation made of a change set.
enum Planned {
    /// The changes it would make.
    Ready(Vec<PlannedChange>),
    /// It could not make one, for this reason.
    Failed(String),
}

/// Deploys through a change set.
pub(crate) async fn deploy(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
    prepared: &Prepared,
) -> Result<StackOutcome, DeployError> {
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    let creates = prepared.creates;
    ctx.reporter.progress(Progress::Step {
        stack: name,
        message: "creating change set",
    });
    let (change_set_id, created_stack_id) = create(ctx, options, prepared).await?;
    let changes = match wait(ctx, &change_set_id, prepared).await? {
        Planned::Ready(changes) => changes,
        Planned::Failed(reason) => {
            if says_no_changes(&reason) {
                delete_change_set(cfn, name, &change_set_id).await;
                ctx.finished("NO_CHANGES", prepared.started);
                return Ok(StackOutcome::NoChanges {
                    outputs: prepared.existing_outputs(),
                });
            }
            let removed_stack = abandon(cfn, name, &change_set_id, creates).await;
            return Err(DeployError::ChangeSetFailed {
                stack: name.to_owned(),
                reason,
                removed_stack,
            });
        }
    };
    let plan = Plan {
        stack: name.to_owned(),
        creates_stack: creates,
        change_set_id: change_set_id.clone(),
        changes,
        security: security_changes(prepared.deployed.as_ref(), &prepared.template),
        parameters: shown_parameters(&prepared.template, &prepared.given_parameters()),
    };
    let refused = check(&plan, prepared.deployed.as_ref(), &options.allow);
    if !refused.is_empty() {
        abandon(cfn, name, &change_set_id, creates).await;
        return Err(DeployError::StatefulRefused {
            stack: name.to_owned(),
            changes: refused,
        });
    }
    ctx.reporter.progress(Progress::Planned { plan: &plan });
    if plan.changes.is_empty() {
        delete_change_set(cfn, name, &change_set_id).await;
        ctx.finished("NO_CHANGES", prepared.started);
        return Ok(StackOutcome::NoChanges {
            outputs: prepared.existing_outputs(),
        });
    }
    if ctx.interrupt.is_set() {
        abandon(cfn, name, &change_set_id, creates).await;
        return Ok(StackOutcome::Interrupted { status: None });
    }
    if !ctx.reporter.confirm(Confirm::Deploy { plan: &plan }) {
        abandon(cfn, name, &change_set_id, creates).await;
        // A "no" while interrupted is the interrupt (Ctrl-C at the prompt).
        if ctx.interrupt.is_set() {
            return Ok(StackOutcome::Interrupted { status: None });
        }
        ctx.finished("DECLINED", prepared.started);
        return Ok(StackOutcome::Declined);
    }

    let stack_id = match describe_stack(cfn, name).await? {
        Some(s) => s.stack_id().unwrap_or(name).to_owned(),
        None => created_stack_id.unwrap_or_else(|| name.to_owned()),
    };
    let marker = latest_event_id(cfn, &stack_id).await.ok().flatten();
    if let Err(e) = execute(ctx, &change_set_id).await {
        return Err(match e {
            DeployError::StackFailed(mut failure) if creates => {
                // The stack never got past review: remove it, as a refused plan would.
                if abandon(cfn, name, &change_set_id, true).await {
                    failure.cleanup = Some(
                        "the stack created to hold the change set was still under review and was deleted".into(),
                    );
                }
                DeployError::StackFailed(failure)
            }
            other => other,
        });
    }
    let end = ctx
        .follow(&stack_id, marker, &prepared.paths, plan.changes.len())
        .await?;
    ctx.deploy_outcome(end, &stack_id, prepared.started).await
}

/// Creates the change set: its id, and the stack's id when CloudFormation gave one.
async fn create(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
    prepared: &Prepared,
) -> Result<(String, Option<String>), DeployError> {
    let cfn = &ctx.clients.cloudformation;
    let name = ctx.name();
    let change_set_name = format!(
        "stackdef-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    );
    let created = retry_throttled("cloudformation:CreateChangeSet", || {
        let mut req = cfn
            .create_change_set()
            .stack_name(name)
            .change_set_name(&change_set_name)
            .change_set_type(if prepared.creates {
                ChangeSetType::Create
            } else {
                ChangeSetType::Update
            })
            .set_capabilities(Some(prepared.capabilities.clone()))
            .set_tags(Some(prepared.tags.clone()))
            .set_deployment_config(options.deployment_config())
            .description("stackdef deploy");
        if !prepared.params.is_empty() {
            req = req.set_parameters(Some(prepared.params.clone()));
        }
        req = match &prepared.source {
            TemplateSource::Body(b) => req.template_body(b),
            TemplateSource::Url(u) => req.template_url(u),
        };
        req.send()
    })
    .await?;
    Ok((
        created.id().unwrap_or(&change_set_name).to_owned(),
        created.stack_id().map(str::to_owned),
    ))
}

/// Waits until CloudFormation has planned the change set (or failed to), reading every
/// page of its changes.
async fn wait(
    ctx: &StackContext<'_>,
    change_set_id: &str,
    prepared: &Prepared,
) -> Result<Planned, DeployError> {
    let cfn = &ctx.clients.cloudformation;
    let predicted = predicted_replacements(prepared.deployed.as_ref(), &prepared.template);
    let mut delay = Duration::from_millis(100);
    loop {
        let mut token: Option<String> = None;
        let mut status: Option<ChangeSetStatus> = None;
        let mut reason = String::new();
        let mut changes = Vec::new();
        loop {
            let page = retry_throttled("cloudformation:DescribeChangeSet", || {
                cfn.describe_change_set()
                    .stack_name(ctx.name())
                    .change_set_name(change_set_id)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
            status = page.status().cloned().or(status);
            if let Some(r) = page.status_reason() {
                reason = r.to_owned();
            }
            for c in page.changes() {
                if let Some(rc) = c.resource_change() {
                    changes.push(planned_change(rc, &prepared.paths, &predicted));
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() && status == Some(ChangeSetStatus::CreateComplete) => {
                    token = Some(t.to_owned())
                }
                _ => break,
            }
        }
        match status {
            Some(ChangeSetStatus::CreateComplete) => return Ok(Planned::Ready(changes)),
            Some(ChangeSetStatus::Failed) => return Ok(Planned::Failed(reason)),
            _ => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(3));
            }
        }
    }
}

/// Executes the change set. A call that fails with a service error is the stack's failure:
/// some APIs (and emulators) fail the call itself when a resource fails.
async fn execute(ctx: &StackContext<'_>, change_set_id: &str) -> Result<(), DeployError> {
    let cfn = &ctx.clients.cloudformation;
    let executed = retry_throttled("cloudformation:ExecuteChangeSet", || {
        cfn.execute_change_set()
            .stack_name(ctx.name())
            .change_set_name(change_set_id)
            .send()
    })
    .await;
    match executed {
        Ok(_) => Ok(()),
        Err(DeployError::Aws {
            code: Some(code),
            message,
            ..
        }) => Err(DeployError::StackFailed(Box::new(StackFailure {
            stack: ctx.name().to_owned(),
            status: "ExecuteChangeSet".into(),
            first_failure: None,
            status_reason: Some(format!("{code}: {message}")),
            cleanup: None,
        }))),
        Err(e) => Err(e),
    }
}

/// Builds one planned change from a change set's resource change.
///
/// `paths` maps logical ids to construct paths; `predicted` maps logical ids to the
/// create-only properties the offline diff found changed, for when the API leaves the
/// replacement field out.
fn planned_change(
    rc: &ResourceChange,
    paths: &HashMap<String, String>,
    predicted: &HashMap<String, Vec<String>>,
) -> PlannedChange {
    let logical_id = rc.logical_resource_id().unwrap_or_default().to_owned();
    let mut properties: Vec<String> = Vec::new();
    for d in rc.details() {
        if let Some(name) = d.target().and_then(|t| t.name())
            && !properties.iter().any(|p| p == name)
        {
            properties.push(name.to_owned());
        }
    }
    let (action, source) = match rc.action() {
        Some(ChangeAction::Add) => (Action::Add, ReplacementSource::None),
        Some(ChangeAction::Remove) => (Action::Remove, ReplacementSource::None),
        Some(ChangeAction::Modify) => match rc.replacement() {
            Some(Replacement::True) => (Action::Replace, ReplacementSource::ChangeSet),
            Some(Replacement::Conditional) => (Action::MaybeReplace, ReplacementSource::ChangeSet),
            Some(_) => (Action::Modify, ReplacementSource::None),
            None => match predicted.get(&logical_id) {
                Some(props) if !props.is_empty() => {
                    properties = props.clone();
                    (Action::Replace, ReplacementSource::Predicted)
                }
                _ => (Action::Modify, ReplacementSource::None),
            },
        },
        _ => (Action::Other, ReplacementSource::None),
    };
    PlannedChange {
        action,
        type_name: rc.resource_type().unwrap_or_default().to_owned(),
        construct_path: paths.get(&logical_id).cloned(),
        logical_id,
        properties,
        replacement_source: source,
    }
}

/// Drops a change set that will not run, and the stack created only to hold it; whether
/// that stack was deleted.
async fn abandon(cfn: &Client, stack: &str, change_set_id: &str, creates: bool) -> bool {
    delete_change_set(cfn, stack, change_set_id).await;
    if !creates {
        return false;
    }
    if let Ok(Some(s)) = describe_stack(cfn, stack).await
        && s.stack_status() == Some(&StackStatus::ReviewInProgress)
    {
        let id = s.stack_id().unwrap_or(stack).to_owned();
        return cfn.delete_stack().stack_name(id).send().await.is_ok();
    }
    false
}

async fn delete_change_set(cfn: &Client, stack: &str, id: &str) {
    // Best effort: a change set left behind is harmless and expires with the next deploy.
    let _ = cfn
        .delete_change_set()
        .stack_name(stack)
        .change_set_name(id)
        .send()
        .await;
}
