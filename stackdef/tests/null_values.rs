//! Nulls: CloudFormation rejects a null property, and a null where the schema wants a
//! value, but free-form JSON (a state machine's definition) may hold them.

use serde_json::json;
use stackdef::{App, CfnResource, Env};

#[test]
fn a_null_where_the_schema_wants_a_value_fails_synth() {
    let app = App::new();
    let stack = app.stack("Nulls", Env::region("eu-west-1"));
    let topic = CfnResource::new(&stack, "Topic", "AWS::SNS::Topic");
    topic.set_property(
        "Subscription",
        json!([{"Endpoint": null, "Protocol": "email"}]),
    );
    let err = app.synthesize().expect_err("a null endpoint").to_string();
    assert!(err.contains("Subscription[0].Endpoint"), "{err}");
    assert!(err.contains("Nulls/Topic"), "{err}");
}

#[test]
fn nulls_inside_free_form_json_are_kept() {
    let app = App::new();
    let stack = app.stack("Nulls", Env::region("eu-west-1"));
    let role = CfnResource::new(&stack, "Role", "AWS::IAM::Role");
    role.set_property(
        "AssumeRolePolicyDocument",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
    );
    let machine = CfnResource::new(&stack, "Flow", "AWS::StepFunctions::StateMachine");
    machine.set_property("RoleArn", role.get_att::<String>("Arn"));
    machine.set_property(
        "Definition",
        json!({"StartAt": "Record", "States": {"Record": {"Type": "Pass", "ResultPath": null, "End": true}}}),
    );
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    let t = &out.stack("Nulls").expect("stack").template;
    let id = t["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::StepFunctions::StateMachine")
        .map(|(id, _)| id.clone())
        .expect("state machine");
    assert!(
        t["Resources"][&id]["Properties"]["Definition"]["States"]["Record"]["ResultPath"].is_null()
    );
}
