//! Saving and loading trained networks (feature `serde`): readable JSON or a compact binary file;
//! with feature `safetensors`, a `.safetensors` file of the parameters under the course's names
//! for Python, numpy and PyTorch (the last section, when that feature is on).
//!
//! Both forms hold the same content: the format's name and version, the float type (`"f32"` or
//! `"f64"`), the cost, and for every layer its activation by name (with the leaky ReLU's slope)
//! and `W[l]`, `b[l]` as a shape and row-major values — plus, in a [`SavedModel`], what is saved
//! along with the network (the tabular preprocessing, with feature `csv`).
//!
//! * Loading rebuilds the network with [`Network::from_parameters`], so every shape and value is
//!   checked; a truncated, corrupt, foreign, newer-version or other-float-type file is an
//!   [`Error::Format`] naming the path (with line and column for JSON), never a panic.
//! * Saving is atomic: the bytes go to a temporary file in the same folder, which is flushed to
//!   disk and then renamed over the target. On any error the old file is untouched.
//!   Saving keeps what was there: the old file's permission bits (and owner and group where
//!   allowed) carry over; a symbolic link is written through (its target is replaced, the link
//!   kept); a folder, FIFO, socket or device at the path is refused; any valid file name works.
//! * A network with a [`Activation::Custom`](crate::Activation::Custom) activation (a Rust
//!   function) cannot be saved: [`Error::InvalidArgument`].
//! * Parameters read back bit for bit in both forms, for f32 and f64.
//!
//! ```
//! use ndnet::{io, Activation, Initializer, Network};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let net = Network::<f32>::new(&[3, 4, 1], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)?;
//! # let dir = std::env::temp_dir().join(format!("ndnet-io-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("model.json");
//! io::save_json(&net, &path)?;
//! let loaded: Network<f32> = io::load_json(&path)?;
//! let x = ndarray::array![[0.5], [-1.0], [2.0]];
//! assert_eq!(loaded.predict_proba(&x)?, net.predict_proba(&x)?);
//!
//! let bytes = io::to_bytes(&net)?; // the binary form, in memory
//! assert_eq!(io::from_bytes::<f32>(&bytes)?.predict_proba(&x)?, net.predict_proba(&x)?);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), ndnet::Error>(())
//! ```
//!
#![cfg_attr(feature = "safetensors", doc = include_str!("safetensors.md"))]

use std::path::Path;

use crate::{Error, Float, Network, Result};

pub(crate) use crate::base::atomic;
mod binary;
mod document;
mod json;
mod reader;
#[cfg(feature = "safetensors")]
mod safetensors;
mod saved_model;

#[cfg(feature = "safetensors")]
pub use self::safetensors::{from_safetensors, load_safetensors, save_safetensors, to_safetensors};
pub use saved_model::SavedModel;

/// The path named in errors from [`from_json_str`].
const JSON_STRING: &str = "<JSON string>";
/// The path named in errors from [`from_bytes`].
const BYTES: &str = "<bytes>";

/// Saves `network` as JSON at `path`, atomically.
///
/// # Errors
/// [`Error::InvalidArgument`] for a custom activation or a non-finite parameter (nothing is
/// written), [`Error::Io`] naming `path` (or the file a link at `path` points to) if it cannot be
/// written or is not a regular file (a folder, FIFO, socket or device); the old file is untouched.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-save-json-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let net = ndnet::Network::<f64>::logistic_regression(2)?;
/// ndnet::io::save_json(&net, dir.join("logistic.json"))?;
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn save_json<F: Float>(network: &Network<F>, path: impl AsRef<Path>) -> Result<()> {
    atomic::write(path.as_ref(), to_json_string(network)?.as_bytes())
}

/// Loads a network saved by [`save_json`] (what was saved along with it is ignored).
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::Format`] naming the path (and line and
/// column) for invalid JSON, another format or version, another float type than `F`, or an
/// invalid network.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-load-json-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("m.json");
/// ndnet::io::save_json(&ndnet::Network::<f64>::logistic_regression(2)?, &path)?;
/// assert_eq!(ndnet::io::load_json::<f64>(&path)?.layer_sizes(), vec![2, 1]);
/// assert!(ndnet::io::load_json::<f32>(&path).is_err()); // saved as f64
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_json<F: Float>(path: impl AsRef<Path>) -> Result<Network<F>> {
    let path = path.as_ref();
    Ok(json::decode(path, &read_text(path)?)?.0)
}

/// Saves `network` in the compact binary form at `path`, atomically.
///
/// # Errors
/// As [`save_json`].
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-save-bin-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let net = ndnet::Network::<f32>::logistic_regression(2)?;
/// ndnet::io::save_binary(&net, dir.join("logistic.ndnet"))?;
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn save_binary<F: Float>(network: &Network<F>, path: impl AsRef<Path>) -> Result<()> {
    atomic::write(path.as_ref(), &to_bytes(network)?)
}

/// Loads a network saved by [`save_binary`] (what was saved along with it is ignored).
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::Format`] naming the path for a wrong
/// magic number, version or float type, a bad checksum, a truncated file, a claimed size larger
/// than the file, or an invalid network.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-load-bin-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("m.ndnet");
/// ndnet::io::save_binary(&ndnet::Network::<f32>::logistic_regression(3)?, &path)?;
/// assert_eq!(ndnet::io::load_binary::<f32>(&path)?.layer_sizes(), vec![3, 1]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_binary<F: Float>(path: impl AsRef<Path>) -> Result<Network<F>> {
    let path = path.as_ref();
    Ok(binary::decode(path, &read_bytes(path)?)?.0)
}

/// The JSON form of `network`, as a string.
///
/// # Errors
/// As [`save_json`], without the I/O.
///
/// ```
/// let json = ndnet::io::to_json_string(&ndnet::Network::<f32>::logistic_regression(1)?)?;
/// assert!(json.contains("\"float\": \"f32\""));
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn to_json_string<F: Float>(network: &Network<F>) -> Result<String> {
    json::encode(network, None)
}

/// A network from its JSON form; errors name the path `<JSON string>`.
///
/// # Errors
/// As [`load_json`], without the I/O.
///
/// ```
/// let net = ndnet::Network::<f64>::logistic_regression(2)?;
/// let back = ndnet::io::from_json_str::<f64>(&ndnet::io::to_json_string(&net)?)?;
/// assert_eq!(back.layer_sizes(), net.layer_sizes());
/// assert!(ndnet::io::from_json_str::<f64>("{").is_err());
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn from_json_str<F: Float>(text: &str) -> Result<Network<F>> {
    Ok(json::decode(Path::new(JSON_STRING), text)?.0)
}

/// The binary form of `network`, as bytes.
///
/// # Errors
/// As [`save_binary`], without the I/O.
///
/// ```
/// let bytes = ndnet::io::to_bytes(&ndnet::Network::<f64>::logistic_regression(1)?)?;
/// assert_eq!(&bytes[..8], b"NDNETMDL");
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn to_bytes<F: Float>(network: &Network<F>) -> Result<Vec<u8>> {
    binary::encode(network, None)
}

/// A network from its binary form; errors name the path `<bytes>`.
///
/// # Errors
/// As [`load_binary`], without the I/O.
///
/// ```
/// let bytes = ndnet::io::to_bytes(&ndnet::Network::<f64>::logistic_regression(1)?)?;
/// assert!(ndnet::io::from_bytes::<f64>(&bytes).is_ok());
/// assert!(ndnet::io::from_bytes::<f64>(&bytes[..bytes.len() - 1]).is_err());
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn from_bytes<F: Float>(bytes: &[u8]) -> Result<Network<F>> {
    Ok(binary::decode(Path::new(BYTES), bytes)?.0)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

fn read_text(path: &Path) -> Result<String> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|e| Error::format(path, None, None, format!("not UTF-8 text, so not JSON: {e}")))
}
