//! Protocols and port ranges of security group rules.

/// An IP protocol for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Every protocol.
    All,
}

/// A protocol and port range for a security group rule.
///
/// Ports are `u16`, so a port above 65535 does not compile:
///
/// ```compile_fail
/// let port = stackdef::ec2::Port::tcp(70000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port {
    protocol: Protocol,
    from: u16,
    to: u16,
}

impl Port {
    /// One TCP port (1 to 65535; 0 is reported at synth where used).
    pub const fn tcp(port: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from: port,
            to: port,
        }
    }

    /// A TCP range `from..=to`.
    pub const fn tcp_range(from: u16, to: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from,
            to,
        }
    }

    /// One UDP port.
    pub const fn udp(port: u16) -> Port {
        Port {
            protocol: Protocol::Udp,
            from: port,
            to: port,
        }
    }

    /// Every TCP port.
    pub const fn all_tcp() -> Port {
        Port::tcp_range(1, 65535)
    }

    /// Every protocol and port.
    pub const fn all_traffic() -> Port {
        Port {
            protocol: Protocol::All,
            from: 0,
            to: 65535,
        }
    }

    /// The protocol.
    pub fn protocol(self) -> Protocol {
        self.protocol
    }

    /// First port.
    pub fn from_port(self) -> u16 {
        self.from
    }

    /// Last port.
    pub fn to_port(self) -> u16 {
        self.to
    }

    /// Whether the range includes `port` (of any protocol, for all traffic).
    pub fn covers(self, port: u16) -> bool {
        self.protocol == Protocol::All || (self.from..=self.to).contains(&port)
    }

    /// Why this port is invalid, if it is.
    pub fn check(self) -> Option<String> {
        if self.protocol == Protocol::All {
            return None;
        }
        if self.from == 0 || self.to == 0 {
            return Some(format!("port {self} is out of range: ports are 1 to 65535"));
        }
        if self.from > self.to {
            return Some(format!(
                "port range {}-{} is reversed: the first port must not exceed the last",
                self.from, self.to
            ));
        }
        None
    }

    pub(crate) fn ip_protocol(self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::All => "-1",
        }
    }

    /// `FromPort`/`ToPort`, absent for all traffic.
    pub(crate) fn range(self) -> Option<(i64, i64)> {
        (self.protocol != Protocol::All).then(|| (i64::from(self.from), i64::from(self.to)))
    }

    /// A construct-id-safe label (`tcp8000`, `all`).
    pub(crate) fn label(self) -> String {
        match self.protocol {
            Protocol::All => "all".into(),
            p => {
                let proto = if p == Protocol::Tcp { "tcp" } else { "udp" };
                if self.from == self.to {
                    format!("{proto}{}", self.from)
                } else {
                    format!("{proto}{}-{}", self.from, self.to)
                }
            }
        }
    }
}

impl std::fmt::Display for Port {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.protocol {
            Protocol::All => write!(f, "all traffic"),
            _ if self.from == self.to => write!(f, "{} {}", self.ip_protocol(), self.from),
            _ => write!(f, "{} {}-{}", self.ip_protocol(), self.from, self.to),
        }
    }
}
