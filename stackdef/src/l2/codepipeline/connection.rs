//! [`SourceConnection`]: the link between AWS and a Git provider (GitHub) that source
//! actions fetch through.

use crate::cfn::codestarconnections as l1;
use crate::iam::{Grantable, PolicyStatement};
use crate::value::Value;
use crate::{Construct, Node};

/// A CodeConnections (formerly CodeStar Connections) connection.
#[derive(Debug, Clone)]
pub struct SourceConnection {
    arn: Value<String>,
}

impl SourceConnection {
    /// A connection that exists, by ARN (a literal, or a stack parameter).
    pub fn from_arn(arn: impl Into<Value<String>>) -> Self {
        SourceConnection { arn: arn.into() }
    }

    /// A GitHub connection created with the stack. It starts as `PENDING`: someone with
    /// access to the GitHub organization completes it once in the console (Developer
    /// Tools > Settings > Connections); until then source actions using it fail.
    #[track_caller]
    pub fn github(scope: &impl Construct, id: &str, connection_name: &str) -> Self {
        let node = Node::new(scope, id);
        if !(1..=32).contains(&connection_name.len()) {
            node.report_message(format!(
                "connection name `{connection_name}` is {} characters; CodeConnections allows 1 to 32",
                connection_name.len()
            ));
        }
        let resource = l1::Connection::new(
            &node,
            "Resource",
            l1::ConnectionProps::new(connection_name)
                .provider_type(l1::connection::ProviderType::GitHub),
        );
        SourceConnection {
            arn: resource.connection_arn().into(),
        }
    }

    /// The connection's ARN.
    pub fn arn(&self) -> Value<String> {
        self.arn.clone()
    }

    /// Lets `grantee` fetch through the connection (both the CodeStar Connections and the
    /// CodeConnections action names, as either ARN form may be given).
    pub fn grant_use(&self, grantee: &impl Grantable) {
        grantee.grant_role().add_to_policy(PolicyStatement::allow(
            [
                "codeconnections:UseConnection",
                "codestar-connections:UseConnection",
            ],
            [self.arn.clone()],
        ));
    }
}
