//! Allocation counts: a counting global allocator proves that training allocates nothing per
//! iteration (the matrix products, a training iteration, `fit`, the optimizers' updates).
//!
//! The counts are global to the process, so this binary holds one `#[test]` that runs the checks
//! one after the other: no other test thread allocates meanwhile. Add a new allocation check as a
//! function in its own file, called from [`nothing_allocates_per_iteration`], never as a second
//! `#[test]`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

mod gemm;
mod optimizers;

/// The system allocator, counting the allocations of the current thread and of every thread.
struct Counting;

thread_local! {
    /// Allocations of the current thread.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Allocations of every thread (the worker threads of the products included).
static ALL_ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged, only counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        ALL_ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The only test of this binary: the optimizers first (they count every thread's allocations,
/// so they run before the products start worker threads), then the products and `fit`.
#[test]
fn nothing_allocates_per_iteration() {
    // The promise is made for ndnet's SIMD kernels (x86_64 with AVX2 and FMA): ndarray's
    // portable product, used on other CPUs or with NDNET_SIMD=portable, allocates its packing
    // buffers on every call. Said plainly rather than as a count.
    assert_ne!(
        ndnet::linalg::simd(),
        "portable",
        "no SIMD kernels in this process: ndarray's product allocates per call, so training \
         allocates per iteration here"
    );
    optimizers::no_allocation_after_the_first_step();
    optimizers::train_step_allocates_only_its_copy_of_the_parameters();
    gemm::products_and_training_iterations_allocate_nothing();
}
