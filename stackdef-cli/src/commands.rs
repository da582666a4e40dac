//! What each command does, one function per command. The offline ones (`synth`, `list`,
//! `graph`) need no AWS; the others run on a started engine's [`Deployer`].

use std::io::IsTerminal;

use serde_json::json;
use stackdef_deploy::analysis::graph::{GraphFormat, render, stack_graphs};
use stackdef_deploy::analysis::protection::Allowances;
use stackdef_deploy::{
    DeployOptions, Deployer, DestroyOptions, ParameterValue, RunReport, StackOutcome, StackOutput,
    StackResult,
};
use stackdef_synth::assembly::Assembly;

use super::args::{
    BootstrapArgs, DeployArgs, DestroyArgs, DiffArgs, Format, Global, GraphArgs, OutputsArgs,
    SynthArgs, WatchArgs,
};
use super::exit::{CliError, FAILED, INTERRUPTED, OK, report_code};
use super::format;
use super::project::Project;
use super::style::Style;

/// What every command works with: the global options, the project, and how to style
/// standard output and standard error.
#[derive(Debug)]
pub struct Context<'a> {
    /// Options shared by every command.
    pub global: &'a Global,
    /// `stackdef.toml` and where it is.
    pub project: Project,
    /// Styling of standard output.
    pub out: Style,
    /// Styling of standard error.
    pub err: Style,
}

impl<'a> Context<'a> {
    /// Finds the project and detects colours.
    pub fn new(global: &'a Global) -> Result<Self, CliError> {
        Ok(Context {
            global,
            project: Project::discover()?,
            out: Style::detect(global.no_color, std::io::stdout().is_terminal()),
            err: Style::detect(global.no_color, std::io::stderr().is_terminal()),
        })
    }

    /// The app's assembly (the app command's output, or `--assembly`).
    fn assembly(&self) -> Result<Assembly, CliError> {
        self.project.assembly(self.global)
    }

    /// Stacks handled at the same time, at most.
    fn concurrency(&self) -> usize {
        let config = self.project.config.concurrency.map(|n| n.get());
        usize::from(self.global.concurrency.or(config).unwrap_or(4))
    }
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

/// `stackdef synth`: runs the app, then lists what it wrote.
pub fn synth(ctx: &Context<'_>, args: &SynthArgs) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    let warnings = &assembly.manifest.warnings;
    let open = warnings.iter().filter(|w| w.acknowledged.is_none()).count();
    if ctx.global.json {
        let mut v = format::list_json(&assembly.manifest);
        v["assembly"] = json!(assembly.dir.display().to_string());
        v["warnings"] = json!(warnings);
        print_json(&v);
    } else {
        let n = assembly.manifest.stacks.len();
        println!(
            "Synthesized {n} stack{} to {}",
            if n == 1 { "" } else { "s" },
            assembly.dir.display()
        );
        print!("{}", format::list_text(ctx.out, &assembly.manifest));
        print!("{}", stackdef_synth::WarningList(warnings));
    }
    if args.strict && open > 0 {
        eprintln!(
            "--strict: {open} warning{} not acknowledged; fix {} or acknowledge {} in code \
             (`node().acknowledge(rule, \"why\")`)",
            if open == 1 { "" } else { "s" },
            if open == 1 { "it" } else { "them" },
            if open == 1 { "it" } else { "them" },
        );
        return Ok(FAILED);
    }
    Ok(OK)
}

/// `stackdef list`: stacks, environments, dependencies.
pub fn list(ctx: &Context<'_>) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    if ctx.global.json {
        print_json(&format::list_json(&assembly.manifest));
    } else {
        print!("{}", format::list_text(ctx.out, &assembly.manifest));
    }
    Ok(OK)
}

/// `stackdef graph`: resources, references and stack dependencies, offline.
pub fn graph(ctx: &Context<'_>, args: &GraphArgs) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    let graphs = stack_graphs(&assembly).map_err(|e| CliError::Assembly(e.to_string()))?;
    if ctx.global.json {
        print_json(&format::graph_json(&graphs));
    } else {
        let format = match args.format {
            Format::Dot => GraphFormat::Dot,
            Format::Mermaid => GraphFormat::Mermaid,
        };
        print!("{}", render(&graphs, format));
    }
    Ok(OK)
}

/// `stackdef bootstrap`: creates the staging bucket.
pub async fn bootstrap(
    ctx: &Context<'_>,
    deployer: &Deployer,
    args: &BootstrapArgs,
) -> Result<u8, CliError> {
    let bucket = args
        .staging_bucket
        .clone()
        .or_else(|| ctx.project.config.staging_bucket.clone())
        .ok_or_else(|| {
            CliError::Usage(
                "name the bucket: --staging-bucket NAME (or `staging_bucket` in stackdef.toml)"
                    .into(),
            )
        })?;
    let created = deployer.bootstrap(&bucket, None).await?;
    if ctx.global.json {
        print_json(&json!({"bucket": bucket, "created": created}));
    } else if created {
        println!("Created staging bucket {bucket}");
    } else {
        println!("Staging bucket {bucket} already exists");
    }
    Ok(OK)
}

/// `stackdef diff`: the synthesized templates against the deployed ones.
pub async fn diff(ctx: &Context<'_>, deployer: &Deployer, args: &DiffArgs) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    let diffs = deployer.diff(&assembly, &args.stacks).await?;
    if ctx.global.json {
        print_json(&format::diff_json(&diffs));
    } else {
        print!("{}", format::diff_text(ctx.out, &diffs));
    }
    let differs = diffs.iter().any(|d| !d.diff.is_empty());
    Ok(if args.fail && differs { FAILED } else { OK })
}

/// `stackdef deploy`.
pub async fn deploy(
    ctx: &Context<'_>,
    deployer: &Deployer,
    args: &DeployArgs,
) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    require_selection(&assembly, &args.stacks, args.all, "deploy")?;
    let options = DeployOptions {
        concurrency: ctx.concurrency(),
        allow: Allowances {
            replace: args.allow_replace.clone(),
            remove: args.allow_remove.clone(),
        },
        recreate_failed: args.recreate_failed,
        staging_bucket: args
            .staging_bucket
            .clone()
            .or_else(|| ctx.project.config.staging_bucket.clone()),
        parameters: args
            .parameters
            .iter()
            .map(|p| {
                p.parse::<ParameterValue>()
                    .map_err(|e| CliError::Usage(format!("invalid --parameter: {e}")))
            })
            .collect::<Result<_, _>>()?,
        force: args.force,
        method: args.method.into(),
        express: args.express,
        timeout: args.timeout,
        ..DeployOptions::default()
    };
    let report = deployer.deploy(&assembly, &args.stacks, &options).await?;
    let code = print_report(ctx, &report);
    if let Some(path) = &args.outputs_file
        && report.succeeded()
    {
        write_outputs_file(path, &report)?;
    }
    Ok(code)
}

/// Writes the outputs of every stack in `report` to `path` as JSON, through a temporary
/// file in the same directory renamed over it (a reader never sees half a file).
fn write_outputs_file(path: &std::path::Path, report: &RunReport) -> Result<(), CliError> {
    let stacks: Vec<(String, Vec<StackOutput>)> = report
        .stacks
        .iter()
        .filter_map(|r| match &r.result {
            StackResult::Ok(
                StackOutcome::Done { outputs, .. } | StackOutcome::NoChanges { outputs },
            ) => Some((r.stack.clone(), outputs.clone())),
            _ => None,
        })
        .collect();
    let text = serde_json::to_string_pretty(&format::outputs_json(&stacks))
        .map_err(|e| CliError::Usage(format!("cannot encode the outputs: {e}")))?;
    let failed = |e: std::io::Error| {
        CliError::Usage(format!(
            "the deploy succeeded but the outputs file {} could not be written: {e}",
            path.display()
        ))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "outputs.json".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, format!("{text}\n")).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}

/// `stackdef destroy`.
pub async fn destroy(
    ctx: &Context<'_>,
    deployer: &Deployer,
    args: &DestroyArgs,
) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    require_selection(&assembly, &args.stacks, args.all, "destroy")?;
    let options = DestroyOptions {
        concurrency: ctx.concurrency(),
        with_dependents: args.with_dependents,
        timeout: args.timeout,
    };
    let report = deployer.destroy(&assembly, &args.stacks, &options).await?;
    Ok(print_report(ctx, &report))
}

/// `stackdef outputs`.
pub async fn outputs(
    ctx: &Context<'_>,
    deployer: &Deployer,
    args: &OutputsArgs,
) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    let names: Vec<String> = args.stack.iter().cloned().collect();
    let outputs = deployer.outputs(&assembly, &names).await?;
    if ctx.global.json {
        let v = format::outputs_json(&outputs);
        // One stack asked for: its outputs object itself.
        match (
            &args.stack,
            v.get(args.stack.as_deref().unwrap_or_default()),
        ) {
            (Some(_), Some(one)) => print_json(one),
            _ => print_json(&v),
        }
    } else if outputs.iter().all(|(_, o)| o.is_empty()) {
        let which: Vec<&str> = outputs.iter().map(|(s, _)| s.as_str()).collect();
        println!(
            "{} no outputs",
            if which.len() == 1 {
                format!("Stack {} has", which[0])
            } else {
                format!("Stacks {} have", which.join(", "))
            }
        );
    } else {
        print!("{}", format::outputs_text(ctx.out, &outputs));
    }
    Ok(OK)
}

/// `stackdef watch`: replays the stack's latest operation, then follows it.
pub async fn watch(
    ctx: &Context<'_>,
    deployer: &Deployer,
    args: &WatchArgs,
) -> Result<u8, CliError> {
    let assembly = ctx.assembly()?;
    let end = deployer.watch(&assembly, &args.stack).await?;
    if ctx.global.json {
        print_json(&json!({
            "stack": args.stack,
            "status": end.status.as_str(),
            "interrupted": end.interrupted,
        }));
    } else {
        println!("{}: {}", args.stack, ctx.out.status(end.status.as_str()));
    }
    Ok(if end.interrupted {
        INTERRUPTED
    } else if end.completed() {
        OK
    } else {
        FAILED
    })
}

/// With several stacks, deploy/destroy need names or `--all`.
fn require_selection(
    assembly: &Assembly,
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

/// Prints a deploy or destroy report; its exit code.
fn print_report(ctx: &Context<'_>, report: &RunReport) -> u8 {
    if ctx.global.json {
        print_json(&format::report_json(report));
    } else {
        print!("{}", format::report_text(ctx.out, report));
    }
    report_code(report)
}
