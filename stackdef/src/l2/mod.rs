//! Small helpers shared by the hand-written (L2) constructs.

use stackdef_synth::{ErrorKind, Expr, SourceLocation, SynthError};

use crate::construct::Node;

/// A JSON object expression from `(key, value)` pairs, skipping `None`s.
pub(crate) fn obj<I>(pairs: I) -> Expr
where
    I: IntoIterator<Item = (&'static str, Option<Expr>)>,
{
    Expr::Map(
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
            .collect(),
    )
}

/// A string expression.
pub(crate) fn s(v: impl Into<String>) -> Option<Expr> {
    Some(Expr::String(v.into()))
}

/// A list expression.
pub(crate) fn list(items: impl IntoIterator<Item = Expr>) -> Option<Expr> {
    Some(Expr::List(items.into_iter().collect()))
}

/// Records a construct error about `node`, located at `location` (the user's call).
pub(crate) fn report_at(node: &Node, location: SourceLocation, message: impl Into<String>) {
    let path = node.path();
    node.app.borrow_mut().model.errors.push(SynthError::new(
        ErrorKind::Construct {
            message: message.into(),
        },
        Some(path),
        Some(location),
    ));
}

/// Checks an AWS resource name: 1..=`max` characters of letters, digits and hyphens, not
/// starting or ending with a hyphen. Returns the problem, if any.
pub(crate) fn check_hyphen_name(what: &str, name: &str, max: usize) -> Option<String> {
    if name.is_empty() || name.len() > max {
        return Some(format!(
            "{what} `{name}` is {} characters long; AWS allows 1 to {max}",
            name.len()
        ));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Some(format!(
            "{what} `{name}` may contain only ASCII letters, digits and hyphens"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some(format!("{what} `{name}` cannot start or end with a hyphen"));
    }
    None
}

/// A construct id made from an arbitrary label (no `/`).
pub(crate) fn id_part(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
