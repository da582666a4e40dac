//! W4 (`examples/pipeline.rs`): both templates are snapshotted and cfn-lint clean, the
//! permissions are the least the actions need, and checkov finds only what the example
//! documents.

use serde_json::{Value as Json, json};
use stackdef::App;
use stackdef::assertions::Template;
use stackdef_tests::{cfn_lint, checkov};

#[allow(dead_code)]
#[path = "../pipeline.rs"]
mod pipeline;

fn synth() -> Vec<(String, String, Template)> {
    let app = App::new();
    let bank = pipeline::bank_app(&app);
    pipeline::bank_pipeline(&app, &bank);
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    out.stacks
        .iter()
        .map(|s| {
            (
                s.artifact.name.clone(),
                s.template_json.clone(),
                Template::from_json(s.template.clone()),
            )
        })
        .collect()
}

fn stack(name: &str) -> Template {
    synth()
        .into_iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, _, t)| t)
        .unwrap_or_else(|| panic!("no stack {name}"))
}

/// Every statement of the role at `path`.
fn statements(t: &Template, path: &str) -> Vec<Json> {
    let id = t.logical_id_of(path).unwrap_or_else(|| panic!("no {path}"));
    t.json()["Resources"][&id]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn pipeline_templates_snapshot() {
    for (name, text, _) in synth() {
        insta::assert_snapshot!(format!("{name}.template.json"), text);
    }
}

#[test]
fn pipeline_templates_are_cfn_lint_clean() {
    for (name, text, _) in synth() {
        cfn_lint::assert_clean(&name, &text);
    }
}

#[test]
fn checkov_finds_only_what_the_example_documents() {
    let example = include_str!("../pipeline.rs");
    let bank = include_str!("../bank_stack.rs");
    for (name, text, _) in synth() {
        let failed = checkov::failed_checks(&text);
        let undocumented: Vec<&String> = failed
            .iter()
            .filter(|id| !example.contains(id.as_str()) && !bank.contains(id.as_str()))
            .collect();
        assert!(
            undocumented.is_empty(),
            "{name}: undocumented checkov findings {undocumented:?}"
        );
    }
}

#[test]
fn the_pipeline_runs_source_build_migrate_deploy() {
    let t = stack("BankPipeline");
    let pipelines = t.resources_of_type("AWS::CodePipeline::Pipeline");
    let stages: Vec<&str> = pipelines[0]["Properties"]["Stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["Name"].as_str())
        .collect();
    assert_eq!(stages, ["Source", "Build", "Migrate", "Deploy"]);
}

#[test]
fn the_pipeline_role_passes_only_the_two_task_roles() {
    let t = stack("BankPipeline");
    let passed: Vec<Json> = statements(&t, "BankPipeline/Pipeline/Role")
        .into_iter()
        .filter(|s| s["Action"] == "iam:PassRole")
        .map(|s| {
            assert_eq!(
                s["Condition"],
                json!({"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}})
            );
            s["Resource"].clone()
        })
        .collect();
    assert_eq!(
        passed,
        [
            json!({"Fn::ImportValue": "BankApp:BankTaskExecutionRole6A06F186-Arn"}),
            json!({"Fn::ImportValue": "BankApp:BankTaskTaskRoleD3D1DAAD-Arn"}),
        ]
    );
}

#[test]
fn the_build_pushes_only_to_the_app_repository() {
    let t = stack("BankPipeline");
    let pushes: Vec<Json> = statements(&t, "BankPipeline/ImageBuild/Role")
        .into_iter()
        .filter(|s| {
            s["Action"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("ecr:PutImage")))
        })
        .map(|s| s["Resource"].clone())
        .collect();
    assert_eq!(pushes, [json!({"Fn::ImportValue": "BankApp:Images-Arn"})]);
    t.has_resource_properties(
        "AWS::CodeBuild::Project",
        json!({"Environment": {"PrivilegedMode": true, "Type": "LINUX_CONTAINER"}}),
    );
}

#[test]
fn the_artifact_bucket_is_private_and_encrypted_under_the_stack_key() {
    let t = stack("BankPipeline");
    let key = t.logical_id_of("BankPipeline/Key").expect("key");
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [key, "Arn"]}}}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
        }),
    );
    t.has_resource_properties(
        "AWS::CodePipeline::Pipeline",
        json!({"ArtifactStore": {"EncryptionKey": {"Type": "KMS"}}}),
    );
}

#[test]
fn the_migration_reaches_the_database_and_can_be_run_by_hand() {
    let t = stack("BankApp");
    let group = |path: &str| json!({"Fn::GetAtt": [t.logical_id_of(path).unwrap_or_else(|| panic!("{path}")), "GroupId"]});
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({
            "GroupId": group("BankApp/Bank/Database/SecurityGroup"),
            "FromPort": 3306,
            "SourceSecurityGroupId": group("BankApp/Migrate/SecurityGroup"),
        }),
    );
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Name": "bank-app", "Command": ["python", "load_data.py"]}]}),
    );
    let command = t.outputs()["MigrateCommand"]["Value"]["Fn::Sub"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(command.starts_with("aws ecs run-task"), "{command}");
    assert!(command.contains("--launch-type FARGATE"), "{command}");
}
