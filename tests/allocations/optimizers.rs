//! After their first step the optimizers allocate nothing: a counting global allocator checks
//! `Network::update` (run alone: see `main.rs`).

use std::sync::atomic::Ordering;

use ndnet::{
    Activation, Adam, AdamConfig, Initializer, Momentum, MomentumConfig, Network, Optimizer, RmsProp, RmsPropConfig,
    data,
};
use rand::SeedableRng;

use crate::ALL_ALLOCATIONS as ALLOCATIONS;

fn allocations_in_updates<O: Optimizer<f64>>(mut opt: O) -> (usize, usize) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let (x, y) = data::planar_flower::<f64, _>(50, &mut rng);
    let mut net = Network::new(
        &[2, 6, 3, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let mut counts = Vec::new();
    for _ in 0..3 {
        net.forward(&x).unwrap();
        net.backward(&x, &y).unwrap();
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        net.update(&mut opt);
        counts.push(ALLOCATIONS.load(Ordering::SeqCst) - before);
    }
    (counts[0], counts[1] + counts[2])
}

/// Run from the binary's only test (`main.rs`), so no other thread allocates meanwhile.
pub fn no_allocation_after_the_first_step() {
    let (first, later) = allocations_in_updates(Momentum::new(MomentumConfig::default()).unwrap());
    assert!(first > 0);
    assert_eq!(later, 0, "momentum");
    let (_, later) = allocations_in_updates(RmsProp::new(RmsPropConfig::default()).unwrap());
    assert_eq!(later, 0, "rmsprop");
    let (_, later) = allocations_in_updates(Adam::new(AdamConfig::default()).unwrap());
    assert_eq!(later, 0, "adam");
}
