//! The planned changes of a deploy (add / modify / remove / replace): the shape the engine
//! fills from a change set, and the plan made offline from the template diff.

use serde_json::Value;

use super::diff::{ChangeKind, diff_templates};
use super::security::{SecurityChange, security_changes};

/// What happens to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Created.
    Add,
    /// Updated in place.
    Modify,
    /// Replaced: a new physical resource, the old one deleted.
    Replace,
    /// Updated, and replaced depending on values only known at deploy time.
    MaybeReplace,
    /// Deleted.
    Remove,
    /// Imported, or anything else CloudFormation reports.
    Other,
}

impl Action {
    /// Lowercase verb for display.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Modify => "modify",
            Action::Replace => "replace",
            Action::MaybeReplace => "may replace",
            Action::Remove => "remove",
            Action::Other => "change",
        }
    }
}

/// Where a replacement flag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplacementSource {
    /// The change set's own `Replacement` field.
    ChangeSet,
    /// Predicted offline from create-only properties (the API gave no field).
    Predicted,
    /// Not a replacement.
    None,
}

/// One resource change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    /// What happens.
    pub action: Action,
    /// Logical id.
    pub logical_id: String,
    /// Resource type.
    pub type_name: String,
    /// Construct path, when known.
    pub construct_path: Option<String>,
    /// Properties whose change causes the replacement (or all changed ones).
    pub properties: Vec<String>,
    /// Where the replacement flag came from.
    pub replacement_source: ReplacementSource,
}

/// A change set ready to execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Stack name.
    pub stack: String,
    /// Whether the change set creates the stack.
    pub creates_stack: bool,
    /// Change set ARN (or name).
    pub change_set_id: String,
    /// The resource changes.
    pub changes: Vec<PlannedChange>,
    /// What the deploy does to IAM, network rules, resource policies and public access.
    pub security: Vec<SecurityChange>,
    /// Template parameters and the values the deploy passes (`NoEcho` ones masked).
    pub parameters: Vec<(String, String)>,
}

/// When a deploy needs the user's approval before it changes anything (CDK's
/// `--require-approval` levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequireApproval {
    /// Never ask.
    Never,
    /// Any change needs approval.
    AnyChange,
    /// Only changes that add or widen access ([`SecurityChange::broadening`]).
    #[default]
    Broadening,
}

impl Plan {
    /// Whether some security change adds or widens access.
    pub fn broadens(&self) -> bool {
        self.security.iter().any(|c| c.broadening)
    }

    /// Whether executing this plan needs approval at `level`.
    pub fn needs_approval(&self, level: RequireApproval) -> bool {
        match level {
            RequireApproval::Never => false,
            RequireApproval::AnyChange => !self.changes.is_empty(),
            RequireApproval::Broadening => self.broadens(),
        }
    }

    /// Number of changes of each action: (add, modify, replace, remove).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for ch in &self.changes {
            match ch.action {
                Action::Add => c.0 += 1,
                Action::Modify | Action::Other => c.1 += 1,
                Action::Replace | Action::MaybeReplace => c.2 += 1,
                Action::Remove => c.3 += 1,
            }
        }
        c
    }
}

/// The plan of a deploy without a change set, from the offline template diff: replacements
/// are predicted from create-only properties.
pub fn offline_plan(
    stack: &str,
    creates: bool,
    deployed: Option<&Value>,
    template: &Value,
) -> Plan {
    let diff = diff_templates(deployed, template);
    let changes = diff
        .resources
        .iter()
        .map(|r| {
            let (action, properties, source) = match r.kind {
                ChangeKind::Added => (Action::Add, Vec::new(), ReplacementSource::None),
                ChangeKind::Removed => (Action::Remove, Vec::new(), ReplacementSource::None),
                ChangeKind::Modified if r.replacement => (
                    Action::Replace,
                    r.properties
                        .iter()
                        .filter(|p| p.causes_replacement)
                        .map(|p| p.name.clone())
                        .collect(),
                    ReplacementSource::Predicted,
                ),
                ChangeKind::Modified => (
                    Action::Modify,
                    r.properties.iter().map(|p| p.name.clone()).collect(),
                    ReplacementSource::None,
                ),
            };
            PlannedChange {
                action,
                logical_id: r.logical_id.clone(),
                type_name: r.type_name.clone(),
                construct_path: r.construct_path.clone(),
                properties,
                replacement_source: source,
            }
        })
        .collect();
    Plan {
        stack: stack.to_owned(),
        creates_stack: creates,
        change_set_id: String::new(),
        changes,
        security: security_changes(deployed, template),
        parameters: Vec::new(),
    }
}
