//! Secrets on screen: template parameters declared `NoEcho`, and masking their values in
//! any text the engine shows (plans, events, errors).

use serde_json::Value;

/// What a masked value is shown as.
pub const MASK: &str = "****";

/// Names of the parameters `template` declares `NoEcho` (`true` or `"true"`).
pub fn no_echo_parameters(template: &Value) -> Vec<String> {
    template
        .get("Parameters")
        .and_then(Value::as_object)
        .map(|ps| {
            ps.iter()
                .filter(|(_, p)| match p.get("NoEcho") {
                    Some(Value::Bool(b)) => *b,
                    Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
                    _ => false,
                })
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// `text` with every value of `secrets` replaced by [`MASK`] (empty values are ignored).
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    // Longest first, so a secret that contains another is masked whole.
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in sorted {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    out
}

/// The parameter values to show for a deploy: each `(name, value)` of `given`, with the
/// values of `NoEcho` parameters masked; parameters the template declares but the deploy
/// does not pass show their default (masked too when `NoEcho`).
pub fn shown_parameters(template: &Value, given: &[(String, String)]) -> Vec<(String, String)> {
    let hidden = no_echo_parameters(template);
    let declared = template
        .get("Parameters")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    declared
        .iter()
        .map(|(name, decl)| {
            let value = given
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    decl.get("Default").map(|d| match d {
                        Value::String(s) => format!("{s} (default)"),
                        other => format!("{other} (default)"),
                    })
                })
                .unwrap_or_else(|| "(no value)".into());
            let value = if hidden.contains(name) {
                MASK.to_owned()
            } else {
                value
            };
            (name.clone(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_echo_values_are_masked() {
        let t = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": true, "Default": "d3fault"},
            "Size": {"Type": "Number", "Default": 2}}});
        assert_eq!(no_echo_parameters(&t), ["Pw"]);
        assert_eq!(
            shown_parameters(&t, &[("Size".into(), "3".into())]),
            [
                ("Pw".to_owned(), "****".to_owned()),
                ("Size".to_owned(), "3".to_owned())
            ]
        );
        assert_eq!(
            mask(
                "value hunter22 and hunter2",
                &["hunter2".into(), "hunter22".into()]
            ),
            "value **** and ****"
        );
    }
}
