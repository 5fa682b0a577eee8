//! Training a [`TabularModel`]: the preprocessing fitted on the rows trained on, then any
//! network built for its n_x features and n_y outputs, trained with [`FitOptions`] (a
//! validation split held out of the rows, early stopping, a callback) as [`Network::fit`].

use std::collections::BTreeSet;

use super::{TabularModel, unlabelled};
use crate::data::hold_out;
use crate::tabular::{Table, TabularConfig, TargetKind};
use crate::train::validation::Examples;
use crate::{Error, FitOptions, Float, History, Network, Optimizer, Result, Validation};

impl<F: Float> TabularModel<F> {
    /// Fits the preprocessing of `config` on the rows of `table`, builds a network with
    /// `build(n_x, n_y)` and trains it with `optimizer` and `options`: n_x is the number of
    /// features found, n_y the number of outputs the target needs (1 for binary and
    /// regression, k classes for multi-class), so one builder serves whatever the data hold.
    /// The network's output and cost must suit the target (see [`TabularModel`]).
    ///
    /// `options` is what [`Network::fit`] takes: a [`TrainConfig`](crate::TrainConfig), or
    /// [`FitOptions`] with a callback and a validation split. [`Validation::split`]`(fraction)`
    /// holds out that fraction of the rows before anything is fitted (seeded by
    /// [`TrainConfig::seed`](crate::TrainConfig::seed), stratified by class for binary and
    /// multi-class targets, each class keeping at least one row to train on); the preprocessing
    /// is fitted on the other rows only, as it is on the training folds of a cross-validation,
    /// so no statistic of the held-out rows (a mean, a median, a category) leaks into what the
    /// network is trained on or judged by, and the validation cost that early stopping watches
    /// is that of rows as new as a test file's. The model is trained on the rows not held out;
    /// [`History::held_out`] counts the others.
    ///
    /// To train on some rows of a table only, select them with [`Table::select_rows`].
    ///
    /// # Errors
    /// As [`TabularConfig::fit`] and [`Network::fit`]; whatever `build` returns;
    /// [`Error::Architecture`] as [`TabularModel::new`]; errors in the held-out rows' targets
    /// as when fitting; [`Error::InvalidArgument`] if `table` has no target column, or if
    /// `options` holds a validation set given as X and Y ([`Validation::new`]): the
    /// preprocessing is fitted here, so the validation rows must come from the table
    /// ([`Validation::split`]).
    ///
    /// ```
    /// use ndnet::{Activation, FitOptions, GradientDescent, Initializer, Network, TabularModel, TrainConfig, Validation};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// let table = Table::from_reader("x,c,y\n1,a,N\n2,b,N\n3,a,Y\n4,b,Y\n".as_bytes(), "t.csv")?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let build = |n_x, n_y| Network::new(&[n_x, 3, n_y], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng);
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), build,
    ///                                           &mut GradientDescent::new(0.5)?, &TrainConfig::new(300))?;
    /// assert_eq!(model.network().layer_sizes(), [3, 3, 1]);
    ///
    /// // Softmax regression on the same rows, the target read as classes: n_y = 2.
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::multi_class("y"), Network::softmax_regression,
    ///                                           &mut GradientDescent::new(0.5)?, &TrainConfig::new(300))?;
    /// assert_eq!(model.predict_labels(&table)?, ["N", "N", "Y", "Y"]);
    ///
    /// // Early stopping on a quarter of the rows, held out before the preprocessing is fitted.
    /// let csv: String = (0..40).map(|i| format!("{i},{}\n", if i >= 20 { "Y" } else { "N" })).collect();
    /// let table = Table::from_reader(format!("x,y\n{csv}").as_bytes(), "t.csv")?;
    /// let options = FitOptions::new(TrainConfig::epochs(500)).validation(Validation::split(0.25).early_stopping(20));
    /// let (model, history) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"),
    ///     |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, options)?;
    /// assert_eq!(history.held_out, 10); // 5 of each class
    /// let best = history.best_epoch.unwrap(); // the network holds the weights of this epoch
    /// assert!(history.epochs[best].valid_cost <= history.epochs.last().unwrap().valid_cost);
    /// assert_eq!(model.predict_labels(&table.select_rows(&[0, 39])?)?, ["N", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit<'a, O: Optimizer<F> + ?Sized>(
        table: &Table,
        config: &TabularConfig,
        build: impl FnOnce(usize, usize) -> Result<Network<F>>,
        optimizer: &mut O,
        options: impl Into<FitOptions<'a, F>>,
    ) -> Result<(Self, History)> {
        let rows: Vec<usize> = (0..table.n_rows()).collect();
        Self::fit_rows(table, &rows, config, build, optimizer, options.into())
    }

    /// [`TabularModel::fit`] on the rows `rows` of `table` (the training folds of a
    /// cross-validation): a validation split is held out of these rows, never of the others.
    pub(super) fn fit_rows<O: Optimizer<F> + ?Sized>(
        table: &Table,
        rows: &[usize],
        config: &TabularConfig,
        build: impl FnOnce(usize, usize) -> Result<Network<F>>,
        optimizer: &mut O,
        options: FitOptions<'_, F>,
    ) -> Result<(Self, History)> {
        let FitOptions {
            config: train,
            validation,
            callback,
            checkpoints,
            #[cfg(feature = "mpi")]
            distributed,
        } = options;
        let (kept, held) = match validation.as_ref().map(Validation::examples) {
            None => (rows.to_vec(), Vec::new()),
            Some(&Examples::Split { fraction }) => {
                let classes =
                    classes(table, config)?.map(|classes| rows.iter().map(|&r| classes[r]).collect::<Vec<_>>());
                let (kept, held) = hold_out(rows.len(), fraction, classes.as_deref(), train.seed)?;
                (
                    kept.iter().map(|&i| rows[i]).collect(),
                    held.iter().map(|&i| rows[i]).collect(),
                )
            }
            Some(Examples::Set { .. } | Examples::Stream(_)) => {
                return Err(Error::invalid_argument(
                    "options",
                    "a validation set given as X and Y (Validation::new, Validation::streamed) cannot be used by a \
                     tabular fit, which fits the preprocessing itself: hold out rows of the table with \
                     Validation::split(fraction)",
                ));
            }
        };
        let preprocessing = config.fit_rows(table, &kept)?;
        let (x, y) = preprocessing.transform_rows::<F>(table, &kept)?;
        let y = y.ok_or_else(|| unlabelled(table, preprocessing.target()))?;
        let held_out = match held.is_empty() {
            true => None,
            false => {
                let (x_valid, y_valid) = preprocessing.transform_rows::<F>(table, &held)?;
                Some((
                    x_valid,
                    y_valid.ok_or_else(|| unlabelled(table, preprocessing.target()))?,
                ))
            }
        };
        let mut model = Self::new(preprocessing, build(x.nrows(), y.nrows())?)?;
        let patience = validation.and_then(|v| v.patience);
        let options = FitOptions {
            config: train,
            validation: held_out.as_ref().map(|(x, y)| Validation::held_out(x, y, patience)),
            callback,
            checkpoints,
            #[cfg(feature = "mpi")]
            distributed,
        };
        let history = model.network.fit((&x, &y), optimizer, options)?;
        Ok((model, history))
    }
}

/// The class of every row of `table` for stratified folds and splits: for binary the positive
/// label or not (1 / 0, the Y of the row), for multi-class the rank of its label among the
/// table's labels (the order of Y's rows); `None` for regression.
pub(super) fn classes(table: &Table, config: &TabularConfig) -> Result<Option<Vec<usize>>> {
    let labels = table.column(config.target())?;
    Ok(match config.target_kind() {
        TargetKind::Binary { positive_label } => Some(
            labels
                .iter()
                .map(|&label| usize::from(label == positive_label))
                .collect(),
        ),
        TargetKind::MultiClass => {
            let sorted: Vec<&str> = labels.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
            Some(
                labels
                    .iter()
                    .map(|label| {
                        sorted
                            .binary_search(label)
                            .expect("every label is among the sorted labels")
                    })
                    .collect(),
            )
        }
        TargetKind::Regression { .. } => None,
    })
}
