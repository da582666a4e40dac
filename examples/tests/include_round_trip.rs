//! `stackdef::include` keeps a template as it is: every template the project synthesizes
//! (the example snapshots) and every hand-written valid template of the rule corpus, adopted
//! into a new stack, synthesizes to the same template (resources, parameters, conditions,
//! mappings, outputs and intrinsics), apart from the construct path stackdef writes.

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};
use stackdef::include::IncludedTemplate;
use stackdef::synth::manifest::PATH_METADATA_KEY;
use stackdef::{App, Env};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The template text of an insta snapshot (after its header).
fn snapshot_body(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read snapshot");
    let mut parts = text.splitn(3, "---\n");
    parts.next();
    parts.next();
    parts.next().expect("a snapshot body").to_owned()
}

fn templates() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let snapshots = crate_dir().join("tests/snapshots");
    let corpus = crate_dir().join("../stackdef-check/tests/templates/valid");
    for (dir, is_snapshot) in [(snapshots, true), (corpus, false)] {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            if is_snapshot && name.ends_with(".template.json.snap") {
                found.push((name, snapshot_body(&path)));
            } else if !is_snapshot && name.ends_with(".json") {
                found.push((name, std::fs::read_to_string(&path).expect("read template")));
            }
        }
    }
    found
}

/// The template in a form where equal meaning is equal JSON: a `DependsOn` string is a
/// one-item list, and `Fn::Sub` is its sequence of text and references (stackdef writes
/// `${Name}` where a template may pass `{"Name": {"Ref": ...}}`, and names other
/// variables `VarN`).
fn canonical(value: Json) -> Json {
    match value {
        Json::Object(map) => {
            if let Some(sub) = map.get("Fn::Sub").filter(|_| map.len() == 1) {
                return json!({ "Fn::Sub (parts)": sub_parts(sub) });
            }
            map.into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("DependsOn", Json::String(s)) => (k, json!([s])),
                    (_, v) => (k, canonical(v)),
                })
                .collect()
        }
        Json::Array(items) => Json::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// The parts of an `Fn::Sub`: literal text and the values its variables stand for.
fn sub_parts(sub: &Json) -> Vec<Json> {
    let (text, vars) = match sub {
        Json::String(t) => (t.as_str(), serde_json::Map::new()),
        Json::Array(a) => (
            a.first().and_then(Json::as_str).unwrap_or_default(),
            a.get(1)
                .and_then(Json::as_object)
                .cloned()
                .unwrap_or_default(),
        ),
        _ => return vec![sub.clone()],
    };
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        literal.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        if let Some(escaped) = after.strip_prefix('!') {
            literal.push_str("${");
            rest = escaped;
            continue;
        }
        let Some(end) = after.find('}') else {
            literal.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        if !literal.is_empty() {
            parts.push(json!(std::mem::take(&mut literal)));
        }
        parts.push(match (vars.get(name), name.split_once('.')) {
            (Some(v), _) => canonical(v.clone()),
            (None, Some((id, attr))) => json!({"Fn::GetAtt": [id, attr]}),
            (None, None) => json!({"Ref": name}),
        });
        rest = &after[end + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        parts.push(json!(literal));
    }
    parts
}

/// The template without the construct paths stackdef writes into resources' metadata.
fn without_paths(mut template: Json) -> Json {
    if let Some(resources) = template.get_mut("Resources").and_then(Json::as_object_mut) {
        for r in resources.values_mut() {
            let Some(r) = r.as_object_mut() else { continue };
            if let Some(Json::Object(m)) = r.get_mut("Metadata") {
                m.remove(PATH_METADATA_KEY);
                if m.is_empty() {
                    r.remove("Metadata");
                }
            }
        }
    }
    template
}

/// Where `a` and `b` first differ, with both values there.
fn first_difference(a: &Json, b: &Json, at: String) -> Option<String> {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for (k, v) in x {
                let here = format!("{at}.{k}");
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, here) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{here}: missing after include")),
                }
            }
            let extra: Vec<&String> = y.keys().filter(|k| !x.contains_key(*k)).collect();
            (!extra.is_empty()).then(|| format!("{at}: added by include: {extra:?}"))
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, format!("{at}[{i}]"))),
        _ => (a != b).then(|| format!("{at}: {a} became {b}")),
    }
}

#[test]
fn every_template_survives_include_unchanged() {
    let templates = templates();
    assert!(
        templates.len() > 40,
        "found only {} templates",
        templates.len()
    );
    let mut failures = Vec::new();
    for (name, text) in &templates {
        let original: Json = serde_json::from_str(text).expect("template JSON");
        let app = App::new();
        let stack = app.stack("Included", Env::region("us-east-1"));
        let included = IncludedTemplate::from_str(&stack, "Template", text);
        assert!(included.resource_ids().count() > 0, "{name}: no resources");
        let out = match app.synthesize() {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("{name}: synth failed: {e}"));
                continue;
            }
        };
        let again = out.stack("Included").expect("stack").template.clone();
        let (a, b) = (
            canonical(without_paths(original)),
            canonical(without_paths(again)),
        );
        if let Some(at) = first_difference(&a, &b, String::new()) {
            failures.push(format!("{name}: {at}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
