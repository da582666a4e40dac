//! stackdef's rules against cfn-lint: every rule whose catalog entry names cfn-lint rules
//! that report the same mistake must see one of them report its trigger template; every
//! corrected template (the rule tests' clean variants) and every template of the valid
//! corpus must pass cfn-lint, so that what stackdef's tests call valid is valid to cfn-lint
//! too.
//!
//! The cases are `stackdef-check`'s (`stackdef-check/tests/rule_cases`), the corpus its
//! `tests/templates/valid`. cfn-lint runs through the suite's helper, two at a time; each
//! run costs about three seconds, so the checks of the corrected templates and of the
//! corpus (about a hundred runs) are opt-in: after changing the cases or the corpus, run
//! `cargo test -p stackdef-tests --test rules_against_cfn_lint -- --include-ignored`.

#[path = "../stackdef-check/tests/rule_cases/mod.rs"]
mod rule_cases;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use stackdef::check::catalog;
use stackdef_tests::cfn_lint::{self, LintReport};

/// cfn-lint warnings a clean variant may draw: `(stackdef rule, cfn-lint rule, why)`.
const CLEAN_WARNINGS: &[(&str, &str, &str)] = &[(
    "SD6003",
    "W1011",
    "cfn-lint prefers a dynamic reference to any parameter used as a password; a NoEcho parameter is the correction SD6003 asks for",
)];

/// The cfn-lint rule id of a `parseable` finding (`file:l:c:l:c:RULE:message`).
fn rule_of(finding: &str) -> Option<&str> {
    finding.split(':').nth(5)
}

/// Lints every `(name, template)` on two threads, returning the reports in order.
fn lint_all(templates: Vec<(String, String)>) -> Vec<(String, LintReport)> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<(String, LintReport)>>> =
        Mutex::new(templates.iter().map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((name, text)) = templates.get(i) else {
                        break;
                    };
                    let report = cfn_lint::lint(name, text);
                    out.lock().unwrap_or_else(|e| e.into_inner())[i] = Some((name.clone(), report));
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every template is linted"))
        .collect()
}

fn text(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("a template serializes")
}

#[test]
fn every_case_belongs_to_a_rule_of_the_catalog() {
    for case in rule_cases::cases() {
        assert!(
            catalog::rule(case.rule).is_some(),
            "{} is not in the catalog",
            case.rule
        );
    }
}

#[test]
fn cfn_lint_reports_the_trigger_of_every_rule_it_is_listed_for() {
    let cases: Vec<_> = rule_cases::cases()
        .into_iter()
        .filter(|c| catalog::rule(c.rule).is_some_and(|r| !r.cfn_lint.is_empty()))
        .collect();
    assert!(!cases.is_empty());
    let reports = lint_all(
        cases
            .iter()
            .map(|c| (format!("{}-trigger", c.rule), text(&c.trigger)))
            .collect(),
    );
    let mut problems = Vec::new();
    for (case, (_, report)) in cases.iter().zip(&reports) {
        let listed = catalog::rule(case.rule)
            .map(|r| r.cfn_lint)
            .unwrap_or_default();
        let reported: Vec<&str> = report.findings.iter().filter_map(|f| rule_of(f)).collect();
        if !reported.iter().any(|r| listed.contains(r)) {
            problems.push(format!(
                "{}: the catalog lists {listed:?}, but cfn-lint reported {reported:?} on its trigger:\n  {}",
                case.rule,
                report.findings.join("\n  ")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "about 64 cfn-lint runs; run with --include-ignored after changing the cases"]
fn every_corrected_template_passes_cfn_lint() {
    let cases = rule_cases::cases();
    let reports = lint_all(
        cases
            .iter()
            .map(|c| (format!("{}-clean", c.rule), text(&c.clean)))
            .collect(),
    );
    let mut problems = Vec::new();
    for (case, (_, report)) in cases.iter().zip(&reports) {
        let bad: Vec<&str> = report
            .errors_and_warnings()
            .into_iter()
            .filter(|f| {
                !CLEAN_WARNINGS.iter().any(|(rule, lint, _)| {
                    *rule == case.rule && rule_of(f) == Some(lint) && lint.starts_with('W')
                })
            })
            .collect();
        if !bad.is_empty() {
            problems.push(format!(
                "{}: cfn-lint finds the corrected template wrong:\n  {}",
                case.rule,
                bad.join("\n  ")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../stackdef-check/tests/templates/valid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
#[ignore = "about 40 cfn-lint runs; run with --include-ignored after changing the corpus"]
fn the_valid_corpus_passes_cfn_lint() {
    let files = corpus();
    assert!(
        files.len() >= 30,
        "the corpus has {} templates",
        files.len()
    );
    let reports = lint_all(
        files
            .iter()
            .map(|p| {
                let name = p
                    .file_stem()
                    .and_then(|n| n.to_str())
                    .unwrap_or("corpus")
                    .to_owned();
                let text = std::fs::read_to_string(p).expect("reading a corpus template");
                (name, text)
            })
            .collect(),
    );
    let problems: Vec<String> = reports
        .iter()
        .filter(|(_, r)| !r.errors_and_warnings().is_empty())
        .map(|(name, r)| format!("{name}:\n  {}", r.errors_and_warnings().join("\n  ")))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
