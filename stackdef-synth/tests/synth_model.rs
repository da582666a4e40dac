//! The synthesizer on hand-built models: logical-id derivation, `Fn::Sub` rendering,
//! references that cannot cross stacks, export naming at the length limit, and large
//! graphs.

use serde_json::json;
use stackdef_synth::logical_id::{self, derive, path_hash};
use stackdef_synth::{
    AppModel, ConditionModel, Env, ErrorKind, Expr, MappingModel, OutputModel, ParameterModel,
    Pseudo, ResourceModel, StackModel, SubPart, synthesize,
};

fn p(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

fn model(stacks: &[&str]) -> AppModel {
    let mut m = AppModel::new(7);
    for name in stacks {
        m.stacks.push(StackModel {
            name: name.to_string(),
            env: Env::aws("123456789012", "eu-west-1"),
            description: None,
            tags: Default::default(),
            explicit_dependencies: vec![],
            location: None,
        });
    }
    m
}

#[test]
fn derive_pins() {
    // Computed independently of the implementation (SHA-256 of the path joined by `/`,
    // first 8 hex digits, uppercase).
    assert_eq!(derive(&p(&["Topic"])), "Topic");
    assert_eq!(derive(&p(&["Resource"])), "Resource");
    assert_eq!(path_hash(&p(&["Vpc", "Resource"])), "CFCF4CD8");
    assert_eq!(derive(&p(&["Vpc", "Resource"])), "VpcCFCF4CD8");
    assert_eq!(derive(&p(&["Group0", "Res0"])), "Group0Res08FFBA259");
    assert_eq!(derive(&p(&["Service", "Service"])), "ServiceA513FD59");
    // Only hidden components: the hash alone.
    let only_hash = derive(&p(&["Default", "Resource"]));
    assert_eq!(only_hash.len(), 8);
    assert_eq!(only_hash, path_hash(&p(&["Default", "Resource"])));
    assert!(logical_id::is_valid(&only_hash));
    // Non-ASCII letters are dropped from the readable part, but hashed.
    let unicode = derive(&p(&["Bänk", "Ümlaut"]));
    assert!(unicode.starts_with("Bnkmlaut"), "{unicode}");
    assert_eq!(unicode.len(), "Bnkmlaut".len() + 8);
    assert!(logical_id::is_valid(&unicode));
    assert_ne!(derive(&p(&["A", "B"])), derive(&p(&["AB"])));
    assert_ne!(derive(&p(&["A", "B"])), derive(&p(&["A-", "B"])));
}

#[test]
fn logical_id_validity() {
    assert!(logical_id::is_valid("Abc123"));
    assert!(!logical_id::is_valid(""));
    assert!(!logical_id::is_valid("a-b"));
    assert!(!logical_id::is_valid("a_b"));
    assert!(!logical_id::is_valid("ä"));
    assert!(logical_id::is_valid(&"x".repeat(255)));
    assert!(!logical_id::is_valid(&"x".repeat(256)));
    assert_eq!(
        logical_id::invalid_reason(""),
        Some("logical ids cannot be empty".into())
    );
}

fn template_of(m: &AppModel, stack: &str) -> serde_json::Value {
    let out = synthesize(m).unwrap_or_else(|e| panic!("{e}"));
    out.stack(stack).expect("stack").template.clone()
}

#[test]
fn sub_escapes_literal_dollar_braces_and_inlines_local_refs() {
    let mut m = model(&["S"]);
    let topic = m.add_resource(ResourceModel::new(0, p(&["Topic"]), "AWS::SNS::Topic"));
    let param = m.add_parameter(ParameterModel {
        stack: 0,
        id: "Stage".into(),
        type_name: "String".into(),
        ..Default::default()
    });
    let mut q = ResourceModel::new(0, p(&["Q"]), "AWS::SQS::Queue");
    q.properties.insert(
        "Mixed".into(),
        Expr::Sub(vec![
            SubPart::Text("${literal}-".into()),
            SubPart::Expr(Expr::String("${also}".into())),
            SubPart::Expr(Expr::Ref(topic)),
            SubPart::Text("-".into()),
            SubPart::Expr(Expr::GetAtt(topic, "TopicName".into())),
            SubPart::Expr(Expr::Param(param)),
            SubPart::Expr(Expr::Pseudo(Pseudo::Region)),
            SubPart::Expr(Expr::Join(
                ",".into(),
                Box::new(Expr::List(vec!["a".into()])),
            )),
        ]),
    );
    q.properties.insert(
        "TextOnly".into(),
        Expr::Sub(vec![
            SubPart::Text("a ${b} ".into()),
            SubPart::Expr(Expr::String("c".into())),
        ]),
    );
    m.add_resource(q);
    let t = template_of(&m, "S");
    assert_eq!(
        t["Resources"]["Q"]["Properties"]["Mixed"],
        json!({ "Fn::Sub": [
            "${!literal}-${!also}${Topic}-${Topic.TopicName}${Stage}${AWS::Region}${Var0}",
            { "Var0": { "Fn::Join": [",", ["a"]] } }
        ] })
    );
    assert_eq!(
        t["Resources"]["Q"]["Properties"]["TextOnly"],
        json!("a ${b} c")
    );
}

#[test]
fn parameters_conditions_and_mappings_stay_in_their_stack() {
    let mut m = model(&["A", "B"]);
    let param = m.add_parameter(ParameterModel {
        stack: 0,
        id: "Stage".into(),
        type_name: "String".into(),
        ..Default::default()
    });
    let cond = m.add_condition(ConditionModel {
        stack: 0,
        id: "IsProd".into(),
        expr: Expr::Equals(Box::new(Expr::Param(param)), Box::new("prod".into())),
        location: None,
    });
    let map = m.add_mapping(MappingModel {
        stack: 0,
        id: "Amis".into(),
        entries: Default::default(),
        location: None,
    });
    let mut r = ResourceModel::new(1, p(&["R"]), "AWS::SNS::Topic");
    r.properties.insert("P".into(), Expr::Param(param));
    r.properties.insert(
        "I".into(),
        Expr::If(cond, Box::new("a".into()), Box::new(Expr::NoValue)),
    );
    r.properties.insert(
        "M".into(),
        Expr::FindInMap(map, Box::new("x".into()), Box::new("y".into())),
    );
    r.condition = Some(cond);
    m.add_resource(r);
    let errors = synthesize(&m).expect_err("cross-stack template items");
    let details: Vec<String> = errors
        .iter()
        .map(|e| match &e.kind {
            ErrorKind::DanglingReference { detail } => {
                assert_eq!(e.path.as_deref(), Some("B/R"));
                detail.clone()
            }
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(details.len(), 4, "{errors}");
    assert!(details[0].contains("parameter `Stage` belongs to stack `A`"));
    assert!(details[1].contains("condition `IsProd` belongs to stack `A`"));
    assert!(details[2].contains("mapping"));
    assert!(details[3].contains("condition `IsProd`"));
}

/// A resource whose logical id is as long as allowed, exporting two attributes.
#[test]
fn exports_of_long_logical_ids_stay_distinct_and_within_limits() {
    let mut m = model(&["Producer", "Consumer"]);
    let long_id = "L".repeat(255);
    let mut producer = ResourceModel::new(0, p(&["Long"]), "AWS::SNS::Topic");
    producer.logical_id_override = Some(long_id.clone());
    let key = m.add_resource(producer);
    let mut consumer = ResourceModel::new(1, p(&["C"]), "AWS::SQS::Queue");
    consumer
        .properties
        .insert("A".into(), Expr::GetAtt(key, "TopicArn".into()));
    consumer
        .properties
        .insert("B".into(), Expr::GetAtt(key, "TopicName".into()));
    consumer.properties.insert("C".into(), Expr::Ref(key));
    m.add_resource(consumer);
    let out = synthesize(&m).unwrap_or_else(|e| panic!("{e}"));
    let producer = &out.stack("Producer").expect("producer").template;
    let outputs = producer["Outputs"].as_object().expect("outputs");
    assert_eq!(outputs.len(), 3, "{:?}", outputs.keys().collect::<Vec<_>>());
    let mut export_names = Vec::new();
    for (id, o) in outputs {
        assert!(logical_id::is_valid(id), "{id}");
        let name = o["Export"]["Name"].as_str().expect("name").to_string();
        assert!(name.len() <= 255, "{name}");
        export_names.push((name, o["Value"].clone()));
    }
    // Each consumer property imports the export holding exactly what it referenced.
    let consumer = &out.stack("Consumer").expect("consumer").template;
    let props = &consumer["Resources"]["C"]["Properties"];
    for (prop, value) in [
        ("A", json!({ "Fn::GetAtt": [long_id, "TopicArn"] })),
        ("B", json!({ "Fn::GetAtt": [long_id, "TopicName"] })),
        ("C", json!({ "Ref": long_id })),
    ] {
        let import = props[prop]["Fn::ImportValue"].as_str().expect("import");
        let exported: Vec<_> = export_names.iter().filter(|(n, _)| n == import).collect();
        assert_eq!(exported.len(), 1, "{prop}: {import}");
        assert_eq!(exported[0].1, value, "{prop}");
    }
}

#[test]
fn user_output_named_like_an_automatic_export_is_a_collision() {
    let mut m = model(&["Producer", "Consumer"]);
    let key = m.add_resource(ResourceModel::new(0, p(&["Vpc"]), "AWS::EC2::VPC"));
    m.outputs.push(OutputModel {
        stack: 0,
        id: "ExportRefVpc".into(),
        value: "mine".into(),
        description: None,
        export_name: None,
        condition: None,
        location: None,
    });
    let mut consumer = ResourceModel::new(1, p(&["C"]), "AWS::EC2::Subnet");
    consumer.properties.insert("VpcId".into(), Expr::Ref(key));
    m.add_resource(consumer);
    let errors = synthesize(&m).expect_err("output id clash");
    assert!(
        matches!(&errors.0[..], [e] if matches!(&e.kind, ErrorKind::LogicalIdCollision { id, .. } if id == "ExportRefVpc")),
        "{errors}"
    );
}

#[test]
fn long_cycle_is_found_without_recursion_limits() {
    // 20,000 resources in one ring (far over the per-stack limit, which is also reported).
    let n = 20_000u32;
    let mut m = model(&["Ring"]);
    for i in 0..n {
        let mut r = ResourceModel::new(0, p(&["G", &format!("R{i}")]), "AWS::SNS::Topic");
        r.depends_on.push(stackdef_synth::ResourceKey {
            app: 7,
            index: (i + 1) % n,
        });
        m.add_resource(r);
    }
    let errors = synthesize(&m).expect_err("cycle");
    let cycle = errors
        .iter()
        .find_map(|e| match &e.kind {
            ErrorKind::Cycle { paths } => Some(paths.clone()),
            _ => None,
        })
        .expect("a cycle error");
    assert_eq!(cycle.len(), n as usize + 1);
    assert_eq!(cycle[0], "Ring/G/R0");
    assert_eq!(cycle[1], "Ring/G/R1");
    assert_eq!(cycle[n as usize], "Ring/G/R0");
    assert!(errors.iter().any(|e| matches!(
        e.kind,
        ErrorKind::LimitExceeded {
            what: "resources",
            count: 20_000,
            ..
        }
    )));
}

#[test]
fn keys_of_another_app_are_dangling() {
    let mut m = model(&["S"]);
    let mut r = ResourceModel::new(0, p(&["R"]), "AWS::SNS::Topic");
    let foreign = stackdef_synth::ResourceKey { app: 8, index: 0 };
    r.properties
        .insert("X".into(), Expr::GetAtt(foreign, "Arn".into()));
    m.add_resource(r);
    let errors = synthesize(&m).expect_err("dangling");
    assert!(
        matches!(&errors.0[..], [e] if matches!(e.kind, ErrorKind::DanglingReference { .. })),
        "{errors}"
    );
}

#[test]
fn automatic_exports_with_colliding_output_ids_stay_distinct() {
    // `ExportAtt` + `Db` + `EndpointAddress` == `ExportAtt` + `DbEndpoint` + `Address`.
    let mut m = model(&["Producer", "Consumer"]);
    let db = m.add_resource(ResourceModel::new(0, p(&["Db"]), "AWS::RDS::DBInstance"));
    let ep = m.add_resource(ResourceModel::new(0, p(&["DbEndpoint"]), "AWS::SNS::Topic"));
    let mut c = ResourceModel::new(1, p(&["C"]), "AWS::SQS::Queue");
    c.properties
        .insert("A".into(), Expr::GetAtt(db, "Endpoint.Address".into()));
    c.properties
        .insert("B".into(), Expr::GetAtt(ep, "Address".into()));
    m.add_resource(c);
    let out = synthesize(&m).unwrap_or_else(|e| panic!("{e}"));
    let outputs = out.stack("Producer").expect("producer").template["Outputs"]
        .as_object()
        .expect("outputs")
        .clone();
    assert_eq!(outputs.len(), 2, "{outputs:?}");
    assert!(outputs.contains_key("ExportAttDbEndpointAddress"));
    let props = &out.stack("Consumer").expect("consumer").template["Resources"]["C"]["Properties"];
    for (prop, value) in [
        ("A", json!({ "Fn::GetAtt": ["Db", "Endpoint.Address"] })),
        ("B", json!({ "Fn::GetAtt": ["DbEndpoint", "Address"] })),
    ] {
        let import = &props[prop]["Fn::ImportValue"];
        let exported: Vec<_> = outputs
            .iter()
            .filter(|(_, o)| &o["Export"]["Name"] == import)
            .collect();
        assert_eq!(exported.len(), 1, "{prop}: {import}");
        assert_eq!(exported[0].1["Value"], value, "{prop}");
        assert!(logical_id::is_valid(exported[0].0));
    }
}

#[test]
fn null_property_values_are_rejected_with_their_name() {
    let mut model = stackdef_synth::AppModel::new(77);
    model.stacks.push(stackdef_synth::StackModel {
        name: "Nulls".into(),
        env: stackdef_synth::Env::agnostic(),
        description: None,
        tags: Default::default(),
        explicit_dependencies: Vec::new(),
        location: None,
    });
    let mut r = stackdef_synth::ResourceModel::new(0, vec!["Queue".into()], "AWS::SQS::Queue");
    r.properties.insert(
        "RedrivePolicy".into(),
        stackdef_synth::Expr::from(serde_json::Value::Null),
    );
    model.add_resource(r);
    let errors = stackdef_synth::synthesize(&model).expect_err("null must be rejected");
    let text = errors.to_string();
    // Nested nulls are the schema checks' to judge (free-form JSON may hold them).
    assert!(
        text.contains("RedrivePolicy: null is not a valid property value"),
        "{text}"
    );
    assert!(text.contains("[Nulls/Queue]"), "{text}");
}
