//! Tabular data (feature `csv`): a CSV file with a header into X (n_x, m) and Y `(n_y, m)`,
//! and [`TabularModel`], a network trained on such rows together with their preprocessing.
//!
//! Three steps, kept apart so that k-fold cross-validation can fit on training folds only:
//! 1. [`Table::from_path`] parses the file into text cells (errors name path, line, column);
//! 2. [`TabularConfig`] says which column is the target and what kind it is ([`TargetKind`]:
//!    binary with its positive label, multi-class, or regression), which columns are IDs or
//!    dropped, and which kinds to force; [`TabularConfig::fit`] (or
//!    [`fit_rows`](TabularConfig::fit_rows) on a subset) learns medians, most frequent values,
//!    categories, means and standard deviations, and the target's labels, classes or scaling
//!    ([`FittedTarget`]);
//! 3. [`FittedPreprocessing::transform`] applies them to any table with the same columns —
//!    the training file, a validation fold, or an unlabelled test file. Printing a
//!    [`FittedPreprocessing`] reports what was fitted, column by column.
//!
//! [`TabularModel`] keeps the fitted preprocessing with the trained network, so that new rows
//! are prepared exactly as the training rows were: it predicts labels with per-class
//! probabilities ([`Predictions`]) or numbers, writes a CSV of predictions, is saved and loaded
//! in one call (feature `serde`), and scores any network by k-fold cross-validation
//! ([`TabularCrossValidation`]).
//!
//! A file larger than memory is never held as a [`Table`]:
//! [`TabularConfig::fit_csv`] fits the same preprocessing in passes over it and indexes its
//! chunks of rows ([`CsvChunks`]), and [`CsvExamples`] reads them back through the
//! preprocessing as examples to train on.
//!
//! ```
//! use ndnet::tabular::{Table, TabularConfig};
//!
//! let csv = "Loan_ID,Income,Area,Loan_Status\n\
//!            LP1,5000,Urban,Y\n\
//!            LP2,,Rural,N\n\
//!            LP3,3000,,Y\n";
//! let table = Table::from_reader(csv.as_bytes(), "loan.csv")?;
//! let fitted = TabularConfig::binary("Loan_Status", "Y").id_column("Loan_ID").fit(&table)?;
//! let (x, y) = fitted.transform::<f64>(&table)?;
//! assert_eq!(fitted.feature_names(), ["Income", "Area=Rural", "Area=Urban"]);
//! assert_eq!(x.dim(), (3, 3)); // (n_x, m)
//! assert_eq!(y.expect("the file is labelled"), ndarray::array![[1.0, 0.0, 1.0]]);
//! assert_eq!(fitted.ids(&table)?, ["LP1", "LP2", "LP3"]);
//! # Ok::<(), ndnet::Error>(())
//! ```

mod column;
mod config;
mod fit;
mod fitted;
mod model;
mod predictions;
mod read;
mod scores;
mod spread;
mod stream;
mod table;
mod target;
mod transform;

pub use column::{ColumnEncoding, FittedColumn};
pub use config::{ColumnKind, TabularConfig, TargetKind};
pub use fitted::FittedPreprocessing;
pub use model::TabularModel;
pub use predictions::Predictions;
pub use scores::{Metric, TabularCrossValidation};
pub use stream::{CsvChunks, CsvExamples};
pub use table::Table;
pub use target::{FittedTarget, TargetScaling};
