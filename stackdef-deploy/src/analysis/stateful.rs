//! Stateful facts: which resource types hold data, and which resources of a deployed
//! template a deletion would destroy.

use serde_json::Value;

use super::paths::construct_path;

/// Resource types whose replacement or removal loses data.
pub const STATEFUL_TYPES: &[&str] = &[
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DocDB::DBCluster",
    "AWS::Neptune::DBCluster",
    "AWS::Redshift::Cluster",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::GlobalTable",
    "AWS::S3::Bucket",
    "AWS::S3Express::DirectoryBucket",
    "AWS::EFS::FileSystem",
    "AWS::FSx::FileSystem",
    "AWS::EC2::Volume",
    "AWS::Logs::LogGroup",
    "AWS::SecretsManager::Secret",
    "AWS::ECR::Repository",
    "AWS::KMS::Key",
    "AWS::Cognito::UserPool",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
    "AWS::OpenSearchService::Domain",
    "AWS::Elasticsearch::Domain",
    "AWS::Kinesis::Stream",
    "AWS::SQS::Queue",
    "AWS::Backup::BackupVault",
    "AWS::Timestream::Table",
];

/// Whether resources of `type_name` hold data.
pub fn is_stateful(type_name: &str) -> bool {
    STATEFUL_TYPES.contains(&type_name)
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
