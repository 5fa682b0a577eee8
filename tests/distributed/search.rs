//! A hyperparameter search spread over 2 ranks ranks its trials as one process does.

use std::path::Path;

use ndnet::rand::SeedableRng;
use ndnet::rand::rngs::StdRng;
use ndnet::search::{self, SearchOptimizer, SearchSpace, Trial};
use ndnet::{Distributed, Validation};

use crate::jobs::{self, Kind};
use crate::launch;

/// 2 optimizers × 2 learning rates × 2 widths: 8 trials, 4 per rank.
fn space() -> SearchSpace {
    SearchSpace {
        optimizers: vec![SearchOptimizer::Adam, SearchOptimizer::Momentum(0.9)],
        learning_rates: vec![0.003, 0.03],
        hidden_units: vec![4, 16],
        depths: vec![1],
        batch_sizes: vec![Some(32)],
        iterations: 60,
        ..SearchSpace::default()
    }
}

/// The search on this process alone, or spread over `distributed`'s ranks.
fn run(distributed: Option<Distributed<'_>>) -> Vec<Trial> {
    let (x, y, x_valid, y_valid) = jobs::data::<f64>(Kind::Tabular);
    let validation = Validation::new(&x_valid, &y_valid);
    let mut rng = StdRng::seed_from_u64(4);
    let trials = match distributed {
        None => search::search(&space(), &x, &y, &validation, &mut rng),
        Some(distributed) => search::search_distributed(&space(), &x, &y, &validation, &mut rng, distributed),
    };
    trials.expect("the search")
}

pub fn rank(distributed: Distributed<'_>, dir: &Path) {
    let trials = run(Some(distributed));
    let path = dir.join(format!("search.rank{}", distributed.rank()));
    std::fs::write(path, format!("{trials:#?}")).expect("write the trials");
}

pub fn parent(dir: &Path) {
    let single = format!("{:#?}", run(None));
    launch::run(2, &["search", dir.to_str().expect("a UTF-8 path")]);
    for r in 0..2 {
        let ranked = launch::read(&dir.join(format!("search.rank{r}")));
        assert!(
            ranked == single,
            "rank {r} of 2 ranked the trials otherwise than one process:\n{ranked}\nagainst\n{single}"
        );
    }
    println!("distributed: search of 8 trials on 2 ranks: the single-process ranking, every score the same bits");
}
