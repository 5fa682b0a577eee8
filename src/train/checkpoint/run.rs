//! A run's state as a checkpoint holds it ([`Snapshot`]), what the engine resumes from
//! ([`Progress`]), and what identifies the run ([`RunKey`]).

use ndarray::Array2;

use crate::train::validation::{EarlyStopper, StopperParts};
use crate::train::{History, TrainConfig};
use crate::{Error, Float, Network, Optimizer, OptimizerState, Result};

/// `(W[l], b[l])` of every layer.
pub(crate) type Parameters<F> = Vec<(Array2<F>, Array2<F>)>;

/// What a run is, as (name, value) pairs: a checkpoint resumes only the run that wrote it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RunKey(pub(crate) Vec<(String, String)>);

impl RunKey {
    /// The key of training `net` with `optimizer` and `config` on `m` examples of n_x features
    /// and n_y targets, with a validation set of `validation` = (m_valid, patience) if any.
    pub(crate) fn of<F: Float, O: Optimizer<F> + ?Sized>(
        net: &Network<F>,
        optimizer: &O,
        config: &TrainConfig,
        (n_x, n_y, m): (usize, usize, usize),
        validation: Option<(usize, Option<usize>)>,
    ) -> Result<Self> {
        let state = optimizer.state().ok_or_else(|| Error::InvalidArgument {
            argument: "optimizer",
            message: "checkpoints need the optimizer's state, and this one gives none: implement \
                      Optimizer::state and Optimizer::load_state (the built-in optimizers do)"
                .into(),
        })?;
        let layers: Vec<String> = net
            .layers()
            .iter()
            .map(|l| {
                format!(
                    "({}, {}) {} keep {}",
                    l.units(),
                    l.inputs(),
                    l.activation(),
                    l.keep_prob()
                )
            })
            .collect();
        let hyperparameters: Vec<String> = state
            .hyperparameters
            .iter()
            .filter(|(name, _)| name != "learning_rate")
            .map(|(name, value)| format!("{name} {value}"))
            .collect();
        let pairs = [
            ("float", F::NAME.to_string()),
            ("layers", layers.join(", ")),
            ("cost", net.cost_function().name().to_string()),
            ("l2", net.l2().to_string()),
            ("optimizer", format!("{} {}", state.name, hyperparameters.join(", "))),
            ("batch_size", format!("{:?}", config.batch_size)),
            ("seed", config.seed.to_string()),
            ("shuffle", format!("{:?}", config.shuffle)),
            ("schedule", format!("{:?}", config.schedule)),
            ("record_every", config.record_every.to_string()),
            ("diagnostics", config.diagnostics.to_string()),
            ("examples", format!("m = {m}, n_x = {n_x}, n_y = {n_y}")),
            ("validation", format!("{validation:?}")),
        ];
        Ok(RunKey(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    }

    /// Checks that a checkpoint's key (`self`) is this run's.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the first thing that differs, with both values.
    pub(crate) fn check_same_run(&self, run: &RunKey, path: &std::path::Path) -> Result<()> {
        for (name, value) in &run.0 {
            let saved = self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            if saved != Some(value.as_str()) {
                return Err(Error::InvalidArgument {
                    argument: "checkpoints",
                    message: format!(
                        "{} was written by another run: its {name} is {}, this run's is {value}",
                        path.display(),
                        saved.unwrap_or("missing")
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Where the engine starts a run: from the beginning, or where a checkpoint left it.
pub(crate) struct Progress<F> {
    /// Steps taken.
    pub(crate) step: usize,
    /// The cost of the last step.
    pub(crate) last_finite_cost: Option<f64>,
    /// The learning rate the schedule starts from (the optimizer's when the run began).
    pub(crate) initial_rate: f64,
    /// The sum of the costs of the current epoch's steps, and their number.
    pub(crate) epoch_cost: f64,
    pub(crate) epoch_steps: usize,
    /// The history so far (its plan is this run's).
    pub(crate) history: History,
    /// Early stopping's state.
    pub(crate) stopper: Option<EarlyStopper<F>>,
}

impl<F: Float> Progress<F> {
    /// A run from the beginning.
    pub(crate) fn start(initial_rate: f64, patience: Option<usize>) -> Self {
        Progress {
            step: 0,
            last_finite_cost: None,
            initial_rate,
            epoch_cost: 0.0,
            epoch_steps: 0,
            history: History::default(),
            stopper: patience.map(EarlyStopper::new),
        }
    }
}

/// Everything a checkpoint holds.
pub(crate) struct Snapshot<F> {
    pub(crate) key: RunKey,
    pub(crate) step: usize,
    pub(crate) last_finite_cost: Option<f64>,
    pub(crate) initial_rate: f64,
    pub(crate) epoch_cost: f64,
    pub(crate) epoch_steps: usize,
    pub(crate) history: History,
    /// Early stopping: patience, epochs since the best, and the best (epoch, cost, parameters).
    pub(crate) stopper: Option<StopperParts<F>>,
    pub(crate) dropout_rng: Option<rand::rngs::Xoshiro256PlusPlus>,
    pub(crate) parameters: Parameters<F>,
    pub(crate) optimizer: OptimizerState<F>,
}

impl<F: Float> Snapshot<F> {
    /// The state of a run at a step boundary.
    pub(crate) fn take<O: Optimizer<F> + ?Sized>(
        key: &RunKey,
        net: &Network<F>,
        optimizer: &O,
        progress: &Progress<F>,
    ) -> Result<Self> {
        let optimizer = optimizer.state().ok_or_else(|| Error::InvalidArgument {
            argument: "optimizer",
            message: "the optimizer gave no state for the checkpoint".into(),
        })?;
        Ok(Snapshot {
            key: key.clone(),
            step: progress.step,
            last_finite_cost: progress.last_finite_cost,
            initial_rate: progress.initial_rate,
            epoch_cost: progress.epoch_cost,
            epoch_steps: progress.epoch_steps,
            history: progress.history.clone(),
            stopper: progress.stopper.as_ref().map(EarlyStopper::parts),
            dropout_rng: net.dropout_rng().cloned(),
            parameters: net
                .layers()
                .iter()
                .map(|l| (l.w().to_owned(), l.b().to_owned()))
                .collect(),
            optimizer,
        })
    }

    /// Checks that the checkpoint is where a run of `steps` steps, `per_epoch` per epoch, can
    /// be: at a step boundary within the run, its closed epochs and the steps of the open one
    /// adding up to its step (or at the end of the run).
    ///
    /// # Errors
    /// [`Error::Format`] naming the file and the numbers.
    pub(crate) fn check_position(&self, steps: usize, per_epoch: usize, path: &std::path::Path) -> Result<()> {
        let closed = self.history.epochs.len();
        let adds_up = closed
            .checked_mul(per_epoch)
            .and_then(|s| s.checked_add(self.epoch_steps))
            .is_some_and(|s| s == self.step);
        let consistent = self.step <= steps && self.epoch_steps < per_epoch && (adds_up || self.step == steps);
        if consistent {
            return Ok(());
        }
        Err(Error::Format {
            path: path.to_path_buf(),
            line: None,
            column: None,
            message: format!(
                "the checkpoint is at step {} with {closed} epochs closed and {} steps into the next; \
                 this run has {steps} steps of {per_epoch} per epoch",
                self.step, self.epoch_steps
            ),
        })
    }

    /// Puts the state into `net` and `optimizer` (after [`RunKey::check_same_run`]); returns
    /// the progress to resume from.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a parameter's shape is not the network's, or the optimizer
    /// refuses its state; nothing is changed then.
    pub(crate) fn restore<O: Optimizer<F> + ?Sized>(
        self,
        net: &mut Network<F>,
        optimizer: &mut O,
    ) -> Result<Progress<F>> {
        let shapes_fit = self.parameters.len() == net.depth()
            && self
                .parameters
                .iter()
                .zip(net.layers())
                .all(|((w, b), l)| w.dim() == l.w().dim() && b.dim() == l.b().dim());
        if !shapes_fit {
            return Err(Error::InvalidArgument {
                argument: "checkpoints",
                message: "the checkpoint's parameters do not have the network's shapes".into(),
            });
        }
        optimizer.load_state(&self.optimizer)?;
        for ((w, b), layer) in self.parameters.iter().zip(net.layers_mut()) {
            let (mut w_now, mut b_now) = layer.parameters_mut();
            w_now.assign(w);
            b_now.assign(b);
        }
        net.set_dropout_rng(self.dropout_rng);
        Ok(Progress {
            step: self.step,
            last_finite_cost: self.last_finite_cost,
            initial_rate: self.initial_rate,
            epoch_cost: self.epoch_cost,
            epoch_steps: self.epoch_steps,
            history: self.history,
            stopper: self.stopper.map(EarlyStopper::from_parts),
        })
    }
}
