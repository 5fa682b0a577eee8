//! Inference through one layer without touching its caches: `Z = W A[l−1] + b` alone, or
//! `A = g(Z)` with + b, g and the finiteness checks in one pass where that vectorizes.

use ndarray::{Array2, ArrayView2};

use super::{Dense, linear_forward_into};
use crate::base::check;
use crate::linalg::product;
use crate::{Activation, Float, Result};

impl<F: Float> Dense<F> {
    /// Linear forward only, `Z = W A[l−1] + b`, without touching the cache.
    ///
    /// # Shapes
    /// `a_prev` is `(n[l−1], m)`; the result is `(n[l], m)`.
    ///
    /// # Errors
    /// As [`Dense::forward`] ([`Error::NonFiniteOutput`](crate::Error::NonFiniteOutput) names `Z[l]`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Dense};
    /// let layer = Dense::from_parameters(array![[1.0, -1.0]], array![[0.5]], Activation::Relu).unwrap();
    /// assert_eq!(layer.linear(array![[1.0], [3.0]].view()).unwrap(), array![[-1.5]]);
    /// ```
    pub fn linear(&self, a_prev: ArrayView2<F>) -> Result<Array2<F>> {
        self.check_input(a_prev)?;
        let mut z = Array2::zeros((self.units(), a_prev.ncols()));
        linear_forward_into(&self.w, &self.b, a_prev, &mut z);
        self.check_output("Z", z.view())?;
        Ok(z)
    }

    /// Inference only: `A = g(W A[l−1] + b)` without touching the cache, so `&self` suffices.
    ///
    /// # Shapes
    /// `a_prev` is `(n[l−1], m)`; the result is `(n[l], m)`.
    ///
    /// # Errors
    /// As [`Dense::forward`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Dense};
    /// let layer = Dense::from_parameters(array![[1.0, -1.0]], array![[0.5]], Activation::Relu).unwrap();
    /// assert_eq!(layer.predict(array![[1.0], [3.0]].view()).unwrap(), array![[0.0]]);
    /// ```
    pub fn predict(&self, a_prev: ArrayView2<F>) -> Result<Array2<F>> {
        self.check_input(a_prev)?;
        let mut z = Array2::zeros((self.units(), a_prev.ncols()));
        product(F::one(), self.w.view(), a_prev, F::zero(), z.view_mut());
        // One pass over Z for + b, g and both checks, one loop per activation so that each
        // vectorizes: Z is read and written once instead of four times.
        let finite = match self.activation {
            Activation::Relu => bias_then(&mut z, &self.b, |z| z.max(F::zero())),
            Activation::Linear => bias_then(&mut z, &self.b, |z| z),
            Activation::LeakyRelu { slope } => {
                let slope = F::from_f64(slope);
                bias_then(&mut z, &self.b, |z| if z > F::zero() { z } else { slope * z })
            }
            // Their exp and tanh calls do not vectorize: separate passes measured faster.
            Activation::Sigmoid | Activation::Tanh | Activation::Custom(_) | Activation::Softmax => {
                z += &self.b;
                let z_finite = check::all_finite(z.view());
                self.activation.apply_inplace(&mut z);
                (z_finite, check::all_finite(z.view()))
            }
        };
        if !finite.0 {
            // Z was overwritten by A: computed again to name the first non-finite entry.
            self.linear(a_prev)?;
        }
        if !finite.1 {
            self.check_output("A", z.view())?;
        }
        Ok(z)
    }
}

/// `z ← g(z + b)` (b broadcast along the rows of z) in one pass, and whether every z + b and
/// every g(z + b) were finite.
fn bias_then<F: Float>(z: &mut Array2<F>, b: &Array2<F>, g: impl Fn(F) -> F) -> (bool, bool) {
    // 0·v is 0 for finite v and NaN otherwise: sums of those, branch-free, say whether all were.
    const LANES: usize = 16;
    let (mut z_sums, mut a_sums) = ([F::zero(); LANES], [F::zero(); LANES]);
    for (mut row, &bias) in z.rows_mut().into_iter().zip(b.iter()) {
        let Some(row) = row.as_slice_mut() else {
            row.iter_mut()
                .for_each(|v| bias_then_one(v, bias, &g, &mut z_sums[0], &mut a_sums[0]));
            continue;
        };
        let mut blocks = row.chunks_exact_mut(LANES);
        for block in &mut blocks {
            let block: &mut [F; LANES] = block.try_into().expect("an exact chunk");
            let mut s = [F::zero(); LANES];
            for (s, &v) in s.iter_mut().zip(block.iter()) {
                *s = v + bias;
            }
            for ((v, &s), (z_sum, a_sum)) in block.iter_mut().zip(&s).zip(z_sums.iter_mut().zip(&mut a_sums)) {
                *v = g(s);
                *z_sum += s * F::zero();
                *a_sum += *v * F::zero();
            }
        }
        for v in blocks.into_remainder() {
            bias_then_one(v, bias, &g, &mut z_sums[0], &mut a_sums[0]);
        }
    }
    let finite = |sums: [F; LANES]| sums.iter().fold(F::zero(), |acc, &s| acc + s) == F::zero();
    (finite(z_sums), finite(a_sums))
}

/// One element of [`bias_then`] outside its 16-lane blocks.
fn bias_then_one<F: Float>(v: &mut F, bias: F, g: &impl Fn(F) -> F, z_sum: &mut F, a_sum: &mut F) {
    let s = *v + bias;
    *v = g(s);
    *z_sum += s * F::zero();
    *a_sum += *v * F::zero();
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};
    use rand::SeedableRng;

    use crate::{Activation, Dense, Initializer};

    /// The fused pass of `predict` (ReLU, linear, leaky ReLU) and the separate passes (the
    /// others) give the bits of the training forward pass, on rows of any length (past the
    /// 16-lane blocks) and on a transposed (strided) input.
    #[test]
    fn predict_gives_the_forward_pass_bits_for_every_activation() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let x = Array2::from_shape_fn((7, 37), |(i, j)| ((i * 37 + j) as f32 * 0.37).sin());
        let x_t = x.t().to_owned();
        for activation in [
            Activation::Relu,
            Activation::Linear,
            Activation::leaky_relu(),
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Softmax,
        ] {
            let mut layer = Dense::<f32>::new(7, 5, activation, Initializer::He, &mut rng).unwrap();
            let a = layer.predict(x.view()).unwrap();
            assert_eq!(a, layer.forward(x.view()).unwrap(), "{activation}");
            assert_eq!(a, layer.predict(x_t.t()).unwrap(), "{activation}, strided input");
        }
    }

    #[test]
    fn predict_names_z_when_it_overflows_and_a_when_g_does() {
        // Z = MAX + MAX = inf: ReLU(inf) is inf, but the error names Z, where it began.
        let big = Dense::from_parameters(array![[f32::MAX, f32::MAX]], array![[0.0]], Activation::Relu).unwrap();
        let err = big.predict(array![[1.0], [1.0]].view()).unwrap_err();
        assert!(err.to_string().contains("Z[1] has 1 non-finite entry"), "{err}");
        // A NaN in the input makes Z NaN, which ReLU would turn into 0.
        let one = Dense::from_parameters(array![[1.0f32]], array![[0.0]], Activation::Relu).unwrap();
        let err = one.predict(array![[0.0, f32::NAN, 1.0]].view()).unwrap_err();
        assert!(
            err.to_string()
                .contains("Z[1] has 1 non-finite entry (first at row 0, column 1"),
            "{err}"
        );
        // Z is finite, g(Z) is not.
        let steep = Activation::Custom(crate::CustomActivation {
            name: "steep",
            g: |z| if z < 0.0 { f64::INFINITY } else { z },
            derivative: |_| 1.0,
        });
        let custom = Dense::from_parameters(array![[1.0f32]], array![[0.0]], steep).unwrap();
        let err = custom.predict(array![[-1.0, 2.0]].view()).unwrap_err();
        assert!(
            err.to_string()
                .contains("A[1] has 1 non-finite entry (first at row 0, column 0"),
            "{err}"
        );
    }
}
