//! Kill and resume, for real: a child process (this binary, run with `--child`) trains with
//! checkpoints; the parent kills it with SIGKILL at a step drawn at random (from a printed
//! seed), restarts it with resume, and checks that its final parameters equal those of a run
//! that was never interrupted, bit for bit. f32 and f64, Adam and momentum, mini-batches of an
//! in-memory (X, Y) and of examples read batch by batch, batch gradient descent.
//!
//! A plain program (`harness = false` in Cargo.toml): `cargo test` runs it with no arguments,
//! which runs every case; `--child <case> <checkpoint> <out>` is the child's side.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ndnet::data::{self, InMemory};
use ndnet::rand::{Rng, SeedableRng};
use ndnet::{
    Activation, Adam, AdamConfig, Checkpoints, Every, FitOptions, Float, Initializer, Momentum, MomentumConfig,
    Network, Optimizer, TrainConfig,
};

/// One training job: the float type, the optimizer, how the examples are read, the batches.
#[derive(Clone, Copy, Debug)]
struct Case {
    name: &'static str,
    f64: bool,
    adam: bool,
    streamed: bool,
    batch_size: Option<usize>,
    every: Every,
}

const CASES: &[Case] = &[
    Case {
        name: "f64-adam-in-memory",
        f64: true,
        adam: true,
        streamed: false,
        batch_size: Some(16),
        every: Every::Steps(7),
    },
    Case {
        name: "f32-momentum-in-memory",
        f64: false,
        adam: false,
        streamed: false,
        batch_size: Some(16),
        every: Every::Steps(5),
    },
    Case {
        name: "f32-adam-streamed",
        f64: false,
        adam: true,
        streamed: true,
        batch_size: Some(24),
        every: Every::Steps(3),
    },
    Case {
        name: "f64-momentum-streamed",
        f64: true,
        adam: false,
        streamed: true,
        batch_size: Some(24),
        every: Every::Epochs(1),
    },
    Case {
        name: "f64-adam-full-batch",
        f64: true,
        adam: true,
        streamed: false,
        batch_size: None,
        every: Every::Steps(4),
    },
];

/// Epochs of every job: long enough that a kill lands in the middle.
const EPOCHS: usize = 12;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let case = CASES.iter().find(|c| c.name == args[at + 1]).expect("a known case");
        child(
            *case,
            Path::new(&args[at + 2]),
            Path::new(&args[at + 3]),
            args.get(at + 4).is_some(),
        );
        return;
    }
    let seed = std::env::var("NDNET_RESUME_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261207u64);
    println!("resume: killing at steps drawn from seed {seed} (set NDNET_RESUME_SEED to replay another)");
    let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(seed);
    let dir = std::env::temp_dir().join(format!("ndnet-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    for case in CASES {
        let steps = steps_of(case);
        let kill_after = rng.random_range(steps / 5..steps * 4 / 5);
        parent(*case, &dir, kill_after);
        println!(
            "resume: {} killed after step {kill_after} of {steps}, resumed: the same bits",
            case.name
        );
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("resume: {} cases passed", CASES.len());
}

fn steps_of(case: &Case) -> usize {
    let m = 150;
    EPOCHS * case.batch_size.map_or(1, |b| m.div_ceil(b))
}

/// Runs the case uninterrupted, then killed after `kill_after` steps and resumed; compares.
fn parent(case: Case, dir: &Path, kill_after: usize) {
    let run = |tag: &str| {
        (
            dir.join(format!("{}-{tag}.safetensors", case.name)),
            dir.join(format!("{}-{tag}.bits", case.name)),
        )
    };
    let (unbroken_checkpoint, unbroken_out) = run("unbroken");
    let status = spawn(case, &unbroken_checkpoint, &unbroken_out, false)
        .wait()
        .expect("the child runs");
    assert!(status.success(), "{}: the uninterrupted child failed", case.name);

    let (checkpoint, out) = run("killed");
    let mut child = spawn(case, &checkpoint, &out, false);
    let lines = BufReader::new(child.stdout.take().expect("piped"));
    let started = Instant::now();
    let mut killed_at = None;
    for line in lines.lines() {
        let line = line.expect("the child's output");
        if let Some(step) = line.strip_prefix("step ").and_then(|s| s.parse::<usize>().ok())
            && step >= kill_after
        {
            child.kill().expect("SIGKILL");
            killed_at = Some(step);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{}: the child is stuck",
            case.name
        );
    }
    let status = child.wait().expect("the killed child is reaped");
    let killed_at = killed_at.unwrap_or_else(|| panic!("{}: the child ended before step {kill_after}", case.name));
    assert!(!status.success(), "{}: the child was killed, not finished", case.name);
    assert!(!out.exists(), "{}: a killed child wrote no result", case.name);
    assert!(
        checkpoint.exists(),
        "{}: killed after step {killed_at}, no checkpoint was written",
        case.name
    );

    let status = spawn(case, &checkpoint, &out, true)
        .wait()
        .expect("the resumed child runs");
    assert!(status.success(), "{}: the resumed child failed", case.name);
    let (unbroken, resumed) = (read(&unbroken_out), read(&out));
    assert_eq!(unbroken.len(), resumed.len());
    assert!(
        unbroken == resumed,
        "{}: killed at step {killed_at} and resumed, the parameters differ from the uninterrupted run",
        case.name
    );
}

fn spawn(case: Case, checkpoint: &Path, out: &Path, resume: bool) -> std::process::Child {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command.args(["--child", case.name]).arg(checkpoint).arg(out);
    if resume {
        command.arg("resume");
    }
    command.stdout(Stdio::piped()).spawn().expect("spawn the child")
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).expect("the child's parameters")
}

/// The child: trains the case with checkpoints (resuming when asked), printing every step,
/// then writes the bits of every parameter to `out`.
fn child(case: Case, checkpoint: &Path, out: &Path, resume: bool) {
    if case.f64 {
        train::<f64>(case, checkpoint, out, resume);
    } else {
        train::<f32>(case, checkpoint, out, resume);
    }
}

fn train<F: Float>(case: Case, checkpoint: &Path, out: &Path, resume: bool) {
    let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(3);
    let (x, y) = data::planar_flower::<F, _>(150, &mut rng).expect("the flower");
    let mut net = Network::new(
        &[2, 8, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::Xavier,
        &mut rng,
    )
    .expect("a network");
    let mut config = TrainConfig::epochs(EPOCHS).record_every(1).seed(11);
    if let Some(b) = case.batch_size {
        config = config.batch_size(b);
    }
    let mut checkpoints = Checkpoints::new(checkpoint, case.every);
    if resume {
        checkpoints = checkpoints.resume();
    }
    let options = FitOptions::new(config).checkpoints(checkpoints).callback(|record| {
        println!("step {}", record.iteration);
        // Slow enough that the parent's SIGKILL lands mid-run.
        std::thread::sleep(Duration::from_millis(2));
    });
    let mut optimizer: Box<dyn Optimizer<F>> = match case.adam {
        true => Box::new(Adam::new(AdamConfig::default().learning_rate(0.02)).expect("Adam")),
        false => Box::new(Momentum::new(MomentumConfig::default().learning_rate(0.1)).expect("momentum")),
    };
    if case.streamed {
        let mut examples = InMemory::new(&x, &y).expect("X and Y");
        net.fit_examples(&mut examples, &mut *optimizer, options)
            .expect("training");
    } else {
        net.fit(&x, &y, &mut *optimizer, options).expect("training");
    }
    let bits: Vec<String> = net
        .layers()
        .iter()
        .flat_map(|l| {
            l.w()
                .iter()
                .chain(l.b())
                .map(|v| format!("{:x}", v.as_f64().to_bits()))
                .collect::<Vec<_>>()
        })
        .collect();
    std::fs::write(out, bits.join("\n")).expect("write the parameters");
}
