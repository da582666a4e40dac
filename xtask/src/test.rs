//! `cargo xtask test`: the README's test command. Installs the Python tools the suite
//! needs when they are missing (pinned versions), then runs every test of the workspace,
//! the CLI and deploy engine included.

use std::process::Command;

/// A Python tool the suite needs, the command that proves it is there, and its pin.
struct PythonTool {
    name: &'static str,
    check: &'static [&'static str],
    expect: &'static str,
    requirement: &'static str,
}

const TOOLS: &[PythonTool] = &[
    PythonTool {
        name: "cfn-lint",
        check: &["cfn-lint", "--version"],
        expect: "cfn-lint 1.51.0",
        requirement: "cfn-lint==1.51.0",
    },
    PythonTool {
        name: "moto server",
        check: &[
            "python3",
            "-c",
            "import moto, flask; print('moto', moto.__version__)",
        ],
        expect: "moto 5.2.1",
        requirement: "moto[server]==5.2.1",
    },
];

fn output_of(argv: &[&str]) -> Option<String> {
    let (program, args) = argv.split_first()?;
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ensure_tools() -> Result<(), String> {
    let missing: Vec<&PythonTool> = TOOLS
        .iter()
        .filter(|t| !output_of(t.check).is_some_and(|o| o.contains(t.expect)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing.iter().map(|t| t.name).collect();
    eprintln!("xtask: installing {} (pip)", names.join(", "));
    let status = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(missing.iter().map(|t| t.requirement))
        .status()
        .map_err(|e| format!("running pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip could not install {}", names.join(", ")));
    }
    for t in missing {
        if !output_of(t.check).is_some_and(|o| o.contains(t.expect)) {
            return Err(format!(
                "{} is still not available after pip install {} (is pip's bin directory on PATH?)",
                t.name, t.requirement
            ));
        }
    }
    Ok(())
}

/// Runs the suite; extra arguments go to `cargo test` (e.g. a test name filter).
pub fn run(args: &[String]) -> Result<(), String> {
    ensure_tools()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        // The engine's own tests need its SDK, whatever the other members ask for.
        .args([
            "test",
            "--workspace",
            "--no-fail-fast",
            "--features",
            "stackdef-deploy/aws",
        ])
        .args(args)
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("tests failed".into())
    }
}
