//! Networks learn what the course says they learn.

use ndnet::{Activation, FitOptions, GradientDescent, Initializer, Network, TrainConfig, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common;

/// XOR needs a hidden layer; written once, run in f64 and f32.
fn xor_reaches_100_percent<F: ndnet::Float>() {
    let (x, y, mut net) = common::xor_setup::<F>(3);
    let history = net
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.5).unwrap(),
            TrainConfig::new(3000),
        )
        .unwrap();
    assert_eq!(net.accuracy(&x, &y).unwrap(), 1.0);
    assert!(history.last_cost().unwrap() < 0.05, "{:?}", history.last_cost());
}

#[test]
fn xor_reaches_100_percent_f64() {
    xor_reaches_100_percent::<f64>();
}

#[test]
fn xor_reaches_100_percent_f32() {
    xor_reaches_100_percent::<f32>();
}

/// The course's planar data: logistic regression ≈ 47 %, a 4-unit tanh layer ≈ 90 %.
#[test]
fn planar_flower_logistic_vs_two_layer() {
    let mut rng = StdRng::seed_from_u64(1);
    let (x, y) = data::planar_flower::<f64, _>(400, &mut rng).unwrap();
    let mut logistic = Network::logistic_regression(2).unwrap();
    logistic
        .fit(
            (&x, &y),
            &mut GradientDescent::new(1.2).unwrap(),
            TrainConfig::new(2000),
        )
        .unwrap();
    let shallow = logistic.accuracy(&x, &y).unwrap();
    let mut net = Network::new(
        &[2, 4, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::randn_scaled(),
        &mut rng,
    )
    .unwrap();
    net.fit(
        (&x, &y),
        &mut GradientDescent::new(1.2).unwrap(),
        TrainConfig::new(10000),
    )
    .unwrap();
    let deep = net.accuracy(&x, &y).unwrap();
    assert!(shallow < 0.6, "logistic regression {shallow}");
    assert!(deep > 0.85, "two-layer network {deep}");
}

/// A linear output and mean squared error fit a regression target.
#[test]
fn regression_with_a_linear_output() {
    let mut rng = StdRng::seed_from_u64(5);
    let x = ndarray::Array2::from_shape_fn((1, 50), |(_, i)| i as f64 / 25.0 - 1.0);
    let y = x.mapv(|v| v * v);
    let mut net = Network::from_layers(
        1,
        &[(16, Activation::Tanh), (1, Activation::Linear)],
        Initializer::Xavier,
        &mut rng,
    )
    .unwrap()
    .with_cost(ndnet::Cost::MeanSquaredError)
    .unwrap();
    let history = net
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.1).unwrap(),
            TrainConfig::new(5000),
        )
        .unwrap();
    assert!(history.last_cost().unwrap() < 2e-3, "{:?}", history.last_cost());
}

#[test]
fn the_same_seed_gives_the_same_network_bit_for_bit() {
    let build = |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        let (x, y) = data::planar_flower::<f64, _>(100, &mut rng).unwrap();
        let mut net = common::relu_network(&[2, 5, 3, 1], &mut rng);
        net.fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), TrainConfig::new(50))
            .unwrap();
        common::parameter_bits(&net)
    };
    assert_eq!(build(9), build(9));
    assert_ne!(build(9), build(10));
}

#[test]
fn history_records_every_k_iterations_and_the_last() {
    let (x, y) = data::xor::<f64>();
    let mut net = Network::logistic_regression(2).unwrap();
    let mut seen = Vec::new();
    let history = net
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.1).unwrap(),
            FitOptions::new(TrainConfig::new(250)).callback(|r| seen.push(r.iteration)),
        )
        .unwrap();
    assert_eq!(seen, vec![0, 100, 200, 249]);
    assert_eq!(history.costs().iter().map(|c| c.0).collect::<Vec<_>>(), seen);
    // Zero weights: the first cost is ln 2.
    assert!((history.first_cost().unwrap() - std::f64::consts::LN_2).abs() < 1e-15);
}

/// L2 regularization shrinks the weights (the course: "weight decay").
#[test]
fn l2_shrinks_the_weights() {
    let mut rng = StdRng::seed_from_u64(2);
    let (x, y) = data::planar_flower::<f64, _>(200, &mut rng).unwrap();
    let net = common::relu_network(&[2, 20, 1], &mut rng);
    let norm = |lambda: f64| {
        let mut net = net.clone().with_l2(lambda).unwrap();
        net.fit(
            (&x, &y),
            &mut GradientDescent::new(0.3).unwrap(),
            TrainConfig::new(2000),
        )
        .unwrap();
        net.layers()
            .iter()
            .map(|l| l.w().iter().map(|w| w * w).sum::<f64>())
            .sum::<f64>()
    };
    let (plain, regularized) = (norm(0.0), norm(2.0));
    assert!(regularized < 0.5 * plain, "{regularized} vs {plain}");
    assert!(net.clone().with_l2(-1.0).is_err());
}

/// Diagnostics report the zero-init symmetry and dead ReLU layers.
#[test]
fn diagnostics_tell_why_a_network_does_not_learn() {
    let mut rng = StdRng::seed_from_u64(0);
    let (x, y) = data::planar_flower::<f64, _>(100, &mut rng).unwrap();
    let mut zeros = Network::new(
        &[2, 4, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::Zeros,
        &mut rng,
    )
    .unwrap();
    let config = TrainConfig::new(100).record_every(50).diagnostics(true);
    let history = zeros
        .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), &config)
        .unwrap();
    assert_eq!(history.diagnostics.len(), history.records.len());
    let last = history.diagnostics.last().unwrap();
    assert_eq!(last.layers[0].identical_units, 4);
    assert!(last.to_string().contains("symmetry not broken"), "{last}");

    // A ReLU layer pushed far negative by its biases is dead: Z ≤ 0 everywhere.
    let mut dead = common::relu_network(&[2, 6, 1], &mut rng);
    let (_, mut b) = dead.layer_mut(1).unwrap().parameters_mut();
    b.fill(-100.0);
    let history = dead
        .fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), &config)
        .unwrap();
    let first = &history.diagnostics[0].layers[0];
    assert_eq!(first.dead_fraction, Some(1.0));
    assert_eq!(first.dw_norm, 0.0);
    assert!(history.diagnostics[0].to_string().contains("dead"));
}
