//! What a prediction server costs when it is mostly idle: 500 requests, each one digit through
//! an untrained [784, 128, 10] network (`predict_proba`), 5 ms apart, with ndnet's default
//! thread count. Prints the CPU time the whole process used (user + sys, all threads, from
//! `/proc/self/stat` on Linux) beside the wall time and the time spent predicting.
//!
//! ```text
//! cargo run --release --example server_loop
//! /usr/bin/time -v target/release/examples/server_loop   # the same, measured from outside
//! ```
//!
//! The arithmetic of the 500 predictions takes a few milliseconds, so nearly all the CPU time
//! beyond that is what the process spends while it waits: the cost of being idle.

use std::time::{Duration, Instant};

use ndarray::{Array2, ShapeBuilder, s};
use ndnet::{Activation, Initializer, Network};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const REQUESTS: usize = 500;
const SPACING: Duration = Duration::from_millis(5);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = StdRng::seed_from_u64(0);
    let net = Network::<f32>::new(
        &[784, 128, 10],
        Activation::Relu,
        Activation::Softmax,
        Initializer::He,
        &mut rng,
    )?;
    let digits = Array2::from_shape_fn((784, 100).f(), |_| rng.random_range(0.0f32..1.0));
    let cpu_before = cpu_seconds();
    let start = Instant::now();
    let mut busy = Duration::ZERO;
    let mut checksum = 0.0;
    for i in 0..REQUESTS {
        let column = digits.slice(s![.., i % 100..i % 100 + 1]);
        let request = Instant::now();
        let p = net.predict_proba(&column)?;
        busy += request.elapsed();
        checksum += p[[0, 0]];
        std::thread::sleep(SPACING);
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = match (cpu_before, cpu_seconds()) {
        (Some(before), Some(after)) => format!("{:.3}", after - before),
        _ => "unknown".into(),
    };
    println!(
        "job=server_loop requests={REQUESTS} spacing_ms={} threads={} simd={} cpu_seconds={cpu} \
         wall_seconds={wall:.3} predicting_ms={:.2} checksum={checksum:.4}",
        SPACING.as_millis(),
        ndnet::num_threads(),
        ndnet::linalg::simd(),
        busy.as_secs_f64() * 1e3,
    );
    Ok(())
}

/// User + system CPU time of this process (every thread) so far, in seconds, where Linux's
/// `/proc/self/stat` tells it (fields 14 and 15, in clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}
