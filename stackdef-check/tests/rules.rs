//! Every rule of the catalog on a template that breaks it and on the same template
//! corrected (the cases are in `rule_cases`, shared with the workspace's cfn-lint test):
//! the trigger draws that rule, at the item and property path it names, and no other rule;
//! the corrected template draws nothing at all, so each clean variant is also a check that
//! no rule reports a template CloudFormation accepts.

mod common;
mod rule_cases;

use std::collections::BTreeSet;

use rule_cases::{Case, cases};
use stackdef_check::catalog;

fn check_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let rule = catalog::rule(case.rule);
    if rule.is_none() {
        problems.push(format!("{}: not a rule of the catalog", case.rule));
    }
    let found = common::check(&case.trigger);
    if !found
        .iter()
        .any(|f| f.rule == case.rule && f.item == case.item && f.path == case.path)
    {
        problems.push(format!(
            "{}: the trigger should draw it on {} at {}; found:\n{}",
            case.rule,
            case.item,
            case.path,
            common::listing(&found)
        ));
    }
    let others: Vec<_> = found
        .iter()
        .filter(|f| f.rule != case.rule)
        .cloned()
        .collect();
    if !others.is_empty() {
        problems.push(format!(
            "{}: the trigger should draw no other rule; found:\n{}",
            case.rule,
            common::listing(&others)
        ));
    }
    let clean = common::check(&case.clean);
    if !clean.is_empty() {
        problems.push(format!(
            "{}: the corrected template should draw nothing; found:\n{}",
            case.rule,
            common::listing(&clean)
        ));
    }
    problems
}

/// Runs the case of `id` (one test per rule, so a failure names its rule).
fn run(id: &str) {
    let all = cases();
    let case = all
        .iter()
        .find(|c| c.rule == id)
        .unwrap_or_else(|| panic!("no case for {id}"));
    let problems = check_case(case);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_of_the_catalog_has_exactly_one_case() {
    let all = cases();
    let ids: Vec<&str> = all.iter().map(|c| c.rule).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a rule has two cases: {ids:?}");
    let catalog_ids: BTreeSet<&str> = catalog::ALL.iter().map(|r| r.id).collect();
    let missing: Vec<_> = catalog_ids.difference(&unique).collect();
    let extra: Vec<_> = unique.difference(&catalog_ids).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "cases and catalog differ: rules without a case {missing:?}, cases of no rule {extra:?}"
    );
}

#[test]
fn every_rule_has_its_own_test_below() {
    // The per-rule tests below are written out by hand; keep them in step with the catalog.
    let source = include_str!("rules.rs");
    for rule in catalog::ALL {
        let line = format!("{} => \"{}\",", rule.id.to_ascii_lowercase(), rule.id);
        assert!(source.contains(&line), "no test `{line}` for {}", rule.id);
    }
}

macro_rules! rule_tests {
    ($($name:ident => $id:literal,)*) => {
        $(
            #[test]
            fn $name() {
                run($id);
            }
        )*
    };
}

rule_tests! {
    sd1001 => "SD1001",
    sd1002 => "SD1002",
    sd1003 => "SD1003",
    sd1004 => "SD1004",
    sd1005 => "SD1005",
    sd1006 => "SD1006",
    sd1007 => "SD1007",
    sd1008 => "SD1008",
    sd1009 => "SD1009",
    sd1010 => "SD1010",
    sd1011 => "SD1011",
    sd1012 => "SD1012",
    sd2001 => "SD2001",
    sd2002 => "SD2002",
    sd2003 => "SD2003",
    sd2004 => "SD2004",
    sd3001 => "SD3001",
    sd3002 => "SD3002",
    sd3003 => "SD3003",
    sd3004 => "SD3004",
    sd3005 => "SD3005",
    sd3006 => "SD3006",
    sd3007 => "SD3007",
    sd3008 => "SD3008",
    sd3009 => "SD3009",
    sd4001 => "SD4001",
    sd4002 => "SD4002",
    sd4003 => "SD4003",
    sd4004 => "SD4004",
    sd4005 => "SD4005",
    sd5001 => "SD5001",
    sd5002 => "SD5002",
    sd5003 => "SD5003",
    sd5004 => "SD5004",
    sd5005 => "SD5005",
    sd5006 => "SD5006",
    sd5007 => "SD5007",
    sd5008 => "SD5008",
    sd6001 => "SD6001",
    sd6002 => "SD6002",
    sd6003 => "SD6003",
    sd7001 => "SD7001",
    sd7002 => "SD7002",
    sd7003 => "SD7003",
    sd7004 => "SD7004",
    sd7005 => "SD7005",
    sd7006 => "SD7006",
    sd7007 => "SD7007",
    sd7008 => "SD7008",
    sd8001 => "SD8001",
    sd8002 => "SD8002",
    sd8003 => "SD8003",
    sd8004 => "SD8004",
    sd8005 => "SD8005",
    sd8006 => "SD8006",
    sd8007 => "SD8007",
    sd8008 => "SD8008",
    sd8009 => "SD8009",
    sd8010 => "SD8010",
    sd8011 => "SD8011",
    sd9001 => "SD9001",
    sd9002 => "SD9002",
    sd9003 => "SD9003",
    sd9004 => "SD9004",
    sd9005 => "SD9005",
    sd9006 => "SD9006",
    sd9007 => "SD9007",
    sd9101 => "SD9101",
    sd9102 => "SD9102",
    sd0001 => "SD0001",
    sd0002 => "SD0002",
}

// ---- false positives found while writing the cases and the corpus, kept fixed ----
//
// Each template below is one CloudFormation accepts and a rule once reported; the corpus
// (`valid_templates.rs`) holds the realistic templates that found most of them.

use serde_json::json;

fn assert_silent(template: serde_json::Value) {
    let found = common::check(&template);
    assert!(
        found.is_empty(),
        "a template CloudFormation accepts drew:\n{}",
        common::listing(&found)
    );
}

/// A Fargate task of `containers` and a service sending `port` of `app` to a target group.
fn service_of(containers: serde_json::Value, port: serde_json::Value) -> serde_json::Value {
    json!({
        "Parameters": {
            "VpcId": {"Type": "AWS::EC2::VPC::Id"},
            "SubnetIds": {"Type": "List<AWS::EC2::Subnet::Id>"},
            "AppPort": {"Type": "Number", "Default": 8000}
        },
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster"},
            "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
                "RequiresCompatibilities": ["FARGATE"], "NetworkMode": "awsvpc", "Cpu": "256", "Memory": "512",
                "ContainerDefinitions": containers
            }},
            "TargetGroup": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
                "VpcId": {"Ref": "VpcId"}, "TargetType": "ip", "Protocol": "HTTP", "Port": 8000
            }},
            "Service": {"Type": "AWS::ECS::Service", "Properties": {
                "Cluster": {"Ref": "Cluster"},
                "TaskDefinition": {"Ref": "Task"},
                "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": {"Ref": "SubnetIds"}}},
                "LoadBalancers": [{"ContainerName": "app", "ContainerPort": port, "TargetGroupArn": {"Ref": "TargetGroup"}}]
            }}
        }
    })
}

#[test]
fn a_port_mapped_through_a_parameter_may_be_the_load_balancers() {
    // SD8008 compared the load balancer's port with the literal ports only.
    assert_silent(service_of(
        json!([{"Name": "app", "Image": "nginx", "PortMappings": [{"ContainerPort": {"Ref": "AppPort"}}]}]),
        json!(8000),
    ));
    assert_silent(service_of(
        json!([{"Name": "app", "Image": "nginx", "PortMappings": {"Fn::If": ["Never", [], []]}}]),
        json!(8000),
    ));
}

#[test]
fn one_port_over_tcp_and_udp_in_two_containers_is_no_clash() {
    // SD8006 keyed ports without their protocol.
    assert_silent(service_of(
        json!([
            {"Name": "app", "Image": "coredns", "PortMappings": [{"ContainerPort": 8000}, {"ContainerPort": 53, "Protocol": "tcp"}]},
            {"Name": "udp", "Image": "coredns", "PortMappings": [{"ContainerPort": 53, "Protocol": "udp"}]}
        ]),
        json!(8000),
    ));
}

#[test]
fn a_grace_period_covers_container_health_checks_and_vpc_lattice() {
    // SD8010 required a load balancer; ECS also applies the grace period to container
    // health checks and VPC Lattice targets.
    let mut t = service_of(
        json!([{"Name": "app", "Image": "nginx", "HealthCheck": {"Command": ["CMD-SHELL", "true"]}}]),
        json!(8000),
    );
    let service = t
        .pointer_mut("/Resources/Service/Properties")
        .and_then(|p| p.as_object_mut())
        .expect("service properties");
    service.shift_remove("LoadBalancers");
    service.insert("HealthCheckGracePeriodSeconds".into(), json!(120));
    assert_silent(t.clone());
    let service = t
        .pointer_mut("/Resources/Service/Properties")
        .and_then(|p| p.as_object_mut())
        .expect("service properties");
    service.insert(
        "VpcLatticeConfigurations".into(),
        json!([{"RoleArn": "arn:aws:iam::123456789012:role/lattice", "TargetGroupArn": "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0", "PortName": "http"}]),
    );
    let task = t
        .pointer_mut("/Resources/Task/Properties/ContainerDefinitions/0")
        .and_then(|c| c.as_object_mut())
        .expect("a container");
    task.shift_remove("HealthCheck");
    assert_silent(t);
}

#[test]
fn a_load_balancer_whose_type_is_a_parameter_is_not_judged_as_an_alb() {
    // SD3006 took a computed Type for `application`; a network load balancer may sit in
    // one zone.
    assert_silent(json!({
        "Parameters": {"LbType": {"Type": "String", "Default": "network", "AllowedValues": ["network", "application"]}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24", "AvailabilityZone": "us-east-1a"}},
            "LoadBalancer": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
                "Type": {"Ref": "LbType"}, "Scheme": "internal", "Subnets": [{"Ref": "Subnet"}]
            }}
        }
    }));
}

#[test]
fn short_service_principals_near_known_ones_are_real() {
    // SD7002 took `es` (OpenSearch), `ds` (Directory Service), `sso` and `ecr` for typos
    // of `ecs`, `dms` and `ssm`.
    for service in ["es", "ds", "sso", "ecr", "sms", "fms"] {
        assert_silent(
            json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": format!("{service}.amazonaws.com")},
                    "Action": "sts:AssumeRole"
                }]}
            }}}}),
        );
    }
}

#[test]
fn alternatives_chosen_by_a_condition_do_not_clash() {
    // SD1010 counted `If[c, x, NoValue]` as set in every case; SD3002 and SD9001 compared
    // resources that conditions keep apart.
    assert_silent(json!({
        "Parameters": {"Legacy": {"Type": "String", "Default": "no", "AllowedValues": ["yes", "no"]}},
        "Conditions": {
            "IsLegacy": {"Fn::Equals": [{"Ref": "Legacy"}, "yes"]},
            "IsNew": {"Fn::Not": [{"Condition": "IsLegacy"}]}
        },
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Old": {"Type": "AWS::EC2::Subnet", "Condition": "IsLegacy", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/22"}},
            "New": {"Type": "AWS::EC2::Subnet", "Condition": "IsNew", "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.0.0/24",
                "AvailabilityZone": {"Fn::If": ["IsLegacy", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, {"Ref": "AWS::NoValue"}]},
                "AvailabilityZoneId": {"Fn::If": ["IsLegacy", {"Ref": "AWS::NoValue"}, "use1-az1"]}
            }}
        }
    }));
}

#[test]
fn a_property_both_conditionally_absent_and_required_together_is_judged_by_its_setting() {
    // The other side of the fix above: a clash that holds whatever the condition says is
    // still reported.
    let found = common::check(&json!({
        "Conditions": {"Always": {"Fn::Equals": ["a", "a"]}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.0.0/24",
                "AvailabilityZone": {"Fn::If": ["Always", "us-east-1a", "us-east-1b"]},
                "AvailabilityZoneId": "use1-az1"
            }}
        }
    }));
    assert!(
        found
            .iter()
            .any(|f| f.rule == "SD1010" && f.item == "Subnet"),
        "{}",
        common::listing(&found)
    );
}

#[test]
fn an_attribute_yields_its_own_kind_of_id() {
    // SD2002 judged `Fn::GetAtt Subnet.VpcId` by the subnet's kinds of id.
    assert_silent(json!({"Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}},
        "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "In the subnet's VPC", "VpcId": {"Fn::GetAtt": ["Subnet", "VpcId"]}
        }}
    }}));
}

#[test]
fn a_redrive_policy_may_be_json_text() {
    // SD1002/SD2004: the SQS schema types RedrivePolicy as an object or a string.
    assert_silent(json!({"Resources": {
        "Dlq": {"Type": "AWS::SQS::Queue"},
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {
            "RedrivePolicy": {"Fn::Sub": "{\"deadLetterTargetArn\": \"${Dlq.Arn}\", \"maxReceiveCount\": 3}"}
        }},
        "Other": {"Type": "AWS::SQS::Queue", "Properties": {
            "RedrivePolicy": "{\"deadLetterTargetArn\": \"arn:aws:sqs:us-east-1:123456789012:dlq\", \"maxReceiveCount\": 3}"
        }}
    }}));
}

#[test]
fn names_about_secrets_are_not_secrets() {
    // SD6001/SD6003 took names of secrets (`DB_SECRET_ARN`, `DatabaseSecretArn`) and
    // settings (`PASSWORD_MIN_LENGTH`) for secrets.
    assert_silent(json!({
        "Parameters": {"DatabaseSecretArn": {"Type": "String"}},
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]}}},
            "Function": {"Type": "AWS::Lambda::Function", "Properties": {
                "Runtime": "python3.13", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "def handler(e, c):\n    return e\n"},
                "Environment": {"Variables": {
                    "DB_SECRET_ARN": {"Ref": "DatabaseSecretArn"},
                    "JWT_SECRET_NAME": "orders/jwt",
                    "PASSWORD_MIN_LENGTH": "12",
                    "API_TOKEN_FILE": "/run/secrets/token"
                }}
            }}
        }
    }));
}
