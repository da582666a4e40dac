//! The manifest of an assembly: its format and what it says about each stack.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::Env;

/// Version of the manifest format written by this crate.
pub const MANIFEST_VERSION: &str = "1";
/// Template metadata key holding each resource's construct path.
pub const PATH_METADATA_KEY: &str = "stackdef:path";

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
