//! Reference values: numbers the course publishes, backpropagation against finite differences,
//! the course's for-loops against the vectorized code, the Gram form against the textbook step,
//! and what initialisation does to symmetry. Each file is one concept; see `tests/README.md`.

#[path = "../common/mod.rs"]
mod common;

mod course_reference;
mod gradient_check;
mod gram;
mod looped_vs_vectorized;
mod symmetry;
