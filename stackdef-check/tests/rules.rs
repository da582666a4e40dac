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

// ---- the relationship rules' near misses: what they must leave alone ----

/// The rules found in `template`, as `(rule, item, path)`.
fn findings_of(template: &serde_json::Value) -> Vec<(String, String, String)> {
    common::check(template)
        .into_iter()
        .map(|f| (f.rule.to_string(), f.item.to_string(), f.path.to_string()))
        .collect()
}

/// A task definition `Task` of `memory` (any JSON) and `containers`, with parameters
/// `TaskMemory` and `AppMemory`.
fn task_of(memory: serde_json::Value, containers: serde_json::Value) -> serde_json::Value {
    json!({
        "Parameters": {
            "TaskMemory": {"Type": "String", "Default": "1024"},
            "AppMemory": {"Type": "Number", "Default": 512}
        },
        "Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "RequiresCompatibilities": ["EC2"],
            "NetworkMode": "bridge",
            "Memory": memory,
            "ContainerDefinitions": containers
        }}}
    })
}

#[test]
fn container_memory_is_judged_against_literal_task_memory_only() {
    let app = |extra: serde_json::Value| {
        let mut c = json!({"Name": "app", "Image": "nginx", "Essential": true});
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            c[k] = v;
        }
        c
    };
    // A task memory from a parameter, or a container's from one: not judged.
    assert_silent(task_of(
        json!({"Ref": "TaskMemory"}),
        json!([app(json!({"Memory": 4096}))]),
    ));
    assert_silent(task_of(
        json!("512"),
        json!([app(json!({"Memory": {"Ref": "AppMemory"}}))]),
    ));
    // Exactly the task's memory, in MiB or written as GB.
    assert_silent(task_of(
        json!("1 GB"),
        json!([app(json!({"Memory": 1024}))]),
    ));
    // Hard limits may add up past the task's memory when the reservations do not: ECS
    // counts a container's reservation where it has one.
    assert_silent(task_of(
        json!("1024"),
        json!([
            app(json!({"Memory": 1024, "MemoryReservation": 256})),
            {"Name": "sidecar", "Image": "envoy", "Essential": false, "Memory": 1024, "MemoryReservation": 256}
        ]),
    ));
    // The other side: reservations adding up past it are reported once, on the list.
    let found = findings_of(&task_of(
        json!("1024"),
        json!([
            app(json!({"MemoryReservation": 768})),
            {"Name": "sidecar", "Image": "envoy", "Essential": false, "Memory": 512}
        ]),
    ));
    assert_eq!(
        found,
        vec![(
            "SD8011".to_owned(),
            "Task".to_owned(),
            "ContainerDefinitions".to_owned()
        )]
    );
}

/// An internal load balancer `Lb` (of `lb_props` merged in) on three subnets of a VPC, a
/// target group `Tg` (of `tg_props`) and the given extra resources.
fn balancer(
    lb_props: serde_json::Value,
    tg_props: serde_json::Value,
    zones: [serde_json::Value; 3],
    extra: serde_json::Value,
) -> serde_json::Value {
    let [za, zb, zc] = zones;
    let mut lb =
        json!({"Scheme": "internal", "Subnets": [{"Ref": "A"}, {"Ref": "B"}, {"Ref": "C"}]});
    for (k, v) in lb_props.as_object().cloned().unwrap_or_default() {
        lb[k] = v;
    }
    let mut tg =
        json!({"VpcId": {"Ref": "Vpc"}, "TargetType": "ip", "Protocol": "HTTP", "Port": 8000});
    for (k, v) in tg_props.as_object().cloned().unwrap_or_default() {
        tg[k] = v;
    }
    let subnet = |cidr: &str, zone: serde_json::Value| json!({"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": zone}});
    let mut resources = json!({
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "A": subnet("10.0.0.0/24", za),
        "B": subnet("10.0.1.0/24", zb),
        "C": subnet("10.0.2.0/24", zc),
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": lb},
        "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": tg}
    });
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        resources[k] = v;
    }
    json!({
        "Parameters": {
            "LbType": {"Type": "String", "Default": "network", "AllowedValues": ["network", "application"]},
            "ListenerPort": {"Type": "Number", "Default": 80},
            "TgProtocol": {"Type": "String", "Default": "HTTP"}
        },
        "Conditions": {
            "IsNetwork": {"Fn::Equals": [{"Ref": "LbType"}, "network"]},
            "IsApplication": {"Fn::Not": [{"Condition": "IsNetwork"}]}
        },
        "Resources": resources
    })
}

fn zones3() -> [serde_json::Value; 3] {
    [
        json!("us-east-1a"),
        json!("us-east-1b"),
        json!("us-east-1c"),
    ]
}

/// A listener of `Lb` on `port` forwarding to `Tg`.
fn listener(port: serde_json::Value, protocol: &str) -> serde_json::Value {
    json!({"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
        "LoadBalancerArn": {"Ref": "Lb"}, "Protocol": protocol, "Port": port,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]
    }})
}

#[test]
fn subnets_whose_zones_are_computed_are_not_judged_as_one_zone() {
    // Zones chosen by Fn::GetAZs may well differ.
    let az = |i: u64| json!({"Fn::Select": [i, {"Fn::GetAZs": ""}]});
    assert_silent(balancer(
        json!({}),
        json!({}),
        [az(0), az(1), az(1)],
        json!({}),
    ));
    assert_silent(balancer(
        json!({}),
        json!({}),
        [json!("us-east-1a"), json!("us-east-1b"), az(0)],
        json!({}),
    ));
    // A network load balancer with two subnets in one zone is reported too, through
    // SubnetMappings.
    let t = balancer(
        json!({"Type": "network", "Subnets": null, "SubnetMappings": [{"SubnetId": {"Ref": "A"}}, {"SubnetId": {"Ref": "B"}}, {"SubnetId": {"Ref": "C"}}]}),
        json!({"Protocol": "TCP"}),
        [
            json!("us-east-1a"),
            json!("us-east-1b"),
            json!("us-east-1a"),
        ],
        json!({}),
    );
    let mut t = t;
    t["Resources"]["Lb"]["Properties"]
        .as_object_mut()
        .expect("properties")
        .shift_remove("Subnets");
    assert_eq!(
        findings_of(&t),
        vec![(
            "SD3009".to_owned(),
            "Lb".to_owned(),
            "SubnetMappings".to_owned()
        )]
    );
}

#[test]
fn listeners_on_one_port_of_different_balancers_or_alternatives_do_not_clash() {
    let second_lb = json!({"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
        "Scheme": "internal", "Subnets": [{"Ref": "A"}, {"Ref": "B"}]
    }});
    // Port 80 on two load balancers.
    assert_silent(balancer(
        json!({}),
        json!({}),
        zones3(),
        json!({
            "Lb2": second_lb,
            "One": listener(json!(80), "HTTP"),
            "Two": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
                "LoadBalancerArn": {"Ref": "Lb2"}, "Protocol": "HTTP", "Port": 80,
                "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]
            }}
        }),
    ));
    // A port from a parameter; listeners under alternative conditions.
    let mut alt = listener(json!(80), "HTTP");
    alt["Condition"] = json!("IsApplication");
    let mut other = listener(json!(80), "HTTP");
    other["Condition"] = json!("IsNetwork");
    assert_silent(balancer(
        json!({}),
        json!({}),
        zones3(),
        json!({
            "One": listener(json!(80), "HTTP"),
            "Two": listener(json!({"Ref": "ListenerPort"}), "HTTP"),
        }),
    ));
    assert_silent(balancer(
        json!({}),
        json!({}),
        zones3(),
        json!({"One": alt, "Two": other}),
    ));
}

#[test]
fn target_group_protocols_are_judged_only_against_a_known_kind_of_balancer() {
    // A Type from a parameter may be either kind; a protocol from a parameter either.
    assert_silent(balancer(
        json!({"Type": {"Ref": "LbType"}}),
        json!({"Protocol": "TCP"}),
        zones3(),
        json!({"L": listener(json!(80), "TCP")}),
    ));
    assert_silent(balancer(
        json!({}),
        json!({"Protocol": {"Ref": "TgProtocol"}}),
        zones3(),
        json!({"L": listener(json!(80), "HTTP")}),
    ));
    // A network load balancer forwarding to TCP; an ALB to HTTPS.
    assert_silent(balancer(
        json!({"Type": "network"}),
        json!({"Protocol": "TCP"}),
        zones3(),
        json!({"L": listener(json!(80), "TCP")}),
    ));
    assert_silent(balancer(
        json!({}),
        json!({"Protocol": "HTTPS", "Port": 8443}),
        zones3(),
        json!({"L": listener(json!(80), "HTTP")}),
    ));
    // The other side: a network load balancer forwarding (through ForwardConfig) to HTTP.
    let found = findings_of(&balancer(
        json!({"Type": "network"}),
        json!({}),
        zones3(),
        json!({"L": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Lb"}, "Protocol": "TCP", "Port": 80,
            "DefaultActions": [{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": {"Ref": "Tg"}}]}}]
        }}}),
    ));
    assert_eq!(
        found,
        vec![(
            "SD9007".to_owned(),
            "L".to_owned(),
            "DefaultActions[0].ForwardConfig.TargetGroups[0].TargetGroupArn".to_owned()
        )]
    );
}

/// A security group `Group` with one ingress rule, and a standalone rule `Extra`.
fn group_with(inline: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    json!({
        "Parameters": {"Office": {"Type": "String", "Default": "203.0.113.0/24"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
            "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": "Application", "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": [inline]
            }},
            "Extra": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": extra}
        }
    })
}

#[test]
fn network_addresses_and_computed_blocks_have_no_host_bits() {
    let rule = |cidr: (&str, serde_json::Value)| {
        let mut r = json!({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443});
        r[cidr.0] = cidr.1;
        r
    };
    let mut extra = rule(("CidrIpv6", json!("2001:db8:1234::/48")));
    extra["GroupId"] = json!({"Ref": "Group"});
    for inline in [
        rule(("CidrIp", json!("10.0.0.5/32"))),
        rule(("CidrIp", json!("10.0.0.0/8"))),
        rule(("CidrIp", json!({"Ref": "Office"}))),
        rule(("CidrIpv6", json!("2001:db8::1/128"))),
        rule((
            "CidrIp",
            json!({"Fn::Select": [0, {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}]}),
        )),
    ] {
        assert_silent(group_with(inline, extra.clone()));
    }
    // The other side: an IPv6 block with host bits, on a standalone rule.
    let mut extra = rule(("CidrIpv6", json!("2001:db8::1/64")));
    extra["GroupId"] = json!({"Ref": "Group"});
    let found = findings_of(&group_with(rule(("CidrIp", json!("10.0.0.0/8"))), extra));
    assert_eq!(
        found,
        vec![(
            "SD3008".to_owned(),
            "Extra".to_owned(),
            "CidrIpv6".to_owned()
        )]
    );
}

#[test]
fn a_zone_is_judged_only_with_a_literal_multi_az() {
    let db = |extra: serde_json::Value| {
        let mut p = json!({
            "Engine": "postgres", "DBInstanceClass": "db.t4g.micro", "AllocatedStorage": "20",
            "MasterUsername": "app", "ManageMasterUserPassword": true,
            "StorageEncrypted": true, "PubliclyAccessible": false
        });
        for (k, v) in extra.as_object().cloned().unwrap_or_default() {
            p[k] = v;
        }
        json!({
            "Parameters": {"MultiAz": {"Type": "String", "Default": "false", "AllowedValues": ["true", "false"]}},
            "Conditions": {"IsMultiAz": {"Fn::Equals": [{"Ref": "MultiAz"}, "true"]}},
            "Resources": {"Database": {"Type": "AWS::RDS::DBInstance", "Properties": p}}
        })
    };
    assert_silent(db(
        json!({"MultiAZ": false, "AvailabilityZone": "us-east-1a"}),
    ));
    assert_silent(db(
        json!({"MultiAZ": {"Ref": "MultiAz"}, "AvailabilityZone": "us-east-1a"}),
    ));
    assert_silent(db(json!({
        "MultiAZ": {"Fn::If": ["IsMultiAz", true, false]},
        "AvailabilityZone": {"Fn::If": ["IsMultiAz", {"Ref": "AWS::NoValue"}, "us-east-1a"]}
    })));
}

#[test]
fn lambda_variables_lambda_does_not_reserve_are_allowed() {
    // AWS_LAMBDA_EXEC_WRAPPER and the SDKs' settings are the user's to set; ECS containers
    // may set AWS_REGION.
    assert_silent(json!({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]}}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "nodejs22.x", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            "Code": {"ZipFile": "exports.handler = async (e) => e;\n"},
            "Environment": {"Variables": {
                "AWS_LAMBDA_EXEC_WRAPPER": "/opt/otel-handler",
                "AWS_NODEJS_CONNECTION_REUSE_ENABLED": "1",
                "AWS_REGION_OVERRIDE": "eu-west-1"
            }}
        }},
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "ContainerDefinitions": [{"Name": "app", "Image": "nginx", "Memory": 256,
                "Environment": [{"Name": "AWS_REGION", "Value": "us-east-1"}]}]
        }}
    }}));
}
