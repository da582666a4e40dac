//! Adopting an existing CloudFormation template into a stack (for teams moving from
//! hand-written templates): every resource, parameter, condition, mapping and output is
//! kept with its logical id, so deploying the stack over the old one replaces nothing;
//! resources come back as typed L1 values that new constructs can reference and change.
//!
//! ```
//! use stackdef::{App, Env, cfn, include::IncludedTemplate};
//!
//! let app = App::new();
//! let stack = app.stack("Legacy", Env::region("eu-west-1"));
//! let legacy = IncludedTemplate::from_str(&stack, "Template", r#"{
//!   "Resources": {
//!     "Logs": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
//!              "UpdateReplacePolicy": "Retain"}
//!   }
//! }"#);
//! let logs: cfn::s3::Bucket = legacy.resource("Logs").unwrap();
//! // New constructs reference it like any other bucket.
//! let _arn = logs.attr_arn();
//! let out = app.synthesize().unwrap();
//! assert!(out.stack("Legacy").unwrap().template["Resources"]["Logs"].is_object());
//! ```

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use stackdef_synth::import::import_template;
use stackdef_synth::template_text::parse_template;
use stackdef_synth::{ConditionKey, SourceLocation};

use crate::resource::{CfnResource, L1Resource};
use crate::template::{CfnCondition, CfnParameter};
use crate::{Construct, Node};

/// Template sections a stack cannot carry over: they would be dropped silently.
const UNSUPPORTED_SECTIONS: &[(&str, &str)] = &[
    (
        "Transform",
        "macros (SAM and others) expand at deploy, so the resources here are not the ones \
         CloudFormation creates; deploy the expanded template (`aws cloudformation \
         get-template --template-stage Processed`) instead",
    ),
    (
        "Rules",
        "template rules are not modelled; check the parameters in Rust instead",
    ),
    ("Hooks", "hooks are not modelled"),
    (
        "Metadata",
        "template-level metadata (such as AWS::CloudFormation::Interface) is not modelled",
    ),
];

/// An existing template adopted into a stack.
#[derive(Debug, Clone, Construct)]
pub struct IncludedTemplate {
    node: Node,
    resources: IndexMap<String, CfnResource>,
    parameters: IndexMap<String, CfnParameter>,
    conditions: IndexMap<String, ConditionKey>,
}

/// Why [`IncludedTemplate::resource`] cannot give the resource asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncludeError {
    /// The template has no resource with that logical id.
    #[error("{include}: the template has no resource `{logical_id}` (it has: {known})")]
    NoSuchResource {
        /// The include's construct path.
        include: String,
        /// The id asked for.
        logical_id: String,
        /// The ids it has.
        known: String,
    },
    /// The resource is of another type than the one asked for.
    #[error("{include}: `{logical_id}` is a {found}, not a {wanted}")]
    WrongType {
        /// The include's construct path.
        include: String,
        /// The id asked for.
        logical_id: String,
        /// Its type in the template.
        found: String,
        /// The type asked for.
        wanted: &'static str,
    },
}

impl IncludedTemplate {
    /// Adopts the template at `path` (JSON, or YAML with short-form intrinsics when the
    /// `yaml` feature is on), relative to the crate's directory. A file that cannot be
    /// read or is not a template fails synth, naming the file and this call's line.
    #[track_caller]
    pub fn from_file(scope: &impl Construct, id: &str, path: impl AsRef<Path>) -> Self {
        let location = SourceLocation::caller();
        let full = crate_relative(path.as_ref());
        match std::fs::read_to_string(&full) {
            Ok(text) => Self::adopt(scope, id, &text, &full.display().to_string(), location),
            Err(e) => {
                let empty = Self::empty(scope, id, location);
                empty.node.report_message_at(
                    location,
                    format!(
                        "cannot read the template {} ({e}); paths are relative to the crate's directory",
                        full.display()
                    ),
                );
                empty
            }
        }
    }

    /// Adopts the template in `text` (JSON, or YAML when the `yaml` feature is on).
    #[track_caller]
    pub fn from_str(scope: &impl Construct, id: &str, text: &str) -> Self {
        Self::adopt(scope, id, text, "the template", SourceLocation::caller())
    }

    fn empty(scope: &impl Construct, id: &str, location: SourceLocation) -> Self {
        IncludedTemplate {
            node: scope.node().child(id, location),
            resources: IndexMap::new(),
            parameters: IndexMap::new(),
            conditions: IndexMap::new(),
        }
    }

    fn adopt(
        scope: &impl Construct,
        id: &str,
        text: &str,
        what: &str,
        location: SourceLocation,
    ) -> Self {
        let mut included = Self::empty(scope, id, location);
        let node = included.node.clone();
        let template = match parse_template(text) {
            Ok(t) => t,
            Err(e) => {
                node.report_message_at(location, format!("{what} cannot be read: {e}"));
                return included;
            }
        };
        for (section, why) in UNSUPPORTED_SECTIONS {
            if template.get(section).is_some() {
                node.report_message_at(
                    location,
                    format!("{what} has a `{section}` section, which include cannot keep: {why}"),
                );
            }
        }
        let prefix = node.components().to_vec();
        let imported = {
            let mut app = node.app.borrow_mut();
            import_template(&mut app.model, node.stack, &prefix, &template)
        };
        let imported = match imported {
            Ok(i) => i,
            Err(errors) => {
                for e in errors {
                    node.report_message_at(location, format!("{what}: {e}"));
                }
                return included;
            }
        };
        if let Some(description) = imported.description {
            let stack = node.stack();
            if stack.description().is_none() {
                stack.set_description(description);
            }
        }
        // Resources and parameters share the template's namespace, so their ids are
        // distinct children of the include.
        for (logical_id, key) in imported.resources {
            let child = node.child(&logical_id, location);
            included
                .resources
                .insert(logical_id, CfnResource::adopt(child, key));
        }
        for (logical_id, key) in imported.parameters {
            let child = node.child(&logical_id, location);
            included
                .parameters
                .insert(logical_id, CfnParameter::adopt(child, key));
        }
        included.conditions = imported.conditions;
        included
    }

    /// The resource `logical_id` as the typed L1 value `T` (`cfn::s3::Bucket`): reference
    /// it, or change it through its raw resource (`set_property`, policies, `DependsOn`).
    pub fn resource<T: L1Resource>(&self, logical_id: &str) -> Result<T, IncludeError> {
        let raw = self.raw_resource(logical_id)?;
        let found = raw.type_name();
        if found != T::TYPE_NAME {
            return Err(IncludeError::WrongType {
                include: self.node.path(),
                logical_id: logical_id.to_owned(),
                found,
                wanted: T::TYPE_NAME,
            });
        }
        Ok(T::from_raw(raw))
    }

    /// The resource `logical_id` untyped (for types stackdef does not generate, such as
    /// third-party registry types).
    pub fn raw_resource(&self, logical_id: &str) -> Result<CfnResource, IncludeError> {
        self.resources
            .get(logical_id)
            .cloned()
            .ok_or_else(|| IncludeError::NoSuchResource {
                include: self.node.path(),
                logical_id: logical_id.to_owned(),
                known: self
                    .resources
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The logical ids of the template's resources, in template order.
    pub fn resource_ids(&self) -> impl Iterator<Item = &str> {
        self.resources.keys().map(String::as_str)
    }

    /// The parameter `logical_id` (to read with [`CfnParameter::value`] or to change).
    pub fn parameter(&self, logical_id: &str) -> Option<CfnParameter> {
        self.parameters.get(logical_id).cloned()
    }

    /// The condition `name`, for new resources and outputs that exist under it.
    pub fn condition(&self, name: &str) -> Option<CfnCondition> {
        let key = *self.conditions.get(name)?;
        Some(CfnCondition::adopt(self.node.clone(), key))
    }
}

/// `path` relative to the crate being run (`CARGO_MANIFEST_DIR`, set by `cargo run` and
/// `cargo test`), or as given when absolute or outside cargo.
pub(crate) fn crate_relative(path: &Path) -> PathBuf {
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) if path.is_relative() => PathBuf::from(dir).join(path),
        _ => path.to_path_buf(),
    }
}
