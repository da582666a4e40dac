//! [`HostedZone`]: a DNS zone, created in the stack or imported by id and name.

use crate::cfn::route53::{self as l1, hosted_zone as hz};
use crate::ec2::Vpc;
use crate::fns;
use crate::value::{HostedZoneId, List, Value};
use crate::{Construct, Node};

/// Options of a [`HostedZone`].
#[derive(Debug, Clone)]
pub struct HostedZoneProps {
    /// The domain (`example.com`). Required.
    pub zone_name: String,
    /// `HostedZoneConfig.Comment`. default: none.
    pub comment: Option<String>,
    /// The VPCs a private zone answers in; empty for a public zone. default: public.
    pub vpcs: Vec<Vpc>,
}

impl HostedZoneProps {
    /// A public zone for `zone_name`.
    pub fn public(zone_name: &str) -> Self {
        HostedZoneProps {
            zone_name: zone_name.to_owned(),
            comment: None,
            vpcs: Vec::new(),
        }
    }

    /// A private zone for `zone_name`, answering in `vpc`.
    pub fn private(zone_name: &str, vpc: &Vpc) -> Self {
        HostedZoneProps {
            vpcs: vec![vpc.clone()],
            ..Self::public(zone_name)
        }
    }
}

/// Why `name` is not a DNS name Route 53 takes, if it is not: 1 to 253 characters,
/// labels of 1 to 63 letters, digits, hyphens and underscores (a leading `*.` allowed).
pub fn check_domain_name(name: &str) -> Option<String> {
    let bare = name.strip_suffix('.').unwrap_or(name);
    let labels = bare.strip_prefix("*.").unwrap_or(bare);
    let ok = !bare.is_empty()
        && bare.len() <= 253
        && labels.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    (!ok).then(|| {
        format!(
            "`{name}` is not a domain name: labels of 1 to 63 letters, digits and hyphens separated by dots, 253 characters at most"
        )
    })
}

/// Whether `name` is `zone` or a name under it (case and a final dot do not matter).
pub fn in_zone(name: &str, zone: &str) -> bool {
    let norm = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    let (n, z) = (norm(name), norm(zone));
    n == z || n.ends_with(&format!(".{z}"))
}

/// A Route 53 hosted zone.
#[derive(Debug, Clone)]
pub struct HostedZone {
    zone_id: Value<HostedZoneId>,
    zone_name: String,
    resource: Option<l1::HostedZone>,
}

impl HostedZone {
    /// A zone created in the stack; an invalid name is reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: HostedZoneProps) -> Self {
        let node = Node::new(scope, id);
        if let Some(problem) = check_domain_name(&props.zone_name) {
            node.report_message(problem);
        }
        let zone_name = props.zone_name.trim_end_matches('.').to_owned();
        let mut l1_props = l1::HostedZoneProps::new().name(zone_name.as_str());
        if let Some(comment) = &props.comment {
            l1_props =
                l1_props.hosted_zone_config(hz::HostedZoneConfig::new().comment(comment.as_str()));
        }
        if !props.vpcs.is_empty() {
            l1_props = l1_props.vp_cs(
                props
                    .vpcs
                    .iter()
                    .map(|v| hz::Vpc::new(v.vpc_id(), fns::region()))
                    .collect::<Vec<_>>(),
            );
        }
        let resource = l1::HostedZone::new(&node, "Resource", l1_props);
        HostedZone {
            zone_id: resource.id(),
            zone_name,
            resource: Some(resource),
        }
    }

    /// An existing zone, by id (a literal `Z...`, or a stack parameter of type
    /// `AWS::Route53::HostedZone::Id`) and name. Records in it are checked against the
    /// name at synth.
    pub fn import(zone_id: impl Into<Value<HostedZoneId>>, zone_name: &str) -> Self {
        HostedZone {
            zone_id: zone_id.into(),
            zone_name: zone_name.trim_end_matches('.').to_owned(),
            resource: None,
        }
    }

    /// The zone id.
    pub fn zone_id(&self) -> Value<HostedZoneId> {
        self.zone_id.clone()
    }

    /// The domain (without a final dot).
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }

    /// The name servers of a zone created in the stack (what the registrar must list).
    pub fn name_servers(&self) -> Option<Value<List<String>>> {
        self.resource
            .as_ref()
            .map(l1::HostedZone::attr_name_servers)
    }

    /// Whether the zone is created in the stack (its name is in the template, where the
    /// template checks see it) rather than imported.
    pub fn is_created(&self) -> bool {
        self.resource.is_some()
    }
}
