//! Mini-batch gradient descent: each epoch shuffles the m examples (seeded) and steps through
//! them `batch_size` at a time; the last batch of an epoch holds the remainder.
//!
//! ```text
//! for epoch:  permutation = shuffle(0..m, rng)
//!             for each slice of `batch_size` indices:  X{t}, Y{t} = columns;  one step on (X{t}, Y{t})
//! ```

use ndarray::{Array2, ArrayView2, Zip};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::{Float, Network, Optimizer, Result};

/// The shuffled order and the batch buffers, kept across epochs.
pub(super) struct MiniBatches<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    batch_size: usize,
    order: Vec<usize>,
    rng: StdRng,
    /// Buffers sized once: full batches and the epoch's last, partial one.
    full: Batch<F>,
    partial: Batch<F>,
}

impl<'a, F: Float> MiniBatches<'a, F> {
    pub(super) fn new(x: ArrayView2<'a, F>, y: ArrayView2<'a, F>, batch_size: usize, seed: u64) -> Self {
        let m = x.ncols();
        MiniBatches {
            x,
            y,
            batch_size,
            order: (0..m).collect(),
            rng: StdRng::seed_from_u64(seed),
            full: Batch::new(x.nrows(), y.nrows(), batch_size),
            partial: Batch::new(x.nrows(), y.nrows(), m % batch_size),
        }
    }

    /// One pass over the shuffled examples, stopping early once `*step` reaches `steps`.
    pub(super) fn run_epoch<O: Optimizer<F> + ?Sized>(
        &mut self,
        net: &mut Network<F>,
        optimizer: &mut O,
        step: &mut usize,
        steps: usize,
        last_finite_cost: &mut Option<f64>,
        record: &mut dyn FnMut(usize, f64, &Network<F>),
    ) -> Result<()> {
        self.order.shuffle(&mut self.rng);
        for indices in self.order.chunks(self.batch_size) {
            if *step == steps {
                break;
            }
            let batch = if indices.len() == self.batch_size {
                &mut self.full
            } else {
                &mut self.partial
            };
            batch.gather(self.x, self.y, indices);
            let cost = net.step_unchecked(batch.x.view(), batch.y.view(), optimizer, *step, *last_finite_cost)?;
            *last_finite_cost = Some(cost);
            record(*step, cost, net);
            *step += 1;
        }
        Ok(())
    }
}

/// X{t} and Y{t} buffers for one batch size.
struct Batch<F> {
    x: Array2<F>,
    y: Array2<F>,
}

impl<F: Float> Batch<F> {
    fn new(n_x: usize, n_y: usize, size: usize) -> Self {
        Batch {
            x: Array2::zeros((n_x, size)),
            y: Array2::zeros((n_y, size)),
        }
    }

    /// Copies the columns `indices` of X and Y, row by row (X is row-major: each row is read once).
    fn gather(&mut self, x: ArrayView2<F>, y: ArrayView2<F>, indices: &[usize]) {
        for (source, target) in [(x, &mut self.x), (y, &mut self.y)] {
            Zip::from(target.rows_mut())
                .and(source.rows())
                .for_each(|mut out, row| {
                    for (o, &i) in out.iter_mut().zip(indices) {
                        *o = row[i];
                    }
                });
        }
    }
}
