//! IPv4 CIDR blocks and subnet planning for [`Vpc`](super::Vpc).

use std::fmt;
use std::str::FromStr;

/// Why a CIDR block is invalid or does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CidrError {
    /// Not written like `10.0.0.0/16`.
    #[error("`{0}` is not an IPv4 CIDR block like 10.0.0.0/16")]
    Syntax(String),
    /// A prefix longer than 32 bits.
    #[error("prefix /{0} is longer than 32 bits")]
    PrefixTooLong(u8),
    /// Host bits set below the prefix.
    #[error("{written} has host bits set; the block starting there is {aligned}")]
    HostBits {
        /// The block as written.
        written: String,
        /// The block that starts at the aligned address.
        aligned: Ipv4Cidr,
    },
    /// A subnet mask shorter than the VPC's, or longer than 32.
    #[error("a /{mask} subnet cannot be carved from the VPC block {vpc}")]
    MaskOutside {
        /// The subnet's prefix length.
        mask: u8,
        /// The VPC block.
        vpc: Ipv4Cidr,
    },
    /// The subnets need more addresses than the VPC has (or fragment it).
    #[error(
        "subnet {index} of {count} (a /{mask}) does not fit in the VPC block {vpc}: the subnets need {needed} addresses, the VPC has {available}; use smaller subnets (a larger cidr_mask), fewer AZs or a larger VPC block"
    )]
    DoesNotFit {
        /// 1-based position of the first subnet that does not fit.
        index: usize,
        /// How many subnets were planned.
        count: usize,
        /// Its prefix length.
        mask: u8,
        /// The VPC block.
        vpc: Ipv4Cidr,
        /// Addresses all subnets need.
        needed: u64,
        /// Addresses of the VPC block.
        available: u64,
    },
}

/// An IPv4 CIDR block such as `172.28.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Cidr {
    network: u32,
    prefix: u8,
}

impl Ipv4Cidr {
    /// The block of `prefix` bits starting at `network` (host bits must be zero).
    pub fn new(network: u32, prefix: u8) -> Result<Self, CidrError> {
        if prefix > 32 {
            return Err(CidrError::PrefixTooLong(prefix));
        }
        let c = Ipv4Cidr { network, prefix };
        if network & !c.mask() != 0 {
            return Err(CidrError::HostBits {
                written: c.to_string(),
                aligned: Ipv4Cidr {
                    network: network & c.mask(),
                    prefix,
                },
            });
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
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, CidrError> {
        let bad = || CidrError::Syntax(text.to_owned());
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
) -> Result<Vec<Ipv4Cidr>, CidrError> {
    let mut used: Vec<Ipv4Cidr> = taken.to_vec();
    let mut out = Vec::with_capacity(masks.len());
    for (i, &mask) in masks.iter().enumerate() {
        if mask < within.prefix() || mask > 32 {
            return Err(CidrError::MaskOutside { mask, vpc: within });
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
                return Err(CidrError::DoesNotFit {
                    index: i + 1,
                    count: masks.len(),
                    mask,
                    vpc: within,
                    needed: masks.iter().map(|m| 1u64 << (32 - m)).sum(),
                    available: within.size(),
                });
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
