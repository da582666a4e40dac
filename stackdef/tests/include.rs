//! `stackdef::include`: a hand-written template adopted into a stack keeps its logical ids,
//! parameters, conditions and outputs; its resources come back typed, can be referenced by
//! new constructs and changed; mistakes are reported at the user's line.

use serde_json::json;
use stackdef::include::{IncludeError, IncludedTemplate};
use stackdef::{App, CfnOutput, Env, cfn};

const JSON_TEMPLATE: &str = r#"{
  "Parameters": {"Retention": {"Type": "Number", "MinValue": 1, "Default": 7}},
  "Resources": {
    "Audit": {"Type": "AWS::Logs::LogGroup",
              "Properties": {"RetentionInDays": {"Ref": "Retention"}}},
    "Events": {"Type": "AWS::SQS::Queue"}
  }
}"#;

#[test]
fn resources_come_back_typed_and_new_constructs_reference_them() {
    let app = App::new();
    let stack = app.stack("Legacy", Env::region("eu-west-1"));
    let legacy = IncludedTemplate::from_str(&stack, "Template", JSON_TEMPLATE);
    let audit: cfn::logs::LogGroup = legacy.resource("Audit").expect("typed log group");
    // Changed through the raw resource, like any L1 value.
    audit.set_property("LogGroupClass", "STANDARD");
    CfnOutput::new(&stack, "AuditArn", audit.attr_arn());
    let retention = legacy.parameter("Retention").expect("parameter");
    CfnOutput::new(&stack, "Days", retention.value::<f64>());

    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    let t = &out.stack("Legacy").expect("stack").template;
    // Logical ids kept: a deploy over the old stack replaces nothing.
    assert_eq!(t["Resources"]["Audit"]["Type"], "AWS::Logs::LogGroup");
    assert_eq!(t["Resources"]["Events"]["Type"], "AWS::SQS::Queue");
    assert_eq!(
        t["Resources"]["Audit"]["Properties"]["RetentionInDays"],
        json!({"Ref": "Retention"})
    );
    assert_eq!(
        t["Resources"]["Audit"]["Properties"]["LogGroupClass"],
        "STANDARD"
    );
    assert_eq!(t["Parameters"]["Retention"]["MinValue"], json!(1));
    assert_eq!(
        t["Outputs"]["AuditArn"]["Value"],
        json!({"Fn::GetAtt": ["Audit", "Arn"]})
    );
    assert_eq!(t["Outputs"]["Days"]["Value"], json!({"Ref": "Retention"}));
}

#[test]
fn asking_for_the_wrong_type_or_a_missing_id_is_a_typed_error() {
    let app = App::new();
    let stack = app.stack("Legacy", Env::region("eu-west-1"));
    let legacy = IncludedTemplate::from_str(&stack, "Template", JSON_TEMPLATE);
    let wrong = legacy
        .resource::<cfn::s3::Bucket>("Audit")
        .expect_err("Audit is a log group");
    assert!(matches!(
        &wrong,
        IncludeError::WrongType { found, wanted: "AWS::S3::Bucket", .. } if found == "AWS::Logs::LogGroup"
    ));
    let missing = legacy
        .resource::<cfn::s3::Bucket>("Logs")
        .expect_err("no Logs in this template");
    assert_eq!(
        missing.to_string(),
        "Legacy/Template: the template has no resource `Logs` (it has: Audit, Events)"
    );
    let raw = legacy.raw_resource("Events").expect("raw resource");
    assert_eq!(raw.type_name(), "AWS::SQS::Queue");
}

#[cfg(feature = "yaml")]
#[test]
fn yaml_files_with_short_forms_keep_conditions_and_outputs() {
    let app = App::new();
    let stack = app.stack("Logging", Env::region("eu-west-1"));
    let legacy = IncludedTemplate::from_file(&stack, "Legacy", "tests/templates/legacy.yaml");
    let logs: cfn::s3::Bucket = legacy.resource("Logs").expect("bucket");
    // A new resource under the template's own condition.
    let production = legacy.condition("IsProduction").expect("condition");
    let copy = stackdef::CfnResource::new(&stack, "LogsCopy", "AWS::SSM::Parameter");
    copy.set_property("Type", "String");
    copy.set_property("Value", logs.attr_arn());
    copy.set_condition(&production);

    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    let t = &out.stack("Logging").expect("stack").template;
    assert_eq!(t["Description"], "The team's hand-written logging stack");
    assert_eq!(
        t["Conditions"]["IsProduction"],
        json!({"Fn::Equals": [{"Ref": "Environment"}, "production"]})
    );
    assert_eq!(t["Resources"]["Logs"]["DeletionPolicy"], "Retain");
    assert_eq!(
        t["Resources"]["Logs"]["Properties"]["VersioningConfiguration"]["Status"],
        json!({"Fn::If": ["IsProduction", "Enabled", "Suspended"]})
    );
    assert_eq!(t["Resources"]["Alerts"]["Condition"], "IsProduction");
    let copy_id = t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::SSM::Parameter")
        .map(|(id, _)| id.clone())
        .expect("the new parameter");
    assert_eq!(t["Resources"][&copy_id]["Condition"], "IsProduction");
    assert_eq!(
        t["Outputs"]["LogsArn"]["Export"]["Name"],
        json!({"Fn::Sub": "${AWS::StackName}-logs"})
    );
}

#[test]
fn unreadable_files_and_unsupported_sections_fail_synth_at_the_users_line() {
    let app = App::new();
    let stack = app.stack("Broken", Env::region("eu-west-1"));
    let line = line!() + 1;
    IncludedTemplate::from_file(&stack, "Missing", "tests/templates/no-such-file.json");
    IncludedTemplate::from_str(
        &stack,
        "Sam",
        r#"{"Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"Fn": {"Type": "AWS::Serverless::Function"}}}"#,
    );
    IncludedTemplate::from_str(
        &stack,
        "Dangling",
        r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "DependsOn": "Nope"}}}"#,
    );
    let err = app
        .synthesize()
        .expect_err("three broken includes")
        .to_string();
    assert!(
        err.contains("Broken/Missing") && err.contains("no-such-file.json"),
        "{err}"
    );
    assert!(
        err.contains(&format!("tests/include.rs:{line}")),
        "points at the user's line: {err}"
    );
    assert!(
        err.contains("Broken/Sam") && err.contains("`Transform`"),
        "{err}"
    );
    assert!(
        err.contains("Broken/Dangling") && err.contains("Nope"),
        "{err}"
    );
}
