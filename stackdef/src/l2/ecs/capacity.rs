//! Where a service's tasks run: on-demand Fargate (a launch type) or a capacity-provider
//! strategy over Fargate and Fargate Spot.

use crate::cfn::ecs::service as sv;

/// A Fargate capacity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FargateCapacityProvider {
    /// `FARGATE`: on-demand capacity.
    Fargate,
    /// `FARGATE_SPOT`: spare capacity at a discount, interrupted with two minutes' notice
    /// when AWS needs it back (for work that can be retried).
    FargateSpot,
}

impl FargateCapacityProvider {
    /// The provider's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FargateCapacityProvider::Fargate => "FARGATE",
            FargateCapacityProvider::FargateSpot => "FARGATE_SPOT",
        }
    }
}

/// One provider's share of a strategy: the first `base` tasks go to it, and the rest are
/// spread over the providers in proportion to their `weight`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityProviderShare {
    /// The provider.
    pub provider: FargateCapacityProvider,
    /// Tasks that run on this provider before weights apply (0 to 100000; only one
    /// provider of a strategy may have a base).
    pub base: u32,
    /// Relative share of the tasks beyond the bases (0 to 1000).
    pub weight: u32,
}

impl CapacityProviderShare {
    /// `provider` with `weight` and no base.
    pub fn new(provider: FargateCapacityProvider, weight: u32) -> Self {
        CapacityProviderShare {
            provider,
            base: 0,
            weight,
        }
    }

    /// On-demand Fargate with `weight`.
    pub fn on_demand(weight: u32) -> Self {
        Self::new(FargateCapacityProvider::Fargate, weight)
    }

    /// Fargate Spot with `weight`.
    pub fn spot(weight: u32) -> Self {
        Self::new(FargateCapacityProvider::FargateSpot, weight)
    }

    /// The same share, with the first `base` tasks always on this provider.
    pub fn with_base(self, base: u32) -> Self {
        CapacityProviderShare { base, ..self }
    }
}

/// Where a service's tasks run. A launch type and a capacity-provider strategy are one
/// setting, so a service cannot have both (ECS rejects a `LaunchType` next to a
/// `CapacityProviderStrategy`):
///
/// ```compile_fail,E0560
/// use stackdef::ecs::{Capacity, CapacityProviderShare, FargateServiceProps};
/// let props = FargateServiceProps {
///     capacity: Capacity::strategy([CapacityProviderShare::spot(1)]),
///     launch_type: "FARGATE".into(),
///     ..Default::default()
/// };
/// ```
///
/// and a strategy names only the providers that exist, not strings:
///
/// ```compile_fail,E0308
/// use stackdef::ecs::{Capacity, CapacityProviderShare};
/// let capacity = Capacity::strategy([CapacityProviderShare::new("FARGATE_SPOTT", 1)]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Capacity {
    /// On-demand Fargate (`LaunchType: FARGATE`). The default.
    #[default]
    Fargate,
    /// A capacity-provider strategy (`CapacityProviderStrategy`, no `LaunchType`); the
    /// cluster must enable the Fargate capacity providers
    /// ([`ClusterProps::enable_fargate_capacity_providers`](crate::ecs::ClusterProps::enable_fargate_capacity_providers)).
    Strategy(Vec<CapacityProviderShare>),
}

impl Capacity {
    /// A strategy of these shares.
    pub fn strategy(shares: impl IntoIterator<Item = CapacityProviderShare>) -> Self {
        Capacity::Strategy(shares.into_iter().collect())
    }

    /// Mostly Fargate Spot: `on_demand_base` tasks on demand, the rest three to one on
    /// Spot, so an interruption of Spot capacity never takes the service to zero.
    pub fn spot_with_on_demand_base(on_demand_base: u32) -> Self {
        Capacity::strategy([
            CapacityProviderShare::on_demand(1).with_base(on_demand_base),
            CapacityProviderShare::spot(3),
        ])
    }

    /// Whether this is a capacity-provider strategy.
    pub fn is_strategy(&self) -> bool {
        matches!(self, Capacity::Strategy(_))
    }

    /// Every problem with this setting.
    pub fn problems(&self) -> Vec<String> {
        let Capacity::Strategy(shares) = self else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if shares.is_empty() {
            out.push(
                "the capacity-provider strategy is empty; give it at least one share, or use Capacity::Fargate"
                    .into(),
            );
        }
        for (i, s) in shares.iter().enumerate() {
            if shares[..i].iter().any(|t| t.provider == s.provider) {
                out.push(format!(
                    "{} appears twice in the capacity-provider strategy",
                    s.provider.as_str()
                ));
            }
            if s.weight > 1000 {
                out.push(format!(
                    "{} weight {} is out of range: 0 to 1000",
                    s.provider.as_str(),
                    s.weight
                ));
            }
            if s.base > 100_000 {
                out.push(format!(
                    "{} base {} is out of range: 0 to 100000",
                    s.provider.as_str(),
                    s.base
                ));
            }
        }
        if shares.iter().filter(|s| s.base > 0).count() > 1 {
            out.push("only one provider of a capacity-provider strategy may have a base".into());
        }
        if !shares.is_empty() && shares.iter().all(|s| s.weight == 0) {
            out.push(
                "every weight of the capacity-provider strategy is 0; give at least one provider a weight"
                    .into(),
            );
        }
        out
    }

    /// The L1 strategy items, when this is a strategy.
    pub(crate) fn l1_strategy(&self) -> Option<Vec<sv::CapacityProviderStrategyItem>> {
        let Capacity::Strategy(shares) = self else {
            return None;
        };
        Some(
            shares
                .iter()
                .map(|s| {
                    let item = sv::CapacityProviderStrategyItem::new()
                        .capacity_provider(s.provider.as_str())
                        .weight(i64::from(s.weight));
                    if s.base > 0 {
                        item.base(i64::from(s.base))
                    } else {
                        item
                    }
                })
                .collect(),
        )
    }
}
