//! What the generated L1 types are made of: a property bag kept in schema order, and the
//! macros that give every resource, property type and enum its common code.
//!
//! The generated files hold only what differs between types (names, fields, docs); the
//! checks of literal values run at synth from the registry schemas (see
//! [`crate::registry`]), for typed, raw and overridden properties alike.
//!
//! Every generated function that is not generic is `#[inline]`: the compiler then builds
//! machine code only for the ones a program uses, in the program's crate, instead of all
//! of them in `stackdef` (about a fifth of its build).

use indexmap::IndexMap;
use stackdef_synth::Expr;

/// Properties set so far, each with its position in the schema so that the template lists
/// them in schema order whatever order the setters ran in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties {
    entries: Vec<(u16, &'static str, Expr)>,
}

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Properties::default()
    }

    /// Sets property `name`, the `index`-th of its schema.
    pub fn with(mut self, index: u16, name: &'static str, value: Expr) -> Self {
        match self.entries.binary_search_by_key(&index, |(i, _, _)| *i) {
            Ok(at) => self.entries[at].2 = value,
            Err(at) => self.entries.insert(at, (index, name, value)),
        }
        self
    }

    /// The properties as a template object.
    pub fn to_expr(&self) -> Expr {
        Expr::Map(self.to_map())
    }

    /// The properties by name, in schema order.
    pub fn to_map(&self) -> IndexMap<String, Expr> {
        self.entries
            .iter()
            .map(|(_, name, value)| ((*name).to_owned(), value.clone()))
            .collect()
    }

    /// Whether `name` is set.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(_, n, _)| *n == name)
    }
}

/// A generated resource type: the struct over [`crate::CfnResource`], its tree and
/// resource impls, `Deref` to the raw resource, the type name, `new`, and its schema.
#[doc(hidden)]
#[macro_export]
macro_rules! l1_resource {
    ($(#[$meta:meta])* $name:ident($type_name:literal, $props:ident)) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name {
            resource: $crate::CfnResource,
        }

        impl $crate::Construct for $name {
            #[inline]
            fn node(&self) -> &$crate::Node {
                $crate::Construct::node(&self.resource)
            }
        }

        impl $crate::Resource for $name {
            #[inline]
            fn cfn(&self) -> &$crate::CfnResource {
                &self.resource
            }
        }

        /// DependsOn, Condition, DeletionPolicy, UpdateReplacePolicy, Metadata and
        /// overrides through the raw resource.
        impl ::core::ops::Deref for $name {
            type Target = $crate::CfnResource;
            #[inline]
            fn deref(&self) -> &$crate::CfnResource {
                &self.resource
            }
        }

        impl $crate::resource::L1Resource for $name {
            const TYPE_NAME: &'static str = $type_name;

            #[inline]
            fn from_raw(resource: $crate::CfnResource) -> Self {
                Self { resource }
            }
        }

        impl $name {
            /// The CloudFormation type name.
            pub const TYPE_NAME: &'static str = $type_name;

            /// Adds the resource under `scope`. Literal property values are checked against
            /// the schema at synth, and violations are reported with the construct path
            /// and this call's source line.
            #[track_caller]
            pub fn new(scope: &impl $crate::Construct, id: &str, props: $props) -> Self {
                let resource = $crate::CfnResource::new(scope, id, Self::TYPE_NAME);
                resource.set_properties(props.0.to_map());
                Self { resource }
            }

            /// The type's schema: property shapes, create-only (replacement), write-only
            /// and read-only properties, the primary identifier and the attributes.
            pub fn schema() -> ::core::option::Option<&'static $crate::registry::TypeSchema> {
                $crate::registry::schema(Self::TYPE_NAME)
            }

            /// Properties whose change replaces the resource.
            #[inline]
            pub fn create_only() -> &'static [::std::string::String] {
                match Self::schema() {
                    ::core::option::Option::Some(s) => &s.create_only,
                    ::core::option::Option::None => &[],
                }
            }
        }
    };
}

/// A generated property type (or the properties of a resource): a [`Properties`] bag that
/// becomes a template object.
#[doc(hidden)]
#[macro_export]
macro_rules! l1_struct {
    ($(#[$meta:meta])* $name:ident(default)) => {
        $(#[$meta])*
        #[derive(Clone, Default)]
        pub struct $name($crate::Properties);

        $crate::l1_struct!(@impls $name);
    };
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name($crate::Properties);

        $crate::l1_struct!(@impls $name);
    };
    (@impls $name:ident) => {
        impl ::core::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl $crate::value::ToTemplate for $name {
            #[inline]
            fn to_template(&self) -> $crate::Expr {
                self.0.to_expr()
            }
        }

        $crate::impl_literal!($name);
    };
}

/// A generated string enum: the listed values plus `Other` for values newer than the
/// schema (a value that differs from a listed one only in case is reported at synth).
#[doc(hidden)]
#[macro_export]
macro_rules! l1_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value the schema does not list (newer than the schema); checked only for
            /// case mistakes.
            Other(::std::string::String),
        }

        impl $name {
            /// The values the schema lists.
            pub const VALUES: &'static [&'static str] = &[$($value),*];

            /// The value as written in the template.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Other(s) => s,
                }
            }
        }

        impl ::core::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $(Self::$variant => f.write_str(stringify!($variant)),)*
                    Self::Other(s) => f.debug_tuple("Other").field(s).finish(),
                }
            }
        }

        impl $crate::value::ToTemplate for $name {
            #[inline]
            fn to_template(&self) -> $crate::Expr {
                $crate::Expr::String(self.as_str().to_owned())
            }
        }

        impl ::core::convert::From<&str> for $name {
            #[inline]
            fn from(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::core::convert::From<&str> for $crate::value::Value<$name> {
            #[inline]
            fn from(s: &str) -> Self {
                $crate::value::Value::literal($name::from(s))
            }
        }

        $crate::impl_literal!($name);
    };
}
