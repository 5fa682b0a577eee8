//! [`TabularConfig::fit_csv`]: the preprocessing fitted on a CSV file read in passes, never
//! held whole, equal to [`TabularConfig::fit`] on the same file bit for bit.
//!
//! ```text
//! pass 1   header; every row: width, kinds (does every cell parse as a number?), categories
//!          and modes, the target's labels or classes, empty cells; each numeric column's
//!          count, largest magnitude and a histogram of its values (the median's range); the
//!          chunks' offsets and checksums
//! pass 2   numeric columns: Σ v / max|v| in row order (the mean); the values in the median's
//!          range kept and sorted (the exact median), or a finer histogram; a regression
//!          target's sum; the categories of rows read before a column's first text cell
//! pass 3   Σ (v / max|v| − mean)² in row order (the standard deviation), the missing cells
//!          counted at the median; rarely a pass more for a median still unknown
//! ```
//!
//! Three passes, then, for a table with numeric columns (one for a table of text columns); a
//! later pass costs about as much as the first (it parses the numbers again). Passes after the
//! first read the file chunk by chunk, each chunk checked against its checksum. Memory holds the categories of the categorical columns and,
//! per numeric column, a histogram of 4096 buckets (96 KiB) or at most 65 536 values (512 KiB):
//! it does not grow with the rows.

use std::path::Path;

use super::chunks::{ChunkReader, CsvChunks};
use super::scan::Scan;
use crate::tabular::fitted::no_features;
use crate::tabular::table::find_column;
use crate::tabular::transform::Cells;
use crate::tabular::{FittedPreprocessing, TabularConfig};
use crate::{Error, Result};

mod column;
mod median;
mod target;

use column::{At, ColumnFit, Refusal};
use target::TargetFit;

impl TabularConfig {
    /// Fits the preprocessing on every row of the CSV file at `path`, read in passes and never
    /// held in memory, and indexes the file in chunks of `rows_per_chunk` rows for the passes
    /// of training ([`CsvExamples`](super::super::CsvExamples)).
    ///
    /// The result equals [`TabularConfig::fit`] on [`Table::from_path`](super::super::Table::from_path)
    /// of the same file, bit for bit: the same kinds, categories, modes and classes, the exact
    /// medians, and means and standard deviations summed in the same order. The numeric columns
    /// (and a standardized regression target) take two passes more than the first, to sum the
    /// mean and the deviations in row order (and keep the values around the median). Memory
    /// holds the categories found and a fixed amount per numeric column, whatever the number
    /// of rows.
    ///
    /// One rule differs from the in-memory fit, to keep memory bounded: a column detected as
    /// text with more than 65 536 distinct values is refused (declare it with
    /// [`id_column`](TabularConfig::id_column), drop it, or force
    /// [`ColumnKind::Categorical`](super::super::ColumnKind::Categorical)), and so is a
    /// multi-class target with more than 65 536 classes.
    ///
    /// # Errors
    /// As [`CsvChunks::scan`] for the file; as [`TabularConfig::fit`] for what is fitted (a
    /// configured column missing from the header, a numeric column holding text, a column
    /// empty in every row, an undeclared ID, the target's labels or numbers), each naming
    /// the file, line and column; [`Error::TooLarge`] if the categories held exceed the
    /// [memory limit](crate::memory_limit); [`Error::Format`] if the file changes between
    /// passes.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    ///
    /// let path = std::env::temp_dir().join(format!("ndnet-doc-fit-csv-{}.csv", std::process::id()));
    /// std::fs::write(&path, "id,income,area,ok\na1,1000,Urban,Y\na2,3000,Rural,N\na3,,Urban,Y\n")?;
    /// let config = TabularConfig::binary("ok", "Y").id_column("id");
    /// let (fitted, chunks) = config.fit_csv(&path, 4096)?;
    /// assert_eq!(fitted, config.fit(&Table::from_path(&path)?)?); // the same, bit for bit
    /// assert_eq!(fitted.feature_names(), ["income", "area=Rural", "area=Urban"]);
    /// assert_eq!((chunks.n_rows(), chunks.n_chunks()), (3, 1));
    /// std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit_csv(&self, path: impl AsRef<Path>, rows_per_chunk: usize) -> Result<(FittedPreprocessing, CsvChunks)> {
        self.check_roles()?;
        let mut scan = Scan::open(path.as_ref(), rows_per_chunk)?;
        let find = |name: &str, what: &str| find_column(scan.path(), scan.header_line(), scan.headers(), name, what);
        let t = find(&self.target, "target column")?;
        for name in &self.id_columns {
            find(name, "ID column")?;
        }
        for name in &self.dropped {
            find(name, "dropped column")?;
        }
        for (name, _) in &self.kinds {
            find(name, "column with a kind override")?;
        }
        let mut target = TargetFit::new(self.target.clone(), t, &self.kind);
        let mut columns: Vec<ColumnFit> = (scan.headers().iter().enumerate())
            .filter(|(_, name)| self.is_feature(name))
            .map(|(j, name)| ColumnFit::new(name.clone(), j, self.kind_override(name)))
            .collect();
        let mut held = Held::default();

        while scan.next()? {
            let (record, row, line) = (scan.record(), scan.row(), || scan.line());
            let grown = target.observe_first(record.cell(t), &line);
            held.add(grown, scan.path(), &target.name)?;
            for column in &mut columns {
                let grown = column.observe_first(record.cell(column.j), row, &line);
                held.add(grown, scan.path(), &column.name)?;
            }
        }
        let chunks = scan.finish()?;

        // Errors in the in-memory fit's order: the target, then the columns in file order.
        let rows = chunks.n_rows();
        let refuse = |name: &str, refusal| refused(&chunks, name, refusal);
        target.end_first_pass(rows).map_err(|r| refuse(&target.name, r))?;
        if columns.is_empty() {
            return Err(no_features(chunks.path()));
        }
        for column in &mut columns {
            column.end_first_pass(rows).map_err(|r| refuse(&column.name, r))?;
        }
        later_passes(&chunks, &mut target, &mut columns, &mut held)?;

        let target = target.fitted().expect("no pass is left, so the target is fitted");
        let columns = (columns.into_iter())
            .map(|c| {
                let name = c.name.clone();
                let encoding = c.encoding().expect("no pass is left, so every column is fitted");
                crate::tabular::FittedColumn { name, encoding }
            })
            .collect();
        let fitted = FittedPreprocessing::from_parts(target, self.id_columns.clone(), columns);
        // What a load of this preprocessing would check, as the in-memory fit does.
        fitted
            .check()
            .map_err(|message| Error::format(chunks.path(), None, None, message))?;
        Ok((fitted, chunks))
    }
}

/// The passes after the first, chunk by chunk, until every column and the target are fitted.
fn later_passes(chunks: &CsvChunks, target: &mut TargetFit, columns: &mut [ColumnFit], held: &mut Held) -> Result<()> {
    let mut reader: Option<ChunkReader> = None;
    while target.needs_pass() || columns.iter().any(ColumnFit::needs_pass) {
        let reader = match &mut reader {
            Some(reader) => reader,
            None => reader.insert(ChunkReader::open(chunks)?),
        };
        let needs_target = target.needs_pass();
        for c in 0..chunks.n_chunks() {
            let first_row = c * chunks.rows_per_chunk();
            let mut grown = Vec::new();
            reader.read(chunks, c, usize::MAX, |i, record| {
                if needs_target {
                    target.observe(record.cell(target.j));
                }
                for (k, column) in columns.iter_mut().enumerate().filter(|(_, c)| c.needs_pass()) {
                    let bytes = column.observe(record.cell(column.j), first_row + i);
                    if bytes > 0 {
                        grown.push((k, bytes));
                    }
                }
                Ok(())
            })?;
            for (k, bytes) in grown {
                held.add(bytes, chunks.path(), &columns[k].name)?;
            }
        }
        target.end_pass();
        for column in columns.iter_mut().filter(|c| c.needs_pass()) {
            column.end_pass().map_err(|r| refused(chunks, &column.name, r))?;
        }
    }
    Ok(())
}

/// The error for a refusal about column `name` of the file of `chunks`.
fn refused(chunks: &CsvChunks, name: &str, refusal: Refusal) -> Error {
    let line = match refusal.at {
        At::Column => None,
        At::Header => Some(chunks.header_line),
        At::Line(line) => Some(line),
    };
    Error::format(chunks.path(), line, Some(name.to_owned()), refusal.message)
}

/// The bytes held by the categories and classes counted, checked against the memory limit as
/// they grow.
#[derive(Default)]
struct Held {
    bytes: u64,
}

impl Held {
    /// Adds `bytes` held for column `name` of `path`.
    ///
    /// # Errors
    /// [`Error::TooLarge`] naming the column once the total exceeds the memory limit.
    fn add(&mut self, bytes: usize, path: &Path, name: &str) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        self.bytes += bytes as u64;
        crate::base::limits::check_bytes(
            || {
                format!(
                    "the categories counted (the last in column {name} of {})",
                    path.display()
                )
            },
            Some(u128::from(self.bytes)),
        )
    }
}
