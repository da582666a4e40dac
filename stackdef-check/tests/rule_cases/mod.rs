//! One case per rule of `stackdef_check::catalog::ALL`: a minimal, otherwise-valid template
//! that breaks exactly that rule, and the same template corrected.
//!
//! Each trigger is its clean template with a small patch applied, so the two differ only in
//! the mistake. The module needs nothing but `serde_json`: `stackdef-check`'s rule tests
//! check the cases with stackdef's rules, and the workspace `tests` crate (which includes this
//! file by path) runs cfn-lint on them.

#![allow(dead_code)]

use serde_json::{Map, Value, json};

/// A rule's trigger and its correction.
#[derive(Debug, Clone)]
pub struct Case {
    /// The rule id (`SD3003`).
    pub rule: &'static str,
    /// The logical id of the resource, parameter or output the finding is about.
    pub item: &'static str,
    /// The property path the finding names.
    pub path: &'static str,
    /// A template that breaks the rule (and nothing else).
    pub trigger: Value,
    /// The same template, corrected: no rule may report anything on it.
    pub clean: Value,
}

/// A change from the clean template to the trigger: set the value at a JSON pointer, or
/// remove it (`None`).
type Patch<'a> = &'a [(&'a str, Option<Value>)];

fn apply(mut v: Value, patch: Patch<'_>) -> Value {
    for (pointer, value) in patch {
        let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
        let target = v
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("no {parent} to patch"));
        match (target, value) {
            (Value::Object(m), Some(x)) => {
                m.insert(key.to_owned(), x.clone());
            }
            (Value::Object(m), None) => {
                m.shift_remove(key)
                    .unwrap_or_else(|| panic!("no {pointer} to remove"));
            }
            (Value::Array(a), Some(x)) => {
                let i: usize = key.parse().expect("an index");
                if i == a.len() {
                    a.push(x.clone());
                } else {
                    a[i] = x.clone();
                }
            }
            (Value::Array(a), None) => {
                a.remove(key.parse().expect("an index"));
            }
            _ => panic!("{parent} is neither an object nor a list"),
        }
    }
    v
}

fn case(
    rule: &'static str,
    item: &'static str,
    path: &'static str,
    clean: Value,
    patch: Patch<'_>,
) -> Case {
    let trigger = apply(clean.clone(), patch);
    assert_ne!(trigger, clean, "{rule}: the patch changes nothing");
    Case {
        rule,
        item,
        path,
        trigger,
        clean,
    }
}

/// A template of `resources`.
fn template(resources: Value) -> Value {
    json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
}

/// A template of `parameters` and `resources`.
fn template_with(parameters: Value, resources: Value) -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": parameters,
        "Resources": resources
    })
}

/// `a` and `b` merged (objects of resources or parameters); `b` wins.
fn merge(a: Value, b: Value) -> Value {
    let mut m: Map<String, Value> = a.as_object().cloned().unwrap_or_default();
    for (k, v) in b.as_object().cloned().unwrap_or_default() {
        m.insert(k, v);
    }
    Value::Object(m)
}

/// Metadata telling cfn-lint that a literal availability zone is meant (the zone rules need
/// literal zones to judge).
fn literal_zone_ok() -> Value {
    json!({"cfn-lint": {"config": {"ignore_checks": ["W3010"]}}})
}

/// A VPC `Vpc` (10.0.0.0/16).
fn vpc() -> Value {
    json!({"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}})
}

/// A subnet of `Vpc` in a literal zone.
fn subnet_in(cidr: &str, zone: &str) -> Value {
    json!({
        "Type": "AWS::EC2::Subnet",
        "Metadata": literal_zone_ok(),
        "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": cidr, "AvailabilityZone": zone}
    })
}

/// A role `Role` that `service` may assume.
fn role(service: &str) -> Value {
    json!({"Role": {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
            }
        }
    }})
}

/// An instance `Host` with IMDSv2 required and no user data.
fn instance_props() -> Value {
    json!({
        "ImageId": "ami-0abcdef1234567890",
        "InstanceType": "t3.micro",
        "MetadataOptions": {"HttpTokens": "required"}
    })
}

/// An identity policy `Policy` of one statement.
fn managed_policy(statement: Value) -> Value {
    template(json!({"Policy": {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
    }}))
}

/// A PostgreSQL instance `Database` (encrypted, private, password managed by RDS).
fn database_props() -> Value {
    json!({
        "Engine": "postgres",
        "DBInstanceClass": "db.t4g.micro",
        "AllocatedStorage": "20",
        "MasterUsername": "app",
        "ManageMasterUserPassword": true,
        "StorageEncrypted": true,
        "PubliclyAccessible": false
    })
}

/// A MySQL instance `Database` (encrypted, password managed by RDS).
fn mysql_props() -> Value {
    json!({
        "Engine": "mysql",
        "DBInstanceClass": "db.t3.micro",
        "AllocatedStorage": "20",
        "MasterUsername": "app",
        "ManageMasterUserPassword": true,
        "StorageEncrypted": true
    })
}

/// An ECS Fargate service `Service` behind an internal ALB: parameters and resources.
/// Its task `Task` runs one container `app` mapping port 8000.
fn fargate_service() -> (Value, Value) {
    let parameters = json!({
        "VpcId": {"Type": "AWS::EC2::VPC::Id"},
        "SubnetIds": {"Type": "List<AWS::EC2::Subnet::Id>"}
    });
    let resources = json!({
        "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"CapacityProviders": ["FARGATE", "FARGATE_SPOT"]}},
        "Task": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "RequiresCompatibilities": ["FARGATE"],
                "NetworkMode": "awsvpc",
                "Cpu": "256",
                "Memory": "512",
                "ContainerDefinitions": [
                    {"Name": "app", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": true, "PortMappings": [{"ContainerPort": 8000}]}
                ]
            }
        },
        "LoadBalancer": {
            "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "Properties": {"Scheme": "internal", "Subnets": {"Ref": "SubnetIds"}}
        },
        "TargetGroup": {
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "Properties": {"VpcId": {"Ref": "VpcId"}, "TargetType": "ip", "Protocol": "HTTP", "Port": 8000}
        },
        "Listener": {
            "Type": "AWS::ElasticLoadBalancingV2::Listener",
            "Properties": {
                "LoadBalancerArn": {"Ref": "LoadBalancer"},
                "Protocol": "HTTP",
                "Port": 80,
                "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "TargetGroup"}}]
            }
        },
        "Service": {
            "Type": "AWS::ECS::Service",
            "DependsOn": "Listener",
            "Properties": {
                "Cluster": {"Ref": "Cluster"},
                "TaskDefinition": {"Ref": "Task"},
                "LaunchType": "FARGATE",
                "DesiredCount": 1,
                "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": {"Ref": "SubnetIds"}}},
                "LoadBalancers": [{"ContainerName": "app", "ContainerPort": 8000, "TargetGroupArn": {"Ref": "TargetGroup"}}]
            }
        }
    });
    (parameters, resources)
}

fn fargate_template() -> Value {
    let (p, r) = fargate_service();
    template_with(p, r)
}

/// A Fargate task definition `Task` alone, with `containers`.
fn fargate_task(containers: Value) -> Value {
    template(json!({"Task": {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {
            "RequiresCompatibilities": ["FARGATE"],
            "NetworkMode": "awsvpc",
            "Cpu": "512",
            "Memory": "1024",
            "ContainerDefinitions": containers
        }
    }}))
}

/// A user data script of about `n` characters.
fn script(n: usize) -> String {
    let mut s = String::from("#!/bin/bash\nset -eu\n");
    let mut i = 0;
    while s.len() < n {
        s.push_str(&format!(
            "echo 'configuring step {i} of the host' >> /var/log/setup.log\n"
        ));
        i += 1;
    }
    s
}

/// Every case, in catalog order.
pub fn cases() -> Vec<Case> {
    let pub_block = json!({
        "BlockPublicAcls": true,
        "BlockPublicPolicy": true,
        "IgnorePublicAcls": true,
        "RestrictPublicBuckets": true
    });
    vec![
        // ---- schema ----
        case(
            "SD1001",
            "Queue",
            "DelaySecond",
            template(
                json!({"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}}}),
            ),
            &[
                ("/Resources/Queue/Properties/DelaySeconds", None),
                ("/Resources/Queue/Properties/DelaySecond", Some(json!(5))),
            ],
        ),
        case(
            "SD1002",
            "Queue",
            "Tags",
            template(
                json!({"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "team", "Value": "orders"}]}}}),
            ),
            &[(
                "/Resources/Queue/Properties/Tags",
                Some(json!({"Key": "team", "Value": "orders"})),
            )],
        ),
        case(
            "SD1003",
            "Group",
            "Properties",
            template(merge(
                vpc(),
                json!({"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "Application", "VpcId": {"Ref": "Vpc"}}}}),
            )),
            &[("/Resources/Group/Properties/GroupDescription", None)],
        ),
        case(
            "SD1004",
            "Group",
            "GroupDescription",
            template(merge(
                vpc(),
                json!({"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "Application hosts", "VpcId": {"Ref": "Vpc"}}}}),
            )),
            &[(
                "/Resources/Group/Properties/GroupDescription",
                Some(json!("a".repeat(300))),
            )],
        ),
        case(
            "SD1005",
            "Logs",
            "LogGroupName",
            template(
                json!({"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/app/orders", "RetentionInDays": 30}}}),
            ),
            &[(
                "/Resources/Logs/Properties/LogGroupName",
                Some(json!("app orders!")),
            )],
        ),
        case(
            "SD1006",
            "Queue",
            "DelaySeconds",
            template(
                json!({"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 10}}}),
            ),
            &[(
                "/Resources/Queue/Properties/DelaySeconds",
                Some(json!(1000)),
            )],
        ),
        case(
            "SD1007",
            "Logs",
            "RetentionInDays",
            template(
                json!({"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}}),
            ),
            &[(
                "/Resources/Logs/Properties/RetentionInDays",
                Some(json!(31)),
            )],
        ),
        case(
            "SD1008",
            "Function",
            "Architectures",
            template(merge(
                role("lambda.amazonaws.com"),
                json!({"Function": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Runtime": "python3.13",
                        "Handler": "index.handler",
                        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                        "Architectures": ["arm64"],
                        "Code": {"ZipFile": "def handler(event, context):\n    return event\n"}
                    }
                }}),
            )),
            &[(
                "/Resources/Function/Properties/Architectures/1",
                Some(json!("x86_64")),
            )],
        ),
        case(
            "SD1009",
            "Vpc",
            "CidrBlock",
            template(vpc()),
            &[(
                "/Resources/Vpc/Properties/CidrBlock",
                Some(json!("10.0.0.0/33")),
            )],
        ),
        case(
            "SD1010",
            "Subnet",
            "Properties",
            template(merge(
                vpc(),
                json!({"Subnet": subnet_in("10.0.0.0/24", "us-east-1a")}),
            )),
            &[(
                "/Resources/Subnet/Properties/AvailabilityZoneId",
                Some(json!("use1-az1")),
            )],
        ),
        case(
            "SD1011",
            "Queue",
            "QueueUrl",
            template(
                json!({"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}}),
            ),
            &[(
                "/Resources/Queue/Properties/QueueUrl",
                Some(json!(
                    "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
                )),
            )],
        ),
        case(
            "SD1012",
            "Bucket",
            "Type",
            template(
                json!({"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": pub_block.clone()}}}),
            ),
            &[("/Resources/Bucket/Type", Some(json!("AWS::S3::Buckett")))],
        ),
        // ---- references ----
        case(
            "SD2001",
            "QueueArnParameter",
            "Value",
            template(json!({
                "Queue": {"Type": "AWS::SQS::Queue"},
                "QueueArnParameter": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Type": "String", "Value": {"Fn::GetAtt": ["Queue", "Arn"]}}
                }
            })),
            &[(
                "/Resources/QueueArnParameter/Properties/Value",
                Some(json!({"Fn::GetAtt": ["Queue", "QueueArn"]})),
            )],
        ),
        case(
            "SD2002",
            "Subnet",
            "VpcId",
            template(merge(
                vpc(),
                json!({
                    "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "Application", "VpcId": {"Ref": "Vpc"}}},
                    "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}}
                }),
            )),
            &[(
                "/Resources/Subnet/Properties/VpcId",
                Some(json!({"Ref": "Group"})),
            )],
        ),
        case(
            "SD2003",
            "Address",
            "Value",
            json!({
                "Resources": merge(vpc(), json!({
                    "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}},
                    "Host": {"Type": "AWS::EC2::Instance", "Properties": merge(instance_props(), json!({"SubnetId": {"Ref": "Subnet"}}))}
                })),
                "Outputs": {"Address": {"Value": {"Fn::GetAtt": ["Host", "PrivateIp"]}}}
            }),
            &[(
                "/Outputs/Address/Value",
                Some(json!({"Fn::GetAtt": ["Host", "PublicIp"]})),
            )],
        ),
        case(
            "SD2004",
            "QueuePolicy",
            "Queues",
            template(json!({
                "Orders": {"Type": "AWS::SQS::Queue"},
                "Refunds": {"Type": "AWS::SQS::Queue"},
                "QueuePolicy": {
                    "Type": "AWS::SQS::QueuePolicy",
                    "Properties": {
                        "Queues": [{"Ref": "Orders"}, {"Ref": "Refunds"}],
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [{
                                "Effect": "Allow",
                                "Principal": {"Service": "sns.amazonaws.com"},
                                "Action": "sqs:SendMessage",
                                "Resource": [{"Fn::GetAtt": ["Orders", "Arn"]}, {"Fn::GetAtt": ["Refunds", "Arn"]}]
                            }]
                        }
                    }
                }
            })),
            &[(
                "/Resources/QueuePolicy/Properties/Queues",
                Some(json!({"Fn::Join": [",", [{"Ref": "Orders"}, {"Ref": "Refunds"}]]})),
            )],
        ),
        // ---- networks ----
        case(
            "SD3001",
            "Subnet",
            "CidrBlock",
            template(merge(
                vpc(),
                json!({"Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24"}}}),
            )),
            &[(
                "/Resources/Subnet/Properties/CidrBlock",
                Some(json!("10.1.0.0/24")),
            )],
        ),
        case(
            "SD3002",
            "SubnetB",
            "CidrBlock",
            template(merge(
                vpc(),
                json!({
                    "SubnetA": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"}},
                    "SubnetB": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/25"}}
                }),
            )),
            &[(
                "/Resources/SubnetB/Properties/CidrBlock",
                Some(json!("10.0.0.128/25")),
            )],
        ),
        case(
            "SD3003",
            "Group",
            "SecurityGroupIngress[0]",
            template(merge(
                vpc(),
                json!({"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                    "GroupDescription": "Bastion",
                    "VpcId": {"Ref": "Vpc"},
                    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "203.0.113.0/24"}]
                }}}),
            )),
            &[(
                "/Resources/Group/Properties/SecurityGroupIngress/0/CidrIp",
                Some(json!("0.0.0.0/0")),
            )],
        ),
        case(
            "SD3004",
            "Group",
            "SecurityGroupIngress[0]",
            template(merge(
                vpc(),
                json!({"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                    "GroupDescription": "Application",
                    "VpcId": {"Ref": "Vpc"},
                    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 8080, "CidrIp": "10.0.0.0/8"}]
                }}}),
            )),
            &[
                (
                    "/Resources/Group/Properties/SecurityGroupIngress/0/FromPort",
                    Some(json!(8080)),
                ),
                (
                    "/Resources/Group/Properties/SecurityGroupIngress/0/ToPort",
                    Some(json!(80)),
                ),
            ],
        ),
        case(
            "SD3005",
            "Group",
            "SecurityGroupIngress[0]",
            template(merge(
                vpc(),
                json!({"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                    "GroupDescription": "Application",
                    "VpcId": {"Ref": "Vpc"},
                    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "CidrIp": "10.0.0.0/8"}]
                }}}),
            )),
            &[
                (
                    "/Resources/Group/Properties/SecurityGroupIngress/0/FromPort",
                    None,
                ),
                (
                    "/Resources/Group/Properties/SecurityGroupIngress/0/ToPort",
                    None,
                ),
            ],
        ),
        case(
            "SD3006",
            "LoadBalancer",
            "Subnets",
            template(merge(
                vpc(),
                json!({
                    "SubnetA": subnet_in("10.0.0.0/24", "us-east-1a"),
                    "SubnetB": subnet_in("10.0.1.0/24", "us-east-1b"),
                    "LoadBalancer": {
                        "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                        "Properties": {"Scheme": "internal", "Subnets": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]}
                    }
                }),
            )),
            &[(
                "/Resources/SubnetB/Properties/AvailabilityZone",
                Some(json!("us-east-1a")),
            )],
        ),
        case(
            "SD3007",
            "SubnetGroup",
            "SubnetIds",
            template(merge(
                vpc(),
                json!({
                    "SubnetA": subnet_in("10.0.0.0/24", "us-east-1a"),
                    "SubnetB": subnet_in("10.0.1.0/24", "us-east-1b"),
                    "SubnetGroup": {
                        "Type": "AWS::RDS::DBSubnetGroup",
                        "Properties": {"DBSubnetGroupDescription": "Database", "SubnetIds": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}]}
                    }
                }),
            )),
            &[(
                "/Resources/SubnetB/Properties/AvailabilityZone",
                Some(json!("us-east-1a")),
            )],
        ),
        // ---- EC2 ----
        case(
            "SD3008",
            "Group",
            "SecurityGroupIngress[0].CidrIp",
            template(merge(
                vpc(),
                json!({"Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                    "GroupDescription": "Application",
                    "VpcId": {"Ref": "Vpc"},
                    "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/16"}]
                }}}),
            )),
            &[(
                "/Resources/Group/Properties/SecurityGroupIngress/0/CidrIp",
                Some(json!("10.0.0.1/16")),
            )],
        ),
        case(
            "SD3009",
            "LoadBalancer",
            "Subnets",
            template(merge(
                vpc(),
                json!({
                    "SubnetA": subnet_in("10.0.0.0/24", "us-east-1a"),
                    "SubnetB": subnet_in("10.0.1.0/24", "us-east-1b"),
                    "SubnetC": subnet_in("10.0.2.0/24", "us-east-1c"),
                    "LoadBalancer": {
                        "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                        "Properties": {"Scheme": "internal", "Subnets": [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}, {"Ref": "SubnetC"}]}
                    }
                }),
            )),
            &[(
                "/Resources/SubnetC/Properties/AvailabilityZone",
                Some(json!("us-east-1b")),
            )],
        ),
        case(
            "SD4001",
            "Host",
            "UserData",
            template(
                json!({"Host": {"Type": "AWS::EC2::Instance", "Properties": merge(instance_props(), json!({
                    "UserData": {"Fn::Base64": "#!/bin/bash\ndnf -y update\n"}
                }))}}),
            ),
            &[(
                "/Resources/Host/Properties/UserData",
                Some(json!("#!/bin/bash\ndnf -y update\n")),
            )],
        ),
        case(
            "SD4002",
            "Host",
            "UserData",
            template(
                json!({"Host": {"Type": "AWS::EC2::Instance", "Properties": merge(instance_props(), json!({
                    "UserData": {"Fn::Base64": script(8_000)}
                }))}}),
            ),
            &[(
                "/Resources/Host/Properties/UserData",
                Some(json!({"Fn::Base64": script(13_000)})),
            )],
        ),
        case(
            "SD4003",
            "Host",
            "InstanceType",
            template(
                json!({"Host": {"Type": "AWS::EC2::Instance", "Properties": instance_props()}}),
            ),
            &[(
                "/Resources/Host/Properties/InstanceType",
                Some(json!("t3.mirco")),
            )],
        ),
        case(
            "SD4004",
            "Host",
            "MetadataOptions.HttpTokens",
            template(
                json!({"Host": {"Type": "AWS::EC2::Instance", "Properties": instance_props()}}),
            ),
            &[("/Resources/Host/Properties/MetadataOptions", None)],
        ),
        // ---- storage ----
        case(
            "SD4005",
            "Function",
            "Environment.Variables.AWS_REGION",
            template(merge(
                role("lambda.amazonaws.com"),
                json!({"Function": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Runtime": "python3.13",
                        "Handler": "index.handler",
                        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                        "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
                        "Environment": {"Variables": {"TABLE_REGION": "us-east-1"}}
                    }
                }}),
            )),
            &[
                (
                    "/Resources/Function/Properties/Environment/Variables/TABLE_REGION",
                    None,
                ),
                (
                    "/Resources/Function/Properties/Environment/Variables/AWS_REGION",
                    Some(json!("us-east-1")),
                ),
            ],
        ),
        case(
            "SD5001",
            "Volume",
            "Encrypted",
            template(json!({"Volume": {
                "Type": "AWS::EC2::Volume",
                "Properties": {"AvailabilityZone": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "Size": 10, "VolumeType": "gp3", "Encrypted": true}
            }})),
            &[("/Resources/Volume/Properties/Encrypted", Some(json!(false)))],
        ),
        case(
            "SD5002",
            "Database",
            "PubliclyAccessible",
            template(
                json!({"Database": {"Type": "AWS::RDS::DBInstance", "Properties": database_props()}}),
            ),
            &[(
                "/Resources/Database/Properties/PubliclyAccessible",
                Some(json!(true)),
            )],
        ),
        case(
            "SD5003",
            "Bucket",
            "PublicAccessBlockConfiguration",
            template(
                json!({"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": pub_block.clone()}}}),
            ),
            &[(
                "/Resources/Bucket/Properties/PublicAccessBlockConfiguration/BlockPublicPolicy",
                Some(json!(false)),
            )],
        ),
        case(
            "SD5004",
            "Bucket",
            "DeletionPolicy",
            template(json!({"Bucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {"PublicAccessBlockConfiguration": pub_block.clone()}
            }})),
            &[("/Resources/Bucket/DeletionPolicy", Some(json!("Snapshot")))],
        ),
        case(
            "SD5005",
            "Table",
            "UpdateReplacePolicy",
            template(json!({"Table": {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]
                }
            }})),
            &[("/Resources/Table/UpdateReplacePolicy", None)],
        ),
        case(
            "SD5006",
            "Database",
            "DBInstanceClass",
            template(
                json!({"Database": {"Type": "AWS::RDS::DBInstance", "Properties": mysql_props()}}),
            ),
            &[(
                "/Resources/Database/Properties/DBInstanceClass",
                Some(json!("db.t3.mirco")),
            )],
        ),
        case(
            "SD5007",
            "Database",
            "EngineVersion",
            template(
                json!({"Database": {"Type": "AWS::RDS::DBInstance", "Properties": merge(mysql_props(), json!({"EngineVersion": "8.0.40"}))}}),
            ),
            &[(
                "/Resources/Database/Properties/EngineVersion",
                Some(json!("8.0.99")),
            )],
        ),
        // ---- secrets ----
        case(
            "SD5008",
            "Database",
            "AvailabilityZone",
            template(
                json!({"Database": {"Type": "AWS::RDS::DBInstance", "Properties": merge(
                    database_props(),
                    json!({"MultiAZ": true})
                )}}),
            ),
            &[(
                "/Resources/Database/Properties/AvailabilityZone",
                Some(json!("us-east-1a")),
            )],
        ),
        case(
            "SD6001",
            "Function",
            "Environment.Variables.DB_PASSWORD",
            template(merge(
                role("lambda.amazonaws.com"),
                json!({"Function": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Runtime": "python3.13",
                        "Handler": "index.handler",
                        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                        "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
                        "Environment": {"Variables": {"DB_PASSWORD_PARAMETER": "/app/db/password"}}
                    }
                }}),
            )),
            &[
                (
                    "/Resources/Function/Properties/Environment/Variables/DB_PASSWORD_PARAMETER",
                    None,
                ),
                (
                    "/Resources/Function/Properties/Environment/Variables/DB_PASSWORD",
                    Some(json!("hunter2hunter2")),
                ),
            ],
        ),
        case(
            "SD6002",
            "Database",
            "MasterUserPassword",
            template(json!({
                "Credentials": {
                    "Type": "AWS::SecretsManager::Secret",
                    "Properties": {"GenerateSecretString": {"PasswordLength": 30, "ExcludePunctuation": true}}
                },
                "Database": {"Type": "AWS::RDS::DBInstance", "Properties": {
                    "Engine": "postgres",
                    "DBInstanceClass": "db.t4g.micro",
                    "AllocatedStorage": "20",
                    "MasterUsername": "app",
                    "MasterUserPassword": {"Fn::Sub": "{{resolve:secretsmanager:${Credentials}}}"},
                    "StorageEncrypted": true
                }}
            })),
            &[(
                "/Resources/Database/Properties/MasterUserPassword",
                Some(json!("hunter2hunter2")),
            )],
        ),
        case(
            "SD6003",
            "DbPassword",
            "NoEcho",
            template_with(
                json!({"DbPassword": {"Type": "String", "NoEcho": true, "MinLength": 12}}),
                json!({"Database": {"Type": "AWS::RDS::DBInstance", "Properties": {
                    "Engine": "postgres",
                    "DBInstanceClass": "db.t4g.micro",
                    "AllocatedStorage": "20",
                    "MasterUsername": "app",
                    "MasterUserPassword": {"Ref": "DbPassword"},
                    "StorageEncrypted": true
                }}}),
            ),
            &[("/Parameters/DbPassword/NoEcho", None)],
        ),
        // ---- IAM ----
        case(
            "SD7001",
            "Policy",
            "PolicyDocument.Statement[0].Action[0]",
            managed_policy(
                json!({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::example-bucket/*"}),
            ),
            &[(
                "/Resources/Policy/Properties/PolicyDocument/Statement/0/Action/0",
                Some(json!("s3:GetObjects")),
            )],
        ),
        case(
            "SD7002",
            "Role",
            "AssumeRolePolicyDocument.Statement[0].Principal.Service",
            template(role("ecs-tasks.amazonaws.com")),
            &[(
                "/Resources/Role/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service",
                Some(json!("ecs-task.amazonaws.com")),
            )],
        ),
        case(
            "SD7003",
            "Policy",
            "PolicyDocument.Statement[0]",
            managed_policy(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
            &[(
                "/Resources/Policy/Properties/PolicyDocument/Statement/0/Action",
                Some(json!("*")),
            )],
        ),
        case(
            "SD7004",
            "Policy",
            "PolicyDocument.Version",
            managed_policy(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}),
            ),
            &[(
                "/Resources/Policy/Properties/PolicyDocument/Version",
                Some(json!("2012-10-18")),
            )],
        ),
        case(
            "SD7005",
            "Policy",
            "PolicyDocument.Statement[0].Effect",
            managed_policy(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}),
            ),
            &[(
                "/Resources/Policy/Properties/PolicyDocument/Statement/0/Effect",
                Some(json!("allow")),
            )],
        ),
        case(
            "SD7006",
            "Policy",
            "PolicyDocument.Statement[0]",
            managed_policy(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}),
            ),
            &[(
                "/Resources/Policy/Properties/PolicyDocument/Statement/0/Action",
                None,
            )],
        ),
        case(
            "SD7007",
            "Policy",
            "PolicyDocument.Statement[0].Resource",
            managed_policy(
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}),
            ),
            &[(
                "/Resources/Policy/Properties/PolicyDocument/Statement/0/Resource",
                Some(json!("example-bucket/*")),
            )],
        ),
        case(
            "SD7008",
            "Role",
            "AssumeRolePolicyDocument.Statement[0].Principal",
            template(json!({"Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                        "Action": "sts:AssumeRole"
                    }]
                }}
            }})),
            &[(
                "/Resources/Role/Properties/AssumeRolePolicyDocument/Statement/0/Principal/AWS",
                Some(json!("*")),
            )],
        ),
        // ---- ECS ----
        case(
            "SD8001",
            "Task",
            "Memory",
            fargate_task(
                json!([{"Name": "app", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": true}]),
            ),
            &[("/Resources/Task/Properties/Memory", Some(json!("512")))],
        ),
        case(
            "SD8002",
            "Task",
            "NetworkMode",
            fargate_task(
                json!([{"Name": "app", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": true}]),
            ),
            &[(
                "/Resources/Task/Properties/NetworkMode",
                Some(json!("bridge")),
            )],
        ),
        case(
            "SD8003",
            "Service",
            "LaunchType",
            {
                let t = fargate_template();
                let t = apply(t, &[("/Resources/Service/Properties/LaunchType", None)]);
                apply(
                    t,
                    &[(
                        "/Resources/Service/Properties/CapacityProviderStrategy",
                        Some(json!([{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}])),
                    )],
                )
            },
            &[(
                "/Resources/Service/Properties/LaunchType",
                Some(json!("FARGATE")),
            )],
        ),
        case(
            "SD8004",
            "Service",
            "DeploymentConfiguration.DeploymentCircuitBreaker",
            template(json!({
                "Cluster": {"Type": "AWS::ECS::Cluster"},
                "Service": {"Type": "AWS::ECS::Service", "Properties": {
                    "Cluster": {"Ref": "Cluster"},
                    "DesiredCount": 1,
                    "DeploymentController": {"Type": "EXTERNAL"},
                    "DeploymentConfiguration": {"MaximumPercent": 200, "MinimumHealthyPercent": 100}
                }}
            })),
            &[(
                "/Resources/Service/Properties/DeploymentConfiguration/DeploymentCircuitBreaker",
                Some(json!({"Enable": true, "Rollback": true})),
            )],
        ),
        case(
            "SD8005",
            "Service",
            "LoadBalancers",
            {
                let t = fargate_template();
                apply(
                    t,
                    &[
                        (
                            "/Resources/Service/Properties/DeploymentController",
                            Some(json!({"Type": "CODE_DEPLOY"})),
                        ),
                        (
                            "/Resources/GreenTargetGroup",
                            Some(json!({
                                "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                                "Properties": {"VpcId": {"Ref": "VpcId"}, "TargetType": "ip", "Protocol": "HTTP", "Port": 8000}
                            })),
                        ),
                        (
                            "/Resources/TestListener",
                            Some(json!({
                                "Type": "AWS::ElasticLoadBalancingV2::Listener",
                                "Properties": {
                                    "LoadBalancerArn": {"Ref": "LoadBalancer"},
                                    "Protocol": "HTTP",
                                    "Port": 8080,
                                    "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "GreenTargetGroup"}}]
                                }
                            })),
                        ),
                        (
                            "/Resources/Service/DependsOn",
                            Some(json!(["Listener", "TestListener"])),
                        ),
                    ],
                )
            },
            &[(
                "/Resources/Service/Properties/LoadBalancers/1",
                Some(
                    json!({"ContainerName": "app", "ContainerPort": 8000, "TargetGroupArn": {"Ref": "GreenTargetGroup"}}),
                ),
            )],
        ),
        case(
            "SD8006",
            "Task",
            "ContainerDefinitions[1].PortMappings",
            fargate_task(json!([
                {"Name": "app", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": true, "PortMappings": [{"ContainerPort": 8000}]},
                {"Name": "metrics", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": false, "PortMappings": [{"ContainerPort": 9000}]}
            ])),
            &[(
                "/Resources/Task/Properties/ContainerDefinitions/1/PortMappings/0/ContainerPort",
                Some(json!(8000)),
            )],
        ),
        case(
            "SD8007",
            "Service",
            "LoadBalancers[0].ContainerName",
            fargate_template(),
            &[(
                "/Resources/Service/Properties/LoadBalancers/0/ContainerName",
                Some(json!("web")),
            )],
        ),
        case(
            "SD8008",
            "Service",
            "LoadBalancers[0].ContainerPort",
            fargate_template(),
            &[(
                "/Resources/Service/Properties/LoadBalancers/0/ContainerPort",
                Some(json!(5000)),
            )],
        ),
        case(
            "SD8009",
            "Service",
            "NetworkConfiguration",
            fargate_template(),
            &[("/Resources/Service/Properties/NetworkConfiguration", None)],
        ),
        case(
            "SD8010",
            "Service",
            "HealthCheckGracePeriodSeconds",
            apply(
                fargate_template(),
                &[
                    ("/Resources/Service/Properties/LoadBalancers", None),
                    ("/Resources/Service/DependsOn", None),
                ],
            ),
            &[(
                "/Resources/Service/Properties/HealthCheckGracePeriodSeconds",
                Some(json!(60)),
            )],
        ),
        // ---- load balancing, DNS, CDN ----
        case(
            "SD8011",
            "Task",
            "ContainerDefinitions[0].Memory",
            fargate_task(
                json!([{"Name": "app", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": true, "Memory": 512}]),
            ),
            &[(
                "/Resources/Task/Properties/ContainerDefinitions/0/Memory",
                Some(json!(2048)),
            )],
        ),
        case(
            "SD9001",
            "StaticRule",
            "Priority",
            apply(
                fargate_template(),
                &[
                    (
                        "/Resources/ApiRule",
                        Some(
                            json!({"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
                                "ListenerArn": {"Ref": "Listener"},
                                "Priority": 10,
                                "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*"]}}],
                                "Actions": [{"Type": "forward", "TargetGroupArn": {"Ref": "TargetGroup"}}]
                            }}),
                        ),
                    ),
                    (
                        "/Resources/StaticRule",
                        Some(
                            json!({"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
                                "ListenerArn": {"Ref": "Listener"},
                                "Priority": 20,
                                "Conditions": [{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/static/*"]}}],
                                "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]
                            }}),
                        ),
                    ),
                ],
            ),
            &[("/Resources/StaticRule/Properties/Priority", Some(json!(10)))],
        ),
        case(
            "SD9002",
            "TargetGroup",
            "Matcher.HttpCode",
            apply(
                fargate_template(),
                &[(
                    "/Resources/TargetGroup/Properties/Matcher",
                    Some(json!({"HttpCode": "200-299"})),
                )],
            ),
            &[(
                "/Resources/TargetGroup/Properties/Matcher/HttpCode",
                Some(json!("200-600")),
            )],
        ),
        case(
            "SD9003",
            "TargetGroup",
            "HealthCheckTimeoutSeconds",
            apply(
                fargate_template(),
                &[
                    (
                        "/Resources/TargetGroup/Properties/HealthCheckIntervalSeconds",
                        Some(json!(10)),
                    ),
                    (
                        "/Resources/TargetGroup/Properties/HealthCheckTimeoutSeconds",
                        Some(json!(5)),
                    ),
                ],
            ),
            &[(
                "/Resources/TargetGroup/Properties/HealthCheckTimeoutSeconds",
                Some(json!(10)),
            )],
        ),
        case(
            "SD9004",
            "Listener",
            "Certificates",
            apply(
                fargate_template(),
                &[
                    (
                        "/Resources/Listener/Properties/Protocol",
                        Some(json!("HTTPS")),
                    ),
                    ("/Resources/Listener/Properties/Port", Some(json!(443))),
                    (
                        "/Resources/Listener/Properties/Certificates",
                        Some(
                            json!([{"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"}]),
                        ),
                    ),
                ],
            ),
            &[("/Resources/Listener/Properties/Certificates", None)],
        ),
        case(
            "SD9005",
            "TargetGroup",
            "Port",
            fargate_template(),
            &[("/Resources/TargetGroup/Properties/Port", None)],
        ),
        case(
            "SD9006",
            "AdminListener",
            "Port",
            apply(
                fargate_template(),
                &[(
                    "/Resources/AdminListener",
                    Some(json!({
                        "Type": "AWS::ElasticLoadBalancingV2::Listener",
                        "Properties": {
                            "LoadBalancerArn": {"Ref": "LoadBalancer"},
                            "Protocol": "HTTP",
                            "Port": 8080,
                            "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}]
                        }
                    })),
                )],
            ),
            &[("/Resources/AdminListener/Properties/Port", Some(json!(80)))],
        ),
        case(
            "SD9007",
            "Listener",
            "DefaultActions[0].TargetGroupArn",
            fargate_template(),
            &[(
                "/Resources/TargetGroup/Properties/Protocol",
                Some(json!("TCP")),
            )],
        ),
        case(
            "SD9101",
            "Www",
            "Name",
            template(json!({
                "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "example.com"}},
                "Www": {"Type": "AWS::Route53::RecordSet", "Properties": {
                    "HostedZoneName": "example.com.",
                    "Name": "www.example.com.",
                    "Type": "CNAME",
                    "TTL": "300",
                    "ResourceRecords": ["example.com"]
                }},
                "Api": {"Type": "AWS::Route53::RecordSet", "Properties": {
                    "HostedZoneId": {"Ref": "Zone"},
                    "Name": "api.example.com",
                    "Type": "A",
                    "TTL": "300",
                    "ResourceRecords": ["192.0.2.10"]
                }}
            })),
            &[(
                "/Resources/Www/Properties/Name",
                Some(json!("www.example.org.")),
            )],
        ),
        case(
            "SD9102",
            "Distribution",
            "DistributionConfig.ViewerCertificate.AcmCertificateArn",
            template(json!({"Distribution": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {"DistributionConfig": {
                    "Enabled": true,
                    "Aliases": ["www.example.com"],
                    "ViewerCertificate": {
                        "AcmCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                        "SslSupportMethod": "sni-only",
                        "MinimumProtocolVersion": "TLSv1.2_2021"
                    },
                    "Origins": [{"Id": "site", "DomainName": "origin.example.com", "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"}}],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": "site",
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"
                    }
                }}
            }})),
            &[(
                "/Resources/Distribution/Properties/DistributionConfig/ViewerCertificate/AcmCertificateArn",
                Some(json!(
                    "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
                )),
            )],
        ),
        // ---- template sections ----
        case(
            "SD0001",
            "Size",
            "Default",
            template_with(
                json!({"Size": {"Type": "String", "Default": "small", "AllowedValues": ["small", "medium"]}}),
                json!({"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "size", "Value": {"Ref": "Size"}}]}}}),
            ),
            &[("/Parameters/Size/Default", Some(json!("large")))],
        ),
        case(
            "SD0002",
            "QueueUrls",
            "Value",
            json!({
                "Resources": {"Orders": {"Type": "AWS::SQS::Queue"}, "Refunds": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {"QueueUrls": {"Value": {"Fn::Join": [",", [{"Ref": "Orders"}, {"Ref": "Refunds"}]]}}}
            }),
            &[(
                "/Outputs/QueueUrls/Value",
                Some(json!([{"Ref": "Orders"}, {"Ref": "Refunds"}])),
            )],
        ),
    ]
}
