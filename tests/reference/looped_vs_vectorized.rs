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
    net.fit(
        (&x, &y),
        &mut GradientDescent::new(0.05).unwrap(),
        TrainConfig::new(100),
    )
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

/// `fit` trains logistic regression with a fused one-pass loop (split across threads), or for
/// few examples next to the features with the Gram matrix XᵀX and no pass over X at all; both
/// must agree with the textbook step (forward, backward, update) run by hand.
fn fast_logistic_fit_equals_step_by_step_training(n_x: usize, m: usize) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let x = Array2::from_shape_simple_fn((n_x, m), || {
        let v: f64 = StandardNormal.sample(&mut rng);
        v
    });
    let y = Array2::from_shape_fn((1, m), |(_, i)| if x[[3, i]] - x[[5, i]] > 0.0 { 1.0 } else { 0.0 });

    let mut fused = Network::logistic_regression(n_x).unwrap();
    let history = fused
        .fit(
            (&x, &y),
            &mut GradientDescent::new(0.01).unwrap(),
            TrainConfig::new(50).record_every(1),
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
    assert!(
        max_diff(f.z(), s.z()) < 1e-11,
        "Z differs by {:e}",
        max_diff(f.z(), s.z())
    );
    assert!(max_diff(f.a(), s.a()) < 1e-12);
    assert!(max_diff(f.dw(), s.dw()) < 1e-12);
    assert!(max_diff(f.db(), s.db()) < 1e-12);
    assert_eq!(history.records.len(), 50);
    for (record, cost) in history.records.iter().zip(&costs) {
        assert!((record.cost - cost).abs() < 1e-12);
    }
    assert!(costs[49] < costs[0]);
}

#[test]
fn fused_logistic_fit_equals_step_by_step_training() {
    fast_logistic_fit_equals_step_by_step_training(700, 300); // big enough for two threads
}

#[test]
fn gram_logistic_fit_equals_step_by_step_training() {
    fast_logistic_fit_equals_step_by_step_training(2000, 100); // m ≤ n_x / 4: the Gram form
}

/// The Gram form in f32 keeps the sum of the dZ in f64: after 2000 steps (to a cost of about
/// 0.006) its parameters stay as close to step-by-step f64 training as step-by-step f32
/// training does (measured: 4.2e-7 against 2.5e-7, for weights up to 0.42).
#[test]
fn gram_logistic_fit_in_f32_stays_close_to_f64() {
    let (n_x, m) = (1200, 60);
    let x = Array2::from_shape_fn((n_x, m), |(i, j)| (((i * 31 + j * 17) % 101) as f64 / 101.0) - 0.4);
    let y = Array2::from_shape_fn((1, m), |(_, j)| (x[[7, j]] > 0.1) as u8 as f64);
    let config = TrainConfig::new(2000).record_every(2000);
    // The reference: f64, step by step (the textbook loop, not the Gram form).
    let mut exact = Network::<f64>::logistic_regression(n_x).unwrap();
    let mut gd = GradientDescent::new(0.05).unwrap();
    for _ in 0..2000 {
        exact.train_step(&x, &y, &mut gd).unwrap();
    }
    let (x32, y32) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    let mut gram = Network::<f32>::logistic_regression(n_x).unwrap();
    gram.fit((&x32, &y32), &mut GradientDescent::new(0.05).unwrap(), &config)
        .unwrap();
    let mut stepped = Network::<f32>::logistic_regression(n_x).unwrap();
    let mut gd = GradientDescent::new(0.05).unwrap();
    for _ in 0..2000 {
        stepped.train_step(&x32, &y32, &mut gd).unwrap();
    }
    let error = |net: &Network<f32>| {
        let w = net.layer(1).unwrap().w().mapv(f64::from);
        (&w - &exact.layer(1).unwrap().w())
            .mapv(f64::abs)
            .fold(0.0_f64, |a, &v| a.max(v))
    };
    let scale = exact
        .layer(1)
        .unwrap()
        .w()
        .mapv(f64::abs)
        .fold(0.0_f64, |a, &v| a.max(v));
    assert!(
        error(&gram) < 1e-4 * scale,
        "Gram f32 error {:e} (scale {scale:e})",
        error(&gram)
    );
    assert!(
        error(&gram) < 4.0 * error(&stepped).max(1e-7 * scale),
        "Gram f32 error {:e}, step-by-step f32 error {:e}",
        error(&gram),
        error(&stepped)
    );
}

/// A learning rate that overflows Z stops both fast paths with `Diverged`, the parameters
/// left finite, as step-by-step training does.
#[test]
fn fast_logistic_fits_report_divergence_and_keep_finite_parameters() {
    for (n_x, m) in [(700, 300), (2000, 100)] {
        let x = Array2::from_shape_fn((n_x, m), |(i, j)| ((i * 7 + j * 13) % 19) as f64 * 1e8);
        let y = Array2::from_shape_fn((1, m), |(_, j)| (j % 2) as f64);
        let mut net = Network::logistic_regression(n_x).unwrap();
        let err = net
            .fit(
                (&x, &y),
                &mut GradientDescent::new(1e290).unwrap(),
                TrainConfig::new(100),
            )
            .unwrap_err();
        match err {
            ndnet::Error::Diverged {
                iteration,
                last_finite_cost,
                what,
            } => {
                assert!(iteration >= 1, "({n_x}, {m}): iteration {iteration}");
                assert!(what.contains("Z[1]"), "({n_x}, {m}): {what}");
                assert!(last_finite_cost.is_some_and(f64::is_finite));
            }
            other => panic!("({n_x}, {m}): expected Diverged, got {other}"),
        }
        let layer = net.layer(1).unwrap();
        assert!(layer.w().iter().chain(layer.b()).all(|v| v.is_finite()), "({n_x}, {m})");
    }
}
