//! Tables larger than memory: a CSV file fitted, indexed and read in chunks of rows, never
//! held whole.
//!
//! 1. [`TabularConfig::fit_csv`](super::TabularConfig::fit_csv) fits the preprocessing in
//!    passes over the file — the result equals [`TabularConfig::fit`](super::TabularConfig::fit)
//!    on the same file bit for bit, exact medians included — and indexes it: the byte offset,
//!    first line and checksum of every chunk of rows ([`CsvChunks`]);
//! 2. [`CsvExamples`] reads the rows of any chunk back by seeking to it, through the fitted
//!    preprocessing: a source of examples for [`Network::fit`](crate::Network::fit)
//!    (`net.fit(&mut examples, …)`) or [`Validation::streamed`](crate::Validation::streamed),
//!    whose X and Y are those of [`FittedPreprocessing::transform`](super::FittedPreprocessing::transform)
//!    on the same rows, bit for bit;
//! 3. with feature `npy`, `FittedPreprocessing::csv_to_npy` writes those X and Y once as `.npy`
//!    files, for training that reads the data many times (the parse is then paid once).
//!
//! Memory holds the categories found, a fixed amount per column and one chunk of rows,
//! whatever the number of rows. Every chunk read after the first pass is checked against its
//! checksum (and the file against its length), so a file that changed since it was indexed is
//! an error naming it and the chunk's first line, never a silently different example.
//!
//! ```
//! use ndnet::data::Examples;
//! use ndnet::tabular::{CsvExamples, Table, TabularConfig};
//! use ndnet::{GradientDescent, Network, Shuffle, TrainConfig};
//!
//! let path = std::env::temp_dir().join(format!("ndnet-doc-stream-{}.csv", std::process::id()));
//! let rows: String = (0..1000)
//!     .map(|i| format!("{},{},{}\n", i % 17, ["red", "blue", ""][i % 3], if i % 17 > 8 { "Y" } else { "N" }))
//!     .collect();
//! std::fs::write(&path, format!("size,colour,label\n{rows}"))?;
//!
//! let config = TabularConfig::binary("label", "Y");
//! let (fitted, chunks) = config.fit_csv(&path, 256)?; // 4 chunks of at most 256 rows
//! let table = Table::from_path(&path)?; // only to compare: a large file would not fit
//! assert_eq!(fitted, config.fit(&table)?);
//!
//! let mut examples = CsvExamples::<f32>::new(&chunks, &fitted)?;
//! let mut net = Network::<f32>::logistic_regression(examples.n_x())?;
//! let blocks = Shuffle::Blocks { chunk: chunks.rows_per_chunk(), chunks_per_block: 2 };
//! let config = TrainConfig::epochs(20).batch_size(64).shuffle(blocks);
//! net.fit(&mut examples, &mut GradientDescent::new(0.5)?, &config)?;
//! let (x, y) = fitted.transform::<f32>(&table)?;
//! assert!(net.accuracy(&x, &y.expect("labelled"))? > 0.9);
//! std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod checksum;
mod chunks;
mod examples;
mod fit;
#[cfg(feature = "npy")]
mod npy;
mod scan;

pub use chunks::CsvChunks;
pub use examples::CsvExamples;
