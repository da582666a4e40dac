//! Nothing lost: which resource types hold data, and the check that refuses a change set
//! replacing or removing one unless the user named it in an explicit flag.

use serde_json::Value;

use super::plan::{Action, Plan};
use super::stateful::is_stateful;

/// How a stateful resource would be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Replaced by a new physical resource (the old one is deleted).
    Replace,
    /// Removed from the stack (and deleted).
    Remove,
}

/// A stateful resource the change would replace or remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedChange {
    /// Logical id.
    pub logical_id: String,
    /// Construct path, when known.
    pub construct_path: Option<String>,
    /// Resource type.
    pub type_name: String,
    /// Replacement or removal.
    pub loss: Loss,
}

/// The resources the user explicitly allows to be replaced or removed, by logical id or
/// construct path (the CLI's `--allow-replace` and `--allow-remove`).
#[derive(Debug, Clone, Default)]
pub struct Allowances {
    /// May be replaced.
    pub replace: Vec<String>,
    /// May be removed.
    pub remove: Vec<String>,
}

impl Allowances {
    fn allows(list: &[String], logical_id: &str, path: Option<&str>) -> bool {
        list.iter()
            .any(|n| n == logical_id || Some(n.as_str()) == path)
    }
}

/// Policies that keep the old physical resource (so nothing is lost).
fn keeps_data(policy: Option<&Value>) -> bool {
    matches!(
        policy.and_then(Value::as_str),
        Some("Retain" | "Snapshot" | "RetainExceptOnCreate")
    )
}

/// The stateful resources `plan` would replace or remove that `allow` does not name.
/// `deployed` is the template currently deployed (its deletion and update-replace policies
/// are honoured: a retained resource is not lost).
pub fn check(plan: &Plan, deployed: Option<&Value>, allow: &Allowances) -> Vec<ProtectedChange> {
    let mut out = Vec::new();
    for change in &plan.changes {
        if !is_stateful(&change.type_name) {
            continue;
        }
        let old = deployed.and_then(|t| t.get("Resources")?.get(&change.logical_id));
        let (loss, policy, list) = match change.action {
            Action::Replace => (
                Loss::Replace,
                old.and_then(|r| r.get("UpdateReplacePolicy")),
                &allow.replace,
            ),
            Action::Remove => (
                Loss::Remove,
                old.and_then(|r| r.get("DeletionPolicy")),
                &allow.remove,
            ),
            _ => continue,
        };
        if keeps_data(policy)
            || Allowances::allows(list, &change.logical_id, change.construct_path.as_deref())
        {
            continue;
        }
        out.push(ProtectedChange {
            logical_id: change.logical_id.clone(),
            construct_path: change.construct_path.clone(),
            type_name: change.type_name.clone(),
            loss,
        });
    }
    out
}

impl Loss {
    /// The verb for it: `replace` or `remove`.
    pub fn verb(self) -> &'static str {
        match self {
            Loss::Replace => "replace",
            Loss::Remove => "remove",
        }
    }
}

/// `replace Store/Data (Data, AWS::S3::Bucket)`.
impl std::fmt::Display for ProtectedChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.construct_path.as_deref().unwrap_or(&self.logical_id);
        write!(
            f,
            "{} {name} ({}, {})",
            self.loss.verb(),
            self.logical_id,
            self.type_name
        )
    }
}

/// The first line of a refusal: which stack, how many resources, nothing changed.
pub fn refusal_summary(stack: &str, count: usize) -> String {
    format!(
        "refusing to deploy `{stack}`: it would lose data in {count} stateful resource{} (nothing was changed):",
        if count == 1 { "" } else { "s" }
    )
}

/// The refusal message for a plan that [`check`] refused: the summary, then one line per
/// resource. [`Allowances`] naming them (by logical id or construct path) let it through.
pub fn describe_refusal(stack: &str, changes: &[ProtectedChange]) -> String {
    let mut s = refusal_summary(stack, changes.len());
    for c in changes {
        s.push_str(&format!("\n  {c}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::plan::{PlannedChange, ReplacementSource};
    use serde_json::json;

    fn plan(action: Action, type_name: &str) -> Plan {
        Plan {
            stack: "S".into(),
            creates_stack: false,
            change_set_id: "cs".into(),
            changes: vec![PlannedChange {
                action,
                logical_id: "Data".into(),
                type_name: type_name.into(),
                construct_path: Some("S/Data".into()),
                properties: vec!["BucketName".into()],
                replacement_source: ReplacementSource::ChangeSet,
            }],
        }
    }

    #[test]
    fn stateful_replacement_needs_a_flag_naming_it() {
        let p = plan(Action::Replace, "AWS::S3::Bucket");
        let refused = check(&p, None, &Allowances::default());
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].loss, Loss::Replace);
        assert!(
            describe_refusal("S", &refused).ends_with("\n  replace S/Data (Data, AWS::S3::Bucket)")
        );
        for name in ["Data", "S/Data"] {
            let allow = Allowances {
                replace: vec![name.into()],
                remove: vec![],
            };
            assert!(check(&p, None, &allow).is_empty());
        }
        // Allowing removal does not allow replacement.
        let wrong = Allowances {
            replace: vec![],
            remove: vec!["Data".into()],
        };
        assert_eq!(check(&p, None, &wrong).len(), 1);
    }

    #[test]
    fn retained_or_stateless_resources_pass() {
        let retained = json!({"Resources": {"Data": {"Type": "AWS::S3::Bucket",
            "UpdateReplacePolicy": "Retain", "DeletionPolicy": "Snapshot"}}});
        let p = plan(Action::Replace, "AWS::S3::Bucket");
        assert!(check(&p, Some(&retained), &Allowances::default()).is_empty());
        let p = plan(Action::Remove, "AWS::S3::Bucket");
        assert!(check(&p, Some(&retained), &Allowances::default()).is_empty());
        let p = plan(Action::Remove, "AWS::SNS::Topic");
        assert!(check(&p, None, &Allowances::default()).is_empty());
        let p = plan(Action::Modify, "AWS::RDS::DBInstance");
        assert!(check(&p, None, &Allowances::default()).is_empty());
    }
}
