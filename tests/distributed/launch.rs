//! Launching this binary under `mpiexec`, with a time limit: a job that hangs fails the test
//! instead of hanging it.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long one launch may take before it is stopped and the test fails.
pub const LIMIT: Duration = Duration::from_secs(120);

/// `mpiexec -n ranks <this binary> --rank <args…>`, every rank on one thread (ranks × threads
/// ≤ the 2 cores of CI); stdout piped.
pub fn spawn(ranks: usize, args: &[&str]) -> Child {
    let exe = std::env::current_exe().expect("this test binary");
    Command::new(mpiexec())
        .arg("-n")
        .arg(ranks.to_string())
        .arg(exe)
        .arg("--rank")
        .args(args)
        .env("NDNET_NUM_THREADS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot run mpiexec ({e}): install MPI with apt-get install -y mpich libmpich-dev libclang-dev")
        })
}

/// `mpiexec`, or the one named by `NDNET_MPIEXEC`.
pub fn mpiexec() -> PathBuf {
    std::env::var_os("NDNET_MPIEXEC").map_or_else(|| PathBuf::from("mpiexec"), PathBuf::from)
}

/// What a finished launch said.
pub struct Ended {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a launch to its end; panics, after stopping it, if it takes longer than [`LIMIT`] or
/// fails.
pub fn run(ranks: usize, args: &[&str]) -> Ended {
    let started = Instant::now();
    let ended = wait(spawn(ranks, args), started, LIMIT);
    assert!(
        ended.status.success(),
        "mpiexec -n {ranks} … --rank {} failed ({}):\n{}\n{}",
        args.join(" "),
        ended.status,
        ended.stdout,
        ended.stderr
    );
    ended
}

/// Waits for `child` (started at `started`) to end, collecting its output; stops it and panics
/// when `limit` has passed.
pub fn wait(mut child: Child, started: Instant, limit: Duration) -> Ended {
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = loop {
        if let Some(status) = child.try_wait().expect("the launch's status") {
            break status;
        }
        if started.elapsed() > limit {
            stop(&mut child);
            panic!("a launch of mpiexec ran longer than {limit:?}: stopped (a rank hangs)");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Ended {
        status,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

/// Reads a pipe to its end on a thread of its own (so a full pipe never blocks the child).
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(pipe) = pipe {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                text.push_str(&line);
                text.push('\n');
            }
        }
        text
    })
}

/// Asks mpiexec to stop its ranks (SIGTERM, which it forwards), then kills it.
pub fn stop(child: &mut Child) {
    signal(child.id(), "TERM");
    std::thread::sleep(Duration::from_secs(2));
    let _ = child.kill();
    let _ = child.wait();
}

/// Sends `signal` (e.g. `"KILL"`) to process `pid` with kill(1).
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .expect("kill(1)");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// The text a rank wrote to `path`.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
