//! CloudFormation's quotas, checked at synth (counts per template, template sizes).

/// Resources per template.
pub const RESOURCES: usize = 500;
/// Parameters per template.
pub const PARAMETERS: usize = 200;
/// Outputs per template.
pub const OUTPUTS: usize = 200;
/// Mappings per template.
pub const MAPPINGS: usize = 200;

/// Largest template CloudFormation accepts inline in an API call; larger ones go through S3.
pub const INLINE_TEMPLATE_LIMIT: usize = 51_200;
/// Largest template CloudFormation accepts at all (through S3).
pub const MAX_TEMPLATE_SIZE: usize = 1_000_000;
