//! Hosted zones, alias records with typed targets (the alias zone id comes from the
//! target), DNS-validated certificates, and names outside their zone reported at synth
//! with the construct path and the user's line.

use serde_json::json;
use stackdef::acm::{Certificate, CertificateProps};
use stackdef::assertions::Template;
use stackdef::ec2::{Vpc, VpcProps};
use stackdef::elbv2::{Alb, AlbProps};
use stackdef::route53::{
    ARecord, AaaaRecord, HostedZone, HostedZoneProps, RecordProps, RecordTarget,
};
use stackdef::value::HostedZoneId;
use stackdef::{App, CfnParameter, Env, Stack};

fn fixture() -> (App, Stack, Alb) {
    let app = App::new();
    let stack = app.stack("Test", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    (app, stack, alb)
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

#[test]
fn an_alias_to_a_load_balancer_takes_its_zone_id_from_the_load_balancer() {
    let (app, stack, alb) = fixture();
    let zone = HostedZone::new(&stack, "Zone", HostedZoneProps::public("example.com"));
    let record = ARecord::new(
        &stack,
        "Origin",
        &zone,
        RecordProps::new("origin.example.com", RecordTarget::load_balancer(&alb)),
    );
    assert_eq!(record.domain_name(), "origin.example.com");
    let t = template(&app);
    let alb_id = t.logical_id_of("Test/Alb").expect("alb");
    t.has_resource_properties("AWS::Route53::HostedZone", json!({"Name": "example.com"}));
    t.has_resource_properties(
        "AWS::Route53::RecordSet",
        json!({
            "Name": "origin.example.com.",
            "Type": "A",
            "HostedZoneId": {"Ref": t.logical_id_of("Test/Zone").expect("zone")},
            "AliasTarget": {
                "DNSName": {"Fn::Sub": format!("dualstack.${{{alb_id}.DNSName}}")},
                "HostedZoneId": {"Fn::GetAtt": [alb_id, "CanonicalHostedZoneID"]},
                "EvaluateTargetHealth": false,
            },
        }),
    );
}

#[test]
fn an_imported_zone_by_parameter_and_an_apex_record() {
    let (app, stack, alb) = fixture();
    let id = CfnParameter::new(&stack, "ZoneId", "AWS::Route53::HostedZone::Id");
    let zone = HostedZone::import(id.value::<HostedZoneId>(), "example.com.");
    assert_eq!(zone.zone_name(), "example.com");
    assert!(zone.name_servers().is_none());
    ARecord::new(
        &stack,
        "Apex",
        &zone,
        RecordProps::apex(RecordTarget::load_balancer(&alb)),
    );
    let t = template(&app);
    t.has_resource_properties(
        "AWS::Route53::RecordSet",
        json!({"Name": "example.com.", "HostedZoneId": {"Ref": "ZoneId"}}),
    );
}

#[test]
fn a_private_zone_answers_in_its_vpc() {
    let (app, stack, _) = fixture();
    let vpc = Vpc::new(&stack, "Other", VpcProps::cidr("10.1.0.0/16"));
    HostedZone::new(
        &stack,
        "Internal",
        HostedZoneProps::private("corp.internal", &vpc),
    );
    let t = template(&app);
    t.has_resource_properties(
        "AWS::Route53::HostedZone",
        json!({"Name": "corp.internal", "VPCs": [{
            "VPCId": {"Ref": t.logical_id_of("Test/Other").expect("vpc")},
            "VPCRegion": {"Ref": "AWS::Region"},
        }]}),
    );
}

#[test]
fn a_record_outside_an_imported_zone_is_a_synth_error() {
    let (app, stack, alb) = fixture();
    let zone = HostedZone::import(HostedZoneId::new("Z0123456789ABCDEFGHIJ"), "example.com");
    let line = line!() + 1;
    ARecord::new(
        &stack,
        "Elsewhere",
        &zone,
        RecordProps::new("www.example.org", RecordTarget::load_balancer(&alb)),
    );
    let e = assert_error_at(&app, "not in the hosted zone", "Test/Elsewhere", line);
    assert!(
        e.contains("`www.example.org`") && e.contains("`example.com`"),
        "{e}"
    );
    // A name that only ends with the zone's letters is outside it too.
    let (app, stack, alb) = fixture();
    let zone = HostedZone::import(HostedZoneId::new("Z0123456789ABCDEFGHIJ"), "example.com");
    let line = line!() + 1;
    ARecord::new(
        &stack,
        "Lookalike",
        &zone,
        RecordProps::new("badexample.com", RecordTarget::load_balancer(&alb)),
    );
    assert_error_at(&app, "not in the hosted zone", "Test/Lookalike", line);
}

#[test]
fn a_record_outside_a_created_zone_is_the_template_checks_error_at_the_same_line() {
    let (app, stack, alb) = fixture();
    let zone = HostedZone::new(&stack, "Zone", HostedZoneProps::public("example.com"));
    let line = line!() + 1;
    ARecord::new(
        &stack,
        "Elsewhere",
        &zone,
        RecordProps::new("www.example.org", RecordTarget::load_balancer(&alb)),
    );
    let e = assert_error_at(&app, "not in the hosted zone", "Test/Elsewhere", line);
    assert!(e.contains("SD9101"), "{e}");
}

#[test]
fn an_aaaa_record_needs_an_ipv6_target() {
    let (app, stack, alb) = fixture();
    let zone = HostedZone::new(&stack, "Zone", HostedZoneProps::public("example.com"));
    let line = line!() + 1;
    AaaaRecord::new(
        &stack,
        "V6",
        &zone,
        RecordProps::new("www.example.com", RecordTarget::load_balancer(&alb)),
    );
    let e = assert_error_at(&app, "needs an IPv6 target", "Test/V6", line);
    assert!(e.contains("Test/Alb"), "{e}");
}

#[test]
fn certificates_are_validated_by_dns_in_their_zone() {
    let (app, stack, _) = fixture();
    let zone = HostedZone::import(HostedZoneId::new("Z0123456789ABCDEFGHIJ"), "example.com");
    let cert = Certificate::new(
        &stack,
        "Cert",
        CertificateProps {
            subject_alternative_names: vec!["origin.example.com".into()],
            ..CertificateProps::new("example.com", &zone)
        },
    );
    assert_eq!(cert.region(), Some("us-east-1"));
    let t = template(&app);
    t.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        json!({
            "DomainName": "example.com",
            "SubjectAlternativeNames": ["origin.example.com"],
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [
                {"DomainName": "example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"},
                {"DomainName": "origin.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"},
            ],
        }),
    );
    assert_eq!(
        Certificate::from_arn("arn:aws:acm:eu-west-1:123456789012:certificate/abc").region(),
        Some("eu-west-1")
    );

    let (app, stack, _) = fixture();
    let zone = HostedZone::import(HostedZoneId::new("Z0123456789ABCDEFGHIJ"), "example.com");
    let line = line!() + 1;
    Certificate::new(
        &stack,
        "Cert",
        CertificateProps::new("shop.example.org", &zone),
    );
    assert_error_at(&app, "not in the validation zone", "Test/Cert", line);
}
