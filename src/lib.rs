//! # ndnet
//!
//! Dense neural networks in pure Rust on [`ndarray`], in the notation of the first course of
//! the deep-learning curriculum: X is (n_x, m) with one example per column, Y is (1, m),
//! W[l] is (n[l], n[l−1]), b[l] is (n[l], 1), Z[l] = W[l] A[l−1] + b[l], A[l] = g[l](Z[l]).
#![warn(missing_docs)]

mod check;
pub mod data;
mod error;
mod float;
pub mod metrics;

pub use error::{Error, Result};
pub use float::Float;
