//! Helpers shared by the workspace integration tests.

pub mod cfn_lint;
pub mod checkov;
pub mod mermaid;
pub mod python;
