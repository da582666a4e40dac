//! Runs checkov (an IaC security scanner) on a template, from a pinned virtualenv under
//! `target/` that is created on first use.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The checkov version the suite is pinned to.
pub const CHECKOV_VERSION: &str = "3.3.30";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn checkov_bin() -> PathBuf {
    workspace_root().join("target/checkov-venv/bin/checkov")
}

/// Installs checkov into `target/checkov-venv` unless the pinned version is there.
///
/// # Panics
/// When the virtualenv cannot be created or pip fails (with what to run by hand).
pub fn ensure_installed() -> PathBuf {
    let bin = checkov_bin();
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == CHECKOV_VERSION);
    if installed {
        return bin;
    }
    let venv = workspace_root().join("target/checkov-venv");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let status = Command::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .unwrap_or_else(|e| panic!("creating {} with {python}: {e}", venv.display()));
    assert!(
        status.success(),
        "`{python} -m venv {}` failed",
        venv.display()
    );
    let status = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("checkov=={CHECKOV_VERSION}"))
        .status()
        .unwrap_or_else(|e| panic!("running pip in {}: {e}", venv.display()));
    assert!(
        status.success(),
        "could not install checkov=={CHECKOV_VERSION} into {}",
        venv.display()
    );
    bin
}

/// The ids of the checks that fail on `template_json`, sorted.
///
/// # Panics
/// When checkov cannot be installed or run, or prints something unreadable.
pub fn failed_checks(template_json: &str) -> Vec<String> {
    let bin = ensure_installed();
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("scan.template.json");
    std::fs::write(&file, template_json).expect("writing the template");
    let out = Command::new(&bin)
        .args([
            "--skip-download",
            "--quiet",
            "--compact",
            "--output",
            "json",
            "--file",
        ])
        .arg(&file)
        .output()
        .expect("running checkov");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON report ({e}); stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut ids: Vec<String> = report["results"]["failed_checks"]
        .as_array()
        .map(|checks| {
            checks
                .iter()
                .filter_map(|c| c["check_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids.dedup();
    ids
}
