//! What training returns: the recorded costs and, per epoch, train and validation figures.
//! Its fields are public, so whatever reads a `History` (the report) checks it first with
//! [`History::validate`].

use crate::{Error, Result};

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

    /// Checks what [`Network::fit`](crate::Network::fit) guarantees of the history it returns,
    /// for one built or edited by hand (every field is public):
    ///
    /// * `records`: iterations strictly increasing and below `usize::MAX` (the count of
    ///   iterations run, the last one + 1, is a `usize`), costs finite;
    /// * `epochs`: `epochs[i].epoch == i`, no more epochs than iterations recorded, costs finite,
    ///   validation accuracies in [0, 1];
    /// * `best_epoch`: one of `epochs`, with a validation cost; `stopped_early` only with a best
    ///   epoch;
    /// * `diagnostics`: at recorded iterations, in order, each with layers 1, 2, … of the same
    ///   count, finite norms ≥ 0 and fractions in [0, 1].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (argument `history`) naming the first field that breaks one,
    /// e.g. `"best_epoch = 7, but there are 3 epochs"`.
    ///
    /// ```
    /// use ndnet::{EpochRecord, History};
    /// let mut history = History::default();
    /// assert!(history.validate().is_ok());
    /// history.epochs.push(EpochRecord { epoch: 0, train_cost: 0.5, valid_cost: Some(0.6), valid_accuracy: Some(0.8) });
    /// history.best_epoch = Some(3);
    /// let err = history.validate().unwrap_err();
    /// assert_eq!(err.to_string(), "history: best_epoch = 3, but there is 1 epoch (0 to 0)");
    /// ```
    pub fn validate(&self) -> Result<()> {
        let invalid = |message: String| {
            Err(Error::InvalidArgument {
                argument: "history",
                message,
            })
        };
        for (i, r) in self.records.iter().enumerate() {
            if !r.cost.is_finite() {
                return invalid(format!("records[{i}].cost = {} is not finite", r.cost));
            }
            if r.iteration == usize::MAX {
                return invalid(format!(
                    "records[{i}].iteration = {} leaves no count of iterations run (it would be usize::MAX + 1)",
                    r.iteration
                ));
            }
            if let Some(previous) = i.checked_sub(1).map(|p| &self.records[p])
                && r.iteration <= previous.iteration
            {
                return invalid(format!(
                    "records[{i}].iteration = {} does not come after records[{}].iteration = {}",
                    r.iteration,
                    i - 1,
                    previous.iteration
                ));
            }
        }
        if let Some(last) = self.records.last()
            && self.epochs.len() > last.iteration + 1
        {
            return invalid(format!(
                "{} epochs, but the records end at iteration {} (each epoch runs at least one)",
                self.epochs.len(),
                last.iteration
            ));
        }
        for (i, e) in self.epochs.iter().enumerate() {
            if e.epoch != i {
                return invalid(format!(
                    "epochs[{i}].epoch = {} (epochs are numbered 0, 1, 2, …)",
                    e.epoch
                ));
            }
            let finite = |name: &str, value: Option<f64>| match value {
                Some(v) if !v.is_finite() => Some(format!("epochs[{i}].{name} = {v} is not finite")),
                _ => None,
            };
            if let Some(message) =
                finite("train_cost", Some(e.train_cost)).or_else(|| finite("valid_cost", e.valid_cost))
            {
                return invalid(message);
            }
            if let Some(a) = e.valid_accuracy.filter(|a| !(0.0..=1.0).contains(a)) {
                return invalid(format!("epochs[{i}].valid_accuracy = {a} is not in [0, 1]"));
            }
        }
        if let Some(best) = self.best_epoch {
            let n = self.epochs.len();
            let Some(cost) = self.epochs.get(best).map(|e| e.valid_cost) else {
                let count = if n == 1 {
                    "is 1 epoch".to_owned()
                } else {
                    format!("are {n} epochs")
                };
                let range = n.checked_sub(1).map_or(String::new(), |last| format!(" (0 to {last})"));
                return invalid(format!("best_epoch = {best}, but there {count}{range}"));
            };
            if cost.is_none() {
                return invalid(format!(
                    "best_epoch = {best}, but epochs[{best}] has no validation cost"
                ));
            }
        } else if self.stopped_early {
            return invalid("stopped_early is true but there is no best_epoch (early stopping keeps one)".into());
        }
        self.validate_diagnostics()
    }

    /// The diagnostics part of [`History::validate`].
    fn validate_diagnostics(&self) -> Result<()> {
        let invalid = |message: String| {
            Err(Error::InvalidArgument {
                argument: "history",
                message,
            })
        };
        let d = &self.diagnostics;
        let layers = d.first().map_or(0, |d| d.layers.len());
        // Diagnostics are taken at recorded iterations: walk the records alongside.
        let mut records = self.records.iter().map(|r| r.iteration).peekable();
        for (i, d) in d.iter().enumerate() {
            while records.next_if(|&r| r < d.iteration).is_some() {}
            if records.next() != Some(d.iteration) {
                return invalid(format!(
                    "diagnostics[{i}].iteration = {} is not a recorded iteration after those of diagnostics[..{i}]",
                    d.iteration
                ));
            }
            if d.layers.len() != layers {
                return invalid(format!(
                    "diagnostics[{i}] has {} layers, diagnostics[0] has {layers}",
                    d.layers.len()
                ));
            }
            for (k, l) in d.layers.iter().enumerate() {
                let at = format!("diagnostics[{i}].layers[{k}]");
                if l.layer != k + 1 {
                    return invalid(format!("{at}.layer = {} (layers are numbered 1, 2, …)", l.layer));
                }
                for (name, v) in [("dw_norm", l.dw_norm), ("db_norm", l.db_norm)] {
                    if !(v.is_finite() && v >= 0.0) {
                        return invalid(format!("{at}.{name} = {v} is not a finite norm"));
                    }
                }
                for (name, v) in [
                    ("dead_fraction", l.dead_fraction),
                    ("saturated_fraction", l.saturated_fraction),
                ] {
                    if let Some(v) = v.filter(|v| !(0.0..=1.0).contains(v)) {
                        return invalid(format!("{at}.{name} = {v} is not in [0, 1]"));
                    }
                }
            }
        }
        Ok(())
    }
}
