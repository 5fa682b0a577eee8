//! Backpropagation against centred finite differences, for every activation, both costs and
//! several depths, in f64: the relative difference must stay below 1e-7.

use ndarray::Array2;
use ndnet::{Activation, Cost, CustomActivation, Initializer, Network, data, gradient_check};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

const EPSILON: f64 = 1e-6;
const TOLERANCE: f64 = 1e-7;

fn random_x(n_x: usize, m: usize, rng: &mut StdRng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n_x, m), || StandardNormal.sample(rng))
}

/// Trains nothing: builds a network, checks its gradients on random inputs and 0/1 labels.
fn check(layers: &[(usize, Activation)], cost: Cost, seed: u64) -> f64 {
    let mut rng = StdRng::seed_from_u64(seed);
    let (n_x, m) = (4, 7);
    let x = random_x(n_x, m, &mut rng);
    let n_out = layers.last().unwrap().0;
    let y = match cost {
        Cost::MeanSquaredError => random_x(n_out, m, &mut rng),
        _ => random_x(n_out, m, &mut rng).mapv(|v| if v > 0.0 { 1.0 } else { 0.0 }),
    };
    let mut net = Network::from_layers(n_x, layers, Initializer::Xavier, &mut rng)
        .unwrap()
        .with_cost(cost)
        .unwrap();
    // Random biases too, so ReLU kinks are not sitting at z = 0.
    for l in 1..=net.depth() {
        let (_, mut b) = net.layer_mut(l).unwrap().parameters_mut();
        b.mapv_inplace(|_| {
            let v: f64 = StandardNormal.sample(&mut rng);
            0.1 * v
        });
    }
    let result = gradient_check(&mut net, &x, &y, EPSILON).unwrap();
    assert_eq!(result.analytic.len(), net.parameter_count());
    result.difference
}

#[test]
fn every_hidden_activation_with_a_sigmoid_output_and_cross_entropy() {
    for hidden in [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::leaky_relu(),
        Activation::Linear,
    ] {
        let d = check(
            &[(5, hidden), (3, hidden), (1, Activation::Sigmoid)],
            Cost::BinaryCrossEntropy,
            1,
        );
        assert!(d < TOLERANCE, "{hidden}: {d:e}");
    }
}

#[test]
fn every_output_activation_with_mean_squared_error() {
    for output in [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::leaky_relu(),
        Activation::Linear,
    ] {
        let d = check(&[(5, Activation::Tanh), (2, output)], Cost::MeanSquaredError, 2);
        assert!(d < TOLERANCE, "{output}: {d:e}");
    }
}

#[test]
fn cross_entropy_without_the_sigmoid_shortcut() {
    // A tanh output rescaled is not a probability; use a custom sigmoid so the network cannot
    // take the dZ = A − Y shortcut and must go through dA = −(y/a − (1−y)/(1−a)).
    let slow_sigmoid = Activation::Custom(CustomActivation {
        name: "my_sigmoid",
        g: |z| 1.0 / (1.0 + (-z).exp()),
        derivative: |z| {
            let s = 1.0 / (1.0 + (-z).exp());
            s * (1.0 - s)
        },
    });
    let d = check(&[(4, Activation::Relu), (1, slow_sigmoid)], Cost::BinaryCrossEntropy, 3);
    assert!(d < TOLERANCE, "{d:e}");
}

#[test]
fn several_depths() {
    for depth in 1..=5 {
        let mut layers = vec![(3, Activation::Tanh); depth - 1];
        layers.push((1, Activation::Sigmoid));
        let d = check(&layers, Cost::BinaryCrossEntropy, 10 + depth as u64);
        assert!(d < TOLERANCE, "depth {depth}: {d:e}");
    }
}

#[test]
fn several_output_units() {
    let d = check(
        &[(6, Activation::Relu), (3, Activation::Sigmoid)],
        Cost::BinaryCrossEntropy,
        4,
    );
    assert!(d < TOLERANCE, "{d:e}");
}

#[test]
fn the_check_catches_a_wrong_gradient() {
    // A custom activation whose declared derivative is wrong by a factor of 2 must fail the check.
    let wrong = Activation::Custom(CustomActivation {
        name: "wrong_tanh",
        g: f64::tanh,
        derivative: |z| 2.0 * (1.0 - z.tanh().powi(2)),
    });
    let d = check(&[(4, wrong), (1, Activation::Sigmoid)], Cost::BinaryCrossEntropy, 5);
    assert!(d > 1e-3, "{d:e}");
}

#[test]
fn the_planar_network_of_the_course() {
    let mut rng = StdRng::seed_from_u64(6);
    let (x, y) = data::planar_flower::<f64, _>(40, &mut rng).unwrap();
    let mut net = Network::new(
        &[2, 4, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::randn_scaled(),
        &mut rng,
    )
    .unwrap();
    let d = gradient_check(&mut net, &x, &y, EPSILON).unwrap().difference;
    assert!(d < TOLERANCE, "{d:e}");
}

#[test]
fn with_l2_regularization() {
    let mut rng = StdRng::seed_from_u64(8);
    let (x, y) = data::planar_flower::<f64, _>(30, &mut rng).unwrap();
    for cost in [Cost::BinaryCrossEntropy, Cost::MeanSquaredError] {
        let mut net = Network::new(
            &[2, 5, 3, 1],
            Activation::Tanh,
            Activation::Sigmoid,
            Initializer::He,
            &mut rng,
        )
        .unwrap()
        .with_cost(cost)
        .unwrap()
        .with_l2(0.7)
        .unwrap();
        let d = gradient_check(&mut net, &x, &y, EPSILON).unwrap().difference;
        assert!(d < TOLERANCE, "{cost:?}: {d:e}");
    }
}

/// Softmax outputs: with categorical cross-entropy (the dZ = A − Y shortcut) and with mean
/// squared error (through the softmax Jacobian).
#[test]
fn softmax_with_categorical_cross_entropy_and_with_mse() {
    let mut rng = StdRng::seed_from_u64(9);
    let (n_x, m, classes) = (4, 9, 3);
    let x = random_x(n_x, m, &mut rng);
    let labels: Vec<usize> = (0..m).map(|i| i % classes).collect();
    let y: Array2<f64> = data::one_hot(&labels, classes).unwrap();
    for cost in [Cost::CategoricalCrossEntropy, Cost::MeanSquaredError] {
        let layers = [(5, Activation::Tanh), (classes, Activation::Softmax)];
        let mut net = Network::from_layers(n_x, &layers, Initializer::Xavier, &mut rng)
            .unwrap()
            .with_cost(cost)
            .unwrap();
        let d = gradient_check(&mut net, &x, &y, EPSILON).unwrap().difference;
        assert!(d < TOLERANCE, "{cost:?}: {d:e}");
        let mut regularized = net.with_l2(0.3).unwrap();
        let d = gradient_check(&mut regularized, &x, &y, EPSILON).unwrap().difference;
        assert!(d < TOLERANCE, "{cost:?} with L2: {d:e}");
    }
}
