//! The deploy engine (feature `deploy`): deploys a synthesized assembly to CloudFormation.
//!
//! - [`Deployer`]: deploy / destroy / diff / outputs / watch over an [`Assembly`], stacks in
//!   dependency order, independent ones concurrently;
//! - [`AwsSession`]: `aws-config` defaults (environment, profiles, SSO, `AWS_ENDPOINT_URL`),
//!   per-region clients, the caller's account;
//! - [`Reporter`]: where progress goes and who answers confirmations (the CLI renders it);
//! - [`diff`], [`graph`]: offline template diff (with predicted replacements) and graphs.
//!
//! Deploys go through change sets; "no changes" is a success. A change set that would
//! replace or remove a stateful resource is refused unless [`Allowances`] name it.
//!
//! ```no_run
//! # async fn run() -> Result<(), stackdef::deploy::DeployError> {
//! use std::sync::Arc;
//! use stackdef::deploy::{AwsOptions, AwsSession, DeployMethod, DeployOptions, Deployer, Interrupt, Quiet};
//! let assembly = stackdef::synth::assembly::Assembly::read("stackdef.out")?;
//! let session = AwsSession::load(&AwsOptions::default()).await;
//! let deployer = Deployer::new(session, Arc::new(Quiet { yes: true }), Interrupt::never());
//! let report = deployer.deploy(&assembly, &[], &DeployOptions::default()).await?;
//! assert!(report.succeeded());
//! # Ok(()) }
//! ```
//!
//! [`Assembly`]: stackdef_synth::assembly::Assembly

pub mod aws;
pub mod capabilities;
pub mod diff;
mod engine;
mod error;
pub mod events;
pub mod facts;
pub mod graph;
mod interrupt;
pub mod plan;
pub mod protection;
mod report;
mod stack_ops;
pub mod staging;

pub use aws::{AwsOptions, AwsSession, Clients};
pub use engine::{
    DeployMethod, DeployOptions, Deployer, DestroyOptions, ParameterValue, RunReport, StackDiff,
    StackReport, StackResult,
};
pub use error::DeployError;
pub use events::FollowEnd;
pub use interrupt::{Interrupt, InterruptHandle, interrupt_pair};
pub use plan::{Action, Plan, PlannedChange};
pub use protection::{Allowances, Loss, ProtectedChange};
pub use report::{Confirm, Progress, Quiet, Reporter, ResourceEvent};
pub use stack_ops::{
    StackFailure, StackOutcome, StackOutput, construct_paths, predicted_replacements,
    stateful_deleted,
};
