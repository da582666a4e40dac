//! [`Distribution`]: a CloudFront distribution in front of a load balancer.

use stackdef_synth::SourceLocation;

use super::origin::LoadBalancerOrigin;
use super::policies::{CachePolicy, OriginRequestPolicy};
use crate::acm::Certificate;
use crate::cfn::cloudfront::{self as l1, distribution as d};
use crate::fns;
use crate::resource::{CfnResource, Resource};
use crate::route53::{RecordTarget, check_domain_name};
use crate::s3::Bucket;
use crate::value::{DistributionId, Value};
use crate::{Construct, Node, sub};

/// The Route 53 hosted zone of every CloudFront domain name (what an alias record to a
/// distribution names; [`RecordTarget::cloudfront`] writes it for you).
pub const CLOUDFRONT_HOSTED_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// Which HTTP methods CloudFront passes to the origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowedMethods {
    /// `GET`, `HEAD`.
    GetHead,
    /// `GET`, `HEAD`, `OPTIONS`.
    GetHeadOptions,
    /// Every method (forms, APIs).
    All,
}

impl AllowedMethods {
    fn methods(self) -> Vec<&'static str> {
        match self {
            AllowedMethods::GetHead => vec!["GET", "HEAD"],
            AllowedMethods::GetHeadOptions => vec!["GET", "HEAD", "OPTIONS"],
            AllowedMethods::All => vec!["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        }
    }
}

/// Where CloudFront serves from (and what it costs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PriceClass {
    /// North America and Europe (`PriceClass_100`). The default.
    #[default]
    NorthAmericaEurope,
    /// Also Asia, the Middle East and Africa (`PriceClass_200`).
    MostRegions,
    /// Every edge location (`PriceClass_All`).
    All,
}

/// A cache behavior for requests whose path matches a pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Behavior {
    /// The path pattern (`/static/*`). Required.
    pub path_pattern: String,
    /// How responses are cached. Required.
    pub cache_policy: CachePolicy,
    /// What reaches the origin. default: none (only what the cache policy keys on).
    pub origin_request_policy: Option<OriginRequestPolicy>,
    /// Methods passed on. default: `GET` and `HEAD`.
    pub allowed_methods: AllowedMethods,
}

impl Behavior {
    /// Requests matching `path_pattern`, cached with `cache_policy`.
    pub fn new(path_pattern: &str, cache_policy: CachePolicy) -> Self {
        Behavior {
            path_pattern: path_pattern.to_owned(),
            cache_policy,
            origin_request_policy: None,
            allowed_methods: AllowedMethods::GetHead,
        }
    }
}

/// Options of a [`Distribution`].
#[derive(Debug, Clone)]
pub struct DistributionProps {
    /// Where requests go. Required.
    pub origin: LoadBalancerOrigin,
    /// How responses are cached by default. default: [`CachePolicy::CACHING_DISABLED`]
    /// (a load balancer serves dynamic pages).
    pub cache_policy: CachePolicy,
    /// What reaches the origin by default. default: [`OriginRequestPolicy::ALL_VIEWER`].
    pub origin_request_policy: Option<OriginRequestPolicy>,
    /// Methods passed on by default. default: [`AllowedMethods::All`].
    pub allowed_methods: AllowedMethods,
    /// Behaviors for path patterns, before the default one. default: none.
    pub additional_behaviors: Vec<Behavior>,
    /// The names viewers use (`Aliases`); they need a certificate covering them.
    /// default: none (the `*.cloudfront.net` name only).
    pub domain_names: Vec<String>,
    /// The viewer certificate: an ACM certificate in us-east-1 (CloudFront reads no other
    /// region; one elsewhere is a synth error). default: CloudFront's own.
    pub certificate: Option<Certificate>,
    /// Where CloudFront serves from. default: [`PriceClass::NorthAmericaEurope`].
    pub price_class: PriceClass,
    /// Standard logs into this bucket (see [`Bucket::for_cloudfront_logs`]) under this
    /// prefix. default: none.
    pub logging: Option<(Bucket, String)>,
    /// `Comment` (at most 128 characters). default: none.
    pub comment: Option<String>,
    /// Answer over IPv6 too. default: `true`.
    pub enable_ipv6: bool,
    /// A WAF web ACL (its ARN; in us-east-1). default: none.
    pub web_acl_id: Option<Value<String>>,
}

impl DistributionProps {
    /// A distribution in front of `origin`: dynamic content uncached, every viewer header
    /// passed on, HTTP redirected to HTTPS, HTTP/2 and HTTP/3, IPv6, North America and
    /// Europe.
    pub fn new(origin: LoadBalancerOrigin) -> Self {
        DistributionProps {
            origin,
            cache_policy: CachePolicy::CACHING_DISABLED,
            origin_request_policy: Some(OriginRequestPolicy::ALL_VIEWER),
            allowed_methods: AllowedMethods::All,
            additional_behaviors: Vec::new(),
            domain_names: Vec::new(),
            certificate: None,
            price_class: PriceClass::default(),
            logging: None,
            comment: None,
            enable_ipv6: true,
            web_acl_id: None,
        }
    }

    /// Every problem these settings have on their own (the certificate's region is
    /// checked at synth, where a certificate made in another stack is known).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match (self.domain_names.is_empty(), self.certificate.is_some()) {
            (false, false) => out.push(
                "domain_names need a certificate that covers them (an ACM certificate in us-east-1)"
                    .into(),
            ),
            (true, true) => out.push(
                "a certificate is set without domain_names; list the names it covers that viewers use"
                    .into(),
            ),
            _ => {}
        }
        for name in &self.domain_names {
            out.extend(check_domain_name(name));
        }
        for (i, b) in self.additional_behaviors.iter().enumerate() {
            if b.path_pattern.is_empty() || b.path_pattern.len() > 255 {
                out.push(format!(
                    "path pattern `{}` must be 1 to 255 characters long",
                    b.path_pattern
                ));
            }
            if self.additional_behaviors[..i]
                .iter()
                .any(|o| o.path_pattern == b.path_pattern)
            {
                out.push(format!(
                    "two behaviors have the path pattern `{}`",
                    b.path_pattern
                ));
            }
        }
        if self.additional_behaviors.len() > 25 {
            out.push("a distribution has at most 25 behaviors besides the default one".into());
        }
        if let Some(c) = &self.comment
            && c.len() > 128
        {
            out.push("a distribution's comment is at most 128 characters".into());
        }
        out
    }
}

/// A CloudFront distribution.
#[derive(Debug, Clone, Construct)]
pub struct Distribution {
    node: Node,
    resource: l1::Distribution,
    ipv6: bool,
}

impl Resource for Distribution {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl Distribution {
    /// A distribution; invalid settings, an HTTPS origin without a domain name and a
    /// certificate outside us-east-1 are reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: DistributionProps) -> Self {
        let location = SourceLocation::caller();
        let node = Node::new(scope, id);
        for problem in props.problems() {
            node.report_message_at(location, problem);
        }
        let origin = props.origin.attach(&node, location);
        let origin_id = props.origin.origin_id();
        let mut default_behavior = d::DefaultCacheBehavior::new(
            origin_id.as_str(),
            d::ViewerProtocolPolicy::RedirectToHttps,
        )
        .cache_policy_id(props.cache_policy.id())
        .allowed_methods(props.allowed_methods.methods())
        .cached_methods(vec!["GET", "HEAD"])
        .compress(true);
        if let Some(p) = &props.origin_request_policy {
            default_behavior = default_behavior.origin_request_policy_id(p.id());
        }
        let mut config = d::DistributionConfig::new(default_behavior, true)
            .origins(vec![origin])
            .http_version(d::HttpVersion::Http2and3)
            .ipv6_enabled(props.enable_ipv6)
            .price_class(match props.price_class {
                PriceClass::NorthAmericaEurope => d::PriceClass::PriceClass100,
                PriceClass::MostRegions => d::PriceClass::PriceClass200,
                PriceClass::All => d::PriceClass::PriceClassAll,
            });
        if !props.additional_behaviors.is_empty() {
            config = config.cache_behaviors(
                props
                    .additional_behaviors
                    .iter()
                    .map(|b| {
                        let mut behavior = d::CacheBehavior::new(
                            b.path_pattern.as_str(),
                            origin_id.as_str(),
                            "redirect-to-https",
                        )
                        .cache_policy_id(b.cache_policy.id())
                        .allowed_methods(b.allowed_methods.methods())
                        .cached_methods(vec!["GET", "HEAD"])
                        .compress(true);
                        if let Some(p) = &b.origin_request_policy {
                            behavior = behavior.origin_request_policy_id(p.id());
                        }
                        behavior
                    })
                    .collect::<Vec<_>>(),
            );
        }
        if !props.domain_names.is_empty() {
            config = config.aliases(
                props
                    .domain_names
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(cert) = &props.certificate {
            config = config.viewer_certificate(
                d::ViewerCertificate::new()
                    .acm_certificate_arn(cert.arn())
                    .ssl_support_method(d::SslSupportMethod::SniOnly)
                    .minimum_protocol_version(d::MinimumProtocolVersion::TlSv122021),
            );
        }
        if let Some((bucket, prefix)) = &props.logging {
            config = config.logging(
                d::Logging::new()
                    .bucket(bucket.regional_domain_name())
                    .prefix(prefix.as_str())
                    .include_cookies(false),
            );
        }
        if let Some(comment) = &props.comment {
            config = config.comment(comment.as_str());
        }
        if let Some(acl) = &props.web_acl_id {
            config = config.web_acl_id(acl.clone());
        }
        let resource = l1::Distribution::new(&node, "Resource", l1::DistributionProps::new(config));
        Distribution {
            node,
            resource,
            ipv6: props.enable_ipv6,
        }
    }

    /// `DomainName`: the distribution's `*.cloudfront.net` name.
    pub fn domain_name(&self) -> Value<String> {
        self.resource.attr_domain_name()
    }

    /// `Ref`: the distribution id.
    pub fn distribution_id(&self) -> Value<DistributionId> {
        self.resource.id()
    }

    /// The distribution's ARN.
    pub fn arn(&self) -> Value<String> {
        sub![
            "arn:",
            fns::partition(),
            ":cloudfront::",
            fns::account_id(),
            ":distribution/",
            self.distribution_id()
        ]
    }
}

impl RecordTarget {
    /// A CloudFront distribution (CloudFront's alias hosted zone; IPv6 as the
    /// distribution has it).
    pub fn cloudfront(distribution: &Distribution) -> Self {
        RecordTarget::alias(
            distribution.domain_name(),
            CLOUDFRONT_HOSTED_ZONE_ID.into(),
            distribution.ipv6,
            format!("the distribution {}", distribution.node.path()),
        )
    }
}
