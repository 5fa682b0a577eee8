//! The course's for-loop logistic regression and the vectorized one agree.

use ndarray::Array2;
use ndnet::{GradientDescent, Network, TrainConfig, looped};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

#[test]
fn same_parameters_after_100_steps() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let (n_x, m) = (30, 50);
    let x = Array2::from_shape_simple_fn((n_x, m), || {
        let v: f64 = StandardNormal.sample(&mut rng);
        v
    });
    let y = Array2::from_shape_fn((1, m), |(_, i)| if x[[0, i]] + x[[1, i]] > 0.0 { 1.0 } else { 0.0 });

    let (w_looped, b_looped) = looped::optimize(Array2::zeros((n_x, 1)), 0.0, &x, &y, 100, 0.05).unwrap();

    let mut net = Network::logistic_regression(n_x).unwrap();
    net.fit(&x, &y, &mut GradientDescent::new(0.05).unwrap(), &TrainConfig::new(100))
        .unwrap();
    let layer = net.layer(1).unwrap();

    let w_diff = (&layer.w().t() - &w_looped)
        .mapv(f64::abs)
        .fold(0.0, |a: f64, &b| a.max(b));
    assert!(w_diff < 1e-10, "max |w_vectorized − w_looped| = {w_diff:e}");
    assert!((layer.b()[[0, 0]] - b_looped).abs() < 1e-10);
    // And it learned something: the weights on the two informative features dominate.
    assert!(w_looped[[0, 0]] > 0.3 && w_looped[[1, 0]] > 0.3);
}

#[test]
fn looped_dot_equals_ndarray_dot() {
    let a: Vec<f64> = (0..1000).map(|i| (i as f64).sin()).collect();
    let b: Vec<f64> = (0..1000).map(|i| (i as f64).cos()).collect();
    let vectorized = ndarray::aview1(&a).dot(&ndarray::aview1(&b));
    assert!((looped::dot(&a, &b).unwrap() - vectorized).abs() < 1e-12);
    assert!(looped::dot(&a, &b[..3]).is_err());
}

/// `fit` trains logistic regression with a fused one-pass loop (split across threads); it
/// must agree with the textbook step (forward, backward, update) run by hand.
#[test]
fn fused_logistic_fit_equals_step_by_step_training() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let (n_x, m) = (700, 300); // big enough for the fused loop to use two threads
    let x = Array2::from_shape_simple_fn((n_x, m), || {
        let v: f64 = StandardNormal.sample(&mut rng);
        v
    });
    let y = Array2::from_shape_fn((1, m), |(_, i)| if x[[3, i]] - x[[5, i]] > 0.0 { 1.0 } else { 0.0 });

    let mut fused = Network::logistic_regression(n_x).unwrap();
    let history = fused
        .fit(
            &x,
            &y,
            &mut GradientDescent::new(0.01).unwrap(),
            &TrainConfig::new(50).record_every(1),
        )
        .unwrap();

    let mut stepped = Network::logistic_regression(n_x).unwrap();
    let mut optimizer = GradientDescent::new(0.01).unwrap();
    let costs: Vec<f64> = (0..50)
        .map(|_| stepped.train_step(&x, &y, &mut optimizer).unwrap())
        .collect();

    let max_diff = |a: ndarray::ArrayView2<f64>, b: ndarray::ArrayView2<f64>| {
        assert_eq!(a.dim(), b.dim());
        (&a - &b).mapv(f64::abs).fold(0.0_f64, |acc, &v| acc.max(v))
    };
    let (f, s) = (fused.layer(1).unwrap(), stepped.layer(1).unwrap());
    assert!(
        max_diff(f.w(), s.w()) < 1e-12,
        "w differs by {:e}",
        max_diff(f.w(), s.w())
    );
    assert!(max_diff(f.b(), s.b()) < 1e-12);
    // The caches a learner inspects after training are those of the last iteration, as in the textbook loop.
    assert!(max_diff(f.z(), s.z()) < 1e-12);
    assert!(max_diff(f.a(), s.a()) < 1e-12);
    assert!(max_diff(f.dw(), s.dw()) < 1e-12);
    assert!(max_diff(f.db(), s.db()) < 1e-12);
    for (record, cost) in history.records.iter().zip(&costs) {
        assert!((record.cost - cost).abs() < 1e-12);
    }
    assert!(costs[49] < costs[0]);
}
