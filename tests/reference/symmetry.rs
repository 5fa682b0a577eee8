//! Zero initialisation cannot break symmetry; random initialisation does.

use ndarray::{Array2, Axis};
use ndnet::{Activation, GradientDescent, Initializer, Network, TrainConfig, data};
use rand::SeedableRng;

/// Whether every row of `w` (one hidden unit's incoming weights) equals the first row.
fn all_units_identical(w: ndarray::ArrayView2<f64>) -> bool {
    let first = w.row(0);
    w.axis_iter(Axis(0)).all(|row| row == first)
}

fn train(init: Initializer) -> Network<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let (x, y) = data::planar_flower::<f64, _>(200, &mut rng).unwrap();
    let mut net = Network::new(&[2, 4, 3, 1], Activation::Tanh, Activation::Sigmoid, init, &mut rng).unwrap();
    net.fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), TrainConfig::new(300))
        .unwrap();
    net
}

#[test]
fn zero_init_keeps_every_hidden_unit_identical() {
    let net = train(Initializer::Zeros);
    for l in 1..net.depth() {
        let layer = net.layer(l).unwrap();
        assert!(all_units_identical(layer.w()), "layer {l}: {:?}", layer.w());
        let b = layer.b();
        assert!(b.iter().all(|&v| v == b[[0, 0]]));
    }
    // With tanh and zero weights everything stays exactly zero except the output bias.
    let (x, _) = data::planar_flower::<f64, _>(10, &mut rand::rngs::StdRng::seed_from_u64(1)).unwrap();
    let a1: Array2<f64> = net.layer(1).unwrap().predict(x.view()).unwrap();
    assert!(a1.axis_iter(Axis(0)).all(|row| row == a1.row(0)));
}

#[test]
fn random_init_breaks_symmetry() {
    let net = train(Initializer::randn_scaled());
    for l in 1..net.depth() {
        assert!(!all_units_identical(net.layer(l).unwrap().w()), "layer {l}");
    }
}

#[test]
fn zero_init_with_relu_stays_symmetric_too() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let (x, y) = data::circles::<f64, _>(100, 0.05, 0.5, &mut rng).unwrap();
    let mut net = Network::new(
        &[2, 5, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::Zeros,
        &mut rng,
    )
    .unwrap();
    net.fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), TrainConfig::new(100))
        .unwrap();
    assert!(all_units_identical(net.layer(1).unwrap().w()));
    // It learns nothing: accuracy of the constant prediction.
    assert_eq!(net.accuracy(&x, &y).unwrap(), 0.5);
}
