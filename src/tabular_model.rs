//! [`TabularModel`] (feature `csv`): a trained [`Network`] together with the preprocessing
//! fitted on its training rows, so that new CSV rows are imputed, encoded and scaled exactly
//! as the training rows were; [`cross_validate`] scores it by k-fold cross-validation.
//!
//! ```
//! use ndnet::TabularModel;
//! use ndnet::data::tabular::{Table, TabularConfig};
//!
//! let train = "id,income,area,ok\n\
//!              a1,9000,Urban,Y\n\
//!              a2,1000,Rural,N\n\
//!              a3,,Urban,Y\n\
//!              a4,1500,Rural,N\n";
//! let table = Table::from_reader(train.as_bytes(), "train.csv")?;
//! let config = TabularConfig::new("ok", "Y").id_column("id");
//! let (model, _history) = TabularModel::<f64>::fit_logistic_regression(&table, &config, 0.5, 200)?;
//!
//! // New rows: a missing income, an area never seen when training. No target column.
//! let new = Table::from_reader("id,income,area\nb1,,Suburb\nb2,8000,Urban\n".as_bytes(), "new.csv")?;
//! assert_eq!(model.ids(&new)?, ["b1", "b2"]);
//! assert_eq!(model.predict_labels(&new)?[1], "Y");
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::Array2;

use crate::data::tabular::{FittedPreprocessing, Table, TabularConfig};
use crate::metrics::{ConfusionMatrix, confusion_matrix};
use crate::{Error, Float, GradientDescent, History, Network, Optimizer, Result, TrainConfig};

mod cross_validation;
pub use cross_validation::{CrossValidation, cross_validate};

/// A binary classifier for CSV rows: the fitted preprocessing that travels with the trained
/// network.
///
/// Build it with [`TabularModel::fit_logistic_regression`], [`TabularModel::fit`] (any
/// network) or [`TabularModel::new`] (parts you already have). Tables given to it need the
/// feature columns it was fitted on; the target column may be missing (unlabelled rows).
///
/// ```
/// use ndnet::{Network, TabularModel};
/// use ndnet::data::tabular::{Table, TabularConfig};
///
/// let table = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv")?;
/// let preprocessing = TabularConfig::new("y", "Y").fit(&table)?;
/// let model = TabularModel::new(preprocessing, Network::<f32>::logistic_regression(1)?)?;
/// assert_eq!(model.predict_proba(&table)?, ndarray::array![[0.5, 0.5]]); // untrained: σ(0)
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct TabularModel<F: Float> {
    /// Imputation, one-hot encoding and standardization fitted on the training rows.
    pub preprocessing: FittedPreprocessing,
    /// The trained network, taking the preprocessing's n_x features, giving one probability.
    pub network: Network<F>,
}

impl<F: Float> TabularModel<F> {
    /// Puts a fitted preprocessing and a network together, checking that they fit each other.
    ///
    /// # Errors
    /// [`Error::Architecture`] if the network does not take
    /// [`n_features`](FittedPreprocessing::n_features) inputs or does not give one output.
    ///
    /// ```
    /// use ndnet::{Network, TabularModel};
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,c,y\n1,a,Y\n3,b,N\n".as_bytes(), "t.csv")?;
    /// let preprocessing = TabularConfig::new("y", "Y").fit(&table)?; // x, c=a, c=b: n_x = 3
    /// assert!(TabularModel::new(preprocessing.clone(), Network::<f64>::logistic_regression(3)?).is_ok());
    /// assert!(TabularModel::new(preprocessing, Network::<f64>::logistic_regression(2)?).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn new(preprocessing: FittedPreprocessing, network: Network<F>) -> Result<Self> {
        let sizes = network.layer_sizes();
        let (n_x, n_out) = (sizes[0], sizes[sizes.len() - 1]);
        if n_x != preprocessing.n_features() || n_out != 1 {
            return Err(Error::Architecture(format!(
                "the network maps {n_x} inputs to {n_out} outputs; the preprocessing gives {} features \
                 ({}) and a binary target needs 1 output",
                preprocessing.n_features(),
                preprocessing.feature_names().join(", ")
            )));
        }
        Ok(TabularModel { preprocessing, network })
    }

    /// Logistic regression on every row of `table`: fits the preprocessing of `config`, then
    /// trains a zero-initialised logistic regression by gradient descent (rate `learning_rate`,
    /// `iterations` steps).
    ///
    /// # Errors
    /// As [`TabularModel::fit`]; [`Error::InvalidHyperparameter`] for a learning rate that is
    /// not positive and finite or 0 iterations.
    ///
    /// ```
    /// use ndnet::TabularModel;
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// let (model, history) = TabularModel::<f64>::fit_logistic_regression(&table, &TabularConfig::new("y", "Y"), 1.0, 100)?;
    /// assert!(history.last_cost().unwrap() < history.first_cost().unwrap());
    /// assert_eq!(model.predict_labels(&table)?, ["N", "N", "Y", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit_logistic_regression(
        table: &Table,
        config: &TabularConfig,
        learning_rate: f64,
        iterations: usize,
    ) -> Result<(Self, History)> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        Self::fit_logistic_regression_rows(table, &rows, config, learning_rate, iterations)
    }

    /// As [`TabularModel::fit_logistic_regression`], on the rows `rows` of `table` only (the
    /// training folds of a cross-validation): nothing is learnt from the other rows.
    ///
    /// # Errors
    /// As [`TabularModel::fit_logistic_regression`].
    ///
    /// ```
    /// use ndnet::TabularModel;
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// let config = TabularConfig::new("y", "Y");
    /// let (model, _) = TabularModel::<f64>::fit_logistic_regression_rows(&table, &[0, 3], &config, 1.0, 100)?;
    /// assert_eq!(model.confusion_matrix_rows(&table, &[1, 2])?.accuracy(), 1.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit_logistic_regression_rows(
        table: &Table,
        rows: &[usize],
        config: &TabularConfig,
        learning_rate: f64,
        iterations: usize,
    ) -> Result<(Self, History)> {
        let mut optimizer = GradientDescent::new(learning_rate)?;
        let train = TrainConfig::new(iterations);
        Self::fit_rows(
            table,
            rows,
            config,
            Network::logistic_regression,
            &mut optimizer,
            &train,
        )
    }

    /// Fits the preprocessing of `config` on every row of `table`, builds a network with
    /// `build(n_x)` (n_x = the number of features found) and trains it with `optimizer`.
    ///
    /// # Errors
    /// As [`TabularConfig::fit`] and [`Network::fit`]; whatever `build` returns;
    /// [`Error::Architecture`] as [`TabularModel::new`]; [`Error::InvalidArgument`] if `table`
    /// has no target column.
    ///
    /// ```
    /// use ndnet::{Activation, GradientDescent, Initializer, Network, TabularModel, TrainConfig};
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// let table = Table::from_reader("x,c,y\n1,a,N\n2,b,N\n3,a,Y\n4,b,Y\n".as_bytes(), "t.csv")?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let build = |n_x| Network::new(&[n_x, 3, 1], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng);
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::new("y", "Y"), build,
    ///                                           &mut GradientDescent::new(0.5)?, &TrainConfig::new(300))?;
    /// assert_eq!(model.network.layer_sizes(), [3, 3, 1]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit<O: Optimizer<F> + ?Sized>(
        table: &Table,
        config: &TabularConfig,
        build: impl FnOnce(usize) -> Result<Network<F>>,
        optimizer: &mut O,
        train: &TrainConfig,
    ) -> Result<(Self, History)> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        Self::fit_rows(table, &rows, config, build, optimizer, train)
    }

    /// As [`TabularModel::fit`], on the rows `rows` of `table` only.
    ///
    /// # Errors
    /// As [`TabularModel::fit`]; [`Error::InvalidArgument`] for an empty or out-of-range `rows`.
    ///
    /// ```
    /// use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::data::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n3,Y\n1000,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f64>::fit_rows(&table, &[0, 1], &TabularConfig::new("y", "Y"),
    ///     Network::logistic_regression, &mut GradientDescent::new(1.0)?, &TrainConfig::new(50))?;
    /// assert_eq!(model.predict_labels(&table)?, ["N", "Y", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit_rows<O: Optimizer<F> + ?Sized>(
        table: &Table,
        rows: &[usize],
        config: &TabularConfig,
        build: impl FnOnce(usize) -> Result<Network<F>>,
        optimizer: &mut O,
        train: &TrainConfig,
    ) -> Result<(Self, History)> {
        let preprocessing = config.fit_rows(table, rows)?;
        let (x, y) = preprocessing.transform_rows::<F>(table, rows)?;
        let y = y.ok_or_else(|| unlabelled(table, preprocessing.target()))?;
        let mut model = Self::new(preprocessing, build(x.nrows())?)?;
        let history = model.network.fit(&x, &y, optimizer, train)?;
        Ok((model, history))
    }

    /// The probability ŷ of the positive label for every row of `table`.
    ///
    /// # Shapes
    /// The result is (1, m), m the number of rows.
    ///
    /// # Errors
    /// As [`FittedPreprocessing::transform`] (a missing feature column, text in a numeric one).
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::data::tabular::{Table, TabularConfig};
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
    /// # use ndnet::data::tabular::{Table, TabularConfig};
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
    /// As [`FittedPreprocessing::ids`]: no ID column configured, or `table` lacks it.
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::data::tabular::{Table, TabularConfig};
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
    /// # use ndnet::data::tabular::{Table, TabularConfig};
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
    /// As [`FittedPreprocessing::transform_rows`]; [`Error::InvalidArgument`] if `table` has
    /// no target column.
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::data::tabular::{Table, TabularConfig};
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
    /// names from [`FittedPreprocessing::feature_names`].
    ///
    /// For a logistic regression the value is the signed weight wⱼ (positive pushes towards
    /// the positive label; features are standardized, so weights are comparable). For a
    /// network with hidden layers it is the Euclidean norm of the feature's column of W[1],
    /// a rough, unsigned importance. Fewer than `k` entries if there are fewer features.
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::data::tabular::{Table, TabularConfig};
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

fn unlabelled(table: &Table, target: &str) -> Error {
    Error::InvalidArgument {
        argument: "table",
        message: format!(
            "{} has no labels: its target column {target:?} is missing or empty",
            table.path().display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
