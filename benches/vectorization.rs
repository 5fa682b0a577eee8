//! The course's vectorization lesson, measured: one gradient-descent step of logistic regression
//! written with for-loops over examples and features (`ndnet::looped`) against the vectorized
//! step, and a looped against a vectorized dot product.
//!
//! `cargo bench --bench vectorization` (all sizes) or `-- --quick small` (a fast pass).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ndarray::{Array1, Array2};
use ndnet::{GradientDescent, Network, TrainConfig, looped};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

fn random(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((rows, cols), || {
        let v: f64 = StandardNormal.sample(&mut rng);
        v
    })
}

fn labels(m: usize) -> Array2<f64> {
    Array2::from_shape_fn((1, m), |(_, i)| (i % 3 == 0) as u8 as f64)
}

fn logistic_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("logistic_regression_step");
    group.sample_size(20);
    for (name, n_x, m) in [("small", 100, 50), ("cat", 12288, 209)] {
        let (x, y) = (random(n_x, m, 1), labels(m));
        let id = format!("{name}_{n_x}x{m}");
        group.bench_function(BenchmarkId::new("looped", &id), |b| {
            let w = Array2::zeros((n_x, 1));
            b.iter(|| looped::optimize(w.clone(), 0.0, black_box(&x), &y, 1, 0.005).unwrap())
        });
        group.bench_function(BenchmarkId::new("vectorized_two_pass", &id), |b| {
            let mut net = Network::logistic_regression(n_x).unwrap();
            let mut gd = GradientDescent::new(0.005).unwrap();
            b.iter(|| net.train_step(black_box(&x), &y, &mut gd).unwrap())
        });
        group.bench_function(BenchmarkId::new("vectorized_fused_x10", &id), |b| {
            let mut net = Network::logistic_regression(n_x).unwrap();
            let mut gd = GradientDescent::new(0.005).unwrap();
            let config = TrainConfig::new(10).gram(false);
            b.iter(|| net.fit((black_box(&x), &y), &mut gd, &config).unwrap())
        });
        if 4 * m <= n_x {
            // Few examples next to the features: the Gram form (XᵀX once per fit, then no pass
            // over X per step), 100 steps per call so that XᵀX is spread as in real training.
            group.bench_function(BenchmarkId::new("gram_x100", &id), |b| {
                let mut net = Network::logistic_regression(n_x).unwrap();
                let mut gd = GradientDescent::new(0.005).unwrap();
                let config = TrainConfig::new(100);
                b.iter(|| net.fit((black_box(&x), &y), &mut gd, &config).unwrap())
            });
        }
    }
    group.finish();
}

fn dot_product(c: &mut Criterion) {
    let mut group = c.benchmark_group("dot");
    let n = 1_000_000;
    let a: Array1<f64> = random(1, n, 2).into_shape_with_order(n).unwrap();
    let b: Array1<f64> = random(1, n, 3).into_shape_with_order(n).unwrap();
    let (a_slice, b_slice) = (a.as_slice().unwrap(), b.as_slice().unwrap());
    group.bench_function(BenchmarkId::new("looped", n), |bench| {
        bench.iter(|| looped::dot(black_box(a_slice), black_box(b_slice)).unwrap())
    });
    group.bench_function(BenchmarkId::new("vectorized", n), |bench| {
        bench.iter(|| black_box(&a).dot(black_box(&b)))
    });
    group.finish();
}

criterion_group!(benches, logistic_step, dot_product);
criterion_main!(benches);
