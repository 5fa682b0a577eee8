//! [`Distributed`]: an MPI communicator as the group data-parallel training runs on.

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives, Root};

use super::Collective;

/// Training spread over the processes of an MPI communicator
/// ([`FitOptions::distributed`](crate::FitOptions::distributed)): every process runs the same
/// program, and [`Network::fit`](crate::Network::fit) makes them train one network on shards of
/// each global batch (see the module's formula in the README's "Beyond one machine").
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
