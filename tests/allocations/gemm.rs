//! The matrix products of training allocate nothing: gemm on one thread and on two (once the
//! worker threads exist), and a whole training iteration after the first (whose buffers are
//! then reused), counted by a global allocator.

use std::cell::Cell;
use std::sync::atomic::Ordering;

use ndarray::Array2;
use ndnet::{Activation, GradientDescent, Initializer, Network, linalg::gemm};
use rand::SeedableRng;

use crate::{ALL_ALLOCATIONS, ALLOCATIONS};

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Run from the binary's only test (`main.rs`): the counts and the thread count are global.
pub fn products_and_training_iterations_allocate_nothing() {
    ndnet::set_num_threads(1);
    let w = Array2::from_shape_fn((20, 700), |(i, j)| ((i * 7 + j) % 13) as f64 - 6.0);
    let x = Array2::from_shape_fn((700, 209), |(i, j)| ((i + 3 * j) % 11) as f64 * 0.1);
    let dz = Array2::from_shape_fn((20, 209), |(i, j)| ((i + j) % 5) as f64 - 2.0);
    let mut z = Array2::zeros((20, 209));
    let mut dw = Array2::zeros((20, 700));
    let mut da = Array2::zeros((700, 209));
    let count = allocations_during(|| {
        gemm(1.0, w.view(), x.view(), 0.0, z.view_mut()).expect("shapes fit");
        gemm(1.0 / 209.0, dz.view(), x.t(), 0.0, dw.view_mut()).expect("shapes fit");
        gemm(1.0, w.t(), dz.view(), 0.0, da.view_mut()).expect("shapes fit");
    });
    assert_eq!(count, 0, "gemm allocated");

    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Network::<f32>::new(
        &[700, 20, 7, 5, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .expect("valid sizes");
    let x = x.mapv(|v| v as f32);
    let y = Array2::from_shape_fn((1, 209), |(_, j)| (j % 2) as f32);
    let mut gd = GradientDescent::new(0.01).expect("a valid rate");
    let mut step = || {
        net.forward(&x).expect("shapes fit");
        net.backward(&x, &y).expect("shapes fit");
        net.update(&mut gd).unwrap();
    };
    step(); // the first pass sizes the layers' buffers
    assert_eq!(allocations_during(step), 0, "a training iteration allocated");

    // Two threads: products big enough to be split (the cat network's first layer).
    ndnet::set_num_threads(2);
    let w = Array2::from_shape_fn((20, 12288), |(i, j)| ((i * 7 + j) % 13) as f64 - 6.0);
    let x = Array2::from_shape_fn((12288, 209), |(i, j)| ((i + 3 * j) % 11) as f64 * 0.1);
    let mut z = Array2::zeros((20, 209));
    let mut dw = Array2::zeros((20, 12288));
    let mut products = || {
        gemm(1.0, w.view(), x.view(), 0.0, z.view_mut()).expect("shapes fit");
        gemm(1.0 / 209.0, dz.view(), x.t(), 0.0, dw.view_mut()).expect("shapes fit");
    };
    products(); // starts the worker thread
    let before = ALL_ALLOCATIONS.load(Ordering::Relaxed);
    products();
    products();
    let count = ALL_ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(count, 0, "two-threaded gemm allocated (in any thread)");

    fit_allocates_nothing_per_iteration();
    ndnet::set_num_threads(0);
}

/// `fit` allocates per call (buffers, the history, the Gram matrix or the column-major copy of
/// X, worker threads) but not per iteration: 40 iterations allocate as often as 20, on every
/// path of full-batch gradient descent. (Run from the test above: the thread count is global.)
fn fit_allocates_nothing_per_iteration() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    // (n_x, m, depth): the Gram form (m ≤ n_x / 4), then the textbook loop, deep and logistic.
    for (n_x, m, sizes, gram) in [
        (2000, 100, vec![2000, 8, 4, 1], true),
        (2000, 100, vec![2000, 8, 4, 1], false),
        (2000, 100, vec![2000, 1], true),
        (700, 300, vec![700, 1], true),
        (700, 300, vec![700, 1], false),
    ] {
        let x = Array2::from_shape_fn((n_x, m), |(i, j)| ((i * 3 + j * 7) % 17) as f64 / 17.0 - 0.4);
        let y = Array2::from_shape_fn((1, m), |(_, j)| (j % 2) as f64);
        let net = Network::<f64>::new(&sizes, Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)
            .expect("valid sizes");
        let allocations = |iterations: usize| {
            let mut net = net.clone();
            let mut gd = GradientDescent::new(0.01).expect("a valid rate");
            let config = ndnet::TrainConfig::new(iterations).record_every(10).gram(gram);
            allocations_during(|| {
                net.fit((&x, &y), &mut gd, &config).expect("training runs");
            })
        };
        let (short, long) = (allocations(20), allocations(40));
        assert_eq!(
            short, long,
            "{sizes:?} with m = {m}, gram {gram}: 20 iterations allocated {short} times, 40 {long}"
        );
    }
}
