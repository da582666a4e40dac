//! A corpus of hand-written, realistic templates that CloudFormation accepts (each passes
//! cfn-lint 1.51 without an error) over the services stackdef users deploy most. Every rule
//! must stay silent on them: no error (a false positive is the worst defect a check can
//! have) and no risk (the corpus makes only secure choices). A warning is allowed only
//! where [`ALLOWED_WARNINGS`] lists it with the reason.

mod common;

use std::path::{Path, PathBuf};

use stackdef_check::Severity;

/// The corpus directory.
fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates/valid")
}

/// Warnings the corpus may draw: `(template file, rule id, logical id, why it is fine)`.
const ALLOWED_WARNINGS: &[(&str, &str, &str, &str)] = &[];

fn corpus() -> Vec<(String, serde_json::Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("reading the corpus directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let text = std::fs::read_to_string(&p).expect("reading a corpus template");
            let json =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
            (name, json)
        })
        .collect()
}

#[test]
fn the_corpus_is_large_enough() {
    let n = corpus().len();
    assert!(
        n >= 30,
        "the corpus has {n} templates; it should have at least 30"
    );
}

#[test]
fn valid_templates_draw_no_error_and_no_risk() {
    let mut problems = Vec::new();
    for (name, template) in corpus() {
        let found = common::check(&template);
        let unexpected: Vec<_> = found
            .into_iter()
            .filter(|f| {
                f.severity != Severity::Warning
                    || !ALLOWED_WARNINGS.iter().any(|(file, rule, item, _)| {
                        *file == name && *rule == f.rule && *item == f.item
                    })
            })
            .collect();
        if !unexpected.is_empty() {
            problems.push(format!("{name}:\n{}", common::listing(&unexpected)));
        }
    }
    assert!(
        problems.is_empty(),
        "findings on templates CloudFormation accepts:\n{}",
        problems.join("\n")
    );
}

#[test]
fn allowed_warnings_are_still_drawn() {
    // An allowance that no longer matches anything is stale: remove it.
    let corpus = corpus();
    for (file, rule, item, _) in ALLOWED_WARNINGS {
        let (_, template) = corpus
            .iter()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("{file} is not in the corpus"));
        let found = common::check(template);
        assert!(
            found.iter().any(|f| f.rule == *rule && f.item == *item),
            "{file}: {rule} on {item} is allowed but no longer drawn"
        );
    }
}
