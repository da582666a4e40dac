//! The app model: everything a program declared, before logical ids are assigned.
//!
//! Items live in flat arenas (one per kind) addressed by keys, so references between
//! stacks are resolved in one linear pass at synth.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::error::SynthError;
use crate::expr::{AppId, ConditionKey, Expr, MappingKey, ParameterKey, ResourceKey};

pub use crate::location::SourceLocation;

/// The AWS account and region a stack deploys to; either may be left to deploy time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Env {
    /// 12-digit account id, or `None` for environment-agnostic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Region name, or `None` for environment-agnostic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Env {
    /// A concrete account and region.
    pub fn aws(account: impl Into<String>, region: impl Into<String>) -> Self {
        Env {
            account: Some(account.into()),
            region: Some(region.into()),
        }
    }

    /// Resolved at deploy time from the caller's credentials and configuration.
    pub fn agnostic() -> Self {
        Env::default()
    }

    /// A known region, account resolved at deploy time.
    pub fn region(region: impl Into<String>) -> Self {
        Env {
            account: None,
            region: Some(region.into()),
        }
    }
}

impl std::fmt::Display for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "aws://{}/{}",
            self.account.as_deref().unwrap_or("unknown-account"),
            self.region.as_deref().unwrap_or("unknown-region")
        )
    }
}

/// Index of a stack in [`AppModel::stacks`].
pub type StackIndex = u32;

/// `DeletionPolicy` / `UpdateReplacePolicy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemovalPolicy {
    /// Delete the physical resource.
    Delete,
    /// Keep it, outside the stack.
    Retain,
    /// Keep it unless the stack's creation rolls back.
    RetainExceptOnCreate,
    /// Take a final snapshot, then delete (databases, volumes, caches).
    Snapshot,
}

impl RemovalPolicy {
    /// The template spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Delete => "Delete",
            RemovalPolicy::Retain => "Retain",
            RemovalPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
            RemovalPolicy::Snapshot => "Snapshot",
        }
    }
}

/// One stack of the app.
#[derive(Debug, Clone)]
pub struct StackModel {
    /// Stack name (also its construct id and path root).
    pub name: String,
    /// Where it deploys.
    pub env: Env,
    /// Template `Description`.
    pub description: Option<String>,
    /// Stack tags, passed at deploy.
    pub tags: IndexMap<String, String>,
    /// Stacks that must deploy first, declared explicitly.
    pub explicit_dependencies: Vec<StackIndex>,
    /// Where the stack was declared.
    pub location: Option<SourceLocation>,
}

/// One CloudFormation resource.
#[derive(Debug, Clone)]
pub struct ResourceModel {
    /// The stack holding it.
    pub stack: StackIndex,
    /// Construct path components below the stack (the last is the resource's own id).
    pub path: Vec<String>,
    /// CloudFormation type name, e.g. `AWS::EC2::VPC`.
    pub type_name: String,
    /// `Properties`, in insertion order.
    pub properties: IndexMap<String, Expr>,
    /// Explicit `DependsOn` targets.
    pub depends_on: Vec<ResourceKey>,
    /// `Condition`.
    pub condition: Option<ConditionKey>,
    /// `DeletionPolicy`.
    pub deletion_policy: Option<RemovalPolicy>,
    /// `UpdateReplacePolicy`.
    pub update_replace_policy: Option<RemovalPolicy>,
    /// `Metadata` entries besides the construct path stackdef writes.
    pub metadata: IndexMap<String, Expr>,
    /// `CreationPolicy` and `UpdatePolicy`, by name.
    pub policies: IndexMap<String, Expr>,
    /// A logical id chosen by the user instead of the derived one.
    pub logical_id_override: Option<String>,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
    /// Where properties were set after the resource was created (the latest setting of
    /// each), so a problem with one points at the line that wrote it.
    pub property_locations: Vec<(String, SourceLocation)>,
}

impl ResourceModel {
    /// Where the property at `path` (`SecurityGroupIngress[2].CidrIp`) was last written:
    /// the line recorded for the longest part of the path that has one, or the resource's.
    pub fn property_location(&self, path: &str) -> Option<SourceLocation> {
        self.property_locations
            .iter()
            .filter(|(n, _)| {
                path == n
                    || path
                        .strip_prefix(n.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            })
            .max_by_key(|(n, _)| n.len())
            .map(|(_, l)| *l)
            .or(self.location)
    }

    /// Records that the property `name` was written at `location`.
    pub fn record_location(&mut self, name: &str, location: SourceLocation) {
        match self.property_locations.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = location,
            None => self.property_locations.push((name.to_owned(), location)),
        }
    }

    /// A resource with no properties or options.
    pub fn new(stack: StackIndex, path: Vec<String>, type_name: impl Into<String>) -> Self {
        ResourceModel {
            stack,
            path,
            type_name: type_name.into(),
            properties: IndexMap::new(),
            depends_on: Vec::new(),
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            metadata: IndexMap::new(),
            policies: IndexMap::new(),
            logical_id_override: None,
            location: None,
            property_locations: Vec::new(),
        }
    }
}

/// A template parameter.
#[derive(Debug, Clone, Default)]
pub struct ParameterModel {
    /// The stack holding it.
    pub stack: StackIndex,
    /// Its logical id (used verbatim).
    pub id: String,
    /// `Type`, e.g. `String`, `Number`, `AWS::EC2::VPC::Id`.
    pub type_name: String,
    /// `Default`.
    pub default: Option<serde_json::Value>,
    /// `Description`.
    pub description: Option<String>,
    /// `NoEcho`.
    pub no_echo: bool,
    /// `AllowedValues`.
    pub allowed_values: Vec<serde_json::Value>,
    /// `AllowedPattern`.
    pub allowed_pattern: Option<String>,
    /// `ConstraintDescription`.
    pub constraint_description: Option<String>,
    /// `MinLength`.
    pub min_length: Option<u32>,
    /// `MaxLength`.
    pub max_length: Option<u32>,
    /// `MinValue`.
    pub min_value: Option<f64>,
    /// `MaxValue`.
    pub max_value: Option<f64>,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
}

/// A template output.
#[derive(Debug, Clone)]
pub struct OutputModel {
    /// The stack holding it.
    pub stack: StackIndex,
    /// Its logical id (used verbatim).
    pub id: String,
    /// `Value`.
    pub value: Expr,
    /// `Description`.
    pub description: Option<String>,
    /// `Export.Name`.
    pub export_name: Option<Expr>,
    /// `Condition`.
    pub condition: Option<ConditionKey>,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
}

/// A template condition.
#[derive(Debug, Clone)]
pub struct ConditionModel {
    /// The stack holding it.
    pub stack: StackIndex,
    /// Its logical id (used verbatim).
    pub id: String,
    /// The condition expression (`Fn::Equals`, `Fn::And`, ...).
    pub expr: Expr,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
}

/// A template mapping: top-level key -> second-level key -> value.
#[derive(Debug, Clone)]
pub struct MappingModel {
    /// The stack holding it.
    pub stack: StackIndex,
    /// Its logical id (used verbatim).
    pub id: String,
    /// The table.
    pub entries: IndexMap<String, IndexMap<String, serde_json::Value>>,
    /// Where it was declared.
    pub location: Option<SourceLocation>,
}

/// A finding of a rule that the program accepts, with its reason: at a construct path
/// (everything below it), or for a whole stack (an empty path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The stack.
    pub stack: StackIndex,
    /// Construct path components below the stack; empty for the whole stack.
    pub path: Vec<String>,
    /// The rule id (`SD3003`).
    pub rule: String,
    /// Why the finding is accepted.
    pub reason: String,
    /// Where it was written.
    pub location: Option<SourceLocation>,
}

impl Acknowledgement {
    /// Whether this acknowledgement covers `rule` for the item at `path` of `stack`.
    pub fn covers(&self, rule: &str, stack: StackIndex, path: &[String]) -> bool {
        self.rule == rule && self.stack == stack && path.starts_with(&self.path)
    }
}

/// Everything an app declared.
#[derive(Debug, Clone, Default)]
pub struct AppModel {
    /// This model's identity; keys from other apps are dangling.
    pub app: AppId,
    /// Stacks, in declaration order.
    pub stacks: Vec<StackModel>,
    /// All resources of all stacks, in declaration order.
    pub resources: Vec<ResourceModel>,
    /// All parameters.
    pub parameters: Vec<ParameterModel>,
    /// All outputs.
    pub outputs: Vec<OutputModel>,
    /// All conditions.
    pub conditions: Vec<ConditionModel>,
    /// All mappings.
    pub mappings: Vec<MappingModel>,
    /// Errors recorded while the app was built (reported with synth's own).
    pub errors: Vec<SynthError>,
    /// Rule findings the program accepts.
    pub acknowledgements: Vec<Acknowledgement>,
}

impl AppModel {
    /// An empty model with the given identity.
    pub fn new(app: AppId) -> Self {
        AppModel {
            app,
            ..Default::default()
        }
    }

    /// Adds a resource and returns its key.
    pub fn add_resource(&mut self, resource: ResourceModel) -> ResourceKey {
        self.resources.push(resource);
        ResourceKey {
            app: self.app,
            index: (self.resources.len() - 1) as u32,
        }
    }

    /// Adds a parameter and returns its key.
    pub fn add_parameter(&mut self, parameter: ParameterModel) -> ParameterKey {
        self.parameters.push(parameter);
        ParameterKey {
            app: self.app,
            index: (self.parameters.len() - 1) as u32,
        }
    }

    /// Adds a condition and returns its key.
    pub fn add_condition(&mut self, condition: ConditionModel) -> ConditionKey {
        self.conditions.push(condition);
        ConditionKey {
            app: self.app,
            index: (self.conditions.len() - 1) as u32,
        }
    }

    /// Adds a mapping and returns its key.
    pub fn add_mapping(&mut self, mapping: MappingModel) -> MappingKey {
        self.mappings.push(mapping);
        MappingKey {
            app: self.app,
            index: (self.mappings.len() - 1) as u32,
        }
    }

    /// The resource behind a key of this app.
    pub fn resource(&self, key: ResourceKey) -> Option<&ResourceModel> {
        (key.app == self.app)
            .then(|| self.resources.get(key.index as usize))
            .flatten()
    }

    /// The resource behind a key of this app, mutably.
    pub fn resource_mut(&mut self, key: ResourceKey) -> Option<&mut ResourceModel> {
        if key.app != self.app {
            return None;
        }
        self.resources.get_mut(key.index as usize)
    }

    /// The full construct path of a resource: `Stack/Child/.../Id`.
    pub fn resource_path(&self, resource: &ResourceModel) -> String {
        let stack = self
            .stacks
            .get(resource.stack as usize)
            .map(|s| s.name.as_str())
            .unwrap_or("?");
        let mut path = String::from(stack);
        for part in &resource.path {
            path.push('/');
            path.push_str(part);
        }
        path
    }
}
