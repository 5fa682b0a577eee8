//! Helpers shared by the save/load tests.

use std::fs;
use std::path::PathBuf;

use ndarray::Array2;
use ndnet::io::Format;
use ndnet::{Activation, Cost, Float, Initializer, Network};
use rand::{RngExt, SeedableRng};

/// Every format this build saves in.
pub const FORMATS: &[Format] = &[
    Format::Json,
    #[cfg(feature = "safetensors")]
    Format::Safetensors,
];

pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndnet-save-load-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A network using every savable activation, MSE cost, random non-zero biases.
pub fn network<F: Float>(seed: u64) -> Network<F> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut net = Network::<F>::from_layers(
        3,
        &[
            (6, Activation::Relu),
            (5, Activation::LeakyRelu { slope: 0.05 }),
            (4, Activation::Tanh),
            (3, Activation::Linear),
            (1, Activation::Sigmoid),
        ],
        Initializer::Xavier,
        &mut rng,
    )
    .unwrap()
    .with_cost(Cost::MeanSquaredError)
    .unwrap();
    for l in 1..=net.depth() {
        let (_, mut b) = net.layer_mut(l).unwrap().parameters_mut();
        b.mapv_inplace(|_| F::from_f64(rng.random_range(-1.0..1.0)));
    }
    net
}

pub fn inputs<F: Float>(n_x: usize) -> Array2<F> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    Array2::from_shape_fn((n_x, 50), |_| F::from_f64(rng.random_range(-3.0..3.0)))
}

pub fn assert_identical<F: Float>(a: &Network<F>, b: &Network<F>) {
    assert_eq!(a.cost_function(), b.cost_function());
    for (la, lb) in a.layers().iter().zip(b.layers()) {
        assert_eq!(la.activation(), lb.activation());
        let bits = |m: ndarray::ArrayView2<F>| m.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(la.w()), bits(lb.w()));
        assert_eq!(bits(la.b()), bits(lb.b()));
    }
    let x = inputs::<F>(a.layer_sizes()[0]);
    let (pa, pb) = (a.predict_proba(&x).unwrap(), b.predict_proba(&x).unwrap());
    assert!(
        pa.iter()
            .zip(&pb)
            .all(|(u, v)| u.as_f64().to_bits() == v.as_f64().to_bits())
    );
}
