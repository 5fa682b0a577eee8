//! What a cross-validation of a [`TabularModel`](super::TabularModel) reports: each
//! [`Metric`] over the folds, and the time each fold took ([`TabularCrossValidation`]).

use std::fmt;

use crate::{CrossValidation, History};

/// A score of predictions on validation rows.
///
/// ```
/// use ndnet::tabular::Metric;
/// assert_eq!(Metric::R2.to_string(), "R²");
/// assert!(Metric::Accuracy.higher_is_better() && !Metric::Rmse.higher_is_better());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// The fraction of rows whose predicted label is the true one
    /// ([`metrics::accuracy_indices`](crate::metrics::accuracy_indices)).
    Accuracy,
    /// The coefficient of determination ([`metrics::r2`](crate::metrics::r2)).
    R2,
    /// Root mean squared error in the target's units ([`metrics::rmse`](crate::metrics::rmse)).
    Rmse,
    /// Mean absolute error in the target's units ([`metrics::mae`](crate::metrics::mae)).
    Mae,
}

impl Metric {
    /// Whether a larger value is a better model (accuracy, R²) rather than a smaller one
    /// (RMSE, MAE).
    ///
    /// ```
    /// assert!(ndnet::tabular::Metric::R2.higher_is_better());
    /// ```
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::Accuracy | Metric::R2)
    }
}

impl fmt::Display for Metric {
    /// `accuracy`, `R²`, `RMSE` or `MAE`.
    ///
    /// ```
    /// assert_eq!(ndnet::tabular::Metric::Rmse.to_string(), "RMSE");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Metric::Accuracy => "accuracy",
            Metric::R2 => "R²",
            Metric::Rmse => "RMSE",
            Metric::Mae => "MAE",
        })
    }
}

/// The result of [`TabularModel::cross_validate`](super::TabularModel::cross_validate): each
/// metric's score on every validation fold with their mean ± std, and the seconds each fold
/// took (fitting the preprocessing, training, predicting and scoring).
///
/// Classification reports [`Metric::Accuracy`]; regression reports [`Metric::R2`],
/// [`Metric::Rmse`] and [`Metric::Mae`], in that order (the first is the main one).
///
/// ```
/// use ndnet::CrossValidation;
/// use ndnet::tabular::{Metric, TabularCrossValidation};
///
/// let cv = TabularCrossValidation::new(
///     vec![(Metric::Accuracy, CrossValidation::from_scores(vec![0.9, 1.0])?)],
///     vec![0.25, 0.75],
/// )?;
/// assert_eq!(cv.get(Metric::Accuracy).map(|a| a.mean), Some(0.95));
/// assert_eq!(cv.get(Metric::R2), None);
/// assert_eq!(cv.to_string(), "accuracy 0.9500 ± 0.0500 (2 folds); 0.500 s per fold");
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TabularCrossValidation {
    scores: Vec<(Metric, CrossValidation)>,
    fold_seconds: Vec<f64>,
    histories: Vec<History>,
}

impl TabularCrossValidation {
    /// Puts together the scores of each metric and the time of each fold.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if there is no metric, a
    /// metric is listed twice, or the metrics' fold counts and the number of times differ.
    ///
    /// ```
    /// use ndnet::CrossValidation;
    /// use ndnet::tabular::{Metric, TabularCrossValidation};
    /// let one_fold = CrossValidation::from_scores(vec![0.5])?;
    /// assert!(TabularCrossValidation::new(vec![(Metric::R2, one_fold)], vec![1.0, 2.0]).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn new(scores: Vec<(Metric, CrossValidation)>, fold_seconds: Vec<f64>) -> crate::Result<Self> {
        let folds = fold_seconds.len();
        let bad = |message: String| Err(crate::Error::invalid_argument("scores", message));
        if scores.is_empty() {
            return bad("no metric given".to_owned());
        }
        if let Some((metric, cv)) = scores.iter().find(|(_, cv)| cv.fold_accuracies.len() != folds) {
            return bad(format!(
                "{metric} has {} fold scores but {folds} fold times are given",
                cv.fold_accuracies.len()
            ));
        }
        for (i, (metric, _)) in scores.iter().enumerate() {
            if scores[..i].iter().any(|(earlier, _)| earlier == metric) {
                return bad(format!("{metric} is listed twice"));
            }
        }
        Ok(TabularCrossValidation {
            scores,
            fold_seconds,
            histories: Vec::new(),
        })
    }

    /// The same scores with the training history of each fold.
    #[must_use]
    pub(crate) fn with_histories(mut self, histories: Vec<History>) -> Self {
        self.histories = histories;
        self
    }

    /// Every metric with its scores over the folds, the main one first.
    ///
    /// ```
    /// # use ndnet::{CrossValidation, tabular::{Metric, TabularCrossValidation}};
    /// let cv = TabularCrossValidation::new(vec![(Metric::Mae, CrossValidation::from_scores(vec![2.0])?)], vec![0.1])?;
    /// assert_eq!(cv.scores()[0].0, Metric::Mae);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn scores(&self) -> &[(Metric, CrossValidation)] {
        &self.scores
    }

    /// The main metric (accuracy for classification, R² for regression) and its scores.
    ///
    /// ```
    /// # use ndnet::{CrossValidation, tabular::{Metric, TabularCrossValidation}};
    /// let cv = TabularCrossValidation::new(vec![(Metric::R2, CrossValidation::from_scores(vec![0.5])?)], vec![0.1])?;
    /// assert_eq!(cv.main().0, Metric::R2);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn main(&self) -> (Metric, &CrossValidation) {
        let (metric, cv) = self.scores.first().expect("`new` refuses an empty list of metrics");
        (*metric, cv)
    }

    /// The scores of `metric`, if it was computed.
    ///
    /// ```
    /// # use ndnet::{CrossValidation, tabular::{Metric, TabularCrossValidation}};
    /// let cv = TabularCrossValidation::new(vec![(Metric::R2, CrossValidation::from_scores(vec![0.5])?)], vec![0.1])?;
    /// assert_eq!(cv.get(Metric::R2).map(|r2| r2.mean), Some(0.5));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn get(&self, metric: Metric) -> Option<&CrossValidation> {
        self.scores.iter().find(|(m, _)| *m == metric).map(|(_, cv)| cv)
    }

    /// The wall-clock seconds of each fold, in fold order.
    ///
    /// ```
    /// # use ndnet::{CrossValidation, tabular::{Metric, TabularCrossValidation}};
    /// let cv = TabularCrossValidation::new(vec![(Metric::R2, CrossValidation::from_scores(vec![0.5])?)], vec![0.1])?;
    /// assert_eq!(cv.fold_seconds(), [0.1]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fold_seconds(&self) -> &[f64] {
        &self.fold_seconds
    }

    /// The [`History`] of each fold's training, in fold order, as
    /// [`TabularModel::cross_validate`](super::TabularModel::cross_validate) made them: with
    /// early stopping, `best_epoch` is the epoch each fold's network was left with. Empty for
    /// scores put together with [`TabularCrossValidation::new`].
    ///
    /// ```
    /// use ndnet::{FitOptions, GradientDescent, Network, TabularModel, TrainConfig, Validation};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// let csv: String = (0..20).map(|i| format!("{i},{}\n", 3 * i + 1)).collect();
    /// let table = Table::from_reader(format!("x,y\n{csv}").as_bytes(), "t.csv")?;
    /// let linear = |n_x, _| Network::<f64>::from_layers(n_x, &[(1, ndnet::Activation::Linear)],
    ///     ndnet::Initializer::Zeros, &mut rand::rngs::StdRng::seed_from_u64(0));
    /// let options = FitOptions::new(TrainConfig::epochs(500)).validation(Validation::split(0.25).early_stopping(5));
    /// let cv = TabularModel::cross_validate(&table, &TabularConfig::regression("y"), 4, linear,
    ///     &GradientDescent::new(0.1)?, options, &mut rand::rngs::StdRng::seed_from_u64(0))?;
    /// for history in cv.histories() {
    ///     // Each fold trains on 15 rows, 4 of them held out (round(0.25 · 15)).
    ///     assert_eq!(history.held_out, 4);
    ///     assert!(history.best_epoch.is_some());
    /// }
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn histories(&self) -> &[History] {
        &self.histories
    }

    /// The main metric's scores, by value.
    ///
    /// ```
    /// # use ndnet::{CrossValidation, tabular::{Metric, TabularCrossValidation}};
    /// let cv = TabularCrossValidation::new(vec![(Metric::Accuracy, CrossValidation::from_scores(vec![0.5])?)], vec![0.1])?;
    /// assert_eq!(cv.into_main().mean, 0.5);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn into_main(self) -> CrossValidation {
        self.scores
            .into_iter()
            .next()
            .map(|(_, cv)| cv)
            .expect("`new` refuses an empty list of metrics")
    }
}

impl fmt::Display for TabularCrossValidation {
    /// `metric mean ± std (k folds)` for each metric, `, `-separated, then the mean time per
    /// fold; see [`TabularCrossValidation`] for an example.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .scores
            .iter()
            .map(|(metric, cv)| format!("{metric} {cv}"))
            .collect();
        let seconds = self.fold_seconds.iter().sum::<f64>() / self.fold_seconds.len().max(1) as f64;
        write!(f, "{}; {seconds:.3} s per fold", parts.join(", "))
    }
}
