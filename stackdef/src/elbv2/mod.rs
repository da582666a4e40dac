//! Application load balancers: [`Alb`], its [`Listener`]s and [`TargetGroup`]s.
//!
//! A listener forwards to a [`LoadBalancerTarget`] (a Fargate service): the target group's
//! port is the service container's port and the security group rule between the load
//! balancer and the service is written for you, so the two cannot disagree.
//!
//! Only load balancer targets can be forwarded to:
//!
//! ```compile_fail,E0277
//! use stackdef::ec2::{Vpc, VpcProps};
//! use stackdef::ecs::{Cluster, ClusterProps};
//! use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroupProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
//! let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
//! let http = alb.add_listener("Http", ListenerProps::http(80));
//! http.forward_to("App", &cluster, TargetGroupProps::default());
//! ```

use std::cell::Cell;

use stackdef_synth::SourceLocation;

use crate::cfn::elasticloadbalancingv2::{
    self as l1, listener as li, load_balancer as lb, target_group as tgm,
};
use crate::ec2::{
    Connectable, Connections, Port, SecurityGroup, SecurityGroupProps, SubnetSelection, SubnetType,
    Vpc,
};
use crate::l2;
use crate::resource::{CfnResource, Resource};
use crate::value::{ListenerArn, LoadBalancerArn, TargetGroupArn, ToTemplate, Value};
use crate::{Construct, Node};

/// Longest name AWS accepts for a load balancer or a target group.
pub const MAX_NAME_LEN: usize = 32;

/// Options of an [`Alb`].
#[derive(Debug, Clone, PartialEq)]
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
    /// Refuse deletion through the API until turned off. default: `false`.
    pub deletion_protection: bool,
    /// Drop HTTP headers with invalid names instead of passing them to targets.
    /// default: `true`.
    pub drop_invalid_header_fields: bool,
}

impl Default for AlbProps {
    fn default() -> Self {
        AlbProps {
            internet_facing: true,
            load_balancer_name: None,
            vpc_subnets: None,
            idle_timeout_secs: 60,
            deletion_protection: false,
            drop_invalid_header_fields: true,
        }
    }
}

/// Why `name` is not a valid load balancer / target group name.
pub fn check_name(what: &str, name: &str) -> Option<String> {
    if let Some(p) = l2::check_hyphen_name(what, name, MAX_NAME_LEN) {
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
    vpc: Vpc,
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
        if selected.az_count() < 2 {
            node.report_message(format!(
                "an application load balancer needs subnets in at least two availability zones; {:?} gives {}",
                selection,
                selected.az_count()
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
        let attr = |k: &str, v: String| lb::LoadBalancerAttribute::new().key(k).value(v);
        let mut l1_props = l1::LoadBalancerProps::new()
            .type_(lb::Type::Application)
            .scheme(if props.internet_facing {
                lb::Scheme::InternetFacing
            } else {
                lb::Scheme::Internal
            })
            .subnets(selected.subnet_ids())
            .security_groups(vec![security_group.security_group_id()])
            .load_balancer_attributes(vec![
                attr(
                    "deletion_protection.enabled",
                    props.deletion_protection.to_string(),
                ),
                attr(
                    "idle_timeout.timeout_seconds",
                    props.idle_timeout_secs.to_string(),
                ),
                attr(
                    "routing.http.drop_invalid_header_fields.enabled",
                    props.drop_invalid_header_fields.to_string(),
                ),
            ]);
        if let Some(name) = &props.load_balancer_name {
            l1_props = l1_props.name(name.as_str());
        }
        let resource = l1::LoadBalancer::new(&node, "Resource", l1_props);
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
            l2::report_at(
                &node,
                loc,
                "listener port 0 is out of range: ports are 1 to 65535",
            );
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
                    crate::ec2::Peer::any_ipv4(),
                    port,
                    &format!("{port} from anywhere (listener {id})"),
                );
            } else {
                self.security_group.add_ingress(
                    crate::ec2::Peer::ipv4(self.vpc.cidr()),
                    port,
                    &format!("{port} from the VPC (listener {id})"),
                );
            }
        }
        Listener {
            node,
            resource,
            alb: self.clone(),
            forwarded: Cell::new(false),
        }
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

/// Listener protocol.
#[derive(Debug, Clone, PartialEq)]
pub enum ListenerProtocol {
    /// Plain HTTP.
    Http,
    /// HTTPS terminated at the load balancer.
    Https {
        /// An ACM certificate ARN.
        certificate_arn: Value<String>,
        /// Security policy. Use [`Self::https`] for TLS 1.2+ with forward secrecy.
        ssl_policy: String,
    },
}

impl ListenerProtocol {
    /// HTTPS with `certificate_arn` and a TLS 1.2/1.3-only policy.
    pub fn https(certificate_arn: impl Into<Value<String>>) -> Self {
        ListenerProtocol::Https {
            certificate_arn: certificate_arn.into(),
            ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06".into(),
        }
    }
}

/// What a listener does with requests no rule forwards.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultAction {
    /// Answer 404 (until [`Listener::forward_to`] replaces it).
    NotFound,
    /// Redirect to HTTPS on `port`.
    RedirectToHttps {
        /// The HTTPS port.
        port: u16,
    },
}

/// Options of a [`Listener`].
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerProps {
    /// Port. Required.
    pub port: u16,
    /// Protocol. default: HTTP.
    pub protocol: ListenerProtocol,
    /// Open the port in the load balancer's security group. default: `true`.
    pub open: bool,
    /// Default action. default: [`DefaultAction::NotFound`] until something is forwarded.
    pub default_action: DefaultAction,
}

impl ListenerProps {
    /// An HTTP listener on `port`.
    pub fn http(port: u16) -> Self {
        ListenerProps {
            port,
            protocol: ListenerProtocol::Http,
            open: true,
            default_action: DefaultAction::NotFound,
        }
    }

    /// An HTTPS listener on `port` with an ACM certificate.
    pub fn https(port: u16, certificate_arn: impl Into<Value<String>>) -> Self {
        ListenerProps {
            protocol: ListenerProtocol::https(certificate_arn),
            ..ListenerProps::http(port)
        }
    }
}

/// A listener of an [`Alb`].
#[derive(Debug, Construct)]
pub struct Listener {
    node: Node,
    resource: l1::Listener,
    alb: Alb,
    forwarded: Cell<bool>,
}

impl Resource for Listener {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl Listener {
    /// `Ref`: the listener ARN.
    pub fn arn(&self) -> Value<ListenerArn> {
        self.resource.listener_arn()
    }
}

/// A load balancer health check.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    /// Path requested (must start with `/`). default: `/`.
    pub path: String,
    /// Seconds between checks (5-300). default: `30`.
    pub interval_secs: u32,
    /// Seconds to wait for an answer (2-120, less than the interval). default: `5`.
    pub timeout_secs: u32,
    /// Successes before a target is healthy (2-10). default: `3`.
    pub healthy_threshold: u32,
    /// Failures before a target is unhealthy (2-10). default: `2`.
    pub unhealthy_threshold: u32,
    /// HTTP codes meaning healthy (`200`, `200-299`, `200,302`). default: `200`.
    pub healthy_http_codes: String,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            path: "/".into(),
            interval_secs: 30,
            timeout_secs: 5,
            healthy_threshold: 3,
            unhealthy_threshold: 2,
            healthy_http_codes: "200".into(),
        }
    }
}

impl HealthCheck {
    /// Defaults with this path.
    pub fn http(path: &str) -> Self {
        HealthCheck {
            path: path.to_owned(),
            ..Default::default()
        }
    }

    /// Every problem with these settings.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.path.starts_with('/') {
            out.push(format!(
                "health check path `{}` must start with `/` (for example `/{}`)",
                self.path,
                self.path.trim_start_matches('/')
            ));
        }
        if self.path.len() > 1024 {
            out.push("health check path is longer than 1024 characters".into());
        }
        if !(5..=300).contains(&self.interval_secs) {
            out.push(format!(
                "health check interval {}s is out of range: 5 to 300",
                self.interval_secs
            ));
        }
        if !(2..=120).contains(&self.timeout_secs) || self.timeout_secs >= self.interval_secs {
            out.push(format!(
                "health check timeout {}s must be 2 to 120 and less than the interval ({}s)",
                self.timeout_secs, self.interval_secs
            ));
        }
        for (what, v) in [
            ("healthy", self.healthy_threshold),
            ("unhealthy", self.unhealthy_threshold),
        ] {
            if !(2..=10).contains(&v) {
                out.push(format!("{what} threshold {v} is out of range: 2 to 10"));
            }
        }
        out
    }
}

/// Options of a [`TargetGroup`] made by [`Listener::forward_to`].
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroupProps {
    /// Health check. default: [`HealthCheck::default`] (`/`, every 30 s).
    pub health_check: HealthCheck,
    /// `Name` (at most 32 letters, digits and hyphens). default: generated.
    pub target_group_name: Option<String>,
    /// Seconds in-flight requests may take to finish when a target leaves. default: `30`.
    pub deregistration_delay_secs: u32,
}

impl Default for TargetGroupProps {
    fn default() -> Self {
        TargetGroupProps {
            health_check: HealthCheck::default(),
            target_group_name: None,
            deregistration_delay_secs: 30,
        }
    }
}

/// Something a listener can send traffic to (a Fargate service or one of its containers).
pub trait LoadBalancerTarget: Connectable {
    /// The port the target receives traffic on, or why there is none.
    fn target_port(&self) -> Result<u16, String>;

    /// Registers the target with `target_group`; `listener` is the listener resource the
    /// target must wait for.
    fn attach(&self, target_group: &TargetGroup, listener: &CfnResource);
}

/// A target group (IP targets over HTTP).
#[derive(Debug, Clone)]
pub struct TargetGroup {
    resource: l1::TargetGroup,
    port: u16,
}

impl Construct for TargetGroup {
    fn node(&self) -> &Node {
        self.resource.node()
    }
}

impl Resource for TargetGroup {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl TargetGroup {
    /// `Ref`: the target group ARN.
    pub fn arn(&self) -> Value<TargetGroupArn> {
        self.resource.target_group_arn()
    }

    /// The port traffic is sent to.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Listener {
    /// Forwards every request to `target` through a new target group whose port is the
    /// target's own, and allows that port from the load balancer to the target.
    #[track_caller]
    pub fn forward_to(
        &self,
        id: &str,
        target: &impl LoadBalancerTarget,
        props: TargetGroupProps,
    ) -> TargetGroup {
        let loc = SourceLocation::caller();
        let node = Node::new(&self.node, id);
        if self.forwarded.replace(true) {
            l2::report_at(
                &node,
                loc,
                "this listener already forwards to a target group; use another listener",
            );
        }
        let port = match target.target_port() {
            Ok(p) => p,
            Err(problem) => {
                l2::report_at(&node, loc, problem);
                0
            }
        };
        for p in props.health_check.problems() {
            l2::report_at(&node, loc, p);
        }
        if let Some(name) = &props.target_group_name
            && let Some(p) = check_name("target group name", name)
        {
            l2::report_at(&node, loc, p);
        }
        if props.deregistration_delay_secs > 3600 {
            l2::report_at(
                &node,
                loc,
                format!(
                    "deregistration delay {}s is out of range: 0 to 3600",
                    props.deregistration_delay_secs
                ),
            );
        }
        let hc = &props.health_check;
        let mut l1_props = l1::TargetGroupProps::new()
            .target_type(tgm::TargetType::Ip)
            .protocol(tgm::Protocol::Http)
            .port(i64::from(port))
            .vpc_id(self.alb.vpc.vpc_id())
            .health_check_enabled(true)
            .health_check_protocol(tgm::HealthCheckProtocol::Http)
            .health_check_path(hc.path.as_str())
            .health_check_interval_seconds(i64::from(hc.interval_secs))
            .health_check_timeout_seconds(i64::from(hc.timeout_secs))
            .healthy_threshold_count(i64::from(hc.healthy_threshold))
            .unhealthy_threshold_count(i64::from(hc.unhealthy_threshold))
            .matcher(tgm::Matcher::new().http_code(hc.healthy_http_codes.as_str()))
            .target_group_attributes(vec![
                tgm::TargetGroupAttribute::new()
                    .key("deregistration_delay.timeout_seconds")
                    .value(props.deregistration_delay_secs.to_string()),
            ]);
        if let Some(name) = &props.target_group_name {
            l1_props = l1_props.name(name.as_str());
        }
        let resource = l1::TargetGroup::new(&node, "Resource", l1_props);
        let tg = TargetGroup { resource, port };
        // The default action becomes a forward once there is a target group.
        self.resource.set_property(
            "DefaultActions",
            vec![li::Action::new(li::Type::Forward).target_group_arn(tg.arn())].to_template(),
        );
        if port != 0 {
            target.allow_from(&self.alb, Port::tcp(port));
        }
        target.attach(&tg, self.resource.cfn());
        tg
    }
}
