//! [`CsvExamples`]: the rows of a CSV file as training examples, read chunk by chunk through a
//! fitted preprocessing.

use ndarray::{Array2, ArrayViewMut2, ShapeBuilder};

use super::chunks::{ChunkReader, CsvChunks};
use crate::data::Examples;
use crate::data::check_gather;
use crate::tabular::FittedPreprocessing;
use crate::tabular::transform::{BadCell, Cells};
use crate::{Float, Result};

/// The rows of an indexed CSV file ([`CsvChunks`]) as examples for
/// [`Network::fit`](crate::Network::fit) (`net.fit(&mut examples, …)`) or
/// [`Validation::streamed`](crate::Validation::streamed), each read through a
/// [`FittedPreprocessing`]: X (n_x, ·) and Y (n_y, ·) hold exactly the values
/// [`FittedPreprocessing::transform`] gives for the same rows, bit for bit.
///
/// Reading examples parses the chunks that hold them, each chunk once per
/// [`gather`](Examples::gather), after checking its bytes against the index (a file changed
/// since it was indexed is an error, never silently read). Memory holds one chunk: its bytes
/// and its values, `rows_per_chunk · (n_x + n_y)` floats.
///
/// How fast it trains depends on the order of the examples
/// ([`TrainConfig::shuffle`](crate::TrainConfig::shuffle)):
///
/// | shuffle | chunks parsed per epoch |
/// |---|---|
/// | [`Shuffle::Blocks`](crate::Shuffle::Blocks) with `chunk` = [`rows_per_chunk`](CsvChunks::rows_per_chunk) | each chunk once |
/// | [`Shuffle::None`](crate::Shuffle::None) | each chunk once (at most twice) |
/// | [`Shuffle::Full`](crate::Shuffle::Full) | about one per example: slow |
///
/// Under `Full` every example is read from a chunk of its own, parsed up to that example: it
/// works, but an epoch parses about `m · rows_per_chunk / 2` rows. Convert the file once with
/// `FittedPreprocessing::csv_to_npy` (feature `npy`) and train on the `.npy` files for a full
/// shuffle, or for any training that reads the data many times: the parse is then paid once.
///
/// ```
/// use ndnet::tabular::{CsvExamples, TabularConfig};
/// use ndnet::data::Examples;
/// use ndnet::{GradientDescent, Network, Shuffle, TrainConfig};
///
/// let path = std::env::temp_dir().join(format!("ndnet-doc-csv-examples-{}.csv", std::process::id()));
/// let rows: String = (0..100).map(|i| format!("{},{}\n", i % 10, if i % 10 > 4 { "Y" } else { "N" })).collect();
/// std::fs::write(&path, format!("x,label\n{rows}"))?;
/// let (fitted, chunks) = TabularConfig::binary("label", "Y").fit_csv(&path, 16)?;
/// let mut examples = CsvExamples::<f64>::new(&chunks, &fitted)?;
/// assert_eq!((examples.n_x(), examples.n_y(), examples.m()), (1, 1, 100));
///
/// let mut net = Network::<f64>::logistic_regression(1)?;
/// let config = TrainConfig::epochs(50).batch_size(20)
///     .shuffle(Shuffle::Blocks { chunk: chunks.rows_per_chunk(), chunks_per_block: 4 });
/// net.fit(&mut examples, &mut GradientDescent::new(1.0)?, &config)?;
/// let (x, y) = fitted.transform::<f64>(&ndnet::tabular::Table::from_path(&path)?)?;
/// assert_eq!(net.accuracy(&x, &y.expect("labelled"))?, 1.0);
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CsvExamples<F> {
    chunks: CsvChunks,
    fitted: FittedPreprocessing,
    reader: ChunkReader,
    /// Where each fitted column and the target are in the file's header.
    positions: Vec<usize>,
    target: usize,
    /// One row's features in f64, before conversion.
    features: Vec<f64>,
    /// The chunk parsed last and how many of its rows, as X (n_x, rows_per_chunk) and Y
    /// (n_y, rows_per_chunk), one example per contiguous column.
    parsed: Option<(usize, usize)>,
    x: Array2<F>,
    y: Array2<F>,
    /// The requested (example, position in the batch), sorted by example.
    order: Vec<(usize, usize)>,
}

impl<F: Float> CsvExamples<F> {
    /// The rows of the file indexed by `chunks`, read through `fitted` (cloned).
    ///
    /// # Errors
    /// [`Error::Format`](crate::Error::Format) naming the file if it lacks a column `fitted`
    /// reads (a feature column or the target) or changed since it was indexed;
    /// [`Error::Io`](crate::Error::Io) if it cannot be opened; [`Error::TooLarge`](crate::Error::TooLarge)
    /// if one chunk's values exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::tabular::{CsvChunks, CsvExamples, TabularConfig};
    ///
    /// let dir = std::env::temp_dir().join(format!("ndnet-doc-csv-new-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("train.csv"), "x,y\n1,a\n2,b\n")?;
    /// std::fs::write(dir.join("other.csv"), "x,z\n3,a\n")?;
    /// let (fitted, _) = TabularConfig::multi_class("y").fit_csv(dir.join("train.csv"), 1024)?;
    /// let other = CsvChunks::scan(dir.join("other.csv"), 1024)?;
    /// let err = CsvExamples::<f32>::new(&other, &fitted).err().expect("no target column");
    /// assert!(err.to_string().contains("line 1, column y: missing target column \"y\""));
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(chunks: &CsvChunks, fitted: &FittedPreprocessing) -> Result<Self> {
        let positions = fitted.feature_positions(|name, what| chunks.find_column(name, what))?;
        let target = chunks.find_column(fitted.target(), "target column")?;
        let (n_x, n_y, rows) = (fitted.n_features(), fitted.n_outputs(), chunks.rows_per_chunk());
        let what = || {
            format!(
                "the values of one chunk of {} (n_x + n_y, rows)",
                chunks.path().display()
            )
        };
        crate::base::limits::check_alloc(what, &[n_x + n_y, rows.min(chunks.n_rows())], std::mem::size_of::<F>())?;
        let rows = rows.min(chunks.n_rows());
        Ok(CsvExamples {
            reader: ChunkReader::open(chunks)?,
            chunks: chunks.clone(),
            fitted: fitted.clone(),
            positions,
            target,
            features: vec![0.0; n_x],
            parsed: None,
            x: Array2::zeros((n_x, rows).f()),
            y: Array2::zeros((n_y, rows).f()),
            order: Vec::new(),
        })
    }

    /// The preprocessing every row is read through.
    pub fn fitted(&self) -> &FittedPreprocessing {
        &self.fitted
    }

    /// The file's index.
    pub fn chunks(&self) -> &CsvChunks {
        &self.chunks
    }

    /// Parses the first `rows` rows of chunk `c` into `self.x` and `self.y`, unless they are
    /// there already. A chunk read again (the next batches of an unshuffled epoch) is parsed
    /// whole.
    pub(super) fn parse(&mut self, c: usize, rows: usize) -> Result<()> {
        let rows = match self.parsed {
            Some((parsed, done)) if parsed == c && done >= rows => return Ok(()),
            Some((parsed, _)) if parsed == c => usize::MAX,
            _ => rows,
        };
        self.parsed = None;
        let (fitted, positions, target, features) = (&self.fitted, &self.positions, self.target, &mut self.features);
        let (x, y) = (&mut self.x, &mut self.y);
        self.reader.read(&self.chunks, c, rows, |i, record| {
            fitted.encode_features(record, positions, features, x.column_mut(i))?;
            (fitted.target_column().encode_cell(record.cell(target), y.column_mut(i))).map_err(|message| BadCell {
                column: target,
                message,
            })
        })?;
        self.parsed = Some((c, rows));
        Ok(())
    }

    /// The first `rows` examples parsed, X and Y.
    #[cfg(feature = "npy")]
    pub(super) fn parsed(&self, rows: usize) -> (ndarray::ArrayView2<'_, F>, ndarray::ArrayView2<'_, F>) {
        (
            self.x.slice(ndarray::s![.., ..rows]),
            self.y.slice(ndarray::s![.., ..rows]),
        )
    }
}

impl<F: Float> Examples<F> for CsvExamples<F> {
    fn n_x(&self) -> usize {
        self.fitted.n_features()
    }

    fn n_y(&self) -> usize {
        self.fitted.n_outputs()
    }

    fn m(&self) -> usize {
        self.chunks.n_rows()
    }

    /// Groups `indices` by chunk and parses each chunk they fall in once (up to the last row
    /// asked for), then copies the examples into the batch.
    fn gather(&mut self, indices: &[usize], mut x: ArrayViewMut2<F>, mut y: ArrayViewMut2<F>) -> Result<()> {
        check_gather(self, indices, x.view(), y.view())?;
        let per_chunk = self.chunks.rows_per_chunk();
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        order.extend(indices.iter().enumerate().map(|(k, &i)| (i, k)));
        order.sort_unstable();
        let mut start = 0;
        while start < order.len() {
            let c = order[start].0 / per_chunk;
            let end = start + order[start..].partition_point(|&(i, _)| i / per_chunk == c);
            let first = c * per_chunk;
            if let Err(e) = self.parse(c, order[end - 1].0 - first + 1) {
                self.order = order;
                return Err(e);
            }
            for &(i, k) in &order[start..end] {
                x.column_mut(k).assign(&self.x.column(i - first));
                y.column_mut(k).assign(&self.y.column(i - first));
            }
            start = end;
        }
        self.order = order;
        Ok(())
    }

    fn describe(&self) -> String {
        self.chunks.path().display().to_string()
    }
}
