//! `cargo xtask first-build`: what a newcomer waits for. Creates a throwaway infra crate
//! with `stackdef init`'s manifest, depending on this workspace's `stackdef` by path
//! (default features), builds it cold into a fresh target directory, and prints the
//! wall-clock and CPU seconds of that build.
//! Run it on an idle machine; `--runs N` repeats it and prints the median, `--timings`
//! keeps cargo's per-crate report (of the last run).

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

const USAGE: &str = "usage: cargo xtask first-build [--timings] [--runs N (1 to 10)]";

/// Runs the measurement: `--runs N` builds N times, each cold, and prints the median too
/// (CPU seconds vary by several seconds from run to run on a shared machine).
pub fn run(args: &[String]) -> Result<(), String> {
    let (timings, runs) = parse(args)?;
    let root = crate::codegen::repo_root();
    let mut measured = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (wall, user, sys) = build_once(&root, timings)?;
        println!(
            "first build of a fresh infra crate (default features): {wall:.1} s wall, {:.1} s CPU ({user:.1} user + {sys:.1} sys)",
            user + sys
        );
        measured.push((wall, user + sys));
    }
    if runs > 1 {
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "median of {runs}: {:.1} s wall, {:.1} s CPU",
            median(measured.iter().map(|m| m.0).collect()),
            median(measured.iter().map(|m| m.1).collect())
        );
    }
    Ok(())
}

/// `--timings` and `--runs N`.
fn parse(args: &[String]) -> Result<(bool, usize), String> {
    let mut timings = false;
    let mut runs = 1;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--timings" => timings = true,
            "--runs" => {
                runs = rest
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| (1..=10).contains(n))
                    .ok_or(USAGE)?;
            }
            _ => return Err(USAGE.into()),
        }
    }
    Ok((timings, runs))
}

/// One cold build into a fresh target directory: wall, user and system seconds.
fn build_once(root: &Path, timings: bool) -> Result<(f64, f64, f64), String> {
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
    if timings {
        let report = target.join("cargo-timings/cargo-timing.html");
        let kept = root.join("target/first-build-timing.html");
        std::fs::copy(&report, &kept).map_err(|e| format!("{}: {e}", report.display()))?;
        println!("per-crate report: {}", kept.display());
    }
    Ok((wall, user, sys))
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

#[cfg(test)]
mod tests {
    use super::parse;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn runs_are_bounded_and_flags_combine() {
        assert_eq!(parse(&args(&[])), Ok((false, 1)));
        assert_eq!(parse(&args(&["--runs", "3", "--timings"])), Ok((true, 3)));
        for bad in [
            &["--runs"][..],
            &["--runs", "0"],
            &["--runs", "11"],
            &["--fast"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
