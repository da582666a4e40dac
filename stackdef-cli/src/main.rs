//! The `stackdef` command line: a thin front over the deploy engine (`stackdef-deploy`).
//!
//! Commands: `synth`, `list`, `diff`, `deploy`, `destroy`, `outputs`, `graph`, `watch`,
//! `bootstrap`, `validate`; `init` (a new infra crate), `doctor` (what a deploy would use),
//! `completions` and `man`. The app comes from `--app`, `app` in `stackdef.toml`, or `--assembly DIR`.
//! Exit codes are listed in [`args::EXIT_CODES`].

mod advice;
mod args;
mod commands;
mod doctor;
mod engine;
mod exit;
mod format;
mod init;
mod manual;
mod project;
mod reporter;
mod style;
mod validate;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use serde_json::json;

use args::{Approval, Cli, Command};
use commands::Context;
use engine::Engine;
use exit::{CliError, OK};
use style::Style;

/// Parses the process arguments, runs the command, and returns its exit code.
fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { OK };
            // Under --json a usage error is JSON on stdout too (help and version stay text).
            if code == exit::USAGE && std::env::args().any(|a| a == "--json") {
                let message = e.kind().to_string();
                let detail = e.render().to_string();
                println!(
                    "{}",
                    json!({"error": {"kind": "usage", "message": message, "detail": detail.trim(), "exit_code": code}})
                );
            }
            let _ = e.print();
            exit::exit(code)
        }
    }
}

/// Runs a parsed command line; an error is printed (and, under `--json`, written as JSON
/// on stdout) with its exit code.
fn run(cli: Cli) -> ExitCode {
    let json = cli.global.json;
    let err_style = Style::detect(cli.global.no_color, std::io::stderr().is_terminal());
    match execute(&cli) {
        Ok(code) => exit::exit(code),
        Err(e) => {
            if json {
                println!(
                    "{}",
                    json!({"error": {"kind": e.kind(), "message": e.to_string(), "exit_code": e.code()}})
                );
            }
            eprintln!("{} {e}", err_style.red("error:"));
            exit::exit(e.code())
        }
    }
}

/// Runs the command: offline ones directly, the others on a started engine.
fn execute(cli: &Cli) -> Result<u8, CliError> {
    // Commands that need no project (or, for `doctor`, report on it themselves).
    match &cli.command {
        Command::Validate(a) => {
            return validate::run(a, cli.global.region.as_deref(), cli.global.json);
        }
        Command::Init(a) => return Ok(init::run(a, cli.global.json)?),
        Command::Doctor(a) => return Ok(doctor::run(&cli.global, a)),
        Command::Completions(a) => return manual::completions(a),
        Command::Man(a) => return manual::man(a),
        _ => {}
    }
    let ctx = Context::new(&cli.global)?;
    match &cli.command {
        Command::Synth(a) => commands::synth(&ctx, a),
        Command::List => commands::list(&ctx),
        Command::Graph(a) => commands::graph(&ctx, a),
        online => {
            let approval = match online {
                Command::Deploy(a) => a.require_approval,
                _ => Approval::Broadening,
            };
            let engine = Engine::start(&ctx, approval)?;
            let d = engine.deployer();
            engine.block_on(async {
                match online {
                    Command::Bootstrap(a) => commands::bootstrap(&ctx, d, a).await,
                    Command::Diff(a) => commands::diff(&ctx, d, a).await,
                    Command::Deploy(a) => commands::deploy(&ctx, d, a).await,
                    Command::Destroy(a) => commands::destroy(&ctx, d, a).await,
                    Command::Outputs(a) => commands::outputs(&ctx, d, a).await,
                    Command::Watch(a) => commands::watch(&ctx, d, a).await,
                    Command::Synth(_)
                    | Command::List
                    | Command::Graph(_)
                    | Command::Validate(_)
                    | Command::Init(_)
                    | Command::Doctor(_)
                    | Command::Completions(_)
                    | Command::Man(_) => Ok(OK),
                }
            })
        }
    }
}
