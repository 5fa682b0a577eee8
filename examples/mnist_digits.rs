//! "Is it a 3?": one-vs-rest logistic regression on MNIST's 10,000 t10k digits.
//!
//! Shows `load_mnist`, `one_vs_rest`, a seeded stratified 80/20 `train_test_split` and the
//! binary metrics. Only about 10 % of the digits are 3s, so a classifier that always answers
//! "not a 3" already scores about 0.90 accuracy: precision, recall and F1 on the 3s say more.
//!
//! Run: `NDNET_DATA=../shared/data cargo run --release --features mnist --example mnist_digits`

use std::process::ExitCode;
use std::time::Instant;

use ndnet::data::{load_mnist, one_vs_rest, require_file, train_test_split};
use ndnet::metrics::confusion_matrix;
use ndnet::{FitOptions, GradientDescent, Network, TrainConfig};
use rand::SeedableRng;

const DIGIT: usize = 3;
const LEARNING_RATE: f64 = 1.0;
const ITERATIONS: usize = 500;

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
    let images = require_file("mnist/t10k-images-idx3-ubyte.gz", "MNIST's t10k test images")?;
    let labels = require_file("mnist/t10k-labels-idx1-ubyte.gz", "MNIST's t10k test labels")?;
    let digits = load_mnist::<f32>(images, labels)?;
    let y = one_vs_rest::<f32, _>(&digits.labels, DIGIT);
    println!(
        "{} digits, {} of them {DIGIT}s ({:.1} %)",
        y.len(),
        y.sum(),
        100.0 * y.sum() / y.len() as f32
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let split = train_test_split(&digits.x, &y, 0.2, true, &mut rng)?;
    println!(
        "stratified split: X_train {:?}, X_test {:?}",
        split.x_train.dim(),
        split.x_test.dim()
    );

    let start = Instant::now();
    let mut net = Network::<f32>::logistic_regression(split.x_train.nrows())?;
    net.fit(
        (&split.x_train, &split.y_train),
        &mut GradientDescent::new(LEARNING_RATE)?,
        FitOptions::new(TrainConfig::new(ITERATIONS))
            .callback(|r| println!("  iteration {:>4}: cost {:.6}", r.iteration, r.cost)),
    )?;
    let train_seconds = start.elapsed().as_secs_f64();
    let train_accuracy = net.accuracy(&split.x_train, &split.y_train)?;

    let cm = confusion_matrix(&net.predict(&split.x_test, 0.5)?, &split.y_test)?;
    let majority = 1.0 - split.y_test.sum() as f64 / split.y_test.len() as f64;
    println!("\ntest split, 1 = \"is a {DIGIT}\":\n{cm}");
    println!(
        "accuracy {:.4}  precision {:.4}  recall {:.4}  F1 {:.4}",
        cm.accuracy(),
        cm.precision(),
        cm.recall(),
        cm.f1()
    );
    println!(
        "(always answering \"not a {DIGIT}\" would score accuracy {majority:.4} with recall 0: \
         accuracy alone flatters an imbalanced task)"
    );
    println!(
        "train_accuracy={train_accuracy:.4} test_accuracy={:.4} train_seconds={train_seconds:.3}",
        cm.accuracy()
    );
    Ok(())
}
