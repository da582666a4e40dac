//! [`ListenerRule`]s: requests matching conditions (paths, host names, headers) get their
//! own action, in priority order, before the listener's default action.

use super::target_group::TargetGroup;
use crate::cfn::elasticloadbalancingv2::{self as l1, listener as li, listener_rule as lr};
use crate::resource::{CfnResource, Resource};
use crate::value::{ListenerRuleArn, Value};
use crate::{Construct, Node};

/// Most match values (path patterns, host names, header values) one rule may have.
pub const MAX_RULE_VALUES: usize = 5;

/// What a request must match for a rule to apply.
#[derive(Debug, Clone, PartialEq)]
pub enum ListenerCondition {
    /// The path matches one of these patterns (`/api/*`; `*` and `?` are wildcards).
    PathPatterns(Vec<String>),
    /// The `Host` header matches one of these names (`api.example.com`, `*.example.com`).
    HostHeaders(Vec<String>),
    /// Header `name` has one of `values`.
    HttpHeader {
        /// The header name (not `Host`: use [`ListenerCondition::HostHeaders`]).
        name: String,
        /// Accepted values (literals, or deploy-time values such as a dynamic reference).
        values: Vec<Value<String>>,
    },
}

impl ListenerCondition {
    /// The path matches one of `patterns`.
    pub fn path_patterns<S: Into<String>>(patterns: impl IntoIterator<Item = S>) -> Self {
        ListenerCondition::PathPatterns(patterns.into_iter().map(Into::into).collect())
    }

    /// The `Host` header matches one of `names`.
    pub fn host_headers<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        ListenerCondition::HostHeaders(names.into_iter().map(Into::into).collect())
    }

    /// Header `name` has one of `values`.
    pub fn http_header<V: Into<Value<String>>>(
        name: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        ListenerCondition::HttpHeader {
            name: name.to_owned(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// How many values the condition matches against.
    pub fn value_count(&self) -> usize {
        match self {
            ListenerCondition::PathPatterns(v) | ListenerCondition::HostHeaders(v) => v.len(),
            ListenerCondition::HttpHeader { values, .. } => values.len(),
        }
    }

    /// Every problem with this condition.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.value_count() == 0 {
            out.push(format!("{} has no values to match", self.describe()));
        }
        match self {
            ListenerCondition::PathPatterns(patterns) => {
                for p in patterns.iter().filter(|p| p.is_empty() || p.len() > 128) {
                    out.push(format!(
                        "path pattern `{p}` must be 1 to 128 characters long"
                    ));
                }
            }
            ListenerCondition::HostHeaders(names) => {
                for n in names.iter().filter(|n| n.is_empty() || n.len() > 128) {
                    out.push(format!("host name `{n}` must be 1 to 128 characters long"));
                }
            }
            ListenerCondition::HttpHeader { name, .. } => {
                if name.eq_ignore_ascii_case("host") {
                    out.push(
                        "match the Host header with ListenerCondition::host_headers, not http_header"
                            .into(),
                    );
                } else if name.is_empty()
                    || name.len() > 40
                    || !name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
                {
                    out.push(format!(
                        "header name `{name}` is invalid: 1 to 40 token characters (letters, digits, `-`, ...)"
                    ));
                }
            }
        }
        out
    }

    fn describe(&self) -> String {
        match self {
            ListenerCondition::PathPatterns(_) => "the path condition".into(),
            ListenerCondition::HostHeaders(_) => "the host condition".into(),
            ListenerCondition::HttpHeader { name, .. } => format!("the `{name}` header condition"),
        }
    }

    pub(crate) fn l1(&self) -> lr::RuleCondition {
        match self {
            ListenerCondition::PathPatterns(patterns) => lr::RuleCondition::new()
                .field("path-pattern")
                .path_pattern_config(
                    lr::PathPatternConfig::new()
                        .values(patterns.iter().map(String::as_str).collect::<Vec<_>>()),
                ),
            ListenerCondition::HostHeaders(names) => lr::RuleCondition::new()
                .field("host-header")
                .host_header_config(
                    lr::HostHeaderConfig::new()
                        .values(names.iter().map(String::as_str).collect::<Vec<_>>()),
                ),
            ListenerCondition::HttpHeader { name, values } => lr::RuleCondition::new()
                .field("http-header")
                .http_header_config(
                    lr::HttpHeaderConfig::new()
                        .http_header_name(name.as_str())
                        .values(values.clone()),
                ),
        }
    }
}

/// What a listener or rule does with a request.
#[derive(Debug, Clone)]
pub enum ListenerAction {
    /// Send it to one target group.
    Forward(TargetGroup),
    /// Split requests between target groups by weight (0 to 999; at most 5 groups).
    WeightedForward(Vec<(TargetGroup, u32)>),
    /// Answer directly.
    FixedResponse {
        /// HTTP status code (200 to 599).
        status_code: u16,
        /// The body (at most 1024 characters), sent as `text/plain`.
        body: String,
    },
}

impl ListenerAction {
    /// Answers `status_code` with `body` as plain text.
    pub fn fixed_response(status_code: u16, body: &str) -> Self {
        ListenerAction::FixedResponse {
            status_code,
            body: body.to_owned(),
        }
    }

    /// Every problem with this action.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            ListenerAction::Forward(_) => {}
            ListenerAction::WeightedForward(groups) => {
                if groups.is_empty() || groups.len() > 5 {
                    out.push(format!(
                        "a weighted forward takes 1 to 5 target groups, not {}",
                        groups.len()
                    ));
                }
                for (_, w) in groups.iter().filter(|(_, w)| *w > 999) {
                    out.push(format!("weight {w} is out of range: 0 to 999"));
                }
                if !groups.is_empty() && groups.iter().all(|(_, w)| *w == 0) {
                    out.push("every weight is 0, so no target group gets traffic".into());
                }
            }
            ListenerAction::FixedResponse { status_code, body } => {
                if !(200..=599).contains(status_code) {
                    out.push(format!(
                        "fixed response status {status_code} is out of range: 200 to 599"
                    ));
                }
                if body.len() > 1024 {
                    out.push("a fixed response body is at most 1024 characters".into());
                }
            }
        }
        out
    }

    /// The target groups the action sends to.
    pub fn target_groups(&self) -> Vec<TargetGroup> {
        match self {
            ListenerAction::Forward(tg) => vec![tg.clone()],
            ListenerAction::WeightedForward(groups) => {
                groups.iter().map(|(tg, _)| tg.clone()).collect()
            }
            ListenerAction::FixedResponse { .. } => Vec::new(),
        }
    }

    /// As a listener's default action.
    pub(crate) fn listener_l1(&self) -> li::Action {
        match self {
            ListenerAction::Forward(tg) => {
                li::Action::new(li::Type::Forward).target_group_arn(tg.arn())
            }
            ListenerAction::WeightedForward(groups) => li::Action::new(li::Type::Forward)
                .forward_config(
                    li::ForwardConfig::new().target_groups(
                        groups
                            .iter()
                            .map(|(tg, w)| {
                                li::TargetGroupTuple::new()
                                    .target_group_arn(tg.arn())
                                    .weight(i64::from(*w))
                            })
                            .collect::<Vec<_>>(),
                    ),
                ),
            ListenerAction::FixedResponse { status_code, body } => {
                li::Action::new(li::Type::FixedResponse).fixed_response_config(
                    li::FixedResponseConfig::new(status_code.to_string())
                        .content_type("text/plain")
                        .message_body(body.as_str()),
                )
            }
        }
    }

    /// As a rule's action.
    pub(crate) fn rule_l1(&self) -> lr::Action {
        match self {
            ListenerAction::Forward(tg) => {
                lr::Action::new(lr::Type::Forward).target_group_arn(tg.arn())
            }
            ListenerAction::WeightedForward(groups) => lr::Action::new(lr::Type::Forward)
                .forward_config(
                    lr::ForwardConfig::new().target_groups(
                        groups
                            .iter()
                            .map(|(tg, w)| {
                                lr::TargetGroupTuple::new()
                                    .target_group_arn(tg.arn())
                                    .weight(i64::from(*w))
                            })
                            .collect::<Vec<_>>(),
                    ),
                ),
            ListenerAction::FixedResponse { status_code, body } => {
                lr::Action::new(lr::Type::FixedResponse).fixed_response_config(
                    lr::FixedResponseConfig::new(status_code.to_string())
                        .content_type("text/plain")
                        .message_body(body.as_str()),
                )
            }
        }
    }
}

/// Options of a [`ListenerRule`].
#[derive(Debug, Clone)]
pub struct ListenerRuleProps {
    /// Evaluation order, 1 (first) to 50000; unique per listener. Required.
    pub priority: u32,
    /// What a request must match (all of them; at most [`MAX_RULE_VALUES`] values in all).
    /// Required.
    pub conditions: Vec<ListenerCondition>,
    /// What to do with a matching request. Required.
    pub action: ListenerAction,
}

impl ListenerRuleProps {
    /// A rule at `priority` applying `action` to requests matching every condition.
    pub fn new(
        priority: u32,
        conditions: impl IntoIterator<Item = ListenerCondition>,
        action: ListenerAction,
    ) -> Self {
        ListenerRuleProps {
            priority,
            conditions: conditions.into_iter().collect(),
            action,
        }
    }

    /// Every problem with these settings (a priority taken by another rule of the same
    /// listener is found at synth, across all of them).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(1..=50_000).contains(&self.priority) {
            out.push(format!(
                "rule priority {} is out of range: 1 to 50000",
                self.priority
            ));
        }
        if self.conditions.is_empty() {
            out.push("a rule needs at least one condition (a path, host or header)".into());
        }
        let values: usize = self
            .conditions
            .iter()
            .map(ListenerCondition::value_count)
            .sum();
        if values > MAX_RULE_VALUES {
            out.push(format!(
                "a rule matches at most {MAX_RULE_VALUES} values in all its conditions; this one has {values}: split it into several rules"
            ));
        }
        out.extend(self.conditions.iter().flat_map(ListenerCondition::problems));
        out.extend(self.action.problems());
        out
    }
}

/// A rule of a [`Listener`](crate::elbv2::Listener).
#[derive(Debug, Clone)]
pub struct ListenerRule {
    pub(crate) resource: l1::ListenerRule,
    pub(crate) conditions: Vec<ListenerCondition>,
    pub(crate) priority: u32,
}

impl Construct for ListenerRule {
    fn node(&self) -> &Node {
        self.resource.node()
    }
}

impl Resource for ListenerRule {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl ListenerRule {
    /// `Ref`: the rule ARN.
    pub fn arn(&self) -> Value<ListenerRuleArn> {
        self.resource.rule_arn()
    }

    /// The rule's priority.
    pub fn priority(&self) -> u32 {
        self.priority
    }
}
