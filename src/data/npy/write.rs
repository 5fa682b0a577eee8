//! Writing `.npy` files of examples: [`NpyWriter`] streams rows into a file of known shape,
//! atomically; [`save_npy_examples`] writes an in-memory X and Y as two such files.

use std::io::{BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use ndarray::{ArrayBase, ArrayView2, Data, Ix2};

use super::header::{self, Element};
use crate::base::atomic::Replacement;
use crate::base::check;
use crate::{Error, Float, Result};

/// The buffer between the rows and the file.
const BUFFER_BYTES: usize = 1 << 20;

/// Writes a `.npy` file of `rows` × `columns` values of `F` (float32 for `f32`, float64 for
/// `f64`, little-endian, C order) one row at a time, so a file far larger than memory can be
/// written: X (m, n_x) with a row per example, or Y (m, n_y).
///
/// The file is written beside its final name and renamed over it by [`NpyWriter::finish`]
/// once every row is in: a reader never sees half a file, and a run that fails or is dropped
/// before `finish` leaves what was at the path untouched (see the atomic saves of
/// [`io`](crate::io) when feature `serde` is on).
///
/// ```
/// use ndarray::array;
/// use ndnet::data::{Examples, NpyExamples, NpyWriter};
///
/// let dir = std::env::temp_dir().join(format!("ndnet-npy-writer-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
/// let (mut x, mut y) = (NpyWriter::<f32>::create(&x_path, 3, 2)?, NpyWriter::<f32>::create(&y_path, 3, 1)?);
/// for i in 0..3 {
///     let features = [i as f32, (i * i) as f32];
///     x.write_row(&features)?;
///     y.write_row(&[if i > 0 { 1.0 } else { 0.0 }])?;
/// }
/// x.finish()?;
/// y.finish()?;
/// let examples = NpyExamples::<f32>::open(&x_path, &y_path)?;
/// assert_eq!((examples.n_x(), examples.m()), (2, 3));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct NpyWriter<F> {
    out: BufWriter<Replacement>,
    path: PathBuf,
    rows: usize,
    columns: usize,
    written: usize,
    /// One row's bytes, encoded before they are written.
    row: Vec<u8>,
    float: PhantomData<F>,
}

impl<F: Float> NpyWriter<F> {
    /// Starts writing a `.npy` file of shape (`rows`, `columns`) at `path` (links followed);
    /// nothing appears there before [`NpyWriter::finish`].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `rows · columns · size_of::<F>()` overflows; [`Error::Io`]
    /// naming the path if something other than a regular file is there or the file beside it
    /// cannot be created; [`Error::TooLarge`] if one row does not fit the
    /// [memory limit](crate::memory_limit).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("ndnet-npy-create-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let err = ndnet::data::NpyWriter::<f64>::create(&dir, 2, 2).unwrap_err(); // a folder
    /// assert!(err.to_string().contains("is a folder"));
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(path: impl AsRef<Path>, rows: usize, columns: usize) -> Result<Self> {
        let path = path.as_ref();
        let element = Element::of::<F>();
        let values = rows.checked_mul(columns);
        if values.and_then(|v| v.checked_mul(element.size())).is_none() {
            return Err(Error::invalid_argument(
                "rows",
                format!(
                    "a .npy file of ({rows}, {columns}) values of {} overflows a byte count",
                    F::NAME
                ),
            ));
        }
        let what = || format!("a row of {}", path.display());
        let row_bytes = crate::base::limits::check_alloc(what, &[columns], element.size())? * element.size();
        let replacement = Replacement::begin(path)?;
        let target = replacement.target().to_path_buf();
        let mut out = BufWriter::with_capacity(BUFFER_BYTES, replacement);
        out.write_all(&header::to_bytes(&[rows, columns], element))
            .map_err(|e| Error::io(&target, e))?;
        Ok(NpyWriter {
            out,
            path: target,
            rows,
            columns,
            written: 0,
            row: Vec::with_capacity(row_bytes),
            float: PhantomData,
        })
    }

    /// Appends one row of `columns` values.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if the row has another length or every row is written
    /// already; [`Error::Io`] naming the file if writing fails.
    pub fn write_row(&mut self, row: &[F]) -> Result<()> {
        if row.len() != self.columns {
            return Err(Error::invalid_argument(
                "row",
                format!(
                    "{} holds rows of {} values, got {}",
                    self.path.display(),
                    self.columns,
                    row.len()
                ),
            ));
        }
        self.write_values(row.iter().copied())
    }

    /// Appends the examples of `examples` (n, k), one per column as in ndnet's X and Y, as k
    /// rows of n = `columns` values.
    ///
    /// # Errors
    /// [`Error::Shape`] if `examples` does not have `columns` rows; [`Error::InvalidArgument`]
    /// if the file would get more rows than it was created with; [`Error::Io`] naming the file
    /// if writing fails.
    ///
    /// ```
    /// use ndarray::array;
    /// let path = std::env::temp_dir().join(format!("ndnet-npy-columns-{}.npy", std::process::id()));
    /// let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]; // 3 examples of 2 features
    /// let mut writer = ndnet::data::NpyWriter::<f64>::create(&path, 3, 2)?;
    /// writer.write_examples(x.view())?;
    /// writer.finish()?;
    /// // numpy reads back [[1, 4], [2, 5], [3, 6]]: the 8 bytes of 1.0 start the values.
    /// assert_eq!(std::fs::read(&path)?[128..136], 1.0f64.to_le_bytes());
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_examples(&mut self, examples: ArrayView2<F>) -> Result<()> {
        let file = self.path.display().to_string();
        check::shape(
            || format!("the examples written to {file}"),
            examples.dim(),
            self.columns,
            None,
        )?;
        for example in examples.columns() {
            self.write_values(example.iter().copied())?;
        }
        Ok(())
    }

    /// The rows written so far.
    pub fn rows_written(&self) -> usize {
        self.written
    }

    /// Checks that every row was written, flushes the file to disk and renames it to its path.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if fewer rows than the file's shape were written (nothing is
    /// then put at the path); [`Error::Io`] naming the file if flushing or renaming fails.
    pub fn finish(self) -> Result<()> {
        if self.written != self.rows {
            return Err(Error::invalid_argument(
                "rows",
                format!(
                    "{} was created for {} rows, {} were written; nothing was saved",
                    self.path.display(),
                    self.rows,
                    self.written
                ),
            ));
        }
        let path = self.path;
        let replacement = self.out.into_inner().map_err(|e| Error::io(&path, e.into_error()))?;
        replacement.commit()
    }

    /// Encodes and writes one row of `columns` values.
    fn write_values(&mut self, values: impl Iterator<Item = F>) -> Result<()> {
        if self.written == self.rows {
            return Err(Error::invalid_argument(
                "row",
                format!(
                    "{} was created for {} rows, all written",
                    self.path.display(),
                    self.rows
                ),
            ));
        }
        self.row.clear();
        for v in values {
            match Element::of::<F>().dtype {
                header::Dtype::F32 => self.row.extend_from_slice(&(v.as_f64() as f32).to_le_bytes()),
                header::Dtype::F64 => self.row.extend_from_slice(&v.as_f64().to_le_bytes()),
            }
        }
        self.out.write_all(&self.row).map_err(|e| Error::io(&self.path, e))?;
        self.written += 1;
        Ok(())
    }
}

impl<F> std::fmt::Debug for NpyWriter<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NpyWriter")
            .field("path", &self.path)
            .field("shape", &(self.rows, self.columns))
            .field("written", &self.written)
            .finish()
    }
}

/// Writes X (n_x, m) and Y (n_y, m), one example per column as ndnet holds them, as the `.npy`
/// files numpy and [`NpyExamples`](super::NpyExamples) read: `x_path` of shape (m, n_x) and
/// `y_path` of shape (m, n_y), one example per row, each written atomically.
///
/// # Errors
/// [`Error::Shape`] if Y does not have m columns; as [`NpyWriter::create`] and
/// [`NpyWriter::finish`] otherwise (when Y fails, X has been written).
///
/// ```
/// use ndarray::array;
/// use ndnet::data::save_npy_examples;
/// let dir = std::env::temp_dir().join(format!("ndnet-npy-save-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let (x, y) = (array![[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]], array![[0.0f32, 1.0]]);
/// save_npy_examples(&x, &y, dir.join("x.npy"), dir.join("y.npy"))?;
/// // 128 bytes of header, then 2 examples of 3 float32 values.
/// assert_eq!(std::fs::metadata(dir.join("x.npy"))?.len(), 128 + 2 * 3 * 4);
/// assert!(save_npy_examples(&x, &array![[0.0f32]], dir.join("x.npy"), dir.join("y.npy")).is_err());
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save_npy_examples<F, S, T>(
    x: &ArrayBase<S, Ix2>,
    y: &ArrayBase<T, Ix2>,
    x_path: impl AsRef<Path>,
    y_path: impl AsRef<Path>,
) -> Result<()>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let m = x.ncols();
    check::shape(|| format!("with {m} examples in X, Y"), y.dim(), y.nrows(), Some(m))?;
    for (matrix, path) in [(x.view(), x_path.as_ref()), (y.view(), y_path.as_ref())] {
        let mut writer = NpyWriter::<F>::create(path, m, matrix.nrows())?;
        writer.write_examples(matrix)?;
        writer.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer dropped half-way, or finished short of its rows, leaves what was at the path.
    #[test]
    fn an_unfinished_file_never_replaces_the_old_one() {
        let dir = std::env::temp_dir().join(format!("ndnet-npy-unfinished-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.npy");
        std::fs::write(&path, b"old").unwrap();
        let mut dropped = NpyWriter::<f32>::create(&path, 3, 2).unwrap();
        dropped.write_row(&[1.0, 2.0]).unwrap();
        drop(dropped);
        let mut short = NpyWriter::<f64>::create(&path, 3, 2).unwrap();
        short.write_row(&[1.0, 2.0]).unwrap();
        assert!(short.write_row(&[1.0]).is_err());
        assert_eq!(short.rows_written(), 1);
        let err = short.finish().unwrap_err();
        assert!(
            err.to_string().contains("was created for 3 rows, 1 were written"),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.npy"], "no temporary file is left");
        // One row too many is refused; the whole file then replaces the old one.
        let mut full = NpyWriter::<f64>::create(&path, 1, 2).unwrap();
        full.write_row(&[1.0, 2.0]).unwrap();
        assert!(
            full.write_row(&[3.0, 4.0])
                .unwrap_err()
                .to_string()
                .contains("all written")
        );
        full.finish().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 128 + 16);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
