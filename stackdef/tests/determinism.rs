//! Synthesis is byte-identical on every run: two fresh apps built the same way write the
//! same files, whatever order hash maps iterate in.

use std::collections::BTreeMap;
use std::path::Path;

use stackdef::fns::{self, Condition};
use stackdef::value::Json;
use stackdef::{
    App, CfnCondition, CfnOutput, CfnParameter, CfnResource, Env, Node, RemovalPolicy, sub,
};

/// An app with many resources, references inside and across stacks, exports, explicit
/// dependencies, conditions and parameters.
fn build() -> App {
    let app = App::new();
    let env = Env::aws("123456789012", "eu-west-1");
    let stacks: Vec<_> = (0..4)
        .map(|s| app.stack(&format!("Det{s}"), env.clone()))
        .collect();
    let mut all: Vec<Vec<CfnResource>> = Vec::new();
    for (s, stack) in stacks.iter().enumerate() {
        let p = CfnParameter::new(stack, "Stage", "String").default_value("dev");
        let c = CfnCondition::new(
            stack,
            "IsProd",
            Condition::equals(p.value::<String>(), "prod"),
        );
        let mut mine: Vec<CfnResource> = Vec::new();
        for g in 0..6 {
            let group = Node::new(stack, &format!("Group{g}"));
            for i in 0..20 {
                let r = CfnResource::new(&group, &format!("Item{i}"), "AWS::SQS::Queue");
                r.set_property(
                    "QueueName",
                    sub!["q-", p.value::<String>(), "-", fns::region()],
                );
                if let Some(prev) = mine.last() {
                    r.set_property("RedrivePolicy", prev.get_att::<String>("Arn"));
                }
                if i % 7 == 3 {
                    r.add_depends_on(&mine[mine.len() / 2]);
                    r.set_condition(&c);
                    r.apply_removal_policy(RemovalPolicy::Retain);
                }
                // References into every earlier stack, some repeated (one export each).
                let mut tags: Vec<Json> = Vec::new();
                for (earlier, resources) in all.iter().enumerate() {
                    if (i + g + earlier) % 5 == 0 {
                        let target = &resources[(i * 7 + g) % resources.len()];
                        tags.push(tag(
                            format!("From{earlier}"),
                            sub![
                                "x-",
                                target.ref_value::<String>(),
                                "-",
                                target.get_att::<String>("Arn")
                            ],
                        ));
                        tags.push(tag(
                            format!("Arn{earlier}"),
                            target.get_att::<String>("Arn"),
                        ));
                    }
                }
                if !tags.is_empty() {
                    r.set_property("Tags", tags);
                }
                mine.push(r);
            }
        }
        CfnOutput::new(stack, "Last", mine[mine.len() - 1].ref_value::<String>())
            .export_name(format!("det-{s}-last"));
        all.push(mine);
    }
    app
}

/// A `{ "Key": key, "Value": value }` tag.
fn tag(key: String, value: impl Into<Json>) -> Json {
    Json::object([("Key", Json::from(key)), ("Value", value.into())])
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read file"),
            )
        })
        .collect()
}

#[test]
fn two_fresh_apps_write_identical_bytes() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let report_a = build().synth_to(a.path()).expect("synth a");
    let report_b = build().synth_to(b.path()).expect("synth b");
    assert_eq!(report_a.manifest, report_b.manifest);
    let (fa, fb) = (files(a.path()), files(b.path()));
    let names: Vec<&String> = fa.keys().collect();
    assert_eq!(
        names,
        [
            "Det0.template.json",
            "Det1.template.json",
            "Det2.template.json",
            "Det3.template.json",
            "manifest.json",
        ]
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two runs");
    }
    // The app really exercises exports and dependencies.
    let m = &report_a.manifest;
    assert_eq!(m.stacks[3].dependencies.len(), 3);
    let t1: serde_json::Value = serde_json::from_slice(&fa["Det1.template.json"]).expect("json");
    let exports = t1["Outputs"].as_object().expect("outputs");
    assert!(exports.keys().filter(|k| k.starts_with("Export")).count() > 10);
}

#[test]
fn repeated_synth_of_one_app_is_identical() {
    // Synthesizing the same app again (e.g. `stackdef synth` twice in one process) gives
    // the same output; many hash maps with fresh random seeds are involved each time.
    let app = build();
    let first = app.synthesize().expect("synth");
    for _ in 0..5 {
        let again = app.synthesize().expect("synth");
        for (x, y) in first.stacks.iter().zip(&again.stacks) {
            assert_eq!(x.template_json, y.template_json);
            assert_eq!(x.artifact, y.artifact);
        }
    }
}

#[test]
fn output_is_pinned_across_machines() {
    // A hash of the whole assembly for this app: equal on every machine and platform.
    // If it changes, the output format or the logical ids changed, which replaces users'
    // resources or breaks their diffs: review before updating it.
    let dir = tempfile::tempdir().expect("tempdir");
    let report = build().synth_to(dir.path()).expect("synth");
    let hashes: Vec<(String, String)> = report
        .manifest
        .stacks
        .iter()
        .map(|s| (s.name.clone(), s.template_sha256[..16].to_string()))
        .collect();
    insta::assert_debug_snapshot!("determinism_template_hashes", hashes);
}
