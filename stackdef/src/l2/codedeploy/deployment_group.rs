//! [`EcsDeploymentGroup`]: blue/green deployments of one ECS service.

use stackdef_synth::SourceLocation;
use stackdef_synth::manifest::{MANAGED_BY_METADATA_KEY, ManagedBy};

use super::application::EcsApplication;
use super::deployment_config::EcsDeploymentConfig;
use crate::cfn::cloudwatch::{self as cw, alarm as al};
use crate::cfn::codedeploy::{self as l1, deployment_group as dg};
use crate::ecs::{DeploymentController, FargateService};
use crate::elbv2::{Listener, TargetGroup, TargetType};
use crate::fns;
use crate::iam::{ManagedPolicy, Role, RoleProps, ServicePrincipal};
use crate::resource::{CfnResource, Resource};
use crate::value::{CodeDeployApplicationName, Value};
use crate::{Construct, Node, sub};

/// What CodeDeploy changes on the listeners and rules it shifts traffic on.
pub const MANAGED_LISTENER_PROPERTIES: &[&str] = &["DefaultActions", "Actions"];

/// When CodeDeploy rolls a deployment back to the blue tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoRollback {
    /// When the deployment fails. default: `true`.
    pub on_failure: bool,
    /// When one of the group's alarms goes off. default: `true` (it takes effect when the
    /// group has alarms).
    pub on_alarm: bool,
    /// When someone stops the deployment. default: `false`.
    pub on_stop: bool,
}

impl Default for AutoRollback {
    fn default() -> Self {
        AutoRollback {
            on_failure: true,
            on_alarm: true,
            on_stop: false,
        }
    }
}

/// An alarm that stops a deployment (and rolls it back, with [`AutoRollback::on_alarm`]).
#[derive(Debug, Clone, PartialEq)]
pub enum DeploymentAlarm {
    /// An existing CloudWatch alarm, by name.
    Named(Value<String>),
    /// Targets behind the production listener's load balancer answering 5XX: at least
    /// `threshold` in each of `minutes` consecutive minutes (an alarm made for it).
    Target5xx {
        /// Responses per minute.
        threshold: u32,
        /// Consecutive minutes (1 to 60).
        minutes: u32,
    },
}

/// Options of an [`EcsDeploymentGroup`].
#[derive(Debug, Clone)]
pub struct EcsDeploymentGroupProps {
    /// The service; its `deployment_controller` must be `CodeDeploy`. Required.
    pub service: FargateService,
    /// The target group the service is registered with (production traffic now).
    /// Required.
    pub blue: TargetGroup,
    /// The target group CodeDeploy registers replacement tasks with; it takes the blue
    /// group's port. Required.
    pub green: TargetGroup,
    /// The listener carrying production traffic (forwarding to `blue`). Required.
    pub listener: Listener,
    /// A listener CodeDeploy sends test traffic to the replacement tasks through, before
    /// production traffic. default: none.
    pub test_listener: Option<Listener>,
    /// How production traffic shifts. default: [`EcsDeploymentConfig::ALL_AT_ONCE`].
    pub config: EcsDeploymentConfig,
    /// `DeploymentGroupName` (1 to 100 characters). default: generated.
    pub deployment_group_name: Option<String>,
    /// Minutes to wait, once traffic has moved, before stopping the blue tasks (0 to
    /// 2880); a rollback in that window is instant. default: `5`.
    pub termination_wait_minutes: u32,
    /// Hold the deployment with the replacement tasks ready and only test traffic on
    /// them, until someone continues it, for at most this many minutes (1 to 2880).
    /// default: none (production traffic shifts as soon as the tasks are ready).
    pub approval_wait_minutes: Option<u32>,
    /// When to roll back. default: [`AutoRollback::default`].
    pub auto_rollback: AutoRollback,
    /// Alarms that stop a deployment. default: none.
    pub alarms: Vec<DeploymentAlarm>,
    /// The role CodeDeploy acts as. default: a new role with `AWSCodeDeployRoleForECS`.
    pub role: Option<Role>,
}

impl EcsDeploymentGroupProps {
    /// Blue/green deployments of `service` between `blue` and `green` behind `listener`,
    /// all at once, rolling back on failure.
    pub fn new(
        service: &FargateService,
        blue: &TargetGroup,
        green: &TargetGroup,
        listener: &Listener,
    ) -> Self {
        EcsDeploymentGroupProps {
            service: service.clone(),
            blue: blue.clone(),
            green: green.clone(),
            listener: listener.clone(),
            test_listener: None,
            config: EcsDeploymentConfig::ALL_AT_ONCE,
            deployment_group_name: None,
            termination_wait_minutes: 5,
            approval_wait_minutes: None,
            auto_rollback: AutoRollback::default(),
            alarms: Vec::new(),
            role: None,
        }
    }

    /// Every problem these settings have on their own.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.config.problems();
        if self.service.deployment_controller() != DeploymentController::CodeDeploy {
            out.push(format!(
                "{} is deployed by {:?}; a CodeDeploy deployment group needs deployment_controller: DeploymentController::CodeDeploy in its FargateServiceProps",
                self.service.node().path(),
                self.service.deployment_controller()
            ));
        }
        if self.blue.node().path() == self.green.node().path() {
            out.push(
                "blue and green are the same target group; green must be a second group (TargetGroup::new)"
                    .into(),
            );
        }
        if let Some(test) = &self.test_listener
            && test.node().path() == self.listener.node().path()
        {
            out.push("the test listener is the production listener; give it its own port".into());
        }
        if let Some(name) = &self.deployment_group_name
            && (name.is_empty() || name.len() > 100)
        {
            out.push(format!(
                "deployment group name `{name}` is {} characters long; CodeDeploy allows 1 to 100",
                name.len()
            ));
        }
        if self.termination_wait_minutes > 2880 {
            out.push(format!(
                "termination_wait_minutes {} is out of range: 0 to 2880",
                self.termination_wait_minutes
            ));
        }
        if let Some(m) = self.approval_wait_minutes
            && !(1..=2880).contains(&m)
        {
            out.push(format!(
                "approval_wait_minutes {m} is out of range: 1 to 2880"
            ));
        }
        for alarm in &self.alarms {
            if let DeploymentAlarm::Target5xx { minutes, threshold } = alarm {
                if !(1..=60).contains(minutes) {
                    out.push(format!(
                        "a 5XX alarm over {minutes} minutes is out of range: 1 to 60"
                    ));
                }
                if *threshold == 0 {
                    out.push("a 5XX alarm threshold of 0 would go off on every deployment".into());
                }
            }
        }
        if self.alarms.len() > 10 {
            out.push(format!(
                "a deployment group takes at most 10 alarms, not {}",
                self.alarms.len()
            ));
        }
        out
    }
}

/// Blue/green deployments of one ECS service by CodeDeploy.
#[derive(Debug, Clone, Construct)]
pub struct EcsDeploymentGroup {
    node: Node,
    resource: l1::DeploymentGroup,
    application: EcsApplication,
    role: Role,
    service: FargateService,
}

impl Resource for EcsDeploymentGroup {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
    }
}

impl EcsDeploymentGroup {
    /// A deployment group of `application` for `props.service`. A service CodeDeploy does
    /// not deploy, a blue group the service is not registered with, a production listener
    /// that does not forward to it, listeners of another load balancer, and invalid
    /// settings are reported at synth at this call.
    #[track_caller]
    pub fn new(
        scope: &impl Construct,
        id: &str,
        application: &EcsApplication,
        props: EcsDeploymentGroupProps,
    ) -> Self {
        let location = SourceLocation::caller();
        let node = Node::new(scope, id);
        for problem in props.problems() {
            node.report_message_at(location, problem);
        }
        // The green group takes the port of the service's blue registration.
        let blue_port = props
            .service
            .target_groups()
            .iter()
            .find(|(tg, _, _)| tg.node().path() == props.blue.node().path())
            .map(|(_, _, port)| *port)
            .or_else(|| props.blue.port());
        if let Some(port) = blue_port {
            props.green.bind(port, TargetType::Ip, location);
        }
        check_wiring(&node, &props);

        let role = props.role.clone().unwrap_or_else(|| {
            Role::new(
                &node,
                "ServiceRole",
                RoleProps {
                    description: Some(format!(
                        "CodeDeploy blue/green deployments of {}",
                        props.service.node().path()
                    )),
                    managed_policies: vec![ManagedPolicy::aws("AWSCodeDeployRoleForECS")],
                    ..RoleProps::new(ServicePrincipal::codedeploy())
                },
            )
        });
        let config_name = props.config.resolve(&node, "Config");
        let alarm_names = alarms(&node, &props);

        let route = |listener: &Listener| {
            dg::TrafficRoute::new().listener_arns(vec![Value::<String>::from(listener.arn())])
        };
        let mut pair = dg::TargetGroupPairInfo::new()
            .prod_traffic_route(route(&props.listener))
            .target_groups(vec![
                dg::TargetGroupInfo::new().name(props.blue.target_group_name()),
                dg::TargetGroupInfo::new().name(props.green.target_group_name()),
            ]);
        if let Some(test) = &props.test_listener {
            pair = pair.test_traffic_route(route(test));
        }
        let ready = match props.approval_wait_minutes {
            None => dg::DeploymentReadyOption::new()
                .action_on_timeout(dg::ActionOnTimeout::ContinueDeployment),
            Some(minutes) => dg::DeploymentReadyOption::new()
                .action_on_timeout(dg::ActionOnTimeout::StopDeployment)
                .wait_time_in_minutes(i64::from(minutes)),
        };
        let mut events = Vec::new();
        if props.auto_rollback.on_failure {
            events.push(dg::Events::DeploymentFailure);
        }
        if props.auto_rollback.on_alarm && !alarm_names.is_empty() {
            events.push(dg::Events::DeploymentStopOnAlarm);
        }
        if props.auto_rollback.on_stop {
            events.push(dg::Events::DeploymentStopOnRequest);
        }
        let mut l1_props =
            l1::DeploymentGroupProps::new(application.application_name(), role.arn())
                .deployment_config_name(config_name)
                .deployment_style(
                    dg::DeploymentStyle::new()
                        .deployment_type(dg::DeploymentType::BlueGreen)
                        .deployment_option(dg::DeploymentOption::WithTrafficControl),
                )
                .blue_green_deployment_configuration(
                    dg::BlueGreenDeploymentConfiguration::new()
                        .deployment_ready_option(ready)
                        .terminate_blue_instances_on_deployment_success(
                            dg::BlueInstanceTerminationOption::new()
                                .action(dg::BlueInstanceTerminationOptionAction::Terminate)
                                .termination_wait_time_in_minutes(i64::from(
                                    props.termination_wait_minutes,
                                )),
                        ),
                )
                .ecs_services(vec![dg::EcsService::new(
                    props.service.cluster().cluster_name(),
                    props.service.service_name(),
                )])
                .load_balancer_info(
                    dg::LoadBalancerInfo::new().target_group_pair_info_list(vec![pair]),
                )
                .auto_rollback_configuration(
                    dg::AutoRollbackConfiguration::new()
                        .enabled(!events.is_empty())
                        .events(events),
                );
        if !alarm_names.is_empty() {
            l1_props = l1_props.alarm_configuration(
                dg::AlarmConfiguration::new().enabled(true).alarms(
                    alarm_names
                        .into_iter()
                        .map(|name| dg::Alarm::new().name(name))
                        .collect::<Vec<_>>(),
                ),
            );
        }
        if let Some(name) = &props.deployment_group_name {
            l1_props = l1_props.deployment_group_name(name.as_str());
        }
        let resource = l1::DeploymentGroup::new(&node, "Resource", l1_props);
        // The service must exist, registered with blue, before CodeDeploy takes it over.
        resource.add_depends_on(&props.service);

        props.service.set_deployed_by(&node);
        let mut listeners = vec![props.listener.clone()];
        listeners.extend(props.test_listener.clone());
        // The rules forwarding to either group, marked once every rule exists (a rule
        // added later, such as the one a CloudFront origin's required header makes, is
        // CodeDeploy's too).
        let (blue, green, group) = (props.blue.clone(), props.green.clone(), node.clone());
        node.add_validation(move || {
            for tg in [&blue, &green] {
                for forwarder in tg.forwarders() {
                    mark_listener(&forwarder, &group);
                }
            }
            Vec::new()
        });
        for listener in &listeners {
            mark_listener(listener.cfn(), &node);
        }
        EcsDeploymentGroup {
            node,
            resource,
            application: application.clone(),
            role,
            service: props.service.clone(),
        }
    }

    /// The application's name (a pipeline's CodeDeploy action names it).
    pub fn application_name(&self) -> Value<CodeDeployApplicationName> {
        self.application.application_name()
    }

    /// `Ref`: the deployment group's name (a pipeline's CodeDeploy action names it).
    pub fn deployment_group_name(&self) -> Value<String> {
        self.resource.ref_value()
    }

    /// The deployment group's ARN (what a pipeline role may `codedeploy:CreateDeployment`
    /// on).
    pub fn arn(&self) -> Value<String> {
        sub![
            "arn:",
            fns::partition(),
            ":codedeploy:",
            fns::region(),
            ":",
            fns::account_id(),
            ":deploymentgroup:",
            self.application_name(),
            "/",
            self.deployment_group_name()
        ]
    }

    /// The application.
    pub fn application(&self) -> &EcsApplication {
        &self.application
    }

    /// The role CodeDeploy acts as.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The service it deploys.
    pub fn service(&self) -> &FargateService {
        &self.service
    }
}

/// Checks at synth, when every listener, rule and registration exists, that the pieces
/// fit together.
fn check_wiring(node: &Node, props: &EcsDeploymentGroupProps) {
    let service = props.service.clone();
    let blue = props.blue.clone();
    let green = props.green.clone();
    let listener = props.listener.clone();
    let test = props.test_listener.clone();
    node.add_validation(move || {
        let mut out = Vec::new();
        let registered = service.target_groups();
        if !registered
            .iter()
            .any(|(tg, _, _)| tg.node().path() == blue.node().path())
        {
            out.push(format!(
                "{} is not registered with the blue target group {}; forward the production listener to the service (`listener.forward_to(..)`) or add it as the group's target",
                service.node().path(),
                blue.node().path()
            ));
        }
        let forwards_to_blue = listener
            .default_forward()
            .is_some_and(|a| a.target_groups().iter().any(|tg| tg.node().path() == blue.node().path()));
        if !forwards_to_blue {
            out.push(format!(
                "the production listener {} does not forward to the blue target group {}",
                listener.node().path(),
                blue.node().path()
            ));
        }
        let alb = listener.load_balancer().node().path();
        let others = test.iter().map(|t| t.load_balancer().node().path());
        for other in others.chain(
            [&blue, &green]
                .iter()
                .filter_map(|tg| tg.load_balancer().map(|a| a.node().path())),
        ) {
            if other != alb {
                out.push(format!(
                    "the listeners and target groups of a blue/green pair belong to one load balancer; {alb} and {other} are two"
                ));
                break;
            }
        }
        out
    });
}

/// Marks a listener or rule whose actions CodeDeploy rewrites.
fn mark_listener(resource: &CfnResource, deployment_group: &Node) {
    let marker = ManagedBy {
        service: "CodeDeploy".into(),
        properties: MANAGED_LISTENER_PROPERTIES
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
        deployed_by: Some(deployment_group.path()),
        how_to_change: "CodeDeploy moves this listener's traffic between the blue and green target groups; change its actions only with no deployment in progress, knowing which group is live".into(),
    };
    if let Ok(json) = serde_json::to_value(&marker) {
        resource.add_metadata(MANAGED_BY_METADATA_KEY, json);
    }
}

/// The alarm names of the group, making the alarms it asks for.
#[track_caller]
fn alarms(node: &Node, props: &EcsDeploymentGroupProps) -> Vec<Value<String>> {
    let mut names = Vec::new();
    for (i, alarm) in props.alarms.iter().enumerate() {
        match alarm {
            DeploymentAlarm::Named(name) => names.push(name.clone()),
            DeploymentAlarm::Target5xx { threshold, minutes } => {
                let id = if i == 0 {
                    "Target5xxAlarm".to_owned()
                } else {
                    format!("Target5xxAlarm{}", i + 1)
                };
                let alb = props.listener.load_balancer();
                let alarm = cw::Alarm::new(
                    node,
                    &id,
                    cw::AlarmProps::new()
                        .alarm_description(format!(
                            "Stops blue/green deployments of {}: targets answered {threshold} or more 5XX per minute for {minutes} minutes",
                            props.service.node().path()
                        ))
                        .namespace("AWS/ApplicationELB")
                        .metric_name("HTTPCode_Target_5XX_Count")
                        .dimensions(vec![al::Dimension::new("LoadBalancer", alb.full_name())])
                        .statistic(al::Statistic::Sum)
                        .period(60)
                        .evaluation_periods(i64::from(*minutes))
                        .threshold(f64::from(*threshold))
                        .comparison_operator(al::ComparisonOperator::GreaterThanOrEqualToThreshold)
                        .treat_missing_data(al::TreatMissingData::NotBreaching),
                );
                names.push(alarm.alarm_name().into());
            }
        }
    }
    names
}
