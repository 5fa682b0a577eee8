//! MNIST's digits trained by several processes at once (feature `mpi`): the [784, 128, 10]
//! ReLU/softmax network of `mnist_mlp`, Adam, a global batch of 200 shared out between the
//! ranks, the gradients summed by one MPI all-reduce per step.
//!
//! Every rank loads the 10,000 t10k digits from `$NDNET_DATA/mnist/`, splits them 80/20
//! (seeded, stratified: the same split on every rank) and calls the same `fit`; each reads
//! only its shard of every batch. Rank 0 prints one line at the end:
//! `train_accuracy=… test_accuracy=… train_seconds=…`, the same accuracy (within a point) on
//! any number of ranks. Unless `NDNET_NUM_THREADS` says otherwise, the ranks on one machine
//! share its cores: each runs ⌊cores / ranks on the machine⌋ threads (at least 1).
//!
//! Measured in docs/performance.md ("Distributed"), on AMD EPYC (Zen 4), 2 cores.
//!
//! Build and run (README, "Beyond one machine"):
//!
//! ```text
//! cargo build --release --features mpi,mnist --example distributed_mnist
//! NDNET_DATA=../shared/data mpiexec -n 2 target/release/examples/distributed_mnist
//! ```

use std::process::ExitCode;
use std::time::Instant;

use ndnet::data::{load_mnist, one_hot, require_file, train_test_split};
use ndnet::mpi::traits::Communicator;
use ndnet::{Activation, Adam, AdamConfig, Distributed, FitOptions, Initializer, Network, TrainConfig};
use rand::SeedableRng;

const HIDDEN: usize = 128;
const LEARNING_RATE: f64 = 2e-3;
/// The global batch: every step averages the gradients of 200 digits, whatever the ranks.
const BATCH: usize = 200;
const EPOCHS: usize = 10;

fn main() -> ExitCode {
    let Some(universe) = ndnet::mpi::initialize() else {
        eprintln!("error: MPI was initialized already");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    match run(Distributed::new(&world), &world) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error on rank {}: {e}", world.rank());
            ExitCode::FAILURE
        }
    }
}

fn run(distributed: Distributed<'_>, world: &impl Communicator) -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("NDNET_NUM_THREADS").is_none() {
        let here = usize::try_from(world.split_shared(0).size())?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ndnet::set_num_threads((cores / here).max(1));
    }
    let images = require_file("mnist/t10k-images-idx3-ubyte.gz", "MNIST's t10k test images")?;
    let labels = require_file("mnist/t10k-labels-idx1-ubyte.gz", "MNIST's t10k test labels")?;
    let digits = load_mnist::<f32>(images, labels)?;
    let y = one_hot::<f32, _>(&digits.labels, 10)?;

    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let split = train_test_split(&digits.x, &y, 0.2, true, &mut rng)?;
    let mut net = Network::<f32>::new(
        &[784, HIDDEN, 10],
        Activation::Relu,
        Activation::Softmax,
        Initializer::He,
        &mut rng,
    )?;
    let config = TrainConfig::epochs(EPOCHS).batch_size(BATCH).seed(1);
    let mut adam = Adam::new(AdamConfig::default().learning_rate(LEARNING_RATE))?;

    let start = Instant::now();
    net.fit(
        (&split.x_train, &split.y_train),
        &mut adam,
        FitOptions::new(config).distributed(distributed),
    )?;
    let train_seconds = start.elapsed().as_secs_f64();

    // Every rank holds the same network: rank 0 scores it and prints.
    if distributed.rank() == 0 {
        let train_accuracy = net.accuracy(&split.x_train, &split.y_train)?;
        let test_accuracy = net.accuracy(&split.x_test, &split.y_test)?;
        println!(
            "train_accuracy={train_accuracy:.4} test_accuracy={test_accuracy:.4} train_seconds={train_seconds:.3}"
        );
    }
    Ok(())
}
