//! [`Instance`]: an EC2 instance with its own role, instance profile and security group,
//! IMDSv2 required and an encrypted root volume.

use stackdef_synth::SourceLocation;

use super::connections::{Connectable, Connections};
use super::instance_type::InstanceType;
use super::key_pair::KeyPair;
use super::machine_image::MachineImage;
use super::security_group::{SecurityGroup, SecurityGroupProps};
use super::subnet::{SelectedSubnets, SubnetSelection};
use super::user_data::UserData;
use super::vpc::Vpc;
use crate::cfn::ec2::{self as l1, instance as inst};
use crate::iam::{Grantable, InstanceProfile, ManagedPolicy, Role, RoleProps, ServicePrincipal};
use crate::resource::{CfnResource, Resource};
use crate::value::{InstanceId, Value};
use crate::{Construct, Node};

/// The EBS volume an instance boots from.
#[derive(Debug, Clone, PartialEq)]
pub struct RootVolume {
    /// Size in GiB. default: `8` (the images' own).
    pub size_gib: u32,
    /// Volume type. default: `gp3`.
    pub volume_type: VolumeType,
}

impl RootVolume {
    /// A gp3 volume of `size_gib` GiB (1 to 16,384, checked at synth).
    pub fn gib(size_gib: u32) -> Self {
        RootVolume {
            size_gib,
            ..RootVolume::default()
        }
    }
}

impl Default for RootVolume {
    fn default() -> Self {
        RootVolume {
            size_gib: 8,
            volume_type: VolumeType::Gp3,
        }
    }
}

/// EBS volume types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeType {
    /// General purpose SSD, baseline 3,000 IOPS.
    Gp3,
    /// Previous-generation general purpose SSD.
    Gp2,
    /// Provisioned IOPS SSD.
    Io2,
}

/// Options of an [`Instance`].
#[derive(Debug, Clone)]
pub struct InstanceProps {
    /// The type. Required.
    pub instance_type: InstanceType,
    /// The image. Required; its architecture must match the type's.
    pub machine_image: MachineImage,
    /// Which subnets (the first one is used). default: [`SubnetSelection::Private`].
    pub vpc_subnets: SubnetSelection,
    /// Give the instance a public IP (only in a public subnet). default: `false`.
    pub associate_public_ip: bool,
    /// The boot script. default: none.
    pub user_data: Option<UserData>,
    /// SSH key pair. default: none (use Session Manager).
    pub key_pair: Option<KeyPair>,
    /// The role the instance's software runs as. default: a new role (grants go to it).
    pub role: Option<Role>,
    /// Let Systems Manager manage the instance (Session Manager shells, no SSH needed).
    /// default: `true`.
    pub ssm_managed: bool,
    /// Allow all outbound traffic (package installs, downloads). default: `true`.
    pub allow_all_outbound: bool,
    /// Require session tokens for the metadata service (IMDSv2). default: `true`.
    pub require_imdsv2: bool,
    /// The root volume (always encrypted). default: [`RootVolume::default`].
    pub root_volume: RootVolume,
    /// One-minute CloudWatch metrics. default: `false`.
    pub detailed_monitoring: bool,
    /// Refuse termination through the API until turned off. default: `false`.
    pub termination_protection: bool,
    /// The `Name` tag. default: the construct path.
    pub instance_name: Option<String>,
}

impl InstanceProps {
    /// Defaults for `instance_type` booting `machine_image`.
    pub fn new(instance_type: InstanceType, machine_image: MachineImage) -> Self {
        InstanceProps {
            instance_type,
            machine_image,
            vpc_subnets: SubnetSelection::Private,
            associate_public_ip: false,
            user_data: None,
            key_pair: None,
            role: None,
            ssm_managed: true,
            allow_all_outbound: true,
            require_imdsv2: true,
            root_volume: RootVolume::default(),
            detailed_monitoring: false,
            termination_protection: false,
            instance_name: None,
        }
    }
}

/// An EC2 instance.
#[derive(Debug, Clone, Construct)]
pub struct Instance {
    node: Node,
    resource: l1::Instance,
    role: Role,
    security_group: SecurityGroup,
    public: bool,
}

impl Resource for Instance {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl Connectable for Instance {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.security_group.clone()])
    }
}

impl Grantable for Instance {
    fn grant_role(&self) -> Role {
        self.role.clone()
    }
}

impl Instance {
    /// An instance in `vpc`. A public IP outside a public subnet, an image of another
    /// architecture than the type's, and user data that cannot be used are reported at
    /// synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, vpc: &Vpc, props: InstanceProps) -> Instance {
        let location = SourceLocation::caller();
        let node = Node::new(scope, id);
        let selected = vpc.select_subnets(props.vpc_subnets.clone());
        check(&node, location, &props, &selected);
        let role = props.role.clone().unwrap_or_else(|| {
            Role::new(
                &node,
                "Role",
                RoleProps {
                    description: Some(format!("Instance role of {}", node.path())),
                    ..RoleProps::new(ServicePrincipal::ec2())
                },
            )
        });
        if props.ssm_managed {
            role.add_managed_policy(ManagedPolicy::aws("AmazonSSMManagedInstanceCore"));
        }
        let profile = InstanceProfile::new(&node, "InstanceProfile", &role);
        let security_group = SecurityGroup::new(
            &node,
            "SecurityGroup",
            vpc,
            SecurityGroupProps {
                description: Some(format!("Instance {}", node.path())),
                allow_all_outbound: props.allow_all_outbound,
            },
        );
        let stack = node.stack();
        let image = props.machine_image.image_id(&stack);
        let name = props.instance_name.clone().unwrap_or_else(|| node.path());
        let mut l1_props = inst::InstanceProps::new()
            .instance_type(props.instance_type.as_str())
            .image_id(image)
            .iam_instance_profile(profile.profile_name())
            .monitoring(props.detailed_monitoring)
            .disable_api_termination(props.termination_protection)
            .block_device_mappings(vec![root_device(&props)])
            .tags(vec![inst::Tag::new("Name", name)]);
        if props.require_imdsv2 {
            l1_props = l1_props.metadata_options(
                inst::MetadataOptions::new()
                    .http_tokens(inst::HttpTokens::Required)
                    .http_endpoint(inst::HttpEndpoint::Enabled),
            );
        }
        if let Some(key) = &props.key_pair {
            l1_props = l1_props.key_name(key.name());
        }
        if let Some(ud) = &props.user_data {
            l1_props = l1_props.user_data(ud.to_base64());
        }
        if let Some(subnet) = selected.subnets.first() {
            if props.associate_public_ip {
                l1_props = l1_props.network_interfaces(vec![
                    inst::NetworkInterface::new("0")
                        .associate_public_ip_address(true)
                        .delete_on_termination(true)
                        .subnet_id(subnet.subnet_id())
                        .group_set(vec![security_group.security_group_id()]),
                ]);
            } else {
                l1_props = l1_props
                    .subnet_id(subnet.subnet_id())
                    .security_group_ids(vec![security_group.security_group_id()]);
            }
        }
        let resource = l1::Instance::new(&node, "Resource", l1_props);
        // Boot scripts download packages: wait for the routes that let them.
        for dep in &selected.internet_dependencies {
            resource.add_depends_on(dep);
        }
        Instance {
            node,
            resource,
            role,
            security_group,
            public: props.associate_public_ip,
        }
    }

    /// `Ref`: the instance id.
    pub fn instance_id(&self) -> Value<InstanceId> {
        self.resource.instance_id()
    }

    /// `PrivateIp`.
    pub fn private_ip(&self) -> Value<String> {
        self.resource.attr_private_ip()
    }

    /// `PrivateDnsName`.
    pub fn private_dns_name(&self) -> Value<String> {
        self.resource.attr_private_dns_name()
    }

    /// `PublicIp`. Using it for an instance without a public IP is reported at synth, with
    /// the output or resource that reads it.
    pub fn public_ip(&self) -> Value<String> {
        self.resource.attr_public_ip()
    }

    /// `PublicDnsName` (same rule as [`Instance::public_ip`]).
    pub fn public_dns_name(&self) -> Value<String> {
        self.resource.attr_public_dns_name()
    }

    /// Whether the instance has a public IP.
    pub fn has_public_ip(&self) -> bool {
        self.public
    }

    /// The role its software runs as.
    pub fn role(&self) -> Role {
        self.role.clone()
    }

    /// Its security group.
    pub fn security_group(&self) -> SecurityGroup {
        self.security_group.clone()
    }
}

/// The root volume's mapping: encrypted, deleted with the instance.
fn root_device(props: &InstanceProps) -> inst::BlockDeviceMapping {
    let v = &props.root_volume;
    inst::BlockDeviceMapping::new(props.machine_image.root_device_name()).ebs(
        inst::Ebs::new()
            .volume_size(i64::from(v.size_gib))
            .volume_type(match v.volume_type {
                VolumeType::Gp3 => inst::VolumeType::Gp3,
                VolumeType::Gp2 => inst::VolumeType::Gp2,
                VolumeType::Io2 => inst::VolumeType::Io2,
            })
            .encrypted(true)
            .delete_on_termination(true),
    )
}

/// The rules an instance's settings must follow, reported at the user's line.
fn check(node: &Node, location: SourceLocation, props: &InstanceProps, selected: &SelectedSubnets) {
    let report = |m: String| node.report_message_at(location, m);
    if selected.subnets.is_empty() {
        report(format!(
            "no subnet of the VPC matches {:?}: add a SubnetConfig of that kind to the VPC, or select another kind",
            props.vpc_subnets
        ));
    }
    if props.associate_public_ip && !selected.subnets.is_empty() && !selected.all_public() {
        report(format!(
            "associate_public_ip is set but {:?} selects subnets that are not public; a public IP there is unreachable (use SubnetType::Public, or leave the instance private and reach it through a bastion)",
            props.vpc_subnets
        ));
    }
    let (t, i) = (
        props.instance_type.architecture(),
        props.machine_image.architecture(),
    );
    if t != i {
        report(format!(
            "instance type {} runs {} but the image ({}) is for {}; choose an image for {}",
            props.instance_type,
            t.as_str(),
            props.machine_image.description(),
            i.as_str(),
            t.as_str()
        ));
    }
    if !(1..=16384).contains(&props.root_volume.size_gib) {
        report(format!(
            "root volume size {} GiB is out of range: 1 to 16384",
            props.root_volume.size_gib
        ));
    }
    if let Some(ud) = &props.user_data {
        if let Some((problem, at)) = ud.problem() {
            node.report_message_at(*at, problem.clone());
        }
        for name in ud.unknown_placeholders() {
            report(format!(
                "the user data uses {{{{{name}}}}}, which no with_variable fills"
            ));
        }
        let n = ud.encoded_len_at_least();
        if n > 16 * 1024 {
            report(format!(
                "the user data is {n} bytes once base64-encoded; EC2 allows 16384: download the rest at boot"
            ));
        }
    }
}
