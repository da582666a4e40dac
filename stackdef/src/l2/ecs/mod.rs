//! ECS on Fargate: [`Cluster`], [`FargateTaskDefinition`] with containers, and
//! [`FargateService`] (private subnets, no public IP, circuit breaker with rollback or
//! CodeDeploy blue/green, Fargate or Fargate Spot capacity, load balancer attachment,
//! auto scaling).
//!
//! A `FargateService` runs only a `FargateTaskDefinition`; another kind of task definition
//! does not compile:
//!
//! ```compile_fail,E0308
//! use stackdef::ec2::{Vpc, VpcProps};
//! use stackdef::ecs::{Cluster, ClusterProps, FargateService, FargateServiceProps};
//! use stackdef::{App, CfnResource, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let vpc = Vpc::new(&stack, "Vpc", VpcProps::default());
//! let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
//! let raw = CfnResource::new(&stack, "TaskDef", "AWS::ECS::TaskDefinition");
//! FargateService::new(&stack, "Service", &cluster, &raw, FargateServiceProps::default());
//! ```
//!
//! Container secrets come from Secrets Manager, never from a plain string:
//!
//! ```compile_fail,E0277
//! use stackdef::ecs::{ContainerImage, ContainerOptions, FargateTaskDefinition, FargateTaskDefinitionProps};
//! use stackdef::{App, Env};
//! let app = App::new();
//! let stack = app.stack("S", Env::aws("123456789012", "us-east-1"));
//! let td = FargateTaskDefinition::new(&stack, "Task", FargateTaskDefinitionProps::default());
//! td.add_container("web", ContainerImage::registry("nginx:1.27"), ContainerOptions {
//!     secrets: [("DB_PASSWORD".to_string(), "hunter2")].into_iter().collect(),
//!     ..Default::default()
//! });
//! ```

mod capacity;
mod cluster;
mod container;
mod deployment;
mod service;
mod target;
mod task;
mod task_definition;

pub use capacity::{Capacity, CapacityProviderShare, FargateCapacityProvider};
pub use cluster::{Cluster, ClusterProps};
pub use container::{ContainerDefinition, ContainerImage, ContainerOptions, EcsSecret, Logging};
pub use deployment::{CODEDEPLOY_OWNED_SERVICE_PROPERTIES, DeploymentController};
pub use service::{FargateService, FargateServiceProps};
pub use target::ServiceTarget;
pub use task::{FargateTask, FargateTaskProps};
pub use task_definition::{
    CpuArchitecture, FargateTaskDefinition, FargateTaskDefinitionProps, check_fargate_size,
    fargate_memory_options,
};
