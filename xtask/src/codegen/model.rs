//! From one resource schema to the items of its Rust file.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value as Json;

use super::ids::IdIndex;
use super::names;

/// Enums with more values than this become string fields (instance types list over a
/// thousand): the synth check still knows every value.
pub const MAX_ENUM_VALUES: usize = 64;

/// A property's Rust type (inside `Value<...>`).
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// `String`
    Str,
    /// `i64`
    Int,
    /// `f64`
    Num,
    /// `bool`
    Bool,
    /// `Json`: free-form JSON whose leaves may be expressions.
    Json,
    /// `ids::Name`
    Id(String),
    /// A string whose values an enum of this file lists (too many for a Rust enum).
    StrEnum(String),
    /// A struct or enum of this file.
    Named(String),
    /// `List<T>`
    List(Box<Ty>),
    /// `Map<T>`
    Map(Box<Ty>),
}

impl Ty {
    /// The Rust type, as written in the generated file.
    pub fn rust(&self) -> String {
        match self {
            Ty::Str => "String".into(),
            Ty::Int => "i64".into(),
            Ty::Num => "f64".into(),
            Ty::Bool => "bool".into(),
            Ty::Json => "Json".into(),
            Ty::Id(n) => format!("ids::{n}"),
            Ty::StrEnum(_) => "String".into(),
            Ty::Named(n) => n.clone(),
            Ty::List(t) => format!("List<{}>", t.rust()),
            Ty::Map(t) => format!("Map<{}>", t.rust()),
        }
    }
}

/// Literal checks from the schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// `minLength`
    pub min_length: Option<u64>,
    /// `maxLength`
    pub max_length: Option<u64>,
    /// `pattern` (only when the `regex` crate compiles it).
    pub pattern: Option<String>,
    /// `minimum`
    pub minimum: Option<f64>,
    /// `maximum`
    pub maximum: Option<f64>,
    /// integer `enum`
    pub int_enum: Vec<i64>,
    /// `minItems`
    pub min_items: Option<u64>,
    /// `maxItems`
    pub max_items: Option<u64>,
    /// Rules for list items or map values.
    pub items: Option<Box<Rules>>,
    /// `format` of a string, as the `StringFormat` variant that checks it.
    pub format: Option<&'static str>,
}

impl Rules {
    /// Nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }

    fn merge_from(&mut self, other: &Rules) {
        macro_rules! take {
            ($($f:ident),*) => {$( if self.$f.is_none() { self.$f = other.$f.clone(); } )*};
        }
        take!(
            min_length, max_length, pattern, minimum, maximum, min_items, max_items, items, format
        );
        if self.int_enum.is_empty() {
            self.int_enum = other.int_enum.clone();
        }
    }
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name in the template.
    pub json: String,
    /// Rust field name.
    pub rust: String,
    /// Type inside `Value<...>`.
    pub ty: Ty,
    /// Required (a constructor argument).
    pub required: bool,
    /// Checks on literals.
    pub rules: Rules,
    /// Doc lines (already escaped).
    pub doc: Vec<String>,
}

/// A rule on which properties of an object are set together.
#[derive(Debug, Clone, PartialEq)]
pub enum Combo {
    /// Exactly one branch has all its properties set (`oneOf` of `required`,
    /// `requiredXor`).
    ExactlyOne(Vec<Vec<String>>),
    /// At least one branch has all its properties set (`anyOf` of `required`,
    /// `requiredOr`).
    AtLeastOne(Vec<Vec<String>>),
    /// When the first is set, none of the others may be (`dependentExcluded`).
    Excludes(String, Vec<String>),
    /// When the first is set, all the others must be (`dependentRequired`).
    Requires(String, Vec<String>),
}

/// A generated struct (resource properties or a nested property type).
#[derive(Debug, Clone)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// Fields in schema order.
    pub fields: Vec<Field>,
    /// Which properties go together.
    pub combos: Vec<Combo>,
    /// Whether properties the schema does not list are accepted (no
    /// `additionalProperties: false`).
    pub open: bool,
}

/// A generated string enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// `(variant, value)`.
    pub values: Vec<(String, String)>,
    /// cfn-lint accepts the values in any case.
    pub case_insensitive: bool,
    /// Too many values for a Rust enum: the field is a string (checked at synth).
    pub as_string: bool,
}

/// An item of the file.
#[derive(Debug, Clone)]
pub enum Item {
    /// A struct.
    Struct(StructDef),
    /// An enum.
    Enum(EnumDef),
}

/// A `Fn::GetAtt` attribute.
#[derive(Debug, Clone)]
pub struct Attr {
    /// `Endpoint.Address`
    pub name: String,
    /// `attr_endpoint_address`
    pub method: String,
    /// Its type.
    pub ty: Ty,
}

/// Everything generated for one resource type.
#[derive(Debug, Clone)]
pub struct TypeModel {
    /// `AWS::EC2::Subnet`
    pub type_name: String,
    /// `Subnet`
    pub rust_name: String,
    /// `SubnetProps`
    pub props_name: String,
    /// The properties struct first, then nested types.
    pub items: Vec<Item>,
    /// GetAtt attributes.
    pub attrs: Vec<Attr>,
    /// `(method, id type, property)` for the Ref.
    pub ref_accessor: Option<(String, String, String)>,
    /// Doc lines for the resource.
    pub doc: Vec<String>,
    /// Facts.
    pub create_only: Vec<String>,
    /// Write-only properties.
    pub write_only: Vec<String>,
    /// Read-only properties.
    pub read_only: Vec<String>,
    /// Primary identifier.
    pub primary_identifier: Vec<String>,
    /// Patterns skipped because Rust's regex does not compile them.
    pub skipped_patterns: usize,
}

/// Paths of a fact list with `/properties/` stripped and `/` -> `.`.
pub fn fact_paths(schema: &Json, key: &str) -> Vec<String> {
    schema
        .get(key)
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(|p| p.trim_start_matches("/properties/").replace('/', "."))
                .collect()
        })
        .unwrap_or_default()
}

struct Gen<'a> {
    schema: &'a Json,
    type_name: &'a str,
    ids: &'a IdIndex,
    items: Vec<Item>,
    taken: HashSet<String>,
    /// Definition -> its Rust name (objects and enums only), allocated up front.
    def_names: HashMap<String, String>,
    /// Definition -> resolved type and rules.
    def_cache: HashMap<String, (Ty, Rules)>,
    in_progress: HashSet<String>,
    create_only: HashSet<String>,
    write_only: HashSet<String>,
    skipped_patterns: usize,
    regex_ok: &'a mut HashMap<String, bool>,
}

fn is_object_with_props(s: &Json) -> bool {
    s.get("properties")
        .and_then(Json::as_object)
        .is_some_and(|p| !p.is_empty())
}

fn string_enum(s: &Json) -> Option<(Vec<String>, bool)> {
    let (list, ci) = match (s.get("enum"), s.get("enumCaseInsensitive")) {
        (Some(e), _) => (e, false),
        (None, Some(e)) => (e, true),
        _ => return None,
    };
    let values: Vec<String> = list
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect::<Option<_>>()?;
    (!values.is_empty()).then_some((values, ci))
}

fn single_type(s: &Json) -> Option<String> {
    match s.get("type") {
        Some(Json::String(t)) => Some(t.clone()),
        Some(Json::Array(ts)) => {
            let ts: Vec<&str> = ts
                .iter()
                .filter_map(Json::as_str)
                .filter(|t| *t != "null")
                .collect();
            (ts.len() == 1).then(|| ts[0].to_owned())
        }
        _ => None,
    }
}

impl Gen<'_> {
    fn alloc(&mut self, wanted: &str, fallback: &str) -> String {
        let mut base = names::type_name(wanted);
        if names::RESERVED_TYPES.contains(&base.as_str()) {
            base.push_str("Property");
        }
        if self.taken.insert(base.clone()) {
            return base;
        }
        let mut alt = names::type_name(fallback);
        if !alt.is_empty() && alt != base && self.taken.insert(alt.clone()) {
            return alt;
        }
        if alt.is_empty() {
            alt = base;
        }
        let mut n = 2;
        loop {
            let cand = format!("{alt}{n}");
            if self.taken.insert(cand.clone()) {
                return cand;
            }
            n += 1;
        }
    }

    fn pattern_ok(&mut self, p: &str) -> bool {
        if let Some(&ok) = self.regex_ok.get(p) {
            return ok;
        }
        // Patterns whose program is large would be slow to compile at synth: skip them.
        let ok = super::pattern::compiles(p);
        if !ok && std::env::var_os("XTASK_SHOW_SKIPPED_PATTERNS").is_some() {
            eprintln!("skipped pattern {p:?}");
        }
        self.regex_ok.insert(p.to_owned(), ok);
        ok
    }

    fn rules_of(&mut self, s: &Json) -> Rules {
        let mut r = Rules {
            min_length: s.get("minLength").and_then(Json::as_u64),
            max_length: s.get("maxLength").and_then(Json::as_u64),
            minimum: s.get("minimum").and_then(Json::as_f64),
            maximum: s.get("maximum").and_then(Json::as_f64),
            min_items: s.get("minItems").and_then(Json::as_u64),
            max_items: s.get("maxItems").and_then(Json::as_u64),
            ..Rules::default()
        };
        if let Some(p) = s.get("pattern").and_then(Json::as_str) {
            let p = super::pattern::translate(p);
            if self.pattern_ok(&p) {
                r.pattern = Some(p);
            } else {
                self.skipped_patterns += 1;
            }
        }
        r.format = s
            .get("format")
            .and_then(Json::as_str)
            .and_then(string_format);
        if single_type(s).as_deref() == Some("integer")
            && let Some(values) = s.get("enum").and_then(Json::as_array)
        {
            r.int_enum = values.iter().filter_map(Json::as_i64).collect();
        }
        r
    }

    /// Resolves a property schema to a type; `hint` names inline types, `parent` is the
    /// enclosing struct (fallback names).
    fn ty_of(&mut self, s: &Json, hint: &str, parent: &str) -> Result<(Ty, Rules), String> {
        if let Some(r) = s.get("$ref").and_then(Json::as_str) {
            let (ty, def_rules) = self.resolve_ref(r)?;
            let mut rules = self.rules_of(s);
            rules.merge_from(&def_rules);
            return Ok((ty, rules));
        }
        let mut rules = self.rules_of(s);
        if s.get("format").and_then(Json::as_str) == Some("json") {
            return Ok((Ty::Json, Rules::default()));
        }
        let ty = match single_type(s).as_deref() {
            Some("string") => {
                if let Some(f) = s.get("format").and_then(Json::as_str)
                    && let Some((id, false)) = self.ids.resolve_format(f)
                {
                    Ty::Id(id)
                } else if let Some((values, ci)) = string_enum(s) {
                    let name = self.alloc(hint, &format!("{parent}{hint}"));
                    self.push_enum(name, values, ci)
                } else {
                    Ty::Str
                }
            }
            Some("integer") => Ty::Int,
            Some("number") => Ty::Num,
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let (item_ty, item_rules) = match s.get("items") {
                    Some(items) if items.is_object() => {
                        let mut r = self.ty_of(items, hint, parent)?;
                        // `format: X.Ids` on the array types its items.
                        if let Some(f) = s.get("format").and_then(Json::as_str)
                            && let Some((id, true)) = self.ids.resolve_format(f)
                            && matches!(r.0, Ty::Str | Ty::Id(_))
                        {
                            r.0 = Ty::Id(id);
                        }
                        r
                    }
                    _ => (Ty::Json, Rules::default()),
                };
                if !item_rules.is_empty() {
                    rules.items = Some(Box::new(item_rules));
                }
                Ty::List(Box::new(item_ty))
            }
            Some("object") if is_object_with_props(s) => {
                let name = self.alloc(hint, &format!("{parent}{hint}"));
                self.push_struct(name.clone(), s, Vec::new())?;
                Ty::Named(name)
            }
            Some("object") => self.map_of(s, hint, parent, &mut rules)?,
            None if is_object_with_props(s) => {
                let name = self.alloc(hint, &format!("{parent}{hint}"));
                self.push_struct(name.clone(), s, Vec::new())?;
                Ty::Named(name)
            }
            None => match string_enum(s) {
                Some((values, ci)) => {
                    let name = self.alloc(hint, &format!("{parent}{hint}"));
                    self.push_enum(name, values, ci)
                }
                None => Ty::Json,
            },
            Some(_) => Ty::Json,
        };
        if matches!(ty, Ty::Json) {
            rules = Rules::default();
        }
        Ok((ty, rules))
    }

    fn map_of(
        &mut self,
        s: &Json,
        hint: &str,
        parent: &str,
        rules: &mut Rules,
    ) -> Result<Ty, String> {
        let value_schema = match (s.get("patternProperties"), s.get("additionalProperties")) {
            (Some(Json::Object(pp)), _) if pp.len() == 1 => pp.values().next().cloned(),
            (None, Some(ap)) if ap.is_object() => Some(ap.clone()),
            _ => None,
        };
        let Some(vs) = value_schema else {
            return Ok(Ty::Json);
        };
        let (vt, vr) = self.ty_of(&vs, hint, parent)?;
        if matches!(vt, Ty::Json) {
            return Ok(Ty::Json);
        }
        if !vr.is_empty() {
            rules.items = Some(Box::new(vr));
        }
        Ok(Ty::Map(Box::new(vt)))
    }

    fn resolve_ref(&mut self, r: &str) -> Result<(Ty, Rules), String> {
        let Some(def) = r.strip_prefix("#/definitions/") else {
            // Other pointers into the same schema: resolve inline.
            let ptr = r.trim_start_matches('#');
            let target = self
                .schema
                .pointer(ptr)
                .cloned()
                .ok_or_else(|| format!("{}: unresolved $ref {r}", self.type_name))?;
            let hint = ptr.rsplit('/').next().unwrap_or("Nested").to_owned();
            return self.ty_of(&target, &hint, "");
        };
        if def.contains('/') {
            let target = self
                .schema
                .pointer(r.trim_start_matches('#'))
                .cloned()
                .ok_or_else(|| format!("{}: unresolved $ref {r}", self.type_name))?;
            let hint = def.rsplit('/').next().unwrap_or("Nested").to_owned();
            return self.ty_of(&target, &hint, "");
        }
        if let Some(hit) = self.def_cache.get(def) {
            return Ok(hit.clone());
        }
        let target = self
            .schema
            .pointer(&format!("/definitions/{def}"))
            .cloned()
            .ok_or_else(|| format!("{}: unresolved $ref {r}", self.type_name))?;
        if let Some(name) = self.def_names.get(def).cloned() {
            if self.in_progress.contains(def) {
                return Ok((Ty::Named(name), Rules::default()));
            }
            self.in_progress.insert(def.to_owned());
            let result = if is_object_with_props(&target) {
                self.push_struct(name.clone(), &target, Vec::new())?;
                (Ty::Named(name), Rules::default())
            } else if let Some((values, ci)) = string_enum(&target) {
                (self.push_enum(name, values, ci), Rules::default())
            } else {
                self.ty_of(&target, def, "")?
            };
            self.in_progress.remove(def);
            self.def_cache.insert(def.to_owned(), result.clone());
            return Ok(result);
        }
        if self.in_progress.contains(def) {
            return Ok((Ty::Json, Rules::default()));
        }
        self.in_progress.insert(def.to_owned());
        let result = self.ty_of(&target, def, "")?;
        self.in_progress.remove(def);
        self.def_cache.insert(def.to_owned(), result.clone());
        Ok(result)
    }

    /// Adds an enum; returns the field type: the enum, or a string for an enum too large
    /// to be worth a Rust type (the registry still lists its values for the synth check).
    fn push_enum(&mut self, name: String, values: Vec<String>, case_insensitive: bool) -> Ty {
        let mut used = HashSet::new();
        let mut out = Vec::new();
        let mut seen_values = HashSet::new();
        for v in values {
            if !seen_values.insert(v.clone()) {
                continue;
            }
            let base = names::variant(&v);
            let mut cand = base.clone();
            let mut n = 2;
            while !used.insert(cand.clone()) {
                cand = format!("{base}{n}");
                n += 1;
            }
            out.push((cand, v));
        }
        let as_string = out.len() > MAX_ENUM_VALUES;
        self.items.push(Item::Enum(EnumDef {
            doc: vec![format!("Values of {}.", names::code(&name))],
            name: name.clone(),
            values: out,
            case_insensitive,
            as_string,
        }));
        if as_string {
            Ty::StrEnum(name)
        } else {
            Ty::Named(name)
        }
    }

    /// Adds a struct for object schema `s`; `path` is the property path from the resource
    /// (for create-only/write-only notes) when this is the properties struct.
    fn push_struct(&mut self, name: String, s: &Json, doc: Vec<String>) -> Result<(), String> {
        let index = self.items.len();
        self.items.push(Item::Struct(StructDef {
            name: name.clone(),
            doc: if doc.is_empty() {
                vec![format!(
                    "Property type {} of {}.",
                    names::code(&name),
                    names::code(self.type_name)
                )]
            } else {
                doc
            },
            fields: Vec::new(),
            combos: Vec::new(),
            open: s.get("additionalProperties") != Some(&Json::Bool(false))
                || s.get("patternProperties").is_some(),
        }));
        let required: BTreeSet<String> = s
            .get("required")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let is_props = index == 0;
        let read_only: HashSet<String> = if is_props {
            fact_paths(self.schema, "readOnlyProperties")
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        let mut fields = Vec::new();
        let mut rust_names = HashSet::new();
        let props = s
            .get("properties")
            .and_then(Json::as_object)
            .cloned()
            .unwrap_or_default();
        for (pname, pschema) in &props {
            // Read-only properties are attributes, not inputs.
            if is_props && read_only.contains(pname) && !required.contains(pname) {
                continue;
            }
            let (mut ty, rules) = self.ty_of(pschema, pname, &name)?;
            // The property that names the resource itself is a plain string: it is where
            // the id comes from, not a reference to another resource.
            if is_props
                && matches!(ty, Ty::Id(_))
                && self
                    .ids
                    .by_type
                    .get(self.type_name)
                    .and_then(|t| t.ref_property.as_deref())
                    == Some(pname.as_str())
            {
                ty = Ty::Str;
            }
            let mut rust = names::field(pname);
            if rust == "new" {
                rust = "new_".into();
            }
            let base = rust.clone();
            let mut n = 2;
            while !rust_names.insert(rust.clone()) {
                rust = format!("{base}_{n}");
                n += 1;
            }
            let mut doc = Vec::new();
            if let Some(d) = pschema.get("description").and_then(Json::as_str) {
                doc.push(names::doc_text(d));
                doc.push(String::new());
            }
            doc.push(format!(
                "{}{}",
                names::code(pname),
                if required.contains(pname) {
                    " (required)."
                } else {
                    " (optional)."
                }
            ));
            if is_props && self.create_only.contains(pname) {
                doc.push("Create-only: changing it replaces the resource.".into());
            }
            if is_props && self.write_only.contains(pname) {
                doc.push("Write-only: not returned when the resource is read.".into());
            }
            describe_rules(&rules, &mut doc, "");
            if let Ty::StrEnum(_) = &ty {
                doc.push(
                    "One of the values the registry schema lists (too many for a Rust enum; \
                     checked at synth)."
                        .into(),
                );
            }
            fields.push(Field {
                json: pname.clone(),
                rust,
                ty,
                required: required.contains(pname),
                rules,
                doc,
            });
        }
        let combos = combos_of(s, &fields);
        if let Item::Struct(st) = &mut self.items[index] {
            st.fields = fields;
            st.combos = combos;
        }
        Ok(())
    }

    /// Replaces by-value recursion (a struct containing itself without a list or map in
    /// between, which Rust cannot size) with free-form JSON.
    fn break_cycles(&mut self) {
        loop {
            let structs: HashMap<String, Vec<String>> = self
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Struct(s) => Some((
                        s.name.clone(),
                        s.fields
                            .iter()
                            .filter_map(|f| match &f.ty {
                                Ty::Named(n) => Some(n.clone()),
                                _ => None,
                            })
                            .collect(),
                    )),
                    Item::Enum(_) => None,
                })
                .collect();
            let reaches = |from: &str, to: &str| {
                let mut stack = vec![from.to_owned()];
                let mut seen = HashSet::new();
                while let Some(n) = stack.pop() {
                    if n == to {
                        return true;
                    }
                    if seen.insert(n.clone())
                        && let Some(next) = structs.get(&n)
                    {
                        stack.extend(next.iter().cloned());
                    }
                }
                false
            };
            let mut fix = None;
            'outer: for (i, item) in self.items.iter().enumerate() {
                if let Item::Struct(s) = item {
                    for (j, f) in s.fields.iter().enumerate() {
                        if let Ty::Named(n) = &f.ty
                            && structs.contains_key(n)
                            && reaches(n, &s.name)
                        {
                            fix = Some((i, j));
                            break 'outer;
                        }
                    }
                }
            }
            match fix {
                Some((i, j)) => {
                    if let Item::Struct(s) = &mut self.items[i] {
                        s.fields[j].ty = Ty::Json;
                        s.fields[j].rules = Rules::default();
                        s.fields[j]
                            .doc
                            .push("Free-form JSON: the schema nests this type in itself.".into());
                    }
                }
                None => break,
            }
        }
        // Drop types nothing refers to any more.
        loop {
            let mut used: HashSet<String> = HashSet::new();
            for item in &self.items {
                if let Item::Struct(s) = item {
                    for f in &s.fields {
                        collect_named(&f.ty, &mut used);
                    }
                }
            }
            let before = self.items.len();
            let mut first = true;
            self.items.retain(|item| {
                let keep = first
                    || match item {
                        Item::Struct(s) => used.contains(&s.name),
                        Item::Enum(e) => used.contains(&e.name),
                    };
                first = false;
                keep
            });
            if self.items.len() == before {
                break;
            }
        }
    }
}

fn names_of(v: &Json) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|n| n.as_str().map(str::to_owned))
        .collect()
}

fn required_branches(v: Option<&Json>) -> Option<Vec<Vec<String>>> {
    v?.as_array()?
        .iter()
        .map(|b| {
            let o = b.as_object()?;
            if o.len() != 1 {
                return None;
            }
            names_of(o.get("required")?)
        })
        .collect()
}

/// The property-combination rules of object schema `s`, limited to rules whose
/// properties are all fields of the struct (read-only properties are not inputs).
fn combos_of(s: &Json, fields: &[Field]) -> Vec<Combo> {
    let known = |names: &[String]| names.iter().all(|n| fields.iter().any(|f| f.json == *n));
    let mut out = Vec::new();
    if let Some(b) = required_branches(s.get("oneOf"))
        && b.iter().all(|x| known(x))
    {
        out.push(Combo::ExactlyOne(b));
    }
    if let Some(b) = required_branches(s.get("anyOf"))
        && b.iter().all(|x| known(x))
    {
        out.push(Combo::AtLeastOne(b));
    }
    if let Some(n) = s.get("requiredXor").and_then(names_of)
        && known(&n)
    {
        out.push(Combo::ExactlyOne(n.into_iter().map(|x| vec![x]).collect()));
    }
    if let Some(n) = s.get("requiredOr").and_then(names_of)
        && known(&n)
    {
        out.push(Combo::AtLeastOne(n.into_iter().map(|x| vec![x]).collect()));
    }
    for (key, excludes) in [("dependentExcluded", true), ("dependentRequired", false)] {
        if let Some(map) = s.get(key).and_then(Json::as_object) {
            for (a, bs) in map {
                if let Some(bs) = names_of(bs)
                    && known(std::slice::from_ref(a))
                    && known(&bs)
                {
                    out.push(if excludes {
                        Combo::Excludes(a.clone(), bs)
                    } else {
                        Combo::Requires(a.clone(), bs)
                    });
                }
            }
        }
    }
    out
}

/// The `StringFormat` variant that checks a schema `format`, for the formats worth checking
/// (`date-time`, `int64`, `uri`... are left to CloudFormation).
fn string_format(format: &str) -> Option<&'static str> {
    match format {
        "ipv4" => Some("Ipv4"),
        "ipv6" => Some("Ipv6"),
        "ipv4-network" => Some("Ipv4Network"),
        "ipv6-network" => Some("Ipv6Network"),
        _ => None,
    }
}

fn collect_named(ty: &Ty, out: &mut HashSet<String>) {
    match ty {
        Ty::Named(n) | Ty::StrEnum(n) => {
            out.insert(n.clone());
        }
        Ty::List(t) | Ty::Map(t) => collect_named(t, out),
        _ => {}
    }
}

fn describe_rules(r: &Rules, doc: &mut Vec<String>, prefix: &str) {
    match (r.min_length, r.max_length) {
        (Some(min), Some(max)) => doc.push(format!("{prefix}Length: {min} to {max} characters.")),
        (Some(min), None) => doc.push(format!("{prefix}Length: at least {min} characters.")),
        (None, Some(max)) => doc.push(format!("{prefix}Length: at most {max} characters.")),
        (None, None) => {}
    }
    if let Some(p) = &r.pattern {
        doc.push(format!("{prefix}Pattern: {}.", names::code(p)));
    }
    match (r.minimum, r.maximum) {
        (Some(min), Some(max)) => doc.push(format!("{prefix}Range: {min} to {max}.")),
        (Some(min), None) => doc.push(format!("{prefix}Range: at least {min}.")),
        (None, Some(max)) => doc.push(format!("{prefix}Range: at most {max}.")),
        (None, None) => {}
    }
    if !r.int_enum.is_empty() {
        let v: Vec<String> = r.int_enum.iter().map(i64::to_string).collect();
        doc.push(format!("{prefix}One of: {}.", v.join(", ")));
    }
    match (r.min_items, r.max_items) {
        (Some(min), Some(max)) => doc.push(format!("{prefix}Items: {min} to {max}.")),
        (Some(min), None) => doc.push(format!("{prefix}Items: at least {min}.")),
        (None, Some(max)) => doc.push(format!("{prefix}Items: at most {max}.")),
        (None, None) => {}
    }
    if let Some(f) = r.format {
        let what = match f {
            "Ipv4" => "an IPv4 address",
            "Ipv6" => "an IPv6 address",
            "Ipv4Network" => "an IPv4 CIDR block",
            _ => "an IPv6 CIDR block",
        };
        doc.push(format!("{prefix}Format: {what} (checked at synth)."));
    }
    if let Some(items) = &r.items {
        describe_rules(items, doc, "Each item: ");
    }
}

fn attr_ty(schema: &Json, path: &str, ids: &IdIndex, type_name: &str) -> Option<Ty> {
    let mut cur = schema.clone();
    for (i, part) in path.split('.').enumerate() {
        let resolved = |s: &Json| -> Json {
            let mut s = s.clone();
            for _ in 0..8 {
                match s.get("$ref").and_then(Json::as_str) {
                    Some(r) => match schema.pointer(r.trim_start_matches('#')) {
                        Some(t) => s = t.clone(),
                        None => break,
                    },
                    None => break,
                }
            }
            s
        };
        cur = resolved(&cur);
        let next = cur.get("properties")?.get(part)?;
        cur = resolved(next);
        let _ = i;
    }
    if is_object_with_props(&cur) {
        return None;
    }
    let typed = ids.by_type.get(type_name);
    if let Some(t) = typed {
        if t.ref_property.as_deref() == Some(path)
            && let Some(id) = &t.ref_id
        {
            return Some(Ty::Id(id.clone()));
        }
        if path == "Arn"
            && let Some(id) = &t.arn_id
        {
            return Some(Ty::Id(id.clone()));
        }
    }
    if let Some(f) = cur.get("format").and_then(Json::as_str)
        && let Some((id, list)) = ids.resolve_format(f)
    {
        return Some(if list {
            Ty::List(Box::new(Ty::Id(id)))
        } else {
            Ty::Id(id)
        });
    }
    Some(match single_type(&cur).as_deref() {
        Some("string") => Ty::Str,
        Some("integer") => Ty::Int,
        Some("number") => Ty::Num,
        Some("boolean") => Ty::Bool,
        Some("array") => match cur.get("items").map(single_type) {
            Some(Some(t)) if t == "string" => Ty::List(Box::new(Ty::Str)),
            _ => Ty::Json,
        },
        _ => Ty::Json,
    })
}

/// Builds the model of one resource type.
pub fn build(
    type_name: &str,
    schema: &Json,
    ids: &IdIndex,
    regex_ok: &mut HashMap<String, bool>,
) -> Result<TypeModel, String> {
    let rust_name = {
        let n = names::type_name(names::short_name(type_name));
        if names::RESERVED_TYPES.contains(&n.as_str()) {
            format!("{n}Resource")
        } else {
            n
        }
    };
    let props_name = format!("{rust_name}Props");
    let create_only = fact_paths(schema, "createOnlyProperties");
    let write_only = fact_paths(schema, "writeOnlyProperties");
    let read_only = fact_paths(schema, "readOnlyProperties");
    let primary_identifier = fact_paths(schema, "primaryIdentifier");
    let mut g = Gen {
        schema,
        type_name,
        ids,
        items: Vec::new(),
        taken: [rust_name.clone(), props_name.clone()]
            .into_iter()
            .collect(),
        def_names: HashMap::new(),
        def_cache: HashMap::new(),
        in_progress: HashSet::new(),
        create_only: create_only.iter().cloned().collect(),
        write_only: write_only.iter().cloned().collect(),
        skipped_patterns: 0,
        regex_ok,
    };
    if let Some(defs) = schema.get("definitions").and_then(Json::as_object) {
        for (def, ds) in defs {
            if is_object_with_props(ds) || string_enum(ds).is_some() {
                let name = g.alloc(def, &format!("{def}Property"));
                g.def_names.insert(def.clone(), name);
            }
        }
    }
    let mut doc = Vec::new();
    doc.push(format!("Properties of {}.", names::code(type_name)));
    let empty = serde_json::json!({"type": "object", "properties": {}});
    let props_schema = if schema.get("properties").is_some() {
        schema
    } else {
        &empty
    };
    g.push_struct(props_name.clone(), props_schema, doc)?;
    g.break_cycles();

    let mut attrs = Vec::new();
    let mut methods = HashSet::new();
    for path in &read_only {
        if path.contains('*') {
            continue;
        }
        let Some(ty) = attr_ty(schema, path, ids, type_name) else {
            continue;
        };
        let method = format!(
            "attr_{}",
            path.split('.')
                .map(names::field)
                .collect::<Vec<_>>()
                .join("_")
        )
        .replace("__", "_");
        let method = method.trim_end_matches('_').to_owned();
        if !methods.insert(method.clone()) {
            continue;
        }
        attrs.push(Attr {
            name: path.clone(),
            method,
            ty,
        });
    }
    let ref_accessor = ids.by_type.get(type_name).and_then(|t| {
        let id = t.ref_id.clone()?;
        let prop = t.ref_property.clone()?;
        let mut method = names::field(&prop);
        if matches!(
            method.as_str(),
            "new" | "ref_value" | "create_only" | "cfn" | "node"
        ) {
            method = format!("{method}_ref");
        }
        Some((method, id, prop))
    });
    let mut doc = vec![format!(
        "The CloudFormation resource type {}.",
        names::code(type_name)
    )];
    if let Some(d) = schema.get("description").and_then(Json::as_str) {
        doc.push(String::new());
        doc.push(names::doc_text(d));
    }
    let skipped_patterns = g.skipped_patterns;
    Ok(TypeModel {
        type_name: type_name.to_owned(),
        rust_name,
        props_name,
        items: g.items,
        attrs,
        ref_accessor,
        doc,
        create_only,
        write_only,
        read_only,
        primary_identifier,
        skipped_patterns,
    })
}
