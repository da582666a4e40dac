//! The shape of a resource type as the data files describe it.
//!
//! Field names are short in the files (`"k"`, `"f"`, ...) because there are 1,584 types;
//! the Rust names say what they are.

use serde::{Deserialize, Serialize};

/// Everything stackdef knows about one resource type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSchema {
    /// `AWS::EC2::Subnet`.
    #[serde(rename = "t")]
    pub type_name: String,
    /// Property paths whose change replaces the resource (`/properties/` stripped, `/`
    /// written `.`: `Tags.Key`).
    #[serde(rename = "co", default, skip_serializing_if = "Vec::is_empty")]
    pub create_only: Vec<String>,
    /// Property paths never returned when the resource is read.
    #[serde(rename = "wo", default, skip_serializing_if = "Vec::is_empty")]
    pub write_only: Vec<String>,
    /// Property paths CloudFormation sets (attributes); they cannot be written.
    #[serde(rename = "ro", default, skip_serializing_if = "Vec::is_empty")]
    pub read_only: Vec<String>,
    /// The properties that identify a resource.
    #[serde(rename = "pi", default, skip_serializing_if = "Vec::is_empty")]
    pub primary_identifier: Vec<String>,
    /// The typed-id name (`VpcId`) of the resource's `Ref`, when its identifier is one
    /// property whose kind is clear.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub ref_id: Option<String>,
    /// The attributes `Fn::GetAtt` can read.
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Object shapes; the first is the resource's `Properties`.
    #[serde(rename = "o")]
    pub objects: Vec<ObjectSchema>,
    /// String enums the shapes refer to by index.
    #[serde(rename = "e", default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumSchema>,
    /// Whether the resource holds data that replacing or deleting it loses (databases,
    /// buckets, volumes, log groups, ...).
    #[serde(rename = "st", default, skip_serializing_if = "is_false")]
    pub stateful: bool,
    /// Whether `DeletionPolicy`/`UpdateReplacePolicy` may be `Snapshot`.
    #[serde(rename = "snap", default, skip_serializing_if = "is_false")]
    pub snapshot: bool,
}

impl TypeSchema {
    /// The shape of the resource's `Properties`.
    pub fn properties(&self) -> &ObjectSchema {
        &self.objects[0]
    }

    /// The object shape `index` refers to (from [`Shape::Object`]).
    pub fn object(&self, index: u32) -> Option<&ObjectSchema> {
        self.objects.get(index as usize)
    }

    /// The enum `index` refers to (from [`Shape::Enum`]).
    pub fn enumeration(&self, index: u32) -> Option<&EnumSchema> {
        self.enums.get(index as usize)
    }

    /// The attribute `name` (`Endpoint.Address`), if `Fn::GetAtt` can read it.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Whether changing the property at `path` replaces the resource.
    pub fn is_create_only(&self, path: &str) -> bool {
        self.create_only.iter().any(|p| p == path)
    }
}

/// A `Fn::GetAtt` attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    /// `Endpoint.Address`.
    #[serde(rename = "n")]
    pub name: String,
    /// The typed-id name of its value (`SecurityGroupId`), when known.
    #[serde(rename = "id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// An object: its fields and the rules on which of them go together.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ObjectSchema {
    /// The fields, in schema order.
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSchema>,
    /// Rules on which fields are set together.
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    pub combos: Vec<Combo>,
    /// Whether fields the schema does not list are accepted.
    #[serde(rename = "open", default, skip_serializing_if = "is_false")]
    pub open: bool,
}

impl ObjectSchema {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldSchema {
    /// The name in the template (`CidrBlock`).
    #[serde(rename = "n")]
    pub name: String,
    /// Whether CloudFormation requires it.
    #[serde(rename = "r", default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// What its value looks like.
    #[serde(rename = "s")]
    pub shape: Shape,
}

/// What a value looks like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Shape {
    /// A string.
    #[serde(rename = "s")]
    String(StringRules),
    /// An integer.
    #[serde(rename = "i")]
    Integer(NumberRules),
    /// A number.
    #[serde(rename = "n")]
    Number(NumberRules),
    /// A boolean.
    #[serde(rename = "b")]
    Boolean,
    /// Free-form JSON (anything goes).
    #[serde(rename = "j")]
    Json,
    /// One of the strings of an enum (index into [`TypeSchema::enums`]).
    #[serde(rename = "e")]
    Enum {
        /// The enum.
        #[serde(rename = "i")]
        index: u32,
    },
    /// An object (index into [`TypeSchema::objects`]).
    #[serde(rename = "o")]
    Object {
        /// The object.
        #[serde(rename = "i")]
        index: u32,
    },
    /// A list.
    #[serde(rename = "l")]
    List {
        /// Each item's shape.
        #[serde(rename = "of")]
        items: Box<Shape>,
        /// Fewest items.
        #[serde(rename = "min", default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u64>,
        /// Most items.
        #[serde(rename = "max", default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u64>,
    },
    /// A string-keyed map.
    #[serde(rename = "m")]
    Map {
        /// Each value's shape.
        #[serde(rename = "of")]
        values: Box<Shape>,
    },
}

/// What a string must look like.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StringRules {
    /// Fewest characters.
    #[serde(rename = "min", default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Most characters.
    #[serde(rename = "max", default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// A regular expression the string must match (searched, as JSON Schema does).
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A format the string must be written in.
    #[serde(rename = "fmt", default, skip_serializing_if = "Option::is_none")]
    pub format: Option<StringFormat>,
    /// The typed-id name (`VpcId`) when the string identifies a resource of a known kind.
    #[serde(rename = "id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// What a number must be.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NumberRules {
    /// Smallest value.
    #[serde(rename = "min", default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Largest value.
    #[serde(rename = "max", default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// The allowed integers, when the schema lists them.
    #[serde(rename = "one", default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<i64>,
}

/// A string format the schemas name and stackdef checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StringFormat {
    /// An IPv4 address (`10.0.0.1`).
    #[serde(rename = "ipv4")]
    Ipv4,
    /// An IPv6 address (`2001:db8::1`).
    #[serde(rename = "ipv6")]
    Ipv6,
    /// An IPv4 CIDR block (`10.0.0.0/16`).
    #[serde(rename = "ipv4-network")]
    Ipv4Network,
    /// An IPv6 CIDR block (`2001:db8::/56`).
    #[serde(rename = "ipv6-network")]
    Ipv6Network,
}

impl StringFormat {
    /// Whether `s` is written in this format.
    pub fn accepts(self, s: &str) -> bool {
        use std::net::{Ipv4Addr, Ipv6Addr};
        // Only plain decimal prefixes: `u8::from_str` would also take "+8".
        let prefix_at_most = |p: &str, max: u8| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u8>().is_ok_and(|n| n <= max)
        };
        match self {
            StringFormat::Ipv4 => s.parse::<Ipv4Addr>().is_ok(),
            StringFormat::Ipv6 => s.parse::<Ipv6Addr>().is_ok(),
            StringFormat::Ipv4Network => s
                .split_once('/')
                .is_some_and(|(a, p)| a.parse::<Ipv4Addr>().is_ok() && prefix_at_most(p, 32)),
            StringFormat::Ipv6Network => s
                .split_once('/')
                .is_some_and(|(a, p)| a.parse::<Ipv6Addr>().is_ok() && prefix_at_most(p, 128)),
        }
    }

    /// What a value in this format looks like, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            StringFormat::Ipv4 => "an IPv4 address such as 10.0.0.1",
            StringFormat::Ipv6 => "an IPv6 address such as 2001:db8::1",
            StringFormat::Ipv4Network => "an IPv4 CIDR block such as 10.0.0.0/16 (prefix 0-32)",
            StringFormat::Ipv6Network => "an IPv6 CIDR block such as 2001:db8::/56 (prefix 0-128)",
        }
    }

    /// What a value in this format is, for documentation (`an IPv4 CIDR block`).
    pub fn noun(self) -> &'static str {
        match self {
            StringFormat::Ipv4 => "an IPv4 address",
            StringFormat::Ipv6 => "an IPv6 address",
            StringFormat::Ipv4Network => "an IPv4 CIDR block",
            StringFormat::Ipv6Network => "an IPv6 CIDR block",
        }
    }
}

/// The values of a string enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumSchema {
    /// The values the schema lists.
    #[serde(rename = "v")]
    pub values: Vec<String>,
    /// Whether cfn-lint (and CloudFormation) accept them in any case.
    #[serde(rename = "ci", default, skip_serializing_if = "is_false")]
    pub case_insensitive: bool,
}

/// A rule on which fields of an object are set together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Combo {
    /// Exactly one branch has all its fields set (`oneOf` of `required`, `requiredXor`).
    #[serde(rename = "one")]
    ExactlyOne(Vec<Vec<String>>),
    /// At least one branch has all its fields set (`anyOf` of `required`, `requiredOr`).
    #[serde(rename = "any")]
    AtLeastOne(Vec<Vec<String>>),
    /// When the first is set, none of the others may be (`dependentExcluded`).
    #[serde(rename = "excl")]
    Excludes(String, Vec<String>),
    /// When the first is set, all the others must be (`dependentRequired`).
    #[serde(rename = "req")]
    Requires(String, Vec<String>),
}
