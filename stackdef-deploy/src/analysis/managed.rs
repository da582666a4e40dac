//! Properties another service owns once the stack exists (`stackdef:managedBy`): a
//! CodeDeploy service's task definition and load balancers, the actions of the listeners
//! CodeDeploy shifts traffic on. A deploy keeps their deployed values and says so, rather
//! than failing the update (CloudFormation refuses a new task definition on a CodeDeploy
//! service) or sending traffic back to a target group CodeDeploy has drained.

use serde_json::Value;
use stackdef_synth::manifest::ManagedBy;

/// Changes a deploy does not apply: one resource's managed properties kept as deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBack {
    /// Logical id.
    pub logical_id: String,
    /// Construct path, when known.
    pub construct_path: Option<String>,
    /// The properties whose change is not applied.
    pub properties: Vec<String>,
    /// What owns them, and how to release a change to them.
    pub managed_by: ManagedBy,
}

impl HeldBack {
    /// One line for the user: what is kept, why, and what to do instead.
    pub fn message(&self) -> String {
        let what = self.construct_path.as_deref().unwrap_or(&self.logical_id);
        format!(
            "not applied: {} of {what} (owned by {}{}); {}",
            self.properties.join(", "),
            self.managed_by.service,
            self.managed_by
                .deployed_by
                .as_deref()
                .map(|d| format!(" through {d}"))
                .unwrap_or_default(),
            self.managed_by.how_to_change
        )
    }
}

/// Sets every managed property of `template` whose value differs from `deployed`'s back to
/// the deployed value (removing it when the deployed resource has none), and returns what
/// was held back. Resources new to the stack (or whose type changed) are left alone:
/// CloudFormation creates them as written.
pub fn hold_back_managed(deployed: Option<&Value>, template: &mut Value) -> Vec<HeldBack> {
    let Some(old_resources) = deployed
        .and_then(|d| d.get("Resources"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let Some(resources) = template.get_mut("Resources").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (logical_id, resource) in resources.iter_mut() {
        let Some(managed_by) = ManagedBy::of_resource(resource) else {
            continue;
        };
        let Some(old) = old_resources.get(logical_id) else {
            continue;
        };
        if old.get("Type") != resource.get("Type") {
            continue;
        }
        let old_props = old.get("Properties").cloned().unwrap_or(Value::Null);
        let construct_path = resource
            .get("Metadata")
            .and_then(|m| m.get(stackdef_synth::manifest::PATH_METADATA_KEY))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(props) = resource
            .get_mut("Properties")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut held = Vec::new();
        for name in &managed_by.properties {
            let before = old_props.get(name);
            if before == props.get(name) {
                continue;
            }
            match before {
                Some(v) => {
                    props.insert(name.clone(), v.clone());
                }
                None => {
                    props.remove(name);
                }
            }
            held.push(name.clone());
        }
        if !held.is_empty() {
            out.push(HeldBack {
                logical_id: logical_id.clone(),
                construct_path,
                properties: held,
                managed_by,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn service(task: &str, desired: u32) -> Value {
        json!({"Resources": {
            "Service": {
                "Type": "AWS::ECS::Service",
                "Metadata": {
                    "stackdef:path": "App/Service/Resource",
                    "stackdef:managedBy": {
                        "service": "CodeDeploy",
                        "properties": ["TaskDefinition", "LoadBalancers"],
                        "deployedBy": "App/BlueGreen",
                        "howToChange": "release through CodeDeploy"
                    }
                },
                "Properties": {"TaskDefinition": {"Ref": task}, "DesiredCount": desired}
            },
            "Other": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": task}}
        }})
    }

    #[test]
    fn managed_changes_are_kept_as_deployed_and_reported() {
        let deployed = service("TaskV1", 2);
        let mut template = service("TaskV2", 3);
        let held = hold_back_managed(Some(&deployed), &mut template);
        assert_eq!(held.len(), 1);
        assert_eq!(held[0].properties, ["TaskDefinition"]);
        assert_eq!(
            template["Resources"]["Service"]["Properties"],
            json!({"TaskDefinition": {"Ref": "TaskV1"}, "DesiredCount": 3})
        );
        // Unmanaged resources and properties change as written.
        assert_eq!(
            template["Resources"]["Other"]["Properties"]["TopicName"],
            "TaskV2"
        );
        let message = held[0].message();
        assert!(
            message.contains("TaskDefinition of App/Service/Resource")
                && message.contains("CodeDeploy through App/BlueGreen")
                && message.contains("release through CodeDeploy"),
            "{message}"
        );
    }

    #[test]
    fn a_new_stack_or_resource_is_created_as_written() {
        let mut template = service("TaskV2", 3);
        assert!(hold_back_managed(None, &mut template).is_empty());
        let deployed = json!({"Resources": {}});
        assert!(hold_back_managed(Some(&deployed), &mut template).is_empty());
        assert_eq!(
            template["Resources"]["Service"]["Properties"]["TaskDefinition"],
            json!({"Ref": "TaskV2"})
        );
    }

    #[test]
    fn a_property_the_deployed_resource_lacks_is_removed() {
        let deployed = service("TaskV1", 2);
        let mut template = service("TaskV1", 2);
        template["Resources"]["Service"]["Properties"]["LoadBalancers"] = json!([{"x": 1}]);
        let held = hold_back_managed(Some(&deployed), &mut template);
        assert_eq!(held[0].properties, ["LoadBalancers"]);
        assert_eq!(template, deployed);
    }
}
