//! The checks stackdef runs on every synthesized model (and `stackdef validate` runs on any
//! template): each resource's properties against its registry schema ([`schema`]), and the
//! rules of what CloudFormation and the services accept across resources ([`catalog`]
//! lists them all).
//!
//! Findings carry the rule, the item and the property path; the construct tree turns them
//! into errors (or report entries) with the construct path and the user's source line.
//! Every rule reads only literals: a value computed at deploy time is never judged.

#![deny(missing_docs)]

pub mod catalog;
pub mod known;
pub mod schema;

pub mod rules;
pub mod validate;
mod view;

use stackdef_synth::AppModel;

pub use catalog::{Rule, Severity};
pub use schema::Violation;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A resource (index into [`AppModel::resources`]).
    Resource(usize),
    /// An output (index into [`AppModel::outputs`]).
    Output(usize),
    /// A parameter (index into [`AppModel::parameters`]).
    Parameter(usize),
}

/// A problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// What it is about.
    pub subject: Subject,
    /// The property path (`Tags[0].Key`), or `Properties` for the object as a whole.
    pub property: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl Finding {
    /// A finding of `rule` about `subject`.
    pub fn new(
        rule: &'static Rule,
        subject: Subject,
        property: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            subject,
            property: property.into(),
            message: message.into(),
        }
    }
}

/// Runs every check on `model`. Findings come resource by resource, in the model's order.
pub fn check_model(model: &AppModel) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, r) in model.resources.iter().enumerate() {
        match stackdef_registry::schema(&r.type_name) {
            Some(schema) => {
                for v in schema::check_properties(schema, &r.properties) {
                    let rule = catalog::rule(v.rule).unwrap_or(catalog::WRONG_KIND);
                    out.push(Finding::new(rule, Subject::Resource(i), v.path, v.message));
                }
            }
            None => {
                if let Some(f) = rules::unknown_type(i, &r.type_name) {
                    out.push(f);
                }
            }
        }
    }
    rules::check(&view::ModelView::new(model), &mut out);
    out
}

/// Whether `finding` is acknowledged in `model`, and the reason given.
pub fn acknowledged<'m>(model: &'m AppModel, finding: &Finding) -> Option<&'m str> {
    let (stack, path): (u32, &[String]) = match finding.subject {
        Subject::Resource(i) => {
            let r = model.resources.get(i)?;
            (r.stack, &r.path)
        }
        Subject::Output(i) => (model.outputs.get(i)?.stack, &[]),
        Subject::Parameter(i) => (model.parameters.get(i)?.stack, &[]),
    };
    model
        .acknowledgements
        .iter()
        .find(|a| a.covers(finding.rule.id, stack, path))
        .map(|a| a.reason.as_str())
}
