//! W2 — two environments, two regions (seeds 001 and 002), as one app of four stacks.
//!
//! ```text
//! cargo run --example multi_env       # writes stackdef.out/ and prints a summary
//! ```
//!
//! Seed 002 wrote Terraform modules (networking, ecs, rds, pipeline) once and called them
//! from one file per environment; seed 001 deployed the same app in two regions. Here the
//! module is a Rust struct, the [`Bank`] construct of `examples/bank.rs`, and an
//! environment is one call to [`Bank::new`] with its own [`BankEnvironmentProps`]:
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

use stackdef::ecr::{EcrRepository, EcrRepositoryProps};
use stackdef::ecs::ContainerImage;
use stackdef::rds::DatabaseInstanceClass;
use stackdef::{App, CfnOutput, Construct, Env, Stack};
use stackdef_examples::bank::{Bank, BankProps};

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
    /// The app's settings in this environment.
    pub bank: BankProps,
}

impl BankEnvironmentProps {
    /// The staging size: one task, one NAT gateway, the smallest database, and no
    /// deletion protection so the environment can be torn down and rebuilt.
    pub fn staging(repository: &EcrRepository, vpc_cidr: &str) -> Self {
        Self::named(
            "staging",
            BankProps {
                nat_gateways: 1,
                task_cpu: 256,
                task_memory_mib: 512,
                desired_count: 1,
                max_tasks: 2,
                db_instance_class: DatabaseInstanceClass::named("db.t3.micro"),
                multi_az: false,
                deletion_protection: false,
                ..Self::base(repository, vpc_cidr)
            },
        )
    }

    /// The production size: W1's task size and scaling, a NAT gateway and a database
    /// standby per AZ, and deletion protection on what holds data or takes traffic.
    pub fn production(repository: &EcrRepository, vpc_cidr: &str) -> Self {
        Self::named(
            "production",
            BankProps {
                nat_gateways: 2,
                db_instance_class: DatabaseInstanceClass::named("db.m5.large"),
                ..Self::base(repository, vpc_cidr)
            },
        )
    }

    /// W1's settings with the image from `repository` and /20 subnets of `vpc_cidr`.
    fn base(repository: &EcrRepository, vpc_cidr: &str) -> BankProps {
        BankProps {
            // When the repository lives in another stack, this one reference becomes the
            // export/import (and the pull grant on the execution role references its ARN
            // the same way).
            image: ContainerImage::ecr(repository, IMAGE_TAG),
            vpc_cidr: vpc_cidr.into(),
            subnet_mask: 20,
            ..BankProps::seed()
        }
    }

    fn named(name: &str, mut bank: BankProps) -> Self {
        bank.log_group_name = format!("/ecs/bank-{name}");
        BankEnvironmentProps {
            name: name.into(),
            bank,
        }
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
fn add_environment(stack: &Stack, props: &BankEnvironmentProps) -> Bank {
    stack.add_tag("environment", props.name.as_str());
    let env = Bank::new(stack, "Env", &props.bank);
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
    app.run()
}
