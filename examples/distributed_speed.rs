//! The measurements of docs/performance.md's "Distributed" section (feature `mpi`), launched
//! under mpiexec; rank 0 prints a table.
//!
//! ```text
//! cargo build --release --features mpi --example distributed_speed
//! mpiexec -n 2 target/release/examples/distributed_speed allreduce   # all-reduce of 4 KB … 8 MB
//! mpiexec -n 2 target/release/examples/distributed_speed wide        # [784, 512, 256, 10], batch 2048
//! mpiexec -n 1 target/release/examples/distributed_speed wide        # the same on one process
//! mpiexec -n 2 target/release/examples/distributed_speed search      # 8 trials spread over the ranks
//! ```
//!
//! On one rank, `wide` and `search` run the plain single-process `fit` and `search` (no
//! all-reduce at all). Unless `NDNET_NUM_THREADS` says otherwise, the ranks on one machine share
//! its cores: each runs ⌊cores / ranks on the machine⌋ threads. The data are synthetic (seeded):
//! nothing to download.

use std::process::ExitCode;
use std::time::Instant;

use ndarray::Array2;
use ndnet::mpi::collective::SystemOperation;
use ndnet::mpi::topology::SimpleCommunicator;
use ndnet::mpi::traits::{Communicator, CommunicatorCollectives};
use ndnet::search::{self, SearchOptimizer, SearchSpace};
use ndnet::{Activation, Adam, AdamConfig, Distributed, FitOptions, Initializer, Network, TrainConfig, Validation};
use rand::{RngExt, SeedableRng};

fn main() -> ExitCode {
    let Some(universe) = ndnet::mpi::initialize() else {
        eprintln!("error: MPI was initialized already");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    if std::env::var_os("NDNET_NUM_THREADS").is_none() {
        let here = world.split_shared(0).size().max(1) as usize;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        ndnet::set_num_threads((cores / here).max(1));
    }
    let mode = std::env::args().nth(1).unwrap_or_default();
    let outcome = match mode.as_str() {
        "allreduce" => {
            allreduce(&world);
            Ok(())
        }
        "wide" => wide(&world),
        "search" => search(&world),
        _ => Err("say what to measure: allreduce, wide or search".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error on rank {}: {e}", world.rank());
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// Seconds per all-reduce (sum) of `len` f32, the median of 7 rounds of `repeats`.
fn time_allreduce(world: &SimpleCommunicator, len: usize, repeats: usize) -> f64 {
    let local = vec![1.0f32; len];
    let mut global = vec![0.0f32; len];
    for _ in 0..3 {
        world.all_reduce_into(&local[..], &mut global[..], SystemOperation::sum());
    }
    let mut rounds: Vec<f64> = (0..7)
        .map(|_| {
            world.barrier();
            let start = Instant::now();
            for _ in 0..repeats {
                world.all_reduce_into(&local[..], &mut global[..], SystemOperation::sum());
            }
            start.elapsed().as_secs_f64() / repeats as f64
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[3]
}

/// The all-reduce of one step's gradients against their size.
fn allreduce(world: &SimpleCommunicator) {
    let sizes = [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20];
    if world.rank() == 0 {
        println!("all-reduce (sum of f32) over {} ranks", world.size());
        println!("{:>10} {:>12} {:>10}", "bytes", "ms", "GB/s");
    }
    for bytes in sizes {
        let repeats = ((64 << 20) / bytes).clamp(10, 2000);
        let seconds = time_allreduce(world, bytes / 4, repeats);
        if world.rank() == 0 {
            println!(
                "{bytes:>10} {:>12.4} {:>10.2}",
                seconds * 1e3,
                bytes as f64 / seconds / 1e9
            );
        }
    }
}

/// The CPU time (user and system) of every rank's process so far, summed and the largest:
/// with the wall time it tells the work from the waiting for a core on a shared machine.
fn cpu_seconds(world: &SimpleCommunicator) -> (f64, f64) {
    // Fields 14 and 15 of /proc/self/stat (after the name in parentheses): utime and stime of
    // every thread, in clock ticks of 1/100 s (USER_HZ on Linux).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<f64>().ok())
        .sum();
    let mine = ticks / 100.0;
    let (mut sum, mut max) = (0.0, 0.0);
    world.all_reduce_into(&mine, &mut sum, SystemOperation::sum());
    world.all_reduce_into(&mine, &mut max, SystemOperation::max());
    (sum, max)
}

/// `m` random examples of 784 features and 10 one-hot classes.
fn examples(m: usize, seed: u64) -> (Array2<f32>, Array2<f32>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((784, m), |_| rng.random::<f32>());
    let classes: Vec<usize> = (0..m).map(|_| rng.random_range(0..10)).collect();
    let y = Array2::from_shape_fn((10, m), |(c, j)| f32::from(u8::from(classes[j] == c)));
    (x, y)
}

/// [784, 512, 256, 10] on global batches of 2048: examples per second, and the all-reduce of
/// its gradients (535,818 f32) timed alone.
fn wide(world: &SimpleCommunicator) -> Outcome {
    const BATCH: usize = 2048;
    const STEPS: usize = 24;
    let (x, y) = examples(8 * BATCH, 1);
    let distributed = Distributed::new(world);
    let mut seconds = Vec::new();
    for run in 0..4 {
        let mut net = Network::<f32>::new(
            &[784, 512, 256, 10],
            Activation::Relu,
            Activation::Softmax,
            Initializer::He,
            &mut rand::rngs::StdRng::seed_from_u64(0),
        )?;
        let mut adam = Adam::new(AdamConfig::default().learning_rate(1e-3))?;
        // The first run warms up (threads, page faults): only the others are timed.
        let steps = if run == 0 { 2 } else { STEPS };
        let mut options = FitOptions::new(TrainConfig::new(steps).batch_size(BATCH).seed(1));
        if world.size() > 1 {
            options = options.distributed(distributed);
        }
        world.barrier();
        let start = Instant::now();
        net.fit((&x, &y), &mut adam, options)?;
        if run > 0 {
            seconds.push(start.elapsed().as_secs_f64() / STEPS as f64);
        }
    }
    seconds.sort_by(f64::total_cmp);
    let step = seconds[seconds.len() / 2];
    let parameters = 784 * 512 + 512 + 512 * 256 + 256 + 256 * 10 + 10;
    let reduce = time_allreduce(world, parameters + 2, 20);
    if world.rank() == 0 {
        println!(
            "wide [784, 512, 256, 10], global batch {BATCH}, f32, Adam: {} ranks x {} threads: {:.1} ms per step, \
             {:.0} examples/s; all-reduce of the {parameters} gradients ({:.1} MB) alone {:.2} ms = {:.1} % of a step",
            world.size(),
            ndnet::num_threads(),
            step * 1e3,
            BATCH as f64 / step,
            (parameters * 4) as f64 / 1e6,
            reduce * 1e3,
            100.0 * reduce / step
        );
    }
    Ok(())
}

/// 8 trials (Adam; α 0.001, 0.003; 32, 64 hidden units; depth 1, 2) of 300 steps in batches of
/// 200 on 4,000 examples, spread over the ranks.
fn search(world: &SimpleCommunicator) -> Outcome {
    let (x, y) = examples(4000, 2);
    let (x_valid, y_valid) = examples(1000, 3);
    let space = SearchSpace {
        optimizers: vec![SearchOptimizer::Adam],
        learning_rates: vec![1e-3, 3e-3],
        hidden_units: vec![32, 64],
        depths: vec![1, 2],
        hidden_activation: Activation::Relu,
        output_activation: Activation::Softmax,
        initializer: Initializer::He,
        batch_sizes: vec![Some(200)],
        iterations: 300,
        ..SearchSpace::default()
    };
    let validation = Validation::new(&x_valid, &y_valid);
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    world.barrier();
    let start = Instant::now();
    let trials = match world.size() {
        1 => search::search(&space, &x, &y, &validation, &mut rng)?,
        _ => search::search_distributed(&space, &x, &y, &validation, &mut rng, Distributed::new(world))?,
    };
    let seconds = start.elapsed().as_secs_f64();
    let (cpu, busiest) = cpu_seconds(world);
    if world.rank() == 0 {
        println!(
            "search of {} trials on {} ranks x {} threads: {seconds:.2} s; CPU {cpu:.2} s on all ranks, \
             {busiest:.2} s on the busiest; best: {} units, depth {}, alpha {}",
            trials.len(),
            world.size(),
            ndnet::num_threads(),
            trials[0].hidden_units,
            trials[0].depth,
            trials[0].learning_rate
        );
    }
    Ok(())
}
