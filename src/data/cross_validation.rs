//! k-fold cross-validation: [`cross_validate`] scores any training procedure on the folds of
//! [`k_fold_indices`](super::k_fold_indices), fold by fold, and summarises the scores in a
//! [`CrossValidation`].
//!
//! ```
//! use ndnet::data::{cross_validate, k_fold_indices};
//! use rand::SeedableRng;
//!
//! // A majority-class baseline: predict the most frequent class of the training folds.
//! let classes = [0, 0, 0, 0, 1, 1];
//! let folds = k_fold_indices(6, 2, Some(&classes), &mut rand::rngs::StdRng::seed_from_u64(0))?;
//! let cv = cross_validate(&folds, |train, valid| {
//!     let ones = train.iter().filter(|&&i| classes[i] == 1).count();
//!     let majority = usize::from(2 * ones > train.len());
//!     let right = valid.iter().filter(|&&i| classes[i] == majority).count();
//!     Ok(right as f64 / valid.len() as f64)
//! })?;
//! assert_eq!(cv.to_string(), "0.6667 ± 0.0000 (2 folds)"); // each fold: 2 of its 3 rows are class 0
//! # Ok::<(), ndnet::Error>(())
//! ```

use std::fmt;

use crate::{Error, Result};

/// The validation accuracy of each fold, their mean and their (population) standard deviation.
///
/// `Display` prints `mean ± std (k folds)`, four decimals.
///
/// ```
/// let cv = ndnet::CrossValidation::from_scores(vec![0.8, 0.9])?;
/// assert!((cv.mean - 0.85).abs() < 1e-12 && (cv.std - 0.05).abs() < 1e-12);
/// assert_eq!(cv.to_string(), "0.8500 ± 0.0500 (2 folds)");
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CrossValidation {
    /// The score (accuracy) on each validation fold, in fold order.
    pub fold_accuracies: Vec<f64>,
    /// The mean of `fold_accuracies`.
    pub mean: f64,
    /// Their population standard deviation (divided by k, as numpy's `std()`).
    pub std: f64,
}

impl CrossValidation {
    /// Summarises one score per fold.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `scores` is empty or holds NaN or an infinity.
    ///
    /// ```
    /// assert!(ndnet::CrossValidation::from_scores(vec![]).is_err());
    /// ```
    pub fn from_scores(scores: Vec<f64>) -> Result<Self> {
        if scores.is_empty() || scores.iter().any(|s| !s.is_finite()) {
            return Err(Error::InvalidArgument {
                argument: "scores",
                message: format!("{scores:?}: need at least one finite score"),
            });
        }
        let k = scores.len() as f64;
        let moments = |scale: f64| {
            let mean = scores.iter().map(|s| s / scale).sum::<f64>() / k;
            let std = (scores.iter().map(|s| (s / scale - mean).powi(2)).sum::<f64>() / k).sqrt();
            (mean * scale, std * scale)
        };
        let (mut mean, mut std) = moments(1.0);
        if !(mean.is_finite() && std.is_finite()) {
            // Scores near ±f64::MAX: the sum or the squares overflowed. Scaled by the largest
            // magnitude, the mean and the std (both at most that magnitude) are finite.
            (mean, std) = moments(scores.iter().fold(0.0f64, |m, s| m.max(s.abs())));
        }
        Ok(CrossValidation {
            fold_accuracies: scores,
            mean,
            std,
        })
    }
}

impl fmt::Display for CrossValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.4} ± {:.4} ({} folds)",
            self.mean,
            self.std,
            self.fold_accuracies.len()
        )
    }
}

/// Calls `score_fold(training rows, validation rows)` for every fold of `folds` (e.g. from
/// [`k_fold_indices`](super::k_fold_indices)) and summarises the scores it returns.
///
/// The closure trains on the training rows only — preprocessing included — and scores on the
/// validation rows; nothing else is shared between folds.
///
/// # Errors
/// The first error `score_fold` returns; as [`CrossValidation::from_scores`].
///
/// ```
/// use ndnet::data::cross_validate;
/// // Two folds of four examples; the "model" scores the share of validation rows below 2.
/// let folds = vec![(vec![0, 1], vec![2, 3]), (vec![2, 3], vec![0, 1])];
/// let cv = cross_validate(&folds, |train, valid| {
///     assert!(train.iter().all(|i| !valid.contains(i))); // disjoint
///     Ok(valid.iter().filter(|&&i| i < 2).count() as f64 / valid.len() as f64)
/// })?;
/// assert_eq!(cv.fold_accuracies, [0.0, 1.0]);
/// assert_eq!((cv.mean, cv.std), (0.5, 0.5));
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn cross_validate<S>(folds: &[(Vec<usize>, Vec<usize>)], mut score_fold: S) -> Result<CrossValidation>
where
    S: FnMut(&[usize], &[usize]) -> Result<f64>,
{
    let scores = folds
        .iter()
        .map(|(train, valid)| score_fold(train, valid))
        .collect::<Result<Vec<f64>>>()?;
    CrossValidation::from_scores(scores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_propagate_and_scores_must_be_finite() {
        let folds = vec![(vec![0], vec![1]), (vec![1], vec![0])];
        let err = cross_validate(&folds, |_, _| Err(Error::NoExamples { argument: "x" })).unwrap_err();
        assert!(matches!(err, Error::NoExamples { argument: "x" }));
        assert!(cross_validate(&folds, |_, _| Ok(f64::NAN)).is_err());
    }
}
