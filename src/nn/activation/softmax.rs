//! Softmax, the output of a multi-class classifier: one probability per class, per column.
//!
//! ```text
//! a_k = e^(z_k − max z) / Σ_j e^(z_j − max z)        (each column; subtracting max z keeps e^ finite)
//! dZ = A ⊙ (dA − Σ_k dA_k A_k)                       (the Jacobian–vector product, per column)
//! with categorical cross-entropy and one-hot Y:  dZ = A − Y
//! ```

use ndarray::{ArrayView2, ArrayViewMut2, Axis, Zip};

use crate::Float;

/// A = softmax(Z), column by column.
pub(crate) fn forward_into<F: Float>(z: ArrayView2<F>, mut a: ArrayViewMut2<F>) {
    Zip::from(a.axis_iter_mut(Axis(1)))
        .and(z.axis_iter(Axis(1)))
        .for_each(|mut a, z| {
            let max = z.iter().copied().fold(F::neg_infinity(), F::max);
            let mut total = F::zero();
            for (a, &z) in a.iter_mut().zip(z) {
                *a = (z - max).exp();
                total += *a;
            }
            a.mapv_inplace(|v| v / total);
        });
}

/// dZ = A ⊙ (dA − Σ_k dA_k A_k), column by column.
pub(crate) fn backward_into<F: Float>(a: ArrayView2<F>, da: ArrayView2<F>, mut dz: ArrayViewMut2<F>) {
    Zip::from(dz.axis_iter_mut(Axis(1)))
        .and(a.axis_iter(Axis(1)))
        .and(da.axis_iter(Axis(1)))
        .for_each(|mut dz, a, da| {
            let inner: F = a.iter().zip(da).map(|(&a, &da)| a * da).sum();
            Zip::from(&mut dz)
                .and(a)
                .and(da)
                .for_each(|dz, &a, &da| *dz = a * (da - inner));
        });
}

/// log Σ_k e^(z_k) for one column, computed stably.
pub(crate) fn log_sum_exp<F: Float>(z: impl Iterator<Item = F> + Clone) -> F {
    let max = z.clone().fold(F::neg_infinity(), F::max);
    max + z.map(|v| (v - max).exp()).sum::<F>().ln()
}
