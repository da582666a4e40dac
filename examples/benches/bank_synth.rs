//! Synthesizing the bank app (W1) in process: building the construct tree and rendering
//! the template, as `cargo run --example bank_stack` does minus the file writes; and
//! checking the written template as `stackdef validate` does.
//!
//! `cargo bench -p stackdef-examples --bench bank_synth`

use criterion::{Criterion, criterion_group, criterion_main};
use stackdef::App;

#[allow(dead_code)]
#[path = "../bank_stack.rs"]
mod bank;

fn bank_synth(c: &mut Criterion) {
    c.bench_function("bank_stack: build + synthesize", |b| {
        b.iter(|| {
            let app = App::new();
            bank::bank_stack(&app);
            match app.synthesize() {
                Ok(out) => out.stacks.len(),
                Err(e) => panic!("{e}"),
            }
        })
    });
    c.bench_function("bank_stack: build + synthesize + write assembly", |b| {
        let dir = tempfile::tempdir().expect("tempdir");
        b.iter(|| {
            let app = App::new();
            bank::bank_stack(&app);
            match app.synth_to(dir.path()) {
                Ok(report) => report.manifest.stacks.len(),
                Err(e) => panic!("{e}"),
            }
        })
    });
}

/// `stackdef validate`'s work on the bank template, in process: parse, read into a model,
/// run every rule (the process adds its start-up to this).
fn bank_validate(c: &mut Criterion) {
    let app = App::new();
    bank::bank_stack(&app);
    let template = match app.synthesize() {
        Ok(out) => out.stacks[0].template_json.clone(),
        Err(e) => panic!("{e}"),
    };
    c.bench_function("bank_stack: validate the template", |b| {
        b.iter(
            || match stackdef::check::validate::validate_text(&template, "eu-west-1") {
                Ok(findings) => findings.len(),
                Err(e) => panic!("{e}"),
            },
        )
    });
}

criterion_group!(benches, bank_synth, bank_validate);
criterion_main!(benches);
