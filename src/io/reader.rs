//! A bounds-checked cursor over the bytes of a binary model file.

use std::path::Path;

use super::document;
use crate::{Error, Float, Result};

/// A cursor that never reads past the end: every read checks the bytes that remain.
pub(super) struct Reader<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` (from the file `path`, for errors) starting at `pos`.
    pub(super) fn new(path: &'a Path, bytes: &'a [u8], pos: usize) -> Self {
        Reader { path, bytes, pos }
    }

    pub(super) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    pub(super) fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(Error::format(
                self.path,
                None,
                None,
                format!(
                    "{what} needs {n} bytes at offset {} but only {} remain",
                    self.pos,
                    self.remaining()
                ),
            ));
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    pub(super) fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        Ok(self.take(N, what)?.try_into().expect("take returned N bytes"))
    }

    pub(super) fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(super) fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    /// A u64 length, as usize.
    pub(super) fn size(&mut self, what: &str) -> Result<usize> {
        let n = u64::from_le_bytes(self.array(what)?);
        usize::try_from(n)
            .map_err(|_| Error::format(self.path, None, None, format!("{what} {n} does not fit in memory")))
    }

    pub(super) fn string(&mut self, what: &str) -> Result<String> {
        let len = self.u32(what)? as usize;
        let bytes = self.take(len, what)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| Error::format(self.path, None, None, format!("{what} is not UTF-8")))
    }

    /// A matrix: its claimed size is checked against the remaining bytes before allocating.
    pub(super) fn matrix<F: Float>(&mut self, what: &str) -> Result<ndarray::Array2<F>> {
        let rows = self.size(what)?;
        let cols = self.size(what)?;
        let size = float_size::<F>();
        let n_bytes = rows.checked_mul(cols).and_then(|n| n.checked_mul(size));
        if n_bytes.is_none_or(|n| n > self.remaining()) {
            return Err(Error::format(
                self.path,
                None,
                None,
                format!(
                    "{what} claims {rows} × {cols} values but only {} bytes remain",
                    self.remaining()
                ),
            ));
        }
        let raw = self.take(n_bytes.expect("checked just above"), what)?;
        document::matrix(self.path, what, [rows, cols], floats_from_le(raw))
    }
}

/// Bytes per stored float: 4 for `f32`, 8 for `f64`.
pub(super) fn float_size<F: Float>() -> usize {
    if F::NAME == "f32" { 4 } else { 8 }
}

/// The values stored little-endian in `raw`, [`float_size`] bytes each (a trailing partial
/// value is ignored: callers pass whole values).
pub(super) fn floats_from_le<F: Float>(raw: &[u8]) -> Vec<F> {
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
pub(super) fn push_le<F: Float>(out: &mut Vec<u8>, value: F) {
    if float_size::<F>() == 4 {
        out.extend_from_slice(&(value.as_f64() as f32).to_le_bytes());
    } else {
        out.extend_from_slice(&value.as_f64().to_le_bytes());
    }
}
