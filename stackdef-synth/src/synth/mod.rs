//! From an [`AppModel`] to templates and a manifest, collecting every error on the way.
//!
//! Passes, each linear in the size of the app: names and logical ids, with collision
//! checks, and the reference graph's cycles (`ids`); rendering (`render`); cross-stack
//! references as exports and the finished stacks with their quotas (`exports`).

mod exports;
mod ids;
mod render;

use std::collections::HashMap;

use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value as Json};

use crate::error::{ErrorKind, SynthError, SynthErrors, SynthWarning};
use crate::graph::order_stacks;
use crate::manifest::{MANIFEST_VERSION, Manifest, StackArtifact};
use crate::model::{AppModel, SourceLocation, StackIndex};
use crate::ordering::Ordering;

/// One synthesized stack.
#[derive(Debug, Clone)]
pub struct SynthesizedStack {
    /// Its manifest entry.
    pub artifact: StackArtifact,
    /// The template.
    pub template: Json,
    /// The template as written to disk (pretty JSON, trailing newline).
    pub template_json: String,
}

/// The result of synthesizing an app.
#[derive(Debug, Clone)]
pub struct SynthOutput {
    /// Stacks in dependency order.
    pub stacks: Vec<SynthesizedStack>,
    /// Findings that did not fail synth (warnings, acknowledged findings).
    pub warnings: Vec<SynthWarning>,
}

impl SynthOutput {
    /// The manifest describing these stacks.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION.to_owned(),
            stacks: self.stacks.iter().map(|s| s.artifact.clone()).collect(),
            warnings: self.warnings.clone(),
        }
    }

    /// The stack named `name`.
    pub fn stack(&self, name: &str) -> Option<&SynthesizedStack> {
        self.stacks.iter().find(|s| s.artifact.name == name)
    }
}

/// Whether `name` is a valid CloudFormation stack name.
pub fn is_valid_stack_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes[0].is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// (resource index, attribute) -> (output id, export name) of one producer stack.
type StackExports = IndexMap<(u32, Option<String>), (String, String)>;

#[derive(Default)]
struct Exports {
    /// The exports of each producer stack.
    by_stack: Vec<StackExports>,
}

struct Synth<'a> {
    model: &'a AppModel,
    ids: Vec<String>,
    errors: Vec<SynthError>,
    exports: Exports,
    stack_deps: Vec<IndexSet<StackIndex>>,
    /// Indices of each stack's items, built once so rendering a stack never scans the
    /// whole app (that would make synth quadratic in the number of stacks).
    per_stack: Vec<PerStack>,
    /// Per stack: logical id -> construct path, for resources and parameters (the `Ref`
    /// namespace); hand-written logical id references are checked against it.
    local_ids: Vec<HashMap<String, String>>,
    ordering: Ordering<'a>,
    /// Set by rendering a NaN or infinity (which has no JSON form).
    saw_non_finite: bool,
}

#[derive(Default, Clone)]
struct PerStack {
    resources: Vec<usize>,
    parameters: Vec<usize>,
    outputs: Vec<usize>,
    conditions: Vec<usize>,
    mappings: Vec<usize>,
}

fn index_by_stack(model: &AppModel) -> Vec<PerStack> {
    let mut per = vec![PerStack::default(); model.stacks.len()];
    let mut put = |stack: StackIndex, pick: fn(&mut PerStack) -> &mut Vec<usize>, i: usize| {
        if let Some(p) = per.get_mut(stack as usize) {
            pick(p).push(i);
        }
    };
    for (i, r) in model.resources.iter().enumerate() {
        put(r.stack, |p| &mut p.resources, i);
    }
    for (i, x) in model.parameters.iter().enumerate() {
        put(x.stack, |p| &mut p.parameters, i);
    }
    for (i, x) in model.outputs.iter().enumerate() {
        put(x.stack, |p| &mut p.outputs, i);
    }
    for (i, x) in model.conditions.iter().enumerate() {
        put(x.stack, |p| &mut p.conditions, i);
    }
    for (i, x) in model.mappings.iter().enumerate() {
        put(x.stack, |p| &mut p.mappings, i);
    }
    per
}

/// Where an expression sits, for error messages and cross-stack resolution.
#[derive(Clone, Copy)]
struct Site<'p> {
    stack: StackIndex,
    path: &'p str,
    location: Option<SourceLocation>,
}

/// Synthesizes every stack of `model`; all errors are returned together.
pub fn synthesize(model: &AppModel) -> Result<SynthOutput, SynthErrors> {
    synthesize_with(model, Vec::new())
}

/// Like [`synthesize`], with `extra` errors found outside the model (for example by
/// constructs' own checks run just before synth) reported first among the rest.
pub fn synthesize_with(
    model: &AppModel,
    extra: Vec<SynthError>,
) -> Result<SynthOutput, SynthErrors> {
    let mut errors = model.errors.clone();
    errors.extend(extra);
    let mut s = Synth {
        model,
        ids: Vec::with_capacity(model.resources.len()),
        errors,
        exports: Exports {
            by_stack: vec![IndexMap::new(); model.stacks.len()],
        },
        stack_deps: vec![IndexSet::new(); model.stacks.len()],
        per_stack: index_by_stack(model),
        local_ids: Vec::new(),
        ordering: Ordering::new(model),
        saw_non_finite: false,
    };
    s.check_stacks();
    s.assign_logical_ids();
    s.check_cycles();
    let mut templates: Vec<Map<String, Json>> = (0..model.stacks.len() as u32)
        .map(|i| s.render_stack(i))
        .collect();
    s.add_exports(&mut templates);
    let order = match order_stacks(
        &s.stack_deps
            .iter()
            .map(|d| d.iter().copied().collect())
            .collect::<Vec<_>>(),
    ) {
        Ok(order) => order,
        Err(cycle) => {
            let stacks = cycle
                .iter()
                .map(|&i| model.stacks[i as usize].name.clone())
                .collect();
            s.errors.push(SynthError::new(
                ErrorKind::StackCycle { stacks },
                None,
                None,
            ));
            (0..model.stacks.len() as u32).collect()
        }
    };
    let mut out = Vec::with_capacity(model.stacks.len());
    let mut templates: Vec<Option<Map<String, Json>>> = templates.into_iter().map(Some).collect();
    for i in order {
        let Some(template) = templates[i as usize].take() else {
            continue;
        };
        out.push(s.finish_stack(i, template));
    }
    if s.errors.is_empty() {
        Ok(SynthOutput {
            stacks: out,
            warnings: Vec::new(),
        })
    } else {
        Err(SynthErrors(s.errors))
    }
}

impl<'a> Synth<'a> {
    fn err(&mut self, kind: ErrorKind, path: Option<String>, location: Option<SourceLocation>) {
        self.errors.push(SynthError::new(kind, path, location));
    }
}
