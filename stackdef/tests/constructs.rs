//! Behaviour of the L2 constructs beyond the bank example: availability zones, the
//! connections API, grants, HTTPS, ECR images, internal load balancers, scaling.

use serde_json::json;
use stackdef::appscaling::{ScalingCapacity, TargetTrackingProps};
use stackdef::assertions::{Match, Template};
use stackdef::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
use stackdef::ecr::{EcrRepository, EcrRepositoryProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
};
use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroupProps};
use stackdef::rds::{RdsMysql, RdsMysqlProps};
use stackdef::secretsmanager::{Secret, SecretProps};
use stackdef::{App, Env, Stack};

fn template(stack: &Stack) -> Template {
    match Template::from_stack(stack) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    }
}

fn web_service(
    stack: &Stack,
    vpc: &Vpc,
    image: ContainerImage,
) -> (FargateTaskDefinition, FargateService) {
    let cluster = Cluster::new(stack, "Cluster", vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        image,
        ContainerOptions {
            port_mappings: vec![8080],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps::default(),
    );
    (task, service)
}

#[test]
fn unknown_region_uses_get_azs() {
    let app = App::new();
    let stack = app.stack("Agnostic", Env::agnostic());
    Vpc::new(&stack, "Vpc", VpcProps::default());
    let t = template(&stack);
    t.resource_count_is("AWS::EC2::Subnet", 4);
    t.has_resource_properties(
        "AWS::EC2::Subnet",
        json!({"AvailabilityZone": {"Fn::Select": [1, {"Fn::GetAZs": ""}]}, "CidrBlock": "10.0.48.0/20"}),
    );
    t.all_resources(
        "AWS::EC2::Subnet",
        Match::object_like([(
            "Metadata",
            Match::object_like([("cfn-lint", Match::absent())]),
        )]),
    );
}

#[test]
fn isolated_subnets_without_nat() {
    let app = App::new();
    let stack = app.stack("Iso", Env::aws("123456789012", "eu-west-1"));
    Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            nat_gateways: 0,
            flow_logs: false,
            ..Default::default()
        },
    );
    let t = template(&stack);
    t.resource_count_is("AWS::EC2::NatGateway", 0);
    t.resource_count_is("AWS::EC2::EIP", 0);
    // Only the two public subnets have a default route (to the internet gateway).
    t.resource_count_is("AWS::EC2::Route", 2);
    t.all_resources(
        "AWS::EC2::Route",
        Match::object_like([(
            "Properties",
            Match::object_like([("GatewayId", Match::any())]),
        )]),
    );
    t.has_resource_properties(
        "AWS::EC2::Subnet",
        json!({"AvailabilityZone": "eu-west-1b", "Tags": [{"Key": "Name"}, {"Value": "isolated (no internet route)"}]}),
    );
}

#[test]
fn allow_from_writes_both_sides_once() {
    let app = App::new();
    let stack = app.stack("Sg", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let a = SecurityGroup::new(&stack, "A", &vpc, SecurityGroupProps::default());
    let b = SecurityGroup::new(&stack, "B", &vpc, SecurityGroupProps::default());
    let open = SecurityGroup::new(
        &stack,
        "Open",
        &vpc,
        SecurityGroupProps {
            allow_all_outbound: true,
            ..Default::default()
        },
    );
    a.allow_from(&b, Port::tcp(5432));
    a.allow_from(&b, Port::tcp(5432)); // repeated: no second rule
    a.allow_from(&open, Port::tcp_range(9000, 9100));
    a.allow_from_any_ipv4(Port::tcp(443));
    let t = template(&stack);
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 2);
    // `open` allows all outbound already, so only `b` gets an egress rule.
    t.resource_count_is("AWS::EC2::SecurityGroupEgress", 1);
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 9000, "ToPort": 9100, "IpProtocol": "tcp", "Description": "tcp 9000-9100 from Sg/Open"}),
    );
    // A closed group keeps the placeholder egress rule instead of AWS's allow-all.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"GroupDescription": "Sg/B", "SecurityGroupEgress": [{"CidrIp": "127.0.0.1/32", "IpProtocol": "-1"}]}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"GroupDescription": "Sg/A", "SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0", "FromPort": 443}]}),
    );
}

#[test]
fn grant_read_to_a_task_definition_creates_its_task_role() {
    let app = App::new();
    let stack = app.stack("Grants", Env::aws("123456789012", "us-east-1"));
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    let secret = Secret::new(&stack, "ApiKey", SecretProps::default());
    secret.grant_read(&task);
    let t = template(&stack);
    t.resource_count_is("AWS::IAM::Role", 2);
    let role = t
        .logical_id_of("Grants/Task/TaskRole/Resource")
        .expect("a task role");
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"TaskRoleArn": {"Fn::GetAtt": [role, "Arn"]}}),
    );
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"Policies": [{"PolicyDocument": {"Statement": [{
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": {"Ref": "ApiKey"}
        }]}}]}),
    );
}

#[test]
fn https_listener_with_redirect() {
    let app = App::new();
    let stack = app.stack("Tls", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let (_, service) = web_service(&stack, &vpc, ContainerImage::registry("nginx:1.27"));
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    alb.redirect_http_to_https("Http");
    alb.add_listener(
        "Https",
        ListenerProps::https(443, "arn:aws:acm:us-east-1:123456789012:certificate/abc"),
    )
    .forward_to("Web", &service, TargetGroupProps::default());
    let t = template(&stack);
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Port": 80, "DefaultActions": [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match::object_like([
            ("Port", Match::from(443)),
            ("Protocol", Match::from("HTTPS")),
            ("SslPolicy", Match::string_containing("TLS13")),
            (
                "DefaultActions",
                Match::array_with([json!({"Type": "forward"})]),
            ),
        ]),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        json!({"Port": 8080}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        Match::object_like([(
            "SecurityGroupIngress",
            Match::array_with([json!({"FromPort": 80}), json!({"FromPort": 443})]),
        )]),
    );
}

#[test]
fn ecr_images_grant_pull_to_the_execution_role() {
    let app = App::new();
    let stack = app.stack("Ecr", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let repo = EcrRepository::new(&stack, "Repo", EcrRepositoryProps::default());
    web_service(&stack, &vpc, ContainerImage::ecr(&repo, "v1.2.3"));
    let t = template(&stack);
    t.has_resource_properties(
        "AWS::ECR::Repository",
        json!({"ImageScanningConfiguration": {"ScanOnPush": true}, "ImageTagMutability": "IMMUTABLE", "EncryptionConfiguration": {"EncryptionType": "KMS"}}),
    );
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Image": {"Fn::Sub": "${Repo.RepositoryUri}:v1.2.3"}}]}),
    );
    t.has_resource_properties(
        "AWS::IAM::Role",
        Match::object_like([(
            "Policies",
            Match::array_with([json!({"PolicyDocument": {"Statement": [
                {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"]},
                {"Resource": {"Fn::GetAtt": ["Repo", "Arn"]}},
                {"Action": "ecr:GetAuthorizationToken", "Resource": "*"}
            ]}})]),
        )]),
    );
    // Logging::Auto made a log group for the container, kept for a year.
    t.has_resource(
        "AWS::Logs::LogGroup",
        json!({"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 365}}),
    );
}

#[test]
fn internal_alb_is_private_and_open_to_the_vpc_only() {
    let app = App::new();
    let stack = app.stack("Internal", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::cidr("10.20.0.0/16"));
    let alb = Alb::new(
        &stack,
        "Alb",
        &vpc,
        AlbProps {
            internet_facing: false,
            ..Default::default()
        },
    );
    alb.add_listener("Http", ListenerProps::http(80));
    let t = template(&stack);
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({"Scheme": "internal"}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupIngress": [{"CidrIp": "10.20.0.0/16", "FromPort": 80}]}),
    );
    // Nothing forwarded yet: the listener answers 404 instead of being invalid.
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]}),
    );
}

#[test]
fn a_container_target_must_map_the_port() {
    let app = App::new();
    let stack = app.stack("Ports", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let (task, service) = web_service(&stack, &vpc, ContainerImage::registry("nginx:1.27"));
    let web = &task.containers()[0];
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    alb.add_listener("Http", ListenerProps::http(80))
        .forward_to(
            "Web",
            &service.load_balancer_target(web, 5000),
            TargetGroupProps::default(),
        );
    let errors = match app.synthesize() {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    };
    assert!(
        errors.contains("container `web` does not map port 5000 (it maps [8080])"),
        "{errors}"
    );
}

#[test]
fn target_tracking_on_cpu() {
    let app = App::new();
    let stack = app.stack("Scale", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let (_, service) = web_service(&stack, &vpc, ContainerImage::registry("nginx:1.27"));
    service
        .auto_scale_task_count(ScalingCapacity { min: 1, max: 4 })
        .scale_on_cpu_utilization("Cpu", TargetTrackingProps::default());
    let t = template(&stack);
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        json!({
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": 70.0,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}
            }
        }),
    );
}

#[test]
fn rules_between_stacks_do_not_make_a_cycle() {
    use stackdef::ec2::HasDefaultPort;
    let app = App::new();
    let env = Env::aws("123456789012", "us-east-1");
    let data = app.stack("Data", env.clone());
    let web = app.stack("Web", env);
    let vpc = Vpc::new(&data, "Vpc", VpcProps::default());
    let db = RdsMysql::new(&data, "Db", &vpc, RdsMysqlProps::default());
    let (_, service) = web_service(&web, &vpc, ContainerImage::registry("nginx:1.27"));
    db.allow_default_port_from(&service);
    let out = match app.synthesize() {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    };
    // Web depends on Data (VPC, DB security group), never the other way round.
    let names: Vec<&str> = out
        .stacks
        .iter()
        .map(|s| s.artifact.name.as_str())
        .collect();
    assert_eq!(names, ["Data", "Web"]);
    let web_t = Template::from_json(out.stack("Web").expect("web").template.clone());
    let data_t = Template::from_json(out.stack("Data").expect("data").template.clone());
    web_t.resource_count_is("AWS::EC2::SecurityGroupIngress", 1);
    web_t.resource_count_is("AWS::EC2::SecurityGroupEgress", 1);
    data_t.resource_count_is("AWS::EC2::SecurityGroupIngress", 0);
    web_t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        Match::object_like([
            ("FromPort", Match::from(3306)),
            (
                "GroupId",
                Match::object_like([("Fn::ImportValue", Match::any())]),
            ),
        ]),
    );
}

#[test]
fn database_connection_secrets_come_from_the_generated_secret() {
    let app = App::new();
    let stack = app.stack("Conn", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let db = RdsMysql::new(&stack, "Db", &vpc, RdsMysqlProps::default());
    let secrets = EcsSecret::from_fields(&db.credentials(), "APP");
    let names: Vec<&str> = secrets.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["APP_HOST", "APP_PASSWORD", "APP_PORT", "APP_USERNAME"]
    );
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "app",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            secrets,
            ..Default::default()
        },
    );
    let t = template(&stack);
    let definitions = t.find_resources("AWS::ECS::TaskDefinition", Match::any());
    let (_, task) = definitions.first().expect("one task definition");
    let container = &task["Properties"]["ContainerDefinitions"][0];
    let text = container["Secrets"].to_string();
    for field in ["host", "port", "username", "password"] {
        assert!(text.contains(&format!(":{field}::")), "{field}: {text}");
    }
    assert_eq!(container["Secrets"].as_array().map(Vec::len), Some(4));
}

#[test]
fn ecr_push_grants_the_upload_actions_only() {
    let app = App::new();
    let stack = app.stack("Ecr", Env::aws("123456789012", "us-east-1"));
    let repo = EcrRepository::new(&stack, "Repo", EcrRepositoryProps::default());
    let builder = stackdef::iam::Role::new(
        &stack,
        "Builder",
        stackdef::iam::RoleProps::new(stackdef::iam::ServicePrincipal::codebuild()),
    );
    repo.grant_push(&builder);
    let t = template(&stack);
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"Policies": [{"PolicyDocument": {"Statement": [
            {"Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:CompleteLayerUpload",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart"
            ], "Resource": {"Fn::GetAtt": ["Repo", "Arn"]}},
            {"Action": "ecr:GetAuthorizationToken", "Resource": "*"}
        ]}}]}),
    );
    let text = t.json().to_string();
    assert!(
        !text.contains("ecr:BatchGetImage"),
        "push alone does not pull"
    );
}

#[test]
fn container_user_and_memory_limits() {
    let app = App::new();
    let stack = app.stack("Task", Env::aws("123456789012", "us-east-1"));
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "app",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            user: Some("1000:1000".into()),
            memory_limit_mib: Some(512),
            memory_reservation_mib: Some(256),
            ..Default::default()
        },
    );
    let t = template(&stack);
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"User": "1000:1000", "Memory": 512, "MemoryReservation": 256}]}),
    );

    let app = App::new();
    let stack = app.stack("Task", Env::aws("123456789012", "us-east-1"));
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    let line = line!() + 1;
    task.add_container(
        "app",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            memory_limit_mib: Some(256),
            memory_reservation_mib: Some(512),
            ..Default::default()
        },
    );
    let err = match app.synthesize() {
        Ok(_) => panic!("a reservation above the limit synthesized"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("memory_reservation_mib 512 is above memory_limit_mib 256"),
        "{err}"
    );
    assert!(err.contains(&format!("{}:{line}", file!())), "{err}");
}
