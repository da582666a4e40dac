//! stackdef: typed AWS infrastructure as Rust.
//!
//! Build constructs into [`Stack`]s of an [`App`], then [`App::synth`] writes
//! CloudFormation templates and a manifest (the assembly) that the `stackdef` CLI
//! (`stackdef-cli`) or `stackdef::deploy` (feature `deploy`) deploys.
//!
//! The crate is layered, and its folders say so:
//!
//! - the core (`src/core/`): [`value`] (literal-or-expression values, typed ids, JSON
//!   documents), [`construct`] (the tree: [`Node`], [`Construct`], the derive for your
//!   own), [`CfnResource`] (the raw resource every generated type builds on), [`fns`]
//!   (intrinsic functions and pseudo parameters) and [`template`] (parameters, outputs,
//!   conditions, mappings);
//! - generated L1 (`src/cfn/`): [`cfn`], one typed module per CloudFormation service;
//! - L2 constructs (`src/l2/`): [`ec2`], [`ecs`], [`elbv2`], [`rds`], [`iam`], ... with
//!   safe defaults and wiring verbs;
//! - [`assertions`]: CDK-style checks on synthesized templates for your tests.
//!
//! Below it: [`synth`] (the template model and synthesis), [`registry`] (the schemas) and
//! [`check`] (the checks every `app.synth()` runs).

#![deny(missing_docs)]
// docs.rs shows the cargo feature each item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Lets `#[derive(Construct)]`, which names `::stackdef`, work on this crate's own constructs.
extern crate self as stackdef;

mod core;
mod l2;

pub mod assertions;
pub mod cfn;

pub use core::{app, construct, fns, include, resource, template, value};
// Each L2 module exists only with its services' features; with none, nothing is re-exported.
#[allow(unused_imports)]
pub use l2::*;

pub use app::{App, Error, Stack, SynthReport};
pub use construct::{Construct, Node};
#[doc(hidden)]
pub use core::l1_support::Properties;
pub use resource::{CfnResource, Resource};
pub use template::{CfnCondition, CfnMapping, CfnOutput, CfnParameter};
pub use value::{ToTemplate, Value};

/// Derives [`Construct`] for a struct holding its [`Node`] in a field named `node` (or
/// marked `#[construct(node)]`).
pub use stackdef_macros::Construct;

pub use stackdef_synth::{
    Env, ErrorKind, Expr, RemovalPolicy, SourceLocation, SynthError, SynthErrors, SynthOutput,
};

/// The checks every synth runs, for tools that check templates themselves.
pub use stackdef_check as check;
/// The deploy engine and its offline analyses (feature `deploy`): the `stackdef-deploy`
/// crate with its `aws` feature.
#[cfg(feature = "deploy")]
pub use stackdef_deploy as deploy;
/// The registry schemas of every resource type.
pub use stackdef_registry as registry;
/// The synthesis layer, for tools that read or post-process assemblies.
pub use stackdef_synth as synth;

// The READMEs' and the CDK guide's code blocks compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;
#[cfg(doctest)]
#[doc = include_str!("../../docs/from-cdk.md")]
struct CdkGuideDoctests;
