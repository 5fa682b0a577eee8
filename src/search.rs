//! Hyperparameter search: every learning rate × hidden units × depth of a [`SearchSpace`],
//! trained on a training set and ranked by accuracy on a validation set (the course's
//! "train / dev" split: choose on the dev set, never on the training set).
//!
//! A run whose cost or gradients become NaN or infinite ([`Error::Diverged`]) is a result, not
//! a failure of the search: it is kept as a [`Trial`] with `diverged: true` and ranked last.
//!
//! ```
//! use ndnet::{data, search};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let (x, y) = data::xor::<f64>();
//! let space = search::SearchSpace {
//!     learning_rates: vec![0.05, 1.0],
//!     hidden_units: vec![4],
//!     depths: vec![1],
//!     iterations: 2000,
//!     ..search::SearchSpace::default()
//! };
//! let trials = search::search(&space, &x, &y, &x, &y, &mut rng)?;
//! assert_eq!(trials.len(), 2);
//! assert_eq!(trials[0].learning_rate, 1.0); // the faster one has learnt XOR
//! println!("{}", search::TrialTable(&trials));
//! # Ok::<(), ndnet::Error>(())
//! ```

use std::cmp::Ordering;
use std::fmt;

use ndarray::{ArrayBase, Data, Ix2};
use rand::Rng;

use crate::{Activation, Error, Float, GradientDescent, Initializer, Network, Result, TrainConfig};

/// The grid to search: every combination of learning rate, hidden units and depth.
///
/// A depth d with h hidden units is the network [n_x, h, …(d times)…, h, n_y] with
/// `hidden_activation` in the hidden layers and `output_activation` at the output, trained by
/// batch gradient descent on the cross-entropy cost.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchSpace {
    /// Learning rates α to try. Default `[0.01, 0.1, 0.5, 1.2]`.
    pub learning_rates: Vec<f64>,
    /// Units per hidden layer. Default `[2, 4, 8, 16]`.
    pub hidden_units: Vec<usize>,
    /// Numbers of hidden layers. Default `[1, 2]`.
    pub depths: Vec<usize>,
    /// g of the hidden layers. Default [`Activation::Tanh`].
    pub hidden_activation: Activation,
    /// g of the output layer. Default [`Activation::Sigmoid`].
    pub output_activation: Activation,
    /// How the weights are drawn. Default [`Initializer::Xavier`].
    pub initializer: Initializer,
    /// Gradient steps per trial. Default 2000.
    pub iterations: usize,
}

impl Default for SearchSpace {
    /// 4 learning rates × 4 widths × 2 depths = 32 trials of 2000 tanh/sigmoid steps.
    ///
    /// ```
    /// let space = ndnet::search::SearchSpace::default();
    /// assert_eq!(space.trial_count(), 32);
    /// ```
    fn default() -> Self {
        SearchSpace {
            learning_rates: vec![0.01, 0.1, 0.5, 1.2],
            hidden_units: vec![2, 4, 8, 16],
            depths: vec![1, 2],
            hidden_activation: Activation::Tanh,
            output_activation: Activation::Sigmoid,
            initializer: Initializer::Xavier,
            iterations: 2000,
        }
    }
}

impl SearchSpace {
    /// The number of trials: |learning_rates| · |hidden_units| · |depths|.
    ///
    /// ```
    /// let space = ndnet::search::SearchSpace { depths: vec![1], ..Default::default() };
    /// assert_eq!(space.trial_count(), 16);
    /// ```
    pub fn trial_count(&self) -> usize {
        self.learning_rates.len() * self.hidden_units.len() * self.depths.len()
    }

    /// Checks the space: no empty list, learning rates finite and > 0, units, depths and
    /// iterations at least 1.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming an empty list; [`Error::InvalidHyperparameter`] naming
    /// the bad value.
    ///
    /// ```
    /// use ndnet::search::SearchSpace;
    /// assert!(SearchSpace::default().validate().is_ok());
    /// let bad = SearchSpace { learning_rates: vec![0.1, -1.0], ..Default::default() };
    /// assert!(bad.validate().unwrap_err().to_string().contains("learning_rate = -1"));
    /// let empty = SearchSpace { depths: vec![], ..Default::default() };
    /// assert!(empty.validate().unwrap_err().to_string().contains("depths"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        let lists = [
            ("learning_rates", self.learning_rates.is_empty()),
            ("hidden_units", self.hidden_units.is_empty()),
            ("depths", self.depths.is_empty()),
        ];
        if let Some((argument, _)) = lists.into_iter().find(|&(_, empty)| empty) {
            return Err(Error::InvalidArgument {
                argument,
                message: "the list is empty; give at least one value to try".into(),
            });
        }
        for &alpha in &self.learning_rates {
            GradientDescent::new(alpha)?;
        }
        let at_least_one = [
            ("hidden_units", self.hidden_units.iter().min().copied()),
            ("depths", self.depths.iter().min().copied()),
            ("iterations", Some(self.iterations)),
        ];
        for (name, smallest) in at_least_one {
            if smallest == Some(0) {
                return Err(Error::InvalidHyperparameter {
                    name,
                    value: 0.0,
                    reason: "must be at least 1",
                });
            }
        }
        Ok(())
    }
}

/// One trained configuration and how it scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// α.
    pub learning_rate: f64,
    /// Units per hidden layer.
    pub hidden_units: usize,
    /// Number of hidden layers.
    pub depth: usize,
    /// Accuracy on the training set after training (NaN if diverged).
    pub train_accuracy: f64,
    /// Accuracy on the validation set (NaN if diverged).
    pub valid_accuracy: f64,
    /// Cost J on the validation set (NaN if diverged).
    pub valid_cost: f64,
    /// Whether training stopped with [`Error::Diverged`].
    pub diverged: bool,
}

impl Trial {
    /// Ranking order: trained before diverged, then higher validation accuracy, then lower
    /// validation cost.
    fn rank(&self, other: &Trial) -> Ordering {
        self.diverged
            .cmp(&other.diverged)
            .then_with(|| other.valid_accuracy.total_cmp(&self.valid_accuracy))
            .then_with(|| self.valid_cost.total_cmp(&other.valid_cost))
    }
}

/// Trains one network per point of `space` on (X_train, Y_train) and returns the trials ranked
/// by validation accuracy, best first (ties by lower validation cost, then in search order:
/// learning rate, then hidden units, then depth, as listed). Weights are drawn from `rng` trial
/// after trial, so a seeded `rng` gives the same ranking every run.
///
/// # Shapes
/// `x_train` is (n_x, m_train), `y_train` is (n_y, m_train), `x_valid` is (n_x, m_valid),
/// `y_valid` is (n_y, m_valid).
///
/// # Errors
/// [`SearchSpace::validate`]'s errors; input errors as [`Network::fit`] (wrong shapes, no
/// examples, labels outside [0, 1]). A diverging trial is not an error.
///
/// ```
/// use ndarray::array;
/// use rand::SeedableRng;
/// let x = array![[0.0, 1.0]];
/// let y = array![[0.0, 1.0], [1.0, 0.0]]; // 2 output rows: n_y = 2
/// let space = ndnet::search::SearchSpace { iterations: 10, ..Default::default() };
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let wrong = ndnet::search::search(&space, &x, &y, &x, &y.row(0).insert_axis(ndarray::Axis(0)), &mut rng);
/// assert!(wrong.is_err()); // Y_valid has 1 row, the networks 2 outputs
/// ```
pub fn search<F, S1, S2, S3, S4, R>(
    space: &SearchSpace,
    x_train: &ArrayBase<S1, Ix2>,
    y_train: &ArrayBase<S2, Ix2>,
    x_valid: &ArrayBase<S3, Ix2>,
    y_valid: &ArrayBase<S4, Ix2>,
    rng: &mut R,
) -> Result<Vec<Trial>>
where
    F: Float,
    S1: Data<Elem = F>,
    S2: Data<Elem = F>,
    S3: Data<Elem = F>,
    S4: Data<Elem = F>,
    R: Rng + ?Sized,
{
    space.validate()?;
    let (n_x, n_y) = (x_train.nrows(), y_train.nrows());
    let config = TrainConfig::new(space.iterations).record_every(space.iterations);
    let mut trials = Vec::with_capacity(space.trial_count());
    for &learning_rate in &space.learning_rates {
        for &hidden_units in &space.hidden_units {
            for &depth in &space.depths {
                let mut sizes = vec![n_x];
                sizes.extend(std::iter::repeat_n(hidden_units, depth));
                sizes.push(n_y);
                let mut net = Network::<F>::new(
                    &sizes,
                    space.hidden_activation,
                    space.output_activation,
                    space.initializer,
                    rng,
                )?;
                let mut trial = Trial {
                    learning_rate,
                    hidden_units,
                    depth,
                    train_accuracy: f64::NAN,
                    valid_accuracy: f64::NAN,
                    valid_cost: f64::NAN,
                    diverged: false,
                };
                match net.fit(x_train, y_train, &mut GradientDescent::new(learning_rate)?, &config) {
                    Ok(_) => {
                        trial.train_accuracy = net.accuracy(x_train, y_train)?;
                        trial.valid_accuracy = net.accuracy(x_valid, y_valid)?;
                        trial.valid_cost = net.cost(x_valid, y_valid)?.as_f64();
                    }
                    Err(Error::Diverged { .. }) => trial.diverged = true,
                    Err(e) => return Err(e),
                }
                trials.push(trial);
            }
        }
    }
    trials.sort_by(Trial::rank);
    Ok(trials)
}

impl fmt::Display for Trial {
    /// One row of the table: rank-free columns α, units, depth, accuracies (%), cost.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:>8} {:>6} {:>6}",
            self.learning_rate, self.hidden_units, self.depth
        )?;
        if self.diverged {
            write!(f, " {:>9} {:>9} {:>10}", "diverged", "-", "-")
        } else {
            write!(
                f,
                " {:>8.2}% {:>8.2}% {:>10.6}",
                100.0 * self.train_accuracy,
                100.0 * self.valid_accuracy,
                self.valid_cost
            )
        }
    }
}

/// The ranked trials as a text table, one numbered row per trial, best first.
///
/// ```
/// use ndnet::search::{Trial, TrialTable};
/// let trial = Trial { learning_rate: 0.5, hidden_units: 4, depth: 1, train_accuracy: 0.9,
///                     valid_accuracy: 0.875, valid_cost: 0.3, diverged: false };
/// let text = TrialTable(&[trial]).to_string();
/// assert!(text.lines().next().unwrap().contains("valid acc"));
/// assert!(text.lines().nth(1).unwrap().contains("87.50%"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TrialTable<'a>(pub &'a [Trial]);

impl fmt::Display for TrialTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:>4} {:>8} {:>6} {:>6} {:>9} {:>9} {:>10}",
            "rank", "alpha", "units", "depth", "train acc", "valid acc", "valid cost"
        )?;
        for (i, trial) in self.0.iter().enumerate() {
            writeln!(f, "{:>4} {trial}", i + 1)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
