//! [`Listener`]s of an [`Alb`]: protocols, default actions and forwarding.

use std::cell::Cell;

use stackdef_synth::SourceLocation;

use super::alb::Alb;
use super::target_group::{LoadBalancerTarget, TargetGroup, TargetGroupProps};
use crate::cfn::elasticloadbalancingv2::{self as l1, listener as li};
use crate::ec2::Port;
use crate::resource::{CfnResource, Resource};
use crate::value::{ListenerArn, Value};
use crate::{Construct, Node};

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
    pub(crate) node: Node,
    pub(crate) resource: l1::Listener,
    pub(crate) alb: Alb,
    pub(crate) forwarded: Cell<bool>,
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
            node.report_message_at(
                loc,
                "this listener already forwards to a target group; use another listener",
            );
        }
        let port = match target.target_port() {
            Ok(p) => p,
            Err(problem) => {
                node.report_message_at(loc, problem);
                0
            }
        };
        for p in props.problems() {
            node.report_message_at(loc, p);
        }
        let resource = l1::TargetGroup::new(&node, "Resource", props.l1_props(port, &self.alb.vpc));
        let tg = TargetGroup { resource, port };
        // The default action becomes a forward once there is a target group.
        self.resource.set_default_actions(vec![
            li::Action::new(li::Type::Forward).target_group_arn(tg.arn()),
        ]);
        if port != 0 {
            target.allow_from(&self.alb, Port::tcp(port));
        }
        target.attach(&tg, self.resource.cfn());
        tg
    }
}
