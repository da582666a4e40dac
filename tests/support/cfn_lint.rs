//! Runs `cfn-lint` on synthesized templates and fails on any error or warning.
//!
//! cfn-lint is a hard requirement of the suite: it runs from its pinned virtualenv
//! `target/cfn-lint-venv` (created on first use, or by `cargo xtask test`), or from
//! `$CFN_LINT`; when it cannot be installed the test fails saying why, never skips.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::python;

/// The cfn-lint version the suite is pinned to (its bundled registry schemas are also
/// what the L1 types are generated from).
pub const CFN_LINT_VERSION: &str = "1.51.0";

/// What cfn-lint reported for one template.
#[derive(Debug, Clone)]
pub struct LintReport {
    /// Exit status bits: 2 error, 4 warning, 8 informational.
    pub status: i32,
    /// Findings, one per line (`parseable` format).
    pub findings: Vec<String>,
}

impl LintReport {
    /// Findings that are errors or warnings (informational ones are allowed).
    pub fn errors_and_warnings(&self) -> Vec<&str> {
        self.findings
            .iter()
            .map(String::as_str)
            .filter(|f| {
                // parseable: file:line:col:line:col:RULE:message; rule starts with E or W.
                f.split(':')
                    .nth(5)
                    .is_some_and(|rule| rule.starts_with('E') || rule.starts_with('W'))
            })
            .collect()
    }
}

fn cfn_lint_command() -> Command {
    if let Some(path) = std::env::var_os("CFN_LINT") {
        return Command::new(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new(".."));
    match python::CFN_LINT.ensure(root) {
        Ok(venv) => Command::new(venv.join("bin/cfn-lint")),
        Err(e) => panic!("cfn-lint is required by the test suite: {e}"),
    }
}

/// Lints `template_json` (named `name` in messages) and returns what cfn-lint said.
///
/// # Panics
/// When cfn-lint cannot be installed, is not version [`CFN_LINT_VERSION`], or cannot run.
pub fn lint(name: &str, template_json: &str) -> LintReport {
    let version = cfn_lint_command()
        .arg("--version")
        .output()
        .unwrap_or_else(|e| {
            panic!("cfn-lint is required by the test suite and could not be run ({e})")
        });
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.contains(CFN_LINT_VERSION),
        "cfn-lint {CFN_LINT_VERSION} is required, found `{}` (unset CFN_LINT to use the suite's own)",
        version.trim()
    );
    let mut file = tempfile::Builder::new()
        .prefix(&format!("{}-", name.replace(['/', ' '], "_")))
        .suffix(".template.json")
        .tempfile()
        .expect("creating a temporary template file");
    file.write_all(template_json.as_bytes())
        .expect("writing the temporary template file");
    let output = cfn_lint_command()
        .args(["--format", "parseable", "--"])
        .arg(file.path())
        .output()
        .expect("running cfn-lint");
    let status = output.status.code().unwrap_or(-1);
    let findings = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    LintReport { status, findings }
}

/// Asserts that cfn-lint finds no error and no warning in `template_json`.
///
/// # Panics
/// On any error or warning (listing them), or when cfn-lint cannot run.
pub fn assert_clean(name: &str, template_json: &str) {
    let report = lint(name, template_json);
    let bad = report.errors_and_warnings();
    assert!(
        bad.is_empty() && report.status & 0b110 == 0,
        "cfn-lint found problems in {name} (exit {}):\n{}",
        report.status,
        report.findings.join("\n")
    );
}
