//! S3 staging for templates over 51,200 bytes: an explicitly created bucket, one object per
//! template content, passed to CloudFormation by URL.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration,
};
use stackdef_synth::assembly::{INLINE_TEMPLATE_LIMIT, sha256_hex};

use super::error::DeployError;
use super::retry::{classify, retry_throttled};
use super::session::Clients;

/// How a template reaches CloudFormation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TemplateSource {
    /// Inline in the API call.
    Body(String),
    /// Uploaded; the object's URL.
    Url(String),
}

/// Inline when small enough, else uploaded to `bucket` (which must exist).
pub(crate) async fn template_source(
    clients: &Clients,
    stack: &str,
    text: String,
    bucket: Option<&str>,
) -> Result<TemplateSource, DeployError> {
    if text.len() <= INLINE_TEMPLATE_LIMIT {
        return Ok(TemplateSource::Body(text));
    }
    let Some(bucket) = bucket else {
        return Err(DeployError::NeedsStaging {
            stack: stack.to_owned(),
            size: text.len(),
        });
    };
    if clients
        .s3
        .head_bucket()
        .bucket(bucket)
        .send()
        .await
        .is_err()
    {
        return Err(DeployError::StagingBucketMissing {
            bucket: bucket.to_owned(),
        });
    }
    let key = format!("stackdef/{stack}/{}.json", sha256_hex(text.as_bytes()));
    retry_throttled("s3:PutObject", || {
        clients
            .s3
            .put_object()
            .bucket(bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(text.clone().into_bytes()))
            .send()
    })
    .await?;
    Ok(TemplateSource::Url(format!(
        "https://s3.{}.amazonaws.com/{bucket}/{key}",
        clients.region
    )))
}

/// Creates the staging bucket (private) in the clients' region. Returns `false` when it
/// already existed.
pub(crate) async fn create_staging_bucket(
    clients: &Clients,
    bucket: &str,
) -> Result<bool, DeployError> {
    if clients.s3.head_bucket().bucket(bucket).send().await.is_ok() {
        return Ok(false);
    }
    let mut create = clients.s3.create_bucket().bucket(bucket);
    if clients.region != "us-east-1" {
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(clients.region.as_str()))
                .build(),
        );
    }
    create
        .send()
        .await
        .map_err(|e| classify("s3:CreateBucket", e))?;
    clients
        .s3
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .map_err(|e| classify("s3:PutPublicAccessBlock", e))?;
    Ok(true)
}
