//! Initialization: the same network trained from three starting points, as in the course's
//! "Initialization" assignment — W = 0, W = randn · 10 and He (W = randn · √(2 / n[l−1])),
//! biases zero — on two noisy concentric circles (`ndnet::data::circles(300, 0.05, 0.8)`,
//! scikit-learn's `make_circles(n_samples=300, noise=.05)` default factor 0.8).
//!
//! Network [2, 10, 5, 1], ReLU hidden units, sigmoid output, α = 0.01, 15000 iterations.
//! The course reports training accuracy ≈ 50 % (zeros), 83 % (randn · 10) and 99 % (He).
//!
//! What to look for:
//! - zeros: every hidden unit of a layer computes the same thing, so every row of W[1] stays
//!   identical. With ReLU (g′(0) = 0) and W = 0 every hidden gradient is even 0, so the hidden
//!   weights never move and the network predicts one class; the example prints the rows.
//! - randn · 10: the outputs start saturated at exactly 0 or 1 in floating point, so the
//!   course's cost −(1/m) Σ y log a + (1 − y) log(1 − a) is infinite at iteration 0. ndnet
//!   computes the cost from Z[L] (log-sum-exp form), so it stays finite and training goes on;
//!   the example counts the saturated outputs and prints the finite starting cost.
//! - He: fits the circles.
//!
//! Writes a decision-boundary PNG per initializer to `target/ndnet-examples/`; the final line
//! is He's training accuracy and its accuracy on 300 fresh circle points (another seed).
//!
//! Run: `cargo run --release --features plot --example initialization`

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use ndarray::{ArrayView2, Axis};
use ndnet::{Activation, FitOptions, GradientDescent, Initializer, Network, TrainConfig, data, plot};
use rand::SeedableRng;
use rand::rngs::StdRng;

const LAYERS: [usize; 4] = [2, 10, 5, 1];
const ITERATIONS: usize = 15_000;

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
    let out = Path::new("target/ndnet-examples");
    std::fs::create_dir_all(out)?;
    let (x, y) = data::circles::<f64, _>(300, 0.05, 0.8, &mut StdRng::seed_from_u64(1))?;
    let (x_test, y_test) = data::circles::<f64, _>(300, 0.05, 0.8, &mut StdRng::seed_from_u64(2))?;
    let inits = [
        ("zeros", Initializer::Zeros),
        ("randn x 10", Initializer::RandnScaled(10.0)),
        ("He", Initializer::He),
    ];
    let mut rows = Vec::new();
    for (name, init) in inits {
        println!("== initialization: {name}");
        let mut net = Network::new(
            &LAYERS,
            Activation::Relu,
            Activation::Sigmoid,
            init,
            &mut StdRng::seed_from_u64(3),
        )?;
        let saturated = net.predict_proba(&x)?.iter().filter(|&&a| a == 0.0 || a == 1.0).count();
        println!("  outputs exactly 0 or 1 before training (course's log cost infinite): {saturated} of 300");
        let start = Instant::now();
        net.fit(
            (&x, &y),
            &mut GradientDescent::new(0.01)?,
            FitOptions::new(TrainConfig::new(ITERATIONS).record_every(3000))
                .callback(|r| println!("  cost after iteration {:>5}: {:.6}", r.iteration, r.cost)),
        )?;
        let seconds = start.elapsed().as_secs_f64();
        print_symmetry(&net);
        let path = out.join(format!(
            "initialization_{}.png",
            name.replace(" x ", "_x").to_lowercase()
        ));
        let predict = |grid: ArrayView2<f64>| net.predict(&grid, 0.5);
        let title = format!("Model with {name} initialization");
        plot::plot_decision_boundary(&path, x.view(), y.view(), predict, &title)?;
        println!("  wrote {}", path.display());
        rows.push((name, net.accuracy(&x, &y)?, net.accuracy(&x_test, &y_test)?, seconds));
    }
    println!("{:<12} {:>10} {:>10} {:>8}", "init", "train acc", "test acc", "seconds");
    for (name, train, test, seconds) in &rows {
        println!(
            "{name:<12} {:>9.2}% {:>9.2}% {seconds:>8.3}",
            100.0 * train,
            100.0 * test
        );
    }
    let (_, train, test, seconds) = rows.last().ok_or("no initializer was tried")?;
    println!("train_accuracy={train:.4} test_accuracy={test:.4} train_seconds={seconds:.3}");
    Ok(())
}

/// Prints whether all hidden units of each hidden layer ended up with the same incoming
/// weights (rows of W[l]), and W[1]'s first row.
fn print_symmetry(net: &Network<f64>) {
    for (i, layer) in net.layers().iter().enumerate().take(net.depth() - 1) {
        let w = layer.w();
        let identical = identical_rows(w);
        println!(
            "  W[{}] {:?}: all rows identical = {identical}; row 1 = {:.4}",
            i + 1,
            w.dim(),
            w.row(0)
        );
    }
}

fn identical_rows(w: ArrayView2<f64>) -> bool {
    let first = w.row(0);
    w.axis_iter(Axis(0)).all(|row| row == first)
}
