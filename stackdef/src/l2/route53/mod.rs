//! Route 53: [`HostedZone`]s (public or private, created or imported by id and name) and
//! alias records ([`ARecord`], [`AaaaRecord`]) whose targets are typed: the alias hosted
//! zone id comes from the target ([`RecordTarget::load_balancer`], or
//! `RecordTarget::cloudfront` in [`crate::cloudfront`]), never from the user.
//!
//! A record's name must be in its zone: `www.example.com` in `example.com`.
//!
//! A target is a load balancer or a distribution, not a string:
//!
//! ```compile_fail,E0308
//! use stackdef::route53::{ARecord, HostedZone, RecordProps, RecordTarget};
//! use stackdef::value::HostedZoneId;
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let zone = HostedZone::import(HostedZoneId::new("Z0123456789"), "example.com");
//! ARecord::new(&stack, "Www", &zone, RecordProps::new("www.example.com", "d111.cloudfront.net"));
//! ```
//!
//! and only a load balancer is a load balancer target:
//!
//! ```compile_fail,E0308
//! use stackdef::ec2::{Vpc, VpcProps};
//! use stackdef::route53::RecordTarget;
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! RecordTarget::load_balancer(&vpc);
//! ```

mod hosted_zone;
mod record;

pub use hosted_zone::{HostedZone, HostedZoneProps, check_domain_name, in_zone};
pub use record::{ARecord, AaaaRecord, RecordProps, RecordTarget};
