//! The multi-stack scheduler: which stacks an operation involves, a region and account
//! check of every one before anything changes, then the stack operations in dependency
//! order, independent stacks concurrently up to a limit; a failure stops the stacks that
//! depend on it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stackdef_synth::assembly::{Assembly, StackArtifact};
use tokio::task::JoinSet;

use super::context::StackContext;
use super::deploy::deploy_stack;
use super::destroy::destroy_stack;
use super::error::DeployError;
use super::interrupt::Interrupt;
use super::options::{DeployOptions, DestroyOptions, HEARTBEAT};
use super::outcome::StackOutcome;
use super::report::{Progress, Reporter};
use super::run_report::{RunReport, StackReport, StackResult};
use super::session::AwsSession;
use crate::analysis::secrets::no_echo_parameters;

/// What the scheduler does to each stack.
#[derive(Debug, Clone)]
pub(crate) enum Operation {
    /// Deploy, dependencies first.
    Deploy(Arc<DeployOptions>),
    /// Destroy, dependants first.
    Destroy(DestroyOptions),
}

impl Operation {
    fn concurrency(&self) -> usize {
        match self {
            Operation::Deploy(o) => o.concurrency,
            Operation::Destroy(o) => o.concurrency,
        }
        .max(1)
    }

    /// The stacks of `selected` that must succeed before `stack` starts.
    fn prerequisites(&self, stack: &StackArtifact, selected: &[StackArtifact]) -> Vec<String> {
        match self {
            Operation::Deploy(_) => stack
                .dependencies
                .iter()
                .filter(|d| selected.iter().any(|s| &s.name == *d))
                .cloned()
                .collect(),
            Operation::Destroy(_) => selected
                .iter()
                .filter(|s| s.dependencies.contains(&stack.name))
                .map(|s| s.name.clone())
                .collect(),
        }
    }

    /// Why a stack does not run when `blocking` (a list of names) did not succeed.
    fn skip_reason(&self, blocking: &str) -> String {
        match self {
            Operation::Deploy(_) => {
                format!("not deployed: depends on {blocking}, which did not deploy")
            }
            Operation::Destroy(_) => {
                format!("not destroyed: {blocking} depends on it and was not destroyed")
            }
        }
    }

    /// Stop following after this long.
    fn timeout(&self) -> Option<Duration> {
        match self {
            Operation::Deploy(o) => o.timeout,
            Operation::Destroy(o) => o.timeout,
        }
    }

    /// Report what is in progress after this long without news.
    fn heartbeat(&self) -> Duration {
        match self {
            Operation::Deploy(o) => o.heartbeat,
            Operation::Destroy(_) => HEARTBEAT,
        }
    }

    /// The values to mask for `stack`: the values given to (or defaulted for) its `NoEcho`
    /// parameters.
    fn secrets(&self, stack: &str, template_text: &str) -> Vec<String> {
        let Operation::Deploy(options) = self else {
            return Vec::new();
        };
        let Ok(template) = serde_json::from_str::<serde_json::Value>(template_text) else {
            return Vec::new();
        };
        let hidden = no_echo_parameters(&template);
        let mut out: Vec<String> = options
            .parameters_for(stack)
            .into_iter()
            .filter(|(k, _)| hidden.contains(k))
            .map(|(_, v)| v)
            .collect();
        for name in &hidden {
            if let Some(serde_json::Value::String(d)) = template
                .get("Parameters")
                .and_then(|p| p.get(name))
                .and_then(|p| p.get("Default"))
            {
                out.push(d.clone());
            }
        }
        out.retain(|v| !v.is_empty());
        out
    }

    async fn run(&self, ctx: &StackContext<'_>) -> Result<StackOutcome, DeployError> {
        match self {
            Operation::Deploy(options) => deploy_stack(ctx, options)
                .await
                .map_err(|e| e.masked(&ctx.secrets)),
            Operation::Destroy(_) => destroy_stack(ctx).await,
        }
    }
}

/// The stacks `names` picks (every stack when empty), in manifest order; a name that is
/// not in the assembly is an error.
pub(crate) fn named<'a>(
    assembly: &'a Assembly,
    names: &[String],
) -> Result<Vec<&'a StackArtifact>, DeployError> {
    let stacks = &assembly.manifest.stacks;
    if let Some(unknown) = names.iter().find(|n| !stacks.iter().any(|s| &s.name == *n)) {
        return Err(DeployError::UnknownStack {
            name: unknown.clone(),
            available: stacks
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(stacks
        .iter()
        .filter(|s| names.is_empty() || names.contains(&s.name))
        .collect())
}

/// The stacks an operation on `names` involves, in the order it runs them: for deploy the
/// named stacks and everything they depend on (manifest order); for destroy the named stacks
/// and everything that depends on them (reverse order).
pub(crate) fn select(
    assembly: &Assembly,
    names: &[String],
    operation: &Operation,
) -> Result<Vec<StackArtifact>, DeployError> {
    let stacks = &assembly.manifest.stacks;
    let mut wanted: Vec<String> = named(assembly, names)?
        .into_iter()
        .map(|s| s.name.clone())
        .collect();
    loop {
        let before = wanted.len();
        for s in stacks {
            match operation {
                Operation::Deploy(_) if wanted.contains(&s.name) => {
                    for d in &s.dependencies {
                        if !wanted.contains(d) {
                            wanted.push(d.clone());
                        }
                    }
                }
                Operation::Destroy(_)
                    if !wanted.contains(&s.name)
                        && s.dependencies.iter().any(|d| wanted.contains(d)) =>
                {
                    if let Operation::Destroy(o) = operation
                        && !o.with_dependents
                    {
                        return Err(has_dependants(assembly, names, &s.name));
                    }
                    wanted.push(s.name.clone());
                }
                _ => {}
            }
        }
        if wanted.len() == before {
            break;
        }
    }
    let mut out: Vec<StackArtifact> = stacks
        .iter()
        .filter(|s| wanted.contains(&s.name))
        .cloned()
        .collect();
    if let Operation::Destroy(_) = operation {
        out.reverse();
    }
    Ok(out)
}

/// The error for destroying named stacks that `dependant` (not named) depends on: the first
/// named stack it depends on, directly or not, with all of that stack's dependants.
fn has_dependants(assembly: &Assembly, names: &[String], dependant: &str) -> DeployError {
    let stacks = &assembly.manifest.stacks;
    // Every stack depending on `root`, directly or not, in manifest order.
    let dependants_of = |root: &str| -> Vec<String> {
        let mut found = vec![root.to_owned()];
        loop {
            let before = found.len();
            for s in stacks {
                if !found.contains(&s.name) && s.dependencies.iter().any(|d| found.contains(d)) {
                    found.push(s.name.clone());
                }
            }
            if found.len() == before {
                break;
            }
        }
        found.remove(0);
        found
    };
    let named: Vec<&String> = if names.is_empty() {
        stacks.iter().map(|s| &s.name).collect()
    } else {
        names.iter().collect()
    };
    let stack = named
        .into_iter()
        .find(|n| dependants_of(n).iter().any(|d| d == dependant))
        .cloned()
        .unwrap_or_default();
    let dependants = dependants_of(&stack)
        .into_iter()
        .filter(|d| !names.contains(d))
        .collect();
    DeployError::HasDependants { stack, dependants }
}

/// Where the engine is: what runs the stack operations and who hears about them.
pub(crate) struct Crew<'a> {
    pub session: &'a AwsSession,
    pub reporter: &'a Arc<dyn Reporter>,
    pub interrupt: &'a Interrupt,
}

/// Runs `operation` on `selected` (in the order [`select`] gives).
///
/// Regions and accounts of every stack are checked before anything changes; such an error
/// is returned as `Err`. Failures of individual stacks are in the report.
pub(crate) async fn run(
    crew: Crew<'_>,
    assembly: &Assembly,
    selected: Vec<StackArtifact>,
    operation: Operation,
) -> Result<RunReport, DeployError> {
    let regions = check_targets(crew.session, &selected).await?;
    let mut templates = HashMap::new();
    if let Operation::Deploy(_) = operation {
        for a in &selected {
            templates.insert(a.name.clone(), assembly.template_text(a)?);
        }
    }
    let mut schedule = Schedule::new(&selected, &operation);
    let mut tasks: JoinSet<(String, Result<StackOutcome, DeployError>, Duration)> = JoinSet::new();
    let limit = operation.concurrency();
    loop {
        schedule.skip_blocked(&operation);
        if !crew.interrupt.is_set() {
            for artifact in schedule.ready(limit.saturating_sub(tasks.len())) {
                let region = regions[&artifact.name].clone();
                crew.reporter.progress(Progress::StackStarted {
                    stack: &artifact.name,
                    region: &region,
                });
                let clients = crew.session.clients(&region);
                let reporter = crew.reporter.clone();
                let interrupt = crew.interrupt.clone();
                let template_text = templates.remove(&artifact.name).unwrap_or_default();
                let secrets = operation.secrets(&artifact.name, &template_text);
                let operation = operation.clone();
                tasks.spawn(async move {
                    let started = Instant::now();
                    let ctx = StackContext {
                        clients,
                        reporter: reporter.as_ref(),
                        interrupt: &interrupt,
                        artifact: &artifact,
                        template_text,
                        timeout: operation.timeout(),
                        heartbeat: operation.heartbeat(),
                        secrets,
                    };
                    let result = operation.run(&ctx).await;
                    (artifact.name.clone(), result, started.elapsed())
                });
            }
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let (name, result, elapsed) = joined.map_err(|e| DeployError::Aws {
            operation: "stack task",
            code: None,
            message: e.to_string(),
        })?;
        schedule.record(name, result, elapsed);
    }
    Ok(schedule.report(&regions))
}

/// Before any change: every stack has a region, the credentials work, and the accounts
/// match. The region of each stack, by name.
async fn check_targets(
    session: &AwsSession,
    selected: &[StackArtifact],
) -> Result<HashMap<String, String>, DeployError> {
    let mut regions = HashMap::new();
    for a in selected {
        let region = session.region_for(&a.name, a.environment.region.as_deref())?;
        let clients = session.clients(&region);
        session
            .check_account(&a.name, a.environment.account.as_deref(), &clients)
            .await?;
        regions.insert(a.name.clone(), region);
    }
    Ok(regions)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Succeeded,
    NotSucceeded,
}

/// Where each selected stack stands, and the results so far.
struct Schedule<'a> {
    selected: &'a [StackArtifact],
    prerequisites: HashMap<String, Vec<String>>,
    state: HashMap<String, State>,
    results: HashMap<String, (StackResult, Duration)>,
}

impl<'a> Schedule<'a> {
    fn new(selected: &'a [StackArtifact], operation: &Operation) -> Self {
        Schedule {
            selected,
            prerequisites: selected
                .iter()
                .map(|a| (a.name.clone(), operation.prerequisites(a, selected)))
                .collect(),
            state: selected
                .iter()
                .map(|a| (a.name.clone(), State::Pending))
                .collect(),
            results: HashMap::new(),
        }
    }

    /// Stacks whose prerequisites did not succeed will not run.
    fn skip_blocked(&mut self, operation: &Operation) {
        for a in self.selected {
            if self.state[&a.name] != State::Pending {
                continue;
            }
            let blocked: Vec<&str> = self.prerequisites[&a.name]
                .iter()
                .filter(|p| self.state.get(*p) == Some(&State::NotSucceeded))
                .map(String::as_str)
                .collect();
            if !blocked.is_empty() {
                let reason = operation.skip_reason(&blocked.join(", "));
                self.state.insert(a.name.clone(), State::NotSucceeded);
                self.results.insert(
                    a.name.clone(),
                    (StackResult::Skipped { reason }, Duration::ZERO),
                );
            }
        }
    }

    /// Up to `room` pending stacks whose prerequisites all succeeded, marked running.
    fn ready(&mut self, room: usize) -> Vec<StackArtifact> {
        let ready: Vec<StackArtifact> = self
            .selected
            .iter()
            .filter(|a| {
                self.state[&a.name] == State::Pending
                    && self.prerequisites[&a.name]
                        .iter()
                        .all(|p| self.state.get(p) == Some(&State::Succeeded))
            })
            .take(room)
            .cloned()
            .collect();
        for a in &ready {
            self.state.insert(a.name.clone(), State::Running);
        }
        ready
    }

    fn record(
        &mut self,
        name: String,
        result: Result<StackOutcome, DeployError>,
        elapsed: Duration,
    ) {
        let ok = matches!(&result, Ok(o) if o.succeeded());
        self.state.insert(
            name.clone(),
            if ok {
                State::Succeeded
            } else {
                State::NotSucceeded
            },
        );
        let result = match result {
            Ok(o) => StackResult::Ok(o),
            Err(e) => StackResult::Failed(e),
        };
        self.results.insert(name, (result, elapsed));
    }

    /// One line per selected stack; a stack never started was stopped by the interrupt.
    fn report(mut self, regions: &HashMap<String, String>) -> RunReport {
        let mut report = RunReport::default();
        for a in self.selected {
            let (result, elapsed) = self.results.remove(&a.name).unwrap_or_else(|| {
                (
                    StackResult::Skipped {
                        reason: "not started: interrupted".into(),
                    },
                    Duration::ZERO,
                )
            });
            report.stacks.push(StackReport {
                stack: a.name.clone(),
                region: regions.get(&a.name).cloned().unwrap_or_default(),
                result,
                elapsed,
            });
        }
        report
    }
}
