//! [`TabularModel::cross_validate`]: k-fold cross-validation of any network on a table, with
//! the preprocessing fitted on the training folds only, stratified for classes.

use std::time::Instant;

use ndarray::Array2;
use rand::Rng;

use super::TabularModel;
use super::fit::classes;
use crate::data::k_fold_indices;
use crate::metrics::{accuracy_indices, mae, r2, rmse};
use crate::tabular::{Metric, Predictions, Table, TabularConfig, TabularCrossValidation};
use crate::train::Callback;
use crate::{CrossValidation, Error, FitOptions, Float, Network, Optimizer, Record, Result, Validation};

impl<F: Float> TabularModel<F> {
    /// `k`-fold cross-validation of the network `build(n_x, n_y)` trained with a fresh copy of
    /// `optimizer` and `options` on `table`: for each fold the preprocessing is fitted on the
    /// other k − 1 folds only, a network is built for the features and outputs found there,
    /// trained as [`TabularModel::fit`] trains it, and scored on the fold.
    ///
    /// `options` is what [`TabularModel::fit`] takes. A [`Validation::split`](crate::Validation::split)
    /// (with early stopping, say) is held out of each fold's training rows, never of the rows
    /// the fold is scored on, and the preprocessing is fitted on the rest; a callback sees the
    /// records of every fold in turn. [`TabularCrossValidation::histories`] keeps each fold's
    /// [`History`](crate::History) (the epoch early stopping chose: `best_epoch`).
    ///
    /// Folds come from [`k_fold_indices`] with `rng`: stratified by class for binary and
    /// multi-class targets (each fold keeps the class proportions), plain for regression.
    /// Classification is scored by [`Metric::Accuracy`] (a validation row whose class the
    /// training folds never held counts as wrong); regression by [`Metric::R2`],
    /// [`Metric::Rmse`] and [`Metric::Mae`] in the target's units. Each fold is timed.
    ///
    /// # Errors
    /// As [`k_fold_indices`] (k < 2 or k > m), [`Table::column`] (no target column) and
    /// [`TabularModel::fit`]; an empty or invalid target cell in a validation fold, as
    /// when fitting; [`Error::InvalidArgument`](crate::Error::InvalidArgument) from
    /// [`metrics::r2`](crate::metrics::r2) if a validation fold's targets are all equal.
    ///
    /// ```
    /// use ndnet::{FitOptions, GradientDescent, Network, TabularModel, TrainConfig, Validation};
    /// use ndnet::tabular::{Metric, Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// // Three classes decided by x.
    /// let csv = "x,y\n1,a\n2,a\n3,a\n11,b\n12,b\n13,b\n21,c\n22,c\n23,c\n";
    /// let table = Table::from_reader(csv.as_bytes(), "t.csv")?;
    /// // Network::softmax_regression(n_x, n_y) is a builder: n_y = 3 classes found.
    /// let cv = TabularModel::<f64>::cross_validate(&table, &TabularConfig::multi_class("y"), 3, Network::softmax_regression,
    ///     &GradientDescent::new(1.0)?, &TrainConfig::new(500), &mut rand::rngs::StdRng::seed_from_u64(1))?;
    /// let accuracy = cv.get(Metric::Accuracy).unwrap();
    /// assert_eq!(accuracy.fold_accuracies.len(), 3);
    /// assert_eq!(cv.fold_seconds().len(), 3);
    /// assert!(accuracy.mean > 0.6, "{cv}");
    ///
    /// // Logistic regression, early stopping on a third of each fold's training rows.
    /// let csv: String = (0..30).map(|i| format!("{i},{}\n", if i % 3 == 0 { "Y" } else { "N" })).collect();
    /// let table = Table::from_reader(format!("x,y\n{csv}").as_bytes(), "t.csv")?;
    /// let options = FitOptions::new(TrainConfig::epochs(2000)).validation(Validation::split(0.3).early_stopping(20));
    /// let cv = TabularModel::<f64>::cross_validate(&table, &TabularConfig::binary("y", "Y"), 3,
    ///     |n_x, _| Network::logistic_regression(n_x), &GradientDescent::new(0.5)?, options,
    ///     &mut rand::rngs::StdRng::seed_from_u64(0))?;
    /// // Each fold trains on 20 rows: 6 of them held out (2 of class Y, 4 of class N).
    /// assert!(cv.histories().iter().all(|history| history.held_out == 6));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn cross_validate<'a, O, R>(
        table: &Table,
        config: &TabularConfig,
        k: usize,
        mut build: impl FnMut(usize, usize) -> Result<Network<F>>,
        optimizer: &O,
        options: impl Into<FitOptions<'a, F>>,
        rng: &mut R,
    ) -> Result<TabularCrossValidation>
    where
        O: Optimizer<F> + Clone,
        R: Rng + ?Sized,
    {
        let FitOptions {
            config: train,
            validation,
            mut callback,
            checkpoints,
            #[cfg(feature = "mpi")]
            distributed,
        } = options.into();
        if let Some(checkpoints) = checkpoints {
            return Err(Error::invalid_argument(
                "options",
                format!(
                    "checkpoints ({}) cannot be written by a cross-validation: every fold would write over \
                     the others'; give them to TabularModel::fit",
                    checkpoints.path().display()
                ),
            ));
        }
        let folds = k_fold_indices(table.n_rows(), k, classes(table, config)?.as_deref(), rng)?;
        let mut per_fold: Vec<Vec<(Metric, f64)>> = Vec::with_capacity(folds.len());
        let mut seconds = Vec::with_capacity(folds.len());
        let mut histories = Vec::with_capacity(folds.len());
        for (training, test) in &folds {
            let start = Instant::now();
            let mut fold_optimizer = optimizer.clone();
            let fold_callback: Option<Callback<'_>> = match callback.as_mut() {
                Some(callback) => Some(Box::new(|record: &Record| callback(record))),
                None => None,
            };
            let options = FitOptions {
                config: train.clone(),
                validation: validation.as_ref().map(Validation::reborrow).transpose()?,
                callback: fold_callback,
                checkpoints: None,
                #[cfg(feature = "mpi")]
                distributed,
            };
            let (model, history) = Self::fit_rows(table, training, config, &mut build, &mut fold_optimizer, options)?;
            per_fold.push(model.score_rows(table, test)?);
            seconds.push(start.elapsed().as_secs_f64());
            histories.push(history);
        }
        let metrics: Vec<Metric> = per_fold[0].iter().map(|&(metric, _)| metric).collect();
        let scores = metrics
            .iter()
            .enumerate()
            .map(|(i, &metric)| {
                let fold_scores = per_fold.iter().map(|fold| fold[i].1).collect();
                Ok((metric, CrossValidation::from_scores(fold_scores)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TabularCrossValidation::new(scores, seconds)?.with_histories(histories))
    }

    /// The scores of the model's predictions on `rows` of `table`: accuracy for classes; R²,
    /// RMSE and MAE for numbers.
    fn score_rows(&self, table: &Table, rows: &[usize]) -> Result<Vec<(Metric, f64)>> {
        let target = self.preprocessing.target_column();
        match self.predict_rows(table, rows)? {
            Predictions::Classes { classes, labels, .. } => {
                // A label the training folds never held gets index k, which no prediction has.
                let index = |label: &str| classes.iter().position(|c| c == label).unwrap_or(classes.len());
                let predicted: Vec<usize> = labels.iter().map(|label| index(label)).collect();
                let truth: Vec<usize> = target.labels(table, rows)?.into_iter().map(index).collect();
                Ok(vec![(Metric::Accuracy, accuracy_indices(&predicted, &truth)?)])
            }
            Predictions::Values { values } => {
                let truth = Array2::from_shape_vec((1, rows.len()), target.values(table, rows)?)
                    .expect("one target value per row");
                let values = values.mapv(|v| v.as_f64());
                Ok(vec![
                    (Metric::R2, r2(&values, &truth)?),
                    (Metric::Rmse, rmse(&values, &truth)?),
                    (Metric::Mae, mae(&values, &truth)?),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::cross_validate;
    use rand::SeedableRng;

    #[test]
    fn preprocessing_is_fitted_on_training_folds_only() {
        // One huge income in row 5: if the validation fold's statistics leaked into the
        // standardization, the fold models would differ; instead every fold's model sees only
        // its training rows, which we check by refitting fold by fold by hand.
        let csv = "x,y\n1,N\n2,N\n3,N\n7,Y\n8,Y\n900,Y\n";
        let table = Table::from_reader(csv.as_bytes(), "t.csv").expect("valid CSV");
        let config = TabularConfig::binary("y", "Y");
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
        let config = TabularConfig::binary("y", "Y");
        let logistic = |n_x, _| Network::logistic_regression(n_x);
        let gd = crate::GradientDescent::new(1.0).expect("1 is a valid learning rate");
        let cv = TabularModel::<f64>::cross_validate(
            &table,
            &config,
            3,
            logistic,
            &gd,
            crate::TrainConfig::new(10),
            &mut rng,
        );
        assert!(cv.is_err());
    }
}
