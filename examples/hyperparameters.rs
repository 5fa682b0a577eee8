//! Hyperparameter search on the planar flower: optimizer (gradient descent or Adam) × learning
//! rate × L2 λ × hidden units × depth, each network trained on 75 % of 400 flower points and ranked by accuracy on the other 25 %
//! (a seeded, stratified `ndnet::data::train_test_split`), with `ndnet::search::search`.
//!
//! The course tunes the hidden layer size by hand on the training set (4–5 tanh units,
//! α = 1.2, about 90 %); here the choice is made on a validation set the networks never
//! trained on, the way the course's "train / dev / test" lesson says it should be. Adam moves
//! fast with a small α where plain gradient descent barely starts; L2 trades a little training
//! accuracy for smoother boundaries. Trials whose
//! cost becomes NaN or infinite are listed as "diverged".
//!
//! The final line is the best trial's training and validation accuracy (the validation set
//! plays the test set here) and the time the whole search took.
//!
//! Run: `cargo run --release --example hyperparameters`

use std::process::ExitCode;
use std::time::Instant;

use ndnet::search::{self, SearchOptimizer, SearchSpace, TrialTable};
use ndnet::{Activation, Initializer, Validation, data};
use rand::SeedableRng;
use rand::rngs::StdRng;

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
    let mut rng = StdRng::seed_from_u64(1);
    let (x, y) = data::planar_flower::<f64, _>(400, &mut rng)?;
    let split = data::train_test_split(&x, &y, 0.25, true, &mut rng)?;
    let space = SearchSpace {
        learning_rates: vec![0.01, 0.1, 1.2],
        hidden_units: vec![2, 4, 8, 16],
        depths: vec![1, 2],
        hidden_activation: Activation::Tanh,
        output_activation: Activation::Sigmoid,
        initializer: Initializer::Xavier,
        iterations: 3000,
        optimizers: vec![SearchOptimizer::GradientDescent, SearchOptimizer::Adam],
        l2: vec![0.0, 0.1],
        batch_sizes: vec![None],
    };
    println!(
        "flower: {} training and {} validation points; {} trials of {} iterations ({:?} hidden units, {:?} init)",
        split.x_train.ncols(),
        split.x_test.ncols(),
        space.trial_count(),
        space.iterations,
        space.hidden_activation,
        space.initializer
    );
    let start = Instant::now();
    let validation = Validation::new(&split.x_test, &split.y_test);
    let trials = search::search(&space, &split.x_train, &split.y_train, &validation, &mut rng)?;
    let seconds = start.elapsed().as_secs_f64();
    print!("{}", TrialTable(&trials));
    let diverged = trials.iter().filter(|t| t.diverged).count();
    println!(
        "{diverged} of {} trials diverged; search took {seconds:.3} s",
        trials.len()
    );
    let best = trials.first().ok_or("the search space is empty")?;
    println!(
        "best: {}, alpha = {}, lambda = {}, {} hidden layer(s) of {} units",
        best.optimizer, best.learning_rate, best.l2, best.depth, best.hidden_units
    );
    println!(
        "train_accuracy={:.4} test_accuracy={:.4} train_seconds={seconds:.3}",
        best.train_accuracy, best.valid_accuracy
    );
    Ok(())
}
