//! [`FargateTask`]: a task definition with the network it runs in, for tasks that run once
//! and exit (a schema migration) instead of a service's long-running copies.

use stackdef_synth::SourceLocation;

use super::cluster::Cluster;
use super::task_definition::FargateTaskDefinition;
use crate::ec2::{Connectable, Connections, SecurityGroup, SecurityGroupProps, SubnetSelection};
use crate::iam::{ConditionOperator, Grantable, PolicyStatement};
use crate::value::{Json, Value};
use crate::{Construct, Node, fns};

/// Options of a [`FargateTask`].
#[derive(Debug, Clone)]
pub struct FargateTaskProps {
    /// Where the task runs. default: the private subnets.
    pub vpc_subnets: SubnetSelection,
    /// Give the task a public IP (only in public subnets). default: `false`.
    pub assign_public_ip: bool,
}

impl Default for FargateTaskProps {
    fn default() -> Self {
        FargateTaskProps {
            vpc_subnets: SubnetSelection::Private,
            assign_public_ip: false,
        }
    }
}

/// A task that runs on demand: its definition, cluster, subnets and security group. It
/// takes part in the connections API like a service (`db.allow_default_port_from(&task)`),
/// prints as an `aws ecs run-task` command, and grants the right to run it.
#[derive(Debug, Clone, Construct)]
pub struct FargateTask {
    node: Node,
    cluster: Cluster,
    task_definition: FargateTaskDefinition,
    security_group: SecurityGroup,
    subnets: Vec<Value<String>>,
    assign_public_ip: bool,
}

impl Connectable for FargateTask {
    fn connections(&self) -> Connections {
        Connections::new(vec![self.security_group.clone()])
    }
}

impl FargateTask {
    /// `task_definition`, run in `cluster`'s VPC.
    #[track_caller]
    pub fn new(
        scope: &impl Construct,
        id: &str,
        cluster: &Cluster,
        task_definition: &FargateTaskDefinition,
        props: FargateTaskProps,
    ) -> FargateTask {
        let location = SourceLocation::caller();
        let node = Node::new(scope, id);
        let vpc = cluster.vpc();
        let selected = vpc.select_subnets(props.vpc_subnets.clone());
        if selected.subnets.is_empty() {
            node.report_message_at(
                location,
                format!("no subnet of the VPC matches {:?}", props.vpc_subnets),
            );
        }
        if props.assign_public_ip && !selected.all_public() {
            node.report_message_at(
                location,
                "assign_public_ip is set but the task's subnets are not public; a public IP in a private subnet is unreachable",
            );
        }
        let security_group = SecurityGroup::new(
            &node,
            "SecurityGroup",
            vpc,
            SecurityGroupProps {
                description: Some(format!("Task {}", node.path())),
                allow_all_outbound: true,
            },
        );
        FargateTask {
            node,
            cluster: cluster.clone(),
            task_definition: task_definition.clone(),
            security_group,
            subnets: selected
                .subnets
                .iter()
                .map(|s| s.subnet_id().into())
                .collect(),
            assign_public_ip: props.assign_public_ip,
        }
    }

    /// The task definition.
    pub fn task_definition(&self) -> FargateTaskDefinition {
        self.task_definition.clone()
    }

    /// The cluster it runs in.
    pub fn cluster(&self) -> Cluster {
        self.cluster.clone()
    }

    /// Its security group.
    pub fn security_group(&self) -> SecurityGroup {
        self.security_group.clone()
    }

    /// The `--network-configuration` of `aws ecs run-task`
    /// (`awsvpcConfiguration={subnets=[...],securityGroups=[...],assignPublicIp=DISABLED}`).
    pub fn network_configuration(&self) -> Value<String> {
        let mut pieces: Vec<fns::SubPiece> = vec!["awsvpcConfiguration={subnets=[".into()];
        for (i, subnet) in self.subnets.iter().enumerate() {
            if i > 0 {
                pieces.push(",".into());
            }
            pieces.push(subnet.clone().into());
        }
        pieces.push("],securityGroups=[".into());
        pieces.push(self.security_group.security_group_id().into());
        pieces.push(
            if self.assign_public_ip {
                "],assignPublicIp=ENABLED}"
            } else {
                "],assignPublicIp=DISABLED}"
            }
            .into(),
        );
        fns::sub(pieces)
    }

    /// The command that runs the task once (for a stack output):
    /// `aws ecs run-task --cluster ... --task-definition ... --launch-type FARGATE ...`.
    pub fn run_task_command(&self) -> Value<String> {
        crate::sub![
            "aws ecs run-task --region ",
            fns::region(),
            " --cluster ",
            self.cluster.cluster_name(),
            " --task-definition ",
            self.task_definition.arn(),
            " --launch-type FARGATE --network-configuration '",
            self.network_configuration(),
            "'"
        ]
    }

    /// Lets `grantee` run the task (any revision of its definition, in its cluster only),
    /// register revisions of it with a new image, follow it, and pass its roles to ECS.
    pub fn grant_run(&self, grantee: &impl Grantable) {
        let role = grantee.grant_role();
        role.add_to_policy(
            PolicyStatement::allow(["ecs:RunTask", "ecs:DescribeTasks", "ecs:StopTask"], ["*"])
                .with_condition(
                    ConditionOperator::ArnEquals,
                    "ecs:cluster",
                    [Json::from(self.cluster.arn())],
                ),
        );
        // Reading and registering task definitions has no resource-level permissions.
        role.add_to_policy(PolicyStatement::allow(
            ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
            ["*"],
        ));
        self.task_definition.execution_role().grant_pass_role(&role);
        self.task_definition.task_role().grant_pass_role(&role);
    }
}
