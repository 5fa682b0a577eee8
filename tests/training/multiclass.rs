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
    .unwrap()
    .with_cost(Cost::CategoricalCrossEntropy);
    // z = (1e4, −1e4) with label 1: the loss is exactly 2e4, finite.
    assert_eq!(net.cost(&array![[1e4]], &array![[0.0], [1.0]]).unwrap(), 2e4);
}

#[test]
fn labels_must_be_one_hot_columns() {
    let net = Network::from_parameters(
        vec![(array![[1.0], [-1.0]], array![[0.0], [0.0]])],
        &[Activation::Softmax],
    )
    .unwrap()
    .with_cost(Cost::CategoricalCrossEntropy);
    let err = net
        .cost(&array![[1.0, 2.0]], &array![[1.0, 1.0], [0.0, 1.0]])
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { argument: "Y", .. }), "{err}");
    assert!(err.to_string().contains("column 1 sums to 2"), "{err}");
}

/// Three Gaussian blobs, one per class: a softmax network separates them.
#[test]
fn three_blobs_are_learned() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let centres = [(-2.0, 0.0), (2.0, 0.0), (0.0, 3.0)];
    let m = 300;
    let labels: Vec<usize> = (0..m).map(|i| i % 3).collect();
    let x = Array2::from_shape_fn((2, m), |(r, i)| {
        let (cx, cy) = centres[labels[i]];
        let noise: f64 = StandardNormal.sample(&mut rng);
        if r == 0 { cx + 0.7 * noise } else { cy + 0.7 * noise }
    });
    let y: Array2<f64> = data::one_hot(&labels, 3).unwrap();
    let mut net = Network::new(
        &[2, 8, 3],
        Activation::Relu,
        Activation::Softmax,
        Initializer::He,
        &mut rng,
    )
    .unwrap()
    .with_cost(Cost::CategoricalCrossEntropy);
    let history = net
        .fit(
            &x,
            &y,
            &mut GradientDescent::new(0.3).unwrap(),
            &TrainConfig::epochs(200).batch_size(32),
        )
        .unwrap();
    assert!(history.last_cost().unwrap() < 0.2, "{:?}", history.last_cost());
    let accuracy = net.accuracy(&x, &y).unwrap();
    assert!(accuracy > 0.95, "{accuracy}");
    let classes = net.predict_classes(&x).unwrap();
    let agree = classes.iter().zip(&labels).filter(|(a, b)| a == b).count() as f64 / m as f64;
    assert_eq!(agree, accuracy);
}
