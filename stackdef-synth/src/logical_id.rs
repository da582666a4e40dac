//! Logical ids: a readable part from the construct path plus a short hash of the full path.
//!
//! These ids are frozen: changing how they are made replaces resources in users' accounts.
//! `tests/logical_ids.rs` pins them.

/// CloudFormation's maximum logical id length.
pub const MAX_LOGICAL_ID_LEN: usize = 255;
const HASH_LEN: usize = 8;

/// Path components that only group a construct's main resource; they add nothing to the id.
const HIDDEN_COMPONENTS: [&str; 2] = ["Resource", "Default"];

/// Whether `id` is a valid logical id (alphanumeric ASCII, 1..=255 characters).
pub fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LOGICAL_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Why `id` is not a valid logical id, if it is not.
pub fn invalid_reason(id: &str) -> Option<String> {
    if id.is_empty() {
        Some("logical ids cannot be empty".into())
    } else if id.len() > MAX_LOGICAL_ID_LEN {
        Some(format!(
            "{} characters; at most {MAX_LOGICAL_ID_LEN} are allowed",
            id.len()
        ))
    } else if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Some("only ASCII letters and digits are allowed".into())
    } else {
        None
    }
}

/// The logical id for a resource at `path` (components below its stack).
///
/// A single component (a resource directly in the stack) is used verbatim. Deeper paths
/// give `<readable><HASH>`: the components with non-alphanumerics removed (and `Resource`
/// / `Default` dropped), then the first 8 hex digits of the SHA-256 of the path joined by `/`.
pub fn derive(path: &[String]) -> String {
    if let [only] = path {
        return only.clone();
    }
    let mut readable = String::new();
    let mut previous: Option<&str> = None;
    for component in path {
        if HIDDEN_COMPONENTS.contains(&component.as_str()) || previous == Some(component.as_str()) {
            continue;
        }
        previous = Some(component);
        readable.extend(component.chars().filter(char::is_ascii_alphanumeric));
    }
    readable.truncate(MAX_LOGICAL_ID_LEN - HASH_LEN);
    readable.push_str(&path_hash(path));
    readable
}

/// First 8 uppercase hex digits of the SHA-256 of the components joined by `/`.
pub fn path_hash(path: &[String]) -> String {
    let mut hasher = hmac_sha256::Hash::new();
    for (i, component) in path.iter().enumerate() {
        if i > 0 {
            hasher.update(b"/");
        }
        hasher.update(component.as_bytes());
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(HASH_LEN);
    for byte in &digest[..HASH_LEN / 2] {
        out.push_str(&format!("{byte:02X}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn top_level_id_is_verbatim() {
        assert_eq!(derive(&p(&["Vpc"])), "Vpc");
    }

    #[test]
    fn nested_ids_drop_resource_and_punctuation() {
        let id = derive(&p(&["Vpc", "Resource"]));
        assert!(id.starts_with("Vpc") && id.len() == 11, "{id}");
        let id = derive(&p(&["Bank-Env", "Public Subnet1", "Subnet"]));
        assert!(id.starts_with("BankEnvPublicSubnet1Subnet"), "{id}");
        assert!(is_valid(&id));
    }

    #[test]
    fn long_paths_stay_within_limit() {
        let long = "X".repeat(300);
        let id = derive(&p(&[&long, "Y"]));
        assert_eq!(id.len(), MAX_LOGICAL_ID_LEN);
        assert!(is_valid(&id));
    }
}
