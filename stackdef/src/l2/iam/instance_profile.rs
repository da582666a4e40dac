//! [`InstanceProfile`]: what lets an EC2 instance use a role.

use super::role::Role;
use crate::cfn::iam as l1;
use crate::resource::{CfnResource, Resource};
use crate::value::{InstanceProfileArn, InstanceProfileName, Value};
use crate::{Construct, Node};

/// An instance profile holding one role.
#[derive(Debug, Clone, Construct)]
pub struct InstanceProfile {
    node: Node,
    resource: l1::InstanceProfile,
    role: Role,
}

impl Resource for InstanceProfile {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl InstanceProfile {
    /// A profile for `role`.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, role: &Role) -> Self {
        let node = Node::new(scope, id);
        let resource = l1::InstanceProfile::new(
            &node,
            "Resource",
            l1::InstanceProfileProps::new(vec![role.role_name()]),
        );
        InstanceProfile {
            node,
            resource,
            role: role.clone(),
        }
    }

    /// `Ref`: the profile name (what an instance's `IamInstanceProfile` takes).
    pub fn profile_name(&self) -> Value<InstanceProfileName> {
        self.resource.instance_profile_name()
    }

    /// `Arn`.
    pub fn arn(&self) -> Value<InstanceProfileArn> {
        self.resource.attr_arn()
    }

    /// The role.
    pub fn role(&self) -> &Role {
        &self.role
    }
}
