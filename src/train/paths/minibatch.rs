//! Mini-batch gradient descent: each epoch shuffles the m examples (seeded) and steps through
//! them `batch_size` at a time; the last batch of an epoch holds the remainder.
//!
//! ```text
//! for epoch:  permutation = shuffle(0..m, rng)
//!             for each slice of `batch_size` indices:  X{t}, Y{t} = columns;  one step on (X{t}, Y{t})
//! ```

use ndarray::{Array2, ArrayView2, ShapeBuilder, Zip};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::Step;
use crate::{Float, Network, Optimizer, Result};

/// The shuffled order and the batch buffers, kept across epochs.
pub(in crate::train) struct MiniBatches<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    batch_size: usize,
    order: Vec<usize>,
    rng: StdRng,
    /// Where the next batch starts in `order`.
    next: usize,
    /// Whether the current batch is the epoch's last, partial one.
    in_partial: bool,
    /// Buffers sized once: full batches and the epoch's last, partial one.
    full: Batch<F>,
    partial: Batch<F>,
}

impl<'a, F: Float> MiniBatches<'a, F> {
    /// Batches of `batch_size` (< m) examples of (X, Y), shuffled with `seed`.
    pub(in crate::train) fn new(x: ArrayView2<'a, F>, y: ArrayView2<'a, F>, batch_size: usize, seed: u64) -> Self {
        let m = x.ncols();
        MiniBatches {
            x,
            y,
            batch_size,
            order: (0..m).collect(),
            rng: StdRng::seed_from_u64(seed),
            next: 0,
            in_partial: false,
            full: Batch::new(x, y.nrows(), batch_size),
            partial: Batch::new(x, y.nrows(), m % batch_size),
        }
    }

    fn current(&self) -> &Batch<F> {
        if self.in_partial { &self.partial } else { &self.full }
    }
}

impl<F: Float> Step<F> for MiniBatches<'_, F> {
    fn begin_epoch(&mut self) -> usize {
        self.order.shuffle(&mut self.rng);
        self.next = 0;
        self.order.len().div_ceil(self.batch_size)
    }

    fn forward(&mut self, net: &mut Network<F>) -> f64 {
        let end = (self.next + self.batch_size).min(self.order.len());
        let indices = &self.order[self.next..end];
        self.next = end;
        self.in_partial = indices.len() < self.batch_size;
        let batch = if self.in_partial {
            &mut self.partial
        } else {
            &mut self.full
        };
        batch.gather(self.x, self.y, indices);
        net.forward_training(batch.x.view());
        net.cached_cost(batch.y.view()).as_f64()
    }

    fn backward(&mut self, net: &mut Network<F>) {
        let batch = self.current();
        net.backward_unchecked(batch.x.view(), batch.y.view());
    }

    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, optimizer: &mut O) -> Result<()> {
        net.update(optimizer)
    }
}

/// X{t} and Y{t} buffers for one batch size.
struct Batch<F> {
    x: Array2<F>,
    y: Array2<F>,
}

impl<F: Float> Batch<F> {
    /// Buffers for `size` columns of `x` and of a Y with `n_y` rows. X{t} is column-major when
    /// the columns of X are contiguous (see [`Batch::gather`]), else row-major.
    fn new(x: ArrayView2<F>, n_y: usize, size: usize) -> Self {
        let n_x = x.nrows();
        Batch {
            x: Array2::zeros((n_x, size).set_f(columns_contiguous(x))),
            y: Array2::zeros((n_y, size)),
        }
    }

    /// Copies the columns `indices` of X and Y (X{t} has the layout [`Batch::new`] chose for X).
    ///
    /// An example of X is one column. When the columns are contiguous (X column-major, as an
    /// (m, n_x) table of examples seen through `.t()`), each is one copy of n_x values. In a
    /// row-major X the n_x values of an example lie one row apart, each in its own cache line:
    /// X is then read row by row, but a batch still touches n_x lines per example (on the
    /// 784 × 10,000 MNIST digits, batch 200, this gather took as long as the products).
    fn gather(&mut self, x: ArrayView2<F>, y: ArrayView2<F>, indices: &[usize]) {
        if self.x.t().is_standard_layout() {
            for (mut out, &i) in self.x.columns_mut().into_iter().zip(indices) {
                out.assign(&x.column(i));
            }
        } else {
            gather_rows(x, &mut self.x, indices);
        }
        gather_rows(y, &mut self.y, indices);
    }
}

/// Whether the columns of `x` are contiguous (stride 1 down a column, or one row).
fn columns_contiguous<F>(x: ArrayView2<F>) -> bool {
    x.nrows() <= 1 || x.strides()[0] == 1
}

/// Copies the columns `indices` of `source` into `target`, row by row (each row read once).
fn gather_rows<F: Float>(source: ArrayView2<F>, target: &mut Array2<F>, indices: &[usize]) {
    Zip::from(target.rows_mut())
        .and(source.rows())
        .for_each(|mut out, row| {
            for (o, &i) in out.iter_mut().zip(indices) {
                *o = row[i];
            }
        });
}
