//! Starting the deploy engine for a command that talks to AWS: the async runtime, the
//! Ctrl-C handler, the AWS session and the terminal reporter.

use std::future::Future;
use std::sync::Arc;

use stackdef_deploy::{AwsOptions, AwsSession, Deployer, InterruptHandle, interrupt_pair};
use tokio::runtime::Runtime;

use super::args::Approval;
use super::commands::Context;
use super::exit::{CliError, INTERRUPTED};
use super::reporter::TerminalReporter;

/// A running engine: the runtime its futures run on and the deployer.
pub struct Engine {
    runtime: Runtime,
    deployer: Deployer,
}

impl Engine {
    /// Starts the runtime and the Ctrl-C handler, then loads the AWS configuration
    /// (`--profile` and `--region` over stackdef.toml over the AWS defaults).
    pub fn start(ctx: &Context<'_>, approval: Approval) -> Result<Engine, CliError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CliError::Usage(format!("cannot start the async runtime: {e}")))?;
        let (handle, interrupt) = interrupt_pair();
        // On its own thread and runtime, so that a question blocking the engine's workers
        // cannot delay Ctrl-C.
        std::thread::Builder::new()
            .name("ctrl-c".into())
            .spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    rt.block_on(interrupt_on_ctrl_c(handle));
                }
            })
            .map_err(|e| CliError::Usage(format!("cannot start the Ctrl-C handler: {e}")))?;
        let g = ctx.global;
        let config = &ctx.project.config;
        let aws = AwsOptions {
            profile: g.profile.clone().or_else(|| config.profile.clone()),
            region: g.region.clone().or_else(|| config.region.clone()),
        };
        let reporter = Arc::new(TerminalReporter::new(
            ctx.err,
            g.yes,
            approval.into(),
            interrupt.clone(),
        ));
        let session = runtime.block_on(AwsSession::load(&aws))?;
        Ok(Engine {
            deployer: Deployer::new(session, reporter, interrupt),
            runtime,
        })
    }

    /// The deployer.
    pub fn deployer(&self) -> &Deployer {
        &self.deployer
    }

    /// Runs `future` to completion on the engine's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// The first Ctrl-C stops following (operations already started go on in AWS); the second
/// quits at once.
async fn interrupt_on_ctrl_c(handle: InterruptHandle) {
    let mut presses = 0;
    while tokio::signal::ctrl_c().await.is_ok() {
        presses += 1;
        if presses == 1 {
            handle.interrupt();
            eprintln!(
                "\nInterrupted: following stops and no further stack starts; operations already started keep running in AWS (Ctrl-C again quits at once)."
            );
        } else {
            std::process::exit(i32::from(INTERRUPTED));
        }
    }
}
