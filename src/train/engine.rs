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
use super::checkpoint::{Checkpoints, Progress, RunKey, Snapshot};
use super::data::Data;
use super::distributed::{self, Collective};
use super::feed::{Batcher, Prefetch};
use super::paths::{FusedLogistic, GramForm, MiniBatches, Step, Textbook};
use super::plan::{TrainingPath, plan};
use super::validation::{SplitOff, Validation, Watched};
use super::{Diagnostics, EpochRecord, FitOptions, History, Record, TrainConfig};
use crate::data::InMemory;
use crate::{Error, Float, LearningRateSchedule, Network, Optimizer, Result};

/// Records (and epoch records) reserved up front at most; more are pushed as they come.
const MAX_RESERVED_RECORDS: usize = 1 << 16;

/// Steps between two copies of the parameters (a copy costs about 1/16 of a step's reads of W).
const BACKUP_EVERY: usize = 16;

/// Checks everything, plans, then trains (from where `checkpoints` left a run, when it
/// resumes one); `callback` sees every record as it is made.
pub(super) fn run<F: Float, O: Optimizer<F> + ?Sized>(
    net: &mut Network<F>,
    mut data: Data<'_, F>,
    optimizer: &mut O,
    options: &FitOptions<'_, F>,
    callback: &mut dyn FnMut(&Record),
) -> Result<History> {
    let (config, validation) = (&options.config, options.validation.as_ref());
    let (checkpoints, group) = (options.checkpoints.as_ref(), options.group());
    // Distributed, every check ends with the ranks agreeing: a rank whose input is refused
    // says so to the others, which end with an error too instead of waiting for it.
    let comm = group.map(|(comm, _)| comm);
    let checked = (|| {
        config.validate()?;
        net.check_parameters()?;
        data.check(net, config)?;
        if group.is_some() && net.layers().iter().any(|l| l.keep_prob() < 1.0) {
            return Err(Error::InvalidArgument {
                argument: "distributed",
                message: "dropout draws its masks from one generator per process, so ranks would not train \
                          as one process does: distributed training refuses it"
                    .into(),
            });
        }
        Ok(())
    })();
    distributed::on_every_rank(comm, checked)?;
    // A split holds out its examples now, from the checked (X, Y): training sees only the rest.
    let split = match validation.and_then(Validation::split_fraction) {
        Some(fraction) => {
            let split = match data.in_memory() {
                Some((x, y)) => SplitOff::new(x, y, fraction, net.cost_function(), config.seed),
                None => Err(Error::invalid_argument(
                    "options",
                    "Validation::split holds out examples of an X and Y in memory; for examples read batch \
                     by batch give a validation set with Validation::new",
                )),
            };
            Some(distributed::on_every_rank(comm, split)?)
        }
        None => None,
    };
    let mut data = match &split {
        Some(split) => Data::InMemory(InMemory::from_views(split.x_train.view(), split.y_train.view())),
        None => data.reborrow(),
    };
    let watched = validation.and_then(|v| v.watched(split.as_ref()));
    let m = data.m();
    let steps = (|| {
        if let Some(watched) = &watched {
            watched.check(net)?;
        }
        // Hyperparameters are given as f64: the learning rate must also be usable in F.
        crate::base::check::in_float::<F>("learning_rate", optimizer.learning_rate(), true)?;
        config.checked_steps(m).ok_or(Error::InvalidHyperparameter {
            name: "epochs",
            value: f64::INFINITY,
            reason: "epochs × steps per epoch overflows usize",
        })
    })();
    let steps = distributed::on_every_rank(comm, steps)?;
    if let Some(comm) = comm {
        let (n_x, n_y, m) = data.sizes();
        let run = format!(
            "{} network {:?} with {} parameters, m = {m}, n_x = {n_x}, n_y = {n_y}, batch size {:?}, \
             seed {}, shuffle {:?}, {steps} steps, {} validation examples",
            F::NAME,
            net.layer_sizes(),
            net.parameter_count(),
            config.batch_size,
            config.seed,
            config.shuffle,
            watched.as_ref().map_or(0, |w| w.m()),
        );
        distributed::check_same_run(comm, &run)?;
    }
    let ranks = group.map(|(comm, _)| comm.ranks());
    let plan = plan(
        net,
        &data,
        &*optimizer,
        config,
        watched.as_ref().map(|w| w.held_out),
        checkpoints.is_some(),
        ranks,
    );
    let (path, prefetch) = (plan.path, plan.prefetch);
    let patience = watched.as_ref().and_then(|w| w.patience);
    let mut progress = Progress::start(optimizer.learning_rate(), patience);
    let checkpoints = match checkpoints {
        None => None,
        Some(checkpoints) => {
            let key = checkpoints.validate().and_then(|()| {
                let validation = watched.as_ref().map(|w| (w.m(), w.patience));
                RunKey::of(net, &*optimizer, config, data.sizes(), validation)
            });
            let key = distributed::on_every_rank(comm, key)?;
            let snapshot = match group {
                None => checkpoints.load::<F>()?,
                Some((comm, _)) => checkpoints.load_on_rank_0::<F>(comm)?,
            };
            if let Some(snapshot) = snapshot {
                snapshot.key.check_same_run(&key, checkpoints.path())?;
                snapshot.check_position(steps, config.steps_per_epoch(m), checkpoints.path())?;
                progress = snapshot.restore(net, optimizer, checkpoints.path())?;
            }
            Some((checkpoints, key))
        }
    };
    if let Some((comm, _)) = group {
        let outcome = distributed::start_from_rank_0(comm, net);
        distributed::agree(comm, outcome, "another rank's network differs from rank 0's")?;
    }
    progress.history.plan = plan;
    progress.history.held_out = watched.as_ref().map_or(0, |w| w.held_out);
    let (epochs_done, into_epoch) = (progress.history.epochs.len(), progress.epoch_steps);
    let log = Log::new(config, steps, callback, group.is_none_or(|(comm, _)| comm.rank() == 0));
    log.reserve(&mut progress, config.steps_per_epoch(m));
    let mut training = Training {
        log,
        progress,
        steps,
        validation: watched.as_ref(),
        config,
        checkpoints,
        group: group.map(|(comm, _)| comm),
    };
    let rate = optimizer.learning_rate();
    if path == TrainingPath::MiniBatch {
        let batch_size = config.batch_size.unwrap_or(m);
        let cost = net.cost_function();
        let copy = data.column_major_copy(batch_size);
        let mut data = match &copy {
            Some(x) => data.with_x(x.view()),
            None => data.reborrow(),
        };
        let mut batcher = Batcher::new(data.reading(cost), config.shuffle, config.seed, batch_size)?;
        batcher.resume_at(epochs_done, into_epoch);
        if let Some((comm, _)) = group {
            batcher.shard(comm.rank(), comm.ranks());
        }
        if !prefetch {
            training.drive(&mut MiniBatches::inline(batcher).shared(group), net, optimizer)?;
        } else {
            let per_epoch = batcher.batches_per_epoch();
            let left = steps - training.progress.step;
            std::thread::scope(|scope| {
                let prefetch = Prefetch::start(scope, batcher, left);
                let mut batches = MiniBatches::prefetched(prefetch, per_epoch, per_epoch - into_epoch).shared(group);
                training.drive(&mut batches, net, optimizer)
            })?;
        }
        return Ok(training.progress.history);
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
    Ok(training.progress.history)
}

/// One step through `path`, with the checks every path shares. Returns the cost of the forward
/// pass (before the update). On [`Error::Diverged`] the parameters are those the step started
/// from when the cost or the gradients went non-finite; `last_finite_cost` is the previous
/// step's. `in_update` is true from the start of the update until it has been made on every
/// layer: when the step ends (an error, a panic) with it true, some layers may have moved and
/// others not, and the caller puts its copy of the parameters back.
pub(super) fn checked_step<F: Float, S: Step<F>, O: Optimizer<F> + ?Sized>(
    path: &mut S,
    net: &mut Network<F>,
    optimizer: &mut O,
    iteration: usize,
    last_finite_cost: Option<f64>,
    in_update: &mut bool,
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
    *in_update = true;
    path.update(net, optimizer).map_err(|error| match error {
        // A built-in optimizer refused a step that would make a parameter or its own state
        // non-finite: divergence, as when such a step was made.
        Error::UpdateRefused { what, made_by_step, .. } => {
            let when = if made_by_step { "after" } else { "given to" };
            diverged(format!("{what} {when} the update of iteration {iteration}"), Some(cost))
        }
        error => error,
    })?;
    *in_update = false;
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
struct Training<'a, 'v, 'w, F> {
    log: Log<'a>,
    /// Where the run is (restored from a checkpoint when it resumes).
    progress: Progress<F>,
    steps: usize,
    validation: Option<&'a Watched<'v, 'w, F>>,
    config: &'a TrainConfig,
    /// Where checkpoints go, and the key of this run.
    checkpoints: Option<(&'a Checkpoints, RunKey)>,
    /// The group of a distributed run: only rank 0 writes checkpoints.
    group: Option<&'a dyn Collective>,
}

impl<F: Float> Training<'_, '_, '_, F> {
    /// Runs every epoch and step of `path`, then finishes it and checks the parameters.
    ///
    /// However the run ends (`Ok`, an error, or a panic from the callback or an optimizer, which
    /// is passed on after this), every layer is at the same step: an update that did not reach
    /// every layer or overflowed a parameter is undone by going back to the last copy, and
    /// `finish` forms what a path defers (the Gram form's `W[1]`).
    fn drive<S: Step<F>, O: Optimizer<F> + ?Sized>(
        &mut self,
        path: &mut S,
        net: &mut Network<F>,
        optimizer: &mut O,
    ) -> Result<()> {
        let mut backup = Backup::of(net);
        backup.iteration = self.progress.step;
        path.back_up();
        let mut in_update = false;
        let mut run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.epochs(path, net, optimizer, &mut backup, &mut in_update)
        }));
        if in_update || net.first_non_finite_parameter(S::FIRST_WEIGHTS_EVERY_STEP).is_some() {
            // An update stopped part-way or overflowed: go back to the last copy, so every
            // parameter is finite and every layer at the same step.
            backup.restore(net);
            path.rollback();
            if let Ok(Err(Error::Diverged { what, .. })) = &mut run {
                let restored = backup.iteration;
                what.push_str(&format!(
                    "; the parameters are restored to those before iteration {restored}"
                ));
            }
        }
        path.finish(net);
        let outcome = match run {
            Ok(outcome) => outcome,
            Err(panic) => std::panic::resume_unwind(panic),
        };
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
                last_finite_cost: self.progress.history.last_cost(),
            });
        }
        if let Some(stopper) = self.progress.stopper.take() {
            self.progress.history.best_epoch = stopper.restore_best(net);
        }
        Ok(())
    }

    fn epochs<S: Step<F>, O: Optimizer<F> + ?Sized>(
        &mut self,
        path: &mut S,
        net: &mut Network<F>,
        optimizer: &mut O,
        backup: &mut Backup<F>,
        in_update: &mut bool,
    ) -> Result<()> {
        let initial_rate = self.progress.initial_rate;
        while self.progress.step < self.steps && !self.progress.history.stopped_early {
            if self.config.schedule != LearningRateSchedule::Constant {
                let epoch = self.progress.history.epochs.len();
                self.config.schedule.apply(optimizer, initial_rate, epoch)?;
            }
            let batches = path.begin_epoch();
            for t in 0..batches {
                let step = self.progress.step;
                if step == self.steps {
                    break;
                }
                if step > 0 && step.is_multiple_of(BACKUP_EVERY) {
                    backup.save(net, step);
                    path.back_up();
                }
                let last_finite_cost = self.progress.last_finite_cost;
                let cost = checked_step(path, net, optimizer, step, last_finite_cost, in_update)?;
                self.progress.last_finite_cost = Some(cost);
                self.log.step(&mut self.progress, step, cost, net);
                self.progress.step += 1;
                // A checkpoint is written between steps of an epoch, or after the epoch closes.
                if t + 1 < batches && self.progress.step < self.steps {
                    self.checkpoint(net, optimizer, false)?;
                }
            }
            let (valid_cost, valid_accuracy) = match self.validation {
                Some(v) => {
                    let (cost, accuracy) = v.evaluate(net, self.group)?;
                    (Some(cost), Some(accuracy))
                }
                None => (None, None),
            };
            let epoch = self.log.end_epoch(&mut self.progress, valid_cost, valid_accuracy);
            if let (Some(stopper), Some(cost)) = (self.progress.stopper.as_mut(), valid_cost)
                && stopper.should_stop(epoch, cost, net)
            {
                self.progress.history.stopped_early = self.progress.step < self.steps;
            }
            self.checkpoint(net, optimizer, true)?;
        }
        Ok(())
    }

    /// Writes a checkpoint if one is due after the step just taken (`epoch_end`: and after the
    /// epoch it closed).
    fn checkpoint<O: Optimizer<F> + ?Sized>(&self, net: &Network<F>, optimizer: &O, epoch_end: bool) -> Result<()> {
        let Some((checkpoints, key)) = &self.checkpoints else {
            return Ok(());
        };
        let last = epoch_end && (self.progress.step == self.steps || self.progress.history.stopped_early);
        let epochs = self.progress.history.epochs.len();
        if !checkpoints.due(self.progress.step, epochs, epoch_end, last) {
            return Ok(());
        }
        let written = match self.group.is_none_or(|comm| comm.rank() == 0) {
            true => Snapshot::take(key, net, optimizer, &self.progress).and_then(|s| checkpoints.write(&s)),
            false => Ok(()),
        };
        match self.group {
            None => written,
            // Every rank learns whether rank 0 wrote it, and ends with it if not.
            Some(comm) => distributed::agree(comm, written, "rank 0 could not write the checkpoint"),
        }
    }
}

/// Builds the [`History`] as steps and epochs go by.
struct Log<'a> {
    record_every: usize,
    steps: usize,
    callback: &'a mut dyn FnMut(&Record),
    /// Whether the callback sees the records (on rank 0 only, when distributed).
    calls_back: bool,
    diagnostics: bool,
}

impl<'a> Log<'a> {
    fn new(config: &TrainConfig, steps: usize, callback: &'a mut dyn FnMut(&Record), calls_back: bool) -> Self {
        Log {
            record_every: config.record_every,
            steps,
            callback,
            calls_back,
            diagnostics: config.diagnostics,
        }
    }

    /// Reserves room for the records of a run of `steps` steps, `steps_per_epoch` per epoch.
    fn reserve<F>(&self, progress: &mut Progress<F>, steps_per_epoch: usize) {
        let records = (self.steps / self.record_every).saturating_add(2);
        progress.history.records.reserve(records.min(MAX_RESERVED_RECORDS));
        let epochs = self.steps.div_ceil(steps_per_epoch.max(1));
        progress.history.epochs.reserve(epochs.min(MAX_RESERVED_RECORDS));
    }

    /// A step's cost, recorded every `record_every` steps and at the last one, with diagnostics
    /// of the network when they are asked for.
    fn step<F: Float>(&mut self, progress: &mut Progress<F>, iteration: usize, cost: f64, net: &Network<F>) {
        progress.epoch_cost += cost;
        progress.epoch_steps += 1;
        if iteration.is_multiple_of(self.record_every) || iteration + 1 == self.steps {
            let record = Record { iteration, cost };
            if self.calls_back {
                (self.callback)(&record);
            }
            progress.history.records.push(record);
            if self.diagnostics {
                progress.history.diagnostics.push(Diagnostics::of(net, iteration));
            }
        }
    }

    /// Closes an epoch; returns its number.
    fn end_epoch<F>(
        &mut self,
        progress: &mut Progress<F>,
        valid_cost: Option<f64>,
        valid_accuracy: Option<f64>,
    ) -> usize {
        let epoch = progress.history.epochs.len();
        let train_cost = progress.epoch_cost / progress.epoch_steps.max(1) as f64;
        progress.history.epochs.push(EpochRecord {
            epoch,
            train_cost,
            valid_cost,
            valid_accuracy,
        });
        (progress.epoch_cost, progress.epoch_steps) = (0.0, 0);
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
            let result = net.fit((x, &y), &mut GradientDescent::new(1e308).unwrap(), &config);
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
            .fit((&x, &y), &mut GradientDescent::new(1e39).unwrap(), TrainConfig::new(2))
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
