//! Text and JSON renderings of plans, diffs, stack lists, run reports and outputs.

use serde_json::{Value, json};
use stackdef_synth::assembly::Manifest;

use super::advice::describe;
use super::style::Style;
use stackdef_deploy::analysis::diff::ChangeKind;
use stackdef_deploy::analysis::graph::StackGraph;
use stackdef_deploy::analysis::plan::{Action, Plan, ReplacementSource};
use stackdef_deploy::analysis::security::SecurityChange;
use stackdef_deploy::analysis::stateful::is_stateful;
use stackdef_deploy::{DeployError, RunReport, StackDiff, StackOutcome, StackOutput, StackResult};

/// The planned changes of a change set.
pub fn plan_text(st: Style, plan: &Plan) -> String {
    let (add, modify, replace, remove) = plan.counts();
    let mut s = format!(
        "{}: {} to add, {} to modify, {} to replace, {} to remove{}\n",
        st.bold(&plan.stack),
        add,
        modify,
        replace,
        remove,
        if plan.creates_stack {
            " (new stack)"
        } else {
            ""
        }
    );
    s.push_str(&security_text(st, &plan.security));
    if !plan.parameters.is_empty() {
        s.push_str(&format!("  {}\n", st.bold("Parameters")));
        for (k, v) in &plan.parameters {
            s.push_str(&format!("    {k} = {v}\n"));
        }
    }
    if !plan.security.is_empty() || !plan.parameters.is_empty() {
        s.push_str(&format!("  {}\n", st.bold("Resources")));
    }
    for c in &plan.changes {
        let (mark, verb) = match c.action {
            Action::Add => (st.green("+"), st.green(&format!("{:<11}", c.action.verb()))),
            Action::Remove => (st.red("-"), st.red(&format!("{:<11}", c.action.verb()))),
            Action::Replace | Action::MaybeReplace => {
                (st.red("!"), st.red(&format!("{:<11}", c.action.verb())))
            }
            _ => (
                st.yellow("~"),
                st.yellow(&format!("{:<11}", c.action.verb())),
            ),
        };
        let name = match &c.construct_path {
            Some(p) => format!("{p} {}", st.dim(&format!("({})", c.logical_id))),
            None => c.logical_id.clone(),
        };
        s.push_str(&format!("  {mark} {verb} {:<32} {name}", c.type_name));
        if !c.properties.is_empty() {
            s.push_str(&format!("  [{}]", c.properties.join(", ")));
        }
        if c.replacement_source == ReplacementSource::Predicted {
            s.push_str(&st.dim("  (predicted from create-only properties)"));
        }
        if is_stateful(&c.type_name)
            && matches!(
                c.action,
                Action::Replace | Action::MaybeReplace | Action::Remove
            )
        {
            s.push_str(&st.red("  STATEFUL"));
        }
        s.push('\n');
    }
    s
}

/// The security summary: one row per IAM statement, network rule, resource policy
/// statement or public access setting the deploy adds, removes or changes, before → after;
/// `+` marks the ones that broaden access. Empty when there are none.
pub fn security_text(st: Style, changes: &[SecurityChange]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let broadening = changes.iter().filter(|c| c.broadening).count();
    let mut s = format!(
        "  {} ({} change{}, {broadening} broadening access, marked +)\n",
        st.bold("Security changes"),
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
    );
    let name = |c: &SecurityChange| match &c.construct_path {
        Some(p) => format!("{p} ({})", c.logical_id),
        None => c.logical_id.clone(),
    };
    let width = changes
        .iter()
        .map(|c| name(c).chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for c in changes {
        let mark = if c.broadening {
            st.red("+")
        } else {
            st.green("-")
        };
        s.push_str(&format!(
            "    {mark} {:<7} {:<width$} {}: {} → {}\n",
            c.kind.label(),
            name(c),
            c.facet,
            c.before.as_deref().unwrap_or("(none)"),
            c.after.as_deref().unwrap_or("(none)"),
        ));
    }
    s
}

fn security_json(changes: &[SecurityChange]) -> Value {
    json!(
        changes
            .iter()
            .map(|c| json!({
                "kind": c.kind.label(),
                "logical_id": c.logical_id,
                "path": c.construct_path,
                "type": c.type_name,
                "facet": c.facet,
                "before": c.before,
                "after": c.after,
                "broadening": c.broadening,
            }))
            .collect::<Vec<_>>()
    )
}

fn compact(v: &Option<Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > 120 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(117).map_or(s.len(), |(i, _)| i)]
                )
            } else {
                s
            }
        }
    }
}

fn kind_word(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Modified => "modified",
    }
}

/// Diffs as coloured text.
pub fn diff_text(st: Style, diffs: &[StackDiff]) -> String {
    let mut s = String::new();
    for d in diffs {
        s.push_str(&format!(
            "{}{}\n",
            st.bold(&format!("Stack {}", d.stack)),
            if d.deployed { "" } else { " (not deployed)" }
        ));
        for h in &d.held_back {
            s.push_str(&format!("  {}\n", st.dim(&h.message())));
        }
        if d.diff.is_empty() {
            s.push_str(&format!("  {}\n", st.green("no differences")));
            continue;
        }
        s.push_str(&security_text(st, &d.security));
        for r in &d.diff.resources {
            let mark = match r.kind {
                ChangeKind::Added => st.green("[+]"),
                ChangeKind::Removed => st.red("[-]"),
                ChangeKind::Modified => st.yellow("[~]"),
            };
            let path = r
                .construct_path
                .as_deref()
                .map(|p| format!(" {}", st.dim(p)))
                .unwrap_or_default();
            s.push_str(&format!("  {mark} {} {}{path}", r.type_name, r.logical_id));
            if r.replacement {
                s.push_str(&format!(" {}", st.red("REPLACEMENT")));
            }
            s.push('\n');
            // The deploy's own verdict: the same function decides for both.
            if let Some(p) = d.protected.iter().find(|p| p.logical_id == r.logical_id) {
                let flag = if p.loss.is_replacement() {
                    "--allow-replace"
                } else {
                    "--allow-remove"
                };
                s.push_str(&format!(
                    "      {} {}; deploy refuses it without `{flag} {}`\n",
                    st.red("stateful, data would be lost:"),
                    p.consequence(),
                    r.logical_id
                ));
            }
            for p in &r.properties {
                let note = if p.causes_replacement {
                    st.red(" (replaces)")
                } else {
                    String::new()
                };
                s.push_str(&format!(
                    "      {} {}: {} {} {}{note}\n",
                    st.yellow("~"),
                    p.name,
                    st.red(&compact(&p.old)),
                    "->",
                    st.green(&compact(&p.new))
                ));
            }
        }
        for e in &d.diff.entries {
            let mark = match e.kind {
                ChangeKind::Added => st.green("[+]"),
                ChangeKind::Removed => st.red("[-]"),
                ChangeKind::Modified => st.yellow("[~]"),
            };
            s.push_str(&format!("  {mark} {} {}", e.section, e.name));
            if e.kind == ChangeKind::Modified {
                s.push_str(&format!(
                    ": {} -> {}",
                    st.red(&compact(&e.old)),
                    st.green(&compact(&e.new))
                ));
            }
            s.push('\n');
        }
    }
    s
}

/// Diffs as JSON.
pub fn diff_json(diffs: &[StackDiff]) -> Value {
    json!({
        "stacks": diffs.iter().map(|d| json!({
            "stack": d.stack,
            "deployed": d.deployed,
            "differences": !d.diff.is_empty(),
            "security": security_json(&d.security),
            "not_applied": d.held_back.iter().map(|h| json!({
                "logical_id": h.logical_id,
                "path": h.construct_path,
                "properties": h.properties,
                "owned_by": h.managed_by.service,
                "message": h.message(),
            })).collect::<Vec<_>>(),
            "refused_without_allowance": d.protected.iter().map(|p| json!({
                "logical_id": p.logical_id,
                "path": p.construct_path,
                "type": p.type_name,
                "loss": p.loss.verb(),
                "policy": p.policy,
                "consequence": p.consequence(),
            })).collect::<Vec<_>>(),
            "resources": d.diff.resources.iter().map(|r| json!({
                "logical_id": r.logical_id,
                "type": r.type_name,
                "path": r.construct_path,
                "change": kind_word(r.kind),
                "replacement": r.replacement,
                "stateful": r.stateful,
                "properties": r.properties.iter().map(|p| json!({
                    "name": p.name, "old": p.old, "new": p.new, "replaces": p.causes_replacement,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "entries": d.diff.entries.iter().map(|e| json!({
                "section": e.section, "name": e.name, "change": kind_word(e.kind), "old": e.old, "new": e.new,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Stacks, environments and dependencies.
pub fn list_text(st: Style, manifest: &Manifest) -> String {
    let mut s = String::new();
    for a in &manifest.stacks {
        let env = format!(
            "{}/{}",
            a.environment.account.as_deref().unwrap_or("(any account)"),
            a.environment
                .region
                .as_deref()
                .unwrap_or("(default region)")
        );
        s.push_str(&format!(
            "{:<28} {:<36} {:>4} resources",
            st.bold(&a.name),
            env,
            a.resources.len()
        ));
        if !a.dependencies.is_empty() {
            s.push_str(&format!("  depends on: {}", a.dependencies.join(", ")));
        }
        s.push('\n');
    }
    s
}

/// The stack list as JSON.
pub fn list_json(manifest: &Manifest) -> Value {
    json!({
        "stacks": manifest.stacks.iter().map(|a| json!({
            "name": a.name,
            "account": a.environment.account,
            "region": a.environment.region,
            "dependencies": a.dependencies,
            "resources": a.resources.len(),
            "template_size": a.template_size,
            "requires_upload": a.requires_upload,
        })).collect::<Vec<_>>(),
    })
}

fn outcome_word(r: &StackResult) -> (&'static str, Option<&str>) {
    match r {
        StackResult::Ok(StackOutcome::Done { status, .. }) => ("done", Some(status.as_str())),
        StackResult::Ok(StackOutcome::NoChanges { .. }) => ("no_changes", None),
        StackResult::Ok(StackOutcome::Absent) => ("absent", None),
        StackResult::Ok(StackOutcome::Declined) => ("declined", None),
        // Interrupted before anything started: an empty status, as ever.
        StackResult::Ok(StackOutcome::Interrupted { status }) => (
            "interrupted",
            Some(status.as_ref().map_or("", |s| s.as_str())),
        ),
        StackResult::Failed(_) => ("failed", None),
        StackResult::Skipped { .. } => ("skipped", None),
        // An outcome newer than this CLI.
        _ => ("other", None),
    }
}

fn outputs_map(outputs: &[StackOutput]) -> Value {
    Value::Object(
        outputs
            .iter()
            .map(|o| (o.key.clone(), Value::String(o.value.clone())))
            .collect(),
    )
}

/// A deploy or destroy report as text.
pub fn report_text(st: Style, report: &RunReport) -> String {
    let mut s = String::new();
    for r in &report.stacks {
        let time = st.dim(&format!("({:.1}s)", r.elapsed.as_secs_f64()));
        match &r.result {
            StackResult::Ok(StackOutcome::Done { status, outputs }) => {
                s.push_str(&format!(
                    "{} {} {} {time}\n",
                    st.green("✓"),
                    st.bold(&r.stack),
                    st.status(status.as_str())
                ));
                for o in outputs {
                    s.push_str(&format!("    {} = {}\n", o.key, o.value));
                }
            }
            StackResult::Ok(StackOutcome::NoChanges { outputs }) => {
                s.push_str(&format!(
                    "{} {} no changes {time}\n",
                    st.green("✓"),
                    st.bold(&r.stack)
                ));
                for o in outputs {
                    s.push_str(&format!("    {} = {}\n", o.key, o.value));
                }
            }
            StackResult::Ok(StackOutcome::Absent) => s.push_str(&format!(
                "{} {} does not exist; nothing to do\n",
                st.green("✓"),
                st.bold(&r.stack)
            )),
            StackResult::Ok(StackOutcome::Declined) => s.push_str(&format!(
                "{} {} declined; nothing changed\n",
                st.yellow("-"),
                st.bold(&r.stack)
            )),
            StackResult::Ok(StackOutcome::Interrupted { status: None }) => {
                s.push_str(&format!(
                    "{} {} interrupted before any change\n",
                    st.yellow("!"),
                    st.bold(&r.stack)
                ));
            }
            StackResult::Ok(StackOutcome::Interrupted {
                status: Some(status),
            }) => {
                s.push_str(&format!(
                    "{} {} is still {} in AWS (following stopped); resume following with `stackdef watch {}`\n",
                    st.yellow("!"),
                    st.bold(&r.stack),
                    status.as_str(),
                    r.stack
                ));
            }
            StackResult::Failed(e) => {
                s.push_str(&format!(
                    "{} {} {}\n",
                    st.red("✗"),
                    st.bold(&r.stack),
                    st.red(&describe(e))
                ));
            }
            StackResult::Skipped { reason } => {
                s.push_str(&format!(
                    "{} {} {reason}\n",
                    st.yellow("-"),
                    st.bold(&r.stack)
                ));
            }
            other => s.push_str(&format!(
                "{} {} {other:?}\n",
                st.yellow("?"),
                st.bold(&r.stack)
            )),
        }
    }
    s
}

/// A deploy or destroy report as JSON.
pub fn report_json(report: &RunReport) -> Value {
    json!({
        "success": report.succeeded(),
        "stacks": report.stacks.iter().map(|r| {
            let (result, status) = outcome_word(&r.result);
            let mut v = json!({
                "stack": r.stack,
                "region": r.region,
                "result": result,
                "status": status,
                "elapsed_ms": r.elapsed.as_millis() as u64,
            });
            match &r.result {
                StackResult::Ok(StackOutcome::Done { outputs, .. } | StackOutcome::NoChanges { outputs }) => {
                    v["outputs"] = outputs_map(outputs);
                }
                StackResult::Failed(e) => {
                    v["error"] = json!(describe(e));
                    if let DeployError::StackFailed(f) = e {
                        v["status"] = json!(f.status);
                        v["first_failure"] = json!(f.first_failure.as_ref().map(|ev| json!({
                            "logical_id": ev.logical_id,
                            "path": ev.construct_path,
                            "type": ev.type_name,
                            "status": ev.status,
                            "reason": ev.reason,
                        })));
                    }
                }
                StackResult::Skipped { reason } => v["reason"] = json!(reason),
                _ => {}
            }
            v
        }).collect::<Vec<_>>(),
    })
}

/// Outputs as text.
pub fn outputs_text(st: Style, stacks: &[(String, Vec<StackOutput>)]) -> String {
    let mut s = String::new();
    let many = stacks.len() > 1;
    for (stack, outputs) in stacks {
        if many {
            s.push_str(&format!("{}\n", st.bold(stack)));
        }
        if outputs.is_empty() && many {
            s.push_str(&format!("  {}\n", st.dim("(no outputs)")));
        }
        for o in outputs {
            s.push_str(&format!(
                "{}{} = {}\n",
                if many { "  " } else { "" },
                o.key,
                o.value
            ));
        }
    }
    s
}

/// Outputs as JSON: `{stack: {key: value}}`.
pub fn outputs_json(stacks: &[(String, Vec<StackOutput>)]) -> Value {
    Value::Object(
        stacks
            .iter()
            .map(|(s, o)| (s.clone(), outputs_map(o)))
            .collect(),
    )
}

/// Stack graphs as JSON.
pub fn graph_json(graphs: &[StackGraph]) -> Value {
    json!({"stacks": graphs.iter().map(|s| json!({
        "stack": s.stack,
        "dependencies": s.dependencies,
        "resources": s.resources.iter().map(|(id, t)| json!({"logical_id": id, "type": t, "path": s.paths.get(id)})).collect::<Vec<_>>(),
        "edges": s.edges,
        "depends_on": s.depends_on,
    })).collect::<Vec<_>>()})
}

#[cfg(test)]
mod tests {
    use stackdef_deploy::analysis::plan::{Action, PlannedChange, ReplacementSource};
    use stackdef_deploy::analysis::security::SecurityKind;

    use super::*;

    #[test]
    fn diffs_say_what_the_deploy_would_not_apply() {
        use stackdef_deploy::analysis::managed::HeldBack;
        use stackdef_synth::manifest::ManagedBy;
        let diffs = [StackDiff {
            stack: "BankApp".into(),
            deployed: true,
            diff: Default::default(),
            protected: Vec::new(),
            security: Vec::new(),
            held_back: vec![HeldBack {
                logical_id: "Service".into(),
                construct_path: Some("BankApp/Api/Service".into()),
                properties: vec!["TaskDefinition".into()],
                managed_by: ManagedBy {
                    service: "CodeDeploy".into(),
                    properties: vec!["TaskDefinition".into()],
                    deployed_by: Some("BankApp/Api/BlueGreen".into()),
                    how_to_change: "release it through the pipeline".into(),
                },
            }],
        }];
        let text = diff_text(Style { color: false }, &diffs);
        assert_eq!(
            text,
            "Stack BankApp\n  not applied: TaskDefinition of BankApp/Api/Service (owned by \
             CodeDeploy through BankApp/Api/BlueGreen); release it through the pipeline\n  \
             no differences\n"
        );
        let json = diff_json(&diffs);
        assert_eq!(
            json["stacks"][0]["not_applied"][0]["properties"],
            serde_json::json!(["TaskDefinition"])
        );
        assert_eq!(
            json["stacks"][0]["not_applied"][0]["owned_by"],
            "CodeDeploy"
        );
    }

    #[test]
    fn plans_show_security_changes_and_masked_parameters_above_resources() {
        let plan = Plan {
            stack: "Api".into(),
            creates_stack: false,
            change_set_id: String::new(),
            changes: vec![PlannedChange {
                logical_id: "Ingress".into(),
                construct_path: Some("Api/Sg".into()),
                type_name: "AWS::EC2::SecurityGroup".into(),
                action: Action::Modify,
                properties: vec!["SecurityGroupIngress".into()],
                replacement_source: ReplacementSource::ChangeSet,
            }],
            security: vec![SecurityChange {
                kind: SecurityKind::Network,
                logical_id: "Ingress".into(),
                construct_path: Some("Api/Sg".into()),
                type_name: "AWS::EC2::SecurityGroup".into(),
                facet: "SecurityGroupIngress".into(),
                before: Some("ingress tcp port 443 from 10.0.0.0/8".into()),
                after: Some("ingress tcp port 443 from 0.0.0.0/0 (open to the internet)".into()),
                broadening: true,
            }],
            parameters: vec![("DbPassword".into(), "****".into())],
        };
        let text = plan_text(Style::detect(true, false), &plan);
        let security = text
            .find("Security changes (1 change, 1 broadening")
            .unwrap_or(usize::MAX);
        let resources = text.find("  Resources").unwrap_or(0);
        assert!(security < resources, "{text}");
        assert!(
            text.contains("+ network Api/Sg (Ingress) SecurityGroupIngress: ingress tcp port 443 from 10.0.0.0/8 → ingress tcp port 443 from 0.0.0.0/0 (open to the internet)"),
            "{text}"
        );
        assert!(text.contains("DbPassword = ****"), "{text}");
    }
}
