//! Application Auto Scaling for ECS services: target tracking on CPU and memory, and step
//! scaling driven by CloudWatch alarms.
//!
//! Get a [`ScalableTarget`] from
//! [`FargateService::auto_scale_task_count`](crate::ecs::FargateService::auto_scale_task_count).

use stackdef_synth::{Expr, SourceLocation};

use crate::construct::{Construct, Node};
use crate::l2::{self, e, list, n, obj, s};
use crate::resource::{CfnResource, Resource};
use crate::value::{ToTemplate, Value};

/// Bounds of the desired task count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalingCapacity {
    /// Fewest tasks. Required.
    pub min: u32,
    /// Most tasks. Required.
    pub max: u32,
}

/// Options of a target tracking policy.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetTrackingProps {
    /// The utilization (percent, 1-100) to keep the service at. default: `70.0`.
    pub target_percent: f64,
    /// Seconds after a scale-in before another. default: `300`.
    pub scale_in_cooldown_secs: u32,
    /// Seconds after a scale-out before another. default: `60`.
    pub scale_out_cooldown_secs: u32,
}

impl Default for TargetTrackingProps {
    fn default() -> Self {
        TargetTrackingProps {
            target_percent: 70.0,
            scale_in_cooldown_secs: 300,
            scale_out_cooldown_secs: 60,
        }
    }
}

/// Options of [`ScalableTarget::step_scale_on_cpu`]: one alarm adds tasks while CPU is
/// high, another removes them while it is low.
#[derive(Debug, Clone, PartialEq)]
pub struct StepScalingProps {
    /// Average CPU percent above which tasks are added. default: `85.0`.
    pub scale_out_above: f64,
    /// Average CPU percent below which tasks are removed. default: `40.0`.
    pub scale_in_below: f64,
    /// Consecutive periods over (or under) the threshold before acting. default: `2`.
    pub evaluation_periods: u32,
    /// Seconds per period (60 or a multiple). default: `60`.
    pub period_secs: u32,
    /// Tasks added per scale-out. default: `1`.
    pub scale_out_by: u32,
    /// Tasks removed per scale-in. default: `1`.
    pub scale_in_by: u32,
    /// Seconds to wait after an adjustment. default: `120`.
    pub cooldown_secs: u32,
}

impl Default for StepScalingProps {
    fn default() -> Self {
        StepScalingProps {
            scale_out_above: 85.0,
            scale_in_below: 40.0,
            evaluation_periods: 2,
            period_secs: 60,
            scale_out_by: 1,
            scale_in_by: 1,
            cooldown_secs: 120,
        }
    }
}

/// A scalable dimension (an ECS service's desired count) and its policies.
#[derive(Debug, Clone)]
pub struct ScalableTarget {
    node: Node,
    resource: CfnResource,
    metric_dimensions: Vec<(String, Value<String>)>,
}

impl Construct for ScalableTarget {
    fn node(&self) -> &Node {
        &self.node
    }
}

impl Resource for ScalableTarget {
    fn cfn(&self) -> &CfnResource {
        &self.resource
    }
}

impl ScalableTarget {
    #[track_caller]
    pub(crate) fn new_ecs_service(
        scope: &impl Construct,
        id: &str,
        resource_id: Value<String>,
        capacity: ScalingCapacity,
        cluster_name: Value<String>,
        service_name: Value<String>,
    ) -> ScalableTarget {
        let node = Node::new(scope, id);
        if capacity.min > capacity.max {
            node.report_message(format!(
                "scaling capacity min {} is above max {}",
                capacity.min, capacity.max
            ));
        }
        if capacity.max == 0 {
            node.report_message("scaling capacity max must be at least 1");
        }
        let resource = CfnResource::new(
            &node,
            "Target",
            "AWS::ApplicationAutoScaling::ScalableTarget",
        );
        resource.set_property("MinCapacity", i64::from(capacity.min));
        resource.set_property("MaxCapacity", i64::from(capacity.max));
        resource.set_property("ResourceId", resource_id);
        resource.set_property("ScalableDimension", "ecs:service:DesiredCount");
        resource.set_property("ServiceNamespace", "ecs");
        ScalableTarget {
            node,
            resource,
            metric_dimensions: vec![
                ("ClusterName".into(), cluster_name),
                ("ServiceName".into(), service_name),
            ],
        }
    }

    fn target_tracking(
        &self,
        id: &str,
        metric: &str,
        props: TargetTrackingProps,
        loc: SourceLocation,
    ) -> CfnResource {
        if !(props.target_percent > 0.0 && props.target_percent <= 100.0) {
            l2::report_at(
                &self.node,
                loc,
                format!(
                    "target utilization {}% is out of range: 1 to 100",
                    props.target_percent
                ),
            );
        }
        let policy = CfnResource::new(&self.node, id, "AWS::ApplicationAutoScaling::ScalingPolicy");
        policy.set_property("PolicyName", self.node.path().replace('/', "-") + "-" + id);
        policy.set_property("PolicyType", "TargetTrackingScaling");
        policy.set_property("ScalingTargetId", self.resource.ref_value::<String>());
        policy.set_property(
            "TargetTrackingScalingPolicyConfiguration",
            obj([
                ("TargetValue", e(props.target_percent)),
                (
                    "PredefinedMetricSpecification",
                    Some(obj([("PredefinedMetricType", s(metric))])),
                ),
                ("ScaleInCooldown", n(props.scale_in_cooldown_secs)),
                ("ScaleOutCooldown", n(props.scale_out_cooldown_secs)),
            ]),
        );
        policy
    }

    /// Keeps average CPU utilization near `props.target_percent`.
    #[track_caller]
    pub fn scale_on_cpu_utilization(&self, id: &str, props: TargetTrackingProps) -> CfnResource {
        self.target_tracking(
            id,
            "ECSServiceAverageCPUUtilization",
            props,
            SourceLocation::caller(),
        )
    }

    /// Keeps average memory utilization near `props.target_percent`.
    #[track_caller]
    pub fn scale_on_memory_utilization(&self, id: &str, props: TargetTrackingProps) -> CfnResource {
        self.target_tracking(
            id,
            "ECSServiceAverageMemoryUtilization",
            props,
            SourceLocation::caller(),
        )
    }

    /// Step scaling on average CPU with two CloudWatch alarms: above
    /// `scale_out_above` for `evaluation_periods` periods adds tasks, below
    /// `scale_in_below` for as long removes them.
    ///
    /// (A single alarm whose OK state scales in would remove the task it just added as
    /// soon as CPU dipped under the high threshold; the gap between the two thresholds
    /// keeps the service from flapping.)
    #[track_caller]
    pub fn step_scale_on_cpu(&self, id: &str, props: StepScalingProps) {
        let loc = SourceLocation::caller();
        let node = Node::new(&self.node, id);
        if !(props.scale_in_below < props.scale_out_above) {
            l2::report_at(
                &node,
                loc,
                format!(
                    "scale_in_below ({}) must be lower than scale_out_above ({})",
                    props.scale_in_below, props.scale_out_above
                ),
            );
        }
        if props.period_secs < 10 || (props.period_secs > 30 && props.period_secs % 60 != 0) {
            l2::report_at(
                &node,
                loc,
                format!(
                    "period {}s is invalid: use 10, 30 or a multiple of 60",
                    props.period_secs
                ),
            );
        }
        if props.evaluation_periods == 0 {
            l2::report_at(&node, loc, "evaluation_periods must be at least 1");
        }
        let step_policy = |pid: &str, adjustment: i64, upper: bool| {
            let policy = CfnResource::new(&node, pid, "AWS::ApplicationAutoScaling::ScalingPolicy");
            policy.set_property(
                "PolicyName",
                format!("{}-{pid}", node.path().replace('/', "-")),
            );
            policy.set_property("PolicyType", "StepScaling");
            policy.set_property("ScalingTargetId", self.resource.ref_value::<String>());
            let bound = if upper {
                ("MetricIntervalLowerBound", n(0))
            } else {
                ("MetricIntervalUpperBound", n(0))
            };
            policy.set_property(
                "StepScalingPolicyConfiguration",
                obj([
                    ("AdjustmentType", s("ChangeInCapacity")),
                    ("Cooldown", n(props.cooldown_secs)),
                    ("MetricAggregationType", s("Average")),
                    (
                        "StepAdjustments",
                        list([obj([bound, ("ScalingAdjustment", n(adjustment))])]),
                    ),
                ]),
            );
            policy
        };
        let out = step_policy("ScaleOut", i64::from(props.scale_out_by), true);
        let in_ = step_policy("ScaleIn", -i64::from(props.scale_in_by), false);
        let alarm = |aid: &str, threshold: f64, op: &str, policy: &CfnResource, what: &str| {
            let a = CfnResource::new(&node, aid, "AWS::CloudWatch::Alarm");
            a.set_property(
                "AlarmDescription",
                format!(
                    "{what}: average CPU {op} {threshold}% for {} x {}s",
                    props.evaluation_periods, props.period_secs
                ),
            );
            a.set_property("Namespace", "AWS/ECS");
            a.set_property("MetricName", "CPUUtilization");
            a.set_property(
                "Dimensions",
                Expr::List(
                    self.metric_dimensions
                        .iter()
                        .map(|(k, v)| obj([("Name", s(k.as_str())), ("Value", e(v))]))
                        .collect(),
                ),
            );
            a.set_property("Statistic", "Average");
            a.set_property("Period", i64::from(props.period_secs));
            a.set_property("EvaluationPeriods", i64::from(props.evaluation_periods));
            a.set_property("Threshold", threshold);
            a.set_property(
                "ComparisonOperator",
                if op == ">" {
                    "GreaterThanThreshold"
                } else {
                    "LessThanThreshold"
                },
            );
            a.set_property(
                "AlarmActions",
                Expr::List(vec![policy.ref_value::<String>().to_template()]),
            );
        };
        alarm(
            "HighCpuAlarm",
            props.scale_out_above,
            ">",
            &out,
            "Scale out",
        );
        alarm("LowCpuAlarm", props.scale_in_below, "<", &in_, "Scale in");
    }
}
