//! Training and prediction on odd views of X (transposed, sliced, reversed, broadcast) give
//! what they give on a standard-layout copy of the same values: the products behind them
//! (`ndnet::linalg::gemm`, the fused logistic-regression pass, the Gram form of the first
//! layer) pick their SIMD kernels only for views those accept, and never panic on the others.
//! The copy takes the fast paths that need standard layout (the fused logistic pass, the
//! column-major copy), the views take the general ones: the results agree up to rounding.

use ndarray::{Array2, ArrayView2, s};
use ndnet::{Activation, Float, GradientDescent, Initializer, Network, TrainConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Uniform};

fn random<F: Float>(shape: (usize, usize), rng: &mut StdRng) -> Array2<F> {
    let u = Uniform::new(-1.0, 1.0).expect("a valid range");
    Array2::from_shape_simple_fn(shape, || F::from_f64(u.sample(rng)))
}

/// The storages of the views of an (n_x, m) X, each with its own random values.
struct Storages<F> {
    transposed: Array2<F>,
    sliced: Array2<F>,
    reversed: Array2<F>,
    row: Array2<F>,
    column: Array2<F>,
}

impl<F: Float> Storages<F> {
    fn new((n_x, m): (usize, usize), rng: &mut StdRng) -> Self {
        Storages {
            transposed: random((m, n_x), rng),
            sliced: random((2 * n_x + 1, 3 * m + 2), rng),
            reversed: random((n_x, m), rng),
            row: random((1, m), rng),
            column: random((n_x, 1), rng),
        }
    }

    /// (name, view): transposed, every other row and third column, reversed examples, reversed
    /// features, one row repeated (row stride 0) and one column repeated (column stride 0).
    fn views(&self, shape: (usize, usize)) -> Vec<(&'static str, ArrayView2<'_, F>)> {
        vec![
            ("transposed", self.transposed.t()),
            ("sliced", self.sliced.slice(s![1..;2, 2..;3])),
            ("reversed examples", self.reversed.slice(s![.., ..;-1])),
            ("reversed features", self.reversed.slice(s![..;-1, ..])),
            ("broadcast row", self.row.broadcast(shape).expect("(1, m) broadcasts")),
            (
                "broadcast column",
                self.column.broadcast(shape).expect("(n_x, 1) broadcasts"),
            ),
        ]
    }
}

/// Labels 1 where the sum of the first two features is positive.
fn labels<F: Float>(x: ArrayView2<F>) -> Array2<F> {
    Array2::from_shape_fn((1, x.ncols()), |(_, j)| {
        if x[[0, j]] + x[[1, j]] > F::zero() {
            F::one()
        } else {
            F::zero()
        }
    })
}

fn assert_close<F: Float>(what: &str, got: ArrayView2<F>, want: ArrayView2<F>, tol: f64) {
    for ((idx, &g), &w) in got.indexed_iter().zip(want.iter()) {
        let (g, w) = (g.as_f64(), w.as_f64());
        assert!(
            (g - w).abs() <= tol * (1.0 + w.abs()),
            "{} {what} at {idx:?}: {g} vs {w}",
            F::NAME
        );
    }
}

/// Trains a fresh copy of `net` on each view and on its standard-layout copy; the parameters
/// and the predicted probabilities must agree.
fn check<F: Float>(net: &Network<F>, shape: (usize, usize), iterations: usize, tol: f64, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let storages = Storages::<F>::new(shape, &mut rng);
    let config = TrainConfig::new(iterations);
    for (name, x) in storages.views(shape) {
        let copy = x.as_standard_layout().into_owned();
        let y = labels(copy.view());
        let mut on_view = net.clone();
        let mut on_copy = net.clone();
        let optimizer = || GradientDescent::new(0.5).expect("a valid learning rate");
        on_view.fit((&x, &y), &mut optimizer(), &config).expect("training runs");
        on_copy
            .fit((&copy, &y), &mut optimizer(), &config)
            .expect("training runs");
        for (l, (lv, lc)) in on_view.layers().iter().zip(on_copy.layers()).enumerate() {
            assert_close(&format!("{name}: W[{}]", l + 1), lv.w(), lc.w(), tol);
            assert_close(&format!("{name}: b[{}]", l + 1), lv.b(), lc.b(), tol);
        }
        let p_view = on_copy.predict_proba(&x).expect("X fits");
        let p_copy = on_copy.predict_proba(&copy).expect("X fits");
        assert_close(&format!("{name}: predict_proba"), p_view.view(), p_copy.view(), tol);
    }
}

/// Logistic regression: the copy takes the fused pass (70 features: 8 blocks of 8 rows and a
/// tail, m = 2003 is not a multiple of the vector width; 140 000 elements, two blocks of
/// threads), the views the general path.
fn logistic<F: Float>(tol: f64) {
    let shape = (70, 2003);
    let net = Network::<F>::logistic_regression(shape.0).expect("n_x ≥ 1");
    check(&net, shape, 40, tol, 5);
}

/// Two layers, wide X (the plain products) and tall X (m ≤ n_x / 4: the Gram form).
fn two_layers<F: Float>(tol: f64) {
    for (shape, seed) in [((20, 301), 6), ((240, 41), 7)] {
        let mut rng = StdRng::seed_from_u64(seed);
        let net = Network::<F>::new(
            &[shape.0, 9, 1],
            Activation::Relu,
            Activation::Sigmoid,
            Initializer::He,
            &mut rng,
        )
        .expect("valid sizes");
        check(&net, shape, 25, tol, seed);
    }
}

#[test]
fn logistic_regression_on_views_matches_a_standard_copy_f64() {
    logistic::<f64>(1e-10);
}

#[test]
fn logistic_regression_on_views_matches_a_standard_copy_f32() {
    logistic::<f32>(1e-4);
}

#[test]
fn two_layers_on_views_match_a_standard_copy_f64() {
    two_layers::<f64>(1e-10);
}

#[test]
fn two_layers_on_views_match_a_standard_copy_f32() {
    two_layers::<f32>(1e-4);
}

/// Parameters given as odd arrays: W and b strided (`slice_move` with a step) or column-major
/// (`reversed_axes`). The network stores them in standard layout, so every training path — the
/// fused logistic pass and the Gram form need contiguous rows of W — gives the same bits as
/// with standard copies (this used to panic in the fused logistic pass).
#[test]
fn parameters_given_as_strided_or_column_major_arrays_train_like_standard_ones() {
    let mut rng = StdRng::seed_from_u64(7);
    let x = random::<f64>((6, 40), &mut rng);
    let y = labels(x.view());
    let wide = random::<f64>((3, 12), &mut rng);
    let bias = random::<f64>((3, 2), &mut rng);
    let w_out = random::<f64>((3, 1), &mut rng);
    // Logistic regression (the fused pass) and [6, 3, 1] (the Gram form: m ≤ n_x / 4 fails
    // here, so the textbook path; with batch 8, mini-batches).
    let odd_logistic = vec![(
        wide.row(0)
            .to_owned()
            .insert_axis(ndarray::Axis(0))
            .slice_move(s![.., ..;2]),
        bias.slice(s![..1, ..1]).to_owned(),
    )];
    let odd_two = vec![
        (
            wide.clone().slice_move(s![.., ..;2]),
            bias.clone().slice_move(s![.., ..1]),
        ),
        (w_out.clone().reversed_axes(), Array2::zeros((1, 1))),
    ];
    for (parameters, activations) in [
        (odd_logistic, vec![Activation::Sigmoid]),
        (odd_two, vec![Activation::Tanh, Activation::Sigmoid]),
    ] {
        assert!(parameters.iter().any(|(w, _)| !w.is_standard_layout()));
        let standard: Vec<_> = parameters
            .iter()
            .map(|(w, b)| (w.as_standard_layout().into_owned(), b.as_standard_layout().into_owned()))
            .collect();
        for config in [TrainConfig::new(5), TrainConfig::new(5).batch_size(8)] {
            let mut odd = Network::from_parameters(parameters.clone(), &activations).unwrap();
            let mut plain = Network::from_parameters(standard.clone(), &activations).unwrap();
            let h_odd = odd
                .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), &config)
                .unwrap();
            let h_plain = plain
                .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), &config)
                .unwrap();
            assert_eq!(h_odd.plan.path, h_plain.plan.path);
            for l in 1..=odd.depth() {
                assert_eq!(
                    odd.layer(l).unwrap().w(),
                    plain.layer(l).unwrap().w(),
                    "{:?}",
                    h_odd.plan.path
                );
                assert_eq!(odd.layer(l).unwrap().b(), plain.layer(l).unwrap().b());
            }
        }
    }
}
