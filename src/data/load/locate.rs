//! Where the real data sets live: the folder named by `NDNET_DATA` (default `data/`).

use std::path::PathBuf;

use crate::{Error, Result};

/// The folder holding the real data sets: `$NDNET_DATA`, or `data` (relative to the working
/// directory, i.e. the crate root under `cargo run` and `cargo test`) when it is unset.
///
/// ```
/// let dir = ndnet::data::data_dir();
/// assert!(!dir.as_os_str().is_empty());
/// ```
pub fn data_dir() -> PathBuf {
    std::env::var_os("NDNET_DATA").map_or_else(|| PathBuf::from("data"), PathBuf::from)
}

/// The path of `relative` inside [`data_dir`], checked to exist.
///
/// `what` says what the file is, for the error message.
///
/// # Errors
/// [`Error::MissingFile`] naming the exact path expected, what the file is and how to point
/// `NDNET_DATA` at it.
///
/// ```
/// let err = ndnet::data::require_file("no/such/file.csv", "an example file").unwrap_err();
/// assert!(err.to_string().contains("no/such/file.csv"));
/// assert!(err.to_string().contains("an example file"));
/// ```
pub fn require_file(relative: &str, what: &str) -> Result<PathBuf> {
    let path = data_dir().join(relative);
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::MissingFile {
            path,
            what: what.to_string(),
        })
    }
}
