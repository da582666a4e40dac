//! Operations on one stack: deploy through a change set, destroy, read outputs. The
//! multi-stack [`super::Deployer`] runs these in dependency order.

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{
    ChangeSetStatus, ChangeSetType, Parameter, Stack, Tag, TemplateStage,
};
use serde_json::Value;
use stackdef_synth::assembly::StackArtifact;

use super::aws::{Clients, is_stack_missing, retry_throttled, service_error};
use super::capabilities::required_capabilities;
use super::diff::{ChangeKind, diff_templates};
use super::diff::{construct_path, replacing_properties};
use super::engine::{DeployMethod, DeployOptions, DestroyOptions};
use super::error::DeployError;
use super::events::{
    FollowEnd, FollowTarget, describe_stack, follow, latest_event_id, operation_start_marker,
};
use super::interrupt::Interrupt;
use super::plan::{Action, Plan, PlannedChange, ReplacementSource, planned_change};
use super::protection::{check, is_stateful};
use super::report::{Confirm, Progress, Reporter, ResourceEvent};
use super::staging::{TemplateSource, template_source};

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
    /// Changes executed; the final status (`CREATE_COMPLETE`, `UPDATE_COMPLETE`,
    /// `DELETE_COMPLETE`).
    Done {
        /// Final status.
        status: String,
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
    /// Following stopped on Ctrl-C; the operation goes on in AWS.
    Interrupted {
        /// The stack's status when following stopped (empty when nothing was started).
        status: String,
    },
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
}

impl StackFailure {
    /// What the rollback did and what to do next.
    pub fn rollback_outcome(&self) -> String {
        let s = &self.stack;
        match self.status.as_str() {
            "ROLLBACK_COMPLETE" => format!(
                "the create was rolled back and the stack is empty; fix the cause, then `stackdef deploy {s} --recreate-failed`"
            ),
            "UPDATE_ROLLBACK_COMPLETE" => {
                "the update was rolled back; the stack is back to its previous deployment".into()
            }
            "UPDATE_ROLLBACK_FAILED" => format!(
                "the rollback failed too: fix the resource by hand, then `aws cloudformation continue-update-rollback --stack-name {s}` (with `--resources-to-skip` for what cannot be fixed)"
            ),
            "ROLLBACK_FAILED" => format!(
                "the rollback failed: some resources remain; delete the stack with `stackdef destroy {s}` and deploy again"
            ),
            "DELETE_FAILED" => format!(
                "some resources could not be deleted; remove them (or what blocks them) and run `stackdef destroy {s}` again"
            ),
            "CREATE_FAILED" | "UPDATE_FAILED" => {
                "rollback is disabled; the stack keeps the partial change".into()
            }
            _ => "CloudFormation refused the operation; nothing was changed".into(),
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
        write!(f, "\n  {}", self.rollback_outcome())
    }
}

/// What a stack operation needs.
pub(crate) struct StackContext<'a> {
    pub clients: Clients,
    pub reporter: &'a dyn Reporter,
    pub interrupt: &'a Interrupt,
    pub artifact: &'a StackArtifact,
    /// The synthesized template text.
    pub template_text: String,
}

/// Logical id -> construct path, from the manifest and the template's metadata.
pub fn construct_paths(
    artifact: &StackArtifact,
    template: Option<&Value>,
) -> HashMap<String, String> {
    let mut paths: HashMap<String, String> = artifact
        .resources
        .iter()
        .map(|(id, r)| (id.clone(), r.path.clone()))
        .collect();
    if let Some(resources) = template
        .and_then(|t| t.get("Resources"))
        .and_then(Value::as_object)
    {
        for (id, r) in resources {
            if let Some(p) = construct_path(r) {
                paths.entry(id.clone()).or_insert(p);
            }
        }
    }
    paths
}

fn outputs_of(stack: &Stack) -> Vec<StackOutput> {
    stack
        .outputs()
        .iter()
        .map(|o| StackOutput {
            key: o.output_key().unwrap_or_default().to_owned(),
            value: o.output_value().unwrap_or_default().to_owned(),
            description: o.description().map(str::to_owned),
            export_name: o.export_name().map(str::to_owned),
        })
        .collect()
}

fn status_of(stack: &Stack) -> String {
    stack
        .stack_status()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default()
}

/// The deployed template, parsed (`None` when the stack does not exist).
pub async fn deployed_template(cfn: &Client, stack: &str) -> Result<Option<Value>, DeployError> {
    let out = match retry_throttled("cloudformation:GetTemplate", || {
        cfn.get_template()
            .stack_name(stack)
            .template_stage(TemplateStage::Original)
            .send()
    })
    .await
    {
        Ok(o) => o,
        Err(e) if is_stack_missing(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(body) = out.template_body() else {
        return Ok(None);
    };
    serde_json::from_str(body)
        .map(Some)
        .map_err(|e| DeployError::TemplateFormat {
            stack: stack.to_owned(),
            detail: e.to_string(),
        })
}

/// A stack's current outputs.
pub async fn stack_outputs(
    cfn: &Client,
    stack: &str,
    region: &str,
) -> Result<Vec<StackOutput>, DeployError> {
    match describe_stack(cfn, stack).await? {
        Some(s) => Ok(outputs_of(&s)),
        None => Err(DeployError::StackNotFound {
            stack: stack.to_owned(),
            region: region.to_owned(),
        }),
    }
}

fn no_changes_reason(reason: &str) -> bool {
    reason.contains("didn't contain changes")
        || reason.contains("No updates are to be performed")
        || reason.contains("no changes")
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

/// Deletes a stack and waits until it is gone (used for `--recreate-failed` and declined
/// creates).
async fn delete_and_wait(ctx: &StackContext<'_>, stack_id: &str) -> Result<FollowEnd, DeployError> {
    let cfn = &ctx.clients.cloudformation;
    let name = &ctx.artifact.name;
    retry_throttled("cloudformation:DeleteStack", || {
        cfn.delete_stack().stack_name(stack_id).send()
    })
    .await?;
    let paths = HashMap::new();
    let end = follow(
        cfn,
        FollowTarget {
            stack: name,
            stack_id,
            marker: latest_event_id(cfn, stack_id).await.ok().flatten(),
            paths: &paths,
            total: 0,
        },
        ctx.reporter,
        ctx.interrupt,
    )
    .await?;
    Ok(end)
}

/// Deploys one stack through a change set.
pub(crate) async fn deploy_stack(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
) -> Result<StackOutcome, DeployError> {
    let started = Instant::now();
    let name = ctx.artifact.name.as_str();
    let cfn = &ctx.clients.cloudformation;
    let template: Value =
        serde_json::from_str(&ctx.template_text).map_err(|e| DeployError::TemplateFormat {
            stack: name.to_owned(),
            detail: e.to_string(),
        })?;
    let paths = construct_paths(ctx.artifact, Some(&template));
    let finish = |status: &str| {
        ctx.reporter.progress(Progress::StackFinished {
            stack: name,
            status,
            elapsed: started.elapsed(),
        })
    };

    let existing = describe_stack(cfn, name).await?;
    let mut creates = true;
    if let Some(stack) = &existing {
        let status = status_of(stack);
        let stack_id = stack.stack_id().unwrap_or(name).to_owned();
        match status.as_str() {
            "REVIEW_IN_PROGRESS" => {}
            "ROLLBACK_COMPLETE" if options.recreate_failed => {
                ctx.reporter.progress(Progress::Step {
                    stack: name,
                    message: "deleting the stack left by the failed create (--recreate-failed)",
                });
                let end = delete_and_wait(ctx, &stack_id).await?;
                if end.interrupted {
                    return Ok(StackOutcome::Interrupted { status: end.status });
                }
                if end.status != "DELETE_COMPLETE" {
                    return Err(DeployError::Stuck {
                        stack: name.to_owned(),
                        status: end.status,
                        hint: "the failed stack could not be deleted; see its events".into(),
                    });
                }
            }
            "ROLLBACK_COMPLETE" => {
                return Err(DeployError::RollbackComplete {
                    stack: name.to_owned(),
                });
            }
            "UPDATE_ROLLBACK_FAILED" => {
                return Err(DeployError::UpdateRollbackFailed {
                    stack: name.to_owned(),
                });
            }
            "ROLLBACK_FAILED" | "DELETE_FAILED" | "CREATE_FAILED" => {
                return Err(DeployError::Stuck {
                    stack: name.to_owned(),
                    hint: format!(
                        "it cannot be updated; delete it with `stackdef destroy {name}` and deploy again"
                    ),
                    status,
                });
            }
            s if s.ends_with("_IN_PROGRESS") => {
                return Err(DeployError::Busy {
                    stack: name.to_owned(),
                    status,
                });
            }
            _ => creates = false,
        }
    }

    let parameters = options.parameters_for(name);
    let deployed = if creates {
        None
    } else {
        deployed_template(cfn, name).await?
    };

    // A template identical to the deployed one, with the same tags and no parameters, has
    // nothing to change: skip the change set round trips.
    if let (Some(stack), Some(deployed)) = (&existing, &deployed) {
        let same_tags = {
            let mut live: Vec<(&str, &str)> = stack
                .tags()
                .iter()
                .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default()))
                .collect();
            let mut wanted: Vec<(&str, &str)> = ctx
                .artifact
                .tags
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            live.sort_unstable();
            wanted.sort_unstable();
            live == wanted
        };
        let has_parameters = template
            .get("Parameters")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
        if !options.force
            && same_tags
            && !has_parameters
            && parameters.is_empty()
            && *deployed == template
        {
            finish("NO_CHANGES");
            return Ok(StackOutcome::NoChanges {
                outputs: outputs_of(stack),
            });
        }
    }

    let source = if ctx.template_text.len() > stackdef_synth::assembly::INLINE_TEMPLATE_LIMIT {
        ctx.reporter.progress(Progress::Step {
            stack: name,
            message: "uploading the template to the staging bucket",
        });
        template_source(
            &ctx.clients,
            name,
            ctx.template_text.clone(),
            options.staging_bucket.as_deref(),
        )
        .await?
    } else {
        TemplateSource::Body(ctx.template_text.clone())
    };

    let capabilities = required_capabilities(&template);
    let tags: Vec<Tag> = ctx
        .artifact
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let params: Vec<Parameter> = parameters
        .iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect();
    if options.method == DeployMethod::Direct {
        let request = DirectRequest {
            creates,
            existing: existing.as_ref(),
            deployed: deployed.as_ref(),
            template: &template,
            source: &source,
            paths: &paths,
            capabilities: &capabilities,
            tags: &tags,
            params: &params,
            started,
        };
        return deploy_direct(ctx, options, request).await;
    }
    ctx.reporter.progress(Progress::Step {
        stack: name,
        message: "creating change set",
    });
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
            .change_set_type(if creates {
                ChangeSetType::Create
            } else {
                ChangeSetType::Update
            })
            .set_capabilities(Some(capabilities.clone()))
            .set_tags(Some(tags.clone()))
            .set_deployment_config(options.deployment_config())
            .description("stackdef deploy");
        if !params.is_empty() {
            req = req.set_parameters(Some(params.clone()));
        }
        req = match &source {
            TemplateSource::Body(b) => req.template_body(b),
            TemplateSource::Url(u) => req.template_url(u),
        };
        req.send()
    })
    .await?;
    let change_set_id = created.id().unwrap_or(&change_set_name).to_owned();

    // Wait for the change set.
    let mut delay = std::time::Duration::from_millis(100);
    let mut changes = Vec::new();
    let predicted: HashMap<String, Vec<String>> =
        predicted_replacements(deployed.as_ref(), &template);
    loop {
        let mut token: Option<String> = None;
        let mut status: Option<ChangeSetStatus> = None;
        let mut reason = String::new();
        changes.clear();
        loop {
            let page = retry_throttled("cloudformation:DescribeChangeSet", || {
                cfn.describe_change_set()
                    .stack_name(name)
                    .change_set_name(&change_set_id)
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
                    changes.push(planned_change(rc, &paths, &predicted));
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
            Some(ChangeSetStatus::CreateComplete) => break,
            Some(ChangeSetStatus::Failed) => {
                delete_change_set(cfn, name, &change_set_id).await;
                if no_changes_reason(&reason) {
                    finish("NO_CHANGES");
                    let outputs = existing.as_ref().map(outputs_of).unwrap_or_default();
                    return Ok(StackOutcome::NoChanges { outputs });
                }
                return Err(DeployError::ChangeSetFailed {
                    stack: name.to_owned(),
                    reason,
                });
            }
            _ => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(3));
            }
        }
    }

    let plan = Plan {
        stack: name.to_owned(),
        creates_stack: creates,
        change_set_id: change_set_id.clone(),
        changes,
    };
    let refused = check(&plan, deployed.as_ref(), &options.allow);
    if !refused.is_empty() {
        delete_change_set(cfn, name, &change_set_id).await;
        cleanup_review_stack(cfn, name, creates).await;
        return Err(DeployError::StatefulRefused {
            stack: name.to_owned(),
            changes: refused,
        });
    }
    ctx.reporter.progress(Progress::Planned { plan: &plan });
    if plan.changes.is_empty() {
        delete_change_set(cfn, name, &change_set_id).await;
        finish("NO_CHANGES");
        let outputs = existing.as_ref().map(outputs_of).unwrap_or_default();
        return Ok(StackOutcome::NoChanges { outputs });
    }
    if ctx.interrupt.is_set() {
        delete_change_set(cfn, name, &change_set_id).await;
        cleanup_review_stack(cfn, name, creates).await;
        return Ok(StackOutcome::Interrupted {
            status: String::new(),
        });
    }
    if !ctx.reporter.confirm(Confirm::Deploy { plan: &plan }) {
        delete_change_set(cfn, name, &change_set_id).await;
        cleanup_review_stack(cfn, name, creates).await;
        finish("DECLINED");
        return Ok(StackOutcome::Declined);
    }

    let stack_id = match describe_stack(cfn, name).await? {
        Some(s) => s.stack_id().unwrap_or(name).to_owned(),
        None => created.stack_id().unwrap_or(name).to_owned(),
    };
    let marker = latest_event_id(cfn, &stack_id).await.ok().flatten();
    let executed = cfn
        .execute_change_set()
        .stack_name(name)
        .change_set_name(&change_set_id)
        .send()
        .await;
    if let Err(e) = executed {
        // Some APIs (and emulators) fail the call itself when a resource fails.
        return match service_error(&e) {
            Some((code, message)) if code != "Throttling" && !code.contains("Token") => {
                Err(DeployError::StackFailed(Box::new(StackFailure {
                    stack: name.to_owned(),
                    status: "ExecuteChangeSet".into(),
                    first_failure: None,
                    status_reason: Some(format!("{code}: {message}")),
                })))
            }
            _ => Err(super::aws::classify("cloudformation:ExecuteChangeSet", e)),
        };
    }
    let end = follow(
        cfn,
        FollowTarget {
            stack: name,
            stack_id: &stack_id,
            marker,
            paths: &paths,
            total: plan.changes.len(),
        },
        ctx.reporter,
        ctx.interrupt,
    )
    .await?;
    finish_followed(ctx, end, &stack_id, started).await
}

/// A stack created only to hold a change set that was not executed is deleted again.
async fn cleanup_review_stack(cfn: &Client, name: &str, creates: bool) {
    if !creates {
        return;
    }
    if let Ok(Some(s)) = describe_stack(cfn, name).await
        && status_of(&s) == "REVIEW_IN_PROGRESS"
    {
        let _ = cfn.delete_stack().stack_name(name).send().await;
    }
}

/// Create-only properties that differ, per logical id (offline replacement prediction).
pub fn predicted_replacements(
    deployed: Option<&Value>,
    template: &Value,
) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let (Some(old), Some(new)) = (
        deployed
            .and_then(|t| t.get("Resources"))
            .and_then(Value::as_object),
        template.get("Resources").and_then(Value::as_object),
    ) else {
        return out;
    };
    let empty = Value::Object(Default::default());
    for (id, n) in new {
        let Some(o) = old.get(id) else { continue };
        let t = n.get("Type").and_then(Value::as_str).unwrap_or_default();
        if o.get("Type").and_then(Value::as_str) != Some(t) {
            out.insert(id.clone(), vec!["Type".to_owned()]);
            continue;
        }
        let props = replacing_properties(
            t,
            o.get("Properties").unwrap_or(&empty),
            n.get("Properties").unwrap_or(&empty),
        );
        if !props.is_empty() {
            out.insert(id.clone(), props);
        }
    }
    out
}

/// Stateful resources of a deployed template that deletion would destroy (their
/// `DeletionPolicy` is `Delete` or absent): (logical id, type, construct path).
pub fn stateful_deleted(template: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    if let Some(resources) = template.get("Resources").and_then(Value::as_object) {
        for (id, r) in resources {
            let t = r.get("Type").and_then(Value::as_str).unwrap_or_default();
            let policy = r
                .get("DeletionPolicy")
                .and_then(Value::as_str)
                .unwrap_or("Delete");
            if is_stateful(t) && policy == "Delete" {
                out.push((id.clone(), t.to_owned(), construct_path(r)));
            }
        }
    }
    out
}

/// Destroys one stack.
pub(crate) async fn destroy_stack(
    ctx: &StackContext<'_>,
    _options: &DestroyOptions,
) -> Result<StackOutcome, DeployError> {
    let started = Instant::now();
    let name = ctx.artifact.name.as_str();
    let cfn = &ctx.clients.cloudformation;
    let Some(stack) = describe_stack(cfn, name).await? else {
        ctx.reporter.progress(Progress::StackFinished {
            stack: name,
            status: "ABSENT",
            elapsed: started.elapsed(),
        });
        return Ok(StackOutcome::Absent);
    };
    if stack.enable_termination_protection() == Some(true) {
        return Err(DeployError::TerminationProtection {
            stack: name.to_owned(),
        });
    }
    let status = status_of(&stack);
    if status.ends_with("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS" {
        return Err(DeployError::Busy {
            stack: name.to_owned(),
            status,
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
        ctx.reporter.progress(Progress::StackFinished {
            stack: name,
            status: "DECLINED",
            elapsed: started.elapsed(),
        });
        return Ok(StackOutcome::Declined);
    }
    let paths = construct_paths(ctx.artifact, deployed.as_ref());
    let marker = latest_event_id(cfn, &stack_id).await.ok().flatten();
    retry_throttled("cloudformation:DeleteStack", || {
        cfn.delete_stack().stack_name(&stack_id).send()
    })
    .await?;
    let end = follow(
        cfn,
        FollowTarget {
            stack: name,
            stack_id: &stack_id,
            marker,
            paths: &paths,
            total: resources,
        },
        ctx.reporter,
        ctx.interrupt,
    )
    .await?;
    if end.interrupted {
        return Ok(StackOutcome::Interrupted { status: end.status });
    }
    ctx.reporter.progress(Progress::StackFinished {
        stack: name,
        status: &end.status,
        elapsed: started.elapsed(),
    });
    if end.status == "DELETE_COMPLETE" {
        Ok(StackOutcome::Done {
            status: end.status,
            outputs: Vec::new(),
        })
    } else {
        Err(DeployError::StackFailed(Box::new(StackFailure {
            stack: name.to_owned(),
            status: end.status,
            first_failure: end.first_failure,
            status_reason: end.status_reason,
        })))
    }
}

/// Follows whatever operation is running on a stack (for `stackdef watch`), replaying its
/// events from the start of that operation.
pub(crate) async fn watch_stack(ctx: &StackContext<'_>) -> Result<FollowEnd, DeployError> {
    let name = ctx.artifact.name.as_str();
    let cfn = &ctx.clients.cloudformation;
    let Some(stack) = describe_stack(cfn, name).await? else {
        return Err(DeployError::StackNotFound {
            stack: name.to_owned(),
            region: ctx.clients.region.clone(),
        });
    };
    let stack_id = stack.stack_id().unwrap_or(name).to_owned();
    let paths = construct_paths(ctx.artifact, None);
    follow(
        cfn,
        FollowTarget {
            stack: name,
            stack_id: &stack_id,
            // From the start of the running (or last) operation, not from now.
            marker: operation_start_marker(cfn, name, &stack_id).await?,
            paths: &paths,
            total: ctx.artifact.resources.len(),
        },
        ctx.reporter,
        ctx.interrupt,
    )
    .await
}

/// Everything [`deploy_direct`] needs from the common preparation.
struct DirectRequest<'a> {
    creates: bool,
    existing: Option<&'a Stack>,
    deployed: Option<&'a Value>,
    template: &'a Value,
    source: &'a TemplateSource,
    paths: &'a HashMap<String, String>,
    capabilities: &'a [aws_sdk_cloudformation::types::Capability],
    tags: &'a [Tag],
    params: &'a [Parameter],
    started: Instant,
}

/// The plan of a direct deploy, from the offline template diff.
fn offline_plan(stack: &str, creates: bool, deployed: Option<&Value>, template: &Value) -> Plan {
    let diff = diff_templates(deployed, template);
    let changes = diff
        .resources
        .iter()
        .map(|r| {
            let (action, properties, source) = match r.kind {
                ChangeKind::Added => (Action::Add, Vec::new(), ReplacementSource::None),
                ChangeKind::Removed => (Action::Remove, Vec::new(), ReplacementSource::None),
                ChangeKind::Modified if r.replacement => (
                    Action::Replace,
                    r.properties
                        .iter()
                        .filter(|p| p.causes_replacement)
                        .map(|p| p.name.clone())
                        .collect(),
                    ReplacementSource::Predicted,
                ),
                ChangeKind::Modified => (
                    Action::Modify,
                    r.properties.iter().map(|p| p.name.clone()).collect(),
                    ReplacementSource::None,
                ),
            };
            PlannedChange {
                action,
                logical_id: r.logical_id.clone(),
                type_name: r.type_name.clone(),
                construct_path: r.construct_path.clone(),
                properties,
                replacement_source: source,
            }
        })
        .collect();
    Plan {
        stack: stack.to_owned(),
        creates_stack: creates,
        change_set_id: String::new(),
        changes,
    }
}

/// Deploys with `CreateStack` / `UpdateStack` (no change set): the plan shown and the
/// stateful check come from the offline diff.
async fn deploy_direct(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
    req: DirectRequest<'_>,
) -> Result<StackOutcome, DeployError> {
    let name = ctx.artifact.name.as_str();
    let cfn = &ctx.clients.cloudformation;
    let plan = offline_plan(name, req.creates, req.deployed, req.template);
    let refused = check(&plan, req.deployed, &options.allow);
    if !refused.is_empty() {
        return Err(DeployError::StatefulRefused {
            stack: name.to_owned(),
            changes: refused,
        });
    }
    ctx.reporter.progress(Progress::Planned { plan: &plan });
    if ctx.interrupt.is_set() {
        return Ok(StackOutcome::Interrupted {
            status: String::new(),
        });
    }
    if !ctx.reporter.confirm(Confirm::Deploy { plan: &plan }) {
        return Ok(StackOutcome::Declined);
    }
    let marker = match req.existing.and_then(|s| s.stack_id()) {
        Some(id) => latest_event_id(cfn, id).await.ok().flatten(),
        None => None,
    };
    let stack_id = if req.creates {
        if let Some(s) = req.existing {
            // An empty stack left by an unexecuted change set: CreateStack needs the name free.
            let id = s.stack_id().unwrap_or(name).to_owned();
            retry_throttled("cloudformation:DeleteStack", || {
                cfn.delete_stack().stack_name(&id).send()
            })
            .await?;
        }
        let out = retry_throttled("cloudformation:CreateStack", || {
            let mut r = cfn
                .create_stack()
                .stack_name(name)
                .set_deployment_config(options.deployment_config())
                .set_capabilities(Some(req.capabilities.to_vec()))
                .set_tags(Some(req.tags.to_vec()))
                .set_parameters(Some(req.params.to_vec()));
            r = match req.source {
                TemplateSource::Body(b) => r.template_body(b),
                TemplateSource::Url(u) => r.template_url(u),
            };
            r.send()
        })
        .await?;
        out.stack_id().unwrap_or(name).to_owned()
    } else {
        let result = cfn
            .update_stack()
            .stack_name(name)
            .set_deployment_config(options.deployment_config())
            .set_capabilities(Some(req.capabilities.to_vec()))
            .set_tags(Some(req.tags.to_vec()))
            .set_parameters(Some(req.params.to_vec()))
            .set_template_body(match req.source {
                TemplateSource::Body(b) => Some(b.clone()),
                TemplateSource::Url(_) => None,
            })
            .set_template_url(match req.source {
                TemplateSource::Url(u) => Some(u.clone()),
                TemplateSource::Body(_) => None,
            })
            .send()
            .await;
        match result {
            Ok(out) => out.stack_id().unwrap_or(name).to_owned(),
            Err(e) => {
                if let Some((_, message)) = service_error(&e)
                    && no_changes_reason(&message)
                {
                    ctx.reporter.progress(Progress::StackFinished {
                        stack: name,
                        status: "NO_CHANGES",
                        elapsed: req.started.elapsed(),
                    });
                    return Ok(StackOutcome::NoChanges {
                        outputs: req.existing.map(outputs_of).unwrap_or_default(),
                    });
                }
                return Err(super::aws::classify("cloudformation:UpdateStack", e));
            }
        }
    };
    let end = follow(
        cfn,
        FollowTarget {
            stack: name,
            stack_id: &stack_id,
            marker,
            paths: req.paths,
            total: plan.changes.len(),
        },
        ctx.reporter,
        ctx.interrupt,
    )
    .await?;
    finish_followed(ctx, end, &stack_id, req.started).await
}

/// Turns the end of a followed deploy into an outcome.
async fn finish_followed(
    ctx: &StackContext<'_>,
    end: FollowEnd,
    stack_id: &str,
    started: Instant,
) -> Result<StackOutcome, DeployError> {
    let name = ctx.artifact.name.as_str();
    if end.interrupted {
        return Ok(StackOutcome::Interrupted { status: end.status });
    }
    ctx.reporter.progress(Progress::StackFinished {
        stack: name,
        status: &end.status,
        elapsed: started.elapsed(),
    });
    match end.status.as_str() {
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE" => {
            let outputs = match describe_stack(&ctx.clients.cloudformation, stack_id).await? {
                Some(s) => outputs_of(&s),
                None => Vec::new(),
            };
            Ok(StackOutcome::Done {
                status: end.status,
                outputs,
            })
        }
        _ => Err(DeployError::StackFailed(Box::new(StackFailure {
            stack: name.to_owned(),
            status: end.status,
            first_failure: end.first_failure,
            status_reason: end.status_reason,
        }))),
    }
}
