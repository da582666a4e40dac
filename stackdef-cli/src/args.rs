//! Command-line arguments (clap).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use stackdef_deploy::DeployMethod;
use stackdef_deploy::analysis::plan::RequireApproval;

pub use super::doctor::DoctorArgs;
pub use super::init::InitArgs;
pub use super::manual::{CompletionsArgs, ManArgs};

/// Exit codes, also printed by `stackdef --help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0    success (including \"no changes\")
  1    failed: an AWS or stack operation failed, a change was refused, the app command failed;
       `diff --fail`: there are differences
  2    usage or configuration error: bad arguments, no app command, unreadable assembly,
       unknown stack
  3    declined at a prompt, or approval needed with no terminal to ask (nothing was
       changed; the message names the flag that approves it)
       (`validate` has its own codes: see `stackdef validate --help`)
  130  interrupted (Ctrl-C): operations already started keep running in AWS";

/// stackdef: synthesize, diff and deploy CloudFormation stacks defined in Rust.
#[derive(Debug, Parser)]
#[command(name = "stackdef", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
pub struct Global {
    /// Command that synthesizes the app (default: `app` in stackdef.toml).
    #[arg(long, global = true, value_name = "COMMAND")]
    pub app: Option<String>,
    /// Use an already synthesized assembly instead of running the app.
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "app")]
    pub assembly: Option<PathBuf>,
    /// Where the app writes the assembly (default: `output` in stackdef.toml, else
    /// `stackdef.out` in the project root).
    #[arg(long, global = true, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// AWS profile (default: AWS_PROFILE, else `default`).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Default region for stacks whose Env has none (default: AWS_REGION / the profile's).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Approve: answer yes to every prompt. Without a terminal, a deploy that needs
    /// approval (see `--require-approval`) and every destroy need it.
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// Machine-readable output on stdout (progress stays on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Stacks handled at the same time, at most.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: Option<u16>,
    /// No colours (also when NO_COLOR is set or output is not a terminal).
    #[arg(long, global = true)]
    pub no_color: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the app and write the assembly (templates and manifest); print its warnings.
    Synth(SynthArgs),
    /// List the app's stacks with their environments and dependencies.
    List,
    /// Compare the synthesized templates with the deployed ones.
    Diff(DiffArgs),
    /// Deploy stacks through change sets (and the stacks they depend on).
    Deploy(DeployArgs),
    /// Delete stacks (and the stacks that depend on them).
    Destroy(DestroyArgs),
    /// Print stack outputs.
    Outputs(OutputsArgs),
    /// Print the resources and references of each stack, and stack dependencies.
    Graph(GraphArgs),
    /// Replay the latest operation on a stack from its start, then follow it until it
    /// finishes.
    Watch(WatchArgs),
    /// Create the S3 bucket that stages templates over 51,200 bytes.
    Bootstrap(BootstrapArgs),
    /// Check existing templates (JSON or YAML) with every synth rule, offline.
    Validate(ValidateArgs),
    /// Write a new infra crate into DIR: Cargo.toml, a stack that synthesizes, a snapshot
    /// test, stackdef.toml, .gitignore and a README.
    Init(InitArgs),
    /// Say what a deploy would use here (app, assembly, AWS profile, credentials, region,
    /// account, endpoint, staging bucket, versions), each ✓ or ✗ with the fix; exit 0 only
    /// when a deploy could run.
    Doctor(DoctorArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page, or write one page per command with --out-dir.
    Man(ManArgs),
}

/// `stackdef validate`.
#[derive(Debug, Args)]
#[command(after_help = "\
Exit codes of validate (bits, as cfn-lint's):
  0  no findings
  1  a file could not be read, or is not a template
  2  errors (CloudFormation or the service would reject the template)
  4  warnings or risks (security choices); 6 = errors and warnings")]
pub struct ValidateArgs {
    /// Template files (JSON, or YAML with short-form intrinsics such as `!Ref`).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Report format (`--json` is the same as `--format json`).
    #[arg(long, value_enum, default_value = "text")]
    pub format: ValidateFormat,
}

/// How `validate` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// One line per finding: file, rule id, severity, path, message.
    Text,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0 (for code scanning dashboards).
    Sarif,
}

/// `stackdef synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Fail (exit 1) when the synth checks left warnings nobody acknowledged (in code:
    /// `node().acknowledge(rule, "why")`).
    #[arg(long)]
    pub strict: bool,
}

/// `stackdef diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Stacks to diff (default: all).
    pub stacks: Vec<String>,
    /// Exit with 1 when there are differences.
    #[arg(long)]
    pub fail: bool,
}

/// `stackdef deploy`.
#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Stacks to deploy (the stacks they depend on are deployed first).
    pub stacks: Vec<String>,
    /// Deploy every stack of the app.
    #[arg(long, conflicts_with = "stacks")]
    pub all: bool,
    /// Allow this stateful resource (logical id or construct path) to be replaced.
    #[arg(long, value_name = "RESOURCE")]
    pub allow_replace: Vec<String>,
    /// Allow this stateful resource (logical id or construct path) to be removed.
    #[arg(long, value_name = "RESOURCE")]
    pub allow_remove: Vec<String>,
    /// Delete a stack left in ROLLBACK_COMPLETE by a failed create, then create it again.
    #[arg(long)]
    pub recreate_failed: bool,
    /// S3 bucket for templates over 51,200 bytes (create it with `stackdef bootstrap`).
    #[arg(long, value_name = "BUCKET")]
    pub staging_bucket: Option<String>,
    /// Template parameter: KEY=VALUE, or STACK:KEY=VALUE for one stack.
    // Parsed after clap, whose errors would repeat the text: it may be a secret.
    #[arg(long = "parameter", short = 'p', value_name = "KEY=VALUE")]
    pub parameters: Vec<String>,
    /// Create a change set even when the template equals the deployed one.
    #[arg(long)]
    pub force: bool,
    /// `change-set` (plan from CloudFormation, then execute) or `direct` (CreateStack /
    /// UpdateStack, planned offline: faster for development loops).
    #[arg(long, value_enum, default_value = "change-set")]
    pub method: Method,
    /// CloudFormation express mode: finish when configuration is applied, without waiting
    /// for resources to become ready (they keep becoming ready in the background). For
    /// fast development loops.
    #[arg(long)]
    pub express: bool,
    /// Which changes need approval: `never`, `any-change`, or `broadening` (changes that
    /// add or widen IAM permissions, security group rules, resource policies or public
    /// access). Without a terminal such a change is refused unless `--yes` is given.
    #[arg(long, value_enum, default_value = "broadening", value_name = "LEVEL")]
    pub require_approval: Approval,
    /// Stop following after this long (e.g. `90s`, `10m`, `1h`; plain numbers are
    /// seconds): exit 1 with the command that resumes following. The operation goes on
    /// in AWS.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// After a successful deploy, write the stacks' outputs to FILE as JSON
    /// (`{"Stack": {"Key": "value"}}`), replacing it atomically.
    #[arg(long, value_name = "FILE")]
    pub outputs_file: Option<PathBuf>,
}

/// Approval levels (CDK's `--require-approval`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Approval {
    /// Never ask.
    Never,
    /// Ask before any change.
    AnyChange,
    /// Ask before changes that add or widen access.
    Broadening,
}

impl From<Approval> for RequireApproval {
    fn from(level: Approval) -> Self {
        match level {
            Approval::Never => RequireApproval::Never,
            Approval::AnyChange => RequireApproval::AnyChange,
            Approval::Broadening => RequireApproval::Broadening,
        }
    }
}

/// Parses `90`, `90s`, `10m`, `1h` (or combinations such as `1h30m`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration: use e.g. 90s, 10m, 1h30m");
    let text = text.trim();
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            _ => return Err(bad()),
        };
        let n: u64 = number.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
    }
    if !number.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// Deploy methods.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Method {
    /// Through a change set.
    ChangeSet,
    /// CreateStack / UpdateStack.
    Direct,
}

impl From<Method> for DeployMethod {
    fn from(method: Method) -> Self {
        match method {
            Method::ChangeSet => DeployMethod::ChangeSet,
            Method::Direct => DeployMethod::Direct,
        }
    }
}

/// `stackdef destroy`.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// Stacks to delete. A stack other stacks depend on is refused unless they are named
    /// too or `--with-dependents` is given.
    pub stacks: Vec<String>,
    /// Delete every stack of the app.
    #[arg(long, conflicts_with = "stacks")]
    pub all: bool,
    /// Also delete the stacks that depend on the named ones (listed first, deleted first).
    #[arg(long)]
    pub with_dependents: bool,
    /// Stop following after this long (e.g. `10m`): exit 1; the deletion goes on in AWS.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

/// `stackdef outputs`.
#[derive(Debug, Args)]
pub struct OutputsArgs {
    /// Stack (default: every stack).
    pub stack: Option<String>,
}

/// Graph formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Graphviz dot.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

/// `stackdef graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    pub format: Format,
}

/// `stackdef watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Stack to follow.
    pub stack: String,
}

/// `stackdef bootstrap`.
#[derive(Debug, Args)]
pub struct BootstrapArgs {
    /// Bucket to create (default: `staging_bucket` in stackdef.toml).
    #[arg(long, value_name = "BUCKET")]
    pub staging_bucket: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        for bad in ["", "m", "10x", "1.5m", "0s", "5m3"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
