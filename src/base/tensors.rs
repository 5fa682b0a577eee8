//! Named matrices and string metadata ↔ `.safetensors` bytes (feature `safetensors`): the layer
//! every `.safetensors` file of the crate goes through (a model's `W[l]` and `b[l]` in
//! `io`; a training checkpoint's parameters and optimizer moments), with every size from a file
//! checked before it is allocated. Write with [`to_safetensors`] (then `base::atomic::write`);
//! read with [`Tensors::parse`].
//!
//! The format is the `safetensors` crate's (Hugging Face's reference implementation, the parser
//! Python and PyTorch use); this layer adds the checks it leaves to its callers: the header's
//! declared length against the memory limit before the header is parsed, every tensor's end
//! against the file before the crate adds offsets up, each dtype, shape and value, and the
//! memory limit before a matrix is allocated. Errors are [`Error::Format`] naming the file and
//! the tensor, or [`Error::TooLarge`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use ::safetensors::tensor::{Metadata, View};
use ::safetensors::{Dtype, SafeTensors};
use ndarray::{Array2, ArrayView2};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::base::limits;
use crate::{Error, Float, Result};

/// The longest header the format allows: 100 MB, the `safetensors` crate's (and Python's) limit.
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Bytes of memory a parsed header takes per byte of its text, at most: the `safetensors` crate
/// keeps each tensor's name, dtype, shape and offsets in maps. Measured at 11 for a header of
/// 200,000 one-value tensors (peak of a counting allocator); 16 leaves room for shapes written
/// as long lists of small numbers.
const HEADER_EXPANSION: u64 = 16;

/// Writes `matrices`, each under its name, and `metadata` (the header's `__metadata__`) as the
/// bytes of a `.safetensors` file. Every matrix is stored row-major in `F`'s dtype (`F32` or
/// `F64`), whatever its memory layout; the values are written exactly.
///
/// # Errors
/// [`Error::InvalidArgument`] if the crate refuses to write them (a header over 100 MB).
pub(crate) fn to_safetensors<'a, F: Float>(
    matrices: impl IntoIterator<Item = (String, ArrayView2<'a, F>)>,
    metadata: BTreeMap<String, String>,
) -> Result<Vec<u8>> {
    let views = matrices.into_iter().map(|(name, values)| {
        let shape = [values.nrows(), values.ncols()];
        (name, Matrix { values, shape })
    });
    ::safetensors::serialize(views, Some(metadata.into_iter().collect::<HashMap<_, _>>()))
        .map_err(|e| Error::invalid_argument("tensors", format!("cannot be written as safetensors: {e}")))
}

/// A matrix as the `safetensors` crate writes it: its bytes are made when the crate asks for
/// them, one matrix at a time, so that saving holds the file and one matrix's bytes at most.
struct Matrix<'a, F> {
    values: ArrayView2<'a, F>,
    shape: [usize; 2],
}

impl<F: Float> View for Matrix<'_, F> {
    fn dtype(&self) -> Dtype {
        dtype::<F>()
    }

    fn shape(&self) -> &[usize] {
        &self.shape
    }

    fn data(&self) -> Cow<'_, [u8]> {
        let mut bytes = Vec::with_capacity(self.data_len());
        for &v in &self.values {
            push_le(&mut bytes, v);
        }
        Cow::Owned(bytes)
    }

    fn data_len(&self) -> usize {
        self.values.len() * float_size::<F>()
    }
}

/// The tensors and metadata of the bytes of a `.safetensors` file, checked and indexed; no
/// tensor is copied until [`Tensors::matrix`] asks for it.
pub(crate) struct Tensors<'a> {
    /// The file the bytes came from, named in errors (`<bytes>` for bytes in memory).
    path: &'a Path,
    header: Metadata,
    /// The data section: the bytes after the header.
    data: &'a [u8],
}

impl<'a> Tensors<'a> {
    /// Parses the header of `bytes` (read from `path`). Before the header is parsed, its
    /// declared length must fit the file, the format's 100 MB and the memory limit (at 16 bytes
    /// of memory per byte), so a header listing millions of tensors is refused by its length;
    /// then every tensor must end inside the data section; then the crate checks the rest
    /// (UTF-8 JSON, offsets that follow each other, sizes that match the dtypes and shapes).
    ///
    /// # Errors
    /// [`Error::Format`] naming `path` for anything that is not a valid `.safetensors` file;
    /// [`Error::TooLarge`] for a header past the memory limit.
    pub(crate) fn parse(path: &'a Path, bytes: &'a [u8]) -> Result<Self> {
        let error = |message: String| Error::format(path, None, None, message);
        let header_len = check_header_length(path, bytes)?;
        check_offsets(path, bytes, header_len)?;
        let (header_len, header) =
            SafeTensors::read_metadata(bytes).map_err(|e| error(format!("not a valid safetensors file: {e}")))?;
        // The crate checked that the header and every tensor's offsets lie within the bytes.
        let data = bytes
            .get(8 + header_len..)
            .ok_or_else(|| error(format!("a header of {header_len} bytes does not fit in the file")))?;
        Ok(Tensors { path, header, data })
    }

    /// The value of `key` in the header's `__metadata__`, if present.
    pub(crate) fn metadata(&self, key: &str) -> Option<&str> {
        self.header.metadata().as_ref()?.get(key).map(String::as_str)
    }

    /// The names of every tensor, in the order of their data.
    pub(crate) fn names(&self) -> Vec<String> {
        self.header.offset_keys()
    }

    /// The shape of the tensor `name`, checked to be present, 2-D and of `F`'s dtype; nothing
    /// is allocated.
    ///
    /// # Errors
    /// [`Error::Format`] naming the file and the tensor.
    pub(crate) fn shape<F: Float>(&self, name: &str) -> Result<[usize; 2]> {
        let error = |message: String| Error::format(self.path, None, None, message);
        let info = self
            .header
            .info(name)
            .ok_or_else(|| error(format!("tensor {name} is missing")))?;
        match info.dtype {
            d if d == dtype::<F>() => {}
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
        match info.shape[..] {
            [rows, cols] => Ok([rows, cols]),
            _ => {
                let hint = if name.starts_with('b') && info.shape.len() == 1 {
                    " (a bias is a column: reshape it to (n, 1), as the course's b = np.zeros((n, 1)))"
                } else {
                    ""
                };
                Err(error(format!("{name} has shape {:?}, not 2-D{hint}", info.shape)))
            }
        }
    }

    /// The values of the tensor `name` as a matrix, checked as in [`Tensors::shape`]; its size
    /// is checked against the memory limit before it is allocated, and every value must be
    /// finite.
    ///
    /// # Errors
    /// [`Error::Format`] naming the file, the tensor and the first non-finite value's row and
    /// column; [`Error::TooLarge`] past the memory limit.
    pub(crate) fn matrix<F: Float>(&self, name: &str) -> Result<Array2<F>> {
        let [rows, cols] = self.shape::<F>(name)?;
        let error = |message: String| Error::format(self.path, None, None, message);
        limits::check_alloc(
            || format!("{name} of {}", self.path.display()),
            &[rows, cols],
            std::mem::size_of::<F>(),
        )?;
        let info = self.header.info(name).expect("shape() found the tensor");
        let (start, end) = info.data_offsets;
        let bytes = self.data.get(start..end).ok_or_else(|| {
            error(format!(
                "tensor {name}: bytes {start}..{end} are outside the data section"
            ))
        })?;
        let values: Vec<F> = floats_from_le(bytes);
        if let Some(k) = values.iter().position(|v| !v.is_finite()) {
            return Err(error(format!(
                "{name} holds {} at row {}, column {}; parameters must be finite",
                values[k],
                k / cols.max(1),
                k % cols.max(1)
            )));
        }
        Array2::from_shape_vec((rows, cols), values).map_err(|e| error(format!("{name}: {e}")))
    }
}

/// The header's declared length, checked against the file, the format's limit and the memory
/// limit before anything reads the header.
fn check_header_length(path: &Path, bytes: &[u8]) -> Result<usize> {
    let error = |message: String| Error::format(path, None, None, message);
    let Some(length) = bytes.get(..8) else {
        return Err(error(format!(
            "not a safetensors file: {} bytes, fewer than its 8-byte header length",
            bytes.len()
        )));
    };
    let n = u64::from_le_bytes(length.try_into().expect("8 bytes"));
    let after = bytes.len() as u64 - 8;
    if n > after {
        return Err(error(format!(
            "not a safetensors file: its header claims {n} bytes but only {after} follow"
        )));
    }
    if n > MAX_HEADER_BYTES {
        return Err(error(format!(
            "its header claims {n} bytes, more than the {MAX_HEADER_BYTES} bytes the safetensors format allows"
        )));
    }
    limits::check_bytes(
        || format!("the safetensors header of {} ({n} bytes, parsed)", path.display()),
        Some(u128::from(n) * u128::from(HEADER_EXPANSION)),
    )?;
    // At most the file's length, so it fits in usize.
    Ok(n as usize)
}

/// Checks that every tensor's data ends inside the file, before the `safetensors` crate adds
/// up the offsets: it computes `end + 8 + header length` without overflow checks, which a
/// header claiming offsets near `usize::MAX` overflows (a panic in a build with overflow
/// checks). The header is read as a stream, keeping nothing but the entry being read; a header
/// that is not a JSON object of entries is left to the crate to report.
fn check_offsets(path: &Path, bytes: &[u8], header_len: usize) -> Result<()> {
    let data = (bytes.len() - 8 - header_len) as u64;
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes[8..8 + header_len]);
    match deserializer.deserialize_map(EndsWithin { data }) {
        Ok(None) | Err(_) => Ok(()),
        Ok(Some((name, end))) => Err(Error::format(
            path,
            None,
            None,
            format!("tensor {name} claims its data ends at byte {end} but the data section holds {data} bytes"),
        )),
    }
}

/// Visits the header's entries and returns the first tensor (name, end) that ends past `data`.
struct EndsWithin {
    data: u64,
}

/// The part of a tensor's entry that [`EndsWithin`] reads; the rest is skipped.
#[derive(serde::Deserialize)]
struct Offsets {
    data_offsets: Option<(u64, u64)>,
}

impl<'de> Visitor<'de> for EndsWithin {
    type Value = Option<(String, u64)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a safetensors header")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
        // serde_json wants the whole map read: the first tensor past the end is kept, the
        // entries after it skipped.
        let mut first = None;
        while let Some(name) = map.next_key::<String>()? {
            if name == "__metadata__" || first.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if let Some((_, end)) = map.next_value::<Offsets>()?.data_offsets
                && end > self.data
            {
                first = Some((name, end));
            }
        }
        Ok(first)
    }
}

/// The dtype of `F`.
fn dtype<F: Float>() -> Dtype {
    if float_size::<F>() == 4 { Dtype::F32 } else { Dtype::F64 }
}

/// Bytes per stored float: 4 for `f32`, 8 for `f64`.
fn float_size<F: Float>() -> usize {
    if F::NAME == "f32" { 4 } else { 8 }
}

/// The values stored little-endian in `raw`, [`float_size`] bytes each (a trailing partial
/// value is ignored: callers pass whole values).
fn floats_from_le<F: Float>(raw: &[u8]) -> Vec<F> {
    if float_size::<F>() == 4 {
        raw.chunks_exact(4)
            .map(|c| F::from_f64(f64::from(f32::from_le_bytes(c.try_into().expect("4 bytes")))))
            .collect()
    } else {
        raw.chunks_exact(8)
            .map(|c| F::from_f64(f64::from_le_bytes(c.try_into().expect("8 bytes"))))
            .collect()
    }
}

/// Appends `value` little-endian in [`float_size`] bytes (exact: an `F` converts to its own
/// width without rounding).
fn push_le<F: Float>(out: &mut Vec<u8>, value: F) {
    if float_size::<F>() == 4 {
        out.extend_from_slice(&(value.as_f64() as f32).to_le_bytes());
    } else {
        out.extend_from_slice(&value.as_f64().to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matrices_and_metadata_round_trip_bit_for_bit() {
        let w = array![[1.5f32, -0.0, f32::MIN_POSITIVE / 4.0], [3.0, f32::MAX, -1e-30]];
        // A transposed view is stored row-major as it reads.
        let t = w.t();
        let metadata = BTreeMap::from([("step".to_string(), "12".to_string())]);
        let bytes = to_safetensors([("w".to_string(), w.view()), ("t".to_string(), t)], metadata).unwrap();
        let path = Path::new("t.safetensors");
        let file = Tensors::parse(path, &bytes).unwrap();
        assert_eq!(file.metadata("step"), Some("12"));
        assert_eq!(file.metadata("other"), None);
        assert_eq!(file.names().len(), 2);
        let bits = |m: &Array2<f32>| m.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&file.matrix::<f32>("w").unwrap()), bits(&w));
        assert_eq!(bits(&file.matrix::<f32>("t").unwrap()), bits(&t.to_owned()));
        assert_eq!(file.shape::<f32>("t").unwrap(), [3, 2]);
        let err = file.matrix::<f64>("w").unwrap_err().to_string();
        assert!(err.starts_with("t.safetensors: w is F32"), "{err}");
        assert!(
            file.matrix::<f32>("v")
                .unwrap_err()
                .to_string()
                .contains("tensor v is missing")
        );
    }
}
