//! The checks stackdef runs on a synthesized model: every resource's properties against
//! its registry schema ([`schema`]), for typed, raw and overridden properties alike.
//!
//! Findings carry the rule that found them, the resource and the property path; the
//! construct tree turns them into errors with the construct path and the user's source
//! line.

#![deny(missing_docs)]

pub mod schema;

use stackdef_synth::AppModel;

pub use schema::Violation;

/// A problem with one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The resource (index into [`AppModel::resources`]).
    pub resource: usize,
    /// What is wrong, where.
    pub violation: Violation,
}

/// Checks every resource of `model` whose type the registry knows.
pub fn check_model(model: &AppModel) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, r) in model.resources.iter().enumerate() {
        let Some(schema) = stackdef_registry::schema(&r.type_name) else {
            continue;
        };
        for violation in schema::check_properties(schema, &r.properties) {
            out.push(Finding {
                resource: i,
                violation,
            });
        }
    }
    out
}
