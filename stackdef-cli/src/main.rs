//! The `stackdef` command line: a thin front over the deploy engine (`stackdef-deploy`).
//!
//! Commands: `synth`, `list`, `diff`, `deploy`, `destroy`, `outputs`, `graph`, `watch`,
//! `bootstrap`. The app comes from `--app`, `app` in `stackdef.toml`, or `--assembly DIR`.
//! Exit codes are listed in [`args::EXIT_CODES`].

mod advice;
mod args;
mod exit;
mod format;
mod project;
mod reporter;
mod style;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use serde_json::json;

use args::{Cli, Command, Format};
use exit::{CliError, DECLINED, FAILED, INTERRUPTED, OK};
use project::Project;
use reporter::TerminalReporter;
use stackdef_deploy::analysis::graph::{GraphFormat, render, stack_graphs};
use stackdef_deploy::analysis::protection::Allowances;
use stackdef_deploy::{
    AwsOptions, AwsSession, DeployMethod, DeployOptions, Deployer, DestroyOptions, RunReport,
    StackResult, interrupt_pair,
};
use style::Style;

/// Parses the process arguments, runs the command, and returns its exit code.
fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { OK };
            let _ = e.print();
            exit::exit(code)
        }
    }
}

/// Runs a parsed command line.
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

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))
}

fn execute(cli: &Cli) -> Result<u8, CliError> {
    let g = &cli.global;
    let out = Style::detect(g.no_color, std::io::stdout().is_terminal());
    let err_style = Style::detect(g.no_color, std::io::stderr().is_terminal());
    let project = Project::discover()?;
    let config = &project.config;
    let concurrency = g.concurrency.or(config.concurrency).unwrap_or(4) as usize;

    // Offline commands.
    match &cli.command {
        Command::Synth => {
            let assembly = project.assembly(g)?;
            if g.json {
                let mut v = format::list_json(&assembly.manifest);
                v["assembly"] = json!(assembly.dir.display().to_string());
                print_json(&v);
            } else {
                let n = assembly.manifest.stacks.len();
                println!(
                    "Synthesized {n} stack{} to {}",
                    if n == 1 { "" } else { "s" },
                    assembly.dir.display()
                );
                print!("{}", format::list_text(out, &assembly.manifest));
            }
            return Ok(OK);
        }
        Command::List => {
            let assembly = project.assembly(g)?;
            if g.json {
                print_json(&format::list_json(&assembly.manifest));
            } else {
                print!("{}", format::list_text(out, &assembly.manifest));
            }
            return Ok(OK);
        }
        Command::Graph(a) => {
            let assembly = project.assembly(g)?;
            let graphs = stack_graphs(&assembly).map_err(|e| CliError::Assembly(e.to_string()))?;
            if g.json {
                print_json(&json!({"stacks": graphs.iter().map(|s| json!({
                    "stack": s.stack,
                    "dependencies": s.dependencies,
                    "resources": s.resources.iter().map(|(id, t)| json!({"logical_id": id, "type": t})).collect::<Vec<_>>(),
                    "edges": s.edges,
                })).collect::<Vec<_>>()}));
            } else {
                let format = match a.format {
                    Format::Dot => GraphFormat::Dot,
                    Format::Mermaid => GraphFormat::Mermaid,
                };
                print!("{}", render(&graphs, format));
            }
            return Ok(OK);
        }
        _ => {}
    }

    // Commands that talk to AWS.
    let rt = runtime()?;
    let (handle, interrupt) = interrupt_pair();
    rt.spawn(async move {
        let mut presses = 0;
        while tokio::signal::ctrl_c().await.is_ok() {
            presses += 1;
            if presses == 1 {
                handle.interrupt();
                eprintln!(
                    "\nInterrupted: following stops and no further stack starts; operations already started keep running in AWS (Ctrl-C again quits at once)."
                );
            } else {
                std::process::exit(i32::from(INTERRUPTED));
            }
        }
    });
    let aws = AwsOptions {
        profile: g.profile.clone().or_else(|| config.profile.clone()),
        region: g.region.clone().or_else(|| config.region.clone()),
    };
    let reporter = Arc::new(TerminalReporter::new(err_style, g.yes));
    rt.block_on(async {
        let session = AwsSession::load(&aws).await;
        let deployer = Deployer::new(session, reporter, interrupt);
        match &cli.command {
            Command::Bootstrap(a) => {
                let bucket = a.staging_bucket.clone().or_else(|| config.staging_bucket.clone()).ok_or_else(|| {
                    CliError::Usage("name the bucket: --staging-bucket NAME (or `staging_bucket` in stackdef.toml)".into())
                })?;
                let created = deployer.bootstrap(&bucket, None).await?;
                if g.json {
                    print_json(&json!({"bucket": bucket, "created": created}));
                } else if created {
                    println!("Created staging bucket {bucket}");
                } else {
                    println!("Staging bucket {bucket} already exists");
                }
                Ok(OK)
            }
            Command::Diff(a) => {
                let assembly = project.assembly(g)?;
                let diffs = deployer.diff(&assembly, &a.stacks).await?;
                if g.json {
                    print_json(&format::diff_json(&diffs));
                } else {
                    print!("{}", format::diff_text(out, &diffs));
                }
                let differs = diffs.iter().any(|d| !d.diff.is_empty());
                Ok(if a.fail && differs { FAILED } else { OK })
            }
            Command::Deploy(a) => {
                let assembly = project.assembly(g)?;
                require_selection(&assembly, &a.stacks, a.all, "deploy")?;
                let options = DeployOptions {
                    concurrency,
                    allow: Allowances {
                        replace: a.allow_replace.clone(),
                        remove: a.allow_remove.clone(),
                    },
                    recreate_failed: a.recreate_failed,
                    staging_bucket: a.staging_bucket.clone().or_else(|| config.staging_bucket.clone()),
                    parameters: a.parameters.clone(),
                    force: a.force,
                    method: match a.method {
                        args::Method::ChangeSet => DeployMethod::ChangeSet,
                        args::Method::Direct => DeployMethod::Direct,
                    },
                    express: a.express,
                };
                let report = deployer.deploy(&assembly, &a.stacks, &options).await?;
                Ok(finish(g.json, out, &report))
            }
            Command::Destroy(a) => {
                let assembly = project.assembly(g)?;
                require_selection(&assembly, &a.stacks, a.all, "destroy")?;
                let report = deployer
                    .destroy(&assembly, &a.stacks, &DestroyOptions { concurrency })
                    .await?;
                Ok(finish(g.json, out, &report))
            }
            Command::Outputs(a) => {
                let assembly = project.assembly(g)?;
                let names: Vec<String> = a.stack.iter().cloned().collect();
                let outputs = deployer.outputs(&assembly, &names).await?;
                if g.json {
                    let v = format::outputs_json(&outputs);
                    // One stack asked for: its outputs object itself.
                    match (&a.stack, v.get(a.stack.as_deref().unwrap_or_default())) {
                        (Some(_), Some(one)) => print_json(one),
                        _ => print_json(&v),
                    }
                } else {
                    print!("{}", format::outputs_text(out, &outputs));
                }
                Ok(OK)
            }
            Command::Watch(a) => {
                let assembly = project.assembly(g)?;
                let end = deployer.watch(&assembly, &a.stack).await?;
                if g.json {
                    print_json(&json!({"stack": a.stack, "status": end.status.as_str(), "interrupted": end.interrupted}));
                } else {
                    println!("{}: {}", a.stack, out.status(end.status.as_str()));
                }
                Ok(if end.interrupted {
                    INTERRUPTED
                } else if end.completed() {
                    OK
                } else {
                    FAILED
                })
            }
            Command::Synth | Command::List | Command::Graph(_) => Ok(OK),
        }
    })
}

/// With several stacks, deploy/destroy need names or `--all`.
fn require_selection(
    assembly: &stackdef_synth::assembly::Assembly,
    stacks: &[String],
    all: bool,
    verb: &str,
) -> Result<(), CliError> {
    let n = assembly.manifest.stacks.len();
    if stacks.is_empty() && !all && n > 1 {
        let names: Vec<&str> = assembly
            .manifest
            .stacks
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        return Err(CliError::Usage(format!(
            "the app has {n} stacks ({}): name the ones to {verb} or pass --all",
            names.join(", ")
        )));
    }
    Ok(())
}

fn finish(json: bool, out: Style, report: &RunReport) -> u8 {
    if json {
        print_json(&format::report_json(report));
    } else {
        print!("{}", format::report_text(out, report));
    }
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
