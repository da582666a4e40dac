//! Schema patterns, written for Python's `re` (cfn-lint), made into patterns the synth-time
//! check compiles with `regex-lite`.
//!
//! Two differences matter. `\Z` (end of input) is `\z`. And `regex-lite` knows only ASCII
//! for `\w`, `\d` and `\s`, where Python's `re` matches any Unicode letter, digit or space:
//! each becomes a class that also takes every non-ASCII character, so a value CloudFormation
//! accepts is never refused (the check may let a rare non-ASCII mistake through instead).
//! Unicode categories in a class (`\p{L}`) become their ASCII members plus every non-ASCII
//! character, on the same reasoning. A pattern that still does not compile (look-arounds,
//! negated categories) is not checked at all.

/// Non-ASCII characters, added to the ASCII-only classes.
const NON_ASCII: &str = r"\x{80}-\x{10FFFF}";

/// The ASCII members of the Unicode general categories the schemas use in classes
/// (`\p{L}`: letters, ...); non-ASCII characters are added as a whole.
fn category_ascii(name: &str) -> Option<&'static str> {
    Some(match name {
        "L" => "A-Za-z",
        "N" => "0-9",
        "Z" => " ",
        "M" => "",
        "P" => r##"!"#%&'()*,\-./:;?@\[\\\]_{}"##,
        "S" => r"$+<=>^`|~",
        _ => return None,
    })
}

/// The pattern as `regex-lite` should see it.
pub fn translate(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars().peekable();
    let mut in_class = false;
    // In a negated class, adding characters to the class would refuse more: there the
    // ASCII-only classes already refuse less than Python does, and are left alone.
    let mut negated = false;
    // Inside a class, the first `]` (after `[` or `[^`) is a literal.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('Z') => out.push_str(r"\z"),
                Some(k @ ('w' | 'd' | 's')) => {
                    if in_class {
                        out.push('\\');
                        out.push(k);
                        if !negated {
                            out.push_str(NON_ASCII);
                        }
                    } else {
                        out.push_str(&format!("[\\{k}{NON_ASCII}]"));
                    }
                    class_start = false;
                }
                Some('p') if !negated && chars.peek() == Some(&'{') => {
                    // `\p{L}` and friends: their ASCII members, and every non-ASCII one.
                    chars.next();
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    match category_ascii(&name) {
                        Some(ascii) if in_class => {
                            out.push_str(ascii);
                            out.push_str(NON_ASCII);
                        }
                        Some(ascii) => out.push_str(&format!("[{ascii}{NON_ASCII}]")),
                        // Unknown to the translation: keep it, and the pattern is skipped.
                        None => out.push_str(&format!("\\p{{{name}}}")),
                    }
                    class_start = false;
                }
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                    class_start = false;
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                negated = false;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    negated = true;
                    chars.next();
                }
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(']');
            }
            other => {
                out.push(other);
                class_start = false;
            }
        }
    }
    out
}

/// Whether the check can use the pattern (it compiles, into a small enough program).
pub fn compiles(p: &str) -> bool {
    regex_lite::RegexBuilder::new(p)
        .size_limit(1 << 20)
        .build()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_anchor_and_ascii_classes() {
        assert_eq!(translate(r"^[a-z]{1,5}\Z"), r"^[a-z]{1,5}\z");
        assert_eq!(translate(r"a\\Z"), r"a\\Z");
        assert_eq!(translate(r"^\w+$"), r"^[\w\x{80}-\x{10FFFF}]+$");
        assert_eq!(translate(r"^[\w.-]+$"), r"^[\w\x{80}-\x{10FFFF}.-]+$");
        assert_eq!(translate(r"[]\d]"), r"[]\d\x{80}-\x{10FFFF}]");
        assert_eq!(translate(r"^[^\s]*$"), r"^[^\s]*$");
        assert_eq!(
            translate(r"^[\p{L}\p{N}_]*$"),
            r"^[A-Za-z\x{80}-\x{10FFFF}0-9\x{80}-\x{10FFFF}_]*$"
        );
        // Negated: left as it is, and skipped (regex-lite has no `\p`).
        assert_eq!(translate(r"[^\p{C}]+"), r"[^\p{C}]+");
    }
}
