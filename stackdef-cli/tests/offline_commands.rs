//! Behaviour of the `stackdef` binary that needs no AWS: help for every command, exit codes,
//! `--json` shapes, the app command (missing, failing, working), broken assemblies, graphs,
//! and the credential / endpoint errors.

mod emulator;

#[allow(dead_code)]
#[path = "../../examples/bank_stack.rs"]
mod bank;

use emulator::{Run, fixtures, repo_root, stackdef_cmd};

const COMMANDS: &[&str] = &[
    "synth",
    "list",
    "diff",
    "deploy",
    "destroy",
    "outputs",
    "graph",
    "watch",
    "bootstrap",
    "validate",
];

fn in_dir(dir: &std::path::Path, args: &[&str]) -> Run {
    Run::of(stackdef_cmd().current_dir(dir).args(args))
}

#[test]
fn help_for_every_command() {
    let top = Run::of(stackdef_cmd().arg("--help"));
    top.expect_code(0);
    assert!(top.stdout.contains("Exit codes:"), "{}", top.stdout);
    for c in COMMANDS {
        assert!(top.stdout.contains(c), "`{c}` missing from --help");
        let help = Run::of(stackdef_cmd().args([c, "--help"]));
        help.expect_code(0);
        assert!(
            help.stdout.contains(&format!("Usage: stackdef {c}")),
            "{}",
            help.stdout
        );
        assert!(
            help.stdout.contains("--json") && help.stdout.contains("--profile"),
            "{}",
            help.stdout
        );
    }
    Run::of(stackdef_cmd().arg("--version")).expect_code(0);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    in_dir(dir.path(), &["deploy", "--no-such-flag"]).expect_code(2);
    in_dir(dir.path(), &["graph", "--format", "png"]).expect_code(2);
    in_dir(dir.path(), &[]).expect_code(2);
    // No app: one sentence saying the three ways to give one.
    let none = in_dir(dir.path(), &["list"]);
    none.expect_code(2);
    assert!(
        none.stderr.contains("no app to run: pass --app"),
        "{}",
        none.stderr
    );
    let json = in_dir(dir.path(), &["list", "--json"]);
    json.expect_code(2);
    let v = json.json();
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    // A bad stackdef.toml.
    std::fs::write(dir.path().join("stackdef.toml"), "apps = \"x\"\n").expect("write");
    let bad = in_dir(dir.path(), &["list"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("unknown key `apps`"), "{}", bad.stderr);
}

#[test]
fn app_command_from_flag_and_config() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "asm", fixtures::two_stack_app);
    // An "app" that writes the assembly where STACKDEF_OUTDIR says.
    let app = format!("cp -r '{}'/. \"$STACKDEF_OUTDIR\"/", asm.display());
    let listed = in_dir(dir.path(), &["list", "--app", &app, "--json"]);
    listed.expect_code(0);
    let v = listed.json();
    assert_eq!(v["stacks"][0]["name"], "Producer");
    assert_eq!(v["stacks"][1]["dependencies"][0], "Producer");
    assert_eq!(v["stacks"][1]["region"], "us-east-1");
    assert_eq!(v["stacks"][1]["account"], "123456789012");
    assert!(v["stacks"][0]["resources"].is_u64() && v["stacks"][0]["template_size"].is_u64());
    assert!(
        dir.path().join("stackdef.out/manifest.json").is_file(),
        "default output dir"
    );

    // The same app from stackdef.toml, found from a subdirectory.
    std::fs::write(
        dir.path().join("stackdef.toml"),
        format!("app = {:?}\noutput = \"out\"\n", app),
    )
    .expect("write");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    let synth = in_dir(&sub, &["synth"]);
    synth.expect_code(0);
    assert!(
        synth.stdout.contains("Synthesized 2 stacks"),
        "{}",
        synth.stdout
    );
    assert!(dir.path().join("out/manifest.json").is_file());

    // A failing app: exit 1, nothing deployed.
    let failing = in_dir(
        dir.path(),
        &["deploy", "--app", "echo building >&2; exit 3"],
    );
    failing.expect_code(1);
    assert!(
        failing
            .stderr
            .contains("the app command `echo building >&2; exit 3` failed (exit status 3)"),
        "{}",
        failing.stderr
    );
    // An app that writes nothing.
    let silent = in_dir(
        dir.path(),
        &["list", "--app", "true", "--output", "nothing-here"],
    );
    silent.expect_code(2);
    assert!(
        silent.stderr.contains("did not produce a usable assembly"),
        "{}",
        silent.stderr
    );
}

#[test]
fn broken_assemblies_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "asm", |app| fixtures::queue_app(app, 30));
    let asm_s = asm.to_str().expect("utf-8 path");
    in_dir(dir.path(), &["list", "--assembly", asm_s]).expect_code(0);
    // A template edited after synthesis.
    let template = asm.join("Queues.template.json");
    let text = std::fs::read_to_string(&template).expect("read");
    std::fs::write(&template, text.replace("30", "31")).expect("write");
    let tampered = in_dir(dir.path(), &["list", "--assembly", asm_s]);
    tampered.expect_code(2);
    assert!(
        tampered.stderr.contains("does not match the manifest"),
        "{}",
        tampered.stderr
    );
    // Not JSON, and a missing directory.
    std::fs::write(asm.join("manifest.json"), "{ not json").expect("write");
    let garbage = in_dir(dir.path(), &["deploy", "--assembly", asm_s, "--json"]);
    garbage.expect_code(2);
    assert_eq!(garbage.json()["error"]["kind"], "assembly");
    in_dir(dir.path(), &["list", "--assembly", "/nonexistent/asm"]).expect_code(2);
}

/// Mermaid's own parser reads the graphs: the two-stack fixture (a dependency between
/// stacks) and the bank (nested construct clusters, labels with paths and types).
#[test]
fn mermaid_graphs_parse_with_mermaids_own_parser() {
    let root = repo_root();
    // The check can fail: a broken diagram is refused with Mermaid's parse error.
    let broken = stackdef_tests::mermaid::parse(&root, "flowchart LR\n  a[\"x\" --> b\n");
    assert!(
        broken.as_ref().is_err_and(|e| e.contains("Parse error")),
        "{broken:?}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let two = fixtures::synth(dir.path(), "two", fixtures::two_stack_app);
    let bank = fixtures::synth(dir.path(), "bank", |app| {
        bank::bank_stack(app);
    });
    for asm in [two, bank] {
        let asm = asm.to_str().expect("utf-8 path");
        let graph = in_dir(
            dir.path(),
            &["graph", "--format", "mermaid", "--assembly", asm],
        );
        graph.expect_code(0);
        assert_eq!(
            stackdef_tests::mermaid::parse(&root, &graph.stdout).as_deref(),
            Ok("flowchart-v2"),
            "{}",
            graph.stdout
        );
    }
}

#[test]
fn graph_formats_and_unknown_stacks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "asm", fixtures::two_stack_app);
    let asm = asm.to_str().expect("utf-8 path");
    let dot = in_dir(dir.path(), &["graph", "--assembly", asm]);
    dot.expect_code(0);
    assert!(
        dot.stdout.starts_with("digraph stackdef {"),
        "{}",
        dot.stdout
    );
    assert!(
        dot.stdout
            .contains("\"Consumer\" -> \"Producer\" [style=dashed"),
        "{}",
        dot.stdout
    );
    // Labels: construct path first, then logical id and type; no literal `\n`.
    assert!(!dot.stdout.contains("\\n"), "{}", dot.stdout);
    assert!(
        dot.stdout
            .contains("label=<Shared<br/><font point-size=\"8\">Shared · AWS::SQS::Queue</font>>"),
        "{}",
        dot.stdout
    );
    let mermaid = in_dir(
        dir.path(),
        &["graph", "--format", "mermaid", "--assembly", asm],
    );
    // Structure Mermaid needs: every subgraph closed, ids without spaces or slashes.
    let lines: Vec<&str> = mermaid.stdout.lines().map(str::trim).collect();
    let opened = lines.iter().filter(|l| l.starts_with("subgraph ")).count();
    let closed = lines.iter().filter(|l| **l == "end").count();
    assert_eq!(opened, closed, "{}", mermaid.stdout);
    assert!(
        mermaid
            .stdout
            .contains("stack__Consumer == depends on ==> stack__Producer"),
        "{}",
        mermaid.stdout
    );
    mermaid.expect_code(0);
    assert!(
        mermaid.stdout.starts_with("flowchart LR"),
        "{}",
        mermaid.stdout
    );
    let json = in_dir(dir.path(), &["graph", "--json", "--assembly", asm]);
    assert_eq!(json.json()["stacks"][1]["dependencies"][0], "Producer");
    let unknown = in_dir(dir.path(), &["deploy", "Nope", "--assembly", asm]);
    unknown.expect_code(2);
    assert!(
        unknown.stderr.contains("no stack named `Nope`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn missing_credentials_and_unreachable_endpoint_are_one_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "asm", |app| fixtures::queue_app(app, 30));
    let asm = asm.to_str().expect("utf-8 path");
    // No credentials anywhere (no env keys, no config files, no instance metadata).
    let no_creds = Run::of(
        stackdef_cmd()
            .current_dir(dir.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args(["deploy", "--assembly", asm]),
    );
    no_creds.expect_code(1);
    assert!(
        no_creds.stderr.contains("no AWS credentials found"),
        "{}",
        no_creds.stderr
    );
    assert_eq!(
        no_creds.stderr.trim().lines().count(),
        1,
        "{}",
        no_creds.stderr
    );
    // Nothing listening.
    let unreachable = Run::of(
        stackdef_cmd()
            .current_dir(dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args(["diff", "--assembly", asm, "--json"]),
    );
    unreachable.expect_code(1);
    assert!(
        unreachable.stderr.contains("could not reach AWS"),
        "{}",
        unreachable.stderr
    );
    assert_eq!(unreachable.json()["error"]["kind"], "aws");
    // A profile that the configuration does not define.
    let config = dir.path().join("aws-config");
    std::fs::write(&config, "[profile dev]\nregion = eu-west-1\n").expect("write");
    let profile = Run::of(
        stackdef_cmd()
            .current_dir(dir.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args(["diff", "--assembly", asm, "--profile", "nosuch"]),
    );
    profile.expect_code(2);
    assert!(
        profile.stderr.contains("no profile named `nosuch`"),
        "{}",
        profile.stderr
    );
    // Also when credentials in the environment would otherwise be used.
    let with_env = Run::of(
        stackdef_cmd()
            .current_dir(dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args(["diff", "--assembly", asm, "--profile", "nosuch", "--json"]),
    );
    with_env.expect_code(2);
    assert_eq!(with_env.json()["error"]["kind"], "profile_not_found");
    // A region no partition has: named before any call.
    let mars = Run::of(
        stackdef_cmd()
            .current_dir(dir.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .args(["outputs", "--assembly", asm, "--region", "mars-1"]),
    );
    mars.expect_code(2);
    assert!(
        mars.stderr.contains("unknown region `mars-1`"),
        "{}",
        mars.stderr
    );
}

#[test]
fn bad_input_is_refused_without_echoing_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "asm", |app| fixtures::queue_app(app, 30));
    let asm = asm.to_str().expect("utf-8 path");
    // A malformed --parameter does not repeat its text.
    let bad = Run::of(stackdef_cmd().current_dir(dir.path()).args([
        "deploy",
        "--assembly",
        asm,
        "-p",
        "Password:hunter2-secret",
    ]));
    bad.expect_code(2);
    assert!(!bad.stderr.contains("hunter2-secret"), "{}", bad.stderr);
    assert!(bad.stderr.contains("KEY=VALUE"), "{}", bad.stderr);
    // Unknown approval level and a bad duration are usage errors.
    let level = Run::of(stackdef_cmd().current_dir(dir.path()).args([
        "deploy",
        "--assembly",
        asm,
        "--require-approval",
        "sometimes",
    ]));
    level.expect_code(2);
    assert!(level.stderr.contains("broadening"), "{}", level.stderr);
    let timeout = Run::of(stackdef_cmd().current_dir(dir.path()).args([
        "deploy",
        "--assembly",
        asm,
        "--timeout",
        "soon",
    ]));
    timeout.expect_code(2);
    assert!(
        timeout.stderr.contains("not a duration"),
        "{}",
        timeout.stderr
    );
}

#[test]
fn synth_prints_warnings_and_strict_fails_on_open_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warned = fixtures::synth(dir.path(), "warned", |app| fixtures::warned_app(app, false));
    let asm = warned.display().to_string();
    let lenient = in_dir(dir.path(), &["synth", "--assembly", &asm]);
    lenient.expect_code(0);
    assert!(
        lenient
            .stdout
            .contains("1 warning:\n  [Warned/DbPassword] NoEcho")
            && lenient.stdout.contains("SD6003"),
        "{}",
        lenient.stdout
    );
    let strict = in_dir(dir.path(), &["synth", "--strict", "--assembly", &asm]);
    strict.expect_code(1);
    assert!(
        strict
            .stderr
            .contains("--strict: 1 warning not acknowledged"),
        "{}",
        strict.stderr
    );
    let json = in_dir(dir.path(), &["synth", "--json", "--assembly", &asm]);
    json.expect_code(0);
    let v = json.json();
    assert_eq!(v["warnings"][0]["rule"], "SD6003");
    assert!(v["warnings"][0]["acknowledged"].is_null());

    // Acknowledged in code: reported with the reason, and --strict passes.
    let accepted = fixtures::synth(dir.path(), "accepted", |app| {
        fixtures::warned_app(app, true)
    });
    let asm = accepted.display().to_string();
    let strict = in_dir(dir.path(), &["synth", "--strict", "--assembly", &asm]);
    strict.expect_code(0);
    assert!(
        strict.stdout.contains("1 acknowledged finding:")
            && strict
                .stdout
                .contains("a test password for a throwaway stack"),
        "{}",
        strict.stdout
    );
}
