//! Generated L1 types, one module per service (placeholder until the generator runs).

pub mod ids;
