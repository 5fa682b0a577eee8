//! k-fold cross-validation: [`cross_validate`] scores any training procedure fold by fold;
//! [`TabularModel::cross_validate_logistic_regression`] does it for a tabular logistic
//! regression whose preprocessing is fitted on the training folds only.

use std::fmt;

use rand::Rng;

use super::TabularModel;
use crate::data::k_fold_indices;
use crate::data::tabular::{Table, TabularConfig};
use crate::{Error, Float, Result};

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
        let mean = scores.iter().sum::<f64>() / k;
        let std = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / k).sqrt();
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
/// [`k_fold_indices`]) and summarises the scores it returns.
///
/// The closure trains on the training rows only — preprocessing included — and scores on the
/// validation rows; nothing else is shared between folds.
///
/// # Errors
/// The first error `score_fold` returns; as [`CrossValidation::from_scores`].
///
/// ```
/// use ndnet::{TabularModel, cross_validate};
/// use ndnet::data::{k_fold_indices, tabular::{Table, TabularConfig}};
/// use rand::SeedableRng;
///
/// let csv = "x,y\n1,N\n2,N\n3,N\n7,Y\n8,Y\n9,Y\n";
/// let table = Table::from_reader(csv.as_bytes(), "t.csv")?;
/// let config = TabularConfig::new("y", "Y");
/// let folds = k_fold_indices(6, 3, Some(&[0, 0, 0, 1, 1, 1]), &mut rand::rngs::StdRng::seed_from_u64(0))?;
/// let cv = cross_validate(&folds, |train, valid| {
///     let (model, _) = TabularModel::<f64>::fit_logistic_regression_rows(&table, train, &config, 1.0, 100)?;
///     Ok(model.confusion_matrix_rows(&table, valid)?.accuracy())
/// })?;
/// assert_eq!(cv.fold_accuracies, [1.0, 1.0, 1.0]);
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

impl<F: Float> TabularModel<F> {
    /// Stratified `k`-fold cross-validation accuracy of
    /// [`fit_logistic_regression`](TabularModel::fit_logistic_regression) on `table`: for each
    /// fold the preprocessing and the weights are fitted on the other k − 1 folds only.
    ///
    /// Folds come from [`k_fold_indices`] stratified by the target (positive label or not), so
    /// each fold keeps the class proportions; `rng` fixes them.
    ///
    /// # Errors
    /// As [`k_fold_indices`] (k < 2 or k > m), [`Table::column`] (no target column) and
    /// [`TabularModel::fit_logistic_regression`].
    ///
    /// ```
    /// use ndnet::TabularModel;
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// let csv = "x,c,y\n1,a,N\n2,b,N\n3,a,N\n7,b,Y\n8,a,Y\n9,,Y\n";
    /// let table = Table::from_reader(csv.as_bytes(), "t.csv")?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let cv = TabularModel::<f64>::cross_validate_logistic_regression(
    ///     &table, &TabularConfig::new("y", "Y"), 3, 1.0, 100, &mut rng)?;
    /// assert_eq!((cv.fold_accuracies.len(), cv.mean), (3, 1.0));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn cross_validate_logistic_regression<R: Rng + ?Sized>(
        table: &Table,
        config: &TabularConfig,
        k: usize,
        learning_rate: f64,
        iterations: usize,
        rng: &mut R,
    ) -> Result<CrossValidation> {
        let classes: Vec<usize> = table
            .column(config.target())?
            .iter()
            .map(|&label| usize::from(label == config.positive_label()))
            .collect();
        let folds = k_fold_indices(table.n_rows(), k, Some(&classes), rng)?;
        cross_validate(&folds, |train, valid| {
            let (model, _) = Self::fit_logistic_regression_rows(table, train, config, learning_rate, iterations)?;
            Ok(model.confusion_matrix_rows(table, valid)?.accuracy())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn preprocessing_is_fitted_on_training_folds_only() {
        // One huge income in row 5: if the validation fold's statistics leaked into the
        // standardization, the fold models would differ; instead every fold's model sees only
        // its training rows, which we check by refitting fold by fold by hand.
        let csv = "x,y\n1,N\n2,N\n3,N\n7,Y\n8,Y\n900,Y\n";
        let table = Table::from_reader(csv.as_bytes(), "t.csv").expect("valid CSV");
        let config = TabularConfig::new("y", "Y");
        let folds = k_fold_indices(
            6,
            3,
            Some(&[0, 0, 0, 1, 1, 1]),
            &mut rand::rngs::StdRng::seed_from_u64(1),
        )
        .expect("6 rows make 3 folds");
        let mut seen = Vec::new();
        cross_validate(&folds, |train, valid| {
            let fitted = config.fit_rows(&table, train)?;
            let (x, _) = fitted.transform_rows::<f64>(&table, train)?;
            // Standardized on the training rows: mean 0 there.
            assert!(x.mean().expect("non-empty").abs() < 1e-12);
            seen.push(valid.to_vec());
            Ok(1.0)
        })
        .expect("every fold scores");
        let mut all: Vec<usize> = seen.concat();
        all.sort_unstable();
        assert_eq!(all, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn errors_propagate_and_scores_must_be_finite() {
        let folds = vec![(vec![0], vec![1]), (vec![1], vec![0])];
        let err = cross_validate(&folds, |_, _| Err(Error::NoExamples { argument: "x" })).unwrap_err();
        assert!(matches!(err, Error::NoExamples { argument: "x" }));
        assert!(cross_validate(&folds, |_, _| Ok(f64::NAN)).is_err());
        let table = Table::from_reader("x,y\n1,N\n2,Y\n".as_bytes(), "t.csv").expect("valid CSV");
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let config = TabularConfig::new("y", "Y");
        assert!(
            TabularModel::<f64>::cross_validate_logistic_regression(&table, &config, 3, 1.0, 10, &mut rng).is_err()
        );
    }
}
