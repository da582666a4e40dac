//! [`EcsDeploymentConfig`]: how a CodeDeploy ECS deployment shifts production traffic.

use crate::Node;
use crate::cfn::codedeploy::{self as l1, deployment_config as dc};

/// How production traffic moves from the blue tasks to the green ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcsDeploymentConfig {
    /// All at once.
    AllAtOnce,
    /// `percent` more every `every_minutes` minutes.
    Linear {
        /// Share moved at each step (1 to 99).
        percent: u32,
        /// Minutes between steps (1 to 2880).
        every_minutes: u32,
    },
    /// `percent` first, the rest `after_minutes` minutes later.
    Canary {
        /// Share moved first (1 to 99).
        percent: u32,
        /// Minutes before the rest moves (1 to 2880).
        after_minutes: u32,
    },
}

impl EcsDeploymentConfig {
    /// `CodeDeployDefault.ECSAllAtOnce`.
    pub const ALL_AT_ONCE: Self = EcsDeploymentConfig::AllAtOnce;
    /// `CodeDeployDefault.ECSLinear10PercentEvery1Minutes`.
    pub const LINEAR_10_PERCENT_EVERY_1_MINUTE: Self = EcsDeploymentConfig::Linear {
        percent: 10,
        every_minutes: 1,
    };
    /// `CodeDeployDefault.ECSLinear10PercentEvery3Minutes`.
    pub const LINEAR_10_PERCENT_EVERY_3_MINUTES: Self = EcsDeploymentConfig::Linear {
        percent: 10,
        every_minutes: 3,
    };
    /// `CodeDeployDefault.ECSCanary10Percent5Minutes`.
    pub const CANARY_10_PERCENT_5_MINUTES: Self = EcsDeploymentConfig::Canary {
        percent: 10,
        after_minutes: 5,
    };
    /// `CodeDeployDefault.ECSCanary10Percent15Minutes`.
    pub const CANARY_10_PERCENT_15_MINUTES: Self = EcsDeploymentConfig::Canary {
        percent: 10,
        after_minutes: 15,
    };

    /// The name of CodeDeploy's own configuration with these settings, if there is one.
    pub fn predefined_name(&self) -> Option<&'static str> {
        Some(match self {
            EcsDeploymentConfig::AllAtOnce => "CodeDeployDefault.ECSAllAtOnce",
            EcsDeploymentConfig::Linear {
                percent: 10,
                every_minutes: 1,
            } => "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
            EcsDeploymentConfig::Linear {
                percent: 10,
                every_minutes: 3,
            } => "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
            EcsDeploymentConfig::Canary {
                percent: 10,
                after_minutes: 5,
            } => "CodeDeployDefault.ECSCanary10Percent5Minutes",
            EcsDeploymentConfig::Canary {
                percent: 10,
                after_minutes: 15,
            } => "CodeDeployDefault.ECSCanary10Percent15Minutes",
            _ => return None,
        })
    }

    /// Every problem with these settings.
    pub fn problems(&self) -> Vec<String> {
        let (percent, minutes, what) = match *self {
            EcsDeploymentConfig::AllAtOnce => return Vec::new(),
            EcsDeploymentConfig::Linear {
                percent,
                every_minutes,
            } => (percent, every_minutes, "linear"),
            EcsDeploymentConfig::Canary {
                percent,
                after_minutes,
            } => (percent, after_minutes, "canary"),
        };
        let mut out = Vec::new();
        if !(1..=99).contains(&percent) {
            out.push(format!(
                "{what} traffic shifting by {percent}% is out of range: 1 to 99"
            ));
        }
        if !(1..=2880).contains(&minutes) {
            out.push(format!(
                "{what} traffic shifting every {minutes} minutes is out of range: 1 to 2880"
            ));
        }
        out
    }

    /// The configuration name for a deployment group: CodeDeploy's own, or a
    /// configuration made under `scope` as `id`.
    #[track_caller]
    pub(crate) fn resolve(&self, scope: &Node, id: &str) -> crate::Value<String> {
        if let Some(name) = self.predefined_name() {
            return name.into();
        }
        let routing = match *self {
            EcsDeploymentConfig::Linear {
                percent,
                every_minutes,
            } => dc::TrafficRoutingConfig::new(dc::TrafficRoutingConfigType::TimeBasedLinear)
                .time_based_linear(dc::TimeBasedLinear::new(
                    i64::from(every_minutes),
                    i64::from(percent),
                )),
            EcsDeploymentConfig::Canary {
                percent,
                after_minutes,
            } => dc::TrafficRoutingConfig::new(dc::TrafficRoutingConfigType::TimeBasedCanary)
                .time_based_canary(dc::TimeBasedCanary::new(
                    i64::from(after_minutes),
                    i64::from(percent),
                )),
            EcsDeploymentConfig::AllAtOnce => {
                dc::TrafficRoutingConfig::new(dc::TrafficRoutingConfigType::AllAtOnce)
            }
        };
        let config = l1::DeploymentConfig::new(
            scope,
            id,
            l1::DeploymentConfigProps::new()
                .compute_platform(dc::ComputePlatform::Ecs)
                .traffic_routing_config(routing),
        );
        config.deployment_config_name().into()
    }
}
