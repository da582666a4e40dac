//! The cfn-lint helper itself: clean templates pass, broken ones fail loudly.

use stackdef::{App, CfnOutput, CfnResource, Env};
use stackdef_tests::cfn_lint;

#[test]
fn a_clean_template_passes() {
    let app = App::new();
    let stack = app.stack("LintClean", Env::aws("123456789012", "us-east-1"));
    let queue = CfnResource::new(&stack, "Queue", "AWS::SQS::Queue");
    queue.set_property("MessageRetentionPeriod", 345_600i64);
    let arn: stackdef::Value<String> = queue.get_att("Arn");
    CfnOutput::new(&stack, "QueueArn", arn);
    let out = app.synthesize().expect("synth");
    cfn_lint::assert_clean("LintClean", &out.stacks[0].template_json);
}

#[test]
fn a_broken_template_is_reported() {
    // Written by hand: synth itself refuses the unknown property.
    let template = r#"{"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"NoSuchProperty": "x"}}}}"#;
    let report = cfn_lint::lint("LintBroken", template);
    assert!(
        report
            .errors_and_warnings()
            .iter()
            .any(|f| f.contains("NoSuchProperty")),
        "{report:?}"
    );
    let caught = std::panic::catch_unwind(|| cfn_lint::assert_clean("LintBroken", template));
    assert!(caught.is_err(), "assert_clean must fail on an error");
}
