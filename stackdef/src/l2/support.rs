//! Name rules shared by the L2 constructs.

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

/// Checks a name of 1 to 255 ASCII letters, digits, hyphens and underscores (ECS cluster,
/// service, task family and container names). Returns the problem, if any.
pub(crate) fn check_word_name(what: &str, name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (!ok).then(|| {
        format!("{what} `{name}` is invalid: 1 to 255 letters, digits, hyphens and underscores")
    })
}

/// A construct id made from an arbitrary label (no `/`).
pub(crate) fn id_part(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
