//! The training jobs every case runs: synthetic data generated here (seeded), the networks, the
//! optimizers, and one function that trains a job on one process or on the ranks of a
//! communicator and returns what the parent compares.

use std::path::Path;

use ndarray::Array2;
use ndnet::data::{Examples, NpyExamples};
use ndnet::rand::rngs::StdRng;
use ndnet::rand::{RngExt, SeedableRng};
use ndnet::{
    Activation, Adam, AdamConfig, Distributed, FitOptions, Float, GradientDescent, History, Initializer, Momentum,
    MomentumConfig, Network, Optimizer, Shuffle, TrainConfig, Validation,
};

/// Gradient steps of the equivalence jobs (the 50).
pub const STEPS: usize = 50;

/// What is learnt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// MNIST-like: 64 features, 10 classes (softmax), 301 examples in batches of 64 — 4 full
    /// batches and one of 45 per epoch, and 301 is odd and prime to 3, so neither the data nor
    /// the last batch divides by 2 or 3 ranks.
    Digits,
    /// Tabular: 12 features, a binary label (sigmoid) with 15 % of the labels flipped, L2 on,
    /// 193 examples in batches of 64 — the last batch of every epoch is one example, so ranks
    /// 1 and 2 hold no example of it.
    Tabular,
    /// Logistic regression on the tabular data, batch gradient descent: one process runs the
    /// fused logistic pass.
    Logistic,
    /// [64, 8, 1] on 15 of the digits (class < 5 against the rest), batch gradient descent:
    /// m ≤ n_x / 4, so one process runs the Gram form.
    Gram,
}

/// Where a job reads its examples from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// `fit((&x, &y), …)`.
    InMemory,
    /// `.npy` files read batch by batch, every row read counted.
    Npy(Shuffle),
}

/// What is watched after every epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Watch {
    Nothing,
    /// `Validation::split(0.2).early_stopping(3)`.
    Split,
    /// `Validation::new(&x_valid, &y_valid).early_stopping(3)`: 97 examples apart.
    Set,
}

/// One training job.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    pub name: &'static str,
    pub kind: Kind,
    pub f64: bool,
    pub adam: bool,
    pub source: Source,
    pub watch: Watch,
}

const fn job(name: &'static str, kind: Kind, f64: bool, adam: bool, source: Source, watch: Watch) -> Job {
    Job {
        name,
        kind,
        f64,
        adam,
        source,
        watch,
    }
}

const BLOCKS: Shuffle = Shuffle::Blocks {
    chunk: 16,
    chunks_per_block: 4,
};

/// Every job the training launches run, in order.
pub const JOBS: &[Job] = &[
    job(
        "digits-f64-adam",
        Kind::Digits,
        true,
        true,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "digits-f64-momentum",
        Kind::Digits,
        true,
        false,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "digits-f32-adam",
        Kind::Digits,
        false,
        true,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "digits-f32-momentum",
        Kind::Digits,
        false,
        false,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "tabular-f64-adam",
        Kind::Tabular,
        true,
        true,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "tabular-f64-momentum",
        Kind::Tabular,
        true,
        false,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "tabular-f32-adam",
        Kind::Tabular,
        false,
        true,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "tabular-f32-momentum",
        Kind::Tabular,
        false,
        false,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "npy-full-f32-adam",
        Kind::Digits,
        false,
        true,
        Source::Npy(Shuffle::Full),
        Watch::Nothing,
    ),
    job(
        "npy-blocks-f64-adam",
        Kind::Digits,
        true,
        true,
        Source::Npy(BLOCKS),
        Watch::Nothing,
    ),
    job(
        "early-stopping-split",
        Kind::Tabular,
        true,
        true,
        Source::InMemory,
        Watch::Split,
    ),
    job(
        "early-stopping-set",
        Kind::Tabular,
        true,
        true,
        Source::InMemory,
        Watch::Set,
    ),
    job(
        "full-batch-fused-logistic",
        Kind::Logistic,
        true,
        false,
        Source::InMemory,
        Watch::Nothing,
    ),
    job(
        "full-batch-gram",
        Kind::Gram,
        true,
        false,
        Source::InMemory,
        Watch::Nothing,
    ),
];

/// What a run gives the parent: every parameter's bits (as an f64), the history's shape, and
/// the examples this process read (npy jobs).
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub bits: Vec<u64>,
    pub epochs: usize,
    pub best_epoch: Option<usize>,
    pub stopped_early: bool,
    pub valid_costs: Vec<f64>,
    pub read: Vec<usize>,
    /// The training path `fit` took (`History::plan.path`).
    pub path: String,
}

impl Outcome {
    /// One line per field, the numbers in hex (bits) or decimal.
    pub fn to_text(&self) -> String {
        let join = |v: Vec<String>| v.join(" ");
        [
            join(self.bits.iter().map(|b| format!("{b:x}")).collect()),
            self.epochs.to_string(),
            format!("{:?}", self.best_epoch),
            self.stopped_early.to_string(),
            join(self.valid_costs.iter().map(|c| format!("{:x}", c.to_bits())).collect()),
            join(self.read.iter().map(usize::to_string).collect()),
            self.path.clone(),
        ]
        .join("\n")
    }

    pub fn from_text(text: &str) -> Outcome {
        let lines: Vec<&str> = text.split('\n').collect();
        let hex = |line: &str| -> Vec<u64> {
            line.split_whitespace()
                .map(|h| u64::from_str_radix(h, 16).expect("hex bits"))
                .collect()
        };
        Outcome {
            bits: hex(lines[0]),
            epochs: lines[1].parse().expect("epochs"),
            best_epoch: lines[2]
                .strip_prefix("Some(")
                .map(|s| s.trim_end_matches(')').parse().expect("epoch")),
            stopped_early: lines[3] == "true",
            valid_costs: hex(lines[4]).into_iter().map(f64::from_bits).collect(),
            read: lines[5]
                .split_whitespace()
                .map(|n| n.parse().expect("an index"))
                .collect(),
            path: lines[6].to_owned(),
        }
    }

    pub fn values(&self) -> Vec<f64> {
        self.bits.iter().map(|&b| f64::from_bits(b)).collect()
    }
}

/// (X, Y) of a job's kind, and its validation set of 97 examples: seeded, the same on every
/// process.
pub fn data<F: Float>(kind: Kind) -> (Array2<F>, Array2<F>, Array2<F>, Array2<F>) {
    let mut rng = StdRng::seed_from_u64(2026);
    let (x, y, m) = match kind {
        Kind::Digits | Kind::Gram => {
            // Ten prototypes in [0, 1]^64; an example is its class's prototype plus noise.
            let prototypes = Array2::from_shape_fn((64, 10), |_| rng.random::<f64>());
            let m = 301 + 97;
            let classes: Vec<usize> = (0..m).map(|_| rng.random_range(0..10)).collect();
            let x = Array2::from_shape_fn((64, m), |(i, j)| {
                prototypes[[i, classes[j]]] + 0.8 * (rng.random::<f64>() - 0.5)
            });
            let y = Array2::from_shape_fn((10, m), |(c, j)| f64::from(u8::from(classes[j] == c)));
            (x, y, 301)
        }
        Kind::Tabular | Kind::Logistic => {
            let m = 193 + 97;
            let w: Vec<f64> = (0..12).map(|_| rng.random::<f64>() - 0.5).collect();
            let x = Array2::from_shape_fn((12, m), |_| 2.0 * rng.random::<f64>() - 1.0);
            let y = Array2::from_shape_fn((1, m), |(_, j)| {
                let score: f64 = (0..12)
                    .map(|i| w[i] * x[[i, j]] + 0.3 * x[[i, j]] * x[[(i + 1) % 12, j]])
                    .sum();
                let flip = rng.random::<f64>() < 0.15;
                f64::from(u8::from((score > 0.0) != flip))
            });
            (x, y, 193)
        }
    };
    let (x, y, m) = match kind {
        // Binary: is the digit's class below 5.
        Kind::Gram => (
            x,
            y.slice(ndarray::s![..5, ..])
                .sum_axis(ndarray::Axis(0))
                .insert_axis(ndarray::Axis(0)),
            15,
        ),
        _ => (x, y, m),
    };
    let part = |a: &Array2<f64>, from: usize, to: usize| a.slice(ndarray::s![.., from..to]).mapv(F::from_f64);
    let total = x.ncols();
    (part(&x, 0, m), part(&y, 0, m), part(&x, m, total), part(&y, m, total))
}

/// The job's network, drawn from a seeded generator: the same on every process before rank 0's
/// is broadcast.
pub fn network<F: Float>(kind: Kind) -> Network<F> {
    let mut rng = StdRng::seed_from_u64(7);
    match kind {
        Kind::Digits => Network::new(
            &[64, 32, 10],
            Activation::Relu,
            Activation::Softmax,
            Initializer::He,
            &mut rng,
        )
        .expect("a network"),
        Kind::Tabular => Network::new(
            &[12, 16, 1],
            Activation::Tanh,
            Activation::Sigmoid,
            Initializer::Xavier,
            &mut rng,
        )
        .expect("a network")
        .with_l2(0.05)
        .expect("λ"),
        Kind::Logistic => Network::logistic_regression(12).expect("a network"),
        Kind::Gram => Network::new(
            &[64, 8, 1],
            Activation::Tanh,
            Activation::Sigmoid,
            Initializer::Xavier,
            &mut rng,
        )
        .expect("a network"),
    }
}

pub fn optimizer<F: Float>(kind: Kind, adam: bool) -> Box<dyn Optimizer<F>> {
    if matches!(kind, Kind::Logistic | Kind::Gram) {
        return Box::new(GradientDescent::new(0.5).expect("gradient descent"));
    }
    match adam {
        true => Box::new(Adam::new(AdamConfig::default().learning_rate(0.01)).expect("Adam")),
        false => Box::new(Momentum::new(MomentumConfig::default().learning_rate(0.05)).expect("momentum")),
    }
}

/// The job's configuration: 50 steps in batches of 64 (early stopping: up to 300 epochs), or
/// of batch gradient descent.
pub fn config(job: &Job) -> TrainConfig {
    if matches!(job.kind, Kind::Logistic | Kind::Gram) {
        return TrainConfig::new(STEPS).record_every(1);
    }
    let config = match job.watch {
        Watch::Nothing => TrainConfig::new(STEPS),
        Watch::Split | Watch::Set => TrainConfig::epochs(300),
    };
    let shuffle = match job.source {
        Source::InMemory => Shuffle::Full,
        Source::Npy(shuffle) => shuffle,
    };
    config.batch_size(64).seed(11).shuffle(shuffle).record_every(1)
}

/// Examples whose every read is counted: which rows this process asked for.
pub struct Counted<E> {
    pub inner: E,
    pub read: Vec<usize>,
}

impl<F: Float, E: Examples<F>> Examples<F> for Counted<E> {
    fn n_x(&self) -> usize {
        self.inner.n_x()
    }
    fn n_y(&self) -> usize {
        self.inner.n_y()
    }
    fn m(&self) -> usize {
        self.inner.m()
    }
    fn gather(
        &mut self,
        indices: &[usize],
        x: ndarray::ArrayViewMut2<F>,
        y: ndarray::ArrayViewMut2<F>,
    ) -> ndnet::Result<()> {
        self.read.extend_from_slice(indices);
        self.inner.gather(indices, x, y)
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
}

/// Trains `job` on this process alone (`distributed` is `None`) or as one rank of a group;
/// `.npy` files are written to (or read from) `dir`.
pub fn train(job: &Job, distributed: Option<Distributed<'_>>, dir: &Path) -> Outcome {
    match job.f64 {
        true => train_in::<f64>(job, distributed, dir),
        false => train_in::<f32>(job, distributed, dir),
    }
}

fn train_in<F: Float>(job: &Job, distributed: Option<Distributed<'_>>, dir: &Path) -> Outcome {
    let (x, y, x_valid, y_valid) = data::<F>(job.kind);
    let mut net = network::<F>(job.kind);
    let mut optimizer = optimizer::<F>(job.kind, job.adam);
    let mut options = FitOptions::new(config(job));
    options = match job.watch {
        Watch::Nothing => options,
        Watch::Split => options.validation(Validation::split(0.2).early_stopping(3)),
        Watch::Set => options.validation(Validation::new(&x_valid, &y_valid).early_stopping(3)),
    };
    if let Some(distributed) = distributed {
        options = options.distributed(distributed);
    }
    let (history, read) = match job.source {
        Source::InMemory => (net.fit((&x, &y), &mut *optimizer, options), Vec::new()),
        Source::Npy(_) => {
            let (x_path, y_path) = (
                dir.join(format!("{}.x.npy", job.name)),
                dir.join(format!("{}.y.npy", job.name)),
            );
            let mut examples = Counted {
                inner: NpyExamples::<F>::open(&x_path, &y_path).expect("the .npy files, written by the parent"),
                read: Vec::new(),
            };
            let history = net.fit(&mut examples, &mut *optimizer, options);
            (history, examples.read)
        }
    };
    let history: History = history.unwrap_or_else(|e| panic!("{}: training failed: {e}", job.name));
    Outcome {
        bits: net
            .layers()
            .iter()
            .flat_map(|l| {
                l.w()
                    .iter()
                    .chain(l.b())
                    .map(|v| v.as_f64().to_bits())
                    .collect::<Vec<_>>()
            })
            .collect(),
        epochs: history.epochs.len(),
        best_epoch: history.best_epoch,
        stopped_early: history.stopped_early,
        valid_costs: history.epochs.iter().filter_map(|e| e.valid_cost).collect(),
        read,
        path: format!("{:?}", history.plan.path),
    }
}

/// Writes the `.npy` files of the jobs that read them (once, by the parent, before any launch).
pub fn write_npy_files(dir: &Path) {
    for job in JOBS {
        if let Source::Npy(_) = job.source {
            let (x_path, y_path) = (
                dir.join(format!("{}.x.npy", job.name)),
                dir.join(format!("{}.y.npy", job.name)),
            );
            if job.f64 {
                let (x, y, _, _) = data::<f64>(job.kind);
                ndnet::data::save_npy_examples(&x, &y, &x_path, &y_path).expect("write the .npy files");
            } else {
                let (x, y, _, _) = data::<f32>(job.kind);
                ndnet::data::save_npy_examples(&x, &y, &x_path, &y_path).expect("write the .npy files");
            }
        }
    }
}
