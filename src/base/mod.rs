//! The plumbing every other module stands on: the element type ([`Float`](crate::Float)), the
//! one error enum, the shared input checks, the `config!` macro, the memory limit, atomic
//! file replacement and reads at an offset. Nothing here knows of networks or training.

#[cfg(any(feature = "serde", feature = "report", feature = "npy"))]
pub(crate) mod atomic;
pub(crate) mod check;
pub(crate) mod config;
pub(crate) mod error;
#[cfg(any(feature = "csv", feature = "npy"))]
pub(crate) mod file;
pub(crate) mod float;
pub mod limits;
