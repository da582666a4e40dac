//! Typed identifiers: one generic [`Id`] whose marker type says what it identifies.

use std::marker::PhantomData;

use stackdef_synth::Expr;

use super::value::{ToTemplate, Value};

/// A typed identifier: a string that only converts from literals (`VpcId::new("vpc-1")`)
/// and from the references that really produce it. The aliases (`VpcId`, `SubnetId`, ...)
/// live in [`crate::cfn::ids`].
///
/// A typed id also fits wherever a plain string is expected (a field the schema does not
/// type), so references flow into L1 properties without casts:
///
/// ```
/// use stackdef::value::{Value, VpcId};
/// let id: Value<VpcId> = Value::literal(VpcId::new("vpc-1"));
/// let plain: Value<String> = id.into();
/// # let _ = plain;
/// ```
pub struct Id<M> {
    text: String,
    marker: PhantomData<fn() -> M>,
}

impl<M> Id<M> {
    /// An existing identifier, written literally.
    pub fn new(id: impl Into<String>) -> Self {
        Id {
            text: id.into(),
            marker: PhantomData,
        }
    }

    /// The identifier text.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<M> std::fmt::Debug for Id<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.text, f)
    }
}

impl<M> std::fmt::Display for Id<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl<M> Clone for Id<M> {
    fn clone(&self) -> Self {
        Id::new(self.text.clone())
    }
}

impl<M> PartialEq for Id<M> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<M> Eq for Id<M> {}

impl<M> std::hash::Hash for Id<M> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state)
    }
}

impl<M> PartialOrd for Id<M> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<M> Ord for Id<M> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

impl<M> ToTemplate for Id<M> {
    fn to_template(&self) -> Expr {
        Expr::String(self.text.clone())
    }
}

impl<M> From<Id<M>> for Value<Id<M>> {
    fn from(v: Id<M>) -> Self {
        Value::literal(v)
    }
}

impl<M> From<&Id<M>> for Value<Id<M>> {
    fn from(v: &Id<M>) -> Self {
        Value::literal(v.clone())
    }
}

/// An id is a string: it fits the plain string fields the schemas leave untyped.
impl<M> From<Value<Id<M>>> for Value<String> {
    fn from(v: Value<Id<M>>) -> Self {
        v.cast()
    }
}

/// A literal id is a literal string.
impl<M> From<Id<M>> for Value<String> {
    fn from(v: Id<M>) -> Self {
        Value::literal(v.text)
    }
}
