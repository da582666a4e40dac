//! ACM certificates: [`Certificate`], validated through DNS records in a Route 53 zone
//! (CloudFormation writes them and waits), or imported by ARN. A certificate's region is
//! its stack's, which matters where a service reads certificates from one region only
//! (CloudFront: us-east-1).

mod certificate;

pub use certificate::{Certificate, CertificateProps};
