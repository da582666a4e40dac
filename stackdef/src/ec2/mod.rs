//! Networking: [`Vpc`] (subnets, routes, NAT and internet gateways derived from a few
//! choices), [`SecurityGroup`], and the connections API ([`Connectable`], [`Port`]) that
//! writes security group rules for you.
//!
//! ```
//! use stackdef::ec2::{Connectable, Port, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
//! use stackdef::{App, Env};
//!
//! let app = App::new();
//! let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps { max_azs: 2, nat_gateways: 1, ..VpcProps::cidr("172.28.0.0/16") });
//! let web = SecurityGroup::new(&stack, "Web", &vpc, SecurityGroupProps::default());
//! let app_sg = SecurityGroup::new(&stack, "App", &vpc, SecurityGroupProps::default());
//! app_sg.allow_from(&web, Port::tcp(8000)); // ingress on App, egress on Web
//! assert_eq!(vpc.subnets().len(), 4);
//! ```
//!
//! A subnet id is not a VPC id:
//!
//! ```compile_fail,E0308
//! use stackdef::ec2::{SubnetType, Vpc, VpcProps};
//! use stackdef::value::{Value, VpcId};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let subnet = &vpc.select_subnets(SubnetType::Public.into()).subnets[0];
//! let wrong: Value<VpcId> = subnet.subnet_id(); // a Value<SubnetId>
//! ```
//!
//! Only constructs with a well-known port have `allow_default_port_from` (a database has
//! one; a bare security group does not):
//!
//! ```compile_fail,E0599
//! use stackdef::ec2::{HasDefaultPort, SecurityGroup, SecurityGroupProps, Vpc, VpcProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("Net", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let a = SecurityGroup::new(&stack, "A", &vpc, SecurityGroupProps::default());
//! let b = SecurityGroup::new(&stack, "B", &vpc, SecurityGroupProps::default());
//! a.allow_default_port_from(&b);
//! ```

mod cidr;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

pub use cidr::Ipv4Cidr;
use stackdef_synth::SourceLocation;

use crate::cfn::ec2 as l1;
use crate::fns;
use crate::iam::{PolicyStatement, Role, RoleProps, ServicePrincipal};
use crate::kms::Key;
use crate::l2;
use crate::logs::{LogGroup, LogGroupProps};
use crate::resource::{CfnResource, Resource};
use crate::value::{SecurityGroupId, SubnetId, ToTemplate, Value, VpcId};
use crate::{Construct, Node};

/// What a subnet can reach and be reached from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubnetType {
    /// Routes to an internet gateway; for load balancers and NAT gateways.
    Public,
    /// No inbound from the internet; outbound through a NAT gateway.
    PrivateWithEgress,
    /// No route to or from the internet at all.
    PrivateIsolated,
}

impl SubnetType {
    fn label(self) -> &'static str {
        match self {
            SubnetType::Public => "public",
            SubnetType::PrivateWithEgress => "private (egress through NAT)",
            SubnetType::PrivateIsolated => "isolated (no internet route)",
        }
    }
}

/// One group of subnets: one subnet of this kind in each availability zone.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetConfig {
    /// Group name, used in construct ids (`PublicSubnet1`). Required.
    pub name: String,
    /// Kind of subnet. Required.
    pub subnet_type: SubnetType,
    /// Prefix length of each subnet (16 to 28). default: `20`.
    pub cidr_mask: u8,
    /// Explicit blocks, one per AZ, instead of planned ones (checked to lie inside the
    /// VPC and not to overlap). default: empty (planned).
    pub cidr_blocks: Vec<String>,
}

impl SubnetConfig {
    /// A group of `/cidr_mask` subnets.
    pub fn new(name: &str, subnet_type: SubnetType, cidr_mask: u8) -> Self {
        SubnetConfig {
            name: name.to_owned(),
            subnet_type,
            cidr_mask,
            cidr_blocks: Vec::new(),
        }
    }
}

/// Options of a [`Vpc`].
#[derive(Debug, Clone)]
pub struct VpcProps {
    /// The VPC's IPv4 block (a /16 to a /28). default: `10.0.0.0/16`.
    pub cidr: String,
    /// How many availability zones to spread subnets over. default: `2`.
    pub max_azs: u32,
    /// Explicit availability zone names. default: empty, meaning `<region>a`, `<region>b`,
    /// ... when the stack's region is known and `Fn::GetAZs` otherwise.
    pub availability_zones: Vec<String>,
    /// NAT gateways (each with an Elastic IP) for the private subnets' outbound traffic,
    /// placed in the first public subnets; fewer than AZs saves cost at the price of
    /// cross-AZ dependence. default: `1`.
    pub nat_gateways: u32,
    /// Subnet groups, allocated AZ by AZ from the start of the block in this order.
    /// default: `Public` and `Private` `/20`s (`Private` is `PrivateWithEgress` when there
    /// are NAT gateways, `PrivateIsolated` otherwise).
    pub subnets: Vec<SubnetConfig>,
    /// DNS hostnames for instances (needed by interface endpoints). default: `true`.
    pub enable_dns_hostnames: bool,
    /// Records rejected and accepted traffic in a CloudWatch log group (one-year
    /// retention). default: `true`.
    pub flow_logs: bool,
    /// Encrypts the flow log group with this key. default: none (CloudWatch Logs' own
    /// encryption at rest).
    pub flow_logs_key: Option<Key>,
}

impl Default for VpcProps {
    fn default() -> Self {
        VpcProps {
            cidr: "10.0.0.0/16".into(),
            max_azs: 2,
            availability_zones: Vec::new(),
            nat_gateways: 1,
            subnets: Vec::new(),
            enable_dns_hostnames: true,
            flow_logs: true,
            flow_logs_key: None,
        }
    }
}

impl VpcProps {
    /// Defaults with this CIDR block.
    pub fn cidr(cidr: &str) -> Self {
        VpcProps {
            cidr: cidr.to_owned(),
            ..Default::default()
        }
    }
}

/// One subnet of a [`Vpc`].
#[derive(Debug, Clone)]
pub struct Subnet {
    resource: l1::Subnet,
    group: String,
    subnet_type: SubnetType,
    az_index: usize,
    az: Value<String>,
    cidr: Ipv4Cidr,
}

impl Subnet {
    /// `Ref` of the subnet.
    pub fn subnet_id(&self) -> Value<SubnetId> {
        self.resource.subnet_id()
    }

    /// Its kind.
    pub fn subnet_type(&self) -> SubnetType {
        self.subnet_type
    }

    /// Its group's name.
    pub fn group_name(&self) -> &str {
        &self.group
    }

    /// Its block.
    pub fn cidr(&self) -> Ipv4Cidr {
        self.cidr
    }

    /// Its availability zone.
    pub fn availability_zone(&self) -> Value<String> {
        self.az.clone()
    }
}

impl Construct for Subnet {
    fn node(&self) -> &Node {
        self.resource.node()
    }
}

impl Resource for Subnet {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

/// Which subnets of a VPC to use.
#[derive(Debug, Clone, PartialEq)]
pub enum SubnetSelection {
    /// Every subnet of this kind.
    Type(SubnetType),
    /// Private subnets: those with egress if the VPC has them, else the isolated ones.
    Private,
    /// The subnets of the named group.
    Group(String),
}

impl From<SubnetType> for SubnetSelection {
    fn from(t: SubnetType) -> Self {
        SubnetSelection::Type(t)
    }
}

/// The result of [`Vpc::select_subnets`].
#[derive(Debug, Clone)]
pub struct SelectedSubnets {
    /// The subnets, in AZ order.
    pub subnets: Vec<Subnet>,
    /// Resources that must exist before anything in these subnets can reach the internet
    /// (the gateway attachment and routes), for `DependsOn`.
    pub internet_dependencies: Vec<CfnResource>,
}

impl SelectedSubnets {
    /// The subnet ids.
    pub fn subnet_ids(&self) -> Vec<Value<SubnetId>> {
        self.subnets.iter().map(Subnet::subnet_id).collect()
    }

    /// How many distinct availability zones they span.
    pub fn az_count(&self) -> usize {
        self.subnets
            .iter()
            .map(|s| s.az_index)
            .collect::<HashSet<_>>()
            .len()
    }

    /// Whether every subnet routes to the internet (directly or through NAT).
    pub fn has_internet_route(&self) -> bool {
        !self.subnets.is_empty()
            && self
                .subnets
                .iter()
                .all(|s| s.subnet_type != SubnetType::PrivateIsolated)
    }

    /// Whether any subnet is public.
    pub fn any_public(&self) -> bool {
        self.subnets
            .iter()
            .any(|s| s.subnet_type == SubnetType::Public)
    }
}

#[derive(Debug)]
struct VpcInner {
    resource: l1::Vpc,
    cidr: Option<Ipv4Cidr>,
    cidr_text: String,
    subnets: Vec<Subnet>,
    azs: Vec<Value<String>>,
    nat_gateways: usize,
    internet_dependencies: Vec<CfnResource>,
    egress_dependencies: Vec<CfnResource>,
}

/// A VPC with its subnets, route tables, routes, internet gateway and NAT gateways,
/// derived from [`VpcProps`].
///
/// Subnet blocks are planned AZ by AZ in the order of the groups: with two AZs and
/// public + private `/18`s in `172.28.0.0/16`, the first AZ gets `172.28.0.0/18` (public)
/// and `172.28.64.0/18` (private), the second `172.28.128.0/18` and `172.28.192.0/18`.
/// Public subnets do not give instances public IPs automatically (load balancers and NAT
/// gateways do not need it).
#[derive(Debug, Clone, Construct)]
pub struct Vpc {
    node: Node,
    inner: Rc<VpcInner>,
}

impl Resource for Vpc {
    fn cfn(&self) -> &CfnResource {
        self.inner.resource.cfn()
    }
}

impl Vpc {
    /// Creates the VPC and everything in it. Invalid blocks, masks that do not fit,
    /// overlapping explicit subnets and private-with-egress subnets without NAT are
    /// reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: VpcProps) -> Vpc {
        let node = Node::new(scope, id);
        let path = node.path();
        let resource = l1::Vpc::new(
            &node,
            "Resource",
            l1::VpcProps::new()
                .cidr_block(props.cidr.as_str())
                .enable_dns_hostnames(props.enable_dns_hostnames)
                .enable_dns_support(true)
                .tags(vec![l1::vpc::Tag::new("Name", path.as_str())]),
        );

        let cidr = match props.cidr.parse::<Ipv4Cidr>() {
            Ok(c) if (16..=28).contains(&c.prefix()) => Some(c),
            Ok(c) => {
                node.report_message(format!(
                    "VPC block {c} has a /{} prefix; AWS allows /16 to /28",
                    c.prefix()
                ));
                None
            }
            Err(e) => {
                node.report_message(format!("invalid VPC cidr: {e}"));
                None
            }
        };

        // Availability zones.
        let region = node.stack().region();
        let mut azs: Vec<Value<String>> = Vec::new();
        if !props.availability_zones.is_empty() {
            azs = props
                .availability_zones
                .iter()
                .take(props.max_azs.max(1) as usize)
                .map(|a| Value::literal(a.clone()))
                .collect();
        } else {
            for i in 0..props.max_azs.max(1) {
                azs.push(match &region {
                    Some(r) if i < 26 => Value::literal(format!("{r}{}", (b'a' + i as u8) as char)),
                    _ => fns::select(i, fns::get_azs()),
                });
            }
        }
        if props.max_azs == 0 {
            node.report_message("max_azs is 0; a VPC needs at least one availability zone");
        }

        let nat_count = props.nat_gateways as usize;
        let groups: Vec<SubnetConfig> = if props.subnets.is_empty() {
            vec![
                SubnetConfig::new("Public", SubnetType::Public, 20),
                SubnetConfig::new(
                    "Private",
                    if nat_count > 0 {
                        SubnetType::PrivateWithEgress
                    } else {
                        SubnetType::PrivateIsolated
                    },
                    20,
                ),
            ]
        } else {
            props.subnets.clone()
        };
        let has_public = groups.iter().any(|g| g.subnet_type == SubnetType::Public);
        let has_egress = groups
            .iter()
            .any(|g| g.subnet_type == SubnetType::PrivateWithEgress);
        if nat_count > 0 && !has_public {
            node.report_message(
                "nat_gateways > 0 needs a Public subnet group to place the NAT gateways in",
            );
        }
        if has_egress && nat_count == 0 {
            node.report_message(
                "PrivateWithEgress subnets need at least one NAT gateway; set nat_gateways >= 1 or use SubnetType::PrivateIsolated",
            );
        }
        if nat_count > azs.len() {
            node.report_message(format!(
                "nat_gateways is {nat_count} but the VPC spans {} availability zone(s); at most one NAT gateway per AZ is placed",
                azs.len()
            ));
        }
        let mut seen_names = HashSet::new();
        for g in &groups {
            if !seen_names.insert(g.name.clone()) {
                node.report_message(format!("two subnet groups are named `{}`", g.name));
            }
        }

        let blocks = cidr.and_then(|c| plan_blocks(&node, c, &groups, azs.len()));

        // Internet gateway.
        let mut internet_dependencies: Vec<CfnResource> = Vec::new();
        let mut igw = None;
        if has_public {
            let gw = l1::InternetGateway::new(
                &node,
                "IGW",
                l1::InternetGatewayProps::new()
                    .tags(vec![l1::internet_gateway::Tag::new("Name", path.as_str())]),
            );
            let attach = l1::VpcGatewayAttachment::new(
                &node,
                "VPCGW",
                l1::VpcGatewayAttachmentProps::new(resource.vpc_id())
                    .internet_gateway_id(gw.internet_gateway_id()),
            );
            internet_dependencies.push(attach.cfn().clone());
            igw = Some((gw, attach));
        }

        let mut subnets = Vec::new();
        let mut nats: Vec<l1::NatGateway> = Vec::new();
        let mut private_routes = Vec::new();
        if let Some(blocks) = blocks {
            // AZ-major order: all groups of AZ 1, then AZ 2, ...
            for (az_index, az) in azs.iter().enumerate() {
                for (g_index, g) in groups.iter().enumerate() {
                    let block = blocks[g_index][az_index];
                    let sub_id = format!("{}Subnet{}", g.name, az_index + 1);
                    let scope = Node::new(&node, &sub_id);
                    let scope_path = scope.path();
                    let subnet = l1::Subnet::new(
                        &scope,
                        "Subnet",
                        l1::SubnetProps::new(resource.vpc_id())
                            .cidr_block(block.to_string())
                            .availability_zone(az.clone())
                            .map_public_ip_on_launch(false)
                            .tags(vec![
                                l1::subnet::Tag::new("Name", scope_path.as_str()),
                                l1::subnet::Tag::new("stackdef:subnet-type", g.subnet_type.label()),
                            ]),
                    );
                    if az.as_literal().is_some() {
                        // Concrete AZ names are deliberate (the stack's region is known
                        // and the layout is pinned); tell cfn-lint not to warn about them.
                        subnet.add_metadata(
                            "cfn-lint",
                            serde_json::json!({"config": {"ignore_checks": ["W3010"]}}),
                        );
                    }
                    let rt = l1::RouteTable::new(
                        &scope,
                        "RouteTable",
                        l1::RouteTableProps::new(resource.vpc_id())
                            .tags(vec![l1::route_table::Tag::new("Name", scope_path.as_str())]),
                    );
                    let assoc = l1::SubnetRouteTableAssociation::new(
                        &scope,
                        "RouteTableAssociation",
                        l1::SubnetRouteTableAssociationProps::new(
                            rt.route_table_id(),
                            subnet.subnet_id(),
                        ),
                    );
                    match g.subnet_type {
                        SubnetType::Public => {
                            if let Some((gw, attach)) = &igw {
                                let route = l1::Route::new(
                                    &scope,
                                    "DefaultRoute",
                                    l1::RouteProps::new(rt.route_table_id())
                                        .destination_cidr_block("0.0.0.0/0")
                                        .gateway_id(gw.internet_gateway_id().cast::<String>()),
                                );
                                route.add_depends_on(attach);
                                internet_dependencies.push(route.cfn().clone());
                            }
                            if nats.len() < nat_count && nats.len() == az_index {
                                let eip = l1::Eip::new(
                                    &scope,
                                    "EIP",
                                    l1::EipProps::new()
                                        .domain("vpc")
                                        .tags(vec![l1::eip::Tag::new("Name", scope_path.as_str())]),
                                );
                                let nat = l1::NatGateway::new(
                                    &scope,
                                    "NATGateway",
                                    l1::NatGatewayProps::new()
                                        .subnet_id(subnet.subnet_id())
                                        .allocation_id(eip.attr_allocation_id())
                                        .tags(vec![l1::nat_gateway::Tag::new(
                                            "Name",
                                            scope_path.as_str(),
                                        )]),
                                );
                                // The NAT gateway is only useful once its subnet routes out.
                                nat.add_depends_on(&assoc);
                                nats.push(nat);
                            }
                        }
                        SubnetType::PrivateWithEgress => {
                            private_routes.push((scope.clone(), rt.route_table_id(), az_index));
                        }
                        SubnetType::PrivateIsolated => {}
                    }
                    subnets.push(Subnet {
                        resource: subnet,
                        group: g.name.clone(),
                        subnet_type: g.subnet_type,
                        az_index,
                        az: az.clone(),
                        cidr: block,
                    });
                }
            }
        }
        let mut egress_dependencies: Vec<CfnResource> = Vec::new();
        if !nats.is_empty() {
            for (scope, rt, az_index) in private_routes {
                // The NAT gateway in the same AZ when there is one, else spread round-robin.
                let nat = &nats[az_index % nats.len()];
                let route = l1::Route::new(
                    &scope,
                    "DefaultRoute",
                    l1::RouteProps::new(rt)
                        .destination_cidr_block("0.0.0.0/0")
                        .nat_gateway_id(nat.nat_gateway_id()),
                );
                egress_dependencies.push(route.cfn().clone());
            }
        }

        if props.flow_logs {
            let scope = Node::new(&node, "FlowLog");
            let group = LogGroup::new(
                &scope,
                "LogGroup",
                LogGroupProps {
                    encryption_key: props.flow_logs_key.clone(),
                    ..LogGroupProps::default()
                },
            );
            let role = Role::new(
                &scope,
                "Role",
                RoleProps::new(ServicePrincipal::new("vpc-flow-logs.amazonaws.com")),
            );
            role.add_to_policy(PolicyStatement::allow(
                [
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ],
                [group.arn()],
            ));
            l1::FlowLog::new(
                &scope,
                "FlowLog",
                l1::FlowLogProps::new(
                    resource.vpc_id().cast::<String>(),
                    l1::flow_log::ResourceType::Vpc,
                )
                .traffic_type(l1::flow_log::TrafficType::All)
                .log_destination_type(l1::flow_log::LogDestinationType::CloudWatchLogs)
                .log_group_name(group.name())
                .deliver_logs_permission_arn(role.arn().cast::<String>())
                .tags(vec![l1::flow_log::Tag::new("Name", path.as_str())]),
            );
        }

        Vpc {
            node,
            inner: Rc::new(VpcInner {
                resource,
                cidr,
                cidr_text: props.cidr,
                subnets,
                azs,
                nat_gateways: nats.len(),
                internet_dependencies,
                egress_dependencies,
            }),
        }
    }

    /// `Ref` of the VPC.
    pub fn vpc_id(&self) -> Value<VpcId> {
        self.inner.resource.vpc_id()
    }

    /// The VPC's block as written in the props.
    pub fn cidr(&self) -> &str {
        &self.inner.cidr_text
    }

    /// The parsed VPC block, if valid.
    pub fn ipv4_cidr(&self) -> Option<Ipv4Cidr> {
        self.inner.cidr
    }

    /// All subnets, AZ by AZ.
    pub fn subnets(&self) -> &[Subnet] {
        &self.inner.subnets
    }

    /// The availability zones used.
    pub fn availability_zones(&self) -> &[Value<String>] {
        &self.inner.azs
    }

    /// How many NAT gateways were created.
    pub fn nat_gateway_count(&self) -> usize {
        self.inner.nat_gateways
    }

    /// The subnets `selection` names (possibly none; the caller reports that).
    pub fn select_subnets(&self, selection: SubnetSelection) -> SelectedSubnets {
        let subnets: Vec<Subnet> = match &selection {
            SubnetSelection::Type(t) => self
                .inner
                .subnets
                .iter()
                .filter(|s| s.subnet_type == *t)
                .cloned()
                .collect(),
            SubnetSelection::Group(name) => self
                .inner
                .subnets
                .iter()
                .filter(|s| &s.group == name)
                .cloned()
                .collect(),
            SubnetSelection::Private => {
                let egress: Vec<Subnet> = self
                    .inner
                    .subnets
                    .iter()
                    .filter(|s| s.subnet_type == SubnetType::PrivateWithEgress)
                    .cloned()
                    .collect();
                if egress.is_empty() {
                    self.inner
                        .subnets
                        .iter()
                        .filter(|s| s.subnet_type == SubnetType::PrivateIsolated)
                        .cloned()
                        .collect()
                } else {
                    egress
                }
            }
        };
        let internet_dependencies = if subnets.iter().any(|s| s.subnet_type == SubnetType::Public) {
            self.inner.internet_dependencies.clone()
        } else if subnets
            .iter()
            .any(|s| s.subnet_type == SubnetType::PrivateWithEgress)
        {
            self.inner.egress_dependencies.clone()
        } else {
            Vec::new()
        };
        SelectedSubnets {
            subnets,
            internet_dependencies,
        }
    }
}

/// Plans every group's blocks (`[group][az]`), reporting problems on `node`.
fn plan_blocks(
    node: &Node,
    vpc: Ipv4Cidr,
    groups: &[SubnetConfig],
    az_count: usize,
) -> Option<Vec<Vec<Ipv4Cidr>>> {
    let mut ok = true;
    let mut explicit: Vec<(String, Ipv4Cidr)> = Vec::new();
    for g in groups {
        if !(16..=28).contains(&g.cidr_mask) && g.cidr_blocks.is_empty() {
            node.report_message(format!(
                "subnet group `{}` has cidr_mask /{}; AWS subnets are /16 to /28",
                g.name, g.cidr_mask
            ));
            ok = false;
        }
        if g.cidr_blocks.is_empty() {
            continue;
        }
        if g.cidr_blocks.len() != az_count {
            node.report_message(format!(
                "subnet group `{}` lists {} cidr_blocks for {az_count} availability zone(s); give one per AZ",
                g.name,
                g.cidr_blocks.len()
            ));
            ok = false;
        }
        for b in &g.cidr_blocks {
            match b.parse::<Ipv4Cidr>() {
                Ok(c) if !vpc.contains(c) => {
                    node.report_message(format!(
                        "subnet {c} of group `{}` is outside the VPC block {vpc}",
                        g.name
                    ));
                    ok = false;
                }
                Ok(c) if !(16..=28).contains(&c.prefix()) => {
                    node.report_message(format!(
                        "subnet {c} of group `{}` is a /{}; AWS subnets are /16 to /28",
                        g.name,
                        c.prefix()
                    ));
                    ok = false;
                }
                Ok(c) => {
                    if let Some((other, o)) = explicit.iter().find(|(_, o)| o.overlaps(c)) {
                        node.report_message(format!(
                            "subnet {c} of group `{}` overlaps {o} of group `{other}`",
                            g.name
                        ));
                        ok = false;
                    }
                    explicit.push((g.name.clone(), c));
                }
                Err(e) => {
                    node.report_message(format!("subnet group `{}`: {e}", g.name));
                    ok = false;
                }
            }
        }
    }
    if !ok {
        return None;
    }
    let taken: Vec<Ipv4Cidr> = explicit.iter().map(|(_, c)| *c).collect();
    let mut masks = Vec::new();
    for _ in 0..az_count {
        for g in groups {
            if g.cidr_blocks.is_empty() {
                masks.push(g.cidr_mask);
            }
        }
    }
    let planned = match cidr::allocate(vpc, &masks, &taken) {
        Ok(p) => p,
        Err(e) => {
            node.report_message(e);
            return None;
        }
    };
    let mut planned = planned.into_iter();
    let mut out = vec![Vec::with_capacity(az_count); groups.len()];
    for az in 0..az_count {
        for (gi, g) in groups.iter().enumerate() {
            let block = if g.cidr_blocks.is_empty() {
                planned.next()?
            } else {
                g.cidr_blocks.get(az)?.parse().ok()?
            };
            out[gi].push(block);
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Ports, peers, security groups, connections

/// An IP protocol for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Every protocol.
    All,
}

/// A protocol and port range for a security group rule.
///
/// Ports are `u16`, so a port above 65535 does not compile:
///
/// ```compile_fail
/// let port = stackdef::ec2::Port::tcp(70000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port {
    protocol: Protocol,
    from: u16,
    to: u16,
}

impl Port {
    /// One TCP port (1 to 65535; 0 is reported at synth where used).
    pub const fn tcp(port: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from: port,
            to: port,
        }
    }

    /// A TCP range `from..=to`.
    pub const fn tcp_range(from: u16, to: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from,
            to,
        }
    }

    /// One UDP port.
    pub const fn udp(port: u16) -> Port {
        Port {
            protocol: Protocol::Udp,
            from: port,
            to: port,
        }
    }

    /// Every TCP port.
    pub const fn all_tcp() -> Port {
        Port::tcp_range(1, 65535)
    }

    /// Every protocol and port.
    pub const fn all_traffic() -> Port {
        Port {
            protocol: Protocol::All,
            from: 0,
            to: 65535,
        }
    }

    /// The protocol.
    pub fn protocol(self) -> Protocol {
        self.protocol
    }

    /// First port.
    pub fn from_port(self) -> u16 {
        self.from
    }

    /// Last port.
    pub fn to_port(self) -> u16 {
        self.to
    }

    /// Why this port is invalid, if it is.
    pub fn check(self) -> Option<String> {
        if self.protocol == Protocol::All {
            return None;
        }
        if self.from == 0 || self.to == 0 {
            return Some(format!("port {self} is out of range: ports are 1 to 65535"));
        }
        if self.from > self.to {
            return Some(format!(
                "port range {}-{} is reversed: the first port must not exceed the last",
                self.from, self.to
            ));
        }
        None
    }

    fn ip_protocol(self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::All => "-1",
        }
    }

    /// `FromPort`/`ToPort`, absent for all traffic.
    fn range(self) -> Option<(i64, i64)> {
        (self.protocol != Protocol::All).then(|| (i64::from(self.from), i64::from(self.to)))
    }

    fn label(self) -> String {
        match self.protocol {
            Protocol::All => "all".into(),
            p => {
                let proto = if p == Protocol::Tcp { "tcp" } else { "udp" };
                if self.from == self.to {
                    format!("{proto}{}", self.from)
                } else {
                    format!("{proto}{}-{}", self.from, self.to)
                }
            }
        }
    }
}

impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.protocol {
            Protocol::All => write!(f, "all traffic"),
            _ if self.from == self.to => write!(f, "{} {}", self.ip_protocol(), self.from),
            _ => write!(f, "{} {}-{}", self.ip_protocol(), self.from, self.to),
        }
    }
}

/// The other side of a rule written as an address block.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// An IPv4 block.
    Ipv4(String),
    /// An IPv6 block.
    Ipv6(String),
}

impl Peer {
    /// `0.0.0.0/0`.
    pub fn any_ipv4() -> Peer {
        Peer::Ipv4("0.0.0.0/0".into())
    }

    /// An IPv4 block.
    pub fn ipv4(cidr: &str) -> Peer {
        Peer::Ipv4(cidr.to_owned())
    }

    fn fields(&self) -> (&'static str, String) {
        match self {
            Peer::Ipv4(c) => ("CidrIp", c.clone()),
            Peer::Ipv6(c) => ("CidrIpv6", c.clone()),
        }
    }
}

/// Options of a [`SecurityGroup`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecurityGroupProps {
    /// `GroupDescription` (cannot be changed without replacing the group). default: the
    /// construct path.
    pub description: Option<String>,
    /// Allow all outbound traffic. default: `false` (only the egress rules the
    /// connections API adds are allowed).
    pub allow_all_outbound: bool,
}

#[derive(Debug)]
struct SgInner {
    resource: l1::SecurityGroup,
    allow_all_outbound: bool,
    rules: RefCell<HashSet<String>>,
    inline_ingress: RefCell<Vec<l1::security_group::Ingress>>,
    inline_egress: RefCell<Vec<l1::security_group::Egress>>,
}

/// A security group. Address rules are written inline; rules between groups are separate
/// `SecurityGroupIngress`/`SecurityGroupEgress` resources, so two groups that talk to each
/// other never form a reference cycle; between stacks, both rules live in the stack
/// declared later. Repeating a rule is a no-op.
#[derive(Debug, Clone, Construct)]
pub struct SecurityGroup {
    node: Node,
    inner: Rc<SgInner>,
}

impl Resource for SecurityGroup {
    fn cfn(&self) -> &CfnResource {
        self.inner.resource.cfn()
    }
}

/// The egress entry that stands for "no outbound traffic": a group without egress
/// entries gets AWS's allow-all rule, so a closed group carries this one rule to a
/// loopback address no packet ever leaves for.
fn closed_egress() -> l1::security_group::Egress {
    l1::security_group::Egress::new("-1")
        .cidr_ip("127.0.0.1/32")
        .description("No outbound traffic (replaces the default allow-all rule)")
}

impl SecurityGroup {
    /// A security group in `vpc`.
    #[track_caller]
    pub fn new(
        scope: &impl Construct,
        id: &str,
        vpc: &Vpc,
        props: SecurityGroupProps,
    ) -> SecurityGroup {
        let node = Node::new(scope, id);
        let description = props.description.unwrap_or_else(|| node.path());
        if description.len() > 255 {
            node.report_message(format!(
                "security group description is {} characters; AWS allows 255",
                description.len()
            ));
        }
        let resource = l1::SecurityGroup::new(
            &node,
            "Resource",
            l1::SecurityGroupProps::new(description)
                .vpc_id(vpc.vpc_id())
                .tags(vec![l1::security_group::Tag::new("Name", node.path())]),
        );
        let sg = SecurityGroup {
            node,
            inner: Rc::new(SgInner {
                resource,
                allow_all_outbound: props.allow_all_outbound,
                rules: RefCell::new(HashSet::new()),
                inline_ingress: RefCell::new(Vec::new()),
                inline_egress: RefCell::new(Vec::new()),
            }),
        };
        sg.write_inline();
        sg
    }

    /// `GroupId`.
    pub fn security_group_id(&self) -> Value<SecurityGroupId> {
        self.inner.resource.attr_group_id()
    }

    /// Whether all outbound traffic is allowed.
    pub fn allows_all_outbound(&self) -> bool {
        self.inner.allow_all_outbound
    }

    /// Inline rules are added after creation: rewrite both lists in place.
    fn write_inline(&self) {
        let resource = &self.inner.resource;
        let ingress = self.inner.inline_ingress.borrow();
        if ingress.is_empty() {
            resource.remove_property("SecurityGroupIngress");
        } else {
            resource.set_property(
                "SecurityGroupIngress",
                ingress.as_slice().to_vec().to_template(),
            );
        }
        let egress = self.inner.inline_egress.borrow();
        let egress = if self.inner.allow_all_outbound {
            vec![
                l1::security_group::Egress::new("-1")
                    .cidr_ip("0.0.0.0/0")
                    .description("Allow all outbound traffic"),
            ]
        } else if egress.is_empty() {
            vec![closed_egress()]
        } else {
            egress.clone()
        };
        resource.set_property("SecurityGroupEgress", egress.to_template());
    }

    fn first_use(&self, key: String) -> bool {
        self.inner.rules.borrow_mut().insert(key)
    }

    /// Allows inbound `port` from an address block (written inline).
    #[track_caller]
    pub fn add_ingress(&self, peer: Peer, port: Port, description: &str) {
        let loc = SourceLocation::caller();
        if let Some(problem) = port.check() {
            l2::report_at(&self.node, loc, problem);
            return;
        }
        let (field, cidr) = peer.fields();
        if !self.first_use(format!("in|{cidr}|{port:?}")) {
            return;
        }
        let mut rule =
            l1::security_group::Ingress::new(port.ip_protocol()).description(description);
        if let Some((from, to)) = port.range() {
            rule = rule.from_port(from).to_port(to);
        }
        rule = if field == "CidrIpv6" {
            rule.cidr_ipv6(cidr)
        } else {
            rule.cidr_ip(cidr)
        };
        self.inner.inline_ingress.borrow_mut().push(rule);
        self.write_inline();
    }

    /// Allows outbound `port` to an address block (written inline). Has no effect on a
    /// group that allows all outbound traffic.
    #[track_caller]
    pub fn add_egress(&self, peer: Peer, port: Port, description: &str) {
        let loc = SourceLocation::caller();
        if let Some(problem) = port.check() {
            l2::report_at(&self.node, loc, problem);
            return;
        }
        if self.inner.allow_all_outbound {
            return;
        }
        let (field, cidr) = peer.fields();
        if !self.first_use(format!("out|{cidr}|{port:?}")) {
            return;
        }
        let mut rule = l1::security_group::Egress::new(port.ip_protocol()).description(description);
        if let Some((from, to)) = port.range() {
            rule = rule.from_port(from).to_port(to);
        }
        rule = if field == "CidrIpv6" {
            rule.cidr_ipv6(cidr)
        } else {
            rule.cidr_ip(cidr)
        };
        self.inner.inline_egress.borrow_mut().push(rule);
        self.write_inline();
    }

    /// Ingress on this group from `source` (a separate resource under this group).
    fn ingress_from_group(&self, source: &SecurityGroup, port: Port) {
        if !self.first_use(format!("in|sg:{}|{port:?}", source.node.path())) {
            return;
        }
        let mut props = l1::SecurityGroupIngressProps::new(port.ip_protocol())
            .group_id(self.security_group_id())
            .source_security_group_id(source.security_group_id())
            .description(format!("{port} from {}", source.node.path()));
        if let Some((from, to)) = port.range() {
            props = props.from_port(from).to_port(to);
        }
        let (scope, id) = rule_scope(self, source, "From", port);
        l1::SecurityGroupIngress::new(&scope, &id, props);
    }

    /// Egress on this group to `destination` (a separate resource under this group).
    fn egress_to_group(&self, destination: &SecurityGroup, port: Port) {
        if self.inner.allow_all_outbound {
            return;
        }
        if !self.first_use(format!("out|sg:{}|{port:?}", destination.node.path())) {
            return;
        }
        let mut props =
            l1::SecurityGroupEgressProps::new(self.security_group_id(), port.ip_protocol())
                .destination_security_group_id(destination.security_group_id())
                .description(format!("{port} to {}", destination.node.path()));
        if let Some((from, to)) = port.range() {
            props = props.from_port(from).to_port(to);
        }
        let (scope, id) = rule_scope(self, destination, "To", port);
        l1::SecurityGroupEgress::new(&scope, &id, props);
    }
}

/// Where a rule on `owner` about `peer` lives, and its id. In one stack: under `owner`.
/// Across stacks: under whichever group's stack was declared later (that stack already
/// depends on the earlier one through the VPC), so the rules never make the two stacks
/// depend on each other.
fn rule_scope(
    owner: &SecurityGroup,
    peer: &SecurityGroup,
    dir: &str,
    port: Port,
) -> (Node, String) {
    if owner.node.stack >= peer.node.stack {
        let id = if owner.node.stack == peer.node.stack {
            format!("{dir}{}{}", rule_label(peer), port.label())
        } else {
            format!(
                "{dir}{}{}{}",
                peer.node.stack().name(),
                rule_label(peer),
                port.label()
            )
        };
        (owner.node.clone(), id)
    } else {
        let id = format!(
            "{dir}Rule{}{}{}{}",
            owner.node.stack().name(),
            rule_label(owner),
            rule_label(peer),
            port.label()
        );
        (peer.node.clone(), id)
    }
}

fn rule_label(sg: &SecurityGroup) -> String {
    // The path below the stack, as one construct id (no `/`).
    let path = sg.node.path();
    let below = path.split_once('/').map_or(path.as_str(), |(_, rest)| rest);
    l2::id_part(below)
}

/// The security groups of a construct and its default port, if it has one.
#[derive(Debug, Clone)]
pub struct Connections {
    security_groups: Vec<SecurityGroup>,
}

impl Connections {
    /// Connections made of these groups.
    pub fn new(security_groups: Vec<SecurityGroup>) -> Self {
        Connections { security_groups }
    }

    /// The groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }
}

/// Which way traffic flows between `mine` and `theirs` in [`link_groups`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// From theirs into mine.
    Inbound,
    /// From mine out to theirs.
    Outbound,
}

/// Writes the ingress rule on the receiving groups and the egress rule on the sending ones
/// for `port`; a bad port is reported on `mine` at the user's line `loc`.
fn link_groups(
    mine: &Connections,
    theirs: &Connections,
    port: Port,
    direction: Direction,
    loc: SourceLocation,
) {
    if let Some(problem) = port.check() {
        if let Some(sg) = mine.security_groups.first() {
            l2::report_at(&sg.node, loc, problem);
        }
        return;
    }
    for m in &mine.security_groups {
        for t in &theirs.security_groups {
            let (to, from) = match direction {
                Direction::Inbound => (m, t),
                Direction::Outbound => (t, m),
            };
            to.ingress_from_group(from, port);
            from.egress_to_group(to, port);
        }
    }
}

/// Something with security groups that traffic can be allowed to and from.
///
/// `a.allow_from(&b, port)` writes an ingress rule on `a`'s groups from `b`'s groups and,
/// where `b`'s outbound traffic is restricted, the matching egress rule on `b`.
pub trait Connectable {
    /// The construct's security groups.
    fn connections(&self) -> Connections;

    /// Allows `port` from `other` into this construct.
    #[track_caller]
    fn allow_from(&self, other: &impl Connectable, port: Port)
    where
        Self: Sized,
    {
        let loc = SourceLocation::caller();
        link_groups(
            &self.connections(),
            &other.connections(),
            port,
            Direction::Inbound,
            loc,
        );
    }

    /// Allows `port` from this construct to `other`.
    #[track_caller]
    fn allow_to(&self, other: &impl Connectable, port: Port)
    where
        Self: Sized,
    {
        let loc = SourceLocation::caller();
        link_groups(
            &self.connections(),
            &other.connections(),
            port,
            Direction::Outbound,
            loc,
        );
    }

    /// Allows `port` from any IPv4 address (`0.0.0.0/0`).
    #[track_caller]
    fn allow_from_any_ipv4(&self, port: Port) {
        for sg in self.connections().security_groups {
            sg.add_ingress(Peer::any_ipv4(), port, &format!("{port} from anywhere"));
        }
    }

    /// Allows `port` from an IPv4 block.
    #[track_caller]
    fn allow_from_cidr(&self, cidr: &str, port: Port) {
        for sg in self.connections().security_groups {
            sg.add_ingress(Peer::ipv4(cidr), port, &format!("{port} from {cidr}"));
        }
    }

    /// Allows `port` from this construct to an IPv4 block.
    #[track_caller]
    fn allow_to_cidr(&self, cidr: &str, port: Port) {
        for sg in self.connections().security_groups {
            sg.add_egress(Peer::ipv4(cidr), port, &format!("{port} to {cidr}"));
        }
    }
}

/// A [`Connectable`] with a well-known port (a database's listener), so callers can allow
/// access without repeating the number.
pub trait HasDefaultPort: Connectable {
    /// The port clients connect to.
    fn default_port(&self) -> Port;

    /// Allows `other` to reach this construct on its default port.
    #[track_caller]
    fn allow_default_port_from(&self, other: &impl Connectable)
    where
        Self: Sized,
    {
        self.allow_from(other, self.default_port());
    }
}

impl Connectable for SecurityGroup {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.clone()])
    }
}

impl Connectable for Connections {
    fn connections(&self) -> Connections {
        self.clone()
    }
}
