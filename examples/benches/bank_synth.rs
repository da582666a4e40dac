//! Synthesizing the bank app (W1) in process: building the construct tree and rendering
//! the template, as `cargo run --example bank_stack` does minus the file writes.
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

criterion_group!(benches, bank_synth);
criterion_main!(benches);
