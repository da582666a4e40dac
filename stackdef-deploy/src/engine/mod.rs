//! The deploy engine (feature `aws`): everything that talks to AWS.
//!
//! From the bottom up: `status` and `report` (statuses, the `Reporter` trait),
//! `outcome`, `options` and `error` (the types every other file uses), `retry` and
//! `session` (clients, throttling, error classification), `describe` and `events`
//! (reading and following a stack), `staging` and `capabilities`, then one stack's
//! operations (`context`, `preflight`, `deploy` with its `change_set` and `direct`
//! paths, `destroy`, `watch`), the `scheduler` over many stacks, and the
//! `Deployer` that users call. `probe` looks without changing anything (credentials,
//! staging bucket), for checks before a deploy.

mod capabilities;
mod change_set;
mod context;
mod deploy;
mod deployer;
mod describe;
mod destroy;
mod direct;
mod error;
mod events;
mod interrupt;
mod options;
mod outcome;
mod preflight;
mod probe;
mod report;
mod retry;
mod run_report;
mod scheduler;
mod session;
mod staging;
mod status;
mod watch;

pub use deployer::{Deployer, StackDiff};
pub use error::DeployError;
pub use events::FollowEnd;
pub use interrupt::{Interrupt, InterruptHandle, interrupt_pair};
pub use options::{DeployMethod, DeployOptions, DestroyOptions, HEARTBEAT, ParameterValue};
pub use outcome::{StackFailure, StackOutcome, StackOutput};
pub use probe::CredentialsFacts;
pub use report::{Confirm, Progress, Quiet, Reporter, ResourceEvent};
pub use run_report::{RunReport, StackReport, StackResult};
pub use session::{AwsOptions, AwsSession, Clients};
