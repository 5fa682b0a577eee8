//! The order in which an epoch visits the examples, before it is cut into mini-batches:
//! [`Shuffle`] chooses it, [`Order`] computes it, epoch after epoch, the same for the same seed,
//! and can start at any epoch (a resumed run replays the shuffles before it).

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::{Error, Result};

/// How each epoch orders the examples before cutting them into mini-batches
/// ([`TrainConfig::shuffle`](crate::TrainConfig::shuffle)), seeded by
/// [`TrainConfig::seed`](crate::TrainConfig::seed): the same seed gives the same batches.
///
/// | shuffle | every order possible | indices held | reads from a file |
/// |---|---|---|---|
/// | `Full` | yes | m (8 bytes each) | one example at a time |
/// | `Blocks` | within a block | one block | whole chunks, in sequence |
/// | `None` | no (file order) | none | in sequence |
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Shuffle {
    /// A new permutation of all m examples every epoch (the course's `random_mini_batches`):
    /// any example can share a batch with any other. It holds m indices, 8 bytes each (400 MB
    /// for 5·10⁷ examples) and reads a file one example at a time, so it suits data that fit
    /// the page cache.
    #[default]
    Full,
    /// For data larger than memory: the examples are cut into chunks of `chunk` consecutive
    /// examples; every epoch permutes the chunks, takes them `chunks_per_block` at a time into a
    /// block (held in memory: `chunk · chunks_per_block` examples), and permutes the examples
    /// within each block. A batch mixes examples of the chunks of one block (or of two, where
    /// blocks meet), from anywhere in the file; two examples of the same chunk always share a
    /// block. Reads are whole chunks, so a file streams at disk speed.
    Blocks {
        /// Consecutive examples read together (at least 1).
        chunk: usize,
        /// Chunks held and mixed together (at least 1).
        chunks_per_block: usize,
    },
    /// The examples in their order, every epoch.
    None,
}

impl Shuffle {
    /// Checks the sizes of [`Shuffle::Blocks`]: both at least 1, and a block's examples
    /// counted without overflow.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming the field.
    ///
    /// ```
    /// use ndnet::Shuffle;
    /// assert!(Shuffle::Blocks { chunk: 4096, chunks_per_block: 16 }.validate().is_ok());
    /// assert!(Shuffle::Blocks { chunk: 0, chunks_per_block: 16 }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        if let Shuffle::Blocks {
            chunk,
            chunks_per_block,
        } = *self
        {
            for (name, value) in [("chunk", chunk), ("chunks_per_block", chunks_per_block)] {
                if value == 0 {
                    return Err(Error::InvalidHyperparameter {
                        name,
                        value: 0.0,
                        reason: "must be at least 1",
                    });
                }
            }
            if chunk.checked_mul(chunks_per_block).is_none() {
                return Err(Error::InvalidHyperparameter {
                    name: "chunks_per_block",
                    value: chunks_per_block as f64,
                    reason: "chunk · chunks_per_block overflows usize",
                });
            }
        }
        Ok(())
    }
}

/// The examples of each epoch in the order [`Shuffle`] gives, one epoch at a time.
pub(crate) struct Order {
    shuffle: Shuffle,
    m: usize,
    seed: u64,
    /// The permutation of the last epoch begun (`Full` permutes it again every epoch, so that
    /// the same seed gives the bits of the course's loop; empty for `Blocks`).
    order: Vec<usize>,
    rng: StdRng,
    /// Epochs begun so far.
    epochs: usize,
}

/// One epoch's order: every example's index, or (for [`Shuffle::Blocks`]) the blocks.
pub(crate) enum Epoch {
    /// The m indices in the order visited ([`Order::indices`]).
    Indices,
    /// The blocks in the order visited.
    Blocks(Blocks),
}

impl Order {
    /// The order of `m` examples under `shuffle` with `seed`, before the first epoch.
    pub(crate) fn new(shuffle: Shuffle, m: usize, seed: u64) -> Self {
        Order {
            shuffle,
            m,
            seed,
            order: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
            epochs: 0,
        }
    }

    /// Begins the next epoch.
    pub(crate) fn next_epoch(&mut self) -> Epoch {
        let epoch = self.epochs;
        self.epochs += 1;
        let fresh = self.order.len() != self.m;
        match self.shuffle {
            Shuffle::Full | Shuffle::None if fresh => self.order = (0..self.m).collect(),
            _ => {}
        }
        match self.shuffle {
            Shuffle::Full => {
                self.order.shuffle(&mut self.rng);
                Epoch::Indices
            }
            Shuffle::None => Epoch::Indices,
            Shuffle::Blocks {
                chunk,
                chunks_per_block,
            } => Epoch::Blocks(Blocks::new(self.m, chunk, chunks_per_block, self.seed, epoch)),
        }
    }

    /// The indices of the last epoch begun under `Full` or `None`.
    pub(crate) fn indices(&self) -> &[usize] {
        &self.order
    }

    /// Skips to the start of epoch `epoch` (counted from 0): the shuffles of the epochs before
    /// it are replayed, so the next [`Order::next_epoch`] is the one an unbroken run would get.
    pub(crate) fn skip_to(&mut self, epoch: usize) {
        *self = Order::new(self.shuffle, self.m, self.seed);
        for _ in 0..epoch {
            if matches!(self.shuffle, Shuffle::Full) {
                self.next_epoch();
            } else {
                self.epochs += 1;
            }
        }
    }
}

/// The blocks of one epoch under [`Shuffle::Blocks`]: the chunks permuted with the epoch's
/// generator and taken `chunks_per_block` at a time; each block's examples are permuted with a
/// generator of its own, so that any block can be computed without the ones before it.
pub(crate) struct Blocks {
    m: usize,
    chunk: usize,
    seed: u64,
    epoch: usize,
    /// The chunks of each block, in the order visited.
    groups: Vec<Vec<usize>>,
}

impl Blocks {
    fn new(m: usize, chunk: usize, chunks_per_block: usize, seed: u64, epoch: usize) -> Self {
        let mut chunk_order: Vec<usize> = (0..m.div_ceil(chunk)).collect();
        chunk_order.shuffle(&mut StdRng::seed_from_u64(mix(seed, epoch as u64, u64::MAX)));
        let groups = chunk_order.chunks(chunks_per_block).map(<[usize]>::to_vec).collect();
        Blocks {
            m,
            chunk,
            seed,
            epoch,
            groups,
        }
    }

    /// The number of blocks.
    pub(crate) fn len(&self) -> usize {
        self.groups.len()
    }

    /// The examples `start..end` of each chunk of block `block`, in the order they are read.
    pub(crate) fn chunks(&self, block: usize) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.groups[block]
            .iter()
            .map(|&c| c * self.chunk..((c + 1) * self.chunk).min(self.m))
    }

    /// The number of examples of block `block`.
    pub(crate) fn size(&self, block: usize) -> usize {
        self.chunks(block).map(|r| r.len()).sum()
    }

    /// The order in which block `block` visits its examples, as positions 0..size in the order
    /// its chunks are read.
    pub(crate) fn permutation(&self, block: usize) -> Vec<usize> {
        let mut positions: Vec<usize> = (0..self.size(block)).collect();
        positions.shuffle(&mut StdRng::seed_from_u64(mix(
            self.seed,
            self.epoch as u64,
            block as u64,
        )));
        positions
    }

    /// Block `block`'s examples in the order visited.
    #[cfg(test)]
    fn examples(&self, block: usize) -> Vec<usize> {
        let read: Vec<usize> = self.chunks(block).flatten().collect();
        self.permutation(block).iter().map(|&p| read[p]).collect()
    }
}

/// A seed for one (epoch, block) of a run: splitmix64 steps over the three numbers, so that
/// nearby inputs give unrelated generators.
fn mix(seed: u64, epoch: u64, block: u64) -> u64 {
    let step = |mut z: u64| {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    step(step(step(seed) ^ epoch) ^ block)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flatten(order: &mut Order) -> Vec<usize> {
        match order.next_epoch() {
            Epoch::Indices => order.indices().to_vec(),
            Epoch::Blocks(blocks) => (0..blocks.len()).flat_map(|b| blocks.examples(b)).collect(),
        }
    }

    fn is_permutation(order: &[usize], m: usize) -> bool {
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        sorted == (0..m).collect::<Vec<_>>()
    }

    /// `Full` is the course loop's shuffle: one generator seeded once, the permutation of the
    /// last epoch shuffled again (the bits of every earlier run depend on it).
    #[test]
    fn full_shuffles_the_last_permutation_again_with_one_generator() {
        let mut order = Order::new(Shuffle::Full, 10, 7);
        let mut rng = StdRng::seed_from_u64(7);
        let mut expected: Vec<usize> = (0..10).collect();
        for _ in 0..3 {
            expected.shuffle(&mut rng);
            assert_eq!(flatten(&mut order), expected);
        }
    }

    #[test]
    fn every_epoch_visits_every_example_once_and_a_skip_replays_the_same_epochs() {
        for shuffle in [
            Shuffle::Full,
            Shuffle::None,
            Shuffle::Blocks {
                chunk: 3,
                chunks_per_block: 2,
            },
            Shuffle::Blocks {
                chunk: 100,
                chunks_per_block: 1,
            },
        ] {
            let mut order = Order::new(shuffle, 23, 5);
            let epochs: Vec<Vec<usize>> = (0..4).map(|_| flatten(&mut order)).collect();
            for epoch in &epochs {
                assert!(is_permutation(epoch, 23), "{shuffle:?}");
            }
            if shuffle != Shuffle::None {
                assert_ne!(epochs[0], epochs[1], "{shuffle:?}");
            }
            let mut resumed = Order::new(shuffle, 23, 5);
            resumed.skip_to(2);
            assert_eq!(flatten(&mut resumed), epochs[2], "{shuffle:?}");
            assert_eq!(flatten(&mut resumed), epochs[3], "{shuffle:?}");
        }
    }

    /// A block holds whole chunks: the examples of one chunk are visited within one block.
    #[test]
    fn a_block_holds_whole_chunks() {
        let epoch = Blocks::new(23, 3, 2, 9, 0);
        assert_eq!(epoch.len(), 4); // 8 chunks (the last of 2 examples), 2 per block
        for block in (0..epoch.len()).map(|b| epoch.examples(b)) {
            let mut chunks: Vec<usize> = block.iter().map(|i| i / 3).collect();
            chunks.sort_unstable();
            chunks.dedup();
            assert_eq!(chunks.len(), 2);
            let held: usize = chunks.iter().map(|&c| if c == 7 { 2 } else { 3 }).sum();
            assert_eq!(block.len(), held);
        }
    }

    #[test]
    fn block_sizes_are_checked() {
        assert!(
            Shuffle::Blocks {
                chunk: 1,
                chunks_per_block: 0
            }
            .validate()
            .is_err()
        );
        assert!(
            Shuffle::Blocks {
                chunk: usize::MAX,
                chunks_per_block: 2
            }
            .validate()
            .is_err()
        );
        assert!(Shuffle::Full.validate().is_ok());
    }
}
