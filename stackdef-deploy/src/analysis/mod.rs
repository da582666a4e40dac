//! Offline analyses of a synthesized assembly: everything that needs no AWS SDK and no
//! network, only the templates, the manifest and the registry's type facts.
//!
//! - [`diff`]: a deployed template against a synthesized one, per resource and property;
//! - [`replacement`]: which changes replace a resource (the registry's create-only
//!   properties);
//! - [`stateful`]: which resource types hold data, and what a deletion would destroy;
//! - [`protection`]: the verdict on a plan that would replace or remove such a resource;
//! - [`managed`]: properties another service owns (CodeDeploy), kept as deployed;
//! - [`security`]: what a deploy does to IAM, network rules, resource policies and public
//!   access, and which of those changes broaden access;
//! - [`secrets`]: `NoEcho` parameters and masking their values;
//! - [`plan`]: the planned changes of a deploy, and the plan made from the offline diff;
//! - [`graph`]: resources, references and stack dependencies as dot or Mermaid;
//! - [`paths`]: logical id to construct path.
//!
//! The deploy engine (feature `aws`) builds on these; `stackdef graph` and the diff logic
//! use them without compiling the SDK.

pub mod diff;
pub mod graph;
pub mod managed;
pub mod paths;
pub mod plan;
pub mod protection;
pub mod replacement;
pub mod secrets;
pub mod security;
pub mod stateful;
