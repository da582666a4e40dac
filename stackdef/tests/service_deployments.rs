//! How services are deployed and where they run: the deployment controller (ECS,
//! CodeDeploy, external) and its circuit breaker, the one target group of a CodeDeploy
//! service and its CodeDeploy marker, and capacity-provider strategies over Fargate and
//! Fargate Spot; each mistake reported at synth with the construct path and the user's line.

use serde_json::json;
use stackdef::assertions::{Match, Template};
use stackdef::ec2::{Vpc, VpcProps};
use stackdef::ecs::{
    Capacity, CapacityProviderShare, Cluster, ClusterProps, ContainerImage, ContainerOptions,
    DeploymentController, FargateService, FargateServiceProps, FargateTaskDefinition,
    FargateTaskDefinitionProps,
};
use stackdef::elbv2::{Alb, AlbProps, ListenerProps, TargetGroup, TargetGroupProps};
use stackdef::synth::assembly::{MANAGED_BY_METADATA_KEY, ManagedBy};
use stackdef::{App, Env, Stack};

struct Fixture {
    app: App,
    stack: Stack,
    vpc: Vpc,
    task: FargateTaskDefinition,
}

fn fixture() -> Fixture {
    let app = App::new();
    let stack = app.stack("Test", Env::aws("123456789012", "us-east-1"));
    let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
    let task = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
    task.add_container(
        "web",
        ContainerImage::registry("nginx:1.27"),
        ContainerOptions {
            port_mappings: vec![8080],
            ..Default::default()
        },
    );
    Fixture {
        app,
        stack,
        vpc,
        task,
    }
}

fn cluster(f: &Fixture, providers: bool) -> Cluster {
    Cluster::new(
        &f.stack,
        "Cluster",
        &f.vpc,
        ClusterProps {
            enable_fargate_capacity_providers: providers,
            ..Default::default()
        },
    )
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
fn the_circuit_breaker_with_codedeploy_is_a_synth_error_naming_both_settings() {
    let f = fixture();
    let cluster = cluster(&f, false);
    let line = line!() + 1;
    FargateService::new(
        &f.stack,
        "Web",
        &cluster,
        &f.task,
        FargateServiceProps {
            deployment_controller: DeploymentController::CodeDeploy,
            ..Default::default()
        },
    );
    let e = assert_error_at(&f.app, "circuit_breaker_rollback", "Test/Web", line);
    assert!(e.contains("deployment_controller is CodeDeploy"), "{e}");
    // One report, in the settings' names: the template check (SD8004) stays quiet.
    assert!(!errors(&f.app).iter().any(|e| e.contains("SD8004")));
}

#[test]
fn a_codedeploy_service_has_no_circuit_breaker_and_says_what_codedeploy_owns() {
    let f = fixture();
    let cluster = cluster(&f, false);
    FargateService::new(
        &f.stack,
        "Web",
        &cluster,
        &f.task,
        FargateServiceProps {
            deployment_controller: DeploymentController::CodeDeploy,
            circuit_breaker_rollback: false,
            ..Default::default()
        },
    );
    let t = template(&f.app);
    t.has_resource_properties(
        "AWS::ECS::Service",
        Match::object_like([
            (
                "DeploymentController",
                Match::from(json!({"Type": "CODE_DEPLOY"})),
            ),
            (
                "DeploymentConfiguration",
                json!({"MinimumHealthyPercent": 100, "MaximumPercent": 200}).into(),
            ),
            ("LaunchType", json!("FARGATE").into()),
        ]),
    );
    let service = t.logical_id_of("Test/Web").expect("service");
    let resource = &t.json()["Resources"][&service];
    assert!(
        resource["Properties"]["DeploymentConfiguration"]
            .get("DeploymentCircuitBreaker")
            .is_none(),
        "{resource}"
    );
    let marker = ManagedBy::of_resource(resource).expect("CodeDeploy marker");
    assert_eq!(marker.service, "CodeDeploy");
    assert!(marker.properties.iter().any(|p| p == "TaskDefinition"));
    assert!(marker.properties.iter().any(|p| p == "LoadBalancers"));
    assert!(resource["Metadata"][MANAGED_BY_METADATA_KEY]["howToChange"].is_string());
}

#[test]
fn an_ecs_service_keeps_its_circuit_breaker_and_has_no_marker() {
    let f = fixture();
    let cluster = cluster(&f, false);
    FargateService::new(
        &f.stack,
        "Web",
        &cluster,
        &f.task,
        FargateServiceProps::default(),
    );
    let t = template(&f.app);
    t.has_resource_properties(
        "AWS::ECS::Service",
        json!({"DeploymentConfiguration": {"DeploymentCircuitBreaker": {"Enable": true, "Rollback": true}}}),
    );
    let service = t.logical_id_of("Test/Web").expect("service");
    let resource = &t.json()["Resources"][&service];
    assert!(resource["Properties"].get("DeploymentController").is_none());
    assert!(ManagedBy::of_resource(resource).is_none());
}

#[test]
fn a_codedeploy_service_registers_one_target_group() {
    let f = fixture();
    let cluster = cluster(&f, false);
    let service = FargateService::new(
        &f.stack,
        "Web",
        &cluster,
        &f.task,
        FargateServiceProps {
            deployment_controller: DeploymentController::CodeDeploy,
            circuit_breaker_rollback: false,
            ..Default::default()
        },
    );
    let alb = Alb::new(&f.stack, "Alb", &f.vpc, AlbProps::default());
    alb.add_listener("Http", ListenerProps::http(80))
        .forward_to("Blue", &service, TargetGroupProps::default());
    let green = TargetGroup::new(&f.stack, "Green", &f.vpc, TargetGroupProps::default());
    let line = line!() + 1;
    green.add_target(&service);
    let e = assert_error_at(&f.app, "deployed by CodeDeploy", "Test/Web", line);
    assert!(
        e.contains("Test/Alb/Http/Blue") && e.contains("Test/Green"),
        "{e}"
    );
    assert!(!errors(&f.app).iter().any(|e| e.contains("SD8005")));
    assert_eq!(service.target_groups().len(), 1);
}

#[test]
fn a_capacity_provider_strategy_replaces_the_launch_type() {
    let f = fixture();
    let cluster = cluster(&f, true);
    FargateService::new(
        &f.stack,
        "Reports",
        &cluster,
        &f.task,
        FargateServiceProps {
            capacity: Capacity::strategy([
                CapacityProviderShare::spot(3),
                CapacityProviderShare::on_demand(1).with_base(1),
            ]),
            ..Default::default()
        },
    );
    let t = template(&f.app);
    t.has_resource_properties(
        "AWS::ECS::Cluster",
        json!({"CapacityProviders": ["FARGATE", "FARGATE_SPOT"]}),
    );
    t.has_resource_properties(
        "AWS::ECS::Service",
        Match::object_like([
            (
                "CapacityProviderStrategy",
                Match::from(json!([
                    {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
                    {"CapacityProvider": "FARGATE", "Base": 1, "Weight": 1},
                ])),
            ),
            ("LaunchType", Match::absent()),
        ]),
    );
}

#[test]
fn a_strategy_needs_the_cluster_providers_and_valid_shares() {
    let f = fixture();
    let cluster = cluster(&f, false);
    let line = line!() + 1;
    FargateService::new(
        &f.stack,
        "Reports",
        &cluster,
        &f.task,
        FargateServiceProps {
            capacity: Capacity::spot_with_on_demand_base(1),
            ..Default::default()
        },
    );
    let e = assert_error_at(
        &f.app,
        "enable_fargate_capacity_providers",
        "Test/Reports",
        line,
    );
    assert!(e.contains("Test/Cluster"), "{e}");

    let two_bases = Capacity::strategy([
        CapacityProviderShare::spot(1).with_base(1),
        CapacityProviderShare::on_demand(1).with_base(1),
    ]);
    assert!(
        two_bases
            .problems()
            .iter()
            .any(|p| p.contains("only one provider")),
        "{:?}",
        two_bases.problems()
    );
    let twice = Capacity::strategy([
        CapacityProviderShare::spot(1),
        CapacityProviderShare::spot(2),
    ]);
    assert!(twice.problems().iter().any(|p| p.contains("twice")));
    let zero = Capacity::strategy([CapacityProviderShare::spot(0)]);
    assert!(zero.problems().iter().any(|p| p.contains("weight")));
    assert!(
        Capacity::strategy([])
            .problems()
            .iter()
            .any(|p| p.contains("empty"))
    );
    assert!(Capacity::spot_with_on_demand_base(2).problems().is_empty());
}
