//! Runs checkov (an IaC security scanner) on a template, from a pinned virtualenv under
//! `target/` that is created on first use.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::python;

/// The checkov version the suite is pinned to.
pub const CHECKOV_VERSION: &str = python::CHECKOV.expect;

/// Installs checkov into `target/checkov-venv` unless the pinned version is there; the
/// checkov program.
///
/// # Panics
/// When the virtualenv cannot be created or pip fails (saying why).
pub fn ensure_installed() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new(".."));
    match python::CHECKOV.ensure(root) {
        Ok(venv) => venv.join("bin/checkov"),
        Err(e) => panic!("checkov {CHECKOV_VERSION} is required by the security scan: {e}"),
    }
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
