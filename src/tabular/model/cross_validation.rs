//! [`TabularModel::cross_validate_logistic_regression`]: k-fold cross-validation of a tabular
//! logistic regression whose preprocessing is fitted on the training folds only.

use rand::Rng;

use super::TabularModel;
use crate::data::{CrossValidation, cross_validate, k_fold_indices};
use crate::tabular::{Table, TabularConfig};
use crate::{Float, Result};

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
    /// use ndnet::tabular::{Table, TabularConfig};
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
    fn more_folds_than_rows_is_an_error() {
        let table = Table::from_reader("x,y\n1,N\n2,Y\n".as_bytes(), "t.csv").expect("valid CSV");
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let config = TabularConfig::new("y", "Y");
        assert!(
            TabularModel::<f64>::cross_validate_logistic_regression(&table, &config, 3, 1.0, 10, &mut rng).is_err()
        );
    }
}
