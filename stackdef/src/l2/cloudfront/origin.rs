//! [`LoadBalancerOrigin`]: an application load balancer behind CloudFront, answering
//! CloudFront only.

use indexmap::IndexMap;
use stackdef_synth::{RemovalPolicy, SourceLocation};

use crate::cfn::cloudfront::distribution as d;
use crate::ec2::{Connectable, Peer, Port};
use crate::elbv2::Listener;
use crate::fns;
use crate::l2::support::id_part;
use crate::secretsmanager::{Secret, SecretProps};
use crate::template::CfnMapping;
use crate::value::Value;
use crate::{Construct, Node, sub};

/// The AWS-managed prefix list of the addresses CloudFront connects to origins from.
pub const ORIGIN_FACING_PREFIX_LIST_NAME: &str = "com.amazonaws.global.cloudfront.origin-facing";

/// The header a distribution adds to requests to a load balancer origin, whose secret
/// value the load balancer's listener requires.
pub const ORIGIN_VERIFY_HEADER: &str = "X-Origin-Verify";

/// The id of [`ORIGIN_FACING_PREFIX_LIST_NAME`] per region (AWS-managed prefix lists have
/// one id per region, the same in every account).
const ORIGIN_FACING_PREFIX_LISTS: &[(&str, &str)] = &[
    ("ap-northeast-1", "pl-58a04531"),
    ("ap-southeast-1", "pl-31a34658"),
    ("ap-southeast-2", "pl-b8a742d1"),
    ("ca-central-1", "pl-38a64351"),
    ("eu-central-1", "pl-a3a144ca"),
    ("eu-north-1", "pl-fab65393"),
    ("eu-west-1", "pl-4fa04526"),
    ("eu-west-2", "pl-93a247fa"),
    ("eu-west-3", "pl-75b1541c"),
    ("sa-east-1", "pl-5da64334"),
    ("us-east-1", "pl-3b927c52"),
    ("us-east-2", "pl-b6a144df"),
    ("us-west-1", "pl-4ea04527"),
    ("us-west-2", "pl-82a045eb"),
];

/// CloudFront's origin-facing prefix list in `scope`'s region, as a security group peer:
/// the id itself when the stack's region is known, a lookup in a stack mapping keyed by
/// region otherwise. A region stackdef has no id for is an error: look the id up with
/// `aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`
/// and pass it with [`LoadBalancerOrigin::prefix_list_id`].
///
/// The list counts as about 55 rules against a security group's quota of 60 inbound
/// rules: admit it on one port only.
pub fn origin_facing_prefix_list(scope: &impl Construct) -> Result<Peer, String> {
    let stack = scope.node().stack();
    match stack.region() {
        Some(region) => ORIGIN_FACING_PREFIX_LISTS
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, id)| Peer::prefix_list(*id))
            .ok_or_else(|| {
                format!(
                    "stackdef does not know the id of {ORIGIN_FACING_PREFIX_LIST_NAME} in {region}; look it up (aws ec2 describe-managed-prefix-lists --region {region} --filters Name=prefix-list-name,Values={ORIGIN_FACING_PREFIX_LIST_NAME}) and pass it with LoadBalancerOrigin::prefix_list_id"
                )
            }),
        None => {
            let table: IndexMap<String, IndexMap<String, serde_json::Value>> =
                ORIGIN_FACING_PREFIX_LISTS
                    .iter()
                    .map(|(r, id)| {
                        (
                            (*r).to_owned(),
                            [("PrefixListId".to_owned(), serde_json::Value::from(*id))]
                                .into_iter()
                                .collect(),
                        )
                    })
                    .collect();
            let mapping = CfnMapping::shared(&stack, "CloudFrontOriginFacing", |stack| {
                CfnMapping::new(stack, "CloudFrontOriginFacing", table)
            });
            Ok(Peer::PrefixList(
                mapping.find(fns::region(), "PrefixListId"),
            ))
        }
    }
}

/// An application load balancer as a CloudFront origin, through one of its listeners.
///
/// CloudFront connects with the listener's protocol: HTTPS-only to an HTTPS listener
/// (then the origin needs a domain name the load balancer's certificate covers, such as an
/// alias record to it), HTTP-only to an HTTP one. By default the load balancer answers
/// CloudFront only: its security group admits [`origin_facing_prefix_list`] on the
/// listener's port, and the listener requires [`ORIGIN_VERIFY_HEADER`] with a secret
/// generated in Secrets Manager, which the distribution adds to every request (the prefix
/// list alone admits every CloudFront distribution, anyone's).
#[derive(Debug, Clone)]
pub struct LoadBalancerOrigin {
    pub(crate) listener: Listener,
    domain_name: Option<Value<String>>,
    verify_header: bool,
    admit_only_cloudfront: bool,
    prefix_list_id: Option<Value<String>>,
    read_timeout_secs: u32,
}

impl LoadBalancerOrigin {
    /// The load balancer of `listener`, through that listener.
    pub fn new(listener: &Listener) -> Self {
        LoadBalancerOrigin {
            listener: listener.clone(),
            domain_name: None,
            verify_header: true,
            admit_only_cloudfront: true,
            prefix_list_id: None,
            read_timeout_secs: 30,
        }
    }

    /// Connect to this name (an alias record to the load balancer that its certificate
    /// covers) instead of the load balancer's own DNS name. Required for HTTPS.
    pub fn domain_name(self, name: impl Into<Value<String>>) -> Self {
        LoadBalancerOrigin {
            domain_name: Some(name.into()),
            ..self
        }
    }

    /// Do not require the secret header (the prefix list still admits CloudFront only).
    pub fn without_origin_verification(self) -> Self {
        LoadBalancerOrigin {
            verify_header: false,
            ..self
        }
    }

    /// Leave the load balancer's security group as it is (you admit CloudFront yourself).
    pub fn without_prefix_list_rule(self) -> Self {
        LoadBalancerOrigin {
            admit_only_cloudfront: false,
            ..self
        }
    }

    /// The id of the origin-facing prefix list, for a region stackdef does not know.
    pub fn prefix_list_id(self, id: impl Into<Value<String>>) -> Self {
        LoadBalancerOrigin {
            prefix_list_id: Some(id.into()),
            ..self
        }
    }

    /// Seconds CloudFront waits for the load balancer to answer (1 to 180). default: `30`.
    pub fn read_timeout_secs(self, secs: u32) -> Self {
        LoadBalancerOrigin {
            read_timeout_secs: secs,
            ..self
        }
    }

    /// The origin id in the distribution.
    pub(crate) fn origin_id(&self) -> String {
        id_part(&self.listener.node().path())
    }

    /// Wires the load balancer to answer CloudFront only and returns the L1 origin;
    /// problems are reported on `node` at `location`, the user's line.
    pub(crate) fn attach(&self, node: &Node, location: SourceLocation) -> d::Origin {
        let alb = self.listener.load_balancer();
        let https = self.listener.is_https();
        let port = self.listener.port();
        if !alb.is_internet_facing() {
            node.report_message_at(
                location,
                format!(
                    "{} is internal, and CloudFront reaches only internet-facing load balancers as custom origins",
                    alb.node().path()
                ),
            );
        }
        if !(1..=180).contains(&self.read_timeout_secs) {
            node.report_message_at(
                location,
                format!(
                    "origin read timeout {}s is out of range: 1 to 180",
                    self.read_timeout_secs
                ),
            );
        }
        let domain = match (&self.domain_name, https) {
            (Some(name), _) => name.clone(),
            (None, false) => alb.dns_name(),
            (None, true) => {
                node.report_message_at(
                    location,
                    format!(
                        "{} is an HTTPS listener, so CloudFront checks the load balancer's certificate against the origin's name, and no certificate covers the load balancer's own DNS name; give the origin an alias record's name (LoadBalancerOrigin::new(&listener).domain_name(record.domain_name()))",
                        self.listener.node().path()
                    ),
                );
                alb.dns_name()
            }
        };
        if self.admit_only_cloudfront {
            let peer = match &self.prefix_list_id {
                Some(id) => Ok(Peer::prefix_list(id.clone())),
                None => origin_facing_prefix_list(alb),
            };
            match peer {
                Ok(peer) => alb.allow_from_peer(peer, Port::tcp(port)),
                Err(problem) => node.report_message_at(location, problem),
            }
        }
        let mut config = d::CustomOriginConfig::new(if https { "https-only" } else { "http-only" })
            .origin_read_timeout(i64::from(self.read_timeout_secs));
        config = if https {
            config
                .https_port(i64::from(port))
                .origin_ssl_protocols(vec!["TLSv1.2"])
        } else {
            config.http_port(i64::from(port))
        };
        let mut origin = d::Origin::new(domain, self.origin_id()).custom_origin_config(config);
        if self.verify_header {
            let secret = Secret::new(
                node,
                "OriginVerifySecret",
                SecretProps {
                    description: Some(format!(
                        "{ORIGIN_VERIFY_HEADER} value CloudFront ({}) sends to {}",
                        node.path(),
                        alb.node().path()
                    )),
                    password_length: 32,
                    exclude_characters: PUNCTUATION.into(),
                    removal_policy: RemovalPolicy::Delete,
                    ..Default::default()
                },
            );
            // Resolved by CloudFormation at deploy time: the value is never in the template.
            let value = sub!["{{resolve:secretsmanager:", secret.arn(), ":SecretString}}"];
            self.listener
                .require_header(ORIGIN_VERIFY_HEADER, value.clone());
            origin = origin.origin_custom_headers(vec![d::OriginCustomHeader::new(
                ORIGIN_VERIFY_HEADER,
                value,
            )]);
        }
        origin
    }
}

/// Characters a header value and a load balancer rule's match value are kept free of.
const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ";
