//! Synth-time checks of literal property values against the registry schemas.
//!
//! Generated L1 types describe each property's rules ([`Rules`]: pattern, length, range,
//! allowed integers, list size) and implement [`Check`]; [`apply`] runs the checks when a
//! resource is created and records each violation on the resource, so all of them are
//! reported together at synth with the construct path and the user's source line.
//! Expressions are never checked: their value is unknown until deploy.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use indexmap::IndexMap;
use regex::Regex;

use crate::Expr;
use crate::resource::CfnResource;
use crate::value::{ToTemplate, Value};

/// What the schema allows for one value. Fields left `None` (or empty) are not checked.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// Minimum length in characters.
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    pub max_length: Option<u64>,
    /// A regular expression the string must match (searched, as in JSON Schema).
    pub pattern: Option<&'static str>,
    /// Smallest allowed number.
    pub minimum: Option<f64>,
    /// Largest allowed number.
    pub maximum: Option<f64>,
    /// The allowed integers, when the schema lists them.
    pub one_of: &'static [i64],
    /// Minimum number of list items.
    pub min_items: Option<u64>,
    /// Maximum number of list items.
    pub max_items: Option<u64>,
    /// Rules for each list item or map value.
    pub items: Option<&'static Rules>,
    /// A string format the schema names (addresses and CIDR blocks).
    pub format: Option<StringFormat>,
}

impl Rules {
    /// No rules.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        pattern: None,
        minimum: None,
        maximum: None,
        one_of: &[],
        min_items: None,
        max_items: None,
        items: None,
        format: None,
    };
}

/// A string format named by a schema's `format` and checked on literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringFormat {
    /// An IPv4 address (`10.0.0.1`).
    Ipv4,
    /// An IPv6 address (`2001:db8::1`).
    Ipv6,
    /// An IPv4 CIDR block (`10.0.0.0/16`).
    Ipv4Network,
    /// An IPv6 CIDR block (`2001:db8::/56`).
    Ipv6Network,
}

impl StringFormat {
    /// Whether `s` is written in this format.
    pub fn accepts(self, s: &str) -> bool {
        use std::net::{Ipv4Addr, Ipv6Addr};
        // Only plain decimal prefixes: `u8::from_str` would also take "+8".
        let prefix_at_most = |p: &str, max: u8| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u8>().is_ok_and(|n| n <= max)
        };
        match self {
            StringFormat::Ipv4 => s.parse::<Ipv4Addr>().is_ok(),
            StringFormat::Ipv6 => s.parse::<Ipv6Addr>().is_ok(),
            StringFormat::Ipv4Network => s
                .split_once('/')
                .is_some_and(|(a, p)| a.parse::<Ipv4Addr>().is_ok() && prefix_at_most(p, 32)),
            StringFormat::Ipv6Network => s
                .split_once('/')
                .is_some_and(|(a, p)| a.parse::<Ipv6Addr>().is_ok() && prefix_at_most(p, 128)),
        }
    }

    /// What a value in this format looks like, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            StringFormat::Ipv4 => "an IPv4 address such as 10.0.0.1",
            StringFormat::Ipv6 => "an IPv6 address such as 2001:db8::1",
            StringFormat::Ipv4Network => "an IPv4 CIDR block such as 10.0.0.0/16 (prefix 0-32)",
            StringFormat::Ipv6Network => "an IPv6 CIDR block such as 2001:db8::/56 (prefix 0-128)",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
    Key(&'a str),
}

/// Where a value sits in a resource's properties (`Tags[0].Key`), built lazily: the text
/// is only assembled when a violation is reported.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

impl<'a> Path<'a> {
    /// The properties of a resource.
    pub fn root() -> Path<'static> {
        Path {
            parent: None,
            segment: Segment::Root,
        }
    }

    /// A property of the object at this path.
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// An item of the list at this path.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// A value of the map at this path.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    fn render_into(&self, out: &mut String) {
        if let Some(p) = self.parent {
            p.render_into(out);
        }
        match self.segment {
            Segment::Root => {}
            Segment::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            Segment::Key(k) => {
                out.push('[');
                out.push_str(&format!("{k:?}"));
                out.push(']');
            }
        }
    }

    /// The path as text (`Tags[0].Key`).
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }
}

/// Collected violations: `(property path, message)`.
#[derive(Debug, Default)]
pub struct Violations(pub Vec<(String, String)>);

impl Violations {
    /// Records a violation at `path`.
    pub fn push(&mut self, path: &Path<'_>, message: String) {
        self.0.push((path.render(), message));
    }
}

/// A value whose literal parts can be checked against [`Rules`].
pub trait Check {
    /// Records every violation of `rules` (and of nested types' own rules) in `out`.
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations);
}

impl<T: Check> Check for Value<T> {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        if let Some(v) = self.as_literal() {
            Check::check(v, path, rules, out);
        }
    }
}

impl<T: Check> Check for Option<T> {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        if let Some(v) = self {
            Check::check(v, path, rules, out);
        }
    }
}

impl<T: Check> Check for Vec<T> {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        let n = self.len() as u64;
        if let Some(min) = rules.min_items
            && n < min
        {
            out.push(path, format!("has {n} item(s); at least {min} required"));
        }
        if let Some(max) = rules.max_items
            && n > max
        {
            out.push(path, format!("has {n} item(s); at most {max} allowed"));
        }
        let item_rules = rules.items.unwrap_or(&Rules::NONE);
        for (i, item) in self.iter().enumerate() {
            Check::check(item, &path.index(i), item_rules, out);
        }
    }
}

impl<T: Check> Check for IndexMap<String, T> {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        let item_rules = rules.items.unwrap_or(&Rules::NONE);
        for (k, v) in self {
            Check::check(v, &path.key(k), item_rules, out);
        }
    }
}

impl Check for String {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        check_str(self, path, rules, out);
    }
}

impl Check for i64 {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        if !rules.one_of.is_empty() && !rules.one_of.contains(self) {
            let allowed: Vec<String> = rules.one_of.iter().map(i64::to_string).collect();
            out.push(
                path,
                format!(
                    "{self} is not one of the allowed values {}",
                    allowed.join(", ")
                ),
            );
        }
        check_number(*self as f64, &self.to_string(), path, rules, out);
    }
}

impl Check for f64 {
    fn check(&self, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
        check_number(*self, &self.to_string(), path, rules, out);
    }
}

impl Check for bool {
    fn check(&self, _: &Path<'_>, _: &Rules, _: &mut Violations) {}
}

impl Check for serde_json::Value {
    fn check(&self, _: &Path<'_>, _: &Rules, _: &mut Violations) {}
}

fn check_number(v: f64, text: &str, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
    if let Some(min) = rules.minimum
        && v < min
    {
        out.push(path, format!("{text} is below the minimum {min}"));
    }
    if let Some(max) = rules.maximum
        && v > max
    {
        out.push(path, format!("{text} is above the maximum {max}"));
    }
}

fn regex_for(pattern: &'static str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // A poisoned cache only means another thread panicked mid-insert; the map is still usable.
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern)
        .or_insert_with(|| Regex::new(pattern).ok())
        .clone()
}

/// Checks a string literal's length (in characters) and pattern.
pub fn check_str(s: &str, path: &Path<'_>, rules: &Rules, out: &mut Violations) {
    if rules.min_length.is_some() || rules.max_length.is_some() {
        let n = s.chars().count() as u64;
        if let Some(min) = rules.min_length
            && n < min
        {
            out.push(
                path,
                format!("{s:?} is {n} character(s) long; at least {min} required"),
            );
        }
        if let Some(max) = rules.max_length
            && n > max
        {
            out.push(
                path,
                format!("is {n} characters long; at most {max} allowed"),
            );
        }
    }
    if let Some(p) = rules.pattern
        && let Some(re) = regex_for(p)
        && !re.is_match(s)
    {
        out.push(path, format!("{s:?} does not match the pattern {p}"));
    }
    if let Some(f) = rules.format
        && !f.accepts(s)
    {
        out.push(path, format!("{s:?} is not {}", f.expected()));
    }
}

/// Checks an enum's `Other` value: one that differs from a listed value only in case is
/// a mistake (CloudFormation compares exactly), anything else is taken as a value newer
/// than the schema.
pub fn check_other(
    s: &str,
    values: &[&str],
    case_insensitive: bool,
    path: &Path<'_>,
    out: &mut Violations,
) {
    if s.is_empty() {
        out.push(
            path,
            format!("empty value; expected one of {}", values.join(", ")),
        );
        return;
    }
    if case_insensitive || values.contains(&s) {
        return;
    }
    if let Some(known) = values.iter().find(|v| v.eq_ignore_ascii_case(s)) {
        out.push(
            path,
            format!("{s:?} is not an allowed value; did you mean {known:?}?"),
        );
    }
}

/// `(property, is set)` for the property-combination checks.
pub type Presence<'a> = (&'a str, bool);

fn branch_text(branch: &[Presence<'_>]) -> String {
    branch
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(" + ")
}

fn branches_text(branches: &[&[Presence<'_>]]) -> String {
    branches
        .iter()
        .map(|b| branch_text(b))
        .collect::<Vec<_>>()
        .join(", ")
}

fn satisfied(branch: &[Presence<'_>]) -> bool {
    branch.iter().all(|(_, set)| *set)
}

/// Exactly one branch must have all its properties set (`oneOf` of `required`,
/// `requiredXor`). Set to an expression counts as set.
pub fn exactly_one(branches: &[&[Presence<'_>]], path: &Path<'_>, out: &mut Violations) {
    let hits: Vec<String> = branches
        .iter()
        .filter(|b| satisfied(b))
        .map(|b| branch_text(b))
        .collect();
    match hits.len() {
        1 => {}
        0 => out.push(
            path,
            format!(
                "exactly one of {} must be set; none is",
                branches_text(branches)
            ),
        ),
        _ => out.push(
            path,
            format!(
                "exactly one of {} must be set; {} are",
                branches_text(branches),
                hits.join(" and ")
            ),
        ),
    }
}

/// At least one branch must have all its properties set (`anyOf` of `required`,
/// `requiredOr`).
pub fn at_least_one(branches: &[&[Presence<'_>]], path: &Path<'_>, out: &mut Violations) {
    if !branches.iter().any(|b| satisfied(b)) {
        out.push(
            path,
            format!("at least one of {} must be set", branches_text(branches)),
        );
    }
}

/// When `first` is set, none of `others` may be (`dependentExcluded`).
pub fn excludes(
    first: Presence<'_>,
    others: &[Presence<'_>],
    path: &Path<'_>,
    out: &mut Violations,
) {
    if first.1 {
        for (name, set) in others {
            if *set {
                out.push(path, format!("{} and {name} cannot both be set", first.0));
            }
        }
    }
}

/// When `first` is set, all of `others` must be (`dependentRequired`).
pub fn requires(
    first: Presence<'_>,
    others: &[Presence<'_>],
    path: &Path<'_>,
    out: &mut Violations,
) {
    if first.1 {
        for (name, set) in others {
            if !*set {
                out.push(path, format!("{name} is required when {} is set", first.0));
            }
        }
    }
}

/// Checks `props` and writes them to `resource`: each violation is recorded with
/// [`CfnResource::report_invalid`] and reported at synth.
pub fn apply<P: Check + ToTemplate>(resource: &CfnResource, props: &P) {
    let mut out = Violations::default();
    props.check(&Path::root(), &Rules::NONE, &mut out);
    for (path, message) in out.0 {
        let path = if path.is_empty() {
            "Properties".to_owned()
        } else {
            path
        };
        resource.report_invalid(&path, message);
    }
    if let Expr::Map(map) = props.to_template() {
        resource.set_properties(map);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_lazily() {
        let root = Path::root();
        let tags = root.field("Tags");
        let first = tags.index(0);
        assert_eq!(first.field("Key").render(), "Tags[0].Key");
        assert_eq!(root.field("M").key("k").render(), "M[\"k\"]");
    }

    #[test]
    fn strings_numbers_lists() {
        let mut out = Violations::default();
        let root = Path::root();
        let r = Rules {
            max_length: Some(3),
            pattern: Some("^a"),
            ..Rules::NONE
        };
        Value::<String>::from("bcde").check(&root.field("S"), &r, &mut out);
        let n = Rules {
            minimum: Some(1.0),
            one_of: &[1, 2],
            ..Rules::NONE
        };
        Value::<i64>::from(0).check(&root.field("N"), &n, &mut out);
        static ITEM: Rules = Rules {
            max_length: Some(1),
            ..Rules::NONE
        };
        let l = Rules {
            max_items: Some(1),
            items: Some(&ITEM),
            ..Rules::NONE
        };
        Value::<crate::value::List<String>>::from(vec!["a", "bb"]).check(
            &root.field("L"),
            &l,
            &mut out,
        );
        let paths: Vec<&str> = out.0.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["S", "S", "N", "N", "L", "L[1]"], "{out:?}");
        // Expressions are never checked.
        let mut none = Violations::default();
        Value::<String>::from_expr_unchecked(Expr::String("bcde".into()))
            .check(&root, &r, &mut none);
        assert!(none.0.is_empty());
    }

    #[test]
    fn combinations() {
        let mut out = Violations::default();
        let root = Path::root();
        exactly_one(&[&[("A", true)], &[("B", true)]], &root, &mut out);
        exactly_one(&[&[("A", false)], &[("B", true)]], &root, &mut out);
        at_least_one(&[&[("A", false)], &[("B", false)]], &root, &mut out);
        excludes(("A", true), &[("B", true)], &root, &mut out);
        requires(("A", true), &[("B", false)], &root, &mut out);
        let messages: Vec<&str> = out.0.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "exactly one of A, B must be set; A and B are",
                "at least one of A, B must be set",
                "A and B cannot both be set",
                "B is required when A is set"
            ]
        );
    }

    #[test]
    fn other_values() {
        let mut out = Violations::default();
        check_other(
            "http",
            &["HTTP", "HTTPS"],
            false,
            &Path::root().field("P"),
            &mut out,
        );
        check_other(
            "QUIC",
            &["HTTP", "HTTPS"],
            false,
            &Path::root().field("P"),
            &mut out,
        );
        assert_eq!(out.0.len(), 1);
        assert!(out.0[0].1.contains("did you mean \"HTTP\""));
    }

    #[test]
    fn string_formats_accept_addresses_and_blocks_only() {
        use StringFormat::*;
        for (format, good, bad) in [
            (
                Ipv4,
                &["10.0.0.1", "0.0.0.0"][..],
                &["10.0.0", "10.0.0.1/32", "256.0.0.1"][..],
            ),
            (
                Ipv6,
                &["::1", "2001:db8::1"],
                &["2001:db8::/56", "10.0.0.1", "g::1"],
            ),
            (
                Ipv4Network,
                &["0.0.0.0/0", "10.0.0.0/16", "255.255.255.255/32"],
                &[
                    "10.0.0.0",
                    "10.0.0.0/",
                    "10.0.0.0/33",
                    "10.0.0.0/+8",
                    "10.0.0/8",
                ],
            ),
            (
                Ipv6Network,
                &["::/0", "2001:db8::/56", "2001:db8::/128"],
                &[
                    "2001:db8::",
                    "2001:db8::/129",
                    "10.0.0.0/8",
                    "2001:db8::/-1",
                ],
            ),
        ] {
            for s in good {
                assert!(format.accepts(s), "{format:?} should accept {s}");
            }
            for s in bad {
                assert!(!format.accepts(s), "{format:?} should refuse {s}");
            }
        }
    }
}
