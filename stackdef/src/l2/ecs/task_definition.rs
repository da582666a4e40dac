//! [`FargateTaskDefinition`]: Fargate sizes, roles and containers.

use std::cell::RefCell;
use std::rc::Rc;

use stackdef_synth::SourceLocation;

use super::container::{self, ContainerDefinition, ContainerImage, ContainerOptions, Logging};
use crate::cfn::ecs::{self as l1, task_definition as td};
use crate::fns;
use crate::iam::{Grantable, PolicyStatement, Role, RoleProps, ServicePrincipal};
use crate::l2::support::{check_word_name, id_part};
use crate::logs::{LogGroup, LogGroupProps};
use crate::resource::{CfnResource, Resource};
use crate::value::{TaskDefinitionArn, Value};
use crate::{Construct, Node};

/// The memory sizes (MiB) Fargate accepts for a task of `cpu` units, empty when `cpu`
/// itself is not a Fargate size.
pub fn fargate_memory_options(cpu: u32) -> Vec<u32> {
    stackdef_check::rules::fargate_memory(cpu)
}

/// Why `cpu`/`memory_mib` is not a Fargate task size, if it is not (the check every synth
/// runs on task definitions, `SD8001`).
pub fn check_fargate_size(cpu: u32, memory_mib: u32) -> Option<String> {
    stackdef_check::rules::fargate_size_problem(cpu, memory_mib)
}

/// CPU architecture of the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CpuArchitecture {
    /// x86-64. The default.
    #[default]
    X86_64,
    /// ARM64 (Graviton).
    Arm64,
}

/// Options of a [`FargateTaskDefinition`].
#[derive(Debug, Clone)]
pub struct FargateTaskDefinitionProps {
    /// CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384. default: `256`.
    pub cpu: u32,
    /// Memory in MiB; must be one Fargate allows for `cpu` (checked at synth). default: `512`.
    pub memory_mib: u32,
    /// `Family`. default: generated from the construct path by CloudFormation.
    pub family: Option<String>,
    /// The role the application's code runs as. default: none until something is granted
    /// to the task definition, then one is created.
    pub task_role: Option<Role>,
    /// CPU architecture. default: `X86_64`.
    pub cpu_architecture: CpuArchitecture,
}

impl Default for FargateTaskDefinitionProps {
    fn default() -> Self {
        FargateTaskDefinitionProps {
            cpu: 256,
            memory_mib: 512,
            family: None,
            task_role: None,
            cpu_architecture: CpuArchitecture::X86_64,
        }
    }
}

#[derive(Debug)]
struct TaskDefInner {
    resource: l1::TaskDefinition,
    execution_role: Role,
    task_role: RefCell<Option<Role>>,
    containers: RefCell<Vec<(ContainerDefinition, td::ContainerDefinition)>>,
}

/// A Fargate task definition (`awsvpc` networking). An execution role with only the
/// permissions its containers need (their log groups, injected secrets, ECR pulls) is
/// created with it.
#[derive(Debug, Clone, Construct)]
pub struct FargateTaskDefinition {
    node: Node,
    inner: Rc<TaskDefInner>,
}

impl Resource for FargateTaskDefinition {
    fn cfn(&self) -> &CfnResource {
        self.inner.resource.cfn()
    }
}

impl FargateTaskDefinition {
    /// A task definition; an invalid cpu/memory pair is reported at synth at this call.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: FargateTaskDefinitionProps) -> Self {
        let node = Node::new(scope, id);
        let execution_role = Role::new(
            &node,
            "ExecutionRole",
            RoleProps {
                description: Some(format!(
                    "ECS execution role of {} (pull image, write logs, read injected secrets)",
                    node.path()
                )),
                ..RoleProps::new(ServicePrincipal::ecs_tasks())
            },
        );
        if let Some(family) = &props.family
            && let Some(problem) = check_word_name("task family", family)
        {
            node.report_message(problem);
        }
        let mut l1_props = l1::TaskDefinitionProps::new()
            .requires_compatibilities(vec![td::RequiresCompatibilities::Fargate])
            .network_mode(td::NetworkMode::Awsvpc)
            .cpu(props.cpu.to_string())
            .memory(props.memory_mib.to_string())
            .runtime_platform(
                td::RuntimePlatform::new()
                    .cpu_architecture(match props.cpu_architecture {
                        CpuArchitecture::X86_64 => td::CpuArchitecture::X8664,
                        CpuArchitecture::Arm64 => td::CpuArchitecture::Arm64,
                    })
                    .operating_system_family(td::OperatingSystemFamily::Linux),
            )
            .execution_role_arn(execution_role.arn());
        if let Some(family) = &props.family {
            l1_props = l1_props.family(family.as_str());
        }
        if let Some(role) = &props.task_role {
            l1_props = l1_props.task_role_arn(role.arn());
        }
        let resource = l1::TaskDefinition::new(&node, "Resource", l1_props);
        FargateTaskDefinition {
            node,
            inner: Rc::new(TaskDefInner {
                resource,
                execution_role,
                task_role: RefCell::new(props.task_role),
                containers: RefCell::new(Vec::new()),
            }),
        }
    }

    /// `Ref`: the task definition ARN.
    pub fn arn(&self) -> Value<TaskDefinitionArn> {
        self.inner.resource.task_definition_arn()
    }

    /// The execution role (used by ECS to start the task, not by your code).
    pub fn execution_role(&self) -> Role {
        self.inner.execution_role.clone()
    }

    /// The task role your code runs as, created on first use.
    pub fn task_role(&self) -> Role {
        if let Some(r) = self.inner.task_role.borrow().as_ref() {
            return r.clone();
        }
        let role = Role::new(
            &self.node,
            "TaskRole",
            RoleProps {
                description: Some(format!("Task role of {}", self.node.path())),
                ..RoleProps::new(ServicePrincipal::ecs_tasks())
            },
        );
        self.inner.resource.set_task_role_arn(role.arn());
        *self.inner.task_role.borrow_mut() = Some(role.clone());
        role
    }

    /// The containers added so far.
    pub fn containers(&self) -> Vec<ContainerDefinition> {
        self.inner
            .containers
            .borrow()
            .iter()
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// The container that receives load balancer traffic by default: the first with a
    /// port mapping.
    pub fn default_container(&self) -> Option<ContainerDefinition> {
        self.containers().into_iter().find(|c| !c.ports.is_empty())
    }

    /// Adds a container running `image`. Invalid names and ports, and ports already used
    /// by another container of the task, are reported at synth at this call.
    #[track_caller]
    pub fn add_container(
        &self,
        name: &str,
        image: ContainerImage,
        options: ContainerOptions,
    ) -> ContainerDefinition {
        let loc = SourceLocation::caller();
        for problem in self.container_problems(name, &image, &options) {
            self.node.report_message_at(loc, problem);
        }
        let log_configuration = self.log_configuration(name, &options.logging);
        if let ContainerImage::Ecr(repo, _) = &image {
            repo.grant_pull(&self.inner.execution_role);
        }
        for (var, secret) in &options.secrets {
            if secret.field.is_some() && !secret.secret.is_json() {
                self.node.report_message_at(
                    loc,
                    format!(
                        "container `{name}`: secret {var} reads field `{}` of {}, which is not a JSON secret",
                        secret.field.as_deref().unwrap_or_default(),
                        secret.secret.node().path()
                    ),
                );
            }
            secret.secret.grant_read(&self.inner.execution_role);
        }
        let def = container::definition(name, &image, &options, log_configuration);
        let container = ContainerDefinition {
            name: name.to_owned(),
            ports: options.port_mappings.clone(),
            image,
        };
        let mut all = self.inner.containers.borrow_mut();
        all.push((container.clone(), def));
        // Containers arrive after the task definition exists: the list is written again.
        self.inner
            .resource
            .set_container_definitions(all.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>());
        container
    }

    /// What is wrong with a new container's name, image and ports.
    fn container_problems(
        &self,
        name: &str,
        image: &ContainerImage,
        options: &ContainerOptions,
    ) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(check_word_name("container name", name));
        if let ContainerImage::Registry(i) = image
            && i.trim().is_empty()
        {
            out.push(format!("container `{name}` has an empty image name"));
        }
        let existing = self.containers();
        if existing.iter().any(|c| c.name == name) {
            out.push(format!("the task already has a container named `{name}`"));
        }
        for (field, mib) in [
            ("memory_limit_mib", options.memory_limit_mib),
            ("memory_reservation_mib", options.memory_reservation_mib),
        ] {
            if mib.is_some_and(|m| m < 6) {
                out.push(format!(
                    "container `{name}`: {field} must be at least 6 MiB (the least a container can run with)"
                ));
            }
        }
        if let (Some(limit), Some(reserved)) =
            (options.memory_limit_mib, options.memory_reservation_mib)
            && reserved > limit
        {
            out.push(format!(
                "container `{name}`: memory_reservation_mib {reserved} is above memory_limit_mib {limit}; the reservation must fit under the limit"
            ));
        }
        if let Some(user) = &options.user
            && (user.trim().is_empty() || user.contains(char::is_whitespace))
        {
            out.push(format!(
                "container `{name}`: user `{user}` is not a user: write a name or uid, optionally with `:group` (`1000:1000`)"
            ));
        }
        for &p in &options.port_mappings {
            if p == 0 {
                out.push(format!(
                    "container `{name}`: port 0 is out of range; ports are 1 to 65535"
                ));
            }
            if let Some(other) = existing.iter().find(|c| c.ports.contains(&p)) {
                out.push(format!(
                    "container `{name}`: port {p} is already used by container `{}`; with awsvpc networking all containers of a task share one network interface",
                    other.name
                ));
            }
        }
        out
    }

    /// The container's log configuration (a log group made for it by default), with the
    /// execution role allowed to write there.
    fn log_configuration(&self, name: &str, logging: &Logging) -> Option<td::LogConfiguration> {
        let (group, prefix) = match logging {
            Logging::Disabled => return None,
            Logging::AwsLogs {
                log_group,
                stream_prefix,
            } => (log_group.clone(), stream_prefix.clone()),
            Logging::Auto => (
                LogGroup::new(
                    &self.node,
                    &format!("{}LogGroup", id_part(name)),
                    LogGroupProps::default(),
                ),
                "ecs".to_owned(),
            ),
        };
        self.inner
            .execution_role
            .add_to_policy(PolicyStatement::allow(
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [group.arn()],
            ));
        let region: Value<String> = match self.node.stack().region() {
            Some(r) => Value::literal(r),
            None => fns::region(),
        };
        Some(container::aws_logs(&group, &prefix, region))
    }
}

impl Grantable for FargateTaskDefinition {
    /// Grants go to the task role (created on first use): the identity of your code.
    fn grant_role(&self) -> Role {
        self.task_role()
    }
}
