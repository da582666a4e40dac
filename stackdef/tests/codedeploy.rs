//! CodeDeploy blue/green deployments of an ECS service: the deployment group's target
//! group pair, listeners, traffic shifting, rollback and role; the green group taking the
//! blue one's port; the markers that tell `stackdef deploy` what CodeDeploy owns; what a
//! pipeline needs; and each wiring mistake at synth with the construct path and line.

use serde_json::json;
use stackdef::assertions::{Match, Template};
use stackdef::codedeploy::{
    DeploymentAlarm, EcsApplication, EcsApplicationProps, EcsDeploymentConfig, EcsDeploymentGroup,
    EcsDeploymentGroupProps,
};
use stackdef::ec2::{Vpc, VpcProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, DeploymentController, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
};
use stackdef::elbv2::{Alb, AlbProps, Listener, ListenerProps, TargetGroup, TargetGroupProps};
use stackdef::synth::assembly::ManagedBy;
use stackdef::{App, CfnOutput, Env, Stack};

struct Fixture {
    app: App,
    stack: Stack,
    service: FargateService,
    listener: Listener,
    test: Listener,
    blue: TargetGroup,
    green: TargetGroup,
    application: EcsApplication,
}

fn fixture(controller: DeploymentController) -> Fixture {
    let app = App::new();
    let stack = app.stack("Test", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![8080],
            ..Default::default()
        },
    );
    let service = FargateService::new(
        &stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps {
            deployment_controller: controller,
            circuit_breaker_rollback: controller == DeploymentController::Ecs,
            ..Default::default()
        },
    );
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    let listener = alb.add_listener("Http", ListenerProps::http(80));
    let blue = listener.forward_to("Blue", &service, TargetGroupProps::default());
    let green = TargetGroup::new(&stack, "Green", &vpc, TargetGroupProps::default());
    let test = alb.add_listener("Test", ListenerProps::test(8080));
    test.forward_to_group(&green);
    let application = EcsApplication::new(&stack, "Deploy", EcsApplicationProps::default());
    Fixture {
        app,
        stack,
        service,
        listener,
        test,
        blue,
        green,
        application,
    }
}

fn props(f: &Fixture) -> EcsDeploymentGroupProps {
    EcsDeploymentGroupProps {
        test_listener: Some(f.test.clone()),
        ..EcsDeploymentGroupProps::new(&f.service, &f.blue, &f.green, &f.listener)
    }
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

fn id(t: &Template, path: &str) -> String {
    t.logical_id_of(path)
        .unwrap_or_else(|| panic!("no resource at {path}"))
}

#[test]
fn a_blue_green_deployment_group() {
    let f = fixture(DeploymentController::CodeDeploy);
    let group = EcsDeploymentGroup::new(
        &f.stack,
        "BlueGreen",
        &f.application,
        EcsDeploymentGroupProps {
            config: EcsDeploymentConfig::CANARY_10_PERCENT_5_MINUTES,
            alarms: vec![DeploymentAlarm::Target5xx {
                threshold: 5,
                minutes: 2,
            }],
            ..props(&f)
        },
    );
    CfnOutput::new(&f.stack, "Application", group.application_name());
    CfnOutput::new(&f.stack, "Group", group.deployment_group_name());
    CfnOutput::new(&f.stack, "GroupArn", group.arn());
    let t = template(&f.app);
    let (blue, green) = (id(&t, "Test/Alb/Http/Blue"), id(&t, "Test/Green"));
    t.has_resource_properties(
        "AWS::CodeDeploy::Application",
        json!({"ComputePlatform": "ECS"}),
    );
    t.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        json!({
            "ApplicationName": {"Ref": id(&t, "Test/Deploy")},
            "ServiceRoleArn": {"Fn::GetAtt": [id(&t, "Test/BlueGreen/ServiceRole"), "Arn"]},
            "DeploymentConfigName": "CodeDeployDefault.ECSCanary10Percent5Minutes",
            "DeploymentStyle": {"DeploymentType": "BLUE_GREEN", "DeploymentOption": "WITH_TRAFFIC_CONTROL"},
            "BlueGreenDeploymentConfiguration": {
                "DeploymentReadyOption": {"ActionOnTimeout": "CONTINUE_DEPLOYMENT"},
                "TerminateBlueInstancesOnDeploymentSuccess": {"Action": "TERMINATE", "TerminationWaitTimeInMinutes": 5},
            },
            "ECSServices": [{
                "ClusterName": {"Ref": id(&t, "Test/Cluster")},
                "ServiceName": {"Fn::GetAtt": [id(&t, "Test/Service"), "Name"]},
            }],
            "LoadBalancerInfo": {"TargetGroupPairInfoList": [{
                "ProdTrafficRoute": {"ListenerArns": [{"Ref": id(&t, "Test/Alb/Http")}]},
                "TestTrafficRoute": {"ListenerArns": [{"Ref": id(&t, "Test/Alb/Test")}]},
                "TargetGroups": [
                    {"Name": {"Fn::GetAtt": [blue, "TargetGroupName"]}},
                    {"Name": {"Fn::GetAtt": [green, "TargetGroupName"]}},
                ],
            }]},
            "AutoRollbackConfiguration": {"Enabled": true, "Events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]},
            "AlarmConfiguration": {"Enabled": true, "Alarms": [{"Name": {"Ref": id(&t, "Test/BlueGreen/Target5xxAlarm")}}]},
        }),
    );
    t.has_resource_properties(
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": {"Statement": [{"Principal": {"Service": "codedeploy.amazonaws.com"}}]},
            "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSCodeDeployRoleForECS"}],
        }),
    );
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        json!({
            "Namespace": "AWS/ApplicationELB",
            "MetricName": "HTTPCode_Target_5XX_Count",
            "Dimensions": [{"Name": "LoadBalancer", "Value": {"Fn::GetAtt": [id(&t, "Test/Alb"), "LoadBalancerFullName"]}}],
            "EvaluationPeriods": 2,
            "Threshold": 5.0,
        }),
    );
    // Green takes blue's port; only blue is registered with the service.
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        json!({"Port": 8080, "TargetType": "ip", "HealthCheckPath": "/"}),
    );
    assert_eq!(f.green.port(), Some(8080));
    t.has_resource_properties(
        "AWS::ECS::Service",
        json!({"LoadBalancers": [{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": {"Ref": blue}}]}),
    );
    // What a pipeline's CodeDeploy action needs.
    let outputs = t.outputs();
    assert_eq!(
        outputs["Application"]["Value"],
        json!({"Ref": id(&t, "Test/Deploy")})
    );
    assert_eq!(
        outputs["Group"]["Value"],
        json!({"Ref": id(&t, "Test/BlueGreen")})
    );
    let arn = outputs["GroupArn"]["Value"]["Fn::Sub"]
        .as_str()
        .unwrap_or_default();
    assert!(
        arn.starts_with(
            "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:"
        ),
        "{arn}"
    );
}

#[test]
fn what_codedeploy_owns_is_marked_for_deploys() {
    let f = fixture(DeploymentController::CodeDeploy);
    EcsDeploymentGroup::new(&f.stack, "BlueGreen", &f.application, props(&f));
    let t = template(&f.app);
    let resources = &t.json()["Resources"];
    let service = ManagedBy::of_resource(&resources[id(&t, "Test/Service")]).expect("service");
    assert_eq!(service.deployed_by.as_deref(), Some("Test/BlueGreen"));
    assert!(service.properties.contains(&"TaskDefinition".to_owned()));
    for listener in ["Test/Alb/Http", "Test/Alb/Test"] {
        let marker = ManagedBy::of_resource(&resources[id(&t, listener)])
            .unwrap_or_else(|| panic!("{listener} has no marker"));
        assert_eq!(marker.service, "CodeDeploy");
        assert!(marker.properties.contains(&"DefaultActions".to_owned()));
    }
}

#[test]
fn custom_traffic_shifting_makes_a_deployment_config() {
    let f = fixture(DeploymentController::CodeDeploy);
    EcsDeploymentGroup::new(
        &f.stack,
        "BlueGreen",
        &f.application,
        EcsDeploymentGroupProps {
            config: EcsDeploymentConfig::Linear {
                percent: 25,
                every_minutes: 2,
            },
            approval_wait_minutes: Some(60),
            ..props(&f)
        },
    );
    let t = template(&f.app);
    t.has_resource_properties(
        "AWS::CodeDeploy::DeploymentConfig",
        json!({"ComputePlatform": "ECS", "TrafficRoutingConfig": {
            "Type": "TimeBasedLinear",
            "TimeBasedLinear": {"LinearInterval": 2, "LinearPercentage": 25},
        }}),
    );
    t.has_resource_properties(
        "AWS::CodeDeploy::DeploymentGroup",
        Match::object_like([
            (
                "DeploymentConfigName",
                Match::from(json!({"Ref": id(&t, "Test/BlueGreen/Config")})),
            ),
            (
                "BlueGreenDeploymentConfiguration",
                json!({"DeploymentReadyOption": {"ActionOnTimeout": "STOP_DEPLOYMENT", "WaitTimeInMinutes": 60}}).into(),
            ),
        ]),
    );
    assert_eq!(
        EcsDeploymentConfig::LINEAR_10_PERCENT_EVERY_3_MINUTES.predefined_name(),
        Some("CodeDeployDefault.ECSLinear10PercentEvery3Minutes")
    );
    assert!(
        !EcsDeploymentConfig::Canary {
            percent: 100,
            after_minutes: 0
        }
        .problems()
        .is_empty()
    );
}

#[test]
fn a_service_codedeploy_does_not_deploy_is_reported_at_the_group() {
    let f = fixture(DeploymentController::Ecs);
    let line = line!() + 1;
    EcsDeploymentGroup::new(&f.stack, "BlueGreen", &f.application, props(&f));
    let e = assert_error_at(&f.app, "is deployed by Ecs", "Test/BlueGreen", line);
    assert!(e.contains("DeploymentController::CodeDeploy"), "{e}");
}

#[test]
fn wiring_mistakes_are_reported_at_the_group() {
    // Blue and green swapped: the service is not registered with "blue", and the
    // production listener does not forward to it.
    let f = fixture(DeploymentController::CodeDeploy);
    let line = line!() + 1;
    EcsDeploymentGroup::new(
        &f.stack,
        "BlueGreen",
        &f.application,
        EcsDeploymentGroupProps::new(&f.service, &f.green, &f.blue, &f.listener),
    );
    assert_error_at(
        &f.app,
        "is not registered with the blue",
        "Test/BlueGreen",
        line,
    );
    assert_error_at(
        &f.app,
        "does not forward to the blue",
        "Test/BlueGreen",
        line,
    );

    let f = fixture(DeploymentController::CodeDeploy);
    let line = line!() + 1;
    EcsDeploymentGroup::new(
        &f.stack,
        "BlueGreen",
        &f.application,
        EcsDeploymentGroupProps::new(&f.service, &f.blue, &f.blue, &f.listener),
    );
    assert_error_at(&f.app, "the same target group", "Test/BlueGreen", line);
}
