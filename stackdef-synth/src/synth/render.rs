//! Rendering: each stack's sections, and expressions as template JSON.

use indexmap::IndexSet;
use serde_json::{Map, Value as Json, json};

use super::{Site, Synth};
use crate::error::ErrorKind;
use crate::expr::{ConditionKey, Expr, MappingKey, ParameterKey, SubPart};
use crate::manifest::PATH_METADATA_KEY;
use crate::model::StackIndex;

impl<'a> Synth<'a> {
    pub(super) fn render_stack(&mut self, stack: StackIndex) -> Map<String, Json> {
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
                o.insert("MinValue".into(), number(v));
            }
            if let Some(v) = p.max_value {
                o.insert("MaxValue".into(), number(v));
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
                    if matches!(v, Expr::Null) {
                        // CloudFormation rejects a null property; nested nulls are judged by
                        // the schema checks, as free-form JSON (a state machine's
                        // `ResultPath: null`) may hold them.
                        let at = k.clone();
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
                    // Rendering notes a NaN or infinity; only then is its path looked for,
                    // so the usual property costs no second walk.
                    self.saw_non_finite = false;
                    let rendered = self.render(v, site);
                    if self.saw_non_finite
                        && let Some((at, n)) = non_finite(v, k)
                    {
                        self.err(
                            ErrorKind::InvalidProperty {
                                type_name: r.type_name.clone(),
                                property: at.clone(),
                                message: format!(
                                    "{n} is not a number a template can hold (JSON has no NaN or infinity); check the computation that produced it"
                                ),
                            },
                            Some(path.clone()),
                            r.property_location(&at).or(r.location),
                        );
                    }
                    props.insert(k.clone(), rendered);
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
            for (k, v) in &r.policies {
                o.insert(k.clone(), self.render(v, site));
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
    pub(super) fn depends_on(&mut self, index: usize, site: Site<'_>) -> Vec<String> {
        let model = self.model;
        let r = &model.resources[index];
        if r.depends_on.is_empty() {
            return Vec::new();
        }
        // Same-stack entries, in order, each paired with whether something else orders it.
        // A stack over the resource quota fails synth anyway: its walks are not worth the
        // time they would take (they grow with the square of the stack's size).
        let oversized = self.per_stack[r.stack as usize].resources.len() > crate::limits::RESOURCES;
        let mut implied = if oversized {
            vec![false; r.depends_on.len()].into_iter()
        } else {
            self.ordering.implied(index as u32).into_iter()
        };
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
    pub(super) fn check_local_id(&mut self, id: &str, is_ref: bool, site: Site<'_>) {
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

    pub(super) fn dangling(&mut self, detail: String, site: Site<'_>) {
        self.err(
            ErrorKind::DanglingReference { detail },
            Some(site.path.to_owned()),
            site.location,
        );
    }

    pub(super) fn condition_name(&mut self, key: ConditionKey, site: Site<'_>) -> Option<String> {
        let model = self.model;
        let item = (key.app == model.app)
            .then(|| model.conditions.get(key.index as usize))
            .flatten()
            .map(|c| (c.stack, c.id.as_str()));
        self.item_name(
            item,
            "condition",
            "conditions cannot be shared between stacks",
            site,
        )
    }

    pub(super) fn parameter_name(&mut self, key: ParameterKey, site: Site<'_>) -> Option<String> {
        let model = self.model;
        let item = (key.app == model.app)
            .then(|| model.parameters.get(key.index as usize))
            .flatten()
            .map(|p| (p.stack, p.id.as_str()));
        self.item_name(
            item,
            "parameter",
            "pass the value to this stack with its own parameter",
            site,
        )
    }

    pub(super) fn mapping_name(&mut self, key: MappingKey, site: Site<'_>) -> Option<String> {
        let model = self.model;
        let item = (key.app == model.app)
            .then(|| model.mappings.get(key.index as usize))
            .flatten()
            .map(|m| (m.stack, m.id.as_str()));
        self.item_name(item, "mapping", "give this stack its own mapping", site)
    }

    /// The id of a template item (`(stack, id)`, `None` when it belongs to another app)
    /// referenced from `site`; an item of another stack or app is a dangling reference.
    fn item_name(
        &mut self,
        item: Option<(StackIndex, &str)>,
        what: &str,
        advice: &str,
        site: Site<'_>,
    ) -> Option<String> {
        match item {
            Some((stack, id)) if stack == site.stack => Some(id.to_owned()),
            Some((stack, id)) => {
                let detail = format!(
                    "{what} `{id}` belongs to stack `{}`; {advice}",
                    self.model.stacks[stack as usize].name
                );
                self.dangling(detail, site);
                None
            }
            None => {
                self.dangling(format!("a {what} of another app"), site);
                None
            }
        }
    }

    pub(super) fn render(&mut self, e: &Expr, site: Site<'_>) -> Json {
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
            // Reported with its property where resources are rendered.
            Expr::NonFinite(_) => {
                self.saw_non_finite = true;
                Json::Null
            }
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
            Expr::Raw(v) => v.clone(),
        }
    }

    /// `Fn::Sub` from parts: local references inline as `${Id}`, the rest as variables.
    pub(super) fn render_sub(&mut self, parts: &[SubPart], site: Site<'_>) -> Json {
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
}

/// A parameter bound as written: `1`, not `1.0`, for whole numbers.
fn number(v: f64) -> Json {
    // Whole numbers within f64's exact integer range print without a fraction.
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// The first NaN or infinity inside `e`, with its property path.
fn non_finite(e: &Expr, at: &str) -> Option<(String, f64)> {
    match e {
        Expr::NonFinite(n) => Some((at.to_owned(), *n)),
        Expr::List(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| non_finite(item, &format!("{at}[{i}]"))),
        Expr::Map(map) => map
            .iter()
            .find_map(|(k, v)| non_finite(v, &format!("{at}.{k}"))),
        Expr::If(_, a, b) => non_finite(a, at).or_else(|| non_finite(b, at)),
        _ => None,
    }
}
