//! Target groups, forwarding and listener rules: standalone target groups filled by what
//! is registered, weighted forwarding, rules with conditions, a header every request must
//! carry, and each mistake reported at synth with the construct path and the user's line.

use serde_json::json;
use stackdef::assertions::Template;
use stackdef::ec2::{Vpc, VpcProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, FargateService, FargateServiceProps,
    FargateTaskDefinition, FargateTaskDefinitionProps,
};
use stackdef::elbv2::{
    Alb, AlbProps, HealthCheck, ListenerAction, ListenerCondition, ListenerProps,
    ListenerRuleProps, TargetGroup, TargetGroupProps,
};
use stackdef::{App, Construct, Env, Stack};

struct Fixture {
    app: App,
    stack: Stack,
    vpc: Vpc,
    service: FargateService,
    alb: Alb,
}

fn fixture() -> Fixture {
    let app = App::new();
    let stack = app.stack("Test", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![8080],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        &stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps::default(),
    );
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    Fixture {
        app,
        stack,
        vpc,
        service,
        alb,
    }
}

fn template(app: &App) -> Template {
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    Template::from_json(out.stack("Test").expect("Test").template.clone())
}

fn errors(app: &App) -> Vec<String> {
    match app.synthesize() {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// The one error containing `needle`; it must name `path` and this file at `line`.
#[track_caller]
fn assert_error_at(app: &App, needle: &str, path: &str, line: u32) -> String {
    let errs = errors(app);
    let found: Vec<&String> = errs.iter().filter(|e| e.contains(needle)).collect();
    let [e] = found.as_slice() else {
        panic!("expected one error containing {needle:?}; errors: {errs:#?}");
    };
    assert!(
        e.contains(&format!("[{path}]")),
        "{e:?} does not name {path}"
    );
    let at = format!("{}:{line}:", file!());
    assert!(e.contains(&at), "{e:?} does not point at {at}");
    (*e).clone()
}

fn reference(t: &Template, path: &str) -> serde_json::Value {
    json!({"Ref": t.logical_id_of(path).unwrap_or_else(|| panic!("no {path}"))})
}

#[test]
fn a_standalone_target_group_takes_its_port_from_the_registered_target() {
    let f = fixture();
    let group = TargetGroup::new(&f.stack, "Web", &f.vpc, TargetGroupProps::default());
    assert_eq!(group.port(), None);
    group.add_target(&f.service);
    assert_eq!(group.port(), Some(8080));
    let listener = f.alb.add_listener("Http", ListenerProps::http(80));
    listener.forward_to_group(&group);
    let t = template(&f.app);
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        json!({"Port": 8080, "TargetType": "ip", "Protocol": "HTTP"}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"DefaultActions": [{"Type": "forward", "TargetGroupArn": reference(&t, "Test/Web")}]}),
    );
    // Registered before the listener existed, the service still waits for it and the
    // load balancer may reach the container's port.
    let service = t.logical_id_of("Test/Service").expect("service");
    let listener_id = t.logical_id_of("Test/Alb/Http").expect("listener");
    let depends = &t.json()["Resources"][&service]["DependsOn"];
    assert!(
        depends
            .as_array()
            .is_some_and(|d| d.contains(&json!(listener_id))),
        "{depends}"
    );
    t.has_resource_properties(
        "AWS::ECS::Service",
        json!({"LoadBalancers": [{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": reference(&t, "Test/Web")}]}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 8080, "ToPort": 8080}),
    );
}

#[test]
fn weighted_forwarding_and_rules() {
    let f = fixture();
    let blue = f
        .alb
        .add_listener("Http", ListenerProps::http(80))
        .forward_to("Blue", &f.service, TargetGroupProps::default());
    let green = TargetGroup::new(&f.stack, "Green", &f.vpc, TargetGroupProps::default());
    green.add_target(
        &f.service
            .load_balancer_target(&f.service.task_definition().containers()[0], 8080),
    );
    let canary = f.alb.add_listener("Canary", ListenerProps::test(8443));
    canary.forward_weighted(&[(&blue, 90), (&green, 10)]);
    canary.add_rule(
        "Api",
        ListenerRuleProps::new(
            10,
            [
                ListenerCondition::path_patterns(["/api/*"]),
                ListenerCondition::host_headers(["api.example.com"]),
            ],
            ListenerAction::Forward(green.clone()),
        ),
    );
    canary.add_rule(
        "Maintenance",
        ListenerRuleProps::new(
            20,
            [ListenerCondition::http_header("X-Maintenance", ["on"])],
            ListenerAction::fixed_response(503, "Back soon"),
        ),
    );
    let t = template(&f.app);
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Port": 8443, "DefaultActions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [
            {"TargetGroupArn": reference(&t, "Test/Alb/Http/Blue"), "Weight": 90},
            {"TargetGroupArn": reference(&t, "Test/Green"), "Weight": 10},
        ]}}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        json!({
            "ListenerArn": reference(&t, "Test/Alb/Canary"),
            "Priority": 10,
            "Conditions": [
                {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}},
                {"Field": "host-header", "HostHeaderConfig": {"Values": ["api.example.com"]}},
            ],
            "Actions": [{"Type": "forward", "TargetGroupArn": reference(&t, "Test/Green")}],
        }),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        json!({
            "Priority": 20,
            "Conditions": [{"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Maintenance", "Values": ["on"]}}],
            "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "503"}}],
        }),
    );
    // The test listener is closed: only 80 is open to the world.
    let sg = t.logical_id_of("Test/Alb/SecurityGroup").expect("sg");
    let ingress = &t.json()["Resources"][&sg]["Properties"]["SecurityGroupIngress"];
    assert_eq!(ingress.as_array().map(Vec::len), Some(1), "{ingress}");
    assert_eq!(ingress[0]["FromPort"], 80);
}

#[test]
fn a_required_header_guards_the_default_forward_and_every_rule() {
    let f = fixture();
    let listener = f.alb.add_listener("Http", ListenerProps::http(80));
    let group = listener.forward_to("App", &f.service, TargetGroupProps::default());
    listener.add_rule(
        "Static",
        ListenerRuleProps::new(
            5,
            [ListenerCondition::path_patterns(["/static/*"])],
            ListenerAction::Forward(group.clone()),
        ),
    );
    listener.require_header("X-Origin-Verify", "s3cret");
    let t = template(&f.app);
    let header = json!({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Origin-Verify", "Values": ["s3cret"]}});
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        json!({"Priority": 50000, "Conditions": [header.clone()], "Actions": [{"Type": "forward", "TargetGroupArn": reference(&t, "Test/Alb/Http/App")}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        json!({"Priority": 5, "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/static/*"]}}, header]}),
    );
    // The service waits for the rule that now carries its traffic.
    let service = t.logical_id_of("Test/Service").expect("service");
    let rule = t
        .logical_id_of("Test/Alb/Http/RequiredHeader")
        .expect("rule");
    let depends = &t.json()["Resources"][&service]["DependsOn"];
    assert!(
        depends.as_array().is_some_and(|d| d.contains(&json!(rule))),
        "{depends}"
    );
}

#[test]
fn duplicate_rule_priorities_are_a_synth_error_at_the_second_rule() {
    let f = fixture();
    let listener = f.alb.add_listener("Http", ListenerProps::http(80));
    let group = listener.forward_to("App", &f.service, TargetGroupProps::default());
    let rule = |path: &str| {
        ListenerRuleProps::new(
            7,
            [ListenerCondition::path_patterns([path])],
            ListenerAction::Forward(group.clone()),
        )
    };
    listener.add_rule("A", rule("/a/*"));
    let line = line!() + 1;
    listener.add_rule("B", rule("/b/*"));
    let e = assert_error_at(&f.app, "SD9001", "Test/Alb/Http/B", line);
    assert!(
        e.contains("priority 7 is already taken by Test/Alb/Http/A"),
        "{e}"
    );
}

#[test]
fn a_bad_matcher_is_a_synth_error_at_the_call() {
    let f = fixture();
    let listener = f.alb.add_listener("Http", ListenerProps::http(80));
    let bad = |codes: &str| TargetGroupProps {
        health_check: HealthCheck {
            healthy_http_codes: codes.into(),
            ..HealthCheck::http("/health")
        },
        ..Default::default()
    };
    let line = line!() + 1;
    listener.forward_to("App", &f.service, bad("200-600"));
    let e = assert_error_at(&f.app, "healthy_http_codes", "Test/Alb/Http/App", line);
    assert!(e.contains("`200-600`") && e.contains("200 to 499"), "{e}");
    // Reported once, in the construct's words: the template check stays quiet.
    assert!(!errors(&f.app).iter().any(|e| e.contains("SD9002")));

    for codes in ["200", "200,202", "200-299", "200-499", "302"] {
        assert!(
            bad(codes).problems().is_empty(),
            "{codes}: {:?}",
            bad(codes).problems()
        );
    }
    for codes in ["", "100", "500", "200-", "299-200", "2xx", "200;201"] {
        assert!(
            !bad(codes).problems().is_empty(),
            "{codes} should be refused"
        );
    }
}

#[test]
fn rule_mistakes_are_reported_at_the_call() {
    let f = fixture();
    let listener = f.alb.add_listener("Http", ListenerProps::http(80));
    let group = listener.forward_to("App", &f.service, TargetGroupProps::default());
    let line = line!() + 1;
    listener.add_rule(
        "TooMany",
        ListenerRuleProps::new(
            1,
            [ListenerCondition::path_patterns([
                "/a", "/b", "/c", "/d", "/e", "/f",
            ])],
            ListenerAction::Forward(group.clone()),
        ),
    );
    assert_error_at(&f.app, "at most 5 values", "Test/Alb/Http/TooMany", line);
    let line = line!() + 1;
    listener.add_rule(
        "NoCondition",
        ListenerRuleProps::new(2, [], ListenerAction::Forward(group)),
    );
    assert_error_at(
        &f.app,
        "at least one condition",
        "Test/Alb/Http/NoCondition",
        line,
    );
}

#[test]
fn an_empty_target_group_and_a_second_load_balancer_are_reported() {
    let f = fixture();
    let line = line!() + 1;
    TargetGroup::new(&f.stack, "Empty", &f.vpc, TargetGroupProps::default());
    assert_error_at(&f.app, "no targets", "Test/Empty", line);

    let f = fixture();
    let group = TargetGroup::new(&f.stack, "Shared", &f.vpc, TargetGroupProps::default());
    group.add_target(&f.service);
    f.alb
        .add_listener("Http", ListenerProps::http(80))
        .forward_to_group(&group);
    let other = Alb::new(&f.stack, "Other", &f.vpc, AlbProps::default());
    let listener = other.add_listener("Http", ListenerProps::http(80));
    let line = line!() + 1;
    listener.forward_to_group(&group);
    let e = assert_error_at(&f.app, "one load balancer", "Test/Shared", line);
    assert!(e.contains("Test/Alb"), "{e}");
    assert_eq!(
        group.load_balancer().map(|a| a.node().path()),
        Some("Test/Alb".into())
    );
}

#[test]
fn canonical_hosted_zone_id_and_names_are_typed_attributes() {
    let f = fixture();
    let listener = f.alb.add_listener("Http", ListenerProps::http(80));
    let group = listener.forward_to("App", &f.service, TargetGroupProps::default());
    stackdef::CfnOutput::new(&f.stack, "Zone", f.alb.canonical_hosted_zone_id());
    stackdef::CfnOutput::new(&f.stack, "GroupName", group.target_group_name());
    stackdef::CfnOutput::new(&f.stack, "GroupFullName", group.full_name());
    let t = template(&f.app);
    let alb = t.logical_id_of("Test/Alb").expect("alb");
    let tg = t.logical_id_of("Test/Alb/Http/App").expect("tg");
    let outputs = t.outputs();
    assert_eq!(
        outputs["Zone"]["Value"],
        json!({"Fn::GetAtt": [alb, "CanonicalHostedZoneID"]})
    );
    assert_eq!(
        outputs["GroupName"]["Value"],
        json!({"Fn::GetAtt": [tg, "TargetGroupName"]})
    );
    assert_eq!(
        outputs["GroupFullName"]["Value"],
        json!({"Fn::GetAtt": [tg, "TargetGroupFullName"]})
    );
}
