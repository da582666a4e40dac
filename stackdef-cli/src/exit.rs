//! CLI errors and the exit code each maps to (documented in `stackdef --help`).

use std::process::ExitCode;

use stackdef_deploy::{DeployError, RunReport, StackResult};

/// Success, including "no changes".
pub const OK: u8 = 0;
/// An operation failed, a change was refused, or `diff --fail` found differences.
pub const FAILED: u8 = 1;
/// Usage or configuration error.
pub const USAGE: u8 = 2;
/// Declined at a prompt.
pub const DECLINED: u8 = 3;
/// Interrupted by Ctrl-C.
pub const INTERRUPTED: u8 = 130;

/// Why a command did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or configuration.
    #[error("{0}")]
    Usage(String),
    /// An assembly that cannot be read.
    #[error("{0}")]
    Assembly(String),
    /// The app command failed.
    #[error("the app command `{command}` failed ({}); nothing was deployed", status.map(|c| format!("exit status {c}")).unwrap_or_else(|| "killed by a signal".into()))]
    AppFailed {
        /// The command.
        command: String,
        /// Its exit status.
        status: Option<i32>,
    },
    /// `stackdef init` wrote nothing.
    #[error(transparent)]
    Init(#[from] super::init::InitError),
    /// A file (or standard output) could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// Where.
        path: std::path::PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// The engine failed (printed with this binary's advice).
    #[error("{}", super::advice::describe(.0))]
    Deploy(#[from] DeployError),
}

impl CliError {
    /// The process exit code.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Assembly(_) => USAGE,
            CliError::Deploy(
                DeployError::UnknownStack { .. }
                | DeployError::Assembly(_)
                | DeployError::UnknownRegion { .. }
                | DeployError::ProfileNotFound { .. },
            ) => USAGE,
            // Consent missing: nothing was changed, and the message names the flag.
            CliError::Deploy(DeployError::HasDependants { .. }) => DECLINED,
            CliError::Init(e) => e.code(),
            CliError::AppFailed { .. } | CliError::Write { .. } | CliError::Deploy(_) => FAILED,
        }
    }

    /// Short machine-readable kind for `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Usage(_) => "usage",
            CliError::Assembly(_) => "assembly",
            CliError::AppFailed { .. } => "app_failed",
            CliError::Init(_) => "init",
            CliError::Write { .. } => "write",
            CliError::Deploy(e) => match e {
                DeployError::NoCredentials => "no_credentials",
                DeployError::ExpiredCredentials => "expired_credentials",
                DeployError::InvalidCredentials { .. } => "invalid_credentials",
                DeployError::AccountMismatch { .. } => "account_mismatch",
                DeployError::StatefulRefused { .. } => "stateful_refused",
                DeployError::TerminationProtection { .. } => "termination_protection",
                DeployError::RollbackComplete { .. } => "rollback_complete",
                DeployError::UpdateRollbackFailed { .. } => "update_rollback_failed",
                DeployError::StackFailed(_) => "stack_failed",
                DeployError::UnknownStack { .. } => "unknown_stack",
                DeployError::UnknownRegion { .. } => "unknown_region",
                DeployError::ProfileNotFound { .. } => "profile_not_found",
                DeployError::HasDependants { .. } => "has_dependants",
                DeployError::FollowTimeout { .. } => "timeout",
                DeployError::ChangeSetFailed { .. } => "change_set_failed",
                _ => "aws",
            },
        }
    }
}

/// Converts a code to an [`ExitCode`].
pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// The exit code of a deploy or destroy: interrupted, all succeeded, declined (with
/// nothing failed), or failed.
pub fn report_code(report: &RunReport) -> u8 {
    if report.interrupted() {
        INTERRUPTED
    } else if report.succeeded() {
        OK
    } else if report.declined()
        && report
            .stacks
            .iter()
            .all(|s| !matches!(s.result, StackResult::Failed(_)))
    {
        DECLINED
    } else {
        FAILED
    }
}
