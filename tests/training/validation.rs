//! Validation sets and early stopping.

use ndarray::Array2;
use ndnet::{Activation, Error, FitOptions, GradientDescent, Initializer, Network, TrainConfig, Validation, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common;

#[test]
fn early_stopping_stops_and_restores_the_best_epoch() {
    let mut rng = StdRng::seed_from_u64(5);
    // 40 noisy training points and a large network: it overfits, the validation cost turns up.
    let (x, y) = data::planar_flower::<f64, _>(40, &mut rng).unwrap();
    let (x_valid, y_valid) = data::planar_flower::<f64, _>(400, &mut rng).unwrap();
    let mut net = Network::new(
        &[2, 64, 64, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let validation = Validation::new(&x_valid, &y_valid).early_stopping(25);
    let config = TrainConfig::epochs(20_000).batch_size(8).record_every(1);
    let history = net
        .fit(
            &x,
            &y,
            &mut GradientDescent::new(0.1).unwrap(),
            FitOptions::from(config).validation(validation.clone()),
        )
        .unwrap();
    assert!(history.stopped_early, "ran all {} epochs", history.epochs.len());
    let best = history.best_epoch.unwrap();
    assert_eq!(history.epochs.len(), best + 26, "stops 25 epochs after the best one");
    let costs: Vec<f64> = history.epochs.iter().map(|e| e.valid_cost.unwrap()).collect();
    let min = costs.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(costs[best], min);
    assert!((net.cost(&x_valid, &y_valid).unwrap() - min).abs() < 1e-12);
    // Each epoch is 5 mini-batches of 8.
    assert_eq!(history.records.last().unwrap().iteration, history.epochs.len() * 5 - 1);
}

#[test]
fn epochs_are_recorded_with_validation_figures() {
    let (x, y, mut net) = common::xor_setup::<f64>(1);
    let history = net
        .fit(
            &x,
            &y,
            &mut GradientDescent::new(0.5).unwrap(),
            FitOptions::new(TrainConfig::new(30)).validation(Validation::new(&x, &y)),
        )
        .unwrap();
    assert_eq!(history.epochs.len(), 30);
    assert!(
        history
            .epochs
            .iter()
            .all(|e| e.valid_cost.is_some() && e.valid_accuracy.is_some())
    );
    assert!(!history.stopped_early && history.best_epoch.is_none());
    // Without validation the epochs still carry the training cost.
    let history = net
        .fit(&x, &y, &mut GradientDescent::new(0.5).unwrap(), &TrainConfig::new(10))
        .unwrap();
    assert_eq!(history.epochs.len(), 10);
    assert_eq!(history.epochs[0].train_cost, history.records[0].cost);
}

#[test]
fn a_validation_set_of_the_wrong_shape_is_an_error() {
    let (x, y) = data::xor::<f64>();
    let mut net = Network::logistic_regression(2).unwrap();
    let bad = Array2::<f64>::zeros((3, 4));
    let result = net.fit(
        &x,
        &y,
        &mut GradientDescent::new(0.5).unwrap(),
        FitOptions::new(TrainConfig::new(3)).validation(Validation::new(&bad, &y)),
    );
    assert!(matches!(result, Err(Error::Shape { .. })));
}
