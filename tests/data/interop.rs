//! The `.safetensors` round trip against Python's `safetensors` package and numpy, both ways
//! (ignored by default: it needs Python).
//!
//! Run with `NDNET_PYTHON=python3 cargo test --release --all-features --test data interop:: -- --ignored`,
//! where `NDNET_PYTHON` names a Python that imports `safetensors` and `numpy`. `.ci/run` sets it
//! when one is available (installing the packages with pip if needed) and otherwise skips these
//! tests with a message; without it they fail rather than pass without checking anything.
//!
//! * Python → ndnet: a course student's parameters dictionary (`W1`, `b1`, `W2`, `b2`, numpy
//!   float64, `b` of shape (n, 1)) saved with `safetensors.numpy.save_file`, and a float32 one of
//!   three layers; ndnet loads each and must predict what numpy's forward pass of the course
//!   computed in the same script.
//! * ndnet → Python: ndnet saves two networks (f64 and f32); Python loads them with
//!   `safetensors.numpy.load_file` and `safe_open` and checks the names, shapes, dtypes, every
//!   value (exactly), the metadata, and numpy's forward pass against ndnet's predictions.
//! * A tabular model (feature `csv`): Python reads its tensors and, from the metadata, its
//!   preprocessing as JSON.
//!
//! The tolerances are the float types' rounding of a different summation order: 1e-12 for f64
//! (measured: at most a few 1e-16), 1e-5 for f32 (measured: about 1e-7).
#![cfg(feature = "safetensors")]

use std::path::{Path, PathBuf};

use ndarray::Array2;
use ndnet::io::Format;
use ndnet::{Activation, Cost, Float, Initializer, Network};
use rand::{RngExt, SeedableRng};

use crate::common::{run_python, scratch_dir};

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    scratch_dir(&format!("interop-{name}"))
}

/// A CSV of one example per row (no header) as a column-per-example matrix.
fn read_columns<F: Float>(path: &Path) -> Array2<F> {
    let text = std::fs::read_to_string(path).expect("Python wrote the file");
    let rows: Vec<Vec<F>> = text
        .lines()
        .map(|line| {
            line.split(',')
                .map(|v| F::from_f64(v.trim().parse::<f64>().expect("a number")))
                .collect()
        })
        .collect();
    Array2::from_shape_fn((rows[0].len(), rows.len()), |(i, j)| rows[j][i])
}

/// Writes a column-per-example matrix as CSV rows, each value in its shortest exact form.
fn write_rows<F: Float>(path: &Path, m: &Array2<F>) {
    let text: String = m
        .columns()
        .into_iter()
        .map(|c| c.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",") + "\n")
        .collect();
    std::fs::write(path, text).expect("the temporary folder is writable");
}

fn max_abs_difference<F: Float>(a: &Array2<F>, b: &Array2<F>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x.as_f64() - y.as_f64()).abs())
        .fold(0.0, f64::max)
}

/// Saves a course student's parameters from numpy, with numpy's forward pass on random X.
const PYTHON_SAVES: &str = r#"
import sys
import numpy as np
from safetensors.numpy import save_file

out = sys.argv[1]
rng = np.random.default_rng(2026)

def relu(z): return np.maximum(z, 0)
def sigmoid(z): return 1 / (1 + np.exp(-z))
def leaky(z): return np.where(z > 0, z, 0.1 * z)
def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)

def save(name, dims, gs, names, dtype):
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = (rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])).astype(dtype)
        parameters[f"b{l}"] = (0.1 * rng.standard_normal((dims[l], 1))).astype(dtype)
    X = rng.standard_normal((dims[0], 40)).astype(dtype)
    A = X
    for l, g in enumerate(gs, start=1):
        A = g(parameters[f"W{l}"] @ A + parameters[f"b{l}"])
    assert A.dtype == dtype
    save_file(parameters, f"{out}/{name}.safetensors", metadata={"activations": names})
    fmt = "%.17g" if dtype == np.float64 else "%.9g"
    np.savetxt(f"{out}/{name}_x.csv", X.T, delimiter=",", fmt=fmt)
    np.savetxt(f"{out}/{name}_y.csv", A.T, delimiter=",", fmt=fmt)

# The course's two-layer model: LINEAR -> RELU -> LINEAR -> SIGMOID, parameters W1, b1, W2, b2.
save("two_layer", [4, 7, 1], [relu, sigmoid], "relu,sigmoid", np.float64)
save("three_layer_f32", [3, 6, 5, 4], [leaky, np.tanh, softmax], "leaky_relu:0.1, tanh, softmax", np.float32)
print("saved")
"#;

#[test]
#[ignore = "needs Python with safetensors and numpy: NDNET_PYTHON=python3 cargo test --all-features -- --ignored"]
fn python_parameters_load_into_ndnet_and_predict_as_numpy() {
    let dir = scratch("from-python");
    assert!(run_python(PYTHON_SAVES, &[&dir]).contains("saved"));

    let net = Network::<f64>::load(dir.join("two_layer.safetensors")).expect("numpy's file loads");
    assert_eq!(net.layer_sizes(), vec![4, 7, 1]);
    assert_eq!(net.cost_function(), Cost::BinaryCrossEntropy);
    let x = read_columns::<f64>(&dir.join("two_layer_x.csv"));
    let numpy = read_columns::<f64>(&dir.join("two_layer_y.csv"));
    let diff64 = max_abs_difference(&net.predict_proba(&x).unwrap(), &numpy);
    assert!(diff64 < 1e-12, "f64: ndnet and numpy differ by {diff64:e}");

    let net = Network::<f32>::load(dir.join("three_layer_f32.safetensors")).expect("numpy's file loads");
    assert_eq!(net.layer_sizes(), vec![3, 6, 5, 4]);
    assert_eq!(net.layer(1).unwrap().activation(), Activation::LeakyRelu { slope: 0.1 });
    assert_eq!(net.cost_function(), Cost::CategoricalCrossEntropy);
    assert!(Network::<f64>::load(dir.join("three_layer_f32.safetensors")).is_err());
    let x = read_columns::<f32>(&dir.join("three_layer_f32_x.csv"));
    let numpy = read_columns::<f32>(&dir.join("three_layer_f32_y.csv"));
    let diff32 = max_abs_difference(&net.predict_proba(&x).unwrap(), &numpy);
    assert!(diff32 < 1e-5, "f32: ndnet and numpy differ by {diff32:e}");
    eprintln!("Python → ndnet: max |ndnet − numpy| = {diff64:e} (f64), {diff32:e} (f32)");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Loads ndnet's files in Python and checks them against the values ndnet wrote as text.
const PYTHON_LOADS: &str = r#"
import sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

folder = sys.argv[1]
report = []
for name, dtype, float_type, sizes, names, cost, tolerance in [
    ("ndnet_f64", np.float64, "f64", "6,5,4,3", "leaky_relu:0.05,tanh,softmax", "categorical_cross_entropy", 1e-12),
    ("ndnet_f32", np.float32, "f32", "3,8,2", "relu,sigmoid", "mean_squared_error", 1e-5),
]:
    path = f"{folder}/{name}.safetensors"
    parameters = load_file(path)
    with safe_open(path, "np") as f:
        metadata = f.metadata()
    assert metadata == {
        "format": "ndnet-model",
        "version": "1",
        "float": float_type,
        "cost": cost,
        "layer_sizes": sizes,
        "activations": names,
    }, metadata
    expected = {}
    for line in open(f"{folder}/{name}_parameters.txt"):
        key, rows, cols, *values = line.split()
        expected[key] = np.array([float(v) for v in values], dtype=dtype).reshape(int(rows), int(cols))
    assert sorted(parameters) == sorted(expected), (sorted(parameters), sorted(expected))
    for key, value in expected.items():
        got = parameters[key]
        assert got.dtype == dtype, (key, got.dtype)
        assert got.shape == value.shape, (key, got.shape, value.shape)
        assert np.array_equal(got, value), key
    L = len(parameters) // 2
    for l in range(1, L + 1):
        assert parameters[f"W{l}"].shape[0] == parameters[f"b{l}"].shape[0]
        assert parameters[f"b{l}"].shape[1] == 1
        if l > 1:
            assert parameters[f"W{l}"].shape[1] == parameters[f"W{l - 1}"].shape[0]
    gs = {
        "relu": lambda z: np.maximum(z, 0),
        "tanh": np.tanh,
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "leaky_relu:0.05": lambda z: np.where(z > 0, z, dtype(0.05) * z),
        "softmax": lambda z: np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0),
    }
    A = np.loadtxt(f"{folder}/{name}_x.csv", delimiter=",", dtype=dtype, ndmin=2).T
    for l, g in enumerate(metadata["activations"].split(","), start=1):
        A = gs[g](parameters[f"W{l}"] @ A + parameters[f"b{l}"])
    ndnet = np.loadtxt(f"{folder}/{name}_predictions.csv", delimiter=",", dtype=np.float64, ndmin=2).T
    difference = float(np.abs(A.astype(np.float64) - ndnet).max())
    assert difference < tolerance, (name, difference)
    report.append(f"{name} {difference:.3e}")
print("ok", "; ".join(report))
"#;

/// Writes `net`'s file, its parameters as text, X and its predictions for the Python side.
fn export<F: Float>(net: &Network<F>, dir: &Path, name: &str, rng: &mut rand::rngs::StdRng) {
    net.save(dir.join(format!("{name}.safetensors")), Format::Safetensors)
        .expect("the network saves");
    let mut text = String::new();
    for (l, layer) in net.layers().iter().enumerate() {
        for (key, m) in [("W", layer.w()), ("b", layer.b())] {
            let values: Vec<String> = m.iter().map(|v| v.to_string()).collect();
            text += &format!("{key}{} {} {} {}\n", l + 1, m.nrows(), m.ncols(), values.join(" "));
        }
    }
    std::fs::write(dir.join(format!("{name}_parameters.txt")), text).unwrap();
    let n_x = net.layer_sizes()[0];
    let x = Array2::from_shape_simple_fn((n_x, 30), || F::from_f64(rng.random_range(-2.0..2.0)));
    write_rows(&dir.join(format!("{name}_x.csv")), &x);
    write_rows(
        &dir.join(format!("{name}_predictions.csv")),
        &net.predict_proba(&x).unwrap(),
    );
}

#[test]
#[ignore = "needs Python with safetensors and numpy: NDNET_PYTHON=python3 cargo test --all-features -- --ignored"]
fn ndnet_models_load_in_python_with_the_course_names() {
    let dir = scratch("to-python");
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let layers = [
        (5, Activation::LeakyRelu { slope: 0.05 }),
        (4, Activation::Tanh),
        (3, Activation::Softmax),
    ];
    let net64 = Network::<f64>::from_layers(6, &layers, Initializer::Xavier, &mut rng).unwrap();
    export(&net64, &dir, "ndnet_f64", &mut rng);
    let net32 = Network::<f32>::new(
        &[3, 8, 2],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap()
    .with_cost(Cost::MeanSquaredError)
    .unwrap();
    export(&net32, &dir, "ndnet_f32", &mut rng);
    let report = run_python(PYTHON_LOADS, &[&dir]);
    assert!(report.starts_with("ok"), "{report}");
    eprintln!("ndnet → Python: max |numpy − ndnet|: {}", report.trim());
    std::fs::remove_dir_all(dir).unwrap();
}

/// Reads a tabular model's file in Python: the parameters as tensors and its preprocessing as
/// the JSON text of the metadata key `"preprocessing"`; prints the feature names and W1's shape.
#[cfg(feature = "csv")]
const PYTHON_READS_A_TABULAR_MODEL: &str = r#"
import json
import sys
from safetensors import safe_open

with safe_open(sys.argv[1], "np") as f:
    metadata = f.metadata()
    w1 = f.get_tensor("W1")
preprocessing = json.loads(metadata["preprocessing"])
print(",".join(preprocessing["feature_names"]), w1.shape, metadata["layer_sizes"])
"#;

#[cfg(feature = "csv")]
#[test]
#[ignore = "needs Python with safetensors and numpy: NDNET_PYTHON=python3 cargo test --all-features -- --ignored"]
fn a_tabular_model_is_readable_in_python_with_its_preprocessing() {
    use ndnet::tabular::{Table, TabularConfig};
    use ndnet::{GradientDescent, TabularModel, TrainConfig};
    let dir = scratch("tabular");
    let table = Table::from_reader("x,c,y\n1,a,Y\n2,b,N\n3,a,Y\n4,b,N\n".as_bytes(), "t.csv").unwrap();
    let (model, _) = TabularModel::<f32>::fit(
        &table,
        &TabularConfig::binary("y", "Y"),
        |n_x, _| Network::logistic_regression(n_x),
        &mut GradientDescent::new(0.5).unwrap(),
        TrainConfig::new(50),
    )
    .unwrap();
    let path = dir.join("tabular.safetensors");
    model.save(&path, Format::Safetensors).unwrap();
    let printed = run_python(PYTHON_READS_A_TABULAR_MODEL, &[&path]);
    assert_eq!(printed.trim(), "x,c=a,c=b (1, 3) 3,1");
    std::fs::remove_dir_all(dir).unwrap();
}
