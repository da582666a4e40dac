//! Rust names for schema names, and doc-comment escaping.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type names the generated code uses unqualified; schema names equal to one are renamed.
pub const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Value",
    "List",
    "Map",
    "String",
    "Vec",
    "Box",
    "Self",
    "Result",
    "Ok",
    "Err",
    "Expr",
    "IndexMap",
    "Json",
    "ToTemplate",
];

/// `snake_case` field or method name, made a valid identifier.
pub fn field(name: &str) -> String {
    let mut s = name.to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("n{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// `UpperCamelCase` type name, made a valid identifier.
pub fn type_name(name: &str) -> String {
    let mut s: String = name
        .to_upper_camel_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if s.is_empty() {
        s = "Unnamed".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("T{s}");
    }
    s
}

/// An enum variant for an enum value (`"t2.micro"` -> `T2Micro`, `"HTTP"` -> `Http`).
pub fn variant(value: &str) -> String {
    let words: String = value
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut s = String::new();
    for word in words.split_whitespace() {
        s.push_str(&word.to_upper_camel_case());
    }
    if s.is_empty() {
        s = if value.is_empty() {
            "Empty".into()
        } else {
            "Symbol".into()
        };
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if s == "Self" || s == "Other" {
        s.push_str("Value");
    }
    s
}

/// Service module name: `AWS::EC2::Subnet` -> `ec2`, `Alexa::ASK::Skill` -> `alexa_ask`.
pub fn service_module(type_name: &str) -> String {
    let parts: Vec<&str> = type_name.split("::").collect();
    let raw = if parts.first() == Some(&"AWS") && parts.len() == 3 {
        parts[1].to_lowercase()
    } else {
        parts[..parts.len().saturating_sub(1)]
            .join("_")
            .to_lowercase()
    };
    let s: String = raw
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if KEYWORDS.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// The last segment of a type name (`Subnet`).
pub fn short_name(type_name: &str) -> &str {
    type_name.rsplit("::").next().unwrap_or(type_name)
}

/// Escapes text for a doc comment so rustdoc reads it as plain text.
pub fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' | '`' | '*' | '_' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// `text` as an inline code span (rustdoc-safe for any content).
pub fn code(text: &str) -> String {
    let mut ticks = 1;
    while text.contains(&"`".repeat(ticks)) {
        ticks += 1;
    }
    let fence = "`".repeat(ticks);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    let text = text.replace(['\n', '\r'], " ");
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Writes `lines` as `///` doc comment lines with the given indentation.
pub fn doc_comment(out: &mut String, indent: &str, lines: &[String]) {
    for line in lines {
        for part in line.split('\n') {
            if part.trim().is_empty() {
                out.push_str(indent);
                out.push_str("///\n");
            } else {
                out.push_str(indent);
                out.push_str("/// ");
                out.push_str(part.trim_end());
                out.push('\n');
            }
        }
    }
}

/// A Rust string literal for `s`.
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(field("DBSubnetGroupName"), "db_subnet_group_name");
        assert_eq!(field("Type"), "type_");
        assert_eq!(type_name("VPC"), "Vpc");
        assert_eq!(variant("t2.micro"), "T2Micro");
        assert_eq!(variant("HTTP"), "Http");
        assert_eq!(variant("1"), "V1");
        assert_eq!(variant(""), "Empty");
        assert_eq!(service_module("AWS::EC2::Subnet"), "ec2");
        assert_eq!(service_module("Alexa::ASK::Skill"), "alexa_ask");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(doc_text("a <b> [c]"), "a \\<b\\> \\[c\\]");
    }
}
