//! What a deploy or destroy is asked to do: [`DeployOptions`] (with its [`DeployMethod`] and
//! [`ParameterValue`]s) and [`DestroyOptions`].

use std::time::Duration;

use crate::analysis::protection::Allowances;

/// How long following waits without news before it reports which resources are still in
/// progress ([`crate::Progress::Waiting`]).
pub const HEARTBEAT: Duration = Duration::from_secs(30);

/// A template parameter value, for one stack or for every stack that declares it. Its
/// `Debug` output masks the value: it may be a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ParameterValue {
    /// Only for this stack (`Stack:Key=Value`), or all (`Key=Value`).
    pub stack: Option<String>,
    /// Parameter name.
    pub key: String,
    /// Value.
    pub value: String,
}

impl std::fmt::Debug for ParameterValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParameterValue")
            .field("stack", &self.stack)
            .field("key", &self.key)
            .field("value", &"****")
            .finish()
    }
}

/// Parses `KEY=VALUE` or `STACK:KEY=VALUE`. Errors never repeat the text: it may hold a
/// secret.
impl std::str::FromStr for ParameterValue {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (lhs, value) = s.split_once('=').ok_or_else(|| {
            "expected KEY=VALUE or STACK:KEY=VALUE, with no `=` found (the text is not repeated: it may hold a secret)".to_owned()
        })?;
        let (stack, key) = match lhs.split_once(':') {
            Some((st, k)) => (Some(st.to_owned()), k.to_owned()),
            None => (None, lhs.to_owned()),
        };
        if key.is_empty() {
            return Err(
                "the parameter has no name before `=` (expected KEY=VALUE or STACK:KEY=VALUE)"
                    .to_owned(),
            );
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

/// Options of a deploy ([`crate::Deployer::deploy`]).
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
    /// Stop following a stack after this long (the operation goes on in AWS).
    pub timeout: Option<Duration>,
    /// How long following waits without news before it reports what is still in progress.
    pub heartbeat: Duration,
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
            timeout: None,
            heartbeat: HEARTBEAT,
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

/// Options of a destroy ([`crate::Deployer::destroy`]).
#[derive(Debug, Clone)]
pub struct DestroyOptions {
    /// Stacks deleted at the same time, at most (at least 1).
    pub concurrency: usize,
    /// Also destroy the stacks that depend on the named ones (dependants first). Without
    /// it, naming a stack that others depend on is an error and nothing is deleted.
    pub with_dependents: bool,
    /// Stop following a deletion after this long (it goes on in AWS).
    pub timeout: Option<Duration>,
}

impl Default for DestroyOptions {
    fn default() -> Self {
        DestroyOptions {
            concurrency: 4,
            with_dependents: false,
            timeout: None,
        }
    }
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
        let err = "Password:hunter2"
            .parse::<ParameterValue>()
            .err()
            .unwrap_or_default();
        assert!(
            !err.contains("hunter2") && err.contains("KEY=VALUE"),
            "{err}"
        );
        let secret: ParameterValue = "Pw=hunter2"
            .parse()
            .unwrap_or_else(|e: String| panic!("{e}"));
        assert!(!format!("{secret:?}").contains("hunter2"));
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
