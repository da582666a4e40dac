//! The reference graph through the public API: cycles, cross-stack references (exports,
//! imports and stack dependencies), cross-environment references, DependsOn, and dangling
//! references.

use serde_json::json;
use stackdef::fns;
use stackdef::value::Json;
use stackdef::{
    App, CfnCondition, CfnOutput, CfnParameter, CfnResource, Construct, Env, ErrorKind, Expr,
    SynthErrors, Value, sub,
};

const THIS_FILE: &str = file!();

fn env() -> Env {
    Env::aws("123456789012", "eu-west-1")
}

fn kinds(errors: &SynthErrors) -> Vec<&ErrorKind> {
    errors.iter().map(|e| &e.kind).collect()
}

#[test]
fn reference_cycle_is_reported_with_construct_paths() {
    let app = App::new();
    let stack = app.stack("Cyclic", env());
    let (a, line_a) = (CfnResource::new(&stack, "A", "AWS::SNS::Topic"), line!());
    let b = CfnResource::new(&stack, "B", "AWS::SNS::Topic");
    CfnResource::new(&stack, "Bystander", "AWS::SNS::Topic");
    a.set_property("DisplayName", b.get_att::<String>("TopicArn"));
    b.set_property("DisplayName", a.ref_value::<String>());
    let errors = app.synthesize().expect_err("cycle");
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!(
        e.kind,
        ErrorKind::Cycle {
            paths: vec!["Cyclic/A".into(), "Cyclic/B".into(), "Cyclic/A".into()]
        }
    );
    assert_eq!(e.path.as_deref(), Some("Cyclic/A"));
    let loc = e.location.expect("location");
    assert_eq!((loc.file, loc.line), (THIS_FILE, line_a));
    assert!(
        e.to_string().contains("Cyclic/A -> Cyclic/B -> Cyclic/A"),
        "{e}"
    );
}

#[test]
fn depends_on_cycle_is_reported() {
    let app = App::new();
    let stack = app.stack("Waits", env());
    let a = CfnResource::new(&stack, "A", "AWS::SQS::Queue");
    let b = CfnResource::new(&stack, "B", "AWS::SQS::Queue");
    let c = CfnResource::new(&stack, "C", "AWS::SQS::Queue");
    a.add_depends_on(&b);
    b.add_depends_on(&c);
    // Closing the circle with a reference instead of a DependsOn.
    c.set_property("QueueName", sub!["queue-", a.ref_value::<String>()]);
    let errors = app.synthesize().expect_err("cycle");
    assert_eq!(
        kinds(&errors),
        [&ErrorKind::Cycle {
            paths: ["Waits/A", "Waits/B", "Waits/C", "Waits/A"]
                .map(String::from)
                .to_vec()
        }]
    );
}

#[test]
fn self_reference_is_a_cycle() {
    let app = App::new();
    let stack = app.stack("Selfish", env());
    let a = CfnResource::new(&stack, "A", "AWS::SQS::Queue");
    a.set_property(
        "RedrivePolicy",
        Json::object([
            (
                "deadLetterTargetArn",
                Json::from(a.get_att::<String>("Arn")),
            ),
            ("maxReceiveCount", Json::from(3)),
        ]),
    );
    let errors = app.synthesize().expect_err("cycle");
    assert_eq!(
        kinds(&errors),
        [&ErrorKind::Cycle {
            paths: vec!["Selfish/A".into(), "Selfish/A".into()]
        }]
    );
}

#[test]
fn cross_stack_reference_becomes_export_import_and_dependency() {
    let app = App::new();
    // Consumer declared first: the manifest must still list the producer first.
    let consumer = app.stack("Service", env());
    let producer = app.stack("Network", env());
    let vpc = CfnResource::new(&producer, "Vpc", "AWS::EC2::VPC");
    vpc.set_property("CidrBlock", "10.0.0.0/16");
    let sg = CfnResource::new(&consumer, "Sg", "AWS::EC2::SecurityGroup");
    sg.set_property("VpcId", vpc.ref_value::<String>());
    sg.set_property(
        "SecurityGroupIngress",
        vec![Json::object([
            ("IpProtocol", Json::from("tcp")),
            ("FromPort", Json::from(443)),
            ("ToPort", Json::from(443)),
            ("CidrIp", Json::from(vpc.get_att::<String>("CidrBlock"))),
        ])],
    );
    sg.set_property(
        "GroupDescription",
        sub![
            "sg for ",
            vpc.ref_value::<String>(),
            " in ",
            stackdef::fns::region()
        ],
    );
    // A second reference to the same value reuses the export.
    CfnOutput::new(&consumer, "VpcOfService", vpc.ref_value::<String>());

    let out = app.synthesize().expect("valid app");
    let names: Vec<&str> = out
        .stacks
        .iter()
        .map(|s| s.artifact.name.as_str())
        .collect();
    assert_eq!(names, ["Network", "Service"]);

    let network = out.stack("Network").expect("producer");
    assert_eq!(
        network.template["Outputs"],
        json!({
            "ExportRefVpc": {
                "Value": { "Ref": "Vpc" },
                "Export": { "Name": "Network:Vpc" }
            },
            "ExportAttVpcCidrBlock": {
                "Value": { "Fn::GetAtt": ["Vpc", "CidrBlock"] },
                "Export": { "Name": "Network:Vpc-CidrBlock" }
            }
        })
    );
    assert!(network.artifact.dependencies.is_empty());

    let service = out.stack("Service").expect("consumer");
    let props = &service.template["Resources"]["Sg"]["Properties"];
    assert_eq!(props["VpcId"], json!({ "Fn::ImportValue": "Network:Vpc" }));
    assert_eq!(
        props["SecurityGroupIngress"][0]["CidrIp"],
        json!({ "Fn::ImportValue": "Network:Vpc-CidrBlock" })
    );
    assert_eq!(
        props["GroupDescription"],
        json!({ "Fn::Sub": [
            "sg for ${Var0} in ${AWS::Region}",
            { "Var0": { "Fn::ImportValue": "Network:Vpc" } }
        ] })
    );
    assert_eq!(
        service.template["Outputs"]["VpcOfService"]["Value"],
        json!({ "Fn::ImportValue": "Network:Vpc" })
    );
    assert_eq!(service.artifact.dependencies, ["Network"]);
    // Nothing of the consumer leaks into the producer and vice versa.
    assert!(network.template["Resources"].get("Sg").is_none());
    assert_eq!(out.manifest().stacks[1].dependencies, ["Network"]);
}

#[test]
fn manifest_orders_a_chain_of_stacks_dependencies_first() {
    let app = App::new();
    let c = app.stack("C", env());
    let b = app.stack("B", env());
    let a = app.stack("A", env());
    let d = app.stack("D", env());
    let ra = CfnResource::new(&a, "R", "AWS::SNS::Topic");
    let rb = CfnResource::new(&b, "R", "AWS::SNS::Topic");
    let rc = CfnResource::new(&c, "R", "AWS::SNS::Topic");
    CfnResource::new(&d, "R", "AWS::SNS::Topic");
    rb.set_property("DisplayName", ra.ref_value::<String>());
    rc.set_property("DisplayName", rb.ref_value::<String>());
    rc.set_property("KmsMasterKeyId", ra.ref_value::<String>());
    let out = app.synthesize().expect("valid app");
    let order: Vec<(&str, Vec<String>)> = out
        .stacks
        .iter()
        .map(|s| (s.artifact.name.as_str(), s.artifact.dependencies.clone()))
        .collect();
    assert_eq!(
        order,
        [
            ("A", vec![]),
            ("B", vec!["A".to_string()]),
            ("C", vec!["B".to_string(), "A".to_string()]),
            ("D", vec![]),
        ]
    );
}

#[test]
fn stacks_referencing_each_other_are_a_stack_cycle() {
    let app = App::new();
    let a = app.stack("Left", env());
    let b = app.stack("Right", env());
    // No resource cycle (R1 -> R -> R2), but the stacks need each other first.
    let ra1 = CfnResource::new(&a, "R1", "AWS::SNS::Topic");
    let ra2 = CfnResource::new(&a, "R2", "AWS::SNS::Topic");
    let rb = CfnResource::new(&b, "R", "AWS::SNS::Topic");
    ra1.set_property("DisplayName", rb.ref_value::<String>());
    rb.set_property("DisplayName", ra2.get_att::<String>("TopicName"));
    let errors = app.synthesize().expect_err("stack cycle");
    assert_eq!(
        kinds(&errors),
        [&ErrorKind::StackCycle {
            stacks: vec!["Left".into(), "Right".into(), "Left".into()]
        }]
    );
}

#[test]
fn cross_region_reference_is_rejected_naming_both_stacks() {
    let app = App::new();
    let producer = app.stack("Dns", Env::aws("123456789012", "us-east-1"));
    let consumer = app.stack("Web", Env::aws("123456789012", "eu-west-1"));
    let zone = CfnResource::new(&producer, "Zone", "AWS::Route53::HostedZone");
    let line = line!() + 1;
    let rec = CfnResource::new(&consumer, "Record", "AWS::Route53::RecordSet");
    rec.set_property("HostedZoneId", zone.ref_value::<String>());
    rec.set_property("Name", "www.example.com.");
    rec.set_property("Type", "CNAME");
    rec.set_property("TTL", "300");
    rec.set_property("ResourceRecords", vec!["example.org"]);
    let errors = app.synthesize().expect_err("cross-region");
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!(
        e.kind,
        ErrorKind::CrossEnvironmentReference {
            consumer_stack: "Web".into(),
            consumer_env: "aws://123456789012/eu-west-1".into(),
            producer: "Dns/Zone".into(),
            producer_stack: "Dns".into(),
            producer_env: "aws://123456789012/us-east-1".into(),
        }
    );
    assert_eq!(e.path.as_deref(), Some("Web/Record"));
    let loc = e.location.expect("location");
    assert_eq!((loc.file, loc.line), (THIS_FILE, line));
    let text = e.to_string();
    for needle in [
        "`Web`",
        "`Dns`",
        "one account and region",
        "Move the resources",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in: {text}");
    }
}

#[test]
fn cross_account_reference_is_rejected_also_inside_sub() {
    let app = App::new();
    let producer = app.stack("Shared", Env::aws("111111111111", "eu-west-1"));
    let consumer = app.stack("Workload", Env::aws("222222222222", "eu-west-1"));
    let key = CfnResource::new(&producer, "Key", "AWS::KMS::Key");
    let bucket = CfnResource::new(&consumer, "Bucket", "AWS::S3::Bucket");
    bucket.set_property("BucketName", sub!["b-", key.get_att::<String>("Arn")]);
    let errors = app.synthesize().expect_err("cross-account");
    assert!(
        matches!(
            kinds(&errors)[..],
            [ErrorKind::CrossEnvironmentReference { consumer_stack, producer_stack, .. }]
                if consumer_stack == "Workload" && producer_stack == "Shared"
        ),
        "{errors}"
    );
}

#[test]
fn environment_agnostic_and_concrete_stacks_cannot_share_exports() {
    let app = App::new();
    let producer = app.stack("Anywhere", Env::agnostic());
    let consumer = app.stack("Somewhere", env());
    let t = CfnResource::new(&producer, "T", "AWS::SNS::Topic");
    let q = CfnResource::new(&consumer, "Q", "AWS::SQS::Queue");
    q.set_property("QueueName", t.ref_value::<String>());
    let errors = app.synthesize().expect_err("different environments");
    assert!(
        matches!(
            kinds(&errors)[..],
            [ErrorKind::CrossEnvironmentReference { .. }]
        ),
        "{errors}"
    );
}

#[test]
fn redundant_depends_on_is_not_emitted() {
    let app = App::new();
    let stack = app.stack("Deps", env());
    let role = CfnResource::new(&stack, "Role", "AWS::IAM::Role");
    role.set_property(
        "AssumeRolePolicyDocument",
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "lambda.amazonaws.com" },
                "Action": "sts:AssumeRole"
            }]
        }),
    );
    let bucket = CfnResource::new(&stack, "Bucket", "AWS::S3::Bucket");
    let func = CfnResource::new(&stack, "Func", "AWS::Lambda::Function");
    func.set_property(
        "Code",
        json!({ "ZipFile": "def handler(event, context): pass" }),
    );
    func.set_property("Handler", "index.handler");
    func.set_property("Runtime", "python3.12");
    func.set_property("Role", role.get_att::<String>("Arn"));
    func.add_depends_on(&role); // implied by the reference
    func.add_depends_on(&bucket); // not implied
    func.add_depends_on(&bucket); // repeated
    let via_sub = CfnResource::new(&stack, "Perm", "AWS::Lambda::Permission");
    via_sub.set_property("Action", "lambda:InvokeFunction");
    via_sub.set_property("Principal", "s3.amazonaws.com");
    via_sub.set_property("FunctionName", sub!["fn-", func.ref_value::<String>()]);
    via_sub.add_depends_on(&func); // implied through Fn::Sub
    let out = app.synthesize().expect("valid app");
    let r = &out.stack("Deps").expect("stack").template["Resources"];
    assert_eq!(r["Func"]["DependsOn"], json!(["Bucket"]));
    assert!(r["Perm"].get("DependsOn").is_none(), "{}", r["Perm"]);
    assert!(r["Role"].get("DependsOn").is_none());
}

#[test]
fn depends_on_implied_through_a_chain_is_not_emitted() {
    let app = App::new();
    let stack = app.stack("Chain", env());
    // Ids of existing network resources as literals: they add no references.
    let gateway = CfnResource::new(&stack, "Gateway", "AWS::EC2::VPCGatewayAttachment");
    gateway.set_property("VpcId", "vpc-0123456789abcdef0");
    gateway.set_property("InternetGatewayId", "igw-0123456789abcdef0");
    let route = CfnResource::new(&stack, "Route", "AWS::EC2::Route");
    route.set_property("RouteTableId", "rtb-0123456789abcdef0");
    route.set_property("DestinationCidrBlock", "0.0.0.0/0");
    route.set_property("GatewayId", "igw-0123456789abcdef0");
    route.add_depends_on(&gateway);
    let subnet_a = CfnResource::new(&stack, "SubnetA", "AWS::EC2::Subnet");
    subnet_a.set_property("VpcId", "vpc-0123456789abcdef0");
    subnet_a.set_property("CidrBlock", "10.0.0.0/24");
    let subnet_b = CfnResource::new(&stack, "SubnetB", "AWS::EC2::Subnet");
    subnet_b.set_property("VpcId", "vpc-0123456789abcdef0");
    subnet_b.set_property("CidrBlock", "10.0.1.0/24");
    subnet_b.set_property(
        "Tags",
        vec![Json::object([
            ("Key", Json::from("peer")),
            ("Value", Json::from(subnet_a.ref_value::<String>())),
        ])],
    );
    // The load balancer waits for the route (explicit), which waits for the gateway: its
    // own DependsOn on the gateway orders nothing more. It references SubnetB, which
    // references SubnetA: the DependsOn on SubnetA is implied by references alone.
    let lb = CfnResource::new(&stack, "Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer");
    lb.set_property("Subnets", vec![subnet_b.ref_value::<String>()]);
    lb.add_depends_on(&gateway);
    lb.add_depends_on(&route);
    lb.add_depends_on(&subnet_a);
    let out = app.synthesize().expect("valid app");
    let r = &out.stack("Chain").expect("stack").template["Resources"];
    assert_eq!(r["Lb"]["DependsOn"], json!(["Route"]), "{}", r["Lb"]);
    assert_eq!(r["Route"]["DependsOn"], json!(["Gateway"]));
}

#[test]
fn a_reference_inside_fn_if_does_not_replace_depends_on() {
    let app = App::new();
    let stack = app.stack("Cond", env());
    let stage = CfnParameter::new(&stack, "Stage", "String");
    let prod = CfnCondition::new(
        &stack,
        "IsProd",
        fns::Condition::equals(stage.value::<String>(), "prod"),
    );
    let key = CfnResource::new(&stack, "Key", "AWS::KMS::Key");
    let table = CfnResource::new(&stack, "Table", "AWS::DynamoDB::Table");
    table.set_property(
        "AttributeDefinitions",
        json!([{ "AttributeName": "id", "AttributeType": "S" }]),
    );
    table.set_property(
        "KeySchema",
        json!([{ "AttributeName": "id", "KeyType": "HASH" }]),
    );
    table.set_property("BillingMode", "PAY_PER_REQUEST");
    // Outside production the reference is gone, so the explicit order must stay.
    table.set_property(
        "SSESpecification",
        Json::object([
            ("SSEEnabled", Json::from(true)),
            ("SSEType", Json::from("KMS")),
            (
                "KMSMasterKeyId",
                Json::from(fns::if_::<String>(
                    &prod,
                    key.get_att::<String>("Arn"),
                    fns::no_value(),
                )),
            ),
        ]),
    );
    table.add_depends_on(&key);
    // The same through a chain: Alarm -> (If) Table is no ordering either.
    let alarm = CfnResource::new(&stack, "Alarm", "AWS::CloudWatch::Alarm");
    alarm.set_property("Namespace", "AWS/DynamoDB");
    alarm.set_property("MetricName", "ConsumedReadCapacityUnits");
    alarm.set_property("Statistic", "Sum");
    alarm.set_property("Period", 60);
    alarm.set_property("EvaluationPeriods", 1);
    alarm.set_property("Threshold", 1000);
    alarm.set_property("ComparisonOperator", "GreaterThanThreshold");
    alarm.set_property(
        "Dimensions",
        vec![Json::object([
            ("Name", Json::from("TableName")),
            (
                "Value",
                Json::from(fns::if_::<String>(
                    &prod,
                    table.ref_value::<String>(),
                    fns::no_value(),
                )),
            ),
        ])],
    );
    alarm.add_depends_on(&table);
    alarm.add_depends_on(&key);
    let out = app.synthesize().expect("valid app");
    let r = &out.stack("Cond").expect("stack").template["Resources"];
    assert_eq!(r["Table"]["DependsOn"], json!(["Key"]), "{}", r["Table"]);
    // Key is reached through the explicit Table dependency, so only Table stays.
    assert_eq!(r["Alarm"]["DependsOn"], json!(["Table"]), "{}", r["Alarm"]);
}

#[test]
fn cross_stack_depends_on_becomes_a_stack_dependency() {
    let app = App::new();
    let late = app.stack("Late", env());
    let early = app.stack("Early", env());
    early.node().acknowledge(
        stackdef::check::catalog::UNENCRYPTED_STORAGE,
        "fixture: encryption at rest is not what this test covers",
    );
    let db = CfnResource::new(&early, "Db", "AWS::RDS::DBInstance");
    let svc = CfnResource::new(&late, "Svc", "AWS::ECS::Service");
    svc.add_depends_on(&db);
    let out = app.synthesize().expect("valid app");
    let names: Vec<&str> = out
        .stacks
        .iter()
        .map(|s| s.artifact.name.as_str())
        .collect();
    assert_eq!(names, ["Early", "Late"]);
    let late_stack = out.stack("Late").expect("stack");
    assert_eq!(late_stack.artifact.dependencies, ["Early"]);
    assert!(
        late_stack.template["Resources"]["Svc"]
            .get("DependsOn")
            .is_none()
    );
    // No export is made for a pure ordering dependency.
    assert!(
        out.stack("Early")
            .expect("stack")
            .template
            .get("Outputs")
            .is_none()
    );
}

#[test]
fn explicit_stack_dependency_orders_the_manifest() {
    let app = App::new();
    let b = app.stack("B", env());
    let a = app.stack("A", env());
    CfnResource::new(&a, "R", "AWS::SNS::Topic");
    CfnResource::new(&b, "R", "AWS::SNS::Topic");
    b.add_dependency(&a);
    let out = app.synthesize().expect("valid app");
    let names: Vec<&str> = out
        .stacks
        .iter()
        .map(|s| s.artifact.name.as_str())
        .collect();
    assert_eq!(names, ["A", "B"]);
    assert_eq!(out.stack("B").expect("b").artifact.dependencies, ["A"]);
}

#[test]
fn reference_to_a_resource_of_another_app_is_dangling() {
    let other_app = App::new();
    let other_stack = other_app.stack("Other", env());
    let foreign = CfnResource::new(&other_stack, "Foreign", "AWS::SNS::Topic");

    let app = App::new();
    let stack = app.stack("Mine", env());
    let (q, line) = (CfnResource::new(&stack, "Q", "AWS::SQS::Queue"), line!());
    q.set_property("QueueName", foreign.ref_value::<String>());
    let d = CfnResource::new(&stack, "D", "AWS::SQS::Queue");
    d.add_depends_on(&foreign);
    let errors = app.synthesize().expect_err("dangling");
    assert_eq!(errors.len(), 2, "{errors}");
    assert!(
        errors
            .iter()
            .all(|e| matches!(e.kind, ErrorKind::DanglingReference { .. }))
    );
    let paths: Vec<_> = errors.iter().map(|e| e.path.as_deref()).collect();
    assert_eq!(paths, [Some("Mine/Q"), Some("Mine/D")]);
    let loc = errors.0[0].location.expect("location");
    assert_eq!((loc.file, loc.line), (THIS_FILE, line));
    // The other app is unaffected.
    assert!(other_app.synthesize().is_ok());
}

#[test]
fn hand_written_logical_id_reference_must_exist() {
    let app = App::new();
    let stack = app.stack("Hand", env());
    let existing = CfnResource::new(&stack, "Existing", "AWS::SNS::Topic");
    let _ = existing;
    CfnResource::new(&stack, "Ok", "AWS::SQS::Queue").set_property(
        "RedriveAllowPolicy",
        Json::object([
            ("redrivePermission", Json::from("byQueue")),
            (
                "sourceQueueArns",
                Json::array([
                    Json::of(&Expr::RefLogicalId("Existing".into())),
                    Json::of(&Expr::GetAttLogicalId("Existing".into(), "TopicArn".into())),
                    Json::of(&Expr::RefLogicalId("AWS::Region".into())),
                ]),
            ),
        ]),
    );
    let bad = CfnResource::new(&stack, "Bad", "AWS::SQS::Queue");
    bad.set_property("QueueName", Expr::RefLogicalId("Missing".into()));
    bad.set_property(
        "RedrivePolicy",
        Json::object([
            (
                "deadLetterTargetArn",
                Json::from(Value::<String>::from_expr_unchecked(Expr::GetAttLogicalId(
                    "AlsoMissing".into(),
                    "Arn".into(),
                ))),
            ),
            ("maxReceiveCount", Json::from(3)),
        ]),
    );
    let errors = app.synthesize().expect_err("dangling logical ids");
    assert_eq!(errors.len(), 2, "{errors}");
    for (e, id) in errors.iter().zip(["Missing", "AlsoMissing"]) {
        assert!(
            matches!(&e.kind, ErrorKind::DanglingReference { detail } if detail.contains(id)),
            "{e}"
        );
        assert_eq!(e.path.as_deref(), Some("Hand/Bad"));
    }
}

#[test]
fn stack_dependency_on_a_stack_of_another_app_is_reported() {
    let other_app = App::new();
    let foreign = other_app.stack("Foreign", env());
    let app = App::new();
    let first = app.stack("First", env());
    let second = app.stack("Second", env());
    CfnResource::new(&first, "R", "AWS::SNS::Topic");
    CfnResource::new(&second, "R", "AWS::SNS::Topic");
    // `Foreign` has index 0 in its app, like `First` here: it must not be mistaken for it.
    second.add_dependency(&foreign);
    let errors = app.synthesize().expect_err("foreign stack");
    assert!(
        matches!(
            kinds(&errors)[..],
            [ErrorKind::DanglingReference { detail }] if detail.contains("Foreign")
        ),
        "{errors}"
    );
    assert_eq!(errors.0[0].path.as_deref(), Some("Second"));
}

#[test]
fn sub_variables_never_shadow_logical_ids() {
    let app = App::new();
    let producer = app.stack("Producer", env());
    let consumer = app.stack("Consumer", env());
    let remote = CfnResource::new(&producer, "Remote", "AWS::SNS::Topic");
    // A resource whose logical id is what the first `Fn::Sub` variable would be called.
    let local = CfnResource::new(&consumer, "Var0", "AWS::SNS::Topic");
    let q = CfnResource::new(&consumer, "Q", "AWS::SQS::Queue");
    q.set_property(
        "QueueName",
        sub![
            local.ref_value::<String>(),
            "-",
            remote.ref_value::<String>()
        ],
    );
    let out = app.synthesize().expect("valid app");
    let sub = &out.stack("Consumer").expect("consumer").template["Resources"]["Q"]["Properties"]["QueueName"]
        ["Fn::Sub"];
    let text = sub[0].as_str().expect("text");
    let vars = sub[1].as_object().expect("variables");
    assert_eq!(vars.len(), 1, "{sub}");
    let (var, value) = vars.iter().next().expect("one variable");
    assert_ne!(var, "Var0", "{sub}");
    assert_eq!(value, &json!({ "Fn::ImportValue": "Producer:Remote" }));
    assert_eq!(text, format!("${{Var0}}-${{{var}}}"));
}
