//! Alias records: [`ARecord`] and [`AaaaRecord`] to a typed [`RecordTarget`].

use super::hosted_zone::{HostedZone, check_domain_name, in_zone};
use crate::cfn::route53::{self as l1, record_set as rs};
use crate::elbv2::Alb;
use crate::resource::{CfnResource, Resource};
use crate::value::Value;
use crate::{Construct, Node, sub};

/// What an alias record points at. The alias hosted zone id comes from the target: a load
/// balancer's `CanonicalHostedZoneID`, CloudFront's fixed zone.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordTarget {
    dns_name: Value<String>,
    hosted_zone_id: Value<String>,
    evaluate_target_health: bool,
    ipv6: bool,
    what: String,
}

impl RecordTarget {
    /// An application load balancer (through its `dualstack.` name, as Route 53
    /// recommends).
    pub fn load_balancer(alb: &Alb) -> Self {
        RecordTarget {
            dns_name: sub!["dualstack.", alb.dns_name()],
            hosted_zone_id: alb.canonical_hosted_zone_id(),
            evaluate_target_health: false,
            ipv6: false,
            what: format!("the load balancer {}", alb.node().path()),
        }
    }

    /// An alias target made by another module (CloudFront).
    pub(crate) fn alias(
        dns_name: Value<String>,
        hosted_zone_id: Value<String>,
        ipv6: bool,
        what: String,
    ) -> Self {
        RecordTarget {
            dns_name,
            hosted_zone_id,
            evaluate_target_health: false,
            ipv6,
            what,
        }
    }

    /// Answer only while the target is healthy (for failover and weighted records).
    pub fn evaluate_target_health(self) -> Self {
        RecordTarget {
            evaluate_target_health: true,
            ..self
        }
    }

    /// The target's DNS name.
    pub fn dns_name(&self) -> Value<String> {
        self.dns_name.clone()
    }
}

/// Options of an alias record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordProps {
    /// The full name (`www.example.com`; in the zone). `None`: the zone's apex.
    pub record_name: Option<String>,
    /// What it points at. Required.
    pub target: RecordTarget,
    /// `Comment`. default: none.
    pub comment: Option<String>,
}

impl RecordProps {
    /// A record `record_name` (a full name in the zone) pointing at `target`.
    pub fn new(record_name: &str, target: RecordTarget) -> Self {
        RecordProps {
            record_name: Some(record_name.to_owned()),
            target,
            comment: None,
        }
    }

    /// A record at the zone's apex (`example.com` itself).
    pub fn apex(target: RecordTarget) -> Self {
        RecordProps {
            record_name: None,
            target,
            comment: None,
        }
    }
}

/// Writes an alias record of `record_type`; reports problems at the user's line (the
/// public constructors are `#[track_caller]`).
#[track_caller]
fn alias_record(
    scope: &impl Construct,
    id: &str,
    zone: &HostedZone,
    props: &RecordProps,
    record_type: &str,
) -> (Node, l1::RecordSet, String) {
    let node = Node::new(scope, id);
    let name = props
        .record_name
        .clone()
        .unwrap_or_else(|| zone.zone_name().to_owned());
    if let Some(problem) = check_domain_name(&name) {
        node.report_message(problem);
    }
    // A zone created in the stack has its name in the template, where the template
    // check (SD9101) compares it; an imported zone's name only stackdef knows.
    if !zone.is_created() && !in_zone(&name, zone.zone_name()) {
        node.report_message(format!(
            "`{name}` is not in the hosted zone `{}`; its name must end with the zone's (`www.{}`)",
            zone.zone_name(),
            zone.zone_name()
        ));
    }
    if record_type == "AAAA" && !props.target.ipv6 {
        node.report_message(format!(
            "an AAAA record needs an IPv6 target, and {} has no IPv6 addresses; use an ARecord",
            props.target.what
        ));
    }
    let fqdn = format!("{}.", name.trim_end_matches('.'));
    let mut l1_props = l1::RecordSetProps::new(fqdn.as_str(), record_type)
        .hosted_zone_id(zone.zone_id())
        .alias_target(
            rs::AliasTarget::new(
                props.target.dns_name.clone(),
                props.target.hosted_zone_id.clone(),
            )
            .evaluate_target_health(props.target.evaluate_target_health),
        );
    if let Some(comment) = &props.comment {
        l1_props = l1_props.comment(comment.as_str());
    }
    let resource = l1::RecordSet::new(&node, "Resource", l1_props);
    (node, resource, fqdn)
}

macro_rules! alias_record_type {
    ($(#[$doc:meta])* $name:ident, $record_type:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Construct)]
        pub struct $name {
            node: Node,
            resource: l1::RecordSet,
            domain_name: String,
        }

        impl Resource for $name {
            fn cfn(&self) -> &CfnResource {
                self.resource.cfn()
            }
        }

        impl $name {
            /// An alias record in `zone`. A name outside the zone, an invalid name and a
            /// target of the wrong address family are reported at synth at this call.
            #[track_caller]
            pub fn new(scope: &impl Construct, id: &str, zone: &HostedZone, props: RecordProps) -> Self {
                let (node, resource, fqdn) = alias_record(scope, id, zone, &props, $record_type);
                $name {
                    node,
                    resource,
                    domain_name: fqdn.trim_end_matches('.').to_owned(),
                }
            }

            /// The record's name (`www.example.com`, no final dot): what clients, and
            /// origins that must match a certificate, use.
            pub fn domain_name(&self) -> &str {
                &self.domain_name
            }
        }
    };
}

alias_record_type!(
    /// An `A` alias record (IPv4).
    ARecord,
    "A"
);

alias_record_type!(
    /// An `AAAA` alias record (IPv6), for targets with IPv6 addresses (CloudFront).
    AaaaRecord,
    "AAAA"
);
