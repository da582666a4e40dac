//! Deploying a synthesized assembly to CloudFormation, in two layers:
//!
//! - [`analysis`] (always compiled, no AWS SDK): the template diff with replacements
//!   predicted from the registry's create-only properties, the stateful facts and the
//!   protection verdicts, the offline plan, and graphs of an assembly;
//! - the engine (feature `aws`: the AWS SDK and tokio), whose items are at the crate root:
//!   `Deployer` (deploy / destroy / diff / outputs / watch over an assembly, stacks in
//!   dependency order, independent ones concurrently), `AwsSession` (`aws-config`
//!   defaults: environment, profiles, SSO, `AWS_ENDPOINT_URL`; per-region clients; the
//!   caller's account) and `Reporter` (where progress goes and who answers
//!   confirmations; the `stackdef` CLI renders it).
//!
//! Deploys go through change sets; "no changes" is a success. A change set that would
//! replace or remove a stateful resource is refused unless
//! [`Allowances`](analysis::protection::Allowances) name it.
//!
//! ```no_run
//! # #[cfg(feature = "aws")]
//! # async fn run() -> Result<(), stackdef_deploy::DeployError> {
//! use std::sync::Arc;
//! use stackdef_deploy::{AwsOptions, AwsSession, DeployOptions, Deployer, Interrupt, Quiet};
//! let assembly = stackdef_synth::assembly::Assembly::read("stackdef.out")?;
//! let session = AwsSession::load(&AwsOptions::default()).await?;
//! let deployer = Deployer::new(session, Arc::new(Quiet { yes: true }), Interrupt::never());
//! let report = deployer.deploy(&assembly, &[], &DeployOptions::default()).await?;
//! assert!(report.succeeded());
//! # Ok(()) }
//! ```
//!
//! The analyses alone:
//!
//! ```
//! use serde_json::json;
//! use stackdef_deploy::analysis::diff::diff_templates;
//! let deployed = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket",
//!     "Properties": {"BucketName": "old"}}}});
//! let synthesized = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket",
//!     "Properties": {"BucketName": "new"}}}});
//! let diff = diff_templates(Some(&deployed), &synthesized);
//! assert!(diff.resources[0].replacement && diff.resources[0].stateful);
//! ```

#![deny(missing_docs)]
// docs.rs shows the cargo feature each item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod analysis;
#[cfg(feature = "aws")]
mod engine;

#[cfg(feature = "aws")]
pub use engine::*;
