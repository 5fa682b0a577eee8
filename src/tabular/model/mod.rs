//! [`TabularModel`] (feature `csv`): a trained [`Network`] together with the preprocessing
//! fitted on its training rows, so that new CSV rows are imputed, encoded and scaled exactly
//! as the training rows were. For each target kind (binary, multi-class, regression) it
//! trains any network ([`TabularModel::fit`]), predicts labels with the probability of every
//! class or numbers ([`TabularModel::predict`]), writes a CSV of predictions
//! ([`TabularModel::predict_csv`]), is saved and loaded in one call
//! ([`TabularModel::save`], [`TabularModel::load`], JSON or safetensors), and scores a
//! network by k-fold cross-validation ([`TabularModel::cross_validate`]).
//!
//! ```
//! use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
//! use ndnet::tabular::{Table, TabularConfig};
//!
//! let train = "id,income,area,ok\n\
//!              a1,9000,Urban,Y\n\
//!              a2,1000,Rural,N\n\
//!              a3,,Urban,Y\n\
//!              a4,1500,Rural,N\n";
//! let table = Table::from_reader(train.as_bytes(), "train.csv")?;
//! let config = TabularConfig::binary("ok", "Y").id_column("id");
//! let logistic = |n_x, _| Network::logistic_regression(n_x);
//! let (model, _history) =
//!     TabularModel::<f64>::fit(&table, &config, logistic, &mut GradientDescent::new(0.5)?, TrainConfig::new(200))?;
//!
//! // New rows: a missing income, an area never seen when training. No target column.
//! let new = Table::from_reader("id,income,area\nb1,,Suburb\nb2,8000,Urban\n".as_bytes(), "new.csv")?;
//! assert_eq!(model.ids(&new)?, ["b1", "b2"]);
//! assert_eq!(model.predict_labels(&new)?[1], "Y");
//! # Ok::<(), ndnet::Error>(())
//! ```

use crate::tabular::{FittedPreprocessing, FittedTarget, Table, TargetScaling};
use crate::{Activation, Cost, Error, Float, Network, Result};

mod cross_validation;
mod evaluate;
#[cfg(feature = "serde")]
mod files;
mod fit;
mod predict;

/// A network trained on CSV rows, with the fitted preprocessing that travels with it: a
/// binary or multi-class classifier, or a regression, by the target kind of its
/// [`TabularConfig`](crate::tabular::TabularConfig).
///
/// Build it with [`TabularModel::fit`] (any network, with a validation split and early
/// stopping if you like),
/// [`TabularModel::new`] (parts you already have) or [`TabularModel::load`]. Tables
/// given to it need the feature columns it was fitted on; the target column may be missing
/// (unlabelled rows).
///
/// | target | network output (n_y units) | cost |
/// | --- | --- | --- |
/// | binary | 1 [`Activation::Sigmoid`] unit | [`Cost::BinaryCrossEntropy`] |
/// | multi-class, k classes | k [`Activation::Softmax`] units, classes in sorted order | [`Cost::CategoricalCrossEntropy`] |
/// | regression | 1 [`Activation::Linear`] unit | [`Cost::MeanSquaredError`] |
///
/// ```
/// use ndnet::{Network, TabularModel};
/// use ndnet::tabular::{Table, TabularConfig};
///
/// let table = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv")?;
/// let preprocessing = TabularConfig::binary("y", "Y").fit(&table)?;
/// let model = TabularModel::new(preprocessing, Network::<f32>::logistic_regression(1)?)?;
/// assert_eq!(model.predict_proba(&table)?, ndarray::array![[0.5, 0.5]]); // untrained: σ(0)
/// # Ok::<(), ndnet::Error>(())
/// ```
///
/// Its parts are private so that they always fit each other (the network takes the
/// preprocessing's n_x features and gives the output the target needs): read them with
/// [`network`](TabularModel::network) and [`preprocessing`](TabularModel::preprocessing),
/// take them apart with [`into_parts`](TabularModel::into_parts).
#[derive(Clone, Debug)]
pub struct TabularModel<F: Float> {
    /// Imputation, one-hot encoding and standardization fitted on the training rows.
    preprocessing: FittedPreprocessing,
    /// The trained network, taking the preprocessing's n_x features, giving n_y outputs.
    network: Network<F>,
}

impl<F: Float> TabularModel<F> {
    /// Puts a fitted preprocessing and a network together, checking that they fit each other:
    /// the network takes [`n_features`](FittedPreprocessing::n_features) inputs, gives
    /// [`n_outputs`](FittedPreprocessing::n_outputs) outputs, and has the output activation
    /// and cost of the target's kind (see the table at [`TabularModel`]).
    ///
    /// # Errors
    /// [`Error::Architecture`] naming what does not fit and what is needed;
    /// [`Error::InvalidArgument`] for a standardized regression target whose std F holds as 0
    /// or a subnormal, or whose mean F holds as infinite (an f32 model of targets around
    /// 1e-300), naming the value.
    ///
    /// ```
    /// use ndnet::{Activation, Cost, Initializer, Network, TabularModel};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// use rand::SeedableRng;
    ///
    /// let table = Table::from_reader("x,c,y\n1,a,Y\n3,b,N\n".as_bytes(), "t.csv")?;
    /// let preprocessing = TabularConfig::binary("y", "Y").fit(&table)?; // x, c=a, c=b: n_x = 3
    /// assert!(TabularModel::new(preprocessing.clone(), Network::<f64>::logistic_regression(3)?).is_ok());
    /// assert!(TabularModel::new(preprocessing, Network::<f64>::logistic_regression(2)?).is_err());
    ///
    /// // A regression needs a linear output (trained on the mean squared error), not a sigmoid.
    /// let regression = TabularConfig::regression("x").drop_column("y").fit(&table)?; // c=a, c=b
    /// let err = TabularModel::new(regression.clone(), Network::<f64>::logistic_regression(2)?).unwrap_err();
    /// assert!(err.to_string().contains("needs a linear output trained on mean_squared_error"), "{err}");
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let linear = Network::<f64>::from_layers(2, &[(1, Activation::Linear)], Initializer::Zeros, &mut rng)?;
    /// assert_eq!(linear.cost_function(), Cost::MeanSquaredError); // the linear output's cost
    /// assert!(TabularModel::new(regression, linear).is_ok());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn new(preprocessing: FittedPreprocessing, network: Network<F>) -> Result<Self> {
        check_fit(&preprocessing, &network)?;
        Ok(TabularModel { preprocessing, network })
    }

    /// The trained network, taking the preprocessing's n_x features, giving n_y outputs.
    ///
    /// ```
    /// use ndnet::{Network, TabularModel};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv")?;
    /// let model = TabularModel::new(TabularConfig::binary("y", "Y").fit(&table)?, Network::<f64>::logistic_regression(1)?)?;
    /// assert_eq!(model.network().layer_sizes(), [1, 1]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn network(&self) -> &Network<F> {
        &self.network
    }

    /// The network, to train it further or adjust its parameters. A network replaced through
    /// it (`*model.network_mut() = other`, or a layer replaced) that no longer fits the
    /// preprocessing is refused at the model's next use: every method that runs or reads the
    /// network (`predict*`, `confusion_matrix*`, `top_features`, `save`, `predict_csv`, a
    /// report) checks it again as [`TabularModel::new`] does and returns that error.
    ///
    /// ```
    /// use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv")?;
    /// let preprocessing = TabularConfig::binary("y", "Y").fit(&table)?;
    /// let (x, y) = preprocessing.transform::<f64>(&table)?;
    /// let mut model = TabularModel::new(preprocessing, Network::logistic_regression(1)?)?;
    /// model.network_mut().fit((&x, &y.unwrap()), &mut GradientDescent::new(1.0)?, TrainConfig::new(20))?;
    /// assert_eq!(model.predict_labels(&table)?, ["Y", "N"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn network_mut(&mut self) -> &mut Network<F> {
        &mut self.network
    }

    /// The network, checked again against the preprocessing (as [`TabularModel::new`] checks
    /// it): [`TabularModel::network_mut`] may have replaced it with one that does not fit.
    pub(crate) fn fitting_network(&self) -> Result<&Network<F>> {
        check_fit(&self.preprocessing, &self.network).map_err(|e| {
            let why = match e {
                Error::Architecture(message) => message,
                other => other.to_string(),
            };
            Error::Architecture(format!(
                "the model's network no longer fits its preprocessing (was it replaced through \
                 TabularModel::network_mut?): {why}"
            ))
        })?;
        Ok(&self.network)
    }

    /// The imputation, one-hot encoding and standardization fitted on the training rows.
    ///
    /// ```
    /// use ndnet::{Network, TabularModel};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,c,y\n1,a,Y\n3,b,N\n".as_bytes(), "t.csv")?;
    /// let model = TabularModel::new(TabularConfig::binary("y", "Y").fit(&table)?, Network::<f64>::logistic_regression(3)?)?;
    /// assert_eq!(model.preprocessing().feature_names(), ["x", "c=a", "c=b"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn preprocessing(&self) -> &FittedPreprocessing {
        &self.preprocessing
    }

    /// The preprocessing and the network, by value (e.g. the network of a model read with
    /// [`TabularModel::load`], to train it on preprocessed rows).
    ///
    /// ```
    /// use ndnet::{Network, TabularModel};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,Y\n3,N\n".as_bytes(), "t.csv")?;
    /// let model = TabularModel::new(TabularConfig::binary("y", "Y").fit(&table)?, Network::<f32>::logistic_regression(1)?)?;
    /// let (preprocessing, network) = model.into_parts();
    /// assert_eq!((preprocessing.n_features(), network.layer_sizes()), (1, vec![1, 1]));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn into_parts(self) -> (FittedPreprocessing, Network<F>) {
        (self.preprocessing, self.network)
    }
}

/// Whether `network` takes the features of `preprocessing` and gives the outputs, with the
/// output activation and cost, that its target needs.
fn check_fit<F: Float>(preprocessing: &FittedPreprocessing, network: &Network<F>) -> Result<()> {
    let sizes = network.layer_sizes();
    let (n_x, n_out) = (sizes[0], sizes[sizes.len() - 1]);
    let target = preprocessing.fitted_target();
    let (kind, activation, cost, activation_name, cost_name) = match target {
        FittedTarget::Binary { .. } => (
            "binary",
            Activation::Sigmoid,
            Cost::BinaryCrossEntropy,
            "Sigmoid",
            "BinaryCrossEntropy",
        ),
        FittedTarget::MultiClass { .. } => (
            "multi-class",
            Activation::Softmax,
            Cost::CategoricalCrossEntropy,
            "Softmax",
            "CategoricalCrossEntropy",
        ),
        FittedTarget::Regression { .. } => (
            "regression",
            Activation::Linear,
            Cost::MeanSquaredError,
            "Linear",
            "MeanSquaredError",
        ),
    };
    if let FittedTarget::Regression {
        scaling: Some(TargetScaling { mean, std }),
    } = target
    {
        // Predictions ŷ · std + mean are returned in F: a std that F holds as 0 or as a subnormal
        // would make every prediction the mean; a mean beyond F's range, every one infinite.
        let std_ok = *std != 0.0 && crate::base::check::normal_in::<F>(*std);
        let mean_ok = F::from_f64(*mean).is_finite();
        if let Some((name, value)) = [("std", *std, std_ok), ("mean", *mean, mean_ok)]
            .into_iter()
            .find_map(|(name, value, ok)| (!ok).then_some((name, value)))
        {
            return Err(Error::InvalidArgument {
                argument: "preprocessing",
                message: format!(
                    "the regression target {:?} has {name} {value:e}, which is {} in the model's {}-bit \
                     floats (they hold magnitudes from {:e} to {:e}), so its predictions cannot be told \
                     apart: rescale the target or use f64",
                    preprocessing.target(),
                    F::from_f64(value),
                    8 * std::mem::size_of::<F>(),
                    F::min_positive_value().as_f64(),
                    F::max_value().as_f64()
                ),
            });
        }
    }
    let n_y = target.n_outputs();
    if n_x != preprocessing.n_features() || n_out != n_y {
        return Err(Error::Architecture(format!(
            "the network maps {n_x} inputs to {n_out} outputs; the preprocessing gives {} features ({}) and \
             a {kind} target {:?} needs {n_y} output{}",
            preprocessing.n_features(),
            preprocessing.feature_names().join(", "),
            preprocessing.target(),
            if n_y == 1 { "" } else { "s" }
        )));
    }
    let output = network
        .layers()
        .last()
        .expect("a network always has at least one layer (checked when built)")
        .activation();
    if output != activation || network.cost_function() != cost {
        return Err(Error::Architecture(format!(
            "a {kind} target needs a {} output trained on {}, but the network has a {} output trained on {}: \
             build it with an Activation::{activation_name} output layer, trained on Cost::{cost_name} (the \
             cost that output gets by default)",
            activation.name(),
            cost.name(),
            output.name(),
            network.cost_function().name()
        )));
    }
    Ok(())
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
