//! Policy documents: their grammar, actions that exist, who may assume a role, and grants of
//! everything.

use stackdef_synth::Expr;

use crate::catalog;
use crate::known::SERVICE_PRINCIPALS;
use crate::schema::closest;
use crate::view::{ModelView, get, list_of, map_of, one_or_many, str_of};
use crate::{Finding, Subject};

/// What a document is for: what it may say differs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Attached to an identity (a role's policies).
    Identity,
    /// A role's trust policy.
    Trust,
    /// Attached to a resource (bucket, key, queue, topic).
    Resource,
}

/// Where policy documents sit: `(type, property path, kind)`; `[]` in a path means every
/// item of a list.
const DOCUMENTS: &[(&str, &str, Kind)] = &[
    ("AWS::IAM::Role", "AssumeRolePolicyDocument", Kind::Trust),
    (
        "AWS::IAM::Role",
        "Policies[].PolicyDocument",
        Kind::Identity,
    ),
    (
        "AWS::IAM::User",
        "Policies[].PolicyDocument",
        Kind::Identity,
    ),
    (
        "AWS::IAM::Group",
        "Policies[].PolicyDocument",
        Kind::Identity,
    ),
    ("AWS::IAM::Policy", "PolicyDocument", Kind::Identity),
    ("AWS::IAM::ManagedPolicy", "PolicyDocument", Kind::Identity),
    ("AWS::IAM::RolePolicy", "PolicyDocument", Kind::Identity),
    ("AWS::S3::BucketPolicy", "PolicyDocument", Kind::Resource),
    ("AWS::KMS::Key", "KeyPolicy", Kind::Resource),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", Kind::Resource),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", Kind::Resource),
    (
        "AWS::ECR::Repository",
        "RepositoryPolicyText",
        Kind::Resource,
    ),
];

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (type_name, path, kind) in DOCUMENTS {
        for (i, r) in v.of_type(type_name) {
            for (at, doc) in documents(&r.properties, path) {
                document(doc, *kind, Subject::Resource(i), &at, out);
            }
        }
    }
}

/// The documents at `path` (`Policies[].PolicyDocument`), with their paths.
fn documents<'e>(
    props: &'e indexmap::IndexMap<String, Expr>,
    path: &str,
) -> Vec<(String, &'e Expr)> {
    match path.split_once("[].") {
        None => get(props, path)
            .map(|d| vec![(path.to_owned(), d)])
            .unwrap_or_default(),
        Some((list, rest)) => get(props, list)
            .and_then(list_of)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(n, item)| {
                let doc = map_of(item)?.get(rest)?;
                Some((format!("{list}[{n}].{rest}"), doc))
            })
            .collect(),
    }
}

fn document(doc: &Expr, kind: Kind, subject: Subject, at: &str, out: &mut Vec<Finding>) {
    let Some(doc) = map_of(doc) else { return };
    if let Some(version) = doc.get("Version").and_then(str_of)
        && !matches!(version, "2012-10-17" | "2008-10-17")
    {
        out.push(Finding::new(
            catalog::POLICY_VERSION,
            subject,
            format!("{at}.Version"),
            format!("policy version `{version}` does not exist; use 2012-10-17"),
        ));
    }
    let Some(statements) = doc.get("Statement") else {
        return;
    };
    for (n, st) in one_or_many(statements).into_iter().enumerate() {
        let Some(st) = map_of(st) else { continue };
        let sat = format!("{at}.Statement[{n}]");
        statement(st, kind, subject, &sat, out);
    }
}

fn statement(
    st: &indexmap::IndexMap<String, Expr>,
    kind: Kind,
    subject: Subject,
    at: &str,
    out: &mut Vec<Finding>,
) {
    let effect = st.get("Effect").and_then(str_of);
    if let Some(e) = effect
        && !matches!(e, "Allow" | "Deny")
    {
        out.push(Finding::new(
            catalog::STATEMENT_EFFECT,
            subject,
            format!("{at}.Effect"),
            format!("`{e}` is not an effect; write Allow or Deny (with that case)"),
        ));
    }
    if !st.contains_key("Action") && !st.contains_key("NotAction") {
        out.push(Finding::new(
            catalog::STATEMENT_WITHOUT_ACTION,
            subject,
            at,
            "a statement needs Action (or NotAction)",
        ));
    }
    let actions: Vec<&str> = st
        .get("Action")
        .map(one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter_map(str_of)
        .collect();
    for (n, a) in actions.iter().enumerate() {
        unknown_action(a, subject, &format!("{at}.Action[{n}]"), out);
    }
    if kind == Kind::Identity {
        let resources: Vec<&str> = st
            .get("Resource")
            .map(one_or_many)
            .unwrap_or_default()
            .into_iter()
            .filter_map(str_of)
            .collect();
        for r in &resources {
            if *r != "*" && !r.starts_with("arn:") {
                out.push(Finding::new(
                    catalog::MALFORMED_ARN,
                    subject,
                    format!("{at}.Resource"),
                    format!("`{r}` is not an ARN; resources are `*` or `arn:partition:service:region:account:...`"),
                ));
            }
        }
        if effect == Some("Allow")
            && actions.iter().any(|a| matches!(*a, "*" | "*:*"))
            && resources.contains(&"*")
            && !st.contains_key("Condition")
        {
            out.push(Finding::new(
                catalog::ADMIN_POLICY,
                subject,
                at,
                "allows every action on every resource; grant the actions the identity needs, or acknowledge SD7003 with the reason",
            ));
        }
    }
    if let Some(principal) = st.get("Principal") {
        principals(
            principal,
            kind,
            effect,
            st.contains_key("Condition"),
            subject,
            at,
            out,
        );
    }
}

/// `SD7001`: an action the service does not have (wildcards must match one).
fn unknown_action(action: &str, subject: Subject, at: &str, out: &mut Vec<Finding>) {
    let Some((service, name)) = action.split_once(':') else {
        return;
    };
    if service.contains('*') {
        return;
    }
    let Some(actions) = stackdef_registry::iam_actions(service) else {
        let hint = closest(service, stackdef_registry::iam_services())
            .map(|c| format!("; did you mean {c}?"))
            .unwrap_or_default();
        out.push(Finding::new(
            catalog::UNKNOWN_IAM_ACTION,
            subject,
            at,
            format!("`{service}` is not an IAM service prefix{hint}"),
        ));
        return;
    };
    let actions: Vec<&str> = actions.collect();
    let wanted = name.to_ascii_lowercase();
    let known = if wanted.contains(['*', '?']) {
        actions.iter().any(|a| wildcard(&wanted, a))
    } else {
        actions.contains(&wanted.as_str())
    };
    if !known {
        let hint = closest(&wanted, actions.iter().copied())
            .map(|c| format!("; did you mean {service}:{c}?"))
            .unwrap_or_default();
        out.push(Finding::new(
            catalog::UNKNOWN_IAM_ACTION,
            subject,
            at,
            format!("`{action}` is not an action of {service}{hint} (matched without case)"),
        ));
    }
}

/// IAM's `*`/`?` matching.
fn wildcard(pattern: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pattern.chars().collect(), s.chars().collect());
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn principals(
    principal: &Expr,
    kind: Kind,
    effect: Option<&str>,
    conditional: bool,
    subject: Subject,
    at: &str,
    out: &mut Vec<Finding>,
) {
    let anyone = match principal {
        Expr::String(s) => s == "*",
        Expr::Map(m) => m
            .get("AWS")
            .map(one_or_many)
            .unwrap_or_default()
            .into_iter()
            .any(|x| str_of(x) == Some("*")),
        _ => false,
    };
    if kind == Kind::Trust && anyone && effect == Some("Allow") && !conditional {
        out.push(Finding::new(
            catalog::TRUST_ANYONE,
            subject,
            format!("{at}.Principal"),
            "anyone may assume this role; name the accounts, roles or services that should, or acknowledge SD7008 with the reason",
        ));
    }
    let Some(services) = map_of(principal).and_then(|m| m.get("Service")) else {
        return;
    };
    for s in one_or_many(services).into_iter().filter_map(str_of) {
        let Some(service) = s.strip_suffix(".amazonaws.com") else {
            continue;
        };
        if SERVICE_PRINCIPALS.contains(&service) {
            continue;
        }
        // Only a near miss of a known name is reported: the list is not every service. A
        // short name is one or two edits from many real ones (`es` from `ecs`, `sso` from
        // `ssm`, `ds` from `dms`), so an edit must be at most a quarter of the name.
        if let Some(c) = closest(service, SERVICE_PRINCIPALS.iter().copied())
            && let d = crate::schema::edit_distance(service, c)
            && d <= 2
            && d * 4 <= service.len()
        {
            out.push(Finding::new(
                catalog::UNKNOWN_SERVICE_PRINCIPAL,
                subject,
                format!("{at}.Principal.Service"),
                format!("`{s}` is not a service principal; did you mean `{c}.amazonaws.com`?"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard("get*", "getobject"));
        assert!(wildcard("*object", "getobject"));
        assert!(wildcard("g?tobject", "getobject"));
        assert!(!wildcard("put*", "getobject"));
    }
}
