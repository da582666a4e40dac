//! [`SecurityGroup`]: address rules inline, rules between groups as their own resources.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use stackdef_synth::SourceLocation;

use super::peer::Peer;
use super::port::Port;
use super::vpc::Vpc;
use crate::cfn::ec2 as l1;
use crate::l2::support::id_part;
use crate::resource::{CfnResource, Resource};
use crate::value::{SecurityGroupId, Value};
use crate::{Construct, Node};

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

fn allow_all_egress() -> l1::security_group::Egress {
    l1::security_group::Egress::new("-1")
        .cidr_ip("0.0.0.0/0")
        .description("Allow all outbound traffic")
}

/// Which way a rule lets traffic through a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Into the group.
    Ingress,
    /// Out of the group.
    Egress,
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
        let egress = if props.allow_all_outbound {
            allow_all_egress()
        } else {
            closed_egress()
        };
        let resource = l1::SecurityGroup::new(
            &node,
            "Resource",
            l1::SecurityGroupProps::new(description)
                .vpc_id(vpc.vpc_id())
                .tags(vec![l1::security_group::Tag::new("Name", node.path())]),
        );
        // Written after the others (as every later rule list is), which keeps the
        // property order of templates synthesized before.
        resource.set_security_group_egress(vec![egress]);
        SecurityGroup {
            node,
            inner: Rc::new(SgInner {
                resource,
                allow_all_outbound: props.allow_all_outbound,
                rules: RefCell::new(HashSet::new()),
                inline_ingress: RefCell::new(Vec::new()),
                inline_egress: RefCell::new(Vec::new()),
            }),
        }
    }

    /// `GroupId`.
    pub fn security_group_id(&self) -> Value<SecurityGroupId> {
        self.inner.resource.attr_group_id()
    }

    /// Whether all outbound traffic is allowed.
    pub fn allows_all_outbound(&self) -> bool {
        self.inner.allow_all_outbound
    }

    fn first_use(&self, key: String) -> bool {
        self.inner.rules.borrow_mut().insert(key)
    }

    /// Allows inbound `port` from `peer` (written inline).
    #[track_caller]
    pub fn add_ingress(&self, peer: Peer, port: Port, description: &str) {
        self.add_address_rule(
            Direction::Ingress,
            peer,
            port,
            description,
            SourceLocation::caller(),
        );
    }

    /// Allows outbound `port` to `peer` (written inline). Has no effect on a group that
    /// allows all outbound traffic.
    #[track_caller]
    pub fn add_egress(&self, peer: Peer, port: Port, description: &str) {
        self.add_address_rule(
            Direction::Egress,
            peer,
            port,
            description,
            SourceLocation::caller(),
        );
    }

    /// One inline rule; problems are reported at the user's line `loc`.
    pub(crate) fn add_address_rule(
        &self,
        direction: Direction,
        peer: Peer,
        port: Port,
        description: &str,
        loc: SourceLocation,
    ) {
        if let Some(problem) = port.check().or_else(|| peer.check()) {
            self.node.report_message_at(loc, problem);
            return;
        }
        if direction == Direction::Egress && self.inner.allow_all_outbound {
            return;
        }
        let tag = if direction == Direction::Ingress {
            "in"
        } else {
            "out"
        };
        if !self.first_use(format!("{tag}|{}|{port:?}", peer.key())) {
            return;
        }
        let resource = &self.inner.resource;
        match direction {
            Direction::Ingress => {
                let mut rule =
                    l1::security_group::Ingress::new(port.ip_protocol()).description(description);
                if let Some((from, to)) = port.range() {
                    rule = rule.from_port(from).to_port(to);
                }
                rule = match peer {
                    Peer::Ipv4(c) => rule.cidr_ip(c),
                    Peer::Ipv6(c) => rule.cidr_ipv6(c),
                    Peer::PrefixList(id) => rule.source_prefix_list_id(id),
                    Peer::SecurityGroup(id) => rule.source_security_group_id(id),
                };
                let mut all = self.inner.inline_ingress.borrow_mut();
                all.push(rule);
                // Rules are added after creation: the list is written again, whole.
                resource.set_security_group_ingress(all.clone());
                resource.locate_property(&format!("SecurityGroupIngress[{}]", all.len() - 1), loc);
            }
            Direction::Egress => {
                let mut rule =
                    l1::security_group::Egress::new(port.ip_protocol()).description(description);
                if let Some((from, to)) = port.range() {
                    rule = rule.from_port(from).to_port(to);
                }
                rule = match peer {
                    Peer::Ipv4(c) => rule.cidr_ip(c),
                    Peer::Ipv6(c) => rule.cidr_ipv6(c),
                    Peer::PrefixList(id) => rule.destination_prefix_list_id(id),
                    Peer::SecurityGroup(id) => rule.destination_security_group_id(id),
                };
                let mut all = self.inner.inline_egress.borrow_mut();
                all.push(rule);
                resource.set_security_group_egress(all.clone());
                resource.locate_property(&format!("SecurityGroupEgress[{}]", all.len() - 1), loc);
            }
        }
    }

    /// A rule between this group and `peer`: ingress on this group from `peer`, or egress
    /// from this group to `peer` (a separate resource, so groups can name each other).
    pub(crate) fn add_group_rule(&self, direction: Direction, peer: &SecurityGroup, port: Port) {
        if direction == Direction::Egress && self.inner.allow_all_outbound {
            return;
        }
        let (tag, id_dir) = match direction {
            Direction::Ingress => ("in", "From"),
            Direction::Egress => ("out", "To"),
        };
        if !self.first_use(format!("{tag}|sg:{}|{port:?}", peer.node.path())) {
            return;
        }
        let (scope, id) = rule_scope(self, peer, id_dir, port);
        match direction {
            Direction::Ingress => {
                let mut props = l1::SecurityGroupIngressProps::new(port.ip_protocol())
                    .group_id(self.security_group_id())
                    .source_security_group_id(peer.security_group_id())
                    .description(format!("{port} from {}", peer.node.path()));
                if let Some((from, to)) = port.range() {
                    props = props.from_port(from).to_port(to);
                }
                l1::SecurityGroupIngress::new(&scope, &id, props);
            }
            Direction::Egress => {
                let mut props =
                    l1::SecurityGroupEgressProps::new(self.security_group_id(), port.ip_protocol())
                        .destination_security_group_id(peer.security_group_id())
                        .description(format!("{port} to {}", peer.node.path()));
                if let Some((from, to)) = port.range() {
                    props = props.from_port(from).to_port(to);
                }
                l1::SecurityGroupEgress::new(&scope, &id, props);
            }
        }
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
    id_part(below)
}
