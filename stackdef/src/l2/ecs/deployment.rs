//! Who deploys a service's new task definitions: ECS itself (rolling updates), CodeDeploy
//! (blue/green), or an external controller.

use crate::cfn::ecs::service as sv;

/// What a deploy of a CodeDeploy service leaves to CodeDeploy: ECS accepts changes to
/// these only through a new CodeDeploy deployment.
pub const CODEDEPLOY_OWNED_SERVICE_PROPERTIES: &[&str] = &[
    "TaskDefinition",
    "LoadBalancers",
    "NetworkConfiguration",
    "PlatformVersion",
    "CapacityProviderStrategy",
];

/// A service's deployment controller.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeploymentController {
    /// Rolling updates by ECS, with the deployment circuit breaker. The default.
    #[default]
    Ecs,
    /// Blue/green deployments by CodeDeploy (`codedeploy::EcsDeploymentGroup`): the
    /// service registers its production (blue) target group only, and new task
    /// definitions reach it through CodeDeploy deployments (a pipeline's CodeDeploy
    /// action), not through stack updates.
    CodeDeploy,
    /// Task sets managed by another tool.
    External,
}

impl DeploymentController {
    /// The controller's name in the template (`ECS`, `CODE_DEPLOY`, `EXTERNAL`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentController::Ecs => "ECS",
            DeploymentController::CodeDeploy => "CODE_DEPLOY",
            DeploymentController::External => "EXTERNAL",
        }
    }

    pub(crate) fn l1(self) -> sv::DeploymentController {
        sv::DeploymentController::new().type_(match self {
            DeploymentController::Ecs => sv::Type::Ecs,
            DeploymentController::CodeDeploy => sv::Type::CodeDeploy,
            DeploymentController::External => sv::Type::External,
        })
    }
}
