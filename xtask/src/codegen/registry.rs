//! The registry data (`stackdef-registry/data/types.jsonl` and its index): each type's
//! model written as the [`TypeSchema`] the synth-time checks read.

use std::collections::HashMap;
use std::fmt::Write as _;

use stackdef_registry::{
    Attribute, Combo as RCombo, EnumSchema, FieldSchema, NumberRules, ObjectSchema, Shape,
    StringFormat, StringRules, TypeSchema,
};

use super::model::{Combo, Item, Rules, Ty, TypeModel};

/// The schema of one type, from its model.
pub fn type_schema(m: &TypeModel) -> TypeSchema {
    let mut objects = HashMap::new();
    let mut enums = HashMap::new();
    for item in &m.items {
        match item {
            Item::Struct(s) => {
                let n = objects.len() as u32;
                objects.insert(s.name.clone(), n);
            }
            Item::Enum(e) => {
                let n = enums.len() as u32;
                enums.insert(e.name.clone(), n);
            }
        }
    }
    let names = Names {
        objects: &objects,
        enums: &enums,
    };
    let mut object_list = Vec::new();
    let mut enum_list = Vec::new();
    for item in &m.items {
        match item {
            Item::Struct(s) => object_list.push(ObjectSchema {
                fields: s
                    .fields
                    .iter()
                    .map(|f| FieldSchema {
                        name: f.json.clone(),
                        required: f.required,
                        shape: names.shape(&f.ty, &f.rules),
                    })
                    .collect(),
                combos: s.combos.iter().map(combo).collect(),
                open: s.open,
            }),
            Item::Enum(e) => enum_list.push(EnumSchema {
                values: e.values.iter().map(|(_, v)| v.clone()).collect(),
                case_insensitive: e.case_insensitive,
            }),
        }
    }
    let typed_attrs: HashMap<&str, Option<String>> = m
        .attrs
        .iter()
        .map(|a| (a.name.as_str(), id_of(&a.ty)))
        .collect();
    let attributes = m
        .read_only
        .iter()
        .filter(|p| !p.contains('*'))
        .map(|p| Attribute {
            name: p.clone(),
            id: typed_attrs.get(p.as_str()).cloned().flatten(),
        })
        .collect();
    TypeSchema {
        type_name: m.type_name.clone(),
        create_only: m.create_only.clone(),
        write_only: m.write_only.clone(),
        read_only: m.read_only.clone(),
        primary_identifier: m.primary_identifier.clone(),
        ref_id: m.ref_accessor.as_ref().map(|(_, id, _)| id.clone()),
        attributes,
        objects: object_list,
        enums: enum_list,
        stateful: false,
        snapshot: super::rule_data::SNAPSHOT_TYPES.contains(&m.type_name.as_str()),
    }
}

fn id_of(ty: &Ty) -> Option<String> {
    match ty {
        Ty::Id(n) => Some(n.clone()),
        _ => None,
    }
}

struct Names<'a> {
    objects: &'a HashMap<String, u32>,
    enums: &'a HashMap<String, u32>,
}

impl Names<'_> {
    fn shape(&self, ty: &Ty, rules: &Rules) -> Shape {
        match ty {
            Ty::Str => Shape::String(string_rules(rules, None)),
            Ty::Id(id) => Shape::String(string_rules(rules, Some(id.clone()))),
            Ty::Int => Shape::Integer(number_rules(rules)),
            Ty::Num => Shape::Number(number_rules(rules)),
            Ty::Bool => Shape::Boolean,
            Ty::Json => Shape::Json,
            Ty::StrEnum(n) | Ty::Named(n) => match (self.objects.get(n), self.enums.get(n)) {
                (Some(&index), _) => Shape::Object { index },
                (None, Some(&index)) => Shape::Enum { index },
                (None, None) => Shape::Json,
            },
            Ty::List(t) => Shape::List {
                items: Box::new(self.shape(t, rules.items.as_deref().unwrap_or(&Rules::default()))),
                min_items: rules.min_items,
                max_items: rules.max_items,
            },
            Ty::Map(t) => Shape::Map {
                values: Box::new(
                    self.shape(t, rules.items.as_deref().unwrap_or(&Rules::default())),
                ),
            },
        }
    }
}

fn string_rules(r: &Rules, id: Option<String>) -> StringRules {
    StringRules {
        min_length: r.min_length,
        max_length: r.max_length,
        pattern: r.pattern.clone(),
        format: r.format.and_then(|f| match f {
            "Ipv4" => Some(StringFormat::Ipv4),
            "Ipv6" => Some(StringFormat::Ipv6),
            "Ipv4Network" => Some(StringFormat::Ipv4Network),
            "Ipv6Network" => Some(StringFormat::Ipv6Network),
            _ => None,
        }),
        id,
    }
}

fn number_rules(r: &Rules) -> NumberRules {
    NumberRules {
        minimum: r.minimum,
        maximum: r.maximum,
        one_of: r.int_enum.clone(),
    }
}

fn combo(c: &Combo) -> RCombo {
    match c {
        Combo::ExactlyOne(b) => RCombo::ExactlyOne(b.clone()),
        Combo::AtLeastOne(b) => RCombo::AtLeastOne(b.clone()),
        Combo::Excludes(a, b) => RCombo::Excludes(a.clone(), b.clone()),
        Combo::Requires(a, b) => RCombo::Requires(a.clone(), b.clone()),
    }
}

/// The data file (one JSON document per line, sorted by type name) and the Rust index of
/// the byte range of each line.
pub fn data_files(schemas: &[TypeSchema], header: &str) -> Result<(String, String), String> {
    let mut sorted: Vec<&TypeSchema> = schemas.iter().collect();
    sorted.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    let mut data = String::new();
    let mut index = String::from(header);
    index.push_str(
        "//! Where each type's document sits in `data/types.jsonl`.\n\n/// The cfn-lint release the data comes from.\npub const SOURCE: &str = ",
    );
    let _ = writeln!(index, "\"cfn-lint {}\";\n", super::input::CFN_LINT_VERSION);
    index.push_str("/// `(type name, first byte, end byte)`, sorted by name.\n");
    let _ = writeln!(
        index,
        "pub static TYPES: [(&str, u32, u32); {}] = [",
        sorted.len()
    );
    for s in sorted {
        let line = serde_json::to_string(s).map_err(|e| format!("{}: {e}", s.type_name))?;
        let start = data.len();
        data.push_str(&line);
        let end = data.len();
        data.push('\n');
        let _ = writeln!(index, "    ({:?}, {start}, {end}),", s.type_name);
    }
    index.push_str("];\n");
    Ok((data, index))
}
