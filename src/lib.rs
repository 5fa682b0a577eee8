//! # ndnet
//!
//! Dense neural networks in pure Rust on [`ndarray`], in the notation of the first course of
//! the deep-learning curriculum: X is `(n_x, m)` with one example per column, Y is `(1, m)`,
//! `W[l]` is `(n[l], n[l−1])`, `b[l]` is `(n[l], 1)`, `Z[l] = W[l] A[l−1] + b[l]` and
//! `A[l] = g[l](Z[l])`.
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig};
//! use ndnet::rand::SeedableRng;
//!
//! let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(1);
//! let (x, y) = data::planar_flower::<f64, _>(400, &mut rng)?;
//! let mut net = Network::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid,
//!                            Initializer::randn_scaled(), &mut rng)?;
//! net.fit((&x, &y), &mut GradientDescent::new(1.2)?, &TrainConfig::new(5000))?;
//! assert!(net.accuracy(&x, &y)? > 0.85);
//! # Ok::<(), ndnet::Error>(())
//! ```
//!
//! `println!("{net}")` prints a summary of the network: one row per layer with the shapes of
//! `W[l]` and `b[l]`, the activation and the parameter count, then the cost and the total.
//!
//! ndnet re-exports the two crates its API speaks: [`rand`] (random generators are passed in)
//! and [`ndarray`] (X, Y and every parameter are `Array2`). Use `ndnet::rand` and
//! `ndnet::ndarray` rather than your own dependency on them: they are always the versions ndnet
//! was built with, where a `rand = "0.9"` in your Cargo.toml gives a `StdRng` that does not
//! implement ndnet's `rand` 0.10 `Rng` ("the trait bound `StdRng: rand_core::Rng` is not
//! satisfied").
//!
//! See [`guide`] for every formula of the course next to the call that computes it.
#![warn(missing_docs)]
#![warn(clippy::return_self_not_must_use)]
// `unsafe` lives in `linalg` alone (see docs/audit.md); each block says why it is sound.
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

// The plumbing: the float trait, the one error enum, input checks, the `config!` macro, the
// memory limit, atomic file replacement.
mod base;
// Matrix products, the worker pool and the SIMD kernels: the only module with `unsafe` code.
#[allow(unsafe_code)]
pub mod linalg;
// The network's concepts: activations, costs, initialisers, dropout, the dense layer, the network.
mod nn;
mod optimizer;
mod train;
// The course's teaching extras: the for-loop version, the computation graph, gradient checks,
// numpy's random numbers, and the guide.
mod course;
pub mod data;
#[cfg(feature = "serde")]
pub mod io;
pub mod metrics;
#[cfg(feature = "plot")]
pub mod plot;
#[cfg(feature = "progress")]
pub mod progress;
#[cfg(feature = "report")]
pub mod report;
pub mod search;
#[cfg(feature = "csv")]
pub mod tabular;

pub use base::error::{Error, Result};
pub use base::float::Float;
pub use base::limits::{self, memory_limit, set_memory_limit};
pub use course::gradcheck::{GradientCheck, gradient_check};
pub use course::{graph, guide, looped, numpy_random};
pub use data::{CrossValidation, cross_validate};
pub use linalg::{num_threads, set_num_threads};
/// The `mpi` crate ndnet is built with (feature `mpi`): `ndnet::mpi::initialize()` starts MPI
/// and gives the communicator [`Distributed`] runs on.
#[cfg(feature = "mpi")]
pub use mpi;
/// The `ndarray` ndnet is built with: `ndnet::ndarray::Array2` is the type of X, Y and every parameter.
pub use ndarray;
pub use nn::activation::{Activation, CustomActivation};
pub use nn::cost::{Cost, binary_cross_entropy_with_logits};
pub use nn::init::Initializer;
pub use nn::layer::Dense;
pub use nn::network::Network;
pub use optimizer::{
    Adam, AdamConfig, GradientDescent, LearningRateSchedule, Momentum, MomentumConfig, Optimizer, OptimizerState,
    ParamId, ParamKind, RmsProp, RmsPropConfig, check_update_shapes,
};
/// The `rand` ndnet is built with: `ndnet::rand::rngs::StdRng` and `ndnet::rand::SeedableRng`
/// make generators every ndnet function accepts.
pub use rand;
#[cfg(feature = "csv")]
pub use tabular::TabularModel;
#[cfg(feature = "mpi")]
pub use train::Distributed;
#[cfg(feature = "safetensors")]
pub use train::{Checkpoints, Every};
pub use train::{
    Diagnostics, EpochRecord, FitOptions, History, LayerDiagnostics, Plan, Record, Shuffle, TrainConfig, TrainLength,
    TrainingData, TrainingPath, Validation,
};

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
