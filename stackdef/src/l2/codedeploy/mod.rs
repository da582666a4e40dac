//! CodeDeploy blue/green deployments of ECS services: an [`EcsApplication`], and an
//! [`EcsDeploymentGroup`] that owns a service's blue/green pair of target groups, its
//! production and test listeners, how traffic shifts ([`EcsDeploymentConfig`]), when to
//! roll back, and a role made for it.
//!
//! With CodeDeploy, the stack creates the service with its first task definition; later
//! task definitions reach it through CodeDeploy deployments (a pipeline's CodeDeploy
//! blue/green action: [`EcsDeploymentGroup::application_name`],
//! [`EcsDeploymentGroup::deployment_group_name`] and [`EcsDeploymentGroup::arn`] are what
//! it needs). CloudFormation refuses to change a CodeDeploy service's task definition, load
//! balancers or network configuration, and changing a listener CodeDeploy shifted would
//! undo the shift, so the service, listeners and rules carry a
//! [`stackdef:managedBy`](crate::synth::assembly::MANAGED_BY_METADATA_KEY) marker that
//! `stackdef deploy` reads to say which changes it will not apply.

mod application;
mod deployment_config;
mod deployment_group;

pub use application::{EcsApplication, EcsApplicationProps};
pub use deployment_config::EcsDeploymentConfig;
pub use deployment_group::{
    AutoRollback, DeploymentAlarm, EcsDeploymentGroup, EcsDeploymentGroupProps,
    MANAGED_LISTENER_PROPERTIES,
};
