//! What one stack's operation works with: its [`StackContext`], the [`Prepared`] deploy
//! that the change-set and direct paths both take, and the steps they share (following an
//! operation, turning its end into an outcome, deleting and waiting).

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_cloudformation::types::{Capability, Parameter, Stack, StackStatus, Tag};
use serde_json::Value;
use stackdef_synth::assembly::StackArtifact;

use super::describe::{describe_stack, outputs_of};
use super::error::DeployError;
use super::events::{FollowEnd, FollowTarget, follow, latest_event_id};
use super::interrupt::Interrupt;
use super::outcome::{StackFailure, StackOutcome};
use super::report::{Progress, Reporter};
use super::retry::retry_throttled;
use super::session::Clients;
use super::staging::TemplateSource;
use super::status::deployed;

/// What a stack operation needs.
pub(crate) struct StackContext<'a> {
    pub clients: Clients,
    pub reporter: &'a dyn Reporter,
    pub interrupt: &'a Interrupt,
    pub artifact: &'a StackArtifact,
    /// The synthesized template text (empty for destroy and watch).
    pub template_text: String,
    /// Stop following after this long.
    pub timeout: Option<std::time::Duration>,
    /// Report what is in progress after this long without news.
    pub heartbeat: std::time::Duration,
    /// Values masked in everything shown (`NoEcho` parameter values).
    pub secrets: Vec<String>,
}

/// A deploy ready to plan: what the preparation found and built, for either path.
pub(crate) struct Prepared {
    /// The stack does not exist yet (or holds only a change set under review).
    pub creates: bool,
    /// The stack as described before the deploy.
    pub existing: Option<Stack>,
    /// Its deployed template.
    pub deployed: Option<Value>,
    /// The synthesized template.
    pub template: Value,
    /// How the template reaches CloudFormation.
    pub source: TemplateSource,
    /// Logical id -> construct path.
    pub paths: HashMap<String, String>,
    pub capabilities: Vec<Capability>,
    pub tags: Vec<Tag>,
    pub params: Vec<Parameter>,
    /// When the stack's deploy began.
    pub started: Instant,
}

impl Prepared {
    /// The parameter values the deploy passes, by name.
    pub fn given_parameters(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .map(|p| {
                (
                    p.parameter_key().unwrap_or_default().to_owned(),
                    p.parameter_value().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    /// The outputs the stack had before the deploy.
    pub fn existing_outputs(&self) -> Vec<super::outcome::StackOutput> {
        self.existing.as_ref().map(outputs_of).unwrap_or_default()
    }
}

impl StackContext<'_> {
    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.artifact.name
    }

    /// Reports that the stack reached `status` (or a pseudo-status such as `NO_CHANGES`).
    pub fn finished(&self, status: &str, started: Instant) {
        self.reporter.progress(Progress::StackFinished {
            stack: self.name(),
            status,
            elapsed: started.elapsed(),
        });
    }

    /// Follows the operation on `stack_id` whose events come after `marker`.
    pub async fn follow(
        &self,
        stack_id: &str,
        marker: Option<String>,
        paths: &HashMap<String, String>,
        total: usize,
    ) -> Result<FollowEnd, DeployError> {
        follow(
            &self.clients.cloudformation,
            FollowTarget {
                stack: self.name(),
                stack_id,
                marker,
                paths,
                total,
                timeout: self.timeout,
                heartbeat: self.heartbeat,
                secrets: &self.secrets,
            },
            self.reporter,
            self.interrupt,
        )
        .await
    }

    /// Deletes a stack and waits until it is gone (for a stack left by a failed create).
    pub async fn delete_and_wait(&self, stack_id: &str) -> Result<FollowEnd, DeployError> {
        let cfn = &self.clients.cloudformation;
        retry_throttled("cloudformation:DeleteStack", || {
            cfn.delete_stack().stack_name(stack_id).send()
        })
        .await?;
        let marker = latest_event_id(cfn, stack_id).await.ok().flatten();
        self.follow(stack_id, marker, &HashMap::new(), 0).await
    }

    /// Turns the end of a followed create or update into an outcome.
    pub async fn deploy_outcome(
        &self,
        end: FollowEnd,
        stack_id: &str,
        started: Instant,
    ) -> Result<StackOutcome, DeployError> {
        if end.interrupted {
            return Ok(StackOutcome::Interrupted {
                status: Some(end.status),
            });
        }
        if end.timed_out {
            return Err(self.timed_out(&end, started));
        }
        self.finished(end.status.as_str(), started);
        if !deployed(&end.status) {
            return Err(failure(self.name(), end));
        }
        let outputs = match describe_stack(&self.clients.cloudformation, stack_id).await? {
            Some(s) => outputs_of(&s),
            None => Vec::new(),
        };
        Ok(StackOutcome::Done {
            status: end.status,
            outputs,
        })
    }
}

impl StackContext<'_> {
    /// The error for a follow that stopped at the time limit.
    pub fn timed_out(&self, end: &FollowEnd, started: Instant) -> DeployError {
        DeployError::FollowTimeout {
            stack: self.name().to_owned(),
            status: end.status.as_str().to_owned(),
            waited: started.elapsed(),
        }
    }
}

/// The failure a followed operation ended in.
pub(crate) fn failure(stack: &str, end: FollowEnd) -> DeployError {
    DeployError::StackFailed(Box::new(StackFailure {
        stack: stack.to_owned(),
        status: end.status.as_str().to_owned(),
        first_failure: end.first_failure,
        status_reason: end.status_reason,
        cleanup: None,
    }))
}

/// Whether a followed deletion removed the stack.
pub(crate) fn deleted(end: &FollowEnd) -> bool {
    end.status == StackStatus::DeleteComplete
}
