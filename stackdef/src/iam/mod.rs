//! IAM roles and grants: a [`Role`] collects [`PolicyStatement`]s into one inline policy,
//! and constructs that hold data grant access to anything [`Grantable`]
//! (`secret.grant_read(&task_definition)`).
//!
//! Only things that can carry permissions are grantable; a log group is not:
//!
//! ```compile_fail,E0277
//! use stackdef::logs::{LogGroup, LogGroupProps};
//! use stackdef::secretsmanager::{Secret, SecretProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let secret = Secret::new(&stack, "Secret", SecretProps::default());
//! let logs = LogGroup::new(&stack, "Logs", LogGroupProps::default());
//! secret.grant_read(&logs);
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use stackdef_synth::Expr;

use crate::cfn::iam as l1;
use crate::l2::{self, obj, s};
use crate::resource::{CfnResource, Resource};
use crate::value::{RoleArn, ToTemplate, Value};
use crate::{Construct, Node};

/// An AWS service that can assume a role (`ecs-tasks.amazonaws.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePrincipal(String);

impl ServicePrincipal {
    /// The service's principal name.
    pub fn new(service: &str) -> Self {
        ServicePrincipal(service.to_owned())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One `Allow` statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    actions: Vec<String>,
    resources: Vec<Expr>,
}

impl PolicyStatement {
    /// Allows `actions` on `resources` (ARNs; `"*"` only where the action has no
    /// resource-level permissions).
    pub fn allow<A: Into<String>, R: ToTemplate>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement {
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(|r| r.to_template()).collect(),
        }
    }

    /// The actions.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    fn to_expr(&self) -> Expr {
        let one_or_list = |mut items: Vec<Expr>| {
            if items.len() == 1 {
                items.pop()
            } else {
                Some(Expr::List(items))
            }
        };
        obj([
            ("Effect", s("Allow")),
            (
                "Action",
                one_or_list(
                    self.actions
                        .iter()
                        .map(|a| Expr::String(a.clone()))
                        .collect(),
                ),
            ),
            ("Resource", one_or_list(self.resources.clone())),
        ])
    }
}

/// Options of a [`Role`].
#[derive(Debug, Clone, PartialEq)]
pub struct RoleProps {
    /// Who may assume the role. Required.
    pub assumed_by: ServicePrincipal,
    /// `Description`. default: none.
    pub description: Option<String>,
    /// AWS managed policies to attach, by ARN. default: none (stackdef's constructs add
    /// scoped inline statements instead).
    pub managed_policy_arns: Vec<Value<String>>,
}

impl RoleProps {
    /// A role assumable by `principal`, with no permissions yet.
    pub fn new(principal: ServicePrincipal) -> Self {
        RoleProps {
            assumed_by: principal,
            description: None,
            managed_policy_arns: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct RoleInner {
    resource: l1::Role,
    statements: RefCell<Vec<PolicyStatement>>,
}

/// An IAM role created in the stack (never a hard-coded role ARN from another account).
#[derive(Debug, Clone, Construct)]
pub struct Role {
    node: Node,
    inner: Rc<RoleInner>,
}

impl Resource for Role {
    fn cfn(&self) -> &CfnResource {
        self.inner.resource.cfn()
    }
}

impl Role {
    /// A role with a trust policy for `props.assumed_by`.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: RoleProps) -> Role {
        let node = Node::new(scope, id);
        let trust = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": props.assumed_by.as_str()},
                "Action": "sts:AssumeRole"
            }]
        });
        let mut l1_props = l1::RoleProps::new(trust);
        if let Some(d) = props.description {
            l1_props = l1_props.description(d);
        }
        if !props.managed_policy_arns.is_empty() {
            l1_props = l1_props.managed_policy_arns(props.managed_policy_arns);
        }
        let resource = l1::Role::new(&node, "Resource", l1_props);
        Role {
            node,
            inner: Rc::new(RoleInner {
                resource,
                statements: RefCell::new(Vec::new()),
            }),
        }
    }

    /// `Arn`.
    pub fn arn(&self) -> Value<RoleArn> {
        self.inner.resource.attr_arn()
    }

    /// Adds a statement to the role's inline policy (an identical one is not repeated).
    pub fn add_to_policy(&self, statement: PolicyStatement) {
        {
            let mut st = self.inner.statements.borrow_mut();
            if st.contains(&statement) {
                return;
            }
            st.push(statement);
        }
        // The statement list grows after creation: rewrite the property in place.
        let st = self.inner.statements.borrow();
        self.inner.resource.set_property(
            "Policies",
            Expr::List(vec![obj([
                ("PolicyName", s("stackdef-grants")),
                (
                    "PolicyDocument",
                    Some(obj([
                        ("Version", s("2012-10-17")),
                        (
                            "Statement",
                            l2::list(st.iter().map(PolicyStatement::to_expr)),
                        ),
                    ])),
                ),
            ])]),
        );
    }

    /// The statements granted so far.
    pub fn statements(&self) -> Vec<PolicyStatement> {
        self.inner.statements.borrow().clone()
    }
}

/// Something permissions can be granted to: it names the role that receives them.
pub trait Grantable {
    /// The role grants go to.
    fn grant_role(&self) -> Role;
}

impl Grantable for Role {
    fn grant_role(&self) -> Role {
        self.clone()
    }
}
