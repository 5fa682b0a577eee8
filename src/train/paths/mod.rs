//! The ways an iteration can run, each only its own arithmetic.
//!
//! Every path implements [`Step`]: `forward` (returns the cost), `backward`, `update`, and
//! `finish` at the end. The engine (`super::engine`) calls them in that order for every
//! iteration and does the rest once for all paths: checks after each part, records, epochs,
//! validation, early stopping. The plan (`super::plan`) chooses the path.

use crate::{Float, Network, Optimizer, Result};

mod column_major;
mod fused_logistic;
mod gram;
mod minibatch;
mod textbook;

pub(super) use fused_logistic::FusedLogistic;
pub(super) use gram::GramForm;
pub(super) use minibatch::MiniBatches;
pub(super) use textbook::Textbook;

/// One way to run an iteration.
pub(super) trait Step<F: Float> {
    /// Whether `W[1]` and `dW[1]` change at every iteration. The Gram form updates `Z[1]`
    /// instead and forms `W[1]` in [`Step::finish`], so the checks between iterations skip them.
    const FIRST_WEIGHTS_EVERY_STEP: bool = true;

    /// Whether the gradients are computed inside [`Step::update`] (the fused logistic pass
    /// computes dW while it updates W): they are then checked after the update.
    const GRADIENTS_IN_UPDATE: bool = false;

    /// Starts an epoch; returns its number of steps (1 for full-batch training).
    fn begin_epoch(&mut self) -> usize {
        1
    }

    /// The forward pass of the next step; returns the cost J of the current parameters.
    ///
    /// # Errors
    /// Reading the step's batch failed (mini-batches from a file).
    fn forward(&mut self, net: &mut Network<F>) -> Result<f64>;

    /// The backward pass after [`Step::forward`].
    fn backward(&mut self, net: &mut Network<F>);

    /// The update after [`Step::backward`].
    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, optimizer: &mut O) -> Result<()>;

    /// Called once when training ends, successfully or not, so that the network holds every
    /// parameter of the last step taken.
    fn finish(&mut self, _net: &mut Network<F>) {}

    /// The engine copied the parameters: keep whatever state `rollback` needs to match them.
    fn back_up(&mut self) {}

    /// The engine put the parameters of the last backup back (an update overflowed).
    fn rollback(&mut self) {}
}
