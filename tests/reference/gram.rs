//! Batch gradient descent in the Gram form (`TrainConfig::gram`, on by default for m ≤ n_x / 4)
//! gives the iterates of the textbook step (forward, backward, update) up to rounding, for
//! deep networks as for logistic regression (see also `looped_vs_vectorized.rs`).

use ndarray::{Array2, ArrayView2};
use ndnet::{Activation, Cost, Error, GradientDescent, Initializer, Network, TrainConfig};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

fn data(n_x: usize, m: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let x = Array2::from_shape_simple_fn((n_x, m), || {
        let v: f64 = StandardNormal.sample(&mut rng);
        v * 0.3
    });
    let y = Array2::from_shape_fn((1, m), |(_, j)| (x[[0, j]] + x[[1, j]] * x[[2, j]] > 0.0) as u8 as f64);
    (x, y)
}

fn network(n_x: usize, hidden: Activation) -> Network<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    Network::new(&[n_x, 8, 4, 1], hidden, Activation::Sigmoid, Initializer::He, &mut rng).unwrap()
}

fn max_diff(a: ArrayView2<f64>, b: ArrayView2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    (&a - &b).mapv(f64::abs).fold(0.0, |acc, &v| acc.max(v))
}

/// `fit` (Gram form) against `train_step` by hand: every cost, parameter and cache.
fn gram_fit_equals_step_by_step(hidden: Activation) {
    let (n_x, m, steps) = (1000, 120, 300);
    let (x, y) = data(n_x, m, 11);
    let mut gram = network(n_x, hidden);
    let history = gram
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.1).unwrap(),
            TrainConfig::new(steps).record_every(1),
        )
        .unwrap();
    let mut stepped = network(n_x, hidden);
    let mut gd = GradientDescent::new(0.1).unwrap();
    let costs: Vec<f64> = (0..steps)
        .map(|_| stepped.train_step(&x, &y, &mut gd).unwrap())
        .collect();
    assert!(
        costs[steps - 1] < 0.5 * costs[0],
        "it learns: {} → {}",
        costs[0],
        costs[steps - 1]
    );
    for (record, cost) in history.records.iter().zip(&costs) {
        assert!(
            (record.cost - cost).abs() < 1e-10,
            "step {}: {} vs {cost}",
            record.iteration,
            record.cost
        );
    }
    for l in 1..=3 {
        let (g, s) = (gram.layer(l).unwrap(), stepped.layer(l).unwrap());
        for (name, a, b) in [
            ("W", g.w(), s.w()),
            ("b", g.b(), s.b()),
            ("Z", g.z(), s.z()),
            ("A", g.a(), s.a()),
            ("dZ", g.dz(), s.dz()),
            ("dW", g.dw(), s.dw()),
            ("db", g.db(), s.db()),
        ] {
            let diff = max_diff(a, b);
            assert!(diff < 1e-9, "{hidden:?}: {name}[{l}] differs by {diff:e}");
        }
    }
}

#[test]
fn gram_fit_of_a_relu_network_equals_step_by_step_training() {
    gram_fit_equals_step_by_step(Activation::Relu);
}

#[test]
fn gram_fit_of_a_tanh_network_equals_step_by_step_training() {
    gram_fit_equals_step_by_step(Activation::Tanh);
}

/// With `gram(false)` the textbook products run; both ways end at the same parameters.
#[test]
fn gram_off_gives_the_same_network() {
    let (x, y) = data(800, 100, 5);
    let config = TrainConfig::new(200);
    let mut on = network(800, Activation::Relu);
    on.fit((&x, &y), &mut GradientDescent::new(0.05).unwrap(), &config)
        .unwrap();
    let mut off = network(800, Activation::Relu);
    off.fit((&x, &y), &mut GradientDescent::new(0.05).unwrap(), config.gram(false))
        .unwrap();
    for l in 1..=3 {
        let diff = max_diff(on.layer(l).unwrap().w(), off.layer(l).unwrap().w());
        assert!(diff < 1e-10, "W[{l}] differs by {diff:e}");
    }
}

/// The Gram form applies to any cost and output: a linear output with squared error.
#[test]
fn gram_fit_with_a_linear_output_and_squared_error() {
    let (x, _) = data(600, 50, 9);
    let y = x.row(0).to_owned().insert_axis(ndarray::Axis(0)) * 2.0 - x.row(1).to_owned().insert_axis(ndarray::Axis(0));
    let make = || {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        Network::<f64>::new(
            &[600, 6, 1],
            Activation::Tanh,
            Activation::Linear,
            Initializer::Xavier,
            &mut rng,
        )
        .unwrap()
        .with_cost(Cost::MeanSquaredError)
        .unwrap()
    };
    let mut gram = make();
    let history = gram
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.05).unwrap(),
            TrainConfig::new(100),
        )
        .unwrap();
    let mut stepped = make();
    let mut gd = GradientDescent::new(0.05).unwrap();
    let mut last = 0.0;
    for _ in 0..100 {
        last = stepped.train_step(&x, &y, &mut gd).unwrap();
    }
    assert!((history.last_cost().unwrap() - last).abs() < 1e-10);
    let diff = max_diff(gram.layer(1).unwrap().w(), stepped.layer(1).unwrap().w());
    assert!(diff < 1e-10, "W[1] differs by {diff:e}");
}

/// A learning rate that overflows stops the Gram form with `Diverged` naming the iteration and
/// the first non-finite matrix, with finite parameters left in the network.
#[test]
fn gram_fit_reports_divergence() {
    let (x, y) = data(1000, 100, 2);
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut net = Network::<f64>::new(
        &[1000, 8, 4, 1],
        Activation::Relu,
        Activation::Linear,
        Initializer::He,
        &mut rng,
    )
    .unwrap()
    .with_cost(Cost::MeanSquaredError)
    .unwrap();
    let err = net
        .fit(
            (&x, &y),
            &mut GradientDescent::new(1e100).unwrap(),
            TrainConfig::new(100),
        )
        .unwrap_err();
    match err {
        Error::Diverged {
            iteration,
            what,
            last_finite_cost,
        } => {
            assert!((1..100).contains(&iteration), "iteration {iteration}");
            assert!(last_finite_cost.is_some_and(f64::is_finite));
            assert!(what.contains('['), "names a matrix: {what}");
        }
        other => panic!("expected Diverged, got {other}"),
    }
    for l in 1..=3 {
        let layer = net.layer(l).unwrap();
        assert!(layer.w().iter().chain(layer.b()).all(|v| v.is_finite()), "layer {l}");
    }
}
