//! The banking app (seeds 000 and 004) as one reusable construct: VPC, ALB, Fargate
//! service and MySQL database, wired and secured once. W1 (`bank_stack`) builds it with
//! the seeds' sizes, W2 (`multi_env`) once per environment, W4 (`pipeline`) and W5
//! (`blue_green`) deploy to it.
//!
//! The seeds built this with Terraform: a VPC with public and private subnets in two AZs,
//! one NAT gateway, an internet-facing ALB on port 80 forwarding to a Flask/gunicorn app
//! on port 8000 (health check `/health`) running as two Fargate tasks, logs in
//! `/ecs/bank-logs`, and a MySQL database. The architecture here is the same; where the
//! seeds did something unsafe, this does the safe thing and the comment says so.

use stackdef::appscaling::{ScalingCapacity, StepScalingProps, TargetTrackingProps};
use stackdef::ec2::{HasDefaultPort, SubnetConfig, SubnetType, Vpc, VpcProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerDefinition, ContainerImage, ContainerOptions,
    DeploymentController, EcsSecret, FargateService, FargateServiceProps, FargateTaskDefinition,
    FargateTaskDefinitionProps, Logging,
};
use stackdef::elbv2::{
    Alb, AlbProps, HealthCheck, Listener, ListenerProps, ListenerProtocol, TargetGroup,
    TargetGroupProps,
};
use stackdef::kms::{Key, KeyProps};
use stackdef::logs::{LogGroup, LogGroupProps};
use stackdef::rds::{DatabaseInstanceClass, RdsMysql, RdsMysqlProps};
use stackdef::{Construct, Node, Value, sub};

/// The port gunicorn listens on inside the container (the seed Dockerfile's `EXPOSE 8000`).
pub const APP_PORT: u16 = 8000;

/// The name of the app's container.
pub const CONTAINER_NAME: &str = "bank-app";

/// The database the app uses.
pub const DATABASE_NAME: &str = "banking";

/// What differs between uses of the bank. Everything else is the same by construction.
#[derive(Debug, Clone)]
pub struct BankProps {
    /// The image the service runs.
    pub image: ContainerImage,
    /// The app's log group (`/ecs/bank-logs`). Names are unique per account and region.
    pub log_group_name: String,
    /// The VPC block. Give each environment its own, non-overlapping one, so they can be
    /// peered or joined by a transit gateway later without renumbering.
    pub vpc_cidr: String,
    /// The size of each subnet (a public and a private one per AZ, two AZs).
    pub subnet_mask: u8,
    /// NAT gateways: one is cheap, one per AZ keeps egress up when an AZ fails.
    pub nat_gateways: u32,
    /// Fargate task cpu units.
    pub task_cpu: u32,
    /// Fargate task memory in MiB (the container may use all of it, and no more).
    pub task_memory_mib: u32,
    /// Tasks running normally; auto scaling keeps between this and `max_tasks`.
    pub desired_count: u32,
    /// Most tasks auto scaling may run.
    pub max_tasks: u32,
    /// `DBInstanceClass`.
    pub db_instance_class: DatabaseInstanceClass,
    /// A standby database in a second AZ: a bank's database should survive the loss of
    /// one AZ.
    pub multi_az: bool,
    /// Deletion protection on the database and the load balancer.
    pub deletion_protection: bool,
    /// The load balancer's listener: HTTP on port 80, open to the internet, in the seeds.
    pub listener: ListenerProps,
    /// Who deploys new task definitions: ECS rolling updates with the circuit breaker,
    /// or CodeDeploy blue/green (W5; the circuit breaker is then off, as CodeDeploy
    /// rolls back itself).
    pub deployment_controller: DeploymentController,
    /// Make Fargate Spot available in the cluster, for services that can be interrupted.
    pub fargate_spot: bool,
}

impl BankProps {
    /// The seeds' app: their image from Docker Hub, `/ecs/bank-logs`, 172.28.0.0/16 cut
    /// into /18s (public 172.28.0.0/18 and private 172.28.64.0/18 in the first AZ, as in
    /// the seed's `vpc.tf`), one NAT gateway, two tasks of 512 cpu / 1024 MiB scaling to
    /// six, and a Multi-AZ database with deletion protection.
    pub fn seed() -> Self {
        BankProps {
            image: ContainerImage::registry("kha1i1e/dep7bankapp:latest"),
            log_group_name: "/ecs/bank-logs".into(),
            vpc_cidr: "172.28.0.0/16".into(),
            subnet_mask: 18,
            nat_gateways: 1,
            task_cpu: 512,
            task_memory_mib: 1024,
            desired_count: 2,
            max_tasks: 6,
            db_instance_class: DatabaseInstanceClass::named("db.t3.micro"),
            multi_az: true,
            deletion_protection: true,
            listener: ListenerProps::http(80),
            deployment_controller: DeploymentController::Ecs,
            fargate_spot: false,
        }
    }
}

/// One complete banking app. Its parts are public so other workloads can wire to them (a
/// pipeline deploys to `service`, a blue/green setup adds target groups to `listener`).
///
/// Built in one scope ([`Bank::new`], [`Bank::directly_in`]) or across two
/// ([`Bank::split`]): the network and the data (key, VPC, logs, database), which rarely
/// change, and the app (cluster, task, service, load balancer), which changes with every
/// release.
#[derive(Debug, Construct)]
pub struct Bank {
    node: Node,
    /// The key for data at rest: flow logs, app logs, database credentials.
    pub key: Key,
    /// The network.
    pub vpc: Vpc,
    /// The cluster the service runs in.
    pub cluster: Cluster,
    /// The app's log group.
    pub logs: LogGroup,
    /// The database.
    pub database: RdsMysql,
    /// The app's task definition.
    pub task: FargateTaskDefinition,
    /// The app's container in `task`.
    pub container: ContainerDefinition,
    /// The app's service.
    pub service: FargateService,
    /// The internet-facing load balancer.
    pub alb: Alb,
    /// Its listener (HTTP on port 80 in the seeds), forwarding to `service`.
    pub listener: Listener,
    /// The target group `listener` forwards to, with `service` registered.
    pub target_group: TargetGroup,
}

impl Bank {
    /// Builds the app under its own construct `id` in `scope` (`BankStaging/Env/Vpc/...`),
    /// so two of them never clash, even in one stack. Synth errors about anything inside
    /// point at the line calling this and name the construct path.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: &BankProps) -> Self {
        let node = Node::new(scope, id);
        Self::build(node.clone(), node, "Key", props)
    }

    /// Builds the network and the data under `id` in `data` (`BankData/Bank/Vpc`), and the
    /// app under `id` in `app` (`BankApp/Bank/Service`): with each scope in its own stack,
    /// a release updates the app's stack only. stackdef turns the app's uses of the VPC,
    /// key, logs and database into exports of `data`'s stack, and puts the security group
    /// rules between them in the app's stack, so the stacks depend one way.
    #[track_caller]
    pub fn split(data: &impl Construct, app: &impl Construct, id: &str, props: &BankProps) -> Self {
        Self::build(Node::new(data, id), Node::new(app, id), "Key", props)
    }

    /// Builds the app directly in `scope`, its resources beside the caller's (`BankStack/Vpc`).
    /// `key_id` names the KMS key's construct (W1's is `BankKey`).
    #[track_caller]
    pub fn directly_in(scope: &impl Construct, key_id: &str, props: &BankProps) -> Self {
        let node = scope.node().clone();
        Self::build(node.clone(), node, key_id, props)
    }

    #[track_caller]
    fn build(data: Node, node: Node, key_id: &str, props: &BankProps) -> Self {
        // One customer-managed key, rotated yearly, for the data at rest AWS would
        // otherwise encrypt under its own keys. Keys are regional, and one app's data
        // should not be readable with another's key: one per app.
        let key = Key::new(&data, key_id, KeyProps::default());

        // The internet gateway, route tables, routes and associations are derived. With
        // the stack's region known, the AZ names are concrete (the subnets tell cfn-lint
        // that hard-coding them is deliberate).
        let vpc = Vpc::new(
            &data,
            "Vpc",
            VpcProps {
                max_azs: 2,
                nat_gateways: props.nat_gateways,
                subnets: vec![
                    SubnetConfig::new("Public", SubnetType::Public, props.subnet_mask),
                    SubnetConfig::new("Private", SubnetType::PrivateWithEgress, props.subnet_mask),
                ],
                flow_logs_key: Some(key.clone()),
                ..VpcProps::cidr(&props.vpc_cidr)
            },
        );
        let cluster = Cluster::new(
            &node,
            "Cluster",
            &vpc,
            ClusterProps {
                enable_fargate_capacity_providers: props.fargate_spot,
                ..ClusterProps::default()
            },
        );
        let logs = LogGroup::new(
            &data,
            "Logs",
            LogGroupProps {
                encryption_key: Some(key.clone()),
                ..LogGroupProps::named(&props.log_group_name)
            },
        );

        // Seed 004 made the database publicly accessible with a password typed into the
        // console. Here it lives in the private subnets, its security group admits only
        // the app (below), the credentials are generated in Secrets Manager at deploy time
        // and never appear in code or templates, storage is encrypted, backups are kept 7
        // days and deleting or replacing it leaves a final snapshot.
        let database = RdsMysql::new(
            &data,
            "Database",
            &vpc,
            RdsMysqlProps {
                database_name: Some(DATABASE_NAME.into()),
                instance_class: props.db_instance_class.clone(),
                multi_az: props.multi_az,
                deletion_protection: props.deletion_protection,
                secret_encryption_key: Some(key.clone()),
                ..RdsMysqlProps::default()
            },
        );

        // The seed pointed both role ARNs at a role in one particular account; here the
        // execution role is created with exactly what the task needs (write its logs,
        // read the database secret, pull its image) and the app gets no AWS permissions
        // it does not use.
        let task = FargateTaskDefinition::new(
            &node,
            "Task",
            FargateTaskDefinitionProps {
                cpu: props.task_cpu,
                memory_mib: props.task_memory_mib,
                ..Default::default()
            },
        );
        let container = task.add_container(
            CONTAINER_NAME,
            props.image.clone(),
            ContainerOptions {
                // Seed 004 mapped 5000 in the task and 8000 in the target group; here the
                // target group takes its port from this mapping, so they cannot disagree.
                port_mappings: vec![APP_PORT],
                environment: [("DB_NAME".to_owned(), DATABASE_NAME.into())]
                    .into_iter()
                    .collect(),
                // DB_HOST, DB_PORT, DB_USERNAME and DB_PASSWORD, injected by ECS at start
                // from Secrets Manager. Seed 004 pasted a connection URL with the password
                // into app.py; the app builds it from these instead.
                secrets: EcsSecret::from_fields(&database.credentials(), "DB"),
                logging: Logging::aws_logs(&logs, "ecs"),
                memory_limit_mib: Some(props.task_memory_mib),
                // `user` stays the image's: the seeds' image has no user but root. Once
                // its Dockerfile adds one (`USER app`), name it here.
                ..Default::default()
            },
        );

        // Tasks in the private subnets, no public IPs, deployments roll back when new
        // tasks keep failing.
        let service = FargateService::new(
            &node,
            "Service",
            &cluster,
            &task,
            FargateServiceProps {
                desired_count: props.desired_count,
                deployment_controller: props.deployment_controller,
                circuit_breaker_rollback: props.deployment_controller == DeploymentController::Ecs,
                ..Default::default()
            },
        );

        // Internet-facing, HTTP on port 80 as in the seeds, access logs in a bucket of
        // its own. (With a domain and an ACM certificate, use `ListenerProps::https(443,
        // cert)` and `alb.redirect_http_to_https(..)` instead.)
        let alb = Alb::new(
            &node,
            "Alb",
            &vpc,
            AlbProps {
                deletion_protection: props.deletion_protection,
                ..AlbProps::default()
            },
        );
        let listener = alb.add_listener(
            match props.listener.protocol {
                ListenerProtocol::Https { .. } => "Https",
                ListenerProtocol::Http => "Http",
            },
            props.listener.clone(),
        );
        // Forwarding writes the target group (target type ip, port 8000 from the
        // container) and the only rule into the app's security group: 8000 from the
        // ALB's group.
        let target_group = listener.forward_to(
            "App",
            &service,
            TargetGroupProps {
                health_check: HealthCheck::http("/health"),
                ..Default::default()
            },
        );

        // 3306 into the database from the app's security group, nothing else.
        database.allow_default_port_from(&service);

        // Scaling (seeds 002 and 004): add a task when average CPU stays above 85% for
        // two minutes and remove one when it stays below 40%. Seed 002 scaled in on the
        // high alarm's OK state, which undoes a scale-out as soon as CPU dips under 85%;
        // two thresholds keep it stable. Memory is tracked at 75%.
        let scaling = service.auto_scale_task_count(ScalingCapacity {
            min: props.desired_count,
            max: props.max_tasks,
        });
        scaling.step_scale_on_cpu("Cpu", StepScalingProps::default());
        scaling.scale_on_memory_utilization(
            "Memory",
            TargetTrackingProps {
                target_percent: 75.0,
                ..Default::default()
            },
        );

        Bank {
            node,
            key,
            vpc,
            cluster,
            logs,
            database,
            task,
            container,
            service,
            alb,
            listener,
            target_group,
        }
    }

    /// The app's URL (the ALB's DNS name, over the listener's protocol).
    pub fn url(&self) -> Value<String> {
        let scheme = if self.listener.is_https() {
            "https://"
        } else {
            "http://"
        };
        sub![scheme, self.alb.dns_name()]
    }
}
