//! The crate layers of the design hold: the synthesis core never pulls in the AWS SDK,
//! tokio or clap, and a user's app that only synthesizes compiles no AWS SDK.

use std::process::Command;

/// Normal (non-dev) dependencies of `package` with `features`, one crate name per line.
fn dependency_names(package: &str, features: &[&str]) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "tree",
        "--offline",
        "-e",
        "normal",
        "--prefix",
        "none",
        "-p",
        package,
    ])
    .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    if features.is_empty() {
        // default features
    } else {
        cmd.args(["--features", &features.join(",")]);
    }
    let out = cmd.output().expect("running cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn forbidden<'a>(deps: &'a [String], prefixes: &[&str]) -> Vec<&'a String> {
    deps.iter()
        .filter(|d| prefixes.iter().any(|p| d.starts_with(p)))
        .collect()
}

#[test]
fn synth_core_has_no_sdk_tokio_or_clap() {
    let deps = dependency_names("stackdef-synth", &[]);
    assert!(deps.iter().any(|d| d == "petgraph"), "{deps:?}");
    let bad = forbidden(&deps, &["aws-", "tokio", "clap", "hyper"]);
    assert!(bad.is_empty(), "stackdef-synth depends on {bad:?}");
}

#[test]
fn synth_only_apps_compile_no_aws_sdk() {
    let deps = dependency_names("stackdef", &[]);
    let bad = forbidden(&deps, &["aws-", "tokio", "clap", "hyper"]);
    assert!(
        bad.is_empty(),
        "stackdef with default features depends on {bad:?}"
    );
}

#[test]
fn the_cli_feature_brings_the_sdk() {
    let deps = dependency_names("stackdef", &["cli"]);
    assert!(
        deps.iter().any(|d| d == "aws-sdk-cloudformation"),
        "the cli feature should enable the deploy engine's SDK: {deps:?}"
    );
}
