//! The commands around the deploy ones, through the real binary: `completions` for every
//! shell, `man` (one page, or one per command), and `doctor` offline (no credentials, no
//! app, a failing app, an app command that works) and against moto (ready, a missing
//! staging bucket, a stack pinned to another account).

mod emulator;

use std::path::Path;

use emulator::{Emulator, Run, fixtures, serial, stackdef_cmd};

const NEW_COMMANDS: [&str; 4] = ["init", "doctor", "completions", "man"];

fn in_dir(dir: &Path, args: &[&str]) -> Run {
    Run::of(stackdef_cmd().current_dir(dir).args(args))
}

#[test]
fn help_lists_the_new_commands() {
    let top = Run::of(stackdef_cmd().arg("--help"));
    top.expect_code(0);
    for c in NEW_COMMANDS {
        assert!(top.stdout.contains(c), "`{c}` missing from --help");
        let help = Run::of(stackdef_cmd().args([c, "--help"]));
        help.expect_code(0);
        assert!(
            help.stdout.contains(&format!("Usage: stackdef {c}")),
            "{}",
            help.stdout
        );
    }
}

#[test]
fn completions_for_every_shell() {
    let expected = [
        ("bash", "complete -F _stackdef"),
        ("zsh", "#compdef stackdef"),
        ("fish", "complete -c stackdef"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[stackdef]"),
    ];
    for (shell, marker) in expected {
        let run = Run::of(stackdef_cmd().args(["completions", shell]));
        run.expect_code(0);
        assert!(run.stdout.contains(marker), "{shell}:\n{}", run.stdout);
        // Every command and a command's own flag are completed.
        for word in ["deploy", "bootstrap", "doctor", "staging-bucket"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    // The bash script parses.
    let bash = Run::of(stackdef_cmd().args(["completions", "bash"]));
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("stackdef.bash");
    std::fs::write(&script, &bash.stdout).expect("write");
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
    {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    let unknown = Run::of(stackdef_cmd().args(["completions", "tcsh"]));
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("possible values"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn man_page_and_one_page_per_command() {
    let page = Run::of(stackdef_cmd().arg("man"));
    page.expect_code(0);
    assert!(page.stdout.starts_with(".ie"), "{}", &page.stdout[..200]);
    assert!(page.stdout.contains(".TH stackdef 1"), "{}", page.stdout);
    for word in ["synth", "deploy", "doctor", "\\-\\-profile"] {
        assert!(page.stdout.contains(word), "the page lacks {word}");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("man1");
    let run = Run::of(stackdef_cmd().args(["man", "--out-dir"]).arg(&out));
    run.expect_code(0);
    for name in [
        "stackdef.1",
        "stackdef-deploy.1",
        "stackdef-init.1",
        "stackdef-doctor.1",
    ] {
        let text =
            std::fs::read_to_string(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(".TH"), "{name}");
    }
    // Where nothing can be written: exit 1 with the path.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "").expect("write");
    let fail = Run::of(
        stackdef_cmd()
            .args(["man", "--out-dir"])
            .arg(blocked.join("man1")),
    );
    fail.expect_code(1);
    assert!(fail.stderr.contains("cannot write"), "{}", fail.stderr);
}

/// The `doctor` line for `check`, as printed.
fn line<'a>(text: &'a str, check: &str) -> &'a str {
    text.lines()
        .find(|l| {
            let l = l.trim_start_matches(['✓', '✗', ' ']);
            l.starts_with(check) && l[check.len()..].starts_with(' ')
        })
        .unwrap_or_else(|| panic!("no `{check}` line in\n{text}"))
}

#[test]
fn doctor_offline() {
    let dir = tempfile::tempdir().expect("temp dir");
    // No stackdef.toml, no app: the app line says how to give one; no credentials.
    let bare = in_dir(dir.path(), &["doctor"]);
    bare.expect_code(1);
    let out = &bare.stdout;
    assert!(line(out, "project").starts_with('✓'), "{out}");
    assert!(line(out, "app").starts_with('✗'), "{out}");
    assert!(out.contains("stackdef init"), "{out}");
    assert!(line(out, "credentials").starts_with('✗'), "{out}");
    assert!(line(out, "credentials").contains("none found"), "{out}");
    assert!(out.contains("fix: export AWS_ACCESS_KEY_ID"), "{out}");
    assert!(line(out, "endpoint").contains("AWS's own"), "{out}");
    assert!(
        line(out, "versions").contains(env!("CARGO_PKG_VERSION")),
        "{out}"
    );
    assert!(out.contains("problems stop a deploy"), "{out}");

    // An assembly given: read and described; still no credentials, so not ready.
    let asm = fixtures::synth(dir.path(), "asm", |app| fixtures::queue_app(app, 30));
    let with_asm = Run::of(
        stackdef_cmd()
            .current_dir(dir.path())
            .args(["doctor", "--json", "--assembly"])
            .arg(&asm),
    );
    with_asm.expect_code(1);
    let v = with_asm.json();
    assert_eq!(v["ready"], false, "{v:#}");
    let check = |name: &str| {
        v["checks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["check"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {v:#}"))
    };
    assert_eq!(check("assembly")["ok"], true, "{v:#}");
    assert!(
        check("assembly")["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("Queues (3 resources)"),
        "{v:#}"
    );
    assert_eq!(check("credentials")["ok"], false, "{v:#}");
    assert!(check("credentials")["fix"].is_string(), "{v:#}");
    assert_eq!(check("staging")["ok"], true, "{v:#}");

    // A failing app: its last words and the fix.
    let failing = in_dir(
        dir.path(),
        &["doctor", "--app", "echo 'error: no such crate' >&2; exit 3"],
    );
    failing.expect_code(1);
    let app = line(&failing.stdout, "app");
    assert!(
        app.starts_with('✗') && app.contains("exit status 3") && app.contains("no such crate"),
        "{}",
        failing.stdout
    );

    // An app command that works (it copies a synthesized assembly where it is told).
    let copy = format!("cp -R '{}'/. \"$STACKDEF_OUTDIR\"", asm.display());
    let working = in_dir(dir.path(), &["doctor", "--app", &copy]);
    let app = line(&working.stdout, "app");
    assert!(
        app.starts_with('✓') && app.contains("synthesized"),
        "{}",
        working.stdout
    );
    assert!(
        line(&working.stdout, "assembly").starts_with('✓'),
        "{}",
        working.stdout
    );

    // A profile that does not exist is named as the problem.
    let profile = in_dir(dir.path(), &["doctor", "--profile", "nosuch"]);
    profile.expect_code(1);
    assert!(
        line(&profile.stdout, "profile").contains("nosuch"),
        "{}",
        profile.stdout
    );
}

#[test]
fn doctor_against_moto() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "small", |app| fixtures::queue_app(app, 30));
    let ready = Run::of(
        moto.stackdef()
            .current_dir(dir.path())
            .args(["doctor", "--assembly"])
            .arg(&asm),
    );
    ready.expect_code(0);
    let out = &ready.stdout;
    assert!(!out.contains('✗'), "{out}");
    assert!(line(out, "credentials").contains("…ting"), "{out}");
    assert!(
        !out.contains("testing"),
        "the access key is shown whole:\n{out}"
    );
    assert!(
        line(out, "region").contains("us-east-1 (from AWS_REGION)"),
        "{out}"
    );
    assert!(line(out, "account").contains(fixtures::ACCOUNT), "{out}");
    assert!(line(out, "endpoint").contains(&moto.endpoint), "{out}");
    assert!(out.contains("Ready: `stackdef deploy` can run."), "{out}");

    // A template over 51,200 bytes needs the staging bucket: unnamed, then missing.
    let large = fixtures::synth(dir.path(), "large", fixtures::large_app);
    let unnamed = Run::of(
        moto.stackdef()
            .current_dir(dir.path())
            .args(["doctor", "--assembly"])
            .arg(&large),
    );
    unnamed.expect_code(1);
    assert!(
        line(&unnamed.stdout, "staging").contains("no bucket is named"),
        "{}",
        unnamed.stdout
    );
    let missing = Run::of(
        moto.stackdef()
            .current_dir(dir.path())
            .args(["doctor", "--staging-bucket", "doctor-stage", "--assembly"])
            .arg(&large),
    );
    missing.expect_code(1);
    assert!(
        missing
            .stdout
            .contains("fix: `stackdef bootstrap --staging-bucket doctor-stage`"),
        "{}",
        missing.stdout
    );
    moto.run(&["bootstrap", "--staging-bucket", "doctor-stage"])
        .expect_code(0);
    let staged = Run::of(
        moto.stackdef()
            .current_dir(dir.path())
            .args(["doctor", "--staging-bucket", "doctor-stage", "--assembly"])
            .arg(&large),
    );
    staged.expect_code(0);
    assert!(
        line(&staged.stdout, "staging").contains("`doctor-stage` exists"),
        "{}",
        staged.stdout
    );

    // A stack pinned to another account than the credentials'.
    let other = fixtures::synth(dir.path(), "other", |app| {
        let stack = app.stack("Elsewhere", stackdef::Env::aws("999999999999", "us-east-1"));
        stackdef::CfnResource::new(&stack, "Q", "AWS::SQS::Queue");
    });
    let wrong = Run::of(
        moto.stackdef()
            .current_dir(dir.path())
            .args(["doctor", "--assembly"])
            .arg(&other),
    );
    wrong.expect_code(1);
    assert!(
        line(&wrong.stdout, "account").contains("Elsewhere is for 999999999999"),
        "{}",
        wrong.stdout
    );
}
