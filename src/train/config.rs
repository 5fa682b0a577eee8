//! [`TrainConfig`]: how long to train, on which batches, what to record.

use super::Shuffle;
use crate::{Error, LearningRateSchedule, Result};

/// How long training runs: a number of gradient steps or of passes over the data (only one of
/// the two can be given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainLength {
    /// This many gradient steps (the course's `num_iterations`).
    Iterations(usize),
    /// This many passes over the data (with batch gradient descent, one step each).
    Epochs(usize),
}

crate::base::config::config! {
    /// How long to train, on which batches, and what to record. Build with [`TrainConfig::new`]
    /// (iterations) or [`TrainConfig::epochs`], then change any field with its method.
    ///
    /// | field | default |
    /// |---|---|
    /// | `length` | [`TrainLength::Iterations`]`(1000)` |
    /// | `record_every` | 100 (as the course prints the cost) |
    /// | `batch_size` | `None`: batch gradient descent |
    /// | `seed` | 0 |
    /// | `shuffle` | [`Shuffle::Full`] |
    /// | `diagnostics` | off |
    /// | `schedule` | [`LearningRateSchedule::Constant`] |
    /// | `gram` | on |
    ///
    /// ```
    /// use ndnet::{TrainConfig, TrainLength};
    /// let config = TrainConfig::epochs(30).batch_size(64).seed(1);
    /// assert_eq!(config.length, TrainLength::Epochs(30));
    /// assert_eq!(config.steps(1000), 30 * 16); // 15 full batches of 64 and one of 40 per epoch
    /// ```
    #[derive(Clone, Debug, PartialEq)]
    pub struct TrainConfig in "ndnet::TrainConfig::new(10)" {
        /// How long to train: [`TrainLength::Iterations`] or [`TrainLength::Epochs`].
        length: TrainLength = TrainLength::Iterations(1000), set TrainLength,
            e.g. ndnet::TrainLength::Epochs(3) => ndnet::TrainLength::Epochs(3);
        /// Record the cost every this many iterations (and at the last one).
        record_every: usize = 100, set usize, e.g. 1 => 1;
        /// Examples per step; `None` or ≥ m is batch gradient descent, 1 is stochastic.
        /// Mini-batches are gathered fastest from an X whose columns are contiguous
        /// (column-major, e.g. `.t()` of an (m, n_x) array of examples): see the README's Speed.
        batch_size: Option<usize> = None, set usize, e.g. 32 => Some(32);
        /// Seed of the per-epoch shuffling of mini-batches.
        seed: u64 = 0, set u64, e.g. 7 => 7;
        /// How each epoch orders the examples before cutting them into mini-batches: a full
        /// permutation, blocks of chunks for data larger than memory, or none (see [`Shuffle`]).
        shuffle: Shuffle = Shuffle::Full, set Shuffle, e.g. ndnet::Shuffle::None => ndnet::Shuffle::None;
        /// Record [`Diagnostics`](crate::Diagnostics) (gradient norms, dead and saturated units,
        /// identical units) with every cost record.
        diagnostics: bool = false, set bool, e.g. true => true;
        /// How the learning rate changes from epoch to epoch, from the optimizer's learning rate
        /// when training starts.
        schedule: LearningRateSchedule = LearningRateSchedule::Constant, set LearningRateSchedule,
            e.g. ndnet::LearningRateSchedule::InverseTime { decay: 1.0 }
            => ndnet::LearningRateSchedule::InverseTime { decay: 1.0 };
        /// Let batch gradient descent on few examples (m ≤ n_x / 4) update `Z[1]` through the
        /// Gram matrix XᵀX instead of multiplying by X twice per step.
        ///
        /// Plain batch gradient descent changes `W[1]` by a combination of the examples,
        /// `W[1]` := `W[1]` − (α/m) `dZ[1]` Xᵀ, so the next `Z[1]` = `W[1]` X + `b[1]` follows from
        /// this one through the m × m matrix G = XᵀX, computed once:
        /// `Z[1]` := `Z[1]` − (α/m) `dZ[1]` G + Δ`b[1]`, and `W[1]` is formed once at the end from the
        /// sum of the `dZ[1]`. With few examples next to the features this replaces the two
        /// products with X of every step `(2·n[1]·n_x·m multiply-adds)` by one of `n[1]`·m². The
        /// iterates are those of the textbook loop up to rounding (the tests compare them).
        /// [`History::plan`](crate::History::plan) says whether it ran, and if not, why. Turn it
        /// off to time the textbook products.
        gram: bool = true, set bool, e.g. false => false;
    }
}

impl TrainConfig {
    /// `iterations` steps, everything else default.
    ///
    /// ```
    /// let config = ndnet::TrainConfig::new(2500);
    /// assert_eq!(config.length, ndnet::TrainLength::Iterations(2500));
    /// assert_eq!(config.record_every, 100);
    /// ```
    pub fn new(iterations: usize) -> Self {
        TrainConfig::default().length(TrainLength::Iterations(iterations))
    }

    /// `epochs` passes over the data (with batch gradient descent, one step each).
    ///
    /// ```
    /// let config = ndnet::TrainConfig::epochs(30).batch_size(64);
    /// assert_eq!(config.steps(1000), 30 * 16);
    /// ```
    pub fn epochs(epochs: usize) -> Self {
        TrainConfig::default().length(TrainLength::Epochs(epochs))
    }

    /// Steps per epoch for m examples: ⌈m / batch_size⌉, or 1 for batch gradient descent.
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(1).batch_size(64).steps_per_epoch(1000), 16);
    /// ```
    pub fn steps_per_epoch(&self, m: usize) -> usize {
        self.batch_size.map_or(1, |b| m.div_ceil(b.max(1)).max(1))
    }

    /// The number of gradient steps this configuration makes on m examples (saturating at
    /// `usize::MAX`; [`Network::fit`](crate::Network::fit) refuses a count that overflows).
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(2500).steps(209), 2500);
    /// ```
    pub fn steps(&self, m: usize) -> usize {
        self.checked_steps(m).unwrap_or(usize::MAX)
    }

    /// The number of steps, or `None` when epochs × steps per epoch overflows.
    pub(crate) fn checked_steps(&self, m: usize) -> Option<usize> {
        match self.length {
            TrainLength::Iterations(iterations) => Some(iterations),
            TrainLength::Epochs(epochs) => epochs.checked_mul(self.steps_per_epoch(m)),
        }
    }

    /// Checks the values: at least one iteration or epoch, `record_every` and `batch_size` at
    /// least 1, a valid schedule.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming the bad field.
    ///
    /// ```
    /// assert!(ndnet::TrainConfig::new(0).validate().is_err());
    /// assert!(ndnet::TrainConfig::new(10).record_every(0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let at_least_one = |name| {
            Err(Error::InvalidHyperparameter {
                name,
                value: 0.0,
                reason: "must be at least 1",
            })
        };
        match self.length {
            TrainLength::Epochs(0) => return at_least_one("epochs"),
            TrainLength::Iterations(0) => return at_least_one("iterations"),
            _ => {}
        }
        if self.batch_size == Some(0) {
            return at_least_one("batch_size");
        }
        if self.record_every == 0 {
            return at_least_one("record_every");
        }
        self.shuffle.validate()?;
        self.schedule.validate()
    }
}
