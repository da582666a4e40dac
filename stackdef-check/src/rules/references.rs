//! References: attributes that exist, references to the right kind of resource, public
//! addresses of instances that have none.

use stackdef_registry::TypeSchema;
use stackdef_synth::{Expr, ResourceModel, SubPart};

use crate::catalog;
use crate::view::{ModelView, bool_of, get, list_of, map_of};
use crate::{Finding, Subject};

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    let model = v.model;
    for (i, r) in model.resources.iter().enumerate() {
        for (name, value) in &r.properties {
            visit(value, name, &mut |e, at| {
                attribute(v, e, Subject::Resource(i), at, out);
                public_address(v, e, Subject::Resource(i), at, out);
            });
        }
    }
    for (i, o) in model.outputs.iter().enumerate() {
        visit(&o.value, "Value", &mut |e, at| {
            attribute(v, e, Subject::Output(i), at, out);
            public_address(v, e, Subject::Output(i), at, out);
        });
    }
    reference_kinds(v, out);
}

/// Calls `f` on every expression inside `e` (with its property path).
pub(crate) fn visit(e: &Expr, at: &str, f: &mut dyn FnMut(&Expr, &str)) {
    f(e, at);
    match e {
        Expr::List(items) => {
            for (i, item) in items.iter().enumerate() {
                visit(item, &format!("{at}[{i}]"), f);
            }
        }
        Expr::Map(m) => {
            for (k, x) in m {
                visit(x, &format!("{at}.{k}"), f);
            }
        }
        Expr::Sub(parts) => {
            for p in parts {
                if let SubPart::Expr(x) = p {
                    visit(x, at, f);
                }
            }
        }
        Expr::Join(_, x)
        | Expr::Split(_, x)
        | Expr::GetAzs(x)
        | Expr::ImportValue(x)
        | Expr::Not(x)
        | Expr::Base64(x) => visit(x, at, f),
        Expr::If(_, a, b) | Expr::Select(a, b) | Expr::Equals(a, b) | Expr::FindInMap(_, a, b) => {
            visit(a, at, f);
            visit(b, at, f);
        }
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| visit(x, at, f)),
        Expr::Cidr(a, b, c) => {
            visit(a, at, f);
            visit(b, at, f);
            visit(c, at, f);
        }
        _ => {}
    }
}

/// Types whose attributes are not all in their schema (stack outputs, custom resources).
fn open_attributes(type_name: &str) -> bool {
    !type_name.starts_with("AWS::")
        || matches!(
            type_name,
            "AWS::CloudFormation::Stack"
                | "AWS::CloudFormation::CustomResource"
                | "AWS::Serverless::Application"
        )
}

/// Whether `schema` has attribute `attr`, allowing nested paths under an object attribute.
fn has_attribute(schema: &TypeSchema, attr: &str) -> bool {
    let names = schema
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .chain(schema.read_only.iter().map(String::as_str));
    names.into_iter().any(|p| {
        let p = p.replace(".*", "");
        p == attr || attr.starts_with(&format!("{p}.")) || p.starts_with(&format!("{attr}."))
    })
}

/// `SD2001`: `Fn::GetAtt` of an attribute the type lacks.
fn attribute(v: &ModelView<'_>, e: &Expr, subject: Subject, at: &str, out: &mut Vec<Finding>) {
    let Expr::GetAtt(k, attr) = e else { return };
    let Some(target) = v.model.resource(*k) else {
        return;
    };
    if open_attributes(&target.type_name) {
        return;
    }
    let Some(schema) = stackdef_registry::schema(&target.type_name) else {
        return;
    };
    if has_attribute(schema, attr) {
        return;
    }
    let hint = crate::schema::closest(attr, schema.attributes.iter().map(|a| a.name.as_str()))
        .map(|c| format!("; did you mean {c}?"))
        .unwrap_or_else(|| {
            let all: Vec<&str> = schema.attributes.iter().map(|a| a.name.as_str()).collect();
            format!("; it has {}", all.join(", "))
        });
    out.push(Finding::new(
        catalog::UNKNOWN_ATTRIBUTE,
        subject,
        at,
        format!(
            "Fn::GetAtt of `{attr}` of {} ({}), which has no such attribute{hint}",
            v.model.resource_path(target),
            target.type_name
        ),
    ));
}

/// Whether an instance gets a public address: `Some(true/false)` when the template says,
/// `None` when it depends on something synth cannot see.
fn instance_has_public_address(
    v: &ModelView<'_>,
    key_index: usize,
    r: &ResourceModel,
) -> Option<bool> {
    // An Elastic IP attached to it gives it one.
    let eip = v.model.resources.iter().any(|other| {
        matches!(
            other.type_name.as_str(),
            "AWS::EC2::EIP" | "AWS::EC2::EIPAssociation"
        ) && other
            .properties
            .get("InstanceId")
            .is_some_and(|x| matches!(x, Expr::Ref(k) if k.index as usize == key_index))
    });
    if eip {
        return Some(true);
    }
    let subnet_of = |e: Option<&Expr>| -> Option<Option<bool>> {
        // The subnet's own setting: `Some(map)` when it is a subnet of this app.
        let (_, subnet) = v.target(e?)?;
        (subnet.type_name == "AWS::EC2::Subnet").then(|| {
            match subnet.properties.get("MapPublicIpOnLaunch") {
                None => Some(false),
                Some(x) => bool_of(x),
            }
        })
    };
    if let Some(nis) = r.properties.get("NetworkInterfaces") {
        let nis = list_of(nis)?;
        let first = nis.iter().find(|ni| {
            map_of(ni)
                .and_then(|m| m.get("DeviceIndex"))
                .and_then(crate::view::text)
                .is_none_or(|d| d == "0")
        })?;
        let m = map_of(first)?;
        return match m.get("AssociatePublicIpAddress") {
            Some(x) => bool_of(x),
            None => subnet_of(m.get("SubnetId"))?,
        };
    }
    match r.properties.get("SubnetId") {
        // No subnet: the default VPC's subnets give public addresses.
        None => None,
        Some(s) => subnet_of(Some(s))?,
    }
}

/// `SD2003`: the public address of an instance that gets none.
fn public_address(v: &ModelView<'_>, e: &Expr, subject: Subject, at: &str, out: &mut Vec<Finding>) {
    let Expr::GetAtt(k, attr) = e else { return };
    if !matches!(attr.as_str(), "PublicIp" | "PublicDnsName") {
        return;
    }
    let Some(target) = v.model.resource(*k) else {
        return;
    };
    if target.type_name != "AWS::EC2::Instance" {
        return;
    }
    if instance_has_public_address(v, k.index as usize, target) == Some(false) {
        let user = match subject {
            Subject::Output(i) => format!("output `{}`", v.model.outputs[i].id),
            Subject::Resource(i) => v.model.resource_path(&v.model.resources[i]),
            Subject::Parameter(i) => format!("parameter `{}`", v.model.parameters[i].id),
        };
        out.push(Finding::new(
            catalog::PUBLIC_IP_OF_PRIVATE_INSTANCE,
            subject,
            at,
            format!(
                "{user} reads `{attr}` of {}, which gets no public address (its subnet does not assign one and its network interface does not ask for one); use its private address, or place it in a public subnet with a public IP",
                v.model.resource_path(target)
            ),
        ));
    }
}

/// The kinds of id (`VpcId`) a resource of `type_name` produces by `Ref` or attributes.
fn produced_ids(type_name: &str) -> Vec<&'static str> {
    let Some(schema) = stackdef_registry::schema(type_name) else {
        return Vec::new();
    };
    let mut ids: Vec<&'static str> = schema.ref_id.iter().map(String::as_str).collect();
    ids.extend(schema.attributes.iter().filter_map(|a| a.id.as_deref()));
    ids
}

/// Whether an `Fn::GetAtt` of `attr` of a resource of `type_name` yields an id of a kind the
/// schema names. An attribute without one may be any id: a subnet's `VpcId` attribute is a
/// VPC id though the schema gives it no kind, so `VpcId: Fn::GetAtt Subnet.VpcId` must not
/// be judged by the subnet's own kinds (that made CloudFormation-valid templates fail).
fn attribute_has_kind(type_name: &str, attr: &str) -> bool {
    stackdef_registry::schema(type_name)
        .and_then(|s| s.attribute(attr))
        .is_some_and(|a| a.id.is_some())
}

/// `SD2002`: a reference to the wrong kind of resource where the schema names the kind.
fn reference_kinds(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, r) in v.model.resources.iter().enumerate() {
        let Some(schema) = stackdef_registry::schema(&r.type_name) else {
            continue;
        };
        for f in &schema.properties().fields {
            let expected = match &f.shape {
                stackdef_registry::Shape::String(s) => s.id.as_deref(),
                stackdef_registry::Shape::List { items, .. } => match items.as_ref() {
                    stackdef_registry::Shape::String(s) => s.id.as_deref(),
                    _ => None,
                },
                _ => None,
            };
            let Some(expected) = expected else { continue };
            let Some(value) = get(&r.properties, &f.name) else {
                continue;
            };
            let values: Vec<(String, &Expr)> = match value {
                Expr::List(items) => items
                    .iter()
                    .enumerate()
                    .map(|(n, x)| (format!("{}[{n}]", f.name), x))
                    .collect(),
                other => vec![(f.name.clone(), other)],
            };
            for (at, x) in values {
                let Some((_, target)) = v.target(x) else {
                    continue;
                };
                if let Expr::GetAtt(_, attr) = x
                    && !attribute_has_kind(&target.type_name, attr)
                {
                    continue;
                }
                let ids = produced_ids(&target.type_name);
                if ids.is_empty() || ids.contains(&expected) {
                    continue;
                }
                out.push(Finding::new(
                    catalog::REFERENCE_KIND,
                    Subject::Resource(i),
                    at,
                    format!(
                        "expects a {expected} but refers to {} ({}), which is not that kind of resource",
                        v.model.resource_path(target),
                        target.type_name
                    ),
                ));
            }
        }
    }
}
