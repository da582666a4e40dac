//! Properties another service owns once the stack exists (`stackdef:managedBy`): a
//! CodeDeploy service's task definition and load balancers, the actions of the listeners
//! CodeDeploy shifts traffic on. A deploy keeps their deployed values and says so, rather
//! than failing the update (CloudFormation refuses a new task definition on a CodeDeploy
//! service) or sending traffic back to a target group CodeDeploy has drained.

use serde_json::Value;
use stackdef_synth::manifest::ManagedBy;

use super::replacement::replacing_properties;

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
///
/// A resource a managed property refers to (the service's task definition) is held back
/// too when this deploy would replace it: the new physical id would change the managed
/// property all the same.
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
    let mut referenced: Vec<(String, ManagedBy)> = Vec::new();
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
        let construct_path = path_of(resource);
        let Some(props) = resource
            .get_mut("Properties")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let mut held = Vec::new();
        for name in &managed_by.properties {
            if let Some(value) = old_props.get(name) {
                for id in references(value) {
                    referenced.push((id, managed_by.clone()));
                }
            }
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
    for (id, managed_by) in referenced {
        let (Some(old), Some(new)) = (old_resources.get(&id), resources.get_mut(&id)) else {
            continue;
        };
        if old.get("Type") != new.get("Type") || out.iter().any(|h| h.logical_id == id) {
            continue;
        }
        // Only a replacement changes what the reference resolves to; an update in place
        // (a target group's health check) is applied as usual.
        let type_name = new.get("Type").and_then(Value::as_str).unwrap_or_default();
        let props = |r: &Value| r.get("Properties").cloned().unwrap_or(Value::Null);
        let changed = replacing_properties(type_name, &props(old), &props(new));
        if changed.is_empty() {
            continue;
        }
        let construct_path = path_of(new);
        let mut kept = old.clone();
        // The construct path and the markers stay the synthesized ones.
        if let Some(meta) = new.get("Metadata") {
            kept["Metadata"] = meta.clone();
        }
        *new = kept;
        out.push(HeldBack {
            logical_id: id,
            construct_path,
            properties: changed,
            managed_by,
        });
    }
    out
}

fn path_of(resource: &Value) -> Option<String> {
    resource
        .get("Metadata")
        .and_then(|m| m.get(stackdef_synth::manifest::PATH_METADATA_KEY))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The logical ids `value` refers to with `Ref` and `Fn::GetAtt`.
fn references(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(id)) = map.get("Ref") {
                    out.push(id.clone());
                }
                if let Some(Value::String(id)) = map
                    .get("Fn::GetAtt")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                {
                    out.push(id.clone());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    out.retain(|id| !id.starts_with("AWS::"));
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
    fn the_task_definition_a_managed_property_refers_to_is_kept_too() {
        let with_task = |image: &str| {
            let mut t = service("Task", 2);
            t["Resources"]["Task"] = json!({
                "Type": "AWS::ECS::TaskDefinition",
                "Metadata": {"stackdef:path": "App/Task/Resource"},
                "Properties": {"ContainerDefinitions": [{"Image": image}], "Cpu": "256"}
            });
            t
        };
        let deployed = with_task("app:v1");
        let mut template = with_task("app:v2");
        let held = hold_back_managed(Some(&deployed), &mut template);
        assert_eq!(held.len(), 1, "{held:#?}");
        assert_eq!(held[0].logical_id, "Task");
        assert_eq!(held[0].properties, ["ContainerDefinitions"]);
        assert!(
            held[0]
                .message()
                .contains("ContainerDefinitions of App/Task/Resource")
        );
        assert_eq!(template, deployed);
        // Unchanged, it is left alone.
        let mut same = with_task("app:v1");
        assert!(hold_back_managed(Some(&deployed), &mut same).is_empty());
    }

    #[test]
    fn a_referenced_resource_updated_in_place_is_applied() {
        let with_group = |path: &str| {
            let mut t = service("Task", 2);
            t["Resources"]["Service"]["Properties"]["LoadBalancers"] =
                json!([{"TargetGroupArn": {"Ref": "Blue"}}]);
            t["Resources"]["Blue"] = json!({
                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                "Properties": {"HealthCheckPath": path, "Port": 8000, "Protocol": "HTTP"}
            });
            t
        };
        let deployed = with_group("/health");
        let mut template = with_group("/ready");
        assert!(hold_back_managed(Some(&deployed), &mut template).is_empty());
        assert_eq!(
            template["Resources"]["Blue"]["Properties"]["HealthCheckPath"],
            "/ready"
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
