//! Stateful facts: which resource types hold data, and which resources of a deployed
//! template a deletion would destroy.
//!
//! A type is stateful when the registry data says so: its `stateful` flag (the types whose
//! replacement or deletion loses data), or its `snapshot` flag (a `DeletionPolicy` of
//! `Snapshot` is allowed, which only makes sense for data). A few storage types the registry
//! data does not flag are added by hand in [`EXTRA_STATEFUL_TYPES`].

use serde_json::Value;

use super::paths::construct_path;

/// Storage types the registry data does not flag as stateful, each holding data a
/// replacement or removal loses.
pub const EXTRA_STATEFUL_TYPES: &[&str] = &[
    // Container images: pushed by builds, not by the template.
    "AWS::ECR::Repository",
    // Objects, like `AWS::S3::Bucket`.
    "AWS::S3Express::DirectoryBucket",
    // Time series rows.
    "AWS::Timestream::Table",
];

/// Whether resources of `type_name` hold data.
pub fn is_stateful(type_name: &str) -> bool {
    stackdef_registry::schema(type_name).is_some_and(|s| s.stateful || s.snapshot)
        || EXTRA_STATEFUL_TYPES.contains(&type_name)
}

/// Every stateful type the registry knows, sorted (the list [`is_stateful`] decides by).
pub fn stateful_types() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = stackdef_registry::type_names()
        .filter(|t| is_stateful(t))
        .collect();
    for extra in EXTRA_STATEFUL_TYPES {
        if !out.contains(extra) {
            out.push(extra);
        }
    }
    out.sort_unstable();
    out
}

/// The `DeletionPolicy` CloudFormation applies when a resource of `type_name` names none:
/// `Snapshot` for RDS clusters and instances, `Delete` otherwise.
pub fn default_deletion_policy(type_name: &str) -> &'static str {
    match type_name {
        "AWS::RDS::DBCluster" | "AWS::RDS::DBInstance" => "Snapshot",
        _ => "Delete",
    }
}

/// Stateful resources of a deployed template that deletion would destroy (their
/// `DeletionPolicy` is `Delete` or absent): (logical id, type, construct path).
pub fn stateful_deleted(template: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    if let Some(resources) = template.get("Resources").and_then(Value::as_object) {
        for (id, r) in resources {
            let t = r.get("Type").and_then(Value::as_str).unwrap_or_default();
            let policy = r
                .get("DeletionPolicy")
                .and_then(Value::as_str)
                .unwrap_or("Delete");
            if is_stateful(t) && policy == "Delete" {
                out.push((id.clone(), t.to_owned(), construct_path(r)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list is pinned: a type that starts or stops counting as stateful changes which
    /// deploys are refused, so it must show up here in review.
    #[test]
    fn the_stateful_list_is_pinned() {
        assert_eq!(
            stateful_types(),
            [
                "AWS::Backup::BackupVault",
                "AWS::CloudFormation::Stack",
                "AWS::Cognito::UserPool",
                "AWS::DocDB::DBCluster",
                "AWS::DocDB::DBInstance",
                "AWS::DynamoDB::GlobalTable",
                "AWS::DynamoDB::Table",
                "AWS::EC2::Volume",
                "AWS::ECR::Repository",
                "AWS::EFS::FileSystem",
                "AWS::EMR::Cluster",
                "AWS::ElastiCache::CacheCluster",
                "AWS::ElastiCache::ReplicationGroup",
                "AWS::Elasticsearch::Domain",
                "AWS::FSx::FileSystem",
                "AWS::KMS::Key",
                "AWS::Kinesis::Stream",
                "AWS::Logs::LogGroup",
                "AWS::Neptune::DBCluster",
                "AWS::Neptune::DBInstance",
                "AWS::OpenSearchService::Domain",
                "AWS::Organizations::Account",
                "AWS::QLDB::Ledger",
                "AWS::RDS::DBCluster",
                "AWS::RDS::DBInstance",
                "AWS::Redshift::Cluster",
                "AWS::S3::Bucket",
                "AWS::S3Express::DirectoryBucket",
                "AWS::SDB::Domain",
                "AWS::SQS::Queue",
                "AWS::SecretsManager::Secret",
                "AWS::Timestream::Table",
            ]
        );
        assert!(!is_stateful("AWS::SNS::Topic"));
        assert!(!is_stateful("AWS::Nope::Nothing"));
    }
}
