//! [`TabularModel`] (feature `csv`): a trained [`Network`] together with the preprocessing
//! fitted on its training rows, so that new CSV rows are imputed, encoded and scaled exactly
//! as the training rows were; [`TabularModel::cross_validate_logistic_regression`] scores a
//! logistic regression by k-fold cross-validation.
//!
//! ```
//! use ndnet::TabularModel;
//! use ndnet::tabular::{Table, TabularConfig};
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

use crate::tabular::{FittedPreprocessing, Table, TabularConfig};
use crate::{Error, Float, GradientDescent, History, Network, Optimizer, Result, TrainConfig};

mod cross_validation;
mod predict;

/// A binary classifier for CSV rows: the fitted preprocessing that travels with the trained
/// network.
///
/// Build it with [`TabularModel::fit_logistic_regression`], [`TabularModel::fit`] (any
/// network) or [`TabularModel::new`] (parts you already have). Tables given to it need the
/// feature columns it was fitted on; the target column may be missing (unlabelled rows).
///
/// ```
/// use ndnet::{Network, TabularModel};
/// use ndnet::tabular::{Table, TabularConfig};
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
    /// use ndnet::tabular::{Table, TabularConfig};
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
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// let config = TabularConfig::new("y", "Y");
    /// let (model, history) = TabularModel::<f64>::fit_logistic_regression(&table, &config, 1.0, 100)?;
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
    /// use ndnet::tabular::{Table, TabularConfig};
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
    /// use ndnet::tabular::{Table, TabularConfig};
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
    /// use ndnet::tabular::{Table, TabularConfig};
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
}

pub(crate) fn unlabelled(table: &Table, target: &str) -> Error {
    Error::InvalidArgument {
        argument: "table",
        message: format!(
            "{} has no labels: its target column {target:?} is missing or empty",
            table.path().display()
        ),
    }
}
