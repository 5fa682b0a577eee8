//! Inverted dropout: active in training only.

use ndarray::{Array2, Axis};
use ndnet::{GradientDescent, Network, TrainConfig, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common;

fn net(keep: f64, seed: u64) -> Network<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    common::tanh_network(&[2, 200, 1], &mut rng)
        .with_dropout(&[keep, 1.0], &mut rng)
        .unwrap()
}

#[test]
fn training_drops_about_one_minus_keep_prob_of_the_units_and_rescales_the_rest() {
    let (x, y) = data::planar_flower::<f64, _>(100, &mut StdRng::seed_from_u64(1)).unwrap();
    let mut net = net(0.8, 2);
    let plain = net.layer(1).unwrap().predict(x.view()).unwrap();
    net.train_step(&x, &y, &mut GradientDescent::new(1e-12).unwrap())
        .unwrap();
    let masked = net.layer(1).unwrap().a().to_owned();
    let dropped = masked.iter().filter(|&&v| v == 0.0).count() as f64 / masked.len() as f64;
    assert!((dropped - 0.2).abs() < 0.01, "dropped {dropped}");
    // Kept units are A / keep_prob (the parameters moved by at most 1e-12 · gradient).
    for (m, p) in masked.iter().zip(&plain) {
        assert!(*m == 0.0 || (m - p / 0.8).abs() < 1e-9, "{m} vs {}", p / 0.8);
    }
}

#[test]
fn a_unit_dropped_for_every_example_gets_no_gradient() {
    // One example: each hidden unit is either kept or dropped for the whole batch.
    let x = Array2::from_shape_vec((2, 1), vec![0.3, -0.7]).unwrap();
    let y = Array2::from_elem((1, 1), 1.0);
    let mut net = net(0.5, 3);
    net.train_step(&x, &y, &mut GradientDescent::new(1e-12).unwrap())
        .unwrap();
    let layer = net.layer(1).unwrap();
    let mut dropped = 0;
    for (a, dw) in layer.a().axis_iter(Axis(0)).zip(layer.dw().axis_iter(Axis(0))) {
        if a[0] == 0.0 {
            dropped += 1;
            assert!(dw.iter().all(|&g| g == 0.0));
        } else {
            assert!(dw.iter().any(|&g| g != 0.0));
        }
    }
    assert!((60..140).contains(&dropped), "{dropped} of 200 dropped");
}

#[test]
fn predictions_are_deterministic_and_keep_every_unit() {
    let (x, y) = data::planar_flower::<f64, _>(100, &mut StdRng::seed_from_u64(1)).unwrap();
    let mut with_dropout = net(0.5, 4);
    with_dropout
        .fit((&x, &y), &mut GradientDescent::new(0.3).unwrap(), TrainConfig::new(200))
        .unwrap();
    let first = with_dropout.predict_proba(&x).unwrap();
    assert_eq!(first, with_dropout.predict_proba(&x).unwrap());
    // The plain forward pass (what a learner calls) does not drop units either.
    let forward = with_dropout.forward(&x).unwrap().to_owned();
    assert_eq!(forward, first);
    assert!(with_dropout.layer(1).unwrap().a().iter().filter(|&&v| v == 0.0).count() < 5);
}

#[test]
fn same_seed_same_masks() {
    let (x, y) = data::planar_flower::<f64, _>(100, &mut StdRng::seed_from_u64(1)).unwrap();
    let train = || {
        let mut n = net(0.7, 5);
        n.fit((&x, &y), &mut GradientDescent::new(0.3).unwrap(), TrainConfig::new(20))
            .unwrap();
        n.layer(1).unwrap().w().to_owned()
    };
    assert_eq!(train(), train());
}
