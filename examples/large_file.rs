//! Data larger than memory: writes a synthetic data set of m examples as `.npy` files, then
//! trains a [64, 64, 1] network on them for one epoch, reading mini-batches from the files
//! (feature `npy`), and reports the time and the process's peak anonymous resident memory.
//!
//! The data: x of 64 features, each uniform in [−√3, √3] (mean 0, variance 1); with s = w·x/8
//! and t = v·x/8 for two fixed random directions w and v (both N(0, 1) across examples), the
//! label is 1 when s + t² > 1 (43 % of examples). A ReLU layer of 64 units learns the square.
//!
//! Training: one epoch, Adam (α = 0.002), mini-batches of 256, [`Shuffle::Blocks`] with chunks
//! of 4096 examples (1 MiB of f32 X, one read each) and blocks of 16 chunks (65,536 examples,
//! 16.25 MiB of X and Y held while their examples are mixed): a batch mixes examples from 16
//! places in the file, memory stays the same whatever m, and a file on disk is read in 1 MiB
//! pieces. [`Shuffle::Full`] would hold m indices (400 MB for 5·10⁷ examples) and read one
//! example at a time.
//!
//! The last line is `train_seconds=… peak_rss_mb=… examples_per_second=…`, where peak_rss_mb is
//! the largest `RssAnon` of /proc/self/status (anonymous resident memory, in MiB; file pages of
//! the page cache, which the kernel can drop, are not in it) sampled every 10 ms by a thread of
//! its own and at every recorded step by the training callback, from the start of training to
//! its end. Where there is no /proc (not Linux) it is 0.
//!
//! Run: `cargo run --release --features npy --example large_file -- [m] [folder] [options]`,
//! m = 100000 and the current folder by default. Options:
//!
//! * `--reuse`: train on `x.npy` and `y.npy` already in the folder if they hold m examples;
//! * `--keep`: leave the files (they are removed at the end otherwise);
//! * `--in-memory`: read the files into a column-major X and train on it in memory instead
//!   (the same job, for comparison);
//! * `--shuffle=blocks|none|full`: the shuffle (blocks by default);
//! * `--batch=N`: the mini-batch size (256 by default).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ndarray::{Array2, ArrayViewMut2, ShapeBuilder};
use ndnet::data::{Examples, NpyExamples, NpyWriter};
use ndnet::{Activation, Adam, AdamConfig, FitOptions, Initializer, Network, Shuffle, TrainConfig};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const N_X: usize = 64;
const HIDDEN: usize = 64;
const LEARNING_RATE: f64 = 2e-3;
/// Examples per chunk: 4096 × 64 f32 = 1 MiB, one read.
const CHUNK: usize = 4096;
/// Chunks per block: 16 places of the file mixed in every batch, 16 MiB of X held.
const CHUNKS_PER_BLOCK: usize = 16;
/// Fresh examples the trained network is scored on.
const TEST_EXAMPLES: usize = 10_000;

struct Options {
    m: usize,
    folder: PathBuf,
    reuse: bool,
    keep: bool,
    in_memory: bool,
    shuffle: Shuffle,
    batch: usize,
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(|options| run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: impl Iterator<Item = String>) -> Result<Options, Box<dyn std::error::Error>> {
    let mut options = Options {
        m: 100_000,
        folder: PathBuf::from("."),
        reuse: false,
        keep: false,
        in_memory: false,
        shuffle: Shuffle::Blocks {
            chunk: CHUNK,
            chunks_per_block: CHUNKS_PER_BLOCK,
        },
        batch: 256,
    };
    let mut positional = 0;
    for arg in args {
        match arg.as_str() {
            "--reuse" => options.reuse = true,
            "--keep" => options.keep = true,
            "--in-memory" => options.in_memory = true,
            "--shuffle=none" => options.shuffle = Shuffle::None,
            "--shuffle=full" => options.shuffle = Shuffle::Full,
            "--shuffle=blocks" => {}
            _ if arg.starts_with("--batch=") => options.batch = arg["--batch=".len()..].parse()?,
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}").into()),
            _ if positional == 0 => {
                options.m = arg
                    .parse()
                    .map_err(|_| format!("m must be a number of examples, got {arg}"))?;
                positional += 1;
            }
            _ if positional == 1 => {
                options.folder = PathBuf::from(arg);
                positional += 1;
            }
            _ => return Err(format!("unexpected argument {arg}").into()),
        }
    }
    Ok(options)
}

fn run(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let (x_path, y_path) = (options.folder.join("x.npy"), options.folder.join("y.npy"));
    let teacher = Teacher::new();
    let reused =
        options.reuse && NpyExamples::<f32>::open(&x_path, &y_path).is_ok_and(|examples| examples.m() == options.m);
    if !reused {
        let start = Instant::now();
        write_data_set(&teacher, options.m, &x_path, &y_path)?;
        let bytes = std::fs::metadata(&x_path)?.len() + std::fs::metadata(&y_path)?.len();
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "wrote {} examples ({:.1} MB) to {} and {} in {seconds:.1} s",
            options.m,
            bytes as f64 / 1e6,
            x_path.display(),
            y_path.display()
        );
    }

    let mut rng = StdRng::seed_from_u64(1);
    let mut net = Network::<f32>::new(
        &[N_X, HIDDEN, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )?;
    let mut adam = Adam::new(AdamConfig::default().learning_rate(LEARNING_RATE))?;
    let config = TrainConfig::epochs(1)
        .batch_size(options.batch)
        .seed(2)
        .shuffle(options.shuffle)
        .record_every(100);
    let mut examples = Timed {
        examples: NpyExamples::<f32>::open(&x_path, &y_path)?,
        seconds: 0.0,
    };
    // In memory (for comparison): X column-major, each example contiguous as in the files.
    let in_memory = match options.in_memory {
        true => Some(read_all(&mut examples.examples)?),
        false => None,
    };
    println!("rss_anon_before_training_mb={:.1}", rss_anon_mib().unwrap_or(0.0));

    let peak = Arc::new(AtomicU64::new(0));
    let sample = {
        let peak = Arc::clone(&peak);
        move || {
            if let Some(mib) = rss_anon_mib() {
                peak.fetch_max(mib.to_bits(), Ordering::Relaxed); // positive f64s order as their bits
            }
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, sample) = (Arc::clone(&stop), sample.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                sample();
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    // Checkpoints go here: FitOptions writes one every N steps (to be added).
    let options_fit = FitOptions::new(config).callback(|_| sample());
    let start = Instant::now();
    let history = match &in_memory {
        Some((x, y)) => net.fit((x, y), &mut adam, options_fit)?,
        None => net.fit(&mut examples, &mut adam, options_fit)?,
    };
    let train_seconds = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let in_memory_run = in_memory.is_some();
    drop(in_memory);

    let (x_test, y_test) = teacher.examples(TEST_EXAMPLES, &mut StdRng::seed_from_u64(3));
    println!("{}", history.plan);
    println!(
        "last cost {:.4}, accuracy on {TEST_EXAMPLES} new examples {:.4}",
        history.records.last().map_or(f64::NAN, |r| r.cost),
        net.accuracy(&x_test, &y_test)?
    );
    if in_memory_run {
        println!("read the files into memory before training");
    } else {
        // On the thread that reads one batch ahead, beside the steps: hidden unless it nears train_seconds.
        println!(
            "gather_seconds={:.2} (reading the files, on the read-ahead thread)",
            examples.seconds
        );
    }
    if !options.keep {
        std::fs::remove_file(&x_path)?;
        std::fs::remove_file(&y_path)?;
    }
    println!(
        "train_seconds={train_seconds:.2} peak_rss_mb={:.1} examples_per_second={:.0}",
        f64::from_bits(peak.load(Ordering::Relaxed)),
        options.m as f64 / train_seconds
    );
    Ok(())
}

/// The rule that labels the examples: y = 1 when s + t² > 1, s = w·x/8, t = v·x/8.
struct Teacher {
    w: [f32; N_X],
    v: [f32; N_X],
}

impl Teacher {
    fn new() -> Self {
        let mut rng = StdRng::seed_from_u64(0);
        let mut direction = || std::array::from_fn(|_| if rng.random_bool(0.5) { 1.0 } else { -1.0 });
        Teacher {
            w: direction(),
            v: direction(),
        }
    }

    /// One example's features (uniform in [−√3, √3]) and label.
    fn example(&self, rng: &mut StdRng, x: &mut [f32; N_X]) -> f32 {
        let half_width = 3f32.sqrt();
        for value in x.iter_mut() {
            *value = rng.random_range(-half_width..half_width);
        }
        let dot = |d: &[f32; N_X]| d.iter().zip(x.iter()).map(|(a, b)| a * b).sum::<f32>() / 8.0;
        let (s, t) = (dot(&self.w), dot(&self.v));
        if s + t * t > 1.0 { 1.0 } else { 0.0 }
    }

    /// `m` examples in memory, X (64, m) and Y (1, m).
    fn examples(&self, m: usize, rng: &mut StdRng) -> (Array2<f32>, Array2<f32>) {
        let (mut x, mut y) = (Array2::zeros((N_X, m)), Array2::zeros((1, m)));
        let mut row = [0.0; N_X];
        for j in 0..m {
            y[[0, j]] = self.example(rng, &mut row);
            x.column_mut(j).assign(&ndarray::ArrayView1::from(&row));
        }
        (x, y)
    }
}

/// Streams `m` examples into `x_path` (m, 64) and `y_path` (m, 1), f32.
fn write_data_set(teacher: &Teacher, m: usize, x_path: &Path, y_path: &Path) -> ndnet::Result<()> {
    let mut rng = StdRng::seed_from_u64(4);
    let mut x = NpyWriter::<f32>::create(x_path, m, N_X)?;
    let mut y = NpyWriter::<f32>::create(y_path, m, 1)?;
    let mut row = [0.0; N_X];
    for _ in 0..m {
        let label = teacher.example(&mut rng, &mut row);
        x.write_row(&row)?;
        y.write_row(&[label])?;
    }
    x.finish()?;
    y.finish()
}

/// Examples whose reads are timed: the time `gather` takes, summed.
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

/// Every example of the files in memory: X (64, m) column-major, Y (1, m).
fn read_all(examples: &mut NpyExamples<f32>) -> ndnet::Result<(Array2<f32>, Array2<f32>)> {
    let m = examples.m();
    let (mut x, mut y) = (Array2::zeros((N_X, m).f()), Array2::zeros((1, m)));
    let all: Vec<usize> = (0..m).collect();
    examples.gather(&all, x.view_mut(), y.view_mut())?;
    Ok((x, y))
}

/// The process's anonymous resident memory (`RssAnon` of /proc/self/status) in MiB.
fn rss_anon_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
