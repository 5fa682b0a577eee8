//! The loaders and the course's results on the real data sets, `#[ignore]`d by default: run them
//! with `NDNET_DATA=/path/to/data cargo test --release --features full -- --ignored` (see
//! `tests/README.md`). Each file is one data set, behind its loader's feature; `interop` is the
//! `.safetensors` round trip against Python, `npy_interop` the `.npy` one and `csv_interop`
//! Python's `csv` module reading `predict_csv`'s files (all need `NDNET_PYTHON`); `report` renders training reports of the real data in headless Chromium.

#[path = "../common/mod.rs"]
mod common;

mod cat;
mod csv_interop;
mod diabetes;
mod interop;
mod loan;
mod mnist;
mod npy_interop;
mod report;
mod wine;
