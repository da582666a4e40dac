//! SSH key pairs: one that exists in the account ([`KeyPair::existing`]), or one the
//! stack creates ([`GeneratedKeyPair`]), whose private key EC2 keeps in SSM Parameter
//! Store, never in the template or an output.

use crate::cfn::ec2 as l1;
use crate::fns;
use crate::iam::{Grantable, PolicyStatement};
use crate::value::Value;
use crate::{Construct, Node, Resource};

/// The kind of key a generated key pair has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyType {
    /// Ed25519 (for Linux instances). The default.
    #[default]
    Ed25519,
    /// RSA 2048 (Windows instances need it).
    Rsa,
}

/// A key pair an instance accepts SSH logins with, by name.
#[derive(Debug, Clone)]
pub struct KeyPair {
    name: Value<String>,
}

impl KeyPair {
    /// A key pair that already exists, by name (a literal, or a parameter of type
    /// `AWS::EC2::KeyPair::KeyName`).
    pub fn existing(name: impl Into<Value<String>>) -> Self {
        KeyPair { name: name.into() }
    }

    /// The key pair's name.
    pub fn name(&self) -> Value<String> {
        self.name.clone()
    }
}

/// A key pair the stack creates (`AWS::EC2::KeyPair`). Only this kind has a private key
/// in Parameter Store, so only it offers [`GeneratedKeyPair::private_key_parameter`]:
///
/// ```compile_fail
/// use stackdef::ec2::KeyPair;
/// let existing = KeyPair::existing("ops");
/// existing.private_key_parameter(); // AWS never had this key's private half
/// ```
#[derive(Debug, Clone, Construct)]
pub struct GeneratedKeyPair {
    node: Node,
    resource: l1::KeyPair,
}

impl Resource for GeneratedKeyPair {
    fn cfn(&self) -> &crate::CfnResource {
        self.resource.cfn()
    }
}

impl GeneratedKeyPair {
    /// A key pair created with the stack, named after its construct path.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, key_type: KeyType) -> Self {
        let node = Node::new(scope, id);
        let name = node.path().replace('/', "-");
        let resource = l1::KeyPair::new(
            &node,
            "Resource",
            l1::KeyPairProps::new(name).key_type(match key_type {
                KeyType::Ed25519 => l1::key_pair::KeyType::Ed25519,
                KeyType::Rsa => l1::key_pair::KeyType::Rsa,
            }),
        );
        GeneratedKeyPair { node, resource }
    }

    /// The key pair, for [`InstanceProps::key_pair`](super::InstanceProps::key_pair).
    pub fn key_pair(&self) -> KeyPair {
        KeyPair::existing(self.resource.key_name())
    }

    /// The SSM parameter holding the private key (`/ec2/keypair/<key pair id>`):
    /// `aws ssm get-parameter --with-decryption --name <this>`.
    pub fn private_key_parameter(&self) -> Value<String> {
        crate::sub!["/ec2/keypair/", self.resource.attr_key_pair_id()]
    }

    /// Lets `grantee` read the private key (`ssm:GetParameter` on that one parameter; the
    /// AWS managed key that encrypts it needs no grant).
    pub fn grant_read_private_key(&self, grantee: &impl Grantable) {
        grantee.grant_role().add_to_policy(PolicyStatement::allow(
            ["ssm:GetParameter"],
            [crate::sub![
                "arn:",
                fns::partition(),
                ":ssm:",
                fns::region(),
                ":",
                fns::account_id(),
                ":parameter/ec2/keypair/",
                self.resource.attr_key_pair_id()
            ]],
        ));
    }
}
