//! Data at rest: encryption, public databases and buckets, and the policies that keep data
//! when a resource is replaced or removed.

use stackdef_synth::{Expr, RemovalPolicy, ResourceModel};

use crate::catalog;
use crate::view::{ModelView, bool_of, get, list_of, map_of, str_of};
use crate::{Finding, Subject};

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, r) in v.model.resources.iter().enumerate() {
        encryption(i, r, out);
        policies(i, r, out);
        match r.type_name.as_str() {
            "AWS::RDS::DBInstance"
                if r.properties.get("PubliclyAccessible").and_then(bool_of) == Some(true) =>
            {
                out.push(Finding::new(
                    catalog::PUBLIC_DATABASE,
                    Subject::Resource(i),
                    "PubliclyAccessible",
                    "the database gets a public address; keep it private and reach it through the VPC, or acknowledge SD5002 with the reason",
                ));
            }
            "AWS::S3::Bucket" => {
                if let Some(block) = r
                    .properties
                    .get("PublicAccessBlockConfiguration")
                    .and_then(map_of)
                {
                    let off: Vec<&str> = [
                        "BlockPublicAcls",
                        "BlockPublicPolicy",
                        "IgnorePublicAcls",
                        "RestrictPublicBuckets",
                    ]
                    .into_iter()
                    .filter(|k| block.get(*k).and_then(bool_of) == Some(false))
                    .collect();
                    if !off.is_empty() {
                        out.push(Finding::new(
                            catalog::PUBLIC_BUCKET,
                            Subject::Resource(i),
                            "PublicAccessBlockConfiguration",
                            format!(
                                "{} turned off lets the bucket or its objects be made public; leave the block on, or acknowledge SD5003 with the reason",
                                off.join(", ")
                            ),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

/// `SD5001`: storage that is not encrypted at rest.
fn encryption(i: usize, r: &ResourceModel, out: &mut Vec<Finding>) {
    let p = &r.properties;
    let has = |k: &str| p.contains_key(k);
    let flag = |k: &str| p.get(k).and_then(bool_of);
    let (property, unencrypted) = match r.type_name.as_str() {
        "AWS::RDS::DBInstance" => {
            // Aurora instances, replicas and restores take their encryption from elsewhere.
            let inherits = p
                .get("Engine")
                .and_then(str_of)
                .is_some_and(|e| e.starts_with("aurora"))
                || has("DBClusterIdentifier")
                || has("SourceDBInstanceIdentifier")
                || has("DBSnapshotIdentifier")
                || has("SourceDBClusterIdentifier");
            (
                "StorageEncrypted",
                !inherits
                    && flag("StorageEncrypted") != Some(true)
                    && (flag("StorageEncrypted") == Some(false) || !has("StorageEncrypted")),
            )
        }
        "AWS::RDS::DBCluster" => {
            let inherits = has("SnapshotIdentifier")
                || has("SourceDBClusterIdentifier")
                || p.get("EngineMode").and_then(str_of) == Some("serverless");
            (
                "StorageEncrypted",
                !inherits
                    && flag("StorageEncrypted") != Some(true)
                    && (flag("StorageEncrypted") == Some(false) || !has("StorageEncrypted")),
            )
        }
        "AWS::EC2::Volume" => ("Encrypted", flag("Encrypted") == Some(false)),
        "AWS::EFS::FileSystem" => ("Encrypted", flag("Encrypted") == Some(false)),
        "AWS::ElastiCache::ReplicationGroup" => (
            "AtRestEncryptionEnabled",
            flag("AtRestEncryptionEnabled") == Some(false),
        ),
        "AWS::EC2::Instance" => (
            "BlockDeviceMappings",
            ebs_encryption_off(p.get("BlockDeviceMappings")),
        ),
        "AWS::EC2::LaunchTemplate" => (
            "LaunchTemplateData.BlockDeviceMappings",
            ebs_encryption_off(get(p, "LaunchTemplateData.BlockDeviceMappings")),
        ),
        _ => return,
    };
    if unencrypted {
        out.push(Finding::new(
            catalog::UNENCRYPTED_STORAGE,
            Subject::Resource(i),
            property,
            format!(
                "{} stores data unencrypted; turn encryption at rest on, or acknowledge SD5001 with the reason",
                r.type_name
            ),
        ));
    }
}

/// Whether a block device mapping list turns EBS encryption off explicitly (left unset,
/// the account's default encryption applies).
fn ebs_encryption_off(mappings: Option<&Expr>) -> bool {
    mappings.and_then(list_of).into_iter().flatten().any(|m| {
        map_of(m)
            .and_then(|m| m.get("Ebs"))
            .and_then(map_of)
            .and_then(|e| e.get("Encrypted"))
            .and_then(bool_of)
            == Some(false)
    })
}

/// `SD5004`/`SD5005`: snapshot policies on types without snapshots, and stateful resources
/// with only one of the two policies.
fn policies(i: usize, r: &ResourceModel, out: &mut Vec<Finding>) {
    let Some(schema) = stackdef_registry::schema(&r.type_name) else {
        return;
    };
    for (name, policy) in [
        ("DeletionPolicy", r.deletion_policy),
        ("UpdateReplacePolicy", r.update_replace_policy),
    ] {
        if policy == Some(RemovalPolicy::Snapshot) && !schema.snapshot {
            out.push(Finding::new(
                catalog::SNAPSHOT_UNSUPPORTED,
                Subject::Resource(i),
                name,
                format!(
                    "{} cannot be snapshotted; use Retain to keep it",
                    r.type_name
                ),
            ));
        }
    }
    if schema.stateful && r.deletion_policy.is_some() != r.update_replace_policy.is_some() {
        let (set, missing) = if r.deletion_policy.is_some() {
            ("DeletionPolicy", "UpdateReplacePolicy")
        } else {
            ("UpdateReplacePolicy", "DeletionPolicy")
        };
        out.push(Finding::new(
            catalog::STATEFUL_WITHOUT_POLICY,
            Subject::Resource(i),
            missing,
            format!(
                "{} holds data and sets {set} but not {missing}: the data is deleted when the resource is {}; set both",
                r.type_name,
                if missing == "UpdateReplacePolicy" { "replaced" } else { "removed" }
            ),
        ));
    }
}
