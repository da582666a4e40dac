//! CloudFront: a [`Distribution`] in front of an application load balancer
//! ([`LoadBalancerOrigin`]), with CloudFront's managed cache and origin-request policies as
//! named constants ([`CachePolicy`], [`OriginRequestPolicy`]), a viewer certificate from
//! ACM in us-east-1, price classes, logging to a bucket, and alias records
//! ([`RecordTarget::cloudfront`](crate::route53::RecordTarget::cloudfront)).
//!
//! The load balancer answers only CloudFront: its security group admits the CloudFront
//! origin-facing prefix list on the origin port ([`origin_facing_prefix_list`]), and the
//! listener answers `403` to requests without a secret header the distribution adds.

mod distribution;
mod origin;
mod policies;

pub use distribution::{
    AllowedMethods, Behavior, CLOUDFRONT_HOSTED_ZONE_ID, Distribution, DistributionProps,
    PriceClass,
};
pub use origin::{
    LoadBalancerOrigin, ORIGIN_FACING_PREFIX_LIST_NAME, ORIGIN_VERIFY_HEADER,
    origin_facing_prefix_list,
};
pub use policies::{CachePolicy, OriginRequestPolicy};
