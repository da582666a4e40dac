//! Capabilities a template needs CloudFormation to be told about (IAM, named IAM,
//! auto-expand), detected from the template itself.

use aws_sdk_cloudformation::types::Capability;
use serde_json::Value;

/// IAM resource types and the property that gives each an explicit name.
const IAM_TYPES: &[(&str, Option<&str>)] = &[
    ("AWS::IAM::Role", Some("RoleName")),
    ("AWS::IAM::User", Some("UserName")),
    ("AWS::IAM::Group", Some("GroupName")),
    ("AWS::IAM::ManagedPolicy", Some("ManagedPolicyName")),
    ("AWS::IAM::InstanceProfile", Some("InstanceProfileName")),
    ("AWS::IAM::Policy", None),
    ("AWS::IAM::AccessKey", None),
    ("AWS::IAM::UserToGroupAddition", None),
    ("AWS::IAM::RolePolicy", None),
    ("AWS::IAM::UserPolicy", None),
    ("AWS::IAM::GroupPolicy", None),
];

/// The capabilities `template` requires.
pub(crate) fn required_capabilities(template: &Value) -> Vec<Capability> {
    let mut iam = false;
    let mut named = false;
    let mut expand = template.get("Transform").is_some();
    if let Some(resources) = template.get("Resources").and_then(Value::as_object) {
        for r in resources.values() {
            let type_name = r.get("Type").and_then(Value::as_str).unwrap_or_default();
            if let Some((_, name_prop)) = IAM_TYPES.iter().find(|(t, _)| *t == type_name) {
                iam = true;
                if let Some(p) = name_prop {
                    named |= r.get("Properties").and_then(|ps| ps.get(*p)).is_some();
                }
            }
            if type_name == "AWS::Serverless::Application"
                || type_name.starts_with("AWS::Serverless::")
            {
                expand = true;
            }
        }
    }
    let mut caps = Vec::new();
    if named {
        caps.push(Capability::CapabilityNamedIam);
    } else if iam {
        caps.push(Capability::CapabilityIam);
    }
    if expand {
        caps.push(Capability::CapabilityAutoExpand);
    }
    caps
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_iam_named_iam_and_transforms() {
        let t = json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {}}}});
        assert_eq!(required_capabilities(&t), vec![Capability::CapabilityIam]);
        let t = json!({"Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "x"}}}});
        assert_eq!(
            required_capabilities(&t),
            vec![
                Capability::CapabilityNamedIam,
                Capability::CapabilityAutoExpand
            ]
        );
        assert!(required_capabilities(&json!({"Resources": {}})).is_empty());
    }
}
