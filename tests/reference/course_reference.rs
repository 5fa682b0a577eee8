//! Numbers published by the course, reproduced.

use approx::assert_abs_diff_eq;
use ndarray::{Array2, array};
use ndnet::{Activation, GradientDescent, Network, TrainConfig, looped};

/// The course's `propagate` test case ("Logistic Regression with a Neural Network mindset"):
/// w = [[1], [2]], b = 2, X = [[1, 2, −1], [3, 4, −3.2]], Y = [[1, 0, 1]] gives
/// cost = 5.801545319394553, dw = [[0.99845601], [2.39507239]], db = 0.00145557813678.
fn course_case() -> (Array2<f64>, f64, Array2<f64>, Array2<f64>) {
    (
        array![[1.0], [2.0]],
        2.0,
        array![[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]],
        array![[1.0, 0.0, 1.0]],
    )
}

#[test]
fn logistic_regression_propagate_vectorized() {
    let (w, b, x, y) = course_case();
    let mut net = Network::from_parameters(vec![(w.t().to_owned(), array![[b]])], &[Activation::Sigmoid]).unwrap();
    assert_abs_diff_eq!(net.cost(&x, &y).unwrap(), 5.801545319394553, epsilon = 1e-12);
    net.forward(&x).unwrap();
    net.backward(&x, &y).unwrap();
    let layer = net.layer(1).unwrap();
    assert_abs_diff_eq!(
        layer.dw().t().to_owned(),
        array![[0.99845601], [2.39507239]],
        epsilon = 1e-8
    );
    assert_abs_diff_eq!(layer.db()[[0, 0]], 0.00145557813678, epsilon = 1e-12);
}

#[test]
fn logistic_regression_propagate_looped() {
    let (w, b, x, y) = course_case();
    let grads = looped::propagate(&w, b, &x, &y).unwrap();
    assert_abs_diff_eq!(grads.cost, 5.801545319394553, epsilon = 1e-12);
    assert_abs_diff_eq!(grads.dw, array![[0.99845601], [2.39507239]], epsilon = 1e-8);
    assert_abs_diff_eq!(grads.db, 0.00145557813678, epsilon = 1e-12);
}

/// The course's `optimize` test: 100 iterations at α = 0.009 from the case above give
/// w = [[0.19033591], [0.12259159]], b = 1.92535983008, dw = [[0.67752042], [1.41625495]],
/// db = 0.219194504541.
#[test]
fn logistic_regression_optimize_100_iterations() {
    let (w, b, x, y) = course_case();
    let mut net = Network::from_parameters(vec![(w.t().to_owned(), array![[b]])], &[Activation::Sigmoid]).unwrap();
    net.fit(
        (&x, &y),
        &mut GradientDescent::new(0.009).unwrap(),
        TrainConfig::new(100),
    )
    .unwrap();
    let layer = net.layer(1).unwrap();
    assert_abs_diff_eq!(
        layer.w().t().to_owned(),
        array![[0.19033591], [0.12259159]],
        epsilon = 1e-8
    );
    assert_abs_diff_eq!(layer.b()[[0, 0]], 1.92535983008, epsilon = 1e-10);
    // The gradients of the last step, as the course's optimize returns them.
    assert_abs_diff_eq!(
        layer.dw().t().to_owned(),
        array![[0.67752042], [1.41625495]],
        epsilon = 1e-8
    );
    assert_abs_diff_eq!(layer.db()[[0, 0]], 0.219194504541, epsilon = 1e-10);
}

/// The course's `predict` test: w = [[0.1124579], [0.23106775]], b = −0.3,
/// X = [[1, −1.1, −3.2], [1.2, 2, 0.1]] predicts [[1, 1, 0]].
#[test]
fn logistic_regression_predict() {
    let w = array![[0.1124579, 0.23106775]];
    let net = Network::from_parameters(vec![(w, array![[-0.3]])], &[Activation::Sigmoid]).unwrap();
    let x = array![[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]];
    assert_eq!(net.predict(&x, 0.5).unwrap(), array![[1.0, 1.0, 0.0]]);
}

#[test]
fn sigmoid_of_zero_and_two() {
    let a = Activation::Sigmoid.apply(&array![[0.0, 2.0]]);
    assert_abs_diff_eq!(a, array![[0.5, 0.88079708]], epsilon = 1e-8);
}

/// The computation graph of the course's "Derivatives with a computation graph" video:
/// J = 3(a + bc) at a = 5, b = 3, c = 2: u = 6, v = 11, J = 33; dJ/dv = 3, dJ/du = 3,
/// dJ/da = 3, dJ/db = 6, dJ/dc = 9.
#[test]
fn computation_graph_j_equals_3_times_a_plus_bc() -> ndnet::Result<()> {
    let mut g = ndnet::graph::Graph::new();
    let (a, b, c) = (g.input(5.0), g.input(3.0), g.input(2.0));
    let u = g.mul(b, c)?;
    let v = g.add(a, u)?;
    let j = g.scale(v, 3.0)?;
    assert_eq!((g.value(u)?, g.value(v)?, g.value(j)?), (6.0, 11.0, 33.0));
    let d = g.backward(j)?;
    let dj = |n| d.get(n);
    assert_eq!(
        (dj(j)?, dj(v)?, dj(u)?, dj(a)?, dj(b)?, dj(c)?),
        (1.0, 3.0, 3.0, 3.0, 6.0, 9.0)
    );
    // A node of another graph is an error naming the argument, not a panic or a wrong value.
    let other = ndnet::graph::Graph::new();
    assert!(matches!(
        other.value(j),
        Err(ndnet::Error::InvalidArgument { argument: "node", .. })
    ));
    Ok(())
}

/// The deep-network assignment's `L_model_forward` test shapes: a [5, 4, 3, 1] net with ReLU
/// hidden units caches Z and A of the right shapes.
#[test]
fn deep_forward_caches_the_right_shapes() {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut net = Network::<f64>::new(
        &[5, 4, 3, 1],
        Activation::Relu,
        Activation::Sigmoid,
        ndnet::Initializer::He,
        &mut rng,
    )
    .unwrap();
    let x = Array2::from_elem((5, 4), 0.5);
    assert_eq!(net.forward(&x).unwrap().dim(), (1, 4));
    let shapes: Vec<_> = net
        .layers()
        .iter()
        .map(|l| (l.w().dim(), l.b().dim(), l.z().dim(), l.a().dim()))
        .collect();
    assert_eq!(
        shapes,
        vec![
            ((4, 5), (4, 1), (4, 4), (4, 4)),
            ((3, 4), (3, 1), (3, 4), (3, 4)),
            ((1, 3), (1, 1), (1, 4), (1, 4))
        ]
    );
}
