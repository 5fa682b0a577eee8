//! Training a [`TabularModel`]: the preprocessing fitted on the training rows, then any
//! network built for its n_x features and n_y outputs.

use super::{TabularModel, unlabelled};
use crate::tabular::{Table, TabularConfig};
use crate::{Float, GradientDescent, History, Network, Optimizer, Result, TrainConfig};

impl<F: Float> TabularModel<F> {
    /// Logistic regression on every row of `table`: fits the preprocessing of `config`, then
    /// trains a zero-initialised logistic regression by gradient descent (rate `learning_rate`,
    /// `iterations` steps).
    ///
    /// # Errors
    /// As [`TabularModel::fit`]; [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) for a learning rate that is
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
            |n_x, _| Network::logistic_regression(n_x),
            &mut optimizer,
            &train,
        )
    }

    /// Fits the preprocessing of `config` on every row of `table`, builds a network with
    /// `build(n_x, n_y)` and trains it with `optimizer`: n_x is the number of features found,
    /// n_y the number of outputs the target needs (1 for binary and regression, k classes for
    /// multi-class), so one builder serves whatever the data hold. The network's output and
    /// cost must suit the target (see [`TabularModel`]).
    ///
    /// # Errors
    /// As [`TabularConfig::fit`] and [`Network::fit`]; whatever `build` returns;
    /// [`Error::Architecture`](crate::Error::Architecture) as [`TabularModel::new`]; [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `table`
    /// has no target column.
    ///
    /// ```
    /// use ndnet::{Activation, GradientDescent, Initializer, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// let table = Table::from_reader("x,c,y\n1,a,N\n2,b,N\n3,a,Y\n4,b,Y\n".as_bytes(), "t.csv")?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let build = |n_x, n_y| Network::new(&[n_x, 3, n_y], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng);
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::new("y", "Y"), build,
    ///                                           &mut GradientDescent::new(0.5)?, &TrainConfig::new(300))?;
    /// assert_eq!(model.network().layer_sizes(), [3, 3, 1]);
    ///
    /// // Softmax regression on the same rows, the target read as classes: n_y = 2.
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::multi_class("y"), Network::softmax_regression,
    ///                                           &mut GradientDescent::new(0.5)?, &TrainConfig::new(300))?;
    /// assert_eq!(model.predict_labels(&table)?, ["N", "N", "Y", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit<O: Optimizer<F> + ?Sized>(
        table: &Table,
        config: &TabularConfig,
        build: impl FnOnce(usize, usize) -> Result<Network<F>>,
        optimizer: &mut O,
        train: &TrainConfig,
    ) -> Result<(Self, History)> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        Self::fit_rows(table, &rows, config, build, optimizer, train)
    }

    /// As [`TabularModel::fit`], on the rows `rows` of `table` only.
    ///
    /// # Errors
    /// As [`TabularModel::fit`]; [`Error::InvalidArgument`](crate::Error::InvalidArgument) for an empty or out-of-range `rows`.
    ///
    /// ```
    /// use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n3,Y\n1000,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f64>::fit_rows(&table, &[0, 1], &TabularConfig::new("y", "Y"),
    ///     |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, &TrainConfig::new(50))?;
    /// assert_eq!(model.predict_labels(&table)?, ["N", "Y", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit_rows<O: Optimizer<F> + ?Sized>(
        table: &Table,
        rows: &[usize],
        config: &TabularConfig,
        build: impl FnOnce(usize, usize) -> Result<Network<F>>,
        optimizer: &mut O,
        train: &TrainConfig,
    ) -> Result<(Self, History)> {
        let preprocessing = config.fit_rows(table, rows)?;
        let (x, y) = preprocessing.transform_rows::<F>(table, rows)?;
        let y = y.ok_or_else(|| unlabelled(table, preprocessing.target()))?;
        let mut model = Self::new(preprocessing, build(x.nrows(), y.nrows())?)?;
        let history = model.network.fit(&x, &y, optimizer, train)?;
        Ok((model, history))
    }
}
