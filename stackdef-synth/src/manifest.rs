//! The manifest of an assembly: its format and what it says about each stack.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::Env;

/// Version of the manifest format written by this crate.
pub const MANIFEST_VERSION: &str = "1";
/// Template metadata key holding each resource's construct path.
pub const PATH_METADATA_KEY: &str = "stackdef:path";
/// Template metadata key on a resource some of whose properties another service changes
/// after CloudFormation creates it: an ECS service that CodeDeploy deploys (its task
/// definition, load balancers, network configuration and platform version), and the
/// listeners and rules CodeDeploy shifts traffic on (their actions). The value is a
/// [`ManagedBy`]. A deploy must not apply a change to those properties: CloudFormation
/// fails the update of a CodeDeploy service's task definition, and rewriting a listener's
/// actions would send traffic back to a target group CodeDeploy has drained.
pub const MANAGED_BY_METADATA_KEY: &str = "stackdef:managedBy";

/// The value of [`MANAGED_BY_METADATA_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedBy {
    /// The service that changes the properties (`CodeDeploy`).
    pub service: String,
    /// The properties it changes (top-level property names).
    pub properties: Vec<String>,
    /// The construct path of what drives it (a CodeDeploy deployment group), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_by: Option<String>,
    /// How to release a change to those properties instead.
    pub how_to_change: String,
}

impl ManagedBy {
    /// The marker in a template resource's `Metadata`, if it has one.
    pub fn of_resource(resource: &serde_json::Value) -> Option<ManagedBy> {
        let value = resource.get("Metadata")?.get(MANAGED_BY_METADATA_KEY)?;
        serde_json::from_value(value.clone()).ok()
    }
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version ([`MANIFEST_VERSION`]).
    pub version: String,
    /// Stacks in dependency order (every stack after the stacks it depends on).
    pub stacks: Vec<StackArtifact>,
    /// Findings of the synth checks that did not fail synth: warnings (which
    /// `stackdef synth --strict` refuses) and acknowledged findings with their reasons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::error::SynthWarning>,
}

/// One stack in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackArtifact {
    /// Stack name.
    pub name: String,
    /// Where it deploys.
    pub environment: Env,
    /// Template file, relative to the assembly directory.
    pub template_file: String,
    /// Template size in bytes.
    pub template_size: usize,
    /// Lowercase hex SHA-256 of the template file.
    pub template_sha256: String,
    /// Whether the template exceeds [`INLINE_TEMPLATE_LIMIT`](crate::limits::INLINE_TEMPLATE_LIMIT) and must be uploaded to S3.
    pub requires_upload: bool,
    /// Stacks that must be deployed before this one.
    pub dependencies: Vec<String>,
    /// Stack tags.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// Logical id -> resource type and construct path.
    pub resources: IndexMap<String, ResourceEntry>,
}

/// A resource's entry in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceEntry {
    /// CloudFormation type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Full construct path.
    pub path: String,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = hmac_sha256::Hash::hash(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
