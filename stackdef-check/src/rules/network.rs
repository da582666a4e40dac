//! Networks: subnet blocks inside their VPC and apart from each other, security group rules,
//! and the availability zones of load balancers and database subnet groups.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use indexmap::IndexMap;
use stackdef_synth::Expr;

use crate::catalog;
use crate::known::ADMIN_PORTS;
use crate::view::{ModelView, list_of, map_of, num_of, str_of, text};
use crate::{Finding, Subject};

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    subnet_blocks(v, out);
    rules(v, out);
    zones(v, out);
}

/// An IPv4 block as `(first address, one past the last)`.
type Block = (u64, u64);

/// An IPv4 block as `(first, one past last)`.
fn block(s: &str) -> Option<Block> {
    let (addr, prefix) = s.split_once('/')?;
    let addr: Ipv4Addr = addr.parse().ok()?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    let first = u64::from(u32::from(addr));
    Some((first, first + (1u64 << (32 - prefix))))
}

/// `SD3001`/`SD3002`: subnets outside their VPC's blocks, or overlapping each other.
fn subnet_blocks(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    // VPC index -> its literal blocks (main and secondary).
    let mut vpc_blocks: BTreeMap<usize, Vec<(String, Block)>> = BTreeMap::new();
    for (i, vpc) in v.of_type("AWS::EC2::VPC") {
        if let Some(c) = vpc.properties.get("CidrBlock").and_then(str_of)
            && let Some(b) = block(c)
        {
            vpc_blocks.entry(i).or_default().push((c.to_owned(), b));
        }
    }
    let mut secondary_unknown = BTreeSet::new();
    for (_, extra) in v.of_type("AWS::EC2::VPCCidrBlock") {
        let Some((vi, _)) = extra.properties.get("VpcId").and_then(|x| v.target(x)) else {
            continue;
        };
        match extra
            .properties
            .get("CidrBlock")
            .and_then(str_of)
            .and_then(|c| block(c).map(|b| (c.to_owned(), b)))
        {
            Some(b) => vpc_blocks.entry(vi).or_default().push(b),
            // An IPAM-allocated or computed block: containment cannot be judged.
            None => {
                secondary_unknown.insert(vi);
            }
        }
    }
    let mut by_vpc: BTreeMap<usize, Vec<(usize, String, Block)>> = BTreeMap::new();
    for (i, subnet) in v.of_type("AWS::EC2::Subnet") {
        let Some((vi, vpc)) = subnet.properties.get("VpcId").and_then(|x| v.target(x)) else {
            continue;
        };
        if vpc.type_name != "AWS::EC2::VPC" {
            continue;
        }
        let Some(c) = subnet.properties.get("CidrBlock").and_then(str_of) else {
            continue;
        };
        let Some(b) = block(c) else { continue };
        if let Some(blocks) = vpc_blocks.get(&vi)
            && !secondary_unknown.contains(&vi)
            && !blocks.iter().any(|(_, (s, e))| b.0 >= *s && b.1 <= *e)
        {
            let names: Vec<&str> = blocks.iter().map(|(n, _)| n.as_str()).collect();
            out.push(Finding::new(
                catalog::SUBNET_OUTSIDE_VPC,
                Subject::Resource(i),
                "CidrBlock",
                format!(
                    "{c} is not inside the block of its VPC {} ({})",
                    v.model.resource_path(vpc),
                    names.join(", ")
                ),
            ));
        }
        by_vpc.entry(vi).or_default().push((i, c.to_owned(), b));
    }
    for subnets in by_vpc.values() {
        for (n, (i, c, b)) in subnets.iter().enumerate() {
            // Subnets under different conditions may be alternatives, never created together.
            if let Some((j, other, _)) = subnets[..n].iter().find(|(j, _, o)| {
                b.0 < o.1
                    && o.0 < b.1
                    && super::may_coexist(&v.model.resources[*i], &v.model.resources[*j])
            }) {
                out.push(Finding::new(
                    catalog::SUBNETS_OVERLAP,
                    Subject::Resource(*i),
                    "CidrBlock",
                    format!(
                        "{c} overlaps {other} of {} in the same VPC",
                        v.model.resource_path(&v.model.resources[*j])
                    ),
                ));
            }
        }
    }
}

/// One security group rule, as written inline or as its own resource.
struct RuleView<'a> {
    props: &'a IndexMap<String, Expr>,
    subject: Subject,
    at: String,
    ingress: bool,
}

fn rules(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    let mut all = Vec::new();
    for (i, sg) in v.of_type("AWS::EC2::SecurityGroup") {
        for (name, ingress) in [
            ("SecurityGroupIngress", true),
            ("SecurityGroupEgress", false),
        ] {
            let Some(list) = sg.properties.get(name).and_then(list_of) else {
                continue;
            };
            for (n, rule) in list.iter().enumerate() {
                if let Some(props) = map_of(rule) {
                    all.push(RuleView {
                        props,
                        subject: Subject::Resource(i),
                        at: format!("{name}[{n}]"),
                        ingress,
                    });
                }
            }
        }
    }
    for (type_name, ingress) in [
        ("AWS::EC2::SecurityGroupIngress", true),
        ("AWS::EC2::SecurityGroupEgress", false),
    ] {
        for (i, r) in v.of_type(type_name) {
            all.push(RuleView {
                props: &r.properties,
                subject: Subject::Resource(i),
                at: "Properties".into(),
                ingress,
            });
        }
    }
    for rule in &all {
        check_rule(rule, out);
    }
}

fn check_rule(rule: &RuleView<'_>, out: &mut Vec<Finding>) {
    // Whatever the protocol and ports: a block is read the same way for every rule.
    host_bits(rule, out);
    let Some(protocol) = rule.props.get("IpProtocol").and_then(text) else {
        return;
    };
    let protocol = protocol.to_ascii_lowercase();
    let ported = matches!(protocol.as_str(), "tcp" | "udp" | "6" | "17");
    let all = matches!(protocol.as_str(), "-1" | "all");
    let from = rule.props.get("FromPort").and_then(num_of);
    let to = rule.props.get("ToPort").and_then(num_of);
    let absent = |k: &str| !rule.props.contains_key(k);
    if ported && (absent("FromPort") || absent("ToPort")) {
        out.push(Finding::new(
            catalog::RULE_WITHOUT_PORTS,
            rule.subject,
            rule.at.clone(),
            format!("a {protocol} rule needs FromPort and ToPort (EC2 rejects it without them)"),
        ));
        return;
    }
    if ported
        && let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        out.push(Finding::new(
            catalog::PORT_RANGE_REVERSED,
            rule.subject,
            rule.at.clone(),
            format!("FromPort {f} is above ToPort {t}; the first port must not exceed the last"),
        ));
        return;
    }
    if !rule.ingress {
        return;
    }
    let world = rule
        .props
        .get("CidrIp")
        .and_then(str_of)
        .is_some_and(|c| c == "0.0.0.0/0")
        || rule
            .props
            .get("CidrIpv6")
            .and_then(str_of)
            .is_some_and(|c| c == "::/0");
    if !world || !(ported || all) {
        return;
    }
    let open: Vec<String> = ADMIN_PORTS
        .iter()
        .filter(|(p, _)| {
            all || match (from, to) {
                (Some(f), Some(t)) => f <= f64::from(*p) && f64::from(*p) <= t,
                _ => false,
            }
        })
        .map(|(p, what)| format!("{p} ({what})"))
        .collect();
    if !open.is_empty() {
        let ports = if all {
            "every port, among them administrative and database ports".to_owned()
        } else {
            open.join(", ")
        };
        out.push(Finding::new(
            catalog::WORLD_OPEN_ADMIN_PORT,
            rule.subject,
            rule.at.clone(),
            format!(
                "opens {ports} to the whole internet; allow a known address block or a security group (a bastion, a load balancer) instead, or acknowledge SD3003 with the reason"
            ),
        ));
    }
}

/// The network of a literal CIDR block whose address has bits set past its prefix
/// (`10.0.0.1/16` gives `10.0.0.0/16`); `None` for a block written as its network, or for
/// text that is no block (the schema rules report that).
pub(crate) fn with_host_bits(cidr: &str) -> Option<String> {
    let (addr, prefix) = cidr.split_once('/')?;
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u32 = prefix.parse().ok()?;
    if let Ok(a) = addr.parse::<Ipv4Addr>() {
        let mask = u32::MAX.checked_shl(32 - prefix.min(32)).unwrap_or(0);
        let bits = u32::from(a);
        return (prefix <= 32 && bits & !mask != 0)
            .then(|| format!("{}/{prefix}", Ipv4Addr::from(bits & mask)));
    }
    let a = addr.parse::<Ipv6Addr>().ok()?;
    let mask = u128::MAX.checked_shl(128 - prefix.min(128)).unwrap_or(0);
    let bits = u128::from(a);
    (prefix <= 128 && bits & !mask != 0)
        .then(|| format!("{}/{prefix}", Ipv6Addr::from(bits & mask)))
}

/// `SD3008`: a rule's literal CIDR block with host bits set.
fn host_bits(rule: &RuleView<'_>, out: &mut Vec<Finding>) {
    for key in ["CidrIp", "CidrIpv6"] {
        let Some(cidr) = rule.props.get(key).and_then(str_of) else {
            continue;
        };
        let Some(network) = with_host_bits(cidr) else {
            continue;
        };
        let one = if key == "CidrIp" { "/32" } else { "/128" };
        out.push(Finding::new(
            catalog::CIDR_HOST_BITS,
            rule.subject,
            if rule.at == "Properties" {
                key.to_owned()
            } else {
                format!("{}.{key}", rule.at)
            },
            format!(
                "{cidr} has bits set past its prefix, so EC2 reads it as {network}; write {network} if that network is meant, or the address with {one} for one host"
            ),
        ));
    }
}

/// The availability zones of the subnets in `list`, when every one is known.
fn subnet_zones(v: &ModelView<'_>, list: &[Expr]) -> Option<BTreeSet<String>> {
    let mut zones = BTreeSet::new();
    for x in list {
        let (_, s) = v.target(x)?;
        if s.type_name != "AWS::EC2::Subnet" {
            return None;
        }
        zones.insert(
            s.properties
                .get("AvailabilityZone")
                .and_then(str_of)?
                .to_owned(),
        );
    }
    Some(zones)
}

/// `SD3006`/`SD3009`: load balancers in one availability zone, or with two subnets in
/// one; `SD3007`: DB subnet groups in one zone.
fn zones(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, lb) in v.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer") {
        let one_az = one_az_load_balancer(v, i, lb, out);
        if !one_az {
            same_zone_subnets(v, i, lb, out);
        }
    }
    db_zones(v, out);
}

/// `SD3006`: an application load balancer in one zone; whether it was reported.
fn one_az_load_balancer(
    v: &ModelView<'_>,
    i: usize,
    lb: &stackdef_synth::ResourceModel,
    out: &mut Vec<Finding>,
) -> bool {
    // A type given by a parameter or a condition may be `network`, which one zone suits.
    let kind = match lb.properties.get("Type") {
        None => Some("application"),
        Some(t) => str_of(t),
    };
    if kind != Some("application") {
        return false;
    }
    let subnets: Vec<Expr> = match (
        lb.properties.get("Subnets"),
        lb.properties.get("SubnetMappings"),
    ) {
        (Some(s), _) => list_of(s).map(<[Expr]>::to_vec).unwrap_or_default(),
        (None, Some(m)) => list_of(m)
            .into_iter()
            .flatten()
            .filter_map(|x| map_of(x).and_then(|m| m.get("SubnetId")).cloned())
            .collect(),
        (None, None) => return false,
    };
    if subnets.is_empty() {
        return false;
    }
    if let Some(z) = subnet_zones(v, &subnets)
        && z.len() < 2
    {
        out.push(Finding::new(
                catalog::LOAD_BALANCER_ONE_AZ,
                Subject::Resource(i),
                "Subnets",
                format!(
                    "an application load balancer needs subnets in at least two availability zones; these are all in {}",
                    z.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        return true;
    }
    false
}

/// `SD3009`: a load balancer given two subnets (of the template) in one literal zone. Items
/// that are not references to subnets, or subnets whose zone is computed, are passed over:
/// the two that clash are enough to know.
fn same_zone_subnets(
    v: &ModelView<'_>,
    i: usize,
    lb: &stackdef_synth::ResourceModel,
    out: &mut Vec<Finding>,
) {
    let (at, refs): (&str, Vec<&Expr>) = match (
        lb.properties.get("Subnets"),
        lb.properties.get("SubnetMappings"),
    ) {
        (Some(s), _) => ("Subnets", list_of(s).into_iter().flatten().collect()),
        (None, Some(m)) => (
            "SubnetMappings",
            list_of(m)
                .into_iter()
                .flatten()
                .filter_map(|x| map_of(x).and_then(|m| m.get("SubnetId")))
                .collect(),
        ),
        (None, None) => return,
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for x in refs {
        let Some((si, s)) = v.target(x) else { continue };
        if s.type_name != "AWS::EC2::Subnet" || !matches!(x, Expr::Ref(_)) {
            continue;
        }
        let Some(zone) = s.properties.get("AvailabilityZone").and_then(str_of) else {
            continue;
        };
        match seen.get(zone) {
            Some(&first) if first != si && super::may_coexist(s, &v.model.resources[first]) => {
                out.push(Finding::new(
                    catalog::LOAD_BALANCER_SUBNETS_SAME_AZ,
                    Subject::Resource(i),
                    at,
                    format!(
                        "subnets {} and {} are both in {zone}, and a load balancer takes one subnet per availability zone; keep one of them",
                        v.model.resource_path(&v.model.resources[first]),
                        v.model.resource_path(s),
                    ),
                ));
                return;
            }
            Some(_) => {}
            None => {
                seen.insert(zone.to_owned(), si);
            }
        }
    }
}

/// `SD3007`: DB subnet groups whose subnets are all in one zone.
fn db_zones(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, group) in v.of_type("AWS::RDS::DBSubnetGroup") {
        let Some(list) = group.properties.get("SubnetIds").and_then(list_of) else {
            continue;
        };
        if let Some(z) = subnet_zones(v, list)
            && z.len() < 2
        {
            out.push(Finding::new(
                catalog::DB_SUBNETS_ONE_AZ,
                Subject::Resource(i),
                "SubnetIds",
                format!(
                    "a DB subnet group needs subnets in at least two availability zones; these are all in {}",
                    z.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_host_bits;

    #[test]
    fn host_bits_are_those_past_the_prefix() {
        assert_eq!(
            with_host_bits("10.0.0.1/16").as_deref(),
            Some("10.0.0.0/16")
        );
        assert_eq!(with_host_bits("10.0.0.0/0").as_deref(), Some("0.0.0.0/0"));
        assert_eq!(
            with_host_bits("2001:db8::1/64").as_deref(),
            Some("2001:db8::/64")
        );
        for network in [
            "0.0.0.0/0",
            "10.0.0.0/16",
            "10.0.0.1/32",
            "192.168.4.0/22",
            "::/0",
            "2001:db8::1/128",
            "2001:db8::/32",
        ] {
            assert_eq!(with_host_bits(network), None, "{network}");
        }
        // Not blocks at all: the schema rules' to report.
        for bad in ["10.0.0.1", "10.0.0.1/33", "10.0.0.1/+8", "x/8", "10.0.0.1/"] {
            assert_eq!(with_host_bits(bad), None, "{bad}");
        }
    }
}
