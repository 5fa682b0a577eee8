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

use crate::{Activation, Error, Float, Result, check};

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
/// [`Error::Shape`] when the shapes disagree, [`Error::NoExamples`] if m = 0.
pub fn propagate<F: Float>(w: &Array2<F>, b: F, x: &Array2<F>, y: &Array2<F>) -> Result<LoopedGradients<F>> {
    check::shape(|| "w".to_string(), w.dim(), x.nrows(), Some(1))?;
    check::shape(|| "Y".to_string(), y.dim(), 1, Some(x.ncols()))?;
    check::not_empty("X", x.view())?;
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
        cost -= y_i * a.ln() + (F::one() - y_i) * (F::one() - a).ln();
        let dz = a - y_i;
        for j in 0..n_x {
            dw[[j, 0]] += x[[j, i]] * dz;
        }
        db += dz;
    }
    let m = F::from_f64(m as f64);
    dw.mapv_inplace(|v| v / m);
    Ok(LoopedGradients {
        dw,
        db: db / m,
        cost: cost / m,
    })
}

/// Gradient descent for `iterations` steps with [`propagate`]; returns the final (w, b).
///
/// # Shapes
/// `w` is (n_x, 1), `x` is (n_x, m), `y` is (1, m).
///
/// # Errors
/// As [`propagate`]; [`Error::InvalidHyperparameter`] for a learning rate that is not finite
/// and positive.
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
    let alpha = F::from_f64(learning_rate);
    for _ in 0..iterations {
        let grads = propagate(&w, b, x, y)?;
        for j in 0..w.nrows() {
            w[[j, 0]] -= alpha * grads.dw[[j, 0]];
        }
        b -= alpha * grads.db;
    }
    Ok((w, b))
}

/// Σ a_i b_i with a for-loop, the non-vectorized dot product.
///
/// # Errors
/// [`Error::InvalidArgument`] if the lengths differ.
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
    let mut sum = F::zero();
    for i in 0..a.len() {
        sum += a[i] * b[i];
    }
    Ok(sum)
}
