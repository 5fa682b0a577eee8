//! Training: [`Network::fit`] runs forward, cost, backward and update for every step, on the
//! whole batch or on mini-batches, with a validation set, early stopping and a callback as
//! [`FitOptions`].
//!
//! Hyperparameters live in [`TrainConfig`] (checked once before training); the learning rate
//! belongs to the optimizer; the returned [`History`] holds the cost every `record_every`
//! iterations, the figures of every epoch, and the [`Plan`]: which way the iterations ran and why
//! a faster way did not apply. The library prints nothing: pass a callback to watch progress.
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig};
//! use rand::SeedableRng;
//!
//! let (x, y) = data::xor::<f64>();
//! let mut rng = rand::rngs::StdRng::seed_from_u64(3);
//! let mut net = Network::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
//! let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, &TrainConfig::new(3000))?;
//! assert!(history.last_cost().unwrap() < history.first_cost().unwrap());
//! assert_eq!(net.accuracy(&x, &y)?, 1.0);
//! # Ok::<(), ndnet::Error>(())
//! ```
//!
//! Inside: `plan` chooses the path, each of `paths` does one step's arithmetic, and `engine`
//! runs the loop and the checks shared by every path (see ARCHITECTURE.md).

use ndarray::{ArrayBase, Data, Ix2};

use crate::{Float, Network, Optimizer, Result};

mod backup;
// Compiled without feature `safetensors` too (the engine speaks of it), but only reachable with it.
#[cfg_attr(not(feature = "safetensors"), allow(dead_code))]
mod checkpoint;
mod config;
mod data;
mod diagnostics;
pub(crate) mod distributed;
mod divergence;
mod engine;
mod feed;
mod history;
mod options;
mod order;
mod paths;
mod plan;
pub(crate) mod validation;

#[cfg(feature = "safetensors")]
pub use checkpoint::{Checkpoints, Every};
pub use config::{TrainConfig, TrainLength};
pub use data::TrainingData;
pub use diagnostics::{Diagnostics, LayerDiagnostics};
#[cfg(feature = "mpi")]
pub use distributed::Distributed;
pub use history::{EpochRecord, History, Record};
#[cfg(feature = "csv")]
pub(crate) use options::Callback;
pub use options::FitOptions;
pub use order::Shuffle;
pub use plan::{Plan, TrainingPath};
pub use validation::Validation;

impl<F: Float> Network<F> {
    /// Trains on `data` with `optimizer`: the one training entry point.
    ///
    /// `data` is `(&x, &y)`, X (n_x, m) and Y `(n[L], m)` in memory, or `&mut examples`, any
    /// [`Examples`](crate::data::Examples) read batch by batch (a `.npy` file of any size,
    /// [`NpyExamples`](crate::data::NpyExamples) with feature `npy`; a type of your own), which
    /// needs mini-batches ([`TrainConfig::batch_size`]) and is read one batch ahead on a thread
    /// of its own. [`History::plan`] says which data and which path ran.
    ///
    /// `options` is a [`TrainConfig`] (how long, which batches, what to record), by reference or
    /// by value, or [`FitOptions`] to add a validation set (with early stopping), a callback
    /// that sees every [`Record`] as it is made, checkpoints, or a distributed run. The
    /// validation set is given apart ([`Validation::new`], or [`Validation::streamed`] read batch
    /// by batch) or held out of (X, Y) when training starts ([`Validation::split`]: seeded by
    /// [`TrainConfig::seed`], stratified by class for a cross-entropy; [`History::held_out`]
    /// counts the examples held out).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`; examples give n_x and `n[L]` values each; a
    /// validation set has the same number of rows.
    ///
    /// # Memory
    /// Mini-batches copy whole examples: from an X whose columns are not contiguous (row-major,
    /// as `Array2::zeros((n_x, m))` makes it) `fit` first copies X into column-major order,
    /// once, when the memory limit allows a second X (else each batch is gathered from X's
    /// rows, several times slower). Pass X column-major to spare that copy: `load_mnist` and the
    /// other loaders return it so, and `x_rows.t()` of an (m, n_x) array of examples is.
    ///
    /// # Errors
    /// Input errors as [`Network::cost`], in the training and the validation set (in memory:
    /// checked once, before the first step; read batch by batch: each batch as it is read,
    /// [`Error::BadExample`](crate::Error::BadExample) naming the example, before any update
    /// uses it; whatever reading fails with); [`Error::InvalidArgument`](crate::Error::InvalidArgument) from
    /// [`Validation::split`] (a fraction not strictly between 0 and 1, fewer than 2 examples); [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming
    /// the first non-finite parameter if one was written through
    /// [`Dense::parameters_mut`](crate::Dense::parameters_mut);
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) from the config; [`Error::Diverged`](crate::Error::Diverged) when the cost, a gradient or
    /// a parameter becomes NaN or infinite. When the cost or a gradient does, the parameters are
    /// those of the last finite step, and `what` names the first of `Z[1]`, `A[1]`, …, `Z[L]`,
    /// `A[L]`, then `dZ[L]`, `dW[L]`, `db[L]`, `dA[L−1]`, …, `db[1]` that went non-finite, e.g.
    /// `"Z[2] has 14 non-finite entries (first at row 0, column 3: inf) in the forward pass of
    /// iteration 57; the cost is NaN"`. If instead finite gradients overflow a parameter in
    /// the update, `what` names that `W[l]` or `b[l]` "after the update of iteration t", and the
    /// parameters go back to a copy taken every 16 iterations (`what` says which). Either way
    /// every parameter is finite after an error, and `Ok` means every parameter is finite.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{FitOptions, GradientDescent, Network, TrainConfig, Validation};
    /// let (x, y) = (array![[-2.0, -1.0, 1.0, 2.0]], array![[0.0, 0.0, 1.0, 1.0]]);
    /// let mut net = Network::<f64>::logistic_regression(1)?;
    /// let history = net.fit((&x, &y), &mut GradientDescent::new(1.0)?, &TrainConfig::new(100).record_every(10))?;
    /// assert_eq!(history.records.len(), 11); // 0, 10, …, 90 and 99
    /// assert_eq!(net.accuracy(&x, &y)?, 1.0);
    ///
    /// // With a validation set and a callback.
    /// let (x_valid, y_valid) = (array![[-1.5, 1.5]], array![[0.0, 1.0]]);
    /// let mut seen = 0;
    /// let options = FitOptions::new(TrainConfig::new(50))
    ///     .validation(Validation::new(&x_valid, &y_valid))
    ///     .callback(|_record| seen += 1);
    /// let history = net.fit((&x, &y), &mut GradientDescent::new(1.0)?, options)?;
    /// assert_eq!(history.epochs[49].valid_accuracy, Some(1.0));
    /// assert_eq!(seen, 2); // iterations 0 and 49
    ///
    /// // The same examples read batch by batch, as a file larger than memory would be.
    /// let mut examples = ndnet::data::InMemory::new(&x, &y)?;
    /// let history = net.fit(&mut examples, &mut GradientDescent::new(1.0)?, &TrainConfig::epochs(5).batch_size(2))?;
    /// assert_eq!(history.plan.source, "X and Y in memory");
    /// assert!(history.plan.prefetch);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn fit<'d, 'o, O>(
        &mut self,
        data: impl Into<TrainingData<'d, F>>,
        optimizer: &mut O,
        options: impl Into<FitOptions<'o, F>>,
    ) -> Result<History>
    where
        O: Optimizer<F> + ?Sized,
    {
        let mut options = options.into();
        let mut callback = options.callback.take();
        let mut record = |record: &Record| {
            if let Some(callback) = callback.as_mut() {
                callback(record);
            }
        };
        engine::run(self, data.into().0, optimizer, &options, &mut record)
    }

    /// One step of batch gradient descent on (X, Y): forward, cost, backward, update.
    /// Returns the cost of the forward pass (before the update).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`.
    ///
    /// # Errors
    /// Input errors as [`Network::cost`], and non-finite parameters as [`Network::fit`];
    /// [`Error::Diverged`](crate::Error::Diverged) (with iteration 0) when the cost or
    /// a gradient is NaN or infinite, in which case the parameters are left unchanged (`what`
    /// names the first non-finite `Z[l]`, `A[l]` or gradient, as for [`Network::fit`]); when the
    /// update itself overflows a parameter (or a built-in optimizer refuses it,
    /// [`Error::UpdateRefused`](crate::Error::UpdateRefused)), `what` names it and every
    /// parameter is put back as it was before the step (the optimizer's own state, e.g. Adam's
    /// moments, has advanced for the layers updated before). Errors from `optimizer` are
    /// returned as they are, with every parameter put back; so are its panics.
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
        self.check_parameters()?;
        self.check_x(x)?;
        self.check_y(y, x.ncols())?;
        // A copy to go back to if the update overflows: one per call (`fit` keeps one for the
        // whole run), small beside the forward and backward products.
        let before = backup::Backup::of(self);
        let mut in_update = false;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            engine::checked_step(
                &mut paths::Textbook::new(x, y, 1),
                self,
                optimizer,
                0,
                None,
                &mut in_update,
            )
        }));
        if in_update || self.first_non_finite_parameter(true).is_some() {
            // The update stopped part-way (an error or a panic) or overflowed.
            before.restore(self);
        }
        outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}
