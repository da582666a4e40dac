//! The rules across resources and template sections, one family per file. Each reads only
//! literals (or references whose targets it can see) and stays silent when in doubt: a
//! template CloudFormation accepts must get no error.

mod compute;
mod containers;

pub use containers::{fargate_memory, fargate_size_problem};
pub use load_balancing::matcher_problem;
mod data;
mod iam;
mod load_balancing;
mod network;
mod references;
mod secrets;
mod storage;
mod template;

use crate::catalog;
use crate::schema::closest;
use crate::view::ModelView;
use crate::{Finding, Subject};

/// Every family, in a stable order.
pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    references::check(v, out);
    network::check(v, out);
    compute::check(v, out);
    containers::check(v, out);
    storage::check(v, out);
    secrets::check(v, out);
    iam::check(v, out);
    load_balancing::check(v, out);
    data::check(v, out);
    template::check(v, out);
}

/// Whether two resources can exist in the same deployment, as far as synth can tell. Two
/// resources under different conditions may be alternatives (`IsProd` / `IsDev`), never
/// created together, so a clash between them is not reported: CloudFormation accepts such
/// a template, and the conditions are only evaluated at deploy.
pub(crate) fn may_coexist(
    a: &stackdef_synth::ResourceModel,
    b: &stackdef_synth::ResourceModel,
) -> bool {
    match (a.condition, b.condition) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// An `AWS::` type the registry does not know (`SD1012`); other namespaces (custom
/// resources, third-party types) are not the registry's.
pub(crate) fn unknown_type(index: usize, type_name: &str) -> Option<Finding> {
    if !type_name.starts_with("AWS::") {
        return None;
    }
    let hint = closest(type_name, stackdef_registry::type_names())
        .map(|c| format!("; did you mean {c}?"))
        .unwrap_or_default();
    Some(Finding::new(
        catalog::UNKNOWN_TYPE,
        Subject::Resource(index),
        "Type",
        format!("{type_name} is not a CloudFormation resource type{hint}"),
    ))
}
