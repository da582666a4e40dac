//! W2 — two environments, two regions (seeds 001 and 002), as one app of four stacks.
//!
//! ```text
//! cargo run --example multi_env       # writes stackdef.out/ and prints a summary
//! ```
//!
//! Seed 002 wrote Terraform modules (networking, ecs, rds, pipeline) once and called them
//! from one file per environment; seed 001 deployed the same app in two regions. Here the
//! module is a Rust struct, [`BankEnvironment`], and an environment is one call to
//! [`BankEnvironment::new`] with its own [`BankEnvironmentProps`]:
//!
//! | stack                | region    | holds                                                |
//! |----------------------|-----------|------------------------------------------------------|
//! | `BankShared`         | us-east-1 | the ECR repository the pipeline (W4) pushes to       |
//! | `BankStaging`        | us-east-1 | a small environment that pulls from `BankShared`     |
//! | `BankProduction`     | us-east-1 | the full-size environment, pulls from `BankShared`   |
//! | `BankProductionWest` | us-west-2 | the full-size environment and its own repository     |
//!
//! The environments use the shared repository as a plain Rust value; stackdef turns each
//! use into an export in `BankShared`, an `Fn::ImportValue` in the consumer and a stack
//! dependency, so `stackdef deploy --all` deploys `BankShared` first and the three
//! environments after it (staging and production concurrently, the west one independently).
//!
//! Checked in `tests/multi_env.rs`: every template is cfn-lint clean, the manifest and
//! the templates are snapshotted, and a cross-region reference fails synth.

use std::process::ExitCode;

use stackdef::appscaling::{ScalingCapacity, StepScalingProps, TargetTrackingProps};
use stackdef::ec2::{HasDefaultPort, SubnetConfig, SubnetType, Vpc, VpcProps};
use stackdef::ecr::{EcrRepository, EcrRepositoryProps};
use stackdef::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerOptions, EcsSecret, FargateService,
    FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps, Logging,
};
use stackdef::elbv2::{Alb, AlbProps, HealthCheck, ListenerProps, TargetGroupProps};
use stackdef::kms::{Key, KeyProps};
use stackdef::logs::{LogGroup, LogGroupProps};
use stackdef::rds::{DatabaseInstanceClass, RdsMysql, RdsMysqlProps};
use stackdef::{App, CfnOutput, Construct, Env, Node, Stack, Value, sub};

/// The port gunicorn listens on inside the container (as in W1).
const APP_PORT: u16 = 8000;

/// The image tag every environment runs. Tags are immutable in the repository, so a
/// release is a new tag here, never a re-pushed `latest`.
pub const IMAGE_TAG: &str = "release-2026.11.1";

/// What differs between environments. Everything else is the same by construction.
#[derive(Debug, Clone)]
pub struct BankEnvironmentProps {
    /// Short lowercase name (`staging`, `production`): names the log group
    /// (`/ecs/bank-<name>`) and tags the stack. Two environments in one account and region
    /// must not share it: log group names are unique per region.
    pub name: String,
    /// Where the images come from. In the same region as the environment's stack (see
    /// [`bank_app`] for why).
    pub repository: EcrRepository,
    /// The VPC block. Each environment gets its own, non-overlapping one, so they can be
    /// peered or joined by a transit gateway later without renumbering.
    pub vpc_cidr: String,
    /// NAT gateways: one is cheap, one per AZ keeps egress up when an AZ fails.
    pub nat_gateways: u32,
    /// Fargate task size (cpu units and MiB).
    pub task_cpu: u32,
    /// Fargate task memory in MiB.
    pub task_memory_mib: u32,
    /// Tasks running normally; auto scaling keeps between this and `max_tasks`.
    pub desired_count: u32,
    /// Most tasks auto scaling may run.
    pub max_tasks: u32,
    /// `DBInstanceClass`.
    pub db_instance_class: DatabaseInstanceClass,
    /// A standby database in a second AZ.
    pub multi_az: bool,
    /// Deletion protection on the database and the load balancer.
    pub deletion_protection: bool,
}

impl BankEnvironmentProps {
    /// The staging size: one task, one NAT gateway, the smallest database, and no
    /// deletion protection so the environment can be torn down and rebuilt.
    pub fn staging(repository: &EcrRepository, vpc_cidr: &str) -> Self {
        BankEnvironmentProps {
            name: "staging".into(),
            repository: repository.clone(),
            vpc_cidr: vpc_cidr.into(),
            nat_gateways: 1,
            task_cpu: 256,
            task_memory_mib: 512,
            desired_count: 1,
            max_tasks: 2,
            db_instance_class: DatabaseInstanceClass::named("db.t3.micro"),
            multi_az: false,
            deletion_protection: false,
        }
    }

    /// The production size: W1's task size and scaling, a NAT gateway and a database
    /// standby per AZ, and deletion protection on what holds data or takes traffic.
    pub fn production(repository: &EcrRepository, vpc_cidr: &str) -> Self {
        BankEnvironmentProps {
            name: "production".into(),
            repository: repository.clone(),
            vpc_cidr: vpc_cidr.into(),
            nat_gateways: 2,
            task_cpu: 512,
            task_memory_mib: 1024,
            desired_count: 2,
            max_tasks: 6,
            db_instance_class: DatabaseInstanceClass::named("db.m5.large"),
            multi_az: true,
            deletion_protection: true,
        }
    }
}

/// One complete banking environment: VPC, ALB, Fargate service and MySQL database, wired
/// as in W1 (`examples/bank_stack.rs`). Everything it creates is scoped under its own
/// path (`BankStaging/Env/Vpc/...`), so two environments never clash, even in one stack.
#[derive(Debug, Construct)]
pub struct BankEnvironment {
    node: Node,
    /// The network.
    pub vpc: Vpc,
    /// The internet-facing load balancer.
    pub alb: Alb,
    /// The app's service.
    pub service: FargateService,
    /// The database.
    pub database: RdsMysql,
}

impl BankEnvironment {
    /// Builds an environment named `id` under `scope`. Synth errors about anything inside
    /// point at the line calling this (which environment) and name the construct path
    /// (which part).
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, props: &BankEnvironmentProps) -> Self {
        let node = Node::new(scope, id);

        // One key per environment (keys are regional, and an environment's data should not
        // be readable with another environment's key): flow logs, app logs, DB credentials.
        let key = Key::new(&node, "Key", KeyProps::default());

        // Public and private subnets in two AZs, as in W1.
        let vpc = Vpc::new(
            &node,
            "Vpc",
            VpcProps {
                max_azs: 2,
                nat_gateways: props.nat_gateways,
                subnets: vec![
                    SubnetConfig::new("Public", SubnetType::Public, 20),
                    SubnetConfig::new("Private", SubnetType::PrivateWithEgress, 20),
                ],
                flow_logs_key: Some(key.clone()),
                ..VpcProps::cidr(&props.vpc_cidr)
            },
        );
        let cluster = Cluster::new(&node, "Cluster", &vpc, ClusterProps::default());
        let logs = LogGroup::new(
            &node,
            "Logs",
            LogGroupProps {
                encryption_key: Some(key.clone()),
                ..LogGroupProps::named(&format!("/ecs/bank-{}", props.name))
            },
        );

        // Private, encrypted, credentials generated in Secrets Manager, final snapshot on
        // deletion (W1). Size, Multi-AZ and deletion protection come from the props.
        let database = RdsMysql::new(
            &node,
            "Database",
            &vpc,
            RdsMysqlProps {
                database_name: Some("banking".into()),
                instance_class: props.db_instance_class.clone(),
                multi_az: props.multi_az,
                deletion_protection: props.deletion_protection,
                secret_encryption_key: Some(key),
                ..RdsMysqlProps::default()
            },
        );

        let task = FargateTaskDefinition::new(
            &node,
            "Task",
            FargateTaskDefinitionProps {
                cpu: props.task_cpu,
                memory_mib: props.task_memory_mib,
                ..Default::default()
            },
        );
        // The image from the repository in `props`: when that repository lives in another
        // stack, this one reference becomes the export/import (and the pull grant on the
        // execution role references its ARN the same way).
        task.add_container(
            "bank-app",
            ContainerImage::ecr(&props.repository, IMAGE_TAG),
            ContainerOptions {
                port_mappings: vec![APP_PORT],
                environment: [("DB_NAME".to_owned(), "banking".into())]
                    .into_iter()
                    .collect(),
                secrets: EcsSecret::from_fields(&database.credentials(), "DB"),
                logging: Logging::aws_logs(&logs, "ecs"),
                ..Default::default()
            },
        );
        let service = FargateService::new(
            &node,
            "Service",
            &cluster,
            &task,
            FargateServiceProps {
                desired_count: props.desired_count,
                ..Default::default()
            },
        );

        // HTTP on port 80 as in the seeds (W1 explains the HTTPS switch).
        let alb = Alb::new(
            &node,
            "Alb",
            &vpc,
            AlbProps {
                deletion_protection: props.deletion_protection,
                ..AlbProps::default()
            },
        );
        alb.add_listener("Http", ListenerProps::http(80))
            .forward_to(
                "App",
                &service,
                TargetGroupProps {
                    health_check: HealthCheck::http("/health"),
                    ..Default::default()
                },
            );
        database.allow_default_port_from(&service);

        // W1's scaling: step scaling on CPU, target tracking on memory.
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

        BankEnvironment {
            node,
            vpc,
            alb,
            service,
            database,
        }
    }

    /// The app's URL (the ALB's DNS name over HTTP).
    pub fn url(&self) -> Value<String> {
        sub!["http://", self.alb.dns_name()]
    }
}

/// The stacks of the W2 app.
#[derive(Debug)]
pub struct BankApp {
    /// us-east-1: the shared repository.
    pub shared: Stack,
    /// us-east-1: staging.
    pub staging: Stack,
    /// us-east-1: production.
    pub production: Stack,
    /// us-west-2: production, with its own repository.
    pub production_west: Stack,
}

/// A stack in `region`, empty but for its description. Every stack goes to the account
/// the deploy's credentials resolve to; `Env::aws(account, region)` pins one instead.
fn stack(app: &App, name: &str, region: &str, description: &str) -> Stack {
    let stack = app.stack(name, Env::region(region));
    stack.set_description(description);
    stack
}

/// Puts the environment described by `props` into `stack` as `Env`, tags the stack with
/// the environment's name and outputs its URL as `AlbUrl` (`stackdef outputs <stack>`).
fn add_environment(stack: &Stack, props: &BankEnvironmentProps) -> BankEnvironment {
    stack.add_tag("environment", props.name.as_str());
    let env = BankEnvironment::new(stack, "Env", props);
    CfnOutput::new(stack, "AlbUrl", env.url())
        .description(format!("URL of the {} banking app", props.name));
    env
}

/// The repository every environment of one region pulls from: W1's defaults (scan on
/// push, immutable tags, the newest 30 images kept, retained when removed from the stack).
fn repository(scope: &impl Construct) -> EcrRepository {
    EcrRepository::new(scope, "Images", EcrRepositoryProps::default())
}

/// Builds the four stacks into `app`. Tests call this too.
pub fn bank_app(app: &App) -> BankApp {
    let shared = stack(
        app,
        "BankShared",
        "us-east-1",
        "Banking app image repository of the us-east-1 environments",
    );
    let images = repository(&shared);

    let staging = stack(
        app,
        "BankStaging",
        "us-east-1",
        "Banking app, staging in us-east-1",
    );
    add_environment(
        &staging,
        &BankEnvironmentProps::staging(&images, "10.10.0.0/16"),
    );

    let production = stack(
        app,
        "BankProduction",
        "us-east-1",
        "Banking app, production in us-east-1",
    );
    add_environment(
        &production,
        &BankEnvironmentProps::production(&images, "10.20.0.0/16"),
    );

    // us-west-2 cannot use `images`. Passing it to the west environment fails synth, once
    // per use (the image URI in the task definition and the ARN in the pull grant):
    //   [BankProductionWest/Env/Task/Resource] `BankProductionWest`
    //   (aws://unknown-account/us-west-2) references `BankShared/Images` in `BankShared`
    //   (aws://unknown-account/us-east-1); CloudFormation exports only work within one
    //   account and region. Move the resources into stacks of the same environment, or
    //   pass the value explicitly (...)
    // Exports and `Fn::ImportValue` are regional, so no template could express it. And
    // it should not be expressed: tasks in us-west-2 pulling from us-east-1 would put every
    // deploy and scale-out of the second region behind the first one, which is what a
    // second region is meant to survive. So each region has its own repository and the
    // pipeline pushes the same tag to both. It lives in the west stack, beside (not
    // inside) the `Env` construct, as `BankShared` holds the one for us-east-1.
    let production_west = stack(
        app,
        "BankProductionWest",
        "us-west-2",
        "Banking app, production in us-west-2, with its own image repository",
    );
    let west_images = repository(&production_west);
    add_environment(
        &production_west,
        &BankEnvironmentProps::production(&west_images, "10.30.0.0/16"),
    );

    BankApp {
        shared,
        staging,
        production,
        production_west,
    }
}

fn main() -> ExitCode {
    let app = App::new();
    bank_app(&app);
    match app.synth() {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
