//! [`Deployer`]: the engine's entry point. Deploy, destroy, diff, outputs, watch and
//! bootstrap over an assembly.

use std::sync::Arc;

use serde_json::Value;
use stackdef_synth::assembly::{Assembly, StackArtifact};

use super::context::StackContext;
use super::describe::{deployed_template, stack_outputs};
use super::error::DeployError;
use super::events::FollowEnd;
use super::interrupt::Interrupt;
use super::options::{DeployOptions, DestroyOptions, HEARTBEAT};
use super::outcome::StackOutput;
use super::report::{Progress, Reporter};
use super::run_report::RunReport;
use super::scheduler::{Crew, Operation, named, run, select};
use super::session::{AwsSession, Clients};
use super::staging::create_staging_bucket;
use super::watch::watch_stack;
use crate::analysis::diff::{TemplateDiff, diff_templates};
use crate::analysis::managed::{HeldBack, hold_back_managed};
use crate::analysis::protection::{ProtectedChange, diff_verdicts};
use crate::analysis::secrets::{MASK, no_echo_parameters};
use crate::analysis::security::{SecurityChange, security_changes};

/// A stack's diff against what is deployed.
#[derive(Debug, Clone)]
pub struct StackDiff {
    /// Stack name.
    pub stack: String,
    /// Whether the stack exists.
    pub deployed: bool,
    /// The differences (`NoEcho` parameter defaults masked).
    pub diff: TemplateDiff,
    /// The stateful resources a deploy of this diff would refuse to replace or remove
    /// without an allowance: the same verdicts the deploy gives.
    pub protected: Vec<ProtectedChange>,
    /// What the deploy would do to IAM, network rules, resource policies and public access.
    pub security: Vec<SecurityChange>,
    /// Changes the deploy would not apply, because another service owns those properties
    /// (the diff shows what the deploy would do, so they are not in [`StackDiff::diff`]).
    pub held_back: Vec<HeldBack>,
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
        self.run(
            assembly,
            names,
            Operation::Deploy(Arc::new(options.clone())),
        )
        .await
    }

    /// Destroys `names` (all stacks when empty). A named stack that other stacks depend on
    /// is an error ([`DeployError::HasDependants`], nothing deleted) unless those are named
    /// too or `options.with_dependents` is set; then they are reported and destroyed first.
    pub async fn destroy(
        &self,
        assembly: &Assembly,
        names: &[String],
        options: &DestroyOptions,
    ) -> Result<RunReport, DeployError> {
        let operation = Operation::Destroy(options.clone());
        let selected = select(assembly, names, &operation)?;
        let extra: Vec<&str> = selected
            .iter()
            .map(|s| s.name.as_str())
            .filter(|n| !names.is_empty() && !names.iter().any(|m| m == n))
            .collect();
        if !extra.is_empty() {
            let message = format!(
                "the stacks that depend on it are destroyed first: {}",
                extra.join(", ")
            );
            for name in names {
                self.reporter.progress(Progress::Step {
                    stack: name,
                    message: &message,
                });
            }
        }
        self.run(assembly, names, operation).await
    }

    /// Diffs `names` (all when empty) against their deployed templates.
    pub async fn diff(
        &self,
        assembly: &Assembly,
        names: &[String],
    ) -> Result<Vec<StackDiff>, DeployError> {
        let mut out = Vec::new();
        for artifact in named(assembly, names)? {
            let (_, clients) = self.target(artifact)?;
            let mut template = assembly.template(artifact)?;
            let deployed = deployed_template(&clients.cloudformation, &artifact.name).await?;
            // The same hold-back the deploy does, so that both say the same.
            let held_back = hold_back_managed(deployed.as_ref(), &mut template);
            let mut diff = diff_templates(deployed.as_ref(), &template);
            mask_parameter_defaults(&mut diff, deployed.as_ref(), &template);
            out.push(StackDiff {
                stack: artifact.name.clone(),
                deployed: deployed.is_some(),
                protected: diff_verdicts(&diff, deployed.as_ref()),
                security: security_changes(deployed.as_ref(), &template),
                diff,
                held_back,
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
        for artifact in named(assembly, names)? {
            let (region, clients) = self.target(artifact)?;
            let outputs = stack_outputs(&clients.cloudformation, &artifact.name, &region).await?;
            out.push((artifact.name.clone(), outputs));
        }
        Ok(out)
    }

    /// Replays the latest operation on stack `name` from its start, then follows it until
    /// it settles.
    pub async fn watch(&self, assembly: &Assembly, name: &str) -> Result<FollowEnd, DeployError> {
        let artifact = assembly.stack(name)?;
        let (_, clients) = self.target(artifact)?;
        let ctx = StackContext {
            clients,
            reporter: self.reporter.as_ref(),
            interrupt: &self.interrupt,
            template_text: String::new(),
            artifact,
            timeout: None,
            heartbeat: HEARTBEAT,
            secrets: Vec::new(),
        };
        watch_stack(&ctx).await
    }

    /// Creates the S3 staging bucket in `region` (or the default region). `Ok(false)` when it
    /// already exists.
    pub async fn bootstrap(&self, bucket: &str, region: Option<&str>) -> Result<bool, DeployError> {
        let region = self.session.region_for("(bootstrap)", region)?;
        create_staging_bucket(&self.session.clients(&region), bucket).await
    }

    /// The region of `artifact` (its own, else the default) and clients for it.
    fn target(&self, artifact: &StackArtifact) -> Result<(String, Clients), DeployError> {
        let region = self
            .session
            .region_for(&artifact.name, artifact.environment.region.as_deref())?;
        let clients = self.session.clients(&region);
        Ok((region, clients))
    }

    async fn run(
        &self,
        assembly: &Assembly,
        names: &[String],
        operation: Operation,
    ) -> Result<RunReport, DeployError> {
        let selected = select(assembly, names, &operation)?;
        let crew = Crew {
            session: &self.session,
            reporter: &self.reporter,
            interrupt: &self.interrupt,
        };
        run(crew, assembly, selected, operation).await
    }
}

/// Masks the `Default` of `NoEcho` parameters in a diff's parameter entries.
fn mask_parameter_defaults(diff: &mut TemplateDiff, deployed: Option<&Value>, template: &Value) {
    let mut hidden = no_echo_parameters(template);
    hidden.extend(deployed.map(no_echo_parameters).unwrap_or_default());
    for e in &mut diff.entries {
        if e.section != "Parameters" || !hidden.contains(&e.name) {
            continue;
        }
        for v in [&mut e.old, &mut e.new].into_iter().flatten() {
            if let Some(d) = v.get_mut("Default") {
                *d = Value::String(MASK.into());
            }
        }
    }
}
