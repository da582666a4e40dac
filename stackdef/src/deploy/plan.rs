//! The planned changes of a change set (add / modify / remove / replace), from
//! CloudFormation's `DescribeChangeSet`, completed by the offline prediction where the API
//! leaves the replacement field out.

use std::collections::HashMap;

use aws_sdk_cloudformation::types::{ChangeAction, Replacement};

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
}

impl Plan {
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

/// Builds one planned change from a change set's resource change.
///
/// `paths` maps logical ids to construct paths; `predicted` maps logical ids to the
/// create-only properties the offline diff found changed.
pub fn planned_change(
    rc: &aws_sdk_cloudformation::types::ResourceChange,
    paths: &HashMap<String, String>,
    predicted: &HashMap<String, Vec<String>>,
) -> PlannedChange {
    let logical_id = rc.logical_resource_id().unwrap_or_default().to_owned();
    let mut properties: Vec<String> = Vec::new();
    for d in rc.details() {
        if let Some(name) = d.target().and_then(|t| t.name())
            && !properties.iter().any(|p| p == name)
        {
            properties.push(name.to_owned());
        }
    }
    let (action, source) = match rc.action() {
        Some(ChangeAction::Add) => (Action::Add, ReplacementSource::None),
        Some(ChangeAction::Remove) => (Action::Remove, ReplacementSource::None),
        Some(ChangeAction::Modify) => match rc.replacement() {
            Some(Replacement::True) => (Action::Replace, ReplacementSource::ChangeSet),
            Some(Replacement::Conditional) => (Action::MaybeReplace, ReplacementSource::ChangeSet),
            Some(_) => (Action::Modify, ReplacementSource::None),
            None => match predicted.get(&logical_id) {
                Some(props) if !props.is_empty() => {
                    properties = props.clone();
                    (Action::Replace, ReplacementSource::Predicted)
                }
                _ => (Action::Modify, ReplacementSource::None),
            },
        },
        _ => (Action::Other, ReplacementSource::None),
    };
    PlannedChange {
        action,
        type_name: rc.resource_type().unwrap_or_default().to_owned(),
        construct_path: paths.get(&logical_id).cloned(),
        logical_id,
        properties,
        replacement_source: source,
    }
}
