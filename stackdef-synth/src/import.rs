//! Reading an existing CloudFormation template into the model: its parameters, mappings,
//! conditions, resources and outputs, with every intrinsic function as an [`Expr`] (the
//! ones stackdef does not model stay as [`Expr::Raw`]).
//!
//! The same reader serves `stackdef validate` (a template checked on its own, in a model of
//! one stack) and `stackdef::include` (a template adopted into an app, keeping its logical
//! ids so its resources are not replaced).

use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

use crate::expr::{ConditionKey, Expr, MappingKey, ParameterKey, Pseudo, ResourceKey, SubPart};
use crate::manifest::PATH_METADATA_KEY;
use crate::model::{
    AppModel, ConditionModel, MappingModel, OutputModel, ParameterModel, RemovalPolicy,
    ResourceModel, StackIndex,
};

/// A problem that keeps a template from being read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ImportError {
    /// Where in the template (`Resources.Queue.DependsOn`).
    pub at: String,
    /// What is wrong.
    pub message: String,
}

/// The model keys of what a template declared, by logical id.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// Resources.
    pub resources: IndexMap<String, ResourceKey>,
    /// Parameters.
    pub parameters: IndexMap<String, ParameterKey>,
    /// Conditions.
    pub conditions: IndexMap<String, ConditionKey>,
    /// Mappings.
    pub mappings: IndexMap<String, MappingKey>,
    /// Outputs (indexes into [`AppModel::outputs`]).
    pub outputs: IndexMap<String, usize>,
    /// The template's `Description`.
    pub description: Option<String>,
}

/// Names of a template's items, to tell what a `Ref` names.
struct Names {
    resources: IndexMap<String, ResourceKey>,
    parameters: IndexMap<String, ParameterKey>,
    conditions: IndexMap<String, ConditionKey>,
    mappings: IndexMap<String, MappingKey>,
}

struct Reader<'a> {
    names: &'a Names,
    errors: Vec<ImportError>,
}

fn pseudo(name: &str) -> Option<Pseudo> {
    Some(match name {
        "AWS::AccountId" => Pseudo::AccountId,
        "AWS::NotificationARNs" => Pseudo::NotificationArns,
        "AWS::Partition" => Pseudo::Partition,
        "AWS::Region" => Pseudo::Region,
        "AWS::StackId" => Pseudo::StackId,
        "AWS::StackName" => Pseudo::StackName,
        "AWS::URLSuffix" => Pseudo::UrlSuffix,
        _ => return None,
    })
}

fn removal_policy(v: &Json) -> Option<RemovalPolicy> {
    Some(match v.as_str()? {
        "Delete" => RemovalPolicy::Delete,
        "Retain" => RemovalPolicy::Retain,
        "RetainExceptOnCreate" => RemovalPolicy::RetainExceptOnCreate,
        "Snapshot" => RemovalPolicy::Snapshot,
        _ => return None,
    })
}

impl Reader<'_> {
    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.errors.push(ImportError {
            at: at.to_owned(),
            message: message.into(),
        });
    }

    fn reference(&self, name: &str) -> Expr {
        if let Some(k) = self.names.resources.get(name) {
            Expr::Ref(*k)
        } else if let Some(k) = self.names.parameters.get(name) {
            Expr::Param(*k)
        } else if name == "AWS::NoValue" {
            Expr::NoValue
        } else if let Some(p) = pseudo(name) {
            Expr::Pseudo(p)
        } else {
            // Checked at synth: a Ref to nothing in the template is reported there.
            Expr::RefLogicalId(name.to_owned())
        }
    }

    fn get_att(&self, id: &str, attribute: &str) -> Expr {
        match self.names.resources.get(id) {
            Some(k) => Expr::GetAtt(*k, attribute.to_owned()),
            None => Expr::GetAttLogicalId(id.to_owned(), attribute.to_owned()),
        }
    }

    /// A value, with intrinsic functions read into expressions.
    fn expr(&mut self, v: &Json, at: &str) -> Expr {
        match v {
            Json::Null => Expr::Null,
            Json::Bool(b) => Expr::Bool(*b),
            Json::Number(n) => Expr::Number(n.clone()),
            Json::String(s) => Expr::String(s.clone()),
            Json::Array(items) => Expr::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.expr(item, &format!("{at}[{i}]")))
                    .collect(),
            ),
            Json::Object(map) => match self.intrinsic(map, at) {
                Some(e) => e,
                None => Expr::Map(
                    map.iter()
                        .map(|(k, v)| (k.clone(), self.expr(v, &format!("{at}.{k}"))))
                        .collect(),
                ),
            },
        }
    }

    /// The intrinsic function a one-key object stands for, if it is one.
    fn intrinsic(&mut self, map: &Map<String, Json>, at: &str) -> Option<Expr> {
        if map.len() != 1 {
            return None;
        }
        let (name, arg) = map.iter().next()?;
        let at = format!("{at}.{name}");
        let raw = || Expr::Raw(Json::Object(map.clone()));
        let boxed = |r: &mut Self, v: &Json, i: usize| Box::new(r.expr(v, &format!("{at}[{i}]")));
        let e = match (name.as_str(), arg) {
            ("Ref", Json::String(n)) => self.reference(n),
            ("Fn::GetAtt", Json::Array(a)) => match &a[..] {
                [Json::String(id), Json::String(attr)] => self.get_att(id, attr),
                _ => raw(),
            },
            ("Fn::GetAtt", Json::String(s)) => match s.split_once('.') {
                Some((id, attr)) => self.get_att(id, attr),
                None => {
                    self.error(&at, "Fn::GetAtt needs `Resource.Attribute`");
                    raw()
                }
            },
            ("Fn::Sub", Json::String(s)) => self.sub(s, &Map::new(), &at),
            ("Fn::Sub", Json::Array(a)) => match &a[..] {
                [Json::String(s), Json::Object(vars)] => self.sub(s, vars, &at),
                _ => raw(),
            },
            ("Fn::Join", Json::Array(a)) => match &a[..] {
                [Json::String(d), list] => {
                    Expr::Join(d.clone(), Box::new(self.expr(list, &format!("{at}[1]"))))
                }
                _ => raw(),
            },
            ("Fn::Select", Json::Array(a)) if a.len() == 2 => {
                Expr::Select(boxed(self, &a[0], 0), boxed(self, &a[1], 1))
            }
            ("Fn::Split", Json::Array(a)) => match &a[..] {
                [Json::String(d), s] => {
                    Expr::Split(d.clone(), Box::new(self.expr(s, &format!("{at}[1]"))))
                }
                _ => raw(),
            },
            ("Fn::GetAZs", v) => Expr::GetAzs(Box::new(self.expr(v, &at))),
            ("Fn::ImportValue", v) => Expr::ImportValue(Box::new(self.expr(v, &at))),
            ("Fn::Base64", v) => Expr::Base64(Box::new(self.expr(v, &at))),
            ("Fn::If", Json::Array(a)) => match &a[..] {
                [Json::String(c), t, f] => match self.names.conditions.get(c) {
                    Some(k) => Expr::If(*k, boxed(self, t, 1), boxed(self, f, 2)),
                    None => {
                        self.error(&at, format!("Fn::If names the condition `{c}`, which the template does not declare"));
                        raw()
                    }
                },
                _ => raw(),
            },
            ("Fn::Equals", Json::Array(a)) if a.len() == 2 => {
                Expr::Equals(boxed(self, &a[0], 0), boxed(self, &a[1], 1))
            }
            ("Fn::And", Json::Array(a)) => Expr::And(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| self.expr(x, &format!("{at}[{i}]")))
                    .collect(),
            ),
            ("Fn::Or", Json::Array(a)) => Expr::Or(
                a.iter()
                    .enumerate()
                    .map(|(i, x)| self.expr(x, &format!("{at}[{i}]")))
                    .collect(),
            ),
            ("Fn::Not", Json::Array(a)) if a.len() == 1 => Expr::Not(boxed(self, &a[0], 0)),
            ("Condition", Json::String(c)) => match self.names.conditions.get(c) {
                Some(k) => Expr::Condition(*k),
                // A property named `Condition` (an IAM statement's, say), not a reference.
                None => return None,
            },
            ("Fn::FindInMap", Json::Array(a)) if a.len() == 3 => match &a[0] {
                Json::String(m) if self.names.mappings.contains_key(m) => Expr::FindInMap(
                    self.names.mappings[m],
                    boxed(self, &a[1], 1),
                    boxed(self, &a[2], 2),
                ),
                _ => raw(),
            },
            ("Fn::Cidr", Json::Array(a)) if a.len() == 3 => Expr::Cidr(
                boxed(self, &a[0], 0),
                boxed(self, &a[1], 1),
                boxed(self, &a[2], 2),
            ),
            (n, _) if n.starts_with("Fn::") => raw(),
            _ => return None,
        };
        Some(e)
    }

    /// `Fn::Sub` text (with its variables) as parts.
    fn sub(&mut self, text: &str, vars: &Map<String, Json>, at: &str) -> Expr {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            literal.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(escaped) = after.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                literal.push_str("${");
                rest = escaped;
                continue;
            }
            let Some(end) = after.find('}') else {
                self.error(at, "Fn::Sub has `${` without a closing `}`");
                literal.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            let value = match vars.get(name) {
                Some(v) => self.expr(v, &format!("{at}.{name}")),
                None => match name.split_once('.') {
                    Some((id, attr)) if pseudo(name).is_none() => self.get_att(id, attr),
                    _ => self.reference(name),
                },
            };
            if !literal.is_empty() {
                parts.push(SubPart::Text(std::mem::take(&mut literal)));
            }
            parts.push(SubPart::Expr(value));
            rest = &after[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(SubPart::Text(literal));
        }
        Expr::Sub(parts)
    }
}

fn object<'a>(template: &'a Map<String, Json>, section: &str) -> Option<&'a Map<String, Json>> {
    template.get(section).and_then(Json::as_object)
}

fn string_list(v: &Json) -> Vec<String> {
    match v {
        Json::String(s) => vec![s.clone()],
        Json::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads `template` into `model` as items of stack `stack`, resources under the construct
/// path `prefix` (each keeping its logical id). Every problem found is returned together.
pub fn import_template(
    model: &mut AppModel,
    stack: StackIndex,
    prefix: &[String],
    template: &Json,
) -> Result<Imported, Vec<ImportError>> {
    let Some(t) = template.as_object() else {
        return Err(vec![ImportError {
            at: "template".into(),
            message: "a template is a JSON or YAML object".into(),
        }]);
    };
    let app = model.app;
    let mut names = Names {
        resources: IndexMap::new(),
        parameters: IndexMap::new(),
        conditions: IndexMap::new(),
        mappings: IndexMap::new(),
    };
    let mut imported = Imported {
        description: t
            .get("Description")
            .and_then(Json::as_str)
            .map(str::to_owned),
        ..Imported::default()
    };
    let mut early = Vec::new();

    for (id, p) in object(t, "Parameters").into_iter().flatten() {
        let num = |k: &str| p.get(k).and_then(Json::as_f64);
        let len = |k: &str| p.get(k).and_then(Json::as_u64).map(|n| n as u32);
        let key = ParameterKey {
            app,
            index: model.parameters.len() as u32,
        };
        model.parameters.push(ParameterModel {
            stack,
            id: id.clone(),
            type_name: p
                .get("Type")
                .and_then(Json::as_str)
                .unwrap_or("String")
                .to_owned(),
            default: p.get("Default").cloned(),
            description: p
                .get("Description")
                .and_then(Json::as_str)
                .map(str::to_owned),
            no_echo: matches!(p.get("NoEcho"), Some(Json::Bool(true)))
                || p.get("NoEcho").and_then(Json::as_str) == Some("true"),
            allowed_values: p
                .get("AllowedValues")
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default(),
            allowed_pattern: p
                .get("AllowedPattern")
                .and_then(Json::as_str)
                .map(str::to_owned),
            constraint_description: p
                .get("ConstraintDescription")
                .and_then(Json::as_str)
                .map(str::to_owned),
            min_length: len("MinLength"),
            max_length: len("MaxLength"),
            min_value: num("MinValue"),
            max_value: num("MaxValue"),
            location: None,
        });
        names.parameters.insert(id.clone(), key);
    }
    for (id, m) in object(t, "Mappings").into_iter().flatten() {
        let mut entries = IndexMap::new();
        for (top, second) in m.as_object().into_iter().flatten() {
            let inner: IndexMap<String, Json> = second
                .as_object()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            entries.insert(top.clone(), inner);
        }
        let key = MappingKey {
            app,
            index: model.mappings.len() as u32,
        };
        model.mappings.push(MappingModel {
            stack,
            id: id.clone(),
            entries,
            location: None,
        });
        names.mappings.insert(id.clone(), key);
    }
    for id in object(t, "Conditions")
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        let key = ConditionKey {
            app,
            index: model.conditions.len() as u32,
        };
        model.conditions.push(ConditionModel {
            stack,
            id: id.clone(),
            expr: Expr::Bool(true),
            location: None,
        });
        names.conditions.insert(id.clone(), key);
    }
    match object(t, "Resources") {
        Some(resources) => {
            for (id, r) in resources {
                let Some(type_name) = r.get("Type").and_then(Json::as_str) else {
                    early.push(ImportError {
                        at: format!("Resources.{id}"),
                        message: "a resource needs a `Type`".into(),
                    });
                    continue;
                };
                let mut path = prefix.to_vec();
                path.push(id.clone());
                let mut resource = ResourceModel::new(stack, path, type_name);
                resource.logical_id_override = Some(id.clone());
                let key = model.add_resource(resource);
                names.resources.insert(id.clone(), key);
            }
        }
        None => early.push(ImportError {
            at: "Resources".into(),
            message: "a template needs a `Resources` section".into(),
        }),
    }

    let mut reader = Reader {
        names: &names,
        errors: early,
    };
    for (id, c) in object(t, "Conditions").into_iter().flatten() {
        let expr = reader.expr(c, &format!("Conditions.{id}"));
        let key = names.conditions[id];
        model.conditions[key.index as usize].expr = expr;
    }
    for (id, r) in object(t, "Resources").into_iter().flatten() {
        let Some(&key) = names.resources.get(id) else {
            continue;
        };
        let at = format!("Resources.{id}");
        let properties: IndexMap<String, Expr> = match r.get("Properties") {
            None => IndexMap::new(),
            Some(Json::Object(p)) => p
                .iter()
                .map(|(k, v)| (k.clone(), reader.expr(v, &format!("{at}.Properties.{k}"))))
                .collect(),
            Some(_) => {
                reader.error(&format!("{at}.Properties"), "Properties must be an object");
                IndexMap::new()
            }
        };
        let mut depends_on = Vec::new();
        for d in r.get("DependsOn").map(string_list).unwrap_or_default() {
            match names.resources.get(&d) {
                Some(k) => depends_on.push(*k),
                None => reader.error(
                    &format!("{at}.DependsOn"),
                    format!("depends on `{d}`, which is not a resource of the template"),
                ),
            }
        }
        let condition = match r.get("Condition").and_then(Json::as_str) {
            Some(c) => match names.conditions.get(c) {
                Some(k) => Some(*k),
                None => {
                    reader.error(
                        &format!("{at}.Condition"),
                        format!("names the condition `{c}`, which the template does not declare"),
                    );
                    None
                }
            },
            None => None,
        };
        let mut metadata = IndexMap::new();
        if let Some(Json::Object(m)) = r.get("Metadata") {
            for (k, v) in m {
                // The construct path is written anew at synth.
                if k != PATH_METADATA_KEY {
                    metadata.insert(k.clone(), reader.expr(v, &format!("{at}.Metadata.{k}")));
                }
            }
        }
        let mut policies = IndexMap::new();
        for name in ["CreationPolicy", "UpdatePolicy"] {
            if let Some(v) = r.get(name) {
                policies.insert(name.to_owned(), reader.expr(v, &format!("{at}.{name}")));
            }
        }
        let deletion = r.get("DeletionPolicy").and_then(removal_policy);
        let replace = r.get("UpdateReplacePolicy").and_then(removal_policy);
        if let Some(res) = model.resource_mut(key) {
            res.properties = properties;
            res.depends_on = depends_on;
            res.condition = condition;
            res.metadata = metadata;
            res.policies = policies;
            res.deletion_policy = deletion;
            res.update_replace_policy = replace;
        }
    }
    for (id, o) in object(t, "Outputs").into_iter().flatten() {
        let at = format!("Outputs.{id}");
        let Some(value) = o.get("Value") else {
            reader.error(&at, "an output needs a `Value`");
            continue;
        };
        let value = reader.expr(value, &format!("{at}.Value"));
        let export_name = o
            .get("Export")
            .and_then(|e| e.get("Name"))
            .map(|n| reader.expr(n, &format!("{at}.Export.Name")));
        let condition = o
            .get("Condition")
            .and_then(Json::as_str)
            .and_then(|c| names.conditions.get(c).copied());
        imported.outputs.insert(id.clone(), model.outputs.len());
        model.outputs.push(OutputModel {
            stack,
            id: id.clone(),
            value,
            description: o
                .get("Description")
                .and_then(Json::as_str)
                .map(str::to_owned),
            export_name,
            condition,
            location: None,
        });
    }
    if !reader.errors.is_empty() {
        return Err(reader.errors);
    }
    imported.resources = names.resources;
    imported.parameters = names.parameters;
    imported.conditions = names.conditions;
    imported.mappings = names.mappings;
    Ok(imported)
}
