//! The deploy engine's errors. Each one is a sentence a user can act on, in terms of AWS
//! and this library: no flag or command of a program that uses it (the `stackdef` CLI adds
//! its own when it prints them).

use stackdef_synth::assembly::AssemblyError;

use super::outcome::StackFailure;
use crate::analysis::protection::{ProtectedChange, describe_refusal};

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
        "the AWS profile could not be loaded ({detail}); check the profile name and ~/.aws/config"
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
    #[error("{operation} failed: {}{message}", code.as_deref().map(|c| format!("{c}: ")).unwrap_or_default())]
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
    #[error("the change set for `{stack}` failed: {reason}")]
    ChangeSetFailed {
        /// The stack.
        stack: String,
        /// CloudFormation's reason.
        reason: String,
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
