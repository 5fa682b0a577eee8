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
//! The rows are split between the threads of the matrix products' pool (`linalg::pool`); each
//! block keeps a partial Z_next, summed at the end of the pass. The parameters equal the textbook loop's up to rounding (the order of the sums differs).

use std::sync::Mutex;

use ndarray::{ArrayView2, Axis, Zip};

use crate::cost::cross_entropy_from_logits;
use crate::linalg::pool::{self, lock};
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
    // Whole blocks of the SIMD pass's rows (8) per thread.
    let rows_per_thread = n.div_ceil(threads).next_multiple_of(8);

    let w = parts
        .w
        .as_slice_mut()
        .expect("W is a fresh (1, n) matrix in standard layout");
    let dw = parts
        .dw
        .as_slice_mut()
        .expect("dW is a fresh (1, n) matrix in standard layout");
    // One block of rows of X (with its parts of w and dW, and its partial Z_next) per thread,
    // run on the matrix products' worker pool. Only one thread at a time locks a block.
    let blocks: Vec<Mutex<Block<F>>> = w
        .chunks_mut(rows_per_thread)
        .zip(dw.chunks_mut(rows_per_thread))
        .zip(x.axis_chunks_iter(Axis(0), rows_per_thread))
        .map(|((w, dw), x)| {
            let z_part = vec![F::zero(); m];
            Mutex::new(Block { x, w, dw, z_part })
        })
        .collect();

    let mut last_finite_cost = None;
    for iteration in 0..iterations {
        Zip::from(&mut *parts.a)
            .and(&*parts.z)
            .for_each(|a, &z| *a = Activation::Sigmoid.g(z));
        let cost = cross_entropy_from_logits(parts.z.view(), y).as_f64();
        if !cost.is_finite() {
            let culprit = net.non_finite_cost_culprit(cost);
            return Err(Error::Diverged {
                iteration,
                what: format!("{culprit} of iteration {iteration}"),
                last_finite_cost,
            });
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
        pool::run(blocks.len(), &|i| {
            let block = &mut *lock(&blocks[i]);
            block.z_part.fill(F::zero());
            pass(block.x, dz, inv_m, alpha, block.w, block.dw, &mut block.z_part);
        });
        let b = &mut parts.b[[0, 0]];
        *b -= alpha * db;
        if iteration + 1 < iterations {
            parts.z.fill(*b);
            for block in &blocks {
                for (z, &part) in parts.z.iter_mut().zip(&lock(block).z_part) {
                    *z += part;
                }
            }
        }
    }
    Ok(())
}

/// A block of rows of X and the matching parts of w and dW, with its partial Z_next.
struct Block<'a, F> {
    x: ArrayView2<'a, F>,
    w: &'a mut [F],
    dw: &'a mut [F],
    z_part: Vec<F>,
}

/// The fused pass over a block of rows: dW, the update of w and the partial Z_next.
fn pass<F: Float>(x: ArrayView2<F>, dz: &[F], inv_m: F, alpha: F, w: &mut [F], dw: &mut [F], z_part: &mut [F]) {
    match F::logistic_pass(crate::linalg::TOKEN) {
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
