//! The assembly on disk: the reader reads what the writer wrote and rejects anything else;
//! the output directory can be chosen by argument or `STACKDEF_OUTDIR`.

use std::path::Path;

use stackdef::synth::assembly::{self, Assembly, AssemblyError, sha256_hex};
use stackdef::{App, CfnResource, Env, Error};

fn app() -> App {
    let app = App::new();
    let env = Env::aws("123456789012", "eu-west-1");
    let net = app.stack("Net", env.clone());
    let svc = app.stack("Svc", env);
    svc.add_tag("team", "payments");
    let vpc = CfnResource::new(&net, "Vpc", "AWS::EC2::VPC");
    vpc.set_property("CidrBlock", "10.0.0.0/16");
    let sg = CfnResource::new(&svc, "Sg", "AWS::EC2::SecurityGroup");
    sg.set_property("GroupDescription", "service");
    sg.set_property("VpcId", vpc.ref_value::<String>());
    app
}

#[test]
fn reader_reads_what_the_writer_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app();
    let output = app.synthesize().expect("synth");
    let written = assembly::write(dir.path(), &output).expect("write");
    let read = Assembly::read(dir.path()).expect("read");
    assert_eq!(read.manifest, written);
    assert_eq!(read.dir, dir.path());
    assert_eq!(read.manifest.version, assembly::MANIFEST_VERSION);
    for synthesized in &output.stacks {
        let artifact = read.stack(&synthesized.artifact.name).expect("stack");
        assert_eq!(artifact, &synthesized.artifact);
        assert_eq!(
            read.template(artifact).expect("template"),
            synthesized.template
        );
        let text = read.template_text(artifact).expect("text");
        assert_eq!(text, synthesized.template_json);
        assert_eq!(artifact.template_size, text.len());
        assert_eq!(artifact.template_sha256, sha256_hex(text.as_bytes()));
    }
    let svc = read.stack("Svc").expect("svc");
    assert_eq!(svc.dependencies, ["Net"]);
    assert_eq!(svc.tags.get("team").map(String::as_str), Some("payments"));
    assert_eq!(svc.resources["Sg"].path, "Svc/Sg");
    assert_eq!(svc.resources["Sg"].type_name, "AWS::EC2::SecurityGroup");
    match read.stack("Nope") {
        Err(AssemblyError::UnknownStack { name, available }) => {
            assert_eq!(name, "Nope");
            assert_eq!(available, "Net, Svc");
        }
        other => panic!("expected UnknownStack, got {other:?}"),
    }
}

fn written(dir: &Path) {
    app().synth_to(dir).expect("synth");
}

#[test]
fn modified_template_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    written(dir.path());
    let path = dir.path().join("Svc.template.json");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupX"),
    )
    .expect("write");
    match Assembly::read(dir.path()) {
        Err(e @ AssemblyError::Mismatch { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("Svc.template.json"), "{msg}");
            assert!(msg.contains("re-synthesize"), "{msg}");
        }
        other => panic!("expected Mismatch, got {other:?}"),
    }
}

#[test]
fn wrong_manifest_version_is_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    written(dir.path());
    let path = dir.path().join(assembly::MANIFEST_FILE);
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    manifest["version"] = serde_json::json!("999");
    std::fs::write(&path, serde_json::to_vec(&manifest).expect("json")).expect("write");
    match Assembly::read(dir.path()) {
        Err(AssemblyError::Version { found, .. }) => assert_eq!(found, "999"),
        other => panic!("expected Version, got {other:?}"),
    }
    // A manifest without a version at all is no better.
    manifest.as_object_mut().expect("object").remove("version");
    std::fs::write(&path, serde_json::to_vec(&manifest).expect("json")).expect("write");
    assert!(matches!(
        Assembly::read(dir.path()),
        Err(AssemblyError::Version { .. })
    ));
}

#[test]
fn missing_files_are_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    written(dir.path());
    std::fs::remove_file(dir.path().join("Net.template.json")).expect("remove");
    match Assembly::read(dir.path()) {
        Err(AssemblyError::Io { path, .. }) => {
            assert_eq!(path, dir.path().join("Net.template.json"))
        }
        other => panic!("expected Io, got {other:?}"),
    }
    let empty = tempfile::tempdir().expect("tempdir");
    match Assembly::read(empty.path()) {
        Err(AssemblyError::Io { path, .. }) => {
            assert_eq!(path, empty.path().join("manifest.json"))
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn corrupt_manifest_is_a_parse_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    written(dir.path());
    std::fs::write(dir.path().join("manifest.json"), "{ not json").expect("write");
    assert!(matches!(
        Assembly::read(dir.path()),
        Err(AssemblyError::Parse {
            what: "manifest",
            ..
        })
    ));
}

#[test]
fn rewriting_removes_templates_of_stacks_no_longer_in_the_app() {
    let dir = tempfile::tempdir().expect("tempdir");
    written(dir.path());
    let smaller = App::new();
    let s = smaller.stack("Only", Env::agnostic());
    CfnResource::new(&s, "T", "AWS::SNS::Topic");
    smaller.synth_to(dir.path()).expect("synth");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Only.template.json", "manifest.json"]);
    Assembly::read(dir.path()).expect("consistent");
}

#[test]
fn synth_errors_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let app = App::new();
    app.stack("bad name", Env::agnostic());
    match app.synth_to(&out) {
        Err(Error::Synth(errors)) => assert_eq!(errors.len(), 1),
        other => panic!("expected synth errors, got {other:?}"),
    }
    assert!(!out.exists());
}

const CHILD_MARKER: &str = "STACKDEF_FOUNDATION_ASSEMBLY_CHILD";

/// Runs `child_synth_to_default_outdir` in a child process (the workspace forbids
/// `unsafe`, which `std::env::set_var` needs, and the environment is process-global
/// anyway): the child sees exactly the environment and working directory given here.
fn run_child(cwd: &Path, outdir: Option<&Path>) -> String {
    let mut cmd = std::process::Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        "child_synth_to_default_outdir",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .current_dir(cwd)
    .env(CHILD_MARKER, "1")
    .env_remove(assembly::OUTDIR_ENV);
    if let Some(dir) = outdir {
        cmd.env(assembly::OUTDIR_ENV, dir);
    }
    let out = cmd.output().expect("run child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child test did not run: {stdout}"
    );
    stdout
}

#[test]
#[ignore = "run as a child process by outdir_from_env_or_default"]
fn child_synth_to_default_outdir() {
    // Under `--include-ignored` without a parent, do not write into the package directory.
    if std::env::var_os(CHILD_MARKER).is_none() {
        return;
    }
    let report = app().synth().expect("synth");
    println!("OUTDIR={}", report.outdir.display());
}

#[test]
fn outdir_from_env_or_default() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let env_dir = tempfile::tempdir().expect("tempdir");

    // `STACKDEF_OUTDIR` set: the assembly goes there.
    let stdout = run_child(cwd.path(), Some(env_dir.path()));
    assert!(
        stdout.contains(&format!("OUTDIR={}", env_dir.path().display())),
        "{stdout}"
    );
    Assembly::read(env_dir.path()).expect("assembly in $STACKDEF_OUTDIR");
    assert!(!cwd.path().join("stackdef.out").exists());

    // Empty: the default, relative to the working directory.
    let stdout = run_child(cwd.path(), Some(Path::new("")));
    assert!(stdout.contains("OUTDIR=stackdef.out"), "{stdout}");
    Assembly::read(cwd.path().join("stackdef.out")).expect("assembly in stackdef.out");

    // Unset: the default too.
    std::fs::remove_dir_all(cwd.path().join("stackdef.out")).expect("clean");
    run_child(cwd.path(), None);
    Assembly::read(cwd.path().join(assembly::DEFAULT_OUTDIR)).expect("default assembly");
}

#[test]
fn explicit_outdir_is_used_as_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nested = dir.path().join("a/b");
    let report = app().synth_to(&nested).expect("synth");
    assert_eq!(report.outdir, nested);
    Assembly::read(&nested).expect("readable");
    assert_eq!(assembly::resolve_outdir(Some(&nested)), nested);
}

#[test]
fn synth_report_summarizes_the_assembly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = app().synth_to(dir.path()).expect("synth");
    let text = report.to_string();
    assert!(text.starts_with("Synthesized 2 stacks to "), "{text}");
    assert!(text.contains("Svc"), "{text}");
    assert!(text.contains("after: Net"), "{text}");
}
