//! Template diff: the deployed template against the synthesized one, per resource and per
//! property, with replacements predicted offline from create-only properties.

use serde_json::Value;

use super::paths::construct_path;
use super::replacement::replacing_properties;
use super::stateful::is_stateful;

/// How a resource (or output, parameter) differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the new template.
    Added,
    /// Only in the deployed template.
    Removed,
    /// In both, different.
    Modified,
}

/// One changed property (or resource attribute such as `DeletionPolicy`).
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyChange {
    /// `Properties` key, or the attribute name (`DeletionPolicy`, `Metadata`, ...).
    pub name: String,
    /// Deployed value.
    pub old: Option<Value>,
    /// Synthesized value.
    pub new: Option<Value>,
    /// Whether changing it replaces the resource (a create-only property).
    pub causes_replacement: bool,
}

/// One changed resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceDiff {
    /// Logical id.
    pub logical_id: String,
    /// Resource type (the new one when it changed).
    pub type_name: String,
    /// Construct path, from the template metadata.
    pub construct_path: Option<String>,
    /// Added, removed or modified.
    pub kind: ChangeKind,
    /// Changed properties and attributes (empty for additions and removals).
    pub properties: Vec<PropertyChange>,
    /// Predicted replacement (a create-only property or the type changed).
    pub replacement: bool,
    /// Whether the type holds data.
    pub stateful: bool,
}

/// A changed output, parameter or other top-level section entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDiff {
    /// Section (`Outputs`, `Parameters`, `Conditions`, `Mappings`, or a top-level key).
    pub section: String,
    /// Entry name.
    pub name: String,
    /// Added, removed or modified.
    pub kind: ChangeKind,
    /// Deployed value.
    pub old: Option<Value>,
    /// Synthesized value.
    pub new: Option<Value>,
}

/// The difference between two templates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateDiff {
    /// Changed resources, in the new template's order, then removed ones.
    pub resources: Vec<ResourceDiff>,
    /// Changed outputs, parameters and other sections.
    pub entries: Vec<EntryDiff>,
}

impl TemplateDiff {
    /// No differences.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.entries.is_empty()
    }
}

fn object(template: Option<&Value>, section: &str) -> serde_json::Map<String, Value> {
    template
        .and_then(|t| t.get(section))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

const RESOURCE_ATTRIBUTES: &[&str] = &[
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "DependsOn",
    "Condition",
    "Metadata",
    "UpdatePolicy",
    "CreationPolicy",
];

fn diff_resource(id: &str, old: &Value, new: &Value) -> Option<ResourceDiff> {
    if old == new {
        return None;
    }
    let old_type = old.get("Type").and_then(Value::as_str).unwrap_or_default();
    let new_type = new.get("Type").and_then(Value::as_str).unwrap_or_default();
    let empty = Value::Object(Default::default());
    let old_props = old.get("Properties").unwrap_or(&empty);
    let new_props = new.get("Properties").unwrap_or(&empty);
    let replacing = if old_type == new_type {
        replacing_properties(new_type, old_props, new_props)
    } else {
        Vec::new()
    };
    let mut properties = Vec::new();
    let mut keys: Vec<&String> = new_props
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    for k in old_props
        .as_object()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    for key in keys {
        let (a, b) = (old_props.get(key), new_props.get(key));
        if a != b {
            properties.push(PropertyChange {
                name: key.clone(),
                old: a.cloned(),
                new: b.cloned(),
                causes_replacement: replacing.contains(key),
            });
        }
    }
    for attr in RESOURCE_ATTRIBUTES {
        let (a, b) = (old.get(*attr), new.get(*attr));
        if a != b {
            properties.push(PropertyChange {
                name: (*attr).to_owned(),
                old: a.cloned(),
                new: b.cloned(),
                causes_replacement: false,
            });
        }
    }
    if old_type != new_type {
        properties.insert(
            0,
            PropertyChange {
                name: "Type".into(),
                old: Some(Value::String(old_type.into())),
                new: Some(Value::String(new_type.into())),
                causes_replacement: true,
            },
        );
    }
    Some(ResourceDiff {
        logical_id: id.to_owned(),
        type_name: new_type.to_owned(),
        construct_path: construct_path(new).or_else(|| construct_path(old)),
        kind: ChangeKind::Modified,
        replacement: old_type != new_type || !replacing.is_empty(),
        stateful: is_stateful(new_type) || is_stateful(old_type),
        properties,
    })
}

/// Compares `deployed` (None when the stack does not exist) with `synthesized`.
pub fn diff_templates(deployed: Option<&Value>, synthesized: &Value) -> TemplateDiff {
    let mut diff = TemplateDiff::default();
    let old = object(deployed, "Resources");
    let new = object(Some(synthesized), "Resources");
    for (id, n) in &new {
        let type_name = n.get("Type").and_then(Value::as_str).unwrap_or_default();
        match old.get(id) {
            None => diff.resources.push(ResourceDiff {
                logical_id: id.clone(),
                type_name: type_name.to_owned(),
                construct_path: construct_path(n),
                kind: ChangeKind::Added,
                properties: Vec::new(),
                replacement: false,
                stateful: is_stateful(type_name),
            }),
            Some(o) => diff.resources.extend(diff_resource(id, o, n)),
        }
    }
    for (id, o) in &old {
        if !new.contains_key(id) {
            let type_name = o.get("Type").and_then(Value::as_str).unwrap_or_default();
            diff.resources.push(ResourceDiff {
                logical_id: id.clone(),
                type_name: type_name.to_owned(),
                construct_path: construct_path(o),
                kind: ChangeKind::Removed,
                properties: Vec::new(),
                replacement: false,
                stateful: is_stateful(type_name),
            });
        }
    }
    for section in ["Parameters", "Outputs", "Conditions", "Mappings"] {
        let (a, b) = (
            object(deployed, section),
            object(Some(synthesized), section),
        );
        for (name, v) in &b {
            match a.get(name) {
                None => diff
                    .entries
                    .push(entry(section, name, ChangeKind::Added, None, Some(v))),
                Some(o) if o != v => {
                    diff.entries
                        .push(entry(section, name, ChangeKind::Modified, Some(o), Some(v)))
                }
                _ => {}
            }
        }
        for (name, o) in &a {
            if !b.contains_key(name) {
                diff.entries
                    .push(entry(section, name, ChangeKind::Removed, Some(o), None));
            }
        }
    }
    for key in ["Description", "Transform", "AWSTemplateFormatVersion"] {
        let (a, b) = (deployed.and_then(|t| t.get(key)), synthesized.get(key));
        if a != b && deployed.is_some() {
            let kind = match (a, b) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                _ => ChangeKind::Modified,
            };
            diff.entries.push(entry("Template", key, kind, a, b));
        }
    }
    diff
}

fn entry(
    section: &str,
    name: &str,
    kind: ChangeKind,
    old: Option<&Value>,
    new: Option<&Value>,
) -> EntryDiff {
    EntryDiff {
        section: section.to_owned(),
        name: name.to_owned(),
        kind,
        old: old.cloned(),
        new: new.cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_only_change_predicts_replacement() {
        let old = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "a", "Tags": []}}}});
        let new = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b", "Tags": []}},
                                        "Q": {"Type": "AWS::SQS::Queue"}}});
        let d = diff_templates(Some(&old), &new);
        assert_eq!(d.resources.len(), 2);
        let b = &d.resources[0];
        assert_eq!(b.kind, ChangeKind::Modified);
        assert!(b.replacement && b.stateful);
        assert_eq!(b.properties[0].name, "BucketName");
        assert!(b.properties[0].causes_replacement);
        assert_eq!(d.resources[1].kind, ChangeKind::Added);
    }

    #[test]
    fn mutable_change_is_not_a_replacement() {
        let old = json!({"Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}}}});
        let new = json!({"Resources": {"L": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 14}}}});
        let d = diff_templates(Some(&old), &new);
        assert!(!d.resources[0].replacement);
        assert!(diff_templates(Some(&new), &new).is_empty());
    }
}
