//! Ranks given different inputs end together with an error, none waiting for the others: a
//! value only one rank refuses, a different network, drifting parameters (caught by the
//! checksum), dropout.

use std::path::Path;

use ndnet::rand::SeedableRng;
use ndnet::rand::rngs::StdRng;
use ndnet::{Adam, AdamConfig, Distributed, FitOptions, TrainConfig};

use crate::jobs::{self, Kind};
use crate::launch;

/// (what differs, what rank 0 must say, what rank 1 must say).
const CASES: &[(&str, &str, &str)] = &[
    (
        "a NaN in rank 1's X",
        "another rank refused its inputs before training",
        "NaN",
    ),
    (
        "rank 1's network has 16 hidden units, rank 0's 32",
        "the ranks were given different runs",
        "the ranks were given different runs",
    ),
    (
        "rank 1's learning rate is 0.02, rank 0's 0.01",
        "the ranks' parameters differ after step 10",
        "the ranks' parameters differ after step 10",
    ),
    (
        "dropout",
        "distributed training refuses it",
        "distributed training refuses it",
    ),
];

/// Trains case `case` of [`CASES`] on this rank; returns the error.
fn train(case: usize, distributed: Distributed<'_>) -> String {
    let rank = distributed.rank();
    let (mut x, y, _, _) = jobs::data::<f64>(Kind::Digits);
    let mut net = jobs::network::<f64>(Kind::Digits);
    let mut rate = 0.01;
    match (case, rank) {
        (0, 1) => x[[3, 5]] = f64::NAN,
        (1, 1) => {
            net = ndnet::Network::new(
                &[64, 16, 10],
                ndnet::Activation::Relu,
                ndnet::Activation::Softmax,
                ndnet::Initializer::He,
                &mut StdRng::seed_from_u64(7),
            )
            .expect("a network")
        }
        (2, 1) => rate = 0.02,
        (3, _) => {
            net = net
                .with_dropout(&[0.9, 1.0], &mut StdRng::seed_from_u64(1))
                .expect("dropout")
        }
        _ => {}
    }
    let mut adam = Adam::new(AdamConfig::default().learning_rate(rate)).expect("Adam");
    let options = FitOptions::new(TrainConfig::new(30).batch_size(64)).distributed(distributed);
    match net.fit((&x, &y), &mut adam, options) {
        Ok(_) => "trained".into(),
        Err(e) => e.to_string(),
    }
}

pub fn rank(distributed: Distributed<'_>, dir: &Path) {
    let said: Vec<String> = (0..CASES.len()).map(|case| train(case, distributed)).collect();
    let path = dir.join(format!("refusals.rank{}", distributed.rank()));
    std::fs::write(path, said.join("\n")).expect("write the errors");
}

pub fn parent(dir: &Path) {
    launch::run(2, &["refusals", dir.to_str().expect("a UTF-8 path")]);
    let said: Vec<Vec<String>> = (0..2)
        .map(|r| {
            let text = launch::read(&dir.join(format!("refusals.rank{r}")));
            text.lines().map(str::to_owned).collect()
        })
        .collect();
    for (case, (what, rank_0, rank_1)) in CASES.iter().enumerate() {
        for (rank, expected) in [(0, rank_0), (1, rank_1)] {
            let error = &said[rank][case];
            assert!(
                error.contains(expected),
                "{what}: rank {rank} said \"{error}\", expected \"{expected}\""
            );
        }
        println!(
            "distributed: {what}: both ranks ended with an error (rank 1: \"{}\")",
            said[1][case]
        );
    }
}
