//! After their first step the optimizers allocate nothing: a counting global allocator checks
//! `Network::update` (one test only in this binary, so no other thread allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ndnet::{
    Activation, Adam, AdamConfig, Initializer, Momentum, MomentumConfig, Network, Optimizer, RmsProp, RmsPropConfig,
    data,
};
use rand::SeedableRng;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged, only counting them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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

#[test]
fn no_allocation_after_the_first_step() {
    let (first, later) = allocations_in_updates(Momentum::new(MomentumConfig::default()).unwrap());
    assert!(first > 0);
    assert_eq!(later, 0, "momentum");
    let (_, later) = allocations_in_updates(RmsProp::new(RmsPropConfig::default()).unwrap());
    assert_eq!(later, 0, "rmsprop");
    let (_, later) = allocations_in_updates(Adam::new(AdamConfig::default()).unwrap());
    assert_eq!(later, 0, "adam");
}
