//! A 4-layer network [12288, 20, 7, 5, 1] (ReLU hidden layers, sigmoid output) on the course's
//! cat-vs-non-cat pictures ("Deep Neural Network for Image Classification: Application",
//! L-layer model), and then on your own picture.
//!
//! W[l] = randn / √n[l−1], b[l] = 0, batch gradient descent with α = 0.0075 for 2500
//! iterations. By default the weights are the course's own, drawn with numpy's
//! `np.random.seed(1)` ([`ndnet::numpy_random::course_initialize_parameters_deep`]), so the run
//! follows the course's: cost 0.771749 at iteration 0, 0.092878 at iteration 2400, train
//! accuracy 98.56 % (206/209), test accuracy 80 % (40/50). `--seed N` draws the weights from
//! a `StdRng` seeded with N instead ([`ndnet::Initializer::RandnOverSqrtFanIn`]); `--f32`
//! trains in f32; `--no-gram` turns off the Gram form of batch gradient descent
//! ([`ndnet::TrainConfig::gram`]) to run the textbook products with X (same result, slower).
//!
//! Give the path of a PNG or JPEG picture and the trained network says whether it shows a cat:
//! the picture is resized to 64 × 64 like the course's `my_image`.
//!
//! Writes `target/ndnet-examples/cat_deep_cost.png` and, with feature `report`, the training
//! report `target/ndnet-examples/cat_deep.html`. With feature `progress` and a terminal on
//! stderr, a progress bar shows the iteration, the cost and the time left.
//!
//! Run: `NDNET_DATA=../shared/data cargo run --release --features hdf5,plot,image --example cat_deep -- path/to/my_cat.jpg`
//! (the picture is optional; add `--seed 3`, `--f32` or `--no-gram`; add `progress` to the features for a
//! progress bar).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use ndnet::data::{CatSplit, load_cat_h5, load_image, require_file};
use ndnet::numpy_random::course_initialize_parameters_deep;
use ndnet::{Activation, FitOptions, Float, GradientDescent, Initializer, Network, Record, TrainConfig};
use rand::SeedableRng;

/// The course's layer sizes: 64·64·3 inputs, three ReLU layers, one sigmoid unit.
const LAYERS: [usize; 5] = [12288, 20, 7, 5, 1];
/// The course's `num_iterations`.
const ITERATIONS: usize = 2500;

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
    let (mut seed, mut f32, mut picture, mut gram) = (None, false, None, true);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--f32" => f32 = true,
            "--no-gram" => gram = false,
            "--seed" => {
                let n = args.next().and_then(|s| s.parse::<u64>().ok());
                seed = Some(n.ok_or_else(|| ndnet::Error::InvalidArgument {
                    argument: "--seed",
                    message: "needs a whole number, e.g. --seed 3".into(),
                })?);
            }
            flag if flag.starts_with("--") => {
                return Err(ndnet::Error::InvalidArgument {
                    argument: "arguments",
                    message: format!("unknown flag {flag}; use --f32, --seed N, --no-gram and a picture path"),
                }
                .into());
            }
            _ => picture = Some(PathBuf::from(arg)),
        }
    }
    if f32 {
        train::<f32>(seed, picture.as_deref(), gram)
    } else {
        train::<f64>(seed, picture.as_deref(), gram)
    }
}

fn train<F: Float>(seed: Option<u64>, picture: Option<&Path>, gram: bool) -> Result<(), Box<dyn std::error::Error>> {
    let train_path = require_file(
        "catvnoncat/train_catvnoncat.h5",
        "the course's cat-vs-non-cat training set",
    )?;
    let test_path = require_file("catvnoncat/test_catvnoncat.h5", "the course's cat-vs-non-cat test set")?;
    let train = load_cat_h5::<F>(train_path, CatSplit::Train)?;
    let test = load_cat_h5::<F>(test_path, CatSplit::Test)?;
    // Read the picture before training, so a bad path fails at once.
    let my_image = picture.map(|p| load_image::<F>(p, (64, 64))).transpose()?;

    let activations = [
        Activation::Relu,
        Activation::Relu,
        Activation::Relu,
        Activation::Sigmoid,
    ];
    let mut net = match seed {
        None => {
            println!("{LAYERS:?} ReLU/sigmoid, {}, the course's numpy seed 1", F::NAME);
            Network::from_parameters(course_initialize_parameters_deep::<F>(&LAYERS, 1)?, &activations)?
        }
        Some(seed) => {
            println!(
                "{LAYERS:?} ReLU/sigmoid, {}, randn / √n[l−1] from StdRng seed {seed}",
                F::NAME
            );
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let init = Initializer::RandnOverSqrtFanIn;
            Network::new(&LAYERS, Activation::Relu, Activation::Sigmoid, init, &mut rng)?
        }
    };

    #[cfg(feature = "progress")]
    let bar = {
        use std::io::IsTerminal;
        std::io::stderr()
            .is_terminal()
            .then(|| ndnet::progress::bar(ITERATIONS))
    };
    let print = |r: &Record| println!("Cost after iteration {:>4}: {}", r.iteration, r.cost);
    let start = Instant::now();
    let mut optimizer = GradientDescent::new(0.0075)?;
    let config = TrainConfig::new(ITERATIONS).gram(gram);
    let history = net.fit(
        (train.x(), train.y()),
        &mut optimizer,
        FitOptions::new(config.clone()).callback(|r| {
            #[cfg(feature = "progress")]
            if let Some(bar) = &bar {
                bar.suspend(|| print(r));
                return ndnet::progress::update(bar, r);
            }
            print(r)
        }),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    #[cfg(feature = "progress")]
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let train_accuracy = net.accuracy(train.x(), train.y())?;
    let test_accuracy = net.accuracy(test.x(), test.y())?;
    println!("training path: {}", history.plan);
    println!("train accuracy: {:.2} %", 100.0 * train_accuracy);
    println!("test accuracy:  {:.2} %", 100.0 * test_accuracy);

    let dir = Path::new("target/ndnet-examples");
    std::fs::create_dir_all(dir)?;
    let cost_png = dir.join("cat_deep_cost.png");
    ndnet::plot::plot_cost(&cost_png, &history.costs(), "4-layer network, learning rate = 0.0075")?;
    println!("cost curve: {}", cost_png.display());

    #[cfg(feature = "report")]
    {
        let report = dir.join("cat_deep.html");
        ndnet::report::Report::new(&history, &net)
            .title("Cat vs non-cat: 4-layer network [12288, 20, 7, 5, 1]")
            .optimizer(&optimizer)
            .train_config(&config)
            .training_seconds(seconds)
            .class_names(["non-cat", "cat"])
            .image_shape(64, 64, 3)
            .evaluate("training", train.x(), train.y())?
            .evaluate("test", test.x(), test.y())?
            .write(&report)?;
        println!("report: {}", report.display());
    }

    if let (Some(path), Some(x)) = (picture, my_image) {
        let p = net.predict_proba(&x)?[[0, 0]].as_f64();
        let verdict = if p > 0.5 { "cat" } else { "non-cat" };
        println!("{}: {verdict} (probability of a cat {p:.4})", path.display());
    }
    println!("train_accuracy={train_accuracy:.4} test_accuracy={test_accuracy:.4} train_seconds={seconds:.3}");
    Ok(())
}
