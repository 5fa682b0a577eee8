//! Synchronous data-parallel training across processes (feature `mpi`): every rank holds the
//! same network, reads its shard of every global batch, and the ranks sum their gradients with
//! one all-reduce per step before the same update — Horovod's design, on MPI (the `mpi` crate
//! over MPICH or Open MPI).
//!
//! ```text
//! every rank:  the same shuffle of the m examples (the same seed)
//!              global batch t = examples [tB, (t+1)B) of that order
//!              shard of rank r = the r-th of R contiguous slices, sizes ⌊k/R⌋ or ⌊k/R⌋ + 1
//!                                (the first k mod R ranks take one more)
//!              forward and backward on the shard → Σ dW, Σ db, Σ cost over its examples
//!              one all-reduce (sum) of [dW[1], db[1], …, dW[L], db[L], cost, failed]
//!              ÷ k → the global batch's mean gradients and cost; + the L2 term once
//!              the same optimizer update on every rank
//! ```
//!
//! The parameters start from rank 0's (broadcast), and every [`Distributed::check_every`]
//! steps the ranks compare a checksum of their parameters: a difference is an error, never a
//! silent fork. A rank that cannot read its shard still joins the all-reduce and says so, so
//! every rank ends with the error at the same step. Only rank 0 calls the callback and writes
//! checkpoints; a checkpoint written by R ranks resumes on any number of ranks, and on one.

use std::any::Any;

use crate::{Error, Float, Result};

#[cfg(feature = "mpi")]
mod mpi_world;

/// The collective operations data-parallel training needs, over a group of processes.
pub(crate) trait Collective {
    /// This process's rank, from 0.
    fn rank(&self) -> usize;
    /// The number of processes.
    fn ranks(&self) -> usize;
    /// Sums `local` element-wise over every rank into `global` (of the same length) on every
    /// rank.
    fn sum_f64(&self, local: &[f64], global: &mut [f64]);
    /// As [`Collective::sum_f64`], in f32.
    fn sum_f32(&self, local: &[f32], global: &mut [f32]);
    /// The smallest and the largest of every rank's `value`.
    fn min_max(&self, value: u64) -> (u64, u64);
    /// Rank 0's `bytes` on every rank.
    fn broadcast(&self, bytes: &mut Vec<u8>);
}

/// Sums `local` over every rank into `global`, in their own float type.
// `Vec`s, not slices: a slice is unsized, and only a sized type can be asked which it is.
#[allow(clippy::ptr_arg)]
pub(crate) fn sum<F: Float>(comm: &dyn Collective, local: &Vec<F>, global: &mut Vec<F>) {
    let (local, global): (&dyn Any, &mut dyn Any) = (local, global);
    match (local.downcast_ref::<Vec<f64>>(), global.downcast_mut::<Vec<f64>>()) {
        (Some(local), Some(global)) => comm.sum_f64(local, global),
        _ => match (local.downcast_ref::<Vec<f32>>(), global.downcast_mut::<Vec<f32>>()) {
            (Some(local), Some(global)) => comm.sum_f32(local, global),
            _ => unreachable!("Float is implemented for f32 and f64 only (sealed)"),
        },
    }
}

/// The shard of a global batch of `k` examples that rank `rank` of `ranks` takes: the
/// positions `start..end` of the batch. Sizes differ by at most one; the first `k mod ranks`
/// ranks take one more; a rank may take none when `k < ranks`.
pub(crate) fn shard(k: usize, rank: usize, ranks: usize) -> std::ops::Range<usize> {
    let (each, extra) = (k / ranks, k % ranks);
    let start = rank * each + rank.min(extra);
    start..start + each + usize::from(rank < extra)
}

/// A checksum of every parameter's bits, equal on every rank whose parameters are equal.
pub(crate) fn checksum<F: Float>(net: &crate::Network<F>) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for layer in net.layers() {
        for v in layer.w().iter().chain(layer.b()) {
            hash = (hash ^ v.as_f64().to_bits()).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Makes every rank start from rank 0's parameters.
///
/// # Errors
/// [`Error::InvalidArgument`] on a rank whose network does not have as many parameters as
/// rank 0's (nothing is changed there); pass the outcome through [`agree`] so that every rank
/// ends.
pub(crate) fn start_from_rank_0<F: Float>(comm: &dyn Collective, net: &mut crate::Network<F>) -> Result<()> {
    let mut bytes = Vec::new();
    if comm.rank() == 0 {
        for layer in net.layers() {
            for v in layer.w().iter().chain(layer.b()) {
                bytes.extend_from_slice(&v.as_f64().to_le_bytes());
            }
        }
    }
    comm.broadcast(&mut bytes);
    let count: usize = net.layers().iter().map(|l| l.w().len() + l.b().len()).sum();
    if bytes.len() != count.saturating_mul(8) {
        return Err(Error::InvalidArgument {
            argument: "network",
            message: format!(
                "rank 0's network has {} parameters, rank {}'s has {count}: every rank must build the same network",
                bytes.len() / 8,
                comm.rank()
            ),
        });
    }
    let mut values = bytes
        .chunks_exact(8)
        .map(|b| F::from_f64(f64::from_le_bytes(b.try_into().expect("chunks of 8 bytes"))));
    for layer in net.layers_mut() {
        let (mut w, mut b) = layer.parameters_mut();
        for (v, value) in w.iter_mut().chain(b.iter_mut()).zip(&mut values) {
            *v = value;
        }
    }
    Ok(())
}

/// `outcome` on every rank: when it failed on any rank, every rank returns an error (the rank's
/// own, or `elsewhere` on the ranks where it did not fail), so that no rank waits for the others
/// at the next collective operation.
pub(crate) fn agree<T>(comm: &dyn Collective, outcome: Result<T>, elsewhere: &str) -> Result<T> {
    let mut failed = [0.0];
    comm.sum_f64(&[f64::from(u8::from(outcome.is_err()))], &mut failed);
    match outcome {
        Ok(_) if failed[0] > 0.0 => Err(Error::InvalidArgument {
            argument: "distributed",
            message: elsewhere.to_owned(),
        }),
        outcome => outcome,
    }
}

/// `outcome` on this process alone (`group` is `None`), or on every rank of `group` as
/// [`agree`] makes it: a check refused on one rank before training is refused on all.
pub(crate) fn on_every_rank<T>(group: Option<&dyn Collective>, outcome: Result<T>) -> Result<T> {
    match group {
        None => outcome,
        Some(comm) => agree(
            comm,
            outcome,
            "another rank refused its inputs before training (its own error says why)",
        ),
    }
}

/// Checks that every rank was given the same run (`run` describes it: the network's shape, the
/// sizes of the data, the batches and the length): a checksum of the description, compared.
pub(crate) fn check_same_run(comm: &dyn Collective, run: &str) -> Result<()> {
    let hash = run.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let (min, max) = comm.min_max(hash);
    match min == max {
        true => Ok(()),
        false => Err(Error::InvalidArgument {
            argument: "distributed",
            message: format!(
                "the ranks were given different runs; every rank must train the same network on data of \
                 the same sizes with the same configuration. This rank's: {run}"
            ),
        }),
    }
}

/// The error every rank returns when the ranks' parameters differ.
pub(crate) fn diverged(step: usize) -> Error {
    Error::InvalidArgument {
        argument: "distributed",
        message: format!(
            "the ranks' parameters differ after step {step} (their checksums disagree): every rank \
             must start from the same network and optimizer, and see the same examples"
        ),
    }
}

#[cfg(feature = "mpi")]
pub use mpi_world::Distributed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_batch_in_order_and_differ_by_at_most_one() {
        for k in 0..40 {
            for ranks in 1..6 {
                let shards: Vec<_> = (0..ranks).map(|r| shard(k, r, ranks)).collect();
                assert_eq!(shards[0].start, 0);
                assert_eq!(shards[ranks - 1].end, k);
                for pair in shards.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                }
                let sizes: Vec<usize> = shards.iter().map(|s| s.len()).collect();
                let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(max - min <= 1, "{k} over {ranks}: {sizes:?}");
            }
        }
        assert_eq!(shard(7, 0, 3), 0..3); // the first 7 mod 3 = 1 rank takes one more
        assert_eq!(shard(7, 2, 3), 5..7);
        assert_eq!(shard(1, 1, 2), 1..1); // a rank may take none
    }
}
