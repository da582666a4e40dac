//! From an [`AppModel`] to templates and a manifest, collecting every error on the way.
//!
//! Passes, each linear in the size of the app: logical ids (with collision checks), the
//! reference graph (cycles), rendering (cross-stack references become exports), limits.

use std::collections::HashMap;

use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value as Json, json};

use crate::assembly::{
    INLINE_TEMPLATE_LIMIT, MANIFEST_VERSION, MAX_TEMPLATE_SIZE, Manifest, PATH_METADATA_KEY,
    ResourceEntry, StackArtifact, sha256_hex,
};
use crate::error::{ErrorKind, SynthError, SynthErrors};
use crate::expr::{ConditionKey, Expr, MappingKey, ParameterKey, ResourceKey, SubPart};
use crate::graph::{ReferenceGraph, order_stacks};
use crate::logical_id;
use crate::model::{AppModel, SourceLocation, StackIndex};
use crate::ordering::Ordering;

/// CloudFormation quotas checked at synth.
pub mod limits {
    /// Resources per template.
    pub const RESOURCES: usize = 500;
    /// Parameters per template.
    pub const PARAMETERS: usize = 200;
    /// Outputs per template.
    pub const OUTPUTS: usize = 200;
    /// Mappings per template.
    pub const MAPPINGS: usize = 200;
}

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
}

impl SynthOutput {
    /// The manifest describing these stacks.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            version: MANIFEST_VERSION.to_owned(),
            stacks: self.stacks.iter().map(|s| s.artifact.clone()).collect(),
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
        Ok(SynthOutput { stacks: out })
    } else {
        Err(SynthErrors(s.errors))
    }
}

impl<'a> Synth<'a> {
    fn err(&mut self, kind: ErrorKind, path: Option<String>, location: Option<SourceLocation>) {
        self.errors.push(SynthError::new(kind, path, location));
    }

    fn check_stacks(&mut self) {
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for stack in &self.model.stacks {
            if !is_valid_stack_name(&stack.name) {
                self.errors.push(SynthError::new(
                    ErrorKind::InvalidStackName {
                        name: stack.name.clone(),
                    },
                    Some(stack.name.clone()),
                    stack.location,
                ));
            }
            if seen.insert(&stack.name, ()).is_some() {
                self.errors.push(SynthError::new(
                    ErrorKind::DuplicateId {
                        id: stack.name.clone(),
                    },
                    Some(stack.name.clone()),
                    stack.location,
                ));
            }
        }
        for (i, stack) in self.model.stacks.iter().enumerate() {
            for &dep in &stack.explicit_dependencies {
                self.stack_deps[i].insert(dep);
            }
        }
    }

    fn assign_logical_ids(&mut self) {
        let model = self.model;
        // Per stack: logical id -> construct path of its first user (resources and
        // parameters share the `Ref` namespace).
        let mut taken: Vec<HashMap<String, String>> = vec![HashMap::new(); model.stacks.len()];
        for p in &model.parameters {
            let path = format!("{}/{}", model.stacks[p.stack as usize].name, p.id);
            self.check_id(&p.id, &path, p.location);
            taken[p.stack as usize].insert(p.id.clone(), path);
        }
        for r in &model.resources {
            let id = r
                .logical_id_override
                .clone()
                .unwrap_or_else(|| logical_id::derive(&r.path));
            let path = model.resource_path(r);
            self.check_id(&id, &path, r.location);
            let seen = &mut taken[r.stack as usize];
            if let Some(first) = seen.get(&id) {
                let kind = ErrorKind::LogicalIdCollision {
                    id: id.clone(),
                    first: first.clone(),
                    second: path.clone(),
                };
                self.errors
                    .push(SynthError::new(kind, Some(path), r.location));
            } else {
                seen.insert(id.clone(), path);
            }
            self.ids.push(id);
        }
        self.local_ids = taken;
        let names = model
            .outputs
            .iter()
            .map(|o| (o.stack, &o.id, o.location))
            .chain(
                model
                    .conditions
                    .iter()
                    .map(|c| (c.stack, &c.id, c.location)),
            )
            .chain(model.mappings.iter().map(|m| (m.stack, &m.id, m.location)));
        let named: Vec<_> = names.collect();
        for (stack, id, location) in named {
            let path = format!("{}/{}", model.stacks[stack as usize].name, id);
            self.check_id(id, &path, location);
        }
        self.check_unique(
            model
                .outputs
                .iter()
                .map(|o| (o.stack, o.id.as_str(), o.location)),
        );
        self.check_unique(
            model
                .conditions
                .iter()
                .map(|c| (c.stack, c.id.as_str(), c.location)),
        );
        self.check_unique(
            model
                .mappings
                .iter()
                .map(|m| (m.stack, m.id.as_str(), m.location)),
        );
    }

    fn check_unique<'i>(
        &mut self,
        items: impl Iterator<Item = (StackIndex, &'i str, Option<SourceLocation>)>,
    ) {
        let mut seen = std::collections::HashSet::new();
        for (stack, id, location) in items {
            if !seen.insert((stack, id)) {
                let path = format!("{}/{}", self.model.stacks[stack as usize].name, id);
                self.err(
                    ErrorKind::DuplicateId { id: id.to_owned() },
                    Some(path),
                    location,
                );
            }
        }
    }

    fn check_id(&mut self, id: &str, path: &str, location: Option<SourceLocation>) {
        if let Some(reason) = logical_id::invalid_reason(id) {
            self.err(
                ErrorKind::InvalidLogicalId {
                    id: id.to_owned(),
                    reason,
                },
                Some(path.to_owned()),
                location,
            );
        }
    }

    fn check_cycles(&mut self) {
        let model = self.model;
        let mut graph = ReferenceGraph::with_nodes(model.resources.len());
        for (i, r) in model.resources.iter().enumerate() {
            let mut add = |k: ResourceKey| {
                if model.resource(k).is_some() {
                    graph.add_edge(i as u32, k.index);
                }
            };
            r.properties
                .values()
                .for_each(|e| e.visit_resource_refs(&mut add));
            r.metadata
                .values()
                .for_each(|e| e.visit_resource_refs(&mut add));
            r.depends_on.iter().copied().for_each(&mut add);
        }
        for cycle in graph.cycles() {
            let paths: Vec<String> = cycle
                .iter()
                .map(|&i| model.resource_path(&model.resources[i as usize]))
                .collect();
            let first = &model.resources[cycle[0] as usize];
            let path = paths.first().cloned();
            self.err(ErrorKind::Cycle { paths }, path, first.location);
        }
    }

    fn render_stack(&mut self, stack: StackIndex) -> Map<String, Json> {
        let model = self.model;
        let per = self.per_stack[stack as usize].clone();
        let sm = &model.stacks[stack as usize];
        let mut t = Map::new();
        t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        if let Some(d) = &sm.description {
            t.insert("Description".into(), json!(d));
        }

        let mut params = Map::new();
        for p in per.parameters.iter().map(|&i| &model.parameters[i]) {
            let mut o = Map::new();
            o.insert("Type".into(), json!(p.type_name));
            if let Some(d) = &p.description {
                o.insert("Description".into(), json!(d));
            }
            if let Some(d) = &p.default {
                o.insert("Default".into(), d.clone());
            }
            if p.no_echo {
                o.insert("NoEcho".into(), json!(true));
            }
            if !p.allowed_values.is_empty() {
                o.insert(
                    "AllowedValues".into(),
                    Json::Array(p.allowed_values.clone()),
                );
            }
            if let Some(v) = &p.allowed_pattern {
                o.insert("AllowedPattern".into(), json!(v));
            }
            if let Some(v) = &p.constraint_description {
                o.insert("ConstraintDescription".into(), json!(v));
            }
            if let Some(v) = p.min_length {
                o.insert("MinLength".into(), json!(v));
            }
            if let Some(v) = p.max_length {
                o.insert("MaxLength".into(), json!(v));
            }
            if let Some(v) = p.min_value {
                o.insert("MinValue".into(), json!(v));
            }
            if let Some(v) = p.max_value {
                o.insert("MaxValue".into(), json!(v));
            }
            params.insert(p.id.clone(), Json::Object(o));
        }

        let mut mappings = Map::new();
        for m in per.mappings.iter().map(|&i| &model.mappings[i]) {
            let table: Map<String, Json> = m
                .entries
                .iter()
                .map(|(k, row)| {
                    let row: Map<String, Json> =
                        row.iter().map(|(k2, v)| (k2.clone(), v.clone())).collect();
                    (k.clone(), Json::Object(row))
                })
                .collect();
            mappings.insert(m.id.clone(), Json::Object(table));
        }

        let mut conditions = Map::new();
        for c in per.conditions.iter().map(|&i| &model.conditions[i]) {
            let path = format!("{}/{}", sm.name, c.id);
            let site = Site {
                stack,
                path: &path,
                location: c.location,
            };
            let v = self.render(&c.expr, site);
            conditions.insert(c.id.clone(), v);
        }

        let mut resources = Map::new();
        for &i in &per.resources {
            let r = &model.resources[i];
            let path = model.resource_path(r);
            let site = Site {
                stack,
                path: &path,
                location: r.location,
            };
            let mut o = Map::new();
            o.insert("Type".into(), json!(r.type_name));
            if !r.properties.is_empty() {
                let mut props = Map::new();
                for (k, v) in &r.properties {
                    if let Some(at) = null_path(v, k) {
                        // CloudFormation rejects null property values; say so here.
                        self.err(
                            ErrorKind::InvalidProperty {
                                type_name: r.type_name.clone(),
                                property: at,
                                message: "null is not a valid property value; leave the property unset, or use `fns::no_value()` to remove it conditionally".into(),
                            },
                            Some(path.clone()),
                            r.location,
                        );
                    }
                    props.insert(k.clone(), self.render(v, site));
                }
                o.insert("Properties".into(), Json::Object(props));
            }
            let depends = self.depends_on(i, site);
            if !depends.is_empty() {
                o.insert("DependsOn".into(), json!(depends));
            }
            if let Some(c) = r.condition
                && let Some(name) = self.condition_name(c, site)
            {
                o.insert("Condition".into(), json!(name));
            }
            if let Some(p) = r.deletion_policy {
                o.insert("DeletionPolicy".into(), json!(p.as_str()));
            }
            if let Some(p) = r.update_replace_policy {
                o.insert("UpdateReplacePolicy".into(), json!(p.as_str()));
            }
            let mut meta = Map::new();
            meta.insert(PATH_METADATA_KEY.into(), json!(path));
            for (k, v) in &r.metadata {
                meta.insert(k.clone(), self.render(v, site));
            }
            o.insert("Metadata".into(), Json::Object(meta));
            resources.insert(self.ids[i].clone(), Json::Object(o));
        }

        let mut outputs = Map::new();
        for out in per.outputs.iter().map(|&i| &model.outputs[i]) {
            let path = format!("{}/{}", sm.name, out.id);
            let site = Site {
                stack,
                path: &path,
                location: out.location,
            };
            let mut o = Map::new();
            if let Some(d) = &out.description {
                o.insert("Description".into(), json!(d));
            }
            o.insert("Value".into(), self.render(&out.value, site));
            if let Some(name) = &out.export_name {
                o.insert("Export".into(), json!({ "Name": self.render(name, site) }));
            }
            if let Some(c) = out.condition
                && let Some(name) = self.condition_name(c, site)
            {
                o.insert("Condition".into(), json!(name));
            }
            outputs.insert(out.id.clone(), Json::Object(o));
        }

        for (key, section) in [
            ("Parameters", params),
            ("Mappings", mappings),
            ("Conditions", conditions),
            ("Resources", resources),
            ("Outputs", outputs),
        ] {
            if !section.is_empty() {
                t.insert(key.into(), Json::Object(section));
            }
        }
        t
    }

    /// Explicit dependencies worth writing: same stack, not already implied by a reference
    /// or a chain of them (see [`crate::ordering`]).
    fn depends_on(&mut self, index: usize, site: Site<'_>) -> Vec<String> {
        let model = self.model;
        let r = &model.resources[index];
        if r.depends_on.is_empty() {
            return Vec::new();
        }
        // Same-stack entries, in order, each paired with whether something else orders it.
        let mut implied = self.ordering.implied(index as u32).into_iter();
        let mut out = IndexSet::new();
        for &k in &r.depends_on {
            let Some(target) = model.resource(k) else {
                self.dangling(
                    format!("depends_on a resource of another app ({k:?})"),
                    site,
                );
                continue;
            };
            if target.stack != r.stack {
                self.stack_deps[r.stack as usize].insert(target.stack);
            } else if implied.next() == Some(false) {
                out.insert(self.ids[k.index as usize].clone());
            }
        }
        out.into_iter().collect()
    }

    /// A hand-written logical id must name a resource or parameter of the same template
    /// (or, for `Ref`, a pseudo parameter).
    fn check_local_id(&mut self, id: &str, is_ref: bool, site: Site<'_>) {
        let known = self
            .local_ids
            .get(site.stack as usize)
            .is_some_and(|ids| ids.contains_key(id));
        if known || (is_ref && id.starts_with("AWS::")) {
            return;
        }
        let stack = &self.model.stacks[site.stack as usize].name;
        self.dangling(
            format!("logical id `{id}` is not a resource or parameter of stack `{stack}`"),
            site,
        );
    }

    fn dangling(&mut self, detail: String, site: Site<'_>) {
        self.err(
            ErrorKind::DanglingReference { detail },
            Some(site.path.to_owned()),
            site.location,
        );
    }

    fn condition_name(&mut self, key: ConditionKey, site: Site<'_>) -> Option<String> {
        let model = self.model;
        match (key.app == model.app)
            .then(|| model.conditions.get(key.index as usize))
            .flatten()
        {
            Some(c) if c.stack == site.stack => Some(c.id.clone()),
            Some(c) => {
                let detail = format!(
                    "condition `{}` belongs to stack `{}`; conditions cannot be shared between stacks",
                    c.id, model.stacks[c.stack as usize].name
                );
                self.dangling(detail, site);
                None
            }
            None => {
                self.dangling("a condition of another app".into(), site);
                None
            }
        }
    }

    fn parameter_name(&mut self, key: ParameterKey, site: Site<'_>) -> Option<String> {
        let model = self.model;
        match (key.app == model.app)
            .then(|| model.parameters.get(key.index as usize))
            .flatten()
        {
            Some(p) if p.stack == site.stack => Some(p.id.clone()),
            Some(p) => {
                let detail = format!(
                    "parameter `{}` belongs to stack `{}`; pass the value to this stack with its own parameter",
                    p.id, model.stacks[p.stack as usize].name
                );
                self.dangling(detail, site);
                None
            }
            None => {
                self.dangling("a parameter of another app".into(), site);
                None
            }
        }
    }

    fn mapping_name(&mut self, key: MappingKey, site: Site<'_>) -> Option<String> {
        let model = self.model;
        match (key.app == model.app)
            .then(|| model.mappings.get(key.index as usize))
            .flatten()
        {
            Some(m) if m.stack == site.stack => Some(m.id.clone()),
            _ => {
                self.dangling("a mapping of another stack or app".into(), site);
                None
            }
        }
    }

    /// A reference to `key` (attribute `attr`) from `site`: local, or an import.
    fn reference(&mut self, key: ResourceKey, attr: Option<&str>, site: Site<'_>) -> Json {
        let model = self.model;
        let Some(target) = model.resource(key) else {
            self.dangling(format!("a resource of another app ({key:?})"), site);
            return Json::Null;
        };
        let id = &self.ids[key.index as usize];
        if target.stack == site.stack {
            return match attr {
                None => json!({ "Ref": id }),
                Some(a) => json!({ "Fn::GetAtt": [id, a] }),
            };
        }
        let producer = &model.stacks[target.stack as usize];
        let consumer = &model.stacks[site.stack as usize];
        if producer.env != consumer.env {
            let kind = ErrorKind::CrossEnvironmentReference {
                consumer_stack: consumer.name.clone(),
                consumer_env: consumer.env.to_string(),
                producer: model.resource_path(target),
                producer_stack: producer.name.clone(),
                producer_env: producer.env.to_string(),
            };
            self.err(kind, Some(site.path.to_owned()), site.location);
            return Json::Null;
        }
        self.stack_deps[site.stack as usize].insert(target.stack);
        let exports = &mut self.exports.by_stack[target.stack as usize];
        let entry = exports
            .entry((key.index, attr.map(str::to_owned)))
            .or_insert_with(|| export_names(&producer.name, id, attr));
        json!({ "Fn::ImportValue": entry.1 })
    }

    fn render(&mut self, e: &Expr, site: Site<'_>) -> Json {
        match e {
            Expr::Null => Json::Null,
            Expr::Bool(b) => json!(b),
            Expr::Number(n) => Json::Number(n.clone()),
            Expr::String(s) => json!(s),
            Expr::List(items) => Json::Array(items.iter().map(|i| self.render(i, site)).collect()),
            Expr::Map(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), self.render(v, site)))
                    .collect(),
            ),
            Expr::Ref(k) => self.reference(*k, None, site),
            Expr::GetAtt(k, a) => self.reference(*k, Some(a), site),
            Expr::RefLogicalId(id) => {
                self.check_local_id(id, true, site);
                json!({ "Ref": id })
            }
            Expr::GetAttLogicalId(id, a) => {
                self.check_local_id(id, false, site);
                json!({ "Fn::GetAtt": [id, a] })
            }
            Expr::Param(k) => match self.parameter_name(*k, site) {
                Some(name) => json!({ "Ref": name }),
                None => Json::Null,
            },
            Expr::Pseudo(p) => json!({ "Ref": p.name() }),
            Expr::NoValue => json!({ "Ref": "AWS::NoValue" }),
            Expr::Sub(parts) => self.render_sub(parts, site),
            Expr::Join(d, list) => json!({ "Fn::Join": [d, self.render(list, site)] }),
            Expr::Select(i, list) => {
                json!({ "Fn::Select": [self.render(i, site), self.render(list, site)] })
            }
            Expr::Split(d, s) => json!({ "Fn::Split": [d, self.render(s, site)] }),
            Expr::GetAzs(r) => json!({ "Fn::GetAZs": self.render(r, site) }),
            Expr::ImportValue(n) => json!({ "Fn::ImportValue": self.render(n, site) }),
            Expr::If(c, a, b) => {
                let name = self.condition_name(*c, site);
                json!({ "Fn::If": [name, self.render(a, site), self.render(b, site)] })
            }
            Expr::Equals(a, b) => {
                json!({ "Fn::Equals": [self.render(a, site), self.render(b, site)] })
            }
            Expr::And(items) => {
                json!({ "Fn::And": items.iter().map(|i| self.render(i, site)).collect::<Vec<_>>() })
            }
            Expr::Or(items) => {
                json!({ "Fn::Or": items.iter().map(|i| self.render(i, site)).collect::<Vec<_>>() })
            }
            Expr::Not(c) => json!({ "Fn::Not": [self.render(c, site)] }),
            Expr::Condition(c) => json!({ "Condition": self.condition_name(*c, site) }),
            Expr::FindInMap(m, a, b) => {
                let name = self.mapping_name(*m, site);
                json!({ "Fn::FindInMap": [name, self.render(a, site), self.render(b, site)] })
            }
            Expr::Base64(v) => json!({ "Fn::Base64": self.render(v, site) }),
            Expr::Cidr(a, b, c) => json!({
                "Fn::Cidr": [self.render(a, site), self.render(b, site), self.render(c, site)]
            }),
        }
    }

    /// `Fn::Sub` from parts: local references inline as `${Id}`, the rest as variables.
    fn render_sub(&mut self, parts: &[SubPart], site: Site<'_>) -> Json {
        let mut text = String::new();
        let mut vars = Map::new();
        let mut plain = true;
        for part in parts {
            let inline = match part {
                SubPart::Text(t) => {
                    text.push_str(&t.replace("${", "${!"));
                    continue;
                }
                SubPart::Expr(Expr::String(t)) => {
                    text.push_str(&t.replace("${", "${!"));
                    continue;
                }
                SubPart::Expr(Expr::Pseudo(p)) => Some(p.name().to_owned()),
                SubPart::Expr(Expr::RefLogicalId(id)) => {
                    self.check_local_id(id, true, site);
                    Some(id.clone())
                }
                SubPart::Expr(Expr::GetAttLogicalId(id, a)) => {
                    self.check_local_id(id, false, site);
                    Some(format!("{id}.{a}"))
                }
                SubPart::Expr(Expr::Param(k)) => self.parameter_name(*k, site),
                SubPart::Expr(Expr::Ref(k)) | SubPart::Expr(Expr::GetAtt(k, _))
                    if self
                        .model
                        .resource(*k)
                        .is_some_and(|r| r.stack == site.stack) =>
                {
                    let id = &self.ids[k.index as usize];
                    match part {
                        SubPart::Expr(Expr::GetAtt(_, a)) => Some(format!("{id}.{a}")),
                        _ => Some(id.clone()),
                    }
                }
                SubPart::Expr(other) => {
                    // Not a logical id of this template: a variable would shadow it.
                    let mut n = vars.len();
                    let mut name = format!("Var{n}");
                    while self
                        .local_ids
                        .get(site.stack as usize)
                        .is_some_and(|ids| ids.contains_key(&name))
                        || vars.contains_key(&name)
                    {
                        n += 1;
                        name = format!("Var{n}");
                    }
                    let value = self.render(other, site);
                    vars.insert(name.clone(), value);
                    Some(name)
                }
            };
            if let Some(name) = inline {
                plain = false;
                text.push_str("${");
                text.push_str(&name);
                text.push('}');
            }
        }
        if plain {
            // Only text: no intrinsic needed (undo the escaping).
            return json!(text.replace("${!", "${"));
        }
        if vars.is_empty() {
            json!({ "Fn::Sub": text })
        } else {
            json!({ "Fn::Sub": [text, vars] })
        }
    }

    fn add_exports(&mut self, templates: &mut [Map<String, Json>]) {
        for (stack, exports) in self.exports.by_stack.iter().enumerate() {
            if exports.is_empty() {
                continue;
            }
            let t = &mut templates[stack];
            let outputs = t
                .entry("Outputs")
                .or_insert_with(|| Json::Object(Map::new()));
            let Json::Object(outputs) = outputs else {
                continue;
            };
            let mut automatic = std::collections::HashSet::new();
            for ((index, attr), (output_id, export_name)) in exports {
                let id = &self.ids[*index as usize];
                let mut output_id = output_id.clone();
                if automatic.contains(&output_id) {
                    // Two exports whose names run together (`Db` + `EndpointAddress` and
                    // `DbEndpoint` + `Address`): tell them apart by a hash of both parts.
                    let hash =
                        logical_id::path_hash(&[id.clone(), attr.clone().unwrap_or_default()]);
                    output_id = fit(
                        format!("{output_id}{hash}"),
                        &[id, attr.as_deref().unwrap_or("")],
                    );
                }
                let output_id = &output_id;
                if outputs.contains_key(output_id) {
                    // A declared output already has the id this export needs.
                    let sm = &self.model.stacks[stack];
                    self.errors.push(SynthError::new(
                        ErrorKind::LogicalIdCollision {
                            id: output_id.clone(),
                            first: format!("{}/{output_id}", sm.name),
                            second: format!(
                                "the export of {} for other stacks",
                                self.model
                                    .resource_path(&self.model.resources[*index as usize])
                            ),
                        },
                        Some(format!("{}/{output_id}", sm.name)),
                        sm.location,
                    ));
                    continue;
                }
                let value = match attr {
                    None => json!({ "Ref": id }),
                    Some(a) => json!({ "Fn::GetAtt": [id, a] }),
                };
                automatic.insert(output_id.clone());
                outputs.insert(
                    output_id.clone(),
                    json!({ "Value": value, "Export": { "Name": export_name } }),
                );
            }
        }
    }

    fn finish_stack(&mut self, stack: StackIndex, template: Map<String, Json>) -> SynthesizedStack {
        let model = self.model;
        let sm = &model.stacks[stack as usize];
        let count = |key: &str| {
            template
                .get(key)
                .and_then(Json::as_object)
                .map_or(0, Map::len)
        };
        for (what, key, limit) in [
            ("resources", "Resources", limits::RESOURCES),
            ("parameters", "Parameters", limits::PARAMETERS),
            ("outputs", "Outputs", limits::OUTPUTS),
            ("mappings", "Mappings", limits::MAPPINGS),
        ] {
            let n = count(key);
            if n > limit {
                self.err(
                    ErrorKind::LimitExceeded {
                        stack: sm.name.clone(),
                        what,
                        count: n,
                        limit,
                    },
                    Some(sm.name.clone()),
                    sm.location,
                );
            }
        }
        let template = Json::Object(template);
        let mut text = serde_json::to_string_pretty(&template).unwrap_or_default();
        text.push('\n');
        if text.len() > MAX_TEMPLATE_SIZE {
            self.err(
                ErrorKind::TemplateTooLarge {
                    stack: sm.name.clone(),
                    size: text.len(),
                    limit: MAX_TEMPLATE_SIZE,
                },
                Some(sm.name.clone()),
                sm.location,
            );
        }
        let resources = self.per_stack[stack as usize]
            .resources
            .iter()
            .map(|&i| {
                let r = &model.resources[i];
                (
                    self.ids[i].clone(),
                    ResourceEntry {
                        type_name: r.type_name.clone(),
                        path: model.resource_path(r),
                    },
                )
            })
            .collect();
        let artifact = StackArtifact {
            name: sm.name.clone(),
            environment: sm.env.clone(),
            template_file: format!("{}.template.json", sm.name),
            template_size: text.len(),
            template_sha256: sha256_hex(text.as_bytes()),
            requires_upload: text.len() > INLINE_TEMPLATE_LIMIT,
            dependencies: self.stack_deps[stack as usize]
                .iter()
                .map(|&d| model.stacks[d as usize].name.clone())
                .collect(),
            tags: sm.tags.clone(),
            resources,
        };
        SynthesizedStack {
            artifact,
            template,
            template_json: text,
        }
    }
}

/// Where a literal `null` sits inside `e` (`Prop.Key[2]`), if anywhere.
fn null_path(e: &Expr, at: &str) -> Option<String> {
    match e {
        Expr::Null => Some(at.to_owned()),
        Expr::List(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| null_path(item, &format!("{at}[{i}]"))),
        Expr::Map(map) => map
            .iter()
            .find_map(|(k, v)| null_path(v, &format!("{at}.{k}"))),
        _ => None,
    }
}

/// Output logical id and export name for a value exported from `stack`.
fn export_names(stack: &str, logical_id: &str, attr: Option<&str>) -> (String, String) {
    let (output, export) = match attr {
        None => (
            format!("ExportRef{logical_id}"),
            format!("{stack}:{logical_id}"),
        ),
        Some(a) => {
            let clean: String = a.chars().filter(char::is_ascii_alphanumeric).collect();
            (
                format!("ExportAtt{logical_id}{clean}"),
                format!("{stack}:{logical_id}-{}", a.replace('.', "-")),
            )
        }
    };
    // The attribute is part of the hash: two attributes of one long id stay distinct.
    let attr = attr.unwrap_or("");
    (
        fit(output, &[logical_id, attr]),
        fit(export, &[stack, logical_id, attr]),
    )
}

/// Shortens `s` to 255 characters, keeping it unique with a hash of what made it.
fn fit(mut s: String, parts: &[&str]) -> String {
    if s.len() <= logical_id::MAX_LOGICAL_ID_LEN {
        return s;
    }
    let owned: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    let hash = logical_id::path_hash(&owned);
    s.truncate(logical_id::MAX_LOGICAL_ID_LEN - hash.len());
    s.push_str(&hash);
    s
}
