//! The other side of a security group rule when it is not a construct: an address block,
//! a prefix list, or a security group known only by id.

use stackdef_synth::Expr;

use super::cidr::Ipv4Cidr;
use crate::value::{SecurityGroupId, ToTemplate, Value};

/// The other side of a rule written as an address block, a prefix list or a group id.
/// Values may be literals (checked at synth) or expressions such as a template parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// An IPv4 block.
    Ipv4(Value<String>),
    /// An IPv6 block.
    Ipv6(Value<String>),
    /// A managed or customer prefix list, by id (`pl-...`).
    PrefixList(Value<String>),
    /// A security group known only by id (another stack's or account's).
    SecurityGroup(Value<SecurityGroupId>),
}

impl Peer {
    /// `0.0.0.0/0`.
    pub fn any_ipv4() -> Peer {
        Peer::Ipv4(Value::literal("0.0.0.0/0".to_owned()))
    }

    /// `::/0`.
    pub fn any_ipv6() -> Peer {
        Peer::Ipv6(Value::literal("::/0".to_owned()))
    }

    /// An IPv4 block: a literal (`10.0.0.0/8`, checked at synth) or an expression such as a
    /// template parameter.
    pub fn ipv4(cidr: impl Into<Value<String>>) -> Peer {
        Peer::Ipv4(cidr.into())
    }

    /// An IPv6 block.
    pub fn ipv6(cidr: impl Into<Value<String>>) -> Peer {
        Peer::Ipv6(cidr.into())
    }

    /// A prefix list by id (`pl-...`).
    pub fn prefix_list(id: impl Into<Value<String>>) -> Peer {
        Peer::PrefixList(id.into())
    }

    /// A security group by id.
    pub fn security_group_id(id: impl Into<Value<SecurityGroupId>>) -> Peer {
        Peer::SecurityGroup(id.into())
    }

    /// Whether this peer is every IPv4 or every IPv6 address.
    pub fn is_anywhere(&self) -> bool {
        match self {
            Peer::Ipv4(c) => c.as_literal().is_some_and(|c| c == "0.0.0.0/0"),
            Peer::Ipv6(c) => c.as_literal().is_some_and(|c| c == "::/0"),
            _ => false,
        }
    }

    /// Why a literal block is not valid, if it is not.
    pub fn check(&self) -> Option<String> {
        match self {
            Peer::Ipv4(c) => c.as_literal().and_then(|c| {
                c.parse::<Ipv4Cidr>()
                    .err()
                    .map(|e| format!("peer {c}: {e}"))
            }),
            Peer::Ipv6(c) => c.as_literal().and_then(|c| {
                let ok = c.split_once('/').is_some_and(|(a, p)| {
                    a.parse::<std::net::Ipv6Addr>().is_ok()
                        && p.parse::<u8>().is_ok_and(|p| p <= 128)
                });
                (!ok).then(|| format!("peer {c} is not an IPv6 CIDR block like 2001:db8::/56"))
            }),
            Peer::PrefixList(id) => id.as_literal().and_then(|id| {
                (!id.starts_with("pl-"))
                    .then(|| format!("prefix list id `{id}` does not start with `pl-`"))
            }),
            Peer::SecurityGroup(_) => None,
        }
    }

    /// A readable name for descriptions (`10.0.0.0/8`, `the prefix list pl-1`).
    pub(crate) fn describe(&self) -> String {
        let text = |v: &Expr| match v {
            Expr::String(s) => s.clone(),
            _ => "a deploy-time value".to_owned(),
        };
        match self {
            Peer::Ipv4(c) | Peer::Ipv6(c) => text(&c.to_template()),
            Peer::PrefixList(id) => format!("prefix list {}", text(&id.to_template())),
            Peer::SecurityGroup(id) => format!("security group {}", text(&id.to_template())),
        }
    }

    /// The key a rule is deduplicated by.
    pub(crate) fn key(&self) -> String {
        match self {
            Peer::Ipv4(c) => format!("v4:{:?}", c.to_template()),
            Peer::Ipv6(c) => format!("v6:{:?}", c.to_template()),
            Peer::PrefixList(id) => format!("pl:{:?}", id.to_template()),
            Peer::SecurityGroup(id) => format!("sg:{:?}", id.to_template()),
        }
    }
}
