//! W1 — the banking app on ECS Fargate (seeds 000 and 004), as one typed stack.
//!
//! ```text
//! cargo run --example bank_stack      # writes stackdef.out/ and prints a summary
//! ```
//!
//! The seeds built this with Terraform: a VPC with public and private subnets in two AZs,
//! one NAT gateway, an internet-facing ALB on port 80 forwarding to a Flask/gunicorn app
//! on port 8000 (health check `/health`) running as two Fargate tasks, logs in
//! `/ecs/bank-logs`, and a MySQL database. The architecture below is the same; where the
//! seeds did something unsafe, stackdef does the safe thing and the comment says so.
//!
//! The template is cfn-lint clean (`tests/bank_stack.rs`). Scanned with checkov
//! (`checkov --skip-download -f stackdef.out/BankStack.template.json`), what remains is
//! chosen on purpose:
//!
//! - CKV_AWS_2, CKV_AWS_103, CKV_AWS_260 — plain HTTP on port 80 from anywhere. The seeds
//!   serve the app over HTTP at the ALB's own DNS name, with no domain and no certificate;
//!   with one, switch to `ListenerProps::https` and `redirect_http_to_https` (two lines).
//! - CKV_AWS_18 — the ALB's access-log bucket has no server access logging of its own:
//!   it holds logs already, and logging it would need yet another bucket (which would
//!   raise the same finding).

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
use stackdef::rds::{RdsMysql, RdsMysqlProps};
use stackdef::{App, CfnOutput, Env, Stack, sub};

/// The port gunicorn listens on inside the container (the seed Dockerfile's `EXPOSE 8000`).
const APP_PORT: u16 = 8000;

/// Builds the bank stack into `app`. Tests and the benchmark call this too.
pub fn bank_stack(app: &App) -> Stack {
    // us-east-1, in the account your credentials resolve to at deploy time. To pin one
    // account, so that a deploy with another account's credentials is refused before any
    // change, use `Env::aws("<account id>", "us-east-1")`.
    let stack = app.stack("BankStack", Env::region("us-east-1"));
    stack.set_description("Flask banking app on ECS Fargate behind an ALB, with RDS MySQL");

    // One customer-managed key, rotated yearly, for the data at rest AWS would otherwise
    // encrypt under its own keys: the VPC flow logs, the app's logs, the DB credentials.
    let key = Key::new(&stack, "BankKey", KeyProps::default());

    // Network: 172.28.0.0/16 over us-east-1a and us-east-1b, a public and a private /18 in
    // each (public 172.28.0.0/18 and private 172.28.64.0/18 in 1a, as in the seed's
    // vpc.tf), one NAT gateway with its Elastic IP. The internet gateway, route tables,
    // routes and associations are derived. The AZ names are concrete because the stack's
    // region is known (the subnets tell cfn-lint that hard-coding them is deliberate).
    let vpc = Vpc::new(
        &stack,
        "Vpc",
        VpcProps {
            max_azs: 2,
            nat_gateways: 1,
            subnets: vec![
                SubnetConfig::new("Public", SubnetType::Public, 18),
                SubnetConfig::new("Private", SubnetType::PrivateWithEgress, 18),
            ],
            flow_logs_key: Some(key.clone()),
            ..VpcProps::cidr("172.28.0.0/16")
        },
    );

    // The registry the delivery pipeline (W4) pushes to: scan on push, immutable tags,
    // old images expire. The service below still runs the seeds' Docker Hub image.
    EcrRepository::new(&stack, "Images", EcrRepositoryProps::default());

    let cluster = Cluster::new(&stack, "Cluster", &vpc, ClusterProps::default());
    let logs = LogGroup::new(
        &stack,
        "Logs",
        LogGroupProps {
            encryption_key: Some(key.clone()),
            ..LogGroupProps::named("/ecs/bank-logs")
        },
    );

    // Database. Seed 004 made it publicly accessible with a password typed into the
    // console. Here it lives in the private subnets, its security group admits only the
    // app (below), the credentials are generated in Secrets Manager at deploy time and
    // never appear in code or templates, storage is encrypted, backups are kept 7 days
    // and deleting or replacing it leaves a final snapshot; deletion protection is on (the
    // default). Multi-AZ is on too: a bank's database should survive the loss of one AZ.
    let db = RdsMysql::new(
        &stack,
        "Database",
        &vpc,
        RdsMysqlProps {
            database_name: Some("banking".into()),
            multi_az: true,
            secret_encryption_key: Some(key),
            ..RdsMysqlProps::default()
        },
    );

    // Task: cpu 512 / memory 1024 as in the seed. The seed pointed both role ARNs at a
    // role in one particular account; here the execution role is created with exactly
    // what the task needs (write to /ecs/bank-logs, read the database secret) and the
    // app gets no AWS permissions it does not use.
    let task = FargateTaskDefinition::new(
        &stack,
        "Task",
        FargateTaskDefinitionProps {
            cpu: 512,
            memory_mib: 1024,
            ..Default::default()
        },
    );
    task.add_container(
        "bank-app",
        ContainerImage::registry("kha1i1e/dep7bankapp:latest"),
        ContainerOptions {
            // Seed 004 mapped 5000 in the task and 8000 in the target group; here the
            // target group takes its port from this mapping, so they cannot disagree.
            port_mappings: vec![APP_PORT],
            environment: [("DB_NAME".to_owned(), "banking".into())]
                .into_iter()
                .collect(),
            // DB_HOST, DB_PORT, DB_USERNAME and DB_PASSWORD, injected by ECS at start from
            // Secrets Manager (host and port are added to the secret when the database is
            // created). Seed 004 pasted a connection URL with the password into app.py;
            // the app builds it from these instead.
            secrets: EcsSecret::from_fields(&db.credentials(), "DB"),
            logging: Logging::aws_logs(&logs, "ecs"),
            ..Default::default()
        },
    );

    // Two tasks in the private subnets, no public IPs, deployments roll back when new
    // tasks keep failing.
    let service = FargateService::new(
        &stack,
        "Service",
        &cluster,
        &task,
        FargateServiceProps {
            desired_count: 2,
            ..Default::default()
        },
    );

    // Internet-facing ALB in the public subnets, HTTP on port 80 as in the seeds. (With a
    // domain and an ACM certificate, use `ListenerProps::https(443, cert)` and
    // `alb.redirect_http_to_https(..)` instead.)
    let alb = Alb::new(&stack, "Alb", &vpc, AlbProps::default());
    let http = alb.add_listener("Http", ListenerProps::http(80));
    // Forwarding writes the target group (target type ip, port 8000 from the container)
    // and the only rule into the app's security group: 8000 from the ALB's group.
    http.forward_to(
        "App",
        &service,
        TargetGroupProps {
            health_check: HealthCheck::http("/health"),
            ..Default::default()
        },
    );

    // 3306 into the database from the app's security group, nothing else.
    db.allow_default_port_from(&service);

    // Scaling (seeds 002 and 004): add a task when average CPU stays above 85% for two
    // minutes and remove one when it stays below 40%. Seed 002 scaled in on the high
    // alarm's OK state, which undoes a scale-out as soon as CPU dips under 85%; two
    // thresholds keep it stable. Memory is tracked at 75%.
    let scaling = service.auto_scale_task_count(ScalingCapacity { min: 2, max: 6 });
    scaling.step_scale_on_cpu("Cpu", StepScalingProps::default());
    scaling.scale_on_memory_utilization(
        "Memory",
        TargetTrackingProps {
            target_percent: 75.0,
            ..Default::default()
        },
    );

    // The seed's output was `alb_url`; CloudFormation output ids are alphanumeric only,
    // so it is `AlbUrl` here (`stackdef outputs BankStack` prints it).
    CfnOutput::new(&stack, "AlbUrl", sub!["http://", alb.dns_name()])
        .description("URL of the banking app");
    stack
}

fn main() -> ExitCode {
    let app = App::new();
    bank_stack(&app);
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
