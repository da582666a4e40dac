//! W1 (`examples/bank_stack.rs`): the template is snapshotted, cfn-lint clean, and the
//! properties that matter (ports, subnets, security group rules, secret wiring, deletion
//! policies) are asserted one by one.

use serde_json::{Value as Json, json};
use stackdef::App;
use stackdef::assertions::{Match, Template};
use stackdef_tests::cfn_lint;

#[allow(dead_code)]
#[path = "../bank_stack.rs"]
mod bank;

fn synth() -> (String, Template) {
    let app = App::new();
    bank::bank_stack(&app);
    let out = match app.synthesize() {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    };
    let stack = out.stack("BankStack").expect("BankStack is synthesized");
    (
        stack.template_json.clone(),
        Template::from_json(stack.template.clone()),
    )
}

fn ref_to(template: &Template, type_name: &str) -> Json {
    let ids: Vec<String> = template
        .resources_of_type(type_name)
        .keys()
        .cloned()
        .collect();
    assert_eq!(ids.len(), 1, "expected one {type_name}, found {ids:?}");
    json!({"Ref": ids[0]})
}

fn group_id_of(template: &Template, path: &str) -> Json {
    let id = template
        .logical_id_of(path)
        .unwrap_or_else(|| panic!("no resource at {path}"));
    json!({"Fn::GetAtt": [id, "GroupId"]})
}

#[test]
fn bank_template_snapshot() {
    let (text, _) = synth();
    insta::assert_snapshot!("BankStack.template.json", text);
}

#[test]
fn bank_template_is_cfn_lint_clean() {
    let (text, _) = synth();
    cfn_lint::assert_clean("BankStack", &text);
}

#[test]
fn network_matches_the_seed() {
    let (_, t) = synth();
    t.resource_count_is("AWS::EC2::VPC", 1);
    t.has_resource_properties("AWS::EC2::VPC", json!({"CidrBlock": "172.28.0.0/16"}));
    t.resource_count_is("AWS::EC2::Subnet", 4);
    for (cidr, az) in [
        ("172.28.0.0/18", "us-east-1a"),
        ("172.28.64.0/18", "us-east-1a"),
        ("172.28.128.0/18", "us-east-1b"),
        ("172.28.192.0/18", "us-east-1b"),
    ] {
        t.has_resource_properties(
            "AWS::EC2::Subnet",
            json!({"CidrBlock": cidr, "AvailabilityZone": az, "MapPublicIpOnLaunch": false}),
        );
    }
    t.resource_count_is("AWS::EC2::NatGateway", 1);
    t.resource_count_is("AWS::EC2::EIP", 1);
    t.resource_count_is("AWS::EC2::InternetGateway", 1);
    // Both private subnets route out through the one NAT gateway.
    let nat = ref_to(&t, "AWS::EC2::NatGateway");
    assert_eq!(
        t.find_resources_with_properties("AWS::EC2::Route", json!({"NatGatewayId": nat}))
            .len(),
        2
    );
}

#[test]
fn ports_and_target_group() {
    let (_, t) = synth();
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({"Scheme": "internet-facing", "Type": "application"}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "forward"}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        json!({"Port": 8000, "TargetType": "ip", "HealthCheckPath": "/health"}),
    );
    // The container port and the target group port are the same number by construction.
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({
            "Cpu": "512",
            "Memory": "1024",
            "ContainerDefinitions": [{
                "Image": "kha1i1e/dep7bankapp:latest",
                "PortMappings": [{"ContainerPort": 8000}],
                "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": {"Ref": "Logs"}}}
            }]
        }),
    );
    t.has_resource_properties(
        "AWS::ECS::Service",
        json!({
            "DesiredCount": 2,
            "LaunchType": "FARGATE",
            "LoadBalancers": [{"ContainerName": "bank-app", "ContainerPort": 8000}],
            "DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}},
            "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED"}}
        }),
    );
    t.has_resource_properties(
        "AWS::Logs::LogGroup",
        json!({"LogGroupName": "/ecs/bank-logs"}),
    );
}

#[test]
fn services_run_in_private_subnets_and_alb_in_public() {
    let (_, t) = synth();
    let private: Vec<Json> = ["Vpc/PrivateSubnet1/Subnet", "Vpc/PrivateSubnet2/Subnet"]
        .iter()
        .map(|p| json!({"Ref": t.logical_id_of(&format!("BankStack/{p}")).expect("subnet")}))
        .collect();
    let public: Vec<Json> = ["Vpc/PublicSubnet1/Subnet", "Vpc/PublicSubnet2/Subnet"]
        .iter()
        .map(|p| json!({"Ref": t.logical_id_of(&format!("BankStack/{p}")).expect("subnet")}))
        .collect();
    t.has_resource_properties(
        "AWS::ECS::Service",
        json!({"NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": private.clone()}}}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        json!({"Subnets": public}),
    );
    t.has_resource_properties("AWS::RDS::DBSubnetGroup", json!({"SubnetIds": private}));
}

#[test]
fn security_group_rules_are_least_privilege() {
    let (_, t) = synth();
    let alb = group_id_of(&t, "BankStack/Alb/SecurityGroup/Resource");
    let app = group_id_of(&t, "BankStack/Service/SecurityGroup/Resource");
    let db = group_id_of(&t, "BankStack/Database/SecurityGroup/Resource");

    // The ALB takes port 80 from anywhere and may only talk to the app on 8000.
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupIngress": [{"CidrIp": "0.0.0.0/0", "FromPort": 80, "ToPort": 80, "IpProtocol": "tcp"}]}),
    );
    // Exactly two SG-to-SG ingress rules: ALB -> app:8000 and app -> db:3306.
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 2);
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"GroupId": app, "SourceSecurityGroupId": alb, "FromPort": 8000, "ToPort": 8000}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"GroupId": db, "SourceSecurityGroupId": app, "FromPort": 3306, "ToPort": 3306}),
    );
    t.resource_count_is("AWS::EC2::SecurityGroupEgress", 2);
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        json!({"GroupId": alb, "DestinationSecurityGroupId": app, "FromPort": 8000}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupEgress",
        json!({"GroupId": app, "DestinationSecurityGroupId": db, "FromPort": 3306}),
    );
    // Nothing allows all outbound traffic, and no group opens the database to a CIDR.
    for (id, sg) in t.resources_of_type("AWS::EC2::SecurityGroup") {
        for rule in sg["Properties"]["SecurityGroupEgress"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(
                !(rule["IpProtocol"] == "-1" && rule["CidrIp"] == "0.0.0.0/0"),
                "{id} allows all outbound traffic"
            );
        }
    }
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        Match::object_like([
            ("GroupDescription", Match::string_containing("Database")),
            ("SecurityGroupIngress", Match::absent()),
        ]),
    );
}

#[test]
fn database_is_private_encrypted_and_snapshotted() {
    let (_, t) = synth();
    t.has_resource(
        "AWS::RDS::DBInstance",
        json!({
            "DeletionPolicy": "Snapshot",
            "UpdateReplacePolicy": "Snapshot",
            "Properties": {
                "Engine": "mysql",
                "PubliclyAccessible": false,
                "StorageEncrypted": true,
                "MultiAZ": true,
                "DeletionProtection": true,
                "BackupRetentionPeriod": 7,
                "Port": "3306"
            }
        }),
    );
    // No password in the template: both credentials are dynamic references.
    t.has_resource_properties(
        "AWS::RDS::DBInstance",
        Match::object_like([
            (
                "MasterUserPassword",
                Match::object_like([(
                    "Fn::Sub",
                    Match::string_containing("{{resolve:secretsmanager:"),
                )]),
            ),
            (
                "MasterUsername",
                Match::object_like([(
                    "Fn::Sub",
                    Match::string_containing("{{resolve:secretsmanager:"),
                )]),
            ),
        ]),
    );
    t.has_resource(
        "AWS::SecretsManager::Secret",
        json!({"DeletionPolicy": "Retain", "Properties": {"GenerateSecretString": {"GenerateStringKey": "password"}}}),
    );
    t.has_resource("AWS::Logs::LogGroup", json!({"DeletionPolicy": "Retain"}));
}

#[test]
fn logs_and_credentials_use_the_customer_managed_key() {
    let (_, t) = synth();
    let key = t
        .logical_id_of("BankStack/BankKey/Resource")
        .expect("the key");
    let key_arn = json!({"Fn::GetAtt": [key, "Arn"]});
    t.has_resource(
        "AWS::KMS::Key",
        json!({"DeletionPolicy": "Retain", "Properties": {"EnableKeyRotation": true}}),
    );
    // Both log groups (flow logs and /ecs/bank-logs) and the secret are encrypted with it.
    t.all_resources(
        "AWS::Logs::LogGroup",
        json!({"Properties": {"KmsKeyId": key_arn.clone(), "RetentionInDays": 365}}),
    );
    t.has_resource_properties("AWS::SecretsManager::Secret", json!({"KmsKeyId": key_arn}));
    // CloudWatch Logs may use the key, only for log groups of this account and region.
    t.has_resource_properties(
        "AWS::KMS::Key",
        Match::object_like([(
            "KeyPolicy",
            Match::object_like([(
                "Statement",
                Match::array_with([json!({
                    "Sid": "CloudWatchLogs",
                    "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"}}}
                })]),
            )]),
        )]),
    );
}

#[test]
fn secret_is_injected_and_granted_to_the_execution_role_only() {
    let (_, t) = synth();
    let attachment = ref_to(&t, "AWS::SecretsManager::SecretTargetAttachment");
    let attachment_id = attachment["Ref"].as_str().expect("id").to_owned();
    let key_id = t
        .logical_id_of("BankStack/BankKey/Resource")
        .expect("the key");
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Secrets": [
            {"Name": "DB_HOST", "ValueFrom": {"Fn::Sub": format!("${{{attachment_id}}}:host::")}},
            {"Name": "DB_PASSWORD", "ValueFrom": {"Fn::Sub": format!("${{{attachment_id}}}:password::")}},
            {"Name": "DB_PORT", "ValueFrom": {"Fn::Sub": format!("${{{attachment_id}}}:port::")}},
            {"Name": "DB_USERNAME", "ValueFrom": {"Fn::Sub": format!("${{{attachment_id}}}:username::")}}
        ]}]}),
    );
    t.has_resource_properties(
        "AWS::IAM::Role",
        Match::object_like([
            ("Description", Match::string_containing("ECS execution role")),
            (
                "Policies",
Match::array_with([json!({"PolicyDocument": {"Statement": [
                    {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": {"Fn::GetAtt": ["Logs", "Arn"]}},
                    {"Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": attachment},
                    {"Action": "kms:Decrypt", "Resource": {"Fn::GetAtt": [key_id, "Arn"]}}
                ]}})]),
            ),
        ]),
    );
    // No task role: the app gets no AWS permissions it does not use; no hard-coded ARNs.
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        Match::object_like([("TaskRoleArn", Match::absent())]),
    );
    let text = t.json().to_string();
    assert!(
        !text.contains("arn:aws:iam::"),
        "a hard-coded role ARN crept in"
    );
}

#[test]
fn scaling_and_outputs() {
    let (_, t) = synth();
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        json!({"MinCapacity": 2, "MaxCapacity": 6, "ScalableDimension": "ecs:service:DesiredCount"}),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({"MetricName": "CPUUtilization", "Threshold": 85.0, "EvaluationPeriods": 2, "ComparisonOperator": "GreaterThanThreshold"}),
    );
    t.resource_count_is("AWS::ApplicationAutoScaling::ScalingPolicy", 3);
    t.has_output(
        "AlbUrl",
        Match::object_like([(
            "Value",
            Match::object_like([("Fn::Sub", Match::string_containing("http://${Alb"))]),
        )]),
    );
}

#[test]
fn the_example_writes_an_assembly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = App::new();
    bank::bank_stack(&app);
    let report = app.synth_to(dir.path()).expect("synth");
    assert!(dir.path().join("BankStack.template.json").is_file());
    assert!(dir.path().join("manifest.json").is_file());
    let summary = report.to_string();
    assert!(summary.contains("BankStack"), "{summary}");
}

/// The paths the bank example does not take (HTTPS with a redirect, an ECR image, an
/// environment-agnostic stack with `Fn::GetAZs`, isolated database subnets, target
/// tracking on CPU) are cfn-lint clean too.
#[test]
fn other_construct_paths_are_cfn_lint_clean() {
    use stackdef::appscaling::{ScalingCapacity, TargetTrackingProps};
    use stackdef::ec2::{HasDefaultPort, SubnetConfig, SubnetType, Vpc, VpcProps};
    use stackdef::ecr::{EcrRepository, EcrRepositoryProps};
    use stackdef::ecs::{
        Cluster, ClusterProps, ContainerImage, ContainerOptions, FargateService,
        FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
    };
    use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroupProps};
    use stackdef::rds::{RdsMysql, RdsMysqlProps};
    use stackdef::{Env, fns};

    let app = App::new();
    let stack = app.stack("Variants", Env::agnostic());
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            max_azs: 3,
            nat_gateways: 2,
            subnets: vec![
                SubnetConfig::new("Public", SubnetType::Public, 24),
                SubnetConfig::new("App", SubnetType::PrivateWithEgress, 22),
                SubnetConfig::new("Data", SubnetType::PrivateIsolated, 24),
            ],
            ..VpcProps::cidr("10.40.0.0/16")
        },
    );
    let repo = EcrRepository::new(&stack, "Repo", EcrRepositoryProps::default());
    let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(
        &stack,
        "Task",
        FargateTaskDefinitionProps {
            cpu: 1024,
            memory_mib: 3072,
            ..Default::default()
        },
    );
    task.add_container(
        "api",
        ContainerImage::ecr(&repo, "2024-06-01"),
        ContainerOptions {
            port_mappings: vec![9000],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        &stack,
        "Api",
        &cluster,
        &task,
        FargateServiceProps {
            desired_count: 3,
            vpc_subnets: stackdef::ec2::SubnetSelection::Group("App".into()),
            ..Default::default()
        },
    );
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    alb.redirect_http_to_https("Http");
    let cert: stackdef::Value<String> = stackdef::sub![
        "arn:",
        fns::partition(),
        ":acm:",
        fns::region(),
        ":",
        fns::account_id(),
        ":certificate/00000000-0000-0000-0000-000000000000"
    ];
    alb.add_listener("Https", ListenerProps::https(443, cert))
        .forward_to("Api", &service, TargetGroupProps::default());
    let db = RdsMysql::new(
        &stack,
        "Db",
        &vpc,
        RdsMysqlProps {
            vpc_subnets: stackdef::ec2::SubnetSelection::Group("Data".into()),
            ..Default::default()
        },
    );
    db.allow_default_port_from(&service);
    service
        .auto_scale_task_count(ScalingCapacity { min: 3, max: 12 })
        .scale_on_cpu_utilization("Cpu", TargetTrackingProps::default());
    let out = match app.synthesize() {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    };
    let stack = out.stack("Variants").expect("synthesized");
    cfn_lint::assert_clean("Variants", &stack.template_json);
}
