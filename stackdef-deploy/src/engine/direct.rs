//! The direct path: `CreateStack` / `UpdateStack` without a change set, for development
//! loops. The plan shown and the stateful check come from the offline diff.

use super::context::{Prepared, StackContext};
use super::error::DeployError;
use super::events::latest_event_id;
use super::options::DeployOptions;
use super::outcome::StackOutcome;
use super::report::{Confirm, Progress};
use super::retry::retry_throttled;
use super::staging::TemplateSource;
use super::status::says_no_changes;
use crate::analysis::plan::offline_plan;
use crate::analysis::protection::check;
use crate::analysis::secrets::shown_parameters;

/// Deploys with `CreateStack` / `UpdateStack`.
pub(crate) async fn deploy(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
    prepared: &Prepared,
) -> Result<StackOutcome, DeployError> {
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    let mut plan = offline_plan(
        name,
        prepared.creates,
        prepared.deployed.as_ref(),
        &prepared.template,
    );
    plan.parameters = shown_parameters(&prepared.template, &prepared.given_parameters());
    let refused = check(&plan, prepared.deployed.as_ref(), &options.allow);
    if !refused.is_empty() {
        return Err(DeployError::StatefulRefused {
            stack: name.to_owned(),
            changes: refused,
        });
    }
    ctx.reporter.progress(Progress::Planned { plan: &plan });
    if ctx.interrupt.is_set() {
        return Ok(StackOutcome::Interrupted { status: None });
    }
    if !ctx.reporter.confirm(Confirm::Deploy { plan: &plan }) {
        // A "no" while interrupted is the interrupt (Ctrl-C at the prompt).
        if ctx.interrupt.is_set() {
            return Ok(StackOutcome::Interrupted { status: None });
        }
        return Ok(StackOutcome::Declined);
    }
    let marker = match prepared.existing.as_ref().and_then(|s| s.stack_id()) {
        Some(id) => latest_event_id(cfn, id).await.ok().flatten(),
        None => None,
    };
    let stack_id = if prepared.creates {
        create(ctx, options, prepared).await?
    } else {
        match update(ctx, options, prepared).await? {
            Some(id) => id,
            None => {
                ctx.finished("NO_CHANGES", prepared.started);
                return Ok(StackOutcome::NoChanges {
                    outputs: prepared.existing_outputs(),
                });
            }
        }
    };
    let end = ctx
        .follow(&stack_id, marker, &prepared.paths, plan.changes.len())
        .await?;
    ctx.deploy_outcome(end, &stack_id, prepared.started).await
}

/// `CreateStack`; the new stack's id.
async fn create(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
    prepared: &Prepared,
) -> Result<String, DeployError> {
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    if let Some(s) = &prepared.existing {
        // An empty stack left by an unexecuted change set: CreateStack needs the name free.
        let id = s.stack_id().unwrap_or(name).to_owned();
        retry_throttled("cloudformation:DeleteStack", || {
            cfn.delete_stack().stack_name(&id).send()
        })
        .await?;
    }
    let out = retry_throttled("cloudformation:CreateStack", || {
        let r = cfn
            .create_stack()
            .stack_name(name)
            .set_deployment_config(options.deployment_config())
            .set_capabilities(Some(prepared.capabilities.clone()))
            .set_tags(Some(prepared.tags.clone()))
            .set_parameters(Some(prepared.params.clone()));
        match &prepared.source {
            TemplateSource::Body(b) => r.template_body(b),
            TemplateSource::Url(u) => r.template_url(u),
        }
        .send()
    })
    .await?;
    Ok(out.stack_id().unwrap_or(name).to_owned())
}

/// `UpdateStack`; the stack's id, or `None` when CloudFormation says there is nothing to
/// update.
async fn update(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
    prepared: &Prepared,
) -> Result<Option<String>, DeployError> {
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    let result = retry_throttled("cloudformation:UpdateStack", || {
        let r = cfn
            .update_stack()
            .stack_name(name)
            .set_deployment_config(options.deployment_config())
            .set_capabilities(Some(prepared.capabilities.clone()))
            .set_tags(Some(prepared.tags.clone()))
            .set_parameters(Some(prepared.params.clone()));
        match &prepared.source {
            TemplateSource::Body(b) => r.template_body(b),
            TemplateSource::Url(u) => r.template_url(u),
        }
        .send()
    })
    .await;
    match result {
        Ok(out) => Ok(Some(out.stack_id().unwrap_or(name).to_owned())),
        Err(DeployError::Aws {
            code: Some(_),
            message,
            ..
        }) if says_no_changes(&message) => Ok(None),
        Err(e) => Err(e),
    }
}
