//! W5 (`examples/blue_green.rs`): both templates are snapshotted and cfn-lint clean; the
//! service is CodeDeploy's with both target groups and both listeners, the worker runs on
//! a strategy without `LaunchType`, the aliases take their zone ids from their targets,
//! the load balancer admits CloudFront only, and the data stack holds nothing a release
//! changes.

use serde_json::{Value as Json, json};
use stackdef::assertions::Template;
use stackdef::{App, SynthOutput};
use stackdef_tests::cfn_lint;

#[allow(dead_code)]
#[path = "../blue_green.rs"]
mod blue_green;

fn synth() -> SynthOutput {
    let app = App::new();
    blue_green::blue_green(&app);
    app.synthesize().unwrap_or_else(|e| panic!("{e}"))
}

fn stack(name: &str) -> Template {
    let out = synth();
    Template::from_json(
        out.stack(name)
            .unwrap_or_else(|| panic!("no stack {name}"))
            .template
            .clone(),
    )
}

fn id(t: &Template, path: &str) -> String {
    t.logical_id_of(path)
        .unwrap_or_else(|| panic!("no resource at {path}"))
}

fn reference(t: &Template, path: &str) -> Json {
    json!({"Ref": id(t, path)})
}

/// The properties of the resource at `path`.
fn properties(t: &Template, path: &str) -> Json {
    t.json()["Resources"][id(t, path)]["Properties"].clone()
}

#[test]
fn blue_green_templates_snapshot() {
    for s in &synth().stacks {
        insta::assert_snapshot!(
            format!("{}.template.json", s.artifact.name),
            s.template_json
        );
    }
}

#[test]
fn blue_green_templates_are_cfn_lint_clean() {
    for s in &synth().stacks {
        cfn_lint::assert_clean(&s.artifact.name, &s.template_json);
    }
}

#[test]
fn the_app_stack_depends_on_the_data_stack_and_not_back() {
    let out = synth();
    let manifest = out.manifest();
    let deps = |name: &str| {
        manifest
            .stacks
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .dependencies
            .clone()
    };
    assert_eq!(deps("BankData"), Vec::<String>::new());
    assert_eq!(deps("BankApp"), ["BankData"]);
    // What a release changes is in BankApp only; the database is in BankData only.
    let data = stack("BankData");
    let app = stack("BankApp");
    for kind in [
        "AWS::ECS::Service",
        "AWS::ECS::TaskDefinition",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::CodeDeploy::DeploymentGroup",
        "AWS::CloudFront::Distribution",
    ] {
        assert!(
            data.resources_of_type(kind).is_empty(),
            "{kind} in BankData"
        );
        assert!(
            !app.resources_of_type(kind).is_empty(),
            "no {kind} in BankApp"
        );
    }
    assert_eq!(data.resources_of_type("AWS::RDS::DBInstance").len(), 1);
    assert!(app.resources_of_type("AWS::RDS::DBInstance").is_empty());
}

#[test]
fn the_service_is_deployed_by_codedeploy_with_both_target_groups() {
    let t = stack("BankApp");
    let service = properties(&t, "BankApp/Bank/Service");
    assert_eq!(
        service["DeploymentController"],
        json!({"Type": "CODE_DEPLOY"})
    );
    assert!(
        service["DeploymentConfiguration"]
            .get("DeploymentCircuitBreaker")
            .is_none(),
        "no circuit breaker with CodeDeploy: {service:#}"
    );
    // Registered with blue only; CodeDeploy moves it to green and back.
    let blue = reference(&t, "BankApp/Bank/Alb/Https/App");
    let green = reference(&t, "BankApp/Bank/Alb/Green");
    let registered: Vec<Json> = service["LoadBalancers"]
        .as_array()
        .expect("load balancers")
        .iter()
        .map(|lb| lb["TargetGroupArn"].clone())
        .collect();
    assert_eq!(registered, std::slice::from_ref(&blue));
    // Green has the blue group's port and target type.
    let (b, g) = (
        properties(&t, "BankApp/Bank/Alb/Https/App"),
        properties(&t, "BankApp/Bank/Alb/Green"),
    );
    assert_eq!(
        (g["Port"].clone(), g["TargetType"].clone()),
        (json!(8000), json!("ip"))
    );
    assert_eq!(
        (b["Port"].clone(), b["TargetType"].clone()),
        (json!(8000), json!("ip"))
    );

    let group = properties(&t, "BankApp/BlueGreen");
    let name =
        |r: &Json| json!({"Fn::GetAtt": [r["Ref"].as_str().expect("ref"), "TargetGroupName"]});
    let pair = &group["LoadBalancerInfo"]["TargetGroupPairInfoList"][0];
    assert_eq!(
        pair["TargetGroups"],
        json!([{"Name": name(&blue)}, {"Name": name(&green)}])
    );
    assert_eq!(
        pair["ProdTrafficRoute"]["ListenerArns"],
        json!([reference(&t, "BankApp/Bank/Alb/Https")])
    );
    assert_eq!(
        pair["TestTrafficRoute"]["ListenerArns"],
        json!([reference(&t, "BankApp/Bank/Alb/Test")])
    );
    assert_eq!(
        group["DeploymentConfigName"],
        "CodeDeployDefault.ECSCanary10Percent5Minutes"
    );
    assert_eq!(
        group["AutoRollbackConfiguration"]["Events"],
        json!(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"])
    );
    // The test listener is on 8080 and forwards to green.
    let test = properties(&t, "BankApp/Bank/Alb/Test");
    assert_eq!(test["Port"], 8080);
    assert_eq!(test["DefaultActions"][0]["TargetGroupArn"], green);
    // Everything CodeDeploy rewrites says so, including the rule the CloudFront header
    // made after the deployment group.
    for path in [
        "BankApp/Bank/Service",
        "BankApp/Bank/Alb/Https",
        "BankApp/Bank/Alb/Https/RequiredHeader",
        "BankApp/Bank/Alb/Test",
    ] {
        let marker = &t.json()["Resources"][id(&t, path)]["Metadata"]["stackdef:managedBy"];
        assert_eq!(marker["service"], "CodeDeploy", "{path}: {marker}");
        assert_eq!(marker["deployedBy"], "BankApp/BlueGreen", "{path}");
    }
}

#[test]
fn the_worker_runs_on_fargate_spot_without_a_launch_type() {
    let t = stack("BankApp");
    let worker = properties(&t, "BankApp/Worker");
    assert_eq!(
        worker["CapacityProviderStrategy"],
        json!([{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}])
    );
    assert!(worker.get("LaunchType").is_none(), "{worker:#}");
    assert!(worker.get("LoadBalancers").is_none());
    assert_eq!(
        properties(&t, "BankApp/Bank/Cluster")["CapacityProviders"],
        json!(["FARGATE", "FARGATE_SPOT"])
    );
}

#[test]
fn the_aliases_take_their_zone_ids_from_their_targets() {
    let t = stack("BankApp");
    let alb = id(&t, "BankApp/Bank/Alb");
    let origin = properties(&t, "BankApp/OriginRecord");
    assert_eq!(origin["Name"], "origin.bank.example.com.");
    assert_eq!(
        origin["AliasTarget"]["HostedZoneId"],
        json!({"Fn::GetAtt": [alb, "CanonicalHostedZoneID"]})
    );
    let cdn = id(&t, "BankApp/Cdn");
    for (path, kind) in [("BankApp/Record", "A"), ("BankApp/RecordIpv6", "AAAA")] {
        let record = properties(&t, path);
        assert_eq!(record["Type"], kind);
        assert_eq!(record["Name"], "bank.example.com.");
        assert_eq!(record["AliasTarget"]["HostedZoneId"], "Z2FDTNDATAQYW2");
        assert_eq!(
            record["AliasTarget"]["DNSName"],
            json!({"Fn::GetAtt": [cdn, "DomainName"]})
        );
    }
}

#[test]
fn the_load_balancer_admits_only_cloudfront() {
    let t = stack("BankApp");
    let sg = properties(&t, "BankApp/Bank/Alb/SecurityGroup");
    assert_eq!(
        sg["SecurityGroupIngress"],
        json!([{
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "SourcePrefixListId": "pl-3b927c52",
            "Description": "tcp 443 from prefix list pl-3b927c52",
        }])
    );
    assert!(
        t.resources_of_type("AWS::EC2::SecurityGroupIngress")
            .iter()
            .all(|(_, r)| r["Properties"]["GroupId"]
                != json!({"Fn::GetAtt": [id(&t, "BankApp/Bank/Alb/SecurityGroup"), "GroupId"]})),
        "no other rule into the load balancer"
    );
    // Without the secret header, 403; CloudFront sends it, over HTTPS to the origin name.
    let listener = properties(&t, "BankApp/Bank/Alb/Https");
    assert_eq!(
        listener["DefaultActions"][0]["FixedResponseConfig"]["StatusCode"],
        "403"
    );
    let dist = properties(&t, "BankApp/Cdn");
    let origin = &dist["DistributionConfig"]["Origins"][0];
    assert_eq!(origin["DomainName"], "origin.bank.example.com");
    assert_eq!(
        origin["CustomOriginConfig"]["OriginProtocolPolicy"],
        "https-only"
    );
    assert_eq!(
        origin["OriginCustomHeaders"][0]["HeaderName"],
        "X-Origin-Verify"
    );
    assert_eq!(
        dist["DistributionConfig"]["Aliases"],
        json!(["bank.example.com"])
    );
    // The viewer certificate is BankData's, in us-east-1.
    assert_eq!(
        dist["DistributionConfig"]["ViewerCertificate"]["AcmCertificateArn"]["Fn::ImportValue"]
            .as_str()
            .map(|s| s.starts_with("BankData:Certificate")),
        Some(true)
    );
}
