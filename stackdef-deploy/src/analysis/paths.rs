//! Construct paths: which construct made each logical id, from the manifest and the
//! templates' metadata.

use std::collections::HashMap;

use serde_json::Value;
use stackdef_synth::assembly::{PATH_METADATA_KEY, StackArtifact};

/// Construct path recorded in a resource's metadata.
pub fn construct_path(resource: &Value) -> Option<String> {
    resource
        .get("Metadata")?
        .get(PATH_METADATA_KEY)?
        .as_str()
        .map(str::to_owned)
}

/// Logical id -> construct path, from the manifest and the template's metadata.
pub fn construct_paths(
    artifact: &StackArtifact,
    template: Option<&Value>,
) -> HashMap<String, String> {
    let mut paths: HashMap<String, String> = artifact
        .resources
        .iter()
        .map(|(id, r)| (id.clone(), r.path.clone()))
        .collect();
    if let Some(resources) = template
        .and_then(|t| t.get("Resources"))
        .and_then(Value::as_object)
    {
        for (id, r) in resources {
            if let Some(p) = construct_path(r) {
                paths.entry(id.clone()).or_insert(p);
            }
        }
    }
    paths
}
