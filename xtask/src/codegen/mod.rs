//! `cargo xtask codegen [--check]`: typed L1 resource types for every CloudFormation type,
//! from the registry schemas bundled in cfn-lint.
//!
//! Writes `stackdef/src/cfn/**` (one module per service, one file per type, `ids.rs`,
//! `registry.rs`) and the service features of `stackdef/Cargo.toml`. `--check` generates
//! into a temporary directory and fails if anything committed differs.

pub mod emit;
pub mod fixups;
pub mod getatt;
pub mod ids;
pub mod input;
pub mod model;
pub mod names;
pub mod pattern;
pub mod registry;
pub mod rule_data;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use input::Input;

/// Services on by default: the ones stackdef's own constructs use.
pub const DEFAULT_SERVICES: &[&str] = &[
    "applicationautoscaling",
    "certificatemanager",
    "cloudfront",
    "cloudwatch",
    "codedeploy",
    "ec2",
    "ecr",
    "ecs",
    "elasticloadbalancingv2",
    "iam",
    "kms",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "ssm",
];

/// The crate holding the generated registry data.
const REGISTRY_DIR: &str = "stackdef-registry";

const FEATURES_BEGIN: &str = "# BEGIN generated service features";
const FEATURES_END: &str = "# END generated service features";

/// The generated tree: paths relative to the repository root -> contents.
#[derive(Debug, Default)]
pub struct Output {
    /// Rust files under `stackdef/src/cfn`.
    pub files: BTreeMap<PathBuf, String>,
    /// The features section of `stackdef/Cargo.toml` (between the markers, exclusive).
    pub features: String,
    /// Numbers for the report.
    pub stats: Stats,
}

/// Counts for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Resource types.
    pub types: usize,
    /// Services.
    pub services: usize,
    /// Id types.
    pub ids: usize,
    /// Patterns skipped because the `regex` crate does not compile them.
    pub skipped_patterns: usize,
}

/// Entry point.
pub fn run(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask codegen [--check]".into()),
    };
    let root = repo_root();
    let input = input::load()?;
    let output = generate(&input)?;
    let formatted = format_all(&output.files)?;
    if check {
        let diffs = compare(&root, &formatted, &output.features)?;
        if !diffs.is_empty() {
            return Err(format!(
                "generated code is stale ({} difference(s); run `cargo xtask codegen`):\n  {}",
                diffs.len(),
                diffs
                    .iter()
                    .take(20)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ));
        }
        eprintln!(
            "codegen: up to date ({} types, {} services)",
            output.stats.types, output.stats.services
        );
    } else {
        write(&root, &formatted, &output.features)?;
        let s = &output.stats;
        eprintln!(
            "codegen: {} types in {} services, {} id types; {} schema patterns skipped (not \
             supported by regex-lite)",
            s.types, s.services, s.ids, s.skipped_patterns
        );
    }
    Ok(())
}

/// The workspace root.
pub fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}

/// Generates everything (unformatted).
pub fn generate(input: &Input) -> Result<Output, String> {
    // Fixups first, so the id index sees them.
    let mut schemas: Vec<(String, serde_json::Value, String)> = Vec::new();
    let mut used = vec![false; fixups::ID_FORMATS.len()];
    for t in &input.types {
        let mut schema = t.schema.clone();
        fixups::apply(&t.type_name, &mut schema, &mut used)?;
        schemas.push((t.type_name.clone(), schema, t.sha256.clone()));
    }
    if let Some(i) = used.iter().position(|u| !u) {
        let r = &fixups::ID_FORMATS[i];
        return Err(format!(
            "fixup {:?} matches no type ({} is not in the schemas)",
            r.name, r.type_name
        ));
    }
    let ids = ids::IdIndex::build(schemas.iter().map(|(t, s, _)| (t.as_str(), s)))?;
    if let Some(t) = ids.unused_overrides.first() {
        return Err(format!("Ref override for {t} matches no type"));
    }
    // Id formats must resolve: a rule pointing at a type without an id is a bug.
    for r in fixups::ID_FORMATS {
        if ids.resolve_format(r.format).is_none() {
            return Err(format!(
                "fixup {:?}: format {} resolves to no id type",
                r.name, r.format
            ));
        }
    }

    let base = PathBuf::from("stackdef/src/cfn");
    let mut out = Output::default();
    let mut regex_ok = HashMap::new();
    let mut services: BTreeMap<String, (String, Vec<emit::ServiceType>)> = BTreeMap::new();
    let mut type_schemas = Vec::new();
    for (type_name, schema, sha) in &schemas {
        let m = model::build(type_name, schema, &ids, &mut regex_ok)?;
        out.stats.skipped_patterns += m.skipped_patterns;
        let service = names::service_module(type_name);
        let namespace = type_name
            .rsplit_once("::")
            .map(|(ns, _)| ns.to_owned())
            .unwrap_or_default();
        let module = names::field(names::short_name(type_name));
        let entry = services
            .entry(service.clone())
            .or_insert_with(|| (namespace, Vec::new()));
        if entry.1.iter().any(|(m2, ..)| *m2 == module) {
            return Err(format!(
                "{type_name}: module {service}::{module} generated twice"
            ));
        }
        entry.1.push((
            module.clone(),
            m.rust_name.clone(),
            m.props_name.clone(),
            type_name.clone(),
        ));
        out.files.insert(
            base.join(&service).join(format!("{module}.rs")),
            emit::type_file(&m, &input.version, sha),
        );
        let mut ts = registry::type_schema(&m);
        for name in getatt::extra_attributes(type_name, schema) {
            if !ts.attributes.iter().any(|a| a.name == name) {
                ts.attributes
                    .push(stackdef_registry::Attribute { name, id: None });
            }
        }
        type_schemas.push(ts);
        out.stats.types += 1;
    }
    for reserved in ["default", "default-services", "deploy", "cli"] {
        if services.contains_key(reserved) {
            return Err(format!(
                "service module {reserved} clashes with a cargo feature"
            ));
        }
    }
    for d in DEFAULT_SERVICES {
        if !services.contains_key(*d) {
            return Err(format!("default service {d} is not in the schemas"));
        }
    }
    for (service, (namespace, types)) in &services {
        out.files.insert(
            base.join(service).join("mod.rs"),
            emit::service_file(service, namespace, types, &input.version, &input.sha256),
        );
    }
    out.stats.services = services.len();
    out.stats.ids = ids.all.len();
    out.files.insert(
        base.join("ids.rs"),
        emit::ids_file(&ids, &input.version, &input.sha256),
    );
    let stateful = rule_data::stateful_types(&input.data_dir)?;
    for s in &mut type_schemas {
        s.stateful = stateful.contains(&s.type_name);
    }
    for (name, text) in rule_data::files(&input.data_dir)? {
        out.files
            .insert(PathBuf::from(REGISTRY_DIR).join("data").join(name), text);
    }
    let (data, index) = registry::data_files(
        &type_schemas,
        &emit::header(&input.version, "all types", &input.sha256),
    )?;
    out.files
        .insert(PathBuf::from(REGISTRY_DIR).join("data/types.jsonl"), data);
    out.files
        .insert(PathBuf::from(REGISTRY_DIR).join("src/index.rs"), index);
    out.files.insert(
        base.join("mod.rs"),
        root_module(&services, &input.version, &input.sha256),
    );
    out.features = features_section(services.keys());
    Ok(out)
}

fn root_module(
    services: &BTreeMap<String, (String, Vec<emit::ServiceType>)>,
    version: &str,
    sha: &str,
) -> String {
    let mut out = emit::header(version, "all types", sha);
    out.push_str(include_str!("root_doc.txt"));
    out.push_str("\npub mod ids;\n\nuse crate::value::{ToTemplate, Value};\n");
    out.push_str(emit::COMMON_TAG);
    out.push('\n');
    for (service, (namespace, _)) in services {
        out.push_str(&format!(
            "/// {} resource types.\n#[cfg(feature = \"{service}\")]\npub mod {service};\n",
            names::code(namespace)
        ));
    }
    out
}

fn features_section<'a>(services: impl Iterator<Item = &'a String>) -> String {
    let mut out = String::new();
    out.push_str(
        "# BEGIN generated service features (written by `cargo xtask codegen`; do not edit)\n",
    );
    let defaults: Vec<String> = DEFAULT_SERVICES
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect();
    out.push_str(&format!("default-services = [{}]\n", defaults.join(", ")));
    for s in services {
        out.push_str(&format!("{s} = []\n"));
    }
    out.push_str(FEATURES_END);
    out.push('\n');
    out
}

/// Formats one file's text with rustfmt reading standard input (no module walking).
fn format_stdin(text: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("writing to rustfmt: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("waiting for rustfmt: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt failed on a module file:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output: {e}"))
}

/// Runs rustfmt over the files (in a temporary directory) and returns the results.
pub fn format_all(files: &BTreeMap<PathBuf, String>) -> Result<BTreeMap<PathBuf, String>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("tempdir: {e}"))?;
    let mut paths = Vec::new();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        if rel.extension().is_none_or(|x| x != "rs") {
            // Data, not Rust.
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        } else if rel.ends_with("mod.rs") || rel.ends_with("index.rs") {
            // Formatted through stdin: rustfmt given the path would walk the children too.
            let formatted = format_stdin(text)?;
            std::fs::write(&p, formatted).map_err(|e| format!("{}: {e}", p.display()))?;
        } else {
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
            paths.push(p);
        }
    }
    let chunks: Vec<Vec<PathBuf>> = paths.chunks(64).map(<[PathBuf]>::to_vec).collect();
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let errors = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(chunk) = chunks.get(i) else { break };
                    let result = Command::new("rustfmt")
                        .args(["--edition", "2024"])
                        .args(chunk)
                        .output();
                    let failure = match result {
                        Ok(o) if o.status.success() => None,
                        Ok(o) => Some(String::from_utf8_lossy(&o.stderr).into_owned()),
                        Err(e) => Some(format!("cannot run rustfmt: {e}")),
                    };
                    if let Some(f) = failure
                        && let Ok(mut errs) = errors.lock()
                    {
                        errs.push(f);
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().unwrap_or_default();
    if !errors.is_empty() {
        return Err(format!("rustfmt failed:\n{}", errors.join("\n")));
    }
    let mut out = BTreeMap::new();
    for rel in files.keys() {
        let p = dir.path().join(rel);
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        out.insert(rel.clone(), text);
    }
    Ok(out)
}

fn existing_generated(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let base = root.join("stackdef/src/cfn");
    let mut stack = vec![base];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && let Ok(rel) = p.strip_prefix(root)
            {
                found.push(rel.to_path_buf());
            }
        }
    }
    found.sort();
    found
}

fn splice_features(manifest: &str, section: &str) -> Result<String, String> {
    let start = manifest
        .find(FEATURES_BEGIN)
        .ok_or("stackdef/Cargo.toml has no `# BEGIN generated service features` marker")?;
    let end_marker = manifest[start..]
        .find(FEATURES_END)
        .ok_or("stackdef/Cargo.toml has no `# END generated service features` marker")?;
    let mut end = start + end_marker + FEATURES_END.len();
    if manifest[end..].starts_with('\n') {
        end += 1;
    }
    Ok(format!(
        "{}{}{}",
        &manifest[..start],
        section,
        &manifest[end..]
    ))
}

/// Differences between the committed tree and `files`.
pub fn compare(
    root: &Path,
    files: &BTreeMap<PathBuf, String>,
    features: &str,
) -> Result<Vec<String>, String> {
    let mut diffs = Vec::new();
    for (rel, text) in files {
        match std::fs::read_to_string(root.join(rel)) {
            Ok(current) if current == *text => {}
            Ok(_) => diffs.push(format!("{} differs", rel.display())),
            Err(_) => diffs.push(format!("{} is missing", rel.display())),
        }
    }
    for rel in existing_generated(root) {
        if !files.contains_key(&rel) {
            diffs.push(format!("{} is not generated any more", rel.display()));
        }
    }
    let manifest_path = root.join("stackdef/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    if splice_features(&manifest, features)? != manifest {
        diffs.push("stackdef/Cargo.toml service features differ".into());
    }
    Ok(diffs)
}

fn write(root: &Path, files: &BTreeMap<PathBuf, String>, features: &str) -> Result<(), String> {
    for rel in existing_generated(root) {
        if !files.contains_key(&rel) {
            std::fs::remove_file(root.join(&rel)).map_err(|e| format!("{}: {e}", rel.display()))?;
        }
    }
    for (rel, text) in files {
        let p = root.join(rel);
        if std::fs::read_to_string(&p).is_ok_and(|c| c == *text) {
            continue;
        }
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    let manifest_path = root.join("stackdef/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let updated = splice_features(&manifest, features)?;
    if updated != manifest {
        std::fs::write(&manifest_path, updated)
            .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    }
    Ok(())
}
