//! Generated L1 types end to end: a web service stack built only from L1 types of ec2, ecs,
//! elasticloadbalancingv2, rds, iam and logs synthesizes to a template cfn-lint accepts;
//! bad literals are reported with the construct path; typed facts are available.

use std::process::Command;

use serde_json::json;
use stackdef::cfn::{ec2, ecs, elasticloadbalancingv2 as elbv2, iam, logs, rds};
use stackdef::fns;
use stackdef::{App, Env, RemovalPolicy, Value};

/// Runs cfn-lint on `template_json` and fails with its findings unless it reports none.
fn assert_cfn_lint_clean(name: &str, template_json: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("{name}.template.json"));
    std::fs::write(&path, template_json).expect("write template");
    let out = match Command::new("cfn-lint").arg(&path).output() {
        Ok(out) => out,
        Err(e) => panic!(
            "cfn-lint is required for this test (pip install cfn-lint==1.51.0): cannot run it: {e}"
        ),
    };
    let findings = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && findings.trim().is_empty(),
        "cfn-lint findings for {name} (exit {:?}):\n{findings}{}\n{template_json}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn web_stack(app: &App) {
    let stack = app.stack("L1Web", Env::aws("123456789012", "us-east-1"));

    // ec2: network.
    let vpc = ec2::Vpc::new(
        &stack,
        "Vpc",
        ec2::VpcProps::new()
            .cidr_block("10.0.0.0/16")
            .enable_dns_hostnames(true)
            .enable_dns_support(true),
    );
    let igw = ec2::InternetGateway::new(&stack, "Igw", ec2::InternetGatewayProps::new());
    let attach = ec2::VpcGatewayAttachment::new(
        &stack,
        "IgwAttachment",
        ec2::VpcGatewayAttachmentProps::new(vpc.vpc_id())
            .internet_gateway_id(igw.internet_gateway_id()),
    );
    let routes = ec2::RouteTable::new(
        &stack,
        "PublicRoutes",
        ec2::RouteTableProps::new(vpc.vpc_id()),
    );
    let default_route = ec2::Route::new(
        &stack,
        "DefaultRoute",
        ec2::RouteProps::new(routes.route_table_id())
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id(igw.internet_gateway_id().cast::<String>()),
    );
    default_route.add_depends_on(&attach);
    let subnets: Vec<ec2::Subnet> = (0..2)
        .map(|i| {
            let subnet = ec2::Subnet::new(
                &stack,
                &format!("Public{i}"),
                ec2::SubnetProps::new(vpc.vpc_id())
                    .cidr_block(format!("10.0.{i}.0/24"))
                    .availability_zone(fns::select(i, fns::get_azs()))
                    .map_public_ip_on_launch(true),
            );
            ec2::SubnetRouteTableAssociation::new(
                &stack,
                &format!("Public{i}Routes"),
                ec2::SubnetRouteTableAssociationProps::new(
                    routes.route_table_id(),
                    subnet.subnet_id(),
                ),
            );
            subnet
        })
        .collect();
    let subnet_ids: Vec<Value<stackdef::value::SubnetId>> =
        subnets.iter().map(ec2::Subnet::subnet_id).collect();
    let lb_sg = ec2::SecurityGroup::new(
        &stack,
        "LbSg",
        ec2::SecurityGroupProps::new("load balancer")
            .vpc_id(vpc.vpc_id())
            .security_group_ingress(vec![
                ec2::security_group::Ingress::new("tcp")
                    .cidr_ip("0.0.0.0/0")
                    .from_port(80)
                    .to_port(80),
            ]),
    );
    let app_sg = ec2::SecurityGroup::new(
        &stack,
        "AppSg",
        ec2::SecurityGroupProps::new("service").vpc_id(vpc.vpc_id()),
    );
    ec2::SecurityGroupIngress::new(
        &stack,
        "AppFromLb",
        ec2::SecurityGroupIngressProps::new("tcp")
            .group_id(app_sg.id())
            .source_security_group_id(lb_sg.id())
            .from_port(8080)
            .to_port(8080),
    );

    // logs + iam.
    let log_group = logs::LogGroup::new(
        &stack,
        "Logs",
        logs::LogGroupProps::new().retention_in_days(30),
    );
    log_group.apply_removal_policy(RemovalPolicy::Retain);
    let execution_role = iam::Role::new(
        &stack,
        "ExecutionRole",
        iam::RoleProps::new(json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        }))
        .managed_policy_arns(vec![
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        ]),
    );

    // elasticloadbalancingv2.
    let lb = elbv2::LoadBalancer::new(
        &stack,
        "Lb",
        elbv2::LoadBalancerProps::new()
            .subnets(subnet_ids.clone())
            .security_groups(vec![lb_sg.id()])
            .type_(elbv2::load_balancer::Type::Application),
    );
    let tg = elbv2::TargetGroup::new(
        &stack,
        "Targets",
        elbv2::TargetGroupProps::new()
            .vpc_id(vpc.vpc_id())
            .port(8080)
            .protocol(elbv2::target_group::Protocol::Http)
            .target_type(elbv2::target_group::TargetType::Ip)
            .health_check_path("/health"),
    );
    let listener = elbv2::Listener::new(
        &stack,
        "Http",
        elbv2::ListenerProps::new(
            vec![elbv2::listener::Action::new("forward").target_group_arn(tg.target_group_arn())],
            lb.load_balancer_arn(),
        )
        .port(80)
        .protocol(elbv2::listener::Protocol::Http),
    );

    // ecs.
    let cluster = ecs::Cluster::new(&stack, "Cluster", ecs::ClusterProps::new());
    let task = ecs::TaskDefinition::new(
        &stack,
        "Task",
        ecs::TaskDefinitionProps::new()
            .cpu("256")
            .memory("512")
            .network_mode(ecs::task_definition::NetworkMode::Awsvpc)
            .requires_compatibilities(vec![ecs::task_definition::RequiresCompatibilities::Fargate])
            .execution_role_arn(execution_role.attr_arn())
            .container_definitions(vec![
                ecs::task_definition::ContainerDefinition::new(
                    "public.ecr.aws/nginx/nginx:latest",
                    "web",
                )
                .essential(true)
                .port_mappings(vec![
                    ecs::task_definition::PortMapping::new().container_port(8080),
                ])
                .log_configuration(
                    ecs::task_definition::LogConfiguration::new("awslogs").options(
                        [
                            ("awslogs-group", log_group.log_group_name().cast::<String>()),
                            ("awslogs-region", fns::region()),
                            ("awslogs-stream-prefix", Value::from("web")),
                        ]
                        .into_iter()
                        .collect::<Value<stackdef::value::Map<String>>>(),
                    ),
                ),
            ]),
    );
    let service = ecs::Service::new(
        &stack,
        "Service",
        ecs::ServiceProps::new()
            .cluster(cluster.cluster_name())
            .task_definition(task.task_definition_arn())
            .launch_type(ecs::service::LaunchType::Fargate)
            .desired_count(2)
            .network_configuration(
                ecs::service::NetworkConfiguration::new().awsvpc_configuration(
                    ecs::service::AwsVpcConfiguration::new()
                        .subnets(subnet_ids.clone())
                        .security_groups(vec![app_sg.id()])
                        .assign_public_ip(ecs::service::AssignPublicIp::Enabled),
                ),
            )
            .load_balancers(vec![
                ecs::service::LoadBalancer::new()
                    .container_name("web")
                    .container_port(8080)
                    .target_group_arn(tg.target_group_arn()),
            ]),
    );
    service.add_depends_on(&listener);

    // rds.
    let db_subnets = rds::DbSubnetGroup::new(
        &stack,
        "DbSubnets",
        rds::DbSubnetGroupProps::new("database subnets", subnet_ids),
    );
    let db = rds::DbInstance::new(
        &stack,
        "Db",
        rds::DbInstanceProps::new()
            .engine("postgres")
            .db_instance_class("db.t4g.micro")
            .allocated_storage("20")
            .master_username("app")
            .manage_master_user_password(true)
            .db_subnet_group_name(db_subnets.db_subnet_group_name())
            .vpc_security_groups(vec![app_sg.id()])
            .storage_encrypted(true)
            .publicly_accessible(false),
    );
    db.set_deletion_policy(RemovalPolicy::Snapshot);
    db.set_update_replace_policy(RemovalPolicy::Snapshot);
    stackdef::CfnOutput::new(&stack, "DbEndpoint", db.attr_endpoint_address());
    stackdef::CfnOutput::new(&stack, "LbDns", lb.attr_dns_name());
}

#[test]
fn l1_web_stack_is_cfn_lint_clean() {
    let app = App::new();
    web_stack(&app);
    let out = app
        .synthesize()
        .unwrap_or_else(|e| panic!("synth failed:\n{e}"));
    let stack = out.stack("L1Web").expect("stack");
    let resources = stack.template["Resources"].as_object().expect("resources");
    assert!(resources.len() >= 20, "{}", resources.len());
    let service = &stack.template["Resources"]["Service"]["Properties"];
    assert_eq!(service["Cluster"], json!({"Ref": "Cluster"}));
    assert_eq!(service["TaskDefinition"], json!({"Ref": "Task"}));
    assert_cfn_lint_clean("L1Web", &stack.template_json);
}

#[test]
fn bad_literals_are_reported_with_the_construct_path() {
    let app = App::new();
    let stack = app.stack("Bad", Env::aws("123456789012", "us-east-1"));
    // range: RetentionInDays is one of a list of integers.
    logs::LogGroup::new(
        &stack,
        "Logs",
        logs::LogGroupProps::new().retention_in_days(31),
    );
    // length + pattern: LogGroupName is 1..=512 characters of [.\-_/#A-Za-z0-9]+.
    logs::LogGroup::new(
        &stack,
        "Named",
        logs::LogGroupProps::new().log_group_name("has spaces!"),
    );
    logs::LogGroup::new(
        &stack,
        "Long",
        logs::LogGroupProps::new().log_group_name("x".repeat(600)),
    );
    // enum: a case mistake in an `Other` value.
    elbv2::TargetGroup::new(
        &stack,
        "Tg",
        elbv2::TargetGroupProps::new()
            .protocol(elbv2::target_group::Protocol::Other("http".into()))
            .port(70000),
    );
    // Property combinations: a subnet needs an IPv4 or IPv6 CIDR (or IPAM pool), and
    // `AvailabilityZone` excludes `AvailabilityZoneId`.
    let vpc = ec2::Vpc::new(
        &stack,
        "Vpc",
        ec2::VpcProps::new().cidr_block("10.0.0.0/16"),
    );
    ec2::Subnet::new(
        &stack,
        "Subnet",
        ec2::SubnetProps::new(vpc.vpc_id())
            .availability_zone("us-east-1a")
            .availability_zone_id("use1-az1"),
    );
    // Expressions are never checked: their value is known only at deploy.
    let days = stackdef::CfnParameter::new(&stack, "Days", "Number");
    logs::LogGroup::new(
        &stack,
        "FromParam",
        logs::LogGroupProps::new().retention_in_days(days.value::<i64>()),
    );
    let errors = app.synthesize().expect_err("bad literals must fail synth");
    let text: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    let all = text.join("\n");
    let expect = |path: &str, property: &str, what: &str| {
        assert!(
            errors.0.iter().any(|e| {
                let s = e.to_string();
                e.path.as_deref() == Some(path) && s.contains(property) && s.contains(what)
            }),
            "no error at {path} on {property} mentioning {what:?} in:\n{all}"
        );
    };
    expect("Bad/Logs", "RetentionInDays", "31 is not one of");
    expect("Bad/Named", "LogGroupName", "does not match the pattern");
    expect("Bad/Long", "LogGroupName", "at most 512");
    expect("Bad/Tg", "Protocol", "did you mean \"HTTP\"");
    expect("Bad/Tg", "Port", "above the maximum 65535");
    expect("Bad/Subnet", "Properties", "at least one of CidrBlock");
    expect(
        "Bad/Subnet",
        "Properties",
        "AvailabilityZone and AvailabilityZoneId cannot both be set",
    );
    assert!(!all.contains("Bad/FromParam"), "{all}");
    // Errors carry the user's source location (this file).
    assert!(
        errors.0.iter().all(|e| e
            .location
            .as_ref()
            .is_some_and(|l| l.to_string().contains("l1_types.rs"))),
        "{all}"
    );
}

#[test]
fn addresses_and_cidr_blocks_are_checked_by_their_schema_format() {
    let app = App::new();
    let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
    // A prefix over 32, and an address with an octet over 255.
    let vpc = ec2::Vpc::new(
        &stack,
        "Vpc",
        ec2::VpcProps::new().cidr_block("10.0.0.0/33"),
    );
    ec2::Subnet::new(
        &stack,
        "Subnet",
        ec2::SubnetProps::new(vpc.vpc_id()).cidr_block("10.0.256.0/24"),
    );
    let group = ec2::SecurityGroup::new(
        &stack,
        "Group",
        ec2::SecurityGroupProps::new("web").vpc_id(vpc.vpc_id()),
    );
    // An address without a prefix where a block is expected, and a malformed IPv6 block.
    ec2::SecurityGroupIngress::new(
        &stack,
        "V4",
        ec2::SecurityGroupIngressProps::new("tcp")
            .from_port(443)
            .to_port(443)
            .group_id(group.attr_group_id())
            .cidr_ip("203.0.113.7"),
    );
    ec2::SecurityGroupIngress::new(
        &stack,
        "V6",
        ec2::SecurityGroupIngressProps::new("tcp")
            .from_port(443)
            .to_port(443)
            .group_id(group.attr_group_id())
            .cidr_ipv6("2001:db8::/+56"),
    );
    // Well-formed blocks pass.
    ec2::SecurityGroupIngress::new(
        &stack,
        "Fine",
        ec2::SecurityGroupIngressProps::new("tcp")
            .from_port(443)
            .to_port(443)
            .group_id(group.attr_group_id())
            .cidr_ipv6("2001:db8::/56"),
    );
    let errors = app.synthesize().expect_err("bad blocks must fail synth");
    let all: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    let all = all.join("\n");
    for (path, property, value) in [
        ("Net/Vpc", "CidrBlock", "10.0.0.0/33"),
        ("Net/Subnet", "CidrBlock", "10.0.256.0/24"),
        ("Net/V4", "CidrIp", "203.0.113.7"),
        ("Net/V6", "CidrIpv6", "2001:db8::/+56"),
    ] {
        assert!(
            errors.0.iter().any(|e| {
                let s = e.to_string();
                e.path.as_deref() == Some(path)
                    && s.contains(property)
                    && s.contains(&format!("{value:?} is not an IPv"))
            }),
            "no format error at {path} on {property} for {value} in:\n{all}"
        );
    }
    assert_eq!(errors.0.len(), 4, "{all}");
}

#[test]
fn facts_cover_every_type_whatever_the_features() {
    assert_eq!(stackdef::registry::type_names().len(), 1584);
    let subnet = stackdef::registry::schema("AWS::EC2::Subnet").expect("subnet");
    assert!(subnet.create_only.iter().any(|p| p == "CidrBlock"));
    assert_eq!(subnet.primary_identifier, ["SubnetId"]);
    assert_eq!(ec2::Subnet::create_only(), subnet.create_only.as_slice());
    // A type from a service that is not a default feature is still known.
    let fn_facts = stackdef::registry::schema("AWS::Lambda::Function").expect("lambda");
    assert!(fn_facts.create_only.iter().any(|p| p == "FunctionName"));
    assert!(stackdef::registry::schema("AWS::Nope::Nothing").is_none());
}
