//! Evaluation metrics on predictions and labels in the course's layout: (1, m) matrices, one
//! example per column.
//!
//! Binary metrics take 0/1 predictions (threshold probabilities first, e.g. p ≥ 0.5);
//! [`log_loss`](fn@log_loss) takes the probabilities themselves. Regression metrics
//! ([`rmse`], [`mae`], [`r2`]) take predicted and true numbers.
//!
//! ```
//! use ndarray::array;
//! use ndnet::metrics;
//!
//! let predictions = array![[1.0, 1.0, 0.0, 0.0, 1.0]];
//! let labels = array![[1.0, 0.0, 0.0, 1.0, 1.0]];
//! // Hand count: tp = 2 (columns 0, 4), fp = 1 (column 1), tn = 1 (2), fn = 1 (3).
//! assert_eq!(metrics::accuracy(&predictions, &labels)?, 0.6); // 3 / 5
//! assert_eq!(metrics::precision(&predictions, &labels)?, 2.0 / 3.0);
//! assert_eq!(metrics::recall(&predictions, &labels)?, 2.0 / 3.0);
//! # Ok::<(), ndnet::Error>(())
//! ```

mod confusion;
mod log_loss;
mod regression;

pub use confusion::{ConfusionMatrix, confusion_matrix};
pub use log_loss::log_loss;
pub use regression::{mae, r2, rmse};

use ndarray::{ArrayBase, Data, Ix2};

use crate::base::check;
use crate::{Error, Float, Result};

/// The fraction of examples whose prediction equals the label: 0/1 labels or class indices.
///
/// Both matrices must hold whole numbers ≥ 0 (binary 0/1 or multi-class indices 0, 1, 2, …).
///
/// # Shapes
/// `predictions` and `labels` are both (1, m), m ≥ 1.
///
/// # Errors
/// [`Error::Shape`] / [`Error::NoExamples`] for wrong shapes or m = 0;
/// [`Error::InvalidArgument`] if a value is not a whole number ≥ 0 (e.g. a probability).
///
/// ```
/// use ndarray::array;
/// // Three classes: columns 0, 2 and 3 right out of 4.
/// let acc = ndnet::metrics::accuracy(&array![[2.0, 0.0, 1.0, 1.0]],
///                                    &array![[2.0, 1.0, 1.0, 1.0]]).unwrap();
/// assert_eq!(acc, 0.75);
/// ```
pub fn accuracy<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let m = check_pair(predictions, labels)?;
    for (argument, a) in [("predictions", predictions.view()), ("labels", labels.view())] {
        if let Some((j, &v)) = a
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.as_f64() >= 0.0 && v.fract() == F::zero()))
        {
            return Err(Error::InvalidArgument {
                argument,
                message: format!(
                    "column {j} holds {v}; accuracy compares classes (0/1 or 0, 1, 2, …): \
                     threshold probabilities first"
                ),
            });
        }
    }
    let right = predictions.iter().zip(labels).filter(|(p, l)| p == l).count();
    Ok(right as f64 / m as f64)
}

/// The fraction of equal entries of two lists of class indices (multi-class predictions).
///
/// # Errors
/// [`Error::InvalidArgument`] if the lists differ in length or are empty.
///
/// ```
/// let acc = ndnet::metrics::accuracy_indices(&[3, 1, 4, 1], &[3, 1, 4, 0]).unwrap();
/// assert_eq!(acc, 0.75);
/// ```
pub fn accuracy_indices(predictions: &[usize], labels: &[usize]) -> Result<f64> {
    if predictions.len() != labels.len() || predictions.is_empty() {
        return Err(Error::InvalidArgument {
            argument: "labels",
            message: format!(
                "{} labels for {} predictions; both need the same m ≥ 1",
                labels.len(),
                predictions.len()
            ),
        });
    }
    let right = predictions.iter().zip(labels).filter(|(p, l)| p == l).count();
    Ok(right as f64 / predictions.len() as f64)
}

/// Precision tp / (tp + fp): of the examples predicted 1, the fraction that are 1 (0 if
/// nothing is predicted 1).
///
/// # Shapes
/// `predictions` and `labels` are both (1, m) of 0/1, m ≥ 1.
///
/// # Errors
/// As [`confusion_matrix`].
///
/// ```
/// use ndarray::array;
/// // Predicted 1 at columns 0, 1, 2; of those, 0 and 2 are 1: 2 / 3.
/// let p = ndnet::metrics::precision(&array![[1.0, 1.0, 1.0, 0.0]],
///                                   &array![[1.0, 0.0, 1.0, 1.0]]).unwrap();
/// assert_eq!(p, 2.0 / 3.0);
/// ```
pub fn precision<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    Ok(confusion_matrix(predictions, labels)?.precision())
}

/// Recall tp / (tp + fn): of the examples that are 1, the fraction predicted 1 (0 if no
/// label is 1).
///
/// # Shapes
/// `predictions` and `labels` are both (1, m) of 0/1, m ≥ 1.
///
/// # Errors
/// As [`confusion_matrix`].
///
/// ```
/// use ndarray::array;
/// // Labels are 1 at columns 0, 2, 3; predicted 1 at 0 and 2: 2 / 3.
/// let r = ndnet::metrics::recall(&array![[1.0, 1.0, 1.0, 0.0]],
///                                &array![[1.0, 0.0, 1.0, 1.0]]).unwrap();
/// assert_eq!(r, 2.0 / 3.0);
/// ```
pub fn recall<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    Ok(confusion_matrix(predictions, labels)?.recall())
}

/// F1 score 2·P·R / (P + R), the harmonic mean of precision and recall (0 if both are 0).
///
/// # Shapes
/// `predictions` and `labels` are both (1, m) of 0/1, m ≥ 1.
///
/// # Errors
/// As [`confusion_matrix`].
///
/// ```
/// use ndarray::array;
/// // tp = 1, fp = 1, fn = 2: P = 1/2, R = 1/3, F1 = 2·(1/6)/(5/6) = 0.4.
/// let f = ndnet::metrics::f1(&array![[1.0, 1.0, 0.0, 0.0]],
///                            &array![[1.0, 0.0, 1.0, 1.0]]).unwrap();
/// assert!((f - 0.4).abs() < 1e-12);
/// ```
pub fn f1<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    Ok(confusion_matrix(predictions, labels)?.f1())
}

/// Checks that `predictions` is (1, m) with m ≥ 1 and `labels` is (1, m); returns m.
fn check_pair<S: Data, T: Data>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<usize> {
    check::shape(|| "predictions".to_owned(), predictions.dim(), 1, None)?;
    check::not_empty("predictions", predictions.view())?;
    let m = predictions.ncols();
    check::shape(|| "labels (one per prediction)".to_owned(), labels.dim(), 1, Some(m))?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn accuracy_binary_and_multiclass_by_hand() {
        // Equal at columns 0, 1, 3: 3 / 4.
        let acc = accuracy(&array![[1.0f32, 0.0, 1.0, 0.0]], &array![[1.0f32, 0.0, 0.0, 0.0]]);
        assert_eq!(acc.unwrap(), 0.75);
        assert_eq!(accuracy_indices(&[0, 9], &[0, 9]).unwrap(), 1.0);
    }

    #[test]
    fn accuracy_rejects_probabilities_shapes_and_empty() {
        let err = accuracy(&array![[0.7, 1.0]], &array![[1.0, 1.0]]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "predictions",
                    ..
                }
            ),
            "{err}"
        );
        let err = accuracy(&array![[1.0, 1.0]], &array![[1.0, 0.0, 1.0]]).unwrap_err();
        assert!(matches!(err, Error::Shape { got: (1, 3), .. }));
        let err = accuracy(&array![[1.0], [0.0]], &array![[1.0, 0.0]]).unwrap_err();
        assert!(matches!(
            err,
            Error::Shape {
                transposed_fits: true,
                ..
            }
        ));
        let empty = Array2::<f64>::zeros((1, 0));
        assert!(matches!(accuracy(&empty, &empty), Err(Error::NoExamples { .. })));
        assert!(accuracy_indices(&[], &[]).is_err());
        assert!(accuracy_indices(&[1], &[1, 2]).is_err());
    }

    #[test]
    fn precision_recall_f1_zero_division_is_zero() {
        let p = array![[0.0, 0.0]];
        let y = array![[0.0, 0.0]];
        assert_eq!(precision(&p, &y).unwrap(), 0.0);
        assert_eq!(recall(&p, &y).unwrap(), 0.0);
        assert_eq!(f1(&p, &y).unwrap(), 0.0);
    }

    #[test]
    fn f1_by_hand() {
        // tp = 2, fp = 1, fn = 1: P = R = 2/3, so F1 = 2/3.
        let f = f1(&array![[1.0, 1.0, 0.0, 0.0, 1.0]], &array![[1.0, 0.0, 0.0, 1.0, 1.0]]);
        assert!((f.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    }
}
