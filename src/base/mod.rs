//! The plumbing every other module stands on: the element type ([`Float`](crate::Float)), the
//! one error enum, the shared input checks, the `config!` macro, the memory limit, atomic
//! file replacement, reads at an offset and `.safetensors` files of named matrices. Nothing here
//! knows of networks or training, so that the layers above (a model file in `io`, a training
//! checkpoint, a streamed CSV) can all use it.

#[cfg(any(feature = "serde", feature = "report", feature = "npy"))]
pub(crate) mod atomic;
pub(crate) mod check;
pub(crate) mod config;
pub(crate) mod error;
#[cfg(any(feature = "csv", feature = "npy"))]
pub(crate) mod file;
pub(crate) mod float;
pub mod limits;
#[cfg(feature = "safetensors")]
pub(crate) mod tensors;
