//! What training returns: the recorded costs and, per epoch, train and validation figures.

/// The cost at one recorded iteration, computed in that iteration's forward pass (before its update).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Record {
    /// The iteration, from 0.
    pub iteration: usize,
    /// The cost J.
    pub cost: f64,
}

/// The figures of one epoch (one pass over the training data).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EpochRecord {
    /// The epoch, from 0.
    pub epoch: usize,
    /// The mean of the epoch's mini-batch costs (each from the forward pass before its update).
    pub train_cost: f64,
    /// The cost on the validation set after the epoch, when one was given.
    pub valid_cost: Option<f64>,
    /// The accuracy on the validation set after the epoch, when one was given.
    pub valid_accuracy: Option<f64>,
}

/// What [`Network::fit`](crate::Network::fit) returns: the recorded costs, in order, and the
/// figures of every epoch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// One record every `record_every` iterations, plus the last iteration.
    pub records: Vec<Record>,
    /// One record per epoch.
    pub epochs: Vec<EpochRecord>,
    /// With early stopping: the epoch whose parameters the network was left with.
    pub best_epoch: Option<usize>,
    /// Whether early stopping ended training before the configured number of steps.
    pub stopped_early: bool,
    /// With [`TrainConfig::diagnostics`](crate::TrainConfig::diagnostics): one entry per cost record.
    pub diagnostics: Vec<crate::Diagnostics>,
    /// Which way the iterations ran, and why no faster way applied.
    pub plan: crate::Plan,
    /// How many of the training examples were held out for validation and never trained on
    /// ([`Validation::split`](crate::Validation::split), or the rows a tabular fit held out);
    /// 0 when the validation set was given apart or there was none.
    pub held_out: usize,
}

impl History {
    /// The first recorded cost (iteration 0).
    pub fn first_cost(&self) -> Option<f64> {
        self.records.first().map(|r| r.cost)
    }

    /// The last recorded cost.
    pub fn last_cost(&self) -> Option<f64> {
        self.records.last().map(|r| r.cost)
    }

    /// (iteration, cost) pairs, e.g. for a plot.
    pub fn costs(&self) -> Vec<(usize, f64)> {
        self.records.iter().map(|r| (r.iteration, r.cost)).collect()
    }
}
