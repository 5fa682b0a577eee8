//! The one training loop behind [`Network::fit`](crate::Network::fit): the plan chooses a path,
//! the path does the arithmetic of each step, and everything else happens here, once for all
//! paths:
//!
//! ```text
//! check inputs and config → hold out a validation split → plan → for each epoch: schedule,
//! then for each step:
//!     cost = forward          check the cost (names the first non-finite Z[l] or A[l])
//!     backward                check the gradients (dZ[L], dW[L], db[L], dA[L−1], …)
//!     update                  check the parameters (W[1], b[1], …)
//!     record (every record_every steps and the last), diagnostics, callback
//! then validation, early stopping, the epoch's record → finish → check the parameters → History
//! ```

use super::backup::Backup;
use super::data::Data;
use super::feed::{Batcher, Prefetch};
use super::paths::{FusedLogistic, GramForm, MiniBatches, Step, Textbook};
use super::plan::{TrainingPath, plan};
use super::validation::{EarlyStopper, SplitOff, Validation, Watched};
use super::{Diagnostics, EpochRecord, History, Record, TrainConfig};
use crate::data::InMemory;
use crate::{Error, Float, LearningRateSchedule, Network, Optimizer, Result};

/// Records (and epoch records) reserved up front at most; more are pushed as they come.
const MAX_RESERVED_RECORDS: usize = 1 << 16;

/// Steps between two copies of the parameters (a copy costs about 1/16 of a step's reads of W).
const BACKUP_EVERY: usize = 16;

/// Checks everything, plans, then trains; `callback` sees every record as it is made.
pub(super) fn run<F: Float, O: Optimizer<F> + ?Sized>(
    net: &mut Network<F>,
    mut data: Data<'_, F>,
    validation: Option<&Validation<'_, F>>,
    optimizer: &mut O,
    config: &TrainConfig,
    callback: &mut dyn FnMut(&Record),
) -> Result<History> {
    config.validate()?;
    net.check_parameters()?;
    data.check(net, config)?;
    // A split holds out its examples now, from the checked (X, Y): training sees only the rest.
    let split = match validation.and_then(Validation::split_fraction) {
        Some(fraction) => {
            let (x, y) = data.in_memory().ok_or_else(|| {
                Error::invalid_argument(
                    "options",
                    "Validation::split holds out examples of an X and Y in memory; for examples read batch \
                     by batch give a validation set with Validation::new",
                )
            })?;
            Some(SplitOff::new(x, y, fraction, net.cost_function(), config.seed)?)
        }
        None => None,
    };
    let mut data = match &split {
        Some(split) => Data::InMemory(InMemory::from_views(split.x_train.view(), split.y_train.view())),
        None => data.reborrow(),
    };
    let watched = validation.and_then(|v| v.watched(split.as_ref()));
    if let Some(watched) = &watched {
        watched.check(net)?;
    }
    let m = data.m();
    let steps = config.checked_steps(m).ok_or(Error::InvalidHyperparameter {
        name: "epochs",
        value: f64::INFINITY,
        reason: "epochs × steps per epoch overflows usize",
    })?;
    // Hyperparameters are given as f64: the learning rate must also be usable in F.
    crate::base::check::in_float::<F>("learning_rate", optimizer.learning_rate(), true)?;
    let plan = plan(net, &data, &*optimizer, config, watched.as_ref().map(|w| w.held_out));
    let path = plan.path;
    let prefetch = plan.prefetch;
    let mut training = Training {
        log: Log::new(config, steps, config.steps_per_epoch(m), callback),
        steps,
        validation: watched.as_ref(),
        config,
    };
    training.log.history.plan = plan;
    training.log.history.held_out = watched.as_ref().map_or(0, |w| w.held_out);
    let rate = optimizer.learning_rate();
    if path == TrainingPath::MiniBatch {
        let batch_size = config.batch_size.expect("the plan chose mini-batches of this size");
        let cost = net.cost_function();
        let batcher = Batcher::new(data.reading(cost), config.shuffle, config.seed, batch_size)?;
        if !prefetch {
            training.drive(&mut MiniBatches::inline(batcher), net, optimizer)?;
        } else {
            let per_epoch = batcher.batches_per_epoch();
            std::thread::scope(|scope| {
                let prefetch = Prefetch::start(scope, batcher, usize::MAX);
                training.drive(
                    &mut MiniBatches::prefetched(prefetch, per_epoch, per_epoch),
                    net,
                    optimizer,
                )
            })?;
        }
        return Ok(training.log.history);
    }
    let (x, y) = data
        .in_memory()
        .expect("the plan chose a full-batch path for X and Y in memory");
    match path {
        TrainingPath::GramForm => training.drive(&mut GramForm::new(net, x, y, rate, steps), net, optimizer)?,
        TrainingPath::FusedLogistic => {
            let threads = crate::num_threads();
            training.drive(&mut FusedLogistic::new(net, x, y, rate, steps, threads), net, optimizer)?;
        }
        _ => training.drive(&mut Textbook::new(x, y, steps), net, optimizer)?,
    }
    Ok(training.log.history)
}

/// One step through `path`, with the checks every path shares. Returns the cost of the forward
/// pass (before the update). On [`Error::Diverged`] the parameters are those the step started
/// from when the cost or the gradients went non-finite; `last_finite_cost` is the previous
/// step's.
pub(super) fn checked_step<F: Float, S: Step<F>, O: Optimizer<F> + ?Sized>(
    path: &mut S,
    net: &mut Network<F>,
    optimizer: &mut O,
    iteration: usize,
    last_finite_cost: Option<f64>,
) -> Result<f64> {
    let diverged = |what: String, last_finite_cost| Error::Diverged {
        iteration,
        what,
        last_finite_cost,
    };
    let cost = path.forward(net)?;
    if !cost.is_finite() {
        let culprit = net.non_finite_cost_culprit(cost);
        return Err(diverged(
            format!("{culprit} of iteration {iteration}"),
            last_finite_cost,
        ));
    }
    let gradients = |net: &Network<F>| match net.first_non_finite_gradient(S::FIRST_WEIGHTS_EVERY_STEP) {
        None => Ok(()),
        Some(culprit) => Err(diverged(
            match net.first_non_finite_activation() {
                Some(forward) => format!(
                    "{forward} in the forward pass of iteration {iteration}, then {culprit} in the backward pass"
                ),
                None => format!("{culprit} in the backward pass of iteration {iteration}"),
            },
            Some(cost),
        )),
    };
    path.backward(net);
    if !S::GRADIENTS_IN_UPDATE {
        gradients(net)?;
    }
    path.update(net, optimizer)?;
    if S::GRADIENTS_IN_UPDATE {
        gradients(net)?;
    }
    if let Some(culprit) = net.first_non_finite_parameter(S::FIRST_WEIGHTS_EVERY_STEP) {
        // Finite gradients whose update overflowed: rare (the gradients overflow first).
        let what = format!("{culprit} after the update of iteration {iteration}");
        return Err(diverged(what, Some(cost)));
    }
    Ok(cost)
}

/// What one `fit` call shares between its steps.
struct Training<'a, 'v, F> {
    log: Log<'a>,
    steps: usize,
    validation: Option<&'a Watched<'v, F>>,
    config: &'a TrainConfig,
}

impl<F: Float> Training<'_, '_, F> {
    /// Runs every epoch and step of `path`, then finishes it and checks the parameters.
    fn drive<S: Step<F>, O: Optimizer<F> + ?Sized>(
        &mut self,
        path: &mut S,
        net: &mut Network<F>,
        optimizer: &mut O,
    ) -> Result<()> {
        let mut stopper = self.validation.and_then(|v| v.patience).map(EarlyStopper::new);
        let mut backup = Backup::of(net);
        path.back_up();
        let mut outcome = self.epochs(path, net, optimizer, stopper.as_mut(), &mut backup);
        if net.first_non_finite_parameter(S::FIRST_WEIGHTS_EVERY_STEP).is_some() {
            // An update overflowed: go back to the last copy, so every parameter is finite.
            backup.restore(net);
            path.rollback();
            if let Err(Error::Diverged { what, .. }) = &mut outcome {
                let restored = backup.iteration;
                what.push_str(&format!(
                    "; the parameters are restored to those before iteration {restored}"
                ));
            }
        }
        path.finish(net);
        outcome?;
        if !S::FIRST_WEIGHTS_EVERY_STEP
            && let Some(culprit) = net.first_non_finite_parameter(true)
        {
            backup.restore(net);
            let restored = backup.iteration;
            return Err(Error::Diverged {
                iteration: self.steps - 1,
                what: format!(
                    "{culprit} when formed after the last iteration; the parameters are restored to those before iteration {restored}"
                ),
                last_finite_cost: self.log.history.last_cost(),
            });
        }
        if let Some(stopper) = stopper {
            self.log.history.best_epoch = stopper.restore_best(net);
        }
        Ok(())
    }

    fn epochs<S: Step<F>, O: Optimizer<F> + ?Sized>(
        &mut self,
        path: &mut S,
        net: &mut Network<F>,
        optimizer: &mut O,
        mut stopper: Option<&mut EarlyStopper<F>>,
        backup: &mut Backup<F>,
    ) -> Result<()> {
        let mut step = 0;
        let mut last_finite_cost = None;
        let initial_rate = optimizer.learning_rate();
        while step < self.steps {
            if self.config.schedule != LearningRateSchedule::Constant {
                let epoch = self.log.history.epochs.len();
                self.config.schedule.apply(optimizer, initial_rate, epoch)?;
            }
            for _ in 0..path.begin_epoch() {
                if step == self.steps {
                    break;
                }
                if step > 0 && step.is_multiple_of(BACKUP_EVERY) {
                    backup.save(net, step);
                    path.back_up();
                }
                let cost = checked_step(path, net, optimizer, step, last_finite_cost)?;
                last_finite_cost = Some(cost);
                self.log.step(step, cost, net);
                step += 1;
            }
            let (valid_cost, valid_accuracy) = match self.validation {
                Some(v) => {
                    let (cost, accuracy) = v.evaluate(net)?;
                    (Some(cost), Some(accuracy))
                }
                None => (None, None),
            };
            let epoch = self.log.end_epoch(valid_cost, valid_accuracy);
            if let (Some(stopper), Some(cost)) = (stopper.as_deref_mut(), valid_cost)
                && stopper.should_stop(epoch, cost, net)
            {
                self.log.history.stopped_early = step < self.steps;
                break;
            }
        }
        Ok(())
    }
}

/// Builds the [`History`] as steps and epochs go by.
struct Log<'a> {
    history: History,
    record_every: usize,
    steps: usize,
    callback: &'a mut dyn FnMut(&Record),
    epoch_cost: f64,
    epoch_steps: usize,
    diagnostics: bool,
}

impl<'a> Log<'a> {
    fn new(config: &TrainConfig, steps: usize, steps_per_epoch: usize, callback: &'a mut dyn FnMut(&Record)) -> Self {
        let mut history = History::default();
        let records = (steps / config.record_every).saturating_add(2);
        history.records.reserve(records.min(MAX_RESERVED_RECORDS));
        let epochs = steps.div_ceil(steps_per_epoch.max(1));
        history.epochs.reserve(epochs.min(MAX_RESERVED_RECORDS));
        Log {
            history,
            record_every: config.record_every,
            steps,
            callback,
            epoch_cost: 0.0,
            epoch_steps: 0,
            diagnostics: config.diagnostics,
        }
    }

    /// A step's cost, recorded every `record_every` steps and at the last one, with diagnostics
    /// of the network when they are asked for.
    fn step<F: Float>(&mut self, iteration: usize, cost: f64, net: &Network<F>) {
        self.epoch_cost += cost;
        self.epoch_steps += 1;
        if iteration.is_multiple_of(self.record_every) || iteration + 1 == self.steps {
            let record = Record { iteration, cost };
            (self.callback)(&record);
            self.history.records.push(record);
            if self.diagnostics {
                self.history.diagnostics.push(Diagnostics::of(net, iteration));
            }
        }
    }

    /// Closes an epoch; returns its number.
    fn end_epoch(&mut self, valid_cost: Option<f64>, valid_accuracy: Option<f64>) -> usize {
        let epoch = self.history.epochs.len();
        let train_cost = self.epoch_cost / self.epoch_steps.max(1) as f64;
        self.history.epochs.push(EpochRecord {
            epoch,
            train_cost,
            valid_cost,
            valid_accuracy,
        });
        (self.epoch_cost, self.epoch_steps) = (0.0, 0);
        epoch
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, array};

    use crate::{
        Activation, Adam, AdamConfig, Error, GradientDescent, Initializer, Network, TrainConfig, TrainingPath,
    };

    fn all_finite(net: &Network<f64>) -> bool {
        net.layers()
            .iter()
            .all(|l| l.w().iter().chain(l.b().iter()).all(|v| v.is_finite()))
    }

    /// α = 1e308 overflows W in the first update on every path: an error, never `Ok` with a
    /// non-finite parameter, and finite parameters after it.
    #[test]
    fn an_overflowing_update_is_an_error_and_the_parameters_stay_finite() {
        let x = array![[1e3, -2e3, 3e3, -1e3], [2.0, 1.0, -1.0, 0.5]];
        let y = array![[1.0, 0.0, 1.0, 0.0]];
        let wide = Array2::from_shape_fn((64, 4), |(i, j)| ((i * 7 + j * 3) % 11) as f64 * 1e3 - 5e3);
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0);
        let deep = Network::new(
            &[2, 3, 1],
            Activation::Tanh,
            Activation::Sigmoid,
            Initializer::Xavier,
            &mut rng,
        )
        .unwrap();
        let deep_wide = Network::new(
            &[64, 3, 1],
            Activation::Tanh,
            Activation::Sigmoid,
            Initializer::Xavier,
            &mut rng,
        )
        .unwrap();
        let cases = [
            (
                Network::logistic_regression(2).unwrap(),
                &x,
                TrainConfig::new(3),
                TrainingPath::FusedLogistic,
            ),
            (
                Network::logistic_regression(2).unwrap(),
                &x,
                TrainConfig::new(1),
                TrainingPath::FusedLogistic,
            ),
            (deep.clone(), &x, TrainConfig::new(40), TrainingPath::Textbook),
            (deep, &x, TrainConfig::epochs(40).batch_size(2), TrainingPath::MiniBatch),
            (deep_wide, &wide, TrainConfig::new(40), TrainingPath::GramForm),
        ];
        for (mut net, x, config, path) in cases {
            let result = net.fit(x, &y, &mut GradientDescent::new(1e308).unwrap(), &config);
            match result {
                Err(Error::Diverged { what, .. }) => assert!(all_finite(&net), "{path:?}: {what}"),
                // The Gram form's W[1] moves only by dZ[1], which tanh's saturation keeps tiny here.
                Ok(history) if path == TrainingPath::GramForm => {
                    assert_eq!(history.plan.path, path);
                    assert!(all_finite(&net));
                }
                other => panic!("{path:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_learning_rate_that_is_infinite_in_f32_is_refused() {
        let x = array![[1.0f32, -1.0]];
        let y = array![[1.0f32, 0.0]];
        let mut net = Network::<f32>::logistic_regression(1).unwrap();
        let err = net
            .fit(&x, &y, &mut GradientDescent::new(1e39).unwrap(), &TrainConfig::new(2))
            .unwrap_err();
        assert!(
            err.to_string().contains(
                "learning_rate = 1000000000000000000000000000000000000000 is invalid: is not finite in this float type"
            ),
            "{err}"
        );
        assert!(Adam::<f32>::new(AdamConfig::default().epsilon(1e-50)).is_err());
    }
}
