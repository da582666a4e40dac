//! Shared by the rule tests and the valid-template corpus: a template read into a model of
//! one stack (as `stackdef validate` reads one), checked, and its findings named by rule,
//! item and property path.

#![allow(dead_code)]

use stackdef_check::{Finding, Severity, Subject};
use stackdef_synth::{AppModel, Env, StackModel};

/// The region every test stack deploys to.
pub const REGION: &str = "us-east-1";

/// `template` read into a model of one stack `T` in [`REGION`].
///
/// # Panics
/// When the importer refuses the template.
pub fn model_of(template: &serde_json::Value) -> AppModel {
    let mut model = AppModel::new(1);
    model.stacks.push(StackModel {
        name: "T".into(),
        env: Env::region(REGION),
        description: None,
        tags: Default::default(),
        explicit_dependencies: vec![],
        location: None,
    });
    if let Err(errors) = stackdef_synth::import::import_template(&mut model, 0, &[], template) {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("the importer refused the template:\n{}", lines.join("\n"));
    }
    model
}

/// One finding, with its item named by logical id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Rule id (`SD3003`).
    pub rule: &'static str,
    /// The rule's severity.
    pub severity: Severity,
    /// The logical id of the resource, output or parameter.
    pub item: String,
    /// The property path.
    pub path: String,
    /// The message.
    pub message: String,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}) {} at {}: {}",
            self.rule,
            self.severity.as_str(),
            self.item,
            self.path,
            self.message
        )
    }
}

fn item_id(model: &AppModel, f: &Finding) -> String {
    match f.subject {
        Subject::Resource(i) => model.resources[i].path.last().cloned().unwrap_or_default(),
        Subject::Output(i) => model.outputs[i].id.clone(),
        Subject::Parameter(i) => model.parameters[i].id.clone(),
    }
}

/// Every finding of every rule on `template`.
pub fn check(template: &serde_json::Value) -> Vec<Found> {
    let model = model_of(template);
    stackdef_check::check_model(&model)
        .iter()
        .map(|f| Found {
            rule: f.rule.id,
            severity: f.rule.severity,
            item: item_id(&model, f),
            path: f.property.clone(),
            message: f.message.clone(),
        })
        .collect()
}

/// The findings as lines, for assertion messages.
pub fn listing(found: &[Found]) -> String {
    if found.is_empty() {
        return "(none)".into();
    }
    found
        .iter()
        .map(|f| format!("  {f}"))
        .collect::<Vec<_>>()
        .join("\n")
}
