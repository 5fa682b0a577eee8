use ndarray::array;
use rand::SeedableRng;
use rand::rngs::StdRng;

use std::cmp::Ordering;

use super::*;
use crate::{Activation, Initializer, Validation, data};

fn tiny_space() -> SearchSpace {
    SearchSpace {
        learning_rates: vec![0.01, 1.0],
        hidden_units: vec![1, 4],
        depths: vec![1, 2],
        iterations: 1500,
        ..SearchSpace::default()
    }
}

#[test]
fn every_combination_is_tried_and_ranked_best_first() {
    let (x, y) = data::xor::<f64>();
    let trials = search(
        &tiny_space(),
        &x,
        &y,
        &Validation::new(&x, &y),
        &mut StdRng::seed_from_u64(3),
    )
    .unwrap();
    assert_eq!(trials.len(), 8);
    for pair in trials.windows(2) {
        assert_ne!(pair[0].rank(&pair[1]), Ordering::Greater, "{pair:?} out of order");
    }
    let mut seen: Vec<_> = trials
        .iter()
        .map(|t| (t.learning_rate.to_bits(), t.hidden_units, t.depth))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 8);
    // XOR with 4 tanh units and α = 1 is learnt (1500 steps); α = 0.01 is far too slow to be.
    assert_eq!(trials[0].valid_accuracy, 1.0);
    assert_eq!(trials[0].learning_rate, 1.0);
    assert!(
        trials
            .iter()
            .all(|t| !t.diverged && t.train_accuracy == t.valid_accuracy)
    );
}

#[test]
fn the_same_seed_gives_the_same_ranking() {
    let mut rng = StdRng::seed_from_u64(5);
    let (x, y) = data::planar_flower::<f32, _>(60, &mut rng).unwrap();
    let space = SearchSpace {
        iterations: 200,
        ..tiny_space()
    };
    let a = search(&space, &x, &y, &Validation::new(&x, &y), &mut StdRng::seed_from_u64(9)).unwrap();
    let b = search(&space, &x, &y, &Validation::new(&x, &y), &mut StdRng::seed_from_u64(9)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn ties_in_accuracy_are_broken_by_the_lower_validation_cost() {
    let trial = |cost: f64, diverged: bool| Trial {
        optimizer: SearchOptimizer::GradientDescent,
        learning_rate: 0.1,
        l2: 0.0,
        batch_size: None,
        hidden_units: 2,
        depth: 1,
        train_accuracy: 0.5,
        valid_accuracy: if diverged { f64::NAN } else { 0.5 },
        valid_cost: cost,
        diverged,
    };
    let mut trials = [trial(f64::NAN, true), trial(0.7, false), trial(0.6, false)];
    trials.sort_by(Trial::rank);
    assert_eq!(trials[0].valid_cost, 0.6);
    assert_eq!(trials[1].valid_cost, 0.7);
    assert!(trials[2].diverged);
}

#[test]
fn a_diverging_run_is_a_trial_not_an_error() {
    // ReLU hidden units with α = 1e300: the first update sends W to ~1e300 and the next
    // forward pass to infinity, so training stops with Error::Diverged.
    let x = array![[0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 0.0, 2.0]];
    let y = array![[0.0, 1.0, 0.0, 1.0]];
    let space = SearchSpace {
        learning_rates: vec![1e300, 0.1],
        hidden_units: vec![3],
        depths: vec![2],
        hidden_activation: Activation::Relu,
        initializer: Initializer::He,
        iterations: 50,
        ..SearchSpace::default()
    };
    let trials = search(&space, &x, &y, &Validation::new(&x, &y), &mut StdRng::seed_from_u64(0)).unwrap();
    assert_eq!(trials.len(), 2);
    assert!(!trials[0].diverged);
    assert_eq!(trials[0].learning_rate, 0.1);
    assert!(trials[1].diverged, "{:?}", trials[1]);
    assert!(trials[1].valid_accuracy.is_nan());
    let table = TrialTable(&trials).to_string();
    assert_eq!(table.lines().count(), 3);
    assert!(table.lines().nth(2).unwrap().contains("diverged"));
}

#[test]
fn a_bad_space_is_rejected_with_the_field_named() {
    let (x, y) = data::xor::<f64>();
    let cases = [
        (
            SearchSpace {
                learning_rates: vec![],
                ..tiny_space()
            },
            "learning_rates",
        ),
        (
            SearchSpace {
                hidden_units: vec![],
                ..tiny_space()
            },
            "hidden_units",
        ),
        (
            SearchSpace {
                hidden_units: vec![4, 0],
                ..tiny_space()
            },
            "hidden_units = 0",
        ),
        (
            SearchSpace {
                depths: vec![0],
                ..tiny_space()
            },
            "depths = 0",
        ),
        (
            SearchSpace {
                iterations: 0,
                ..tiny_space()
            },
            "iterations = 0",
        ),
        (
            SearchSpace {
                learning_rates: vec![f64::NAN],
                ..tiny_space()
            },
            "learning_rate = NaN",
        ),
    ];
    for (space, named) in cases {
        let err = search(&space, &x, &y, &Validation::new(&x, &y), &mut StdRng::seed_from_u64(0)).unwrap_err();
        assert!(err.to_string().contains(named), "{err} should name {named}");
    }
}

#[test]
fn a_validation_set_of_the_wrong_shape_is_an_error() {
    let (x, y) = data::xor::<f64>();
    let space = SearchSpace {
        iterations: 5,
        ..tiny_space()
    };
    let x_rows = x.t().to_owned(); // (4, 2): one example per row
    let err = search(
        &space,
        &x,
        &y,
        &Validation::new(&x_rows, &y),
        &mut StdRng::seed_from_u64(0),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Shape { .. }), "{err}");
}

#[test]
fn optimizers_l2_and_batch_sizes_are_searched() {
    let mut rng = StdRng::seed_from_u64(2);
    let (x, y) = data::planar_flower::<f64, _>(200, &mut rng).unwrap();
    let space = SearchSpace {
        learning_rates: vec![0.01],
        hidden_units: vec![8],
        depths: vec![1],
        iterations: 300,
        optimizers: vec![
            SearchOptimizer::GradientDescent,
            SearchOptimizer::Momentum(0.9),
            SearchOptimizer::Adam,
        ],
        l2: vec![0.0, 0.5],
        batch_sizes: vec![None, Some(50)],
        ..SearchSpace::default()
    };
    let trials = search(&space, &x, &y, &Validation::new(&x, &y), &mut rng).unwrap();
    assert_eq!(trials.len(), 12);
    for optimizer in &space.optimizers {
        assert_eq!(trials.iter().filter(|t| t.optimizer == *optimizer).count(), 4);
    }
    assert_eq!(trials.iter().filter(|t| t.l2 == 0.5).count(), 6);
    assert_eq!(trials.iter().filter(|t| t.batch_size == Some(50)).count(), 6);
    // 300 steps of α = 0.01: plain gradient descent has barely moved, Adam has learnt the
    // flower's rough shape, so the best trial is an Adam one.
    assert_eq!(trials[0].optimizer, SearchOptimizer::Adam, "{}", TrialTable(&trials));
    assert!(trials.iter().all(|t| !t.diverged));
}

#[test]
fn bad_new_lists_are_named() {
    let momentum = SearchSpace {
        optimizers: vec![SearchOptimizer::Momentum(1.0)],
        ..tiny_space()
    };
    assert!(momentum.validate().unwrap_err().to_string().contains("beta"));
    let batch = SearchSpace {
        batch_sizes: vec![Some(0)],
        ..tiny_space()
    };
    assert!(batch.validate().unwrap_err().to_string().contains("batch_size"));
    let empty = SearchSpace {
        optimizers: vec![],
        ..tiny_space()
    };
    assert!(empty.validate().unwrap_err().to_string().contains("optimizers"));
}

/// A split holds out round(0.25 · 60) = 15 of the 60 flower points (30 of each class: 8 and 7,
/// the tie to the first class), the same 15 for every trial: every validation accuracy is a whole
/// number of 15ths and every training accuracy one of 45ths (on all 60 they would be 60ths).
#[test]
fn a_split_holds_out_the_same_examples_for_every_trial() {
    let mut rng = StdRng::seed_from_u64(5);
    let (x, y) = data::planar_flower::<f64, _>(60, &mut rng).unwrap();
    let space = SearchSpace {
        iterations: 100,
        ..tiny_space()
    };
    let run = || search(&space, &x, &y, &Validation::split(0.25), &mut StdRng::seed_from_u64(9));
    let trials = run().unwrap();
    let whole = |accuracy: f64, n: f64| (accuracy * n - (accuracy * n).round()).abs() < 1e-9;
    for trial in &trials {
        assert!(whole(trial.valid_accuracy, 15.0), "{trial:?}");
        assert!(whole(trial.train_accuracy, 45.0), "{trial:?}");
    }
    assert_eq!(run().unwrap(), trials);
    // A Y that does not match X is named before anything is split.
    let short = y.slice(ndarray::s![.., ..59]);
    let err = search(
        &space,
        &x,
        &short,
        &Validation::split(0.25),
        &mut StdRng::seed_from_u64(9),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Shape { .. }), "{err}");
}

#[cfg(feature = "mpi")]
#[test]
fn trials_of_any_size_are_shared_out_without_overflow() {
    let (x, y) = (
        ndarray::Array2::<f64>::zeros((3, 4)),
        ndarray::Array2::<f64>::zeros((1, 4)),
    );
    let sets = Sets {
        x_train: x.view(),
        y_train: y.view(),
        x_valid: x.view(),
        y_valid: y.view(),
    };
    let trial = |hidden_units: usize| Trial {
        optimizer: SearchOptimizer::GradientDescent,
        learning_rate: 0.1,
        l2: 0.0,
        batch_size: None,
        hidden_units,
        depth: 2,
        train_accuracy: 0.0,
        valid_accuracy: 0.0,
        valid_cost: 0.0,
        diverged: false,
    };
    let trials = [trial(2), trial(usize::MAX), trial(4)];
    // The largest trial alone on one process, the two others on the other.
    assert_eq!(share_out(&SearchSpace::default(), &trials, &sets, 2), vec![1, 0, 1]);
}
