//! Reading a stack: its description, its deployed template, its outputs.

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Stack, TemplateStage};
use serde_json::Value;

use super::error::DeployError;
use super::outcome::StackOutput;
use super::retry::{is_stack_missing, retry_throttled};

/// The stack, or `None` when it does not exist.
pub(crate) async fn describe_stack(
    cfn: &Client,
    name_or_id: &str,
) -> Result<Option<Stack>, DeployError> {
    match retry_throttled("cloudformation:DescribeStacks", || {
        cfn.describe_stacks().stack_name(name_or_id).send()
    })
    .await
    {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e) if is_stack_missing(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The deployed template, parsed (`None` when the stack does not exist).
pub(crate) async fn deployed_template(
    cfn: &Client,
    stack: &str,
) -> Result<Option<Value>, DeployError> {
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

/// The outputs of a described stack.
pub(crate) fn outputs_of(stack: &Stack) -> Vec<StackOutput> {
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

/// A stack's current outputs.
pub(crate) async fn stack_outputs(
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
