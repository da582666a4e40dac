//! Assertions on synthesized templates, for your tests.
//!
//! Build a [`Template`] from a stack (synthesized in memory; the app stays usable), then
//! check resource counts, partial property matches and outputs. Failures panic with a
//! report naming every candidate resource and the first place it differs, so a failing
//! test says what to fix:
//!
//! ```
//! use serde_json::json;
//! use stackdef::assertions::{Match, Template};
//! use stackdef::{App, CfnResource, Env};
//!
//! let app = App::new();
//! let stack = app.stack("Demo", Env::agnostic());
//! let topic = CfnResource::new(&stack, "Alerts", "AWS::SNS::Topic");
//! topic.set_property("DisplayName", "alerts");
//! topic.set_property("Tags", json!([{"Key": "team", "Value": "bank"}, {"Key": "env", "Value": "dev"}]));
//!
//! let template = Template::from_stack(&stack).unwrap();
//! template.resource_count_is("AWS::SNS::Topic", 1);
//! template.has_resource_properties(
//!     "AWS::SNS::Topic",
//!     Match::object_like([
//!         ("DisplayName", Match::from("alerts")),
//!         ("Tags", Match::array_with([json!({"Key": "env"})])),
//!         ("KmsMasterKeyId", Match::absent()),
//!     ]),
//! );
//! ```
//!
//! Plain JSON converts into a matcher with [`Match::from`]: objects match *object-like*
//! (the listed keys must match, other keys are ignored, recursively), arrays match
//! element by element with the same length, scalars match exactly. Use [`Match::exact`]
//! for strict equality of a whole object.

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::Stack;
use crate::construct::Construct;
use stackdef_synth::SynthErrors;

/// A pattern a template value is checked against.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Match {
    /// Exactly this JSON.
    Exact(Json),
    /// An object whose listed keys match (other keys ignored). A key mapped to
    /// [`Match::Absent`] must not be present.
    ObjectLike(IndexMap<String, Match>),
    /// An object with exactly these keys, each matching.
    ObjectEquals(IndexMap<String, Match>),
    /// An array containing, for each pattern in order, some element that matches it (not
    /// necessarily adjacent).
    ArrayWith(Vec<Match>),
    /// An array of exactly this length whose elements match pairwise.
    ArrayEquals(Vec<Match>),
    /// The key must not be present (only meaningful as an object member).
    Absent,
    /// Anything present (including `null`).
    Any,
    /// A string containing this text.
    StringContaining(String),
    /// Anything that does not match the inner pattern.
    Not(Box<Match>),
}

impl Match {
    /// Exactly `value` (objects compared with all their keys).
    pub fn exact(value: impl Into<Json>) -> Match {
        Match::Exact(value.into())
    }

    /// An object with these members matching; other members ignored.
    pub fn object_like<K: Into<String>, M: Into<Match>>(
        members: impl IntoIterator<Item = (K, M)>,
    ) -> Match {
        Match::ObjectLike(
            members
                .into_iter()
                .map(|(k, m)| (k.into(), m.into()))
                .collect(),
        )
    }

    /// An object with exactly these members.
    pub fn object_equals<K: Into<String>, M: Into<Match>>(
        members: impl IntoIterator<Item = (K, M)>,
    ) -> Match {
        Match::ObjectEquals(
            members
                .into_iter()
                .map(|(k, m)| (k.into(), m.into()))
                .collect(),
        )
    }

    /// An array with, in order, an element matching each pattern.
    pub fn array_with<M: Into<Match>>(items: impl IntoIterator<Item = M>) -> Match {
        Match::ArrayWith(items.into_iter().map(Into::into).collect())
    }

    /// An array whose elements match these patterns pairwise.
    pub fn array_equals<M: Into<Match>>(items: impl IntoIterator<Item = M>) -> Match {
        Match::ArrayEquals(items.into_iter().map(Into::into).collect())
    }

    /// The member must not be present.
    pub fn absent() -> Match {
        Match::Absent
    }

    /// Any value.
    pub fn any() -> Match {
        Match::Any
    }

    /// A string containing `text`.
    pub fn string_containing(text: impl Into<String>) -> Match {
        Match::StringContaining(text.into())
    }

    /// Anything but what `pattern` matches.
    pub fn not(pattern: impl Into<Match>) -> Match {
        Match::Not(Box::new(pattern.into()))
    }

    /// Checks `actual` (at `path`, for the report); `None` means `actual` is missing.
    fn check(&self, actual: Option<&Json>, path: &str) -> Result<(), Mismatch> {
        let fail = |expected: String| {
            Err(Mismatch {
                path: path.to_owned(),
                expected,
                actual: actual.map_or_else(|| "nothing (missing)".to_owned(), short),
            })
        };
        match self {
            Match::Absent => match actual {
                None => Ok(()),
                Some(_) => fail("no value (absent)".into()),
            },
            Match::Not(inner) => match inner.check(actual, path) {
                Ok(()) => fail(format!("anything but {}", inner.describe())),
                Err(_) => Ok(()),
            },
            _ => {
                let Some(actual) = actual else {
                    return fail(self.describe());
                };
                match self {
                    Match::Any => Ok(()),
                    Match::Exact(v) => {
                        if v == actual {
                            Ok(())
                        } else {
                            fail(short(v))
                        }
                    }
                    Match::StringContaining(text) => match actual.as_str() {
                        Some(s) if s.contains(text.as_str()) => Ok(()),
                        _ => fail(self.describe()),
                    },
                    Match::ObjectLike(members) | Match::ObjectEquals(members) => {
                        let Some(obj) = actual.as_object() else {
                            return fail("an object".into());
                        };
                        for (key, m) in members {
                            m.check(obj.get(key), &format!("{path}.{key}"))?;
                        }
                        if matches!(self, Match::ObjectEquals(_))
                            && let Some(extra) = obj.keys().find(|k| !members.contains_key(*k))
                        {
                            return Err(Mismatch {
                                path: format!("{path}.{extra}"),
                                expected: "no such key".into(),
                                actual: short(&obj[extra]),
                            });
                        }
                        Ok(())
                    }
                    Match::ArrayEquals(items) => {
                        let Some(arr) = actual.as_array() else {
                            return fail("an array".into());
                        };
                        if arr.len() != items.len() {
                            return fail(format!("an array of {} items", items.len()));
                        }
                        for (i, (m, a)) in items.iter().zip(arr).enumerate() {
                            m.check(Some(a), &format!("{path}[{i}]"))?;
                        }
                        Ok(())
                    }
                    Match::ArrayWith(items) => {
                        let Some(arr) = actual.as_array() else {
                            return fail("an array".into());
                        };
                        let mut next = 0;
                        for m in items {
                            match arr[next..]
                                .iter()
                                .position(|a| m.check(Some(a), path).is_ok())
                            {
                                Some(found) => next += found + 1,
                                None => {
                                    return fail(format!(
                                        "an array containing {} (after element {next})",
                                        m.describe()
                                    ));
                                }
                            }
                        }
                        Ok(())
                    }
                    Match::Absent | Match::Not(_) => Ok(()),
                }
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Match::Exact(v) => short(v),
            Match::ObjectLike(m) => format!(
                "an object like {{{}}}",
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", v.describe()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Match::ObjectEquals(m) => format!(
                "an object with exactly {{{}}}",
                m.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            Match::ArrayWith(items) => format!(
                "an array with [{}]",
                items
                    .iter()
                    .map(Match::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Match::ArrayEquals(items) => format!("an array of {} matching items", items.len()),
            Match::Absent => "no value".into(),
            Match::Any => "any value".into(),
            Match::StringContaining(t) => format!("a string containing {t:?}"),
            Match::Not(m) => format!("not {}", m.describe()),
        }
    }
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s
    }
}

impl From<Json> for Match {
    /// Objects become [`Match::ObjectLike`] (recursively), arrays [`Match::ArrayEquals`],
    /// scalars [`Match::Exact`].
    fn from(v: Json) -> Self {
        match v {
            Json::Object(map) => {
                Match::ObjectLike(map.into_iter().map(|(k, v)| (k, Match::from(v))).collect())
            }
            Json::Array(items) => Match::ArrayEquals(items.into_iter().map(Match::from).collect()),
            other => Match::Exact(other),
        }
    }
}

impl From<&str> for Match {
    fn from(v: &str) -> Self {
        Match::Exact(Json::String(v.to_owned()))
    }
}

impl From<String> for Match {
    fn from(v: String) -> Self {
        Match::Exact(Json::String(v))
    }
}

impl From<bool> for Match {
    fn from(v: bool) -> Self {
        Match::Exact(Json::Bool(v))
    }
}

impl From<i64> for Match {
    fn from(v: i64) -> Self {
        Match::Exact(Json::from(v))
    }
}

impl From<i32> for Match {
    fn from(v: i32) -> Self {
        Match::Exact(Json::from(v))
    }
}

/// Where a value differs from its pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// JSON path of the differing value (`Resources.Db.Properties.Port`).
    pub path: String,
    /// What the pattern wanted.
    pub expected: String,
    /// What was there.
    pub actual: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: expected {}, found {}",
            self.path, self.expected, self.actual
        )
    }
}

/// A failed assertion: what was looked for and why each candidate did not match.
#[derive(Debug, Clone)]
pub struct AssertionError {
    /// What was asserted.
    pub assertion: String,
    /// Each candidate's first mismatch.
    pub mismatches: Vec<Mismatch>,
}

impl std::fmt::Display for AssertionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.assertion)?;
        if self.mismatches.is_empty() {
            writeln!(f, "  (no candidates)")?;
        }
        for m in &self.mismatches {
            writeln!(f, "  - {m}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AssertionError {}

/// A synthesized template to assert on.
#[derive(Debug, Clone)]
pub struct Template {
    json: Json,
}

impl Template {
    /// Synthesizes `stack`'s app in memory and takes this stack's template. The app is
    /// not marked synthesized: you can keep adding constructs and call this again.
    pub fn from_stack(stack: &Stack) -> Result<Template, SynthErrors> {
        let node = stack.node();
        let out = {
            let inner = node.app.borrow();
            stackdef_synth::synthesize(&inner.model)?
        };
        let name = stack.name();
        let json = out
            .stack(&name)
            .map(|s| s.template.clone())
            .unwrap_or(Json::Null);
        Ok(Template { json })
    }

    /// A template from its JSON (for example read back from an assembly).
    pub fn from_json(json: Json) -> Template {
        Template { json }
    }

    /// Parses template JSON text.
    pub fn parse(text: &str) -> Result<Template, serde_json::Error> {
        Ok(Template {
            json: serde_json::from_str(text)?,
        })
    }

    /// The whole template.
    pub fn json(&self) -> &Json {
        &self.json
    }

    /// Every resource of type `type_name`, by logical id.
    pub fn resources_of_type(&self, type_name: &str) -> IndexMap<String, Json> {
        self.json["Resources"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, r)| r["Type"] == type_name)
            .map(|(id, r)| (id.clone(), r.clone()))
            .collect()
    }

    /// How many resources of `type_name` there are.
    pub fn count_resources(&self, type_name: &str) -> usize {
        self.resources_of_type(type_name).len()
    }

    /// Panics unless there are exactly `count` resources of `type_name`.
    #[track_caller]
    pub fn resource_count_is(&self, type_name: &str, count: usize) {
        let found = self.resources_of_type(type_name);
        if found.len() != count {
            panic!(
                "expected {count} resource(s) of type {type_name}, found {}: [{}]",
                found.len(),
                found.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }

    /// Resources of `type_name` whose whole definition (`Properties`, `DeletionPolicy`,
    /// `DependsOn`, ...) matches `pattern`, by logical id.
    pub fn find_resources(
        &self,
        type_name: &str,
        pattern: impl Into<Match>,
    ) -> IndexMap<String, Json> {
        let pattern = pattern.into();
        self.resources_of_type(type_name)
            .into_iter()
            .filter(|(id, r)| pattern.check(Some(r), id).is_ok())
            .collect()
    }

    /// Resources of `type_name` whose `Properties` match `pattern`, by logical id.
    pub fn find_resources_with_properties(
        &self,
        type_name: &str,
        pattern: impl Into<Match>,
    ) -> IndexMap<String, Json> {
        self.find_resources(
            type_name,
            Match::object_like([("Properties", pattern.into())]),
        )
    }

    /// Checks that some resource of `type_name` matches `pattern` as a whole definition.
    pub fn check_resource(
        &self,
        type_name: &str,
        pattern: impl Into<Match>,
    ) -> Result<String, AssertionError> {
        let pattern = pattern.into();
        let mut mismatches = Vec::new();
        for (id, r) in self.resources_of_type(type_name) {
            match pattern.check(Some(&r), &format!("Resources.{id}")) {
                Ok(()) => return Ok(id),
                Err(m) => mismatches.push(m),
            }
        }
        Err(AssertionError {
            assertion: format!(
                "no {type_name} resource matches {} ({} candidate(s))",
                pattern.describe(),
                mismatches.len()
            ),
            mismatches,
        })
    }

    /// Checks that some resource of `type_name` has `Properties` matching `pattern`;
    /// returns its logical id.
    pub fn check_resource_properties(
        &self,
        type_name: &str,
        pattern: impl Into<Match>,
    ) -> Result<String, AssertionError> {
        self.check_resource(
            type_name,
            Match::object_like([("Properties", pattern.into())]),
        )
    }

    /// Panics (with a report of every candidate) unless some resource of `type_name` has
    /// `Properties` matching `pattern`; returns its logical id.
    #[track_caller]
    pub fn has_resource_properties(&self, type_name: &str, pattern: impl Into<Match>) -> String {
        match self.check_resource_properties(type_name, pattern) {
            Ok(id) => id,
            Err(e) => panic!("{e}"),
        }
    }

    /// Panics unless some resource of `type_name` matches `pattern` as a whole definition
    /// (use this for `DeletionPolicy`, `UpdateReplacePolicy`, `DependsOn`).
    #[track_caller]
    pub fn has_resource(&self, type_name: &str, pattern: impl Into<Match>) -> String {
        match self.check_resource(type_name, pattern) {
            Ok(id) => id,
            Err(e) => panic!("{e}"),
        }
    }

    /// Panics unless *every* resource of `type_name` (at least one) matches `pattern` as a
    /// whole definition.
    #[track_caller]
    pub fn all_resources(&self, type_name: &str, pattern: impl Into<Match>) {
        let pattern = pattern.into();
        let all = self.resources_of_type(type_name);
        if all.is_empty() {
            panic!("expected resources of type {type_name}, found none");
        }
        let mismatches: Vec<Mismatch> = all
            .iter()
            .filter_map(|(id, r)| pattern.check(Some(r), &format!("Resources.{id}")).err())
            .collect();
        if !mismatches.is_empty() {
            panic!(
                "{}",
                AssertionError {
                    assertion: format!(
                        "{} of {} {type_name} resource(s) do not match {}",
                        mismatches.len(),
                        all.len(),
                        pattern.describe()
                    ),
                    mismatches,
                }
            );
        }
    }

    /// The outputs, by id.
    pub fn outputs(&self) -> IndexMap<String, Json> {
        self.json["Outputs"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Outputs matching `pattern`, by id.
    pub fn find_outputs(&self, pattern: impl Into<Match>) -> IndexMap<String, Json> {
        let pattern = pattern.into();
        self.outputs()
            .into_iter()
            .filter(|(id, o)| pattern.check(Some(o), id).is_ok())
            .collect()
    }

    /// Panics unless output `id` exists and matches `pattern` (`Value`, `Export`,
    /// `Description`).
    #[track_caller]
    pub fn has_output(&self, id: &str, pattern: impl Into<Match>) {
        let pattern = pattern.into();
        let outputs = self.outputs();
        let Some(output) = outputs.get(id) else {
            panic!(
                "no output `{id}`; outputs are: [{}]",
                outputs.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        };
        if let Err(m) = pattern.check(Some(output), &format!("Outputs.{id}")) {
            panic!("output `{id}` does not match: {m}");
        }
    }

    /// The logical id of the resource at `path` (the construct path with the stack name,
    /// as in its `Metadata."stackdef:path"`; a construct's `/Resource` child may be left
    /// out), for following references in assertions.
    pub fn logical_id_of(&self, path: &str) -> Option<String> {
        let resources = self.json["Resources"].as_object()?;
        let at = |p: &str| {
            resources
                .iter()
                .find(|(_, r)| r["Metadata"][stackdef_synth::assembly::PATH_METADATA_KEY] == p)
                .map(|(id, _)| id.clone())
        };
        at(path).or_else(|| at(&format!("{path}/Resource")))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t() -> Template {
        Template::from_json(json!({
            "Resources": {
                "A": {"Type": "X::Y", "Properties": {"Port": 80, "Tags": [{"Key": "a"}, {"Key": "b"}]}},
                "B": {"Type": "X::Y", "Properties": {"Port": 443}, "DeletionPolicy": "Snapshot"}
            },
            "Outputs": {"Url": {"Value": "http://x"}}
        }))
    }

    #[test]
    fn matches_and_reports() {
        let t = t();
        t.resource_count_is("X::Y", 2);
        assert_eq!(t.has_resource_properties("X::Y", json!({"Port": 443})), "B");
        t.has_resource("X::Y", Match::object_like([("DeletionPolicy", "Snapshot")]));
        t.has_resource_properties(
            "X::Y",
            Match::object_like([("Tags", Match::array_with([json!({"Key": "b"})]))]),
        );
        let err = t
            .check_resource_properties("X::Y", json!({"Port": 22}))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("Resources.A.Properties.Port: expected 22, found 80"),
            "{err}"
        );
        assert!(
            err.contains("Resources.B.Properties.Port: expected 22, found 443"),
            "{err}"
        );
        assert!(
            t.check_resource_properties("X::Y", Match::object_like([("Tags", Match::absent())]))
                .is_ok()
        );
        t.has_output("Url", json!({"Value": "http://x"}));
        assert_eq!(
            t.find_resources("X::Y", json!({"DeletionPolicy": "Snapshot"}))
                .len(),
            1
        );
    }

    #[test]
    fn array_with_keeps_order() {
        let m = Match::array_with([json!(2), json!(1)]);
        assert!(m.check(Some(&json!([1, 2, 3])), "$").is_err());
        assert!(
            Match::array_with([json!(1), json!(3)])
                .check(Some(&json!([1, 2, 3])), "$")
                .is_ok()
        );
        assert!(
            Match::exact(json!({"a": 1}))
                .check(Some(&json!({"a": 1, "b": 2})), "$")
                .is_err()
        );
        assert!(Match::not(json!(1)).check(Some(&json!(2)), "$").is_ok());
    }
}
