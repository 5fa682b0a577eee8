//! Reports of a [`TabularModel`]: class names, target and features from its preprocessing, and
//! sets evaluated from a [`Table`] in the target's own labels or units (feature `csv`).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Report;
use super::evaluation::{Evaluation, Outcome};
use super::html::shortened;
use crate::tabular::{Predictions, Table};
use crate::{Error, Float, History, Result, TabularModel};

/// The most features the run section names (a one-hot column makes one per category).
const FEATURES_LISTED: usize = 100;

impl<'a, F: Float> Report<'a, F> {
    /// A report of the run that trained `model` and returned `history`: the classes are the
    /// target's labels, and the run section names the target and the features the
    /// preprocessing made; evaluate sets with [`Report::evaluate_table`].
    ///
    /// ```
    /// use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::report::Report;
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,approved\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "loans.csv")?;
    /// let (model, history) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("approved", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let html = Report::tabular(&history, &model).evaluate_table("training", &table)?.to_html()?;
    /// assert!(html.contains("<dd>approved</dd>") && html.contains("accuracy"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn tabular(history: &'a History, model: &'a TabularModel<F>) -> Self {
        let preprocessing = model.preprocessing();
        let features = preprocessing.feature_names();
        let mut report = Report::new(history, model.network()).class_names(preprocessing.fitted_target().classes());
        report
            .run
            .data
            .push(("target column".into(), preprocessing.target().to_string()));
        let mut listed: Vec<String> = features
            .iter()
            .take(FEATURES_LISTED)
            .map(|f| shortened(f).into_owned())
            .collect();
        if features.len() > FEATURES_LISTED {
            listed.push(format!("… and {} more", features.len() - FEATURES_LISTED));
        }
        report.run.data.push((
            format!("{} features after preprocessing", features.len()),
            listed.join(", "),
        ));
        // A model whose network no longer fits has none: `to_html` refuses it, naming why.
        report.run.top_features = model.top_features(10).unwrap_or_default();
        report.tabular = Some(model);
        report
    }

    /// Predicts every row of `table` with the model given to [`Report::tabular`] and compares
    /// with its target column, in the target's labels (rows whose label the model does not
    /// know, e.g. empty, are left out) or units (the standardization undone).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if the report was not made with [`Report::tabular`] or no
    /// row has a usable target; as [`TabularModel::predict`] and [`Table::column`].
    ///
    /// ```
    /// # use ndnet::TabularModel;
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,10\n2,20\n3,30\n".as_bytes(), "t.csv")?;
    /// # let mut rng = <ndnet::rand::rngs::StdRng as ndnet::rand::SeedableRng>::seed_from_u64(0);
    /// # let linear = |n_x, n_y| ndnet::Network::from_layers(n_x, &[(n_y, ndnet::Activation::Linear)], ndnet::Initializer::Zeros, &mut rng);
    /// let (model, history) = TabularModel::<f64>::fit(&table, &TabularConfig::regression("y"), linear,
    ///     &mut ndnet::GradientDescent::new(0.1)?, &ndnet::TrainConfig::new(300))?;
    /// let html = ndnet::report::Report::tabular(&history, &model).evaluate_table("all", &table)?.to_html()?;
    /// assert!(html.contains("RMSE") && html.contains("Predicted vs true"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn evaluate_table(mut self, set: &str, table: &Table) -> Result<Self> {
        let Some(model) = self.tabular else {
            return Err(Error::InvalidArgument {
                argument: "report",
                message: "evaluate_table needs a report made with Report::tabular".into(),
            });
        };
        let truth = table.column(model.preprocessing().target())?;
        let outcome = match model.predict(table)? {
            Predictions::Classes { classes, labels, .. } => {
                // The first class of each label, looked up in O(1) (not O(k) per row).
                let positions: HashMap<&str, usize> = classes
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(c, label)| (label.as_str(), c))
                    .collect();
                let index = |label: &str| positions.get(label).copied();
                let pairs: Vec<(usize, usize)> = truth
                    .iter()
                    .zip(&labels)
                    .filter_map(|(t, p)| Some((index(t)?, index(p)?)))
                    .collect();
                let (truth, predicted) = pairs.into_iter().unzip();
                Outcome::Classes {
                    classes,
                    truth,
                    predicted,
                }
            }
            Predictions::Values { values } => {
                let pairs: Vec<(f64, f64)> = truth
                    .iter()
                    .zip(values.iter())
                    .filter_map(|(t, p)| Some((t.trim().parse::<f64>().ok().filter(|v| v.is_finite())?, p.as_f64())))
                    .collect();
                let (truth, predicted) = pairs.into_iter().unzip();
                Outcome::Values { truth, predicted }
            }
        };
        let evaluation = Evaluation {
            set: set.into(),
            outcome,
        };
        if evaluation.len() == 0 {
            return Err(Error::InvalidArgument {
                argument: "table",
                message: format!(
                    "{}: no row has a target the model knows in column {:?}",
                    table.path().display(),
                    model.preprocessing().target()
                ),
            });
        }
        let left_out = table.n_rows() - evaluation.len();
        let mut description = format!("{}: {} rows", table.path().display(), table.n_rows());
        if left_out > 0 {
            let _ = write!(description, ", {left_out} without a known target left out");
        }
        self.run.data.push((format!("{set} set"), description));
        self.evaluations.push(evaluation);
        Ok(self)
    }
}
