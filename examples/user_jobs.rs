//! The everyday jobs of the speed comparison with PyTorch and burn (`benches/compare/jobs.sh`):
//! mini-batch training of an MLP on MNIST, a wider one, a tiny tabular one, and predictions one
//! example at a time and in one batch. Each prints one `key=value` line; the comparison scripts
//! for PyTorch (`benches/compare/torch_jobs.py`) and burn (`benches/compare/burn_jobs`) run the
//! same jobs on the same data with the same settings.
//!
//! ```text
//! NDNET_DATA=../shared/data cargo run --release --features mnist --example user_jobs -- mnist
//! cargo run --release --features mnist --example user_jobs -- tiny
//! ```
//!
//! Jobs (f32, the worker threads of `ndnet::num_threads`):
//! - `mnist`: [784, 128, 10] ReLU/softmax, He, Adam α = 1e-3, batch 200, 10 epochs over the
//!   10,000 t10k digits (needs `NDNET_DATA`);
//!   X column-major as `load_mnist` returns it, or standard layout with `NDNET_X_LAYOUT=rows`;
//! - `wide`: [784, 512, 256, 10], batch 64, 3 epochs, same data;
//! - `tiny`: [30, 16, 1] ReLU/sigmoid, Adam α = 1e-3, batch 32, 200 epochs, 455 × 30 synthetic;
//! - `infer`: `predict_proba` of one example at a time (median of 2,000 calls, after 200 to warm
//!   up) for [784, 128, 10] and [30, 16, 1], and of 10,000 examples at once;
//! - `scaling`: seconds per epoch of the mnist network at m = 10k, 100k and 1M synthetic examples.

use std::process::ExitCode;
use std::time::Instant;

use ndarray::{Array2, ShapeBuilder, s};
use ndnet::data::{load_mnist, one_hot, require_file};
use ndnet::{Activation, Adam, AdamConfig, Initializer, Network, TrainConfig};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn main() -> ExitCode {
    let job = std::env::args().nth(1).unwrap_or_else(|| "mnist".into());
    let result = match job.as_str() {
        "mnist" => train_on_digits(&[784, 128, 10], 200, 10),
        "wide" => train_on_digits(&[784, 512, 256, 10], 64, 3),
        "tiny" => tiny(),
        "infer" => infer(),
        "scaling" => scaling(),
        other => Err(format!("unknown job {other:?}: mnist, wide, tiny, infer or scaling").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

fn adam() -> ndnet::Result<Adam<f32>> {
    Adam::new(AdamConfig::default().learning_rate(1e-3).epsilon(1e-8))
}

fn mlp(sizes: &[usize], output: Activation, rng: &mut StdRng) -> ndnet::Result<Network<f32>> {
    Network::new(sizes, Activation::Relu, output, Initializer::He, rng)
}

fn train_on_digits(sizes: &[usize], batch: usize, epochs: usize) -> Outcome {
    let images = require_file("mnist/t10k-images-idx3-ubyte.gz", "MNIST's t10k test images")?;
    let labels = require_file("mnist/t10k-labels-idx1-ubyte.gz", "MNIST's t10k test labels")?;
    let mut digits = load_mnist::<f32>(images, labels)?;
    let y = one_hot::<f32, _>(&digits.labels, 10)?;
    let layout = std::env::var("NDNET_X_LAYOUT").unwrap_or_else(|_| "columns".into());
    if layout != "columns" && layout != "rows" {
        return Err(format!("NDNET_X_LAYOUT is {layout:?}: columns (the default) or rows").into());
    }
    if layout == "rows" {
        // load_mnist gives one example per contiguous column (as PyTorch holds an (m, n_x)
        // tensor), so the mini-batch gather copies whole examples; a standard-layout X instead
        // puts each value of a batch in its own cache line.
        digits.x = digits.x.as_standard_layout().into_owned();
    }
    let mut net = mlp(sizes, Activation::Softmax, &mut StdRng::seed_from_u64(0))?;
    let config = TrainConfig::epochs(epochs).batch_size(batch).seed(1);
    let start = Instant::now();
    net.fit((&digits.x, &y), &mut adam()?, config)?;
    let seconds = start.elapsed().as_secs_f64();
    let accuracy = net.accuracy(&digits.x, &y)?;
    println!(
        "job={sizes:?} x_layout={layout} train_accuracy={accuracy:.4} train_seconds={seconds:.3} simd={}",
        ndnet::linalg::simd()
    );
    Ok(())
}

/// 455 × 30 standard normal features; the label says whether a fixed linear score is positive.
fn tabular(m: usize, rng: &mut StdRng) -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((30, m), |_| rng.random_range(-2.0f32..2.0));
    let y = x
        .slice(s![..5, ..])
        .sum_axis(ndarray::Axis(0))
        .mapv(|v| f32::from(v > 0.0))
        .insert_axis(ndarray::Axis(0));
    (x, y)
}

fn tiny() -> Outcome {
    let mut rng = StdRng::seed_from_u64(0);
    let (x, y) = tabular(455, &mut rng);
    let mut net = mlp(&[30, 16, 1], Activation::Sigmoid, &mut rng)?;
    let config = TrainConfig::epochs(200).batch_size(32).seed(1);
    let start = Instant::now();
    net.fit((&x, &y), &mut adam()?, config)?;
    let seconds = start.elapsed().as_secs_f64();
    let accuracy = net.accuracy(&x, &y)?;
    println!(
        "job=tiny train_accuracy={accuracy:.4} train_seconds={seconds:.3} simd={}",
        ndnet::linalg::simd()
    );
    Ok(())
}

/// The median time of one `predict_proba` call on a single column of `x`, in microseconds.
fn one_at_a_time(net: &Network<f32>, x: &Array2<f32>) -> ndnet::Result<f64> {
    let mut times = Vec::with_capacity(2000);
    for i in 0..2200 {
        let column = x.slice(s![.., i % x.ncols()..i % x.ncols() + 1]);
        let start = Instant::now();
        std::hint::black_box(net.predict_proba(&column)?);
        if i >= 200 {
            times.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

fn infer() -> Outcome {
    let mut rng = StdRng::seed_from_u64(0);
    let digits_net = mlp(&[784, 128, 10], Activation::Softmax, &mut rng)?;
    // Column-major as load_mnist returns digits: each example contiguous, as in PyTorch's
    // (m, n_x) tensor.
    let digits = Array2::from_shape_fn((784, 10_000).f(), |_| rng.random_range(0.0f32..1.0));
    let tiny_net = mlp(&[30, 16, 1], Activation::Sigmoid, &mut rng)?;
    let (table, _) = tabular(455, &mut rng);
    let one_digit = one_at_a_time(&digits_net, &digits)?;
    let one_row = one_at_a_time(&tiny_net, &table)?;
    let batched = (0..5)
        .map(|_| {
            let start = Instant::now();
            digits_net.predict_proba(&digits).map(|p| {
                std::hint::black_box(p);
                start.elapsed().as_secs_f64()
            })
        })
        .collect::<ndnet::Result<Vec<f64>>>()?
        .into_iter()
        .fold(f64::INFINITY, f64::min);
    println!(
        "job=infer one_784_128_10_us={one_digit:.2} one_30_16_1_us={one_row:.3} \
         batch_10000_784_128_10_ms={:.2} simd={}",
        batched * 1e3,
        ndnet::linalg::simd()
    );
    Ok(())
}

fn scaling() -> Outcome {
    let mut rng = StdRng::seed_from_u64(0);
    println!("m, seconds per epoch, seconds per epoch per 10k examples");
    for m in [10_000, 100_000, 1_000_000] {
        // Column-major, one example per contiguous column (see the README's Speed).
        let x = Array2::from_shape_fn((784, m).f(), |_| rng.random_range(0.0f32..1.0));
        let labels: Vec<usize> = (0..m).map(|_| rng.random_range(0..10)).collect();
        let y = one_hot::<f32, _>(&labels, 10)?;
        let mut net = mlp(&[784, 128, 10], Activation::Softmax, &mut rng)?;
        let config = TrainConfig::epochs(1).batch_size(200).seed(1);
        let start = Instant::now();
        net.fit((&x, &y), &mut adam()?, config)?;
        let seconds = start.elapsed().as_secs_f64();
        println!("{m}, {seconds:.3}, {:.4}", seconds * 10_000.0 / m as f64);
    }
    Ok(())
}
