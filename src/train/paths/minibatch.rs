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
use crate::train::distributed::{self, Collective};
use crate::train::feed::{Batch, Batcher, Prefetch};
use crate::{Float, Network, Optimizer, Result};

/// Where the batches come from, and the one being stepped on.
pub(in crate::train) struct MiniBatches<'s, 'c, F> {
    feed: Feed<'s, F>,
    /// The size of the current global batch (this process's shard may hold fewer).
    k: usize,
    /// Distributed training: the group and the buffers of the all-reduce.
    sharing: Option<Sharing<'c, F>>,
}

/// What a distributed run shares between the steps of its mini-batch path.
struct Sharing<'c, F> {
    comm: &'c dyn Collective,
    /// Steps between two comparisons of the ranks' parameters (0: never).
    check_every: usize,
    /// [Σ dW[1], Σ db[1], …, Σ cost, failed] of this process, and the sums over the ranks.
    local: Vec<F>,
    global: Vec<F>,
    /// Updates made.
    steps: usize,
}

impl<'c, F: Float> Sharing<'c, F> {
    fn new(comm: &'c dyn Collective, check_every: usize) -> Self {
        Sharing {
            comm,
            check_every,
            local: Vec::new(),
            global: Vec::new(),
            steps: 0,
        }
    }
}

enum Feed<'s, F> {
    /// Read on this thread into buffers sized once: full batches and the epoch's last one.
    Inline {
        batcher: Box<Batcher<'s, F>>,
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

impl<'s, 'c, F: Float> MiniBatches<'s, 'c, F> {
    /// Batches read by `batcher` on this thread.
    pub(in crate::train) fn inline(batcher: Batcher<'s, F>) -> Self {
        let (full, last) = batcher.batch_sizes();
        MiniBatches {
            feed: Feed::Inline {
                full: batcher.buffer(batcher.shard_len(full)),
                last: batcher.buffer(batcher.shard_len(last)),
                batcher: Box::new(batcher),
                left: 0,
                in_last: false,
            },
            k: 0,
            sharing: None,
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
            k: 0,
            sharing: None,
        }
    }

    /// The same batches, each step's gradients summed over the ranks of `group` (and the
    /// parameters compared every so many steps), when there is one.
    pub(in crate::train) fn shared(mut self, group: Option<(&'c dyn Collective, usize)>) -> Self {
        self.sharing = group.map(|(comm, check_every)| Sharing::new(comm, check_every));
        self
    }

    /// Reads the next batch (this process's shard of it).
    fn read(&mut self) -> Result<()> {
        self.k = match &mut self.feed {
            Feed::Inline {
                batcher,
                full,
                last,
                left,
                in_last,
            } => {
                *in_last = *left == 1;
                *left -= 1;
                batcher.fill(if *in_last { last } else { full })?
            }
            Feed::Prefetched { prefetch, current, .. } => {
                let (batch, k) = prefetch.next(current.take())?;
                *current = Some(batch);
                k
            }
        };
        Ok(())
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

impl<F: Float> Step<F> for MiniBatches<'_, '_, F> {
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
        if self.sharing.is_some() {
            return self.shared_step(net);
        }
        self.read()?;
        let batch = self.current();
        net.forward_training(batch.x.view());
        Ok(net.cached_cost(batch.y.view()).as_f64())
    }

    fn backward(&mut self, net: &mut Network<F>) {
        if self.sharing.is_none() {
            let batch = self.current();
            net.backward_unchecked(batch.x.view(), batch.y.view());
        }
    }

    fn update<O: Optimizer<F> + ?Sized>(&mut self, net: &mut Network<F>, optimizer: &mut O) -> Result<()> {
        net.update(optimizer)?;
        if let Some(sharing) = &mut self.sharing {
            sharing.steps += 1;
            if sharing.check_every > 0 && sharing.steps.is_multiple_of(sharing.check_every) {
                let (min, max) = sharing.comm.min_max(distributed::checksum(net));
                if min != max {
                    return Err(distributed::diverged(sharing.steps));
                }
            }
        }
        Ok(())
    }
}

impl<F: Float> MiniBatches<'_, '_, F> {
    /// A distributed step's forward and backward: this process's shard through the network,
    /// then one all-reduce of every gradient's sum over the shard, the cost's sum and whether
    /// reading failed; the sums ÷ the global batch's size are the batch's mean gradients and
    /// cost on every rank, and the L2 term is added once. Returns the batch's cost J.
    fn shared_step(&mut self, net: &mut Network<F>) -> Result<f64> {
        let read = self.read();
        let m = match &read {
            Ok(()) => self.current().len(),
            Err(_) => 0,
        };
        let k = self.k.max(1);
        let sharing = self.sharing.as_mut().expect("a distributed step has its group");
        sharing.local.clear();
        let cost = match m {
            0 => F::zero(),
            _ => {
                let batch = match &self.feed {
                    Feed::Inline {
                        full, last, in_last, ..
                    } => {
                        if *in_last {
                            last
                        } else {
                            full
                        }
                    }
                    Feed::Prefetched { current, .. } => current.as_ref().expect("the batch just read"),
                };
                net.forward_training(batch.x.view());
                let cost = net.cached_data_cost(batch.y.view());
                net.backward_data_term(batch.x.view(), batch.y.view());
                cost
            }
        };
        // Σ over the shard = the shard's mean × its size.
        let shard = F::from_f64(m as f64);
        for layer in net.layers_mut() {
            let (dw, db) = layer.gradients_mut();
            for g in dw.iter().chain(db.iter()) {
                sharing.local.push(if m == 0 { F::zero() } else { *g * shard });
            }
        }
        sharing.local.push(cost * shard);
        sharing.local.push(if read.is_err() { F::one() } else { F::zero() });
        sharing.global.resize(sharing.local.len(), F::zero());
        distributed::sum(sharing.comm, &sharing.local, &mut sharing.global);
        let failed = sharing.global[sharing.global.len() - 1] > F::zero();
        if failed {
            read?;
            return Err(crate::Error::InvalidArgument {
                argument: "distributed",
                message: "another rank could not read its shard of this batch (its own error says why)".into(),
            });
        }
        let inv_k = F::one() / F::from_f64(k as f64);
        let mut sums = sharing.global.iter();
        for layer in net.layers_mut() {
            let (dw, db) = layer.gradients_mut();
            for g in dw.iter_mut().chain(db.iter_mut()) {
                *g = *sums.next().expect("one sum per gradient") * inv_k;
            }
        }
        let cost = *sums.next().expect("the cost's sum") * inv_k;
        net.add_l2_gradient(k);
        Ok((cost + net.l2_cost(k)).as_f64())
    }
}
