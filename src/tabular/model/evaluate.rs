//! Looking into a trained [`TabularModel`]: confusion matrices of a binary classifier and the
//! most influential features.

use super::{TabularModel, unlabelled};
use crate::metrics::{ConfusionMatrix, confusion_matrix};
use crate::tabular::{FittedTarget, Table};
use crate::{Error, Float, Result};

impl<F: Float> TabularModel<F> {
    /// Counts of right and wrong predictions (threshold 0.5) on every row of a labelled
    /// `table`, for a binary target.
    ///
    /// # Errors
    /// As [`TabularModel::confusion_matrix_rows`].
    ///
    /// ```
    /// # use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let cm = model.confusion_matrix(&table)?;
    /// assert_eq!((cm.tp, cm.tn, cm.accuracy()), (2, 2, 1.0));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn confusion_matrix(&self, table: &Table) -> Result<ConfusionMatrix> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        self.confusion_matrix_rows(table, &rows)
    }

    /// As [`TabularModel::confusion_matrix`], on the rows `rows` of `table` (a validation fold).
    ///
    /// # Errors
    /// As [`FittedPreprocessing::transform_rows`](crate::tabular::FittedPreprocessing::transform_rows);
    /// [`Error::InvalidArgument`] if `table` has
    /// no target column or the target is not binary (use
    /// [`predict_labels`](TabularModel::predict_labels) and
    /// [`metrics::accuracy_indices`](crate::metrics::accuracy_indices) for classes).
    ///
    /// ```
    /// # use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// assert_eq!(model.confusion_matrix_rows(&table, &[0, 3])?.total(), 2);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn confusion_matrix_rows(&self, table: &Table, rows: &[usize]) -> Result<ConfusionMatrix> {
        if !matches!(self.preprocessing.fitted_target(), FittedTarget::Binary { .. }) {
            return Err(Error::invalid_argument(
                "model",
                format!(
                    "a confusion matrix counts 0/1 predictions, but the target {:?} is {}",
                    self.preprocessing.target(),
                    self.preprocessing.fitted_target()
                ),
            ));
        }
        let (x, y) = self.preprocessing.transform_rows::<F>(table, rows)?;
        let y = y.ok_or_else(|| unlabelled(table, self.preprocessing.target()))?;
        confusion_matrix(&self.fitting_network()?.predict(&x, 0.5)?, &y)
    }

    /// The `k` features with the largest weights in absolute value, largest first, with their
    /// names from
    /// [`FittedPreprocessing::feature_names`](crate::tabular::FittedPreprocessing::feature_names).
    ///
    /// For a network of one layer with one output (logistic or linear regression) the value is
    /// the signed weight wⱼ (positive pushes towards the positive label or a larger number;
    /// features are standardized, so weights are comparable). Otherwise (hidden layers, or one
    /// output per class) it is the Euclidean norm of the feature's column of `W[1]`, a rough,
    /// unsigned importance. Fewer than `k` entries if there are fewer features.
    ///
    /// # Errors
    /// [`Error::Architecture`] if the network no longer fits the preprocessing (replaced
    /// through [`TabularModel::network_mut`]): its first layer would not have one column per
    /// feature.
    ///
    /// ```
    /// # use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("noise,x,y\n5,1,N\n5,2,N\n6,3,Y\n5,4,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let top = model.top_features(1)?;
    /// assert_eq!(top[0].0, "x");
    /// assert!(top[0].1 > 0.0); // larger x, more likely Y
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn top_features(&self, k: usize) -> Result<Vec<(String, f64)>> {
        let network = self.fitting_network()?;
        let first = &network.layers()[0];
        let w = first.w();
        let logistic = network.depth() == 1 && w.nrows() == 1;
        let mut weights: Vec<(String, f64)> = self
            .preprocessing
            .feature_names()
            .iter()
            .zip(w.columns())
            .map(|(name, column)| {
                let value = if logistic {
                    column[0].as_f64()
                } else {
                    column.iter().map(|v| v.as_f64().powi(2)).sum::<f64>().sqrt()
                };
                (name.clone(), value)
            })
            .collect();
        weights.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        weights.truncate(k);
        Ok(weights)
    }
}
