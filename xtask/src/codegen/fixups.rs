//! Named corrections applied to the schemas before generation (the k8s-openapi habit):
//! every fixup must still apply, or the generator fails, so a schema update that makes one
//! unnecessary (or wrong) is noticed in review.
//!
//! cfn-lint already annotates most identifier-valued properties with a `format` such as
//! `AWS::EC2::VPC.Id`; the generator turns those into typed ids. The rules below add the
//! annotation where cfn-lint lacks it, for the references stackdef's own constructs wire.

use serde_json::Value as Json;

/// Adds `format` (an identifier reference) to one property.
#[derive(Debug, Clone, Copy)]
pub struct IdFormat {
    /// Why the rule exists (shown when it fails).
    pub name: &'static str,
    /// The resource type.
    pub type_name: &'static str,
    /// `Prop` (top-level property) or `#Definition.Prop`.
    pub path: &'static str,
    /// `AWS::ECS::Cluster.Id` (the target's Ref), `....Ids` (a list of them) or `....Arn`.
    pub format: &'static str,
}

/// Rules adding identifier formats.
pub const ID_FORMATS: &[IdFormat] = &[
    IdFormat {
        name: "ECS service runs in a cluster (name or ARN; Ref of AWS::ECS::Cluster)",
        type_name: "AWS::ECS::Service",
        path: "Cluster",
        format: "AWS::ECS::Cluster.Id",
    },
    IdFormat {
        name: "ECS service runs a task definition (Ref of AWS::ECS::TaskDefinition is its ARN)",
        type_name: "AWS::ECS::Service",
        path: "TaskDefinition",
        format: "AWS::ECS::TaskDefinition.Id",
    },
    IdFormat {
        name: "ECS service load balancer target group",
        type_name: "AWS::ECS::Service",
        path: "#LoadBalancer.TargetGroupArn",
        format: "AWS::ElasticLoadBalancingV2::TargetGroup.Id",
    },
    IdFormat {
        name: "listener belongs to a load balancer",
        type_name: "AWS::ElasticLoadBalancingV2::Listener",
        path: "LoadBalancerArn",
        format: "AWS::ElasticLoadBalancingV2::LoadBalancer.Id",
    },
    IdFormat {
        name: "listener default action forwards to a target group",
        type_name: "AWS::ElasticLoadBalancingV2::Listener",
        path: "#Action.TargetGroupArn",
        format: "AWS::ElasticLoadBalancingV2::TargetGroup.Id",
    },
    IdFormat {
        name: "listener weighted forward to a target group",
        type_name: "AWS::ElasticLoadBalancingV2::Listener",
        path: "#TargetGroupTuple.TargetGroupArn",
        format: "AWS::ElasticLoadBalancingV2::TargetGroup.Id",
    },
    IdFormat {
        name: "listener rule belongs to a listener",
        type_name: "AWS::ElasticLoadBalancingV2::ListenerRule",
        path: "ListenerArn",
        format: "AWS::ElasticLoadBalancingV2::Listener.Id",
    },
    IdFormat {
        name: "listener rule forwards to a target group",
        type_name: "AWS::ElasticLoadBalancingV2::ListenerRule",
        path: "#Action.TargetGroupArn",
        format: "AWS::ElasticLoadBalancingV2::TargetGroup.Id",
    },
    IdFormat {
        name: "DB instance subnet group",
        type_name: "AWS::RDS::DBInstance",
        path: "DBSubnetGroupName",
        format: "AWS::RDS::DBSubnetGroup.Id",
    },
    IdFormat {
        name: "DB instance VPC security groups",
        type_name: "AWS::RDS::DBInstance",
        path: "VPCSecurityGroups",
        format: "AWS::EC2::SecurityGroup.Ids",
    },
    IdFormat {
        name: "DB cluster subnet group",
        type_name: "AWS::RDS::DBCluster",
        path: "DBSubnetGroupName",
        format: "AWS::RDS::DBSubnetGroup.Id",
    },
    IdFormat {
        name: "DB subnet group subnets",
        type_name: "AWS::RDS::DBSubnetGroup",
        path: "SubnetIds",
        format: "AWS::EC2::Subnet.Ids",
    },
    IdFormat {
        name: "route table association: route table",
        type_name: "AWS::EC2::SubnetRouteTableAssociation",
        path: "RouteTableId",
        format: "AWS::EC2::RouteTable.Id",
    },
    IdFormat {
        name: "route: route table",
        type_name: "AWS::EC2::Route",
        path: "RouteTableId",
        format: "AWS::EC2::RouteTable.Id",
    },
    IdFormat {
        name: "route: NAT gateway",
        type_name: "AWS::EC2::Route",
        path: "NatGatewayId",
        format: "AWS::EC2::NatGateway.Id",
    },
    IdFormat {
        name: "gateway attachment: internet gateway",
        type_name: "AWS::EC2::VPCGatewayAttachment",
        path: "InternetGatewayId",
        format: "AWS::EC2::InternetGateway.Id",
    },
];

/// Which property a type's `Ref` returns, where the schema's primary identifier is
/// composite but the Ref is documented to be one of its parts.
#[derive(Debug, Clone, Copy)]
pub struct RefOverride {
    /// The resource type.
    pub type_name: &'static str,
    /// The property the Ref returns.
    pub property: &'static str,
}

/// Ref overrides.
pub const REF_OVERRIDES: &[RefOverride] = &[RefOverride {
    type_name: "AWS::ECS::Service",
    property: "ServiceArn",
}];

/// Applies the [`ID_FORMATS`] rules of `type_name` to `schema`.
pub fn apply(type_name: &str, schema: &mut Json, used: &mut [bool]) -> Result<(), String> {
    for (i, rule) in ID_FORMATS.iter().enumerate() {
        if rule.type_name != type_name {
            continue;
        }
        let fail = |why: &str| {
            format!(
                "fixup {:?} ({} {}) no longer applies: {why}",
                rule.name, rule.type_name, rule.path
            )
        };
        let prop = match rule.path.strip_prefix('#') {
            Some(def_path) => {
                let (def, prop) = def_path.split_once('.').ok_or_else(|| fail("bad path"))?;
                schema
                    .pointer_mut(&format!("/definitions/{def}/properties/{prop}"))
                    .ok_or_else(|| fail("no such property"))?
            }
            None => schema
                .pointer_mut(&format!("/properties/{}", rule.path))
                .ok_or_else(|| fail("no such property"))?,
        };
        let obj = prop
            .as_object_mut()
            .ok_or_else(|| fail("property schema is not an object"))?;
        if obj.contains_key("format") {
            return Err(fail("the schema now has a format for it; remove the rule"));
        }
        let is_list = rule.format.ends_with(".Ids");
        let ty = obj.get("type").and_then(Json::as_str);
        if is_list != (ty == Some("array")) || (!is_list && ty != Some("string")) {
            return Err(fail("the property type changed"));
        }
        obj.insert("format".into(), Json::String(rule.format.into()));
        used[i] = true;
    }
    Ok(())
}
