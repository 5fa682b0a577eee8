//! After their first step the optimizers allocate nothing: a counting global allocator checks
//! `Network::update`, and `Network::train_step` allocates only its copy of the parameters (run
//! alone: see `main.rs`).

use std::sync::atomic::Ordering;

use ndnet::{
    Activation, Adam, AdamConfig, GradientDescent, Initializer, Momentum, MomentumConfig, Network, Optimizer, RmsProp,
    RmsPropConfig, data,
};
use rand::SeedableRng;

use crate::ALL_ALLOCATIONS as ALLOCATIONS;

fn allocations_in_updates<O: Optimizer<f64>>(mut opt: O) -> (usize, usize) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let (x, y) = data::planar_flower::<f64, _>(50, &mut rng).unwrap();
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
        net.update(&mut opt).unwrap();
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

/// `train_step` allocates its copy of the parameters (to undo an overflowing update) and nothing
/// else once the first call sized the layers' caches: one `Vec` and a `W[l]` and a `b[l]` per
/// layer, whatever the optimizer. (`fit` keeps one copy for the whole run.)
pub fn train_step_allocates_only_its_copy_of_the_parameters() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let (x, y) = data::planar_flower::<f64, _>(50, &mut rng).unwrap();
    let mut net = Network::new(
        &[2, 6, 3, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .unwrap();
    let mut opt = Adam::new(AdamConfig::default()).unwrap();
    let mut gd = GradientDescent::new(0.1).unwrap();
    net.train_step(&x, &y, &mut opt).unwrap();
    net.train_step(&x, &y, &mut gd).unwrap();
    let copy = 1 + 2 * net.depth();
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    for _ in 0..5 {
        net.train_step(&x, &y, &mut opt).unwrap();
        net.train_step(&x, &y, &mut gd).unwrap();
    }
    assert_eq!(ALLOCATIONS.load(Ordering::SeqCst) - before, 10 * copy, "train_step");
}
