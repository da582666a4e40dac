//! The core: the construct tree, values and references, the raw resource, intrinsic
//! functions and template items. Everything else (generated L1, L2 constructs) is built
//! on these.

pub mod app;
pub mod construct;
mod findings;
pub mod fns;
mod id;
pub mod include;
mod json;
pub mod l1_support;
pub mod resource;
pub mod template;
pub mod value;
