//! Every bad input of the issue gives the error that names it, never a panic.

use ndarray::{Array2, array};
use ndnet::{Activation, Cost, Error, GradientDescent, Initializer, Network, TrainConfig};
use rand::SeedableRng;

use crate::common;

fn net() -> Network<f64> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    common::relu_network(&[5, 4, 1], &mut rng)
}

#[test]
fn mismatched_x_names_the_layer_and_hints_at_the_transpose() {
    let x = Array2::<f64>::zeros((209, 5));
    let err = net().predict_proba(&x).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("layer 1: W[1] is (4, 5) so A[0] must be (5, m), got (209, 5)"),
        "{message}"
    );
    assert!(message.contains("transpose"), "{message}");
    assert!(matches!(
        err,
        Error::Shape {
            transposed_fits: true,
            ..
        }
    ));
}

#[test]
fn mismatched_hidden_layer_in_the_course_words() {
    // Layer 2 of a [5, 4, 1] net takes A[1] of 4 rows; feeding it 5 rows is the course's message.
    let layer = net().layer(2).unwrap().clone();
    let err = layer.predict(Array2::<f64>::zeros((5, 209)).view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "layer 2: W[2] is (1, 4) so A[1] must be (4, m), got (5, 209)"
    );
}

#[test]
fn mismatched_y() {
    let x = Array2::<f64>::zeros((5, 3));
    let err = net().cost(&x, &array![[1.0, 0.0]]).unwrap_err();
    assert!(matches!(err, Error::Shape { got: (1, 2), .. }), "{err}");
    assert!(err.to_string().contains("must be (1, 3)"), "{err}");
}

#[test]
fn no_examples() {
    let x = Array2::<f64>::zeros((5, 0));
    assert!(matches!(
        net().predict(&x, 0.5),
        Err(Error::NoExamples { argument: "X" })
    ));
    let y = Array2::<f64>::zeros((1, 0));
    let mut net = net();
    assert!(matches!(
        net.fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), TrainConfig::new(1)),
        Err(Error::NoExamples { .. })
    ));
}

#[test]
fn nan_or_inf_in_x() {
    let mut x = Array2::<f64>::zeros((5, 3));
    x[[2, 1]] = f64::NAN;
    let err = net().predict(&x, 0.5).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NonFinite {
                argument: "X",
                row: 2,
                column: 1,
                ..
            }
        ),
        "{err}"
    );
    x[[2, 1]] = f64::NEG_INFINITY;
    assert!(matches!(
        net().cost(&x, &array![[0.0, 1.0, 0.0]]),
        Err(Error::NonFinite { argument: "X", .. })
    ));
}

#[test]
fn nan_or_inf_in_y() {
    let x = Array2::<f64>::zeros((5, 3));
    let err = net().cost(&x, &array![[0.0, f64::INFINITY, 0.0]]).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NonFinite {
                argument: "Y",
                column: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn labels_outside_zero_one_for_cross_entropy() {
    let x = Array2::<f64>::zeros((5, 3));
    let y = array![[0.0, 1.0, 2.0]];
    let err = net().cost(&x, &y).unwrap_err();
    assert!(
        matches!(err, Error::LabelOutOfRange { column: 2, value, .. } if value == 2.0),
        "{err}"
    );
    let mut training = net();
    assert!(matches!(
        training.fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), TrainConfig::new(1)),
        Err(Error::LabelOutOfRange { .. })
    ));
    // Mean squared error takes any finite target.
    assert!(net().with_cost(Cost::MeanSquaredError).unwrap().cost(&x, &y).is_ok());
}

#[test]
fn non_positive_or_non_finite_learning_rate() {
    for lr in [0.0, -0.1, f64::NAN, f64::INFINITY] {
        let err = GradientDescent::new(lr).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidHyperparameter {
                    name: "learning_rate",
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn a_layer_of_zero_units() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let err = Network::<f64>::new(
        &[5, 0, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Architecture(ref m) if m.contains("layer 1: 0 units")),
        "{err}"
    );
    assert!(
        Network::<f64>::new(
            &[0, 3, 1],
            Activation::Relu,
            Activation::Sigmoid,
            Initializer::He,
            &mut rng
        )
        .is_err()
    );
    assert!(Network::<f64>::logistic_regression(0).is_err());
}

#[test]
fn an_empty_layer_list() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    assert!(matches!(
        Network::<f64>::from_layers(3, &[], Initializer::He, &mut rng),
        Err(Error::Architecture(_))
    ));
    assert!(matches!(
        Network::<f64>::new(&[3], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng),
        Err(Error::Architecture(_))
    ));
    assert!(matches!(
        Network::<f64>::from_parameters(vec![], &[]),
        Err(Error::Architecture(_))
    ));
}

#[test]
fn parameters_that_do_not_chain() {
    let err = Network::from_parameters(
        vec![
            (Array2::<f64>::zeros((4, 3)), Array2::zeros((4, 1))),
            (Array2::zeros((1, 5)), Array2::zeros((1, 1))),
        ],
        &[Activation::Relu, Activation::Sigmoid],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "layer 2: after layer 1 of 4 units, W[2] must be (1, 4), got (1, 5)"
    );
}

#[test]
fn backward_without_forward_on_the_same_x() {
    let mut net = net();
    let x = Array2::<f64>::zeros((5, 3));
    net.forward(&x).unwrap();
    let x2 = Array2::<f64>::zeros((5, 4));
    assert!(matches!(
        net.backward(&x2, &array![[0.0, 1.0, 0.0, 1.0]]),
        Err(Error::InvalidArgument { argument: "X", .. })
    ));
}

#[test]
fn zero_iterations_and_bad_threshold() {
    let mut net = net();
    let x = Array2::<f64>::zeros((5, 3));
    let y = array![[0.0, 1.0, 0.0]];
    let err = net
        .fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), TrainConfig::new(0))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidHyperparameter { name: "iterations", .. }));
    assert!(matches!(
        net.predict(&x, f64::NAN),
        Err(Error::InvalidHyperparameter { name: "threshold", .. })
    ));
}

#[test]
fn divergence_stops_training_with_the_iteration() {
    // A huge learning rate on a linear regression blows up within a few dozen steps.
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let x = Array2::from_shape_fn((1, 20), |(_, i)| i as f64);
    let y = x.mapv(|v| 3.0 * v);
    let mut net = Network::from_layers(1, &[(1, Activation::Linear)], Initializer::He, &mut rng)
        .unwrap()
        .with_cost(Cost::MeanSquaredError)
        .unwrap();
    let err = net
        .fit(
            (&x, &y),
            &mut GradientDescent::new(10.0).unwrap(),
            TrainConfig::new(10_000),
        )
        .unwrap_err();
    match err {
        Error::Diverged {
            iteration,
            last_finite_cost,
            what,
        } => {
            assert!(iteration > 0 && iteration < 10_000);
            assert!(last_finite_cost.unwrap().is_finite());
            // The one layer's forward cache or a gradient of it is named, with the iteration.
            // Here the squared error of a finite but huge A[1] overflows first.
            let named = ["Z[1] ", "A[1] ", "dZ[1] ", "dW[1] ", "db[1] "]
                .iter()
                .any(|m| what.starts_with(m))
                || what.contains("overflowed from a finite A[1] (largest magnitude");
            assert!(named, "{what}");
            assert!(what.contains(&format!("of iteration {iteration}")), "{what}");
        }
        other => panic!("expected Diverged, got {other}"),
    }
    let layer = net.layer(1).unwrap();
    assert!(layer.w().iter().chain(layer.b()).all(|v| v.is_finite()));
}

/// A [2, 2, 1] network whose weights make Z[2] overflow while Z[1] and A[1] stay finite: the
/// error names Z[2], how many entries and the first, and the parameters are left untouched.
#[test]
fn divergence_names_the_first_non_finite_layer_cache() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = common::relu_network::<f64>(&[2, 2, 1], &mut rng);
    // W[1] = 1e200 · I, b[1] = 0: Z[1] = A[1] = 1e200 · X (finite). W[2] = [1e200, 1e200]:
    // Z[2] = 1e400 · (x1 + x2) = +inf wherever x1 + x2 > 0, i.e. columns 1 and 2 of X.
    let (w1, b1) = net.layer_mut(1).unwrap().parameters_mut();
    let (mut w1, mut b1) = (w1, b1);
    w1.assign(&array![[1e200, 0.0], [0.0, 1e200]]);
    b1.fill(0.0);
    let (mut w2, mut b2) = net.layer_mut(2).unwrap().parameters_mut();
    w2.assign(&array![[1e200, 1e200]]);
    b2.fill(0.0);
    let before = net.clone();
    let x = array![[0.0, 1.0, 2.0], [0.0, 0.5, 0.0]];
    let y = array![[0.0, 0.0, 1.0]];
    let err = net
        .fit((&x, &y), &mut GradientDescent::new(0.1).unwrap(), TrainConfig::new(5))
        .unwrap_err();
    match err {
        Error::Diverged { iteration, what, .. } => {
            assert_eq!(iteration, 0);
            assert!(
                what.starts_with(
                    "Z[2] has 2 non-finite entries (first at row 0, column 1: inf) in the forward pass; the cost is"
                ),
                "{what}"
            );
        }
        other => panic!("expected Diverged, got {other}"),
    }
    for l in 1..=2 {
        assert_eq!(net.layer(l).unwrap().w(), before.layer(l).unwrap().w());
        assert_eq!(net.layer(l).unwrap().b(), before.layer(l).unwrap().b());
    }
}

/// Forward pass and cost finite, gradient not: a linear unit with Z = 1e154 on x = 1e160 and a
/// squared error (≈ 1e308, still finite) has dZ ≈ 1e154 but dW = dZ · x ≈ 1e314 = inf. The error
/// names dW[1] in the backward pass, and `train_step` leaves the parameters unchanged.
#[test]
fn divergence_in_the_backward_pass_names_the_gradient() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Network::<f64>::from_layers(1, &[(1, Activation::Linear)], Initializer::He, &mut rng)
        .unwrap()
        .with_cost(Cost::MeanSquaredError)
        .unwrap();
    let (mut w, mut b) = net.layer_mut(1).unwrap().parameters_mut();
    w.fill(1e-6);
    b.fill(0.0);
    let (x, y) = (array![[1e160]], array![[0.0]]);
    let err = net
        .train_step(&x, &y, &mut GradientDescent::new(0.1).unwrap())
        .unwrap_err();
    match err {
        Error::Diverged {
            iteration,
            what,
            last_finite_cost,
        } => {
            assert_eq!(iteration, 0);
            assert_eq!(
                what,
                "dW[1] has 1 non-finite entry (first at row 0, column 0: inf) in the backward pass of iteration 0"
            );
            assert!(last_finite_cost.unwrap().is_finite());
        }
        other => panic!("expected Diverged, got {other}"),
    }
    assert_eq!(net.layer(1).unwrap().w(), array![[1e-6]]);
    assert_eq!(net.layer(1).unwrap().b(), array![[0.0]]);
}

/// Every quantity finite except the update: W = [1.5e308, −1.5e308] on x = [1, 1] gives z = 0,
/// cost ln 2 and dW = [−0.5, −0.5], but α = 1e308 moves W[1]'s first entry to 2e308 = inf.
/// `train_step` names it and puts every parameter back as it was before the step.
#[test]
fn train_step_undoes_an_update_that_overflows() {
    let mut net = Network::<f64>::logistic_regression(2).unwrap();
    let (mut w, _) = net.layer_mut(1).unwrap().parameters_mut();
    w.assign(&array![[1.5e308, -1.5e308]]);
    let before = net.clone();
    let (x, y) = (array![[1.0], [1.0]], array![[1.0]]);
    let err = net
        .train_step(&x, &y, &mut GradientDescent::new(1e308).unwrap())
        .unwrap_err();
    match err {
        Error::Diverged {
            what, last_finite_cost, ..
        } => {
            assert!(what.starts_with("W[1] has 1 non-finite entry"), "{what}");
            assert!(what.ends_with("after the update of iteration 0"), "{what}");
            assert_eq!(last_finite_cost, Some(std::f64::consts::LN_2));
        }
        other => panic!("expected Diverged, got {other}"),
    }
    assert_eq!(net.layer(1).unwrap().w(), before.layer(1).unwrap().w());
    assert_eq!(net.layer(1).unwrap().b(), before.layer(1).unwrap().b());
}

// ---- Panics and silent NaN reachable from the public API (audit 2026-12-01) ----

#[test]
fn backward_after_a_layer_ran_alone_on_another_m_is_an_error_not_a_panic() {
    // Layer 1 run on its own (7 examples) after the network's forward pass (5): the caches no
    // longer fit one another, and the backward product panicked on the shapes.
    let mut net = net();
    let (x, y) = (Array2::<f64>::ones((5, 5)), Array2::<f64>::ones((1, 5)));
    net.forward(&x).unwrap();
    net.layer_mut(1).unwrap().forward(Array2::ones((5, 7)).view()).unwrap();
    let err = net.backward(&x, &y).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { argument: "X", .. }), "{err}");
    assert!(err.to_string().contains("layer 1 caches Z and A of (4, 7)"), "{err}");
}

#[test]
fn layer_backward_refuses_non_finite_inputs_and_names_an_overflowing_gradient() {
    let mut layer = ndnet::Dense::from_parameters(array![[1.0, 2.0]], array![[0.0]], Activation::Relu).unwrap();
    let a = array![[1.0], [2.0]];
    layer.forward(a.view()).unwrap();
    let err = layer.backward(a.view(), array![[f64::NAN]].view()).unwrap_err();
    assert!(matches!(err, Error::NonFinite { argument: "da", .. }), "{err}");
    let err = layer
        .backward(array![[f64::INFINITY], [1.0]].view(), array![[1.0]].view())
        .unwrap_err();
    assert!(matches!(err, Error::NonFinite { argument: "a_prev", .. }), "{err}");
    // Finite everything, but dW = dZ A[0]ᵀ = 1e300 · 1e300 overflows.
    let err = layer.backward(a.view(), array![[1e300]].view()).map(|_| ());
    let err = err.and_then(|_| {
        let big = array![[1e300], [1e300]];
        layer.forward(big.view())?;
        layer.backward(big.view(), array![[1e300]].view()).map(|_| ())
    });
    match err {
        Err(Error::NonFiniteOutput { what }) => assert!(what.starts_with("dW[1]"), "{what}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn network_backward_names_an_overflowing_gradient_instead_of_returning_inf() {
    // dW = (1/m) dZ Xᵀ: four columns of 1.7e308 times dZ = 0.5 overflow before the 1/m.
    let mut net = Network::<f64>::logistic_regression(1).unwrap();
    let x = array![[1.7e308, 1.7e308, 1.7e308, 1.7e308]];
    net.forward(&x).unwrap();
    match net.backward(&x, &Array2::zeros((1, 4))) {
        Err(Error::NonFiniteOutput { what }) => assert!(what.starts_with("dW[1]"), "{what}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn leaky_relu_slopes_that_are_not_finite_in_f_are_refused_by_every_constructor() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    for slope in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let leaky = Activation::LeakyRelu { slope };
        let err = Network::<f64>::new(&[2, 3, 1], leaky, Activation::Sigmoid, Initializer::He, &mut rng);
        assert!(
            matches!(err, Err(Error::InvalidHyperparameter { name: "slope", .. })),
            "{slope}"
        );
        let err = Network::<f64>::from_parameters(vec![(array![[1.0]], array![[0.0]])], &[leaky]);
        assert!(
            matches!(err, Err(Error::InvalidHyperparameter { name: "slope", .. })),
            "{slope}"
        );
    }
    // 1e39 is finite in f64 but infinite in f32.
    let leaky = Activation::LeakyRelu { slope: 1e39 };
    assert!(Network::<f64>::new(&[2, 3, 1], leaky, Activation::Sigmoid, Initializer::He, &mut rng).is_ok());
    let err = Network::<f32>::new(&[2, 3, 1], leaky, Activation::Sigmoid, Initializer::He, &mut rng);
    assert!(matches!(err, Err(Error::InvalidHyperparameter { name: "slope", .. })));
}

#[test]
fn training_refuses_parameters_made_non_finite_through_parameters_mut() {
    // A divergence restores the parameters training started from: they must be finite.
    let (x, y) = (Array2::<f64>::ones((5, 3)), Array2::<f64>::ones((1, 3)));
    let mut poisoned = net();
    poisoned.layer_mut(2).unwrap().parameters_mut().1[[0, 0]] = f64::NAN;
    let before = format!("{:?}", poisoned.layers());
    let gd = &mut GradientDescent::new(0.1).unwrap();
    for result in [
        poisoned.fit((&x, &y), gd, TrainConfig::new(3)).map(drop),
        poisoned.train_step(&x, &y, gd).map(drop),
    ] {
        let err = result.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "network",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("b[2] has 1 non-finite entry"), "{err}");
    }
    assert_eq!(format!("{:?}", poisoned.layers()), before);
}

#[test]
fn gradient_check_restores_the_parameters_on_error_and_checks_epsilon_in_f() {
    let (x, y) = (array![[1.0, 2.0], [3.0, 4.0]], array![[1.0, 0.0]]);
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let mut net = Network::<f64>::new(
        &[2, 3, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap()
    .with_cost(Cost::MeanSquaredError)
    .unwrap();
    let before = net.layer(1).unwrap().w().to_owned();
    // θ + 1e308 overflows the forward pass: the error used to leave W[1][0, 0] = θ + 1e308.
    assert!(ndnet::gradient_check(&mut net, &x, &y, 1e308).is_err());
    assert_eq!(net.layer(1).unwrap().w(), before);
    // 1e-50 is 0 in f32: every numeric derivative was 0 with no error.
    let mut net32 = Network::<f32>::new(
        &[2, 3, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let (x32, y32) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    let err = ndnet::gradient_check(&mut net32, &x32, &y32, 1e-50).unwrap_err();
    assert!(
        matches!(err, Error::InvalidHyperparameter { name: "epsilon", .. }),
        "{err}"
    );
    // The smallest subnormal ε: an error or a finite difference, never NaN.
    if let Ok(check) = ndnet::gradient_check(&mut net, &x, &y, 5e-324) {
        assert!(check.difference.is_finite(), "{check:?}");
    }
    assert_eq!(net.layer(1).unwrap().w(), before);
}

/// `predict_proba` does not scan X before the products: a NaN or ±inf anywhere in X must still
/// come back as an error naming X and its position, whatever the weights (a zero weight meets
/// inf as 0·inf = NaN), the number of examples (matrix-vector or tiled kernels) and X's layout.
#[test]
fn nan_or_inf_anywhere_in_x_is_named_by_predict_proba() {
    use ndarray::ShapeBuilder;
    let (n_x, units) = (40, 24);
    let mut w1 = Array2::from_shape_fn((units, n_x), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
    w1.column_mut(3).fill(0.0);
    let w2 = Array2::from_shape_fn((3, units), |(i, j)| ((i + j) % 5) as f64 * 0.1);
    let params = vec![(w1, Array2::zeros((units, 1))), (w2, Array2::zeros((3, 1)))];
    let net = Network::from_parameters(params, &[Activation::Relu, Activation::Softmax]).unwrap();
    for m in [1, 5, 300] {
        for column_major in [false, true] {
            for (row, column) in [(0, 0), (3, m - 1), (n_x - 1, m / 2)] {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut x = if column_major {
                        Array2::from_elem((n_x, m).f(), 0.5)
                    } else {
                        Array2::from_elem((n_x, m), 0.5)
                    };
                    assert!(net.predict_proba(&x).is_ok());
                    x[[row, column]] = bad;
                    let err = net.predict_proba(&x).unwrap_err();
                    assert!(
                        matches!(err, Error::NonFinite { argument: "X", row: r, column: c, .. } if (r, c) == (row, column)),
                        "m {m}, column-major {column_major}, {bad} at ({row}, {column}): {err}"
                    );
                    let x32 = x.mapv(|v| v as f32);
                    let net32 = Network::<f32>::from_parameters(
                        net.layers()
                            .iter()
                            .map(|l| (l.w().mapv(|v| v as f32), l.b().mapv(|v| v as f32)))
                            .collect(),
                        &[Activation::Relu, Activation::Softmax],
                    )
                    .unwrap();
                    let err = net32.predict_proba(&x32).unwrap_err();
                    assert!(matches!(err, Error::NonFinite { argument: "X", .. }), "f32: {err}");
                }
            }
        }
    }
}
