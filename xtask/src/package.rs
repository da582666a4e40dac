//! `cargo xtask package`: packages the published crates in dependency order, as `cargo
//! publish` would (each verified by building it from its packaged sources, against the
//! others' packages), then checks what went in and reports each `.crate` file's size
//! against crates.io's 10 MiB limit. `--no-verify` skips the verify builds.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates users install, in the order they must be published (each after the ones it
/// depends on).
pub const PUBLISHED: [&str; 7] = [
    "stackdef-synth",
    "stackdef-registry",
    "stackdef-macros",
    "stackdef-check",
    "stackdef-deploy",
    "stackdef",
    "stackdef-cli",
];

/// crates.io's limit on a compressed package.
const LIMIT: u64 = 10 * 1024 * 1024;

/// Paths no package may hold: tests, benches and fixtures stay in the repository.
const NOT_SHIPPED: [&str; 4] = ["tests/", "benches/", "examples/", "target/"];

/// Runs the packaging.
pub fn run(args: &[String]) -> Result<(), String> {
    let verify = match args {
        [] => true,
        [flag] if flag == "--no-verify" => false,
        _ => return Err("usage: cargo xtask package [--no-verify]".into()),
    };
    let root = crate::codegen::repo_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for krate in PUBLISHED {
        check_contents(&cargo, &root, krate)?;
    }
    let mut command = Command::new(&cargo);
    command
        .arg("package")
        .arg("--allow-dirty")
        .current_dir(&root);
    if !verify {
        command.arg("--no-verify");
    }
    for krate in PUBLISHED {
        command.args(["-p", krate]);
    }
    let status = command
        .status()
        .map_err(|e| format!("running cargo package: {e}"))?;
    if !status.success() {
        return Err("cargo package failed".into());
    }
    let dir = target_dir(&cargo, &root)?.join("package");
    let version = workspace_version(&root)?;
    println!("\npackage                          compressed  limit 10 MiB");
    let mut over = Vec::new();
    for krate in PUBLISHED {
        let file = dir.join(format!("{krate}-{version}.crate"));
        let size = std::fs::metadata(&file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .len();
        println!(
            "{:<32} {:>10}  {:>5.1} %",
            format!("{krate}-{version}.crate"),
            size,
            size as f64 * 100.0 / LIMIT as f64
        );
        if size > LIMIT {
            over.push(krate);
        }
    }
    if workspace_package_value(&root, "repository").is_err() {
        println!(
            "\nnote: [workspace.package] has no `repository` yet; set the public repository's URL (and `repository.workspace = true` in each crate) before `cargo publish`"
        );
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "over crates.io's 10 MiB limit: {}",
            over.join(", ")
        ))
    }
}

/// Fails when `krate`'s package would hold tests, benches or build output, or lacks its
/// README.
fn check_contents(cargo: &str, root: &Path, krate: &str) -> Result<(), String> {
    let out = Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "-p", krate])
        .current_dir(root)
        .output()
        .map_err(|e| format!("running cargo package --list: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo package --list -p {krate} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let list = String::from_utf8_lossy(&out.stdout);
    let shipped: Vec<&str> = list
        .lines()
        .filter(|f| NOT_SHIPPED.iter().any(|p| f.starts_with(p)))
        .collect();
    if !shipped.is_empty() {
        return Err(format!(
            "{krate}'s package would hold {}: narrow `include` in its Cargo.toml",
            shipped.join(", ")
        ));
    }
    if !list.lines().any(|f| f == "README.md") {
        return Err(format!("{krate}'s package has no README.md"));
    }
    Ok(())
}

/// Cargo's target directory for this workspace.
fn target_dir(cargo: &str, root: &Path) -> Result<PathBuf, String> {
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("running cargo metadata: {e}"))?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("reading cargo metadata: {e}"))?;
    meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| "cargo metadata names no target directory".into())
}

fn workspace_table(root: &Path) -> Result<String, String> {
    std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))
}

/// A `key = "value"` of `[workspace.package]`.
fn workspace_package_value(root: &Path, key: &str) -> Result<String, String> {
    let text = workspace_table(root)?;
    let section = text
        .split("[workspace.package]")
        .nth(1)
        .ok_or("Cargo.toml has no [workspace.package]")?;
    section
        .lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| format!("[workspace.package] has no `{key}`"))
}

fn workspace_version(root: &Path) -> Result<String, String> {
    workspace_package_value(root, "version")
}
