//! The training loop: forward, cost, backward, update, `iterations` times.
//!
//! Hyperparameters live in [`TrainConfig`] (checked once before training); the learning rate
//! belongs to the optimizer; the returned [`History`] holds the cost every `record_every`
//! iterations. The library prints nothing: pass a callback to watch progress.
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig};
//! use rand::SeedableRng;
//!
//! let (x, y) = data::xor::<f64>();
//! let mut rng = rand::rngs::StdRng::seed_from_u64(3);
//! let mut net = Network::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
//! let history = net.fit(&x, &y, &mut GradientDescent::new(0.5)?, &TrainConfig::new(3000))?;
//! assert!(history.last_cost().unwrap() < history.first_cost().unwrap());
//! assert_eq!(net.accuracy(&x, &y)?, 1.0);
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{ArrayBase, ArrayView2, Data, Ix2};

use crate::{Error, Float, LearningRateSchedule, Network, Optimizer, Result};

mod column_major;
mod diagnostics;
mod divergence;
mod epochs;
mod first_layer_gram;
mod history;
mod logistic_fast;
mod minibatch;
mod validation;

pub use diagnostics::{Diagnostics, LayerDiagnostics};
pub use history::{EpochRecord, History, Record};
pub use validation::Validation;

/// How long to train and how often to record the cost. Build with [`TrainConfig::new`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TrainConfig {
    /// Number of gradient steps (the course's `num_iterations`).
    pub iterations: usize,
    /// Record the cost every this many iterations (and at the last one). Default 100.
    pub record_every: usize,
    /// Examples per step; `None` (the default) or ≥ m is batch gradient descent, 1 is stochastic.
    pub batch_size: Option<usize>,
    /// Train for this many passes over the data instead of `iterations` steps.
    pub epochs: Option<usize>,
    /// Seed of the per-epoch shuffling of mini-batches. Default 0.
    pub seed: u64,
    /// Record [`Diagnostics`] with every cost record. Default off.
    pub diagnostics: bool,
    /// How the learning rate changes from epoch to epoch. Default: constant.
    pub schedule: LearningRateSchedule,
    /// Let batch gradient descent on few examples (m ≤ n_x / 4) update Z[1] through the Gram
    /// matrix XᵀX instead of multiplying by X twice per step (see [`TrainConfig::gram`]).
    /// Default on.
    pub gram: bool,
}

impl TrainConfig {
    /// `iterations` steps, cost recorded every 100 (as the course prints it).
    ///
    /// ```
    /// let config = ndnet::TrainConfig::new(2500);
    /// assert_eq!((config.iterations, config.record_every), (2500, 100));
    /// ```
    pub fn new(iterations: usize) -> Self {
        TrainConfig {
            iterations,
            record_every: 100,
            batch_size: None,
            epochs: None,
            seed: 0,
            diagnostics: false,
            schedule: LearningRateSchedule::Constant,
            gram: true,
        }
    }

    /// `epochs` passes over the data (with batch gradient descent, one step each).
    ///
    /// ```
    /// let config = ndnet::TrainConfig::epochs(30).batch_size(64);
    /// assert_eq!(config.steps(1000), 30 * 16); // 15 full batches of 64 and one of 40 per epoch
    /// ```
    pub fn epochs(epochs: usize) -> Self {
        TrainConfig {
            epochs: Some(epochs),
            ..TrainConfig::new(0)
        }
    }

    /// The same configuration with mini-batches of `batch_size` examples.
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(10).batch_size(32).batch_size, Some(32));
    /// ```
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }

    /// The same configuration recording [`Diagnostics`] (gradient norms, dead and saturated
    /// units, identical units) with every cost record.
    ///
    /// ```
    /// assert!(ndnet::TrainConfig::new(10).diagnostics(true).diagnostics);
    /// ```
    pub fn diagnostics(mut self, on: bool) -> Self {
        self.diagnostics = on;
        self
    }

    /// The same configuration with a learning-rate schedule, applied at the start of every epoch
    /// from the optimizer's learning rate when training starts.
    ///
    /// ```
    /// use ndnet::{LearningRateSchedule, TrainConfig};
    /// let config = TrainConfig::epochs(10).schedule(LearningRateSchedule::InverseTime { decay: 1.0 });
    /// assert_eq!(config.schedule.rate(0.1, 1), 0.05);
    /// ```
    pub fn schedule(mut self, schedule: LearningRateSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// The same configuration with the Gram form of batch gradient descent allowed or not.
    ///
    /// Plain batch gradient descent changes W[1] by a combination of the examples,
    /// W[1] := W[1] − (α/m) dZ[1] Xᵀ, so the next Z[1] = W[1] X + b[1] follows from this one
    /// through the m × m matrix G = XᵀX, computed once: Z[1] := Z[1] − (α/m) dZ[1] G + Δb[1],
    /// and W[1] is formed once at the end from the sum of the dZ[1]. With few examples next to
    /// the features this replaces the two products with X of every step (2·n[1]·n_x·m
    /// multiply-adds) by one of n[1]·m², 59 times fewer on the cat pictures. The iterates are
    /// those of the textbook loop up to rounding (the tests compare them).
    ///
    /// `fit` uses it when it is on, the optimizer is [`crate::GradientDescent`] with a constant
    /// rate, training is full-batch without L2, dropout, validation or diagnostics, and
    /// m ≤ n_x / 4 (m ≤ 2048). Turn it off to time the textbook products.
    ///
    /// ```
    /// assert!(ndnet::TrainConfig::new(10).gram);
    /// assert!(!ndnet::TrainConfig::new(10).gram(false).gram);
    /// ```
    pub fn gram(mut self, on: bool) -> Self {
        self.gram = on;
        self
    }

    /// The same configuration shuffling mini-batches with `seed`.
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(10).seed(7).seed, 7);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Steps per epoch for m examples: ⌈m / batch_size⌉, or 1 for batch gradient descent.
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(1).batch_size(64).steps_per_epoch(1000), 16);
    /// ```
    pub fn steps_per_epoch(&self, m: usize) -> usize {
        self.batch_size.map_or(1, |b| m.div_ceil(b.max(1)).max(1))
    }

    /// The number of gradient steps this configuration makes on m examples.
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(2500).steps(209), 2500);
    /// ```
    pub fn steps(&self, m: usize) -> usize {
        self.epochs.map_or(self.iterations, |e| e * self.steps_per_epoch(m))
    }

    /// The same configuration recording the cost every `k` iterations.
    ///
    /// ```
    /// assert_eq!(ndnet::TrainConfig::new(10).record_every(1).record_every, 1);
    /// ```
    pub fn record_every(mut self, k: usize) -> Self {
        self.record_every = k;
        self
    }

    /// Checks the values: at least one iteration or epoch, `record_every` and `batch_size` at least 1.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming the bad field.
    ///
    /// ```
    /// assert!(ndnet::TrainConfig::new(0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let at_least_one = |name| {
            Err(Error::InvalidHyperparameter {
                name,
                value: 0.0,
                reason: "must be at least 1",
            })
        };
        match self.epochs {
            Some(0) => return at_least_one("epochs"),
            None if self.iterations == 0 => return at_least_one("iterations"),
            _ => {}
        }
        if self.batch_size == Some(0) {
            return at_least_one("batch_size");
        }
        self.schedule.validate()?;
        if self.record_every == 0 {
            return Err(Error::InvalidHyperparameter {
                name: "record_every",
                value: 0.0,
                reason: "must be at least 1",
            });
        }
        Ok(())
    }
}

impl<F: Float> Network<F> {
    /// Trains on (X, Y) with `optimizer` for `config.iterations` steps of batch gradient descent.
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is (n[L], m).
    ///
    /// # Errors
    /// Input errors as [`Network::cost`] (checked once, before the first step);
    /// [`Error::InvalidHyperparameter`] from the config; [`Error::Diverged`] when the cost or a
    /// gradient becomes NaN or infinite — the parameters are then those of the last finite step,
    /// and `what` names the first of `Z[1]`, `A[1]`, …, `Z[L]`, `A[L]`, then `dZ[L]`, `dW[L]`,
    /// `db[L]`, `dA[L−1]`, …, `db[1]` that went non-finite, e.g. `"Z[2] has 14 non-finite entries
    /// (first at row 0, column 3: inf) in the forward pass of iteration 57; the cost is NaN"`.
    /// (If instead finite gradients overflow a parameter in the update, `what` names that `W[l]`
    /// or `b[l]` "after the update of iteration t", and that step is not undone.)
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{GradientDescent, Network, TrainConfig};
    /// let (x, y) = (array![[-2.0, -1.0, 1.0, 2.0]], array![[0.0, 0.0, 1.0, 1.0]]);
    /// let mut net = Network::<f64>::logistic_regression(1)?;
    /// let history = net.fit(&x, &y, &mut GradientDescent::new(1.0)?, &TrainConfig::new(100).record_every(10))?;
    /// assert_eq!(history.records.len(), 11); // 0, 10, …, 90 and 99
    /// assert_eq!(net.accuracy(&x, &y)?, 1.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit<S, T, O>(
        &mut self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix2>,
        optimizer: &mut O,
        config: &TrainConfig,
    ) -> Result<History>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
        O: Optimizer<F> + ?Sized,
    {
        self.fit_with_callback(x, y, optimizer, config, |_| {})
    }

    /// As [`Network::fit`], calling `callback` with every record as it is made.
    ///
    /// # Errors
    /// As [`Network::fit`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{GradientDescent, Network, TrainConfig};
    /// let (x, y) = (array![[-1.0, 1.0]], array![[0.0, 1.0]]);
    /// let mut net = Network::<f32>::logistic_regression(1)?;
    /// let mut seen = Vec::new();
    /// net.fit_with_callback(&x, &y, &mut GradientDescent::new(0.1)?, &TrainConfig::new(3).record_every(1),
    ///                       |record| seen.push(record.iteration))?;
    /// assert_eq!(seen, vec![0, 1, 2]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit_with_callback<S, T, O>(
        &mut self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix2>,
        optimizer: &mut O,
        config: &TrainConfig,
        mut callback: impl FnMut(&Record),
    ) -> Result<History>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
        O: Optimizer<F> + ?Sized,
    {
        epochs::run(self, x.view(), y.view(), None, optimizer, config, &mut callback)
    }

    /// As [`Network::fit_with_callback`], recording the cost and accuracy on a validation set
    /// after every epoch, and stopping early when the [`Validation`] asks for it (the network is
    /// then left with the parameters of the epoch with the lowest validation cost).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is (n[L], m); the validation set has the same number of rows.
    ///
    /// # Errors
    /// As [`Network::fit`], and input errors in the validation set.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{GradientDescent, Network, TrainConfig, Validation};
    /// let (x, y) = (array![[-2.0, -1.0, 1.0, 2.0]], array![[0.0, 0.0, 1.0, 1.0]]);
    /// let (x_valid, y_valid) = (array![[-1.5, 1.5]], array![[0.0, 1.0]]);
    /// let mut net = Network::<f64>::logistic_regression(1)?;
    /// let history = net.fit_with_validation(&x, &y, &Validation::new(&x_valid, &y_valid),
    ///                                       &mut GradientDescent::new(1.0)?, &TrainConfig::new(50), |_| {})?;
    /// assert_eq!(history.epochs.len(), 50);
    /// assert_eq!(history.epochs[49].valid_accuracy, Some(1.0));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit_with_validation<S, T, O>(
        &mut self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix2>,
        validation: &Validation<'_, F>,
        optimizer: &mut O,
        config: &TrainConfig,
        mut callback: impl FnMut(&Record),
    ) -> Result<History>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
        O: Optimizer<F> + ?Sized,
    {
        epochs::run(
            self,
            x.view(),
            y.view(),
            Some(validation),
            optimizer,
            config,
            &mut callback,
        )
    }

    /// One step of batch gradient descent on (X, Y): forward, cost, backward, update.
    /// Returns the cost of the forward pass (before the update).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is (n[L], m).
    ///
    /// # Errors
    /// Input errors as [`Network::cost`]; [`Error::Diverged`] (with iteration 0) when the cost or
    /// a gradient is NaN or infinite, in which case the parameters are left unchanged (`what`
    /// names the first non-finite `Z[l]`, `A[l]` or gradient, as for [`Network::fit`]).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{GradientDescent, Network};
    /// let mut net = Network::<f64>::logistic_regression(1)?;
    /// let cost = net.train_step(&array![[1.0, -1.0]], &array![[1.0, 0.0]], &mut GradientDescent::new(0.5)?)?;
    /// assert_eq!(cost, std::f64::consts::LN_2);
    /// assert!(net.layer(1).unwrap().w()[[0, 0]] > 0.0);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn train_step<S, T, O>(
        &mut self,
        x: &ArrayBase<S, Ix2>,
        y: &ArrayBase<T, Ix2>,
        optimizer: &mut O,
    ) -> Result<f64>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
        O: Optimizer<F> + ?Sized,
    {
        let (x, y) = (x.view(), y.view());
        self.check_x(x)?;
        self.check_y(y, x.ncols())?;
        self.step_unchecked(x, y, optimizer, 0, None)
    }

    pub(super) fn step_unchecked<O: Optimizer<F> + ?Sized>(
        &mut self,
        x: ArrayView2<F>,
        y: ArrayView2<F>,
        optimizer: &mut O,
        iteration: usize,
        last_finite_cost: Option<f64>,
    ) -> Result<f64> {
        self.forward_training(x);
        let cost = self.cached_cost(y).as_f64();
        let diverged = |what: String, last_finite_cost| Error::Diverged {
            iteration,
            what,
            last_finite_cost,
        };
        if !cost.is_finite() {
            let culprit = self.non_finite_cost_culprit(cost);
            let what = format!("{culprit} of iteration {iteration}");
            return Err(diverged(what, last_finite_cost));
        }
        self.backward_unchecked(x, y);
        if let Some(culprit) = self.first_non_finite_gradient() {
            let pass = match self.first_non_finite_activation() {
                Some(forward) => format!(
                    "{forward} in the forward pass of iteration {iteration}, then {culprit} in the backward pass"
                ),
                None => format!("{culprit} in the backward pass of iteration {iteration}"),
            };
            return Err(diverged(pass, Some(cost)));
        }
        self.update(optimizer);
        if let Some(culprit) = self.first_non_finite_parameter() {
            // Finite gradients whose update overflowed: rare (the gradients overflow first), and
            // the step cannot be undone without a copy of the parameters.
            let what = format!("{culprit} after the update of iteration {iteration}");
            return Err(diverged(what, Some(cost)));
        }
        Ok(cost)
    }
}
