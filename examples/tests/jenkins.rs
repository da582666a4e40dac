//! W3 (`examples/jenkins.rs`): the template is snapshotted, cfn-lint clean, checkov clean,
//! and what makes it safe (IMDSv2, encryption, no inbound from the internet, base64 user
//! data, the image from SSM, who may reach whom) is asserted one by one.

use serde_json::{Value as Json, json};
use stackdef::App;
use stackdef::assertions::{Match, Template};
use stackdef_tests::{cfn_lint, checkov};

#[allow(dead_code)]
#[path = "../jenkins.rs"]
mod jenkins;

fn synth() -> (String, Template) {
    let app = App::new();
    jenkins::jenkins_stack(&app);
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    let stack = out.stack("Jenkins").expect("Jenkins is synthesized");
    (
        stack.template_json.clone(),
        Template::from_json(stack.template.clone()),
    )
}

fn group_of(t: &Template, instance: &str) -> Json {
    let id = t
        .logical_id_of(&format!("Jenkins/{instance}/SecurityGroup"))
        .unwrap_or_else(|| panic!("no security group for {instance}"));
    json!({"Fn::GetAtt": [id, "GroupId"]})
}

#[test]
fn jenkins_template_snapshot() {
    let (text, _) = synth();
    insta::assert_snapshot!("Jenkins.template.json", text);
}

#[test]
fn jenkins_template_is_cfn_lint_clean() {
    let (text, _) = synth();
    cfn_lint::assert_clean("Jenkins", &text);
}

#[test]
fn checkov_finds_nothing() {
    let (text, _) = synth();
    let failed = checkov::failed_checks(&text);
    assert!(
        failed.is_empty(),
        "checkov findings on the Jenkins template: {failed:?} (fix them, or document each in examples/jenkins.rs and pin it here)"
    );
}

#[test]
fn every_instance_requires_imdsv2_and_encrypts_its_root_volume() {
    let (_, t) = synth();
    t.resource_count_is("AWS::EC2::Instance", 4);
    t.all_resources(
        "AWS::EC2::Instance",
        json!({"Properties": {
            "MetadataOptions": {"HttpTokens": "required"},
            "BlockDeviceMappings": [{"Ebs": {"Encrypted": true}}],
        }}),
    );
}

#[test]
fn user_data_is_base64_encoded() {
    let (_, t) = synth();
    for name in ["Controller", "Agent1", "Agent2"] {
        let id = t.logical_id_of(&format!("Jenkins/{name}")).expect(name);
        let user_data = &t.json()["Resources"][&id]["Properties"]["UserData"];
        assert!(user_data.get("Fn::Base64").is_some(), "{name}: {user_data}");
    }
    // The controller's script reads the agents' key from the parameter of the stack's key
    // pair, filled in at deploy time.
    let controller = t.logical_id_of("Jenkins/Controller").expect("controller");
    let script =
        t.json()["Resources"][&controller]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    assert!(script.contains("dnf -y install jenkins"), "{script}");
    let key = t.logical_id_of("Jenkins/AgentKey").expect("key pair");
    assert!(
        script.contains(&format!("--name /ec2/keypair/${{{key}.KeyPairId}}")),
        "{script}"
    );
}

#[test]
fn images_come_from_the_public_ssm_parameter() {
    let (_, t) = synth();
    let params = t.json()["Parameters"].as_object().expect("parameters");
    let x86 = params
        .iter()
        .find(|(_, p)| {
            p["Default"] == "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
        })
        .map(|(id, p)| (id.clone(), p.clone()))
        .expect("the AL2023 x86_64 parameter");
    assert_eq!(
        x86.1["Type"],
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    );
    // Three instances, one parameter.
    assert_eq!(
        t.find_resources_with_properties("AWS::EC2::Instance", json!({"ImageId": {"Ref": x86.0}}))
            .len(),
        3
    );
}

#[test]
fn nothing_is_reachable_from_the_internet() {
    let (_, t) = synth();
    let text = t.json().to_string();
    assert!(
        !text.contains("0.0.0.0/0\",\"FromPort"),
        "no world-open rule"
    );
    for (id, sg) in t.resources_of_type("AWS::EC2::SecurityGroup") {
        assert!(
            sg["Properties"].get("SecurityGroupIngress").is_none(),
            "{id} has inline ingress: {sg}"
        );
    }
    // No instance has a public address, the bastion included (Session Manager).
    t.all_resources(
        "AWS::EC2::Instance",
        Match::object_like([(
            "Properties",
            Match::object_like([("NetworkInterfaces", Match::absent())]),
        )]),
    );
    // Exactly three rules: 8080 to the controller from the bastion, 22 to each agent from
    // the controller.
    t.resource_count_is("AWS::EC2::SecurityGroupIngress", 3);
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        json!({
            "GroupId": group_of(&t, "Controller"),
            "FromPort": 8080,
            "ToPort": 8080,
            "SourceSecurityGroupId": group_of(&t, "Bastion/Host"),
        }),
    );
    for agent in ["Agent1", "Agent2"] {
        t.has_resource_properties(
            "AWS::EC2::SecurityGroupIngress",
            json!({
                "GroupId": group_of(&t, agent),
                "FromPort": 22,
                "SourceSecurityGroupId": group_of(&t, "Controller"),
            }),
        );
    }
}

#[test]
fn only_the_controller_reads_the_agents_key() {
    let (_, t) = synth();
    let reads_key = t.find_resources_with_properties(
        "AWS::IAM::Role",
        json!({"Policies": [{"PolicyDocument": {"Statement": [{"Action": "ssm:GetParameter"}]}}]}),
    );
    let ids: Vec<&String> = reads_key.keys().collect();
    assert_eq!(
        ids,
        [&t.logical_id_of("Jenkins/Controller/Role").expect("role")]
    );
}

#[test]
fn outputs_give_addresses_and_the_tunnel() {
    let (_, t) = synth();
    let outputs = t.outputs();
    let names: Vec<&str> = outputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "BastionId",
            "ControllerPrivateIp",
            "Agent1PrivateIp",
            "Agent2PrivateIp",
            "JenkinsTunnel"
        ]
    );
    let tunnel = outputs["JenkinsTunnel"]["Value"]["Fn::Sub"]
        .as_str()
        .unwrap_or("");
    assert!(
        tunnel.contains("AWS-StartPortForwardingSessionToRemoteHost"),
        "{tunnel}"
    );
    assert!(tunnel.contains("portNumber=8080"), "{tunnel}");
}
