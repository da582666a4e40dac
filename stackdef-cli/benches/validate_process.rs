//! `stackdef validate` on the bank template (W1) as a whole process: start-up, reading and
//! parsing the file, every rule, the report. The in-process part alone is measured by
//! `cargo bench -p stackdef-examples --bench bank_synth`.
//!
//! `cargo bench -p stackdef-cli --bench validate_process` (cargo builds the release binary
//! first).

use std::path::Path;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use stackdef::App;

#[allow(dead_code)]
#[path = "../../examples/bank_stack.rs"]
mod bank;

/// Writes the bank template into `dir` and returns its path.
fn bank_template(dir: &Path) -> std::path::PathBuf {
    let app = App::new();
    bank::bank_stack(&app);
    let template = match app.synthesize() {
        Ok(out) => out.stacks[0].template_json.clone(),
        Err(e) => panic!("{e}"),
    };
    let path = dir.join("BankStack.template.json");
    std::fs::write(&path, template).expect("write the template");
    path
}

fn validate_process(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let template = bank_template(dir.path());
    let validate = || {
        Command::new(env!("CARGO_BIN_EXE_stackdef"))
            .arg("validate")
            .arg(&template)
            .output()
            .expect("run stackdef validate")
    };
    // What is timed is a run that checks the template and finds it clean.
    let out = validate();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 file checked, 0 findings"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    c.bench_function("stackdef validate: the bank template, whole process", |b| {
        b.iter(validate)
    });
}

criterion_group!(benches, validate_process);
criterion_main!(benches);
