//! Logistic regression by batch gradient descent without reading X in the loop, when there
//! are few examples next to the features (m ≤ n_x / 4, like the cat pictures: 209 × 12288).
//!
//! Every update of w is a combination of the examples, w_{t+1} = w_t − (α/m) X dZ_tᵀ, so the
//! next iteration's Z = wᵀX + b follows from this one's through the m × m Gram matrix
//! G = XᵀX, computed once:
//!
//! ```text
//! Z_{t+1} = Z_t − (α/m) dZ_t G + (b_{t+1} − b_t)
//! w_T     = w_0 − (α/m) X (dZ_0 + dZ_1 + … + dZ_{T−1})ᵀ
//! ```
//!
//! An iteration then costs m² multiply-adds instead of 2·n_x·m (for the cat data 59 times
//! fewer, and none of them on X), and w is formed once at the end. These are the iterates of
//! the textbook loop up to rounding: same costs, same A, dZ, db at every step, same w and b at
//! the end (`tests/looped_vs_vectorized.rs` compares them with step-by-step training). The
//! sum of the dZ is kept in f64 so that an f32 run does not lose it to rounding.

use ndarray::{Array2, ArrayView2, Zip};

use crate::cost::cross_entropy_from_logits;
use crate::linalg::product;
use crate::{Activation, Error, Float, Network, Result};

/// Whether the Gram form is the cheaper one for X of shape (n, m): m ≤ n / 4 (each iteration
/// costs m² against 2nm), and G small (at most 2048², 32 MB in f64).
pub(super) fn pays(n: usize, m: usize) -> bool {
    m <= 2048 && 4 * m <= n
}

/// Trains for `iterations` steps, calling `record(iteration, cost)` after each forward pass.
///
/// On a non-finite cost at iteration k it returns [`Error::Diverged`], with w and b those
/// of iteration k (the last ones computed, all finite), as the step-by-step loop leaves them.
pub(super) fn fit<F: Float>(
    net: &mut Network<F>,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    alpha: F,
    iterations: usize,
    record: &mut dyn FnMut(usize, f64),
) -> Result<()> {
    let m = x.ncols();
    let inv_m = F::one() / F::from_f64(m as f64);
    let layer = net.layer_mut(1).expect("applies() checked there is one layer");
    layer.forward_unchecked(x);
    let parts = layer.parts_mut(m);
    let mut gram = Array2::zeros((m, m));
    product(F::one(), x.t(), x, F::zero(), gram.view_mut());
    let mut dz_sum = vec![0.0f64; m];
    let mut dz_gram = Array2::zeros((1, m));
    let mut outcome = Ok(());
    let mut last_finite_cost = None;
    for iteration in 0..iterations {
        Zip::from(&mut *parts.a)
            .and(&*parts.z)
            .for_each(|a, &z| *a = Activation::Sigmoid.g(z));
        let cost = cross_entropy_from_logits(parts.z.view(), y).as_f64();
        if !cost.is_finite() {
            outcome = Err(Error::Diverged {
                iteration,
                what: format!("the cost is {cost}"),
                last_finite_cost,
            });
            break;
        }
        last_finite_cost = Some(cost);
        record(iteration, cost);
        Zip::from(&mut *parts.dz)
            .and(&*parts.a)
            .and(y)
            .for_each(|dz, &a, &y| *dz = a - y);
        for (sum, &dz) in dz_sum.iter_mut().zip(parts.dz.iter()) {
            *sum += dz.as_f64();
        }
        let db = parts.dz.sum() * inv_m;
        parts.db[[0, 0]] = db;
        let b = &mut parts.b[[0, 0]];
        let b_before = *b;
        *b -= alpha * db;
        if iteration + 1 < iterations {
            let shift = *b - b_before;
            product(F::one(), parts.dz.view(), gram.view(), F::zero(), dz_gram.view_mut());
            Zip::from(&mut *parts.z)
                .and(&dz_gram)
                .for_each(|z, &step| *z = *z - alpha * inv_m * step + shift);
        }
    }
    let dz_sum = Array2::from_shape_fn((1, m), |(_, j)| F::from_f64(dz_sum[j]));
    product(-alpha * inv_m, dz_sum.view(), x.t(), F::one(), parts.w.view_mut());
    product(inv_m, parts.dz.view(), x.t(), F::zero(), parts.dw.view_mut());
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gram_form_is_chosen_for_few_examples_only() {
        assert!(pays(12288, 209));
        assert!(!pays(700, 300));
        assert!(!pays(1_000_000, 4096));
    }
}
