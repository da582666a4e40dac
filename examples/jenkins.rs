//! W3 — a Jenkins controller and two build agents on EC2 (seeds 000, 001 and 004).
//!
//! ```text
//! cargo run -p stackdef-examples --example jenkins
//! ```
//!
//! The seeds ran three Ubuntu instances in public subnets of the default VPC, with one
//! security group open to the world on 22, 8080 and 8000, a key pair created by hand, user
//! data scripts installing Jenkins on the controller and Docker, Python and Terraform on
//! the agents, and the instances' IPs as outputs. Seed 001's own advice was to move the
//! controller into a private subnet. Here:
//!
//! - every instance is in a private subnet (outbound through one NAT gateway); the only
//!   way in is a bastion reached through Session Manager, which opens no inbound port at
//!   all. Jenkins' 8080 admits the bastion only (a port forward, see the `JenkinsTunnel`
//!   output), the agents' 22 admits the controller only, and nothing admits the world;
//! - the seeds' port 8000 (gunicorn started on the agents by the pipeline) is gone: the
//!   app runs on ECS behind a load balancer (`bank_stack`), so the agents serve nothing;
//! - the key pair the controller reaches its agents with is created by the stack; EC2
//!   keeps its private key in Parameter Store, and only the controller may read it;
//! - instances require IMDSv2, their root volumes are encrypted, and they boot the latest
//!   Amazon Linux 2023 (a stack parameter that resolves AWS's public SSM parameter at each
//!   deploy) instead of a fixed Ubuntu AMI id;
//! - the user data scripts are files next to this one (`userdata/`), read at synth, with
//!   the deploy-time values they need filled in.
//!
//! The template is cfn-lint clean and checkov finds nothing
//! (`checkov --skip-download -f stackdef.out/Jenkins.template.json`; see
//! `tests/jenkins.rs`).

use std::process::ExitCode;

use stackdef::ec2::{
    Architecture, BastionHost, BastionHostProps, Connectable, GeneratedKeyPair, Instance,
    InstanceClass, InstanceProps, InstanceSize, InstanceType, KeyType, MachineImage, Port,
    RootVolume, UserData, Vpc, VpcProps,
};
use stackdef::kms::{Key, KeyProps};
use stackdef::{App, CfnOutput, Env, Stack, fns};

/// Builds the Jenkins stack into `app`. Tests call this too.
pub fn jenkins_stack(app: &App) -> Stack {
    let stack = app.stack("Jenkins", Env::region("us-east-1"));
    stack.set_description("Jenkins controller and two build agents on EC2, behind a bastion");

    // A small network of its own: public subnets for the NAT gateway, private ones for
    // the instances. Its flow logs are encrypted under a key of the stack's own.
    let key = Key::new(&stack, "Key", KeyProps::default());
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            flow_logs_key: Some(key),
            ..VpcProps::cidr("10.20.0.0/16")
        },
    );

    // Session Manager only: `aws ssm start-session --target <BastionId>`.
    let bastion = BastionHost::new(&stack, "Bastion", &vpc, BastionHostProps::default());

    let agent_key = GeneratedKeyPair::new(&stack, "AgentKey", KeyType::Ed25519);
    let image = MachineImage::latest_amazon_linux_2023(Architecture::X86_64);

    let controller = Instance::new(
        &stack,
        "Controller",
        &vpc,
        InstanceProps {
            user_data: Some(
                UserData::from_file("userdata/jenkins.sh")
                    .with_variable("REGION", fns::region())
                    .with_variable("AGENT_KEY_PARAMETER", agent_key.private_key_parameter()),
            ),
            // Jenkins keeps jobs, builds and plugins under /var/lib/jenkins.
            root_volume: RootVolume::gib(30),
            ..InstanceProps::new(
                InstanceType::of(InstanceClass::T3, InstanceSize::Medium),
                image.clone(),
            )
        },
    );
    agent_key.grant_read_private_key(&controller);
    controller.allow_from(&bastion, Port::tcp(8080));

    let agents: Vec<Instance> = (1..=2)
        .map(|n| {
            let agent = Instance::new(
                &stack,
                &format!("Agent{n}"),
                &vpc,
                InstanceProps {
                    user_data: Some(UserData::from_file("userdata/agent.sh")),
                    key_pair: Some(agent_key.key_pair()),
                    // Docker images and Terraform providers fill a disk quickly.
                    root_volume: RootVolume::gib(30),
                    ..InstanceProps::new(
                        InstanceType::of(InstanceClass::T3, InstanceSize::Medium),
                        image.clone(),
                    )
                },
            );
            agent.allow_from(&controller, Port::tcp(22));
            agent
        })
        .collect();

    CfnOutput::new(&stack, "BastionId", bastion.instance_id())
        .description("aws ssm start-session --target <this>");
    CfnOutput::new(&stack, "ControllerPrivateIp", controller.private_ip());
    for (n, agent) in agents.iter().enumerate() {
        CfnOutput::new(
            &stack,
            &format!("Agent{}PrivateIp", n + 1),
            agent.private_ip(),
        );
    }
    let tunnel = bastion.port_forward_command(controller.private_ip(), 8080);
    CfnOutput::new(&stack, "JenkinsTunnel", tunnel)
        .description("Run this, then open http://localhost:8080");
    stack
}

fn main() -> ExitCode {
    let app = App::new();
    jenkins_stack(&app);
    app.run()
}
