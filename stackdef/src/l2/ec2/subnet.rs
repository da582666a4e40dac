//! Subnets of a [`Vpc`](super::Vpc): their kinds, groups and selections.

use std::collections::HashSet;

use super::cidr::Ipv4Cidr;
use crate::cfn::ec2 as l1;
use crate::resource::{CfnResource, Resource};
use crate::value::{SubnetId, Value};
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
    pub(crate) fn label(self) -> &'static str {
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

/// One subnet of a [`Vpc`](super::Vpc).
#[derive(Debug, Clone)]
pub struct Subnet {
    pub(crate) resource: l1::Subnet,
    pub(crate) group: String,
    pub(crate) subnet_type: SubnetType,
    pub(crate) az_index: usize,
    pub(crate) az: Value<String>,
    pub(crate) cidr: Ipv4Cidr,
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

/// The result of [`Vpc::select_subnets`](super::Vpc::select_subnets).
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

    /// Whether every subnet is public.
    pub fn all_public(&self) -> bool {
        !self.subnets.is_empty()
            && self
                .subnets
                .iter()
                .all(|s| s.subnet_type == SubnetType::Public)
    }
}
