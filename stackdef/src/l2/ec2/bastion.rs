//! [`BastionHost`]: a small instance to reach private ones through, by Session Manager
//! (no inbound port, no public IP) or SSH from named address blocks.

use super::connections::{Connectable, Connections};
use super::instance::{Instance, InstanceProps};
use super::instance_type::{InstanceClass, InstanceSize, InstanceType};
use super::key_pair::KeyPair;
use super::machine_image::MachineImage;
use super::peer::Peer;
use super::port::Port;
use super::subnet::SubnetType;
use super::vpc::Vpc;
use crate::iam::{Grantable, Role};
use crate::value::Value;
use crate::{Construct, Node};

/// Options of a [`BastionHost`].
#[derive(Debug, Clone)]
pub struct BastionHostProps {
    /// The type. default: `t4g.nano` (Graviton, with the Amazon Linux 2023 image for it).
    pub instance_type: InstanceType,
    /// Address blocks allowed to SSH in; with any, the bastion sits in a public subnet
    /// with a public IP. default: none (Session Manager only, `aws ssm start-session
    /// --target <instance id>`: the bastion sits in a private subnet with egress and has
    /// no public IP, as Session Manager connects outbound).
    pub ssh_from: Vec<Peer>,
    /// SSH key pair (only useful with `ssh_from`). default: none.
    pub key_pair: Option<KeyPair>,
}

impl Default for BastionHostProps {
    fn default() -> Self {
        BastionHostProps {
            instance_type: InstanceType::of(InstanceClass::T4g, InstanceSize::Nano),
            ssh_from: Vec::new(),
            key_pair: None,
        }
    }
}

/// A bastion host: the way in to private instances.
#[derive(Debug, Clone, Construct)]
pub struct BastionHost {
    node: Node,
    instance: Instance,
}

impl BastionHost {
    /// A bastion in `vpc`, managed by Systems Manager; SSH is open only to
    /// `props.ssh_from`, and only then does it get a public subnet and IP.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, vpc: &Vpc, props: BastionHostProps) -> Self {
        let node = Node::new(scope, id);
        let image = MachineImage::latest_amazon_linux_2023(props.instance_type.architecture());
        let public = !props.ssh_from.is_empty();
        let instance = Instance::new(
            &node,
            "Host",
            vpc,
            InstanceProps {
                vpc_subnets: if public {
                    SubnetType::Public.into()
                } else {
                    SubnetType::PrivateWithEgress.into()
                },
                associate_public_ip: public,
                key_pair: props.key_pair.clone(),
                ssm_managed: true,
                ..InstanceProps::new(props.instance_type.clone(), image)
            },
        );
        for peer in props.ssh_from {
            instance.allow_from_peer(peer, Port::tcp(22));
        }
        BastionHost { node, instance }
    }

    /// Lets SSH through from the bastion to `target` (`bastion.allow_ssh_to(&controller)`).
    #[track_caller]
    pub fn allow_ssh_to(&self, target: &impl Connectable) {
        target.allow_from(&self.instance, Port::tcp(22));
    }

    /// The instance.
    pub fn instance(&self) -> &Instance {
        &self.instance
    }

    /// `Ref`: the instance id (what `aws ssm start-session --target` takes).
    pub fn instance_id(&self) -> Value<crate::value::InstanceId> {
        self.instance.instance_id()
    }

    /// The public IP (a bastion without `ssh_from` has none: reading it is reported at
    /// synth, with the output or resource that reads it).
    pub fn public_ip(&self) -> Value<String> {
        self.instance.public_ip()
    }

    /// The command that forwards local `port` to `host:port` through the bastion
    /// (`aws ssm start-session` with the port-forwarding document), for an output:
    /// `bastion.port_forward_command(controller.private_ip(), 8080)`. The host must admit
    /// the bastion on that port (`controller.allow_from(&bastion, Port::tcp(8080))`).
    pub fn port_forward_command(&self, host: impl Into<Value<String>>, port: u16) -> Value<String> {
        crate::sub![
            "aws ssm start-session --region ",
            crate::fns::region(),
            " --target ",
            self.instance_id(),
            " --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=",
            host.into(),
            format!(",portNumber={port},localPortNumber={port}")
        ]
    }
}

impl Connectable for BastionHost {
    fn connections(&self) -> Connections {
        self.instance.connections()
    }
}

impl Grantable for BastionHost {
    fn grant_role(&self) -> Role {
        self.instance.grant_role()
    }
}
