//! A table larger than memory: writes a synthetic CSV of m rows and 20 columns, then measures
//! one phase of streaming it (features `csv` and `npy`) — the preprocessing fitted in passes,
//! the chunks read back for training, the conversion to `.npy` — against the csv crate's own
//! parse speed on the same file and against the in-memory `Table` and fit.
//!
//! The table: an ID; 12 measurements (log-normal, 4 decimals, 5 % missing); 3 counts (integers,
//! 2 % missing); 4 categories (3 to 12 values, 3 % missing); a binary target `approved` (Y when a
//! noisy score of 3 measurements and a category is positive). About 140 bytes a row:
//! m = 2.5·10⁶ is 350 MB.
//!
//! Each phase prints `phase=… seconds=… mb_per_s=… peak_rss_anon_mb=…`: megabytes of the file
//! per second (10⁶ bytes), and the largest `RssAnon` of /proc/self/status (anonymous resident
//! memory; the page cache is not in it) sampled every 5 ms during the phase. Run one phase per
//! process to compare peaks.
//!
//! Run: `cargo run --release --features csv,npy --example large_csv -- [m] [folder] --phase=P`
//! with P one of:
//!
//! * `write`: write `large.csv` in the folder (m = 100000 by default);
//! * `csv-crate`: a plain `csv::Reader` loop counting records, as `StringRecord`s (UTF-8
//!   checked, as ndnet reads them) and as `ByteRecord`s (the parser alone);
//! * `scan`: `CsvChunks::scan` (the first pass alone: rows, chunks, checksums);
//! * `fit`: `TabularConfig::fit_csv`, every pass;
//! * `table`: `Table::from_path` then `TabularConfig::fit` (the table in memory); with
//!   `--compare`, then `fit_csv` too, and whether the two fits are equal (bit for bit);
//! * `read`: every chunk read back through the fitted preprocessing, in order (`CsvExamples`);
//! * `train`: one epoch of [n_x, 64, 1] with `Shuffle::Blocks` (chunks of 4096, 16 per block),
//!   Adam, batches of 256, from the CSV's chunks; the time spent reading chunks (on the
//!   read-ahead thread) beside;
//! * `train-memory`: the same epoch on X and Y in memory (`Table`, `fit`, `transform`, X made
//!   column-major), the table read and the epoch timed apart;
//! * `npy`: `csv_to_npy` to `x.npy` and `y.npy` (f32), then removes them;
//! * `train-npy`: `csv_to_npy`, then the same epoch from the `.npy` files (`NpyExamples`).
//!
//! The training phases also print `epoch_seconds=… examples_per_second=…` for the epoch alone.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ndarray::{Array2, ArrayViewMut2, ShapeBuilder};
use ndnet::data::Examples;
use ndnet::tabular::{CsvExamples, Table, TabularConfig};
use ndnet::{Activation, Adam, AdamConfig, Initializer, Network, Shuffle, TrainConfig, TrainingData};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Rows per chunk, and the `Shuffle::Blocks` chunk.
const CHUNK: usize = 4096;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let m: usize = args.next().map_or(Ok(100_000), |a| a.parse())?;
    let folder = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let phase = std::env::args()
        .find_map(|a| a.strip_prefix("--phase=").map(str::to_owned))
        .ok_or("give --phase=write|csv-crate|scan|fit|table|read|train|train-memory|npy|train-npy")?;
    let path = folder.join("large.csv");
    if phase == "write" {
        let start = Instant::now();
        write_table(&path, m)?;
        let bytes = std::fs::metadata(&path)?.len();
        report("write", start, bytes, 0.0);
        return Ok(());
    }
    let bytes = std::fs::metadata(&path)?.len();
    let config = TabularConfig::binary("approved", "Y").id_column("id");
    let peak = Peak::start();
    let start = Instant::now();
    match phase.as_str() {
        "csv-crate" => {
            let mut reader = csv::Reader::from_path(&path)?;
            let (mut record, mut count) = (csv::StringRecord::new(), 0usize);
            while reader.read_record(&mut record)? {
                count += 1;
            }
            report("csv-crate-string-records", start, bytes, peak.take());
            let start = Instant::now();
            let mut reader = csv::Reader::from_path(&path)?;
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record)? {
                count -= 1;
            }
            assert_eq!(count, 0);
            report("csv-crate-byte-records", start, bytes, peak.take());
        }
        "scan" => {
            let chunks = ndnet::tabular::CsvChunks::scan(&path, CHUNK)?;
            println!("rows={} chunks={}", chunks.n_rows(), chunks.n_chunks());
            report("scan", start, bytes, peak.take());
        }
        "fit" => {
            let (fitted, _) = config.fit_csv(&path, CHUNK)?;
            println!("n_x={}", fitted.n_features());
            report("fit", start, bytes, peak.take());
        }
        "table" => {
            let table = Table::from_path(&path)?;
            let read = start.elapsed().as_secs_f64();
            let fitted = config.fit(&table)?;
            println!("n_x={} table_seconds={read:.2}", fitted.n_features());
            report("table", start, bytes, peak.take());
            if std::env::args().any(|a| a == "--compare") {
                let (streamed, _) = config.fit_csv(&path, CHUNK)?;
                println!("streamed_fit_equals_in_memory_fit={}", streamed == fitted);
            }
        }
        "train-memory" => {
            let table = Table::from_path(&path)?;
            let fitted = config.fit(&table)?;
            let (x, y) = fitted.transform::<f32>(&table)?;
            drop(table);
            // Column-major: each example one contiguous column, as mini-batches read them.
            let mut x_columns = Array2::zeros(x.dim().f());
            x_columns.assign(&x);
            drop(x);
            let y = y.ok_or("a labelled table")?;
            println!("prepare_seconds={:.2}", start.elapsed().as_secs_f64());
            let history = epoch(x_columns.nrows(), x_columns.ncols(), (&x_columns, &y))?;
            println!("last_cost={:.4}", history.records.last().map_or(f64::NAN, |r| r.cost));
            report("train-memory", start, bytes, peak.take());
        }
        "read" | "train" | "npy" | "train-npy" => {
            let (fitted, chunks) = config.fit_csv(&path, CHUNK)?;
            println!("fit_seconds={:.2}", start.elapsed().as_secs_f64());
            let _ = peak.take();
            let start = Instant::now();
            let mut examples = Timed {
                examples: CsvExamples::<f32>::new(&chunks, &fitted)?,
                seconds: 0.0,
            };
            match phase.as_str() {
                "read" => {
                    let (n_x, n_y) = (examples.n_x(), examples.n_y());
                    let (mut x, mut y) = (Array2::zeros((n_x, CHUNK).f()), Array2::zeros((n_y, CHUNK)));
                    for first in (0..chunks.n_rows()).step_by(CHUNK) {
                        let indices: Vec<usize> = (first..(first + CHUNK).min(chunks.n_rows())).collect();
                        let k = indices.len();
                        examples.gather(
                            &indices,
                            x.slice_mut(ndarray::s![.., ..k]),
                            y.slice_mut(ndarray::s![.., ..k]),
                        )?;
                    }
                    report("read", start, bytes, peak.take());
                }
                "train" => {
                    let history = epoch(examples.n_x(), examples.m(), &mut examples)?;
                    println!(
                        "last_cost={:.4} gather_seconds={:.2} gather_mb_per_s={:.1}",
                        history.records.last().map_or(f64::NAN, |r| r.cost),
                        examples.seconds,
                        bytes as f64 / 1e6 / examples.seconds
                    );
                    report("train", start, bytes, peak.take());
                }
                _ => {
                    let (x_path, y_path) = (folder.join("x.npy"), folder.join("y.npy"));
                    fitted.csv_to_npy::<f32>(&chunks, &x_path, &y_path)?;
                    report("npy", start, bytes, peak.take());
                    if phase == "train-npy" {
                        let start = Instant::now();
                        let mut examples = ndnet::data::NpyExamples::<f32>::open(&x_path, &y_path)?;
                        let history = epoch(examples.n_x(), examples.m(), &mut examples)?;
                        println!("last_cost={:.4}", history.records.last().map_or(f64::NAN, |r| r.cost));
                        report("train-npy", start, bytes, peak.take());
                    }
                    std::fs::remove_file(x_path)?;
                    std::fs::remove_file(y_path)?;
                }
            }
        }
        other => return Err(format!("unknown phase {other}").into()),
    }
    Ok(())
}

/// One epoch of [n_x, 64, 1] (ReLU, sigmoid, He, Adam α = 0.002, batches of 256, `Shuffle::Blocks`
/// of 16 chunks of 4096) on `examples`, from the same seeds whatever they are read from; prints
/// the epoch's time and examples per second.
fn epoch<'d>(n_x: usize, m: usize, data: impl Into<TrainingData<'d, f32>>) -> ndnet::Result<ndnet::History> {
    let mut rng = StdRng::seed_from_u64(1);
    let sizes = [n_x, 64, 1];
    let mut net = Network::<f32>::new(&sizes, Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)?;
    let blocks = Shuffle::Blocks {
        chunk: CHUNK,
        chunks_per_block: 16,
    };
    let train = TrainConfig::epochs(1).batch_size(256).seed(2).shuffle(blocks);
    let mut adam = Adam::new(AdamConfig::default().learning_rate(2e-3))?;
    let start = Instant::now();
    let history = net.fit(data, &mut adam, &train)?;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "epoch_seconds={seconds:.2} examples_per_second={:.0}",
        m as f64 / seconds
    );
    Ok(history)
}

/// Prints one phase's line.
fn report(phase: &str, start: Instant, bytes: u64, peak_mb: f64) {
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "phase={phase} seconds={seconds:.2} mb_per_s={:.1} peak_rss_anon_mb={peak_mb:.1}",
        bytes as f64 / 1e6 / seconds
    );
}

/// Writes the synthetic table of `m` rows to `path`.
fn write_table(path: &Path, m: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let measurements: Vec<String> = (1..=12).map(|k| format!("measure{k}")).collect();
    writeln!(
        out,
        "id,{},visits,children,years,region,channel,plan,grade,approved",
        measurements.join(",")
    )?;
    let mut rng = StdRng::seed_from_u64(0);
    let categories: [&[&str]; 4] = [
        &["north", "south", "east", "west", "centre"],
        &["web", "phone", "branch"],
        &["basic", "plus", "premium", "family", "student", "senior", "business"],
        &["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"],
    ];
    let mut line = String::with_capacity(256);
    for i in 0..m {
        line.clear();
        write!(line, "C{i:09}").expect("writing to a String");
        let mut score = 0.0;
        for k in 0..12 {
            let value = (rng.random::<f64>() * 3.0 - 1.0).exp() * 100.0;
            if k < 3 {
                score += (value - 100.0) / 100.0;
            }
            if rng.random::<f64>() < 0.05 {
                line.push(',');
            } else {
                write!(line, ",{value:.4}").expect("writing to a String");
            }
        }
        for top in [30u32, 5, 40] {
            if rng.random::<f64>() < 0.02 {
                line.push(',');
            } else {
                write!(line, ",{}", rng.random_range(0..top)).expect("writing to a String");
            }
        }
        for (c, values) in categories.iter().enumerate() {
            let v = rng.random_range(0..values.len());
            if c == 2 {
                score += v as f64 * 0.2 - 0.6;
            }
            line.push(',');
            if rng.random::<f64>() >= 0.03 {
                line.push_str(values[v]);
            }
        }
        let approved = score + rng.random::<f64>() - 0.5 > 0.0;
        writeln!(out, "{line},{}", if approved { "Y" } else { "N" })?;
    }
    out.flush()
}

/// The examples, with the time spent reading them.
struct Timed<E> {
    examples: E,
    seconds: f64,
}

impl<E: Examples<f32>> Examples<f32> for Timed<E> {
    fn n_x(&self) -> usize {
        self.examples.n_x()
    }

    fn n_y(&self) -> usize {
        self.examples.n_y()
    }

    fn m(&self) -> usize {
        self.examples.m()
    }

    fn gather(&mut self, indices: &[usize], x: ArrayViewMut2<f32>, y: ArrayViewMut2<f32>) -> ndnet::Result<()> {
        let start = Instant::now();
        let read = self.examples.gather(indices, x, y);
        self.seconds += start.elapsed().as_secs_f64();
        read
    }

    fn describe(&self) -> String {
        self.examples.describe()
    }
}

/// The peak of `RssAnon`, sampled every 5 ms by a thread of its own, since the last `take`.
struct Peak {
    peak: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Peak {
    fn start() -> Self {
        let (peak, stop) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)));
        let (p, s) = (Arc::clone(&peak), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Some(mib) = rss_anon_mib() {
                    p.fetch_max(mib.to_bits(), Ordering::Relaxed); // positive f64s order as their bits
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Peak { peak, stop }
    }

    /// The peak since the last call (with a last sample now), in MiB.
    fn take(&self) -> f64 {
        if let Some(mib) = rss_anon_mib() {
            self.peak.fetch_max(mib.to_bits(), Ordering::Relaxed);
        }
        f64::from_bits(self.peak.swap(0, Ordering::Relaxed))
    }
}

impl Drop for Peak {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The process's anonymous resident memory (`RssAnon` of /proc/self/status) in MiB.
fn rss_anon_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
