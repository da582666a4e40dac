//! A resource's properties against its registry schema: unknown and read-only properties,
//! the JSON shape of each value, required properties and combinations, and the literal
//! rules (lengths, patterns, ranges, allowed values, list sizes, address formats).
//!
//! Only literals are judged. An expression (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...) is a
//! value CloudFormation computes at deploy time, so it passes; `Fn::If` is judged branch by
//! branch, and `AWS::NoValue` counts as absent. Like CloudFormation (and cfn-lint), a
//! number or boolean written as a string is accepted where a number or boolean is expected.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use indexmap::IndexMap;
use regex_lite::Regex;
use stackdef_registry::{
    Combo, EnumSchema, NumberRules, ObjectSchema, Shape, StringRules, TypeSchema,
};
use stackdef_synth::Expr;

/// What a rule found wrong, at a property path (`Tags[0].Key`; `Properties` for the object
/// as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule that found it.
    pub rule: &'static str,
    /// The property path.
    pub path: String,
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
}

/// Rule ids of the schema checks (the catalog describes each).
pub mod rules {
    /// A property the type does not have.
    pub const UNKNOWN_PROPERTY: &str = "SD1001";
    /// A value of the wrong JSON kind (a list where a string belongs).
    pub const WRONG_KIND: &str = "SD1002";
    /// A required property is missing.
    pub const REQUIRED: &str = "SD1003";
    /// A string too short or too long.
    pub const LENGTH: &str = "SD1004";
    /// A string that does not match the schema's pattern.
    pub const PATTERN: &str = "SD1005";
    /// A number out of range.
    pub const RANGE: &str = "SD1006";
    /// A value that is not one the schema allows.
    pub const ALLOWED_VALUES: &str = "SD1007";
    /// A list with too few or too many items.
    pub const LIST_SIZE: &str = "SD1008";
    /// A string not written in the schema's format (address, CIDR block).
    pub const FORMAT: &str = "SD1009";
    /// Properties that must (or must not) be set together.
    pub const COMBINATION: &str = "SD1010";
    /// A read-only property (an attribute) written as an input.
    pub const READ_ONLY: &str = "SD1011";
    /// An intrinsic whose result has the wrong kind for its place.
    pub const INTRINSIC_KIND: &str = "SD2004";
}

/// Checks `properties` (a resource's `Properties` object) against `schema`.
pub fn check_properties(
    schema: &'static TypeSchema,
    properties: &IndexMap<String, Expr>,
) -> Vec<Violation> {
    let mut c = Checker {
        schema,
        out: Vec::new(),
    };
    c.fields(&mut String::new(), schema.properties(), properties, true);
    c.out
}

struct Checker {
    schema: &'static TypeSchema,
    out: Vec<Violation>,
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "Properties".to_owned()
    } else {
        path.to_owned()
    }
}

/// `value` with `Fn::If` branches laid out: each literal alternative it may take.
fn alternatives(value: &Expr) -> Vec<&Expr> {
    match value {
        Expr::If(_, a, b) => {
            let mut v = alternatives(a);
            v.extend(alternatives(b));
            v
        }
        other => vec![other],
    }
}

/// Whether an expression stands for a value computed at deploy time (never judged).
fn is_computed(value: &Expr) -> bool {
    !matches!(
        value,
        Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::String(_)
            | Expr::List(_)
            | Expr::Map(_)
            | Expr::If(..)
            | Expr::NoValue
    )
}

/// Properties whose schema types them `["object", "string"]` with the object's fields
/// spelled out: CloudFormation takes the object or its JSON text (`Fn::Sub` of
/// `{"deadLetterTargetArn": "${Dlq.Arn}", ...}`), but the registry data keeps only the
/// object. These are the only ones in cfn-lint 1.51's schemas; the others are typed
/// `Json`, which takes anything.
const OBJECT_OR_JSON_TEXT: &[(&str, &str)] = &[("AWS::SQS::Queue", "RedrivePolicy")];

/// What an intrinsic certainly yields, when its kind never depends on its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    List,
}

fn computed_kind(value: &Expr) -> Option<Kind> {
    match value {
        Expr::Sub(_) | Expr::Join(..) | Expr::Base64(_) | Expr::Ref(_) | Expr::ImportValue(_) => {
            Some(Kind::Text)
        }
        Expr::GetAzs(_) | Expr::Split(..) | Expr::Cidr(..) => Some(Kind::List),
        _ => None,
    }
}

fn intrinsic_name(value: &Expr) -> &'static str {
    match value {
        Expr::Sub(_) => "Fn::Sub",
        Expr::Join(..) => "Fn::Join",
        Expr::Base64(_) => "Fn::Base64",
        Expr::Ref(_) => "a Ref to a resource",
        Expr::ImportValue(_) => "Fn::ImportValue",
        Expr::GetAzs(_) => "Fn::GetAZs",
        Expr::Split(..) => "Fn::Split",
        Expr::Cidr(..) => "Fn::Cidr",
        _ => "the expression",
    }
}

fn kind_name(value: &Expr) -> &'static str {
    match value {
        Expr::Null => "null",
        Expr::Bool(_) => "a boolean",
        Expr::Number(_) => "a number",
        Expr::String(_) => "a string",
        Expr::List(_) => "a list",
        Expr::Map(_) => "an object",
        _ => "an expression",
    }
}

fn push_path(path: &mut String, field: &str) -> usize {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(field);
    len
}

impl Checker {
    fn push(&mut self, rule: &'static str, path: &str, message: String) {
        self.out.push(Violation {
            rule,
            path: at(path),
            message,
        });
    }

    fn object(&mut self, path: &mut String, o: &ObjectSchema, value: &Expr) {
        match value {
            Expr::Map(map) => self.fields(path, o, map, false),
            other => self.push(
                rules::WRONG_KIND,
                path,
                format!("expected an object, found {}", kind_name(other)),
            ),
        }
    }

    fn fields(
        &mut self,
        path: &mut String,
        o: &ObjectSchema,
        map: &IndexMap<String, Expr>,
        top: bool,
    ) {
        for (name, v) in map {
            let len = push_path(path, name);
            match o.field(name) {
                Some(f) => {
                    for alt in alternatives(v) {
                        self.value(path, &f.shape, alt);
                    }
                }
                None if top && self.schema.read_only.iter().any(|p| p == name) => self.push(
                    rules::READ_ONLY,
                    path,
                    format!(
                        "{name} is read-only: CloudFormation sets it (read it with Fn::GetAtt); remove it"
                    ),
                ),
                None if !o.open => {
                    let hint = closest(name, o.fields.iter().map(|f| f.name.as_str()))
                        .map(|c| format!("; did you mean {c}?"))
                        .unwrap_or_default();
                    let what = if top {
                        format!("{} has no property {name}", self.schema.type_name)
                    } else {
                        format!("unknown property {name}")
                    };
                    self.push(rules::UNKNOWN_PROPERTY, path, format!("{what}{hint}"));
                }
                None => {}
            }
            path.truncate(len);
        }
        let present = |name: &str| map.get(name).is_some_and(|v| !matches!(v, Expr::NoValue));
        // Set in every case: not `AWS::NoValue` in any branch of an `Fn::If`. Two properties
        // that exclude each other are often chosen between by one condition (`A: If[c, x,
        // NoValue]`, `B: If[c, NoValue, y]`), which CloudFormation accepts; only properties
        // set whatever the conditions say can clash.
        let certain = |name: &str| {
            map.get(name)
                .is_some_and(|v| !alternatives(v).iter().any(|a| matches!(a, Expr::NoValue)))
        };
        for f in o.fields.iter().filter(|f| f.required) {
            if !present(&f.name) {
                self.push(
                    rules::REQUIRED,
                    path,
                    format!("the required property {} is missing", f.name),
                );
            }
        }
        for combo in &o.combos {
            self.combo(path, combo, &present, &certain);
        }
    }

    /// Checks `combo`: a property missing is judged by `present` (set in some case), two
    /// properties clashing by `certain` (set in every case), so an `Fn::If` never makes a
    /// valid template fail.
    fn combo(
        &mut self,
        path: &str,
        combo: &Combo,
        present: &dyn Fn(&str) -> bool,
        certain: &dyn Fn(&str) -> bool,
    ) {
        let satisfied = |branch: &[String]| branch.iter().all(|n| present(n));
        let certainly = |branch: &[String]| branch.iter().all(|n| certain(n));
        let branches_text = |bs: &[Vec<String>]| {
            bs.iter()
                .map(|b| b.join(" + "))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match combo {
            Combo::ExactlyOne(bs) => {
                let hits: Vec<String> = bs
                    .iter()
                    .filter(|b| certainly(b))
                    .map(|b| b.join(" + "))
                    .collect();
                if !bs.iter().any(|b| satisfied(b)) {
                    self.push(
                        rules::COMBINATION,
                        path,
                        format!("exactly one of {} must be set; none is", branches_text(bs)),
                    );
                } else if hits.len() > 1 {
                    self.push(
                        rules::COMBINATION,
                        path,
                        format!(
                            "exactly one of {} must be set; {} are",
                            branches_text(bs),
                            hits.join(" and ")
                        ),
                    );
                }
            }
            Combo::AtLeastOne(bs) => {
                if !bs.iter().any(|b| satisfied(b)) {
                    self.push(
                        rules::COMBINATION,
                        path,
                        format!("at least one of {} must be set", branches_text(bs)),
                    );
                }
            }
            Combo::Excludes(first, others) => {
                if certain(first) {
                    for o in others.iter().filter(|o| certain(o)) {
                        // Each pair once: `A excludes B` and `B excludes A` say the same.
                        if first < o || !self.excludes_back(o, first) {
                            self.push(
                                rules::COMBINATION,
                                path,
                                format!("{first} and {o} cannot both be set"),
                            );
                        }
                    }
                }
            }
            Combo::Requires(first, others) => {
                if certain(first) {
                    for o in others.iter().filter(|o| !present(o)) {
                        self.push(
                            rules::COMBINATION,
                            path,
                            format!("{o} is required when {first} is set"),
                        );
                    }
                }
            }
        }
    }

    /// Whether some object of the schema also says `a` excludes `b` (symmetric rules are
    /// reported once).
    fn excludes_back(&self, a: &str, b: &str) -> bool {
        self.schema.objects.iter().any(|o| {
            o.combos
                .iter()
                .any(|c| matches!(c, Combo::Excludes(x, ys) if x == a && ys.iter().any(|y| y == b)))
        })
    }

    fn value(&mut self, path: &mut String, shape: &Shape, value: &Expr) {
        if matches!(shape, Shape::Object { .. })
            && OBJECT_OR_JSON_TEXT.contains(&(self.schema.type_name.as_str(), path.as_str()))
            && (matches!(value, Expr::String(_)) || computed_kind(value) == Some(Kind::Text))
        {
            return;
        }
        if let Some(kind) = computed_kind(value) {
            let wanted = match shape {
                Shape::Object { .. } => Some(("an object", Kind::Text)),
                Shape::List { .. } => Some(("a list", Kind::Text)),
                Shape::Map { .. } => Some(("an object", Kind::Text)),
                Shape::String(_) | Shape::Enum { .. } => Some(("a string", Kind::List)),
                _ => None,
            };
            if let Some((wanted, clash)) = wanted
                && kind == clash
            {
                let what = match kind {
                    Kind::Text => "yields a string",
                    Kind::List => "yields a list",
                };
                self.push(
                    rules::INTRINSIC_KIND,
                    path,
                    format!("expected {wanted}, but {} {what}", intrinsic_name(value)),
                );
            }
            return;
        }
        if is_computed(value) || matches!(value, Expr::NoValue) {
            return;
        }
        match shape {
            Shape::Json => {}
            Shape::String(r) => self.string(path, r, value),
            Shape::Integer(r) => self.number(path, r, value, true),
            Shape::Number(r) => self.number(path, r, value, false),
            Shape::Boolean => match value {
                Expr::Bool(_) => {}
                Expr::String(s)
                    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {}
                other => self.push(
                    rules::WRONG_KIND,
                    path,
                    format!("expected a boolean, found {}", kind_name(other)),
                ),
            },
            Shape::Enum { index } => {
                if let Some(e) = self.schema.enumeration(*index) {
                    self.enumeration(path, e, value);
                }
            }
            Shape::Object { index } => {
                if let Some(o) = self.schema.object(*index) {
                    self.object(path, o, value);
                }
            }
            Shape::List {
                items,
                min_items,
                max_items,
            } => match value {
                Expr::List(list) => {
                    let n = list.len() as u64;
                    if let Some(min) = min_items
                        && n < *min
                    {
                        self.push(
                            rules::LIST_SIZE,
                            path,
                            format!("has {n} item(s); at least {min} required"),
                        );
                    }
                    if let Some(max) = max_items
                        && n > *max
                    {
                        self.push(
                            rules::LIST_SIZE,
                            path,
                            format!("has {n} item(s); at most {max} allowed"),
                        );
                    }
                    for (i, item) in list.iter().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        for alt in alternatives(item) {
                            self.value(path, items, alt);
                        }
                        path.truncate(len);
                    }
                }
                other => self.push(
                    rules::WRONG_KIND,
                    path,
                    format!("expected a list, found {}", kind_name(other)),
                ),
            },
            Shape::Map { values } => match value {
                Expr::Map(map) => {
                    for (k, v) in map {
                        let len = path.len();
                        path.push_str(&format!("[{k:?}]"));
                        for alt in alternatives(v) {
                            self.value(path, values, alt);
                        }
                        path.truncate(len);
                    }
                }
                other => self.push(
                    rules::WRONG_KIND,
                    path,
                    format!("expected an object of values, found {}", kind_name(other)),
                ),
            },
        }
    }

    fn string(&mut self, path: &str, r: &StringRules, value: &Expr) {
        let s = match value {
            Expr::String(s) => s,
            // Numbers and booleans are written as their text.
            Expr::Number(_) | Expr::Bool(_) => return,
            other => {
                self.push(
                    rules::WRONG_KIND,
                    path,
                    format!("expected a string, found {}", kind_name(other)),
                );
                return;
            }
        };
        if r.min_length.is_some() || r.max_length.is_some() {
            let n = s.chars().count() as u64;
            if let Some(min) = r.min_length
                && n < min
            {
                self.push(
                    rules::LENGTH,
                    path,
                    format!("{s:?} is {n} character(s) long; at least {min} required"),
                );
            }
            if let Some(max) = r.max_length
                && n > max
            {
                self.push(
                    rules::LENGTH,
                    path,
                    format!("is {n} characters long; at most {max} allowed"),
                );
            }
        }
        if let Some(p) = &r.pattern
            && let Some(re) = regex_for(p)
            && !re.is_match(s)
        {
            self.push(
                rules::PATTERN,
                path,
                format!("{s:?} does not match the pattern {p}"),
            );
        }
        if let Some(f) = r.format
            && !f.accepts(s)
        {
            self.push(
                rules::FORMAT,
                path,
                format!("{s:?} is not {}", f.expected()),
            );
        }
    }

    fn number(&mut self, path: &str, r: &NumberRules, value: &Expr, integer: bool) {
        let (v, text) = match value {
            Expr::Number(n) => match n.as_f64() {
                Some(v) => (v, n.to_string()),
                None => return,
            },
            Expr::String(s) => match s.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => (v, s.clone()),
                _ => {
                    let what = if integer { "an integer" } else { "a number" };
                    self.push(
                        rules::WRONG_KIND,
                        path,
                        format!("expected {what}, found the string {s:?}"),
                    );
                    return;
                }
            },
            other => {
                let what = if integer { "an integer" } else { "a number" };
                self.push(
                    rules::WRONG_KIND,
                    path,
                    format!("expected {what}, found {}", kind_name(other)),
                );
                return;
            }
        };
        if integer && v.fract() != 0.0 {
            self.push(rules::WRONG_KIND, path, format!("{text} is not an integer"));
            return;
        }
        if !r.one_of.is_empty() && !r.one_of.iter().any(|&x| x as f64 == v) {
            let allowed: Vec<String> = r.one_of.iter().map(i64::to_string).collect();
            self.push(
                rules::ALLOWED_VALUES,
                path,
                format!(
                    "{text} is not one of the allowed values {}",
                    allowed.join(", ")
                ),
            );
        }
        if let Some(min) = r.minimum
            && v < min
        {
            self.push(
                rules::RANGE,
                path,
                format!("{text} is below the minimum {min}"),
            );
        }
        if let Some(max) = r.maximum
            && v > max
        {
            self.push(
                rules::RANGE,
                path,
                format!("{text} is above the maximum {max}"),
            );
        }
    }

    fn enumeration(&mut self, path: &str, e: &EnumSchema, value: &Expr) {
        let s = match value {
            Expr::String(s) => s,
            Expr::Number(_) | Expr::Bool(_) => return,
            other => {
                self.push(
                    rules::WRONG_KIND,
                    path,
                    format!("expected a string, found {}", kind_name(other)),
                );
                return;
            }
        };
        if s.is_empty() {
            self.push(
                rules::ALLOWED_VALUES,
                path,
                format!("empty value; expected one of {}", e.values.join(", ")),
            );
            return;
        }
        if e.case_insensitive || e.values.iter().any(|v| v == s) {
            return;
        }
        if let Some(known) = e.values.iter().find(|v| v.eq_ignore_ascii_case(s)) {
            self.push(
                rules::ALLOWED_VALUES,
                path,
                format!("{s:?} is not an allowed value; did you mean {known:?}?"),
            );
        }
    }
}

fn regex_for(pattern: &str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // A poisoned cache only means another thread panicked mid-insert; the map is still usable.
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(hit) = cache.get(pattern) {
        return hit.clone();
    }
    let built = Regex::new(pattern).ok();
    cache.insert(pattern.to_owned(), built.clone());
    built
}

/// The candidate closest to `name` (edit distance, ignoring case), if close enough to be a
/// likely typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.len() / 3).max(1);
    candidates
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance between two strings (by characters).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(json: serde_json::Value) -> IndexMap<String, Expr> {
        match Expr::from(json) {
            Expr::Map(map) => map,
            _ => IndexMap::new(),
        }
    }

    fn check(type_name: &str, json: serde_json::Value) -> Vec<(String, String)> {
        let schema = stackdef_registry::schema(type_name).expect("known type");
        check_properties(schema, &props(json))
            .into_iter()
            .map(|v| (v.path, v.message))
            .collect()
    }

    #[test]
    fn unknown_and_misspelled_properties_are_named() {
        let found = check(
            "AWS::EC2::Subnet",
            serde_json::json!({
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/24",
                "AvailabilityZon": "us-east-1a"
            }),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "AvailabilityZon");
        assert!(
            found[0].1.contains("did you mean AvailabilityZone?"),
            "{found:?}"
        );
    }

    #[test]
    fn kinds_lengths_ranges_and_formats() {
        let found = check(
            "AWS::EC2::Subnet",
            serde_json::json!({
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/33",
                "MapPublicIpOnLaunch": "yes",
                "Tags": {"Key": "a"}
            }),
        );
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["CidrBlock", "MapPublicIpOnLaunch", "Tags"],
            "{found:?}"
        );
    }

    #[test]
    fn strings_stand_for_numbers_and_booleans_and_expressions_pass() {
        let found = check(
            "AWS::Logs::LogGroup",
            serde_json::json!({"RetentionInDays": "30"}),
        );
        assert!(found.is_empty(), "{found:?}");
        let found = check(
            "AWS::Logs::LogGroup",
            serde_json::json!({"RetentionInDays": 31}),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("31 is not one of the allowed values"));
        let schema = stackdef_registry::schema("AWS::Logs::LogGroup").expect("known");
        let mut map = indexmap::IndexMap::new();
        map.insert(
            "RetentionInDays".to_owned(),
            Expr::RefLogicalId("Days".into()),
        );
        assert!(check_properties(schema, &map).is_empty());
    }

    #[test]
    fn required_and_read_only_properties() {
        let found = check(
            "AWS::EC2::Subnet",
            serde_json::json!({"CidrBlock": "10.0.0.0/24", "SubnetId": "subnet-1"}),
        );
        let rules_found: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert!(
            rules_found.iter().any(|m| m.contains("read-only")),
            "{found:?}"
        );
        assert!(
            rules_found
                .iter()
                .any(|m| m.contains("required property VpcId")),
            "{found:?}"
        );
    }

    #[test]
    fn typos_are_matched_to_the_closest_name() {
        assert_eq!(
            closest("CidrBlok", ["CidrBlock", "VpcId"].into_iter()),
            Some("CidrBlock")
        );
        assert_eq!(closest("Zzzzzz", ["CidrBlock", "VpcId"].into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
