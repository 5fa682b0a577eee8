//! The readable form: pretty-printed JSON.
//!
//! ```text
//! { "format": "ndnet-model", "version": 1, "float": "f64", "cost": "binary_cross_entropy",
//!   "layers": [ { "activation": "relu", "w": { "shape": [4, 2], "data": [...] },
//!                 "b": { "shape": [4, 1], "data": [...] } }, ... ],
//!   "preprocessing": { ... } }            (only when saved along)
//! ```
//!
//! f32 parameters are written as f32 (shortest form that reads back to the same f32), f64 as
//! f64; both read back bit for bit.

use std::path::Path;

use serde::Serialize;

use super::document::{self, Document, FORMAT_NAME, FORMAT_VERSION, Header, LayerDocument, MatrixDocument};
use crate::base::limits;
use crate::{Error, Float, Network, Result};

/// The most memory parsing takes per byte of JSON text: a value of `"preprocessing"` such as
/// `[0,0,0,…]` becomes a `serde_json::Value` of 32 bytes per 2 bytes of text, in a vector that
/// grows by doubling; the parameters take less (8 bytes for a number written in about 20).
const PARSE_BYTES_PER_BYTE: u128 = 16;

/// The network (and what is saved along) as a JSON document.
pub(super) fn encode<F: Float>(network: &Network<F>, preprocessing: Option<&serde_json::Value>) -> Result<String> {
    if F::NAME == "f32" {
        encode_as(network, preprocessing, |v: F| v.as_f64() as f32)
    } else {
        encode_as(network, preprocessing, |v: F| v.as_f64())
    }
}

fn encode_as<F: Float, T: Serialize>(
    network: &Network<F>,
    preprocessing: Option<&serde_json::Value>,
    convert: impl Fn(F) -> T,
) -> Result<String> {
    let names = document::describe(network)?;
    let matrix = |m: ndarray::ArrayView2<F>| MatrixDocument {
        shape: [m.nrows(), m.ncols()],
        data: m.iter().map(|&v| convert(v)).collect(),
    };
    let layers = network
        .layers()
        .iter()
        .zip(names)
        .map(|(layer, name)| LayerDocument {
            activation: name.name.to_owned(),
            slope: name.slope,
            w: matrix(layer.w()),
            b: matrix(layer.b()),
        })
        .collect();
    let doc = Document {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        float: F::NAME.to_owned(),
        cost: network.cost_function().name().to_owned(),
        layers,
        preprocessing,
    };
    serde_json::to_string_pretty(&doc).map_err(|e| Error::InvalidArgument {
        argument: "network",
        message: format!("cannot be written as JSON: {e}"),
    })
}

/// The network (and what was saved along) from the JSON text read from `path`. The text's
/// length is checked against the memory limit first (at [`PARSE_BYTES_PER_BYTE`] bytes per
/// byte), so a document too large to parse is refused before anything is parsed.
pub(super) fn decode<F: Float>(path: &Path, text: &str) -> Result<(Network<F>, Option<serde_json::Value>)> {
    limits::check_bytes(
        || format!("the JSON model of {} ({} bytes, parsed)", path.display(), text.len()),
        Some(text.len() as u128 * PARSE_BYTES_PER_BYTE),
    )?;
    let header: Header = parse(path, text)?;
    if header.format != FORMAT_NAME {
        return Err(Error::format(
            path,
            None,
            None,
            format!(
                "not an ndnet model: \"format\" is \"{}\", expected \"{FORMAT_NAME}\"",
                header.format
            ),
        ));
    }
    document::check_version(path, header.version)?;
    document::check_float::<F>(path, &header.float)?;
    let doc: Document<f64> = parse(path, text)?;
    let cost = document::cost(path, &doc.cost)?;
    let mut parameters = Vec::with_capacity(doc.layers.len());
    let mut activations = Vec::with_capacity(doc.layers.len());
    for (i, layer) in doc.layers.into_iter().enumerate() {
        let l = i + 1;
        activations.push(document::activation(path, l, &layer.activation, layer.slope)?);
        let values = |m: MatrixDocument<f64>| (m.shape, m.data.into_iter().map(F::from_f64).collect());
        let (w_shape, w_data) = values(layer.w);
        let (b_shape, b_data) = values(layer.b);
        parameters.push((
            document::matrix(path, &format!("W[{l}]"), w_shape, w_data)?,
            document::matrix(path, &format!("b[{l}]"), b_shape, b_data)?,
        ));
    }
    Ok((
        document::network(path, Some(cost), parameters, &activations)?,
        doc.preprocessing,
    ))
}

/// Parses JSON, turning serde's error into [`Error::Format`] with its line and column.
fn parse<'a, T: serde::Deserialize<'a>>(path: &Path, text: &'a str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| json_error(path, &e))
}

/// [`Error::Format`] from a serde_json error, with its line and column.
pub(super) fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    let text = e.to_string();
    if e.line() == 0 {
        return Error::format(path, None, None, text);
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    Error::format(path, Some(e.line() as u64), Some(e.column().to_string()), message)
}
