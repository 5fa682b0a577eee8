//! `.safetensors` files: the format is described in the module docs of [`crate::io`].

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use ::safetensors::tensor::{Metadata, TensorView};
use ::safetensors::{Dtype, SafeTensors};
use ndarray::Array2;

use super::document;
use super::reader::{float_size, floats_from_le, push_le};
use crate::{Activation, Error, Float, Network, Result};

/// The metadata key holding the activation names.
const ACTIVATIONS: &str = "activations";
/// The metadata key holding the cost's name.
const COST: &str = "cost";
/// The path named in errors from [`from_safetensors`].
const BYTES: &str = "<safetensors bytes>";

/// Saves `network` as a `.safetensors` file at `path`, atomically (see the module's docs for
/// the tensors and metadata).
///
/// # Errors
/// [`Error::InvalidArgument`] for a custom activation or a non-finite parameter (nothing is
/// written); [`Error::Io`] naming `path` as for [`crate::io::save_json`]; the old file is
/// untouched.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-st-save-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let net = ndnet::Network::<f64>::softmax_regression(4, 3)?;
/// ndnet::io::save_safetensors(&net, dir.join("softmax.safetensors"))?;
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn save_safetensors<F: Float>(network: &Network<F>, path: impl AsRef<Path>) -> Result<()> {
    super::atomic::write(path.as_ref(), &to_safetensors(network)?)
}

/// Loads a network from a `.safetensors` file: tensors `W1`, `b1`, …, `WL`, `bL` of `F`'s
/// dtype and the `"activations"` metadata (see the module's docs).
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::Format`] naming the path and the tensor
/// for an invalid header, missing or unknown metadata or activation names, a missing or
/// unexpected tensor, a dtype other than `F`'s, a shape that is not 2-D or does not chain, or a
/// non-finite value; [`Error::TooLarge`] for parameters past the memory limit.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-st-load-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("m.safetensors");
/// ndnet::io::save_safetensors(&ndnet::Network::<f64>::logistic_regression(2)?, &path)?;
/// assert_eq!(ndnet::io::load_safetensors::<f64>(&path)?.layer_sizes(), vec![2, 1]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_safetensors<F: Float>(path: impl AsRef<Path>) -> Result<Network<F>> {
    let path = path.as_ref();
    decode(path, &super::read_bytes(path)?)
}

/// The `.safetensors` form of `network`, as bytes.
///
/// # Errors
/// As [`save_safetensors`], without the I/O.
///
/// ```
/// let bytes = ndnet::io::to_safetensors(&ndnet::Network::<f32>::logistic_regression(3)?)?;
/// let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
/// let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
/// assert!(header.contains(r#""W1":{"dtype":"F32","shape":[1,3]"#), "{header}");
/// assert!(header.contains(r#""activations":"sigmoid""#), "{header}");
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn to_safetensors<F: Float>(network: &Network<F>) -> Result<Vec<u8>> {
    let names = document::describe(network)?;
    let activations: Vec<String> = names
        .iter()
        .map(|a| match a.slope {
            Some(slope) => format!("{}:{slope}", a.name),
            None => a.name.to_string(),
        })
        .collect();
    let dtype = dtype::<F>();
    // The bytes of every tensor first: the views below borrow them.
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::with_capacity(2 * network.depth());
    for (i, layer) in network.layers().iter().enumerate() {
        for (name, matrix) in [("W", layer.w()), ("b", layer.b())] {
            let mut bytes = Vec::with_capacity(matrix.len() * float_size::<F>());
            for &v in matrix.iter() {
                push_le(&mut bytes, v);
            }
            tensors.push((format!("{name}{}", i + 1), vec![matrix.nrows(), matrix.ncols()], bytes));
        }
    }
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(dtype, shape.clone(), bytes)
                .map(|view| (name.clone(), view))
                .map_err(|e| Error::invalid_argument("network", format!("{name}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let metadata = HashMap::from([
        (ACTIVATIONS.to_string(), activations.join(",")),
        (COST.to_string(), network.cost_function().name().to_string()),
    ]);
    ::safetensors::serialize(views, Some(metadata))
        .map_err(|e| Error::invalid_argument("network", format!("cannot be written as safetensors: {e}")))
}

/// A network from the bytes of a `.safetensors` file; errors name the path
/// `<safetensors bytes>`.
///
/// # Errors
/// As [`load_safetensors`], without the I/O.
///
/// ```
/// let net = ndnet::Network::<f64>::logistic_regression(2)?;
/// let bytes = ndnet::io::to_safetensors(&net)?;
/// assert_eq!(ndnet::io::from_safetensors::<f64>(&bytes)?.layer_sizes(), vec![2, 1]);
/// let err = ndnet::io::from_safetensors::<f32>(&bytes).unwrap_err();
/// assert!(err.to_string().contains("W1 is F64"), "{err}");
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn from_safetensors<F: Float>(bytes: &[u8]) -> Result<Network<F>> {
    decode(Path::new(BYTES), bytes)
}

/// The dtype of `F`.
fn dtype<F: Float>() -> Dtype {
    if float_size::<F>() == 4 { Dtype::F32 } else { Dtype::F64 }
}

/// The network in `bytes` (read from `path`, named in errors).
fn decode<F: Float>(path: &Path, bytes: &[u8]) -> Result<Network<F>> {
    let error = |message: String| Error::format(path, None, None, message);
    check_offsets(path, bytes)?;
    let (header_len, header) =
        SafeTensors::read_metadata(bytes).map_err(|e| error(format!("not a valid safetensors file: {e}")))?;
    // The crate checked that the header and every tensor's offsets lie within the bytes.
    let data = bytes
        .get(8 + header_len..)
        .ok_or_else(|| error(format!("a header of {header_len} bytes does not fit in the file")))?;
    let metadata = header.metadata().as_ref();
    let activations = activations(path, metadata.and_then(|m| m.get(ACTIVATIONS)))?;
    let depth = activations.len();
    check_names(path, header.offset_keys(), depth)?;
    let file = Tensors { header: &header, data };

    // Shapes and dtypes of every tensor, and the chain of sizes, before any allocation.
    let mut sizes = Vec::with_capacity(depth + 1);
    let mut checked = Vec::with_capacity(depth);
    for l in 1..=depth {
        let w = file.tensor::<F>(path, &format!("W{l}"))?;
        let b = file.tensor::<F>(path, &format!("b{l}"))?;
        let (n, n_prev) = (w.shape[0], w.shape[1]);
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
        if b.shape != [n, 1] {
            return Err(error(format!(
                "b{l} has shape {:?} but W{l} is ({n}, {n_prev}): b{l} must be ({n}, 1)",
                b.shape
            )));
        }
        if sizes.is_empty() {
            sizes.push(n_prev);
        }
        sizes.push(n);
        checked.push((w, b));
    }
    crate::nn::network::check_parameter_memory(
        &sizes,
        2 * float_size::<F>(),
        &format!("the parameters and gradients of {}", path.display()),
    )?;

    let mut parameters = Vec::with_capacity(depth);
    for (i, (w, b)) in checked.iter().enumerate() {
        let l = i + 1;
        parameters.push((
            matrix::<F>(path, &format!("W{l}"), w)?,
            matrix::<F>(path, &format!("b{l}"), b)?,
        ));
    }
    let cost = match metadata.and_then(|m| m.get(COST)) {
        Some(name) => Some(document::cost(path, name)?),
        None => None,
    };
    let network = Network::from_parameters(parameters, &activations)
        .map_err(|e| error(format!("the saved network is invalid: {e}")))?;
    match cost {
        Some(cost) => network
            .with_cost(cost)
            .map_err(|e| error(format!("the saved cost does not fit the network: {e}"))),
        None => Ok(network),
    }
}

/// Checks that every tensor's data ends inside the file, before the `safetensors` crate adds
/// up the offsets: it computes `end + 8 + header length` without overflow checks, which a
/// header claiming offsets near `usize::MAX` overflows (a panic in a build with overflow
/// checks). A header that is not a JSON object is left to the crate to report.
fn check_offsets(path: &Path, bytes: &[u8]) -> Result<()> {
    let Some(length) = bytes.get(..8) else {
        return Err(Error::format(
            path,
            None,
            None,
            format!(
                "not a safetensors file: {} bytes, fewer than its 8-byte header length",
                bytes.len()
            ),
        ));
    };
    let n = u64::from_le_bytes(length.try_into().expect("8 bytes"));
    let data = (bytes.len() as u64 - 8).checked_sub(n).ok_or_else(|| {
        Error::format(
            path,
            None,
            None,
            format!(
                "not a safetensors file: its header claims {n} bytes but only {} follow",
                bytes.len() - 8
            ),
        )
    })?;
    // Within the file, so n fits in usize.
    let Ok(serde_json::Value::Object(header)) = serde_json::from_slice(&bytes[8..8 + n as usize]) else {
        return Ok(());
    };
    for (name, info) in header.iter().filter(|(name, _)| *name != "__metadata__") {
        if let Some(end) = info.pointer("/data_offsets/1").and_then(serde_json::Value::as_u64)
            && end > data
        {
            return Err(Error::format(
                path,
                None,
                None,
                format!("tensor {name} claims its data ends at byte {end} but the data section holds {data} bytes"),
            ));
        }
    }
    Ok(())
}

/// The activations listed in the metadata value `value` (`None` when the key is missing).
fn activations(path: &Path, value: Option<&String>) -> Result<Vec<Activation>> {
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

/// Checks that the file holds exactly W1, b1, …, WL, bL.
fn check_names(path: &Path, names: Vec<String>, depth: usize) -> Result<()> {
    let expected: BTreeSet<String> = (1..=depth).flat_map(|l| [format!("W{l}"), format!("b{l}")]).collect();
    let found: BTreeSet<String> = names.into_iter().collect();
    let wanted = || format!("W1, b1, …, W{depth}, b{depth} ({depth} layers, one per name in \"{ACTIVATIONS}\")");
    let error = |message: String| Err(Error::format(path, None, None, message));
    if let Some(name) = expected.difference(&found).next() {
        return error(format!("tensor {name} is missing: the file must hold {}", wanted()));
    }
    if let Some(name) = found.difference(&expected).next() {
        return error(format!(
            "unexpected tensor {name}: the file must hold exactly {}",
            wanted()
        ));
    }
    Ok(())
}

/// The tensors of a file: its parsed header and its data section.
struct Tensors<'a> {
    header: &'a Metadata,
    data: &'a [u8],
}

/// One tensor: its shape and bytes (of the loaded float type, checked).
struct Tensor<'a> {
    shape: &'a [usize],
    bytes: &'a [u8],
}

impl<'a> Tensors<'a> {
    /// The tensor `name`, checked to be 2-D and of `F`'s dtype.
    fn tensor<F: Float>(&self, path: &Path, name: &str) -> Result<Tensor<'a>> {
        let error = |message: String| Error::format(path, None, None, message);
        let info = self
            .header
            .info(name)
            .ok_or_else(|| error(format!("tensor {name} is missing")))?;
        let expected = dtype::<F>();
        match info.dtype {
            d if d == expected => {}
            d @ (Dtype::F32 | Dtype::F64) => {
                let other = if d == Dtype::F32 { "f32" } else { "f64" };
                return Err(error(format!(
                    "{name} is {d:?} but the network is loaded as {}: load it as Network<{other}>",
                    F::NAME
                )));
            }
            d => {
                return Err(error(format!(
                    "{name} is {d:?}; ndnet reads F32 (Network<f32>) or F64 (Network<f64>) tensors"
                )));
            }
        }
        if info.shape.len() != 2 {
            let hint = if name.starts_with('b') && info.shape.len() == 1 {
                " (a bias is a column: reshape it to (n, 1), as the course's b = np.zeros((n, 1)))"
            } else {
                ""
            };
            return Err(error(format!("{name} has shape {:?}, not 2-D{hint}", info.shape)));
        }
        let (start, end) = info.data_offsets;
        let bytes = self.data.get(start..end).ok_or_else(|| {
            error(format!(
                "tensor {name}: bytes {start}..{end} are outside the data section"
            ))
        })?;
        Ok(Tensor {
            shape: &info.shape,
            bytes,
        })
    }
}

/// The values of a checked tensor as a matrix; its size is checked against the memory limit
/// before the matrix is allocated, and every value must be finite.
fn matrix<F: Float>(path: &Path, name: &str, tensor: &Tensor<'_>) -> Result<Array2<F>> {
    let (rows, cols) = (tensor.shape[0], tensor.shape[1]);
    crate::base::limits::check_alloc(
        || format!("{name} of {}", path.display()),
        &[rows, cols],
        std::mem::size_of::<F>(),
    )?;
    let values: Vec<F> = floats_from_le(tensor.bytes);
    if let Some(k) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::format(
            path,
            None,
            None,
            format!(
                "{name} holds {} at row {}, column {}; parameters must be finite",
                values[k],
                k / cols,
                k % cols
            ),
        ));
    }
    document::matrix(path, name, [rows, cols], values)
}

#[cfg(test)]
mod tests;
