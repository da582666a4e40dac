//! EC2 instances, bastions, images, user data and key pairs: what they write, and each
//! mistake reported at synth with the construct path and the user's line.

use serde_json::json;
use stackdef::assertions::{Match, Template};
use stackdef::check::catalog;
use stackdef::ec2::{
    Architecture, BastionHost, BastionHostProps, Connectable, GeneratedKeyPair, Instance,
    InstanceClass, InstanceProps, InstanceSize, InstanceType, KeyType, MachineImage, Peer, Port,
    SubnetConfig, SubnetType, UserData, Vpc, VpcProps,
};
use stackdef::iam::{Role, RoleProps, ServicePrincipal};
use stackdef::{App, CfnOutput, Construct, Env, Stack};

fn app() -> (App, Stack, Vpc) {
    let app = App::new();
    let stack = app.stack("Test", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            max_azs: 2,
            nat_gateways: 1,
            subnets: vec![
                SubnetConfig::new("Public", SubnetType::Public, 24),
                SubnetConfig::new("Private", SubnetType::PrivateWithEgress, 24),
            ],
            ..VpcProps::cidr("10.0.0.0/16")
        },
    );
    (app, stack, vpc)
}

fn t3_micro() -> InstanceProps {
    InstanceProps::new(
        InstanceType::of(InstanceClass::T3, InstanceSize::Micro),
        MachineImage::latest_amazon_linux_2023(Architecture::X86_64),
    )
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
    let Some(e) = errs.iter().find(|e| e.contains(needle)) else {
        panic!("no error contains {needle:?}; errors: {errs:#?}");
    };
    assert!(e.contains(path), "{e:?} does not name {path}");
    let at = format!("{}:{line}", file!());
    assert!(e.contains(&at), "{e:?} does not point at {at}");
    e.clone()
}

fn template(app: &App) -> Template {
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    Template::from_json(out.stack("Test").expect("Test").template.clone())
}

#[test]
fn an_instance_has_safe_defaults() {
    let (app, stack, vpc) = app();
    Instance::new(&stack, "Host", &vpc, t3_micro());
    let t = template(&app);
    t.has_resource_properties(
        "AWS::EC2::Instance",
        Match::object_like([
            ("InstanceType", Match::from(json!("t3.micro"))),
            ("MetadataOptions", json!({"HttpTokens": "required"}).into()),
            (
                "BlockDeviceMappings",
                json!([{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": true, "VolumeType": "gp3"}}]).into(),
            ),
            (
                "IamInstanceProfile",
                json!({"Ref": t.logical_id_of("Test/Host/InstanceProfile").expect("profile")}).into(),
            ),
            (
                "SubnetId",
                json!({"Ref": t.logical_id_of("Test/Vpc/PrivateSubnet1/Subnet").expect("subnet")}).into(),
            ),
            ("NetworkInterfaces", Match::absent()),
        ]),
    );
    // The role Session Manager needs, through the partition-aware managed policy ARN.
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "ec2.amazonaws.com"}}]},
            "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}],
        }),
    );
    // The image: an SSM-typed parameter resolved at deploy, shared by the stack.
    let params = &t.json()["Parameters"];
    let image = params
        .as_object()
        .and_then(|p| p.values().next())
        .expect("one parameter");
    assert_eq!(
        image["Type"],
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    );
    assert_eq!(
        image["Default"],
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    );
}

#[test]
fn instances_share_one_image_parameter() {
    let (app, stack, vpc) = app();
    Instance::new(&stack, "A", &vpc, t3_micro());
    Instance::new(&stack, "B", &vpc, t3_micro());
    let t = template(&app);
    assert_eq!(t.json()["Parameters"].as_object().map(|p| p.len()), Some(1));
}

#[test]
fn user_data_is_base64_with_values_spliced_in() {
    let (app, stack, vpc) = app();
    let key = GeneratedKeyPair::new(&stack, "Key", KeyType::Ed25519);
    let mut lines = UserData::for_linux();
    lines.add_commands(["dnf -y install docker"]);
    lines.add_line(stackdef::sub!["echo ", stackdef::fns::region()]);
    Instance::new(
        &stack,
        "Lines",
        &vpc,
        InstanceProps {
            user_data: Some(lines),
            ..t3_micro()
        },
    );
    Instance::new(
        &stack,
        "File",
        &vpc,
        InstanceProps {
            user_data: Some(
                UserData::custom("#!/bin/bash\necho {{KEY}} ${HOME}\n")
                    .with_variable("KEY", key.private_key_parameter()),
            ),
            ..t3_micro()
        },
    );
    let t = template(&app);
    let script = |path: &str| {
        let id = t.logical_id_of(path).expect(path);
        t.json()["Resources"][&id]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        script("Test/Lines"),
        "#!/bin/bash\nset -euo pipefail\ndnf -y install docker\necho ${AWS::Region}\n"
    );
    // Shell variables stay literal (`${!HOME}`); values become references in the text.
    let key_id = t.logical_id_of("Test/Key").expect("key");
    assert_eq!(
        script("Test/File"),
        format!("#!/bin/bash\necho /ec2/keypair/${{{key_id}.KeyPairId}} ${{!HOME}}\n")
    );
}

#[test]
fn public_ip_in_a_private_subnet() {
    let (app, stack, vpc) = app();
    let line = line!() + 1;
    Instance::new(
        &stack,
        "Web",
        &vpc,
        InstanceProps {
            associate_public_ip: true,
            ..t3_micro()
        },
    );
    let e = assert_error_at(&app, "associate_public_ip", "Test/Web", line);
    assert!(e.contains("SubnetType::Public"), "{e}");
}

#[test]
fn a_public_instance_gets_its_address_through_its_interface() {
    let (app, stack, vpc) = app();
    let web = Instance::new(
        &stack,
        "Web",
        &vpc,
        InstanceProps {
            associate_public_ip: true,
            vpc_subnets: SubnetType::Public.into(),
            ..t3_micro()
        },
    );
    CfnOutput::new(&stack, "Ip", web.public_ip());
    let t = template(&app);
    t.has_resource_properties(
        "AWS::EC2::Instance",
        Match::object_like([
            ("SubnetId", Match::absent()),
            (
                "NetworkInterfaces",
                json!([{"AssociatePublicIpAddress": true, "DeviceIndex": "0"}]).into(),
            ),
        ]),
    );
}

#[test]
fn public_ip_output_of_a_private_instance() {
    let (app, stack, vpc) = app();
    let db = Instance::new(&stack, "Db", &vpc, t3_micro());
    let line = line!() + 1;
    CfnOutput::new(&stack, "DbIp", db.public_ip());
    let e = assert_error_at(&app, "SD2003", "DbIp", line);
    assert!(e.contains("Test/Db"), "{e}");
}

#[test]
fn architecture_mismatch() {
    let (app, stack, vpc) = app();
    let line = line!() + 1;
    Instance::new(
        &stack,
        "Arm",
        &vpc,
        InstanceProps::new(
            InstanceType::of(InstanceClass::T4g, InstanceSize::Small),
            MachineImage::latest_amazon_linux_2023(Architecture::X86_64),
        ),
    );
    let e = assert_error_at(&app, "arm64", "Test/Arm", line);
    assert!(e.contains("x86_64"), "{e}");
}

#[test]
fn missing_user_data_file() {
    let (app, stack, vpc) = app();
    let line = line!() + 1;
    let ud = UserData::from_file("scripts/does-not-exist.sh");
    Instance::new(
        &stack,
        "Host",
        &vpc,
        InstanceProps {
            user_data: Some(ud),
            ..t3_micro()
        },
    );
    let e = assert_error_at(&app, "does-not-exist.sh", "Test/Host", line);
    assert!(e.contains("relative to the crate"), "{e}");
}

#[test]
fn user_data_over_the_limit() {
    let (app, stack, vpc) = app();
    let script = format!("#!/bin/bash\n{}", "echo padding\n".repeat(1100));
    let line = line!() + 1;
    Instance::new(
        &stack,
        "Host",
        &vpc,
        InstanceProps {
            user_data: Some(UserData::custom(&script)),
            ..t3_micro()
        },
    );
    let e = assert_error_at(&app, "16384", "Test/Host", line);
    assert!(e.contains("base64"), "{e}");
}

#[test]
fn unfilled_placeholder() {
    let (app, stack, vpc) = app();
    let line = line!() + 1;
    Instance::new(
        &stack,
        "Host",
        &vpc,
        InstanceProps {
            user_data: Some(UserData::custom("#!/bin/bash\necho {{REGION}}\n")),
            ..t3_micro()
        },
    );
    assert_error_at(&app, "{{REGION}}", "Test/Host", line);
}

#[test]
fn admin_port_open_to_the_world() {
    let (app, stack, vpc) = app();
    let host = Instance::new(&stack, "Host", &vpc, t3_micro());
    let line = line!() + 1;
    host.allow_from_any_ipv4(Port::tcp(22));
    let e = assert_error_at(&app, "SD3003", "Test/Host", line);
    assert!(e.contains("22"), "{e}");

    // Acknowledged with a reason, it is a warning carrying that reason.
    let (app, stack, vpc) = self::app();
    let host = Instance::new(&stack, "Host", &vpc, t3_micro());
    host.allow_from_peer(Peer::any_ipv6(), Port::tcp(3389));
    host.node().acknowledge(
        catalog::WORLD_OPEN_ADMIN_PORT,
        "lab machine, torn down nightly",
    );
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.warnings
            .iter()
            .any(|w| w.acknowledged.as_deref() == Some("lab machine, torn down nightly"))
    );
}

#[test]
fn unknown_service_principal() {
    let (app, stack, _) = app();
    let line = line!() + 1;
    Role::new(
        &stack,
        "Role",
        RoleProps::new(ServicePrincipal::new("ec2.amazonaws.co")),
    );
    let e = assert_error_at(&app, "ec2.amazonaws.co", "Test/Role", line);
    assert!(e.contains("ec2.amazonaws.com"), "suggests the closest: {e}");
}

#[test]
fn bastion_by_session_manager_opens_nothing() {
    let (app, stack, vpc) = app();
    let bastion = BastionHost::new(&stack, "Bastion", &vpc, BastionHostProps::default());
    let target = Instance::new(&stack, "Target", &vpc, t3_micro());
    bastion.allow_ssh_to(&target);
    let t = template(&app);
    // No public address, no inbound rule on the bastion; one rule on the target, from it.
    t.has_resource_properties(
        "AWS::EC2::Instance",
        Match::object_like([
            ("InstanceType", Match::from(json!("t4g.nano"))),
            ("NetworkInterfaces", Match::absent()),
        ]),
    );
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 1);
    let bastion_sg = t
        .logical_id_of("Test/Bastion/Host/SecurityGroup")
        .expect("bastion group");
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({"FromPort": 22, "SourceSecurityGroupId": {"Fn::GetAtt": [bastion_sg, "GroupId"]}}),
    );
    for (_, sg) in t.resources_of_type("AWS::EC2::SecurityGroup") {
        assert!(
            sg["Properties"].get("SecurityGroupIngress").is_none(),
            "{sg}"
        );
    }
}

#[test]
fn bastion_with_ssh_from_a_block_is_public() {
    let (app, stack, vpc) = app();
    BastionHost::new(
        &stack,
        "Bastion",
        &vpc,
        BastionHostProps {
            ssh_from: vec![Peer::ipv4("203.0.113.0/24")],
            ..Default::default()
        },
    );
    let t = template(&app);
    t.has_resource_properties(
        "AWS::EC2::Instance",
        json!({"NetworkInterfaces": [{"AssociatePublicIpAddress": true}]}),
    );
    t.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"SecurityGroupIngress": [{"CidrIp": "203.0.113.0/24", "FromPort": 22}]}),
    );
}

#[test]
fn generated_key_pair_is_readable_only_by_grantees() {
    let (app, stack, vpc) = app();
    let key = GeneratedKeyPair::new(&stack, "Key", KeyType::Ed25519);
    let host = Instance::new(
        &stack,
        "Host",
        &vpc,
        InstanceProps {
            key_pair: Some(key.key_pair()),
            ..t3_micro()
        },
    );
    key.grant_read_private_key(&host);
    let t = template(&app);
    let key_id = t.logical_id_of("Test/Key").expect("key pair");
    t.has_resource_properties(
        "AWS::EC2::KeyPair",
        json!({"KeyName": "Test-Key", "KeyType": "ed25519"}),
    );
    t.has_resource_properties("AWS::EC2::Instance", json!({"KeyName": {"Ref": key_id}}));
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({"Policies": [{"PolicyDocument": {"Statement": [{
            "Action": "ssm:GetParameter",
            "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/ec2/keypair/${{{key_id}.KeyPairId}}")},
        }]}}]}),
    );
    // Nothing in the template or its outputs holds key material.
    assert!(!t.json().to_string().contains("PRIVATE KEY"));
}
