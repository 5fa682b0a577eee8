//! Batch gradient descent without multiplying by X in the loop, when there are few examples
//! next to the features (m ≤ n_x / 4, like the cat pictures: 209 × 12288). See
//! [`TrainConfig::gram`](crate::TrainConfig::gram).
//!
//! Every update of `W[1]` is a combination of the examples, `W[1]` := `W[1]` − (α/m) `dZ[1]` Xᵀ, so
//! the next `Z[1]` = `W[1]` X + `b[1]` follows from this one through the m × m Gram matrix
//! G = XᵀX, computed once:
//!
//! ```text
//! Z[1]_{t+1} = Z[1]_t − (α/m) dZ[1]_t G + (b[1]_{t+1} − b[1]_t)
//! W[1]_T     = W[1]_0 − (α/m) (dZ[1]_0 + dZ[1]_1 + … + dZ[1]_{T−1}) Xᵀ
//! ```
//!
//! A step then costs `n[1]`·m² multiply-adds for the first layer instead of 2·`n[1]`·n_x·m (for
//! the cat data 59 times fewer, and none of them on X); the other layers train as usual, and
//! `W[1]` is formed once at the end. These are the iterates of the textbook loop up to rounding:
//! same costs, caches and parameters (the gram and looped-vs-vectorized tests compare them with
//! step-by-step training). The sum of the `dZ[1]` is kept in f64 so that an
//! f32 run does not lose it to rounding.

use ndarray::{Array2, ArrayView2, Zip};

use super::Step;
use crate::linalg::product;
use crate::{Float, Network, Optimizer, Result};

/// The state of the Gram form: G = XᵀX, the running sum of `dZ[1]`, and `b[1]` before the update.
pub(in crate::train) struct GramForm<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    /// α (the plan checked the optimizer is gradient descent at a constant rate).
    alpha: F,
    inv_m: F,
    gram: Array2<F>,
    /// Σ `dZ[1]` over the steps taken, in f64 so that an f32 run does not lose it to rounding.
    dz_sum: Array2<f64>,
    /// `dz_sum` at the engine's last backup.
    dz_sum_backup: Array2<f64>,
    b_before: Array2<F>,
    /// Steps left, counting the current one: the last one skips the update of `Z[1]`.
    steps_left: usize,
}

impl<'a, F: Float> GramForm<'a, F> {
    /// Computes `Z[1]` = `W[1]` X + `b[1]` and G = XᵀX for `steps` steps at learning rate α.
    pub(in crate::train) fn new(
        net: &mut Network<F>,
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        alpha: f64,
        steps: usize,
    ) -> Self {
        let m = x.ncols();
        let first = &mut net.layers_mut()[0];
        first.forward_unchecked(x);
        let units = first.units();
        let mut gram = Array2::zeros((m, m));
        product(F::one(), x.t(), x, F::zero(), gram.view_mut());
        GramForm {
            x,
            y,
            alpha: F::from_f64(alpha),
            inv_m: F::one() / F::from_f64(m as f64),
            gram,
            dz_sum: Array2::zeros((units, m)),
            dz_sum_backup: Array2::zeros((units, m)),
            b_before: Array2::zeros((units, 1)),
            steps_left: steps,
        }
    }
}

impl<F: Float> Step<F> for GramForm<'_, F> {
    const FIRST_WEIGHTS_EVERY_STEP: bool = false;

    fn forward(&mut self, net: &mut Network<F>) -> Result<f64> {
        net.layers_mut()[0].activate_cached_z();
        net.forward_after_first();
        Ok(net.cached_cost(self.y).as_f64())
    }

    /// `dZ[L]` down to `dZ[1]` and `db[1]`; `dW[1]` is never formed in the loop.
    fn backward(&mut self, net: &mut Network<F>) {
        net.backward_to_first_dz(self.y);
        net.layers_mut()[0].bias_gradient_from_dz();
    }

    /// θ := θ − α dθ for every parameter but `W[1]`, then `Z[1]` := `Z[1]` − (α/m) `dZ[1]` G + Δ`b[1]`.
    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, _optimizer: &mut O) -> Result<()> {
        self.b_before.assign(&net.layers()[0].b());
        for (i, layer) in net.layers_mut().iter_mut().enumerate() {
            let [(mut w, dw), (mut b, db)] = layer.params_and_grads();
            if i > 0 {
                w.scaled_add(-self.alpha, &dw);
            }
            b.scaled_add(-self.alpha, &db);
        }
        let first = &mut net.layers_mut()[0];
        Zip::from(&mut self.dz_sum)
            .and(first.dz())
            .for_each(|sum, &dz| *sum += dz.as_f64());
        self.steps_left -= 1;
        if self.steps_left > 0 {
            let m = self.x.ncols();
            let parts = first.parts_mut(m);
            product(
                -self.alpha * self.inv_m,
                parts.dz.view(),
                self.gram.view(),
                F::one(),
                parts.z.view_mut(),
            );
            for ((mut z_row, &b), &b_old) in parts.z.rows_mut().into_iter().zip(&*parts.b).zip(&self.b_before) {
                let shift = b - b_old;
                z_row.mapv_inplace(|z| z + shift);
            }
        }
        Ok(())
    }

    /// The backup's `W[1]` is the `W[1]` training started from (it is formed only in
    /// `finish`): keep the sum of the `dZ[1]` that goes with it.
    fn back_up(&mut self) {
        self.dz_sum_backup.assign(&self.dz_sum);
    }

    fn rollback(&mut self) {
        self.dz_sum.assign(&self.dz_sum_backup);
    }

    /// `W[1]` := `W[1]` − (α/m) `(Σ dZ[1])` Xᵀ over the steps taken, and `dW[1]` of the last one.
    fn finish(&mut self, net: &mut Network<F>) {
        let m = self.x.ncols();
        let parts = net.layers_mut()[0].parts_mut(m);
        let dz_sum = self.dz_sum.mapv(F::from_f64);
        product(
            -self.alpha * self.inv_m,
            dz_sum.view(),
            self.x.t(),
            F::one(),
            parts.w.view_mut(),
        );
        product(self.inv_m, parts.dz.view(), self.x.t(), F::zero(), parts.dw.view_mut());
    }
}
