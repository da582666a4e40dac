//! End to end on moto server: the real `stackdef` binary against a local CloudFormation API.
//!
//! What moto cannot show (covered on LocalStack or with SDK fakes): per-resource stack
//! events (it reports stack-level ones only), outputs after `ExecuteChangeSet`, the change
//! set's `Replacement` field, asynchronous operations, failures as `*_FAILED` states and
//! rollbacks (a failing resource makes the API call itself fail).

mod emulator;

use std::process::Stdio;

use emulator::{Emulator, Run, fixtures, serial};
use rexpect::process::WaitStatus;
use rexpect::session::PtySession;

#[test]
fn deploy_noop_update_diff_destroy() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let v1 = fixtures::synth(dir.path(), "v1", |app| fixtures::queue_app(app, 30));
    let v2 = fixtures::synth(dir.path(), "v2", |app| fixtures::queue_app(app, 60));
    let (v1, v2) = (
        v1.to_str().expect("utf-8 path"),
        v2.to_str().expect("utf-8 path"),
    );

    // Create.
    let first = moto.run(&["deploy", "--assembly", v1, "--json"]);
    first.expect_code(0);
    let report = first.json();
    assert_eq!(report["success"], true);
    assert_eq!(report["stacks"][0]["result"], "done");
    assert_eq!(report["stacks"][0]["status"], "CREATE_COMPLETE");

    // Again: no changes, exit 0, fast.
    let again = moto.run(&["deploy", "--assembly", v1, "--json"]);
    again.expect_code(0);
    assert_eq!(again.json()["stacks"][0]["result"], "no_changes");
    eprintln!("no-op deploy wall time on moto: {:?}", again.elapsed);

    // Forced change set with nothing to change: moto's FAILED "didn't contain changes".
    moto.run(&["deploy", "--assembly", v1, "--force"])
        .expect_code(0);

    // Diff against the changed app: one modified property.
    let diff = moto.run(&["diff", "--assembly", v2, "--json"]);
    diff.expect_code(0);
    let d = diff.json();
    let resources = d["stacks"][0]["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), 1, "{d:#}");
    assert_eq!(resources[0]["logical_id"], "Jobs");
    assert_eq!(resources[0]["change"], "modified");
    assert_eq!(resources[0]["properties"][0]["name"], "VisibilityTimeout");
    moto.run(&["diff", "--assembly", v2, "--fail"])
        .expect_code(1);
    let text = moto.run(&["diff", "--assembly", v2]);
    assert!(
        text.stdout.contains("VisibilityTimeout: 30 -> 60"),
        "{}",
        text.stdout
    );

    // Update.
    let update = moto.run(&["deploy", "--assembly", v2]);
    update.expect_code(0);
    assert!(update.stderr.contains("1 to modify"), "{}", update.stderr);
    assert!(
        update.stdout.contains("UPDATE_COMPLETE"),
        "{}",
        update.stdout
    );
    moto.run(&["diff", "--assembly", v2, "--fail"])
        .expect_code(0);

    // A role that grants something broadens access: without a terminal the default level
    // (`broadening`) refuses it with exit 3 and names the flag; nothing changes.
    let v3 = fixtures::synth(dir.path(), "v3", |app| {
        fixtures::queue_app_with_role(app, 60, &["sqs:ReceiveMessage"])
    });
    let v3 = v3.to_str().expect("utf-8 path");
    let broad = moto.run(&["deploy", "--assembly", v3]);
    broad.expect_code(3);
    for needle in [
        "Security changes",
        "Queues/Worker (Worker)",
        "Allow sqs:ReceiveMessage on *",
        "Not deploying Queues without approval",
        "pass --yes to approve it",
    ] {
        assert!(broad.stderr.contains(needle), "{needle}: {}", broad.stderr);
    }
    moto.run(&["diff", "--assembly", v2, "--fail"])
        .expect_code(0);
    // `never` does not ask; `--yes` is the explicit approval.
    let diff = moto.run(&["diff", "--assembly", v3, "--json"]);
    assert_eq!(
        diff.json()["stacks"][0]["security"][0]["broadening"],
        true,
        "{}",
        diff.stdout
    );
    moto.run(&["deploy", "--assembly", v3, "--yes"])
        .expect_code(0);
    // Taking the grant away again narrows access: no approval needed.
    moto.run(&["deploy", "--assembly", v2]).expect_code(0);

    // Destroy: the queue and log group hold data (DeletionPolicy Delete), so without a
    // terminal the deletion needs an explicit --yes.
    let refused = moto.run(&["destroy", "--assembly", v2]);
    refused.expect_code(3);
    assert!(
        refused
            .stderr
            .contains("Queues/AppLogs (AppLogs, AWS::Logs::LogGroup)"),
        "{}",
        refused.stderr
    );
    let destroy = moto.run(&["destroy", "--assembly", v2, "--yes", "--json"]);
    destroy.expect_code(0);
    assert_eq!(destroy.json()["stacks"][0]["status"], "DELETE_COMPLETE");
    let gone = moto.run(&["destroy", "--assembly", v2, "--json"]);
    gone.expect_code(0);
    assert_eq!(gone.json()["stacks"][0]["result"], "absent");

    // On the same server: the stateful guard.
    stateful_replacements_need_naming(&moto, dir.path());
}

/// A database replaced by a create-only property change, and a retained log group
/// renamed: both refused (exit 1) whatever their policies, with what the policy leaves
/// behind; `diff` gives the same verdicts; `--allow-replace` naming both lets the deploy
/// through. The NoEcho password shows in no output.
fn stateful_replacements_need_naming(moto: &Emulator, dir: &std::path::Path) {
    let v1 = fixtures::synth(dir, "db1", |app| {
        fixtures::database_app(app, "ledger", "/bank/audit")
    });
    let v2 = fixtures::synth(dir, "db2", |app| {
        fixtures::database_app(app, "ledger2", "/bank/audit-v2")
    });
    let (v1, v2) = (
        v1.to_str().expect("utf-8 path"),
        v2.to_str().expect("utf-8 path"),
    );
    let password = format!("DbPassword={}", fixtures::DB_PASSWORD);
    let mut runs = Vec::new();
    let created = moto.run(&["deploy", "--assembly", v1, "-p", &password]);
    created.expect_code(0);
    assert!(
        created.stderr.contains("DbPassword = ****"),
        "{}",
        created.stderr
    );
    runs.push(created);

    let diff = moto.run(&["diff", "--assembly", v2]);
    diff.expect_code(0);
    assert!(
        diff.stdout
            .contains("deploy refuses it without `--allow-replace Database`"),
        "{}",
        diff.stdout
    );
    let diff_json = moto.run(&["diff", "--assembly", v2, "--json"]);
    let verdicts: Vec<String> = diff_json.json()["stacks"][0]["refused_without_allowance"]
        .as_array()
        .expect("verdicts")
        .iter()
        .map(|v| v["logical_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    runs.push(diff);
    runs.push(diff_json);

    let refused = moto.run(&["deploy", "--assembly", v2, "--yes", "-p", &password]);
    refused.expect_code(1);
    for needle in [
        "replace Bank/Database (Database, AWS::RDS::DBInstance)",
        "becomes a new, empty one",
        "UpdateReplacePolicy Snapshot leaves only a snapshot",
        "pass `--allow-replace Database`",
        "replace Bank/Audit (Audit, AWS::Logs::LogGroup)",
        "UpdateReplacePolicy Retain leaves the old resource orphaned",
    ] {
        assert!(
            refused.stdout.contains(needle),
            "{needle}: {}",
            refused.stdout
        );
    }
    // The deploy refused exactly what diff announced.
    let mut announced = verdicts.clone();
    announced.sort();
    assert_eq!(announced, ["Audit", "Database"]);
    runs.push(refused);
    // One named is not enough.
    let one = moto.run(&[
        "deploy",
        "--assembly",
        v2,
        "--yes",
        "-p",
        &password,
        "--allow-replace",
        "Database",
        "--json",
    ]);
    one.expect_code(1);
    let error = one.json()["stacks"][0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.contains("--allow-replace Audit") && !error.contains("Bank/Database"),
        "{error}"
    );
    runs.push(one);

    let allowed = moto.run(&[
        "deploy",
        "--assembly",
        v2,
        "--yes",
        "-p",
        &password,
        "--allow-replace",
        "Bank/Database",
        "--allow-replace",
        "Audit",
        "--json",
    ]);
    allowed.expect_code(0);
    runs.push(allowed);
    for run in &runs {
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains(fixtures::DB_PASSWORD),
                "secret shown:\n{text}"
            );
        }
    }
    moto.run(&["destroy", "--assembly", v2, "--yes"])
        .expect_code(0);
}

#[test]
fn two_stacks_with_export_import_deploy_in_order() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "two", fixtures::two_stack_app);
    let asm = asm.to_str().expect("utf-8 path");

    // Several stacks: names or --all are required.
    moto.run(&["deploy", "--assembly", asm]).expect_code(2);

    let outputs_file = dir.path().join("out").join("outputs.json");
    std::fs::create_dir_all(dir.path().join("out")).expect("out dir");
    // A failed deploy writes no file.
    moto.run(&[
        "deploy",
        "--assembly",
        asm,
        "--all",
        "--require-approval",
        "any-change",
        "--outputs-file",
        outputs_file.to_str().expect("utf-8 path"),
    ])
    .expect_code(3);
    assert!(!outputs_file.exists());

    // moto records no outputs or exports after ExecuteChangeSet, so the import can only
    // resolve with the direct method (CreateStack), where it does.
    let run = moto.run(&[
        "deploy",
        "--assembly",
        asm,
        "--all",
        "--method",
        "direct",
        "--concurrency",
        "2",
        "--json",
        "--outputs-file",
        outputs_file.to_str().expect("utf-8 path"),
    ]);
    run.expect_code(0);
    let r = run.json();
    // Every deployed stack's outputs, as JSON (the producer's export among them).
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs_file).expect("outputs file"))
            .expect("outputs file is JSON");
    assert!(
        written["Producer"]
            .as_object()
            .is_some_and(|o| !o.is_empty()),
        "{written:#}"
    );
    assert_eq!(written["Consumer"], serde_json::json!({}), "{written:#}");
    let order: Vec<&str> = r["stacks"]
        .as_array()
        .expect("stacks")
        .iter()
        .map(|s| s["stack"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(order, ["Producer", "Consumer"]);
    // The consumer started only after the producer finished.
    let producer_line = run
        .stderr
        .find("Producer: CREATE_COMPLETE")
        .expect("producer finished");
    let consumer_start = run
        .stderr
        .find("Consumer (us-east-1)")
        .expect("consumer started");
    assert!(producer_line < consumer_start, "{}", run.stderr);

    // Naming only the consumer deploys its dependency too (here: no changes).
    let only = moto.run(&[
        "deploy",
        "Consumer",
        "--assembly",
        asm,
        "--method",
        "direct",
        "--json",
    ]);
    only.expect_code(0);
    assert_eq!(only.json()["stacks"].as_array().map(Vec::len), Some(2));

    // Destroying the producer alone would break the consumer: refused (exit 3, nothing
    // deleted), naming the dependant and the flag, with or without --yes.
    for extra in [None, Some("--yes")] {
        let mut args = vec!["destroy", "Producer", "--assembly", asm];
        args.extend(extra);
        let alone = moto.run(&args);
        alone.expect_code(3);
        assert!(
            alone.stderr.contains("has dependants (Consumer)")
                && alone.stderr.contains("--with-dependents"),
            "{}",
            alone.stderr
        );
    }
    // With the flag but no terminal and no --yes: still nothing without consent.
    let unconfirmed = moto.run(&[
        "destroy",
        "Producer",
        "--with-dependents",
        "--assembly",
        asm,
    ]);
    unconfirmed.expect_code(3);
    assert!(
        unconfirmed.stderr.contains("pass --yes to confirm"),
        "{}",
        unconfirmed.stderr
    );
    // Both still there; the consumer has no outputs, which `outputs` says (exit 0).
    let none = moto.run(&["outputs", "Consumer", "--assembly", asm]);
    none.expect_code(0);
    assert_eq!(none.stdout.trim(), "Stack Consumer has no outputs");

    // Destroy the producer with its dependants: they are listed before anything is
    // deleted, and the importer goes first.
    let destroy = moto.run(&[
        "destroy",
        "Producer",
        "--with-dependents",
        "--assembly",
        asm,
        "--yes",
        "--json",
    ]);
    destroy.expect_code(0);
    assert!(
        destroy
            .stderr
            .contains("the stacks that depend on it are destroyed first: Consumer"),
        "{}",
        destroy.stderr
    );
    let order: Vec<String> = destroy.json()["stacks"]
        .as_array()
        .expect("stacks")
        .iter()
        .map(|s| s["stack"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(order, ["Consumer", "Producer"]);
}

#[test]
fn large_template_goes_through_the_staging_bucket() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "large", fixtures::large_app);
    let asm = asm.to_str().expect("utf-8 path");

    let no_bucket = moto.run(&["deploy", "--assembly", asm]);
    no_bucket.expect_code(1);
    assert!(
        no_bucket.stdout.contains("over the 51,200 bytes"),
        "{}",
        no_bucket.stdout
    );
    let missing = moto.run(&[
        "deploy",
        "--assembly",
        asm,
        "--staging-bucket",
        "stage-here",
    ]);
    missing.expect_code(1);
    assert!(
        missing
            .stdout
            .contains("stackdef bootstrap --staging-bucket stage-here"),
        "{}",
        missing.stdout
    );

    moto.run(&["bootstrap", "--staging-bucket", "stage-here"])
        .expect_code(0);
    let deployed = moto.run(&[
        "deploy",
        "--assembly",
        asm,
        "--staging-bucket",
        "stage-here",
        "--json",
    ]);
    deployed.expect_code(0);
    assert_eq!(deployed.json()["stacks"][0]["status"], "CREATE_COMPLETE");
}

/// The bank app (`cargo run --quiet --example bank_stack`, from this repository's
/// stackdef.toml) synthesized by the CLI, diffed, deployed, and deployed again; then W3's
/// Jenkins app on the same server.
#[test]
fn example_apps_deploy_on_moto() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let synthesized = dir.path().join("bank");
    let root = emulator::repo_root();
    let synth = emulator::Run::of(
        moto.stackdef()
            .current_dir(&root)
            .args(["synth", "--json", "--output"])
            .arg(&synthesized),
    );
    synth.expect_code(0);
    let listed = synth.json();
    assert_eq!(listed["stacks"][0]["name"], "BankStack");
    assert!(
        listed["stacks"][0]["resources"].as_u64().unwrap_or(0) >= 40,
        "{listed:#}"
    );

    // As synthesized: the repository's default name (from its construct path) is one
    // moto accepts, as ECR does.
    let asm = synthesized.to_str().expect("utf-8 path");

    let diff = moto.run(&["diff", "--assembly", asm, "--json"]);
    diff.expect_code(0);
    assert_eq!(diff.json()["stacks"][0]["deployed"], false);

    let created = moto.run(&["deploy", "--assembly", asm, "--yes", "--json"]);
    created.expect_code(0);
    assert_eq!(created.json()["stacks"][0]["status"], "CREATE_COMPLETE");
    eprintln!("bank full deploy on moto: {:?}", created.elapsed);
    assert!(
        created.stderr.contains("BankStack/Database/Resource"),
        "plan shows construct paths"
    );

    let again = moto.run(&["deploy", "--assembly", asm, "--json"]);
    again.expect_code(0);
    assert_eq!(again.json()["stacks"][0]["result"], "no_changes");
    eprintln!("bank no-op deploy on moto: {:?}", again.elapsed);
    moto.run(&["diff", "--assembly", asm, "--fail"])
        .expect_code(0);

    // Not destroyed here: moto deletes the bank's resources in an order its own EC2
    // backend refuses (DependencyViolation on the VPC); destroy is covered above.

    jenkins_app_deploys_with_outputs(&moto, dir.path());
    alias_record_points_at_the_load_balancer(&moto, dir.path());
}

/// W5's Route 53 part on the same server: the alias record exists in the zone, with the
/// load balancer's name and zone id (taken from the load balancer, never typed). CloudFront,
/// CodeDeploy and ACM validation are not emulated by moto's CloudFormation (they are checked
/// at synth and in `examples/tests/blue_green.rs`).
fn alias_record_points_at_the_load_balancer(moto: &Emulator, dir: &std::path::Path) {
    let asm = fixtures::synth(dir, "edge", fixtures::alias_app);
    let asm = asm.to_str().expect("utf-8 path");
    deploy_directly(moto, asm);
    let o = outputs_of(moto, "Edge", asm);
    let zone = o["ZoneId"]
        .as_str()
        .expect("zone id")
        .trim_start_matches("/hostedzone/");
    assert_eq!(o["RecordName"], "www.bank.example.com");
    // Route 53's REST API, read back: the record moto's CloudFormation created.
    let port: u16 = moto
        .endpoint
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let body = get_body(port, &format!("/2013-04-01/hostedzone/{zone}/rrset"));
    let record = body
        .split("<ResourceRecordSet>")
        .find(|r| r.contains("<Name>www.bank.example.com.</Name>"))
        .unwrap_or_else(|| panic!("no alias record in the zone: {body}"));
    assert!(record.contains("<Type>A</Type>"), "{record}");
    assert!(record.contains("<AliasTarget>"), "{record}");
    assert!(record.contains("<DNSName>dualstack."), "{record}");
    let destroy = moto.run(&["destroy", "Edge", "--assembly", asm, "--yes"]);
    eprintln!("edge destroy on moto: exit {}", destroy.code);
}

/// `stackdef deploy --method direct` of the one stack in `asm` (moto's CloudFormation
/// returns no outputs for change sets), which must create it.
fn deploy_directly(moto: &Emulator, asm: &str) -> Run {
    let created = moto.run(&[
        "deploy",
        "--assembly",
        asm,
        "--yes",
        "--method",
        "direct",
        "--json",
    ]);
    created.expect_code(0);
    assert_eq!(created.json()["stacks"][0]["status"], "CREATE_COMPLETE");
    created
}

/// The outputs of `stack`, read with `stackdef outputs --json`.
fn outputs_of(moto: &Emulator, stack: &str, asm: &str) -> serde_json::Value {
    let outputs = moto.run(&["outputs", stack, "--assembly", asm, "--json"]);
    outputs.expect_code(0);
    outputs.json()
}

/// `GET path` on 127.0.0.1:port: the response body.
fn get_body(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/route53/aws4_request\r\n\r\n"
    )
    .expect("request");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("response");
    text.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or(text)
}

/// W3 (`examples/jenkins.rs`) on the same moto server: synthesized by the CLI from the
/// example, deployed, its outputs read, destroyed.
///
/// What moto cannot show: `AWS::EC2::KeyPair` (its CloudFormation skips the type, so the
/// generated key pair is taken out of the template here, with the agents' `KeyName`), the
/// outputs of a change set it executed (so this deploy is `--method direct`), instances
/// that boot and run their user data, Session Manager, and deleting a VPC in dependency
/// order (it refuses with DependencyViolation, which the destroy reports).
fn jenkins_app_deploys_with_outputs(moto: &Emulator, dir: &std::path::Path) {
    let synthesized = dir.join("jenkins");
    let root = emulator::repo_root();
    let synth = emulator::Run::of(
        moto.stackdef()
            .current_dir(&root)
            .args([
                "synth",
                "--json",
                "--app",
                "cargo run --quiet -p stackdef-examples --example jenkins",
                "--output",
            ])
            .arg(&synthesized),
    );
    synth.expect_code(0);
    assert_eq!(synth.json()["stacks"][0]["name"], "Jenkins");
    let without_keys = dir.join("jenkins-moto");
    without_key_pairs(&synthesized, &without_keys);
    let asm = without_keys.to_str().expect("utf-8 path");

    let created = deploy_directly(moto, asm);
    eprintln!("jenkins deploy on moto: {:?}", created.elapsed);

    let o = outputs_of(moto, "Jenkins", asm);
    let controller = o["ControllerPrivateIp"].as_str().unwrap_or_default();
    assert!(controller.starts_with("10."), "{o:#}");
    let tunnel = o["JenkinsTunnel"].as_str().unwrap_or_default();
    assert!(
        tunnel.contains("aws ssm start-session") && tunnel.contains(controller),
        "{o:#}"
    );

    let destroy = moto.run(&["destroy", "Jenkins", "--assembly", asm, "--yes"]);
    assert!(
        destroy.stdout.contains("Destroy stack Jenkins")
            || destroy.stderr.contains("Destroy stack Jenkins"),
        "{}{}",
        destroy.stdout,
        destroy.stderr
    );
    if destroy.code != 0 {
        // moto's own ordering problem, reported with its reason and the stack's name.
        let all = format!("{}{}", destroy.stdout, destroy.stderr);
        assert!(
            all.contains("Jenkins") && all.contains("DependencyViolation"),
            "{all}"
        );
    }
}

/// Copies the assembly in `from` to `to` without its `AWS::EC2::KeyPair` resources, which
/// moto's CloudFormation does not create: references to a key pair's name are dropped, and
/// its id in text becomes a placeholder.
fn without_key_pairs(from: &std::path::Path, to: &std::path::Path) {
    use stackdef::synth::assembly::{MANIFEST_FILE, Manifest, sha256_hex};
    std::fs::create_dir_all(to).expect("mkdir");
    let mut manifest: Manifest =
        serde_json::from_slice(&std::fs::read(from.join(MANIFEST_FILE)).expect("manifest"))
            .expect("manifest json");
    for stack in &mut manifest.stacks {
        let text = std::fs::read_to_string(from.join(&stack.template_file)).expect("template");
        let mut template: serde_json::Value = serde_json::from_str(&text).expect("template json");
        let resources = template["Resources"].as_object_mut().expect("resources");
        let key_pairs: Vec<String> = resources
            .iter()
            .filter(|(_, r)| r["Type"] == "AWS::EC2::KeyPair")
            .map(|(id, _)| id.clone())
            .collect();
        for id in &key_pairs {
            resources.remove(id);
            for r in resources.values_mut() {
                if let Some(props) = r.get_mut("Properties").and_then(|p| p.as_object_mut())
                    && props.get("KeyName") == Some(&serde_json::json!({"Ref": id}))
                {
                    props.remove("KeyName");
                }
            }
        }
        let mut text = serde_json::to_string_pretty(&template).expect("serialize");
        for id in &key_pairs {
            text = text.replace(&format!("${{{id}.KeyPairId}}"), "key-0123456789abcdef0");
        }
        stack.template_sha256 = sha256_hex(text.as_bytes());
        stack.template_size = text.len();
        std::fs::write(to.join(&stack.template_file), text).expect("write template");
    }
    std::fs::write(
        to.join(MANIFEST_FILE),
        serde_json::to_vec_pretty(&manifest).expect("serialize"),
    )
    .expect("write manifest");
}

/// A failing stack stops the stacks that depend on it, and the report says which did not run.
#[test]
fn failure_stops_dependants() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let asm = fixtures::synth(dir.path(), "failing", fixtures::failing_producer_app);
    let asm = asm.to_str().expect("utf-8 path");
    // Through a change set, a failed first create leaves no stack behind, and says so.
    let failed = moto.run(&["deploy", "Producer", "--assembly", asm, "--yes"]);
    failed.expect_code(1);
    assert!(
        failed.stdout.contains("was deleted"),
        "{}\n{}",
        failed.stdout,
        failed.stderr
    );
    assert!(
        !failed.stdout.contains("nothing was changed"),
        "{}",
        failed.stdout
    );
    let diff = moto.run(&["diff", "Producer", "--assembly", asm, "--json"]);
    diff.expect_code(0);
    assert_eq!(
        diff.json()["stacks"][0]["deployed"],
        false,
        "{}",
        diff.stdout
    );

    // Directly: the failure stops the dependant.
    let run = moto.run(&[
        "deploy",
        "--all",
        "--assembly",
        asm,
        "--method",
        "direct",
        "--json",
    ]);
    run.expect_code(1);
    let r = run.json();
    assert_eq!(r["success"], false);
    assert_eq!(r["stacks"][0]["stack"], "Producer");
    assert_eq!(r["stacks"][0]["result"], "failed");
    assert!(
        r["stacks"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("InvalidParameterException"),
        "{r:#}"
    );
    assert_eq!(r["stacks"][1]["stack"], "Consumer");
    assert_eq!(r["stacks"][1]["result"], "skipped");
    assert_eq!(
        r["stacks"][1]["reason"],
        "not deployed: depends on Producer, which did not deploy"
    );
    let text = moto.run(&["deploy", "--all", "--assembly", asm, "--method", "direct"]);
    assert!(
        text.stdout
            .contains("Consumer not deployed: depends on Producer"),
        "{}",
        text.stdout
    );
}

/// `stackdef ARGS` against `moto` on a pseudo-terminal, as a user at a shell runs it.
fn on_terminal(moto: &Emulator, args: &[&str]) -> PtySession {
    let mut cmd = moto.stackdef();
    cmd.args(args);
    // The harness closes stdin by default; here it must be the terminal.
    cmd.stdin(Stdio::inherit());
    rexpect::session::spawn_command(cmd, Some(60_000)).expect("spawn on a pseudo-terminal")
}

/// Waits for the end of the run and returns its exit code with everything it printed.
fn finish(mut session: PtySession) -> (i32, String) {
    let rest = session.exp_eof().expect("stackdef ends");
    match session.process().wait().expect("exit status") {
        WaitStatus::Exited(_, code) => (code, rest),
        other => panic!("stackdef did not exit normally: {other:?}\n{rest}"),
    }
}

/// Whether the `Queues` stack exists, asked without a terminal.
fn queues_exist(moto: &Emulator, assembly: &str) -> bool {
    let diff = moto.run(&["diff", "--assembly", assembly, "--json"]);
    diff.expect_code(0);
    diff.json()["stacks"][0]["deployed"]
        .as_bool()
        .expect("`deployed` in diff --json")
}

#[test]
fn prompts_on_a_terminal_ask_and_respect_the_answer() {
    let _serial = serial();
    let moto = Emulator::moto();
    let dir = tempfile::tempdir().expect("temp dir");
    let app = fixtures::synth(dir.path(), "app", |app| fixtures::queue_app(app, 30));
    let app = app.to_str().expect("utf-8 path");
    // The default level asks only about broadening changes; `any-change` asks always.
    let deploy = [
        "deploy",
        "--assembly",
        app,
        "--require-approval",
        "any-change",
    ];

    // Deploy: the plan, then a question; "n" changes nothing (exit 3) and leaves no
    // REVIEW_IN_PROGRESS stack behind.
    let mut session = on_terminal(&moto, &deploy);
    // Typed before the question: discarded, not taken as the answer.
    session.send_line("y").expect("type ahead");
    let plan = session
        .exp_string("Deploy these changes to Queues? [y/N]")
        .expect("deploy asks");
    assert!(plan.contains("Jobs"), "{plan}");
    session.send_line("n").expect("answer");
    let (code, _) = finish(session);
    assert_eq!(code, 3, "declined");
    assert!(
        !queues_exist(&moto, app),
        "a declined deploy created the stack"
    );

    // Ctrl-C at the question: exit 130 at once, and the stack created to hold the change
    // set is gone.
    let mut session = on_terminal(&moto, &deploy);
    session
        .exp_string("Deploy these changes to Queues? [y/N]")
        .expect("deploy asks");
    session.send_control('c').expect("Ctrl-C");
    let (code, out) = finish(session);
    assert_eq!(code, 130, "{out}");
    assert!(out.contains("interrupted before any change"), "{out}");
    assert!(
        !queues_exist(&moto, app),
        "an interrupted deploy left the stack"
    );

    // "y" deploys, with live progress on the terminal.
    let mut session = on_terminal(&moto, &deploy);
    session
        .exp_string("Deploy these changes to Queues? [y/N]")
        .expect("deploy asks");
    session.send_line("y").expect("answer");
    let (code, out) = finish(session);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("CREATE_COMPLETE"), "{out}");
    assert!(queues_exist(&moto, app));

    // Destroy names the data that goes with the stack and asks; "n" keeps everything.
    let mut session = on_terminal(&moto, &["destroy", "--assembly", app]);
    let question = session
        .exp_string("Destroy Queues and delete this data? [y/N]")
        .expect("destroy asks");
    assert!(question.contains("Stack Queues holds data"), "{question}");
    assert!(question.contains("AWS::Logs::LogGroup"), "{question}");
    session.send_line("n").expect("answer");
    let (code, _) = finish(session);
    assert_eq!(code, 3, "declined");
    assert!(
        queues_exist(&moto, app),
        "a declined destroy deleted the stack"
    );
    // Ctrl-C at the destroy question: 130, nothing deleted.
    let mut session = on_terminal(&moto, &["destroy", "--assembly", app]);
    session
        .exp_string("Destroy Queues and delete this data? [y/N]")
        .expect("destroy asks");
    session.send_control('c').expect("Ctrl-C");
    let (code, out) = finish(session);
    assert_eq!(code, 130, "{out}");
    assert!(
        queues_exist(&moto, app),
        "an interrupted destroy deleted the stack"
    );

    let mut session = on_terminal(&moto, &["destroy", "--assembly", app]);
    session
        .exp_string("Destroy Queues and delete this data? [y/N]")
        .expect("destroy asks");
    session.send_line("y").expect("answer");
    let (code, out) = finish(session);
    assert_eq!(code, 0, "{out}");
    assert!(!queues_exist(&moto, app), "the stack is still there");
}
