//! Mini-batch gradient descent: each epoch orders the m examples (seeded, see
//! [`Shuffle`](crate::Shuffle)) and steps through them `batch_size` at a time; the last batch of
//! an epoch holds the remainder.
//!
//! ```text
//! for epoch:  order = shuffle(0..m, rng)
//!             for each slice of `batch_size` indices:  X{t}, Y{t} = examples;  one step on (X{t}, Y{t})
//! ```
//!
//! The batches are read by a [`Batcher`] on this thread, or one batch ahead on a thread of its
//! own ([`Prefetch`]): the same batches either way.

use super::Step;
use crate::train::feed::{Batch, Batcher, Prefetch};
use crate::{Float, Network, Optimizer, Result};

/// Where the batches come from, and the one being stepped on.
pub(in crate::train) struct MiniBatches<'s, F> {
    feed: Feed<'s, F>,
}

enum Feed<'s, F> {
    /// Read on this thread into buffers sized once: full batches and the epoch's last one.
    Inline {
        batcher: Batcher<'s, F>,
        full: Batch<F>,
        last: Batch<F>,
        /// Batches left in the epoch.
        left: usize,
        /// Whether the current batch is the epoch's last.
        in_last: bool,
    },
    /// Read ahead on another thread.
    Prefetched {
        prefetch: Prefetch<F>,
        current: Option<Batch<F>>,
        per_epoch: usize,
        /// The batches of the first epoch, when it is resumed part-way.
        first: Option<usize>,
    },
}

impl<'s, F: Float> MiniBatches<'s, F> {
    /// Batches read by `batcher` on this thread.
    pub(in crate::train) fn inline(batcher: Batcher<'s, F>) -> Self {
        let (full, last) = batcher.batch_sizes();
        MiniBatches {
            feed: Feed::Inline {
                full: batcher.buffer(full),
                last: batcher.buffer(last),
                batcher,
                left: 0,
                in_last: false,
            },
        }
    }

    /// Batches read ahead by `prefetch`: `per_epoch` per epoch, `first` in a resumed first one.
    pub(in crate::train) fn prefetched(prefetch: Prefetch<F>, per_epoch: usize, first: usize) -> Self {
        MiniBatches {
            feed: Feed::Prefetched {
                prefetch,
                current: None,
                per_epoch,
                first: Some(first),
            },
        }
    }

    fn current(&self) -> &Batch<F> {
        match &self.feed {
            Feed::Inline {
                full, last, in_last, ..
            } => match in_last {
                true => last,
                false => full,
            },
            Feed::Prefetched { current, .. } => current.as_ref().expect("forward ran before backward"),
        }
    }
}

impl<F: Float> Step<F> for MiniBatches<'_, F> {
    fn begin_epoch(&mut self) -> usize {
        match &mut self.feed {
            Feed::Inline { batcher, left, .. } => {
                *left = batcher.begin_epoch();
                *left
            }
            Feed::Prefetched { per_epoch, first, .. } => first.take().unwrap_or(*per_epoch),
        }
    }

    fn forward(&mut self, net: &mut Network<F>) -> Result<f64> {
        match &mut self.feed {
            Feed::Inline {
                batcher,
                full,
                last,
                left,
                in_last,
            } => {
                *in_last = *left == 1;
                *left -= 1;
                batcher.fill(if *in_last { last } else { full })?;
            }
            Feed::Prefetched { prefetch, current, .. } => {
                let batch = prefetch.next(current.take())?;
                *current = Some(batch);
            }
        }
        let batch = self.current();
        net.forward_training(batch.x.view());
        Ok(net.cached_cost(batch.y.view()).as_f64())
    }

    fn backward(&mut self, net: &mut Network<F>) {
        let batch = self.current();
        net.backward_unchecked(batch.x.view(), batch.y.view());
    }

    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, optimizer: &mut O) -> Result<()> {
        net.update(optimizer)
    }
}
