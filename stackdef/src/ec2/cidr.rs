//! IPv4 CIDR blocks and subnet planning for [`Vpc`](super::Vpc).

use std::fmt;
use std::str::FromStr;

/// An IPv4 CIDR block such as `172.28.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Cidr {
    network: u32,
    prefix: u8,
}

impl Ipv4Cidr {
    /// The block of `prefix` bits starting at `network` (host bits must be zero).
    pub fn new(network: u32, prefix: u8) -> Result<Self, String> {
        if prefix > 32 {
            return Err(format!("prefix /{prefix} is longer than 32 bits"));
        }
        let c = Ipv4Cidr { network, prefix };
        if network & !c.mask() != 0 {
            return Err(format!(
                "{} has host bits set; the block starting there is {}",
                c,
                Ipv4Cidr {
                    network: network & c.mask(),
                    prefix
                }
            ));
        }
        Ok(c)
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }

    /// The prefix length.
    pub fn prefix(self) -> u8 {
        self.prefix
    }

    /// The first address.
    pub fn first(self) -> u32 {
        self.network
    }

    /// The number of addresses (as u64: a /0 holds 2^32).
    pub fn size(self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    /// One past the last address.
    pub fn end(self) -> u64 {
        self.network as u64 + self.size()
    }

    /// Whether `other` lies entirely inside this block.
    pub fn contains(self, other: Ipv4Cidr) -> bool {
        other.network as u64 >= self.network as u64 && other.end() <= self.end()
    }

    /// Whether the two blocks share any address.
    pub fn overlaps(self, other: Ipv4Cidr) -> bool {
        (self.network as u64) < other.end() && (other.network as u64) < self.end()
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.network.to_be_bytes();
        write!(f, "{a}.{b}.{c}.{d}/{}", self.prefix)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not an IPv4 CIDR block like 10.0.0.0/16");
        let (addr, prefix) = text.split_once('/').ok_or_else(bad)?;
        let prefix: u8 = prefix.parse().map_err(|_| bad())?;
        let octets: Vec<u8> = addr
            .split('.')
            .map(|o| o.parse::<u8>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let [a, b, c, d] = octets[..] else {
            return Err(bad());
        };
        Ipv4Cidr::new(u32::from_be_bytes([a, b, c, d]), prefix)
    }
}

/// Allocates `masks` (in order) inside `within`, first fit, each block aligned to its size,
/// avoiding `taken`. Returns the blocks or the first that does not fit.
pub(crate) fn allocate(
    within: Ipv4Cidr,
    masks: &[u8],
    taken: &[Ipv4Cidr],
) -> Result<Vec<Ipv4Cidr>, String> {
    let mut used: Vec<Ipv4Cidr> = taken.to_vec();
    let mut out = Vec::with_capacity(masks.len());
    for (i, &mask) in masks.iter().enumerate() {
        if mask < within.prefix() || mask > 32 {
            return Err(format!(
                "a /{mask} subnet cannot be carved from the VPC block {within}"
            ));
        }
        let size = 1u64 << (32 - mask);
        let mut start = within.first() as u64;
        let found = loop {
            if start + size > within.end() {
                break None;
            }
            let candidate = Ipv4Cidr {
                network: start as u32,
                prefix: mask,
            };
            match used.iter().find(|u| u.overlaps(candidate)) {
                None => break Some(candidate),
                Some(u) => {
                    // Jump past the clash, realigned to this block size.
                    start = u.end().div_ceil(size) * size;
                }
            }
        };
        match found {
            Some(c) => {
                used.push(c);
                out.push(c);
            }
            None => {
                let total: u64 = masks.iter().map(|m| 1u64 << (32 - m)).sum();
                return Err(format!(
                    "subnet {} of {} (a /{mask}) does not fit in the VPC block {within}: the subnets need {total} addresses, the VPC has {}; use smaller subnets (a larger cidr_mask), fewer AZs or a larger VPC block",
                    i + 1,
                    masks.len(),
                    within.size()
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let c: Ipv4Cidr = "172.28.0.0/16".parse().unwrap();
        assert_eq!(c.to_string(), "172.28.0.0/16");
        assert!("172.28.1.0/16".parse::<Ipv4Cidr>().is_err());
        assert!("172.28.0/16".parse::<Ipv4Cidr>().is_err());
        assert!("300.0.0.0/8".parse::<Ipv4Cidr>().is_err());
    }

    #[test]
    fn allocates_aligned_blocks() {
        let vpc: Ipv4Cidr = "172.28.0.0/16".parse().unwrap();
        let got = allocate(vpc, &[18, 18, 18, 18], &[]).unwrap();
        let names: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            [
                "172.28.0.0/18",
                "172.28.64.0/18",
                "172.28.128.0/18",
                "172.28.192.0/18"
            ]
        );
        assert!(allocate(vpc, &[17, 17, 24], &[]).is_err());
        let mixed = allocate(vpc, &[24, 20], &[]).unwrap();
        assert_eq!(mixed[1].to_string(), "172.28.16.0/20");
    }
}
