//! Kill and resume, for real: a child process (this binary, run with `--child`) trains with
//! checkpoints; the parent kills it with SIGKILL at a step drawn at random (from a printed
//! seed), restarts it with resume, and checks that its final parameters equal those of a run
//! that was never interrupted, bit for bit. f32 and f64, Adam and momentum, mini-batches of an
//! in-memory (X, Y) and of examples read batch by batch (from memory, `.npy` files and, with
//! feature `csv`, a CSV file read in chunks), batch gradient descent.
//!
//! A plain program (`harness = false` in Cargo.toml): `cargo test` runs it with no arguments,
//! which runs every case; `--child <case> <checkpoint> <out>` is the child's side.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ndnet::data::{self, InMemory};
use ndnet::rand::{RngExt, SeedableRng};
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
    source: Source,
    batch_size: Option<usize>,
    every: Every,
}

/// Where the examples come from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    /// `fit((&x, &y), …)`.
    InMemory,
    /// The same X and Y read batch by batch (`InMemory` as `Examples`).
    Streamed,
    /// `.npy` files of the same X and Y, read batch by batch.
    Npy,
    /// A CSV file of the same X and Y (label `Y` or `N`), fitted with `fit_csv` and read in
    /// chunks through the preprocessing (`CsvExamples`, chunks of 32 rows, `Shuffle::Blocks`).
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    Csv,
}

const CASES: &[Case] = &[
    case(
        "f64-adam-in-memory",
        true,
        true,
        Source::InMemory,
        Some(16),
        Every::Steps(7),
    ),
    case(
        "f32-momentum-in-memory",
        false,
        false,
        Source::InMemory,
        Some(16),
        Every::Steps(5),
    ),
    case(
        "f32-adam-streamed",
        false,
        true,
        Source::Streamed,
        Some(24),
        Every::Steps(3),
    ),
    case(
        "f64-momentum-streamed",
        true,
        false,
        Source::Streamed,
        Some(24),
        Every::Epochs(1),
    ),
    case("f32-adam-npy", false, true, Source::Npy, Some(20), Every::Steps(4)),
    case("f64-momentum-npy", true, false, Source::Npy, Some(20), Every::Steps(6)),
    case(
        "f64-adam-full-batch",
        true,
        true,
        Source::InMemory,
        None,
        Every::Steps(4),
    ),
    #[cfg(feature = "csv")]
    case("f32-adam-csv", false, true, Source::Csv, Some(20), Every::Steps(5)),
];

const fn case(
    name: &'static str,
    f64: bool,
    adam: bool,
    source: Source,
    batch_size: Option<usize>,
    every: Every,
) -> Case {
    Case {
        name,
        f64,
        adam,
        source,
        batch_size,
        every,
    }
}

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
        // After the first checkpoint (written before the step of that number prints).
        let first = match case.every {
            Every::Steps(n) => n,
            Every::Epochs(n) => n * steps / EPOCHS,
        };
        let kill_after = rng.random_range(first..steps * 4 / 5);
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
    let m: usize = 150;
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

    // The resumed child must start where the last checkpoint left off, not from the beginning
    // (which would reach the same parameters too).
    let mut resumed = spawn(case, &checkpoint, &out, true);
    // Read to the end (a child whose output is closed would fail writing its steps).
    let steps: Vec<usize> = BufReader::new(resumed.stdout.take().expect("piped"))
        .lines()
        .map_while(|line| line.ok())
        .filter_map(|line| line.strip_prefix("step ").and_then(|s| s.parse::<usize>().ok()))
        .collect();
    let first = steps.first().copied();
    let status = resumed.wait().expect("the resumed child runs");
    assert!(status.success(), "{}: the resumed child failed", case.name);
    let first = first.unwrap_or_else(|| panic!("{}: the resumed child took no step", case.name));
    assert!(
        first > 0 && first <= killed_at + 1,
        "{}: killed after step {killed_at}, the resumed child started at step {first}",
        case.name
    );
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
    if case.source == Source::Csv {
        // Whole chunks of the file, two at a time.
        config = config.shuffle(ndnet::Shuffle::Blocks {
            chunk: 32,
            chunks_per_block: 2,
        });
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
    match case.source {
        Source::InMemory => {
            net.fit((&x, &y), &mut *optimizer, options).expect("training");
        }
        Source::Streamed => {
            let mut examples = InMemory::new(&x, &y).expect("X and Y");
            net.fit(&mut examples, &mut *optimizer, options).expect("training");
        }
        Source::Npy => {
            // The files sit beside the checkpoint; every run of the case writes the same ones.
            let (x_path, y_path) = (checkpoint.with_extension("x.npy"), checkpoint.with_extension("y.npy"));
            if !x_path.exists() {
                data::save_npy_examples(&x, &y, &x_path, &y_path).expect("write the .npy files");
            }
            let mut examples = data::NpyExamples::<F>::open(&x_path, &y_path).expect("open the .npy files");
            net.fit(&mut examples, &mut *optimizer, options).expect("training");
        }
        #[cfg(feature = "csv")]
        Source::Csv => {
            use ndnet::tabular::{CsvExamples, TabularConfig};
            let path = checkpoint.with_extension("csv");
            if !path.exists() {
                let rows: String = (0..x.ncols())
                    .map(|j| {
                        let label = if y[[0, j]] > F::zero() { "Y" } else { "N" };
                        format!("{},{},{label}\n", x[[0, j]], x[[1, j]])
                    })
                    .collect();
                // Written beside and renamed: a child killed while writing leaves no half file.
                let part = checkpoint.with_extension("csv.part");
                std::fs::write(&part, format!("x1,x2,label\n{rows}")).expect("write the CSV");
                std::fs::rename(&part, &path).expect("rename the CSV");
            }
            let (fitted, chunks) = TabularConfig::binary("label", "Y")
                .fit_csv(&path, 32)
                .expect("fit the CSV");
            let mut examples = CsvExamples::<F>::new(&chunks, &fitted).expect("read the CSV");
            net.fit(&mut examples, &mut *optimizer, options).expect("training");
        }
        #[cfg(not(feature = "csv"))]
        Source::Csv => unreachable!("the CSV case is built with feature csv only"),
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
