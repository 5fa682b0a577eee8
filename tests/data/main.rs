//! The loaders and the course's results on the real data sets, `#[ignore]`d by default: run them
//! with `NDNET_DATA=/path/to/data cargo test --release --all-features -- --ignored` (see
//! `tests/README.md`). Each file is one data set, behind its loader's feature.

#[path = "../common/mod.rs"]
mod common;

mod cat;
mod loan;
mod mnist;
