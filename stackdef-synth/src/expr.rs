//! Template values: literals and CloudFormation intrinsic functions as a typed tree.
//!
//! An [`Expr`] never holds a logical id for another resource; it holds a [`ResourceKey`].
//! Logical ids are assigned at synth, which is also where a reference that crosses stacks
//! turns into an export and an `Fn::ImportValue`.

use indexmap::IndexMap;

/// Identifies one app's arena; keys from another app are dangling references.
pub type AppId = u32;

macro_rules! arena_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name {
            /// The app whose arena holds the item.
            pub app: AppId,
            /// Position in that arena.
            pub index: u32,
        }
    };
}

arena_key!(
    /// A resource in an app's model.
    ResourceKey
);
arena_key!(
    /// A template parameter in an app's model.
    ParameterKey
);
arena_key!(
    /// A template condition in an app's model.
    ConditionKey
);
arena_key!(
    /// A template mapping in an app's model.
    MappingKey
);

/// The pseudo parameters CloudFormation resolves at deploy time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::NotificationARNs`
    NotificationArns,
    /// `AWS::Partition`
    Partition,
    /// `AWS::Region`
    Region,
    /// `AWS::StackId`
    StackId,
    /// `AWS::StackName`
    StackName,
    /// `AWS::URLSuffix`
    UrlSuffix,
}

impl Pseudo {
    /// The name used in `Ref` and `Fn::Sub`.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }
}

/// One piece of an `Fn::Sub` string: literal text or an expression spliced in.
#[derive(Debug, Clone, PartialEq)]
pub enum SubPart {
    /// Literal text; `${` in it is escaped at synth.
    Text(String),
    /// A value substituted at deploy time.
    Expr(Expr),
}

/// A template value: a JSON literal or an intrinsic function.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// JSON `null`.
    Null,
    /// JSON boolean.
    Bool(bool),
    /// JSON number.
    Number(serde_json::Number),
    /// A number JSON cannot hold (NaN or an infinity, from a computation gone wrong):
    /// synth reports it with the property that got it.
    NonFinite(f64),
    /// JSON string.
    String(String),
    /// JSON array.
    List(Vec<Expr>),
    /// JSON object, in insertion order.
    Map(IndexMap<String, Expr>),
    /// `Ref` to a resource of this app.
    Ref(ResourceKey),
    /// `Fn::GetAtt` of a resource of this app.
    GetAtt(ResourceKey, String),
    /// `Ref` to a logical id written by hand (escape hatch; checked at synth).
    RefLogicalId(String),
    /// `Fn::GetAtt` on a logical id written by hand (escape hatch; checked at synth).
    GetAttLogicalId(String, String),
    /// `Ref` to a template parameter.
    Param(ParameterKey),
    /// `Ref` to a pseudo parameter.
    Pseudo(Pseudo),
    /// `Ref: AWS::NoValue`.
    NoValue,
    /// `Fn::Sub` built from parts; references become `${LogicalId}` at synth.
    Sub(Vec<SubPart>),
    /// `Fn::Join [delimiter, list]`.
    Join(String, Box<Expr>),
    /// `Fn::Select [index, list]`.
    Select(Box<Expr>, Box<Expr>),
    /// `Fn::Split [delimiter, string]`.
    Split(String, Box<Expr>),
    /// `Fn::GetAZs region` (empty string for the stack's region).
    GetAzs(Box<Expr>),
    /// `Fn::ImportValue name`.
    ImportValue(Box<Expr>),
    /// `Fn::If [condition, then, else]`.
    If(ConditionKey, Box<Expr>, Box<Expr>),
    /// `Fn::Equals [a, b]` (in conditions).
    Equals(Box<Expr>, Box<Expr>),
    /// `Fn::And [...]` (in conditions).
    And(Vec<Expr>),
    /// `Fn::Or [...]` (in conditions).
    Or(Vec<Expr>),
    /// `Fn::Not [c]` (in conditions).
    Not(Box<Expr>),
    /// `{"Condition": name}` inside a condition expression.
    Condition(ConditionKey),
    /// `Fn::FindInMap [map, top, second]`.
    FindInMap(MappingKey, Box<Expr>, Box<Expr>),
    /// `Fn::Base64 value`.
    Base64(Box<Expr>),
    /// `Fn::Cidr [ipBlock, count, cidrBits]`.
    Cidr(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A template fragment kept as written (an intrinsic stackdef does not model, such as
    /// `Fn::Transform`, from an imported template); rendered unchanged, never checked.
    Raw(serde_json::Value),
}

impl Expr {
    /// A string literal.
    pub fn string(s: impl Into<String>) -> Self {
        Expr::String(s.into())
    }

    /// Whether this is a literal (no intrinsic anywhere inside).
    pub fn is_literal(&self) -> bool {
        match self {
            Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) => true,
            Expr::List(items) => items.iter().all(Expr::is_literal),
            Expr::Map(map) => map.values().all(Expr::is_literal),
            _ => false,
        }
    }

    /// Calls `f` on every resource this expression references (directly or nested).
    pub fn visit_resource_refs(&self, f: &mut impl FnMut(ResourceKey)) {
        self.visit_refs(true, f);
    }

    /// Like [`Expr::visit_resource_refs`], but skips the branches of `Fn::If`: a reference
    /// there exists only when its condition picks it, so it orders nothing for certain.
    pub fn visit_unconditional_resource_refs(&self, f: &mut impl FnMut(ResourceKey)) {
        self.visit_refs(false, f);
    }

    fn visit_refs(&self, into_if: bool, f: &mut impl FnMut(ResourceKey)) {
        match self {
            Expr::Ref(k) | Expr::GetAtt(k, _) => f(*k),
            Expr::List(items) | Expr::And(items) | Expr::Or(items) => {
                items.iter().for_each(|e| e.visit_refs(into_if, f))
            }
            Expr::Map(map) => map.values().for_each(|e| e.visit_refs(into_if, f)),
            Expr::Sub(parts) => parts.iter().for_each(|p| {
                if let SubPart::Expr(e) = p {
                    e.visit_refs(into_if, f)
                }
            }),
            Expr::Join(_, e)
            | Expr::Split(_, e)
            | Expr::GetAzs(e)
            | Expr::ImportValue(e)
            | Expr::Not(e)
            | Expr::Base64(e) => e.visit_refs(into_if, f),
            Expr::If(_, a, b) => {
                if into_if {
                    a.visit_refs(into_if, f);
                    b.visit_refs(into_if, f);
                }
            }
            Expr::Select(a, b) | Expr::Equals(a, b) | Expr::FindInMap(_, a, b) => {
                a.visit_refs(into_if, f);
                b.visit_refs(into_if, f);
            }
            Expr::Cidr(a, b, c) => {
                a.visit_refs(into_if, f);
                b.visit_refs(into_if, f);
                c.visit_refs(into_if, f);
            }
            Expr::Null
            | Expr::Bool(_)
            | Expr::Number(_)
            | Expr::NonFinite(_)
            | Expr::String(_)
            | Expr::RefLogicalId(_)
            | Expr::GetAttLogicalId(..)
            | Expr::Param(_)
            | Expr::Pseudo(_)
            | Expr::NoValue
            | Expr::Condition(_)
            | Expr::Raw(_) => {}
        }
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::String(s.to_owned())
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Self {
        Expr::String(s)
    }
}

impl From<bool> for Expr {
    fn from(b: bool) -> Self {
        Expr::Bool(b)
    }
}

impl From<i64> for Expr {
    fn from(n: i64) -> Self {
        Expr::Number(n.into())
    }
}

impl From<serde_json::Value> for Expr {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Expr::Null,
            serde_json::Value::Bool(b) => Expr::Bool(b),
            serde_json::Value::Number(n) => Expr::Number(n),
            serde_json::Value::String(s) => Expr::String(s),
            serde_json::Value::Array(a) => Expr::List(a.into_iter().map(Expr::from).collect()),
            serde_json::Value::Object(o) => {
                Expr::Map(o.into_iter().map(|(k, v)| (k, Expr::from(v))).collect())
            }
        }
    }
}
