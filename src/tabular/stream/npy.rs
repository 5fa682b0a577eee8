//! [`FittedPreprocessing::csv_to_npy`] (features `csv` and `npy`): a CSV file converted once,
//! through a fitted preprocessing, to the `.npy` files of X and Y, so that training reads
//! numbers and never parses text again.

use std::path::Path;

use super::chunks::CsvChunks;
use super::examples::CsvExamples;
use crate::data::NpyWriter;
use crate::tabular::FittedPreprocessing;
use crate::{Float, Result};

impl FittedPreprocessing {
    /// Writes every row of the CSV file indexed by `chunks`, read through this preprocessing,
    /// as the `.npy` files [`NpyExamples`](crate::data::NpyExamples) and numpy read: X of shape
    /// (m, n_x) at `x_path` and Y of shape (m, n_y) at `y_path`, one example per row, float32
    /// for `f32` and float64 for `f64`.
    ///
    /// The rows stream through one chunk at a time (the table is never held), each parsed once,
    /// with the values [`transform`](FittedPreprocessing::transform) gives them, bit for bit.
    /// Both files are written beside their path and renamed into place when complete
    /// ([`NpyWriter`]): if a row cannot be read, what was at the paths is left untouched.
    ///
    /// # Errors
    /// As [`CsvExamples::new`] and its reading of rows (a file changed since it was indexed, a
    /// cell that cannot be encoded: its file, line and column); as [`NpyWriter::create`] and
    /// [`NpyWriter::finish`] for the files written.
    ///
    /// ```
    /// use ndnet::data::{Examples, NpyExamples};
    /// use ndnet::tabular::TabularConfig;
    ///
    /// let dir = std::env::temp_dir().join(format!("ndnet-doc-csv-npy-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("t.csv"), "x,colour,y\n1,red,a\n3,blue,b\n,red,c\n")?;
    /// let (fitted, chunks) = TabularConfig::multi_class("y").fit_csv(dir.join("t.csv"), 4096)?;
    /// fitted.csv_to_npy::<f32>(&chunks, dir.join("x.npy"), dir.join("y.npy"))?;
    /// let examples = NpyExamples::<f32>::open(dir.join("x.npy"), dir.join("y.npy"))?;
    /// assert_eq!((examples.m(), examples.n_x(), examples.n_y()), (3, 3, 3)); // x, colour=blue, colour=red
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn csv_to_npy<F: Float>(
        &self,
        chunks: &CsvChunks,
        x_path: impl AsRef<Path>,
        y_path: impl AsRef<Path>,
    ) -> Result<()> {
        let mut examples = CsvExamples::<F>::new(chunks, self)?;
        let m = chunks.n_rows();
        let mut x = NpyWriter::<F>::create(x_path, m, self.n_features())?;
        let mut y = NpyWriter::<F>::create(y_path, m, self.n_outputs())?;
        for (c, chunk) in chunks.chunks.iter().enumerate() {
            examples.parse(c, chunk.rows)?;
            let (x_rows, y_rows) = examples.parsed(chunk.rows);
            x.write_examples(x_rows)?;
            y.write_examples(y_rows)?;
        }
        x.finish()?;
        y.finish()
    }
}
