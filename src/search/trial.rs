//! [`Trial`]: one trained configuration and its scores, and [`TrialTable`] to print them.

use std::cmp::Ordering;
use std::fmt;

use super::SearchOptimizer;

/// One trained configuration and how it scored.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// The update rule.
    pub optimizer: SearchOptimizer,
    /// α.
    pub learning_rate: f64,
    /// L2 strength λ (0: none).
    pub l2: f64,
    /// Examples per mini-batch (`None`: batch gradient descent).
    pub batch_size: Option<usize>,
    /// Units per hidden layer.
    pub hidden_units: usize,
    /// Number of hidden layers.
    pub depth: usize,
    /// Accuracy on the training set after training (NaN if diverged).
    pub train_accuracy: f64,
    /// Accuracy on the validation set (NaN if diverged).
    pub valid_accuracy: f64,
    /// Cost J on the validation set, without the L2 term (NaN if diverged).
    pub valid_cost: f64,
    /// Whether training stopped with [`Error::Diverged`](crate::Error::Diverged).
    pub diverged: bool,
}

impl Trial {
    /// Ranking order: trained before diverged, then higher validation accuracy, then lower
    /// validation cost.
    pub(super) fn rank(&self, other: &Trial) -> Ordering {
        self.diverged
            .cmp(&other.diverged)
            .then_with(|| other.valid_accuracy.total_cmp(&self.valid_accuracy))
            .then_with(|| self.valid_cost.total_cmp(&other.valid_cost))
    }
}

impl fmt::Display for Trial {
    /// One row of the table: rank-free columns optimizer, α, λ, batch, units, depth,
    /// accuracies (%), cost.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let batch = self.batch_size.map_or_else(|| "all".to_string(), |b| b.to_string());
        write!(
            f,
            "{:>14} {:>8} {:>6} {:>5} {:>6} {:>6}",
            self.optimizer, self.learning_rate, self.l2, batch, self.hidden_units, self.depth
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
/// use ndnet::search::{SearchOptimizer, Trial, TrialTable};
/// let trial = Trial { optimizer: SearchOptimizer::Adam, learning_rate: 0.5, l2: 0.0, batch_size: Some(32),
///                     hidden_units: 4, depth: 1, train_accuracy: 0.9, valid_accuracy: 0.875,
///                     valid_cost: 0.3, diverged: false };
/// let text = TrialTable(&[trial]).to_string();
/// assert!(text.lines().next().unwrap().contains("valid acc"));
/// assert!(text.lines().nth(1).unwrap().contains("87.50%"));
/// assert!(text.lines().nth(1).unwrap().contains("adam"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TrialTable<'a>(pub &'a [Trial]);

impl fmt::Display for TrialTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:>4} {:>14} {:>8} {:>6} {:>5} {:>6} {:>6} {:>9} {:>9} {:>10}",
            "rank", "optimizer", "alpha", "lambda", "batch", "units", "depth", "train acc", "valid acc", "valid cost"
        )?;
        for (i, trial) in self.0.iter().enumerate() {
            writeln!(f, "{:>4} {trial}", i + 1)?;
        }
        Ok(())
    }
}
