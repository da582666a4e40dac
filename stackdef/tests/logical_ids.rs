//! Logical ids are frozen: changing how they are derived replaces resources in users'
//! accounts. These pins were computed independently of the implementation (SHA-256 of the
//! path below the stack joined by `/`, first 8 hex digits uppercase) and must never change.

use stackdef::{App, CfnOutput, CfnResource, Construct, Env, ErrorKind, Node};

fn resource_ids(app: &App, stack: &str) -> Vec<String> {
    let out = app.synthesize().expect("valid app");
    let t = &out.stack(stack).expect("stack").template;
    t["Resources"]
        .as_object()
        .expect("resources")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn pinned_logical_ids() {
    let app = App::new();
    let stack = app.stack("Pins", Env::agnostic());
    // Top level: verbatim.
    CfnResource::new(&stack, "Vpc", "AWS::EC2::VPC").set_property("CidrBlock", "10.0.0.0/16");
    // `Resource` is dropped from the readable part but hashed.
    let vpc2 = Node::new(&stack, "Vpc2");
    CfnResource::new(&vpc2, "Resource", "AWS::EC2::VPC").set_property("CidrBlock", "10.1.0.0/16");
    // Nested four deep.
    let env = Node::new(&stack, "BankEnv");
    let vpc = Node::new(&env, "Vpc");
    let subnet = Node::new(&vpc, "PublicSubnet1");
    let s1 = CfnResource::new(&subnet, "Subnet", "AWS::EC2::Subnet");
    s1.set_property("VpcId", "vpc-0123456789abcdef0");
    s1.set_property("CidrBlock", "10.0.0.0/24");
    // Punctuation and spaces removed, `Default` dropped.
    let punct = Node::new(&stack, "Bank-Env");
    let public = Node::new(&punct, "Public Subnet1");
    let s2 = CfnResource::new(&public, "Default", "AWS::EC2::Subnet");
    s2.set_property("VpcId", "vpc-0123456789abcdef0");
    s2.set_property("CidrBlock", "10.0.1.0/24");
    // A repeated component appears once in the readable part.
    let service = Node::new(&stack, "Service");
    CfnResource::new(&service, "Service", "AWS::ECS::Service");
    // Same leaf under different parents: different ids.
    stack.node().acknowledge(
        stackdef::check::catalog::UNENCRYPTED_STORAGE,
        "fixture: encryption at rest is not what this test covers",
    );
    for env in ["Prod", "Staging"] {
        let e = Node::new(&stack, env);
        let db = Node::new(&e, "Db");
        CfnResource::new(&db, "Resource", "AWS::RDS::DBInstance");
    }

    assert_eq!(
        resource_ids(&app, "Pins"),
        [
            "Vpc",
            "Vpc253A2F855",
            "BankEnvVpcPublicSubnet1Subnet42119884",
            "BankEnvPublicSubnet1576166B2",
            "ServiceA513FD59",
            "ProdDb08135CCB",
            "StagingDb55BD1386",
        ]
    );
}

#[test]
fn ids_do_not_depend_on_the_stack_or_app() {
    // The same path in another stack (or another app) derives the same id.
    for name in ["One", "Two"] {
        let app = App::new();
        let stack = app.stack(name, Env::aws("111111111111", "eu-west-1"));
        let g = Node::new(&stack, "Group0");
        CfnResource::new(&g, "Res0", "AWS::SNS::Topic");
        assert_eq!(resource_ids(&app, name), ["Group0Res08FFBA259"]);
    }
}

#[test]
fn long_paths_are_truncated_to_255_with_the_hash_kept() {
    let app = App::new();
    let stack = app.stack("Long", Env::agnostic());
    let long = "A".repeat(300);
    let parent = Node::new(&stack, &long);
    CfnResource::new(&parent, "B", "AWS::SNS::Topic");
    let ids = resource_ids(&app, "Long");
    let expected = format!("{}619CE699", "A".repeat(247));
    assert_eq!(ids, [expected]);
    assert_eq!(ids[0].len(), 255);
}

#[test]
fn override_replaces_the_derived_id_everywhere() {
    let app = App::new();
    let stack = app.stack("Adopt", Env::agnostic());
    let group = Node::new(&stack, "Storage");
    let bucket = CfnResource::new(&group, "Bucket", "AWS::S3::Bucket");
    bucket.override_logical_id("LegacyBucket");
    let policy = CfnResource::new(&stack, "Policy", "AWS::S3::BucketPolicy");
    policy.set_property("Bucket", bucket.ref_value::<String>());
    policy.set_property(
        "PolicyDocument",
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": { "Bool": { "aws:SecureTransport": "false" } }
            }]
        }),
    );
    CfnOutput::new(&stack, "Arn", bucket.get_att::<String>("Arn"));
    let out = app.synthesize().expect("valid app");
    let s = out.stack("Adopt").expect("stack");
    let t = &s.template;
    assert_eq!(t["Resources"]["LegacyBucket"]["Type"], "AWS::S3::Bucket");
    assert_eq!(
        t["Resources"]["LegacyBucket"]["Metadata"]["stackdef:path"],
        "Adopt/Storage/Bucket"
    );
    assert_eq!(
        t["Resources"]["Policy"]["Properties"]["Bucket"],
        serde_json::json!({ "Ref": "LegacyBucket" })
    );
    assert_eq!(
        t["Outputs"]["Arn"]["Value"],
        serde_json::json!({ "Fn::GetAtt": ["LegacyBucket", "Arn"] })
    );
    assert!(s.artifact.resources.contains_key("LegacyBucket"));
}

#[test]
fn overrides_that_collide_are_reported_with_both_paths() {
    let app = App::new();
    let stack = app.stack("Clash", Env::agnostic());
    CfnResource::new(&stack, "Queue", "AWS::SQS::Queue");
    let other = CfnResource::new(&stack, "Other", "AWS::SQS::Queue");
    other.override_logical_id("Queue");
    let errors = app.synthesize().expect_err("collision");
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!(
        e.kind,
        ErrorKind::LogicalIdCollision {
            id: "Queue".into(),
            first: "Clash/Queue".into(),
            second: "Clash/Other".into(),
        }
    );
    assert_eq!(e.path.as_deref(), Some("Clash/Other"));
    assert_eq!(other.node().path(), "Clash/Other");
}
