//! Mini-batch gradient descent: each epoch shuffles the m examples (seeded) and steps through
//! them `batch_size` at a time; the last batch of an epoch holds the remainder.
//!
//! ```text
//! for epoch:  permutation = shuffle(0..m, rng)
//!             for each slice of `batch_size` indices:  X{t}, Y{t} = columns;  one step on (X{t}, Y{t})
//! ```

use ndarray::{Array2, ArrayView2, Zip};
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::{Float, Network, Optimizer, Result};

/// Trains for `steps` mini-batch steps, calling `record(step, cost)` with each batch's cost.
#[allow(clippy::too_many_arguments)]
pub(super) fn fit<F: Float, O: Optimizer<F> + ?Sized>(
    net: &mut Network<F>,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    optimizer: &mut O,
    batch_size: usize,
    steps: usize,
    seed: u64,
    record: &mut dyn FnMut(usize, f64),
) -> Result<()> {
    let m = x.ncols();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..m).collect();
    // Two buffer pairs, sized once: full batches and the epoch's last, partial one.
    let mut full = Batch::new(x.nrows(), y.nrows(), batch_size);
    let mut partial = Batch::new(x.nrows(), y.nrows(), m % batch_size);
    let mut last_finite_cost = None;
    let mut step = 0;
    while step < steps {
        order.shuffle(&mut rng);
        for indices in order.chunks(batch_size) {
            if step == steps {
                break;
            }
            let batch = if indices.len() == batch_size {
                &mut full
            } else {
                &mut partial
            };
            batch.gather(x, y, indices);
            let cost = net.step_unchecked(batch.x.view(), batch.y.view(), optimizer, step, last_finite_cost)?;
            last_finite_cost = Some(cost);
            record(step, cost);
            step += 1;
        }
    }
    Ok(())
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
