//! Using a trained [`TabularModel`]: probabilities, labels, numbers, IDs, and a CSV of
//! predictions.

use ndarray::Array2;

use super::TabularModel;
use crate::tabular::{FittedTarget, Predictions, Table, TargetScaling};
use crate::{Error, Float, Result};

impl<F: Float> TabularModel<F> {
    /// The probabilities the classifier gives every row of `table`: for a binary target the
    /// probability ŷ of the positive label, (1, m); for a multi-class target the probability
    /// of each class, (k, m), classes in sorted order (each column sums to 1).
    ///
    /// # Shapes
    /// The result is `(n_y, m)`, m the number of rows.
    ///
    /// # Errors
    /// As [`FittedPreprocessing::transform`](crate::tabular::FittedPreprocessing::transform) (a missing feature
    /// column, text in a numeric one); [`Error::InvalidArgument`] for a regression model (use
    /// [`predict_values`](TabularModel::predict_values)).
    ///
    /// ```
    /// # use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let p = model.predict_proba(&table)?;
    /// assert_eq!(p.dim(), (1, 4));
    /// assert!(p[[0, 0]] < 0.5 && p[[0, 3]] > 0.5);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_proba(&self, table: &Table) -> Result<Array2<F>> {
        if self.preprocessing.fitted_target().is_regression() {
            return Err(self.wrong_kind("probabilities", "predict_values"));
        }
        self.outputs(table, &all_rows(table))
    }

    /// The predicted target text for every row of `table`: for a binary target the positive
    /// label where ŷ > 0.5, the negative label (e.g. `"Y"` / `"N"`) elsewhere; for a
    /// multi-class target the class with the highest probability (the first on a tie).
    ///
    /// # Errors
    /// As [`TabularModel::predict_proba`]; [`Error::InvalidArgument`] if a row is predicted
    /// negative but the training rows held the positive label only (no negative text known).
    ///
    /// ```
    /// # use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// # let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// # let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let new = Table::from_reader("x\n0\n9\n".as_bytes(), "new.csv")?;
    /// assert_eq!(model.predict_labels(&new)?, ["N", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_labels(&self, table: &Table) -> Result<Vec<String>> {
        match self.predict(table)? {
            Predictions::Classes { labels, .. } => Ok(labels),
            Predictions::Values { .. } => Err(self.wrong_kind("labels", "predict_values")),
        }
    }

    /// The predicted number for every row of `table`, in the target's units (the target's
    /// standardization undone: ŷ · std + mean), for a regression model.
    ///
    /// # Shapes
    /// The result is (1, m), m the number of rows.
    ///
    /// # Errors
    /// As [`TabularModel::predict_proba`]; [`Error::InvalidArgument`] for a classifier (use
    /// [`predict_labels`](TabularModel::predict_labels)); [`Error::NonFiniteOutput`] if undoing
    /// the standardization overflows.
    ///
    /// ```
    /// use ndnet::{Activation, GradientDescent, Initializer, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// // y = 100 + 10 x exactly; the model learns it on standardized x and y.
    /// let table = Table::from_reader("x,y\n1,110\n2,120\n3,130\n4,140\n".as_bytes(), "t.csv")?;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// // A linear output: mean squared error is its cost.
    /// let linear = |n_x, n_y| Network::from_layers(n_x, &[(n_y, Activation::Linear)], Initializer::Zeros, &mut rng);
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::regression("y"), linear,
    ///                                           &mut GradientDescent::new(0.1)?, &TrainConfig::new(500))?;
    /// let new = Table::from_reader("x\n5\n".as_bytes(), "new.csv")?;
    /// assert!((model.predict_values(&new)?[[0, 0]] - 150.0).abs() < 1e-6);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_values(&self, table: &Table) -> Result<Array2<F>> {
        match self.predict(table)? {
            Predictions::Values { values } => Ok(values),
            Predictions::Classes { .. } => Err(self.wrong_kind("numbers", "predict_labels")),
        }
    }

    /// Everything the model predicts for every row of `table`, whatever the target: labels
    /// with the probability of every class, or numbers in the target's units.
    ///
    /// # Errors
    /// As [`TabularModel::predict_labels`] and [`TabularModel::predict_values`].
    ///
    /// ```
    /// use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Predictions, Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let Predictions::Classes { classes, labels, probabilities } = model.predict(&table)? else { unreachable!() };
    /// assert_eq!((classes, labels), (vec!["N".to_owned(), "Y".to_owned()], vec!["N".to_owned(), "N".to_owned(), "Y".to_owned(), "Y".to_owned()]));
    /// assert_eq!(probabilities.dim(), (2, 4)); // P(N), P(Y) for each row
    /// assert!((probabilities[[0, 3]] + probabilities[[1, 3]] - 1.0).abs() < 1e-12);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict(&self, table: &Table) -> Result<Predictions<F>> {
        self.predict_rows(table, &all_rows(table))
    }

    /// As [`TabularModel::predict`], for the rows `rows` of `table` (a validation fold).
    pub(super) fn predict_rows(&self, table: &Table, rows: &[usize]) -> Result<Predictions<F>> {
        let a = self.outputs(table, rows)?;
        match self.preprocessing.fitted_target() {
            FittedTarget::Binary { positive, negative } => {
                let half = F::from_f64(0.5);
                let labels = a
                    .row(0)
                    .iter()
                    .map(|&p| match (p > half, negative) {
                        (true, _) => Ok(positive.clone()),
                        (false, Some(negative)) => Ok(negative.clone()),
                        (false, None) => Err(self.no_negative_label()),
                    })
                    .collect::<Result<Vec<_>>>()?;
                let probabilities = match negative {
                    Some(_) => ndarray::concatenate![ndarray::Axis(0), a.mapv(|p| F::one() - p), a],
                    None => a,
                };
                Ok(Predictions::Classes {
                    classes: self
                        .preprocessing
                        .fitted_target()
                        .classes()
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                    labels,
                    probabilities,
                })
            }
            FittedTarget::MultiClass { classes } => {
                let labels = a
                    .columns()
                    .into_iter()
                    .map(|column| {
                        let best = (0..column.len()).fold(0, |best, k| if column[k] > column[best] { k } else { best });
                        classes[best].clone()
                    })
                    .collect();
                Ok(Predictions::Classes {
                    classes: classes.clone(),
                    labels,
                    probabilities: a,
                })
            }
            FittedTarget::Regression { scaling } => Ok(Predictions::Values {
                values: self.unscale(a, *scaling)?,
            }),
        }
    }

    /// The network's outputs for the rows `rows` of `table`, (n_y, m).
    fn outputs(&self, table: &Table, rows: &[usize]) -> Result<Array2<F>> {
        let x = self.preprocessing.features_rows::<F>(table, rows)?;
        self.fitting_network()?.predict_proba(&x)
    }

    /// Standardized predictions back in the target's units: ŷ · std + mean.
    fn unscale(&self, mut a: Array2<F>, scaling: Option<TargetScaling>) -> Result<Array2<F>> {
        let Some(TargetScaling { mean, std }) = scaling else {
            return Ok(a);
        };
        for v in &mut a {
            let value = v.as_f64() * std + mean;
            let converted = F::from_f64(value);
            if !converted.is_finite() {
                return Err(Error::NonFiniteOutput {
                    what: format!(
                        "the prediction {v} · {std} + {mean} of target {:?} is {value:e} in f64, beyond the model's {}-bit floats",
                        self.preprocessing.target(),
                        8 * std::mem::size_of::<F>()
                    ),
                });
            }
            *v = converted;
        }
        Ok(a)
    }

    /// The first ID column's value for every row of `table`, to write next to the predictions.
    ///
    /// # Errors
    /// As [`FittedPreprocessing::ids`](crate::tabular::FittedPreprocessing::ids): no ID column configured, or
    /// `table` lacks it.
    ///
    /// ```
    /// # use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// # use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("id,x,y\nP1,1,N\nP2,3,Y\n".as_bytes(), "t.csv")?;
    /// let config = TabularConfig::binary("y", "Y").id_column("id");
    /// let (model, _) = TabularModel::<f32>::fit(&table, &config, |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(10))?;
    /// assert_eq!(model.ids(&table)?, ["P1", "P2"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn ids(&self, table: &Table) -> Result<Vec<String>> {
        self.preprocessing.ids(table)
    }

    /// The error for asking a model of the other kind for `what`.
    fn wrong_kind(&self, what: &str, instead: &str) -> Error {
        Error::invalid_argument(
            "model",
            format!(
                "the target {:?} is {}, so the model does not predict {what}; use {instead}",
                self.preprocessing.target(),
                self.preprocessing.fitted_target()
            ),
        )
    }

    fn no_negative_label(&self) -> Error {
        Error::invalid_argument(
            "table",
            format!(
                "a row is predicted negative but the model was fitted on rows whose {:?} \
                 holds only the positive label, so no negative label is known",
                self.preprocessing.target()
            ),
        )
    }
}

fn all_rows(table: &Table) -> Vec<usize> {
    (0..table.n_rows()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::TabularConfig;
    use crate::{GradientDescent, Network, TrainConfig};

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
        let config = TabularConfig::binary("ok", "Y").id_column("id");
        let mut gd = GradientDescent::new(0.5).expect("0.5 is a valid learning rate");
        let logistic = |n_x, _| Network::logistic_regression(n_x);
        TabularModel::fit(&table(TRAIN), &config, logistic, &mut gd, TrainConfig::new(300))
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
        let top = m.top_features(10).unwrap();
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
        let config = TabularConfig::binary("ok", "Y");
        // The options go to Network::fit, which refuses 0 iterations.
        let logistic = |n_x, _| Network::logistic_regression(n_x);
        let mut gd = GradientDescent::new(1.0).expect("1 is a valid learning rate");
        let err = TabularModel::<f64>::fit(&table(TRAIN), &config, logistic, &mut gd, TrainConfig::new(0)).unwrap_err();
        assert!(err.to_string().contains("iterations = 0 is invalid"), "{err}");
    }

    /// Three classes decided by x, in file order c, a, b (sorted: a, b, c).
    const CLASSES: &str = "x,kind\n1,c\n2,c\n3,c\n11,a\n12,a\n13,a\n21,b\n22,b\n23,b\n";

    fn softmax_model() -> TabularModel<f64> {
        let config = TabularConfig::multi_class("kind");
        let mut gd = GradientDescent::new(1.0).unwrap();
        TabularModel::fit(
            &table(CLASSES),
            &config,
            Network::softmax_regression,
            &mut gd,
            TrainConfig::new(2000),
        )
        .expect("the toy classes train")
        .0
    }

    #[test]
    fn multi_class_predicts_sorted_classes_with_probabilities() {
        let m = softmax_model();
        let Predictions::Classes {
            classes,
            labels,
            probabilities,
        } = m.predict(&table(CLASSES)).unwrap()
        else {
            panic!("a classifier")
        };
        assert_eq!(classes, ["a", "b", "c"]);
        assert_eq!(labels, ["c", "c", "c", "a", "a", "a", "b", "b", "b"]);
        assert_eq!(probabilities.dim(), (3, 9));
        for column in probabilities.columns() {
            assert!((column.sum() - 1.0).abs() < 1e-12);
        }
        assert_eq!(m.predict_proba(&table(CLASSES)).unwrap(), probabilities);
        assert!(
            m.predict_values(&table(CLASSES))
                .unwrap_err()
                .to_string()
                .contains("use predict_labels")
        );
        assert!(
            m.confusion_matrix(&table(CLASSES))
                .unwrap_err()
                .to_string()
                .contains("multi-class")
        );
    }

    #[test]
    fn regression_undoes_the_target_scaling() {
        use crate::{Activation, Network};
        // Target 10, 20, 30, 40: mean 25, std √125. A linear network ŷ = 2 x (x standardized)
        // predicts 25 + 2 √125 · x_std, computed by hand from the fitted statistics.
        let t = table("x,y\n1,10\n2,20\n3,30\n4,40\n");
        let preprocessing = TabularConfig::regression("y").fit(&t).unwrap();
        let net = Network::from_parameters(
            vec![(ndarray::array![[2.0]], ndarray::array![[0.0]])],
            &[Activation::Linear],
        )
        .unwrap();
        let model = TabularModel::new(preprocessing, net).unwrap();
        let values = model.predict_values(&t).unwrap();
        // x standardized: (x − 2.5) / √1.25; ŷ = 25 + √125 · 2 (x − 2.5) / √1.25 = 25 + 20 (x − 2.5).
        for (got, want) in values.iter().zip([-5.0_f64, 15.0, 35.0, 55.0]) {
            assert!((got - want).abs() < 1e-12, "{values}");
        }
        assert!(
            model
                .predict_labels(&t)
                .unwrap_err()
                .to_string()
                .contains("use predict_values")
        );
        assert!(model.predict_proba(&t).unwrap_err().to_string().contains("regression"));
        // Scaled back, a prediction beyond f32's range is an error, not inf.
        let huge = table("x,y\n1,1e30\n2,-1e30\n");
        let preprocessing = TabularConfig::regression("y").fit(&huge).unwrap();
        let net = Network::<f32>::from_parameters(
            vec![(ndarray::array![[1e9]], ndarray::array![[0.0]])],
            &[Activation::Linear],
        )
        .unwrap();
        let err = TabularModel::new(preprocessing, net)
            .unwrap()
            .predict_values(&huge)
            .unwrap_err();
        assert!(matches!(err, Error::NonFiniteOutput { .. }), "{err}");
    }

    #[test]
    fn binary_probabilities_per_class_and_an_unknown_negative_label() {
        let m = model::<f64>();
        let p = m.predict(&table(TRAIN)).unwrap();
        let probabilities = p.probabilities().unwrap();
        let positive = m.predict_proba(&table(TRAIN)).unwrap();
        assert_eq!(probabilities.row(1), positive.row(0));
        assert_eq!(probabilities.row(0), positive.row(0).mapv(|v| 1.0 - v));
        // Fitted on positive rows only: a row predicted negative has no label to give.
        let config = TabularConfig::binary("ok", "Y").id_column("id");
        let preprocessing = config.fit_rows(&table(TRAIN), &[0, 2]).unwrap();
        let net = crate::Network::from_parameters(
            vec![(
                ndarray::Array2::from_elem((1, preprocessing.n_features()), -1.0),
                ndarray::array![[-5.0]],
            )],
            &[crate::Activation::Sigmoid],
        )
        .unwrap();
        let err = TabularModel::new(preprocessing, net)
            .unwrap()
            .predict(&table(TRAIN))
            .unwrap_err();
        assert!(err.to_string().contains("no negative label is known"), "{err}");
    }
}
