//! CloudFront in front of a load balancer: HTTPS to the origin when the listener is HTTPS,
//! the load balancer admitting CloudFront's origin-facing prefix list only and requiring a
//! secret header, managed policies by name, the viewer certificate, logs, alias records
//! with CloudFront's zone, and each mistake at synth with the construct path and line.

use serde_json::json;
use stackdef::acm::Certificate;
use stackdef::assertions::{Match, Template};
use stackdef::cloudfront::{
    Behavior, CachePolicy, Distribution, DistributionProps, LoadBalancerOrigin,
    ORIGIN_VERIFY_HEADER,
};
use stackdef::ec2::{Vpc, VpcProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, FargateService, FargateServiceProps,
    FargateTaskDefinition, FargateTaskDefinitionProps,
};
use stackdef::elbv2::{Alb, AlbProps, Listener, ListenerProps, TargetGroupProps};
use stackdef::route53::{ARecord, AaaaRecord, HostedZone, RecordProps, RecordTarget};
use stackdef::s3::Bucket;
use stackdef::value::HostedZoneId;
use stackdef::{App, Env, Stack};

const CERT: &str =
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

struct Fixture {
    app: App,
    stack: Stack,
    vpc: Vpc,
    alb: Alb,
    https: Listener,
    zone: HostedZone,
}

fn fixture_in(env: Env, internet_facing: bool) -> Fixture {
    let app = App::new();
    let stack = app.stack("Test", env);
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let alb = Alb::new(
        &stack,
        "Alb",
        &vpc,
        AlbProps {
            internet_facing,
            ..Default::default()
        },
    );
    let https = alb.add_listener(
        "Https",
        ListenerProps {
            open: false,
            ..ListenerProps::https(443, CERT)
        },
    );
    let zone = HostedZone::import(HostedZoneId::new("Z0123456789ABCDEFGHIJ"), "example.com");
    Fixture {
        app,
        stack,
        vpc,
        alb,
        https,
        zone,
    }
}

fn fixture() -> Fixture {
    fixture_in(Env::aws("123456789012", "us-east-1"), true)
}

fn template(app: &App) -> Template {
    let out = app.synthesize().unwrap_or_else(|e| panic!("{e}"));
    Template::from_json(out.stack("Test").expect("Test").template.clone())
}

fn errors(app: &App) -> Vec<String> {
    match app.synthesize() {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// The one error containing `needle`; it must name `path` and this file at `line`.
#[track_caller]
fn assert_error_at(app: &App, needle: &str, path: &str, line: u32) -> String {
    let errs = errors(app);
    let found: Vec<&String> = errs.iter().filter(|e| e.contains(needle)).collect();
    let [e] = found.as_slice() else {
        panic!("expected one error containing {needle:?}; errors: {errs:#?}");
    };
    assert!(
        e.contains(&format!("[{path}]")),
        "{e:?} does not name {path}"
    );
    let at = format!("{}:{line}:", file!());
    assert!(e.contains(&at), "{e:?} does not point at {at}");
    (*e).clone()
}

/// A web service the HTTPS listener forwards to.
fn forward_to_service(f: &Fixture) {
    let cluster = Cluster::new(&f.stack, "Cluster", &f.vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(&f.stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![8080],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        &f.stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps::default(),
    );
    f.https
        .forward_to("Web", &service, TargetGroupProps::default());
}

fn https_origin(f: &Fixture) -> (ARecord, LoadBalancerOrigin) {
    let record = ARecord::new(
        &f.stack,
        "OriginRecord",
        &f.zone,
        RecordProps::new("origin.example.com", RecordTarget::load_balancer(&f.alb)),
    );
    let origin = LoadBalancerOrigin::new(&f.https).domain_name(record.domain_name());
    (record, origin)
}

#[test]
fn a_distribution_in_front_of_an_https_load_balancer() {
    let f = fixture();
    let (_, origin) = https_origin(&f);
    let logs = Bucket::for_cloudfront_logs(&f.stack, "CdnLogs", 90);
    let cdn = Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps {
            domain_names: vec!["example.com".into()],
            certificate: Some(Certificate::from_arn(CERT)),
            additional_behaviors: vec![Behavior::new("/static/*", CachePolicy::CACHING_OPTIMIZED)],
            logging: Some((logs, "cdn/".into())),
            ..DistributionProps::new(origin)
        },
    );
    ARecord::new(
        &f.stack,
        "Apex",
        &f.zone,
        RecordProps::apex(RecordTarget::cloudfront(&cdn)),
    );
    AaaaRecord::new(
        &f.stack,
        "ApexV6",
        &f.zone,
        RecordProps::apex(RecordTarget::cloudfront(&cdn)),
    );
    let t = template(&f.app);
    let config = |v| json!({"DistributionConfig": v});
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        config(json!({
            "Aliases": ["example.com"],
            "Origins": [{
                "DomainName": "origin.example.com",
                "Id": "Test-Alb-Https",
                "CustomOriginConfig": {
                    "OriginProtocolPolicy": "https-only",
                    "HTTPSPort": 443,
                    "OriginSSLProtocols": ["TLSv1.2"],
                },
            }],
            "DefaultCacheBehavior": {
                "TargetOriginId": "Test-Alb-Https",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
                "OriginRequestPolicyId": "216adef6-5c7f-47e4-b989-5492eafa07d3",
            },
            "CacheBehaviors": [{
                "PathPattern": "/static/*",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            }],
            "ViewerCertificate": {"AcmCertificateArn": CERT, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
            "PriceClass": "PriceClass_100",
            "IPV6Enabled": true,
            "Logging": {"Prefix": "cdn/"},
        })),
    );
    // Both records name CloudFront's zone, never typed by the user.
    for kind in ["A", "AAAA"] {
        t.has_resource_properties(
            "AWS::Route53::RecordSet",
            json!({"Type": kind, "Name": "example.com.", "AliasTarget": {
                "HostedZoneId": "Z2FDTNDATAQYW2",
                "DNSName": {"Fn::GetAtt": [t.logical_id_of("Test/Cdn").expect("cdn"), "DomainName"]},
            }}),
        );
    }
    t.has_resource_properties(
        "AWS::S3::Bucket",
        json!({"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}}),
    );
}

#[test]
fn the_load_balancer_answers_cloudfront_only() {
    let f = fixture();
    forward_to_service(&f);
    let (_, origin) = https_origin(&f);
    Distribution::new(&f.stack, "Cdn", DistributionProps::new(origin));
    let t = template(&f.app);
    // The security group admits the origin-facing prefix list on 443, nothing else.
    let sg = t.logical_id_of("Test/Alb/SecurityGroup").expect("sg");
    let ingress = &t.json()["Resources"][&sg]["Properties"]["SecurityGroupIngress"];
    assert_eq!(
        ingress,
        &json!([{
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "SourcePrefixListId": "pl-3b927c52",
            "Description": "tcp 443 from prefix list pl-3b927c52",
        }]),
    );
    // The header's value is a secret resolved at deploy time, the same on both sides.
    let secret = t
        .logical_id_of("Test/Cdn/OriginVerifySecret")
        .expect("secret");
    let value =
        json!({"Fn::Sub": format!("{{{{resolve:secretsmanager:${{{secret}}}:SecretString}}}}")});
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        json!({"DistributionConfig": {"Origins": [{"OriginCustomHeaders": [
            {"HeaderName": ORIGIN_VERIFY_HEADER, "HeaderValue": value.clone()},
        ]}]}}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        json!({"Port": 443, "DefaultActions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}]}),
    );
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        Match::object_like([(
            "Conditions",
            Match::from(json!([{"Field": "http-header", "HttpHeaderConfig": {
                "HttpHeaderName": ORIGIN_VERIFY_HEADER, "Values": [value],
            }}])),
        )]),
    );
}

#[test]
fn a_region_agnostic_stack_looks_the_prefix_list_up_in_a_mapping() {
    let f = fixture_in(Env::agnostic(), true);
    let (_, origin) = https_origin(&f);
    Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps::new(origin.without_origin_verification()),
    );
    let t = template(&f.app);
    let mapping = &t.json()["Mappings"]["CloudFrontOriginFacing"];
    assert_eq!(mapping["us-east-1"]["PrefixListId"], "pl-3b927c52");
    assert_eq!(mapping["eu-west-1"]["PrefixListId"], "pl-4fa04526");
    let sg = t.logical_id_of("Test/Alb/SecurityGroup").expect("sg");
    assert_eq!(
        t.json()["Resources"][&sg]["Properties"]["SecurityGroupIngress"][0]["SourcePrefixListId"],
        json!({"Fn::FindInMap": ["CloudFrontOriginFacing", {"Ref": "AWS::Region"}, "PrefixListId"]}),
    );
    assert!(
        t.resources_of_type("AWS::ElasticLoadBalancingV2::ListenerRule")
            .is_empty(),
        "no header rule without origin verification"
    );
}

#[test]
fn a_region_without_a_known_prefix_list_needs_its_id() {
    let f = fixture_in(Env::aws("123456789012", "me-central-1"), true);
    let (_, origin) = https_origin(&f);
    let line = line!() + 1;
    Distribution::new(&f.stack, "Cdn", DistributionProps::new(origin.clone()));
    let e = assert_error_at(&f.app, "does not know the id", "Test/Cdn", line);
    assert!(
        e.contains("prefix_list_id") && e.contains("me-central-1"),
        "{e}"
    );

    let f = fixture_in(Env::aws("123456789012", "me-central-1"), true);
    let (_, origin) = https_origin(&f);
    Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps::new(origin.prefix_list_id("pl-0123456789abcdef0")),
    );
    assert!(errors(&f.app).is_empty(), "{:?}", errors(&f.app));
}

#[test]
fn an_https_origin_needs_a_name_its_certificate_covers() {
    let f = fixture();
    let line = line!() + 1;
    Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps::new(LoadBalancerOrigin::new(&f.https)),
    );
    let e = assert_error_at(&f.app, "HTTPS listener", "Test/Cdn", line);
    assert!(e.contains("domain_name"), "{e}");
}

#[test]
fn an_http_listener_gets_an_http_only_origin_on_its_port() {
    let f = fixture();
    let http = f.alb.add_listener("Http", ListenerProps::test(8080));
    Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps::new(LoadBalancerOrigin::new(&http)),
    );
    let t = template(&f.app);
    let alb = t.logical_id_of("Test/Alb").expect("alb");
    t.has_resource_properties(
        "AWS::CloudFront::Distribution",
        json!({"DistributionConfig": {"Origins": [{
            "DomainName": {"Fn::GetAtt": [alb, "DNSName"]},
            "CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "HTTPPort": 8080},
        }]}}),
    );
}

#[test]
fn a_viewer_certificate_outside_us_east_1_is_a_synth_error_at_the_distribution() {
    let f = fixture();
    let (_, origin) = https_origin(&f);
    let line = line!() + 1;
    Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps {
            domain_names: vec!["example.com".into()],
            certificate: Some(Certificate::from_arn(
                "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
            )),
            ..DistributionProps::new(origin)
        },
    );
    let e = assert_error_at(&f.app, "us-east-1 only", "Test/Cdn", line);
    assert!(e.contains("SD9102") && e.contains("eu-west-1"), "{e}");
}

#[test]
fn domain_names_and_the_certificate_go_together() {
    let f = fixture();
    let (_, origin) = https_origin(&f);
    let line = line!() + 1;
    Distribution::new(
        &f.stack,
        "Cdn",
        DistributionProps {
            domain_names: vec!["example.com".into()],
            ..DistributionProps::new(origin)
        },
    );
    assert_error_at(&f.app, "need a certificate", "Test/Cdn", line);
}

#[test]
fn an_internal_load_balancer_is_no_custom_origin() {
    let f = fixture_in(Env::aws("123456789012", "us-east-1"), false);
    let (_, origin) = https_origin(&f);
    let line = line!() + 1;
    Distribution::new(&f.stack, "Cdn", DistributionProps::new(origin));
    assert_error_at(&f.app, "is internal", "Test/Cdn", line);
}
