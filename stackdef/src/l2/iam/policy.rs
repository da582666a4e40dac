//! Policy statements and documents.

use crate::value::{Json, ToTemplate};

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny (wins over any allow).
    Deny,
}

impl Effect {
    fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A condition operator of a policy statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionOperator {
    /// `StringEquals`.
    StringEquals,
    /// `StringNotEquals`.
    StringNotEquals,
    /// `StringLike`.
    StringLike,
    /// `ArnEquals`.
    ArnEquals,
    /// `ArnLike`.
    ArnLike,
    /// `Bool`.
    Bool,
    /// `IpAddress`.
    IpAddress,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// Any other operator, written as AWS spells it.
    Other(String),
}

impl ConditionOperator {
    fn as_str(&self) -> &str {
        match self {
            ConditionOperator::StringEquals => "StringEquals",
            ConditionOperator::StringNotEquals => "StringNotEquals",
            ConditionOperator::StringLike => "StringLike",
            ConditionOperator::ArnEquals => "ArnEquals",
            ConditionOperator::ArnLike => "ArnLike",
            ConditionOperator::Bool => "Bool",
            ConditionOperator::IpAddress => "IpAddress",
            ConditionOperator::NumericLessThanEquals => "NumericLessThanEquals",
            ConditionOperator::Other(s) => s,
        }
    }
}

/// Who a resource policy's statement is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// An AWS service (`elasticloadbalancing.amazonaws.com`).
    Service(super::ServicePrincipal),
    /// An account, role or user by ARN or account id.
    Aws(Json),
    /// Everyone (only with conditions that narrow it, or a Deny).
    Anyone,
}

impl Principal {
    fn to_json(&self) -> Json {
        match self {
            Principal::Service(s) => Json::object([("Service", Json::from(s.as_str()))]),
            Principal::Aws(a) => Json::object([("AWS", a.clone())]),
            Principal::Anyone => Json::from("*"),
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    sid: Option<String>,
    effect: Effect,
    principal: Option<Principal>,
    actions: Vec<String>,
    resources: Vec<Json>,
    conditions: Vec<(ConditionOperator, String, Vec<Json>)>,
}

/// One value, or a list when there are several (how AWS writes them).
fn one_or_list(mut items: Vec<Json>) -> Json {
    if items.len() == 1 {
        items.pop().unwrap_or_else(|| Json::array([]))
    } else {
        Json::array(items)
    }
}

impl PolicyStatement {
    /// Allows `actions` on `resources` (ARNs; `"*"` only where the action has no
    /// resource-level permissions).
    pub fn allow<A: Into<String>, R: ToTemplate>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(|r| Json::of(&r)).collect(),
            conditions: Vec::new(),
        }
    }

    /// Denies `actions` on `resources`.
    pub fn deny<A: Into<String>, R: ToTemplate>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement {
            effect: Effect::Deny,
            ..PolicyStatement::allow(actions, resources)
        }
    }

    /// Adds a condition: `operator` on `key` with `values`
    /// (`with_condition(ConditionOperator::StringEquals, "iam:PassedToService", ["ecs-tasks.amazonaws.com"])`).
    pub fn with_condition<V: Into<Json>>(
        mut self,
        operator: ConditionOperator,
        key: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.conditions.push((
            operator,
            key.to_owned(),
            values.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// The principal (for resource policies: bucket, key, queue).
    pub fn with_principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Names the statement (`Sid`).
    pub fn with_sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_owned());
        self
    }

    /// The actions.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    /// Allow or deny.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The statement as JSON.
    pub fn to_json(&self) -> Json {
        let mut entries: Vec<(&str, Json)> = Vec::new();
        if let Some(sid) = &self.sid {
            entries.push(("Sid", Json::from(sid.as_str())));
        }
        entries.push(("Effect", Json::from(self.effect.as_str())));
        if let Some(p) = &self.principal {
            entries.push(("Principal", p.to_json()));
        }
        entries.push((
            "Action",
            one_or_list(
                self.actions
                    .iter()
                    .map(|a| Json::from(a.as_str()))
                    .collect(),
            ),
        ));
        entries.push(("Resource", one_or_list(self.resources.clone())));
        if !self.conditions.is_empty() {
            let mut by_operator: Vec<(&str, Vec<(&str, Json)>)> = Vec::new();
            for (op, key, values) in &self.conditions {
                let entry = (key.as_str(), one_or_list(values.clone()));
                match by_operator.iter_mut().find(|(o, _)| *o == op.as_str()) {
                    Some((_, keys)) => keys.push(entry),
                    None => by_operator.push((op.as_str(), vec![entry])),
                }
            }
            entries.push((
                "Condition",
                Json::object(
                    by_operator
                        .into_iter()
                        .map(|(op, keys)| (op, Json::object(keys))),
                ),
            ));
        }
        Json::object(entries)
    }
}

/// A policy document: a version and statements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyDocument {
    statements: Vec<PolicyStatement>,
}

impl PolicyDocument {
    /// A document of these statements.
    pub fn new(statements: impl IntoIterator<Item = PolicyStatement>) -> Self {
        PolicyDocument {
            statements: statements.into_iter().collect(),
        }
    }

    /// The statements.
    pub fn statements(&self) -> &[PolicyStatement] {
        &self.statements
    }

    /// The document as JSON (`Version` 2012-10-17).
    pub fn to_json(&self) -> Json {
        Json::object([
            ("Version", Json::from("2012-10-17")),
            (
                "Statement",
                Json::array(self.statements.iter().map(PolicyStatement::to_json)),
            ),
        ])
    }
}

impl From<PolicyDocument> for Json {
    fn from(d: PolicyDocument) -> Json {
        d.to_json()
    }
}
