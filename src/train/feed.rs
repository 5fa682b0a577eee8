//! Where a run's mini-batches come from: [`Batcher`] cuts each epoch's order of the examples
//! ([`Order`]) into batches and reads them from the [`Examples`], checking every value read
//! from anywhere but an already checked (X, Y); [`Prefetch`] does the same on a thread of its
//! own, one batch ahead of the step that computes.
//!
//! ```text
//! epoch:  order = shuffle(0..m)  (Full, None)   or   blocks of chunks (Blocks)
//! batch:  indices = the next batch_size of the order  →  X{t}, Y{t} = gather(indices)
//!         (Blocks: a block's chunks are read whole into memory, then gathered from there)
//! ```

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use ndarray::{Array2, ArrayView2, ShapeBuilder};

use super::order::{Blocks, Epoch, Order};
use crate::data::Examples;
use crate::{Cost, Error, Float, Result, Shuffle};

/// A batch's X{t} and Y{t}, and the index of each of its examples in the data.
pub(crate) struct Batch<F> {
    pub(crate) x: Array2<F>,
    pub(crate) y: Array2<F>,
    pub(crate) examples: Vec<usize>,
}

impl<F: Float> Batch<F> {
    /// Buffers for `size` examples; X{t} is column-major when `column_major` (an example is then
    /// one contiguous copy), else row-major.
    fn new(n_x: usize, n_y: usize, size: usize, column_major: bool) -> Self {
        Batch {
            x: Array2::zeros((n_x, size).set_f(column_major)),
            y: Array2::zeros((n_y, size)),
            examples: Vec::with_capacity(size),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.x.ncols()
    }
}

/// What the batcher reads and how it checks it.
pub(crate) struct Reading<'s, F> {
    /// The examples.
    pub(crate) examples: &'s mut dyn Examples<F>,
    /// Whether every batch is checked (values finite, labels the cost accepts): all but an
    /// in-memory (X, Y), which `fit` checked whole before the first step.
    pub(crate) check: bool,
    /// The network's cost, whose labels a batch's Y must hold.
    pub(crate) cost: Cost,
    /// Whether the batches' X are column-major (one copy per example).
    pub(crate) column_major: bool,
}

/// Cuts epochs into batches and reads them.
pub(crate) struct Batcher<'s, F> {
    reading: Reading<'s, F>,
    order: Order,
    batch_size: usize,
    m: usize,
    /// Where the current epoch is.
    epoch: EpochState<F>,
    /// Examples of the current epoch already handed out.
    done: usize,
    /// Examples to skip at the start of the next epoch (a resumed run).
    skip: usize,
    /// (rank, ranks) of distributed training: this process reads its shard of each batch.
    shard: Option<(usize, usize)>,
}

/// The position within an epoch.
enum EpochState<F> {
    /// No epoch begun.
    None,
    /// `Full` and `None`: the order is in the [`Order`].
    Indices,
    /// `Blocks`: the blocks, the current one's examples read into memory, and how far it is
    /// consumed.
    Blocks(Box<BlockState<F>>),
}

/// Where an epoch of [`Shuffle::Blocks`] is: the blocks, the current one's examples read into
/// memory, and how far it is consumed.
struct BlockState<F> {
    blocks: Blocks,
    next_block: usize,
    /// Where the next block starts in the epoch (examples of the blocks before it).
    next_start: usize,
    /// The examples of the current block that this process uses, in the order they are read.
    held: Batch<F>,
    permutation: Vec<usize>,
    /// For each example of the block (in the order its chunks are read): its column in `held`,
    /// `usize::MAX` for one this process does not use.
    columns: Vec<usize>,
    position: usize,
    /// Where to start in the next block read (a resumed epoch starts inside one).
    start_at: usize,
}

impl<'s, F: Float> Batcher<'s, F> {
    /// Batches of `batch_size` examples of `reading.examples` in the order `shuffle` and `seed`
    /// give.
    ///
    /// # Errors
    /// [`Error::TooLarge`] if a block of [`Shuffle::Blocks`] does not fit the memory limit.
    pub(crate) fn new(reading: Reading<'s, F>, shuffle: Shuffle, seed: u64, batch_size: usize) -> Result<Self> {
        let m = reading.examples.m();
        if let Shuffle::Blocks {
            chunk,
            chunks_per_block,
        } = shuffle
        {
            let held = chunk.saturating_mul(chunks_per_block).min(m);
            let rows = reading.examples.n_x().saturating_add(reading.examples.n_y());
            let what = || format!("a block of {held} examples (Shuffle::Blocks) of {rows} values each");
            crate::base::limits::check_alloc(what, &[rows, held], std::mem::size_of::<F>())?;
        }
        Ok(Batcher {
            order: Order::new(shuffle, m, seed),
            batch_size: batch_size.min(m).max(1),
            m,
            reading,
            epoch: EpochState::None,
            done: 0,
            skip: 0,
            shard: None,
        })
    }

    /// Reads only the shard of rank `rank` of `ranks` of every batch (distributed training).
    pub(crate) fn shard(&mut self, rank: usize, ranks: usize) {
        self.shard = Some((rank, ranks));
    }

    /// The number of batches of an epoch.
    pub(crate) fn batches_per_epoch(&self) -> usize {
        self.m.div_ceil(self.batch_size)
    }

    /// The sizes of a full batch and of an epoch's last one.
    pub(crate) fn batch_sizes(&self) -> (usize, usize) {
        let last = match self.m % self.batch_size {
            0 => self.batch_size,
            rest => rest,
        };
        (self.batch_size, last)
    }

    /// Buffers for a batch of `size` examples.
    pub(crate) fn buffer(&self, size: usize) -> Batch<F> {
        Batch::new(
            self.reading.examples.n_x(),
            self.reading.examples.n_y(),
            size,
            self.reading.column_major,
        )
    }

    /// The next run starts at batch `batch` of epoch `epoch` (both from 0), as an unbroken run
    /// would reach it: the shuffles before are replayed, nothing before is read.
    pub(crate) fn resume_at(&mut self, epoch: usize, batch: usize) {
        self.order.skip_to(epoch);
        self.skip = batch.saturating_mul(self.batch_size).min(self.m);
    }

    /// Begins the next epoch; returns its number of batches (fewer for a resumed epoch).
    pub(crate) fn begin_epoch(&mut self) -> usize {
        let skip = std::mem::take(&mut self.skip);
        self.epoch = match self.order.next_epoch() {
            Epoch::Indices => EpochState::Indices,
            Epoch::Blocks(blocks) => {
                let (mut next_block, mut skipped) = (0, 0);
                while next_block < blocks.len() && skipped + blocks.size(next_block) <= skip {
                    skipped += blocks.size(next_block);
                    next_block += 1;
                }
                EpochState::Blocks(Box::new(BlockState {
                    blocks,
                    next_block,
                    next_start: skipped,
                    held: self.buffer(0),
                    permutation: Vec::new(),
                    columns: Vec::new(),
                    position: 0,
                    start_at: skip - skipped,
                }))
            }
        };
        self.done = skip;
        self.batches_per_epoch() - skip / self.batch_size
    }

    /// The size of this process's shard of a global batch of `k` examples (all of it, unless
    /// training is distributed).
    pub(crate) fn shard_len(&self, k: usize) -> usize {
        match self.shard {
            None => k,
            Some((rank, ranks)) => crate::train::distributed::shard(k, rank, ranks).len(),
        }
    }

    /// Reads this process's shard of the epoch's next batch into `batch` (sized by
    /// [`Batcher::buffer`] for it); returns the size of the whole batch.
    ///
    /// # Errors
    /// What reading fails with; [`Error::BadExample`] for a value no step may use.
    pub(crate) fn fill(&mut self, batch: &mut Batch<F>) -> Result<usize> {
        let k = self.batch_size.min(self.m - self.done);
        let mine = match self.shard {
            None => 0..k,
            Some((rank, ranks)) => crate::train::distributed::shard(k, rank, ranks),
        };
        debug_assert_eq!(batch.len(), mine.len(), "the buffer is sized for this shard");
        batch.examples.clear();
        match &mut self.epoch {
            EpochState::None => unreachable!("fill is called after begin_epoch"),
            EpochState::Indices => {
                let start = self.done + mine.start;
                batch
                    .examples
                    .extend_from_slice(&self.order.indices()[start..start + mine.len()]);
                self.reading
                    .examples
                    .gather(&batch.examples, batch.x.view_mut(), batch.y.view_mut())?;
            }
            EpochState::Blocks(state) => {
                let (batch_size, m, shard) = (self.batch_size, self.m, self.shard);
                // Whether the example at `offset` in the epoch falls in this process's shard.
                let used = |offset: usize| match shard {
                    None => true,
                    Some((rank, ranks)) => {
                        let start = offset - offset % batch_size;
                        crate::train::distributed::shard(batch_size.min(m - start), rank, ranks)
                            .contains(&(offset - start))
                    }
                };
                let BlockState {
                    blocks,
                    next_block,
                    next_start,
                    held,
                    permutation,
                    columns,
                    position,
                    start_at,
                } = &mut **state;
                for i in 0..k {
                    if *position >= permutation.len() {
                        let from = std::mem::take(start_at);
                        let block = Block {
                            number: *next_block,
                            start: *next_start,
                            from,
                        };
                        read_block(&mut self.reading, blocks, block, &used, held, permutation, columns)?;
                        *position = from;
                        *next_start += permutation.len();
                        *next_block += 1;
                    }
                    if mine.contains(&i) {
                        let (j, column) = (i - mine.start, columns[permutation[*position]]);
                        batch.x.column_mut(j).assign(&held.x.column(column));
                        batch.y.column_mut(j).assign(&held.y.column(column));
                        batch.examples.push(held.examples[column]);
                    }
                    *position += 1;
                }
            }
        }
        self.done += k;
        if self.reading.check && batch.len() > 0 {
            check_batch(&self.reading, batch)?;
        }
        Ok(k)
    }
}

/// Which block to read: its number, where it starts in the epoch, and the first position of
/// its permutation to visit (after 0 when a resumed epoch starts inside it).
struct Block {
    number: usize,
    start: usize,
    from: usize,
}

/// Draws `block`'s permutation and reads into `held` the examples this process uses (`used`
/// says which, by their offset in the epoch) from the positions it will visit, in the order
/// its chunks are read; `columns` maps each example of the block to its column in `held`.
fn read_block<F: Float>(
    reading: &mut Reading<'_, F>,
    blocks: &Blocks,
    block: Block,
    used: &dyn Fn(usize) -> bool,
    held: &mut Batch<F>,
    permutation: &mut Vec<usize>,
    columns: &mut Vec<usize>,
) -> Result<()> {
    let size = blocks.size(block.number);
    *permutation = blocks.permutation(block.number);
    const UNUSED: usize = usize::MAX;
    const USED: usize = usize::MAX - 1;
    columns.clear();
    columns.resize(size, UNUSED);
    for p in block.from..size {
        if used(block.start + p) {
            columns[permutation[p]] = USED;
        }
    }
    held.examples.clear();
    for (q, example) in blocks.chunks(block.number).flatten().enumerate() {
        if columns[q] == USED {
            columns[q] = held.examples.len();
            held.examples.push(example);
        }
    }
    let count = held.examples.len();
    if held.x.ncols() < count {
        // Sized once for a whole block, the largest (the first block is never smaller).
        let examples = std::mem::take(&mut held.examples);
        *held = Batch::new(
            reading.examples.n_x(),
            reading.examples.n_y(),
            size,
            reading.column_major,
        );
        held.examples = examples;
    }
    let (x, y) = (
        held.x.slice_mut(ndarray::s![.., ..count]),
        held.y.slice_mut(ndarray::s![.., ..count]),
    );
    reading.examples.gather(&held.examples, x, y)
}

/// Checks every value of a batch read from data ndnet has not checked whole.
fn check_batch<F: Float>(reading: &Reading<'_, F>, batch: &Batch<F>) -> Result<()> {
    check_examples(
        &*reading.examples,
        reading.cost,
        batch.x.view(),
        batch.y.view(),
        &batch.examples,
    )
}

/// Checks the examples `indices` of `examples`, read into `x` and `y`: every value finite, every
/// label one `cost` accepts.
///
/// # Errors
/// [`Error::BadExample`] naming the data, the example and what is wrong with it.
pub(crate) fn check_examples<F: Float, E: Examples<F> + ?Sized>(
    examples: &E,
    cost: Cost,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    indices: &[usize],
) -> Result<()> {
    let bad = |column: usize, message: String| Error::BadExample {
        data: examples.describe(),
        example: indices.get(column).copied().unwrap_or(column),
        message,
    };
    if let Err(Error::NonFinite { row, column, value, .. }) = crate::base::check::finite("X", x) {
        return Err(bad(column, format!("X holds {value} at feature {row}")));
    }
    match cost.check_labels(y) {
        Ok(()) => Ok(()),
        Err(Error::NonFinite { row, column, value, .. }) => Err(bad(column, format!("Y holds {value} at row {row}"))),
        Err(Error::LabelOutOfRange {
            cost,
            row,
            column,
            value,
        }) => Err(bad(
            column,
            format!("Y holds {value} at row {row}; {cost} needs labels in [0, 1]"),
        )),
        Err(other) => Err(Error::BadExample {
            data: examples.describe(),
            example: indices.first().copied().unwrap_or(0),
            message: format!("in the batch starting here: {other}"),
        }),
    }
}

/// A [`Batcher`] on a thread of its own, reading the next batch while the current step
/// computes. Batches come back in the order an inline batcher gives them, with the same values.
pub(crate) struct Prefetch<F> {
    ready: Receiver<Result<(Batch<F>, usize)>>,
    free: SyncSender<Batch<F>>,
}

impl<F: Float> Prefetch<F> {
    /// Starts `batcher` on a thread of `scope`, for `batches` batches in all (the first epoch as
    /// begun by [`Batcher::resume_at`]): no example is read that no step will use.
    pub(crate) fn start<'scope, 'env: 'scope>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        mut batcher: Batcher<'env, F>,
        mut batches: usize,
    ) -> Prefetch<F>
    where
        F: 'env,
    {
        let (ready_tx, ready) = sync_channel::<Result<(Batch<F>, usize)>>(1);
        let (free, free_rx) = sync_channel::<Batch<F>>(4);
        // Reading runs beside the step: its own parallel loops (an in-memory gather) stay on
        // this thread instead of taking the workers from the step's products.
        scope.spawn(move || {
            crate::linalg::pool::without_workers(|| {
                let mut spare: Vec<Batch<F>> = Vec::new();
                let (full, last) = batcher.batch_sizes();
                while batches > 0 {
                    let in_epoch = batcher.begin_epoch();
                    for t in 0..in_epoch.min(batches) {
                        batches -= 1;
                        spare.extend(free_rx.try_iter());
                        let size = batcher.shard_len(if t + 1 == in_epoch { last } else { full });
                        let mut batch = match spare.iter().position(|b| b.len() == size) {
                            Some(i) => spare.swap_remove(i),
                            None => batcher.buffer(size),
                        };
                        let filled = batcher.fill(&mut batch).map(|k| (batch, k));
                        let failed = filled.is_err();
                        // The step side has gone (training ended): stop reading.
                        if ready_tx.send(filled).is_err() || failed {
                            return;
                        }
                    }
                }
            })
        });
        Prefetch { ready, free }
    }

    /// The next batch (this process's shard of it) and the size of the whole batch, in order;
    /// the previous one goes back to be filled again.
    pub(crate) fn next(&mut self, done_with: Option<Batch<F>>) -> Result<(Batch<F>, usize)> {
        if let Some(batch) = done_with {
            // A full pool only means the reader has buffers enough.
            let _ = self.free.try_send(batch);
        }
        self.ready.recv().unwrap_or_else(|_| {
            Err(Error::InvalidArgument {
                argument: "examples",
                message: "the thread reading the examples ended before training did (it panicked)".into(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, ArrayViewMut2};

    use super::*;
    use crate::data::InMemory;

    /// Examples 0..m whose X holds each example's index; every index read is counted.
    struct Counted<'a> {
        examples: InMemory<'a, f64>,
        read: Vec<usize>,
    }

    impl Examples<f64> for Counted<'_> {
        fn n_x(&self) -> usize {
            1
        }
        fn n_y(&self) -> usize {
            1
        }
        fn m(&self) -> usize {
            self.examples.m()
        }
        fn gather(&mut self, indices: &[usize], x: ArrayViewMut2<f64>, y: ArrayViewMut2<f64>) -> Result<()> {
            self.read.extend_from_slice(indices);
            self.examples.gather(indices, x, y)
        }
        fn describe(&self) -> String {
            "counted".into()
        }
    }

    /// (the examples of every batch, every index read) of 2 epochs of 23 examples in batches
    /// of 5, from batch 2 of epoch 1 when `resumed`, on rank `rank` of `ranks` (`None`: alone).
    fn batches(shuffle: Shuffle, shard: Option<(usize, usize)>, resumed: bool) -> (Vec<Vec<usize>>, Vec<usize>) {
        let x = Array2::from_shape_fn((1, 23), |(_, j)| j as f64);
        let mut counted = Counted {
            examples: InMemory::new(&x, &x).unwrap(),
            read: Vec::new(),
        };
        let reading = Reading {
            examples: &mut counted,
            check: false,
            cost: Cost::MeanSquaredError,
            column_major: true,
        };
        let mut batcher = Batcher::new(reading, shuffle, 4, 5).unwrap();
        if let Some((rank, ranks)) = shard {
            batcher.shard(rank, ranks);
        }
        let first_epoch = usize::from(resumed);
        batcher.resume_at(first_epoch, if resumed { 2 } else { 0 });
        let mut out = Vec::new();
        for _ in first_epoch..2 {
            let in_epoch = batcher.begin_epoch();
            for t in 0..in_epoch {
                let (full, last) = batcher.batch_sizes();
                let k = if t + 1 == in_epoch { last } else { full };
                let mut batch = batcher.buffer(batcher.shard_len(k));
                batcher.fill(&mut batch).unwrap();
                assert!(batch.x.iter().zip(&batch.examples).all(|(&v, &e)| v == e as f64));
                out.push(batch.examples);
            }
        }
        (out, counted.read)
    }

    /// Every rank's shards, side by side, are the batches one process reads, and a rank reads
    /// the examples of its shards only (with `Blocks` too, where one process reads whole blocks).
    #[test]
    fn the_shards_of_the_ranks_make_the_batches_and_each_rank_reads_its_own() {
        let shuffles = [
            Shuffle::Full,
            Shuffle::None,
            Shuffle::Blocks {
                chunk: 3,
                chunks_per_block: 2,
            },
            Shuffle::Blocks {
                chunk: 4,
                chunks_per_block: 3,
            },
        ];
        for shuffle in shuffles {
            for resumed in [false, true] {
                let (alone, alone_read) = batches(shuffle, None, resumed);
                for ranks in 1..=4 {
                    let shards: Vec<_> = (0..ranks)
                        .map(|r| batches(shuffle, Some((r, ranks)), resumed))
                        .collect();
                    for (t, batch) in alone.iter().enumerate() {
                        let joined: Vec<usize> = shards.iter().flat_map(|(b, _)| b[t].clone()).collect();
                        assert_eq!(&joined, batch, "{shuffle:?}, {ranks} ranks, batch {t}");
                    }
                    let mut read: Vec<usize> = shards.iter().flat_map(|(_, read)| read.clone()).collect();
                    let mut expected = alone_read.clone();
                    read.sort_unstable();
                    expected.sort_unstable();
                    assert_eq!(read, expected, "{shuffle:?}, {ranks} ranks: rows read");
                }
            }
        }
    }
}
