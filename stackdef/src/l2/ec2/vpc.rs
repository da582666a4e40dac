//! [`Vpc`]: subnets, route tables, routes, internet and NAT gateways and flow logs, derived
//! from a few choices.

use std::collections::HashSet;
use std::rc::Rc;

use super::cidr::{self, Ipv4Cidr};
use super::subnet::{SelectedSubnets, Subnet, SubnetConfig, SubnetSelection, SubnetType};
use crate::cfn::ec2 as l1;
use crate::fns;
use crate::iam::{PolicyStatement, Role, RoleProps, ServicePrincipal};
use crate::kms::Key;
use crate::logs::{LogGroup, LogGroupProps};
use crate::resource::{CfnResource, Resource};
use crate::value::{RouteTableId, Value, VpcId};
use crate::{Construct, Node};

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

#[derive(Debug)]
struct VpcInner {
    resource: l1::Vpc,
    cidr: Option<Ipv4Cidr>,
    cidr_text: String,
    subnets: Vec<Subnet>,
    azs: Vec<Value<String>>,
    max_azs: u32,
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

/// The internet gateway and its attachment.
struct InternetGateway {
    gateway: l1::InternetGateway,
    attachment: l1::VpcGatewayAttachment,
}

/// What building the subnets produced.
#[derive(Default)]
struct Built {
    subnets: Vec<Subnet>,
    nats: Vec<l1::NatGateway>,
    /// Private subnets with egress: their scope, route table and AZ, routed once every
    /// NAT gateway exists.
    private_routes: Vec<(Node, Value<RouteTableId>, usize)>,
    internet_dependencies: Vec<CfnResource>,
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
        let cidr = vpc_block(&node, &props.cidr);
        let azs = availability_zones(&node, &props);
        let nat_count = props.nat_gateways as usize;
        let groups = subnet_groups(&props);
        check_layout(&node, &groups, nat_count, azs.len());
        let blocks = cidr.and_then(|c| plan_blocks(&node, c, &groups, azs.len()));

        let has_public = groups.iter().any(|g| g.subnet_type == SubnetType::Public);
        let igw = has_public.then(|| internet_gateway(&node, &resource, &path));
        let mut built = Built::default();
        if let Some(igw) = &igw {
            built
                .internet_dependencies
                .push(igw.attachment.cfn().clone());
        }
        if let Some(blocks) = blocks {
            // AZ-major order: all groups of AZ 1, then AZ 2, ...
            for (az_index, az) in azs.iter().enumerate() {
                for (g_index, g) in groups.iter().enumerate() {
                    subnet_with_routes(
                        &node,
                        &resource,
                        g,
                        (az_index, az),
                        blocks[g_index][az_index],
                        igw.as_ref(),
                        nat_count,
                        &mut built,
                    );
                }
            }
        }
        let egress_dependencies = private_routes(&built);
        if props.flow_logs {
            flow_log(&node, &resource, &path, props.flow_logs_key.clone());
        }

        Vpc {
            node,
            inner: Rc::new(VpcInner {
                resource,
                cidr,
                cidr_text: props.cidr,
                subnets: built.subnets,
                azs,
                max_azs: props.max_azs,
                nat_gateways: built.nats.len(),
                internet_dependencies: built.internet_dependencies,
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

    /// `max_azs` as given (for messages that explain a single-AZ selection).
    pub fn max_azs(&self) -> u32 {
        self.inner.max_azs
    }

    /// How many NAT gateways were created.
    pub fn nat_gateway_count(&self) -> usize {
        self.inner.nat_gateways
    }

    /// The subnets `selection` names (possibly none; the caller reports that).
    pub fn select_subnets(&self, selection: SubnetSelection) -> SelectedSubnets {
        let of_type = |t: SubnetType| -> Vec<Subnet> {
            self.inner
                .subnets
                .iter()
                .filter(|s| s.subnet_type == t)
                .cloned()
                .collect()
        };
        let subnets: Vec<Subnet> = match &selection {
            SubnetSelection::Type(t) => of_type(*t),
            SubnetSelection::Group(name) => self
                .inner
                .subnets
                .iter()
                .filter(|s| &s.group == name)
                .cloned()
                .collect(),
            SubnetSelection::Private => {
                let egress = of_type(SubnetType::PrivateWithEgress);
                if egress.is_empty() {
                    of_type(SubnetType::PrivateIsolated)
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

    /// Why `selected` (from `selection`) spans fewer than `needed` availability zones,
    /// naming the setting that caused it; `None` when it spans enough.
    pub fn explain_az_shortfall(
        &self,
        selection: &SubnetSelection,
        selected: &SelectedSubnets,
        needed: usize,
    ) -> Option<String> {
        let got = selected.az_count();
        if got >= needed {
            return None;
        }
        let cause = if self.inner.azs.len() < needed {
            format!(
                "the VPC {} spans {} availability zone(s) (max_azs: {}); set max_azs: {needed} or more",
                self.node.path(),
                self.inner.azs.len(),
                self.inner.max_azs
            )
        } else {
            format!("choose subnets that span {needed} or more")
        };
        Some(format!("{selection:?} gives {got}; {cause}"))
    }
}

/// The VPC block, parsed and checked (a /16 to a /28).
fn vpc_block(node: &Node, text: &str) -> Option<Ipv4Cidr> {
    match text.parse::<Ipv4Cidr>() {
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
    }
}

/// The zones subnets go to: the ones named, `<region>a`, `<region>b`, ... when the stack's
/// region is known, `Fn::GetAZs` otherwise.
fn availability_zones(node: &Node, props: &VpcProps) -> Vec<Value<String>> {
    let count = props.max_azs.max(1);
    let azs = if !props.availability_zones.is_empty() {
        props
            .availability_zones
            .iter()
            .take(count as usize)
            .map(|a| Value::literal(a.clone()))
            .collect()
    } else {
        let region = node.stack().region();
        (0..count)
            .map(|i| match &region {
                Some(r) if i < 26 => Value::literal(format!("{r}{}", (b'a' + i as u8) as char)),
                _ => fns::select(i, fns::get_azs()),
            })
            .collect()
    };
    if props.max_azs == 0 {
        node.report_message("max_azs is 0; a VPC needs at least one availability zone");
    }
    azs
}

/// The subnet groups: the props' own, or public + private.
fn subnet_groups(props: &VpcProps) -> Vec<SubnetConfig> {
    if !props.subnets.is_empty() {
        return props.subnets.clone();
    }
    let private = if props.nat_gateways > 0 {
        SubnetType::PrivateWithEgress
    } else {
        SubnetType::PrivateIsolated
    };
    vec![
        SubnetConfig::new("Public", SubnetType::Public, 20),
        SubnetConfig::new("Private", private, 20),
    ]
}

/// Reports groups and NAT settings that cannot work together.
fn check_layout(node: &Node, groups: &[SubnetConfig], nat_count: usize, az_count: usize) {
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
    if nat_count > az_count {
        node.report_message(format!(
            "nat_gateways is {nat_count} but the VPC spans {az_count} availability zone(s); at most one NAT gateway per AZ is placed"
        ));
    }
    let mut seen_names = HashSet::new();
    for g in groups {
        if !seen_names.insert(g.name.clone()) {
            node.report_message(format!("two subnet groups are named `{}`", g.name));
        }
    }
}

fn internet_gateway(node: &Node, vpc: &l1::Vpc, path: &str) -> InternetGateway {
    let gateway = l1::InternetGateway::new(
        node,
        "IGW",
        l1::InternetGatewayProps::new().tags(vec![l1::internet_gateway::Tag::new("Name", path)]),
    );
    let attachment = l1::VpcGatewayAttachment::new(
        node,
        "VPCGW",
        l1::VpcGatewayAttachmentProps::new(vpc.vpc_id())
            .internet_gateway_id(gateway.internet_gateway_id()),
    );
    InternetGateway {
        gateway,
        attachment,
    }
}

/// One subnet of group `g` in one AZ, with its route table and (for public subnets) the
/// default route and the AZ's NAT gateway.
#[allow(clippy::too_many_arguments)]
fn subnet_with_routes(
    node: &Node,
    vpc: &l1::Vpc,
    g: &SubnetConfig,
    (az_index, az): (usize, &Value<String>),
    block: Ipv4Cidr,
    igw: Option<&InternetGateway>,
    nat_count: usize,
    built: &mut Built,
) {
    let scope = Node::new(node, &format!("{}Subnet{}", g.name, az_index + 1));
    let scope_path = scope.path();
    let subnet = l1::Subnet::new(
        &scope,
        "Subnet",
        l1::SubnetProps::new(vpc.vpc_id())
            .cidr_block(block.to_string())
            .availability_zone(az.clone())
            .map_public_ip_on_launch(false)
            .tags(vec![
                l1::subnet::Tag::new("Name", scope_path.as_str()),
                l1::subnet::Tag::new("stackdef:subnet-type", g.subnet_type.label()),
            ]),
    );
    if az.as_literal().is_some() {
        // Concrete AZ names are deliberate (the stack's region is known and the layout is
        // pinned); tell cfn-lint not to warn about them.
        subnet.add_metadata(
            "cfn-lint",
            serde_json::json!({"config": {"ignore_checks": ["W3010"]}}),
        );
    }
    let rt = l1::RouteTable::new(
        &scope,
        "RouteTable",
        l1::RouteTableProps::new(vpc.vpc_id())
            .tags(vec![l1::route_table::Tag::new("Name", scope_path.as_str())]),
    );
    let assoc = l1::SubnetRouteTableAssociation::new(
        &scope,
        "RouteTableAssociation",
        l1::SubnetRouteTableAssociationProps::new(rt.route_table_id(), subnet.subnet_id()),
    );
    match g.subnet_type {
        SubnetType::Public => {
            if let Some(igw) = igw {
                let route = l1::Route::new(
                    &scope,
                    "DefaultRoute",
                    l1::RouteProps::new(rt.route_table_id())
                        .destination_cidr_block("0.0.0.0/0")
                        .gateway_id(igw.gateway.internet_gateway_id()),
                );
                route.add_depends_on(&igw.attachment);
                built.internet_dependencies.push(route.cfn().clone());
            }
            if built.nats.len() < nat_count && built.nats.len() == az_index {
                built
                    .nats
                    .push(nat_gateway(&scope, &scope_path, &subnet, &assoc));
            }
        }
        SubnetType::PrivateWithEgress => {
            built
                .private_routes
                .push((scope.clone(), rt.route_table_id(), az_index));
        }
        SubnetType::PrivateIsolated => {}
    }
    built.subnets.push(Subnet {
        resource: subnet,
        group: g.name.clone(),
        subnet_type: g.subnet_type,
        az_index,
        az: az.clone(),
        cidr: block,
    });
}

/// A NAT gateway with its Elastic IP in a public subnet.
fn nat_gateway(
    scope: &Node,
    scope_path: &str,
    subnet: &l1::Subnet,
    assoc: &l1::SubnetRouteTableAssociation,
) -> l1::NatGateway {
    let eip = l1::Eip::new(
        scope,
        "EIP",
        l1::EipProps::new()
            .domain("vpc")
            .tags(vec![l1::eip::Tag::new("Name", scope_path)]),
    );
    let nat = l1::NatGateway::new(
        scope,
        "NATGateway",
        l1::NatGatewayProps::new()
            .subnet_id(subnet.subnet_id())
            .allocation_id(eip.attr_allocation_id())
            .tags(vec![l1::nat_gateway::Tag::new("Name", scope_path)]),
    );
    // The NAT gateway is only useful once its subnet routes out.
    nat.add_depends_on(assoc);
    nat
}

/// The private subnets' default routes through the NAT gateways; returns the routes (what
/// anything in those subnets must wait for to reach the internet).
fn private_routes(built: &Built) -> Vec<CfnResource> {
    if built.nats.is_empty() {
        return Vec::new();
    }
    built
        .private_routes
        .iter()
        .map(|(scope, rt, az_index)| {
            // The NAT gateway in the same AZ when there is one, else spread round-robin.
            let nat = &built.nats[az_index % built.nats.len()];
            let route = l1::Route::new(
                scope,
                "DefaultRoute",
                l1::RouteProps::new(rt.clone())
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id(nat.nat_gateway_id()),
            );
            route.cfn().clone()
        })
        .collect()
}

/// Flow logs of every packet decision into a log group, delivered by a role that can write
/// only there.
fn flow_log(node: &Node, vpc: &l1::Vpc, path: &str, key: Option<Key>) {
    let scope = Node::new(node, "FlowLog");
    let group = LogGroup::new(
        &scope,
        "LogGroup",
        LogGroupProps {
            encryption_key: key,
            ..LogGroupProps::default()
        },
    );
    let role = Role::new(
        &scope,
        "Role",
        RoleProps::new(ServicePrincipal::vpc_flow_logs()),
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
        l1::FlowLogProps::new(vpc.vpc_id(), l1::flow_log::ResourceType::Vpc)
            .traffic_type(l1::flow_log::TrafficType::All)
            .log_destination_type(l1::flow_log::LogDestinationType::CloudWatchLogs)
            .log_group_name(group.name())
            .deliver_logs_permission_arn(role.arn())
            .tags(vec![l1::flow_log::Tag::new("Name", path)]),
    );
}

/// Plans every group's blocks (`[group][az]`), reporting problems on `node`.
fn plan_blocks(
    node: &Node,
    vpc: Ipv4Cidr,
    groups: &[SubnetConfig],
    az_count: usize,
) -> Option<Vec<Vec<Ipv4Cidr>>> {
    let explicit = explicit_blocks(node, vpc, groups, az_count)?;
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
            node.report_message(e.to_string());
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

/// The groups' explicit blocks, checked (inside the VPC, /16 to /28, no overlaps, one per
/// AZ); `None` when any is wrong (each problem reported on `node`).
fn explicit_blocks(
    node: &Node,
    vpc: Ipv4Cidr,
    groups: &[SubnetConfig],
    az_count: usize,
) -> Option<Vec<(String, Ipv4Cidr)>> {
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
    ok.then_some(explicit)
}
