//! Generator tests: small hand-written schemas, snapshots of real types, freshness.

use std::collections::HashMap;

use serde_json::json;

use super::ids::IdIndex;
use super::model::{self, Item, Ty, TypeModel};
use super::{emit, input, pattern};

fn index(types: &[(&str, &serde_json::Value)]) -> IdIndex {
    IdIndex::build(types.iter().map(|(t, s)| (*t, *s))).expect("id index")
}

fn build(type_name: &str, schema: &serde_json::Value, ids: &IdIndex) -> TypeModel {
    model::build(type_name, schema, ids, &mut HashMap::new()).expect("model")
}

fn structure<'a>(m: &'a TypeModel, name: &str) -> &'a model::StructDef {
    m.items
        .iter()
        .find_map(|i| match i {
            Item::Struct(s) if s.name == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name} in {:#?}", m.items))
}

fn field<'a>(s: &'a model::StructDef, json: &str) -> &'a model::Field {
    s.fields
        .iter()
        .find(|f| f.json == json)
        .unwrap_or_else(|| panic!("no field {json}"))
}

fn widget() -> serde_json::Value {
    json!({
        "typeName": "Test::Shop::Widget",
        "properties": {
            "Name": {"type": "string", "minLength": 1, "maxLength": 10, "pattern": "^[a-z]+$"},
            "Size": {"type": "integer", "minimum": 1, "maximum": 5},
            "Color": {"type": "string", "enum": ["red", "GREEN", "dark-blue"]},
            "Labels": {"type": "array", "maxItems": 3, "items": {"type": "string", "maxLength": 4}},
            "Attributes": {"type": "object", "patternProperties": {".*": {"type": "string"}}},
            "Settings": {"type": "object", "properties": {"Deep": {"type": "boolean"}}, "required": ["Deep"]},
            "Parts": {"type": "array", "items": {"$ref": "#/definitions/Part"}},
            "Extra": {"type": "object"},
            "Arn": {"type": "string"},
            "WidgetId": {"type": "string"},
            "Shape": {"$ref": "#/definitions/Shape"},
            "Bad": {"type": "string", "pattern": "(?=lookahead)"}
        },
        "definitions": {
            "Part": {
                "type": "object",
                "properties": {
                    "Sub": {"$ref": "#/definitions/Part"},
                    "Parts": {"type": "array", "items": {"$ref": "#/definitions/Part"}},
                    "Weight": {"type": "number"}
                },
                "required": ["Weight"]
            },
            "Shape": {"type": "string", "enum": ["round", "square"]}
        },
        "required": ["Name", "Parts"],
        "requiredXor": ["Size", "Color"],
        "dependentExcluded": {"Arn": ["Name"]},
        "readOnlyProperties": ["/properties/Arn", "/properties/WidgetId"],
        "createOnlyProperties": ["/properties/Name"],
        "primaryIdentifier": ["/properties/WidgetId"]
    })
}

#[test]
fn required_optional_enums_nested_arrays_maps_refs_attributes() {
    let schema = widget();
    let ids = index(&[("Test::Shop::Widget", &schema)]);
    let m = build("Test::Shop::Widget", &schema, &ids);
    let props = structure(&m, "WidgetProps");

    // Required vs optional; read-only properties are attributes, not inputs.
    assert!(field(props, "Name").required);
    assert!(field(props, "Parts").required);
    assert!(!field(props, "Size").required);
    assert!(
        props
            .fields
            .iter()
            .all(|f| f.json != "Arn" && f.json != "WidgetId")
    );

    // Scalars with rules; an unsupported pattern is skipped at codegen.
    let name = field(props, "Name");
    assert_eq!(name.ty, Ty::Str);
    assert_eq!(name.rules.max_length, Some(10));
    assert_eq!(name.rules.pattern.as_deref(), Some("^[a-z]+$"));
    assert_eq!(field(props, "Bad").rules.pattern, None);
    assert_eq!(m.skipped_patterns, 1);
    assert_eq!(field(props, "Size").rules.maximum, Some(5.0));

    // Enums: inline and via $ref.
    assert_eq!(field(props, "Color").ty, Ty::Named("Color".into()));
    assert_eq!(field(props, "Shape").ty, Ty::Named("Shape".into()));
    let color = m
        .items
        .iter()
        .find_map(|i| match i {
            Item::Enum(e) if e.name == "Color" => Some(e),
            _ => None,
        })
        .expect("Color enum");
    let variants: Vec<&str> = color.values.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(variants, ["Red", "Green", "DarkBlue"]);

    // Arrays (with item rules), maps, nested objects, free-form objects.
    let labels = field(props, "Labels");
    assert_eq!(labels.ty, Ty::List(Box::new(Ty::Str)));
    assert_eq!(labels.rules.max_items, Some(3));
    assert_eq!(
        labels.rules.items.as_ref().and_then(|r| r.max_length),
        Some(4)
    );
    assert_eq!(field(props, "Attributes").ty, Ty::Map(Box::new(Ty::Str)));
    assert_eq!(field(props, "Settings").ty, Ty::Named("Settings".into()));
    assert!(field(structure(&m, "Settings"), "Deep").required);
    assert_eq!(field(props, "Extra").ty, Ty::Json);

    // $ref to a recursive definition: through a list it stays typed, by value it cannot.
    assert_eq!(
        field(props, "Parts").ty,
        Ty::List(Box::new(Ty::Named("Part".into())))
    );
    let part = structure(&m, "Part");
    assert_eq!(
        field(part, "Parts").ty,
        Ty::List(Box::new(Ty::Named("Part".into())))
    );
    assert_eq!(field(part, "Sub").ty, Ty::Json);

    // Combination rules on inputs are kept; one naming a read-only property is dropped.
    assert_eq!(
        props.combos,
        [model::Combo::ExactlyOne(vec![
            vec!["Size".into()],
            vec!["Color".into()]
        ])]
    );

    // Read-only attributes, the typed Ref, facts.
    let attrs: Vec<&str> = m.attrs.iter().map(|a| a.method.as_str()).collect();
    assert_eq!(attrs, ["attr_arn", "attr_widget_id"]);
    assert_eq!(m.attrs[0].ty, Ty::Id("WidgetArn".into()));
    assert_eq!(
        m.ref_accessor,
        Some(("widget_id".into(), "WidgetId".into(), "WidgetId".into()))
    );
    assert_eq!(m.create_only, ["Name"]);

    // The emitted file has a constructor taking exactly the required properties.
    let text = emit::type_file(&m, "0.0.0", "00");
    assert!(text.contains(
        "pub fn new(name: impl Into<Value<String>>, parts: impl Into<Value<List<Part>>>) -> Self"
    ));
    assert!(text.contains("pub fn widget_id(&self) -> Value<ids::WidgetId>"));
    assert!(text.contains("crate::l1_enum!"));
    // A typed setter for each top-level property on the created resource.
    assert!(text.contains("pub fn set_parts(&self, value: impl Into<Value<List<Part>>>)"));
    assert!(text.starts_with("// generated by `cargo xtask codegen` from cfn-lint 0.0.0"));
}

#[test]
fn formats_type_references_between_resources() {
    let vpc = json!({
        "properties": {"VpcId": {"type": "string"}, "CidrBlock": {"type": "string"}},
        "readOnlyProperties": ["/properties/VpcId"],
        "primaryIdentifier": ["/properties/VpcId"]
    });
    let lb = json!({
        "properties": {
            "VpcId": {"type": "string", "format": "AWS::EC2::VPC.Id"},
            "VpcIds": {"type": "array", "format": "AWS::EC2::VPC.Ids", "items": {"type": "string"}},
            "Image": {"type": "string", "format": "AWS::EC2::Image.Id"}
        },
        "primaryIdentifier": ["/properties/A", "/properties/B"]
    });
    let ids = index(&[("AWS::EC2::VPC", &vpc), ("Test::X::Lb", &lb)]);
    let m = build("Test::X::Lb", &lb, &ids);
    let props = structure(&m, "LbProps");
    assert_eq!(field(props, "VpcId").ty, Ty::Id("VpcId".into()));
    assert_eq!(
        field(props, "VpcIds").ty,
        Ty::List(Box::new(Ty::Id("VpcId".into())))
    );
    // A format naming a type that is not a resource stays a string.
    assert_eq!(field(props, "Image").ty, Ty::Str);
    // A composite identifier leaves the Ref untyped.
    assert_eq!(m.ref_accessor, None);
}

#[test]
fn address_formats_become_checked_rules_and_others_do_not() {
    let s = json!({
        "properties": {
            "Block": {"type": "string", "format": "ipv4-network"},
            "Block6": {"type": "string", "format": "ipv6-network"},
            "Hosts": {"type": "array", "items": {"type": "string", "format": "ipv4"}},
            "When": {"type": "string", "format": "date-time"}
        }
    });
    let ids = index(&[("Test::Net::Range", &s)]);
    let m = build("Test::Net::Range", &s, &ids);
    let props = structure(&m, "RangeProps");
    assert_eq!(field(props, "Block").rules.format, Some("Ipv4Network"));
    assert_eq!(field(props, "Block6").rules.format, Some("Ipv6Network"));
    let hosts = &field(props, "Hosts").rules;
    assert_eq!(hosts.items.as_ref().and_then(|r| r.format), Some("Ipv4"));
    assert_eq!(field(props, "When").rules.format, None);
    // The check reads the formats from the registry data.
    let schema = super::registry::type_schema(&m);
    let block = schema.properties().field("Block").expect("Block");
    assert_eq!(
        block.shape,
        stackdef_registry::Shape::String(stackdef_registry::StringRules {
            format: Some(stackdef_registry::StringFormat::Ipv4Network),
            ..Default::default()
        })
    );
}

#[test]
fn colliding_id_names_get_a_service_prefix_except_the_preferred_one() {
    let s = json!({"properties": {}, "primaryIdentifier": ["/properties/ClusterName"]});
    let ids = index(&[("AWS::ECS::Cluster", &s), ("AWS::EKS::Cluster", &s)]);
    let names: Vec<&str> = ids.all.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["ClusterName", "EksClusterName"]);
}

#[test]
fn fixups_fail_when_they_no_longer_apply() {
    let mut used = vec![false; super::fixups::ID_FORMATS.len()];
    // The ECS service schema without the `Cluster` property.
    let mut schema = json!({"properties": {"TaskDefinition": {"type": "string"}}});
    let err = super::fixups::apply("AWS::ECS::Service", &mut schema, &mut used)
        .expect_err("a rule whose property is gone fails");
    assert!(err.contains("no longer applies"), "{err}");
}

fn real() -> input::Input {
    input::load().expect("cfn-lint 1.51.0 must be installed (pip install cfn-lint==1.51.0)")
}

#[test]
fn snapshots_of_real_types() {
    let input = real();
    let output = super::generate(&input).expect("generate");
    let formatted = super::format_all(
        &output
            .files
            .iter()
            .filter(|(p, _)| {
                p.ends_with("ec2/subnet.rs")
                    || p.ends_with("logs/log_group.rs")
                    || p.ends_with("elasticloadbalancingv2/listener.rs")
            })
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect(),
    )
    .expect("rustfmt");
    for (path, text) in formatted {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("file")
            .to_owned();
        insta::assert_snapshot!(name, text);
    }
}

/// The committed code is what the generator produces (run `cargo xtask codegen` after
/// changing the generator).
/// Every function of the generated code that is not generic is `#[inline]`, so that its
/// machine code is built only in the programs that call it (see `core/l1_support.rs`).
#[test]
fn every_non_generic_generated_function_is_inline() {
    let output = super::generate(&real()).expect("generate");
    let mut missing = Vec::new();
    let mut checked = 0;
    for (path, text) in &output.files {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim_start();
            // `impl Trait` arguments or generic parameters make a function generic.
            let generic = line.contains("impl ") || line.contains("fn new<");
            if !line.starts_with("pub fn ") || generic {
                continue;
            }
            checked += 1;
            let attributes = lines[..i]
                .iter()
                .rev()
                .map(|l| l.trim_start())
                .take_while(|l| l.starts_with("#[") || l.starts_with("///"));
            if !attributes.clone().any(|l| l == "#[inline]") {
                missing.push(format!("{}: {line}", path.display()));
            }
        }
    }
    assert!(checked > 1000, "only {checked} functions seen");
    assert!(missing.is_empty(), "not #[inline]:\n{}", missing.join("\n"));
}

#[test]
fn committed_code_is_fresh() {
    let input = real();
    let output = super::generate(&input).expect("generate");
    let formatted = super::format_all(&output.files).expect("rustfmt");
    let diffs = super::compare(&super::repo_root(), &formatted, &output.features).expect("compare");
    assert!(
        diffs.is_empty(),
        "generated code is stale; run `cargo xtask codegen`:\n{}",
        diffs.join("\n")
    );
}

/// Every pattern the check uses, run by `regex-lite` after translation, accepts at least
/// what the full Unicode engine accepts with the pattern as the schema wrote it: the check
/// never refuses a value Python's `re` (cfn-lint) would take. They differ only on
/// non-ASCII input, where the check is more lenient.
#[test]
fn translated_patterns_accept_what_the_schemas_accept() {
    use std::collections::BTreeSet;
    let input = real();
    let mut patterns = BTreeSet::new();
    fn collect(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(p)) = m.get("pattern") {
                    out.insert(p.clone());
                }
                m.values().for_each(|x| collect(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    for t in &input.types {
        collect(&t.schema, &mut patterns);
    }
    let samples: Vec<String> = [
        "",
        "a",
        "abc",
        "ABC",
        "my-bucket",
        "my_bucket.01",
        "a b",
        " lead",
        "trail ",
        "10.0.0.0/16",
        "arn:aws:iam::123456789012:role/x",
        "vpc-0123abcd",
        "sg-1",
        "pl-6da54004",
        "t3.micro",
        "HTTP",
        "/health",
        "s3://b/k",
        "x@y.z",
        "1",
        "-1",
        "0.5",
        "a\nb",
        "tab\tx",
        "Überprüfung",
        "日本語",
        "naïve-name",
        "x".repeat(70).as_str(),
        "{{resolve:ssm:/a}}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (mut checked, mut lenient) = (0, 0);
    for p in &patterns {
        let translated = pattern::translate(p);
        if !pattern::compiles(&translated) {
            continue;
        }
        // The schema's own pattern, with only Python's end anchor spelled for `regex`.
        let Ok(full) = regex::Regex::new(&p.replace(r"\Z", r"\z")) else {
            continue;
        };
        let lite = regex_lite::Regex::new(&translated).expect("compiles");
        checked += 1;
        for s in &samples {
            match (full.is_match(s), lite.is_match(s)) {
                (true, false) => {
                    panic!("{p:?} (as {translated:?}) refuses {s:?}, which Python's re takes")
                }
                (false, true) => {
                    assert!(!s.is_ascii(), "{p:?} differs on the ASCII value {s:?}");
                    lenient += 1;
                }
                _ => {}
            }
        }
    }
    assert!(checked > 1000, "only {checked} patterns compared");
    eprintln!("{checked} patterns compared; {lenient} lenient answers on non-ASCII values");
}
