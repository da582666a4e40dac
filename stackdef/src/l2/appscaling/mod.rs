//! Application Auto Scaling for ECS services: target tracking on CPU and memory, and step
//! scaling driven by CloudWatch alarms.
//!
//! Get a [`ScalableTarget`] from `FargateService::auto_scale_task_count` (in `ecs`).

use stackdef_synth::SourceLocation;

use crate::cfn::applicationautoscaling::{self as l1, scalable_target as st, scaling_policy as sp};
use crate::cfn::cloudwatch::{self as cw, alarm as al};

use crate::resource::{CfnResource, Resource};
use crate::value::Value;
use crate::{Construct, Node};

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
#[derive(Debug, Clone, Construct)]
pub struct ScalableTarget {
    node: Node,
    resource: l1::ScalableTarget,
    metric_dimensions: Vec<(String, Value<String>)>,
}

impl Resource for ScalableTarget {
    fn cfn(&self) -> &CfnResource {
        self.resource.cfn()
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
        let resource = l1::ScalableTarget::new(
            &node,
            "Target",
            l1::ScalableTargetProps::new(
                i64::from(capacity.max),
                i64::from(capacity.min),
                resource_id,
                st::ScalableDimension::EcsServiceDesiredCount,
                st::ServiceNamespace::Ecs,
            ),
        );
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
        metric: sp::PredefinedMetricType,
        props: TargetTrackingProps,
        loc: SourceLocation,
    ) -> l1::ScalingPolicy {
        let mut target = props.target_percent;
        if !(target > 0.0 && target <= 100.0) {
            self.node.report_message_at(
                loc,
                format!(
                    "target_percent {target} is out of range: a utilization above 0 and up to 100"
                ),
            );
            // Synth fails on the report above; a finite stand-in keeps a second, less
            // helpful error ("NaN is not a number") from pointing into this file.
            if !target.is_finite() {
                target = 0.0;
            }
        }
        l1::ScalingPolicy::new(
            &self.node,
            id,
            l1::ScalingPolicyProps::new(
                self.node.path().replace('/', "-") + "-" + id,
                sp::PolicyType::TargetTrackingScaling,
            )
            .scaling_target_id(self.resource.ref_value())
            .target_tracking_scaling_policy_configuration(
                sp::TargetTrackingScalingPolicyConfiguration::new(target)
                    .predefined_metric_specification(sp::PredefinedMetricSpecification::new(metric))
                    .scale_in_cooldown(i64::from(props.scale_in_cooldown_secs))
                    .scale_out_cooldown(i64::from(props.scale_out_cooldown_secs)),
            ),
        )
    }

    /// Keeps average CPU utilization near `props.target_percent`.
    #[track_caller]
    pub fn scale_on_cpu_utilization(
        &self,
        id: &str,
        props: TargetTrackingProps,
    ) -> l1::ScalingPolicy {
        self.target_tracking(
            id,
            sp::PredefinedMetricType::EcsServiceAverageCpuUtilization,
            props,
            SourceLocation::caller(),
        )
    }

    /// Keeps average memory utilization near `props.target_percent`.
    #[track_caller]
    pub fn scale_on_memory_utilization(
        &self,
        id: &str,
        props: TargetTrackingProps,
    ) -> l1::ScalingPolicy {
        self.target_tracking(
            id,
            sp::PredefinedMetricType::EcsServiceAverageMemoryUtilization,
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
        if props.scale_in_below.partial_cmp(&props.scale_out_above)
            != Some(std::cmp::Ordering::Less)
        {
            node.report_message_at(
                loc,
                format!(
                    "scale_in_below ({}) must be lower than scale_out_above ({})",
                    props.scale_in_below, props.scale_out_above
                ),
            );
        }
        if props.period_secs < 10
            || (props.period_secs > 30 && !props.period_secs.is_multiple_of(60))
        {
            node.report_message_at(
                loc,
                format!(
                    "period {}s is invalid: use 10, 30 or a multiple of 60",
                    props.period_secs
                ),
            );
        }
        if props.evaluation_periods == 0 {
            node.report_message_at(loc, "evaluation_periods must be at least 1");
        }
        let step_policy = |pid: &str, adjustment: i64, upper: bool| {
            let step = sp::StepAdjustment::new(adjustment);
            let step = if upper {
                step.metric_interval_lower_bound(0.0)
            } else {
                step.metric_interval_upper_bound(0.0)
            };
            l1::ScalingPolicy::new(
                &node,
                pid,
                l1::ScalingPolicyProps::new(
                    format!("{}-{pid}", node.path().replace('/', "-")),
                    sp::PolicyType::StepScaling,
                )
                .scaling_target_id(self.resource.ref_value())
                .step_scaling_policy_configuration(
                    sp::StepScalingPolicyConfiguration::new()
                        .adjustment_type(sp::AdjustmentType::ChangeInCapacity)
                        .cooldown(i64::from(props.cooldown_secs))
                        .metric_aggregation_type(sp::MetricAggregationType::Average)
                        .step_adjustments(vec![step]),
                ),
            )
        };
        let out = step_policy("ScaleOut", i64::from(props.scale_out_by), true);
        let in_ = step_policy("ScaleIn", -i64::from(props.scale_in_by), false);
        let alarm =
            |aid: &str, threshold: f64, above: bool, policy: &l1::ScalingPolicy, what: &str| {
                let op = if above { ">" } else { "<" };
                cw::Alarm::new(
                    &node,
                    aid,
                    cw::AlarmProps::new()
                        .alarm_description(format!(
                            "{what}: average CPU {op} {threshold}% for {} x {}s",
                            props.evaluation_periods, props.period_secs
                        ))
                        .namespace("AWS/ECS")
                        .metric_name("CPUUtilization")
                        .dimensions(
                            self.metric_dimensions
                                .iter()
                                .map(|(k, v)| al::Dimension::new(k.as_str(), v.clone()))
                                .collect::<Vec<_>>(),
                        )
                        .statistic(al::Statistic::Average)
                        .period(i64::from(props.period_secs))
                        .evaluation_periods(i64::from(props.evaluation_periods))
                        .threshold(threshold)
                        .comparison_operator(if above {
                            al::ComparisonOperator::GreaterThanThreshold
                        } else {
                            al::ComparisonOperator::LessThanThreshold
                        })
                        .alarm_actions(vec![policy.ref_value()]),
                );
            };
        alarm(
            "HighCpuAlarm",
            props.scale_out_above,
            true,
            &out,
            "Scale out",
        );
        alarm("LowCpuAlarm", props.scale_in_below, false, &in_, "Scale in");
    }
}
