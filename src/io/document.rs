//! The content of a saved model, independent of the file format (the JSON document's fields;
//! the same names and checks serve the `.safetensors` metadata), and the checks that turn it
//! back into a [`Network`].

use std::path::Path;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::{Activation, Cost, Error, Float, Network, Result};

/// The format's name, written first in every file.
pub(super) const FORMAT_NAME: &str = "ndnet-model";
/// The version this code writes and reads.
pub(super) const FORMAT_VERSION: u32 = 1;

/// What identifies a JSON file: read first, before the rest, to give clear errors.
#[derive(Deserialize)]
pub(super) struct Header {
    pub format: String,
    pub version: u32,
    pub float: String,
}

/// The whole JSON document; `T` is `f32` or `f64` when writing (so that f32 prints short),
/// `f64` when reading (every f32 is an exact f64); `P` is the preprocessing, borrowed when
/// writing.
#[derive(Serialize, Deserialize)]
pub(super) struct Document<T, P = serde_json::Value> {
    pub format: String,
    pub version: u32,
    pub float: String,
    pub cost: String,
    pub layers: Vec<LayerDocument<T>>,
    /// Things saved along with the network (the tabular preprocessing), kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preprocessing: Option<P>,
}

/// One layer: its activation by name (with the leaky ReLU's slope) and `W[l]`, `b[l]`.
#[derive(Serialize, Deserialize)]
pub(super) struct LayerDocument<T> {
    pub activation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slope: Option<f64>,
    pub w: MatrixDocument<T>,
    pub b: MatrixDocument<T>,
}

/// A matrix as [rows, columns] and its values in row-major order.
#[derive(Serialize, Deserialize)]
pub(super) struct MatrixDocument<T> {
    pub shape: [usize; 2],
    pub data: Vec<T>,
}

/// An activation as saved: its name and the leaky ReLU's slope.
pub(super) struct ActivationName {
    pub name: &'static str,
    pub slope: Option<f64>,
}

/// The activation of every layer, by name; refuses what cannot be saved (a custom function)
/// and non-finite parameters.
pub(super) fn describe<F: Float>(network: &Network<F>) -> Result<Vec<ActivationName>> {
    network
        .layers()
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let l = i + 1;
            for (matrix, values) in [("W", layer.w()), ("b", layer.b())] {
                if let Some(v) = values.iter().find(|v| !v.is_finite()) {
                    return Err(Error::InvalidArgument {
                        argument: "network",
                        message: format!("{matrix}[{l}] holds {v}; only finite parameters can be saved"),
                    });
                }
            }
            let activation = layer.activation();
            match activation {
                Activation::Custom(_) => Err(Error::InvalidArgument {
                    argument: "network",
                    message: format!(
                        "layer {l} has the custom activation \"{}\", a Rust function that cannot be saved; \
                         only sigmoid, tanh, relu, leaky_relu, linear and softmax can",
                        activation.name()
                    ),
                }),
                Activation::LeakyRelu { slope } => Ok(ActivationName {
                    name: activation.name(),
                    slope: Some(slope),
                }),
                other => Ok(ActivationName {
                    name: other.name(),
                    slope: None,
                }),
            }
        })
        .collect()
}

/// The activation named `name` (with `slope` for leaky ReLU), for layer `l` of `path`.
pub(super) fn activation(path: &Path, l: usize, name: &str, slope: Option<f64>) -> Result<Activation> {
    let bad = |message: String| Error::format(path, None, None, format!("layer {l}: {message}"));
    if name == "leaky_relu" {
        return match slope {
            Some(slope) if slope.is_finite() => Ok(Activation::LeakyRelu { slope }),
            Some(slope) => Err(bad(format!("leaky_relu slope {slope} is not finite"))),
            None => Err(bad("leaky_relu needs its slope".into())),
        };
    }
    [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Linear,
        Activation::Softmax,
    ]
    .into_iter()
    .find(|a| a.name() == name)
    .ok_or_else(|| bad(format!("unknown activation \"{name}\"")))
}

/// The cost named `name`.
pub(super) fn cost(path: &Path, name: &str) -> Result<Cost> {
    [
        Cost::BinaryCrossEntropy,
        Cost::MeanSquaredError,
        Cost::CategoricalCrossEntropy,
    ]
    .into_iter()
    .find(|c| c.name() == name)
    .ok_or_else(|| Error::format(path, None, None, format!("unknown cost \"{name}\"")))
}

/// A matrix of `shape` from row-major `data`, checking that the sizes agree.
pub(super) fn matrix<F: Float>(path: &Path, what: &str, shape: [usize; 2], data: Vec<F>) -> Result<Array2<F>> {
    let [rows, cols] = shape;
    let expected = rows.checked_mul(cols);
    if expected != Some(data.len()) {
        return Err(Error::format(
            path,
            None,
            None,
            format!("{what} has shape [{rows}, {cols}] but {} values", data.len()),
        ));
    }
    Array2::from_shape_vec((rows, cols), data).map_err(|e| Error::format(path, None, None, format!("{what}: {e}")))
}

/// The network from its parts, with every shape and value checked by
/// [`Network::from_parameters`] and the cost (if the file names one; else the network keeps the
/// cost that belongs with its output) by [`Network::with_cost`]; their errors become
/// [`Error::Format`] naming the file.
///
/// Softmax with binary cross-entropy, the default before costs were matched to the output, is
/// read as the categorical cross-entropy that belongs with softmax: files saved then load.
pub(super) fn network<F: Float>(
    path: &Path,
    cost: Option<Cost>,
    parameters: Vec<(Array2<F>, Array2<F>)>,
    activations: &[Activation],
) -> Result<Network<F>> {
    let invalid = |e: Error| Error::format(path, None, None, format!("the saved network is invalid: {e}"));
    let network = Network::from_parameters(parameters, activations).map_err(invalid)?;
    let softmax = matches!(activations.last(), Some(Activation::Softmax));
    match cost {
        // The network was built with the cost of its output (categorical for softmax).
        None => Ok(network),
        Some(Cost::BinaryCrossEntropy) if softmax => Ok(network),
        Some(cost) => network.with_cost(cost).map_err(invalid),
    }
}

/// Checks the float type named in a file against `F`.
pub(super) fn check_float<F: Float>(path: &Path, float: &str) -> Result<()> {
    if float == F::NAME {
        Ok(())
    } else {
        Err(Error::format(
            path,
            None,
            None,
            format!(
                "the model was saved with {float} parameters but is loaded as {}; load it as Network<{float}>",
                F::NAME
            ),
        ))
    }
}

/// Checks the format version.
pub(super) fn check_version(path: &Path, version: u32) -> Result<()> {
    if version == FORMAT_VERSION {
        Ok(())
    } else {
        Err(Error::format(
            path,
            None,
            None,
            format!("format version {version} is not supported (this ndnet reads version {FORMAT_VERSION})"),
        ))
    }
}
