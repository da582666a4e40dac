//! `cargo xtask test`: the README's test command. Installs the Python tools the suite
//! needs into their pinned virtualenvs under `target/` (never into the system
//! interpreter), then runs every test of the workspace, the CLI and deploy engine
//! included. LocalStack's virtualenv (it needs Python 3.13) is made by its own test, which
//! says what to install when 3.13 is missing.

use std::path::Path;
use std::process::Command;

// The tests' own installer, so that both install the same pins the same way; the xtask
// uses only part of it.
#[allow(dead_code)]
#[path = "../../tests/support/python.rs"]
mod python;

/// Runs the suite; extra arguments go to `cargo test` (e.g. a test name filter).
pub fn run(args: &[String]) -> Result<(), String> {
    let root = super::codegen::repo_root();
    install(&root)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        // The engine's own tests need its SDK, whatever the other members ask for.
        .args([
            "test",
            "--workspace",
            "--no-fail-fast",
            "--features",
            "stackdef-deploy/aws",
        ])
        .args(args)
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("tests failed".into())
    }
}

/// cfn-lint, moto and checkov, each in `target/<tool>-venv`.
fn install(root: &Path) -> Result<(), String> {
    for tool in [python::CFN_LINT, python::MOTO, python::CHECKOV] {
        tool.ensure(root)?;
    }
    Ok(())
}
