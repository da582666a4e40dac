//! Each L2 validation rule: the mistake is reported at synth, with the construct path, the
//! user's source line and a message that says what to do.

use stackdef::ec2::{Connectable, Port, SubnetConfig, SubnetType, Vpc, VpcProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, FargateService, FargateServiceProps,
    FargateTaskDefinition, FargateTaskDefinitionProps,
};
use stackdef::elbv2::{Alb, AlbProps, HealthCheck, ListenerProps, TargetGroupProps};
use stackdef::rds::{PublicAccess, RdsMysql, RdsMysqlProps};
use stackdef::{App, Env, Stack};

fn app() -> (App, Stack) {
    let app = App::new();
    let stack = app.stack("Test", Env::aws("123456789012", "us-east-1"));
    (app, stack)
}

/// The synth errors, one string each.
fn errors(app: &App) -> Vec<String> {
    match app.synthesize() {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

#[track_caller]
fn assert_error(app: &App, needle: &str) -> String {
    let errs = errors(app);
    match errs.iter().find(|e| e.contains(needle)) {
        Some(e) => e.clone(),
        None => panic!("no error contains {needle:?}; errors: {errs:#?}"),
    }
}

fn default_vpc(stack: &Stack) -> Vpc {
    Vpc::new(stack, "Vpc", VpcProps::default())
}

fn service(stack: &Stack, vpc: &Vpc, image: &str) -> FargateService {
    let cluster = Cluster::new(stack, "Cluster", vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry(image),
        ContainerOptions {
            port_mappings: vec![8080],
            ..Default::default()
        },
    );
    FargateService::new(
        stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps::default(),
    )
}

#[test]
fn a_valid_app_has_no_errors() {
    let (app, stack) = app();
    let vpc = default_vpc(&stack);
    let svc = service(&stack, &vpc, "nginx:1.27");
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    alb.add_listener("Http", ListenerProps::http(80))
        .forward_to("Web", &svc, TargetGroupProps::default());
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn invalid_cpu_memory_pair() {
    let (app, stack) = app();
    let line = line!() + 1;
    FargateTaskDefinition::new(
        &stack,
        "Task",
        FargateTaskDefinitionProps {
            cpu: 512,
            memory_mib: 512,
            ..Default::default()
        },
    );
    let e = assert_error(&app, "memory 512 MiB is not valid with cpu 512");
    assert!(e.contains("use 1024, 2048, 3072, 4096 MiB"), "{e}");
    assert!(e.contains("[Test/Task]"), "{e}");
    assert!(e.contains(&format!("construct_rules.rs:{line}")), "{e}");

    let (app, stack) = self::app();
    FargateTaskDefinition::new(
        &stack,
        "Task",
        FargateTaskDefinitionProps {
            cpu: 300,
            memory_mib: 1024,
            ..Default::default()
        },
    );
    assert_error(&app, "cpu 300 is not a Fargate task size");
}

#[test]
fn alb_needs_two_azs() {
    let (app, stack) = app();
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            max_azs: 1,
            ..Default::default()
        },
    );
    let line = line!() + 1;
    Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    // The cause is named, not only the effect.
    let e = assert_error(&app, "at least two availability zones");
    assert!(
        e.contains("max_azs: 1") && e.contains("set max_azs: 2"),
        "{e}"
    );
    assert!(e.contains(&format!("construct_rules.rs:{line}")), "{e}");
}

#[test]
fn a_nan_target_is_one_error_at_the_users_line() {
    let (app, stack) = app();
    let vpc = default_vpc(&stack);
    let svc = service(&stack, &vpc, "nginx:1.27");
    let scaling =
        svc.auto_scale_task_count(stackdef::appscaling::ScalingCapacity { min: 1, max: 2 });
    let line = line!() + 1;
    scaling.scale_on_cpu_utilization(
        "Cpu",
        stackdef::appscaling::TargetTrackingProps {
            target_percent: f64::NAN,
            ..Default::default()
        },
    );
    let errs = errors(&app);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].contains("target_percent NaN is out of range"),
        "{}",
        errs[0]
    );
    assert!(
        errs[0].contains(&format!("construct_rules.rs:{line}")),
        "{}",
        errs[0]
    );
}

#[test]
fn a_nan_in_a_raw_property_names_the_property() {
    let (app, stack) = app();
    let alarm = stackdef::CfnResource::new(&stack, "Alarm", "AWS::CloudWatch::Alarm");
    alarm.set_property("ComparisonOperator", "GreaterThanThreshold");
    alarm.set_property("EvaluationPeriods", 1);
    let line = line!() + 1;
    alarm.set_property("Threshold", f64::INFINITY);
    let e = assert_error(&app, "inf is not a number a template can hold");
    assert!(e.contains("Threshold") && e.contains("Test/Alarm"), "{e}");
    assert!(e.contains(&format!("construct_rules.rs:{line}")), "{e}");
}

#[test]
fn database_in_public_subnets_needs_opt_in() {
    let (app, stack) = app();
    let vpc = default_vpc(&stack);
    RdsMysql::new(
        &stack,
        "Db",
        &vpc,
        RdsMysqlProps {
            vpc_subnets: SubnetType::Public.into(),
            ..Default::default()
        },
    );
    assert_error(&app, "would be placed in public subnets");

    let (app, stack) = self::app();
    let vpc = default_vpc(&stack);
    RdsMysql::new(
        &stack,
        "Db",
        &vpc,
        RdsMysqlProps {
            publicly_accessible: true,
            ..Default::default()
        },
    );
    assert_error(
        &app,
        "publicly_accessible gives the database a public address",
    );

    // With explicit consent it is allowed.
    let (app, stack) = self::app();
    let vpc = default_vpc(&stack);
    RdsMysql::new(
        &stack,
        "Db",
        &vpc,
        RdsMysqlProps {
            vpc_subnets: SubnetType::Public.into(),
            publicly_accessible: true,
            public_access: PublicAccess::AllowedIUnderstandTheRisk,
            ..Default::default()
        },
    );
    assert_eq!(errors(&app), Vec::<String>::new());
}

#[test]
fn names_over_aws_limits() {
    let (app, stack) = app();
    let vpc = default_vpc(&stack);
    let svc = service(&stack, &vpc, "nginx:1.27");
    let alb = Alb::new(
        &stack,
        "Alb",
        &vpc,
        AlbProps {
            load_balancer_name: Some("a-load-balancer-name-of-33-chars1".into()),
            ..Default::default()
        },
    );
    alb.add_listener("Http", ListenerProps::http(80))
        .forward_to(
            "Web",
            &svc,
            TargetGroupProps {
                target_group_name: Some("x".repeat(40)),
                ..Default::default()
            },
        );
    let e = assert_error(
        &app,
        "load balancer name `a-load-balancer-name-of-33-chars1` is 33 characters",
    );
    assert!(e.contains("1 to 32"), "{e}");
    assert_error(
        &app,
        "target group name `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` is 40 characters",
    );
}

#[test]
fn health_check_path_must_start_with_slash() {
    let (app, stack) = app();
    let vpc = default_vpc(&stack);
    let svc = service(&stack, &vpc, "nginx:1.27");
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    let http = alb.add_listener("Http", ListenerProps::http(80));
    let line = line!() + 1;
    http.forward_to(
        "Web",
        &svc,
        TargetGroupProps {
            health_check: HealthCheck::http("health"),
            ..Default::default()
        },
    );
    let e = assert_error(&app, "health check path `health` must start with `/`");
    assert!(e.contains("(for example `/health`)"), "{e}");
    assert!(e.contains(&format!("construct_rules.rs:{line}")), "{e}");
}

#[test]
fn ports_out_of_range() {
    let (app, stack) = app();
    let vpc = default_vpc(&stack);
    let svc = service(&stack, &vpc, "nginx:1.27");
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    svc.allow_from(&alb, Port::tcp(0));
    svc.allow_from(&alb, Port::tcp_range(9000, 8000));
    alb.add_listener("Zero", ListenerProps::http(0));
    let task = FargateTaskDefinition::new(&stack, "Task2", FargateTaskDefinitionProps::default());
    task.add_container(
        "c",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![0],
            ..Default::default()
        },
    );
    assert_error(&app, "port tcp 0 is out of range: ports are 1 to 65535");
    assert_error(&app, "port range 9000-8000 is reversed");
    assert_error(&app, "listener port 0 is out of range");
    assert_error(&app, "container `c`: port 0 is out of range");
}

#[test]
fn two_containers_cannot_share_a_port() {
    let (app, stack) = app();
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    for name in ["a", "b"] {
        task.add_container(
            name,
            ContainerImage::registry("nginx:1.27"),
            ContainerOptions {
                port_mappings: vec![80],
                ..Default::default()
            },
        );
    }
    assert_error(&app, "port 80 is already used by container `a`");
}

#[test]
fn overlapping_subnet_cidrs() {
    let (app, stack) = app();
    let mut public = SubnetConfig::new("Public", SubnetType::Public, 24);
    public.cidr_blocks = vec!["10.0.0.0/24".into(), "10.0.1.0/24".into()];
    let mut private = SubnetConfig::new("Private", SubnetType::PrivateWithEgress, 24);
    private.cidr_blocks = vec!["10.0.1.0/24".into(), "10.0.2.0/24".into()];
    Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            subnets: vec![public, private],
            ..Default::default()
        },
    );
    assert_error(
        &app,
        "subnet 10.0.1.0/24 of group `Private` overlaps 10.0.1.0/24 of group `Public`",
    );
}

#[test]
fn out_of_range_subnet_cidrs() {
    let (app, stack) = app();
    let mut public = SubnetConfig::new("Public", SubnetType::Public, 24);
    public.cidr_blocks = vec!["10.0.0.0/24".into(), "192.168.0.0/24".into()];
    Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            subnets: vec![public],
            nat_gateways: 0,
            ..Default::default()
        },
    );
    assert_error(
        &app,
        "subnet 192.168.0.0/24 of group `Public` is outside the VPC block 10.0.0.0/16",
    );

    // Planned subnets that do not fit.
    let (app, stack) = self::app();
    Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            subnets: vec![
                SubnetConfig::new("Public", SubnetType::Public, 17),
                SubnetConfig::new("Private", SubnetType::PrivateWithEgress, 17),
            ],
            ..Default::default()
        },
    );
    assert_error(&app, "does not fit in the VPC block 10.0.0.0/16");

    let (app, stack) = self::app();
    Vpc::new(&stack, "Vpc", VpcProps::cidr("10.0.0.1/16"));
    assert_error(&app, "has host bits set");
}

#[test]
fn public_image_without_nat() {
    let (app, stack) = app();
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            nat_gateways: 0,
            ..Default::default()
        },
    );
    service(&stack, &vpc, "kha1i1e/dep7bankapp:latest");
    let e = assert_error(&app, "pulls the public image `kha1i1e/dep7bankapp:latest`");
    assert!(e.contains("no route to the internet"), "{e}");
    assert!(e.contains("[Test/Service]"), "{e}");
}

#[test]
fn public_image_added_after_the_service_is_checked_too() {
    let (app, stack) = app();
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            nat_gateways: 0,
            ..Default::default()
        },
    );
    let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    FargateService::new(
        &stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps::default(),
    );
    // The container comes after the service: the check runs at synth, so it still sees it.
    task.add_container(
        "late",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions::default(),
    );
    let e = assert_error(&app, "container `late` pulls the public image `nginx:1.27`");
    assert!(e.contains("[Test/Service]"), "{e}");
    // Reported once per synth, not once more each time the app is synthesized.
    assert_eq!(
        errors(&app).iter().filter(|e| e.contains("`late`")).count(),
        1
    );
}

#[test]
fn private_with_egress_needs_nat() {
    let (app, stack) = app();
    Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            nat_gateways: 0,
            subnets: vec![
                SubnetConfig::new("Public", SubnetType::Public, 20),
                SubnetConfig::new("Private", SubnetType::PrivateWithEgress, 20),
            ],
            ..Default::default()
        },
    );
    assert_error(
        &app,
        "PrivateWithEgress subnets need at least one NAT gateway",
    );
}

#[test]
fn errors_are_reported_together_and_readably() {
    let (app, stack) = app();
    FargateTaskDefinition::new(
        &stack,
        "A",
        FargateTaskDefinitionProps {
            cpu: 256,
            memory_mib: 4096,
            ..Default::default()
        },
    );
    Vpc::new(&stack, "Vpc", VpcProps::cidr("10.0.0.0/8"));
    let text = match app.synthesize() {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.to_string(),
    };
    assert!(text.starts_with("synth failed with 2 errors:"), "{text}");
    assert!(
        text.contains("VPC block 10.0.0.0/8 has a /8 prefix; AWS allows /16 to /28"),
        "{text}"
    );
}
