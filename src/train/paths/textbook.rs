//! The textbook step on the whole batch: forward (with dropout when on), cost, backward, update.

use ndarray::ArrayView2;

use super::Step;
use super::column_major::ColumnMajorX;
use crate::{Float, Network, Optimizer, Result};

/// Full-batch training on (X, Y), reading X from a column-major copy when that pays.
pub(in crate::train) struct Textbook<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    columns: ColumnMajorX<F>,
}

impl<'a, F: Float> Textbook<'a, F> {
    /// Training on (X, Y) for `steps` steps.
    pub(in crate::train) fn new(x: ArrayView2<'a, F>, y: ArrayView2<'a, F>, steps: usize) -> Self {
        Textbook {
            x,
            y,
            columns: ColumnMajorX::new(x, steps),
        }
    }
}

impl<F: Float> Step<F> for Textbook<'_, F> {
    fn forward(&mut self, net: &mut Network<F>) -> Result<f64> {
        net.forward_training(self.columns.view(self.x));
        Ok(net.cached_cost(self.y).as_f64())
    }

    fn backward(&mut self, net: &mut Network<F>) {
        net.backward_unchecked(self.columns.view(self.x), self.y);
    }

    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, optimizer: &mut O) -> Result<()> {
        net.update(optimizer)
    }
}
