//! Trains a small multi-class network and exports it for Python: `DIR/model.safetensors` (the
//! parameters W1, b1, …, W3, b3; the activations, cost and layer sizes in the metadata), `DIR/x.csv` (the inputs, one example per
//! row, no header) and `DIR/predictions.csv` (ndnet's output probabilities, one row per example).
//!
//! Data: the planar flower (600 points, seeded) cut into three classes — inside the petals,
//! and the two halves of the outside; 80 % to train, 20 % held out. Network: [2, 16, 8, 3] with
//! leaky ReLU (slope 0.01) and tanh hidden layers and a softmax output, Adam, 2000 iterations.
//!
//! Check it in Python with numpy's forward pass of the course:
//!
//! ```text
//! import numpy as np
//! from safetensors import safe_open
//! from safetensors.numpy import load_file
//! p = load_file("DIR/model.safetensors")
//! with safe_open("DIR/model.safetensors", "np") as f:
//!     print(f.metadata())          # {'activations': 'leaky_relu:0.01,tanh,softmax', 'cost': …, 'layer_sizes': '2,16,8,3', …}
//! A = np.loadtxt("DIR/x.csv", delimiter=",").T                  # X is (n_x, m)
//! Z = p["W1"] @ A + p["b1"]; A = np.where(Z > 0, Z, 0.01 * Z)
//! A = np.tanh(p["W2"] @ A + p["b2"])
//! Z = p["W3"] @ A + p["b3"]; A = np.exp(Z - Z.max(0)); A /= A.sum(0)
//! print(np.abs(A.T - np.loadtxt("DIR/predictions.csv", delimiter=",")).max())   # 5.6e-16 here
//! ```
//!
//! Run: `cargo run --release --example export_safetensors -- DIR` (feature `safetensors`, on by
//! default).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use ndnet::io::Format;
use ndnet::ndarray::ArrayView2;
use ndnet::rand::SeedableRng;
use ndnet::rand::rngs::StdRng;
use ndnet::{Activation, Adam, AdamConfig, Initializer, Network, TrainConfig, data};

const EXAMPLES: usize = 600;
const ITERATIONS: usize = 2000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: export_safetensors DIR (the folder to write model.safetensors, x.csv and predictions.csv to)")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    let mut rng = StdRng::seed_from_u64(7);
    let (x, flower) = data::planar_flower::<f64, _>(EXAMPLES, &mut rng)?;
    // Three classes: inside the petals (1), and the outside split by the sign of x₁ (0 and 2).
    let labels: Vec<usize> = (0..EXAMPLES)
        .map(|j| {
            if flower[[0, j]] == 1.0 {
                1
            } else if x[[0, j]] > 0.0 {
                2
            } else {
                0
            }
        })
        .collect();
    let y = data::one_hot::<f64, _>(&labels, 3)?;
    let split = data::train_test_split(&x, &y, 0.2, true, &mut rng)?;

    let layers = [
        (16, Activation::leaky_relu()),
        (8, Activation::Tanh),
        (3, Activation::Softmax),
    ];
    let mut net = Network::<f64>::from_layers(2, &layers, Initializer::He, &mut rng)?;
    println!("{net}");
    let start = Instant::now();
    let mut adam = Adam::new(AdamConfig::default().learning_rate(0.01))?;
    let history = net.fit(
        (&split.x_train, &split.y_train),
        &mut adam,
        TrainConfig::new(ITERATIONS),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let (train, test) = (
        net.accuracy(&split.x_train, &split.y_train)?,
        net.accuracy(&split.x_test, &split.y_test)?,
    );
    println!(
        "cost {:.4} → {:.4} in {ITERATIONS} iterations; accuracy: train {train:.4}, held out {test:.4}",
        history.first_cost().unwrap_or(f64::NAN),
        history.last_cost().unwrap_or(f64::NAN)
    );

    let model = dir.join("model.safetensors");
    net.save(&model, Format::Safetensors)?;
    let predictions = net.predict_proba(&x)?;
    write_rows(&dir.join("x.csv"), x.view())?;
    write_rows(&dir.join("predictions.csv"), predictions.view())?;
    // What Python will read back: the same network, bit for bit.
    let back = Network::<f64>::load(&model)?;
    assert_eq!(
        back.predict_proba(&x)?,
        predictions,
        "the saved model predicts the same"
    );
    let bytes = std::fs::metadata(&model)
        .map_err(|e| format!("{}: {e}", model.display()))?
        .len();
    println!(
        "wrote {} ({bytes} bytes, {} parameters), x.csv and predictions.csv ({EXAMPLES} rows each) in {}",
        model.display(),
        net.parameter_count(),
        dir.display()
    );
    println!("train_accuracy={train:.4} test_accuracy={test:.4} train_seconds={seconds:.3} model_bytes={bytes}");
    Ok(())
}

/// Writes the columns of `m` (one example each) as CSV rows, no header, every value in the
/// shortest form that reads back to the same f64.
fn write_rows(path: &Path, m: ArrayView2<f64>) -> Result<(), Box<dyn std::error::Error>> {
    let mut text = String::new();
    for column in m.columns() {
        let row: Vec<String> = column.iter().map(f64::to_string).collect();
        writeln!(text, "{}", row.join(","))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}
