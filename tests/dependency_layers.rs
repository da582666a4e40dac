//! The crate layers of the design hold: the synthesis core never pulls in the AWS SDK,
//! tokio or clap; a user's app that only synthesizes compiles no AWS SDK; the offline
//! analyses need no SDK; the engine does not know the CLI; and the CLI never compiles the
//! construct tree and its generated L1 code.

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
    assert!(deps.iter().any(|d| d == "serde_json"), "{deps:?}");
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
fn offline_analyses_need_no_sdk() {
    let deps = dependency_names("stackdef-deploy", &[]);
    assert!(deps.iter().any(|d| d == "stackdef-registry"), "{deps:?}");
    let bad = forbidden(&deps, &["aws-", "tokio", "clap", "hyper"]);
    assert!(
        bad.is_empty(),
        "stackdef-deploy without its `aws` feature depends on {bad:?}"
    );
    assert!(
        !deps
            .iter()
            .any(|d| d == "stackdef" || d == "stackdef-macros"),
        "the analyses read assemblies, not the construct tree: {deps:?}"
    );
}

#[test]
fn the_engine_does_not_know_the_cli() {
    let deps = dependency_names("stackdef-deploy", &["aws"]);
    assert!(
        deps.iter().any(|d| d == "aws-sdk-cloudformation"),
        "{deps:?}"
    );
    let bad = forbidden(&deps, &["clap", "toml"]);
    assert!(bad.is_empty(), "the deploy engine depends on {bad:?}");
}

#[test]
fn the_cli_does_not_compile_the_construct_tree() {
    let deps = dependency_names("stackdef-cli", &[]);
    // The rule engine (for `validate`) reads the synth model, not the construct tree.
    assert!(
        !deps
            .iter()
            .any(|d| d == "stackdef" || d == "stackdef-macros"),
        "stackdef-cli must depend on the assembly, the rule engine and the deploy engine only, not on stackdef: {deps:?}"
    );
}

#[test]
fn the_cli_and_the_deploy_feature_bring_the_sdk() {
    let cli = dependency_names("stackdef-cli", &[]);
    assert!(
        cli.iter().any(|d| d == "aws-sdk-cloudformation"),
        "stackdef-cli should bring the deploy engine's SDK: {cli:?}"
    );
    let facade = dependency_names("stackdef", &["deploy"]);
    assert!(
        facade.iter().any(|d| d == "aws-sdk-cloudformation"),
        "stackdef's `deploy` feature should enable the deploy engine's SDK: {facade:?}"
    );
}

/// Inside `stackdef-deploy`, the analyses never reach up into the engine: they compile
/// without it.
#[test]
fn analyses_do_not_use_the_engine() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stackdef-deploy/src/analysis");
    for file in rust_files(&dir) {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            assert!(
                !code.contains("crate::engine")
                    && !code.contains("aws_sdk")
                    && !code.contains("tokio"),
                "{}:{}: an analysis uses the engine or the SDK:\n{line}",
                file.display(),
                n + 1
            );
        }
    }
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
    "codebuild",
    "codepipeline",
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

/// The first identifier of each path that follows `prefix` in `code`: `prefix::x::..` gives
/// `x`, `prefix::{a, b::C}` gives `a` and `b`.
fn modules_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            out.push(ident(rest));
            continue;
        };
        // Items of the group at depth 0, up to its closing brace.
        let (mut depth, mut item_start) = (0usize, 0usize);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.push(ident(&group[item_start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(ident(&group[item_start..i]));
                    item_start = i + 1;
                }
                _ => {}
            }
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// `stackdef-deploy`'s modules import each other in one direction only: the types many
/// files use live below them (no file imports one that imports it back, at any distance).
#[test]
fn deploy_modules_have_no_import_circles() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../stackdef-deploy/src");
    let folders = ["analysis", "engine"];
    let mut uses: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for folder in folders {
        for file in rust_files(&src.join(folder)) {
            let module = file
                .file_stem()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            if module == "mod" {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("readable");
            // Tests inside a module may use anything.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .map(|l| l.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            let mut deps: Vec<String> = modules_after(&code, "super::")
                .into_iter()
                .map(|m| format!("{folder}/{m}"))
                .collect();
            for other in folders {
                deps.extend(
                    modules_after(&code, &format!("crate::{other}::"))
                        .into_iter()
                        .map(|m| format!("{other}/{m}")),
                );
            }
            let name = format!("{folder}/{module}");
            deps.retain(|d| *d != name);
            deps.sort();
            deps.dedup();
            uses.insert(name, deps);
        }
    }
    assert!(uses.len() > 20, "{uses:?}");
    // Depth-first search; a module met again on the current path closes a circle.
    fn visit(
        module: &str,
        uses: &std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|m| m == module) {
            panic!(
                "import circle in stackdef-deploy: {} -> {module}",
                path[at..].join(" -> ")
            );
        }
        if done.iter().any(|m| m == module) {
            return;
        }
        path.push(module.to_owned());
        for next in uses.get(module).into_iter().flatten() {
            visit(next, uses, path, done);
        }
        path.pop();
        done.push(module.to_owned());
    }
    let mut done = Vec::new();
    for module in uses.keys() {
        visit(module, &uses, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_rule_engine_needs_no_sdk_cli_or_construct_tree() {
    let deps = dependency_names("stackdef-check", &[]);
    assert!(deps.iter().any(|d| d == "stackdef-synth"), "{deps:?}");
    let bad = forbidden(
        &deps,
        &["aws-", "tokio", "clap", "hyper", "stackdef-macros"],
    );
    assert!(bad.is_empty(), "stackdef-check depends on {bad:?}");
    assert!(
        !deps.iter().any(|d| d == "stackdef"),
        "the rule engine must not depend on the construct tree: {deps:?}"
    );
}
