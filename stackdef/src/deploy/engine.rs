//! The multi-stack engine: selects stacks, checks regions and accounts before any change,
//! then runs stack operations in dependency order, independent stacks concurrently up to a
//! limit; a failure stops the stacks that depend on it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use stackdef_synth::assembly::{Assembly, StackArtifact};
use tokio::task::JoinSet;

use super::aws::AwsSession;
use super::diff::{TemplateDiff, diff_templates};
use super::error::DeployError;
use super::events::FollowEnd;
use super::interrupt::Interrupt;
use super::protection::Allowances;
use super::report::{Progress, Reporter};
use super::stack_ops::{
    StackContext, StackOutcome, StackOutput, deploy_stack, deployed_template, destroy_stack,
    stack_outputs, watch_stack,
};
use super::staging::create_staging_bucket;

/// A template parameter value, for one stack or for every stack that declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterValue {
    /// Only for this stack (`Stack:Key=Value`), or all (`Key=Value`).
    pub stack: Option<String>,
    /// Parameter name.
    pub key: String,
    /// Value.
    pub value: String,
}

impl std::str::FromStr for ParameterValue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (lhs, value) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not KEY=VALUE or STACK:KEY=VALUE"))?;
        let (stack, key) = match lhs.split_once(':') {
            Some((st, k)) => (Some(st.to_owned()), k.to_owned()),
            None => (None, lhs.to_owned()),
        };
        if key.is_empty() {
            return Err(format!("`{s}` has no parameter name"));
        }
        Ok(ParameterValue {
            stack,
            key,
            value: value.to_owned(),
        })
    }
}

/// How a stack is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeployMethod {
    /// Through a change set: the planned changes come from CloudFormation (with its
    /// replacement field), are shown, and executed once confirmed.
    #[default]
    ChangeSet,
    /// `CreateStack` / `UpdateStack` directly, planned from the offline diff: fewer round
    /// trips for development loops.
    Direct,
}

/// Options of [`Deployer::deploy`].
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Stacks deployed at the same time, at most (at least 1).
    pub concurrency: usize,
    /// Stateful resources the user allows to be replaced or removed.
    pub allow: Allowances,
    /// Delete and re-create a stack left in `ROLLBACK_COMPLETE` by a failed create.
    pub recreate_failed: bool,
    /// S3 bucket for templates over 51,200 bytes.
    pub staging_bucket: Option<String>,
    /// Template parameter values.
    pub parameters: Vec<ParameterValue>,
    /// Create a change set even when the template is identical to the deployed one.
    pub force: bool,
    /// Change set (default) or direct.
    pub method: DeployMethod,
    /// CloudFormation's express mode: the operation completes when resource configuration
    /// is applied, without waiting for resources to become ready to serve traffic (they
    /// keep becoming ready in the background). For fast development loops; not for
    /// production deploys that must be serving when the command returns.
    pub express: bool,
}

impl Default for DeployOptions {
    fn default() -> Self {
        DeployOptions {
            concurrency: 4,
            allow: Allowances::default(),
            recreate_failed: false,
            staging_bucket: None,
            parameters: Vec::new(),
            force: false,
            method: DeployMethod::ChangeSet,
            express: false,
        }
    }
}

impl DeployOptions {
    /// The `DeploymentConfig` sent with create and update calls: express mode when asked
    /// for, else nothing (CloudFormation's standard behaviour).
    pub fn deployment_config(&self) -> Option<aws_sdk_cloudformation::types::DeploymentConfig> {
        self.express.then(|| {
            aws_sdk_cloudformation::types::DeploymentConfig::builder()
                .mode(aws_sdk_cloudformation::types::DeploymentConfigMode::Express)
                .build()
        })
    }

    /// The parameter values that apply to `stack` (stack-specific ones win).
    pub fn parameters_for(&self, stack: &str) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for p in self.parameters.iter().filter(|p| p.stack.is_none()) {
            out.retain(|(k, _)| *k != p.key);
            out.push((p.key.clone(), p.value.clone()));
        }
        for p in self
            .parameters
            .iter()
            .filter(|p| p.stack.as_deref() == Some(stack))
        {
            out.retain(|(k, _)| *k != p.key);
            out.push((p.key.clone(), p.value.clone()));
        }
        out
    }
}

/// Options of [`Deployer::destroy`].
#[derive(Debug, Clone)]
pub struct DestroyOptions {
    /// Stacks deleted at the same time, at most (at least 1).
    pub concurrency: usize,
}

impl Default for DestroyOptions {
    fn default() -> Self {
        DestroyOptions { concurrency: 4 }
    }
}

/// How one stack fared in a multi-stack run.
#[derive(Debug)]
#[non_exhaustive]
pub enum StackResult {
    /// The operation ended without failure.
    Ok(StackOutcome),
    /// The operation failed.
    Failed(DeployError),
    /// Not run: a stack it depends on did not succeed, or the run was interrupted.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// One stack's line in a [`RunReport`].
#[derive(Debug)]
pub struct StackReport {
    /// Stack name.
    pub stack: String,
    /// Region.
    pub region: String,
    /// What happened.
    pub result: StackResult,
    /// Time spent on it.
    pub elapsed: Duration,
}

/// The result of a multi-stack deploy or destroy, in the order stacks were selected.
#[derive(Debug, Default)]
pub struct RunReport {
    /// One entry per selected stack.
    pub stacks: Vec<StackReport>,
}

impl RunReport {
    /// Every stack succeeded (deployed, unchanged, or already absent).
    pub fn succeeded(&self) -> bool {
        self.stacks.iter().all(|s| {
            matches!(
                s.result,
                StackResult::Ok(
                    StackOutcome::Done { .. }
                        | StackOutcome::NoChanges { .. }
                        | StackOutcome::Absent
                )
            )
        })
    }

    /// Some stack's following was interrupted (or not started because of the interrupt).
    pub fn interrupted(&self) -> bool {
        self.stacks
            .iter()
            .any(|s| matches!(s.result, StackResult::Ok(StackOutcome::Interrupted { .. })))
    }

    /// Some stack was declined at a prompt.
    pub fn declined(&self) -> bool {
        self.stacks
            .iter()
            .any(|s| matches!(s.result, StackResult::Ok(StackOutcome::Declined)))
    }
}

/// A stack's diff against what is deployed.
#[derive(Debug, Clone)]
pub struct StackDiff {
    /// Stack name.
    pub stack: String,
    /// Whether the stack exists.
    pub deployed: bool,
    /// The differences.
    pub diff: TemplateDiff,
}

/// The deploy engine: deploy, destroy, diff, outputs, watch over an assembly.
#[derive(Clone)]
pub struct Deployer {
    session: Arc<AwsSession>,
    reporter: Arc<dyn Reporter>,
    interrupt: Interrupt,
}

impl std::fmt::Debug for Deployer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deployer")
            .field("session", &self.session)
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Deploy,
    Destroy,
}

#[derive(Clone, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Succeeded,
    NotSucceeded,
}

impl Deployer {
    /// An engine over `session`, reporting to `reporter`, stopping following on `interrupt`.
    pub fn new(session: AwsSession, reporter: Arc<dyn Reporter>, interrupt: Interrupt) -> Self {
        Deployer {
            session: Arc::new(session),
            reporter,
            interrupt,
        }
    }

    /// The AWS session.
    pub fn session(&self) -> &AwsSession {
        &self.session
    }

    /// Deploys `names` (all stacks when empty) and the stacks they depend on.
    ///
    /// Regions and accounts of every selected stack are checked before anything changes;
    /// such an error is returned as `Err`. Failures of individual stacks are in the report.
    pub async fn deploy(
        &self,
        assembly: &Assembly,
        names: &[String],
        options: &DeployOptions,
    ) -> Result<RunReport, DeployError> {
        let selected = select(assembly, names, Op::Deploy)?;
        self.run(
            assembly,
            selected,
            Op::Deploy,
            options.concurrency,
            Arc::new(options.clone()),
            Arc::new(DestroyOptions::default()),
        )
        .await
    }

    /// Destroys `names` (all stacks when empty) and the stacks that depend on them, dependants
    /// first.
    pub async fn destroy(
        &self,
        assembly: &Assembly,
        names: &[String],
        options: &DestroyOptions,
    ) -> Result<RunReport, DeployError> {
        let selected = select(assembly, names, Op::Destroy)?;
        self.run(
            assembly,
            selected,
            Op::Destroy,
            options.concurrency,
            Arc::new(DeployOptions::default()),
            Arc::new(options.clone()),
        )
        .await
    }

    /// Diffs `names` (all when empty) against their deployed templates.
    pub async fn diff(
        &self,
        assembly: &Assembly,
        names: &[String],
    ) -> Result<Vec<StackDiff>, DeployError> {
        let mut out = Vec::new();
        for artifact in select(assembly, names, Op::Deploy)?
            .into_iter()
            .filter(|a| names.is_empty() || names.contains(&a.name))
        {
            let region = self
                .session
                .region_for(&artifact.name, artifact.environment.region.as_deref())?;
            let clients = self.session.clients(&region);
            let template = assembly.template(&artifact)?;
            let deployed = deployed_template(&clients.cloudformation, &artifact.name).await?;
            out.push(StackDiff {
                stack: artifact.name.clone(),
                deployed: deployed.is_some(),
                diff: diff_templates(deployed.as_ref(), &template),
            });
        }
        Ok(out)
    }

    /// The outputs of `names` (all when empty).
    pub async fn outputs(
        &self,
        assembly: &Assembly,
        names: &[String],
    ) -> Result<Vec<(String, Vec<StackOutput>)>, DeployError> {
        let mut out = Vec::new();
        for artifact in select(assembly, names, Op::Deploy)?
            .into_iter()
            .filter(|a| names.is_empty() || names.contains(&a.name))
        {
            let region = self
                .session
                .region_for(&artifact.name, artifact.environment.region.as_deref())?;
            let clients = self.session.clients(&region);
            out.push((
                artifact.name.clone(),
                stack_outputs(&clients.cloudformation, &artifact.name, &region).await?,
            ));
        }
        Ok(out)
    }

    /// Replays the latest operation on stack `name` from its start, then follows it until
    /// it settles.
    pub async fn watch(&self, assembly: &Assembly, name: &str) -> Result<FollowEnd, DeployError> {
        let artifact = assembly.stack(name)?.clone();
        let region = self
            .session
            .region_for(&artifact.name, artifact.environment.region.as_deref())?;
        let ctx = StackContext {
            clients: self.session.clients(&region),
            reporter: self.reporter.as_ref(),
            interrupt: &self.interrupt,
            template_text: String::new(),
            artifact: &artifact,
        };
        watch_stack(&ctx).await
    }

    /// Creates the S3 staging bucket in `region` (or the default region). `Ok(false)` when it
    /// already exists.
    pub async fn bootstrap(&self, bucket: &str, region: Option<&str>) -> Result<bool, DeployError> {
        let region = self.session.region_for("(bootstrap)", region)?;
        create_staging_bucket(&self.session.clients(&region), bucket).await
    }

    async fn run(
        &self,
        assembly: &Assembly,
        selected: Vec<StackArtifact>,
        op: Op,
        concurrency: usize,
        deploy_options: Arc<DeployOptions>,
        destroy_options: Arc<DestroyOptions>,
    ) -> Result<RunReport, DeployError> {
        // Before any change: every stack has a region, credentials work, accounts match.
        let mut regions = HashMap::new();
        for a in &selected {
            let region = self
                .session
                .region_for(&a.name, a.environment.region.as_deref())?;
            let clients = self.session.clients(&region);
            self.session
                .check_account(&a.name, a.environment.account.as_deref(), &clients)
                .await?;
            regions.insert(a.name.clone(), region);
        }
        let names: Vec<&str> = selected.iter().map(|a| a.name.as_str()).collect();
        // Stacks that must succeed before each one starts.
        let prerequisites: HashMap<String, Vec<String>> = selected
            .iter()
            .map(|a| {
                let pre = match op {
                    Op::Deploy => a
                        .dependencies
                        .iter()
                        .filter(|d| names.contains(&d.as_str()))
                        .cloned()
                        .collect(),
                    Op::Destroy => selected
                        .iter()
                        .filter(|b| b.dependencies.contains(&a.name))
                        .map(|b| b.name.clone())
                        .collect(),
                };
                (a.name.clone(), pre)
            })
            .collect();
        let mut templates = HashMap::new();
        if op == Op::Deploy {
            for a in &selected {
                templates.insert(a.name.clone(), assembly.template_text(a)?);
            }
        }

        let mut state: HashMap<String, State> = selected
            .iter()
            .map(|a| (a.name.clone(), State::Pending))
            .collect();
        let mut results: HashMap<String, (StackResult, Duration)> = HashMap::new();
        let mut tasks: JoinSet<(String, Result<StackOutcome, DeployError>, Duration)> =
            JoinSet::new();
        let limit = concurrency.max(1);
        loop {
            // Stacks whose prerequisites did not succeed will not run.
            for a in &selected {
                if state[&a.name] != State::Pending {
                    continue;
                }
                let blocked: Vec<&String> = prerequisites[&a.name]
                    .iter()
                    .filter(|p| state.get(*p) == Some(&State::NotSucceeded))
                    .collect();
                if !blocked.is_empty() {
                    let list = blocked
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let reason = match op {
                        Op::Deploy => {
                            format!("not deployed: depends on {list}, which did not deploy")
                        }
                        Op::Destroy => {
                            format!("not destroyed: {list} depends on it and was not destroyed")
                        }
                    };
                    state.insert(a.name.clone(), State::NotSucceeded);
                    results.insert(
                        a.name.clone(),
                        (StackResult::Skipped { reason }, Duration::ZERO),
                    );
                }
            }
            if !self.interrupt.is_set() {
                for a in &selected {
                    if tasks.len() >= limit {
                        break;
                    }
                    let ready = state[&a.name] == State::Pending
                        && prerequisites[&a.name]
                            .iter()
                            .all(|p| state.get(p) == Some(&State::Succeeded));
                    if !ready {
                        continue;
                    }
                    state.insert(a.name.clone(), State::Running);
                    let region = regions[&a.name].clone();
                    self.reporter.progress(Progress::StackStarted {
                        stack: &a.name,
                        region: &region,
                    });
                    let clients = self.session.clients(&region);
                    let reporter = self.reporter.clone();
                    let interrupt = self.interrupt.clone();
                    let artifact = a.clone();
                    let template_text = templates.remove(&a.name).unwrap_or_default();
                    let deploy_options = deploy_options.clone();
                    let destroy_options = destroy_options.clone();
                    tasks.spawn(async move {
                        let started = Instant::now();
                        let ctx = StackContext {
                            clients,
                            reporter: reporter.as_ref(),
                            interrupt: &interrupt,
                            artifact: &artifact,
                            template_text,
                        };
                        let result = match op {
                            Op::Deploy => deploy_stack(&ctx, &deploy_options).await,
                            Op::Destroy => destroy_stack(&ctx, &destroy_options).await,
                        };
                        (artifact.name.clone(), result, started.elapsed())
                    });
                }
            }
            let Some(joined) = tasks.join_next().await else {
                break;
            };
            let (name, result, elapsed) = match joined {
                Ok(r) => r,
                Err(e) => {
                    return Err(DeployError::Aws {
                        operation: "stack task",
                        code: None,
                        message: e.to_string(),
                    });
                }
            };
            let ok = matches!(
                result,
                Ok(StackOutcome::Done { .. }
                    | StackOutcome::NoChanges { .. }
                    | StackOutcome::Absent)
            );
            state.insert(
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
            results.insert(name, (result, elapsed));
        }
        let mut report = RunReport::default();
        for a in &selected {
            let (result, elapsed) = results.remove(&a.name).unwrap_or_else(|| {
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
        Ok(report)
    }
}

/// The stacks an operation on `names` involves, in the order it runs them: for deploy the
/// named stacks and everything they depend on (manifest order); for destroy the named stacks
/// and everything that depends on them (reverse order).
fn select(
    assembly: &Assembly,
    names: &[String],
    op: Op,
) -> Result<Vec<StackArtifact>, DeployError> {
    let stacks = &assembly.manifest.stacks;
    for n in names {
        if !stacks.iter().any(|s| &s.name == n) {
            return Err(DeployError::UnknownStack {
                name: n.clone(),
                available: stacks
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let mut wanted: Vec<String> = if names.is_empty() {
        stacks.iter().map(|s| s.name.clone()).collect()
    } else {
        names.to_vec()
    };
    loop {
        let before = wanted.len();
        for s in stacks {
            match op {
                Op::Deploy if wanted.contains(&s.name) => {
                    for d in &s.dependencies {
                        if !wanted.contains(d) {
                            wanted.push(d.clone());
                        }
                    }
                }
                Op::Destroy
                    if !wanted.contains(&s.name)
                        && s.dependencies.iter().any(|d| wanted.contains(d)) =>
                {
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
    if op == Op::Destroy {
        out.reverse();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse_and_stack_specific_values_win() {
        let all: ParameterValue = "Size=2".parse().unwrap_or_else(|e: String| panic!("{e}"));
        let one: ParameterValue = "Api:Size=3"
            .parse()
            .unwrap_or_else(|e: String| panic!("{e}"));
        assert_eq!(one.stack.as_deref(), Some("Api"));
        assert!("novalue".parse::<ParameterValue>().is_err());
        assert!("=x".parse::<ParameterValue>().is_err());
        let options = DeployOptions {
            parameters: vec![one, all],
            ..DeployOptions::default()
        };
        assert_eq!(
            options.parameters_for("Api"),
            vec![("Size".to_owned(), "3".to_owned())]
        );
        assert_eq!(
            options.parameters_for("Web"),
            vec![("Size".to_owned(), "2".to_owned())]
        );
    }
}
