//! Offline graphs of an assembly: resources and the references between them within each
//! stack, and stacks with their dependencies, as Graphviz dot or Mermaid.

use std::collections::BTreeMap;

use serde_json::Value;
use stackdef_synth::assembly::{Assembly, AssemblyError};

use super::paths::construct_paths;

/// Output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz dot.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

/// One stack's resources and the references between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackGraph {
    /// Stack name.
    pub stack: String,
    /// Stacks it depends on.
    pub dependencies: Vec<String>,
    /// (logical id, type).
    pub resources: Vec<(String, String)>,
    /// Logical id -> construct path, for the resources that have one.
    pub paths: BTreeMap<String, String>,
    /// (from, to): `from` references `to` (Ref, GetAtt, Sub).
    pub edges: Vec<(String, String)>,
    /// (from, to): `from` names `to` in `DependsOn` without referencing it.
    pub depends_on: Vec<(String, String)>,
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("Ref", Value::String(target)) => out.push(target.clone()),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        if let Some(Value::String(t)) = parts.first() {
                            out.push(t.clone());
                        }
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        out.push(s.split('.').next().unwrap_or_default().to_owned())
                    }
                    ("Fn::Sub", v) => {
                        let text = match v {
                            Value::String(s) => Some(s.as_str()),
                            Value::Array(a) => a.first().and_then(Value::as_str),
                            _ => None,
                        };
                        for part in text.unwrap_or_default().split("${").skip(1) {
                            if let Some(end) = part.find('}') {
                                let name = &part[..end];
                                if !name.starts_with('!') {
                                    out.push(name.split('.').next().unwrap_or_default().to_owned());
                                }
                            }
                        }
                        if let Value::Array(a) = v {
                            for x in a.iter().skip(1) {
                                collect_refs(x, out);
                            }
                        }
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

/// The graph of every stack in `assembly`.
pub fn stack_graphs(assembly: &Assembly) -> Result<Vec<StackGraph>, AssemblyError> {
    let mut out = Vec::new();
    for artifact in &assembly.manifest.stacks {
        let template = assembly.template(artifact)?;
        let resources = template
            .get("Resources")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut g = StackGraph {
            stack: artifact.name.clone(),
            dependencies: artifact.dependencies.clone(),
            resources: Vec::new(),
            paths: construct_paths(artifact, Some(&template))
                .into_iter()
                .filter(|(id, _)| resources.contains_key(id))
                .collect(),
            edges: Vec::new(),
            depends_on: Vec::new(),
        };
        for (id, r) in &resources {
            g.resources.push((
                id.clone(),
                r.get("Type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ));
            let mut refs = Vec::new();
            for key in ["Properties", "Condition"] {
                if let Some(v) = r.get(key) {
                    collect_refs(v, &mut refs);
                }
            }
            for target in refs {
                if target != *id && resources.contains_key(&target) {
                    let edge = (id.clone(), target);
                    if !g.edges.contains(&edge) {
                        g.edges.push(edge);
                    }
                }
            }
            let explicit: Vec<String> = match r.get("DependsOn") {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            };
            for target in explicit {
                let edge = (id.clone(), target);
                if resources.contains_key(&edge.1)
                    && !g.edges.contains(&edge)
                    && !g.depends_on.contains(&edge)
                {
                    g.depends_on.push(edge);
                }
            }
        }
        out.push(g);
    }
    Ok(out)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text for a Graphviz HTML-like label.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text for a quoted Mermaid label (`"` and the characters Mermaid reads as markup
/// become entity codes).
fn mermaid_text(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn mermaid_id(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| {
            p.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("__")
}

/// A construct scope in a stack: the resources directly in it and its child scopes.
#[derive(Default)]
struct Scope {
    resources: Vec<usize>,
    children: BTreeMap<String, Scope>,
}

impl Scope {
    fn count(&self) -> usize {
        self.resources.len() + self.children.values().map(Scope::count).sum::<usize>()
    }
}

/// A resource's label text: its construct path within the stack (else its logical id),
/// then logical id and type.
fn names(g: &StackGraph, index: usize) -> (String, String) {
    let (id, t) = &g.resources[index];
    let prefix = format!("{}/", g.stack);
    match g.paths.get(id) {
        Some(p) => (
            p.strip_prefix(&prefix).unwrap_or(p).to_owned(),
            format!("{id} · {t}"),
        ),
        None => (id.clone(), t.clone()),
    }
}

/// The construct tree of a stack: each resource under the scopes of its construct path
/// (the stack and the resource's own segment left out).
fn scopes(g: &StackGraph) -> Scope {
    let mut root = Scope::default();
    let prefix = format!("{}/", g.stack);
    for (i, (id, _)) in g.resources.iter().enumerate() {
        let segments: Vec<&str> = g
            .paths
            .get(id)
            .map(|p| p.strip_prefix(&prefix).unwrap_or(p).split('/').collect())
            .unwrap_or_default();
        let mut scope = &mut root;
        if let Some((_, parents)) = segments.split_last() {
            for seg in parents {
                scope = scope.children.entry((*seg).to_owned()).or_default();
            }
        }
        scope.resources.push(i);
    }
    root
}

fn dot_scope(s: &mut String, g: &StackGraph, scope: &Scope, path: &str, depth: usize) {
    let pad = "  ".repeat(depth);
    for &i in &scope.resources {
        let (title, detail) = names(g, i);
        s.push_str(&format!(
            "{pad}{} [label=<{}<br/><font point-size=\"8\">{}</font>>];\n",
            quote(&format!("{}/{}", g.stack, g.resources[i].0)),
            html(&title),
            html(&detail)
        ));
    }
    for (name, child) in &scope.children {
        let child_path = format!("{path}/{name}");
        // A scope holding a single resource adds a box around one box: left out.
        if child.count() < 2 {
            dot_scope(s, g, child, &child_path, depth);
            continue;
        }
        s.push_str(&format!(
            "{pad}subgraph {} {{\n{pad}  label={};\n{pad}  style=rounded;\n",
            quote(&format!("cluster_{child_path}")),
            quote(name)
        ));
        dot_scope(s, g, child, &child_path, depth + 1);
        s.push_str(&format!("{pad}}}\n"));
    }
}

fn mermaid_scope(s: &mut String, g: &StackGraph, scope: &Scope, path: &str, depth: usize) {
    let pad = "  ".repeat(depth);
    for &i in &scope.resources {
        let (title, detail) = names(g, i);
        s.push_str(&format!(
            "{pad}{}[\"{}<br/><small>{}</small>\"]\n",
            mermaid_id(&[&g.stack, &g.resources[i].0]),
            mermaid_text(&title),
            mermaid_text(&detail)
        ));
    }
    for (name, child) in &scope.children {
        let child_path = format!("{path}/{name}");
        if child.count() < 2 {
            mermaid_scope(s, g, child, &child_path, depth);
            continue;
        }
        s.push_str(&format!(
            "{pad}subgraph {}[\"{}\"]\n",
            mermaid_id(&["scope", &child_path]),
            mermaid_text(name)
        ));
        mermaid_scope(s, g, child, &child_path, depth + 1);
        s.push_str(&format!("{pad}end\n"));
    }
}

/// Renders `graphs` in `format`: one cluster (subgraph) per stack, nested ones per
/// construct holding two or more resources; nodes labelled with their construct path,
/// then logical id and type; references as solid arrows, explicit `DependsOn` as dashed
/// ones, stack dependencies as bold ones between the stacks.
pub fn render(graphs: &[StackGraph], format: GraphFormat) -> String {
    let mut s = String::new();
    match format {
        GraphFormat::Dot => {
            s.push_str(
                "digraph stackdef {\n  rankdir=LR;\n  compound=true;\n  node [shape=box, style=rounded, fontsize=10, fontname=\"Helvetica\"];\n  graph [fontname=\"Helvetica\"];\n",
            );
            for g in graphs {
                s.push_str(&format!(
                    "  subgraph {} {{\n    label={};\n    fontsize=14;\n",
                    quote(&format!("cluster_{}", g.stack)),
                    quote(&format!("stack {}", g.stack))
                ));
                s.push_str(&format!(
                    "    {} [shape=box3d, label={}];\n",
                    quote(&g.stack),
                    quote(&g.stack)
                ));
                dot_scope(&mut s, g, &scopes(g), &g.stack, 2);
                s.push_str("  }\n");
                for (a, b) in &g.edges {
                    s.push_str(&format!(
                        "  {} -> {};\n",
                        quote(&format!("{}/{a}", g.stack)),
                        quote(&format!("{}/{b}", g.stack))
                    ));
                }
                for (a, b) in &g.depends_on {
                    s.push_str(&format!(
                        "  {} -> {} [style=dashed, label=\"DependsOn\", fontsize=8];\n",
                        quote(&format!("{}/{a}", g.stack)),
                        quote(&format!("{}/{b}", g.stack))
                    ));
                }
                for d in &g.dependencies {
                    s.push_str(&format!(
                        "  {} -> {} [style=dashed, penwidth=2, label=\"depends on\"];\n",
                        quote(&g.stack),
                        quote(d)
                    ));
                }
            }
            s.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            s.push_str("flowchart LR\n");
            for g in graphs {
                s.push_str(&format!(
                    "  subgraph {}[\"stack {}\"]\n",
                    mermaid_id(&["stack", &g.stack]),
                    mermaid_text(&g.stack)
                ));
                mermaid_scope(&mut s, g, &scopes(g), &g.stack, 2);
                s.push_str("  end\n");
                for (a, b) in &g.edges {
                    s.push_str(&format!(
                        "  {} --> {}\n",
                        mermaid_id(&[&g.stack, a]),
                        mermaid_id(&[&g.stack, b])
                    ));
                }
                for (a, b) in &g.depends_on {
                    s.push_str(&format!(
                        "  {} -. DependsOn .-> {}\n",
                        mermaid_id(&[&g.stack, a]),
                        mermaid_id(&[&g.stack, b])
                    ));
                }
                for d in &g.dependencies {
                    s.push_str(&format!(
                        "  {} == depends on ==> {}\n",
                        mermaid_id(&["stack", &g.stack]),
                        mermaid_id(&["stack", d])
                    ));
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_become_edges() {
        let mut refs = Vec::new();
        collect_refs(
            &json!({"A": {"Ref": "Q"}, "B": {"Fn::GetAtt": ["T", "Arn"]}, "C": {"Fn::Sub": "${U.Arn}/${AWS::Region}"}}),
            &mut refs,
        );
        assert_eq!(refs, vec!["Q", "T", "U", "AWS::Region"]);
        let g = StackGraph {
            stack: "S".into(),
            dependencies: vec!["P".into()],
            resources: vec![
                ("ApiRole".into(), "AWS::IAM::Role".into()),
                ("ApiFn".into(), "AWS::Lambda::Function".into()),
                ("Jobs".into(), "AWS::SQS::Queue".into()),
            ],
            paths: [
                ("ApiRole", "S/Api/Role"),
                ("ApiFn", "S/Api/Function"),
                ("Jobs", "S/Jobs"),
            ]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect(),
            edges: vec![("ApiFn".into(), "ApiRole".into())],
            depends_on: vec![("ApiFn".into(), "Jobs".into())],
        };
        let dot = render(std::slice::from_ref(&g), GraphFormat::Dot);
        assert!(
            dot.contains("\"S\" -> \"P\" [style=dashed, penwidth=2"),
            "{dot}"
        );
        // Construct path first, logical id second; no literal `\n` in any label.
        assert!(
            dot.contains(
                "label=<Api/Role<br/><font point-size=\"8\">ApiRole · AWS::IAM::Role</font>>"
            ),
            "{dot}"
        );
        assert!(!dot.contains("\\n"), "{dot}");
        // One cluster per stack, a nested one for the construct with two resources.
        assert!(dot.contains("subgraph \"cluster_S\""), "{dot}");
        assert!(dot.contains("subgraph \"cluster_S/Api\""), "{dot}");
        assert!(!dot.contains("cluster_S/Jobs"), "{dot}");
        // References solid, DependsOn dashed.
        assert!(dot.contains("\"S/ApiFn\" -> \"S/ApiRole\";"), "{dot}");
        assert!(
            dot.contains("\"S/ApiFn\" -> \"S/Jobs\" [style=dashed, label=\"DependsOn\""),
            "{dot}"
        );
        let mermaid = render(&[g], GraphFormat::Mermaid);
        assert!(
            mermaid.contains("stack__S == depends on ==> stack__P"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("S__ApiFn -. DependsOn .-> S__Jobs"),
            "{mermaid}"
        );
        // Balanced subgraphs.
        let opened = mermaid
            .lines()
            .filter(|l| l.trim_start().starts_with("subgraph "))
            .count();
        let closed = mermaid.lines().filter(|l| l.trim() == "end").count();
        assert_eq!((opened, closed), (2, 2), "{mermaid}");
    }
}
