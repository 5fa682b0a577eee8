//! The loaders and the course's results on the real data sets, `#[ignore]`d by default: run them
//! with `NDNET_DATA=/path/to/data cargo test --release --all-features -- --ignored` (see
//! `tests/README.md`). Each file is one data set, behind its loader's feature; `interop` is the
//! `.safetensors` round trip against Python and `npy_interop` the `.npy` one (both need
//! `NDNET_PYTHON`); `report` renders training reports of the real data in headless Chromium.

#[path = "../common/mod.rs"]
mod common;

mod cat;
mod diabetes;
mod interop;
mod loan;
mod mnist;
mod npy_interop;
mod report;
mod wine;
