//! The data some synth rules need beyond the resource schemas, from cfn-lint's bundle:
//! which EC2 instance types and RDS instance classes each region offers, which engine
//! versions each RDS engine has, which actions each IAM service has, and which types hold
//! data. Written as small line-oriented text files so a rule looks up one line without
//! parsing the rest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value as Json;

/// Types whose `DeletionPolicy`/`UpdateReplacePolicy` may be `Snapshot` (CloudFormation's
/// documented list, as cfn-lint 1.51 has it in `helpers.valid_snapshot_types`).
pub const SNAPSHOT_TYPES: &[&str] = &[
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
];

fn read(path: &Path) -> Result<Json, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn strings(v: Option<&Json>) -> Vec<String> {
    v.and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `key:item,item,...` lines, sorted by key, items sorted.
fn lines(map: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::new();
    for (k, items) in map {
        out.push_str(k);
        out.push(':');
        out.push_str(&items.iter().cloned().collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// The `enum` of each `then` of an `allOf` of `if`/`then`, keyed by the `if`'s `const`s.
fn conditional_enums(doc: &Json, keys: &[&str], field: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for branch in doc
        .get("allOf")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let props = branch.pointer("/if/properties");
        let key: Option<Vec<String>> = keys
            .iter()
            .map(|k| {
                props
                    .and_then(|p| p.get(k))
                    .and_then(|v| v.get("const"))
                    .and_then(Json::as_str)
                    .map(str::to_owned)
            })
            .collect();
        let values = strings(branch.pointer(&format!("/then/properties/{field}/enum")));
        if let Some(key) = key
            && !values.is_empty()
        {
            out.push((key, values));
        }
    }
    out
}

/// The data files: `(file name under stackdef-registry/data, contents)`.
pub fn files(data_dir: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let ext = data_dir.join("schemas/extensions");

    let types = read(&ext.join("aws_ec2_instance/instancetype_enum.json"))?;
    let mut by_region = BTreeMap::new();
    for (region, v) in types.as_object().into_iter().flatten() {
        let set: BTreeSet<String> = strings(v.get("enum")).into_iter().collect();
        by_region.insert(region.clone(), set);
    }

    let classes = read(&ext.join("aws_rds_dbinstance/dbinstanceclass_enum.json"))?;
    let mut class_lines: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (region, v) in classes.as_object().into_iter().flatten() {
        // Licence models are merged: a class valid for any licence of the engine passes.
        for (key, values) in conditional_enums(v, &["Engine"], "DBInstanceClass") {
            class_lines
                .entry(format!("{region}/{}", key[0]))
                .or_default()
                .extend(values);
        }
    }

    let versions = read(&ext.join("aws_rds_dbinstance/engine_version.json"))?;
    let mut version_lines: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, values) in conditional_enums(&versions, &["Engine"], "EngineVersion") {
        version_lines
            .entry(key[0].clone())
            .or_default()
            .extend(values);
    }

    let policies = read(&data_dir.join("AdditionalSpecs/Policies.json"))?;
    let mut actions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (prefix, service) in policies.as_object().into_iter().flatten() {
        let set: BTreeSet<String> = service
            .get("Actions")
            .and_then(Json::as_object)
            .map(|a| a.keys().map(|k| k.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        actions.insert(prefix.to_ascii_lowercase(), set);
    }

    if by_region.is_empty()
        || class_lines.is_empty()
        || version_lines.is_empty()
        || actions.is_empty()
    {
        return Err("cfn-lint's rule data is missing pieces (instance types, RDS classes or versions, IAM actions)".into());
    }
    Ok(vec![
        ("ec2_instance_types.txt", lines(&by_region)),
        ("rds_instance_classes.txt", lines(&class_lines)),
        ("rds_engine_versions.txt", lines(&version_lines)),
        ("iam_actions.txt", lines(&actions)),
    ])
}

/// The types that hold data, from cfn-lint's `StatefulResources.json`.
pub fn stateful_types(data_dir: &Path) -> Result<BTreeSet<String>, String> {
    let doc = read(&data_dir.join("AdditionalSpecs/StatefulResources.json"))?;
    Ok(doc
        .get("ResourceTypes")
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default())
}
