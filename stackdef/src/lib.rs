//! stackdef: typed AWS infrastructure as Rust.
//!
//! Build constructs into [`Stack`]s of an [`App`], then [`App::synth`] writes
//! CloudFormation templates and a manifest (the assembly) that the `stackdef` CLI deploys.
//!
//! - [`value`]: literal-or-expression values and typed identifiers;
//! - [`construct`]: the construct tree ([`Node`], [`Construct`], the derive for your own);
//! - [`CfnResource`]: the raw resource every generated type builds on;
//! - [`fns`]: intrinsic functions and pseudo parameters;
//! - [`template`]: parameters, outputs, conditions, mappings.

#![deny(missing_docs)]

// Lets `#[derive(Construct)]`, which names `::stackdef`, work on this crate's own constructs.
extern crate self as stackdef;

pub mod app;
pub mod assertions;
pub mod autoscaling;
pub mod cfn;
#[cfg(feature = "cli")]
pub mod cli;
pub mod construct;
#[cfg(feature = "deploy")]
pub mod deploy;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod elbv2;
pub mod fns;
pub mod iam;
pub mod kms;
mod l2;
pub mod logs;
pub mod rds;
pub mod resource;
pub mod secretsmanager;
pub mod template;
pub mod validation;
pub mod value;

pub use app::{App, Error, Stack, SynthReport};
pub use construct::{Construct, Node};
pub use resource::{CfnResource, Resource};
pub use template::{CfnCondition, CfnMapping, CfnOutput, CfnParameter};
pub use value::{ToTemplate, Value};

/// Derives [`Construct`] for a struct holding its [`Node`] in a field named `node` (or
/// marked `#[construct(node)]`).
pub use stackdef_macros::Construct;

pub use stackdef_synth::{
    Env, ErrorKind, Expr, RemovalPolicy, SourceLocation, SynthError, SynthErrors, SynthOutput,
};

/// The synthesis layer, for tools that read or post-process assemblies.
pub use stackdef_synth as synth;

// The README's code blocks compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
