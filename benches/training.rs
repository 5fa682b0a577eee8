//! Training and inference speed of whole networks.
//!
//! - one full iteration (forward, backward, update) of the course's [12288, 20, 7, 5, 1]
//!   network on m = 209, f64 and f32;
//! - 100 iterations of `fit` on the cat shape, in the Gram form and with the textbook products;
//! - one iteration of a wider [784, 256, 128, 10] network on m = 1024;
//! - inference throughput of the wider network (examples per second), and the time to predict
//!   one example at a time with [784, 128, 10] and [30, 16, 1];
//! - the everyday jobs of `examples/user_jobs.rs` (`benches/compare/jobs.sh` runs them beside
//!   PyTorch): one epoch of Adam on mini-batches for the mnist and wide networks on 10,000
//!   synthetic digits (X column-major, and row-major for mnist), and the whole tiny job.
//!
//! `cargo bench --bench training`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use ndnet::{Activation, Adam, AdamConfig, Float, GradientDescent, Initializer, Network, TrainConfig};
use rand::SeedableRng;
use rand_distr::{Distribution, Uniform};

/// X with values in [0, 1) like scaled pixels, and 0/1 labels for `n_out` outputs.
fn data<F: Float>(n_x: usize, n_out: usize, m: usize) -> (Array2<F>, Array2<F>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let uniform = Uniform::new(0.0, 1.0).unwrap();
    let x = Array2::from_shape_simple_fn((n_x, m), || F::from_f64(uniform.sample(&mut rng)));
    let y = Array2::from_shape_fn((n_out, m), |(i, j)| F::from_f64(((i + j) % 2) as f64));
    (x, y)
}

fn network<F: Float>(sizes: &[usize]) -> Network<F> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    Network::new(
        sizes,
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::RandnOverSqrtFanIn,
        &mut rng,
    )
    .unwrap()
}

fn iteration<F: Float>(c: &mut Criterion, sizes: &[usize], m: usize) {
    let (x, y) = data::<F>(sizes[0], *sizes.last().unwrap(), m);
    let mut net = network::<F>(sizes);
    let mut gd = GradientDescent::new(0.0075).unwrap();
    let id = format!("{}_{sizes:?}_m{m}", F::NAME);
    c.bench_function(&format!("training_iteration/{id}"), |b| {
        b.iter(|| net.train_step(black_box(&x), &y, &mut gd).unwrap())
    });
}

/// 100 iterations of `fit` on the cat shape: batch gradient descent in the Gram form (the
/// default for m ≤ n_x / 4: XᵀX once per call, no product with X per step) or, with
/// `gram(false)`, the textbook products (on a column-major copy of X made once per call).
fn fit_100<F: Float>(c: &mut Criterion, gram: bool) {
    let sizes = [12288, 20, 7, 5, 1];
    let (x, y) = data::<F>(sizes[0], 1, 209);
    let mut net = network::<F>(&sizes);
    let mut gd = GradientDescent::new(0.0075).unwrap();
    let config = TrainConfig::new(100).gram(gram);
    let form = if gram { "gram" } else { "textbook" };
    let mut group = c.benchmark_group("fit_100_iterations");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new(form, format!("{}_{sizes:?}_m209", F::NAME)), |b| {
        b.iter(|| net.fit((black_box(&x), &y), &mut gd, &config).unwrap())
    });
    group.finish();
}

fn training(c: &mut Criterion) {
    iteration::<f64>(c, &[12288, 20, 7, 5, 1], 209);
    iteration::<f32>(c, &[12288, 20, 7, 5, 1], 209);
    for gram in [true, false] {
        fit_100::<f64>(c, gram);
        fit_100::<f32>(c, gram);
    }
    iteration::<f32>(c, &[784, 256, 128, 10], 1024);
}

fn inference(c: &mut Criterion) {
    let sizes = [784, 256, 128, 10];
    let m = 1024;
    let (x, _) = data::<f32>(784, 10, m);
    let net = network::<f32>(&sizes);
    let mut group = c.benchmark_group("inference");
    group.throughput(Throughput::Elements(m as u64));
    group.bench_function(BenchmarkId::new("predict_proba", format!("f32_{sizes:?}_m{m}")), |b| {
        b.iter(|| net.predict_proba(black_box(&x)).unwrap())
    });
    group.finish();
    // One example at a time, as a server answers requests: matrix-vector products.
    let mut group = c.benchmark_group("inference_one_example");
    for sizes in [[784, 128, 10], [30, 16, 1]] {
        let (x, _) = data::<f32>(sizes[0], sizes[2], 1);
        let net = network::<f32>(&sizes);
        group.bench_function(BenchmarkId::new("predict_proba", format!("f32_{sizes:?}_m1")), |b| {
            b.iter(|| net.predict_proba(black_box(&x)).unwrap())
        });
    }
    group.finish();
}

/// One epoch of the everyday mini-batch jobs (Adam α = 1e-3, f32, He), and the whole tiny job.
fn everyday_jobs(c: &mut Criterion) {
    let mut group = c.benchmark_group("everyday_jobs");
    group.sample_size(10);
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let uniform = Uniform::new(0.0f32, 1.0).unwrap();
    let m = 10_000;
    let rows = Array2::from_shape_simple_fn((784, m), || uniform.sample(&mut rng));
    let columns = rows.t().as_standard_layout().reversed_axes().to_owned();
    let y = Array2::from_shape_fn((10, m), |(i, j)| f32::from(u8::from(i == j % 10)));
    let jobs: [(&str, &[usize], usize, &Array2<f32>); 3] = [
        ("mnist_epoch_x_columns", &[784, 128, 10], 200, &columns),
        ("mnist_epoch_x_rows", &[784, 128, 10], 200, &rows),
        ("wide_epoch_x_columns", &[784, 512, 256, 10], 64, &columns),
    ];
    for (name, sizes, batch, x) in jobs {
        let start =
            Network::<f32>::new(sizes, Activation::Relu, Activation::Softmax, Initializer::He, &mut rng).unwrap();
        let config = TrainConfig::epochs(1).batch_size(batch).seed(1);
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut net = start.clone();
                let mut adam = Adam::new(AdamConfig::default().learning_rate(1e-3)).unwrap();
                net.fit((black_box(x), &y), &mut adam, &config).unwrap()
            })
        });
    }
    let (x, _) = data::<f32>(30, 1, 455);
    let y = x
        .row(0)
        .mapv(|v| f32::from(u8::from(v > 0.5)))
        .insert_axis(ndarray::Axis(0));
    let start = Network::<f32>::new(
        &[30, 16, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let config = TrainConfig::epochs(200).batch_size(32).seed(1);
    group.bench_function("tiny_200_epochs", |b| {
        b.iter(|| {
            let mut net = start.clone();
            let mut adam = Adam::new(AdamConfig::default().learning_rate(1e-3)).unwrap();
            net.fit((black_box(&x), &y), &mut adam, &config).unwrap()
        })
    });
    group.finish();
}

/// Prints the CPU and the kernels that run (`ndnet::linalg::simd`, capped by `NDNET_SIMD`)
/// before the figures, which only mean something beside them.
fn machine(_: &mut Criterion) {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!(
        "machine: {model}, {} threads, ndnet kernels {}",
        ndnet::num_threads(),
        ndnet::linalg::simd()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = machine, training, inference, everyday_jobs
}
criterion_main!(benches);
