//! [`Certificate`]: a public TLS certificate from ACM.

use crate::cfn::certificatemanager::{self as l1, certificate as cert};
use crate::resource::{CfnResource, Resource};
use crate::route53::{HostedZone, check_domain_name, in_zone};
use crate::value::Value;
use crate::{Construct, Node};

/// Options of a [`Certificate`].
#[derive(Debug, Clone)]
pub struct CertificateProps {
    /// The name it is for (`example.com`, `*.example.com`). Required.
    pub domain_name: String,
    /// More names it covers. default: none.
    pub subject_alternative_names: Vec<String>,
    /// The zone whose DNS records prove the names are yours (every name must be in it).
    /// Required.
    pub validation_zone: HostedZone,
}

impl CertificateProps {
    /// A certificate for `domain_name`, validated in `zone`.
    pub fn new(domain_name: &str, zone: &HostedZone) -> Self {
        CertificateProps {
            domain_name: domain_name.to_owned(),
            subject_alternative_names: Vec::new(),
            validation_zone: zone.clone(),
        }
    }

    /// Every problem with these settings.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let zone = self.validation_zone.zone_name();
        for name in std::iter::once(&self.domain_name).chain(&self.subject_alternative_names) {
            if let Some(p) = check_domain_name(name) {
                out.push(p);
            } else if !in_zone(name.trim_start_matches("*."), zone) {
                out.push(format!(
                    "`{name}` is not in the validation zone `{zone}`, so its DNS validation record cannot be written there"
                ));
            }
        }
        if self.subject_alternative_names.len() > 99 {
            out.push("a certificate covers at most 100 names".into());
        }
        out
    }
}

/// An ACM certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    arn: Value<String>,
    /// The region, when known at synth (the stack's, or a literal ARN's).
    region: Option<String>,
    resource: Option<CfnResource>,
}

impl Certificate {
    /// A certificate requested in the stack's region and validated by DNS in
    /// `props.validation_zone`; names outside the zone are reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: CertificateProps) -> Self {
        let node = Node::new(scope, id);
        for problem in props.problems() {
            node.report_message(problem);
        }
        let names: Vec<&String> = std::iter::once(&props.domain_name)
            .chain(&props.subject_alternative_names)
            .collect();
        let mut l1_props = l1::CertificateProps::new(props.domain_name.as_str())
            .validation_method("DNS")
            .domain_validation_options(
                names
                    .iter()
                    .map(|n| {
                        cert::DomainValidationOption::new(n.as_str())
                            .hosted_zone_id(props.validation_zone.zone_id())
                    })
                    .collect::<Vec<_>>(),
            );
        if !props.subject_alternative_names.is_empty() {
            l1_props = l1_props.subject_alternative_names(
                props
                    .subject_alternative_names
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
            );
        }
        let resource = l1::Certificate::new(&node, "Resource", l1_props);
        Certificate {
            arn: resource.id().into(),
            region: node.stack().region(),
            resource: Some(resource.cfn().clone()),
        }
    }

    /// An existing certificate by ARN (`arn:aws:acm:us-east-1:...`; a literal's region is
    /// read from it).
    pub fn from_arn(arn: impl Into<Value<String>>) -> Self {
        let arn = arn.into();
        let region = arn
            .as_literal()
            .and_then(|a| a.split(':').nth(3))
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        Certificate {
            arn,
            region,
            resource: None,
        }
    }

    /// The ARN.
    pub fn arn(&self) -> Value<String> {
        self.arn.clone()
    }

    /// The region it lives in, when known at synth.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The certificate resource, when it is requested in the stack.
    pub fn resource(&self) -> Option<&CfnResource> {
        self.resource.as_ref()
    }
}
