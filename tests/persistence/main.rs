//! Saving and loading networks (feature `serde`): round trips, then corrupt files. See
//! `tests/README.md`.
#![cfg(feature = "serde")]

mod persist_common;
mod save_load;
mod save_load_errors;
