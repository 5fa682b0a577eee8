//! Optimizers on whole networks: Adam against plain gradient descent, momentum with β = 0.

use ndarray::Array2;
use ndnet::{
    Adam, AdamConfig, GradientDescent, Momentum, MomentumConfig, Network, Optimizer, RmsProp, RmsPropConfig, data,
};
use rand::{RngExt, SeedableRng};

use crate::common;

/// A badly scaled problem: feature 1 in [−1, 1], feature 2 in [−0.01, 0.01], and the label
/// depends on both equally (y = 1 when x1 + 100·x2 > 0). Plain gradient descent must keep α small
/// enough for w1, so w2 (whose gradient is 100 times smaller) crawls; Adam scales each
/// parameter's step by its own gradient size.
fn badly_scaled(m: usize) -> (Array2<f64>, Array2<f64>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut x = Array2::zeros((2, m));
    let mut y = Array2::zeros((1, m));
    for j in 0..m {
        let (a, b): (f64, f64) = (rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0));
        x[[0, j]] = a;
        x[[1, j]] = 0.01 * b;
        y[[0, j]] = f64::from(u8::from(a + b > 0.0));
    }
    (x, y)
}

/// Iterations of `train_step` until the cost is below `target` (`cap` if never).
fn iterations_to_reach(
    x: &Array2<f64>,
    y: &Array2<f64>,
    mut opt: Box<dyn Optimizer<f64>>,
    target: f64,
    cap: usize,
) -> usize {
    let mut net = Network::<f64>::logistic_regression(2).expect("2 features");
    for i in 0..cap {
        let cost = net.train_step(x, y, opt.as_mut()).expect("the problem is well posed");
        if cost < target {
            return i;
        }
    }
    cap
}

#[test]
fn adam_reaches_the_target_cost_in_fewer_iterations_than_gradient_descent() {
    let (x, y) = badly_scaled(400);
    let (target, cap) = (0.3, 5_000);
    // Each method gets the best of a grid of learning rates. Measured (seed 7): gradient descent
    // never within 5000 for α ≤ 10, 1333 for α = 100, 1002 for α = 300, 1691 for α = 1000;
    // Adam 1689 for α = 0.1, 169 for α = 1; RMSprop 4988 for α = 0.03, 504 for α = 0.3.
    let best = |rates: &[f64], make: &dyn Fn(f64) -> Box<dyn Optimizer<f64>>| {
        rates
            .iter()
            .map(|&alpha| iterations_to_reach(&x, &y, make(alpha), target, cap))
            .min()
            .unwrap()
    };
    let gd = best(&[1.0, 10.0, 100.0, 300.0, 1000.0], &|a| {
        Box::new(GradientDescent::new(a).unwrap())
    });
    let adam = best(&[0.1, 1.0], &|a| {
        Box::new(Adam::new(AdamConfig::default().learning_rate(a)).unwrap())
    });
    let rmsprop = best(&[0.03, 0.3], &|a| {
        Box::new(RmsProp::new(RmsPropConfig::default().learning_rate(a)).unwrap())
    });
    assert!(adam * 4 < gd, "Adam needed {adam} iterations, gradient descent {gd}");
    assert!(
        rmsprop < gd,
        "RMSprop needed {rmsprop} iterations, gradient descent {gd}"
    );
}

#[test]
fn momentum_with_beta_zero_is_gradient_descent_exactly() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let (x, y) = data::planar_flower::<f64, _>(200, &mut rng).unwrap();
    let start = common::tanh_network(&[2, 5, 3, 1], &mut rng);
    let (mut a, mut b) = (start.clone(), start);
    let mut gd = GradientDescent::new(0.7).unwrap();
    let mut momentum = Momentum::new(MomentumConfig::default().learning_rate(0.7).beta(0.0)).unwrap();
    for _ in 0..50 {
        let cost_a = a.train_step(&x, &y, &mut gd).unwrap();
        let cost_b = b.train_step(&x, &y, &mut momentum).unwrap();
        assert_eq!(cost_a.to_bits(), cost_b.to_bits());
    }
    for (la, lb) in a.layers().iter().zip(b.layers()) {
        assert_eq!(la.w(), lb.w());
        assert_eq!(la.b(), lb.b());
    }
}

#[test]
fn every_optimizer_trains_a_hidden_layer_network_in_f32() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let (x, y) = data::planar_flower::<f32, _>(400, &mut rng).unwrap();
    let start = common::tanh_network(&[2, 4, 1], &mut rng);
    let optimizers: Vec<(&str, Box<dyn Optimizer<f32>>)> = vec![
        (
            "momentum",
            Box::new(Momentum::new(MomentumConfig::default().learning_rate(1.0)).unwrap()),
        ),
        (
            "rmsprop",
            Box::new(RmsProp::new(RmsPropConfig::default().learning_rate(0.01)).unwrap()),
        ),
        (
            "adam",
            Box::new(Adam::new(AdamConfig::default().learning_rate(0.01)).unwrap()),
        ),
    ];
    for (name, mut opt) in optimizers {
        let mut net = start.clone();
        let first = net.train_step(&x, &y, opt.as_mut()).unwrap();
        let mut last = first;
        for _ in 0..2000 {
            last = net.train_step(&x, &y, opt.as_mut()).unwrap();
        }
        assert!(last < 0.5 * first, "{name}: cost {first} → {last}");
        assert!(net.accuracy(&x, &y).unwrap() > 0.8, "{name}");
    }
}
