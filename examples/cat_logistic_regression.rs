//! Logistic regression on the course's cat-vs-non-cat pictures ("Logistic Regression with a
//! Neural Network mindset").
//!
//! Each 64 × 64 RGB picture is flattened into one column of X (12288, m) and divided by 255.
//! One sigmoid unit, zero-initialised, trained by batch gradient descent with α = 0.005 for
//! 2000 iterations. The course's numbers: cost 0.693147 at iteration 0, 0.135659 at the last
//! iteration (1999), train accuracy 99.04 % (207/209), test accuracy 70.00 % (35/50). The model
//! over-fits: the misclassified test pictures are drawn in a grid with their predicted label.
//!
//! Writes `target/ndnet-examples/cat_logistic_cost.png` and
//! `target/ndnet-examples/cat_logistic_misclassified.png`. Pass `--f32` to train in f32, and
//! `--no-gram` to run the one-pass loop over X instead of the Gram form of batch gradient
//! descent ([`ndnet::TrainConfig::gram`]; same result, slower).
//!
//! Run: `NDNET_DATA=../shared/data cargo run --release --features hdf5,plot --example cat_logistic_regression`

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ndnet::data::{CatSplit, ImageDataset, load_cat_h5, require_file};
use ndnet::{FitOptions, Float, GradientDescent, Network, TrainConfig};

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
    let gram = !std::env::args().any(|a| a == "--no-gram");
    if std::env::args().any(|a| a == "--f32") {
        train::<f32>(gram)
    } else {
        train::<f64>(gram)
    }
}

fn train<F: Float>(gram: bool) -> Result<(), Box<dyn std::error::Error>> {
    let train_path = require_file(
        "catvnoncat/train_catvnoncat.h5",
        "the course's cat-vs-non-cat training set",
    )?;
    let test_path = require_file("catvnoncat/test_catvnoncat.h5", "the course's cat-vs-non-cat test set")?;
    let train = load_cat_h5::<F>(train_path, CatSplit::Train)?;
    let test = load_cat_h5::<F>(test_path, CatSplit::Test)?;
    println!(
        "cat vs non-cat ({}): train X {:?}, test X {:?}",
        F::NAME,
        train.x().dim(),
        test.x().dim()
    );

    let start = Instant::now();
    let mut net = Network::<F>::logistic_regression(train.x().nrows())?;
    let history = net.fit(
        (train.x(), train.y()),
        &mut GradientDescent::new(0.005)?,
        FitOptions::new(TrainConfig::new(2000).gram(gram))
            .callback(|r| println!("Cost after iteration {:>4}: {:.6}", r.iteration, r.cost)),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let train_accuracy = net.accuracy(train.x(), train.y())?;
    let test_accuracy = net.accuracy(test.x(), test.y())?;
    println!("training path: {}", history.plan);
    println!("train accuracy: {:.2} %", 100.0 * train_accuracy);
    println!("test accuracy:  {:.2} %", 100.0 * test_accuracy);

    let dir = Path::new("target/ndnet-examples");
    std::fs::create_dir_all(dir)?;
    let cost_png = dir.join("cat_logistic_cost.png");
    ndnet::plot::plot_cost(
        &cost_png,
        &history.costs(),
        "Logistic regression, learning rate = 0.005",
    )?;
    println!("cost curve: {}", cost_png.display());
    let grid_png = dir.join("cat_logistic_misclassified.png");
    let wrong = misclassified(&net, &test)?;
    if wrong.is_empty() {
        println!("no misclassified test picture");
    } else {
        ndnet::plot::plot_image_grid(&grid_png, &wrong, 5)?;
        println!("{} misclassified test pictures: {}", wrong.len(), grid_png.display());
    }

    println!("train_accuracy={train_accuracy:.4} test_accuracy={test_accuracy:.4} train_seconds={seconds:.3}");
    Ok(())
}

/// The pictures of `data` that `net` gets wrong, as bytes, captioned with the predicted class.
fn misclassified<F: Float>(
    net: &Network<F>,
    data: &ImageDataset<F>,
) -> Result<Vec<(ndarray::Array3<u8>, String)>, ndnet::Error> {
    let predictions = net.predict(data.x(), 0.5)?;
    let mut wrong = Vec::new();
    for (i, &p) in predictions.iter().enumerate() {
        let predicted = p.as_f64() as usize;
        if predicted != data.label(i)? {
            let image = data.image(i)?.mapv(|v| (v.as_f64() * 255.0).round() as u8);
            wrong.push((image, format!("predicted: {}", data.classes()[predicted])));
        }
    }
    Ok(wrong)
}
