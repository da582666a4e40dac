//! Nothing lost: which resource types hold data, and the check that refuses a change set
//! replacing or removing one unless the user named it in an explicit flag.

use serde_json::Value;

use super::diff::{ChangeKind, TemplateDiff};
use super::plan::{Action, Plan};
use super::stateful::{default_deletion_policy, is_stateful};

/// How a stateful resource would be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Replaced by a new physical resource: the stack then points at a new, empty one.
    Replace,
    /// Replaced or not depending on values CloudFormation only knows at deploy time
    /// (`Replacement: Conditional`): refused like a replacement.
    MaybeReplace,
    /// Removed from the stack.
    Remove,
}

/// What the resource's policy leaves of the old physical resource and its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftover {
    /// Nothing: the old resource and its data are deleted (`Delete`).
    Nothing,
    /// A snapshot of the old resource (`Snapshot`), which nothing in the stack uses.
    Snapshot,
    /// The old resource, outside the stack (`Retain`, `RetainExceptOnCreate`): orphaned,
    /// still billed, and nothing in the stack points at it.
    Orphan,
}

impl Leftover {
    fn of(policy: &str) -> Leftover {
        match policy {
            "Snapshot" => Leftover::Snapshot,
            "Retain" | "RetainExceptOnCreate" => Leftover::Orphan,
            _ => Leftover::Nothing,
        }
    }
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
    /// The policy that decides what is left (`UpdateReplacePolicy` for a replacement,
    /// `DeletionPolicy` for a removal; CloudFormation's default when absent).
    pub policy: String,
    /// What that policy leaves behind.
    pub leftover: Leftover,
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

/// The verdict on one resource change: `Some` when it replaces (or may replace) or removes a
/// stateful resource that `allow` does not name, whatever its policies say: a retained or
/// snapshotted resource is still lost to the stack. `deployed` is the resource as the
/// deployed template has it (for its policies).
///
/// This one function decides for `diff` and `deploy` alike.
pub fn verdict(
    action: Action,
    logical_id: &str,
    construct_path: Option<&str>,
    type_name: &str,
    deployed: Option<&Value>,
    allow: &Allowances,
) -> Option<ProtectedChange> {
    if !is_stateful(type_name) {
        return None;
    }
    let (loss, attribute, list) = match action {
        Action::Replace => (Loss::Replace, "UpdateReplacePolicy", &allow.replace),
        Action::MaybeReplace => (Loss::MaybeReplace, "UpdateReplacePolicy", &allow.replace),
        Action::Remove => (Loss::Remove, "DeletionPolicy", &allow.remove),
        _ => return None,
    };
    if Allowances::allows(list, logical_id, construct_path) {
        return None;
    }
    let policy = deployed
        .and_then(|r| r.get(attribute))
        .and_then(Value::as_str)
        .unwrap_or_else(|| match loss {
            Loss::Remove => default_deletion_policy(type_name),
            _ => "Delete",
        })
        .to_owned();
    Some(ProtectedChange {
        logical_id: logical_id.to_owned(),
        construct_path: construct_path.map(str::to_owned),
        type_name: type_name.to_owned(),
        loss,
        leftover: Leftover::of(&policy),
        policy,
    })
}

/// The stateful resources `plan` would replace or remove that `allow` does not name.
/// `deployed` is the template currently deployed (for each resource's policies, which are
/// reported but do not let a change through).
pub fn check(plan: &Plan, deployed: Option<&Value>, allow: &Allowances) -> Vec<ProtectedChange> {
    plan.changes
        .iter()
        .filter_map(|change| {
            let old = deployed.and_then(|t| t.get("Resources")?.get(&change.logical_id));
            verdict(
                change.action,
                &change.logical_id,
                change.construct_path.as_deref(),
                &change.type_name,
                old,
                allow,
            )
        })
        .collect()
}

/// The verdicts on an offline template diff (what `diff` shows): the same [`verdict`] a
/// deploy applies, with nothing allowed. A modified resource whose replacement is predicted
/// counts as a replacement, a removed one as a removal.
pub fn diff_verdicts(diff: &TemplateDiff, deployed: Option<&Value>) -> Vec<ProtectedChange> {
    let none = Allowances::default();
    diff.resources
        .iter()
        .filter_map(|r| {
            let action = match r.kind {
                ChangeKind::Removed => Action::Remove,
                ChangeKind::Modified if r.replacement => Action::Replace,
                _ => return None,
            };
            let old = deployed.and_then(|t| t.get("Resources")?.get(&r.logical_id));
            verdict(
                action,
                &r.logical_id,
                r.construct_path.as_deref(),
                &r.type_name,
                old,
                &none,
            )
        })
        .collect()
}

impl Loss {
    /// The verb for it: `replace`, `may replace` or `remove`.
    pub fn verb(self) -> &'static str {
        match self {
            Loss::Replace => "replace",
            Loss::MaybeReplace => "may replace",
            Loss::Remove => "remove",
        }
    }

    /// Whether allowing it takes a replacement allowance (else a removal one).
    pub fn is_replacement(self) -> bool {
        matches!(self, Loss::Replace | Loss::MaybeReplace)
    }
}

impl ProtectedChange {
    /// What happens to the data, in one sentence: the live resource becomes a new, empty
    /// one (or leaves the stack), and what the policy leaves of the old one.
    pub fn consequence(&self) -> String {
        let left = match self.leftover {
            Leftover::Nothing => format!(
                "{} {}: the old resource and its data are deleted",
                self.policy_attribute(),
                self.policy
            ),
            Leftover::Snapshot => format!(
                "{} {} leaves only a snapshot of the old data, which nothing in the stack uses",
                self.policy_attribute(),
                self.policy
            ),
            Leftover::Orphan => format!(
                "{} {} leaves the old resource orphaned outside the stack (still billed, nothing points at it)",
                self.policy_attribute(),
                self.policy
            ),
        };
        match self.loss {
            Loss::Replace => format!("the stack's resource becomes a new, empty one; {left}"),
            Loss::MaybeReplace => format!(
                "CloudFormation may replace it (decided at deploy time), and then the stack's resource becomes a new, empty one; {left}"
            ),
            Loss::Remove => format!("it leaves the stack; {left}"),
        }
    }

    fn policy_attribute(&self) -> &'static str {
        if self.loss.is_replacement() {
            "UpdateReplacePolicy"
        } else {
            "DeletionPolicy"
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
/// resource with its consequence. [`Allowances`] naming them (by logical id or construct
/// path) let it through.
pub fn describe_refusal(stack: &str, changes: &[ProtectedChange]) -> String {
    let mut s = refusal_summary(stack, changes.len());
    for c in changes {
        s.push_str(&format!("\n  {c}: {}", c.consequence()));
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
            security: vec![],
            parameters: vec![],
        }
    }

    #[test]
    fn stateful_replacement_needs_a_flag_naming_it() {
        let p = plan(Action::Replace, "AWS::S3::Bucket");
        let refused = check(&p, None, &Allowances::default());
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].loss, Loss::Replace);
        let text = describe_refusal("S", &refused);
        assert!(
            text.ends_with("\n  replace S/Data (Data, AWS::S3::Bucket): the stack's resource becomes a new, empty one; UpdateReplacePolicy Delete: the old resource and its data are deleted"),
            "{text}"
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
        // A conditional replacement is refused like a replacement.
        let maybe = check(
            &plan(Action::MaybeReplace, "AWS::RDS::DBInstance"),
            None,
            &Allowances::default(),
        );
        assert_eq!(maybe[0].loss, Loss::MaybeReplace);
        assert!(
            maybe[0]
                .consequence()
                .starts_with("CloudFormation may replace it")
        );
    }

    #[test]
    fn policies_that_keep_data_do_not_let_a_loss_through() {
        let retained = json!({"Resources": {"Data": {"Type": "AWS::S3::Bucket",
            "UpdateReplacePolicy": "Retain", "DeletionPolicy": "Snapshot"}}});
        let p = plan(Action::Replace, "AWS::S3::Bucket");
        let refused = check(&p, Some(&retained), &Allowances::default());
        assert_eq!(refused[0].leftover, Leftover::Orphan);
        assert!(
            refused[0]
                .consequence()
                .contains("orphaned outside the stack"),
            "{}",
            refused[0].consequence()
        );
        let p = plan(Action::Remove, "AWS::S3::Bucket");
        let refused = check(&p, Some(&retained), &Allowances::default());
        assert_eq!(refused[0].leftover, Leftover::Snapshot);
        assert_eq!(refused[0].policy, "Snapshot");
        // RDS instances default to a snapshot on deletion.
        let p = plan(Action::Remove, "AWS::RDS::DBInstance");
        assert_eq!(
            check(&p, None, &Allowances::default())[0].leftover,
            Leftover::Snapshot
        );
    }

    #[test]
    fn stateless_resources_and_in_place_updates_pass() {
        let p = plan(Action::Remove, "AWS::SNS::Topic");
        assert!(check(&p, None, &Allowances::default()).is_empty());
        let p = plan(Action::Modify, "AWS::RDS::DBInstance");
        assert!(check(&p, None, &Allowances::default()).is_empty());
    }
}
