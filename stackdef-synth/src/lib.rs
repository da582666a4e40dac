//! The synthesis core of stackdef: the template model, intrinsic expressions, the
//! reference graph, logical ids, validation, deterministic JSON and the assembly.
//!
//! It knows nothing about AWS APIs; the `stackdef` crate builds an [`AppModel`] through
//! its typed construct API and calls [`synthesize`].

#![deny(missing_docs)]

pub mod assembly;
pub mod error;
pub mod expr;
pub mod graph;
pub mod import;
pub mod limits;
pub mod location;
pub mod logical_id;
pub mod manifest;
pub mod model;
mod ordering;
pub mod synth;
pub mod template_text;

pub use assembly::{Assembly, AssemblyError, Manifest, StackArtifact};
pub use error::{ErrorKind, SynthError, SynthErrors, SynthWarning, WarningList};
pub use expr::{AppId, ConditionKey, Expr, MappingKey, ParameterKey, Pseudo, ResourceKey, SubPart};
pub use model::{
    Acknowledgement, AppModel, ConditionModel, Env, MappingModel, OutputModel, ParameterModel,
    RemovalPolicy, ResourceModel, SourceLocation, StackIndex, StackModel,
};
pub use synth::{SynthOutput, SynthesizedStack, synthesize, synthesize_with};
