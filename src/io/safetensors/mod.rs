//! A model as a `.safetensors` file: the tensors `W1`, `b1`, …, `WL`, `bL` and the model's
//! metadata as string keys (see the table in the docs of [`crate::io`]), through the tensor
//! layer of `base::tensors`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::document::{self, FORMAT_NAME, FORMAT_VERSION};
use crate::base::tensors::{self, Tensors};
use crate::{Activation, Error, Float, Network, Result};

/// The metadata keys: the same content as the JSON form's fields.
const FORMAT: &str = "format";
const VERSION: &str = "version";
const FLOAT: &str = "float";
const COST: &str = "cost";
const LAYER_SIZES: &str = "layer_sizes";
const ACTIVATIONS: &str = "activations";
const PREPROCESSING: &str = "preprocessing";

/// The network (and what is saved along, as JSON text in the metadata) as `.safetensors` bytes.
pub(super) fn encode<F: Float>(network: &Network<F>, preprocessing: Option<&serde_json::Value>) -> Result<Vec<u8>> {
    let activations: Vec<String> = document::describe(network)?
        .iter()
        .map(|a| match a.slope {
            Some(slope) => format!("{}:{slope}", a.name),
            None => a.name.to_string(),
        })
        .collect();
    let sizes: Vec<String> = network.layer_sizes().iter().map(usize::to_string).collect();
    let mut metadata = BTreeMap::from([
        (FORMAT.to_string(), FORMAT_NAME.to_string()),
        (VERSION.to_string(), FORMAT_VERSION.to_string()),
        (FLOAT.to_string(), F::NAME.to_string()),
        (COST.to_string(), network.cost_function().name().to_string()),
        (LAYER_SIZES.to_string(), sizes.join(",")),
        (ACTIVATIONS.to_string(), activations.join(",")),
    ]);
    if let Some(value) = preprocessing {
        metadata.insert(PREPROCESSING.to_string(), value.to_string());
    }
    let matrices = network.layers().iter().enumerate().flat_map(|(i, layer)| {
        let l = i + 1;
        [(format!("W{l}"), layer.w()), (format!("b{l}"), layer.b())]
    });
    tensors::to_safetensors(matrices, metadata)
}

/// The network (and what was saved along) from `.safetensors` bytes read from `path`.
///
/// Only `"activations"` is required in the metadata, so that a course student's parameters
/// saved from Python load; every other key is checked when present.
pub(super) fn decode<F: Float>(path: &Path, bytes: &[u8]) -> Result<(Network<F>, Option<serde_json::Value>)> {
    let error = |message: String| Error::format(path, None, None, message);
    let file = Tensors::parse(path, bytes)?;
    if let Some(format) = file.metadata(FORMAT)
        && format != FORMAT_NAME
    {
        return Err(error(format!(
            "not an ndnet model: \"{FORMAT}\" is \"{format}\" in the metadata, expected \"{FORMAT_NAME}\""
        )));
    }
    if let Some(version) = file.metadata(VERSION) {
        let version = version.parse().map_err(|_| {
            error(format!(
                "\"{VERSION}\" is \"{version}\" in the metadata, not a version number"
            ))
        })?;
        document::check_version(path, version)?;
    }
    if let Some(float) = file.metadata(FLOAT) {
        document::check_float::<F>(path, float)?;
    }
    // A list of more entries than the file holds tensors (two per layer) is refused by its
    // count, before a name of it is parsed into a list; a shorter one is parsed first, so that
    // a misspelt name is reported as such.
    let names = file.names();
    let listed = file.metadata(ACTIVATIONS).map_or(0, |list| list.split(',').count());
    if listed > names.len() {
        check_names(path, names, listed)?;
        return Err(error(format!(
            "\"{ACTIVATIONS}\" lists {listed} layers but the file holds {} tensors",
            file.names().len()
        )));
    }
    let activations = activations(path, file.metadata(ACTIVATIONS))?;
    let depth = activations.len();
    check_names(path, names, depth)?;

    // Shapes and dtypes of every tensor, and the chain of sizes, before any allocation.
    let mut sizes = Vec::with_capacity(depth + 1);
    for l in 1..=depth {
        let [n, n_prev] = file.shape::<F>(&format!("W{l}"))?;
        let b = file.shape::<F>(&format!("b{l}"))?;
        if let Some(&expected) = sizes.last()
            && n_prev != expected
        {
            return Err(error(format!(
                "W{l} has shape ({n}, {n_prev}) but W{} has {expected} rows: W{l} must be ({n}, {expected})",
                l - 1
            )));
        }
        if n == 0 || n_prev == 0 {
            return Err(error(format!(
                "W{l} has shape ({n}, {n_prev}); every size must be at least 1"
            )));
        }
        if b != [n, 1] {
            return Err(error(format!(
                "b{l} has shape {b:?} but W{l} is ({n}, {n_prev}): b{l} must be ({n}, 1)"
            )));
        }
        if sizes.is_empty() {
            sizes.push(n_prev);
        }
        sizes.push(n);
    }
    if let Some(listed) = file.metadata(LAYER_SIZES) {
        let found: Vec<String> = sizes.iter().map(usize::to_string).collect();
        if listed.split(',').map(str::trim).ne(found.iter().map(String::as_str)) {
            return Err(error(format!(
                "\"{LAYER_SIZES}\" is \"{listed}\" in the metadata but the tensors' shapes give {}",
                found.join(",")
            )));
        }
    }
    crate::nn::network::check_parameter_memory(
        &sizes,
        2 * std::mem::size_of::<F>(),
        &format!("the parameters and gradients of {}", path.display()),
    )?;

    let mut parameters = Vec::with_capacity(depth);
    for l in 1..=depth {
        parameters.push((file.matrix::<F>(&format!("W{l}"))?, file.matrix::<F>(&format!("b{l}"))?));
    }
    let cost = match file.metadata(COST) {
        Some(name) => Some(document::cost(path, name)?),
        None => None,
    };
    let preprocessing = match file.metadata(PREPROCESSING) {
        Some(text) => Some(
            serde_json::from_str(text)
                .map_err(|e| error(format!("\"{PREPROCESSING}\" in the metadata is not valid JSON: {e}")))?,
        ),
        None => None,
    };
    Ok((document::network(path, cost, parameters, &activations)?, preprocessing))
}

/// The activations listed in the metadata value `value` (`None` when the key is missing).
fn activations(path: &Path, value: Option<&str>) -> Result<Vec<Activation>> {
    let error = |message: String| Error::format(path, None, None, message);
    let Some(list) = value else {
        return Err(error(format!(
            "no \"{ACTIVATIONS}\" in the metadata: ndnet needs one activation name per layer, e.g. \
             metadata={{\"{ACTIVATIONS}\": \"relu,sigmoid\"}} in Python's safetensors save_file"
        )));
    };
    list.split(',')
        .enumerate()
        .map(|(i, name)| {
            let name = name.trim();
            let l = i + 1;
            match name.split_once(':') {
                Some(("leaky_relu", slope)) => match slope.trim().parse::<f64>() {
                    Ok(slope) => document::activation(path, l, "leaky_relu", Some(slope)),
                    Err(_) => Err(error(format!(
                        "\"{ACTIVATIONS}\" entry {l}: the slope in \"{name}\" is not a number"
                    ))),
                },
                None if name == "leaky_relu" => Err(error(format!(
                    "\"{ACTIVATIONS}\" entry {l}: leaky_relu needs its slope, e.g. \"leaky_relu:0.01\""
                ))),
                None if !name.is_empty() => document::activation(path, l, name, None).map_err(|_| {
                    error(format!(
                        "\"{ACTIVATIONS}\" entry {l}: unknown activation \"{name}\" (known: sigmoid, tanh, \
                         relu, leaky_relu:<slope>, linear, softmax)"
                    ))
                }),
                _ => Err(error(format!(
                    "\"{ACTIVATIONS}\" entry {l} is \"{name}\"; expected an activation name (the list is \"{list}\")"
                ))),
            }
        })
        .collect()
}

/// Checks that the file holds exactly W1, b1, …, WL, bL, looking at no more names than the file
/// holds (a long list of activations beside a few tensors builds no long list of names).
fn check_names(path: &Path, names: Vec<String>, depth: usize) -> Result<()> {
    let found: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    let wanted = || format!("W1, b1, …, W{depth}, b{depth} ({depth} layers, one per name in \"{ACTIVATIONS}\")");
    let error = |message: String| Err(Error::format(path, None, None, message));
    for l in 1..=depth {
        for name in [format!("W{l}"), format!("b{l}")] {
            if !found.contains(name.as_str()) {
                return error(format!("tensor {name} is missing: the file must hold {}", wanted()));
            }
        }
    }
    let expected = |name: &str| {
        let number = name.strip_prefix('W').or_else(|| name.strip_prefix('b'));
        number.and_then(|n| {
            n.parse::<usize>()
                .ok()
                .filter(|l| (1..=depth).contains(l) && l.to_string() == n)
        })
    };
    if let Some(name) = found.iter().find(|name| expected(name).is_none()) {
        return error(format!(
            "unexpected tensor {name}: the file must hold exactly {}",
            wanted()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
