//! The connections API: [`Connectable`] constructs allow traffic to and from each other,
//! and stackdef writes the rules on both sides.

use stackdef_synth::SourceLocation;

use super::peer::Peer;
use super::port::Port;
use super::security_group::{Direction, SecurityGroup};
use crate::Construct;

/// The security groups of a construct.
#[derive(Debug, Clone)]
pub struct Connections {
    security_groups: Vec<SecurityGroup>,
}

impl Connections {
    /// Connections made of these groups.
    pub fn new(security_groups: Vec<SecurityGroup>) -> Self {
        Connections { security_groups }
    }

    /// The groups.
    pub fn security_groups(&self) -> &[SecurityGroup] {
        &self.security_groups
    }

    /// An address rule on each group; a bad port or peer is reported at `loc`.
    fn address_rule(
        &self,
        direction: Direction,
        peer: Peer,
        port: Port,
        description: &str,
        loc: SourceLocation,
    ) {
        for sg in &self.security_groups {
            sg.add_address_rule(direction, peer.clone(), port, description, loc);
        }
    }
}

/// Which way traffic flows between `mine` and `theirs` in [`link_groups`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// From theirs into mine.
    Inbound,
    /// From mine out to theirs.
    Outbound,
}

/// Writes the ingress rule on the receiving groups and the egress rule on the sending ones
/// for `port`; a bad port is reported on `mine` at the user's line `loc`.
fn link_groups(
    mine: &Connections,
    theirs: &Connections,
    port: Port,
    flow: Flow,
    loc: SourceLocation,
) {
    if let Some(problem) = port.check() {
        if let Some(sg) = mine.security_groups.first() {
            sg.node().report_message_at(loc, problem);
        }
        return;
    }
    for m in &mine.security_groups {
        for t in &theirs.security_groups {
            let (to, from) = match flow {
                Flow::Inbound => (m, t),
                Flow::Outbound => (t, m),
            };
            to.add_group_rule(Direction::Ingress, from, port);
            from.add_group_rule(Direction::Egress, to, port);
        }
    }
}

/// Something with security groups that traffic can be allowed to and from.
///
/// `a.allow_from(&b, port)` writes an ingress rule on `a`'s groups from `b`'s groups and,
/// where `b`'s outbound traffic is restricted, the matching egress rule on `b`.
pub trait Connectable {
    /// The construct's security groups.
    fn connections(&self) -> Connections;

    /// Allows `port` from `other` into this construct.
    #[track_caller]
    fn allow_from(&self, other: &impl Connectable, port: Port)
    where
        Self: Sized,
    {
        let loc = SourceLocation::caller();
        link_groups(
            &self.connections(),
            &other.connections(),
            port,
            Flow::Inbound,
            loc,
        );
    }

    /// Allows `port` from this construct to `other`.
    #[track_caller]
    fn allow_to(&self, other: &impl Connectable, port: Port)
    where
        Self: Sized,
    {
        let loc = SourceLocation::caller();
        link_groups(
            &self.connections(),
            &other.connections(),
            port,
            Flow::Outbound,
            loc,
        );
    }

    /// Allows `port` from a peer: an address block (literal or parameter), a prefix list
    /// or a group id.
    #[track_caller]
    fn allow_from_peer(&self, peer: Peer, port: Port) {
        let description = format!("{port} from {}", peer.describe());
        self.connections().address_rule(
            Direction::Ingress,
            peer,
            port,
            &description,
            SourceLocation::caller(),
        );
    }

    /// Allows `port` from this construct to a peer.
    #[track_caller]
    fn allow_to_peer(&self, peer: Peer, port: Port) {
        let description = format!("{port} to {}", peer.describe());
        self.connections().address_rule(
            Direction::Egress,
            peer,
            port,
            &description,
            SourceLocation::caller(),
        );
    }

    /// Allows `port` from any IPv4 address (`0.0.0.0/0`).
    #[track_caller]
    fn allow_from_any_ipv4(&self, port: Port) {
        self.connections().address_rule(
            Direction::Ingress,
            Peer::any_ipv4(),
            port,
            &format!("{port} from anywhere"),
            SourceLocation::caller(),
        );
    }

    /// Allows `port` from an IPv4 block: a literal (checked at synth) or an expression
    /// such as a template parameter.
    #[track_caller]
    fn allow_from_cidr(&self, cidr: impl Into<crate::Value<String>>, port: Port)
    where
        Self: Sized,
    {
        self.allow_from_peer(Peer::ipv4(cidr), port);
    }

    /// Allows `port` from this construct to an IPv4 block.
    #[track_caller]
    fn allow_to_cidr(&self, cidr: impl Into<crate::Value<String>>, port: Port)
    where
        Self: Sized,
    {
        self.allow_to_peer(Peer::ipv4(cidr), port);
    }
}

/// A [`Connectable`] with a well-known port (a database's listener), so callers can allow
/// access without repeating the number.
pub trait HasDefaultPort: Connectable {
    /// The port clients connect to.
    fn default_port(&self) -> Port;

    /// Allows `other` to reach this construct on its default port.
    #[track_caller]
    fn allow_default_port_from(&self, other: &impl Connectable)
    where
        Self: Sized,
    {
        self.allow_from(other, self.default_port());
    }
}

impl Connectable for SecurityGroup {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.clone()])
    }
}

impl Connectable for Connections {
    fn connections(&self) -> Connections {
        self.clone()
    }
}
