//! Logistic regression trained with one pass over X per iteration.
//!
//! Plain batch gradient descent on logistic regression is bound by memory, not arithmetic: the
//! textbook step reads X twice (Z = wᵀX + b, then dw = (1/m) X dZᵀ). Both uses need only one
//! row of X at a time, so they can share the read:
//!
//! ```text
//! A = σ(Z);  dZ = A − Y;  db = (1/m) Σ dZ
//! for each feature j (row j of X, while it is in L1):
//!     dw_j = (1/m) X_j · dZ
//!     w_j := w_j − α dw_j
//!     Z_next += w_j X_j              (the next iteration's wᵀX, accumulated row by row)
//! b := b − α db;  Z = Z_next + b
//! ```
//!
//! The rows are split between threads; each keeps a partial Z_next, summed at the end of the
//! pass. The parameters equal the textbook loop's up to rounding (the order of the sums differs).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ndarray::{ArrayView2, Axis, Zip};

use crate::cost::cross_entropy_from_logits;
use crate::{Activation, Cost, Error, Float, Network, Optimizer, Result};

/// Below this many elements of X one thread does the pass.
const MIN_ELEMENTS_PER_THREAD: usize = 1 << 16;

/// The learning rate, if (network, X, optimizer) can use the fused loop.
pub(super) fn applies<F: Float, O: Optimizer<F> + ?Sized>(
    net: &Network<F>,
    x: ArrayView2<F>,
    optimizer: &O,
) -> Option<F> {
    let layer = net.layer(1)?;
    let fits = net.depth() == 1
        && layer.units() == 1
        && layer.activation() == Activation::Sigmoid
        && net.cost_function() == Cost::BinaryCrossEntropy
        && net.l2() == 0.0
        && x.is_standard_layout();
    fits.then(|| optimizer.plain_gradient_descent_rate().map(F::from_f64))?
}

/// Trains for `iterations` steps, calling `record(iteration, cost)` after each forward pass.
pub(super) fn fit<F: Float>(
    net: &mut Network<F>,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    alpha: F,
    iterations: usize,
    threads: usize,
    record: &mut dyn FnMut(usize, f64),
) -> Result<()> {
    let (n, m) = x.dim();
    let layer = net.layer_mut(1).expect("applies() checked there is one layer");
    layer.forward_unchecked(x);
    let parts = layer.parts_mut(m);
    let inv_m = F::one() / F::from_f64(m as f64);
    let threads = threads.clamp(1, (n * m / MIN_ELEMENTS_PER_THREAD).max(1)).min(n);
    // Whole blocks of the SIMD pass's rows per thread.
    let rows_per_thread = n.div_ceil(threads).next_multiple_of(4);

    let w = parts
        .w
        .as_slice_mut()
        .expect("W is a fresh (1, n) matrix in standard layout");
    let dw = parts
        .dw
        .as_slice_mut()
        .expect("dW is a fresh (1, n) matrix in standard layout");
    let mut w_chunks = w.chunks_mut(rows_per_thread);
    let mut dw_chunks = dw.chunks_mut(rows_per_thread);
    let mut x_chunks = x.axis_chunks_iter(Axis(0), rows_per_thread);
    let (main_w, main_dw, main_x) = (
        w_chunks.next().expect("n ≥ 1"),
        dw_chunks.next().expect("n ≥ 1"),
        x_chunks.next().expect("n ≥ 1"),
    );
    let shared: Vec<Shared<F>> = (0..x_chunks.len())
        .map(|_| Shared {
            start: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            dz: Mutex::new(vec![F::zero(); m]),
            z_part: Mutex::new(vec![F::zero(); m]),
        })
        .collect();

    let diverged = std::thread::scope(|scope| {
        let mut workers: Vec<Worker<F>> = w_chunks
            .zip(dw_chunks)
            .zip(x_chunks)
            .zip(&shared)
            .map(|(((w, dw), x), shared)| Worker::spawn(scope, shared, x, w, dw, inv_m, alpha))
            .collect();
        let mut z_next = vec![F::zero(); m];
        let mut last_finite_cost = None;
        for iteration in 0..iterations {
            Zip::from(&mut *parts.a)
                .and(&*parts.z)
                .for_each(|a, &z| *a = Activation::Sigmoid.g(z));
            let cost = cross_entropy_from_logits(parts.z.view(), y).as_f64();
            if !cost.is_finite() {
                return Some((iteration, cost, last_finite_cost));
            }
            last_finite_cost = Some(cost);
            record(iteration, cost);
            Zip::from(&mut *parts.dz)
                .and(&*parts.a)
                .and(y)
                .for_each(|dz, &a, &y| *dz = a - y);
            let db = parts.dz.sum() * inv_m;
            parts.db[[0, 0]] = db;
            let dz = parts.dz.as_slice().expect("dZ is (1, m) in standard layout");
            for worker in &mut workers {
                worker.start(dz);
            }
            z_next.fill(F::zero());
            pass(main_x, dz, inv_m, alpha, main_w, main_dw, &mut z_next);
            for worker in &workers {
                worker.add_result_to(&mut z_next);
            }
            let b = &mut parts.b[[0, 0]];
            *b -= alpha * db;
            if iteration + 1 < iterations {
                let b = *b;
                for (z, &next) in parts.z.iter_mut().zip(&z_next) {
                    *z = next + b;
                }
            }
        }
        None
    });
    match diverged {
        Some((iteration, cost, last_finite_cost)) => {
            let culprit = net.non_finite_cost_culprit(cost);
            Err(Error::Diverged {
                iteration,
                what: format!("{culprit} of iteration {iteration}"),
                last_finite_cost,
            })
        }
        None => Ok(()),
    }
}

/// `Shared::start` value that asks a worker to return.
const STOP: usize = usize::MAX;
/// `Shared::done` value of a worker that panicked.
const PANICKED: usize = usize::MAX;

/// What the calling thread and one worker share. The atomics carry the hand-off (a pass is
/// short, about 0.1 ms, so both sides spin instead of sleeping on a channel); the mutexes
/// carry the data and are never contended, since only one side works at a time.
struct Shared<F> {
    /// The number of the pass to run (counting from 1), or [`STOP`].
    start: AtomicUsize,
    /// The number of the last pass finished, or [`PANICKED`].
    done: AtomicUsize,
    dz: Mutex<Vec<F>>,
    z_part: Mutex<Vec<F>>,
}

/// A thread owning a block of rows of X and the matching parts of w and dW for the whole fit.
/// Dropping it asks the thread to return.
struct Worker<'a, F> {
    shared: &'a Shared<F>,
    pass: usize,
}

impl<'a, F: Float> Worker<'a, F> {
    fn spawn<'scope, 'env: 'scope>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        shared: &'env Shared<F>,
        x: ArrayView2<'env, F>,
        w: &'env mut [F],
        dw: &'env mut [F],
        inv_m: F,
        alpha: F,
    ) -> Worker<'env, F> {
        scope.spawn(move || {
            /// Reports a panic to the waiting caller instead of leaving it spinning.
            struct OnPanic<'a>(&'a AtomicUsize);
            impl Drop for OnPanic<'_> {
                fn drop(&mut self) {
                    if std::thread::panicking() {
                        self.0.store(PANICKED, Ordering::Release);
                    }
                }
            }
            let _guard = OnPanic(&shared.done);
            let mut last = 0;
            loop {
                let pass_number = wait_for(|| Some(shared.start.load(Ordering::Acquire)).filter(|&p| p != last));
                if pass_number == STOP {
                    return;
                }
                {
                    let dz = lock(&shared.dz);
                    let mut z_part = lock(&shared.z_part);
                    z_part.fill(F::zero());
                    pass(x, &dz, inv_m, alpha, w, dw, &mut z_part);
                }
                last = pass_number;
                shared.done.store(pass_number, Ordering::Release);
            }
        });
        Worker { shared, pass: 0 }
    }

    /// Hands the worker this iteration's dZ.
    fn start(&mut self, dz: &[F]) {
        lock(&self.shared.dz).copy_from_slice(dz);
        self.pass += 1;
        self.shared.start.store(self.pass, Ordering::Release);
    }

    /// Waits for the worker and adds its partial Z_next.
    fn add_result_to(&self, z_next: &mut [F]) {
        let done =
            wait_for(|| Some(self.shared.done.load(Ordering::Acquire)).filter(|&d| d == self.pass || d == PANICKED));
        assert!(done != PANICKED, "a logistic-regression worker thread panicked");
        for (z, part) in z_next.iter_mut().zip(lock(&self.shared.z_part).iter()) {
            *z += *part;
        }
    }
}

impl<F> Drop for Worker<'_, F> {
    fn drop(&mut self) {
        self.shared.start.store(STOP, Ordering::Release);
    }
}

/// Spins until `ready` gives a value, yielding the core after a while (for when there are
/// more threads than cores).
fn wait_for(mut ready: impl FnMut() -> Option<usize>) -> usize {
    let mut spins = 0u32;
    loop {
        if let Some(value) = ready() {
            return value;
        }
        if spins < 1 << 14 {
            spins += 1;
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

/// Locks a mutex, ignoring poisoning: a worker that panicked is reported by `PANICKED`.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The fused pass over a block of rows: dW, the update of w and the partial Z_next.
fn pass<F: Float>(x: ArrayView2<F>, dz: &[F], inv_m: F, alpha: F, w: &mut [F], dw: &mut [F], z_part: &mut [F]) {
    match F::logistic_pass() {
        Some(kernel) => kernel(x, dz, inv_m, alpha, w, dw, z_part),
        None => pass_portable(x, dz, inv_m, alpha, w, dw, z_part),
    }
}

fn pass_portable<F: Float>(
    x: ArrayView2<F>,
    dz: &[F],
    inv_m: F,
    alpha: F,
    w: &mut [F],
    dw: &mut [F],
    z_part: &mut [F],
) {
    for ((row, w_j), dw_j) in x.rows().into_iter().zip(w.iter_mut()).zip(dw.iter_mut()) {
        let row = row.to_slice().expect("X is in standard layout (checked by applies())");
        *dw_j = dot(row, dz) * inv_m;
        *w_j -= alpha * *dw_j;
        let w_j = *w_j;
        for (z, &x) in z_part.iter_mut().zip(row) {
            *z += w_j * x;
        }
    }
}

/// Σ a_i b_i with eight independent partial sums, so it vectorizes.
fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    let mut sums = [F::zero(); 8];
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: F = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(&a, &b)| a * b)
        .sum();
    for (a, b) in a_chunks.zip(b_chunks) {
        for k in 0..8 {
            sums[k] += a[k] * b[k];
        }
    }
    ((sums[0] + sums[4]) + (sums[1] + sums[5])) + ((sums[2] + sums[6]) + (sums[3] + sums[7])) + tail
}
