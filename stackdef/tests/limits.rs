//! CloudFormation limits checked at synth: each breach gives its own error, all breaches
//! are reported together, and each error names the construct path and the line of this
//! file that declared the offending construct.

use indexmap::IndexMap;
use stackdef::{App, CfnMapping, CfnOutput, CfnParameter, CfnResource, Env, ErrorKind, SynthError};

const THIS_FILE: &str = file!();

fn env() -> Env {
    Env::aws("123456789012", "eu-west-1")
}

fn mapping() -> IndexMap<String, IndexMap<String, serde_json::Value>> {
    let mut row = IndexMap::new();
    row.insert("Ami".to_string(), serde_json::json!("ami-123"));
    let mut m = IndexMap::new();
    m.insert("eu-west-1".to_string(), row);
    m
}

fn assert_at_line(e: &SynthError, line: u32) {
    let loc = e.location.unwrap_or_else(|| panic!("no location on {e}"));
    assert_eq!((loc.file, loc.line), (THIS_FILE, line), "{e}");
}

fn only_error(app: &App) -> SynthError {
    let errors = app.synthesize().expect_err("a limit is breached");
    assert_eq!(errors.len(), 1, "{errors}");
    errors.0[0].clone()
}

fn limit(stack: &str, what: &'static str, count: usize, limit: usize) -> ErrorKind {
    ErrorKind::LimitExceeded {
        stack: stack.into(),
        what,
        count,
        limit,
    }
}

#[test]
fn exactly_at_the_limits_is_fine() {
    let app = App::new();
    let stack = app.stack("Full", env());
    for i in 0..500 {
        CfnResource::new(&stack, &format!("R{i}"), "AWS::SNS::Topic");
    }
    for i in 0..200 {
        CfnParameter::new(&stack, &format!("P{i}"), "String");
        CfnOutput::new(&stack, &format!("O{i}"), "x");
        CfnMapping::new(&stack, &format!("M{i}"), mapping());
    }
    let out = app.synthesize().expect("at the limits is allowed");
    assert_eq!(out.stacks[0].artifact.resources.len(), 500);
}

#[test]
fn too_many_resources() {
    let app = App::new();
    let line = line!() + 1;
    let stack = app.stack("Big", env());
    for i in 0..501 {
        CfnResource::new(&stack, &format!("R{i}"), "AWS::SNS::Topic");
    }
    let e = only_error(&app);
    assert_eq!(e.kind, limit("Big", "resources", 501, 500));
    assert_eq!(e.path.as_deref(), Some("Big"));
    assert_at_line(&e, line);
    assert_eq!(
        e.kind.to_string(),
        "stack `Big` has 501 resources; CloudFormation allows at most 500"
    );
}

#[test]
fn too_many_parameters() {
    let app = App::new();
    let line = line!() + 1;
    let stack = app.stack("Params", env());
    for i in 0..201 {
        CfnParameter::new(&stack, &format!("P{i}"), "String");
    }
    let e = only_error(&app);
    assert_eq!(e.kind, limit("Params", "parameters", 201, 200));
    assert_at_line(&e, line);
}

#[test]
fn too_many_outputs_counting_automatic_exports() {
    let app = App::new();
    let line = line!() + 1;
    let producer = app.stack("Outs", env());
    let consumer = app.stack("Consumer", env());
    // 199 declared outputs + 2 exports made for the consumer's references = 201.
    for i in 0..199 {
        CfnOutput::new(&producer, &format!("O{i}"), "x");
    }
    let topic = CfnResource::new(&producer, "Topic", "AWS::SNS::Topic");
    let q = CfnResource::new(&consumer, "Q", "AWS::SQS::Queue");
    q.set_property("QueueName", topic.ref_value::<String>());
    q.set_property("KmsMasterKeyId", topic.get_att::<String>("TopicName"));
    let e = only_error(&app);
    assert_eq!(e.kind, limit("Outs", "outputs", 201, 200));
    assert_at_line(&e, line);
}

#[test]
fn too_many_mappings() {
    let app = App::new();
    let line = line!() + 1;
    let stack = app.stack("Maps", env());
    for i in 0..201 {
        CfnMapping::new(&stack, &format!("M{i}"), mapping());
    }
    let e = only_error(&app);
    assert_eq!(e.kind, limit("Maps", "mappings", 201, 200));
    assert_at_line(&e, line);
}

#[test]
fn invalid_logical_id_overrides() {
    let app = App::new();
    let stack = app.stack("Ids", env());
    let line_charset = line!() + 1;
    let a = CfnResource::new(&stack, "A", "AWS::SNS::Topic");
    a.override_logical_id("my-topic");
    let line_long = line!() + 1;
    let b = CfnResource::new(&stack, "B", "AWS::SNS::Topic");
    b.override_logical_id(&"T".repeat(256));
    let c = CfnResource::new(&stack, "C", "AWS::SNS::Topic");
    c.override_logical_id(&"T".repeat(255)); // exactly at the limit: fine
    let errors = app.synthesize().expect_err("invalid ids");
    assert_eq!(errors.len(), 2, "{errors}");
    let [charset, long] = [&errors.0[0], &errors.0[1]];
    assert_eq!(
        charset.kind,
        ErrorKind::InvalidLogicalId {
            id: "my-topic".into(),
            reason: "only ASCII letters and digits are allowed".into(),
        }
    );
    assert_eq!(charset.path.as_deref(), Some("Ids/A"));
    assert_at_line(charset, line_charset);
    assert!(
        matches!(&long.kind, ErrorKind::InvalidLogicalId { id, reason }
            if id.len() == 256 && reason.contains("256 characters") && reason.contains("255")),
        "{long}"
    );
    assert_eq!(long.path.as_deref(), Some("Ids/B"));
    assert_at_line(long, line_long);
}

#[test]
fn top_level_id_that_is_not_a_logical_id_is_reported() {
    let app = App::new();
    let stack = app.stack("Verbatim", env());
    let line = line!() + 1;
    CfnResource::new(&stack, "my_bucket", "AWS::S3::Bucket");
    let e = only_error(&app);
    assert!(
        matches!(&e.kind, ErrorKind::InvalidLogicalId { id, .. } if id == "my_bucket"),
        "{e}"
    );
    assert_at_line(&e, line);
}

#[test]
fn template_over_one_megabyte() {
    let app = App::new();
    let line = line!() + 1;
    let stack = app.stack("Huge", env());
    let r = CfnResource::new(&stack, "Blob", "AWS::SSM::Parameter");
    r.set_property("Type", "String");
    r.set_property("Value", "x".repeat(1_000_001));
    let e = only_error(&app);
    assert!(
        matches!(e.kind, ErrorKind::TemplateTooLarge { ref stack, size, limit }
            if stack == "Huge" && size > 1_000_001 && limit == 1_000_000),
        "{e}"
    );
    assert_at_line(&e, line);
}

#[test]
fn templates_over_51200_bytes_require_upload() {
    let app = App::new();
    let small = app.stack("Small", env());
    let large = app.stack("Large", env());
    let r = CfnResource::new(&small, "R", "AWS::SSM::Parameter");
    r.set_property("Type", "String");
    r.set_property("Value", "x");
    let r = CfnResource::new(&large, "R", "AWS::SSM::Parameter");
    r.set_property("Type", "String");
    r.set_property("Value", "x".repeat(51_200));
    let out = app.synthesize().expect("valid app");
    let s = &out.stack("Small").expect("small").artifact;
    let l = &out.stack("Large").expect("large").artifact;
    assert!(!s.requires_upload);
    assert!(l.requires_upload);
    assert!(l.template_size > 51_200);
    assert_eq!(
        l.template_size,
        out.stack("Large").expect("large").template_json.len()
    );

    // The boundary: exactly 51,200 bytes is still inline, one more byte is not.
    for (extra, upload) in [(0usize, false), (1, true)] {
        let app = App::new();
        let stack = app.stack("Edge", env());
        let r = CfnResource::new(&stack, "R", "AWS::SSM::Parameter");
        r.set_property("Type", "String");
        r.set_property("Value", "");
        let base = app.synthesize().expect("valid").stacks[0]
            .artifact
            .template_size;
        let app = App::new();
        let stack = app.stack("Edge", env());
        let r = CfnResource::new(&stack, "R", "AWS::SSM::Parameter");
        r.set_property("Type", "String");
        r.set_property("Value", "y".repeat(51_200 - base + extra));
        let a = app.synthesize().expect("valid").stacks[0].artifact.clone();
        assert_eq!(a.template_size, 51_200 + extra);
        assert_eq!(a.requires_upload, upload, "size {}", a.template_size);
    }
}

#[test]
fn every_breach_is_reported_at_once() {
    let app = App::new();
    let line_res = line!() + 1;
    let many = app.stack("Many", env());
    for i in 0..501 {
        CfnResource::new(&many, &format!("R{i}"), "AWS::SNS::Topic");
    }
    let line_params = line!() + 1;
    let params = app.stack("Params", env());
    for i in 0..201 {
        CfnParameter::new(&params, &format!("P{i}"), "String");
    }
    let line_huge = line!() + 1;
    let huge = app.stack("Huge", env());
    let blob = CfnResource::new(&huge, "Blob", "AWS::SSM::Parameter");
    blob.set_property("Type", "String");
    blob.set_property("Value", "x".repeat(1_100_000));
    let line_id = line!() + 1;
    let bad = CfnResource::new(&huge, "Bad", "AWS::SNS::Topic");
    bad.override_logical_id("not valid");
    let line_dup = line!() + 1;
    CfnResource::new(&huge, "Bad", "AWS::SNS::Topic");
    let line_name = line!() + 1;
    app.stack("bad_name", env());

    let errors = app.synthesize().expect_err("many breaches");
    let mut found: Vec<(String, Option<String>, u32)> = errors
        .iter()
        .map(|e| {
            let what = match &e.kind {
                ErrorKind::LimitExceeded { what, .. } => what.to_string(),
                ErrorKind::TemplateTooLarge { .. } => "size".into(),
                ErrorKind::InvalidLogicalId { .. } => "logical id".into(),
                ErrorKind::DuplicateId { .. } => "duplicate".into(),
                ErrorKind::InvalidStackName { .. } => "stack name".into(),
                other => panic!("unexpected {other}"),
            };
            let loc = e.location.expect("location");
            assert_eq!(loc.file, THIS_FILE);
            (what, e.path.clone(), loc.line)
        })
        .collect();
    found.sort();
    let mut expected = vec![
        ("resources".to_string(), Some("Many".to_string()), line_res),
        ("parameters".into(), Some("Params".into()), line_params),
        ("size".into(), Some("Huge".into()), line_huge),
        ("logical id".into(), Some("Huge/Bad".into()), line_id),
        ("duplicate".into(), Some("Huge/Bad".into()), line_dup),
        ("stack name".into(), Some("bad_name".into()), line_name),
    ];
    expected.sort();
    assert_eq!(found, expected, "{errors}");
    // The report lists them all.
    let text = errors.to_string();
    assert!(text.starts_with("synth failed with 6 errors:"), "{text}");
    assert!(text.contains(&format!("{THIS_FILE}:{line_res}:")), "{text}");
}
