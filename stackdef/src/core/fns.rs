//! CloudFormation intrinsic functions and pseudo parameters, typed.
//!
//! ```
//! use stackdef::{App, CfnOutput, CfnResource, Env, fns, sub};
//! let app = App::new();
//! let stack = app.stack("Web", Env::agnostic());
//! let lb = CfnResource::new(&stack, "Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer");
//! lb.set_property("Subnets", vec!["subnet-1", "subnet-2"]);
//! let dns: stackdef::Value<String> = lb.get_att("DNSName");
//! CfnOutput::new(&stack, "Url", sub!["http://", dns, "/", fns::region()]);
//! let out = app.synthesize().unwrap();
//! let url = &out.stack("Web").unwrap().template["Outputs"]["Url"]["Value"];
//! assert_eq!(url["Fn::Sub"], "http://${Lb.DNSName}/${AWS::Region}");
//! ```

use stackdef_synth::{Expr, Pseudo, SubPart};

use crate::template::CfnCondition;
use crate::value::{List, ToTemplate, Value};

fn pseudo<T>(p: Pseudo) -> Value<T> {
    Value::from_expr_unchecked(Expr::Pseudo(p))
}

/// `AWS::AccountId`.
pub fn account_id() -> Value<String> {
    pseudo(Pseudo::AccountId)
}
/// `AWS::Region`.
pub fn region() -> Value<String> {
    pseudo(Pseudo::Region)
}
/// `AWS::Partition`.
pub fn partition() -> Value<String> {
    pseudo(Pseudo::Partition)
}
/// `AWS::StackName`.
pub fn stack_name() -> Value<String> {
    pseudo(Pseudo::StackName)
}
/// `AWS::StackId`.
pub fn stack_id() -> Value<String> {
    pseudo(Pseudo::StackId)
}
/// `AWS::URLSuffix`.
pub fn url_suffix() -> Value<String> {
    pseudo(Pseudo::UrlSuffix)
}
/// `AWS::NotificationARNs`.
pub fn notification_arns() -> Value<List<String>> {
    pseudo(Pseudo::NotificationArns)
}
/// `AWS::NoValue`: removes the property where it is used (typically inside [`if_`]); it
/// fits a value of any type.
pub fn no_value() -> NoValue {
    NoValue
}

/// The value of [`no_value`]: converts into a value of any type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoValue;

impl<T> From<NoValue> for Value<T> {
    fn from(_: NoValue) -> Self {
        Value::from_expr_unchecked(Expr::NoValue)
    }
}

/// One piece of a [`sub`](crate::sub!) string.
#[derive(Debug, Clone)]
pub struct SubPiece(SubPart);

impl From<&str> for SubPiece {
    fn from(s: &str) -> Self {
        SubPiece(SubPart::Text(s.to_owned()))
    }
}

impl From<String> for SubPiece {
    fn from(s: String) -> Self {
        SubPiece(SubPart::Text(s))
    }
}

impl<T: ToTemplate> From<Value<T>> for SubPiece {
    fn from(v: Value<T>) -> Self {
        SubPiece(SubPart::Expr(v.to_template()))
    }
}

impl<T: ToTemplate> From<&Value<T>> for SubPiece {
    fn from(v: &Value<T>) -> Self {
        SubPiece(SubPart::Expr(v.to_template()))
    }
}

/// `Fn::Sub` from pieces; use the [`sub!`](crate::sub!) macro to mix text and values.
pub fn sub(pieces: impl IntoIterator<Item = SubPiece>) -> Value<String> {
    // A literal or another `Fn::Sub` among the pieces joins this one's text, so the
    // template has one `Fn::Sub` instead of nested ones.
    let mut parts = Vec::new();
    for piece in pieces {
        match piece.0 {
            SubPart::Expr(Expr::Sub(inner)) => parts.extend(inner),
            SubPart::Expr(Expr::String(text)) => parts.push(SubPart::Text(text)),
            other => parts.push(other),
        }
    }
    Value::from_expr_unchecked(Expr::Sub(parts))
}

/// `Fn::Sub` of text and values: `sub!["arn:", fns::partition(), ":s3:::", bucket_name]`.
#[macro_export]
macro_rules! sub {
    ($($piece:expr),* $(,)?) => {
        $crate::fns::sub([$($crate::fns::SubPiece::from($piece)),*])
    };
}

/// `Fn::Join [delimiter, list]`.
pub fn join<T: ToTemplate>(delimiter: &str, list: impl Into<Value<List<T>>>) -> Value<String>
where
    Value<T>: ToTemplate,
{
    let list: Value<List<T>> = list.into();
    Value::from_expr_unchecked(Expr::Join(delimiter.to_owned(), Box::new(list_expr(&list))))
}

fn list_expr<T: ToTemplate>(list: &Value<List<T>>) -> Expr {
    match list.as_literal() {
        Some(items) => Expr::List(items.iter().map(ToTemplate::to_template).collect()),
        None => list.as_expr().cloned().unwrap_or(Expr::Null),
    }
}

/// `Fn::Select [index, list]`.
pub fn select<T: ToTemplate>(index: u32, list: impl Into<Value<List<T>>>) -> Value<T> {
    let list: Value<List<T>> = list.into();
    Value::from_expr_unchecked(Expr::Select(
        Box::new(Expr::Number(index.into())),
        Box::new(list_expr(&list)),
    ))
}

/// `Fn::Split [delimiter, source]`.
pub fn split(delimiter: &str, source: impl Into<Value<String>>) -> Value<List<String>> {
    Value::from_expr_unchecked(Expr::Split(
        delimiter.to_owned(),
        Box::new(source.into().to_template()),
    ))
}

/// `Fn::GetAZs` for the stack's own region.
pub fn get_azs() -> Value<List<String>> {
    Value::from_expr_unchecked(Expr::GetAzs(Box::new(Expr::String(String::new()))))
}

/// `Fn::ImportValue name`, typed as `T` (the exporter decides what it holds).
/// References between stacks of one app need no explicit import: they are automatic.
pub fn import_value<T>(name: impl Into<Value<String>>) -> Value<T> {
    Value::from_expr_unchecked(Expr::ImportValue(Box::new(name.into().to_template())))
}

/// `Fn::If [condition, then, else]`.
pub fn if_<T: ToTemplate>(
    condition: &CfnCondition,
    then: impl Into<Value<T>>,
    otherwise: impl Into<Value<T>>,
) -> Value<T> {
    Value::from_expr_unchecked(Expr::If(
        condition.key(),
        Box::new(then.into().to_template()),
        Box::new(otherwise.into().to_template()),
    ))
}

/// `Fn::Base64 value`.
pub fn base64(value: impl Into<Value<String>>) -> Value<String> {
    Value::from_expr_unchecked(Expr::Base64(Box::new(value.into().to_template())))
}

/// `Fn::Cidr [ip_block, count, cidr_bits]`.
pub fn cidr(ip_block: impl Into<Value<String>>, count: u32, cidr_bits: u32) -> Value<List<String>> {
    Value::from_expr_unchecked(Expr::Cidr(
        Box::new(ip_block.into().to_template()),
        Box::new(Expr::Number(count.into())),
        Box::new(Expr::Number(cidr_bits.into())),
    ))
}

/// A boolean condition expression (for [`CfnCondition`]).
#[derive(Debug, Clone)]
pub struct Condition(Expr);

impl Condition {
    pub(crate) fn from_expr(e: Expr) -> Self {
        Condition(e)
    }

    pub(crate) fn into_expr(self) -> Expr {
        self.0
    }

    /// `Fn::Equals [a, b]`.
    pub fn equals(a: impl Into<Value<String>>, b: impl Into<Value<String>>) -> Self {
        Condition(Expr::Equals(
            Box::new(a.into().to_template()),
            Box::new(b.into().to_template()),
        ))
    }

    /// `Fn::And [...]` (2 to 10 conditions).
    pub fn and(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Condition(Expr::And(conditions.into_iter().map(|c| c.0).collect()))
    }

    /// `Fn::Or [...]` (2 to 10 conditions).
    pub fn or(conditions: impl IntoIterator<Item = Condition>) -> Self {
        Condition(Expr::Or(conditions.into_iter().map(|c| c.0).collect()))
    }

    /// `Fn::Not [c]`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(condition: Condition) -> Self {
        Condition(Expr::Not(Box::new(condition.0)))
    }
}
