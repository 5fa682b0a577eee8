//! Kill and resume across ranks: `mpiexec -n 2` trains with checkpoints, the parent kills rank 1
//! with SIGKILL at a step drawn from a printed seed; the job must end (nonzero exit) within a
//! bounded time; resumed from the last checkpoint on 2 ranks it reaches the bits of an
//! uninterrupted 2-rank run, and on 1 rank (under mpiexec, and a plain process without MPI) the
//! same parameters within the f64 tolerance (the gradient sums are split differently).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ndnet::rand::rngs::StdRng;
use ndnet::rand::{RngExt, SeedableRng};
use ndnet::{Checkpoints, Distributed, Every, FitOptions, TrainConfig};

use crate::jobs::{self, Kind};
use crate::launch;

/// 12 epochs of 5 batches (301 examples in batches of 64): 60 steps, a checkpoint every 5.
const EPOCHS: usize = 12;
const STEPS: usize = 60;
const EVERY: usize = 5;

/// How long the job may take to end after one of its ranks is killed.
const END_WITHIN: Duration = Duration::from_secs(30);

/// Trains the digits job (f64, Adam) on this process or over `distributed`, with checkpoints
/// at `{dir}/{tag}.safetensors` (resumed when `resume`); rank 0 prints every step and writes the
/// parameters' bits to `{dir}/{tag}.out`.
fn train(distributed: Option<Distributed<'_>>, dir: &Path, tag: &str, resume: bool) {
    let (x, y, _, _) = jobs::data::<f64>(Kind::Digits);
    let mut net = jobs::network::<f64>(Kind::Digits);
    let mut optimizer = jobs::optimizer::<f64>(Kind::Digits, true);
    let config = TrainConfig::epochs(EPOCHS).batch_size(64).seed(11).record_every(1);
    let mut checkpoints = Checkpoints::new(dir.join(format!("{tag}.safetensors")), Every::Steps(EVERY));
    if resume {
        checkpoints = checkpoints.resume();
    }
    let mut options = FitOptions::new(config).checkpoints(checkpoints).callback(|record| {
        println!("step {}", record.iteration);
        // Slow enough that the parent's SIGKILL lands mid-run.
        std::thread::sleep(Duration::from_millis(20));
    });
    if let Some(distributed) = distributed {
        options = options.distributed(distributed);
    }
    net.fit((&x, &y), &mut *optimizer, options).expect("training");
    if distributed.is_none_or(|d| d.rank() == 0) {
        let bits: Vec<String> = net
            .layers()
            .iter()
            .flat_map(|l| {
                l.w()
                    .iter()
                    .chain(l.b())
                    .map(|v| format!("{:x}", v.to_bits()))
                    .collect::<Vec<_>>()
            })
            .collect();
        std::fs::write(dir.join(format!("{tag}.out")), bits.join("\n")).expect("write the parameters");
    }
}

/// A rank's side: `<tag> [resume]`; writes its process id to `{dir}/{tag}.pid{rank}` first.
pub fn rank(distributed: Distributed<'_>, dir: &Path, args: &[String]) {
    let tag = &args[0];
    let pid = dir.join(format!("{tag}.pid{}", distributed.rank()));
    std::fs::write(pid, std::process::id().to_string()).expect("write the process id");
    train(Some(distributed), dir, tag, args.get(1).is_some());
}

fn parameters(dir: &Path, tag: &str) -> Vec<f64> {
    launch::read(&dir.join(format!("{tag}.out")))
        .lines()
        .map(|h| f64::from_bits(u64::from_str_radix(h, 16).expect("hex bits")))
        .collect()
}

fn steps(stdout: &str) -> Vec<usize> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("step ").and_then(|s| s.parse().ok()))
        .collect()
}

pub fn parent(dir: &Path) {
    let seed = std::env::var("NDNET_RESUME_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261207u64);
    let kill_after = StdRng::seed_from_u64(seed).random_range(EVERY + 2..STEPS * 3 / 4);
    println!(
        "distributed: killing rank 1 of 2 after step {kill_after} (drawn from seed {seed}; set NDNET_RESUME_SEED to replay another)"
    );
    let dir_arg = dir.to_str().expect("a UTF-8 path");
    launch::run(2, &["kill", dir_arg, "unbroken"]);
    let unbroken = parameters(dir, "unbroken");

    // Killed: rank 0's steps come through mpiexec's stdout, read on a thread of their own.
    let started = Instant::now();
    let mut job = launch::spawn(2, &["kill", dir_arg, "killed"]);
    let (send, steps_seen) = mpsc::channel();
    let stdout = BufReader::new(job.stdout.take().expect("piped"));
    let said = std::thread::spawn(move || {
        let mut said = String::new();
        for line in stdout.lines().map_while(Result::ok) {
            match line.strip_prefix("step ").and_then(|s| s.parse::<usize>().ok()) {
                Some(step) => drop(send.send(step)),
                None => said.push_str(&format!("{line}\n")),
            }
        }
        said
    });
    let killed_at = loop {
        match steps_seen.recv_timeout(launch::LIMIT.saturating_sub(started.elapsed())) {
            Ok(step) if step >= kill_after => break step,
            Ok(_) => {}
            Err(_) => {
                launch::stop(&mut job);
                panic!("the job ended or hung before step {kill_after}");
            }
        }
    };
    let pid: u32 = launch::read(&dir.join("killed.pid1"))
        .trim()
        .parse()
        .expect("rank 1's process id");
    launch::signal(pid, "KILL");
    let killed = Instant::now();
    let ended = launch::wait(job, killed, END_WITHIN);
    let took = killed.elapsed();
    assert!(
        !ended.status.success(),
        "a job whose rank was killed must fail: {}",
        ended.status
    );
    let stdout = said.join().expect("the job's output");
    let said = ended
        .stderr
        .lines()
        .chain(stdout.lines())
        .find(|l| l.to_lowercase().contains("signal"));
    let said = said.unwrap_or_else(|| {
        panic!(
            "mpiexec did not say a rank was killed ({}, after {took:?}):\n{stdout}\n{}",
            ended.status, ended.stderr
        )
    });
    println!(
        "distributed: rank 1 killed after step {killed_at}: the job ended {:.2} s later ({}), mpiexec said \"{}\"",
        took.as_secs_f64(),
        ended.status,
        said.trim()
    );
    assert!(!dir.join("killed.out").exists(), "a killed job wrote no result");
    let checkpoint = dir.join("killed.safetensors");
    assert!(
        checkpoint.exists(),
        "killed after step {killed_at}, no checkpoint was written"
    );
    for copy in ["killed-one", "killed-plain"] {
        std::fs::copy(&checkpoint, dir.join(format!("{copy}.safetensors"))).expect("copy the checkpoint");
    }

    // Resumed on 2 ranks: from the checkpoint (not from the start), to the same bits.
    let resumed = launch::run(2, &["kill", dir_arg, "killed", "resume"]);
    let first = steps(&resumed.stdout)
        .first()
        .copied()
        .expect("the resumed job took a step");
    assert!(
        first > 0 && first <= killed_at + 1,
        "killed after step {killed_at}, the resumed job started at step {first}"
    );
    assert!(
        parameters(dir, "killed") == unbroken,
        "killed at step {killed_at} and resumed on 2 ranks, the parameters differ from the uninterrupted run"
    );
    println!("distributed: resumed on 2 ranks from step {first}: the bits of the uninterrupted run");

    // Resumed on 1 rank, under mpiexec and as a plain process.
    launch::run(1, &["kill", dir_arg, "killed-one", "resume"]);
    train(None, dir, "killed-plain", true);
    for tag in ["killed-one", "killed-plain"] {
        let resumed = parameters(dir, tag);
        let difference = crate::relative_difference(&resumed, &unbroken);
        assert!(
            difference <= crate::TOLERANCE_F64,
            "{tag}: a 2-rank checkpoint resumed on 1 rank ends {difference:e} away from the 2-rank run"
        );
        println!(
            "distributed: a 2-rank checkpoint resumed on 1 rank ({tag}): relative difference {difference:.1e} ({})",
            if resumed == unbroken {
                "the same bits"
            } else {
                "not the same bits"
            }
        );
    }
}
