//! W5 — zero-downtime releases and the edge (seeds 002, 003, 004): the bank deployed
//! blue/green by CodeDeploy, CloudFront in front of its load balancer, Route 53 names for
//! both, and a non-critical worker on Fargate Spot.
//!
//! ```text
//! cargo run -p stackdef-examples --example blue_green
//! ```
//!
//! Two stacks, so a release touches only what changes (seed 003's granular deployment):
//!
//! | stack      | holds                                                                   |
//! |------------|-------------------------------------------------------------------------|
//! | `BankData` | the network and the data: key, VPC, logs, database, the certificate      |
//! | `BankApp`  | the app: cluster, services, load balancer, CodeDeploy, CloudFront, DNS   |
//!
//! The bank is W1's ([`Bank`]), built across the two stacks by [`Bank::split`]; stackdef
//! turns each use of a `BankData` resource into an export and an import, so `BankData`
//! deploys first and `stackdef deploy BankApp` never updates the database's stack.
//!
//! How it differs from the bank of W1:
//!
//! - The service's deployment controller is CodeDeploy: a release is a CodeDeploy
//!   deployment (a pipeline's `CodeDeployEcsAction`, or `aws deploy create-deployment`)
//!   that starts the new tasks in the green target group, lets testers reach them on the
//!   test listener (port 8080, closed until you admit testers), shifts 10% of the traffic,
//!   then the rest after five minutes, and rolls back on failure or when the targets
//!   answer 5XX. The deployment circuit breaker, an ECS-controller feature, is off.
//!   CodeDeploy then owns the service's task definition and the listeners' actions:
//!   stackdef marks them, and `stackdef deploy` says it leaves them alone.
//! - Viewers reach the bank through CloudFront at `bank.example.com` (IPv4 and IPv6). The
//!   load balancer listens on HTTPS with the same us-east-1 certificate, admits only
//!   CloudFront's origin-facing prefix list, and answers 403 to requests without the
//!   secret header the distribution adds: nobody reaches it around CloudFront.
//! - A worker (the app's image running its background job) runs on Fargate Spot: it can
//!   be interrupted, and costs up to 70% less than on-demand.
//!
//! Both templates are cfn-lint clean. This file is about 170 lines of code besides the bank
//! it reuses; written with L1 resources before these constructs existed, W5 took about 366,
//! half of them plumbing (hard-coded CloudFront and alias zone ids, a copied green target
//! group, raw service properties) and three mistakes AWS rejects only at deploy.

use std::process::ExitCode;

use stackdef::acm::{Certificate, CertificateProps};
use stackdef::cloudfront::{
    Behavior, CachePolicy, Distribution, DistributionProps, LoadBalancerOrigin,
};
use stackdef::codedeploy::{
    DeploymentAlarm, EcsApplication, EcsApplicationProps, EcsDeploymentConfig, EcsDeploymentGroup,
    EcsDeploymentGroupProps,
};
use stackdef::ec2::HasDefaultPort;
use stackdef::ecs::{
    Capacity, CapacityProviderShare, ContainerOptions, DeploymentController, EcsSecret,
    FargateService, FargateServiceProps, FargateTaskDefinition, FargateTaskDefinitionProps,
    Logging,
};
use stackdef::elbv2::{HealthCheck, ListenerProps, TargetGroup, TargetGroupProps};
use stackdef::route53::{ARecord, AaaaRecord, HostedZone, RecordProps, RecordTarget};
use stackdef::s3::Bucket;
use stackdef::value::HostedZoneId;
use stackdef::{App, CfnOutput, Env, Stack, sub};
use stackdef_examples::bank::{Bank, BankProps, CONTAINER_NAME};

/// The public name of the bank, and its Route 53 hosted zone (an existing public zone:
/// put your own zone's id and name here).
const DOMAIN: &str = "bank.example.com";
const ZONE_ID: &str = "Z0123456789EXAMPLEZONE";

/// The load balancer's name, which CloudFront connects to (the certificate covers it).
const ORIGIN_DOMAIN: &str = "origin.bank.example.com";

/// Where testers reach the green tasks during a deployment.
const TEST_PORT: u16 = 8080;

/// What the worker runs instead of the web server.
const WORKER_COMMAND: [&str; 2] = ["python", "worker.py"];

/// The stacks and what tests and pipelines wire to.
#[derive(Debug)]
pub struct BlueGreen {
    /// `BankData`: network and data.
    pub data: Stack,
    /// `BankApp`: the app and the edge.
    pub app: Stack,
    /// The bank, across both.
    pub bank: Bank,
    /// What a pipeline's CodeDeploy action deploys with.
    pub deployment_group: EcsDeploymentGroup,
    /// The worker on Fargate Spot.
    pub worker: FargateService,
    /// CloudFront in front of the load balancer.
    pub distribution: Distribution,
}

/// Both stacks of the W5 app.
pub fn blue_green(app: &App) -> BlueGreen {
    let data = app.stack("BankData", Env::region("us-east-1"));
    data.set_description("Banking app: network, key, logs and database (changes rarely)");
    let web = app.stack("BankApp", Env::region("us-east-1"));
    web.set_description("Banking app: services, load balancer, blue/green, CloudFront, DNS");

    // One certificate for the viewers' name and the load balancer's. CloudFront reads
    // certificates in us-east-1 only; these stacks are there (one made elsewhere is a
    // synth error at the distribution). Validated by DNS records in the zone.
    let zone = HostedZone::import(HostedZoneId::new(ZONE_ID), DOMAIN);
    let certificate = Certificate::new(
        &data,
        "Certificate",
        CertificateProps {
            subject_alternative_names: vec![ORIGIN_DOMAIN.into()],
            ..CertificateProps::new(DOMAIN, &zone)
        },
    );

    // W1's bank, with an HTTPS listener closed to the internet (the distribution opens
    // it to CloudFront only), CodeDeploy as the service's deployment controller, and
    // Fargate Spot available in the cluster.
    let bank = Bank::split(
        &data,
        &web,
        "Bank",
        &BankProps {
            listener: ListenerProps {
                open: false,
                ..ListenerProps::https(443, certificate.arn())
            },
            deployment_controller: DeploymentController::CodeDeploy,
            fargate_spot: true,
            ..BankProps::seed()
        },
    );

    // Blue/green: the bank's target group is blue; green is empty until a deployment
    // starts tasks in it, and the test listener forwards to it meanwhile. Its port and
    // target type are the blue group's.
    let green = TargetGroup::new(
        &bank.alb,
        "Green",
        &bank.vpc,
        TargetGroupProps {
            health_check: HealthCheck::http("/health"),
            ..Default::default()
        },
    );
    let test = bank
        .alb
        .add_listener("Test", ListenerProps::test(TEST_PORT));
    test.forward_to_group(&green);
    let application = EcsApplication::new(&web, "Deploy", EcsApplicationProps::default());
    let deployment_group = EcsDeploymentGroup::new(
        &web,
        "BlueGreen",
        &application,
        EcsDeploymentGroupProps {
            test_listener: Some(test.clone()),
            config: EcsDeploymentConfig::CANARY_10_PERCENT_5_MINUTES,
            alarms: vec![DeploymentAlarm::Target5xx {
                threshold: 5,
                minutes: 2,
            }],
            ..EcsDeploymentGroupProps::new(
                &bank.service,
                &bank.target_group,
                &green,
                &bank.listener,
            )
        },
    );

    // DNS: the load balancer's name (what CloudFront connects to, covered by the
    // certificate) and the viewers' name on CloudFront. The alias zone ids come from the
    // targets.
    let origin = ARecord::new(
        &web,
        "OriginRecord",
        &zone,
        RecordProps::new(ORIGIN_DOMAIN, RecordTarget::load_balancer(&bank.alb)),
    );
    let logs = Bucket::for_cloudfront_logs(&web, "CdnLogs", 90);
    let distribution = Distribution::new(
        &web,
        "Cdn",
        DistributionProps {
            domain_names: vec![DOMAIN.into()],
            certificate: Some(certificate),
            logging: Some((logs, "cdn/".into())),
            additional_behaviors: vec![Behavior::new("/static/*", CachePolicy::CACHING_OPTIMIZED)],
            comment: Some("Banking app".into()),
            ..DistributionProps::new(
                LoadBalancerOrigin::new(&bank.listener).domain_name(origin.domain_name()),
            )
        },
    );
    let viewers = RecordProps::apex(RecordTarget::cloudfront(&distribution));
    ARecord::new(&web, "Record", &zone, viewers.clone());
    AaaaRecord::new(&web, "RecordIpv6", &zone, viewers);

    // The worker: the app's image and database credentials, no port, one task on Spot
    // only. An interruption stops it for a while, which its job tolerates.
    let worker_task =
        FargateTaskDefinition::new(&web, "WorkerTask", FargateTaskDefinitionProps::default());
    worker_task.add_container(
        CONTAINER_NAME,
        bank.container.image().clone(),
        ContainerOptions {
            command: WORKER_COMMAND.map(String::from).to_vec(),
            secrets: EcsSecret::from_fields(&bank.database.credentials(), "DB"),
            logging: Logging::aws_logs(&bank.logs, "worker"),
            ..Default::default()
        },
    );
    let worker = FargateService::new(
        &web,
        "Worker",
        &bank.cluster,
        &worker_task,
        FargateServiceProps {
            capacity: Capacity::strategy([CapacityProviderShare::spot(1)]),
            ..Default::default()
        },
    );
    bank.database.allow_default_port_from(&worker);

    CfnOutput::new(&web, "Url", format!("https://{DOMAIN}"))
        .description("The bank, through CloudFront");
    CfnOutput::new(
        &web,
        "DeploymentGroup",
        deployment_group.deployment_group_name(),
    )
    .description("The CodeDeploy deployment group a release deploys with");
    CfnOutput::new(
        &web,
        "TestUrl",
        sub!["http://", bank.alb.dns_name(), format!(":{TEST_PORT}")],
    )
    .description("The green tasks during a deployment (admit testers to the test port first)");
    BlueGreen {
        data,
        app: web,
        bank,
        deployment_group,
        worker,
        distribution,
    }
}

fn main() -> ExitCode {
    let app = App::new();
    blue_green(&app);
    app.run()
}
