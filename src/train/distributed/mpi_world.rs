//! [`Distributed`]: an MPI communicator as the group data-parallel training runs on.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives, Root};

use super::Collective;

/// Training spread over the processes of an MPI communicator
/// ([`FitOptions::distributed`](crate::FitOptions::distributed)): every process runs the same
/// program, and [`Network::fit`](crate::Network::fit) makes them train one network on shards of
/// each global batch — synchronous data parallelism, as Horovod and PyTorch's DDP do it.
///
/// ```text
/// every rank:  the same shuffle of the m examples (TrainConfig::seed)
///              global batch t = the next batch_size examples of that order (k of them)
///              shard of rank r = the r-th of R contiguous slices of the batch, of ⌊k/R⌋ or
///                                ⌊k/R⌋ + 1 examples (the first k mod R ranks take one more;
///                                a rank may take none when k < R)
///              forward and backward on the shard → Σ dW[l], Σ db[l], Σ cost over its examples
///              one all-reduce (sum) of [dW[1], db[1], …, dW[L], db[L], cost, failed]
///              ÷ k → the batch's mean gradients and cost; + the L2 term once
///              the same optimizer update on every rank
/// ```
///
/// The parameters start from rank 0's (broadcast), and every [`check_every`](Self::check_every)
/// steps the ranks compare a checksum of their parameters: a difference is an error on every
/// rank, never a silent fork. The result is one process's training on the same global batches
/// up to rounding (the sums are split differently): within 1e-15 relative in f64 and 2e-7 in
/// f32 after 50 steps on 1, 2 and 3 ranks, and two runs on the same number of ranks give the
/// same bits (`tests/distributed`).
///
/// Around the step:
/// - **The data.** Every rank passes its own source to `fit`: an in-memory X (every rank holds
///   all of it and copies its shards), or a source read batch by batch such as
///   [`NpyExamples`](crate::data::NpyExamples), of which each rank reads only the examples of
///   its shards (with every [`Shuffle`](crate::Shuffle)).
/// - **Batch gradient descent** (no batch size) runs as one global batch of all m examples per
///   step, shared out the same way: the single-process shortcuts (the Gram form, the fused
///   logistic pass) are not taken, the iterates are the same up to rounding.
/// - **Validation and early stopping.** Each rank evaluates its shard of the validation set and
///   the sums are all-reduced: every rank records the same figures and stops at the same epoch.
/// - **Refused**: dropout (its masks come from one generator per process). Inputs that differ
///   between the ranks (a value one rank refuses, another network, other data sizes or batches)
///   are errors on every rank before the first step: no rank waits for the others.
/// - **Rank 0 alone** calls the callback and writes checkpoints; a checkpoint written by R ranks
///   resumes on R ranks (the same bits as an uninterrupted run) or on any other number, one
///   process without MPI included (the same parameters up to rounding).
/// - **Faults.** A rank that cannot read its shard or evaluate the validation set says so in the
///   step's all-reduce, and every rank ends with an error at the same step. A rank that dies is
///   the MPI launcher's to handle: MPICH's `mpiexec` ends the job when one of its processes is
///   killed (measured: 0.02 s after a SIGKILL); relaunch with
///   [`Checkpoints::resume`](crate::Checkpoints::resume) to lose at most the steps since the
///   last checkpoint.
///
/// Threads: each process runs [`num_threads`](crate::num_threads) threads; set
/// `NDNET_NUM_THREADS` so that the ranks on a machine × their threads do not exceed its cores
/// (MPI waits by spinning: more busy processes than cores slows every step).
///
/// ```no_run
/// use ndnet::mpi::traits::Communicator;
/// use ndnet::{Distributed, FitOptions, TrainConfig};
///
/// let universe = ndnet::mpi::initialize().expect("MPI starts once per process");
/// let world = universe.world();
/// let distributed = Distributed::new(&world).check_every(50);
/// assert_eq!(distributed.ranks(), world.size() as usize);
/// let options = FitOptions::<f32>::new(TrainConfig::epochs(10).batch_size(200)).distributed(distributed);
/// ```
///
/// `examples/distributed_mnist.rs` is a whole program; the README's "Beyond one machine" says
/// how to build and launch it on one machine and on several.
#[derive(Clone, Copy)]
pub struct Distributed<'a> {
    world: &'a SimpleCommunicator,
    check_every: usize,
}

impl<'a> Distributed<'a> {
    /// Training over every process of `world`, comparing the parameters' checksums every 100
    /// steps.
    pub fn new(world: &'a SimpleCommunicator) -> Self {
        Distributed {
            world,
            check_every: 100,
        }
    }

    /// The same, comparing the ranks' parameters every `steps` steps (0 never compares): two
    /// small all-reduces of one number each.
    #[must_use]
    pub fn check_every(mut self, steps: usize) -> Self {
        self.check_every = steps;
        self
    }

    /// Steps between two comparisons of the ranks' parameters (0: never).
    pub fn checks_every(&self) -> usize {
        self.check_every
    }

    /// This process's rank, from 0.
    pub fn rank(&self) -> usize {
        usize::try_from(self.world.rank()).expect("MPI ranks are not negative")
    }

    /// The number of processes.
    pub fn ranks(&self) -> usize {
        usize::try_from(self.world.size()).expect("an MPI communicator has at least one process")
    }
}

impl std::fmt::Debug for Distributed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Distributed")
            .field("rank", &self.rank())
            .field("ranks", &self.ranks())
            .field("check_every", &self.check_every)
            .finish()
    }
}

impl Collective for Distributed<'_> {
    fn rank(&self) -> usize {
        Distributed::rank(self)
    }

    fn ranks(&self) -> usize {
        Distributed::ranks(self)
    }

    fn sum_f64(&self, local: &[f64], global: &mut [f64]) {
        self.world.all_reduce_into(local, global, SystemOperation::sum());
    }

    fn sum_f32(&self, local: &[f32], global: &mut [f32]) {
        self.world.all_reduce_into(local, global, SystemOperation::sum());
    }

    fn min_max(&self, value: u64) -> (u64, u64) {
        let (mut min, mut max) = (0u64, 0u64);
        self.world.all_reduce_into(&value, &mut min, SystemOperation::min());
        self.world.all_reduce_into(&value, &mut max, SystemOperation::max());
        (min, max)
    }

    fn broadcast(&self, bytes: &mut Vec<u8>) {
        let root = self.world.process_at_rank(0);
        let mut len = bytes.len() as u64;
        root.broadcast_into(&mut len);
        bytes.resize(usize::try_from(len).expect("rank 0 holds these bytes in memory"), 0);
        root.broadcast_into(&mut bytes[..]);
    }
}
