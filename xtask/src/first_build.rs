//! `cargo xtask first-build`: what a newcomer waits for. Creates a throwaway infra crate
//! with `stackdef init`'s manifest, depending on this workspace's `stackdef` by path
//! (default features), builds it cold into a fresh target directory, and prints the
//! wall-clock and CPU seconds of that build.
//! Run it on an idle machine; `--timings` keeps cargo's per-crate report.

use std::path::Path;
use std::process::Command;

/// The throwaway crate's program: the smallest stack that synthesizes.
const MAIN_RS: &str = r#"use stackdef::{App, Env};

fn main() -> Result<(), stackdef::Error> {
    let app = App::new();
    let _stack = app.stack("Demo", Env::region("us-east-1"));
    app.synth()?;
    Ok(())
}
"#;

/// The `Cargo.toml` template of `stackdef init`.
const INIT_MANIFEST: &str = include_str!("../../stackdef-cli/templates/init/Cargo.toml.tmpl");

/// Runs the measurement.
pub fn run(args: &[String]) -> Result<(), String> {
    let timings = match args {
        [] => false,
        [flag] if flag == "--timings" => true,
        _ => return Err("usage: cargo xtask first-build [--timings]".into()),
    };
    let root = crate::codegen::repo_root();
    let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let krate = dir.path().join("infra");
    write_crate(&krate, &root.join("stackdef"))?;
    let target = dir.path().join("target");
    // Cargo's own registry cache is kept (downloads are not what this measures).
    let script = format!(
        "TIMEFORMAT='%R %U %S'; time cargo build --quiet {}",
        if timings { "--timings" } else { "" }
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .map_err(|e| format!("running cargo build: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("the throwaway crate did not build:\n{stderr}"));
    }
    let times = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|t| t.parse::<f64>().ok())
        .collect::<Vec<_>>();
    let [wall, user, sys] = times[..] else {
        return Err(format!("could not read the timing line from:\n{stderr}"));
    };
    println!(
        "first build of a fresh infra crate (default features): {wall:.1} s wall, {:.1} s CPU ({user:.1} user + {sys:.1} sys)",
        user + sys
    );
    if timings {
        let report = target.join("cargo-timings/cargo-timing.html");
        let kept = root.join("target/first-build-timing.html");
        std::fs::copy(&report, &kept).map_err(|e| format!("{}: {e}", report.display()))?;
        println!("per-crate report: {}", kept.display());
    }
    Ok(())
}

fn write_crate(krate: &Path, stackdef: &Path) -> Result<(), String> {
    std::fs::create_dir_all(krate.join("src")).map_err(|e| format!("{e}"))?;
    // The manifest `stackdef init --path` writes (its profile included), so that this
    // measures what a newcomer builds.
    let manifest = INIT_MANIFEST.replace("{{name}}", "infra").replace(
        "{{stackdef}}",
        &format!(
            "stackdef = {{ path = {:?} }}",
            stackdef.display().to_string()
        ),
    );
    // Alone, not inside this repository's workspace.
    let manifest = format!("{manifest}\n[workspace]\n");
    std::fs::write(krate.join("Cargo.toml"), manifest).map_err(|e| format!("{e}"))?;
    std::fs::write(krate.join("src/main.rs"), MAIN_RS).map_err(|e| format!("{e}"))?;
    Ok(())
}
