//! Offline facts about resource types: which properties force a replacement when they change
//! (the schemas' create-only properties), from the registry.

/// Create-only property paths of `type_name` (e.g. `BucketName`, `Tags.Key`): changing any
/// of them makes CloudFormation replace the resource. Empty when the registry does not know
/// the type.
pub fn create_only_properties(type_name: &str) -> &'static [String] {
    stackdef_registry::schema(type_name).map_or(&[], |s| s.create_only.as_slice())
}
