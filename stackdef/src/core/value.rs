//! Typed property values: a literal of type `T`, or a CloudFormation expression that will
//! produce a `T` at deploy time.
//!
//! Unlike string-encoded tokens, the two cases are distinct: validation looks at literals
//! and skips expressions by construction, and a reference carries the type of what it
//! refers to, so a subnet id cannot be passed where a VPC id is expected:
//!
//! ```compile_fail
//! use stackdef::value::{SubnetId, Value, VpcId};
//! fn wants_vpc(_: Value<VpcId>) {}
//! let subnet: Value<SubnetId> = Value::literal(SubnetId::new("subnet-1"));
//! wants_vpc(subnet);
//! ```

use indexmap::IndexMap;
use stackdef_synth::Expr;

/// Anything that can be written into a template.
pub trait ToTemplate {
    /// This value as a template expression.
    fn to_template(&self) -> Expr;
}

/// A literal `T` or an expression of type `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<T> {
    inner: Inner<T>,
}

#[derive(Debug, Clone, PartialEq)]
enum Inner<T> {
    Literal(T),
    Expr(Expr),
}

impl<T> Value<T> {
    /// A literal.
    pub fn literal(value: T) -> Self {
        Value {
            inner: Inner::Literal(value),
        }
    }

    /// An expression claimed to produce a `T`. The claim is not checked: prefer the typed
    /// accessors of resources (`vpc.vpc_id()`) and the functions in [`crate::fns`].
    pub fn from_expr_unchecked(expr: Expr) -> Self {
        Value {
            inner: Inner::Expr(expr),
        }
    }

    /// A value written as a JSON document: a property type ported from an existing
    /// template, or built in an order the template must keep
    /// (`Value::<l1::role::Policy>::from_json(doc)`). Checked against the schema at synth
    /// where it is used, like a value built with the typed setters.
    pub fn from_json(document: impl Into<Json>) -> Self {
        Value::from_expr_unchecked(document.into().to_template())
    }

    /// The literal, if this is one.
    pub fn as_literal(&self) -> Option<&T> {
        match &self.inner {
            Inner::Literal(v) => Some(v),
            Inner::Expr(_) => None,
        }
    }

    /// The expression, if this is one.
    pub fn as_expr(&self) -> Option<&Expr> {
        match &self.inner {
            Inner::Literal(_) => None,
            Inner::Expr(e) => Some(e),
        }
    }

    /// The same expression viewed as another type. The claim is not checked: typed ids
    /// already convert into plain string fields (`Value<VpcId>` into `Value<String>`), so
    /// this is only for what no conversion covers.
    pub fn cast<U>(self) -> Value<U>
    where
        T: ToTemplate,
    {
        Value::from_expr_unchecked(self.to_template())
    }
}

impl<T: ToTemplate> ToTemplate for Value<T> {
    fn to_template(&self) -> Expr {
        match &self.inner {
            Inner::Literal(v) => v.to_template(),
            Inner::Expr(e) => e.clone(),
        }
    }
}

impl ToTemplate for Expr {
    fn to_template(&self) -> Expr {
        self.clone()
    }
}

impl ToTemplate for String {
    fn to_template(&self) -> Expr {
        Expr::String(self.clone())
    }
}

impl ToTemplate for str {
    fn to_template(&self) -> Expr {
        Expr::String(self.to_owned())
    }
}

impl ToTemplate for bool {
    fn to_template(&self) -> Expr {
        Expr::Bool(*self)
    }
}

macro_rules! integer_to_template {
    ($($t:ty),*) => {$(
        impl ToTemplate for $t {
            fn to_template(&self) -> Expr {
                Expr::Number((*self).into())
            }
        }
    )*};
}
integer_to_template!(i64, i32, i16, i8, u64, u32, u16, u8, usize);

impl ToTemplate for f64 {
    fn to_template(&self) -> Expr {
        match serde_json::Number::from_f64(*self) {
            Some(n) => Expr::Number(n),
            // NaN and infinities have no JSON form: synth names the property that got one.
            None => Expr::NonFinite(*self),
        }
    }
}

impl ToTemplate for serde_json::Value {
    fn to_template(&self) -> Expr {
        Expr::from(self.clone())
    }
}

impl<T: ToTemplate> ToTemplate for Vec<T> {
    fn to_template(&self) -> Expr {
        Expr::List(self.iter().map(ToTemplate::to_template).collect())
    }
}

impl<T: ToTemplate> ToTemplate for IndexMap<String, T> {
    fn to_template(&self) -> Expr {
        Expr::Map(
            self.iter()
                .map(|(k, v)| (k.clone(), v.to_template()))
                .collect(),
        )
    }
}

impl<T: ToTemplate> ToTemplate for std::collections::BTreeMap<String, T> {
    fn to_template(&self) -> Expr {
        Expr::Map(
            self.iter()
                .map(|(k, v)| (k.clone(), v.to_template()))
                .collect(),
        )
    }
}

impl<T: ToTemplate + ?Sized> ToTemplate for &T {
    fn to_template(&self) -> Expr {
        (**self).to_template()
    }
}

/// Implements `From<T> for Value<T>` for a literal type (used by generated code for its
/// property structs and enums).
#[macro_export]
macro_rules! impl_literal {
    ($($t:ty),* $(,)?) => {$(
        impl ::core::convert::From<$t> for $crate::value::Value<$t> {
            #[inline]
            fn from(v: $t) -> Self {
                $crate::value::Value::literal(v)
            }
        }
    )*};
}

impl_literal!(String, bool, i64, f64, serde_json::Value);

impl From<&str> for Value<String> {
    fn from(v: &str) -> Self {
        Value::literal(v.to_owned())
    }
}

impl From<&String> for Value<String> {
    fn from(v: &String) -> Self {
        Value::literal(v.clone())
    }
}

macro_rules! widen {
    ($target:ty: $($from:ty),*) => {$(
        impl From<$from> for Value<$target> {
            fn from(v: $from) -> Self {
                Value::literal(<$target>::from(v))
            }
        }
    )*};
}
widen!(i64: i32, u32, u16, u8, i16, i8);
widen!(f64: f32, i32, u32, u16, u8);

/// A list whose items are each a literal or an expression (the list itself may also be
/// an expression, e.g. `Fn::GetAZs`).
pub type List<T> = Vec<Value<T>>;

/// A string-keyed map whose values are each a literal or an expression.
pub type Map<T> = IndexMap<String, Value<T>>;

impl<T, U: Into<Value<T>>> From<Vec<U>> for Value<List<T>> {
    fn from(items: Vec<U>) -> Self {
        Value::literal(items.into_iter().map(Into::into).collect())
    }
}

impl<T, U: Into<Value<T>>, const N: usize> From<[U; N]> for Value<List<T>> {
    fn from(items: [U; N]) -> Self {
        Value::literal(items.into_iter().map(Into::into).collect())
    }
}

impl<T, K: Into<String>, U: Into<Value<T>>> FromIterator<(K, U)> for Value<Map<T>> {
    fn from_iter<I: IntoIterator<Item = (K, U)>>(iter: I) -> Self {
        Value::literal(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl<T> From<Map<T>> for Value<Map<T>> {
    fn from(map: Map<T>) -> Self {
        Value::literal(map)
    }
}

pub use super::id::Id;
pub use super::json::Json;
pub use crate::cfn::ids::*;
