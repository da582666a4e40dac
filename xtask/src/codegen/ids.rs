//! Typed identifiers: which resource types get an id newtype, and what a `format` such as
//! `AWS::EC2::VPC.Id` on a property resolves to.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use super::fixups::REF_OVERRIDES;
use super::names;

/// One generated id type.
#[derive(Debug, Clone)]
pub struct IdDef {
    /// Rust name (`VpcId`).
    pub name: String,
    /// The resource type producing it.
    pub type_name: String,
    /// The property holding it (`VpcId`, `Arn`).
    pub property: String,
    /// Produced by `Ref` (else by `Fn::GetAtt` of `property`).
    pub is_ref: bool,
}

/// The ids of one resource type.
#[derive(Debug, Clone, Default)]
pub struct TypeIds {
    /// Property the Ref returns (single primary identifier or override).
    pub ref_property: Option<String>,
    /// Id type of the Ref.
    pub ref_id: Option<String>,
    /// Id type of the `Arn` attribute, when the Ref is not the ARN.
    pub arn_id: Option<String>,
}

/// All ids, by type.
#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    /// By resource type name.
    pub by_type: HashMap<String, TypeIds>,
    /// All id types, sorted by name.
    pub all: Vec<IdDef>,
    /// Types of Ref overrides that matched nothing (an error for the full schema set).
    pub unused_overrides: Vec<String>,
}

/// Namespaces whose id types keep the short name when several types would share it,
/// most central first.
pub const PREFERRED_NAMESPACES: &[&str] = &[
    "AWS::EC2",
    "AWS::IAM",
    "AWS::ECS",
    "AWS::ElasticLoadBalancingV2",
    "AWS::RDS",
    "AWS::Logs",
    "AWS::S3",
    "AWS::KMS",
    "AWS::Lambda",
    "AWS::SNS",
    "AWS::SQS",
    "AWS::SecretsManager",
    "AWS::SSM",
    "AWS::ECR",
];

fn pointer_props(list: Option<&Json>) -> Vec<String> {
    list.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(|p| p.trim_start_matches("/properties/").replace('/', "."))
                .collect()
        })
        .unwrap_or_default()
}

fn suffix(property: &str) -> &'static str {
    if property.ends_with("Arn") || property.ends_with("ARN") {
        "Arn"
    } else if property.ends_with("Name") {
        "Name"
    } else {
        "Id"
    }
}

impl IdIndex {
    /// Builds the index over every type.
    pub fn build<'a>(types: impl Iterator<Item = (&'a str, &'a Json)>) -> Result<Self, String> {
        let mut candidates: Vec<IdDef> = Vec::new();
        let mut overrides_used = vec![false; REF_OVERRIDES.len()];
        for (type_name, schema) in types {
            let primary = pointer_props(schema.get("primaryIdentifier"));
            let read_only = pointer_props(schema.get("readOnlyProperties"));
            let mut ref_property =
                (primary.len() == 1 && !primary[0].contains('.')).then(|| primary[0].clone());
            for (i, o) in REF_OVERRIDES.iter().enumerate() {
                if o.type_name == type_name {
                    if ref_property.is_some() || !primary.contains(&o.property.to_owned()) {
                        return Err(format!(
                            "Ref override for {type_name} no longer applies: the primary \
                             identifier is {primary:?}"
                        ));
                    }
                    ref_property = Some(o.property.to_owned());
                    overrides_used[i] = true;
                }
            }
            let short = names::type_name(names::short_name(type_name));
            let mut ref_suffix = None;
            if let Some(p) = &ref_property {
                let s = suffix(p);
                ref_suffix = Some(s);
                candidates.push(IdDef {
                    name: format!("{short}{s}"),
                    type_name: type_name.to_owned(),
                    property: p.clone(),
                    is_ref: true,
                });
            }
            if ref_suffix != Some("Arn") && read_only.iter().any(|p| p == "Arn") {
                candidates.push(IdDef {
                    name: format!("{short}Arn"),
                    type_name: type_name.to_owned(),
                    property: "Arn".into(),
                    is_ref: false,
                });
            }
        }
        // Names shared by several types get the service as a prefix, except for the one of
        // the most central service (`VpcId`, `RoleArn`, `TargetGroupArn`, `ClusterName`
        // stay short), ranked by [`PREFERRED_NAMESPACES`].
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in candidates.iter().enumerate() {
            groups.entry(c.name.clone()).or_default().push(i);
        }
        let rank = |type_name: &str| {
            PREFERRED_NAMESPACES
                .iter()
                .position(|ns| type_name.rsplit_once("::").is_some_and(|(n, _)| n == *ns))
        };
        for members in groups.values() {
            if members.len() < 2 {
                continue;
            }
            let best = members
                .iter()
                .filter_map(|&i| rank(&candidates[i].type_name).map(|r| (r, i)))
                .min();
            let keep = best.filter(|(r, _)| {
                members
                    .iter()
                    .filter(|&&i| rank(&candidates[i].type_name) == Some(*r))
                    .count()
                    == 1
            });
            for &i in members {
                if keep.is_some_and(|(_, k)| k == i) {
                    continue;
                }
                let service: Vec<&str> = candidates[i].type_name.split("::").collect();
                let prefix = names::type_name(&service[..service.len() - 1].join("_"));
                let prefix = prefix.strip_prefix("Aws").unwrap_or(&prefix).to_owned();
                candidates[i].name = format!("{prefix}{}", candidates[i].name);
            }
        }
        let mut seen = HashMap::new();
        for c in &candidates {
            if let Some(other) = seen.insert(c.name.clone(), c.type_name.clone()) {
                return Err(format!(
                    "id type name {} is produced by both {other} and {}",
                    c.name, c.type_name
                ));
            }
        }
        let mut index = IdIndex {
            unused_overrides: overrides_used
                .iter()
                .zip(REF_OVERRIDES)
                .filter(|(used, _)| !**used)
                .map(|(_, o)| o.type_name.to_owned())
                .collect(),
            ..IdIndex::default()
        };
        for c in &candidates {
            let entry = index.by_type.entry(c.type_name.clone()).or_default();
            if c.is_ref {
                entry.ref_property = Some(c.property.clone());
                entry.ref_id = Some(c.name.clone());
            } else {
                entry.arn_id = Some(c.name.clone());
            }
        }
        candidates.sort_by(|a, b| a.name.cmp(&b.name));
        index.all = candidates;
        Ok(index)
    }

    /// The id type a `format` refers to: `(name, is_list)`.
    pub fn resolve_format(&self, format: &str) -> Option<(String, bool)> {
        let (type_name, attr) = format.rsplit_once('.')?;
        let ids = self.by_type.get(type_name)?;
        let ref_suffix = ids.ref_property.as_deref().map(suffix);
        match attr {
            "Id" => ids.ref_id.clone().map(|n| (n, false)),
            "Ids" => ids.ref_id.clone().map(|n| (n, true)),
            "Arn" if ref_suffix == Some("Arn") => ids.ref_id.clone().map(|n| (n, false)),
            "Arn" => ids.arn_id.clone().map(|n| (n, false)),
            "Name" | "AliasName" if ref_suffix == Some("Name") => {
                ids.ref_id.clone().map(|n| (n, false))
            }
            _ => None,
        }
    }
}
