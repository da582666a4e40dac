//! [`TargetGroup`]s, their health checks, and what can be a target.

use super::alb::check_name;
use crate::cfn::elasticloadbalancingv2::{self as l1, target_group as tgm};
use crate::ec2::{Connectable, Vpc};
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

/// Options of a [`TargetGroup`] made by [`Listener::forward_to`](crate::elbv2::Listener::forward_to).
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

    /// The L1 properties of an IP target group on `port` in `vpc`.
    pub(crate) fn l1_props(&self, port: u16, vpc: &Vpc) -> l1::TargetGroupProps {
        let hc = &self.health_check;
        let mut props = l1::TargetGroupProps::new()
            .target_type(tgm::TargetType::Ip)
            .protocol(tgm::Protocol::Http)
            .port(i64::from(port))
            .vpc_id(vpc.vpc_id())
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
                    .value(self.deregistration_delay_secs.to_string()),
            ]);
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
    pub(crate) resource: l1::TargetGroup,
    pub(crate) port: u16,
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

    /// `TargetGroupName`.
    pub fn target_group_name(&self) -> Value<String> {
        self.resource.attr_target_group_name()
    }

    /// `TargetGroupFullName` (`targetgroup/<name>/<id>`, for CloudWatch metrics).
    pub fn full_name(&self) -> Value<String> {
        self.resource.attr_target_group_full_name()
    }
}
