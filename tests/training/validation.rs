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
            (&x, &y),
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
            (&x, &y),
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
        .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), TrainConfig::new(10))
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
        (&x, &y),
        &mut GradientDescent::new(0.5).unwrap(),
        FitOptions::new(TrainConfig::new(3)).validation(Validation::new(&bad, &y)),
    );
    assert!(matches!(result, Err(Error::Shape { .. })));
}

/// X = Y: 4 examples of class 1 (x = 1), 16 of class 0 (x = 0), a quarter held out. Stratified,
/// the held-out part is exactly 1 of class 1 and 4 of class 0 (20 · 0.25 = 5, shares 1 and 4)
/// whatever the seed, so the one step of gradient descent (α = 1, from w = b = 0) sees the other
/// 3 and 12, by hand: A = σ(0) = 0.5, dZ = A − Y, dw = (1/15)·3·(−0.5) = −0.1,
/// db = (1/15)·(3·(−0.5) + 12·0.5) = 0.3, so w = 0.1, b = −0.3. The held-out cost after it:
/// (−ln σ(0.1 − 0.3) − 4 ln(1 − σ(−0.3))) / 5 = 0.60311196945114 (Python's math module).
#[test]
fn a_split_holds_out_a_stratified_share_and_never_trains_on_it() {
    let y = Array2::from_shape_fn((1, 20), |(_, j)| f64::from(u8::from(j % 5 == 0)));
    let x = y.clone();
    for seed in 0..8 {
        let mut net = Network::<f64>::logistic_regression(1).unwrap();
        let options = FitOptions::new(TrainConfig::new(1).seed(seed)).validation(Validation::split(0.25));
        let history = net
            .fit((&x, &y), &mut GradientDescent::new(1.0).unwrap(), options)
            .unwrap();
        assert_eq!(history.held_out, 5);
        let layer = net.layer(1).unwrap();
        approx::assert_abs_diff_eq!(layer.w()[[0, 0]], 0.1, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(layer.b()[[0, 0]], -0.3, epsilon = 1e-15);
        let valid_cost = history.epochs[0].valid_cost.unwrap();
        approx::assert_abs_diff_eq!(valid_cost, 0.60311196945114, epsilon = 1e-13);
        // The plan sees the 15 examples trained on.
        assert_eq!(
            history.plan.reasons[0],
            "the Gram form does not apply: a validation split (5 examples held out) is watched, m = 15 > n_x / 4 = 0"
        );
    }
}

#[test]
fn a_split_is_seeded_by_the_train_config() {
    let mut rng = StdRng::seed_from_u64(2);
    let (x, y) = data::planar_flower::<f64, _>(100, &mut rng).unwrap();
    let net = common::tanh_network::<f64>(&[2, 4, 1], &mut rng);
    let run = |seed| {
        let mut net = net.clone();
        let options = FitOptions::new(TrainConfig::epochs(20).seed(seed)).validation(Validation::split(0.3));
        let history = net
            .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), options)
            .unwrap();
        assert_eq!(history.held_out, 30);
        history.epochs
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

/// Mean squared error on numbers: a plain random split, round(0.2 · 9) = 2 held out; the
/// network is trained on the other 7, whose mean the one bias of a linear unit on x = 0 learns.
#[test]
fn a_split_of_numbers_is_drawn_at_random() {
    let x = Array2::<f64>::zeros((1, 9));
    let y = Array2::from_shape_fn((1, 9), |(_, j)| (j * j) as f64 / 10.0);
    let mut net = Network::from_layers(
        1,
        &[(1, Activation::Linear)],
        Initializer::Zeros,
        &mut StdRng::seed_from_u64(0),
    )
    .unwrap();
    let options = FitOptions::new(TrainConfig::new(2000)).validation(Validation::split(0.2));
    let history = net
        .fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), options)
        .unwrap();
    assert_eq!(history.held_out, 2);
    // Y sums to 20.4; the bias b is the mean of the 7 kept, so the 2 held out sum to 20.4 − 7b,
    // and each is one of the 9 values.
    let b = net.layer(1).unwrap().b()[[0, 0]];
    let held_sum = 20.4 - 7.0 * b;
    let values: Vec<f64> = y.iter().copied().collect();
    let pairs = (0..9).flat_map(|i| (i + 1..9).map(move |j| (i, j)));
    let matching: Vec<(usize, usize)> = pairs
        .filter(|&(i, j)| (values[i] + values[j] - held_sum).abs() < 1e-9)
        .collect();
    assert_eq!(matching.len(), 1, "held out sum {held_sum}");
}

#[test]
fn split_errors_name_the_fraction_and_m() {
    let (x, y) = data::xor::<f64>();
    let mut net = Network::logistic_regression(2).unwrap();
    for fraction in [0.0, 1.0, -0.1, f64::NAN] {
        let options = FitOptions::new(TrainConfig::new(3)).validation(Validation::split(fraction));
        let err = net
            .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), options)
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "fraction",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("strictly between 0 and 1"), "{err}");
    }
    let one = ndarray::array![[1.0], [0.0]];
    let options = FitOptions::new(TrainConfig::new(3)).validation(Validation::split(0.5));
    let err = net
        .fit(
            (&one, &ndarray::array![[1.0]]),
            &mut GradientDescent::new(0.5).unwrap(),
            options,
        )
        .unwrap_err();
    assert!(err.to_string().contains("at least 2 examples"), "{err}");
    // Bad inputs are named for the whole (X, Y), before any split.
    let options = FitOptions::new(TrainConfig::new(3)).validation(Validation::split(0.5));
    let err = net
        .fit(
            (&x, &Array2::zeros((1, 3))),
            &mut GradientDescent::new(0.5).unwrap(),
            options,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Shape { .. }), "{err}");
    // Examples read batch by batch are not split.
    let mut examples = ndnet::data::InMemory::new(&x, &y).unwrap();
    let options = FitOptions::new(TrainConfig::new(3).batch_size(2)).validation(Validation::split(0.5));
    let err = net
        .fit(&mut examples, &mut GradientDescent::new(0.5).unwrap(), options)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "options",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("give a validation set with Validation::new"),
        "{err}"
    );
}

/// The validation cost is J of the predictions: the L2 term (λ / 2m) Σ‖W‖², a penalty of
/// training, is left out (at the validation set's m it would outweigh them).
#[test]
fn the_validation_cost_leaves_out_the_l2_term() {
    let (x, y, net) = common::xor_setup::<f64>(1);
    let mut net = net.with_l2(0.7).unwrap();
    let options = FitOptions::new(TrainConfig::new(50)).validation(Validation::new(&x, &y));
    let history = net
        .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), options)
        .unwrap();
    let last = history.epochs[49].valid_cost.unwrap();
    let without = net.clone().with_l2(0.0).unwrap().cost(&x, &y).unwrap();
    assert_eq!(last, without);
    assert!(net.cost(&x, &y).unwrap() > without);
}

#[cfg(feature = "csv")]
mod tabular {
    use ndnet::tabular::{ColumnEncoding, Table, TabularConfig};
    use ndnet::{FitOptions, GradientDescent, Network, TabularModel, TrainConfig, Validation};
    use rand::SeedableRng;

    /// 5 rows of class Y (x = 1) and 15 of class N (x = 0), a quarter held out: shares 1.25 and
    /// 3.75 round to 1 and 4 (largest remainder), so the preprocessing is fitted on 4 Y and
    /// 11 N: mean of x 4/15, where all 20 rows would give 5/20.
    fn table() -> Table {
        let rows: String = (0..20).map(|i| if i % 4 == 0 { "1,Y\n" } else { "0,N\n" }).collect();
        Table::from_reader(format!("x,y\n{rows}").as_bytes(), "t.csv").unwrap()
    }

    /// Logistic regression by gradient descent (α = 0.5) on [`table`] with `options`.
    fn fit(options: FitOptions<'_, f64>) -> ndnet::Result<(TabularModel<f64>, ndnet::History)> {
        let logistic = |n_x, _| Network::logistic_regression(n_x);
        let mut gd = GradientDescent::new(0.5).unwrap();
        TabularModel::fit(&table(), &TabularConfig::binary("y", "Y"), logistic, &mut gd, options)
    }

    #[test]
    fn a_split_fits_the_preprocessing_on_the_rows_trained_on_only() {
        let options = FitOptions::new(TrainConfig::epochs(30)).validation(Validation::split(0.25).early_stopping(5));
        let (model, history) = fit(options).unwrap();
        assert_eq!(history.held_out, 5);
        let ColumnEncoding::Numeric { mean, .. } = model.preprocessing().columns()[0].encoding else {
            panic!("x is numeric")
        };
        approx::assert_abs_diff_eq!(mean, 4.0 / 15.0, epsilon = 1e-15);
    }

    #[test]
    fn a_validation_set_given_as_arrays_is_refused() {
        let (x, y) = (ndarray::array![[1.0]], ndarray::array![[1.0]]);
        let err = fit(FitOptions::new(TrainConfig::new(3)).validation(Validation::new(&x, &y))).unwrap_err();
        // Error::InvalidArgument, displayed as "argument: message".
        assert!(err.to_string().starts_with("options: "), "{err}");
        assert!(err.to_string().contains("Validation::split(fraction)"), "{err}");
    }

    /// 4 folds of 20 rows: each trains on 15, holds out round(0.2 · 15) = 3 of them, and the
    /// callback sees the records of every fold.
    #[test]
    fn cross_validation_holds_out_rows_of_each_folds_training_rows() {
        let mut records = 0;
        let options = FitOptions::new(TrainConfig::epochs(40).record_every(1))
            .validation(Validation::split(0.2).early_stopping(3))
            .callback(|_| records += 1);
        let cv = TabularModel::<f64>::cross_validate(
            &table(),
            &TabularConfig::binary("y", "Y"),
            4,
            |n_x, _| Network::logistic_regression(n_x),
            &GradientDescent::new(0.5).unwrap(),
            options,
            &mut rand::rngs::StdRng::seed_from_u64(0),
        )
        .unwrap();
        assert_eq!(cv.histories().len(), 4);
        assert!(cv.histories().iter().all(|h| h.held_out == 3));
        let recorded: usize = cv.histories().iter().map(|h| h.records.len()).sum();
        assert_eq!(records, recorded);
    }
}

/// A validation set read batch by batch gives the figures of the same set in memory (to
/// rounding: it adds each batch's cost × its size) and stops at the same epoch.
#[test]
fn a_streamed_validation_set_stops_as_the_same_set_in_memory() {
    use ndnet::data::InMemory;
    let mut rng = StdRng::seed_from_u64(5);
    // As in early_stopping_stops_and_restores_the_best_epoch: 40 noisy points, a large network
    // that overfits; 2,500 validation examples, three batches of the streamed evaluation.
    let (x, y) = data::planar_flower::<f64, _>(40, &mut rng).unwrap();
    let (x_valid, y_valid) = data::planar_flower::<f64, _>(2_500, &mut rng).unwrap();
    let net = Network::new(
        &[2, 64, 64, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let config = TrainConfig::epochs(20_000).batch_size(8);
    let mut in_memory = net.clone();
    let a = in_memory
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.1).unwrap(),
            FitOptions::new(config.clone()).validation(Validation::new(&x_valid, &y_valid).early_stopping(25)),
        )
        .unwrap();
    let mut streamed = net;
    let mut examples = InMemory::new(&x_valid, &y_valid).unwrap();
    let b = streamed
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.1).unwrap(),
            FitOptions::new(config).validation(Validation::streamed(&mut examples).early_stopping(25)),
        )
        .unwrap();
    assert!(a.stopped_early, "the set is chosen so that training stops early");
    assert_eq!(a.best_epoch, b.best_epoch);
    assert_eq!(a.epochs.len(), b.epochs.len());
    for (ea, eb) in a.epochs.iter().zip(&b.epochs) {
        let (ca, cb) = (ea.valid_cost.unwrap(), eb.valid_cost.unwrap());
        assert!((ca - cb).abs() <= 1e-12 * ca.abs(), "epoch {}: {ca} vs {cb}", ea.epoch);
        assert_eq!(ea.valid_accuracy, eb.valid_accuracy);
    }
    assert_eq!(common::parameter_bits(&in_memory), common::parameter_bits(&streamed));
}
