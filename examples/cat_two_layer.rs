//! A 2-layer network [12288, 7, 1] (ReLU, then sigmoid) on the course's cat-vs-non-cat
//! pictures ("Deep Neural Network for Image Classification: Application", two-layer model).
//!
//! W[l] = randn · 0.01, b[l] = 0, batch gradient descent with α = 0.0075 for 2500 iterations.
//! By default the weights are the course's own, drawn with numpy's `np.random.seed(1)`
//! ([`ndnet::numpy_random::course_initialize_parameters`]), so the run follows the course's:
//! cost 0.693049735659989 after iteration 0, train accuracy 100 %, test accuracy 72 %.
//! `--seed N` draws them from a `StdRng` seeded with N instead ([`ndnet::Initializer::randn_scaled`]);
//! `--f32` trains in f32.
//!
//! Writes `target/ndnet-examples/cat_two_layer_cost.png`.
//!
//! Run: `NDNET_DATA=../shared/data cargo run --release --features hdf5,plot --example cat_two_layer`
//! (add `-- --seed 3` or `-- --f32`).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ndnet::data::{CatSplit, load_cat_h5, require_file};
use ndnet::numpy_random::course_initialize_parameters;
use ndnet::{Activation, FitOptions, Float, GradientDescent, Initializer, Network, TrainConfig};
use rand::SeedableRng;

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
    let mut args = std::env::args().skip(1);
    let (mut seed, mut f32) = (None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--f32" => f32 = true,
            "--seed" => {
                let n = args.next().and_then(|s| s.parse::<u64>().ok());
                seed = Some(n.ok_or_else(|| ndnet::Error::InvalidArgument {
                    argument: "--seed",
                    message: "needs a whole number, e.g. --seed 3".into(),
                })?);
            }
            other => {
                return Err(ndnet::Error::InvalidArgument {
                    argument: "arguments",
                    message: format!("unknown argument {other}; use --f32 and --seed N"),
                }
                .into());
            }
        }
    }
    if f32 { train::<f32>(seed) } else { train::<f64>(seed) }
}

fn train<F: Float>(seed: Option<u64>) -> Result<(), Box<dyn std::error::Error>> {
    let train_path = require_file(
        "catvnoncat/train_catvnoncat.h5",
        "the course's cat-vs-non-cat training set",
    )?;
    let test_path = require_file("catvnoncat/test_catvnoncat.h5", "the course's cat-vs-non-cat test set")?;
    let train = load_cat_h5::<F>(train_path, CatSplit::Train)?;
    let test = load_cat_h5::<F>(test_path, CatSplit::Test)?;

    let (n_x, n_h, n_y) = (train.x().nrows(), 7, 1);
    let mut net = match seed {
        None => {
            println!(
                "[{n_x}, {n_h}, {n_y}] ReLU/sigmoid, {}, the course's numpy seed 1",
                F::NAME
            );
            let parameters = course_initialize_parameters::<F>(n_x, n_h, n_y, 1)?;
            Network::from_parameters(parameters, &[Activation::Relu, Activation::Sigmoid])?
        }
        Some(seed) => {
            println!(
                "[{n_x}, {n_h}, {n_y}] ReLU/sigmoid, {}, randn · 0.01 from StdRng seed {seed}",
                F::NAME
            );
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            Network::new(
                &[n_x, n_h, n_y],
                Activation::Relu,
                Activation::Sigmoid,
                Initializer::randn_scaled(),
                &mut rng,
            )?
        }
    };

    let start = Instant::now();
    let history = net.fit(
        (train.x(), train.y()),
        &mut GradientDescent::new(0.0075)?,
        FitOptions::new(TrainConfig::new(2500))
            .callback(|r| println!("Cost after iteration {:>4}: {}", r.iteration, r.cost)),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let train_accuracy = net.accuracy(train.x(), train.y())?;
    let test_accuracy = net.accuracy(test.x(), test.y())?;
    println!("train accuracy: {:.2} %", 100.0 * train_accuracy);
    println!("test accuracy:  {:.2} %", 100.0 * test_accuracy);

    let dir = Path::new("target/ndnet-examples");
    std::fs::create_dir_all(dir)?;
    let cost_png = dir.join("cat_two_layer_cost.png");
    ndnet::plot::plot_cost(&cost_png, &history.costs(), "2-layer network, learning rate = 0.0075")?;
    println!("cost curve: {}", cost_png.display());

    println!("train_accuracy={train_accuracy:.4} test_accuracy={test_accuracy:.4} train_seconds={seconds:.3}");
    Ok(())
}
