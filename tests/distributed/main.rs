//! Data-parallel training on MPI, for real: this binary launches itself under `mpiexec` (real
//! processes, a real MPI) and checks what the ranks wrote.
//!
//! - `training`: every job of `jobs.rs` (MNIST-like softmax and tabular sigmoid, f64 and f32,
//!   Adam and momentum, 50 steps; `.npy` files read batch by batch with both shuffles; early
//!   stopping on a split and on a set; batch gradient descent, which one process runs in the
//!   fused logistic pass and in the Gram form) on 1, 2 and 3 ranks gives the parameters of one process
//!   trained on the same global batches, within 1e-12 relative (f64) and 1e-5 (f32); every rank
//!   holds the same parameters; two 2-rank runs agree bit for bit; every `.npy` row is read by
//!   one rank only; every rank takes the same early-stopping decision.
//! - `refusals`: ranks given different inputs (a value one refuses, another network, another
//!   learning rate, dropout) all end with an error, none waits for the others.
//! - `search`: the ranking of a search spread over 2 ranks is the single-process one.
//! - `kill_and_resume`: one of 2 ranks killed with SIGKILL mid-run ends the job (nonzero exit,
//!   within a bounded time); resuming from the last checkpoint on 2 ranks gives the bits of an
//!   uninterrupted 2-rank run; on 1 rank (under mpiexec, and a plain process) the same within
//!   the tolerance.
//!
//! A plain program (`harness = false`): with no argument it runs every case; a free argument
//! runs the cases whose name holds it (as libtest filters), `--ignored` runs none (no case is
//! ignored). `--rank <mode> …` is a rank's side, under mpiexec.

mod jobs;
mod kill;
mod launch;
mod refusals;
mod search;

use std::path::{Path, PathBuf};

use jobs::{JOBS, Outcome, Source, Watch};
use ndnet::Distributed;

/// Relative tolerance of a distributed run against one process: f64 and f32.
pub const TOLERANCE_F64: f64 = 1e-12;
pub const TOLERANCE_F32: f64 = 1e-5;

/// A case: its name, and the parent's side (given a scratch folder).
type Case = (&'static str, fn(&Path));

const CASES: &[Case] = &[
    ("training", training),
    ("refusals", refusals::parent),
    ("search", search::parent),
    ("kill_and_resume", kill::parent),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--rank") {
        return rank(&args[1..]);
    }
    if args.iter().any(|a| a == "--ignored") {
        println!("distributed: no ignored case");
        return;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let dir = std::env::temp_dir().join(format!("ndnet-distributed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let mut ran = 0;
    for (name, case) in CASES {
        if filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())) {
            let started = std::time::Instant::now();
            case(&dir);
            println!("distributed: {name} passed in {:.1} s", started.elapsed().as_secs_f64());
            ran += 1;
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("distributed: {ran} cases passed");
}

/// A rank's side: `--rank <mode> <dir> [<args>…]`.
fn rank(args: &[String]) {
    let universe = ndnet::mpi::initialize().expect("MPI starts once per process");
    let world = universe.world();
    let distributed = Distributed::new(&world).check_every(10);
    let dir = PathBuf::from(&args[1]);
    match args[0].as_str() {
        "jobs" => {
            for job in JOBS {
                let outcome = jobs::train(job, Some(distributed), &dir);
                let path = dir.join(format!("{}.rank{}", job.name, distributed.rank()));
                std::fs::write(path, outcome.to_text()).expect("write the outcome");
            }
        }
        "refusals" => refusals::rank(distributed, &dir),
        "search" => search::rank(distributed, &dir),
        "kill" => kill::rank(distributed, &dir, &args[2..]),
        other => panic!("unknown mode {other}"),
    }
}

/// The largest |a − b| over the largest |b|: the relative difference of two parameter vectors.
pub fn relative_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "parameter counts");
    let scale = b.iter().fold(0.0f64, |s, v| s.max(v.abs()));
    let most = a.iter().zip(b).fold(0.0f64, |d, (x, y)| d.max((x - y).abs()));
    most / scale
}

/// Every job on 1, 2, 2 again and 3 ranks against one process.
fn training(dir: &Path) {
    jobs::write_npy_files(dir);
    let single: Vec<Outcome> = JOBS.iter().map(|job| jobs::train(job, None, dir)).collect();
    let launches = [(1, "r1"), (2, "r2"), (2, "r2-again"), (3, "r3")];
    let mut worst = [0.0f64; 2];
    for (ranks, tag) in launches {
        let out = dir.join(tag);
        std::fs::create_dir_all(&out).expect("a folder per launch");
        // The .npy files are read from the launch's folder.
        for job in JOBS.iter().filter(|j| matches!(j.source, Source::Npy(_))) {
            for end in ["x", "y"] {
                let name = format!("{}.{end}.npy", job.name);
                std::fs::copy(dir.join(&name), out.join(&name)).expect("copy the .npy file");
            }
        }
        launch::run(ranks, &["jobs", out.to_str().expect("a UTF-8 path")]);
        for (job, single) in JOBS.iter().zip(&single) {
            let outcomes: Vec<Outcome> = (0..ranks)
                .map(|r| Outcome::from_text(&launch::read(&out.join(format!("{}.rank{r}", job.name)))))
                .collect();
            let what = format!("{} on {ranks} ranks ({tag})", job.name);
            for (r, outcome) in outcomes.iter().enumerate() {
                assert_eq!(
                    outcome.bits, outcomes[0].bits,
                    "{what}: rank {r}'s parameters differ from rank 0's"
                );
                assert_eq!(
                    (outcome.epochs, outcome.best_epoch, outcome.stopped_early),
                    (single.epochs, single.best_epoch, single.stopped_early),
                    "{what}: rank {r}'s history (epochs, best epoch, stopped early) differs from one process's"
                );
            }
            let tolerance = if job.f64 { TOLERANCE_F64 } else { TOLERANCE_F32 };
            let difference = relative_difference(&outcomes[0].values(), &single.values());
            assert!(
                difference <= tolerance,
                "{what}: relative difference {difference:e} from one process > {tolerance:e}"
            );
            worst[usize::from(job.f64)] = worst[usize::from(job.f64)].max(difference);
            if job.watch != Watch::Nothing {
                let costs = relative_difference(&outcomes[0].valid_costs, &single.valid_costs);
                assert!(costs <= TOLERANCE_F64, "{what}: validation costs differ by {costs:e}");
                assert!(single.stopped_early, "{}: the job is meant to stop early", job.name);
            }
            if let Source::Npy(_) = job.source {
                check_reads(&what, &outcomes, single);
            }
            assert_eq!(
                outcomes[0].path, "MiniBatch",
                "{what}: a distributed run takes the mini-batch path"
            );
            println!(
                "distributed: {what}: relative difference {difference:.1e}, {} epochs (one process: {}){}",
                outcomes[0].epochs,
                single.path,
                match job.source {
                    Source::Npy(_) => format!(
                        ", rows read per rank {:?} of {}",
                        outcomes.iter().map(|o| o.read.len()).collect::<Vec<_>>(),
                        single.read.len()
                    ),
                    Source::InMemory => String::new(),
                }
            );
        }
    }
    // Two runs on the same number of ranks sum in the same order: the same bits.
    for job in JOBS {
        let [a, b] = ["r2", "r2-again"].map(|tag| launch::read(&dir.join(tag).join(format!("{}.rank0", job.name))));
        assert!(a == b, "{}: two 2-rank runs differ", job.name);
    }
    println!(
        "distributed: largest relative difference from one process: f64 {:.1e}, f32 {:.1e}; two 2-rank runs: the same bits",
        worst[1], worst[0]
    );
}

/// Every row one process read was read by exactly one rank (as many times), and no rank read
/// another row.
fn check_reads(what: &str, outcomes: &[Outcome], single: &Outcome) {
    let mut all: Vec<usize> = outcomes.iter().flat_map(|o| o.read.iter().copied()).collect();
    let mut expected = single.read.clone();
    all.sort_unstable();
    expected.sort_unstable();
    assert!(
        all == expected,
        "{what}: the ranks read {} rows together, one process {}; they must read the same rows, each once",
        all.len(),
        expected.len()
    );
}
