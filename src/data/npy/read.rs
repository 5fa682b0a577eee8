//! [`NpyExamples`]: X and Y `.npy` files read by whole examples (rows), runs of consecutive
//! rows in one read, with positional reads (no memory map, no shared cursor).

use std::fs::File;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use ndarray::{ArrayViewMut1, ArrayViewMut2};

use super::header::{self, Dtype, Element};
use crate::base::file::read_at;
use crate::base::limits::check_alloc;
use crate::data::Examples;
use crate::data::examples::check_gather;
use crate::{Error, Float, Result};

/// The most bytes read at once: a run of consecutive rows longer than this is read in pieces,
/// so the reader's buffer stays at most this (or one row, if a row is longer).
const READ_BYTES: usize = 1 << 20;

/// Training examples in two NumPy `.npy` files, read as training asks for them: X of shape
/// (m, n_x) and Y of shape (m,) or (m, n_y), one example per row, float32 or float64 (either
/// byte order), converted to the model's `F`.
///
/// Pass it to [`Network::fit`](crate::Network::fit) as its data (`&mut examples`); every batch read is
/// checked before a step uses it (a NaN or infinite value is an
/// [`Error::BadExample`] naming the example, which is its row, and the feature).
///
/// # Memory
///
/// Opening reads the two headers; [`Examples::gather`] reads the rows asked for, a run of
/// consecutive rows in one read (at most 1 MiB at a time, so [`Shuffle::Blocks`]'s chunks
/// stream), into one buffer kept between calls. The reader holds O(batch) memory, whatever m:
/// file pages go through the kernel's page cache, which may drop them, so they do not add to
/// the process's anonymous resident memory.
///
/// The files are read with positional reads (`pread`), not memory-mapped: a mapping is only
/// sound while no other process truncates or rewrites the file (a truncated mapping kills the
/// process with SIGBUS; Rust counts the changed memory as undefined behaviour), a condition
/// no safe function can check. With reads, a file that shrinks while it is read is an
/// [`Error::Format`] naming the file and the row; a file rewritten in place gives its new
/// values, checked like any others. A page-cached read costs a copy of the rows, which the
/// batch needs anyway: the rows go from the read buffer straight into the batch's columns.
///
/// The price is one system call per run of rows. Whole chunks ([`Shuffle::Blocks`], or
/// [`Shuffle::None`]) cost little: a 1 MiB read took 0.1–0.35 ms from the page cache on a
/// loaded 2-core AMD EPYC, twice a copy out of a map, and is hidden behind the steps by the
/// thread that reads one batch ahead. [`Shuffle::Full`] reads each example on its own, one
/// read per file: 2.5–3.4 µs per row there against 0.1–0.3 µs through a map, more than a
/// [64, 64, 1] step takes per example, so prefer `Blocks` for files.
///
/// [`Shuffle::Blocks`]: crate::Shuffle::Blocks
/// [`Shuffle::None`]: crate::Shuffle::None
/// [`Shuffle::Full`]: crate::Shuffle::Full
///
/// ```
/// use ndarray::{array, Array2};
/// use ndnet::data::{Examples, NpyExamples, save_npy_examples};
///
/// let dir = std::env::temp_dir().join(format!("ndnet-npy-examples-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
/// save_npy_examples(&array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], &array![[0.0, 1.0, 1.0]], &x_path, &y_path)?;
///
/// let mut examples = NpyExamples::<f64>::open(&x_path, &y_path)?;
/// assert_eq!((examples.n_x(), examples.n_y(), examples.m()), (2, 1, 3));
/// let (mut xb, mut yb) = (Array2::zeros((2, 2)), Array2::zeros((1, 2)));
/// examples.gather(&[2, 0], xb.view_mut(), yb.view_mut())?;
/// assert_eq!(xb, array![[3.0, 1.0], [6.0, 4.0]]);
/// assert_eq!(yb, array![[1.0, 0.0]]);
/// assert!(examples.describe().ends_with("y.npy"));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct NpyExamples<F> {
    x: RowFile,
    y: RowFile,
    /// The bytes of the rows being read, kept between calls.
    buffer: Vec<u8>,
    float: PhantomData<F>,
}

impl<F: Float> NpyExamples<F> {
    /// Opens X (m, n_x) and Y (m,) or (m, n_y) and checks their headers and lengths.
    ///
    /// # Errors
    /// [`Error::Io`] if a file cannot be opened or read; [`Error::Format`] naming the file if
    /// it is not a regular `.npy` file (magic, version, a header that is too long, nests or does
    /// not parse), holds another dtype than float32 or float64, has the wrong number of
    /// dimensions, is in Fortran order, holds more or fewer bytes than its header says, has no
    /// examples or no values per example, or if X and Y hold different numbers of examples;
    /// [`Error::TooLarge`] if one row does not fit the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// let missing = std::env::temp_dir().join("ndnet-no-such-file.npy");
    /// let err = ndnet::data::NpyExamples::<f32>::open(&missing, &missing).unwrap_err();
    /// assert!(err.to_string().contains("ndnet-no-such-file.npy"));
    /// ```
    pub fn open(x: impl AsRef<Path>, y: impl AsRef<Path>) -> Result<Self> {
        let x = RowFile::open(x.as_ref(), Role::X)?;
        let y = RowFile::open(y.as_ref(), Role::Y)?;
        if x.rows != y.rows {
            return Err(Error::format(
                &y.path,
                None,
                None,
                format!(
                    "holds {} examples (rows) and {} holds {}: row i of Y is the target of row i of X",
                    y.rows,
                    x.path.display(),
                    x.rows
                ),
            ));
        }
        Ok(NpyExamples {
            x,
            y,
            buffer: Vec::new(),
            float: PhantomData,
        })
    }

    /// The X file's path.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("ndnet-npy-paths-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// # let (x, y) = (dir.join("x.npy"), dir.join("y.npy"));
    /// # ndnet::data::save_npy_examples(&ndarray::array![[1.0f32]], &ndarray::array![[0.0f32]], &x, &y)?;
    /// let examples = ndnet::data::NpyExamples::<f32>::open(&x, &y)?;
    /// assert_eq!((examples.x_path(), examples.y_path()), (x.as_path(), y.as_path()));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn x_path(&self) -> &Path {
        &self.x.path
    }

    /// The Y file's path (see [`NpyExamples::x_path`]).
    pub fn y_path(&self) -> &Path {
        &self.y.path
    }
}

impl<F: Float> Examples<F> for NpyExamples<F> {
    fn n_x(&self) -> usize {
        self.x.width
    }

    fn n_y(&self) -> usize {
        self.y.width
    }

    fn m(&self) -> usize {
        self.x.rows
    }

    /// Reads rows `indices` of X and Y into the batch's columns, each run of consecutive
    /// indices in one read (up to 1 MiB).
    ///
    /// # Errors
    /// As [`Examples::gather`]; [`Error::Format`] naming the file and the row if the file has
    /// shrunk since it was opened; [`Error::BadExample`] for a float64 value beyond the range
    /// of an f32 model.
    fn gather(&mut self, indices: &[usize], x: ArrayViewMut2<F>, y: ArrayViewMut2<F>) -> Result<()> {
        check_gather(self, indices, x.view(), y.view())?;
        for (file, out, matrix) in [(&self.x, x, "X"), (&self.y, y, "Y")] {
            if let Some((example, feature, value)) = file.read_examples(indices, &mut self.buffer, out)? {
                return Err(Error::BadExample {
                    data: self.describe(),
                    example,
                    message: format!(
                        "{matrix} holds {value:e} at feature {feature}, beyond the range of {} (largest {:e})",
                        F::NAME,
                        F::max_value().as_f64()
                    ),
                });
            }
        }
        Ok(())
    }

    /// `"<x path> and <y path>"`.
    fn describe(&self) -> String {
        format!("{} and {}", self.x.path.display(), self.y.path.display())
    }
}

/// Which of the two files, for the shapes it may have.
#[derive(Clone, Copy)]
enum Role {
    /// (m, n_x).
    X,
    /// (m,) or (m, n_y).
    Y,
}

/// One open `.npy` file of rows.
#[derive(Debug)]
struct RowFile {
    path: PathBuf,
    file: File,
    element: Element,
    /// Where the first row starts.
    data_start: u64,
    /// The number of rows (examples) m.
    rows: usize,
    /// Values per row.
    width: usize,
    /// Bytes per row (fits the memory limit).
    row_bytes: usize,
    /// The file's length when it was opened.
    len: u64,
    /// The reads made so far (the tests count them).
    #[cfg(test)]
    reads: std::cell::Cell<usize>,
}

impl RowFile {
    /// Opens `path` and checks its header, shape and length for `role`.
    fn open(path: &Path, role: Role) -> Result<Self> {
        let bad = |message: String| Error::format(path, None, None, message);
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(bad("is not a regular file; ndnet reads .npy files by position".into()));
        }
        let len = meta.len();
        let described = header::read(path, &file, len)?;
        let shape = described.shape.as_slice();
        let (rows, width) = match (role, shape) {
            (Role::X, &[m, n]) | (Role::Y, &[m, n]) => (m, n),
            (Role::Y, &[m]) => (m, 1),
            (Role::X, &[m]) => {
                return Err(bad(format!(
                    "X must be 2-D (m, n_x), one example per row; this array has shape ({m},): save \
                     x.reshape(-1, 1) for one feature"
                )));
            }
            (Role::X, _) => {
                return Err(bad(format!(
                    "X must be 2-D (m, n_x), one example per row; this array has shape {shape:?}"
                )));
            }
            (Role::Y, _) => {
                return Err(bad(format!(
                    "Y must be (m,) or (m, n_y), one example per row; this array has shape {shape:?}"
                )));
            }
        };
        let size = described.element.size();
        let held = len - described.data_start;
        let needed = (rows as u128) * (width as u128) * (size as u128);
        if u128::from(held) != needed {
            let (more, fewer) = ("more than its header says", "fewer than its header says (cut short?)");
            return Err(bad(format!(
                "the header's shape {shape:?} of {} needs {needed} bytes of values; the file holds {held}, {}",
                described.element.descr(),
                if u128::from(held) > needed { more } else { fewer }
            )));
        }
        if rows == 0 {
            return Err(bad(format!("holds no examples: its shape is {shape:?}")));
        }
        if width == 0 {
            return Err(bad(format!("its examples hold no values: its shape is {shape:?}")));
        }
        let row = || format!("a row of {}", path.display());
        let row_bytes = check_alloc(row, &[width], size)? * size;
        Ok(RowFile {
            path: path.to_path_buf(),
            file,
            element: described.element,
            data_start: described.data_start,
            rows,
            width,
            row_bytes,
            len,
            #[cfg(test)]
            reads: std::cell::Cell::new(0),
        })
    }

    /// Copies rows `indices` into the columns of `out`, reading each run of consecutive rows
    /// at once through `buffer`. Returns the first (row, feature, value) of a float64 value
    /// that `F` cannot hold, if any.
    fn read_examples<F: Float>(
        &self,
        indices: &[usize],
        buffer: &mut Vec<u8>,
        mut out: ArrayViewMut2<F>,
    ) -> Result<Option<(usize, usize, f64)>> {
        let most = (READ_BYTES / self.row_bytes).max(1);
        let mut t = 0;
        while t < indices.len() {
            let first = indices[t];
            let mut k = 1;
            while k < most && t + k < indices.len() && first.checked_add(k) == Some(indices[t + k]) {
                k += 1;
            }
            // At most max(READ_BYTES, one row), which fit the memory limit.
            let bytes = k * self.row_bytes;
            if buffer.len() < bytes {
                buffer.resize(bytes, 0);
            }
            self.read_rows(first, &mut buffer[..bytes])?;
            for (r, row) in buffer[..bytes].chunks_exact(self.row_bytes).enumerate() {
                if let Some((feature, value)) = decode(self.element, row, out.column_mut(t + r)) {
                    return Ok(Some((first + r, feature, value)));
                }
            }
            t += k;
        }
        Ok(None)
    }

    /// Reads `buf.len()` bytes of whole rows from row `first` on.
    fn read_rows(&self, first: usize, buf: &mut [u8]) -> Result<()> {
        // first < rows, and data_start + rows · row_bytes is the file's length: no overflow.
        let offset = self.data_start + first as u64 * self.row_bytes as u64;
        #[cfg(test)]
        self.reads.set(self.reads.get() + 1);
        read_at(&self.file, buf, offset).map_err(|e| {
            if e.kind() != std::io::ErrorKind::UnexpectedEof {
                return Error::io(&self.path, e);
            }
            let now = self.file.metadata().map(|meta| meta.len()).unwrap_or(0);
            // The first row of the read that the file no longer holds whole.
            let whole = now.saturating_sub(self.data_start) / self.row_bytes as u64;
            let last = first + buf.len() / self.row_bytes - 1;
            let row = usize::try_from(whole).unwrap_or(usize::MAX).clamp(first, last);
            Error::format(
                &self.path,
                None,
                None,
                format!(
                    "row {row} is past the end of the file: it holds {now} bytes, {} when it was opened \
                     (it shrank while being read)",
                    self.len
                ),
            )
        })
    }
}

/// Converts one row's bytes into `out`; returns the first (feature, value) of a float64 value
/// beyond the range of `F`.
fn decode<F: Float>(element: Element, bytes: &[u8], mut out: ArrayViewMut1<F>) -> Option<(usize, f64)> {
    match out.as_slice_mut() {
        Some(slice) => decode_into(element, bytes, slice.iter_mut()),
        None => decode_into(element, bytes, out.iter_mut()),
    }
}

fn decode_into<'a, F: Float>(
    element: Element,
    bytes: &[u8],
    out: impl Iterator<Item = &'a mut F>,
) -> Option<(usize, f64)> {
    let big = element.big_endian;
    match element.dtype {
        Dtype::F32 => {
            for (o, b) in out.zip(bytes.as_chunks::<4>().0) {
                let v = if big {
                    f32::from_be_bytes(*b)
                } else {
                    f32::from_le_bytes(*b)
                };
                *o = F::from_f64(f64::from(v));
            }
            None
        }
        Dtype::F64 => {
            let mut overflow = None;
            for (j, (o, b)) in out.zip(bytes.as_chunks::<8>().0).enumerate() {
                let v = if big {
                    f64::from_be_bytes(*b)
                } else {
                    f64::from_le_bytes(*b)
                };
                *o = F::from_f64(v);
                if v.is_finite() && !o.is_finite() && overflow.is_none() {
                    overflow = Some((j, v));
                }
            }
            overflow
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, ShapeBuilder};

    use super::*;
    use crate::data::save_npy_examples;

    /// Runs of consecutive indices are one read each (pieces of at most `READ_BYTES`), whatever
    /// the batch's layout; every row lands in its column.
    #[test]
    fn consecutive_rows_are_read_together() {
        let dir = std::env::temp_dir().join(format!("ndnet-npy-runs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
        // Rows of 1024 float64 values (8 KiB): READ_BYTES holds 128 of them.
        let x = Array2::from_shape_fn((1024, 300), |(i, j)| (1000 * j + i) as f64);
        let y = Array2::from_shape_fn((1, 300), |(_, j)| j as f64);
        save_npy_examples(&x, &y, &x_path, &y_path).unwrap();
        let mut examples = NpyExamples::<f64>::open(&x_path, &y_path).unwrap();
        let cases: [(Vec<usize>, usize); 3] = [
            (vec![5, 6, 7, 8, 20, 21, 50, 3, 4], 4),
            ((0..300).collect(), 3), // 128 + 128 + 44
            ((0..300).rev().collect(), 300),
        ];
        for (indices, reads) in cases {
            for column_major in [true, false] {
                let k = indices.len();
                let mut xb = Array2::zeros((1024, k).set_f(column_major));
                let mut yb = Array2::zeros((1, k));
                let before = (examples.x.reads.get(), examples.y.reads.get());
                examples.gather(&indices, xb.view_mut(), yb.view_mut()).unwrap();
                assert_eq!(examples.x.reads.get() - before.0, reads, "{indices:?}");
                // Y's rows are 8 bytes: a run never needs two reads.
                let y_runs = if reads == 3 { 1 } else { reads };
                assert_eq!(examples.y.reads.get() - before.1, y_runs, "{indices:?}");
                for (t, &i) in indices.iter().enumerate() {
                    assert_eq!(xb.column(t), x.column(i));
                    assert_eq!(yb[[0, t]], i as f64);
                }
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
