//! Robustness: bad input gives the error that names it, extreme input stays finite, properties
//! over random architectures (proptest), the fuzz regressions on stable, and threads. Each file
//! is one concept; see `tests/README.md`.

#[path = "../common/mod.rs"]
mod common;

#[cfg(feature = "safetensors")]
mod checkpoints;
mod concurrency;
mod csv_files;
mod csv_stream;
mod environment;
mod errors;
mod extreme_inputs;
mod float_range;
mod fuzz_regressions;
mod lingering_state;
mod npy;
mod odd_views;
mod properties;
#[cfg(feature = "report")]
mod report;
#[cfg(feature = "report")]
mod report_classes;
mod tabular_targets;
