//! Replacement prediction: which property changes make CloudFormation replace a resource,
//! from the registry's create-only properties of each type.

use std::collections::HashMap;

use serde_json::Value;

/// Create-only property paths of `type_name` (e.g. `BucketName`, `Tags.Key`): changing any
/// of them makes CloudFormation replace the resource. Empty when the registry does not know
/// the type.
pub fn create_only_properties(type_name: &str) -> &'static [String] {
    stackdef_registry::schema(type_name).map_or(&[], |s| s.create_only.as_slice())
}

/// Values at a dotted property path (`Tags.Key`), looking through arrays.
fn values_at<'a>(value: &'a Value, path: &[&str], out: &mut Vec<&'a Value>) {
    match (path.split_first(), value) {
        (None, v) => out.push(v),
        (Some(_), Value::Array(items)) => {
            for item in items {
                values_at(item, path, out);
            }
        }
        (Some((head, rest)), Value::Object(map)) => {
            if let Some(v) = map.get(*head) {
                values_at(v, rest, out);
            }
        }
        _ => {}
    }
}

/// The create-only properties (by top-level name) whose value differs between the two
/// property maps.
pub fn replacing_properties(type_name: &str, old: &Value, new: &Value) -> Vec<String> {
    let mut names = Vec::new();
    for path in create_only_properties(type_name) {
        let segments: Vec<&str> = path.split('.').collect();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        values_at(old, &segments, &mut a);
        values_at(new, &segments, &mut b);
        if a != b {
            let top = segments[0].to_owned();
            if !names.contains(&top) {
                names.push(top);
            }
        }
    }
    names
}

/// Create-only properties that differ, per logical id (offline replacement prediction).
pub fn predicted_replacements(
    deployed: Option<&Value>,
    template: &Value,
) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let (Some(old), Some(new)) = (
        deployed
            .and_then(|t| t.get("Resources"))
            .and_then(Value::as_object),
        template.get("Resources").and_then(Value::as_object),
    ) else {
        return out;
    };
    let empty = Value::Object(Default::default());
    for (id, n) in new {
        let Some(o) = old.get(id) else { continue };
        let t = n.get("Type").and_then(Value::as_str).unwrap_or_default();
        if o.get("Type").and_then(Value::as_str) != Some(t) {
            out.insert(id.clone(), vec!["Type".to_owned()]);
            continue;
        }
        let props = replacing_properties(
            t,
            o.get("Properties").unwrap_or(&empty),
            n.get("Properties").unwrap_or(&empty),
        );
        if !props.is_empty() {
            out.insert(id.clone(), props);
        }
    }
    out
}
