//! Load balancers, DNS and CDN: listener rules, health checks, certificates, target groups,
//! records in their zones, CloudFront's certificate region.

use std::collections::BTreeMap;

use stackdef_synth::Expr;

use crate::catalog;
use crate::view::{ModelView, get, list_of, map_of, num_of, str_of, text};
use crate::{Finding, Subject};

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    rule_priorities(v, out);
    for (i, tg) in v.of_type("AWS::ElasticLoadBalancingV2::TargetGroup") {
        target_group(i, &tg.properties, out);
    }
    for (i, l) in v.of_type("AWS::ElasticLoadBalancingV2::Listener") {
        let protocol = l.properties.get("Protocol").and_then(str_of);
        if matches!(protocol, Some("HTTPS" | "TLS")) && !l.properties.contains_key("Certificates") {
            out.push(Finding::new(
                catalog::HTTPS_WITHOUT_CERTIFICATE,
                Subject::Resource(i),
                "Certificates",
                format!(
                    "an {} listener needs a certificate (an ACM certificate ARN in Certificates)",
                    protocol.unwrap_or_default()
                ),
            ));
        }
    }
    listener_ports(v, out);
    listener_target_groups(v, out);
    records(v, out);
    cloudfront(v, out);
}

/// `SD9006`: two listeners of one load balancer on one literal port.
fn listener_ports(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<(usize, i64), Vec<usize>> = BTreeMap::new();
    for (i, l) in v.of_type("AWS::ElasticLoadBalancingV2::Listener") {
        let Some(arn) = l.properties.get("LoadBalancerArn") else {
            continue;
        };
        let Some((lb, _)) = v.target(arn).filter(|_| matches!(arn, Expr::Ref(_))) else {
            continue;
        };
        let Some(port) = l
            .properties
            .get("Port")
            .and_then(num_of)
            .filter(|p| p.fract() == 0.0)
        else {
            continue;
        };
        let key = (lb, port as i64);
        // Listeners under different conditions may be alternatives, never created together.
        let taken = seen.get(&key).and_then(|others| {
            others
                .iter()
                .copied()
                .find(|&j| super::may_coexist(l, &v.model.resources[j]))
        });
        if let Some(first) = taken {
            out.push(Finding::new(
                catalog::LISTENER_PORT_DUPLICATE,
                Subject::Resource(i),
                "Port",
                format!(
                    "port {port} already has the listener {} on the same load balancer, which takes one listener per port; route by listener rules on one listener, or use another port",
                    v.model.resource_path(&v.model.resources[first])
                ),
            ));
        } else {
            seen.entry(key).or_default().push(i);
        }
    }
}

/// `SD9007`: a listener forwarding to a target group its kind of load balancer cannot use.
fn listener_target_groups(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, l) in v.of_type("AWS::ElasticLoadBalancingV2::Listener") {
        let Some((_, lb)) = l
            .properties
            .get("LoadBalancerArn")
            .and_then(|x| v.target(x))
            .filter(|(_, lb)| lb.type_name == "AWS::ElasticLoadBalancingV2::LoadBalancer")
        else {
            continue;
        };
        // A computed Type may be either kind: not judged.
        let kind = match lb.properties.get("Type") {
            None => "application",
            Some(t) => match str_of(t) {
                Some(k) => k,
                None => continue,
            },
        };
        let allowed: &[&str] = match kind {
            "application" => &["HTTP", "HTTPS"],
            "network" => &["TCP", "UDP", "TCP_UDP", "TLS"],
            _ => continue,
        };
        let Some(actions) = l.properties.get("DefaultActions").and_then(list_of) else {
            continue;
        };
        for (n, action) in actions.iter().enumerate() {
            let Some(action) = map_of(action) else {
                continue;
            };
            let mut groups: Vec<(String, &Expr)> = Vec::new();
            if let Some(tg) = action.get("TargetGroupArn") {
                groups.push((format!("DefaultActions[{n}].TargetGroupArn"), tg));
            }
            if let Some(list) = get(action, "ForwardConfig.TargetGroups").and_then(list_of) {
                for (k, t) in list.iter().enumerate() {
                    if let Some(tg) = map_of(t).and_then(|t| t.get("TargetGroupArn")) {
                        groups.push((
                            format!(
                                "DefaultActions[{n}].ForwardConfig.TargetGroups[{k}].TargetGroupArn"
                            ),
                            tg,
                        ));
                    }
                }
            }
            for (at, tg) in groups {
                let Some((_, group)) = v
                    .target(tg)
                    .filter(|(_, g)| g.type_name == "AWS::ElasticLoadBalancingV2::TargetGroup")
                else {
                    continue;
                };
                let Some(protocol) = group.properties.get("Protocol").and_then(str_of) else {
                    continue;
                };
                // GENEVE belongs to gateway load balancers; the schema rules judge values
                // that are no protocol at all.
                let known = ["HTTP", "HTTPS", "TCP", "UDP", "TCP_UDP", "TLS", "GENEVE"];
                if !known.contains(&protocol) || allowed.contains(&protocol) {
                    continue;
                }
                out.push(Finding::new(
                    catalog::LISTENER_TARGET_GROUP_PROTOCOL,
                    Subject::Resource(i),
                    at,
                    format!(
                        "forwards to {}, a {protocol} target group, but {} is {} {kind} load balancer, whose target groups use {}; give the target group one of those protocols, or forward from a load balancer of the right kind",
                        v.model.resource_path(group),
                        v.model.resource_path(lb),
                        if kind == "application" { "an" } else { "a" },
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
}

/// `SD9001`: two rules of one listener with the same priority.
fn rule_priorities(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<(usize, i64), Vec<usize>> = BTreeMap::new();
    for (i, rule) in v.of_type("AWS::ElasticLoadBalancingV2::ListenerRule") {
        let Some((li, _)) = rule.properties.get("ListenerArn").and_then(|x| v.target(x)) else {
            continue;
        };
        let Some(priority) = rule.properties.get("Priority").and_then(num_of) else {
            continue;
        };
        let key = (li, priority as i64);
        // Rules under different conditions may be alternatives, never created together.
        let taken = seen.get(&key).and_then(|others| {
            others
                .iter()
                .copied()
                .find(|&j| super::may_coexist(rule, &v.model.resources[j]))
        });
        if let Some(first) = taken {
            out.push(Finding::new(
                catalog::RULE_PRIORITY_DUPLICATE,
                Subject::Resource(i),
                "Priority",
                format!(
                    "priority {priority} is already taken by {} on the same listener; priorities are unique per listener",
                    v.model.resource_path(&v.model.resources[first])
                ),
            ));
        } else {
            seen.entry(key).or_default().push(i);
        }
    }
}

/// Why an HTTP matcher (`200`, `200,202`, `200-299`) is invalid, if it is.
pub fn matcher_problem(codes: &str) -> Option<String> {
    let code =
        |s: &str| -> Option<u16> { s.trim().parse().ok().filter(|c| (200..=499).contains(c)) };
    for part in codes.split(',') {
        let ok = match part.split_once('-') {
            Some((a, b)) => matches!((code(a), code(b)), (Some(a), Some(b)) if a <= b),
            None => code(part).is_some(),
        };
        if !ok {
            return Some(format!(
                "`{codes}` is not a success matcher: give HTTP codes from 200 to 499 as one code (`200`), a list (`200,202`) or a range (`200-299`)"
            ));
        }
    }
    None
}

fn target_group(i: usize, p: &indexmap::IndexMap<String, Expr>, out: &mut Vec<Finding>) {
    let subject = Subject::Resource(i);
    let target_type = p.get("TargetType").and_then(str_of).unwrap_or("instance");
    let protocol = p.get("Protocol").and_then(str_of);
    if matches!(target_type, "instance" | "ip")
        && !(p.contains_key("Port") && p.contains_key("Protocol"))
    {
        out.push(Finding::new(
            catalog::TARGET_GROUP_PORT,
            subject,
            if p.contains_key("Port") {
                "Protocol"
            } else {
                "Port"
            },
            format!("an `{target_type}` target group needs Port and Protocol"),
        ));
    }
    if matches!(protocol, None | Some("HTTP" | "HTTPS"))
        && target_type != "lambda"
        && let Some(codes) = get(p, "Matcher.HttpCode").and_then(text)
        && let Some(problem) = matcher_problem(&codes)
    {
        out.push(Finding::new(
            catalog::HEALTH_CHECK_MATCHER,
            subject,
            "Matcher.HttpCode",
            problem,
        ));
    }
    if let (Some(interval), Some(timeout)) = (
        p.get("HealthCheckIntervalSeconds").and_then(num_of),
        p.get("HealthCheckTimeoutSeconds").and_then(num_of),
    ) && timeout >= interval
    {
        out.push(Finding::new(
            catalog::HEALTH_CHECK_TIMEOUT,
            subject,
            "HealthCheckTimeoutSeconds",
            format!(
                "the health check timeout ({timeout}s) must be below its interval ({interval}s)"
            ),
        ));
    }
}

fn dns_name(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// `SD9101`: a record whose name is not in its zone.
fn records(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, rec) in v.of_type("AWS::Route53::RecordSet") {
        let Some(name) = rec.properties.get("Name").and_then(str_of) else {
            continue;
        };
        let zone = match (
            rec.properties.get("HostedZoneName").and_then(str_of),
            rec.properties.get("HostedZoneId").and_then(|x| v.target(x)),
        ) {
            (Some(z), _) => z.to_owned(),
            (None, Some((_, z))) if z.type_name == "AWS::Route53::HostedZone" => {
                match z.properties.get("Name").and_then(str_of) {
                    Some(n) => n.to_owned(),
                    None => continue,
                }
            }
            _ => continue,
        };
        let (n, z) = (dns_name(name), dns_name(&zone));
        if n != z && !n.ends_with(&format!(".{z}")) {
            out.push(Finding::new(
                catalog::RECORD_OUTSIDE_ZONE,
                Subject::Resource(i),
                "Name",
                format!(
                    "`{name}` is not in the hosted zone `{zone}`; its name must end with the zone's"
                ),
            ));
        }
    }
}

/// `SD9102`: a CloudFront viewer certificate outside us-east-1.
fn cloudfront(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, d) in v.of_type("AWS::CloudFront::Distribution") {
        let Some(cert) = get(
            &d.properties,
            "DistributionConfig.ViewerCertificate.AcmCertificateArn",
        ) else {
            continue;
        };
        let region = match cert {
            Expr::String(arn) => arn.split(':').nth(3).map(str::to_owned),
            other => v
                .target(other)
                .filter(|(_, c)| c.type_name == "AWS::CertificateManager::Certificate")
                .and_then(|(_, c)| v.region(c).map(str::to_owned)),
        };
        if let Some(region) = region
            && region != "us-east-1"
            && !region.is_empty()
        {
            out.push(Finding::new(
                catalog::CLOUDFRONT_CERTIFICATE_REGION,
                Subject::Resource(i),
                "DistributionConfig.ViewerCertificate.AcmCertificateArn",
                format!(
                    "CloudFront reads ACM certificates from us-east-1 only; this one is in {region}"
                ),
            ));
        }
    }
    let _ = list_of;
}
