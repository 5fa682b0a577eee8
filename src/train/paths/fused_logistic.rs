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
//! block keeps a partial Z_next, summed at the end of the pass. The parameters equal the textbook
//! loop's up to rounding (the order of the sums differs).

use std::sync::Mutex;

use ndarray::{ArrayView2, Axis, Zip};

use super::Step;
use crate::linalg::pool::{self, lock};
use crate::nn::cost::cross_entropy_from_logits;
use crate::{Activation, Float, Network, Optimizer, Result};

/// Below this many elements of X one thread does the pass.
const MIN_ELEMENTS_PER_THREAD: usize = 1 << 16;

/// Logistic regression (the plan checked: one sigmoid unit, cross-entropy, no L2, X in
/// standard layout, gradient descent at a constant rate α).
pub(in crate::train) struct FusedLogistic<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    alpha: F,
    inv_m: F,
    /// Rows of X per block: whole blocks of the SIMD pass's rows (8).
    rows_per_block: usize,
    /// Each block's partial Z_next, summed in block order at the end of a pass.
    z_parts: Vec<Mutex<Vec<F>>>,
    /// Steps left, counting the current one: the last one does not form Z_next.
    steps_left: usize,
}

impl<'a, F: Float> FusedLogistic<'a, F> {
    /// Computes Z = wᵀX + b; splits the rows of X between `threads` blocks.
    pub(in crate::train) fn new(
        net: &mut Network<F>,
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        alpha: f64,
        steps: usize,
        threads: usize,
    ) -> Self {
        let (n, m) = x.dim();
        net.layers_mut()[0].forward_unchecked(x);
        // At most as many blocks as a matrix product has pieces: `threads` is whatever
        // set_num_threads was given (usize::MAX would start a worker per 8 rows of X).
        let threads = threads
            .clamp(1, (n * m / MIN_ELEMENTS_PER_THREAD).max(1))
            .min(n)
            .min(crate::linalg::MAX_PARTS);
        let rows_per_block = n.div_ceil(threads).next_multiple_of(8);
        let blocks = n.div_ceil(rows_per_block);
        FusedLogistic {
            x,
            y,
            alpha: F::from_f64(alpha),
            inv_m: F::one() / F::from_f64(m as f64),
            rows_per_block,
            z_parts: (0..blocks).map(|_| Mutex::new(vec![F::zero(); m])).collect(),
            steps_left: steps,
        }
    }
}

impl<F: Float> Step<F> for FusedLogistic<'_, F> {
    const GRADIENTS_IN_UPDATE: bool = true;

    fn forward(&mut self, net: &mut Network<F>) -> Result<f64> {
        let parts = net.layers_mut()[0].parts_mut(self.x.ncols());
        Zip::from(&mut *parts.a)
            .and(&*parts.z)
            .for_each(|a, &z| *a = Activation::Sigmoid.g(z));
        Ok(cross_entropy_from_logits(parts.z.view(), self.y).as_f64())
    }

    /// dZ = A − Y and db = (1/m) Σ dZ; dW comes in the fused pass.
    fn backward(&mut self, net: &mut Network<F>) {
        let parts = net.layers_mut()[0].parts_mut(self.x.ncols());
        Zip::from(&mut *parts.dz)
            .and(&*parts.a)
            .and(self.y)
            .for_each(|dz, &a, &y| *dz = a - y);
        parts.db[[0, 0]] = parts.dz.sum() * self.inv_m;
    }

    /// The pass over the blocks of rows of X on the matrix products' worker pool, then
    /// b := b − α db and Z = Z_next + b.
    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, _optimizer: &mut O) -> Result<()> {
        let parts = net.layers_mut()[0].parts_mut(self.x.ncols());
        let (alpha, inv_m) = (self.alpha, self.inv_m);
        let w = parts
            .w
            .as_slice_mut()
            .expect("W is a fresh (1, n) matrix in standard layout");
        let dw = parts
            .dw
            .as_slice_mut()
            .expect("dW is a fresh (1, n) matrix in standard layout");
        let dz = parts.dz.as_slice().expect("dZ is (1, m) in standard layout");
        // Each piece takes the next block (rows of X with their parts of w and dW) and fills
        // that block's partial Z_next: which thread runs a block does not change the result.
        let blocks = Mutex::new(
            w.chunks_mut(self.rows_per_block)
                .zip(dw.chunks_mut(self.rows_per_block))
                .zip(self.x.axis_chunks_iter(Axis(0), self.rows_per_block))
                .enumerate(),
        );
        let z_parts = &self.z_parts;
        pool::run(z_parts.len(), &|_| {
            let Some((i, ((w, dw), x))) = lock(&blocks).next() else {
                return;
            };
            let z_part = &mut *lock(&z_parts[i]);
            z_part.fill(F::zero());
            pass(x, dz, inv_m, alpha, w, dw, z_part);
        });
        let b = &mut parts.b[[0, 0]];
        *b -= alpha * parts.db[[0, 0]];
        self.steps_left -= 1;
        if self.steps_left > 0 {
            parts.z.fill(*b);
            for z_part in z_parts {
                for (z, &part) in parts.z.iter_mut().zip(lock(z_part).iter()) {
                    *z += part;
                }
            }
        }
        Ok(())
    }
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
        let row = row
            .to_slice()
            .expect("X is in standard layout (plan() takes this path only then)");
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
