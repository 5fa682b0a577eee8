//! The epoch loop behind [`Network::fit`](crate::Network::fit): batch or mini-batch steps,
//! the fused logistic-regression path, per-epoch records and early stopping.

use ndarray::ArrayView2;

use super::column_major::ColumnMajorX;
use super::minibatch::MiniBatches;
use super::validation::{EarlyStopper, Validation};
use super::{Diagnostics, EpochRecord, History, Record, TrainConfig, first_layer_gram, logistic_fast};
use crate::{Float, LearningRateSchedule, Network, Optimizer, Result};

/// Checks everything, then trains; `callback` sees every record as it is made.
pub(super) fn run<F: Float, O: Optimizer<F> + ?Sized>(
    net: &mut Network<F>,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    validation: Option<&Validation<'_, F>>,
    optimizer: &mut O,
    config: &TrainConfig,
    callback: &mut dyn FnMut(&Record),
) -> Result<History> {
    config.validate()?;
    net.check_x(x)?;
    net.check_y(y, x.ncols())?;
    if let Some(validation) = validation {
        validation.check(net)?;
    }
    let m = x.ncols();
    let steps = config.steps(m);
    let mut log = Log::new(config, steps, callback, config.steps_per_epoch(m));

    let whole_batch_plain = validation.is_none()
        && !config.diagnostics
        && config.schedule == LearningRateSchedule::Constant
        && config.batch_size.is_none_or(|b| b >= m);
    // Batch gradient descent: every step is an epoch.
    let mut record = |step, cost| {
        log.step(step, cost);
        log.end_epoch(None, None);
    };
    if whole_batch_plain
        && config.gram
        && let Some(alpha) = first_layer_gram::applies(net, x, &*optimizer)
    {
        first_layer_gram::fit(net, x, y, optimizer, alpha, steps, &mut record)?;
        return Ok(log.history);
    }
    if whole_batch_plain && let Some(alpha) = logistic_fast::applies(net, x, &*optimizer) {
        logistic_fast::fit(net, x, y, alpha, steps, crate::num_threads(), &mut record)?;
        return Ok(log.history);
    }

    let mut batches = config
        .batch_size
        .filter(|&b| b < m)
        .map(|b| MiniBatches::new(x, y, b, config.seed));
    let column_major = ColumnMajorX::new(x, batches.is_none(), steps);
    let x = column_major.view(x);
    let mut stopper = validation.and_then(|v| v.patience).map(EarlyStopper::new);
    let mut step = 0;
    let mut last_finite_cost = None;
    let initial_rate = optimizer.learning_rate();
    while step < steps {
        if config.schedule != LearningRateSchedule::Constant {
            config
                .schedule
                .apply(optimizer, initial_rate, log.history.epochs.len())?;
        }
        match batches.as_mut() {
            Some(batches) => batches.run_epoch(
                net,
                optimizer,
                &mut step,
                steps,
                &mut last_finite_cost,
                &mut |s, c, net| log.step_with_network(s, c, net),
            )?,
            None => {
                let cost = net.step_unchecked(x, y, optimizer, step, last_finite_cost)?;
                last_finite_cost = Some(cost);
                log.step_with_network(step, cost, net);
                step += 1;
            }
        }
        let (valid_cost, valid_accuracy) = match validation {
            Some(v) => {
                let (cost, accuracy) = v.evaluate(net)?;
                (Some(cost), Some(accuracy))
            }
            None => (None, None),
        };
        let epoch = log.end_epoch(valid_cost, valid_accuracy);
        if let (Some(stopper), Some(cost)) = (stopper.as_mut(), valid_cost)
            && stopper.should_stop(epoch, cost, net)
        {
            log.history.stopped_early = step < steps;
            break;
        }
    }
    if let Some(stopper) = stopper {
        log.history.best_epoch = stopper.restore_best(net);
    }
    Ok(log.history)
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
    fn new(config: &TrainConfig, steps: usize, callback: &'a mut dyn FnMut(&Record), steps_per_epoch: usize) -> Self {
        let mut history = History::default();
        history.records.reserve(steps / config.record_every + 2);
        history.epochs.reserve(steps.div_ceil(steps_per_epoch));
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

    /// A step's cost: recorded every `record_every` steps and at the last one.
    fn step(&mut self, iteration: usize, cost: f64) -> bool {
        self.epoch_cost += cost;
        self.epoch_steps += 1;
        let recorded = iteration.is_multiple_of(self.record_every) || iteration + 1 == self.steps;
        if recorded {
            let record = Record { iteration, cost };
            (self.callback)(&record);
            self.history.records.push(record);
        }
        recorded
    }

    /// A step's cost, with diagnostics of the network when they are asked for and it is recorded.
    fn step_with_network<F: Float>(&mut self, iteration: usize, cost: f64, net: &Network<F>) {
        if self.step(iteration, cost) && self.diagnostics {
            self.history.diagnostics.push(Diagnostics::of(net, iteration));
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
