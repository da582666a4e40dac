//! Reading a model the way the rules need: resources by type, property values by path,
//! literals, and what a reference points at.

use indexmap::IndexMap;
use stackdef_synth::{AppModel, Expr, ResourceModel};

/// A model, indexed for the rules.
pub(crate) struct ModelView<'m> {
    pub(crate) model: &'m AppModel,
}

impl<'m> ModelView<'m> {
    pub(crate) fn new(model: &'m AppModel) -> Self {
        ModelView { model }
    }

    /// The resources of `type_name`, with their indexes.
    pub(crate) fn of_type<'a>(
        &'a self,
        type_name: &'a str,
    ) -> impl Iterator<Item = (usize, &'m ResourceModel)> + 'a {
        self.model
            .resources
            .iter()
            .enumerate()
            .filter(move |(_, r)| r.type_name == type_name)
    }

    /// The resource a `Ref` or `Fn::GetAtt` points at.
    pub(crate) fn target(&self, e: &Expr) -> Option<(usize, &'m ResourceModel)> {
        match e {
            Expr::Ref(k) | Expr::GetAtt(k, _) => {
                self.model.resource(*k).map(|r| (k.index as usize, r))
            }
            _ => None,
        }
    }

    /// The region of the stack holding `r`, when known at synth.
    pub(crate) fn region(&self, r: &ResourceModel) -> Option<&'m str> {
        self.model
            .stacks
            .get(r.stack as usize)
            .and_then(|s| s.env.region.as_deref())
    }
}

/// The value at a dotted `path` (`DeploymentConfiguration.DeploymentCircuitBreaker`).
pub(crate) fn get<'e>(props: &'e IndexMap<String, Expr>, path: &str) -> Option<&'e Expr> {
    let mut parts = path.split('.');
    let mut cur = props.get(parts.next()?)?;
    for part in parts {
        match cur {
            Expr::Map(m) => cur = m.get(part)?,
            _ => return None,
        }
    }
    Some(cur)
}

/// A literal string (or the text of a literal number or boolean).
pub(crate) fn text(e: &Expr) -> Option<String> {
    match e {
        Expr::String(s) => Some(s.clone()),
        Expr::Number(n) => Some(n.to_string()),
        Expr::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A literal string.
pub(crate) fn str_of(e: &Expr) -> Option<&str> {
    match e {
        Expr::String(s) => Some(s),
        _ => None,
    }
}

/// A literal boolean (also written as `"true"`/`"false"`).
pub(crate) fn bool_of(e: &Expr) -> Option<bool> {
    match e {
        Expr::Bool(b) => Some(*b),
        Expr::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Expr::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A literal number (also written as a string).
pub(crate) fn num_of(e: &Expr) -> Option<f64> {
    match e {
        Expr::Number(n) => n.as_f64(),
        Expr::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The items of a literal list.
pub(crate) fn list_of(e: &Expr) -> Option<&[Expr]> {
    match e {
        Expr::List(items) => Some(items),
        _ => None,
    }
}

/// The entries of a literal object.
pub(crate) fn map_of(e: &Expr) -> Option<&IndexMap<String, Expr>> {
    match e {
        Expr::Map(m) => Some(m),
        _ => None,
    }
}

/// One value, or each item of a list (how IAM writes `Action` and `Resource`).
pub(crate) fn one_or_many(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::List(items) => items.iter().collect(),
        other => vec![other],
    }
}
