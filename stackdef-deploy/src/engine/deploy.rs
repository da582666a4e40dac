//! Deploying one stack: the preflight, the properties CodeDeploy owns kept as deployed,
//! the no-op shortcut, the common preparation (template source, capabilities, tags,
//! parameters), then the change-set or direct path.

use std::time::Instant;

use aws_sdk_cloudformation::types::{Parameter, Stack, Tag};
use serde_json::Value;
use stackdef_synth::assembly::INLINE_TEMPLATE_LIMIT;

use super::capabilities::required_capabilities;
use super::context::{Prepared, StackContext};
use super::describe::{deployed_template, describe_stack, outputs_of};
use super::error::DeployError;
use super::options::{DeployMethod, DeployOptions};
use super::outcome::StackOutcome;
use super::preflight::{Start, preflight};
use super::report::Progress;
use super::staging::{TemplateSource, template_source};
use super::{change_set, direct};
use crate::analysis::managed::hold_back_managed;
use crate::analysis::paths::construct_paths;

/// Deploys one stack, through a change set or directly as `options` say.
pub(crate) async fn deploy_stack(
    ctx: &StackContext<'_>,
    options: &DeployOptions,
) -> Result<StackOutcome, DeployError> {
    let started = Instant::now();
    let name = ctx.name();
    let cfn = &ctx.clients.cloudformation;
    let mut template: Value =
        serde_json::from_str(&ctx.template_text).map_err(|e| DeployError::TemplateFormat {
            stack: name.to_owned(),
            detail: e.to_string(),
        })?;

    let existing = describe_stack(cfn, name).await?;
    let creates = match preflight(ctx, existing.as_ref(), options.recreate_failed).await? {
        Start::Create => true,
        Start::Update => false,
        Start::Stop(outcome) => return Ok(outcome),
    };
    let parameters = options.parameters_for(name);
    let deployed = if creates {
        None
    } else {
        deployed_template(cfn, name).await?
    };
    // What CodeDeploy owns keeps its deployed value; the user is told what was not applied.
    let held = hold_back_managed(deployed.as_ref(), &mut template);
    for h in &held {
        ctx.reporter.progress(Progress::Step {
            stack: name,
            message: &h.message(),
        });
    }
    let template_text = if held.is_empty() {
        ctx.template_text.clone()
    } else {
        serde_json::to_string_pretty(&template).map_err(|e| DeployError::TemplateFormat {
            stack: name.to_owned(),
            detail: e.to_string(),
        })?
    };
    if let (Some(stack), Some(deployed)) = (&existing, &deployed)
        && !options.force
        && unchanged(ctx, stack, deployed, &template, &parameters)
    {
        ctx.finished("NO_CHANGES", started);
        return Ok(StackOutcome::NoChanges {
            outputs: outputs_of(stack),
        });
    }

    let source = if template_text.len() > INLINE_TEMPLATE_LIMIT {
        ctx.reporter.progress(Progress::Step {
            stack: name,
            message: "uploading the template to the staging bucket",
        });
        template_source(
            &ctx.clients,
            name,
            template_text,
            options.staging_bucket.as_deref(),
        )
        .await?
    } else {
        TemplateSource::Body(template_text)
    };
    let prepared = Prepared {
        creates,
        paths: construct_paths(ctx.artifact, Some(&template)),
        capabilities: required_capabilities(&template),
        tags: ctx
            .artifact
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect(),
        params: parameters
            .iter()
            .map(|(k, v)| {
                Parameter::builder()
                    .parameter_key(k)
                    .parameter_value(v)
                    .build()
            })
            .collect(),
        existing,
        deployed,
        template,
        source,
        started,
    };
    match options.method {
        DeployMethod::ChangeSet => change_set::deploy(ctx, options, &prepared).await,
        DeployMethod::Direct => direct::deploy(ctx, options, &prepared).await,
    }
}

/// A template identical to the deployed one, with the same tags and no parameters, has
/// nothing to change: the change set round trips can be skipped.
fn unchanged(
    ctx: &StackContext<'_>,
    stack: &Stack,
    deployed: &Value,
    template: &Value,
    parameters: &[(String, String)],
) -> bool {
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
    let has_parameters = template
        .get("Parameters")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    live == wanted && !has_parameters && parameters.is_empty() && deployed == template
}
