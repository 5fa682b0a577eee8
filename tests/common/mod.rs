//! Fixtures shared by the test binaries: seeded random generators, the two network shapes most
//! tests train, the XOR setup, a network's parameters as bits, `.npy` bytes and scratch folders,
//! and the folder of the real data sets.
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

/// A softmax network of `classes` outputs on one input whose argmax is the class nearest to x
/// (logits c · x − c² / 2, the largest at c = round(x)): X = the classes to predict, one per
/// column, makes an evaluation of any class count without training.
pub fn nearest_class_network(classes: usize) -> Network<f64> {
    let w = Array2::from_shape_fn((classes, 1), |(c, _)| c as f64);
    let b = Array2::from_shape_fn((classes, 1), |(c, _)| -((c * c) as f64) / 2.0);
    Network::from_parameters(vec![(w, b)], &[Activation::Softmax]).unwrap()
}

/// An evaluation set for [`nearest_class_network`]: `m` examples of `classes` classes, the true
/// class of example j being (7 j) mod classes, predicted right except every `wrong_every`-th
/// example, predicted as the next class. Returns (X, Y one-hot, examples predicted wrong).
pub fn nearest_class_set(classes: usize, m: usize, wrong_every: usize) -> (Array2<f64>, Array2<f64>, usize) {
    let truth = |j: usize| (7 * j) % classes;
    let wrong = |j: usize| j % wrong_every == wrong_every - 1;
    let x = Array2::from_shape_fn((1, m), |(_, j)| {
        let t = truth(j);
        (if wrong(j) { (t + 1) % classes } else { t }) as f64
    });
    let y = Array2::from_shape_fn((classes, m), |(c, j)| f64::from(u8::from(truth(j) == c)));
    let wrong_count = (0..m).filter(|&j| wrong(j) && classes > 1).count();
    (x, y, wrong_count)
}

/// Every weight and bias of `net` (W[1], b[1], W[2], …) as bits (of the value as an f64, which
/// holds every f32 exactly): equal vectors mean bit-identical networks.
pub fn parameter_bits<F: Float>(net: &Network<F>) -> Vec<u64> {
    net.layers()
        .iter()
        .flat_map(|l| {
            l.w()
                .iter()
                .chain(l.b().iter())
                .map(|v| v.as_f64().to_bits())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A `.npy` file as numpy 2.4.6 writes it (version 1.0): the magic, the header dictionary with
/// `descr` (e.g. `"<f4"`), `fortran_order` and `shape` (e.g. `"(3, 2)"`), spaces and a newline
/// to a multiple of 64 bytes, then `data`. Tests make broken files by giving odd values.
pub fn npy_bytes(descr: &str, fortran_order: bool, shape: &str, data: &[u8]) -> Vec<u8> {
    let order = if fortran_order { "True" } else { "False" };
    let text = format!("{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}");
    let total = (10 + text.len() + 1).div_ceil(64) * 64;
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&u16::try_from(total - 10).unwrap().to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.resize(total - 1, b' ');
    bytes.push(b'\n');
    bytes.extend_from_slice(data);
    bytes
}

/// The little-endian bytes of `values` as float32 (`"<f4"`).
pub fn f32_bytes(values: impl IntoIterator<Item = f32>) -> Vec<u8> {
    values.into_iter().flat_map(f32::to_le_bytes).collect()
}

/// A fresh folder for one test's files, under the system's temporary folder.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndnet-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    dir
}

/// Writes `text` to `dir/name` and returns that path.
pub fn write_file(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the temporary folder is writable");
    path
}

/// The Python named by `NDNET_PYTHON` (the interop tests fail without it): one with numpy, and
/// the `safetensors` package for the `.safetensors` tests.
pub fn python() -> String {
    std::env::var("NDNET_PYTHON").unwrap_or_else(|_| {
        panic!(
            "NDNET_PYTHON is not set: it must name a Python with the `safetensors` and `numpy` packages \
             (e.g. NDNET_PYTHON=python3 after `pip install safetensors numpy`); .ci/run sets it when one is \
             available and skips this test otherwise"
        )
    })
}

/// Runs `script` with `args` in the Python of `NDNET_PYTHON`, failing with its output unless it
/// succeeds; returns what it printed.
pub fn run_python(script: &str, args: &[&std::path::Path]) -> String {
    let output = std::process::Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("NDNET_PYTHON can be started");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the Python side failed:\n{stdout}\n{stderr}");
    stdout
}

/// `$NDNET_DATA/<name>` (default `data/<name>`), asserting that it holds `file`: the real data
/// sets of the ignored tests (`NDNET_DATA=/path/to/data cargo test --release --features full -- --ignored`).
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
