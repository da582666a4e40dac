//! W1 — the banking app on ECS Fargate (seeds 000 and 004), as one typed stack.
//!
//! ```text
//! cargo run --example bank_stack      # writes stackdef.out/ and prints a summary
//! ```
//!
//! The seeds built this with Terraform: a VPC with public and private subnets in two AZs,
//! one NAT gateway, an internet-facing ALB on port 80 forwarding to a Flask/gunicorn app
//! on port 8000 (health check `/health`) running as two Fargate tasks, logs in
//! `/ecs/bank-logs`, and a MySQL database. The architecture is the same; it is written
//! once, as the [`Bank`] construct in `examples/bank.rs` (read it for every choice and
//! where it differs from the seeds), and the other workloads reuse it.
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

use stackdef::ecr::{EcrRepository, EcrRepositoryProps};
use stackdef::{App, CfnOutput, Env, Stack};
use stackdef_examples::bank::{Bank, BankProps};

/// Builds the bank stack into `app`. Tests and the benchmark call this too.
pub fn bank_stack(app: &App) -> Stack {
    // us-east-1, in the account your credentials resolve to at deploy time. To pin one
    // account, so that a deploy with another account's credentials is refused before any
    // change, use `Env::aws("<account id>", "us-east-1")`.
    let stack = app.stack("BankStack", Env::region("us-east-1"));
    stack.set_description("Flask banking app on ECS Fargate behind an ALB, with RDS MySQL");

    // The app's resources sit directly in the stack (`BankStack/Vpc`, ...), as they did
    // before the construct existed: their logical ids, and so the deployed resources, stay.
    let bank = Bank::directly_in(&stack, "BankKey", &BankProps::seed());

    // The registry the delivery pipeline (W4) pushes to: scan on push, immutable tags,
    // old images expire. The service still runs the seeds' Docker Hub image.
    EcrRepository::new(&stack, "Images", EcrRepositoryProps::default());

    // The seed's output was `alb_url`; CloudFormation output ids are alphanumeric only,
    // so it is `AlbUrl` here (`stackdef outputs BankStack` prints it).
    CfnOutput::new(&stack, "AlbUrl", bank.url()).description("URL of the banking app");
    stack
}

fn main() -> ExitCode {
    let app = App::new();
    bank_stack(&app);
    app.run()
}
