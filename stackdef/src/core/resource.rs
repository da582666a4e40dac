//! The raw resource: a CloudFormation type name plus properties. Generated L1 types are
//! thin typed fronts over it, and it is the escape hatch for anything they do not cover.

use stackdef_synth::{Expr, RemovalPolicy, ResourceKey, ResourceModel, SourceLocation};

use crate::template::CfnCondition;
use crate::value::{ToTemplate, Value};
use crate::{Construct, Node};

/// A CloudFormation resource in the construct tree.
///
/// ```
/// use stackdef::{App, CfnResource, Env};
/// let app = App::new();
/// let stack = app.stack("Demo", Env::agnostic());
/// let topic = CfnResource::new(&stack, "Alerts", "AWS::SNS::Topic");
/// topic.set_property("DisplayName", "alerts");
/// let out = app.synthesize().unwrap();
/// let t = &out.stack("Demo").unwrap().template;
/// assert_eq!(t["Resources"]["Alerts"]["Properties"]["DisplayName"], "alerts");
/// ```
#[derive(Clone, Debug, Construct)]
pub struct CfnResource {
    node: Node,
    key: ResourceKey,
}

/// Anything backed by one CloudFormation resource (every L1 type).
pub trait Resource: Construct {
    /// The underlying resource.
    fn cfn(&self) -> &CfnResource;
}

impl Resource for CfnResource {
    fn cfn(&self) -> &CfnResource {
        self
    }
}

/// A generated L1 resource type (`cfn::s3::Bucket`): what [`crate::include`] needs to
/// hand back a resource of a template as its typed value.
pub trait L1Resource: Resource + Sized {
    /// The CloudFormation type name.
    const TYPE_NAME: &'static str;

    /// Wraps a raw resource already known to be of this type.
    #[doc(hidden)]
    fn from_raw(resource: CfnResource) -> Self;
}

impl CfnResource {
    /// A handle on a resource already in the model (an included template's).
    pub(crate) fn adopt(node: Node, key: ResourceKey) -> Self {
        CfnResource { node, key }
    }

    /// Adds a resource of CloudFormation type `type_name` with id `id` under `scope`.
    #[track_caller]
    pub fn new(scope: &impl Construct, id: &str, type_name: &str) -> Self {
        let node = Node::new(scope, id);
        let mut resource = ResourceModel::new(node.stack, node.components().to_vec(), type_name);
        resource.location = node.location();
        let key = node.app.borrow_mut().model.add_resource(resource);
        CfnResource { node, key }
    }

    fn with<R>(&self, f: impl FnOnce(&mut ResourceModel) -> R) -> R {
        let mut app = self.node.app.borrow_mut();
        let r = app
            .model
            .resources
            .get_mut(self.key.index as usize)
            .expect("a CfnResource's key always indexes its own app's arena");
        f(r)
    }

    /// The key synth uses to refer to this resource.
    pub fn key(&self) -> ResourceKey {
        self.key
    }

    /// The CloudFormation type name.
    pub fn type_name(&self) -> String {
        self.with(|r| r.type_name.clone())
    }

    /// Sets (or replaces) a property. Like the typed setters, the value is checked against
    /// the type's schema at synth (an unknown name, the wrong kind of value, a literal
    /// the schema forbids), and a problem is reported at this call's line.
    #[track_caller]
    pub fn set_property(&self, name: &str, value: impl ToTemplate) {
        let location = SourceLocation::caller();
        let value = value.to_template();
        self.with(|r| {
            r.properties.insert(name.to_owned(), value);
            r.record_location(name, location);
        });
    }

    /// Points problems with property `name` at `location` (a construct writes properties
    /// on behalf of its user's call, and passes that call's line).
    pub fn locate_property(&self, name: &str, location: SourceLocation) {
        self.with(|r| r.record_location(name, location));
    }

    /// Replaces all properties (checked at synth like [`CfnResource::set_property`]).
    pub fn set_properties(&self, properties: indexmap::IndexMap<String, Expr>) {
        self.with(|r| r.properties = properties);
    }

    /// A property's current value.
    pub fn property(&self, name: &str) -> Option<Expr> {
        self.with(|r| r.properties.get(name).cloned())
    }

    /// Removes a property.
    pub fn remove_property(&self, name: &str) {
        self.with(|r| r.properties.shift_remove(name));
    }

    /// Sets a nested property by a dotted path (`"A.B.C"`), creating objects on the way;
    /// for what the typed API does not reach. The result is checked against the schema at
    /// synth, and a problem is reported at this call's line.
    #[track_caller]
    pub fn add_override(&self, dotted_path: &str, value: impl ToTemplate) {
        let location = SourceLocation::caller();
        let value = value.to_template();
        let mut parts = dotted_path.split('.');
        let Some(first) = parts.next() else { return };
        let rest: Vec<&str> = parts.collect();
        self.with(|r| {
            r.record_location(first, location);
            let mut slot = r
                .properties
                .entry(first.to_owned())
                .or_insert_with(|| Expr::Map(Default::default()));
            for part in rest {
                if !matches!(slot, Expr::Map(_)) {
                    *slot = Expr::Map(Default::default());
                }
                let Expr::Map(map) = slot else { return };
                slot = map
                    .entry(part.to_owned())
                    .or_insert_with(|| Expr::Map(Default::default()));
            }
            *slot = value;
        });
    }

    /// `Ref` of this resource, typed as `T` (generated types pick the right `T`).
    pub fn ref_value<T>(&self) -> Value<T> {
        Value::from_expr_unchecked(Expr::Ref(self.key))
    }

    /// `Fn::GetAtt` of attribute `attribute`, typed as `T`.
    pub fn get_att<T>(&self, attribute: &str) -> Value<T> {
        Value::from_expr_unchecked(Expr::GetAtt(self.key, attribute.to_owned()))
    }

    /// Makes this resource wait for `other` (an explicit `DependsOn`; across stacks, a
    /// stack dependency). A dependency that references or other dependencies already
    /// imply (directly or through a chain; references inside `Fn::If` do not count) is not
    /// written.
    pub fn add_depends_on(&self, other: &impl Resource) {
        let key = other.cfn().key;
        self.with(|r| {
            if !r.depends_on.contains(&key) {
                r.depends_on.push(key)
            }
        });
    }

    /// Sets `DeletionPolicy`.
    pub fn set_deletion_policy(&self, policy: RemovalPolicy) {
        self.with(|r| r.deletion_policy = Some(policy));
    }

    /// Sets `UpdateReplacePolicy`.
    pub fn set_update_replace_policy(&self, policy: RemovalPolicy) {
        self.with(|r| r.update_replace_policy = Some(policy));
    }

    /// Sets both `DeletionPolicy` and `UpdateReplacePolicy`.
    pub fn apply_removal_policy(&self, policy: RemovalPolicy) {
        self.set_deletion_policy(policy);
        self.set_update_replace_policy(policy);
    }

    /// Creates the resource only when `condition` holds.
    pub fn set_condition(&self, condition: &CfnCondition) {
        let key = condition.key();
        self.with(|r| r.condition = Some(key));
    }

    /// Adds a `Metadata` entry.
    pub fn add_metadata(&self, key: &str, value: impl ToTemplate) {
        let value = value.to_template();
        self.with(|r| r.metadata.insert(key.to_owned(), value));
    }

    /// Uses `logical_id` instead of the id derived from the construct path (for adopting
    /// resources of an existing template without replacing them).
    pub fn override_logical_id(&self, logical_id: &str) {
        self.with(|r| r.logical_id_override = Some(logical_id.to_owned()));
    }
}
