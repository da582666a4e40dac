//! End to end on LocalStack core (host mode): the real `stackdef` binary against a local
//! CloudFormation API that runs operations asynchronously, like AWS.
//!
//! What LocalStack cannot show (covered by SDK fakes): a real rollback (it rolls nothing
//! back and leaves `StackStatusReason` empty), `UPDATE_ROLLBACK_FAILED`, throttling,
//! expired credentials, termination protection. ECS, ELBv2, RDS and friends are only
//! "fallback" resources there, so this app uses types it really creates (S3, SSM, Logs).

mod emulator;

use emulator::{Emulator, fixtures, serial};

#[test]
fn live_events_outputs_failure_and_stateful_replacement() {
    let _serial = serial();
    let ls = Emulator::localstack();
    let dir = tempfile::tempdir().expect("temp dir");
    let v1 = fixtures::synth(dir.path(), "v1", |app| {
        fixtures::localstack_app(app, "stackdef-data-one", "a")
    });
    let v2 = fixtures::synth(dir.path(), "v2", |app| {
        fixtures::localstack_app(app, "stackdef-data-one", "b")
    });
    let renamed = fixtures::synth(dir.path(), "renamed", |app| {
        fixtures::localstack_app(app, "stackdef-data-two", "b")
    });
    let broken = fixtures::synth(dir.path(), "broken", fixtures::failing_app);
    let path = |p: &std::path::Path| p.to_str().expect("utf-8 path").to_owned();
    let (v1, v2, renamed, broken) = (path(&v1), path(&v2), path(&renamed), path(&broken));

    // Create: live per-resource events while the change set runs.
    let created = ls.run(&["deploy", "--assembly", &v1]);
    created.expect_code(0);
    for resource in [
        "Store/Data (Data)",
        "Store/Setting (Setting)",
        "Store/Audit (Audit)",
    ] {
        assert!(
            created
                .stderr
                .lines()
                .any(|l| l.contains("CREATE_COMPLETE") && l.contains(resource)),
            "no CREATE_COMPLETE event for {resource}:\n{}",
            created.stderr
        );
    }
    assert!(
        created.stderr.contains("CREATE_IN_PROGRESS"),
        "{}",
        created.stderr
    );

    // Outputs, read after the change set executed.
    let outputs = ls.run(&["outputs", "Store", "--assembly", &v1, "--json"]);
    outputs.expect_code(0);
    assert_eq!(outputs.json()["BucketName"], "stackdef-data-one");
    let text = ls.run(&["outputs", "--assembly", &v1]);
    assert!(
        text.stdout.contains("BucketName = stackdef-data-one"),
        "{}",
        text.stdout
    );

    // An in-place update.
    let updated = ls.run(&["deploy", "--assembly", &v2, "--json"]);
    updated.expect_code(0);
    assert_eq!(updated.json()["stacks"][0]["status"], "UPDATE_COMPLETE");

    // Renaming the bucket replaces it: the change set says so, and it is refused.
    let diff = ls.run(&["diff", "--assembly", &renamed]);
    assert!(diff.stdout.contains("REPLACEMENT"), "{}", diff.stdout);
    let refused = ls.run(&["deploy", "--assembly", &renamed]);
    refused.expect_code(1);
    assert!(
        refused.stdout.contains("refusing to deploy `Store`"),
        "{}",
        refused.stdout
    );
    assert!(
        refused.stdout.contains("--allow-replace Data"),
        "{}",
        refused.stdout
    );
    // With the flag naming it, it goes through.
    let allowed = ls.run(&[
        "deploy",
        "--assembly",
        &renamed,
        "--allow-replace",
        "Store/Data",
    ]);
    allowed.expect_code(0);
    assert!(allowed.stderr.contains("replace"), "{}", allowed.stderr);

    // A resource that fails: the first failure with its construct path, then
    // ROLLBACK_COMPLETE and how to recover.
    let failed = ls.run(&["deploy", "--assembly", &broken, "--json"]);
    failed.expect_code(1);
    let report = failed.json();
    let stack = &report["stacks"][0];
    assert_eq!(stack["status"], "ROLLBACK_COMPLETE", "{report:#}");
    assert_eq!(
        stack["first_failure"]["path"], "Broken/BadBucket",
        "{report:#}"
    );
    assert!(
        stack["error"]
            .as_str()
            .unwrap_or_default()
            .contains("--recreate-failed"),
        "{report:#}"
    );
    let again = ls.run(&["deploy", "--assembly", &broken]);
    again.expect_code(1);
    assert!(
        again
            .stdout
            .contains("stackdef deploy Broken --recreate-failed"),
        "{}",
        again.stdout
    );
    // The recovery flag deletes the failed stack and tries again (and fails the same way).
    let recreate = ls.run(&["deploy", "--assembly", &broken, "--recreate-failed"]);
    recreate.expect_code(1);
    assert!(
        recreate
            .stderr
            .contains("deleting the stack left by the failed create"),
        "{}",
        recreate.stderr
    );

    // Ctrl-C while following: stackdef stops following, says what still runs in AWS and
    // how to resume following; `stackdef watch` then replays and follows it to the end.
    let slow = fixtures::synth(dir.path(), "slow", fixtures::slow_app);
    let slow = path(&slow);
    let mut child = ls
        .stackdef()
        .args(["deploy", "--assembly", &slow])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start stackdef");
    let stderr = child.stderr.take().expect("stderr");
    let mut seen = String::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
        let line = line.expect("stderr line");
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("CREATE_IN_PROGRESS") && line.contains("Slow/Step0") {
            let pid = child.id().to_string();
            let _ = std::process::Command::new("kill")
                .args(["-INT", &pid])
                .status();
            break;
        }
    }
    let out = child.wait_with_output().expect("stackdef exits");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{seen}\n{stdout}");
    assert!(
        stdout.contains("Slow is still CREATE_IN_PROGRESS in AWS"),
        "{stdout}"
    );
    assert!(
        stdout.contains("resume following with `stackdef watch Slow`"),
        "{stdout}"
    );
    let watched = ls.run(&["watch", "Slow", "--assembly", &slow]);
    watched.expect_code(0);
    assert!(
        watched.stdout.contains("Slow: CREATE_COMPLETE"),
        "{}",
        watched.stdout
    );
    // `watch` replays the operation from its start, so what happened while nobody was
    // following shows too, however far LocalStack got in the meantime.
    for step in ["Slow/Step0", "Slow/Step3"] {
        assert!(watched.stderr.contains(step), "{step}: {}", watched.stderr);
    }
}
