//! Security changes: what a deploy does to IAM statements, security group rules, resource
//! policies and public access, from the deployed and synthesized templates. A change is
//! *broadening* when it adds or widens a permission, opens a network path or makes
//! something public; those are the ones `RequireApproval::Broadening` asks about.

use serde_json::Value;

use super::paths::construct_path;

/// What a security change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecurityKind {
    /// IAM roles, policies, users and groups: statements, trust and managed policies.
    Iam,
    /// Security group rules.
    Network,
    /// Policies attached to a resource (bucket, queue, topic, key, repository, secret,
    /// function permission).
    ResourcePolicy,
    /// Public access settings (bucket public access blocks, public databases, internet-facing
    /// load balancers).
    PublicAccess,
}

impl SecurityKind {
    /// A short label for tables: `IAM`, `network`, `policy`, `public`.
    pub fn label(self) -> &'static str {
        match self {
            SecurityKind::Iam => "IAM",
            SecurityKind::Network => "network",
            SecurityKind::ResourcePolicy => "policy",
            SecurityKind::PublicAccess => "public",
        }
    }
}

/// One statement, rule or setting that a deploy adds, removes or changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityChange {
    /// What it is about.
    pub kind: SecurityKind,
    /// Logical id of the resource that holds it.
    pub logical_id: String,
    /// Construct path, when known.
    pub construct_path: Option<String>,
    /// Resource type.
    pub type_name: String,
    /// Which part of the resource (`Policies`, `SecurityGroupIngress`, `PubliclyAccessible`).
    pub facet: String,
    /// Before the deploy (`None`: it did not exist).
    pub before: Option<String>,
    /// After the deploy (`None`: it is removed).
    pub after: Option<String>,
    /// Whether it adds or widens access.
    pub broadening: bool,
}

/// One item of a resource's security facet: its canonical form (to compare), its summary
/// (to show), and whether having it grants something (an `Allow`, a rule, a public setting).
struct Item {
    key: String,
    summary: String,
    grants: bool,
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(short).collect::<Vec<_>>().join(", "),
        Value::Object(m) if m.len() == 1 => {
            let (k, inner) = m.iter().next().map_or(("", v), |(k, v)| (k.as_str(), v));
            match (k, inner) {
                ("Ref", Value::String(s)) => format!("Ref {s}"),
                ("Fn::GetAtt", Value::Array(a)) => {
                    a.iter().map(short).collect::<Vec<_>>().join(".")
                }
                ("Fn::Sub", Value::String(s)) => s.clone(),
                ("Fn::Sub", Value::Array(a)) => a.first().map(short).unwrap_or_default(),
                ("Fn::ImportValue", x) => format!("import {}", short(x)),
                ("Fn::Join", Value::Array(a)) => match (a.first(), a.get(1)) {
                    (Some(Value::String(sep)), Some(Value::Array(parts))) => {
                        parts.iter().map(short).collect::<Vec<_>>().join(sep)
                    }
                    _ => v.to_string(),
                },
                _ => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}

fn limit(s: String) -> String {
    const MAX: usize = 110;
    if s.chars().count() <= MAX {
        s
    } else {
        format!("{}…", s.chars().take(MAX - 1).collect::<String>())
    }
}

fn statements(doc: Option<&Value>) -> Vec<Item> {
    let doc = match doc {
        // Policies given as JSON text (ECR's RepositoryPolicyText may be).
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or(Value::Null),
        Some(v) => v.clone(),
        None => return Vec::new(),
    };
    let list = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(one) => vec![one.clone()],
        None => return Vec::new(),
    };
    list.iter()
        .map(|st| {
            let effect = st
                .get("Effect")
                .map(short)
                .unwrap_or_else(|| "Allow".into());
            let mut summary = effect.clone();
            for (key, label) in [
                ("Action", ""),
                ("NotAction", "all actions but"),
                ("Resource", "on"),
                ("NotResource", "on all but"),
                ("Principal", "to"),
                ("NotPrincipal", "to all but"),
                ("Condition", "if"),
            ] {
                if let Some(v) = st.get(key) {
                    let text = match key {
                        "Principal" | "NotPrincipal" => match v {
                            Value::Object(m) => m
                                .iter()
                                .map(|(k, v)| format!("{k} {}", short(v)))
                                .collect::<Vec<_>>()
                                .join("; "),
                            other => short(other),
                        },
                        "Condition" => v.to_string(),
                        _ => short(v),
                    };
                    if label.is_empty() {
                        summary.push_str(&format!(" {text}"));
                    } else {
                        summary.push_str(&format!(" {label} {text}"));
                    }
                }
            }
            Item {
                key: st.to_string(),
                summary: limit(summary),
                grants: effect == "Allow",
            }
        })
        .collect()
}

fn is_open(rule: &Value) -> bool {
    rule.get("CidrIp").and_then(Value::as_str) == Some("0.0.0.0/0")
        || rule.get("CidrIpv6").and_then(Value::as_str) == Some("::/0")
}

fn rule_item(rule: &Value, direction: &str) -> Item {
    let protocol = rule.get("IpProtocol").map(short).unwrap_or_default();
    let ports = match (rule.get("FromPort"), rule.get("ToPort")) {
        (Some(a), Some(b)) if a == b => format!(" port {}", short(a)),
        (Some(a), Some(b)) => format!(" ports {}-{}", short(a), short(b)),
        _ => String::new(),
    };
    let protocol = match protocol.as_str() {
        "-1" => "all traffic".to_owned(),
        p => p.to_owned(),
    };
    let peer_key = [
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "DestinationSecurityGroupId",
        "SourcePrefixListId",
        "DestinationPrefixListId",
    ]
    .into_iter()
    .find(|k| rule.get(*k).is_some());
    let peer = peer_key
        .and_then(|k| rule.get(k))
        .map(short)
        .unwrap_or_else(|| "?".into());
    let way = if direction == "egress" { "to" } else { "from" };
    let mut summary = format!("{direction} {protocol}{ports} {way} {peer}");
    if is_open(rule) {
        summary.push_str(" (open to the internet)");
    }
    // Descriptions do not change who can connect.
    let mut key = rule.clone();
    if let Some(m) = key.as_object_mut() {
        m.remove("Description");
        m.remove("GroupId");
    }
    Item {
        key: key.to_string(),
        summary: limit(summary),
        grants: true,
    }
}

fn list(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    }
}

/// The security facets of one resource: (kind, facet, items).
fn facets(resource: &Value) -> Vec<(SecurityKind, &'static str, Vec<Item>)> {
    let t = resource
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let empty = Value::Object(Default::default());
    let p = resource.get("Properties").unwrap_or(&empty);
    let mut out = Vec::new();
    let inline_policies = |p: &Value| -> Vec<Item> {
        list(p.get("Policies"))
            .iter()
            .flat_map(|pol| statements(pol.get("PolicyDocument")))
            .collect()
    };
    let managed = |p: &Value| -> Vec<Item> {
        list(p.get("ManagedPolicyArns"))
            .iter()
            .map(|arn| Item {
                key: arn.to_string(),
                summary: format!("managed policy {}", short(arn)),
                grants: true,
            })
            .collect()
    };
    // A policy document held in one property.
    let document =
        |kind: SecurityKind, property: &'static str| (kind, property, statements(p.get(property)));
    match t {
        "AWS::IAM::Role" => {
            out.push(document(SecurityKind::Iam, "AssumeRolePolicyDocument"));
            out.push((SecurityKind::Iam, "Policies", inline_policies(p)));
            out.push((SecurityKind::Iam, "ManagedPolicyArns", managed(p)));
        }
        "AWS::IAM::User" | "AWS::IAM::Group" => {
            out.push((SecurityKind::Iam, "Policies", inline_policies(p)));
            out.push((SecurityKind::Iam, "ManagedPolicyArns", managed(p)));
        }
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => out.push(document(SecurityKind::Iam, "PolicyDocument")),
        "AWS::S3::BucketPolicy"
        | "AWS::SQS::QueuePolicy"
        | "AWS::SNS::TopicPolicy"
        | "AWS::Logs::ResourcePolicy" => {
            out.push(document(SecurityKind::ResourcePolicy, "PolicyDocument"));
        }
        "AWS::KMS::Key" => out.push(document(SecurityKind::ResourcePolicy, "KeyPolicy")),
        "AWS::ECR::Repository" => {
            out.push(document(
                SecurityKind::ResourcePolicy,
                "RepositoryPolicyText",
            ));
        }
        "AWS::SecretsManager::ResourcePolicy" => {
            out.push(document(SecurityKind::ResourcePolicy, "ResourcePolicy"));
        }
        "AWS::Lambda::Permission" => out.push((
            SecurityKind::ResourcePolicy,
            "Permission",
            vec![Item {
                key: p.to_string(),
                summary: limit(format!(
                    "Allow {} {} to {}",
                    p.get("Principal").map(short).unwrap_or_default(),
                    p.get("Action").map(short).unwrap_or_default(),
                    p.get("FunctionName").map(short).unwrap_or_default()
                )),
                grants: true,
            }],
        )),
        "AWS::EC2::SecurityGroup" => {
            out.push((
                SecurityKind::Network,
                "SecurityGroupIngress",
                list(p.get("SecurityGroupIngress"))
                    .iter()
                    .map(|r| rule_item(r, "ingress"))
                    .collect(),
            ));
            out.push((
                SecurityKind::Network,
                "SecurityGroupEgress",
                list(p.get("SecurityGroupEgress"))
                    .iter()
                    .map(|r| rule_item(r, "egress"))
                    .collect(),
            ));
        }
        "AWS::EC2::SecurityGroupIngress" => out.push((
            SecurityKind::Network,
            "Ingress",
            vec![rule_item(p, "ingress")],
        )),
        "AWS::EC2::SecurityGroupEgress" => out.push((
            SecurityKind::Network,
            "Egress",
            vec![rule_item(p, "egress")],
        )),
        "AWS::S3::Bucket" => {
            // Without the setting, AWS blocks public access on a new bucket; with it, a
            // flag left out is off.
            let Some(block) = p.get("PublicAccessBlockConfiguration") else {
                return out;
            };
            let items = [
                "BlockPublicAcls",
                "BlockPublicPolicy",
                "IgnorePublicAcls",
                "RestrictPublicBuckets",
            ]
            .into_iter()
            .filter(|k| block.get(*k) != Some(&Value::Bool(true)))
            .map(|k| Item {
                key: k.to_owned(),
                summary: format!("{k} off"),
                grants: true,
            })
            .collect();
            out.push((
                SecurityKind::PublicAccess,
                "PublicAccessBlockConfiguration",
                items,
            ));
        }
        "AWS::RDS::DBInstance" | "AWS::RDS::DBCluster"
            if p.get("PubliclyAccessible") == Some(&Value::Bool(true)) =>
        {
            out.push((
                SecurityKind::PublicAccess,
                "PubliclyAccessible",
                vec![Item {
                    key: "public".into(),
                    summary: "publicly accessible".into(),
                    grants: true,
                }],
            ));
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            let internal = p.get("Scheme").and_then(Value::as_str) == Some("internal");
            if !internal {
                out.push((
                    SecurityKind::PublicAccess,
                    "Scheme",
                    vec![Item {
                        key: "internet-facing".into(),
                        summary: "internet-facing".into(),
                        grants: true,
                    }],
                ));
            }
        }
        _ => {}
    }
    out.retain(|(_, _, items)| !items.is_empty());
    out
}

/// The security changes from `deployed` (`None`: a new stack) to `template`, in the new
/// template's resource order, then removed resources.
pub fn security_changes(deployed: Option<&Value>, template: &Value) -> Vec<SecurityChange> {
    let resources = |t: Option<&Value>| {
        t.and_then(|t| t.get("Resources"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old, new) = (resources(deployed), resources(Some(template)));
    let mut ids: Vec<&String> = new.keys().collect();
    ids.extend(old.keys().filter(|k| !new.contains_key(*k)));
    let mut out = Vec::new();
    for id in ids {
        let (o, n) = (old.get(id), new.get(id));
        if o == n {
            continue;
        }
        let of = o.map(facets).unwrap_or_default();
        let nf = n.map(facets).unwrap_or_default();
        let holder = n.or(o).unwrap_or(&Value::Null);
        let type_name = holder
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let path = construct_path(holder);
        let mut names: Vec<(SecurityKind, &str)> = nf.iter().map(|(k, f, _)| (*k, *f)).collect();
        for (k, f, _) in &of {
            if !names.contains(&(*k, *f)) {
                names.push((*k, *f));
            }
        }
        for (kind, facet) in names {
            let find = |fs: &[(SecurityKind, &str, Vec<Item>)]| -> Vec<(String, String, bool)> {
                fs.iter()
                    .filter(|(k, f, _)| *k == kind && *f == facet)
                    .flat_map(|(_, _, items)| {
                        items
                            .iter()
                            .map(|i| (i.key.clone(), i.summary.clone(), i.grants))
                    })
                    .collect()
            };
            let (before, after) = (find(&of), find(&nf));
            let change =
                |before: Option<String>, after: Option<String>, broadening: bool| SecurityChange {
                    kind,
                    logical_id: id.clone(),
                    construct_path: path.clone(),
                    type_name: type_name.clone(),
                    facet: facet.to_owned(),
                    before,
                    after,
                    broadening,
                };
            for (key, summary, grants) in &after {
                if !before.iter().any(|(k, _, _)| k == key) {
                    out.push(change(None, Some(summary.clone()), *grants));
                }
            }
            for (key, summary, grants) in &before {
                if !after.iter().any(|(k, _, _)| k == key) {
                    // Removing a Deny widens access.
                    out.push(change(Some(summary.clone()), None, !*grants));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn added_statements_and_open_rules_broaden_removals_do_not() {
        let old = json!({"Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x",
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "CidrIp": "10.0.0.0/8"}]}}}});
        let new = json!({"Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
                "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]}}]}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x",
                "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "CidrIp": "0.0.0.0/0"}]}}}});
        let changes = security_changes(Some(&old), &new);
        let text: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{:?} {:?} -> {:?} {}",
                    c.kind, c.before, c.after, c.broadening
                )
            })
            .collect();
        assert_eq!(
            text,
            [
                "Iam None -> Some(\"Allow s3:GetObject, s3:PutObject on *\") true",
                "Iam Some(\"Allow s3:GetObject on *\") -> None false",
                "Network None -> Some(\"ingress tcp port 22 from 0.0.0.0/0 (open to the internet)\") true",
                "Network Some(\"ingress tcp port 443 from 10.0.0.0/8\") -> None false",
            ]
        );
        // Nothing changes: nothing to report; a narrowing only: nothing broadens.
        assert!(security_changes(Some(&new), &new).is_empty());
        assert!(
            security_changes(Some(&new), &old)
                .iter()
                .any(|c| !c.broadening)
        );
    }

    #[test]
    fn public_access_and_resource_policies() {
        let old = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}}}});
        let new = json!({"Resources": {
            "B": {"Type": "AWS::S3::Bucket", "Properties": {
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": false,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}},
            "P": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B"},
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*",
                    "Action": "s3:GetObject", "Resource": {"Fn::Sub": "${B.Arn}/*"}}]}}}}});
        let changes = security_changes(Some(&old), &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].kind, SecurityKind::PublicAccess);
        assert_eq!(changes[0].after.as_deref(), Some("BlockPublicPolicy off"));
        assert_eq!(
            changes[1].after.as_deref(),
            Some("Allow s3:GetObject on ${B.Arn}/* to *")
        );
        assert!(changes.iter().all(|c| c.broadening));
        // A bucket without the setting is blocked by AWS's default: nothing to report.
        let plain = json!({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}});
        assert!(security_changes(None, &plain).is_empty());
    }
}
