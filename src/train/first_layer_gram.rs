//! Batch gradient descent without multiplying by X in the loop, when there are few examples
//! next to the features (m ≤ n_x / 4, like the cat pictures: 209 × 12288). See
//! [`TrainConfig::gram`](super::TrainConfig::gram).
//!
//! Every update of W[1] is a combination of the examples, W[1] := W[1] − (α/m) dZ[1] Xᵀ, so
//! the next Z[1] = W[1] X + b[1] follows from this one through the m × m Gram matrix
//! G = XᵀX, computed once:
//!
//! ```text
//! Z[1]_{t+1} = Z[1]_t − (α/m) dZ[1]_t G + (b[1]_{t+1} − b[1]_t)
//! W[1]_T     = W[1]_0 − (α/m) (dZ[1]_0 + dZ[1]_1 + … + dZ[1]_{T−1}) Xᵀ
//! ```
//!
//! A step then costs n[1]·m² multiply-adds for the first layer instead of 2·n[1]·n_x·m (for
//! the cat data 59 times fewer, and none of them on X); the other layers train as usual, and
//! W[1] is formed once at the end. These are the iterates of the textbook loop up to rounding:
//! same costs, caches and parameters (`tests/looped_vs_vectorized.rs` and `tests/learning.rs`
//! compare them with step-by-step training). The sum of the dZ[1] is kept in f64 so that an
//! f32 run does not lose it to rounding.

use ndarray::{Array2, ArrayView2, Zip};

use crate::linalg::product;
use crate::{Error, Float, Network, Optimizer, Result};

/// Whether the Gram form is the cheaper one for X of shape (n_x, m): m ≤ n_x / 4 (a step
/// costs n[1]·m² against 2·n[1]·n_x·m), and G small (at most 2048², 32 MB in f64).
fn pays(n_x: usize, m: usize) -> bool {
    m <= 2048 && 4 * m <= n_x
}

/// The learning rate, if (network, X, optimizer) can train in the Gram form: plain gradient
/// descent, no L2, no dropout, few examples. (The caller checks the rest of the configuration.)
pub(super) fn applies<F: Float, O: Optimizer<F> + ?Sized>(
    net: &Network<F>,
    x: ArrayView2<F>,
    optimizer: &O,
) -> Option<F> {
    let fits =
        net.l2() == 0.0 && net.layers().iter().all(|layer| layer.keep_prob() == 1.0) && pays(x.nrows(), x.ncols());
    fits.then(|| optimizer.plain_gradient_descent_rate().map(F::from_f64))?
}

/// Trains for `iterations` steps, calling `record(iteration, cost)` after each forward pass.
///
/// On divergence it returns [`Error::Diverged`] as the step-by-step loop does, with W[1]
/// formed from the steps taken, so the network holds the parameters of the failing step.
pub(super) fn fit<F: Float, O: Optimizer<F> + ?Sized>(
    net: &mut Network<F>,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    optimizer: &mut O,
    alpha: F,
    iterations: usize,
    record: &mut dyn FnMut(usize, f64),
) -> Result<()> {
    let m = x.ncols();
    let inv_m = F::one() / F::from_f64(m as f64);
    let first = net.layer_mut(1).expect("a network has a first layer");
    first.forward_unchecked(x);
    let units = first.units();
    let mut gram = Array2::zeros((m, m));
    product(F::one(), x.t(), x, F::zero(), gram.view_mut());
    let mut dz_sum = Array2::<f64>::zeros((units, m));
    let mut b_before = Array2::zeros((units, 1));
    let mut outcome = Ok(());
    let mut last_finite_cost = None;
    for iteration in 0..iterations {
        let diverged = |what: String, last_finite_cost| Error::Diverged {
            iteration,
            what,
            last_finite_cost,
        };
        net.layer_mut(1).expect("checked above").activate_cached_z();
        net.forward_after_first();
        let cost = net.cached_cost(y).as_f64();
        if !cost.is_finite() {
            let culprit = net.non_finite_cost_culprit(cost);
            outcome = Err(diverged(
                format!("{culprit} of iteration {iteration}"),
                last_finite_cost,
            ));
            break;
        }
        last_finite_cost = Some(cost);
        record(iteration, cost);
        net.backward_with(x, y, false);
        if let Some(culprit) = net.first_non_finite_gradient() {
            let what = format!("{culprit} in the backward pass of iteration {iteration}");
            outcome = Err(diverged(what, Some(cost)));
            break;
        }
        b_before.assign(&net.layer(1).expect("checked above").b());
        net.update_with(optimizer, false);
        let first = net.layer_mut(1).expect("checked above");
        Zip::from(&mut dz_sum)
            .and(first.dz())
            .for_each(|sum, &dz| *sum += dz.as_f64());
        if iteration + 1 < iterations {
            let parts = first.parts_mut(m);
            product(
                -alpha * inv_m,
                parts.dz.view(),
                gram.view(),
                F::one(),
                parts.z.view_mut(),
            );
            for ((mut z_row, &b), &b_old) in parts.z.rows_mut().into_iter().zip(&*parts.b).zip(&b_before) {
                let shift = b - b_old;
                z_row.mapv_inplace(|z| z + shift);
            }
        }
    }
    let first = net.layer_mut(1).expect("checked above");
    let parts = first.parts_mut(m);
    let dz_sum = dz_sum.mapv(F::from_f64);
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
