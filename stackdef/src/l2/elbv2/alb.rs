//! [`Alb`]: an application load balancer with its own security group.

use stackdef_synth::SourceLocation;

use super::listener::{DefaultAction, Listener, ListenerProps, ListenerProtocol};
use crate::cfn::elasticloadbalancingv2::{self as l1, listener as li, load_balancer as lb};
use crate::ec2::{
    Connectable, Connections, Peer, Port, SecurityGroup, SecurityGroupProps, SubnetSelection,
    SubnetType, Vpc,
};
use crate::l2::support::check_hyphen_name;
use crate::resource::{CfnResource, Resource};
use crate::s3::Bucket;
use crate::value::{LoadBalancerArn, Value};
use crate::{Construct, Node};

/// Longest name AWS accepts for a load balancer or a target group.
pub const MAX_NAME_LEN: usize = 32;

/// Where a load balancer writes its access logs.
#[derive(Debug, Clone, Default)]
pub enum AccessLogs {
    /// Into a bucket made for it (objects expire after 90 days). The default.
    #[default]
    Auto,
    /// Into this bucket (its policy must let load balancers deliver: see
    /// [`Bucket::for_load_balancer_logs`]), under this prefix.
    To(Bucket, String),
    /// No access logs (requests leave no trace: for throwaway environments).
    Disabled,
}

/// Options of an [`Alb`].
#[derive(Debug, Clone)]
pub struct AlbProps {
    /// Reachable from the internet (else only inside the VPC). default: `true`.
    pub internet_facing: bool,
    /// `Name` (at most 32 letters, digits and hyphens). default: generated.
    pub load_balancer_name: Option<String>,
    /// Where the load balancer's nodes live. default: public subnets when internet-facing,
    /// private ones otherwise.
    pub vpc_subnets: Option<SubnetSelection>,
    /// Seconds an idle connection is kept. default: `60`.
    pub idle_timeout_secs: u32,
    /// Refuse deletion through the API until turned off (turn it off before `stackdef
    /// destroy`). default: `true`.
    pub deletion_protection: bool,
    /// Drop HTTP headers with invalid names instead of passing them to targets.
    /// default: `true`.
    pub drop_invalid_header_fields: bool,
    /// Access logs. default: [`AccessLogs::Auto`].
    pub access_logs: AccessLogs,
}

impl Default for AlbProps {
    fn default() -> Self {
        AlbProps {
            internet_facing: true,
            load_balancer_name: None,
            vpc_subnets: None,
            idle_timeout_secs: 60,
            deletion_protection: true,
            drop_invalid_header_fields: true,
            access_logs: AccessLogs::Auto,
        }
    }
}

/// Why `name` is not a valid load balancer / target group name.
pub fn check_name(what: &str, name: &str) -> Option<String> {
    if let Some(p) = check_hyphen_name(what, name, MAX_NAME_LEN) {
        return Some(p);
    }
    if name.starts_with("internal-") {
        return Some(format!("{what} `{name}` cannot start with `internal-`"));
    }
    None
}

/// An application load balancer with its own security group.
#[derive(Debug, Clone, Construct)]
pub struct Alb {
    node: Node,
    resource: l1::LoadBalancer,
    security_group: SecurityGroup,
    pub(crate) vpc: Vpc,
    internet_facing: bool,
}

impl Resource for Alb {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl Connectable for Alb {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.security_group.clone()])
    }
}

impl Alb {
    /// A load balancer in `vpc`. Fewer than two availability zones and invalid names are
    /// reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, vpc: &Vpc, props: AlbProps) -> Alb {
        let node = Node::new(scope, id);
        let selection = props
            .vpc_subnets
            .clone()
            .unwrap_or(if props.internet_facing {
                SubnetSelection::Type(SubnetType::Public)
            } else {
                SubnetSelection::Private
            });
        let selected = vpc.select_subnets(selection.clone());
        if let Some(why) = vpc.explain_az_shortfall(&selection, &selected, 2) {
            node.report_message(format!(
                "an application load balancer needs subnets in at least two availability zones: {why}"
            ));
        }
        if props.internet_facing && !selected.subnets.is_empty() && !selected.any_public() {
            node.report_message(
                "an internet-facing load balancer must be in public subnets; use internet_facing: false for private subnets",
            );
        }
        if let Some(name) = &props.load_balancer_name
            && let Some(p) = check_name("load balancer name", name)
        {
            node.report_message(p);
        }
        if !(1..=4000).contains(&props.idle_timeout_secs) {
            node.report_message(format!(
                "idle timeout {}s is out of range: 1 to 4000",
                props.idle_timeout_secs
            ));
        }
        let security_group = SecurityGroup::new(
            &node,
            "SecurityGroup",
            vpc,
            SecurityGroupProps {
                description: Some(format!("Load balancer {}", node.path())),
                allow_all_outbound: false,
            },
        );
        let attr = |k: &str, v: Value<String>| lb::LoadBalancerAttribute::new().key(k).value(v);
        let logs = match &props.access_logs {
            AccessLogs::Auto => Some((
                Bucket::for_load_balancer_logs(&node, "AccessLogs", 90),
                String::new(),
            )),
            AccessLogs::To(bucket, prefix) => Some((bucket.clone(), prefix.clone())),
            AccessLogs::Disabled => None,
        };
        let mut attributes = vec![
            attr(
                "deletion_protection.enabled",
                props.deletion_protection.to_string().into(),
            ),
            attr(
                "idle_timeout.timeout_seconds",
                props.idle_timeout_secs.to_string().into(),
            ),
            attr(
                "routing.http.drop_invalid_header_fields.enabled",
                props.drop_invalid_header_fields.to_string().into(),
            ),
        ];
        if let Some((bucket, prefix)) = &logs {
            attributes.push(attr("access_logs.s3.enabled", "true".into()));
            attributes.push(attr("access_logs.s3.bucket", bucket.bucket_name().into()));
            if !prefix.is_empty() {
                attributes.push(attr("access_logs.s3.prefix", prefix.as_str().into()));
            }
        }
        let mut l1_props = l1::LoadBalancerProps::new()
            .type_(lb::Type::Application)
            .scheme(if props.internet_facing {
                lb::Scheme::InternetFacing
            } else {
                lb::Scheme::Internal
            })
            .subnets(selected.subnet_ids())
            .security_groups(vec![security_group.security_group_id()])
            .load_balancer_attributes(attributes);
        if let Some(name) = &props.load_balancer_name {
            l1_props = l1_props.name(name.as_str());
        }
        let resource = l1::LoadBalancer::new(&node, "Resource", l1_props);
        // Elastic Load Balancing checks it may write the logs when it turns them on.
        if let Some(policy) = logs.as_ref().and_then(|(b, _)| b.policy()) {
            resource.add_depends_on(&policy);
        }
        if props.internet_facing {
            for dep in &selected.internet_dependencies {
                resource.add_depends_on(dep);
            }
        }
        Alb {
            node,
            resource,
            security_group,
            vpc: vpc.clone(),
            internet_facing: props.internet_facing,
        }
    }

    /// `DNSName`.
    pub fn dns_name(&self) -> Value<String> {
        self.resource.attr_dns_name()
    }

    /// `CanonicalHostedZoneID`: the Route 53 zone of the load balancer's DNS name (what an
    /// alias record to it names).
    pub fn canonical_hosted_zone_id(&self) -> Value<String> {
        self.resource.attr_canonical_hosted_zone_id()
    }

    /// `LoadBalancerFullName` (`app/<name>/<id>`, for CloudWatch metrics).
    pub fn full_name(&self) -> Value<String> {
        self.resource.attr_load_balancer_full_name()
    }

    /// Whether it is reachable from the internet.
    pub fn is_internet_facing(&self) -> bool {
        self.internet_facing
    }

    /// The load balancer's VPC.
    pub fn vpc(&self) -> &Vpc {
        &self.vpc
    }

    /// `Ref`: the load balancer ARN.
    pub fn arn(&self) -> Value<LoadBalancerArn> {
        self.resource.load_balancer_arn()
    }

    /// The load balancer's security group.
    pub fn security_group(&self) -> SecurityGroup {
        self.security_group.clone()
    }

    /// Adds a listener. Its port is opened to clients (anywhere when internet-facing, the
    /// VPC's block otherwise) unless `props.open` is false.
    #[track_caller]
    pub fn add_listener(&self, id: &str, props: ListenerProps) -> Listener {
        let loc = SourceLocation::caller();
        let node = Node::new(&self.node, id);
        if props.port == 0 {
            node.report_message_at(loc, "listener port 0 is out of range: ports are 1 to 65535");
        }
        let default = match &props.default_action {
            DefaultAction::NotFound => li::Action::new(li::Type::FixedResponse)
                .fixed_response_config(
                    li::FixedResponseConfig::new("404")
                        .content_type("text/plain")
                        .message_body("Not found"),
                ),
            DefaultAction::RedirectToHttps { port } => li::Action::new(li::Type::Redirect)
                .redirect_config(
                    li::RedirectConfig::new(li::StatusCode::Http301)
                        .protocol("HTTPS")
                        .port(port.to_string()),
                ),
        };
        let mut l1_props =
            l1::ListenerProps::new(vec![default], self.arn()).port(i64::from(props.port));
        match &props.protocol {
            ListenerProtocol::Http => l1_props = l1_props.protocol(li::Protocol::Http),
            ListenerProtocol::Https {
                certificate_arn,
                ssl_policy,
            } => {
                l1_props = l1_props
                    .protocol(li::Protocol::Https)
                    .certificates(vec![
                        li::Certificate::new().certificate_arn(certificate_arn.clone()),
                    ])
                    .ssl_policy(ssl_policy.as_str());
            }
        }
        let resource = l1::Listener::new(&node, "Resource", l1_props);
        if props.open && props.port != 0 {
            let port = Port::tcp(props.port);
            if self.internet_facing {
                self.security_group.add_ingress(
                    Peer::any_ipv4(),
                    port,
                    &format!("{port} from anywhere (listener {id})"),
                );
            } else {
                self.security_group.add_ingress(
                    Peer::ipv4(self.vpc.cidr()),
                    port,
                    &format!("{port} from the VPC (listener {id})"),
                );
            }
        }
        let https = matches!(props.protocol, ListenerProtocol::Https { .. });
        Listener::new(node, resource, self.clone(), props.port, https)
    }

    /// Adds a port-80 listener that redirects every request to HTTPS on port 443.
    #[track_caller]
    pub fn redirect_http_to_https(&self, id: &str) -> Listener {
        self.add_listener(
            id,
            ListenerProps {
                default_action: DefaultAction::RedirectToHttps { port: 443 },
                ..ListenerProps::http(80)
            },
        )
    }
}
