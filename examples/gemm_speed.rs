//! Speed of the matrix products of training, and of one training iteration of the cat network.
//!
//! Run: `cargo run --release --example gemm_speed [products|iteration|logistic]`

use std::time::Instant;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};
use ndnet::linalg::gemm;
use ndnet::{Activation, Float, GradientDescent, Initializer, Network, TrainConfig};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

fn random<F: Float>(rows: usize, cols: usize, rng: &mut rand::rngs::StdRng) -> Array2<F> {
    Array2::from_shape_simple_fn((rows, cols), || {
        let v: f64 = StandardNormal.sample(rng);
        F::from_f64(v)
    })
}

/// Best wall time in seconds of `f` over repetitions lasting about `budget` seconds (the best
/// run is the one least disturbed by other processes).
fn best_of(budget: f64, mut f: impl FnMut()) -> f64 {
    f();
    let mut best = f64::INFINITY;
    let start = Instant::now();
    let mut runs = 0;
    while runs < 3 || start.elapsed().as_secs_f64() < budget {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed().as_secs_f64());
        runs += 1;
    }
    best
}

fn bench<F: Float>(name: &str, a: ArrayView2<F>, b: ArrayView2<F>) {
    let mut c = Array2::<F>::zeros((a.nrows(), b.ncols()));
    let flop = 2.0 * (a.nrows() * a.ncols() * b.ncols()) as f64;
    let g = |t: f64| flop / t / 1e9;
    let t = best_of(0.5, || general_mat_mul(F::one(), &a, &b, F::zero(), &mut c));
    let mut line = format!("{name:<28} {:<4} general_mat_mul {:6.2}", F::NAME, g(t));
    for threads in [1, 2] {
        ndnet::set_num_threads(threads);
        let t = best_of(1.0, || {
            gemm(F::one(), a, b, F::zero(), c.view_mut()).expect("shapes fit")
        });
        line += &format!(" | gemm {threads} thr. {:6.2}", g(t));
    }
    ndnet::set_num_threads(0);
    println!("{line}  GFLOPS");
}

fn products<F: Float>(rng: &mut rand::rngs::StdRng) {
    let w1 = random::<F>(20, 12288, rng);
    let x = random::<F>(12288, 209, rng);
    let dz = random::<F>(20, 209, rng);
    bench("W1·X 20x12288·12288x209", w1.view(), x.view());
    bench("dZ·Xᵀ 20x209·(12288x209)ᵀ", dz.view(), x.t());
    let x_columns = x.t().as_standard_layout().into_owned();
    bench("W1·X, X column-major", w1.view(), x_columns.t());
    bench("dZ·Xᵀ, X column-major", dz.view(), x_columns.view());
    let a = random::<F>(256, 784, rng);
    let b = random::<F>(784, 1024, rng);
    bench("256x784·784x1024", a.view(), b.view());
    let (a, b) = (random::<F>(128, 256, rng), random::<F>(256, 1024, rng));
    bench("128x256·256x1024", a.view(), b.view());
    let (a, b) = (random::<F>(10, 128, rng), random::<F>(128, 1024, rng));
    bench("10x128·128x1024", a.view(), b.view());
    let (a, b) = (random::<F>(64, 256, rng), random::<F>(256, 128, rng));
    bench("64x256·256x128 (threshold)", a.view(), b.view());
}

fn iteration<F: Float>(rng: &mut rand::rngs::StdRng) {
    let x = random::<F>(12288, 209, rng).mapv(|v| v.abs() * F::from_f64(0.3));
    let y = Array2::from_shape_fn((1, 209), |(_, j)| F::from_f64((j % 2) as f64));
    let mut net = Network::<F>::new(
        &[12288, 20, 7, 5, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::Xavier,
        rng,
    )
    .expect("valid sizes");
    let mut gd = GradientDescent::new(0.0075).expect("valid rate");
    let t = best_of(2.0, || {
        net.forward(&x).expect("shapes fit");
        net.backward(&x, &y).expect("shapes fit");
        net.update(&mut gd).expect("shapes fit");
    });
    let forward = best_of(1.0, || {
        net.forward(&x).expect("shapes fit");
    });
    let backward = best_of(1.0, || {
        net.backward(&x, &y).expect("shapes fit");
    });
    let update = best_of(1.0, || net.update(&mut gd).expect("shapes fit"));
    println!(
        "  forward {:.3} ms, backward {:.3} ms, update {:.3} ms",
        forward * 1e3,
        backward * 1e3,
        update * 1e3
    );
    let iterations = 100; // enough to spread the column-major copy of X that fit makes
    let config = TrainConfig::new(iterations).record_every(iterations);
    let fit = best_of(2.0, || {
        net.fit((&x, &y), &mut gd, &config).expect("training runs");
    }) / iterations as f64;
    println!(
        "[12288, 20, 7, 5, 1] iteration {:<4} forward+backward+update {:7.3} ms, in fit {:7.3} ms ({} threads)",
        F::NAME,
        t * 1e3,
        fit * 1e3,
        ndnet::num_threads()
    );
}

/// One iteration of the cat logistic regression (fused pass), in ms, and the rate X streams at.
fn logistic<F: Float>(rng: &mut rand::rngs::StdRng) {
    let x = random::<F>(12288, 209, rng).mapv(|v| v.abs() * F::from_f64(0.01));
    let y = Array2::from_shape_fn((1, 209), |(_, j)| F::from_f64((j % 2) as f64));
    let mut net = Network::<F>::logistic_regression(12288).expect("valid size");
    let mut gd = GradientDescent::new(0.005).expect("valid rate");
    let iterations = 200;
    let config = TrainConfig::new(iterations).record_every(iterations);
    let t = best_of(2.0, || {
        net.fit((&x, &y), &mut gd, &config).expect("training runs");
    }) / iterations as f64;
    let bytes = (x.len() * std::mem::size_of::<F>()) as f64;
    println!(
        "logistic regression 12288x209 iteration {:<4} {:7.3} ms, X read at {:5.1} GB/s ({} threads)",
        F::NAME,
        t * 1e3,
        bytes / t / 1e9,
        ndnet::num_threads()
    );
}

fn main() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    // `gemm_speed products`, `gemm_speed iteration` or `gemm_speed logistic` runs one part only.
    let only = std::env::args().nth(1).unwrap_or_default();
    if only == "logistic" {
        for threads in [1, 2] {
            ndnet::set_num_threads(threads);
            logistic::<f64>(&mut rng);
            logistic::<f32>(&mut rng);
        }
        return;
    }
    if only != "iteration" && only != "logistic" {
        products::<f64>(&mut rng);
        products::<f32>(&mut rng);
    }
    if only == "products" {
        return;
    }
    for threads in [1, 2] {
        ndnet::set_num_threads(threads);
        iteration::<f64>(&mut rng);
        iteration::<f32>(&mut rng);
    }
}
