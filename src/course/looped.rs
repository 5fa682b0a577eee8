//! The course's for-loop logistic regression, kept as a reference and as the slow side of the
//! vectorization benchmark.
//!
//! ```text
//! J = 0, dw = 0, db = 0
//! for i = 1..m:
//!     z(i) = wᵀx(i) + b;   a(i) = σ(z(i))
//!     J += −[y(i) log a(i) + (1 − y(i)) log(1 − a(i))]
//!     dz(i) = a(i) − y(i)
//!     for j = 1..n_x:  dw_j += x_j(i) dz(i)
//!     db += dz(i)
//! J /= m;  dw /= m;  db /= m
//! w := w − α dw;  b := b − α db
//! ```
//!
//! Every number here is computed one at a time; [`crate::Network::logistic_regression`] with
//! [`crate::Network::fit`] is the vectorized version (Z = wᵀX + b, dw = (1/m) X dZᵀ) and
//! gives the same parameters.
//!
//! ```
//! use ndarray::array;
//! // The course's test case: w = [[1], [2]], b = 2, X = [[1, 2, −1], [3, 4, −3.2]], Y = [[1, 0, 1]].
//! let w = array![[1.0], [2.0]];
//! let x = array![[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]];
//! let y = array![[1.0, 0.0, 1.0]];
//! let step = ndnet::looped::propagate(&w, 2.0, &x, &y).unwrap();
//! approx::assert_abs_diff_eq!(step.cost, 5.801545319394553, epsilon = 1e-9);
//! ```

use ndarray::Array2;

use crate::base::check;
use crate::{Activation, Error, Float, Result};

/// What one looped pass over the examples computes.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopedGradients<F> {
    /// dw, (n_x, 1).
    pub dw: Array2<F>,
    /// db.
    pub db: F,
    /// The cost J.
    pub cost: F,
}

/// One pass over the m examples with explicit loops: the gradients and the cost.
///
/// # Shapes
/// `w` is (n_x, 1), `x` is (n_x, m), `y` is (1, m).
///
/// # Errors
/// [`Error::Shape`] when the shapes disagree, [`Error::NoExamples`] if m = 0,
/// [`Error::NonFinite`] for NaN or inf in `w`, `b`, `x` or `y`, [`Error::LabelOutOfRange`] for a
/// label outside [0, 1], [`Error::NonFiniteOutput`] if z, dw, db or the cost overflows.
pub fn propagate<F: Float>(w: &Array2<F>, b: F, x: &Array2<F>, y: &Array2<F>) -> Result<LoopedGradients<F>> {
    check::shape(|| "w".to_string(), w.dim(), x.nrows(), Some(1))?;
    check::shape(|| "Y".to_string(), y.dim(), 1, Some(x.ncols()))?;
    check::not_empty("X", x.view())?;
    check::finite("w", w.view())?;
    check::finite("X", x.view())?;
    if !b.is_finite() {
        return Err(Error::NonFinite {
            argument: "b",
            row: 0,
            column: 0,
            value: b.as_f64(),
        });
    }
    crate::Cost::BinaryCrossEntropy.check_labels(y.view())?;
    let (n_x, m) = x.dim();
    let mut cost = F::zero();
    let mut dw = Array2::zeros((n_x, 1));
    let mut db = F::zero();
    for i in 0..m {
        let mut z = b;
        for j in 0..n_x {
            z += w[[j, 0]] * x[[j, i]];
        }
        let a = Activation::Sigmoid.g(z);
        let y_i = y[[0, i]];
        // −(y ln a + (1 − y) ln(1 − a)) written from z, finite where a rounds to 0 or 1
        // (the course's form gives 0 · ln 0 = NaN there).
        cost += z.max(F::zero()) - z * y_i + (-z.abs()).exp().ln_1p();
        let dz = a - y_i;
        for j in 0..n_x {
            dw[[j, 0]] += x[[j, i]] * dz;
        }
        db += dz;
    }
    let m = F::from_f64(m as f64);
    dw.mapv_inplace(|v| v / m);
    let (db, cost) = (db / m, cost / m);
    if let Some(what) = check::describe_non_finite(|| "dw".to_string(), dw.view()) {
        return Err(Error::NonFiniteOutput { what });
    }
    if !(db.is_finite() && cost.is_finite()) {
        return Err(Error::NonFiniteOutput {
            what: format!("db = {db} and the cost J = {cost} (z overflowed)"),
        });
    }
    Ok(LoopedGradients { dw, db, cost })
}

/// Gradient descent for `iterations` steps with [`propagate`]; returns the final (w, b).
///
/// # Shapes
/// `w` is (n_x, 1), `x` is (n_x, m), `y` is (1, m).
///
/// # Errors
/// As [`propagate`]; [`Error::InvalidHyperparameter`] for a learning rate that is not finite
/// and positive (in `F`); [`Error::Diverged`] when an update makes w or b non-finite.
///
/// ```
/// use ndarray::array;
/// let x = array![[-2.0, -1.0, 1.0, 2.0]];
/// let y = array![[0.0, 0.0, 1.0, 1.0]];
/// let (w, b) = ndnet::looped::optimize(array![[0.0]], 0.0_f64, &x, &y, 100, 1.0).unwrap();
/// assert!(w[[0, 0]] > 1.0 && b.abs() < 1e-12);
/// ```
pub fn optimize<F: Float>(
    mut w: Array2<F>,
    mut b: F,
    x: &Array2<F>,
    y: &Array2<F>,
    iterations: usize,
    learning_rate: f64,
) -> Result<(Array2<F>, F)> {
    crate::optimizer::check_learning_rate(learning_rate)?;
    let alpha = check::in_float::<F>("learning_rate", learning_rate, true)?;
    for iteration in 0..iterations {
        let grads = propagate(&w, b, x, y)?;
        for j in 0..w.nrows() {
            w[[j, 0]] -= alpha * grads.dw[[j, 0]];
        }
        b -= alpha * grads.db;
        let culprit = check::describe_non_finite(|| "w".to_string(), w.view())
            .or_else(|| (!b.is_finite()).then(|| format!("b = {b}")));
        if let Some(what) = culprit {
            return Err(Error::Diverged {
                iteration,
                what: format!("{what} after the update of iteration {iteration}"),
                last_finite_cost: Some(grads.cost.as_f64()),
            });
        }
    }
    Ok((w, b))
}

/// Σ a_i b_i with a for-loop, the non-vectorized dot product.
///
/// # Errors
/// [`Error::InvalidArgument`] if the lengths differ, [`Error::NonFinite`] for NaN or inf in `a`
/// or `b`, [`Error::NonFiniteOutput`] if the sum overflows.
///
/// ```
/// assert_eq!(ndnet::looped::dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap(), 32.0);
/// ```
pub fn dot<F: Float>(a: &[F], b: &[F]) -> Result<F> {
    if a.len() != b.len() {
        return Err(Error::InvalidArgument {
            argument: "b",
            message: format!("has length {}, a has {}", b.len(), a.len()),
        });
    }
    for (argument, v) in [("a", a), ("b", b)] {
        if let Some(column) = v.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                argument,
                row: 0,
                column,
                value: v[column].as_f64(),
            });
        }
    }
    let mut sum = F::zero();
    for i in 0..a.len() {
        sum += a[i] * b[i];
    }
    if !sum.is_finite() {
        return Err(Error::NonFiniteOutput {
            what: format!("the sum Σ a_i b_i of {} products overflowed to {sum}", a.len()),
        });
    }
    Ok(sum)
}
