//! The construct tree: scoped ids and paths, duplicate ids, stack names, adding after
//! synth, and user constructs made with `#[derive(Construct)]`.

use serde_json::json;
use stackdef::{App, CfnOutput, CfnResource, Construct, Env, ErrorKind, Node, Stack, Value};

const THIS_FILE: &str = file!();

fn env() -> Env {
    Env::aws("123456789012", "eu-west-1")
}

#[test]
fn duplicate_id_in_one_scope_is_one_error_at_the_second_call() {
    let app = App::new();
    let stack = app.stack("Dup", env());
    CfnResource::new(&stack, "Queue", "AWS::SQS::Queue");
    let line = line!() + 1;
    let second = CfnResource::new(&stack, "Queue", "AWS::SQS::Queue");
    // Same id in different scopes is fine.
    let group = Node::new(&stack, "Group");
    CfnResource::new(&group, "Queue", "AWS::SQS::Queue");
    let errors = app.synthesize().expect_err("duplicate");
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!(e.kind, ErrorKind::DuplicateId { id: "Queue".into() });
    assert_eq!(e.path.as_deref(), Some("Dup/Queue"));
    let loc = e.location.expect("location");
    assert_eq!((loc.file, loc.line), (THIS_FILE, line));
    // The duplicate still gets a distinct path, so nothing else is reported about it.
    assert_ne!(second.node().path(), "Dup/Queue");
}

#[test]
fn duplicate_id_among_nested_nodes_and_template_items() {
    let app = App::new();
    let stack = app.stack("Dup", env());
    let a = Node::new(&stack, "Env");
    let b = Node::new(&stack, "Env");
    CfnResource::new(&a, "R", "AWS::SNS::Topic");
    CfnResource::new(&b, "R", "AWS::SNS::Topic");
    CfnOutput::new(&stack, "Url", "x");
    CfnOutput::new(&stack, "Url", "y");
    let errors = app.synthesize().expect_err("duplicates");
    let got: Vec<_> = errors
        .iter()
        .map(|e| (e.kind.clone(), e.path.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                ErrorKind::DuplicateId { id: "Env".into() },
                Some("Dup/Env".to_string())
            ),
            (
                ErrorKind::DuplicateId { id: "Url".into() },
                Some("Dup/Url".to_string())
            ),
        ],
        "{errors}"
    );
}

#[test]
fn two_stacks_with_one_name() {
    let app = App::new();
    app.stack("Same", env());
    let line = line!() + 1;
    app.stack("Same", Env::aws("123456789012", "us-east-1"));
    let errors = app.synthesize().expect_err("duplicate stack");
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!(e.kind, ErrorKind::DuplicateId { id: "Same".into() });
    assert_eq!(e.location.expect("location").line, line);
}

#[test]
fn invalid_stack_names() {
    let long = format!("S{}", "a".repeat(128));
    let bad = [
        "",
        "1Stack",
        "my_stack",
        "has space",
        "-dash",
        "ünïcode",
        long.as_str(),
    ];
    let app = App::new();
    for name in bad {
        app.stack(name, env());
    }
    // Valid ones for contrast.
    app.stack("Ok-Stack-1", env());
    app.stack(&format!("S{}", "a".repeat(127)), env());
    let errors = app.synthesize().expect_err("invalid names");
    let names: Vec<String> = errors
        .iter()
        .map(|e| match &e.kind {
            ErrorKind::InvalidStackName { name } => name.clone(),
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(names, bad);
    assert!(
        errors.0[2]
            .to_string()
            .contains("letters, digits and hyphens")
    );
}

#[test]
fn invalid_construct_ids() {
    let app = App::new();
    let stack = app.stack("Ids", env());
    let group = Node::new(&stack, "G");
    CfnResource::new(&group, "a/b", "AWS::SNS::Topic");
    CfnResource::new(&group, "", "AWS::SNS::Topic");
    let errors = app.synthesize().expect_err("invalid ids");
    let got: Vec<_> = errors
        .iter()
        .map(|e| match &e.kind {
            ErrorKind::InvalidId { id, .. } => (id.clone(), e.path.clone()),
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a/b".to_string(), Some("Ids/G/a/b".to_string())),
            (String::new(), Some("Ids/G/".to_string())),
        ]
    );
}

#[test]
fn adding_after_synth_is_an_error() {
    let app = App::new();
    let stack = app.stack("Done", env());
    CfnResource::new(&stack, "First", "AWS::SNS::Topic");
    let dir = tempfile::tempdir().expect("tempdir");
    app.synth_to(dir.path()).expect("first synth");
    let line_res = line!() + 1;
    CfnResource::new(&stack, "Late", "AWS::SNS::Topic");
    let line_stack = line!() + 1;
    app.stack("LateStack", env());
    let errors = app.synthesize().expect_err("added after synth");
    let got: Vec<_> = errors
        .iter()
        .map(|e| match &e.kind {
            ErrorKind::AddedAfterSynth { what } => {
                (what.clone(), e.location.expect("location").line)
            }
            other => panic!("unexpected {other}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Done/Late".to_string(), line_res),
            ("stack LateStack".to_string(), line_stack),
        ]
    );
    assert!(
        errors
            .to_string()
            .contains("build the whole app before calling synth")
    );
}

#[test]
fn node_paths_ids_and_stack() {
    let app = App::new();
    let stack = app.stack("Tree", env());
    let a = Node::new(&stack, "A");
    let b = Node::new(&a, "B");
    let r = CfnResource::new(&b, "Res", "AWS::SNS::Topic");
    assert_eq!(stack.node().path(), "Tree");
    assert_eq!(stack.node().id(), "Tree");
    assert_eq!(b.path(), "Tree/A/B");
    assert_eq!(r.node().path(), "Tree/A/B/Res");
    assert_eq!(r.node().id(), "Res");
    assert_eq!(r.node().stack().name(), "Tree");
    assert!(r.node().same_app(stack.node()));
    assert!(!r.node().same_app(App::new().stack("X", env()).node()));
    let loc = r.node().location().expect("location");
    assert_eq!(loc.file, THIS_FILE);
}

// ---- user constructs ----

/// A user's reusable construct: a network, a database and a queue per environment.
#[derive(Construct)]
struct BankEnvironment {
    node: Node,
    vpc: CfnResource,
    db: CfnResource,
    queue: CfnResource,
}

impl BankEnvironment {
    #[track_caller]
    fn new(scope: &impl Construct, id: &str, cidr: &str) -> Self {
        let node = Node::new(scope, id);
        let vpc = CfnResource::new(&node, "Vpc", "AWS::EC2::VPC");
        vpc.set_property("CidrBlock", cidr);
        let db = CfnResource::new(&node, "Database", "AWS::RDS::DBInstance");
        db.set_property("DBSubnetGroupName", "bank-subnets");
        db.set_property("StorageEncrypted", true);
        db.add_metadata("Vpc", vpc.ref_value::<String>());
        let queue = CfnResource::new(&node, "Queue", "AWS::SQS::Queue");
        let nested = Network::new(&node, "Edge", &vpc);
        queue.add_depends_on(&nested.gateway);
        BankEnvironment {
            node,
            vpc,
            db,
            queue,
        }
    }

    fn endpoint(&self) -> Value<String> {
        self.db.get_att("Endpoint.Address")
    }
}

/// A construct marking a differently named field as its node, nested in another.
#[derive(Construct)]
struct Network {
    #[construct(node)]
    scope: Node,
    gateway: CfnResource,
}

impl Network {
    fn new(scope: &impl Construct, id: &str, vpc: &CfnResource) -> Self {
        let scope = Node::new(scope, id);
        let gateway = CfnResource::new(&scope, "Gateway", "AWS::EC2::InternetGateway");
        gateway.add_metadata("Vpc", vpc.ref_value::<String>());
        Network { scope, gateway }
    }
}

/// Generic constructs derive too.
#[derive(Construct)]
struct Wrapper<T> {
    node: Node,
    inner: T,
}

#[test]
fn user_construct_scopes_its_children_twice() {
    let app = App::new();
    let stack: Stack = app.stack("Bank", env());
    let prod = BankEnvironment::new(&stack, "Prod", "10.0.0.0/16");
    let staging = BankEnvironment::new(&stack, "Staging", "10.1.0.0/16");
    CfnOutput::new(&stack, "ProdDb", prod.endpoint());
    let w = Wrapper {
        node: Node::new(&stack, "Wrapped"),
        inner: 7,
    };
    assert_eq!(w.node().path(), "Bank/Wrapped");
    assert_eq!(w.inner, 7);

    assert_eq!(prod.node().path(), "Bank/Prod");
    assert_eq!(prod.vpc.node().path(), "Bank/Prod/Vpc");
    assert_eq!(staging.db.node().path(), "Bank/Staging/Database");
    assert_eq!(staging.queue.node().path(), "Bank/Staging/Queue");
    // `&BankEnvironment` is a scope, like a stack.
    let extra = CfnResource::new(&&prod, "Extra", "AWS::SNS::Topic");
    assert_eq!(extra.node().path(), "Bank/Prod/Extra");

    let out = app.synthesize().expect("valid app");
    let s = out.stack("Bank").expect("stack");
    let paths: Vec<(&str, &str)> = s
        .artifact
        .resources
        .iter()
        .map(|(id, r)| (id.as_str(), r.path.as_str()))
        .collect();
    let ids: Vec<&str> = paths.iter().map(|p| p.0).collect();
    assert_eq!(
        paths.iter().map(|p| p.1).collect::<Vec<_>>(),
        [
            "Bank/Prod/Vpc",
            "Bank/Prod/Database",
            "Bank/Prod/Queue",
            "Bank/Prod/Edge/Gateway",
            "Bank/Staging/Vpc",
            "Bank/Staging/Database",
            "Bank/Staging/Queue",
            "Bank/Staging/Edge/Gateway",
            "Bank/Prod/Extra",
        ]
    );
    for (id, prefix) in ids.iter().zip([
        "ProdVpc",
        "ProdDatabase",
        "ProdQueue",
        "ProdEdgeGateway",
        "StagingVpc",
        "StagingDatabase",
        "StagingQueue",
        "StagingEdgeGateway",
        "ProdExtra",
    ]) {
        assert!(
            id.starts_with(prefix) && id.len() == prefix.len() + 8,
            "{id} vs {prefix}"
        );
    }
    let r = &s.template["Resources"];
    let prod_vpc = ids[0];
    assert_eq!(r[ids[1]]["Metadata"]["Vpc"], json!({ "Ref": prod_vpc }));
    assert_eq!(r[ids[2]]["DependsOn"], json!([ids[3]]));
    assert_eq!(r[ids[7]]["Metadata"]["Vpc"], json!({ "Ref": ids[4] }));
    assert_eq!(
        s.template["Outputs"]["ProdDb"]["Value"],
        json!({ "Fn::GetAtt": [ids[1], "Endpoint.Address"] })
    );
}

#[test]
fn user_construct_reuses_ids_only_in_distinct_scopes() {
    let app = App::new();
    let stack = app.stack("Bank", env());
    BankEnvironment::new(&stack, "Prod", "10.0.0.0/16");
    let line = line!() + 1;
    BankEnvironment::new(&stack, "Prod", "10.2.0.0/16");
    let errors = app.synthesize().expect_err("duplicate environment");
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.0[0];
    assert_eq!(e.kind, ErrorKind::DuplicateId { id: "Prod".into() });
    // `BankEnvironment::new` is `#[track_caller]`, so the location is this line.
    assert_eq!(e.location.expect("location").line, line);
}
