//! Template-level items: parameters, outputs, conditions and mappings.
//!
//! Their ids are used verbatim as logical ids when created directly in a stack; inside a
//! construct they get a path-derived id like resources.

use indexmap::IndexMap;
use stackdef_synth::{
    ConditionKey, ConditionModel, Expr, MappingKey, MappingModel, OutputModel, ParameterKey,
    ParameterModel, logical_id,
};

use crate::app::Shared;
use crate::fns::Condition;
use crate::value::{ToTemplate, Value};
use crate::{Construct, Node};

fn template_id(node: &Node) -> String {
    logical_id::derive(&node.components())
}

/// A stack parameter, supplied at deploy time.
#[derive(Clone, Debug, Construct)]
pub struct CfnParameter {
    node: Node,
    key: ParameterKey,
}

impl CfnParameter {
    /// A parameter of CloudFormation type `type_name` (`String`, `Number`,
    /// `List<Number>`, `CommaDelimitedList`, `AWS::EC2::VPC::Id`, `AWS::SSM::Parameter::Value<String>`, ...).
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, type_name: &str) -> Self {
        let node = Node::new(scope, id);
        let model = ParameterModel {
            stack: node.stack,
            id: template_id(&node),
            type_name: type_name.to_owned(),
            location: node.location(),
            ..Default::default()
        };
        let key = node.app.borrow_mut().model.add_parameter(model);
        CfnParameter { node, key }
    }

    /// The parameter `id` of `stack`, made by `make` the first time any construct asks for
    /// it (for parameters many constructs share, such as a machine image's SSM parameter).
    #[track_caller]
    pub fn shared(
        stack: &crate::Stack,
        id: &str,
        make: impl FnOnce(&crate::Stack) -> CfnParameter,
    ) -> CfnParameter {
        let node = stack.node();
        let shared_key = (node.stack, id.to_owned());
        let found = node.app.borrow().shared.get(&shared_key).copied();
        if let Some(Shared::Parameter(index, key)) = found {
            return CfnParameter {
                node: node.sibling(index),
                key,
            };
        }
        let made = make(stack);
        node.app
            .borrow_mut()
            .shared
            .insert(shared_key, Shared::Parameter(made.node.index, made.key));
        made
    }

    /// A handle on a parameter already in the model (an included template's).
    pub(crate) fn adopt(node: Node, key: ParameterKey) -> Self {
        CfnParameter { node, key }
    }

    fn with(self, f: impl FnOnce(&mut ParameterModel)) -> Self {
        if let Some(p) = self
            .node
            .app
            .borrow_mut()
            .model
            .parameters
            .get_mut(self.key.index as usize)
        {
            f(p)
        }
        self
    }

    /// `Default`.
    pub fn default_value(self, value: impl Into<serde_json::Value>) -> Self {
        let v = value.into();
        self.with(|p| p.default = Some(v))
    }

    /// `Description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        let t = text.into();
        self.with(|p| p.description = Some(t))
    }

    /// `NoEcho: true` (the value is masked in the console and API).
    pub fn no_echo(self) -> Self {
        self.with(|p| p.no_echo = true)
    }

    /// `AllowedValues`.
    pub fn allowed_values<V: Into<serde_json::Value>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let v: Vec<serde_json::Value> = values.into_iter().map(Into::into).collect();
        self.with(|p| p.allowed_values = v)
    }

    /// `AllowedPattern` (and its `ConstraintDescription`).
    pub fn allowed_pattern(
        self,
        pattern: impl Into<String>,
        explanation: impl Into<String>,
    ) -> Self {
        let (pat, why) = (pattern.into(), explanation.into());
        self.with(|p| {
            p.allowed_pattern = Some(pat);
            p.constraint_description = Some(why);
        })
    }

    /// `MinLength` / `MaxLength`.
    pub fn length(self, min: Option<u32>, max: Option<u32>) -> Self {
        self.with(|p| {
            p.min_length = min;
            p.max_length = max;
        })
    }

    /// `MinValue` / `MaxValue`.
    pub fn range(self, min: Option<f64>, max: Option<f64>) -> Self {
        self.with(|p| {
            p.min_value = min;
            p.max_value = max;
        })
    }

    /// `Ref` to the parameter, typed as `T` (the caller knows what the parameter holds).
    pub fn value<T>(&self) -> Value<T> {
        Value::from_expr_unchecked(Expr::Param(self.key))
    }
}

/// A stack output, optionally exported for other stacks.
#[derive(Clone, Debug, Construct)]
pub struct CfnOutput {
    node: Node,
    index: usize,
}

impl CfnOutput {
    /// An output named `id` with `value`.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, value: impl ToTemplate) -> Self {
        let node = Node::new(scope, id);
        let model = OutputModel {
            stack: node.stack,
            id: template_id(&node),
            value: value.to_template(),
            description: None,
            export_name: None,
            condition: None,
            location: node.location(),
        };
        let index = {
            let mut app = node.app.borrow_mut();
            app.model.outputs.push(model);
            app.model.outputs.len() - 1
        };
        CfnOutput { node, index }
    }

    fn with(self, f: impl FnOnce(&mut OutputModel)) -> Self {
        if let Some(o) = self.node.app.borrow_mut().model.outputs.get_mut(self.index) {
            f(o)
        }
        self
    }

    /// `Description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        let t = text.into();
        self.with(|o| o.description = Some(t))
    }

    /// Exports the value under `name` for `Fn::ImportValue` by other stacks.
    /// (References between stackdef stacks are exported automatically; this is for
    /// consumers outside the app.)
    pub fn export_name(self, name: impl Into<Value<String>>) -> Self {
        let n = name.into().to_template();
        self.with(|o| o.export_name = Some(n))
    }

    /// Writes the output only when `condition` holds.
    pub fn condition(self, condition: &CfnCondition) -> Self {
        let k = condition.key;
        self.with(|o| o.condition = Some(k))
    }

    /// The output's logical id (its key in `stackdef outputs`).
    pub fn logical_id(&self) -> String {
        self.node
            .app
            .borrow()
            .model
            .outputs
            .get(self.index)
            .map(|o| o.id.clone())
            .unwrap_or_default()
    }
}

/// A named template condition.
#[derive(Clone, Debug, Construct)]
pub struct CfnCondition {
    node: Node,
    key: ConditionKey,
}

impl CfnCondition {
    /// A condition named `id` that holds when `expr` does.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, expr: Condition) -> Self {
        let node = Node::new(scope, id);
        let model = ConditionModel {
            stack: node.stack,
            id: template_id(&node),
            expr: expr.into_expr(),
            location: node.location(),
        };
        let key = node.app.borrow_mut().model.add_condition(model);
        CfnCondition { node, key }
    }

    /// A handle on a condition already in the model (an included template's).
    pub(crate) fn adopt(node: Node, key: ConditionKey) -> Self {
        CfnCondition { node, key }
    }

    /// The key synth uses for it.
    pub fn key(&self) -> ConditionKey {
        self.key
    }

    /// This condition inside another condition expression.
    pub fn as_condition(&self) -> Condition {
        Condition::from_expr(Expr::Condition(self.key))
    }
}

/// A template mapping (`Fn::FindInMap` table).
#[derive(Clone, Debug, Construct)]
pub struct CfnMapping {
    node: Node,
    key: MappingKey,
}

impl CfnMapping {
    /// A mapping named `id`: top-level key -> second-level key -> value.
    #[track_caller]
    pub fn new(
        scope: &impl Construct,
        id: &str,
        entries: IndexMap<String, IndexMap<String, serde_json::Value>>,
    ) -> Self {
        let node = Node::new(scope, id);
        let model = MappingModel {
            stack: node.stack,
            id: template_id(&node),
            entries,
            location: node.location(),
        };
        let key = node.app.borrow_mut().model.add_mapping(model);
        CfnMapping { node, key }
    }

    /// The mapping `id` of `stack`, made by `make` the first time any construct asks for it.
    #[track_caller]
    pub fn shared(
        stack: &crate::Stack,
        id: &str,
        make: impl FnOnce(&crate::Stack) -> CfnMapping,
    ) -> CfnMapping {
        let node = stack.node();
        let shared_key = (node.stack, id.to_owned());
        let found = node.app.borrow().shared.get(&shared_key).copied();
        if let Some(Shared::Mapping(index, key)) = found {
            return CfnMapping {
                node: node.sibling(index),
                key,
            };
        }
        let made = make(stack);
        node.app
            .borrow_mut()
            .shared
            .insert(shared_key, Shared::Mapping(made.node.index, made.key));
        made
    }

    /// `Fn::FindInMap [this, top, second]`, typed as `T`.
    pub fn find<T>(
        &self,
        top: impl Into<Value<String>>,
        second: impl Into<Value<String>>,
    ) -> Value<T> {
        Value::from_expr_unchecked(Expr::FindInMap(
            self.key,
            Box::new(top.into().to_template()),
            Box::new(second.into().to_template()),
        ))
    }
}
