//! [`Listener`]s of an [`Alb`]: protocols, default actions, forwarding and rules.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use stackdef_synth::SourceLocation;

use super::alb::Alb;
use super::listener_rule::{ListenerAction, ListenerCondition, ListenerRule, ListenerRuleProps};
use super::target_group::{LoadBalancerTarget, TargetGroup, TargetGroupProps};
use crate::cfn::elasticloadbalancingv2 as l1;
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
    /// Answer 404 (until something is forwarded to).
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

    /// A listener for test traffic (a blue/green deployment's test listener): HTTP on
    /// `port` and closed, so only the addresses you allow reach it
    /// (`alb.allow_from_cidr("10.0.0.0/8", Port::tcp(port))`).
    pub fn test(port: u16) -> Self {
        ListenerProps {
            open: false,
            ..ListenerProps::http(port)
        }
    }
}

#[derive(Debug, Default)]
struct ListenerState {
    /// What the default action forwards to, once it forwards.
    forward: RefCell<Option<ListenerAction>>,
    /// The rules, in the order they were added.
    rules: RefCell<Vec<ListenerRule>>,
    /// The header every request must carry ([`Listener::require_header`]).
    required_header: RefCell<Option<ListenerCondition>>,
    /// Set once a default action forwards.
    forwarded: Cell<bool>,
}

/// A listener of an [`Alb`].
#[derive(Debug, Clone, Construct)]
pub struct Listener {
    pub(crate) node: Node,
    pub(crate) resource: l1::Listener,
    pub(crate) alb: Alb,
    pub(crate) port: u16,
    pub(crate) https: bool,
    state: Rc<ListenerState>,
}

impl Resource for Listener {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

/// Priority of the rule [`Listener::require_header`] moves the default forward into: the
/// last one, so every other rule still applies first.
pub const REQUIRED_HEADER_RULE_PRIORITY: u32 = 50_000;

impl Listener {
    pub(crate) fn new(
        node: Node,
        resource: l1::Listener,
        alb: Alb,
        port: u16,
        https: bool,
    ) -> Self {
        Listener {
            node,
            resource,
            alb,
            port,
            https,
            state: Rc::default(),
        }
    }

    /// `Ref`: the listener ARN.
    pub fn arn(&self) -> Value<ListenerArn> {
        self.resource.listener_arn()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether it terminates HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The load balancer.
    pub fn load_balancer(&self) -> &Alb {
        &self.alb
    }

    /// What the default action forwards to, once it forwards.
    pub fn default_forward(&self) -> Option<ListenerAction> {
        self.state.forward.borrow().clone()
    }

    /// The rules added so far.
    pub fn rules(&self) -> Vec<ListenerRule> {
        self.state.rules.borrow().clone()
    }

    /// Claims the default action for forwarding; a second claim is reported at `loc`.
    fn claim_default(&self, node: &Node, loc: SourceLocation) -> bool {
        if self.state.forwarded.replace(true) {
            node.report_message_at(
                loc,
                "this listener already forwards to a target group; use a rule (`add_rule`) or another listener",
            );
            return false;
        }
        true
    }

    /// Forwards every request to `target` through a new target group whose port is the
    /// target's own, and allows that port from the load balancer to the target.
    #[track_caller]
    pub fn forward_to<T: LoadBalancerTarget + Clone + 'static>(
        &self,
        id: &str,
        target: &T,
        props: TargetGroupProps,
    ) -> TargetGroup {
        let loc = SourceLocation::caller();
        let node = Node::new(&self.node, id);
        let claimed = self.claim_default(&node, loc);
        let port = match target.target_port() {
            Ok(p) => Some(p),
            Err(problem) => {
                node.report_message_at(loc, problem);
                None
            }
        };
        for p in props.problems() {
            node.report_message_at(loc, p);
        }
        let resource = l1::TargetGroup::new(&node, "Resource", props.l1_props(port, &self.alb.vpc));
        let tg = TargetGroup::from_resource(node, resource, port);
        if claimed {
            self.set_forward(ListenerAction::Forward(tg.clone()), loc);
        }
        if port.is_some() {
            tg.add_registered(target, loc);
        }
        tg
    }

    /// Forwards every request no rule takes to `target_group` (registering nothing: add
    /// targets to the group, or let CodeDeploy fill it).
    #[track_caller]
    pub fn forward_to_group(&self, target_group: &TargetGroup) {
        let loc = SourceLocation::caller();
        if self.claim_default(&self.node, loc) {
            self.set_forward(ListenerAction::Forward(target_group.clone()), loc);
        }
    }

    /// Splits the requests no rule takes between target groups by weight (0 to 999 each,
    /// at most 5 groups): `listener.forward_weighted(&[(&blue, 90), (&green, 10)])`.
    #[track_caller]
    pub fn forward_weighted(&self, groups: &[(&TargetGroup, u32)]) {
        let loc = SourceLocation::caller();
        let action = ListenerAction::WeightedForward(
            groups.iter().map(|(g, w)| ((*g).clone(), *w)).collect(),
        );
        for p in action.problems() {
            self.node.report_message_at(loc, p);
        }
        if self.claim_default(&self.node, loc) {
            self.set_forward(action, loc);
        }
    }

    /// Writes `action` as the default action (or, once [`Listener::require_header`] is
    /// in force, into its rule) and wires the groups to the load balancer.
    #[track_caller]
    fn set_forward(&self, action: ListenerAction, loc: SourceLocation) {
        *self.state.forward.borrow_mut() = Some(action.clone());
        if self.state.required_header.borrow().is_some() {
            self.add_header_rule(&action, loc);
        } else {
            self.resource
                .set_default_actions(vec![action.listener_l1()]);
            self.resource.locate_property("DefaultActions", loc);
            for tg in action.target_groups() {
                tg.forwarded_by(&self.alb, self.resource.cfn(), loc);
            }
        }
    }

    /// Adds a rule: requests matching every condition get `props.action`. A priority
    /// another rule of this listener has is reported at synth (`SD9001`), as are invalid
    /// conditions and actions, at this call.
    #[track_caller]
    pub fn add_rule(&self, id: &str, props: ListenerRuleProps) -> ListenerRule {
        let loc = SourceLocation::caller();
        let node = Node::new(&self.node, id);
        for p in props.problems() {
            node.report_message_at(loc, p);
        }
        self.make_rule(
            &node,
            "Resource",
            props.priority,
            props.conditions,
            &props.action,
            loc,
        )
    }

    #[track_caller]
    fn make_rule(
        &self,
        scope: &Node,
        id: &str,
        priority: u32,
        mut conditions: Vec<ListenerCondition>,
        action: &ListenerAction,
        loc: SourceLocation,
    ) -> ListenerRule {
        if let Some(required) = self.state.required_header.borrow().as_ref() {
            conditions.push(required.clone());
        }
        let resource = l1::ListenerRule::new(
            scope,
            id,
            l1::ListenerRuleProps::new(
                vec![action.rule_l1()],
                conditions
                    .iter()
                    .map(ListenerCondition::l1)
                    .collect::<Vec<_>>(),
                i64::from(priority),
            )
            .listener_arn(self.arn()),
        );
        resource.locate_property("Priority", loc);
        for tg in action.target_groups() {
            tg.forwarded_by(&self.alb, resource.cfn(), loc);
        }
        let rule = ListenerRule {
            resource,
            conditions,
            priority,
        };
        self.state.rules.borrow_mut().push(rule.clone());
        rule
    }

    /// Answers `403 Forbidden` to every request without header `name: value`. What the
    /// default action forwards to moves into a rule at [`REQUIRED_HEADER_RULE_PRIORITY`]
    /// matching the header, and every rule of the listener (added before or after) also
    /// requires it. For a proxy in front of the load balancer that adds a secret header
    /// (CloudFront does it with [`crate::cloudfront`]'s origins).
    #[track_caller]
    pub fn require_header(&self, name: &str, value: impl Into<Value<String>>) {
        let loc = SourceLocation::caller();
        let condition = ListenerCondition::http_header(name, [value.into()]);
        for p in condition.problems() {
            self.node.report_message_at(loc, p);
        }
        if self
            .state
            .required_header
            .replace(Some(condition.clone()))
            .is_some()
        {
            self.node
                .report_message_at(loc, "this listener already requires a header");
            return;
        }
        for rule in self.state.rules.borrow_mut().iter_mut() {
            rule.conditions.push(condition.clone());
            rule.resource.set_conditions(
                rule.conditions
                    .iter()
                    .map(ListenerCondition::l1)
                    .collect::<Vec<_>>(),
            );
            rule.resource.locate_property("Conditions", loc);
        }
        self.resource.set_default_actions(vec![
            ListenerAction::fixed_response(403, "Forbidden").listener_l1(),
        ]);
        self.resource.locate_property("DefaultActions", loc);
        let forward = self.state.forward.borrow().clone();
        if let Some(action) = forward {
            self.add_header_rule(&action, loc);
        }
    }

    /// The rule carrying the default forward once a header is required.
    #[track_caller]
    fn add_header_rule(&self, action: &ListenerAction, loc: SourceLocation) {
        let node = self.node.clone();
        self.make_rule(
            &node,
            "RequiredHeader",
            REQUIRED_HEADER_RULE_PRIORITY,
            Vec::new(),
            action,
            loc,
        );
    }
}
