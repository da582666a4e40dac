//! [`TargetGroup`]s, their health checks, and what can be a target.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use stackdef_synth::SourceLocation;

use super::alb::{Alb, check_name};
use crate::cfn::elasticloadbalancingv2::{self as l1, target_group as tgm};
use crate::ec2::{Connectable, Port, Vpc};
use crate::resource::{CfnResource, Resource};
use crate::value::{TargetGroupArn, Value};
use crate::{Construct, Node};

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
    /// HTTP codes meaning healthy, from 200 to 499: one code (`200`), a list (`200,302`)
    /// or a range (`200-299`). default: `200`.
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
        if let Some(problem) = self.matcher_problem() {
            out.push(problem);
        }
        out
    }

    /// Why `healthy_http_codes` is not a success matcher, if it is not.
    fn matcher_problem(&self) -> Option<String> {
        stackdef_check::rules::matcher_problem(&self.healthy_http_codes)
            .map(|p| format!("health check healthy_http_codes: {p}"))
    }
}

/// Options of a [`TargetGroup`].
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroupProps {
    /// Health check. default: [`HealthCheck::default`] (`/`, every 30 s).
    pub health_check: HealthCheck,
    /// `Name` (at most 32 letters, digits and hyphens). default: generated.
    pub target_group_name: Option<String>,
    /// Seconds in-flight requests may take to finish when a target leaves. default: `30`.
    pub deregistration_delay_secs: u32,
}

impl TargetGroupProps {
    /// Every problem with these settings.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.health_check.problems();
        if let Some(name) = &self.target_group_name
            && let Some(p) = check_name("target group name", name)
        {
            out.push(p);
        }
        if self.deregistration_delay_secs > 3600 {
            out.push(format!(
                "deregistration delay {}s is out of range: 0 to 3600",
                self.deregistration_delay_secs
            ));
        }
        out
    }

    /// The L1 properties of an IP target group on `port` (none yet: set when a target is
    /// registered) in `vpc`.
    pub(crate) fn l1_props(&self, port: Option<u16>, vpc: &Vpc) -> l1::TargetGroupProps {
        let hc = &self.health_check;
        let mut props = l1::TargetGroupProps::new();
        if let Some(port) = port {
            props = props.target_type(tgm::TargetType::Ip).port(i64::from(port));
        }
        props = props
            .protocol(tgm::Protocol::Http)
            .vpc_id(vpc.vpc_id())
            .health_check_enabled(true)
            .health_check_protocol(tgm::HealthCheckProtocol::Http)
            .health_check_path(hc.path.as_str())
            .health_check_interval_seconds(i64::from(hc.interval_secs))
            .health_check_timeout_seconds(i64::from(hc.timeout_secs))
            .healthy_threshold_count(i64::from(hc.healthy_threshold))
            .unhealthy_threshold_count(i64::from(hc.unhealthy_threshold))
            .target_group_attributes(vec![
                tgm::TargetGroupAttribute::new()
                    .key("deregistration_delay.timeout_seconds")
                    .value(self.deregistration_delay_secs.to_string()),
            ]);
        // An invalid matcher is reported in the construct's words (`problems`), so the
        // template check does not report it a second time.
        if hc.matcher_problem().is_none() {
            props = props.matcher(tgm::Matcher::new().http_code(hc.healthy_http_codes.as_str()));
        }
        if let Some(name) = &self.target_group_name {
            props = props.name(name.as_str());
        }
        props
    }
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

/// How a load balancer addresses the targets of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    /// By IP address (Fargate tasks and other `awsvpc` tasks).
    Ip,
}

/// Something a listener can send traffic to (a Fargate service or one of its containers).
pub trait LoadBalancerTarget: Connectable {
    /// The port the target receives traffic on, or why there is none.
    fn target_port(&self) -> Result<u16, String>;

    /// How the load balancer addresses it. default: [`TargetType::Ip`].
    fn target_type(&self) -> TargetType {
        TargetType::Ip
    }

    /// Registers the target with `target_group`; a problem (such as a second group on a
    /// service that CodeDeploy deploys) is reported at the user's line `location`.
    fn register(&self, target_group: &TargetGroup, location: SourceLocation);

    /// Makes the target wait for `forwarder`, a listener or rule forwarding to a group the
    /// target is registered with (a target group must belong to a load balancer before a
    /// service uses it).
    fn wait_for(&self, forwarder: &CfnResource);
}

struct TgInner {
    node: Node,
    resource: l1::TargetGroup,
    /// The port traffic is sent to; `None` until a target is registered or CodeDeploy
    /// claims the group for one.
    port: Cell<Option<u16>>,
    /// The load balancer forwarding to the group (a group belongs to one).
    load_balancer: RefCell<Option<Alb>>,
    /// Listeners and rules forwarding to the group.
    forwarders: RefCell<Vec<CfnResource>>,
    /// Registered targets.
    targets: RefCell<Vec<Rc<dyn LoadBalancerTarget>>>,
}

impl std::fmt::Debug for TgInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetGroup")
            .field("resource", &self.resource)
            .field("port", &self.port.get())
            .field("targets", &self.targets.borrow().len())
            .finish()
    }
}

/// A target group (IP targets over HTTP). Its port and target type come from what is
/// registered with it: a listener forwarding to a service makes one
/// ([`Listener::forward_to`](crate::elbv2::Listener::forward_to)), and
/// [`TargetGroup::new`] makes one that is filled later (by
/// [`TargetGroup::add_target`], or by CodeDeploy, which registers a service's replacement
/// tasks with a blue/green pair's second group).
#[derive(Debug, Clone)]
pub struct TargetGroup {
    inner: Rc<TgInner>,
}

impl Construct for TargetGroup {
    fn node(&self) -> &Node {
        &self.inner.node
    }
}

impl Resource for TargetGroup {
    fn cfn(&self) -> &CfnResource {
        self.inner.resource.cfn()
    }
}

impl TargetGroup {
    /// A target group in `vpc` with no targets yet. Its port and target type are set by
    /// the first target registered (or claimed for CodeDeploy); one that stays empty is
    /// reported at synth at this call, as are invalid settings.
    ///
    /// ```
    /// use stackdef::ec2::{Vpc, VpcProps};
    /// use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroup, TargetGroupProps};
    /// use stackdef::ecs::{Cluster, ClusterProps, ContainerImage, ContainerOptions, FargateService, FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps};
    /// use stackdef::{App, Env};
    /// let app = App::new();
    /// let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
    /// let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    /// let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
    /// let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    /// task.add_container("web", ContainerImage::registry("nginx:1.27"), ContainerOptions {
    ///     port_mappings: vec![8080],
    ///     ..Default::default()
    /// });
    /// let service = FargateService::new(&stack, "Web", &cluster, &task, FargateServiceProps::default());
    /// let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    /// let group = TargetGroup::new(&stack, "WebTargets", &vpc, TargetGroupProps::default());
    /// group.add_target(&service); // port 8080, from the container
    /// alb.add_listener("Http", ListenerProps::http(80)).forward_to_group(&group);
    /// # app.synthesize().unwrap();
    /// ```
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, vpc: &Vpc, props: TargetGroupProps) -> Self {
        let location = SourceLocation::caller();
        let node = Node::new(scope, id);
        for p in props.problems() {
            node.report_message_at(location, p);
        }
        let resource = l1::TargetGroup::new(&node, "Resource", props.l1_props(None, vpc));
        let group = TargetGroup::from_resource(node.clone(), resource, None);
        let check = group.clone();
        node.add_validation(move || {
            if check.inner.port.get().is_some() {
                return Vec::new();
            }
            vec!["this target group has no targets, so it has no port: register one with `add_target`, or give the group to a CodeDeploy deployment group as the green half of a blue/green pair".into()]
        });
        group
    }

    pub(crate) fn from_resource(node: Node, resource: l1::TargetGroup, port: Option<u16>) -> Self {
        TargetGroup {
            inner: Rc::new(TgInner {
                node,
                resource,
                port: Cell::new(port),
                load_balancer: RefCell::new(None),
                forwarders: RefCell::new(Vec::new()),
                targets: RefCell::new(Vec::new()),
            }),
        }
    }

    /// `Ref`: the target group ARN.
    pub fn arn(&self) -> Value<TargetGroupArn> {
        self.inner.resource.target_group_arn()
    }

    /// The port traffic is sent to: the registered target's (`None` while there is none).
    pub fn port(&self) -> Option<u16> {
        self.inner.port.get()
    }

    /// `TargetGroupName`.
    pub fn target_group_name(&self) -> Value<String> {
        self.inner.resource.attr_target_group_name()
    }

    /// `TargetGroupFullName` (`targetgroup/<name>/<id>`, for CloudWatch metrics).
    pub fn full_name(&self) -> Value<String> {
        self.inner.resource.attr_target_group_full_name()
    }

    /// The load balancer forwarding to this group, once a listener or rule does.
    pub fn load_balancer(&self) -> Option<Alb> {
        self.inner.load_balancer.borrow().clone()
    }

    /// Registers `target` (its port and target type become the group's), lets the load
    /// balancer reach it on that port, and makes it wait for the listeners forwarding
    /// here. A target on another port than the group's is reported at synth at this call.
    #[track_caller]
    pub fn add_target<T: LoadBalancerTarget + Clone + 'static>(&self, target: &T) {
        let location = SourceLocation::caller();
        let port = match target.target_port() {
            Ok(port) => port,
            Err(problem) => {
                self.node().report_message_at(location, problem);
                return;
            }
        };
        if self.bind(port, target.target_type(), location) {
            self.add_registered(target, location);
        }
    }

    /// Registers `target`, whose port is the group's, and wires it to the forwarders
    /// and load balancer known so far (and, through the stored target, to later ones).
    pub(crate) fn add_registered<T: LoadBalancerTarget + Clone + 'static>(
        &self,
        target: &T,
        location: SourceLocation,
    ) {
        target.register(self, location);
        for forwarder in self.inner.forwarders.borrow().iter() {
            target.wait_for(forwarder);
        }
        if let (Some(alb), Some(port)) = (self.load_balancer(), self.port()) {
            target.allow_from(&alb, Port::tcp(port));
        }
        self.inner
            .targets
            .borrow_mut()
            .push(Rc::new(target.clone()));
    }

    /// Sets the group's port and target type from a target (the first one decides);
    /// reports a target on another port at `location`. Whether the target fits.
    pub(crate) fn bind(
        &self,
        port: u16,
        target_type: TargetType,
        location: SourceLocation,
    ) -> bool {
        match self.inner.port.get() {
            Some(p) if p == port => true,
            Some(p) => {
                self.node().report_message_at(
                    location,
                    format!(
                        "this target group sends traffic to port {p}, and the target receives it on {port}; a group has one port: use another group for this target"
                    ),
                );
                false
            }
            None => {
                self.inner.port.set(Some(port));
                let l1_type = match target_type {
                    TargetType::Ip => tgm::TargetType::Ip,
                };
                let resource = &self.inner.resource;
                resource.set_target_type(l1_type);
                resource.set_port(i64::from(port));
                resource.locate_property("TargetType", location);
                resource.locate_property("Port", location);
                true
            }
        }
    }

    /// Records that `forwarder` (a listener or rule of `alb`) forwards here: targets
    /// registered before or after wait for it, and `alb` may reach them. A group already
    /// forwarded to by another load balancer is reported at `location`.
    pub(crate) fn forwarded_by(
        &self,
        alb: &Alb,
        forwarder: &CfnResource,
        location: SourceLocation,
    ) {
        {
            let mut lb = self.inner.load_balancer.borrow_mut();
            match lb.as_ref() {
                Some(existing) if existing.node().path() != alb.node().path() => {
                    self.node().report_message_at(
                        location,
                        format!(
                            "this target group already receives traffic from {}; a target group belongs to one load balancer",
                            existing.node().path()
                        ),
                    );
                    return;
                }
                Some(_) => {}
                None => {
                    *lb = Some(alb.clone());
                    if let Some(port) = self.port() {
                        for t in self.inner.targets.borrow().iter() {
                            t.connections().allow_from(alb, Port::tcp(port));
                        }
                    }
                }
            }
        }
        for t in self.inner.targets.borrow().iter() {
            t.wait_for(forwarder);
        }
        self.inner.forwarders.borrow_mut().push(forwarder.clone());
    }

    /// Listeners and rules forwarding to this group.
    pub(crate) fn forwarders(&self) -> Vec<CfnResource> {
        self.inner.forwarders.borrow().clone()
    }
}
