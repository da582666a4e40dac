//! Free-form JSON whose leaves may be expressions (policy documents, action
//! configurations, the schemas' untyped fields).

use indexmap::IndexMap;
use stackdef_synth::Expr;

use super::value::{ToTemplate, Value};

/// A JSON document for the properties the schemas leave free-form. Unlike
/// `serde_json::Value`, a leaf can be a reference or another expression:
///
/// ```
/// use stackdef::value::{Json, Value};
/// let arn: Value<String> = Value::literal("arn:aws:s3:::logs".to_owned());
/// let doc = Json::object([
///     ("Effect", Json::from("Allow")),
///     ("Resource", Json::from(arn)),
///     ("Action", Json::array(["s3:GetObject", "s3:PutObject"].map(Json::from))),
/// ]);
/// assert_eq!(doc.as_object().map(|o| o.len()), Some(3));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Json(Expr);

impl Json {
    /// An object from `(key, value)` pairs, in order.
    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json(Expr::Map(
            entries.into_iter().map(|(k, v)| (k.into(), v.0)).collect(),
        ))
    }

    /// An array.
    pub fn array(items: impl IntoIterator<Item = Json>) -> Json {
        Json(Expr::List(items.into_iter().map(|j| j.0).collect()))
    }

    /// The expression of any typed value: `Json::of(&role.arn())`.
    pub fn of<T: ToTemplate + ?Sized>(value: &T) -> Json {
        Json(value.to_template())
    }

    /// Adds or replaces `key` in an object (nothing happens to a non-object).
    pub fn insert(&mut self, key: impl Into<String>, value: Json) {
        if let Expr::Map(map) = &mut self.0 {
            map.insert(key.into(), value.0);
        }
    }

    /// The entries of an object.
    pub fn as_object(&self) -> Option<&IndexMap<String, Expr>> {
        match &self.0 {
            Expr::Map(map) => Some(map),
            _ => None,
        }
    }
}

impl ToTemplate for Json {
    fn to_template(&self) -> Expr {
        self.0.clone()
    }
}

impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Self {
        Json(Expr::from(v))
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json(Expr::String(s.to_owned()))
    }
}

impl From<String> for Json {
    fn from(s: String) -> Self {
        Json(Expr::String(s))
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Json(Expr::Bool(b))
    }
}

impl From<i64> for Json {
    fn from(n: i64) -> Self {
        Json(Expr::Number(n.into()))
    }
}

impl<T: ToTemplate> From<Value<T>> for Json {
    fn from(v: Value<T>) -> Self {
        Json(v.to_template())
    }
}

impl From<Json> for Value<Json> {
    fn from(v: Json) -> Self {
        Value::literal(v)
    }
}

impl From<serde_json::Value> for Value<Json> {
    fn from(v: serde_json::Value) -> Self {
        Value::literal(Json::from(v))
    }
}
