//! Fixtures shared by the test binaries: seeded random generators, the two network shapes most
//! tests train, the XOR setup, a network's parameters as bits, and the folder of the real data
//! sets.
//!
//! Each binary includes this file with `#[path = "../common/mod.rs"] mod common;`; not every
//! binary uses every fixture.
#![allow(dead_code)]

use std::path::PathBuf;

use ndarray::Array2;
use ndnet::{Activation, Float, Initializer, Network, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The seeded generator every test draws from (never an unseeded one).
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A network with tanh hidden layers, a sigmoid output and Xavier weights drawn from `rng`.
pub fn tanh_network<F: Float>(layer_sizes: &[usize], rng: &mut StdRng) -> Network<F> {
    Network::new(
        layer_sizes,
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::Xavier,
        rng,
    )
    .unwrap()
}

/// A network with ReLU hidden layers, a sigmoid output and He weights drawn from `rng`.
pub fn relu_network<F: Float>(layer_sizes: &[usize], rng: &mut StdRng) -> Network<F> {
    Network::new(layer_sizes, Activation::Relu, Activation::Sigmoid, Initializer::He, rng).unwrap()
}

/// Linear regression for `TabularModel::fit` and `cross_validate` (softmax regression is
/// `Network::softmax_regression`): one zero-initialised linear unit (n_y = 1) on n_x features,
/// mean squared error (the linear output's cost).
pub fn linear_regression<F: Float>(n_x: usize, n_y: usize) -> ndnet::Result<Network<F>> {
    Network::from_layers(n_x, &[(n_y, Activation::Linear)], Initializer::Zeros, &mut rng(0))
}

/// The XOR data (X is (2, 4)) and a 2-4-1 tanh network seeded with `seed`: XOR needs the hidden
/// layer.
pub fn xor_setup<F: Float>(seed: u64) -> (Array2<F>, Array2<F>, Network<F>) {
    let (x, y) = data::xor::<F>();
    let net = tanh_network(&[2, 4, 1], &mut rng(seed));
    (x, y, net)
}

/// Every weight and bias of `net` (W[1], b[1], W[2], …) as bits: equal vectors mean
/// bit-identical networks.
pub fn parameter_bits(net: &Network<f64>) -> Vec<u64> {
    net.layers()
        .iter()
        .flat_map(|l| {
            l.w()
                .iter()
                .chain(l.b().iter())
                .map(|v| v.to_bits())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `$NDNET_DATA/<name>` (default `data/<name>`), asserting that it holds `file`: the real data
/// sets of the ignored tests (`NDNET_DATA=/path/to/data cargo test --release --all-features -- --ignored`).
pub fn data_path(name: &str, file: &str) -> PathBuf {
    let root = std::env::var_os("NDNET_DATA").unwrap_or_else(|| "data".into());
    let dir = PathBuf::from(root).join(name);
    assert!(
        dir.join(file).is_file(),
        "{} has no {file}: set NDNET_DATA to the data folder",
        dir.display()
    );
    dir
}

#[cfg(feature = "report")]
pub mod browser;
