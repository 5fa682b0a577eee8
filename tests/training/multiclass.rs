//! Softmax outputs and categorical cross-entropy.

use approx::assert_abs_diff_eq;
use ndarray::{Array2, array};
use ndnet::{Activation, Cost, Error, GradientDescent, Initializer, Network, TrainConfig, data};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

#[test]
fn softmax_values_sum_to_one_and_survive_huge_logits() {
    // softmax([1, 2, 3]) = [0.09003057, 0.24472847, 0.66524096] (e^k / (e + e² + e³)).
    let a = Activation::Softmax.apply(&array![[1.0], [2.0], [3.0]]);
    assert_abs_diff_eq!(
        a,
        array![[0.09003057317038046], [0.24472847105479764], [0.6652409557748219]],
        epsilon = 1e-15
    );
    let a = Activation::Softmax.apply(&array![[1e4, -1e4], [0.0, 0.0]]);
    assert_eq!(a, array![[1.0, 0.0], [0.0, 1.0]]);
    let net = Network::from_parameters(
        vec![(array![[1.0], [-1.0]], array![[0.0], [0.0]])],
        &[Activation::Softmax],
    )
    .unwrap();
    // z = (1e4, −1e4) with label 1: the loss is exactly 2e4, finite.
    assert_eq!(net.cost(&array![[1e4]], &array![[0.0], [1.0]]).unwrap(), 2e4);
}

#[test]
fn labels_must_be_one_hot_columns() {
    let net = Network::from_parameters(
        vec![(array![[1.0], [-1.0]], array![[0.0], [0.0]])],
        &[Activation::Softmax],
    )
    .unwrap();
    let err = net
        .cost(&array![[1.0, 2.0]], &array![[1.0, 1.0], [0.0, 1.0]])
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { argument: "Y", .. }), "{err}");
    assert!(err.to_string().contains("column 1 sums to 2"), "{err}");
}

/// Three Gaussian blobs of `m` points, one per class (labels 0, 1, 2 in turn), and the one-hot Y.
fn three_blobs(m: usize, rng: &mut rand::rngs::StdRng) -> (Array2<f64>, Array2<f64>, Vec<usize>) {
    let centres = [(-2.0, 0.0), (2.0, 0.0), (0.0, 3.0)];
    let labels: Vec<usize> = (0..m).map(|i| i % 3).collect();
    let x = Array2::from_shape_fn((2, m), |(r, i)| {
        let (cx, cy) = centres[labels[i]];
        let noise: f64 = StandardNormal.sample(rng);
        if r == 0 { cx + 0.7 * noise } else { cy + 0.7 * noise }
    });
    let y: Array2<f64> = data::one_hot(&labels, 3).unwrap();
    (x, y, labels)
}

/// A softmax network separates the three blobs.
#[test]
fn three_blobs_are_learned() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let m = 300;
    let (x, y, labels) = three_blobs(m, &mut rng);
    let mut net = Network::new(
        &[2, 8, 3],
        Activation::Relu,
        Activation::Softmax,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let history = net
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.3).unwrap(),
            TrainConfig::epochs(200).batch_size(32),
        )
        .unwrap();
    assert!(history.last_cost().unwrap() < 0.2, "{:?}", history.last_cost());
    let accuracy = net.accuracy(&x, &y).unwrap();
    assert!(accuracy > 0.95, "{accuracy}");
    let classes = net.predict_classes(&x).unwrap();
    let agree = classes.iter().zip(&labels).filter(|(a, b)| a == b).count() as f64 / m as f64;
    assert_eq!(agree, accuracy);
}

/// A softmax output trains on categorical cross-entropy without being told: the cost of a
/// zero network on 3 classes is ln 3 = 1.0986 (each class gets probability 1/3), where the
/// binary cross-entropy of the old default gave ln 3 + 2 ln(3/2) = 1.9095 (the two wrong classes
/// counted as two more binary labels); and the pairings that do not belong are refused, naming
/// the layer.
#[test]
fn a_softmax_output_gets_categorical_cross_entropy_and_refuses_binary() {
    let net = Network::<f64>::from_parameters(
        vec![(Array2::zeros((3, 2)), Array2::zeros((3, 1)))],
        &[Activation::Softmax],
    )
    .unwrap();
    assert_eq!(net.cost_function(), Cost::CategoricalCrossEntropy);
    let y: Array2<f64> = data::one_hot(&[0_usize, 2], 3).unwrap();
    assert_abs_diff_eq!(
        net.cost(&array![[1.0, 2.0], [3.0, 4.0]], &y).unwrap(),
        3.0_f64.ln(),
        epsilon = 1e-15
    );
    let err = net.clone().with_cost(Cost::BinaryCrossEntropy).unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument { argument: "cost", .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the output layer 1 is softmax: use Cost::CategoricalCrossEntropy"),
        "{err}"
    );
    assert!(net.with_cost(Cost::MeanSquaredError).is_ok());
    let sigmoid = Network::<f64>::logistic_regression(2).unwrap();
    let err = sigmoid.with_cost(Cost::CategoricalCrossEntropy).unwrap_err();
    assert!(
        err.to_string()
            .contains("categorical_cross_entropy needs a softmax output"),
        "{err}"
    );
}

/// Softmax regression (no hidden layer) separates the blobs as well: they are linearly
/// separable, each centre 2 or more away from the others with noise σ = 0.7.
#[test]
fn softmax_regression_learns_three_blobs() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let (x, y, _) = three_blobs(300, &mut rng);
    let mut net = Network::<f64>::softmax_regression(2, 3).unwrap();
    assert_eq!((net.depth(), net.parameter_count()), (1, 9));
    let history = net
        .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), TrainConfig::new(500))
        .unwrap();
    assert!(history.first_cost().unwrap() > history.last_cost().unwrap());
    let accuracy = net.accuracy(&x, &y).unwrap();
    assert!(accuracy > 0.95, "{accuracy}");
    assert!(Network::<f64>::softmax_regression(2, 1).is_err());
    assert!(Network::<f64>::softmax_regression(0, 3).is_err());
}
