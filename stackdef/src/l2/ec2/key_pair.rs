//! SSH key pairs: one that exists in the account, or one the stack creates (its private
//! key kept by EC2 in SSM Parameter Store, never in the template or an output).

use crate::cfn::ec2 as l1;
use crate::value::Value;
use crate::{Construct, Node, Resource};

/// The kind of key a created key pair has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyType {
    /// Ed25519 (for Linux instances). The default.
    #[default]
    Ed25519,
    /// RSA 2048 (Windows instances need it).
    Rsa,
}

/// A key pair an instance accepts SSH logins with.
#[derive(Debug, Clone)]
pub struct KeyPair {
    name: Value<String>,
    created: Option<l1::KeyPair>,
}

impl KeyPair {
    /// A key pair that already exists, by name (a literal, or a parameter of type
    /// `AWS::EC2::KeyPair::KeyName`).
    pub fn existing(name: impl Into<Value<String>>) -> Self {
        KeyPair {
            name: name.into(),
            created: None,
        }
    }

    /// A key pair created with the stack; EC2 keeps the private key in SSM Parameter Store
    /// at [`KeyPair::private_key_parameter`].
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
        KeyPair {
            name: resource.key_name().into(),
            created: Some(resource),
        }
    }

    /// The key pair's name.
    pub fn name(&self) -> Value<String> {
        self.name.clone()
    }

    /// For a created key pair, the SSM parameter holding its private key
    /// (`/ec2/keypair/<key pair id>`): `aws ssm get-parameter --with-decryption --name ...`.
    pub fn private_key_parameter(&self) -> Option<Value<String>> {
        self.created
            .as_ref()
            .map(|k| crate::sub!["/ec2/keypair/", k.attr_key_pair_id()])
    }

    /// The created key pair resource, if this stack creates it.
    pub fn resource(&self) -> Option<&crate::CfnResource> {
        self.created.as_ref().map(|k| k.cfn())
    }
}
