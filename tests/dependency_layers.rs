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

#[test]
fn registry_and_checks_are_below_the_construct_tree() {
    for package in ["stackdef-registry", "stackdef-check"] {
        let deps = dependency_names(package, &[]);
        let bad = forbidden(&deps, &["aws-", "tokio", "clap", "hyper"]);
        assert!(bad.is_empty(), "{package} depends on {bad:?}");
        assert!(
            !deps
                .iter()
                .skip(1)
                .any(|d| d == "stackdef" || d == "stackdef-macros"),
            "{package} must not depend on the construct tree: {deps:?}"
        );
    }
    let registry = dependency_names("stackdef-registry", &[]);
    assert!(
        !registry
            .iter()
            .any(|d| d.starts_with("stackdef-") && d != "stackdef-registry"),
        "the generated registry depends on nothing of stackdef: {registry:?}"
    );
}

/// The L2 modules under `stackdef/src/l2/`, in the order they may use each other: a module
/// uses only modules listed before it (a database does not know about containers).
const L2_ORDER: &[&str] = &[
    "iam",
    "kms",
    "s3",
    "logs",
    "secretsmanager",
    "ecr",
    "ec2",
    "elbv2",
    "appscaling",
    "ecs",
    "rds",
    "codedeploy",
    "route53",
    "acm",
    "cloudfront",
];

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .expect("readable source dir")
            .flatten()
        {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn l2_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stackdef/src/l2")
}

#[test]
fn l2_modules_use_only_the_services_below_them() {
    let dir = l2_dir();
    let mut listed: Vec<&str> = L2_ORDER.to_vec();
    listed.sort();
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .expect("l2 dir")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    assert_eq!(present, listed, "every L2 module has a place in L2_ORDER");
    for (rank, module) in L2_ORDER.iter().enumerate() {
        for file in rust_files(&dir.join(module)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            for later in &L2_ORDER[rank + 1..] {
                let needle = format!("crate::{later}::");
                let needle_use = format!("crate::{later}::{{");
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or_default();
                    assert!(
                        !code.contains(&needle) && !code.contains(&needle_use),
                        "{}:{}: `{module}` uses `{later}`, which comes after it:\n{line}",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }
}

#[test]
fn l2_writes_properties_only_through_typed_setters() {
    let raw = [
        "set_property(",
        "add_override(",
        "remove_property(",
        "set_properties(",
        "from_expr_unchecked(",
        ".cast::<",
        ".cast()",
    ];
    for file in rust_files(&l2_dir()) {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(found) = raw.iter().find(|r| code.contains(*r)) {
                panic!(
                    "{}:{}: L2 code uses `{found}`; write L1 properties through their typed setters",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}
