//! Template sections: parameter defaults within their own constraints, outputs that are
//! strings.

use stackdef_synth::{Expr, ParameterModel};

use crate::catalog;
use crate::view::ModelView;
use crate::{Finding, Subject};

pub(crate) fn check(v: &ModelView<'_>, out: &mut Vec<Finding>) {
    for (i, p) in v.model.parameters.iter().enumerate() {
        if let Some(problem) = default_problem(p) {
            out.push(Finding::new(
                catalog::PARAMETER_DEFAULT_NOT_ALLOWED,
                Subject::Parameter(i),
                "Default",
                problem,
            ));
        }
    }
    for (i, o) in v.model.outputs.iter().enumerate() {
        let kind = match &o.value {
            Expr::List(_) | Expr::GetAzs(_) | Expr::Split(..) | Expr::Cidr(..) => Some("a list"),
            Expr::Map(_) => Some("an object"),
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(Finding::new(
                catalog::OUTPUT_NOT_STRING,
                Subject::Output(i),
                "Value",
                format!(
                    "output {} is {kind}; outputs are strings (join a list with Fn::Join)",
                    o.id
                ),
            ));
        }
    }
}

/// Why a parameter's default breaks its own constraints, if it does.
fn default_problem(p: &ParameterModel) -> Option<String> {
    let default = p.default.as_ref()?;
    let text = match default {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let list = p.type_name.starts_with("List<") || p.type_name == "CommaDelimitedList";
    let values: Vec<&str> = if list {
        text.split(',').map(str::trim).collect()
    } else {
        vec![text.as_str()]
    };
    for value in values {
        if !p.allowed_values.is_empty()
            && !p.allowed_values.iter().any(|a| match a {
                serde_json::Value::String(s) => s == value,
                // Numbers and booleans are compared as the text CloudFormation passes.
                other => format!("{other}") == value,
            })
        {
            return Some(format!(
                "the default `{value}` of {} is not one of its allowed values",
                p.id
            ));
        }
        let n = value.chars().count() as u32;
        if p.min_length.is_some_and(|m| n < m) || p.max_length.is_some_and(|m| n > m) {
            return Some(format!(
                "the default of {} is {n} characters long, outside its MinLength/MaxLength",
                p.id
            ));
        }
        if p.type_name == "Number"
            && let Ok(x) = value.parse::<f64>()
            && (p.min_value.is_some_and(|m| x < m) || p.max_value.is_some_and(|m| x > m))
        {
            return Some(format!(
                "the default {x} of {} is outside its MinValue/MaxValue",
                p.id
            ));
        }
        if let Some(pattern) = &p.allowed_pattern
            && let Ok(re) = regex_lite::Regex::new(&format!("^(?:{pattern})$"))
            && !re.is_match(value)
        {
            return Some(format!(
                "the default `{value}` of {} does not match its AllowedPattern {pattern}",
                p.id
            ));
        }
    }
    None
}
