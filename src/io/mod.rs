//! Saving and loading models (feature `serde`, on by default): one content, two [`Format`]s.
//!
//! [`Network::save`](crate::Network::save) and [`Network::load`](crate::Network::load) (in
//! memory: [`Network::to_bytes`](crate::Network::to_bytes) and
//! [`Network::from_bytes`](crate::Network::from_bytes)), and the same four on
//! [`TabularModel`](crate::TabularModel), write and read:
//!
//! | format | what | read by |
//! | --- | --- | --- |
//! | [`Format::Json`] | pretty-printed JSON, every value written exactly | people, diffs, any JSON tool |
//! | `Format::Safetensors` (feature `safetensors`, on by default) | the parameters as tensors `W1`, `b1`, …, `WL`, `bL`, the rest as metadata | Python (`safetensors`, numpy, PyTorch), candle, burn |
//!
//! Both hold the same content: the format's name and version (`ndnet-model`, 1), the float
//! type (`f32` or `f64`), the cost, the layer sizes, every layer's activation by name (with
//! the leaky ReLU's slope), `W[l]` and `b[l]`, and for a tabular model the preprocessing fitted
//! on its training rows. Loading tells the format from the file's first bytes, never from its
//! name.
//!
//! * Loading rebuilds the network with
//!   [`Network::from_parameters`](crate::Network::from_parameters), so every shape and value is
//!   checked; a truncated, corrupt, foreign, newer-version or other-float-type file is an
//!   [`Error::Format`] naming the path (with line and column for JSON),
//!   never a panic. Every size a file claims is checked against the
//!   [memory limit](crate::memory_limit) before it is allocated (a `.safetensors` header by its
//!   declared length, before it is parsed).
//! * [`Network::load`](crate::Network::load) of a tabular model's file is an error pointing at
//!   [`TabularModel::load`](crate::TabularModel::load): without its preprocessing, the network
//!   would predict on raw data.
//! * Saving is atomic: the bytes go to a temporary file in the same folder, which is flushed to
//!   disk and then renamed over the target. On any error the old file is untouched.
//!   Saving keeps what was there: the old file's permission bits (and owner and group where
//!   allowed) carry over; a symbolic link is written through (its target is replaced, the link
//!   kept); a folder, FIFO, socket or device at the path is refused; any valid file name works.
//! * A network with a [`Activation::Custom`](crate::Activation::Custom) activation (a Rust
//!   function) or a non-finite parameter cannot be saved:
//!   [`Error::InvalidArgument`].
//! * Parameters read back bit for bit in both formats, for f32 and f64.
//! * JSON files written by earlier versions of ndnet load. The compact binary format of earlier
//!   versions (`NDNETMDL…`) is not read any more: the error says so, and that version's
//!   `io::load_binary` converts a file.
//!
//! ```
//! use ndnet::{io::Format, Activation, Initializer, Network};
//! use ndnet::rand::SeedableRng;
//!
//! let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(0);
//! let net = Network::<f32>::new(&[3, 4, 1], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)?;
//! # let dir = std::env::temp_dir().join(format!("ndnet-io-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("model.json");
//! net.save(&path, Format::Json)?;
//! let loaded = Network::<f32>::load(&path)?;
//! let x = ndnet::ndarray::array![[0.5], [-1.0], [2.0]];
//! assert_eq!(loaded.predict_proba(&x)?, net.predict_proba(&x)?);
//!
//! let bytes = net.to_bytes(Format::Json)?; // in memory
//! assert_eq!(Network::<f32>::from_bytes(&bytes)?.predict_proba(&x)?, net.predict_proba(&x)?);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), ndnet::Error>(())
//! ```
//!
//! # JSON
//!
//! ```text
//! { "format": "ndnet-model", "version": 1, "float": "f64", "cost": "binary_cross_entropy",
//!   "layers": [ { "activation": "leaky_relu", "slope": 0.01,
//!                 "w": { "shape": [4, 2], "data": [...] },      W[l], row-major
//!                 "b": { "shape": [4, 1], "data": [...] } }, ... ],
//!   "preprocessing": { ... } }            (a tabular model only)
//! ```
//!
//! The layer sizes are the shapes of the `W[l]`. f32 parameters are written as the shortest
//! decimal that reads back to the same f32, f64 as the shortest for the same f64.
//!
#![cfg_attr(feature = "safetensors", doc = include_str!("safetensors.md"))]

use std::io::Read;
use std::path::Path;

use crate::Error;
use crate::Result;

pub(crate) use crate::base::atomic;
mod document;
mod json;
mod model;
mod network;
#[cfg(feature = "safetensors")]
mod safetensors;

pub(crate) use model::SavedModel;

/// The path named in errors from `from_bytes`.
pub(crate) const BYTES: &str = "<bytes>";

/// A model file's format, chosen when saving; loading tells it from the file's bytes.
///
/// ```
/// use ndnet::{io::Format, Network};
/// let net = Network::<f64>::logistic_regression(2)?;
/// let json = net.to_bytes(Format::Json)?;
/// assert!(json.starts_with(b"{\n  \"format\": \"ndnet-model\""));
/// # #[cfg(feature = "safetensors")] {
/// let tensors = net.to_bytes(Format::Safetensors)?;
/// assert_eq!(Network::<f64>::from_bytes(&tensors)?.layer_sizes(), [2, 1]);
/// # }
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Readable, pretty-printed JSON (see the [module's docs](self#json)).
    Json,
    /// A `.safetensors` file: the parameters as tensors `W1`, `b1`, …, the rest as metadata,
    /// for Python, candle and burn (see the [module's docs](self#safetensors-feature-safetensors)).
    #[cfg(feature = "safetensors")]
    Safetensors,
}

/// The bytes of the file at `path`: at most the memory limit, counted as they are read (the
/// file's metadata may not say its length: a pipe, a special file).
fn read_file(path: &Path) -> Result<Vec<u8>> {
    let limit = crate::memory_limit();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    crate::base::limits::check_bytes(
        || format!("the file {} (at least)", path.display()),
        Some(bytes.len() as u128),
    )?;
    Ok(bytes)
}
