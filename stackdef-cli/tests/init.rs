//! `stackdef init` as a newcomer uses it: a new crate that depends on this workspace's
//! `stackdef` by path, then `cargo build`, `stackdef synth`, `stackdef diff --assembly`
//! (against moto: no AWS account, no network) and `cargo test` in it, with nothing in
//! between.
//!
//! The generated crate builds into this test's own target directory, starting from this
//! workspace's `Cargo.lock`, so that it resolves the same versions and reuses the
//! dependencies the workspace has compiled already (only `stackdef` itself, with the
//! crate's features, and the crate are compiled).

mod emulator;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use emulator::{Emulator, Run, repo_root, serial, stackdef_cmd};

/// The target directory this test binary was built into (`<target>/debug/stackdef`).
fn target_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_stackdef"));
    bin.parent()
        .and_then(Path::parent)
        .expect("the binary lives in <target>/<profile>/")
        .to_path_buf()
}

/// `cargo ARGS` in `dir`, offline, into the shared target directory; panics with the
/// output when it fails. Returns the wall time.
fn cargo(dir: &Path, args: &[&str]) -> f64 {
    let start = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("INSTA_UPDATE")
        .env_remove("INSTA_FORCE_PASS")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "`cargo {}` failed in {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    start.elapsed().as_secs_f64()
}

/// `stackdef ARGS` in `dir` with the same cargo settings as [`cargo`] (for the app
/// command it runs).
fn stackdef_in(cmd: &mut Command, dir: &Path, args: &[&str]) -> Run {
    Run::of(
        cmd.current_dir(dir)
            .env("CARGO_TARGET_DIR", target_dir())
            .env("CARGO_NET_OFFLINE", "true")
            .args(args),
    )
}

#[test]
fn init_build_synth_diff_test() {
    let start = Instant::now();
    let tmp = tempfile::tempdir().expect("temp dir");
    let checkout = repo_root();
    let checkout = checkout.to_str().expect("utf-8 path");

    // A bad name is refused before anything is written.
    let bad = stackdef_in(
        &mut stackdef_cmd(),
        tmp.path(),
        &["init", "2fast", "--path", checkout],
    );
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("`2fast` cannot be a crate name") && bad.stderr.contains("--name"),
        "{}",
        bad.stderr
    );
    assert!(!tmp.path().join("2fast").exists());

    let init = stackdef_in(
        &mut stackdef_cmd(),
        tmp.path(),
        &["init", "myinfra", "--path", checkout],
    );
    init.expect_code(0);
    assert!(
        init.stdout
            .contains("Created the crate `myinfra` (stack MyinfraStack)"),
        "{}",
        init.stdout
    );
    assert!(
        init.stdout.contains("Next:\n  cd myinfra\n  cargo build")
            && init.stdout.contains("stackdef synth")
            && init.stdout.contains("cargo test"),
        "{}",
        init.stdout
    );
    let krate = tmp.path().join("myinfra");
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).expect("Cargo.toml");
    let stackdef_dir = Path::new(checkout).join("stackdef");
    assert!(
        manifest.contains(&format!(
            "stackdef = {{ path = \"{}\" }}",
            stackdef_dir.display()
        )),
        "{manifest}"
    );
    let gitignore = std::fs::read_to_string(krate.join(".gitignore")).expect(".gitignore");
    assert!(gitignore.contains("/stackdef.out/") && gitignore.contains("/target/"));
    let readme = std::fs::read_to_string(krate.join("README.md")).expect("README.md");
    assert!(readme.contains("cargo build") && readme.contains("stackdef synth"));

    // Again: every file exists, each is listed, nothing is touched.
    std::fs::write(krate.join("src/lib.rs"), "// edited\n").expect("write");
    let again = stackdef_in(&mut stackdef_cmd(), &krate, &["init"]);
    again.expect_code(2);
    for file in ["Cargo.toml", "src/lib.rs", "stackdef.toml", ".gitignore"] {
        assert!(again.stderr.contains(file), "{file}: {}", again.stderr);
    }
    assert!(
        again.stderr.contains("nothing was written"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(krate.join("src/lib.rs")).expect("read"),
        "// edited\n"
    );
    std::fs::remove_dir_all(&krate).expect("remove");
    stackdef_in(
        &mut stackdef_cmd(),
        tmp.path(),
        &["init", "myinfra", "--path", checkout],
    )
    .expect_code(0);

    // The newcomer's commands, each with no other step before it. The workspace's lock
    // file makes the crate resolve what the workspace compiled (see the module docs).
    std::fs::copy(checkout_path().join("Cargo.lock"), krate.join("Cargo.lock")).expect("lock");
    let build = cargo(&krate, &["build", "--quiet"]);

    let synth = stackdef_in(&mut stackdef_cmd(), &krate, &["synth"]);
    synth.expect_code(0);
    assert!(
        synth.stdout.contains("Synthesized 1 stack to"),
        "{}",
        synth.stdout
    );
    let template = krate.join("stackdef.out/MyinfraStack.template.json");
    assert!(template.is_file(), "{}", synth.stdout);

    let diff_seconds = {
        let _serial = serial();
        let moto = Emulator::moto();
        let started = Instant::now();
        let diff = stackdef_in(
            &mut moto.stackdef(),
            &krate,
            &["diff", "--assembly", "stackdef.out", "--json"],
        );
        diff.expect_code(0);
        let v = diff.json();
        let resources = v["stacks"][0]["resources"]
            .as_array()
            .expect("diff lists resources");
        assert!(
            resources.iter().any(|r| r["type"] == "AWS::S3::Bucket"),
            "{v:#}"
        );
        let fail = stackdef_in(
            &mut moto.stackdef(),
            &krate,
            &["diff", "--assembly", "stackdef.out", "--fail"],
        );
        fail.expect_code(1);
        started.elapsed().as_secs_f64()
    };

    let test = cargo(&krate, &["test", "--quiet"]);
    assert!(
        !krate
            .join("tests/snapshots/template__MyinfraStack.template.json.snap.new")
            .exists(),
        "the snapshot `init` writes must match the template"
    );
    eprintln!(
        "init test: cargo build {build:.1} s, stackdef synth {:.1} s, diff on moto {diff_seconds:.1} s, cargo test {test:.1} s; {:.1} s in all",
        synth.elapsed.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

fn checkout_path() -> PathBuf {
    repo_root()
}
