//! W2 (`examples/multi_env.rs`): one environment construct, four stacks in two regions.
//! The manifest orders and links the stacks, the shared repository crosses stacks as an
//! export/import within us-east-1 and is refused across regions, every path is scoped
//! under the environment construct, production is sized and protected unlike staging, and
//! every template is cfn-lint clean.

use serde_json::{Value as Json, json};
use stackdef::assertions::{Match, Template};
use stackdef::{App, Env, ErrorKind, SynthOutput};
use stackdef_tests::cfn_lint;

#[allow(dead_code)]
#[path = "../multi_env.rs"]
mod multi_env;

use multi_env::{BankEnvironmentProps, IMAGE_TAG};
use stackdef_examples::bank::Bank;

const STACKS: [&str; 4] = [
    "BankShared",
    "BankStaging",
    "BankProduction",
    "BankProductionWest",
];

fn synth() -> SynthOutput {
    let app = App::new();
    multi_env::bank_app(&app);
    match app.synthesize() {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    }
}

fn template(out: &SynthOutput, name: &str) -> Template {
    let stack = out
        .stack(name)
        .unwrap_or_else(|| panic!("{name} is synthesized"));
    Template::from_json(stack.template.clone())
}

fn import(name: &str) -> Json {
    json!({"Fn::ImportValue": name})
}

#[test]
fn manifest_orders_shared_first_and_lists_dependencies() {
    let manifest = synth().manifest();
    let names: Vec<&str> = manifest.stacks.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let position = |name: &str| {
        names
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("{name} missing from {names:?}"))
    };
    for consumer in ["BankStaging", "BankProduction"] {
        assert!(
            position("BankShared") < position(consumer),
            "BankShared must come before {consumer}: {names:?}"
        );
    }
    let deps = |name: &str| {
        manifest.stacks[position(name)]
            .dependencies
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    };
    assert_eq!(deps("BankShared"), Vec::<&str>::new());
    assert_eq!(deps("BankStaging"), ["BankShared"]);
    assert_eq!(deps("BankProduction"), ["BankShared"]);
    // The west environment has its own repository: nothing to wait for.
    assert_eq!(deps("BankProductionWest"), Vec::<&str>::new());
    for s in &manifest.stacks {
        let expected = if s.name == "BankProductionWest" {
            Env::region("us-west-2")
        } else {
            Env::region("us-east-1")
        };
        assert_eq!(s.environment, expected, "{}", s.name);
    }
}

#[test]
fn shared_repository_is_exported_and_imported_in_region() {
    let out = synth();
    let shared = template(&out, "BankShared");
    shared.resource_count_is("AWS::ECR::Repository", 1);
    let repo = shared
        .logical_id_of("BankShared/Images")
        .expect("the shared repository");
    shared.has_output(
        &format!("ExportAtt{repo}RepositoryUri"),
        json!({
            "Value": {"Fn::GetAtt": [repo, "RepositoryUri"]},
            "Export": {"Name": "BankShared:Images-RepositoryUri"}
        }),
    );
    shared.has_output(
        &format!("ExportAtt{repo}Arn"),
        json!({
            "Value": {"Fn::GetAtt": [repo, "Arn"]},
            "Export": {"Name": "BankShared:Images-Arn"}
        }),
    );

    for name in ["BankStaging", "BankProduction"] {
        let t = template(&out, name);
        // No repository of its own: the image comes from BankShared's, by import ...
        t.resource_count_is("AWS::ECR::Repository", 0);
        t.has_resource_properties(
            "AWS::ECS::TaskDefinition",
            json!({"ContainerDefinitions": [{"Image": {"Fn::Sub": [
                format!("${{Var0}}:{IMAGE_TAG}"),
                {"Var0": import("BankShared:Images-RepositoryUri")}
            ]}}]}),
        );
        // ... and the execution role may pull from exactly that repository.
        let pull = json!({
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            "Resource": import("BankShared:Images-Arn")
        });
        t.has_resource_properties(
            "AWS::IAM::Role",
            Match::object_like([(
                "Policies",
                Match::array_with([Match::object_like([(
                    "PolicyDocument",
                    Match::object_like([("Statement", Match::array_with([pull]))]),
                )])]),
            )]),
        );
    }

    // The west stack imports nothing and pulls from its own regional repository.
    let west = template(&out, "BankProductionWest");
    assert!(
        !west.json().to_string().contains("Fn::ImportValue"),
        "BankProductionWest must not import from another stack"
    );
    let west_repo = west
        .logical_id_of("BankProductionWest/Images")
        .expect("the west repository");
    west.has_resource(
        "AWS::ECR::Repository",
        json!({"DeletionPolicy": "Retain", "Properties": {"ImageTagMutability": "IMMUTABLE"}}),
    );
    west.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Image": {"Fn::Sub": format!("${{{west_repo}.RepositoryUri}}:{IMAGE_TAG}")}}]}),
    );
}

#[test]
fn construct_paths_are_scoped_under_the_environment() {
    let out = synth();
    for name in &STACKS[1..] {
        let artifact = &out.stack(name).expect("synthesized").artifact;
        let env_prefix = format!("{name}/Env/");
        for (id, entry) in &artifact.resources {
            // The west stack's repository sits beside the environment, not in it.
            let outside_env =
                *name == "BankProductionWest" && entry.path == format!("{name}/Images");
            assert!(
                outside_env || entry.path.starts_with(&env_prefix),
                "{id} ({}) is not under {env_prefix}",
                entry.path
            );
        }
        let t = template(&out, name);
        for path in [
            "Env/Vpc/Resource",
            "Env/Alb/Resource",
            "Env/Service/Resource",
            "Env/Database/Resource",
        ] {
            assert!(
                t.logical_id_of(&format!("{name}/{path}")).is_some(),
                "no resource at {name}/{path}"
            );
        }
        // The URL is a top-level output, so `stackdef outputs <stack>` shows `AlbUrl`.
        t.has_output(
            "AlbUrl",
            Match::object_like([(
                "Value",
                Match::object_like([("Fn::Sub", Match::string_containing("http://${EnvAlb"))]),
            )]),
        );
    }
}

/// The settings that make production production, as seen in one template.
fn assert_environment(t: &Template, production: bool) {
    let (desired, max, cpu, memory, class, nat) = if production {
        (2, 6, "512", "1024", "db.m5.large", 2)
    } else {
        (1, 2, "256", "512", "db.t3.micro", 1)
    };
    t.has_resource(
        "AWS::RDS::DBInstance",
        json!({
            "DeletionPolicy": "Snapshot",
            "Properties": {
                "MultiAZ": production,
                "DeletionProtection": production,
                "DBInstanceClass": class,
                "StorageEncrypted": true,
                "PubliclyAccessible": false
            }
        }),
    );
    t.has_resource_properties("AWS::ECS::Service", json!({"DesiredCount": desired}));
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"MinCapacity": desired, "MaxCapacity": max}),
    );
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"Cpu": cpu, "Memory": memory}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Match::object_like([(
            "LoadBalancerAttributes",
            Match::array_with([json!({
                "Key": "deletion_protection.enabled",
                "Value": production.to_string()
            })]),
        )]),
    );
    t.resource_count_is("AWS::EC2::NatGateway", nat);
}

#[test]
fn production_is_sized_and_protected_unlike_staging() {
    let out = synth();
    let staging = template(&out, "BankStaging");
    assert_environment(&staging, false);
    assert_environment(&template(&out, "BankProduction"), true);
    assert_environment(&template(&out, "BankProductionWest"), true);

    // Same account and region: the log group names must differ, and do.
    staging.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/ecs/bank-staging"}),
    );
    template(&out, "BankProduction").has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/ecs/bank-production"}),
    );
    // Non-overlapping VPC blocks, and subnets in each stack's own region.
    for (name, cidr, az) in [
        ("BankStaging", "10.10.0.0/16", "us-east-1a"),
        ("BankProduction", "10.20.0.0/16", "us-east-1a"),
        ("BankProductionWest", "10.30.0.0/16", "us-west-2a"),
    ] {
        let t = template(&out, name);
        t.has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": cidr}));
        t.has_resource_properties("AWS::EC2::Subnet", json!({"AvailabilityZone": az}));
    }
}

#[test]
fn every_template_is_cfn_lint_clean() {
    let out = synth();
    for name in STACKS {
        let stack = out.stack(name).expect("synthesized");
        cfn_lint::assert_clean(name, &stack.template_json);
    }
}

/// The manifest: stack order, environments, dependencies, tags and every logical id with
/// its type and construct path. The template hashes and sizes are left out: they change
/// with any template change, which `template_snapshots` shows in readable form.
#[test]
fn manifest_snapshot() {
    let manifest = synth().manifest();
    let mut json = serde_json::to_value(&manifest).expect("manifest serializes");
    for stack in json["stacks"].as_array_mut().expect("stacks") {
        stack["template_sha256"] = json!("[sha256]");
        stack["template_size"] = json!("[size]");
    }
    insta::assert_json_snapshot!("manifest", json);
}

/// The four templates. The environment templates differ from each other only where
/// their props do (and the west one by its own repository instead of the imports), and
/// from W1's by the same items plus the `Env/` in paths and names.
#[test]
fn template_snapshots() {
    let out = synth();
    for name in STACKS {
        let stack = out.stack(name).expect("synthesized");
        insta::assert_snapshot!(format!("{name}.template.json"), stack.template_json);
    }
}

#[test]
fn a_cross_region_reference_fails_synth_naming_both_stacks() {
    let app = App::new();
    let shared = app.stack("BankShared", Env::region("us-east-1"));
    let images = stackdef::ecr::EcrRepository::new(
        &shared,
        "Images",
        stackdef::ecr::EcrRepositoryProps::default(),
    );
    let west = app.stack("BankProductionWest", Env::region("us-west-2"));
    // The mistake the example avoids: the us-west-2 environment pulling from us-east-1.
    Bank::new(
        &west,
        "Env",
        &BankEnvironmentProps::production(&images, "10.30.0.0/16").bank,
    );
    let errors = match app.synthesize() {
        Ok(_) => panic!("a reference from us-west-2 to us-east-1 must not synthesize"),
        Err(errors) => errors,
    };
    // One error per use of the repository (the image URI and the pull grant's ARN), all
    // of this kind.
    assert!(!errors.is_empty());
    for e in errors.iter() {
        match &e.kind {
            ErrorKind::CrossEnvironmentReference {
                consumer_stack,
                producer_stack,
                producer,
                ..
            } => {
                assert_eq!(consumer_stack, "BankProductionWest");
                assert_eq!(producer_stack, "BankShared");
                assert_eq!(producer, "BankShared/Images");
            }
            other => panic!("unexpected error: {other}"),
        }
    }
    let text = errors.to_string();
    for needle in [
        "BankProductionWest",
        "BankShared",
        "us-west-2",
        "us-east-1",
        "one account and region",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from:\n{text}");
    }
    // The error points at the user's code: the construct path under the environment.
    assert!(
        text.contains("[BankProductionWest/Env/Task/Resource]"),
        "no construct path in:\n{text}"
    );
    // ... and at the line that made the mistake (the `Bank::new` call above).
    assert!(
        text.contains(&format!("(at {}:", file!())),
        "no source location in:\n{text}"
    );
}

#[test]
fn the_example_writes_an_assembly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = App::new();
    multi_env::bank_app(&app);
    let report = app.synth_to(dir.path()).expect("synth");
    for name in STACKS {
        assert!(
            dir.path().join(format!("{name}.template.json")).is_file(),
            "{name}"
        );
    }
    assert!(dir.path().join("manifest.json").is_file());
    let summary = report.to_string();
    assert!(summary.contains("Synthesized 4 stacks"), "{summary}");
    assert!(summary.contains("after: BankShared"), "{summary}");
}
