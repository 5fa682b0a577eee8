//! The crate-wide number of threads of the matrix products, and the split of one product
//! between them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use ndarray::{ArrayView2, ArrayViewMut2, Axis};

/// 0 until [`set_num_threads`] chooses a count.
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many threads ndnet's matrix products use; 1 means single-threaded, 0 restores
/// the default (see [`num_threads`]).
///
/// The setting is global to the process. A product only runs on several threads when it is
/// big enough to gain from them, and the result does not depend on the number of threads:
/// every element of C is computed in the same order whichever thread computes it.
///
/// ```
/// ndnet::set_num_threads(1);
/// assert_eq!(ndnet::num_threads(), 1);
/// ndnet::set_num_threads(0); // back to the default
/// assert!(ndnet::num_threads() >= 1);
/// ```
pub fn set_num_threads(n: usize) {
    THREADS.store(n, Ordering::Relaxed);
}

/// The number of threads ndnet's matrix products use (always at least 1).
///
/// Unless [`set_num_threads`] chose one, it is the environment variable `NDNET_NUM_THREADS`
/// when that holds a positive integer, else [`std::thread::available_parallelism`].
///
/// ```
/// assert!(ndnet::num_threads() >= 1);
/// ```
pub fn num_threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => default_threads(),
        n => n,
    }
}

fn default_threads() -> usize {
    static DEFAULT: OnceLock<usize> = OnceLock::new();
    *DEFAULT.get_or_init(|| {
        std::env::var("NDNET_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// The most pieces one product is split into.
pub(crate) const MAX_PARTS: usize = 16;

/// One piece of a product: views of A, B and C.
type Part<'a, F> = (ArrayView2<'a, F>, ArrayView2<'a, F>, ArrayViewMut2<'a, F>);

/// Runs `f(a, b, c)` on `parts` pieces (at most [`MAX_PARTS`]) of the product C = A·B at once,
/// split along `axis` of C (columns: B and C split, rows: A and C split) at multiples of
/// `align`. The calling thread runs the first piece, the [`pool`](super::pool)'s workers the
/// others; nothing is allocated once the workers exist.
pub(crate) fn split<F, K>(
    parts: usize,
    axis: Axis,
    align: usize,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    c: ArrayViewMut2<F>,
    f: K,
) where
    F: Send + Sync,
    K: Fn(ArrayView2<F>, ArrayView2<F>, ArrayViewMut2<F>) + Sync,
{
    let len = c.len_of(axis);
    let units = len.div_ceil(align);
    let parts = parts.clamp(1, units.max(1)).min(MAX_PARTS);
    if parts == 1 {
        return f(a, b, c);
    }
    let boundary = |t: usize| (units * t / parts * align).min(len);
    let work: [Mutex<Option<Part<F>>>; MAX_PARTS] = std::array::from_fn(|_| Mutex::new(None));
    let (mut a, mut b, mut c) = (a, b, c);
    for (t, slot) in work[..parts].iter().enumerate() {
        let size = boundary(t + 1) - boundary(t);
        let (c0, c1) = c.split_at(axis, size);
        c = c1;
        let (a0, b0) = if axis == Axis(1) {
            let (b0, b1) = b.split_at(Axis(1), size);
            b = b1;
            (a, b0)
        } else {
            let (a0, a1) = a.split_at(Axis(0), size);
            a = a1;
            (a0, b)
        };
        *super::pool::lock(slot) = Some((a0, b0, c0));
    }
    super::pool::run(parts, &|t| {
        let part = super::pool::lock(&work[t]).take();
        if let Some((a, b, c)) = part {
            f(a, b, c);
        }
    });
}
