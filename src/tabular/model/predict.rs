//! Using a trained [`TabularModel`]: probabilities, label texts, IDs, confusion matrices and
//! the most influential features.

use ndarray::Array2;

use super::{TabularModel, unlabelled};
use crate::metrics::{ConfusionMatrix, confusion_matrix};
use crate::tabular::Table;
use crate::{Error, Float, Result};

impl<F: Float> TabularModel<F> {
    /// The probability ŷ of the positive label for every row of `table`.
    ///
    /// # Shapes
    /// The result is (1, m), m the number of rows.
    ///
    /// # Errors
    /// As [`FittedPreprocessing::transform`](crate::tabular::FittedPreprocessing::transform) (a missing feature
    /// column, text in a numeric one).
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit_logistic_regression(&table, &TabularConfig::new("y", "Y"), 1.0, 100)?;
    /// let p = model.predict_proba(&table)?;
    /// assert_eq!(p.dim(), (1, 4));
    /// assert!(p[[0, 0]] < 0.5 && p[[0, 3]] > 0.5);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_proba(&self, table: &Table) -> Result<Array2<F>> {
        let (x, _) = self.preprocessing.transform::<F>(table)?;
        self.network.predict_proba(&x)
    }

    /// The predicted target text for every row of `table`: the positive label where ŷ > 0.5,
    /// the negative label (e.g. `"Y"` / `"N"`) elsewhere.
    ///
    /// # Errors
    /// As [`TabularModel::predict_proba`]; [`Error::InvalidArgument`] if a row is predicted
    /// negative but the training rows held the positive label only (no negative text known).
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit_logistic_regression(&table, &TabularConfig::new("y", "Y"), 1.0, 100)?;
    /// let new = Table::from_reader("x\n0\n9\n".as_bytes(), "new.csv")?;
    /// assert_eq!(model.predict_labels(&new)?, ["N", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_labels(&self, table: &Table) -> Result<Vec<String>> {
        let half = F::from_f64(0.5);
        self.predict_proba(table)?
            .iter()
            .map(|&p| {
                self.preprocessing
                    .label(p > half)
                    .map(str::to_owned)
                    .ok_or_else(|| Error::InvalidArgument {
                        argument: "table",
                        message: format!(
                            "a row is predicted negative but the model was fitted on rows whose {:?} \
                         holds only the positive label, so no negative label is known",
                            self.preprocessing.target()
                        ),
                    })
            })
            .collect()
    }

    /// The first ID column's value for every row of `table`, to write next to the predictions.
    ///
    /// # Errors
    /// As [`FittedPreprocessing::ids`](crate::tabular::FittedPreprocessing::ids): no ID column configured, or
    /// `table` lacks it.
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("id,x,y\nP1,1,N\nP2,3,Y\n".as_bytes(), "t.csv")?;
    /// let config = TabularConfig::new("y", "Y").id_column("id");
    /// let (model, _) = TabularModel::<f32>::fit_logistic_regression(&table, &config, 1.0, 10)?;
    /// assert_eq!(model.ids(&table)?, ["P1", "P2"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn ids(&self, table: &Table) -> Result<Vec<String>> {
        self.preprocessing.ids(table)
    }

    /// Counts of right and wrong predictions (threshold 0.5) on every row of a labelled `table`.
    ///
    /// # Errors
    /// As [`TabularModel::confusion_matrix_rows`].
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit_logistic_regression(&table, &TabularConfig::new("y", "Y"), 1.0, 100)?;
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
    /// no target column.
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit_logistic_regression(&table, &TabularConfig::new("y", "Y"), 1.0, 100)?;
    /// assert_eq!(model.confusion_matrix_rows(&table, &[0, 3])?.total(), 2);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn confusion_matrix_rows(&self, table: &Table, rows: &[usize]) -> Result<ConfusionMatrix> {
        let (x, y) = self.preprocessing.transform_rows::<F>(table, rows)?;
        let y = y.ok_or_else(|| unlabelled(table, self.preprocessing.target()))?;
        confusion_matrix(&self.network.predict(&x, 0.5)?, &y)
    }

    /// The `k` features with the largest weights in absolute value, largest first, with their
    /// names from
    /// [`FittedPreprocessing::feature_names`](crate::tabular::FittedPreprocessing::feature_names).
    ///
    /// For a logistic regression the value is the signed weight wⱼ (positive pushes towards
    /// the positive label; features are standardized, so weights are comparable). For a
    /// network with hidden layers it is the Euclidean norm of the feature's column of `W[1]`,
    /// a rough, unsigned importance. Fewer than `k` entries if there are fewer features.
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("noise,x,y\n5,1,N\n5,2,N\n6,3,Y\n5,4,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f64>::fit_logistic_regression(&table, &TabularConfig::new("y", "Y"), 1.0, 100)?;
    /// let top = model.top_features(1);
    /// assert_eq!(top[0].0, "x");
    /// assert!(top[0].1 > 0.0); // larger x, more likely Y
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn top_features(&self, k: usize) -> Vec<(String, f64)> {
        let first = &self.network.layers()[0];
        let w = first.w();
        let logistic = self.network.depth() == 1;
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
        weights
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::TabularConfig;

    // Income decides: high → Y. Row 3 has an empty income, row 5 an empty area.
    const TRAIN: &str = "id,income,area,married,ok\n\
                         1,9000,Urban,Yes,Y\n\
                         2,1000,Rural,No,N\n\
                         3,,Urban,Yes,Y\n\
                         4,1200,Rural,Yes,N\n\
                         5,8000,,No,Y\n\
                         6,900,Urban,No,N\n";

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes(), "t.csv").expect("test CSV is well formed")
    }

    fn model<F: Float>() -> TabularModel<F> {
        let config = TabularConfig::new("ok", "Y").id_column("id");
        TabularModel::fit_logistic_regression(&table(TRAIN), &config, 0.5, 300)
            .expect("the toy table trains")
            .0
    }

    #[test]
    fn predicts_rows_with_unseen_categories_and_missing_cells() {
        // Unseen categories (Suburb, Widowed), empty cells in every feature column, no target.
        let new = table("id,income,area,married\nn1,,Suburb,Widowed\nn2,,,\nn3,9500,Urban,\n");
        for p in [
            model::<f64>().predict_proba(&new).unwrap().mapv(|v| v as f32),
            model::<f32>().predict_proba(&new).unwrap(),
        ] {
            assert_eq!(p.dim(), (1, 3));
            assert!(p.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)), "{p}");
        }
        let labels = model::<f64>().predict_labels(&new).unwrap();
        assert!(labels.iter().all(|l| l == "Y" || l == "N"));
        assert_eq!(labels[2], "Y");
        assert_eq!(model::<f64>().ids(&new).unwrap(), ["n1", "n2", "n3"]);
    }

    #[test]
    fn learns_the_toy_rule_and_ranks_income_first() {
        let m = model::<f64>();
        assert_eq!(m.confusion_matrix(&table(TRAIN)).unwrap().accuracy(), 1.0);
        let top = m.top_features(10);
        assert_eq!(top.len(), m.preprocessing.n_features());
        assert_eq!(top[0].0, "income");
        assert!(top.windows(2).all(|w| w[0].1.abs() >= w[1].1.abs()));
    }

    #[test]
    fn errors_are_clear() {
        let m = model::<f64>();
        let no_income = table("id,area,married\nn1,Urban,Yes\n");
        assert!(m.predict_proba(&no_income).unwrap_err().to_string().contains("income"));
        let unlabelled = table("id,income,area,married\nn1,5,Urban,Yes\n");
        assert!(
            m.confusion_matrix(&unlabelled)
                .unwrap_err()
                .to_string()
                .contains("no labels")
        );
        let config = TabularConfig::new("ok", "Y");
        assert!(TabularModel::<f64>::fit_logistic_regression(&table(TRAIN), &config, -1.0, 10).is_err());
    }
}
