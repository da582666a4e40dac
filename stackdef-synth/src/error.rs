//! Synth errors: each names the construct path and, where known, the user's source line.

use crate::location::SourceLocation;

/// What went wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Two constructs with the same id in one scope.
    #[error("a construct with id `{id}` already exists in this scope")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A construct id that cannot appear in a path.
    #[error("invalid construct id `{id}`: {reason}")]
    InvalidId {
        /// The id.
        id: String,
        /// Why.
        reason: String,
    },
    /// A stack name CloudFormation would reject.
    #[error(
        "invalid stack name `{name}`: stack names are 1-128 characters, start with a letter and contain only letters, digits and hyphens"
    )]
    InvalidStackName {
        /// The name.
        name: String,
    },
    /// Something was added to the app after it was synthesized.
    #[error(
        "`{what}` was added after the app was synthesized; build the whole app before calling synth"
    )]
    AddedAfterSynth {
        /// What was added.
        what: String,
    },
    /// A reference to something that is not part of this app.
    #[error("dangling reference: {detail}")]
    DanglingReference {
        /// What was referenced.
        detail: String,
    },
    /// Resources that depend on each other in a circle.
    #[error("dependency cycle: {}", .paths.join(" -> "))]
    Cycle {
        /// The construct paths around the cycle, first repeated at the end.
        paths: Vec<String>,
    },
    /// Stacks that depend on each other in a circle.
    #[error("stack dependency cycle: {}", .stacks.join(" -> "))]
    StackCycle {
        /// The stacks around the cycle, first repeated at the end.
        stacks: Vec<String>,
    },
    /// A reference between stacks in different accounts or regions.
    #[error(
        "`{consumer_stack}` ({consumer_env}) references `{producer}` in `{producer_stack}` ({producer_env}); CloudFormation exports only work within one account and region. Move the resources into stacks of the same environment, or pass the value explicitly (for example as a literal id or a stack parameter)"
    )]
    CrossEnvironmentReference {
        /// The referencing stack.
        consumer_stack: String,
        /// Its environment.
        consumer_env: String,
        /// The referenced construct path.
        producer: String,
        /// The referenced stack.
        producer_stack: String,
        /// Its environment.
        producer_env: String,
    },
    /// A CloudFormation quota exceeded.
    #[error("stack `{stack}` has {count} {what}; CloudFormation allows at most {limit}")]
    LimitExceeded {
        /// The stack.
        stack: String,
        /// What is counted (resources, parameters, outputs, mappings).
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The quota.
        limit: usize,
    },
    /// The template is over CloudFormation's 1 MB limit even through S3.
    #[error(
        "template of stack `{stack}` is {size} bytes; CloudFormation accepts at most {limit} bytes (split the stack)"
    )]
    TemplateTooLarge {
        /// The stack.
        stack: String,
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A logical id CloudFormation would reject.
    #[error("invalid logical id `{id}`: {reason}")]
    InvalidLogicalId {
        /// The id.
        id: String,
        /// Why.
        reason: String,
    },
    /// Two items with the same logical id in one template.
    #[error("logical id `{id}` is used by both `{first}` and `{second}`")]
    LogicalIdCollision {
        /// The id.
        id: String,
        /// The first user.
        first: String,
        /// The second user.
        second: String,
    },
    /// A property value the resource's schema rejects.
    #[error("{type_name}.{property}: {message}")]
    InvalidProperty {
        /// The resource type.
        type_name: String,
        /// The property path (`A.B[0].C`).
        property: String,
        /// What is wrong.
        message: String,
    },
    /// A construct-level rule (a high-level construct's own check).
    #[error("{message}")]
    Construct {
        /// What is wrong and what to do.
        message: String,
    },
    /// A rule of the checks every synth runs (see `stackdef_check::catalog`).
    #[error("{subject}.{property}: {message} [{rule} {name}]")]
    Rule {
        /// The rule's id (`SD3003`).
        rule: String,
        /// The rule's name (`world-open-admin-port`).
        name: String,
        /// What the finding is about: a resource type, or `Outputs`/`Parameters`.
        subject: String,
        /// The property path (`Properties` for the whole object).
        property: String,
        /// What is wrong and what to do.
        message: String,
    },
}

/// A finding that does not fail synth: a warning, or a finding the program acknowledged.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SynthWarning {
    /// The rule's id (`SD4004`).
    pub rule: String,
    /// The rule's name.
    pub name: String,
    /// `error`, `risk` or `warning`.
    pub severity: String,
    /// The construct path.
    pub path: String,
    /// The property path.
    pub property: String,
    /// What the rule found.
    pub message: String,
    /// Where in the user's source, as `file:line:column`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The reason the program gave for accepting it, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

impl std::fmt::Display for SynthWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {}: {} [{} {}]",
            self.path, self.property, self.message, self.rule, self.name
        )?;
        if let Some(loc) = &self.location {
            write!(f, " (at {loc})")?;
        }
        if let Some(reason) = &self.acknowledged {
            write!(f, " acknowledged: {reason}")?;
        }
        Ok(())
    }
}

/// The findings that did not fail synth, as the program and the CLI print them: the open
/// warnings, then the acknowledged findings with their reasons.
#[derive(Debug, Clone, Copy)]
pub struct WarningList<'a>(pub &'a [SynthWarning]);

impl std::fmt::Display for WarningList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (acknowledged, open): (Vec<_>, Vec<_>) =
            self.0.iter().partition(|w| w.acknowledged.is_some());
        if !open.is_empty() {
            writeln!(f, "{} warning{}:", open.len(), plural(open.len()))?;
            for w in &open {
                writeln!(f, "  {w}")?;
            }
        }
        if !acknowledged.is_empty() {
            let n = acknowledged.len();
            writeln!(f, "{n} acknowledged finding{}:", plural(n))?;
            for w in &acknowledged {
                writeln!(f, "  {w}")?;
            }
        }
        Ok(())
    }
}

/// One error, with where it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// The construct path it concerns.
    pub path: Option<String>,
    /// The user's source location, where known.
    pub location: Option<SourceLocation>,
}

impl SynthError {
    /// An error about the construct at `path`.
    pub fn new(kind: ErrorKind, path: Option<String>, location: Option<SourceLocation>) -> Self {
        SynthError {
            kind,
            path,
            location,
        }
    }
}

impl std::fmt::Display for SynthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "[{path}] ")?;
        }
        write!(f, "{}", self.kind)?;
        if let Some(loc) = &self.location {
            write!(f, " (at {loc})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SynthError {}

/// Every error synth found, reported together.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthErrors(pub Vec<SynthError>);

impl SynthErrors {
    /// The errors.
    pub fn iter(&self) -> std::slice::Iter<'_, SynthError> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for SynthErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "synth failed with {n} error{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SynthErrors {}

impl<'a> IntoIterator for &'a SynthErrors {
    type Item = &'a SynthError;
    type IntoIter = std::slice::Iter<'a, SynthError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
