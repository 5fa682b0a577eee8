//! Mini-batch gradient descent.

use ndnet::{GradientDescent, Network, TrainConfig, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common;
use crate::common::parameter_bits as bits;

fn setup() -> (ndarray::Array2<f64>, ndarray::Array2<f64>, Network<f64>) {
    let mut rng = StdRng::seed_from_u64(4);
    let (x, y) = data::planar_flower::<f64, _>(200, &mut rng).unwrap();
    let net = common::tanh_network(&[2, 6, 1], &mut rng);
    (x, y, net)
}

#[test]
fn a_batch_of_size_m_is_batch_gradient_descent_exactly() {
    let (x, y, net) = setup();
    let (mut batch, mut mini) = (net.clone(), net);
    batch
        .fit(&x, &y, &mut GradientDescent::new(0.5).unwrap(), &TrainConfig::new(40))
        .unwrap();
    mini.fit(
        &x,
        &y,
        &mut GradientDescent::new(0.5).unwrap(),
        &TrainConfig::epochs(40).batch_size(200),
    )
    .unwrap();
    assert_eq!(bits(&batch), bits(&mini));
    let mut larger = setup().2;
    larger
        .fit(
            &x,
            &y,
            &mut GradientDescent::new(0.5).unwrap(),
            &TrainConfig::epochs(40).batch_size(10_000),
        )
        .unwrap();
    assert_eq!(bits(&batch), bits(&larger));
}

#[test]
fn mini_batches_learn_and_are_reproducible() {
    let (x, y, net) = setup();
    let train = |seed| {
        let mut net = net.clone();
        // 200 examples in batches of 32: 6 full batches and one of 8 per epoch.
        let config = TrainConfig::epochs(300).batch_size(32).seed(seed).record_every(7);
        let history = net
            .fit(&x, &y, &mut GradientDescent::new(0.3).unwrap(), &config)
            .unwrap();
        assert_eq!(history.records.last().unwrap().iteration, 300 * 7 - 1);
        (bits(&net), net.accuracy(&x, &y).unwrap())
    };
    let (a, accuracy) = train(1);
    assert!(accuracy > 0.85, "{accuracy}");
    assert_eq!(a, train(1).0);
    assert_ne!(a, train(2).0);
}

#[test]
fn stochastic_gradient_descent_with_batches_of_one() {
    let (x, y, mut net) = common::xor_setup::<f64>(0);
    let config = TrainConfig::epochs(3000).batch_size(1);
    assert_eq!(config.steps(4), 12_000);
    net.fit(&x, &y, &mut GradientDescent::new(0.5).unwrap(), &config)
        .unwrap();
    assert_eq!(net.accuracy(&x, &y).unwrap(), 1.0);
}

#[test]
fn zero_batch_size_or_epochs_are_errors() {
    let (x, y, mut net) = setup();
    let mut gd = GradientDescent::new(0.1).unwrap();
    for config in [TrainConfig::epochs(0), TrainConfig::new(5).batch_size(0)] {
        assert!(matches!(
            net.fit(&x, &y, &mut gd, &config),
            Err(ndnet::Error::InvalidHyperparameter { .. })
        ));
    }
}

#[test]
fn the_learning_rate_schedule_is_applied_every_epoch() {
    use ndnet::{LearningRateSchedule, Optimizer};
    let (x, y, mut net) = setup();
    let mut gd = GradientDescent::new(0.4).unwrap();
    let schedule = LearningRateSchedule::InverseTime { decay: 0.5 };
    net.fit(
        &x,
        &y,
        &mut gd,
        &TrainConfig::epochs(5).batch_size(50).schedule(schedule),
    )
    .unwrap();
    // The last epoch (4) ran at 0.4 / (1 + 0.5 · 4).
    assert!((Optimizer::<f64>::learning_rate(&gd) - 0.4 / 3.0).abs() < 1e-15);
    let bad = TrainConfig::new(5).schedule(LearningRateSchedule::InverseTime { decay: -1.0 });
    assert!(net.fit(&x, &y, &mut gd, &bad).is_err());
}
