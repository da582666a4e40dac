//! Shared pieces of the runnable examples: the workloads' reusable constructs.

pub mod bank;
