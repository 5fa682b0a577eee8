//! Extreme inputs never produce NaN: saturated activations (|z| ≥ 1e4, up to ±1e300 in f64 and
//! ±1e30 in f32), huge features and weights, examples and features that are all zeros, and
//! constant or huge columns through the CSV standardization. Costs, gradients and predictions
//! stay finite wherever the true value is representable.

use ndarray::{Array2, array};
use ndnet::{
    Activation, Cost, Float, GradientDescent, Initializer, Network, TrainConfig, binary_cross_entropy_with_logits,
};
use rand::SeedableRng;

use crate::common;

fn all_finite<F: Float>(what: &str, m: &Array2<F>) {
    assert!(m.iter().all(|v| v.is_finite()), "{what} is not finite: {m}");
}

/// One row of z values: 0, ±1e4 and ±`big`, and the labels 0 and 1 for each.
fn extremes<F: Float>(big: f64) -> (Array2<F>, Array2<F>) {
    let values = [0.0, 1e4, -1e4, big, -big];
    let z = Array2::from_shape_fn((1, 10), |(_, j)| F::from_f64(values[j / 2]));
    let y = Array2::from_shape_fn((1, 10), |(_, j)| F::from_f64((j % 2) as f64));
    (z, y)
}

fn activations_and_costs_are_finite<F: Float>(big: f64) {
    let (z, y) = extremes::<F>(big);
    for g in [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::leaky_relu(),
        Activation::Linear,
    ] {
        let a = g.apply(&z);
        assert!(a.iter().all(|v| !v.is_nan()), "{} at {big}: {a}", g.name());
        all_finite(g.name(), &g.derivative(&z));
        if matches!(g, Activation::Sigmoid | Activation::Tanh) {
            all_finite(g.name(), &a);
        }
    }
    let a = Activation::Sigmoid.apply(&z);
    assert_eq!(a[[0, 6]], F::one(), "σ(+{big}) = 1");
    assert_eq!(a[[0, 8]], F::zero(), "σ(−{big}) = 0");
    for cost in [Cost::BinaryCrossEntropy, Cost::MeanSquaredError] {
        let j = cost.compute(&a, &y).unwrap();
        assert!(j.is_finite(), "{} of σ(z) at {big}: {j}", cost.name());
        all_finite(cost.name(), &cost.derivative(&a, &y).unwrap());
    }
    // From the logits: the cost is the true (huge but representable) value, not inf or NaN.
    let j = binary_cross_entropy_with_logits(&z, &y).unwrap();
    assert!(j.is_finite(), "cross-entropy from logits at {big}: {j}");
    // Softmax over columns mixing 0, ±1e4 and ±big: finite probabilities summing to 1.
    let columns = Array2::from_shape_fn((5, 3), |(i, j)| z[[0, (2 * (i + j)) % 10]]);
    let p = Activation::Softmax.apply(&columns);
    all_finite("softmax", &p);
    for column in p.columns() {
        let sum = column.sum().as_f64();
        assert!((sum - 1.0).abs() < 1e-6, "a softmax column sums to {sum}");
    }
    all_finite("softmax′", &Activation::Softmax.derivative(&columns));
}

#[test]
fn activations_and_costs_at_1e4_and_1e300_in_f64() {
    activations_and_costs_are_finite::<f64>(1e300);
}

#[test]
fn activations_and_costs_at_1e4_and_1e30_in_f32() {
    activations_and_costs_are_finite::<f32>(1e30);
}

/// Softmax + categorical cross-entropy on a network whose logits are ±1e300 (f64) or ±1e30
/// (f32): the cost (from the logits), the gradients and the predictions are finite.
fn softmax_network_with_huge_logits<F: Float>(big: f64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut net = Network::<F>::new(
        &[2, 3],
        Activation::Relu,
        Activation::Softmax,
        Initializer::Xavier,
        &mut rng,
    )
    .unwrap();
    let (mut w, mut b) = net.layer_mut(1).unwrap().parameters_mut();
    w.assign(&array![[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]].mapv(F::from_f64));
    b.fill(F::zero());
    // Columns: logits (big, −big, 0), (−big, big, 0), (0, 0, big).
    let x = array![[big, -big, 0.0], [0.0, 0.0, big]].mapv(F::from_f64);
    let y = array![[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]].mapv(F::from_f64);
    let j = net.cost(&x, &y).unwrap().as_f64();
    assert!(j.is_finite() && j > 0.5 * big, "cost {j}");
    net.forward(&x).unwrap();
    net.backward(&x, &y).unwrap();
    all_finite("dW[1]", &net.layer(1).unwrap().dw().to_owned());
    all_finite("db[1]", &net.layer(1).unwrap().db().to_owned());
    all_finite("predictions", &net.predict_proba(&x).unwrap());
}

#[test]
fn softmax_network_with_logits_of_1e300_and_1e30() {
    softmax_network_with_huge_logits::<f64>(1e300);
    softmax_network_with_huge_logits::<f32>(1e30);
}

/// Features of ±1e4 and weights of ±100 (|z| ≈ 1e6 in the first layer, every sigmoid
/// saturated), zero examples and a zero feature: training runs, every step's cost and gradients
/// are finite, and so are the predictions.
fn train_with_huge_features_and_weights<F: Float>() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut net = Network::<F>::new(
        &[3, 4, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    for l in 1..=2 {
        let (mut w, _) = net.layer_mut(l).unwrap().parameters_mut();
        w.mapv_inplace(|v| {
            if v >= F::zero() {
                F::from_f64(100.0)
            } else {
                F::from_f64(-100.0)
            }
        });
    }
    // Row 2 (a feature) is all zeros; columns 0 and 5 (examples) are all zeros.
    let x = array![
        [0.0, 1e4, -1e4, 2e4, -3e4, 0.0, 5e3, -5e3],
        [0.0, -1e4, 1e4, 1e4, 2e4, 0.0, -2e4, 1e4],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ]
    .mapv(F::from_f64);
    let y = array![[0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]].mapv(F::from_f64);
    let mut optimizer = GradientDescent::new(0.01).unwrap();
    for step in 0..50 {
        let cost = net.train_step(&x, &y, &mut optimizer).unwrap();
        assert!(cost.is_finite(), "step {step}: cost {cost}");
        for layer in net.layers() {
            all_finite("dW", &layer.dw().to_owned());
            all_finite("db", &layer.db().to_owned());
            all_finite("W", &layer.w().to_owned());
        }
    }
    all_finite("predictions", &net.predict_proba(&x).unwrap());
    let history = net.fit((&x, &y), &mut optimizer, TrainConfig::new(20)).unwrap();
    assert!(history.records.iter().all(|r| r.cost.is_finite()));
    all_finite("predictions", &net.predict_proba(&x).unwrap());
}

#[test]
fn training_with_huge_features_and_weights_stays_finite() {
    train_with_huge_features_and_weights::<f64>();
    train_with_huge_features_and_weights::<f32>();
}

/// ReLU layers fed 1e4 features with weights of ±1e4: Z[1] ≈ 1e8, Z[2] ≈ 1e16 in f64 — large
/// but representable, so the forward pass, cost (from the logits) and gradients are finite.
#[test]
fn relu_network_with_z_of_1e16_is_finite() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut net = common::relu_network::<f64>(&[2, 3, 1], &mut rng);
    for l in 1..=2 {
        let (mut w, _) = net.layer_mut(l).unwrap().parameters_mut();
        w.mapv_inplace(|v| v.signum() * 1e4);
    }
    let x = array![[1e4, -1e4, 0.0, 3e4], [2e4, 1e4, 0.0, -1e4]];
    let y = array![[1.0, 0.0, 1.0, 0.0]];
    let cost = net.cost(&x, &y).unwrap();
    assert!(cost.is_finite() && cost > 1e10, "cost {cost}");
    net.forward(&x).unwrap();
    net.backward(&x, &y).unwrap();
    for layer in net.layers() {
        all_finite("dW", &layer.dw().to_owned());
        all_finite("db", &layer.db().to_owned());
    }
    all_finite("predictions", &net.predict_proba(&x).unwrap());
}

#[cfg(feature = "csv")]
mod csv {
    use ndnet::tabular::{Table, TabularConfig};

    fn transform(text: &str) -> ndarray::Array2<f64> {
        let table = Table::from_reader(text.as_bytes(), "extreme.csv").unwrap();
        let fitted = TabularConfig::binary("y", "1").fit(&table).unwrap();
        let (x, y) = fitted.transform::<f64>(&table).unwrap();
        assert!(y.is_some());
        super::all_finite("X", &x);
        x
    }

    /// A constant numeric column (and one constant after imputing its missing cells with the
    /// median) standardizes to zeros, not 0 / 0.
    #[test]
    fn constant_columns_standardize_to_zero() {
        let x = transform("c,d,e,y\n5,7,1,1\n5,,2,0\n5,7,3,1\n5,7,4,0\n");
        assert_eq!(x.row(0).to_vec(), vec![0.0; 4], "c is constant");
        assert_eq!(x.row(1).to_vec(), vec![0.0; 4], "d is 7 after imputation");
        assert!(x.row(2).iter().all(|v| v.abs() > 0.1), "e varies");
        // f32 too.
        let table = Table::from_reader("c,y\n1e30,1\n1e30,0\n".as_bytes(), "f32.csv").unwrap();
        let fitted = TabularConfig::binary("y", "1").fit(&table).unwrap();
        let (x, _) = fitted.transform::<f32>(&table).unwrap();
        assert_eq!(x, ndarray::Array2::<f32>::zeros((1, 2)));
    }

    /// Columns of ±1e300, ±1.7e308 and tiny differences around 1e300: the mean and variance
    /// would overflow if summed naively; the standardized features are finite, and exact where
    /// the column is symmetric.
    #[test]
    fn huge_columns_standardize_to_finite_features() {
        let x = transform(
            "a,b,c,y\n1e300,1.7e308,1e300,1\n-1e300,-1.7e308,1.0000000000001e300,0\n1e300,1.7e308,1e300,1\n-1e300,-1.7e308,1.0000000000001e300,0\n",
        );
        for row in 0..2 {
            assert_eq!(x.row(row).to_vec(), vec![1.0, -1.0, 1.0, -1.0], "row {row}");
        }
        for (v, expected) in x.row(2).iter().zip([-1.0, 1.0, -1.0, 1.0]) {
            // 1e300 and 1.0000000000001e300 are ~450 ulps apart: ±1 to about 1e-4.
            assert!((v - expected).abs() < 1e-3, "{}", x.row(2));
        }
    }
}

// ---- Panics and silent NaN reachable from the public API (audit 2026-12-01) ----

#[test]
fn looped_logistic_regression_never_returns_nan() {
    use ndnet::looped;
    // σ(1000) rounds to 1: the course's y ln a + (1 − y) ln(1 − a) was 0 · ln 0 = NaN.
    let g = looped::propagate(&array![[100.0f64]], 0.0, &array![[10.0]], &array![[1.0]]).unwrap();
    assert!(g.cost.is_finite() && g.cost < 1e-300, "{}", g.cost);
    let g = looped::propagate(&array![[100.0f64]], 0.0, &array![[10.0]], &array![[0.0]]).unwrap();
    assert_eq!(g.cost, 1000.0);
    // Bad inputs are named.
    let err = looped::propagate(&array![[1.0f64]], 0.0, &array![[f64::NAN]], &array![[1.0]]).unwrap_err();
    assert!(matches!(err, ndnet::Error::NonFinite { argument: "X", .. }), "{err}");
    let err = looped::propagate(&array![[1.0f64]], f64::INFINITY, &array![[1.0]], &array![[1.0]]).unwrap_err();
    assert!(matches!(err, ndnet::Error::NonFinite { argument: "b", .. }), "{err}");
    let err = looped::propagate(&array![[1.0f64]], 0.0, &array![[1.0]], &array![[7.0]]).unwrap_err();
    assert!(matches!(err, ndnet::Error::LabelOutOfRange { .. }), "{err}");
    // dw = x (a − y) overflows for x = f64::MAX, m = 2 columns summed first.
    let err = looped::propagate(
        &array![[-1.0f64]],
        0.0,
        &array![[f64::MAX, f64::MAX]],
        &array![[1.0, 1.0]],
    );
    assert!(matches!(err, Err(ndnet::Error::NonFiniteOutput { .. })), "{err:?}");
    // Gradient descent that diverges is an error, not w = inf.
    let err = looped::optimize(array![[0.0f64]], 0.0, &array![[1e300]], &array![[1.0]], 10, 1e300).unwrap_err();
    assert!(matches!(err, ndnet::Error::Diverged { .. }), "{err}");
    // α = 1e39 is infinite in f32.
    let err = looped::optimize(array![[0.0f32]], 0.0, &array![[1.0f32]], &array![[1.0]], 1, 1e39).unwrap_err();
    assert!(
        matches!(
            err,
            ndnet::Error::InvalidHyperparameter {
                name: "learning_rate",
                ..
            }
        ),
        "{err}"
    );
    // The loop dot product: non-finite inputs and overflowing sums.
    let err = looped::dot(&[f64::MAX, f64::MAX], &[2.0, 2.0]).unwrap_err();
    assert!(matches!(err, ndnet::Error::NonFiniteOutput { .. }), "{err}");
    let err = looped::dot(&[1.0, f64::NAN], &[2.0, 2.0]).unwrap_err();
    assert!(
        matches!(
            err,
            ndnet::Error::NonFinite {
                argument: "a",
                column: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn the_computation_graph_refuses_to_make_a_non_finite_value() {
    use ndnet::graph::Graph;
    let mut g = Graph::new();
    let (neg, zero, big, nan) = (g.input(-1.0), g.input(0.0), g.input(f64::MAX), g.input(f64::NAN));
    for result in [
        g.ln(neg),
        g.ln(zero),
        g.add(big, big),
        g.mul(big, big),
        g.scale(big, 2.0),
        g.sigmoid(nan),
        g.scale(zero, f64::NAN),
    ] {
        assert!(
            matches!(
                result,
                Err(ndnet::Error::NonFinite { .. }) | Err(ndnet::Error::NonFiniteOutput { .. })
            ),
            "{result:?}"
        );
    }
    assert_eq!(g.len(), 4, "failed operations record nothing");
    // Finite values whose derivative overflows: d(1e300 · ln x)/dx at x = 1e-300.
    let x = g.input(1e-300);
    let l = g.ln(x).unwrap();
    let j = g.scale(l, 1e300).unwrap();
    assert!(matches!(g.backward(j), Err(ndnet::Error::NonFiniteOutput { .. })));
}

#[test]
fn mean_squared_error_that_overflows_is_an_error() {
    let err = Cost::MeanSquaredError
        .compute(&array![[f64::MAX]], &array![[-f64::MAX]])
        .unwrap_err();
    assert!(matches!(err, ndnet::Error::NonFiniteOutput { .. }), "{err}");
    assert!(
        Cost::MeanSquaredError
            .derivative(&array![[1e200]], &array![[0.0]])
            .is_err()
    );
    assert!(
        Cost::MeanSquaredError
            .compute(&array![[1e100f64]], &array![[0.0]])
            .unwrap()
            .is_finite()
    );
}

#[test]
fn cross_validation_summary_of_huge_scores_is_finite() {
    for scores in [
        vec![f64::MAX, f64::MAX],
        vec![f64::MAX, -f64::MAX],
        vec![1e308, 1e308, -1e308],
    ] {
        let cv = ndnet::CrossValidation::from_scores(scores.clone()).unwrap();
        assert!(cv.mean.is_finite() && cv.std.is_finite(), "{scores:?}: {cv:?}");
    }
    let cv = ndnet::CrossValidation::from_scores(vec![f64::MAX, -f64::MAX]).unwrap();
    assert_eq!((cv.mean, cv.std), (0.0, f64::MAX));
    let cv = ndnet::CrossValidation::from_scores(vec![0.0, 1.0]).unwrap();
    assert_eq!((cv.mean, cv.std), (0.5, 0.5));
}

#[test]
fn initializer_std_dev_is_finite_for_every_size() {
    use ndnet::Initializer;
    for init in [Initializer::Xavier, Initializer::He, Initializer::RandnOverSqrtFanIn] {
        for (n, n_prev) in [(usize::MAX, 1), (usize::MAX, usize::MAX), (1, 0), (0, 0)] {
            let s = init.std_dev(n, n_prev);
            assert!(s.is_finite() && s > 0.0, "{init:?} ({n}, {n_prev}): {s}");
        }
    }
}

#[cfg(feature = "plot")]
#[test]
fn plots_of_extreme_values_are_errors_or_pictures_never_a_hang_or_overflow() {
    use ndnet::plot;
    let dir = std::env::temp_dir().join(format!("ndnet_audit_plot_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.png");
    // Costs at ±f64::MAX: the axis was −inf..inf and the chart library never returned.
    for history in [vec![(0, f64::MAX), (1, -f64::MAX)], vec![(0, f64::MAX)]] {
        let err = plot::plot_cost(&path, &history, "t").unwrap_err();
        assert!(err.to_string().contains("too wide to plot"), "{err}");
    }
    // Every iteration usize::MAX: `first + 1` overflowed.
    plot::plot_cost(&path, &[(usize::MAX, 0.5)], "t").unwrap();
    // Points spanning ±1e308.
    let (x, y) = (array![[-1e308, 1e308], [0.0, 1.0]], array![[0.0, 1.0]]);
    let err = plot::plot_decision_boundary(&path, x.view(), y.view(), |g| Ok(Array2::zeros((1, g.ncols()))), "t");
    assert!(err.unwrap_err().to_string().contains("too wide to plot"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "progress")]
#[test]
fn progress_update_of_the_last_possible_iteration() {
    let bar = ndnet::progress::bar(usize::MAX);
    ndnet::progress::update(
        &bar,
        &ndnet::Record {
            iteration: usize::MAX,
            cost: 0.5,
        },
    );
}
