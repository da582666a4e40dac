//! The deploy engine's errors. Each one is a sentence a user can act on, in terms of AWS
//! and this library: no flag or command of a program that uses it (the `stackdef` CLI adds
//! its own when it prints them).

use stackdef_synth::assembly::AssemblyError;

use super::outcome::StackFailure;
use crate::analysis::protection::{ProtectedChange, describe_refusal};
use crate::analysis::secrets::mask;

/// What can go wrong in the deploy engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeployError {
    /// The assembly could not be read.
    #[error(transparent)]
    Assembly(#[from] AssemblyError),
    /// No credentials anywhere in the default chain.
    #[error(
        "no AWS credentials found: set AWS_PROFILE, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
    )]
    NoCredentials,
    /// The named profile is not in the AWS configuration files.
    #[error(
        "the AWS profile could not be loaded ({detail}); check the profile name, or add it to the AWS configuration"
    )]
    ProfileNotFound {
        /// What aws-config said.
        detail: String,
    },
    /// Credentials that have expired.
    #[error(
        "the AWS credentials have expired: refresh them (for SSO, `aws sso login`) and run the command again"
    )]
    ExpiredCredentials,
    /// Credentials AWS does not accept.
    #[error("AWS rejected the credentials ({code}): check which profile or access key is in use")]
    InvalidCredentials {
        /// The error code AWS returned.
        code: String,
    },
    /// Neither the stack nor the configuration names a region.
    #[error("no region for stack `{stack}`: give the stack an Env region or set AWS_REGION")]
    NoRegion {
        /// The stack.
        stack: String,
    },
    /// The stack is for another account than the credentials'.
    #[error(
        "stack `{stack}` is for account {expected} but the credentials are for account {actual}; nothing was changed: use credentials for {expected}"
    )]
    AccountMismatch {
        /// The stack.
        stack: String,
        /// The account in the stack's `Env`.
        expected: String,
        /// The caller's account.
        actual: String,
    },
    /// The endpoint did not answer.
    #[error("could not reach AWS for {operation}: {detail}")]
    Unreachable {
        /// The API operation.
        operation: &'static str,
        /// The transport error.
        detail: String,
    },
    /// Any other AWS error.
    #[error("{operation} failed: {}{}", code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default(), if message.is_empty() { "AWS gave no reason" } else { message.as_str() })]
    Aws {
        /// The API operation.
        operation: &'static str,
        /// The error code, for service errors.
        code: Option<String>,
        /// The message.
        message: String,
    },
    /// A stack left empty by a failed create.
    #[error(
        "stack `{stack}` is in ROLLBACK_COMPLETE after a failed create and holds no resources; delete it and create it again"
    )]
    RollbackComplete {
        /// The stack.
        stack: String,
    },
    /// A stack whose update rollback failed.
    #[error(
        "stack `{stack}` is in UPDATE_ROLLBACK_FAILED: a resource could not be rolled back. Fix it by hand (see the failed events with `aws cloudformation describe-stack-events --stack-name {stack}`), then run `aws cloudformation continue-update-rollback --stack-name {stack}` (add `--resources-to-skip ID...` for resources that cannot be fixed), wait for UPDATE_ROLLBACK_COMPLETE and deploy again"
    )]
    UpdateRollbackFailed {
        /// The stack.
        stack: String,
    },
    /// A stack with an operation still running.
    #[error(
        "stack `{stack}` is {status}: an operation is still running in AWS; try again when it finishes"
    )]
    Busy {
        /// The stack.
        stack: String,
        /// Its status.
        status: String,
    },
    /// A stack in a failed state that needs a person.
    #[error("stack `{stack}` is in {status}: {hint}")]
    Stuck {
        /// The stack.
        stack: String,
        /// Its status.
        status: String,
        /// What to do.
        hint: String,
    },
    /// A change that would replace or remove stateful resources without the user's say-so.
    #[error("{}", describe_refusal(stack, changes))]
    StatefulRefused {
        /// The stack.
        stack: String,
        /// What would be lost.
        changes: Vec<ProtectedChange>,
    },
    /// Destroy of a stack with termination protection.
    #[error(
        "stack `{stack}` has termination protection enabled; disable it (`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name {stack}`) before destroying it"
    )]
    TerminationProtection {
        /// The stack.
        stack: String,
    },
    /// The stack does not exist.
    #[error("stack `{stack}` does not exist in {region}")]
    StackNotFound {
        /// The stack.
        stack: String,
        /// Where it was looked for.
        region: String,
    },
    /// A template too large to pass inline, with no staging bucket.
    #[error(
        "the template of `{stack}` is {size} bytes, over the 51,200 bytes CloudFormation accepts inline, and no S3 staging bucket was named to upload it to"
    )]
    NeedsStaging {
        /// The stack.
        stack: String,
        /// Template size.
        size: usize,
    },
    /// The staging bucket is not there.
    #[error("staging bucket `{bucket}` does not exist or is not accessible; create it first")]
    StagingBucketMissing {
        /// The bucket.
        bucket: String,
    },
    /// CloudFormation could not make a change set.
    #[error("the change set for `{stack}` failed: {reason}; nothing was changed{}", if *removed_stack { " (the empty stack created to hold the change set was deleted)" } else { "" })]
    ChangeSetFailed {
        /// The stack.
        stack: String,
        /// CloudFormation's reason.
        reason: String,
        /// The stack existed only to hold this change set (a first create) and was deleted.
        removed_stack: bool,
    },
    /// Following stopped at the time limit; the operation goes on in AWS.
    #[error(
        "stopped following `{stack}` after {}s (the time limit): it is still {status} in AWS, where the operation goes on",
        waited.as_secs()
    )]
    FollowTimeout {
        /// The stack.
        stack: String,
        /// Its status when following stopped.
        status: String,
        /// How long it was followed.
        waited: std::time::Duration,
    },
    /// Destroying a stack that other stacks depend on, without including them.
    #[error(
        "stack `{stack}` has dependants ({}): destroying it alone would break them, so nothing was deleted; name them too, or ask for dependants to be destroyed with it",
        dependants.join(", ")
    )]
    HasDependants {
        /// The stack asked for.
        stack: String,
        /// The stacks that depend on it (directly or not).
        dependants: Vec<String>,
    },
    /// A region name no AWS partition has.
    #[error(
        "unknown region `{region}`: AWS regions look like us-east-1 or eu-west-3; check the region setting (AWS_REGION, the profile, or the stack's Env)"
    )]
    UnknownRegion {
        /// The name given.
        region: String,
    },
    /// The stack operation ended in failure.
    #[error("{0}")]
    StackFailed(Box<StackFailure>),
    /// A deployed template stackdef cannot read.
    #[error(
        "the deployed template of `{stack}` is not JSON ({detail}); stackdef diffs JSON templates only"
    )]
    TemplateFormat {
        /// The stack.
        stack: String,
        /// The parse error.
        detail: String,
    },
    /// A stack name that is not in the assembly.
    #[error("no stack named `{name}` in the app (stacks: {available})")]
    UnknownStack {
        /// The name asked for.
        name: String,
        /// What there is.
        available: String,
    },
}

impl DeployError {
    /// The same error with every value of `secrets` masked in the texts that come from AWS
    /// (reasons and messages can quote parameter values).
    pub fn masked(self, secrets: &[String]) -> DeployError {
        if secrets.is_empty() {
            return self;
        }
        let m = |s: String| mask(&s, secrets);
        match self {
            DeployError::Aws {
                operation,
                code,
                message,
            } => DeployError::Aws {
                operation,
                code,
                message: m(message),
            },
            DeployError::ChangeSetFailed {
                stack,
                reason,
                removed_stack,
            } => DeployError::ChangeSetFailed {
                stack,
                reason: m(reason),
                removed_stack,
            },
            DeployError::StackFailed(mut f) => {
                f.status_reason = f.status_reason.map(m);
                if let Some(e) = f.first_failure.as_mut() {
                    e.reason = e.reason.take().map(m);
                }
                DeployError::StackFailed(f)
            }
            DeployError::Stuck {
                stack,
                status,
                hint,
            } => DeployError::Stuck {
                stack,
                status,
                hint: m(hint),
            },
            DeployError::Unreachable { operation, detail } => DeployError::Unreachable {
                operation,
                detail: m(detail),
            },
            other => other,
        }
    }
}
