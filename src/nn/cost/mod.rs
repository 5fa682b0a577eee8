//! Cost functions J(A, Y) and their derivatives dA = ∂L/∂A.
//!
//! ```text
//! binary cross-entropy  J = −(1/m) Σ [y log a + (1 − y) log(1 − a)]   dA = −(y/a − (1 − y)/(1 − a))
//! mean squared error    J =  (1/m) Σ (a − y)²                          dA = 2 (a − y)
//! ```
//!
//! dA is the derivative of one example's loss: the layers divide by m when they form dW and db,
//! as the course does. With a sigmoid output and cross-entropy the network skips dA and starts
//! backpropagation from `dZ[L] = A[L] − Y`, which is exact and never divides by zero.
//!
//! Each output activation has the cost that belongs with it ([`Cost::for_output`]: sigmoid —
//! binary cross-entropy, softmax — categorical cross-entropy, linear — mean squared error), chosen
//! by every network constructor; a cross-entropy on an output that is not its probability is
//! refused by [`Network::with_cost`](crate::Network::with_cost).
//!
//! ```
//! use ndarray::array;
//! use ndnet::Cost;
//!
//! let a = array![[0.9, 0.2]];
//! let y = array![[1.0, 0.0]];
//! let j = Cost::BinaryCrossEntropy.compute(&a, &y).unwrap();
//! approx::assert_abs_diff_eq!(j, -(0.9_f64.ln() + 0.8_f64.ln()) / 2.0, epsilon = 1e-15);
//! ```

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};

use crate::base::check;
use crate::{Error, Float, Result};

mod pairing;

/// The cost J a network minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Cost {
    /// Binary cross-entropy (log loss), for 0/1 labels and a sigmoid output. `Cost::default()`;
    /// a network's default depends on its output ([`Cost::for_output`]).
    #[default]
    BinaryCrossEntropy,
    /// Mean squared error, summed over output units and averaged over the m examples.
    MeanSquaredError,
    /// Categorical cross-entropy −(1/m) Σ Σ_k y_k log a_k, for one-hot labels (each column of Y
    /// sums to 1) and a softmax output.
    CategoricalCrossEntropy,
}

impl Cost {
    /// A short name: `"binary_cross_entropy"`, `"mean_squared_error"` or `"categorical_cross_entropy"`.
    ///
    /// ```
    /// assert_eq!(ndnet::Cost::MeanSquaredError.name(), "mean_squared_error");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Cost::BinaryCrossEntropy => "binary_cross_entropy",
            Cost::MeanSquaredError => "mean_squared_error",
            Cost::CategoricalCrossEntropy => "categorical_cross_entropy",
        }
    }

    /// J(A, Y), averaged over the m examples.
    ///
    /// Cross-entropy clamps a into [ε, 1 − ε] (ε the type's machine epsilon), so a = 0 or 1
    /// gives a large finite cost rather than infinity.
    ///
    /// # Shapes
    /// `a` and `y` are both `(n[L], m)`.
    ///
    /// # Errors
    /// [`Error::Shape`] if the shapes differ, [`Error::NoExamples`] if m = 0,
    /// [`Error::NonFinite`] for NaN or inf, [`Error::LabelOutOfRange`] for cross-entropy labels
    /// outside [0, 1], [`Error::NonFiniteOutput`] if the cost overflows (a squared error of
    /// 1e200).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::Cost;
    /// let j = Cost::MeanSquaredError.compute(&array![[1.0, 3.0]], &array![[0.0, 1.0]]).unwrap();
    /// assert_eq!(j, 2.5);
    /// ```
    pub fn compute<F: Float>(&self, a: &Array2<F>, y: &Array2<F>) -> Result<F> {
        check::shape(|| "Y".to_string(), y.dim(), a.nrows(), Some(a.ncols()))?;
        check::not_empty("A", a.view())?;
        check::finite("A", a.view())?;
        self.check_labels(y.view())?;
        let j = self.compute_unchecked(a.view(), y.view());
        if !j.is_finite() {
            let what = format!(
                "the {} cost is {j}: it overflowed from a finite {}",
                self.name(),
                check::largest("A", a.view())
            );
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(j)
    }

    /// dA = ∂L/∂A for each example (not divided by m).
    ///
    /// # Shapes
    /// `a` and `y` are both `(n[L], m)`; so is the result.
    ///
    /// # Errors
    /// As [`Cost::compute`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::Cost;
    /// let da = Cost::MeanSquaredError.derivative(&array![[1.0]], &array![[0.25]]).unwrap();
    /// assert_eq!(da, array![[1.5]]);
    /// ```
    pub fn derivative<F: Float>(&self, a: &Array2<F>, y: &Array2<F>) -> Result<Array2<F>> {
        self.compute(a, y)?;
        let mut da = Array2::zeros(a.dim());
        self.derivative_into(a.view(), y.view(), da.view_mut());
        Ok(da)
    }

    /// Checks labels for this cost: finite; in [0, 1] for cross-entropy; columns summing to 1
    /// for categorical cross-entropy.
    pub(crate) fn check_labels<F: Float>(&self, y: ArrayView2<F>) -> Result<()> {
        check::finite("Y", y)?;
        if *self == Cost::CategoricalCrossEntropy
            && let Some((column, sum)) = y
                .axis_iter(ndarray::Axis(1))
                .map(|col| col.sum().as_f64())
                .enumerate()
                .find(|(_, sum)| (sum - 1.0).abs() > 1e-4)
        {
            return Err(Error::InvalidArgument {
                argument: "Y",
                message: format!(
                    "column {column} sums to {sum}; categorical cross-entropy needs one-hot columns \
                     (see ndnet::data::one_hot)"
                ),
            });
        }
        if *self != Cost::MeanSquaredError
            && let Some(((row, column), value)) = y.indexed_iter().find(|(_, v)| **v < F::zero() || **v > F::one())
        {
            return Err(Error::LabelOutOfRange {
                cost: self.name(),
                row,
                column,
                value: value.as_f64(),
            });
        }
        Ok(())
    }

    pub(crate) fn compute_unchecked<F: Float>(&self, a: ArrayView2<F>, y: ArrayView2<F>) -> F {
        let m = F::from_f64(a.ncols() as f64);
        let total = match self {
            Cost::BinaryCrossEntropy => {
                let (low, high) = (F::epsilon(), F::one() - F::epsilon());
                Zip::from(a).and(y).fold(F::zero(), |acc, &a, &y| {
                    let a = a.max(low).min(high);
                    acc - (y * a.ln() + (F::one() - y) * (F::one() - a).ln())
                })
            }
            Cost::MeanSquaredError => Zip::from(a)
                .and(y)
                .fold(F::zero(), |acc, &a, &y| acc + (a - y) * (a - y)),
            Cost::CategoricalCrossEntropy => {
                let low = F::epsilon();
                Zip::from(a)
                    .and(y)
                    .fold(F::zero(), |acc, &a, &y| acc - y * a.max(low).ln())
            }
        };
        total / m
    }

    pub(crate) fn derivative_into<F: Float>(&self, a: ArrayView2<F>, y: ArrayView2<F>, da: ArrayViewMut2<F>) {
        match self {
            Cost::BinaryCrossEntropy => {
                let (low, high) = (F::epsilon(), F::one() - F::epsilon());
                Zip::from(da).and(a).and(y).for_each(|da, &a, &y| {
                    let a = a.max(low).min(high);
                    *da = -(y / a - (F::one() - y) / (F::one() - a));
                });
            }
            Cost::CategoricalCrossEntropy => {
                let low = F::epsilon();
                Zip::from(da).and(a).and(y).for_each(|da, &a, &y| *da = -y / a.max(low));
            }
            Cost::MeanSquaredError => {
                let two = F::from_f64(2.0);
                Zip::from(da).and(a).and(y).for_each(|da, &a, &y| *da = two * (a - y));
            }
        }
    }
}

/// Cross-entropy of a sigmoid output computed from its logits `Z[L]`, stable for every z.
///
/// ```text
/// L(z, y) = max(z, 0) − z y + log(1 + e^(−|z|))  =  −[y log σ(z) + (1 − y) log(1 − σ(z))]
/// ```
///
/// This is what the network uses for a sigmoid output: finite even for |z| = 1e4, where
/// σ(z) rounds to exactly 0 or 1.
///
/// # Shapes
/// `z` and `y` are both `(n[L], m)`.
///
/// # Errors
/// As [`Cost::compute`].
///
/// ```
/// use ndarray::array;
/// let j = ndnet::binary_cross_entropy_with_logits(&array![[1e4, -1e4]], &array![[0.0, 1.0]]).unwrap();
/// assert_eq!(j, 1e4);
/// ```
pub fn binary_cross_entropy_with_logits<F: Float>(z: &Array2<F>, y: &Array2<F>) -> Result<F> {
    check::shape(|| "Y".to_string(), y.dim(), z.nrows(), Some(z.ncols()))?;
    check::not_empty("Z", z.view())?;
    check::finite("Z", z.view())?;
    Cost::BinaryCrossEntropy.check_labels(y.view())?;
    Ok(cross_entropy_from_logits(z.view(), y.view()))
}

pub(crate) fn cross_entropy_from_logits<F: Float>(z: ArrayView2<F>, y: ArrayView2<F>) -> F {
    let m = F::from_f64(z.ncols() as f64);
    let total = Zip::from(z).and(y).fold(F::zero(), |acc, &z, &y| {
        acc + z.max(F::zero()) - z * y + (-z.abs()).exp().ln_1p()
    });
    total / m
}

/// Categorical cross-entropy of a softmax output from its logits `Z[L]`, stable for any z:
///
/// ```text
/// (1/m) Σ_columns Σ_k y_k (log Σ_j e^(z_j) − z_k)
/// ```
pub(crate) fn categorical_cross_entropy_from_logits<F: Float>(z: ArrayView2<F>, y: ArrayView2<F>) -> F {
    let m = F::from_f64(z.ncols() as f64);
    let total = Zip::from(z.axis_iter(ndarray::Axis(1)))
        .and(y.axis_iter(ndarray::Axis(1)))
        .fold(F::zero(), |acc, z, y| {
            let lse = crate::nn::activation::softmax::log_sum_exp(z.iter().copied());
            acc + z.iter().zip(y).map(|(&z, &y)| y * (lse - z)).sum::<F>()
        });
    total / m
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn cross_entropy_is_finite_at_zero_and_one() {
        let a = array![[0.0, 1.0, 0.0, 1.0]];
        let y = array![[1.0, 0.0, 0.0, 1.0]];
        let j: f64 = Cost::BinaryCrossEntropy.compute(&a, &y).unwrap();
        assert!(j.is_finite() && j > 10.0);
        let da = Cost::BinaryCrossEntropy.derivative(&a, &y).unwrap();
        assert!(da.iter().all(|v| v.is_finite()));
        let j32: f32 = Cost::BinaryCrossEntropy
            .compute(&a.mapv(|v| v as f32), &y.mapv(|v| v as f32))
            .unwrap();
        assert!(j32.is_finite());
    }

    #[test]
    fn logits_form_equals_the_plain_formula_and_survives_huge_z() {
        let z = array![[-3.0, -0.2, 0.0, 0.5, 4.0]];
        let y = array![[0.0, 1.0, 1.0, 0.0, 1.0]];
        let a = Activation::Sigmoid.apply(&z);
        let plain = Cost::BinaryCrossEntropy.compute(&a, &y).unwrap();
        let logits = binary_cross_entropy_with_logits(&z, &y).unwrap();
        assert_abs_diff_eq!(plain, logits, epsilon = 1e-15);
        // |z| = 1e4: the right answer is exactly 1e4 per wrong example and 0 per right one.
        let z = array![[1e4, -1e4, 1e4, -1e4]];
        let y = array![[0.0, 1.0, 1.0, 0.0]];
        assert_eq!(binary_cross_entropy_with_logits(&z, &y).unwrap(), 5e3);
        let z32 = z.mapv(|v| v as f32);
        assert_eq!(
            binary_cross_entropy_with_logits(&z32, &y.mapv(|v| v as f32)).unwrap(),
            5e3
        );
    }

    use crate::Activation;

    #[test]
    fn bad_labels_and_shapes_are_errors() {
        let a = array![[0.5, 0.5]];
        assert!(matches!(
            Cost::BinaryCrossEntropy.compute(&a, &array![[1.0, 2.0]]),
            Err(Error::LabelOutOfRange { column: 1, .. })
        ));
        // MSE accepts any finite target.
        assert!(Cost::MeanSquaredError.compute(&a, &array![[1.0, 2.0]]).is_ok());
        assert!(matches!(
            Cost::MeanSquaredError.compute(&a, &array![[1.0, f64::NAN]]),
            Err(Error::NonFinite { argument: "Y", .. })
        ));
        assert!(matches!(
            Cost::MeanSquaredError.compute(&a, &array![[1.0], [2.0]]),
            Err(Error::Shape { .. })
        ));
        let empty = Array2::<f64>::zeros((1, 0));
        assert!(matches!(
            Cost::MeanSquaredError.compute(&empty, &empty),
            Err(Error::NoExamples { .. })
        ));
    }
}
