//! Offline graphs of an assembly: resources and the references between them within each
//! stack, and stacks with their dependencies, as Graphviz dot or Mermaid.

use serde_json::Value;
use stackdef_synth::assembly::{Assembly, AssemblyError};

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
    /// (from, to): `from` references `to` (Ref, GetAtt, Sub or DependsOn).
    pub edges: Vec<(String, String)>,
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
            edges: Vec::new(),
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
            match r.get("DependsOn") {
                Some(Value::String(s)) => refs.push(s.clone()),
                Some(Value::Array(a)) => {
                    refs.extend(a.iter().filter_map(Value::as_str).map(str::to_owned))
                }
                _ => {}
            }
            for target in refs {
                if target != *id && resources.contains_key(&target) {
                    let edge = (id.clone(), target);
                    if !g.edges.contains(&edge) {
                        g.edges.push(edge);
                    }
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

/// Renders `graphs` in `format`.
pub fn render(graphs: &[StackGraph], format: GraphFormat) -> String {
    let mut s = String::new();
    match format {
        GraphFormat::Dot => {
            s.push_str("digraph stackdef {\n  rankdir=LR;\n  node [shape=box, fontsize=10];\n");
            for g in graphs {
                s.push_str(&format!(
                    "  subgraph {} {{\n    label={};\n",
                    quote(&format!("cluster_{}", g.stack)),
                    quote(&g.stack)
                ));
                s.push_str(&format!(
                    "    {} [shape=box3d, label={}];\n",
                    quote(&g.stack),
                    quote(&g.stack)
                ));
                for (id, t) in &g.resources {
                    s.push_str(&format!(
                        "    {} [label={}];\n",
                        quote(&format!("{}/{id}", g.stack)),
                        quote(&format!("{id}\\n{t}"))
                    ));
                }
                s.push_str("  }\n");
                for (a, b) in &g.edges {
                    s.push_str(&format!(
                        "  {} -> {};\n",
                        quote(&format!("{}/{a}", g.stack)),
                        quote(&format!("{}/{b}", g.stack))
                    ));
                }
                for d in &g.dependencies {
                    s.push_str(&format!(
                        "  {} -> {} [style=dashed, label=\"depends on\"];\n",
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
                    "  subgraph {}[\"{}\"]\n",
                    mermaid_id(&["stack", &g.stack]),
                    g.stack
                ));
                for (id, t) in &g.resources {
                    s.push_str(&format!(
                        "    {}[\"{id}<br/>{t}\"]\n",
                        mermaid_id(&[&g.stack, id])
                    ));
                }
                s.push_str("  end\n");
                for (a, b) in &g.edges {
                    s.push_str(&format!(
                        "  {} --> {}\n",
                        mermaid_id(&[&g.stack, a]),
                        mermaid_id(&[&g.stack, b])
                    ));
                }
                for d in &g.dependencies {
                    s.push_str(&format!(
                        "  {} -. depends on .-> {}\n",
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
            resources: vec![("A".into(), "AWS::SQS::Queue".into())],
            edges: vec![],
        };
        assert!(render(std::slice::from_ref(&g), GraphFormat::Dot).contains("\"S\" -> \"P\""));
        assert!(render(&[g], GraphFormat::Mermaid).contains("stack__S -. depends on .-> stack__P"));
    }
}
