//! The crate's one memory limit: every size that comes from an argument or a file is checked
//! against it before anything of that size is allocated.
//!
//! A layer size, an image size, a count claimed by a file header, a number of classes: each is
//! multiplied out with checked arithmetic, and if the bytes it would take exceed
//! [`memory_limit`] (or the count overflows) the call returns [`Error::TooLarge`] naming the
//! quantity, its shape and the bytes, instead of panicking or aborting in the allocator.
//!
//! The limit is one process-wide value: [`DEFAULT_MEMORY_LIMIT`] (16 GiB) unless the
//! environment variable `NDNET_MEMORY_LIMIT` holds a number of bytes (optionally with a `KiB`,
//! `MiB`, `GiB` or `TiB` suffix) when the limit is first used, or [`set_memory_limit`] set it.
//! A value that is not such a number (`8 GB`, `-1`, `lots`) is not ignored: the limit is then 0
//! and every size check fails with an error naming the variable and its value, until the
//! variable is fixed or [`set_memory_limit`] sets a limit (an empty value counts as unset).
//!
//! ```
//! use ndnet::{Activation, Error, Initializer, Network};
//! use rand::SeedableRng;
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! // W[1] alone would be 2^40 values: refused before anything is allocated.
//! let err = Network::<f64>::new(&[1 << 20, 1 << 20, 1], Activation::Relu, Activation::Sigmoid,
//!                               Initializer::He, &mut rng).unwrap_err();
//! assert!(matches!(err, Error::TooLarge { .. }));
//! assert!(err.to_string().contains("memory limit"));
//! ```

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::{Error, Result};

/// The memory limit when neither `NDNET_MEMORY_LIMIT` nor [`set_memory_limit`] sets one: 16 GiB.
///
/// ```
/// assert_eq!(ndnet::limits::DEFAULT_MEMORY_LIMIT, 16 << 30);
/// ```
pub const DEFAULT_MEMORY_LIMIT: u64 = 16 << 30;

/// The environment variable read once, when the limit is first needed.
const ENV_VAR: &str = "NDNET_MEMORY_LIMIT";

/// The largest limit: no Rust allocation or ndarray array can exceed `isize::MAX` bytes.
const MAX_LIMIT: u64 = isize::MAX as u64;

/// `u64::MAX` (above [`MAX_LIMIT`], so never a stored limit) means "not read yet".
const UNSET: u64 = u64::MAX;

static LIMIT: AtomicU64 = AtomicU64::new(UNSET);

/// The value of `NDNET_MEMORY_LIMIT` when it is not a number of bytes, as read (lossily for
/// text that is not UTF-8).
static MALFORMED: OnceLock<String> = OnceLock::new();

/// Whether the limit in force is the 0 that a malformed `NDNET_MEMORY_LIMIT` gave (until
/// [`set_memory_limit`] sets one).
static FROM_MALFORMED: AtomicBool = AtomicBool::new(false);

/// Deflate (gzip's and HDF5's usual compression) shrinks data at most about 1032-fold (258-byte
/// matches coded in 2 bits): compressed data of n bytes decodes to at most 1032·n bytes. Not a
/// memory limit, a fact about the format that lets a reader refuse a lying header early.
#[cfg(any(feature = "hdf5", feature = "mnist"))]
pub(crate) const DEFLATE_MAX_RATIO: u64 = 1032;

/// The largest number of bytes ndnet allocates for one quantity (a network's parameters, a
/// data set, an image).
///
/// The first call reads `NDNET_MEMORY_LIMIT` (unless [`set_memory_limit`] came first). When
/// that holds something other than a number of bytes (digits, optionally followed by `KiB`,
/// `MiB`, `GiB` or `TiB`), the limit is 0: nothing is allocated by a size check, and each
/// refusal is an [`Error::InvalidArgument`] naming the variable and its value, so that a
/// mistyped limit is never silently replaced by the default.
///
/// # Errors
/// None: this returns the limit in force (0 after a malformed `NDNET_MEMORY_LIMIT`).
///
/// ```
/// let limit = ndnet::memory_limit();
/// assert!(limit > 0);
/// ```
pub fn memory_limit() -> u64 {
    match LIMIT.load(Ordering::Relaxed) {
        UNSET => {
            let limit = match from_env(std::env::var_os(ENV_VAR)) {
                Ok(limit) => limit.unwrap_or(DEFAULT_MEMORY_LIMIT).min(MAX_LIMIT),
                Err(value) => {
                    let _ = MALFORMED.set(value);
                    0
                }
            };
            // A concurrent `set_memory_limit` wins over the environment.
            match LIMIT.compare_exchange(UNSET, limit, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => {
                    FROM_MALFORMED.store(MALFORMED.get().is_some(), Ordering::Relaxed);
                    limit
                }
                Err(set) => set,
            }
        }
        limit => limit,
    }
}

/// The limit `NDNET_MEMORY_LIMIT` sets: `Ok(None)` when it is unset or empty, `Err(value)` when
/// it is not a number of bytes.
fn from_env(value: Option<std::ffi::OsString>) -> std::result::Result<Option<u64>, String> {
    let Some(value) = value else { return Ok(None) };
    match value.to_str() {
        Some(text) if text.trim().is_empty() => Ok(None),
        Some(text) => parse_bytes(text).map(Some).ok_or_else(|| text.to_owned()),
        None => Err(value.to_string_lossy().into_owned()),
    }
}

/// Sets the memory limit for the whole process (all threads) and returns the previous one.
///
/// Values above `isize::MAX` (the most any allocation can take) are lowered to it. Lowering the
/// limit makes a load or a network that no longer fits fail with [`Error::TooLarge`]; what is
/// already allocated is kept.
///
/// ```
/// use ndnet::{data, Error};
/// let previous = ndnet::set_memory_limit(1 << 10); // 1 KiB
/// let err = data::one_hot::<f64, usize>(&[0; 100], 10).unwrap_err(); // 8000 bytes
/// assert!(matches!(err, Error::TooLarge { bytes: Some(8000), limit: 1024, .. }));
/// ndnet::set_memory_limit(previous);
/// ```
pub fn set_memory_limit(bytes: u64) -> u64 {
    let previous = memory_limit();
    LIMIT.store(bytes.min(MAX_LIMIT), Ordering::Relaxed);
    FROM_MALFORMED.store(false, Ordering::Relaxed);
    previous
}

/// Checks that an array of shape `dims` with `value_size` bytes per value fits the memory limit
/// and returns its number of values; `what` names it for the error.
///
/// A side of length 0 counts as 1 (ndarray refuses a shape whose non-zero sides multiply past
/// `isize::MAX` even when it holds no values).
pub(crate) fn check_alloc(what: impl FnOnce() -> String, dims: &[usize], value_size: usize) -> Result<usize> {
    let values = dims.iter().try_fold(1u128, |acc, &d| acc.checked_mul(d.max(1) as u128));
    let bytes = values.and_then(|v| v.checked_mul(value_size.max(1) as u128));
    check_bytes(|| format!("{} of shape {}", what(), shape(dims)), bytes)?;
    // Fits: at most the limit, so at most isize::MAX.
    Ok(dims.iter().product())
}

/// Checks that `bytes` (`None` when counting them overflowed) fit the memory limit.
pub(crate) fn check_bytes(what: impl FnOnce() -> String, bytes: Option<u128>) -> Result<()> {
    let limit = memory_limit();
    match bytes {
        Some(b) if b <= u128::from(limit) => Ok(()),
        _ if FROM_MALFORMED.load(Ordering::Relaxed) => Err(Error::InvalidArgument {
            argument: ENV_VAR,
            message: format!(
                "{:?} is not a number of bytes (write e.g. 8589934592 or 8GiB; the units are KiB, MiB, \
                 GiB and TiB): until it is, or ndnet::set_memory_limit sets a limit, the limit is 0 and \
                 {} is refused",
                MALFORMED.get().map_or("", String::as_str),
                what()
            ),
        }),
        _ => Err(Error::TooLarge {
            what: what(),
            bytes,
            limit,
        }),
    }
}

/// `(a × b × c)`, for messages.
fn shape(dims: &[usize]) -> String {
    let sides: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
    format!("({})", sides.join(" × "))
}

/// A byte count for messages: `17179869184 bytes (16.0 GiB)`.
pub(crate) fn human_bytes(bytes: u128) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = None;
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = Some(u);
    }
    match unit {
        Some(u) => format!("{bytes} bytes ({value:.1} {u})"),
        None => format!("{bytes} bytes"),
    }
}

/// `"123"`, `"512 MiB"`, `"8GiB"` into bytes; `None` if it is not such a number or overflows.
fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let shift = match unit.trim() {
        "" => 0,
        "KiB" => 10,
        "MiB" => 20,
        "GiB" => 30,
        "TiB" => 40,
        _ => return None,
    };
    number.parse::<u64>().ok()?.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_bytes("123"), Some(123));
        assert_eq!(parse_bytes(" 8GiB "), Some(8 << 30));
        assert_eq!(parse_bytes("512 MiB"), Some(512 << 20));
        assert_eq!(parse_bytes("1 GB"), None);
        assert_eq!(parse_bytes("-1"), None);
        assert_eq!(parse_bytes(""), None);
        assert_eq!(parse_bytes("99999999999 TiB"), None);
    }

    #[test]
    fn the_environment_variable_is_a_limit_nothing_or_an_error_never_ignored() {
        let os = |s: &str| Some(std::ffi::OsString::from(s));
        assert_eq!(from_env(None), Ok(None));
        assert_eq!(from_env(os("")), Ok(None));
        assert_eq!(from_env(os("  ")), Ok(None));
        assert_eq!(from_env(os("64KiB")), Ok(Some(64 << 10)));
        for bad in ["8 GB", "-1", "lots", "1e9", "99999999999 TiB"] {
            assert_eq!(from_env(os(bad)), Err(bad.to_owned()), "{bad}");
        }
    }

    #[test]
    fn byte_counts_read_as_people_write_them() {
        assert_eq!(human_bytes(100), "100 bytes");
        assert_eq!(human_bytes(16 << 30), "17179869184 bytes (16.0 GiB)");
        assert_eq!(human_bytes(3 << 9), "1536 bytes (1.5 KiB)");
    }

    // Only overflow is tested here: the limit itself is global, and tests that change it live
    // in their own binary (tests/limits.rs).
    #[test]
    fn overflowing_shapes_are_refused_with_their_sides() {
        let err = check_alloc(|| "W[1]".into(), &[usize::MAX, usize::MAX, 3], 8).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("W[1] of shape"), "{text}");
        assert!(text.contains("more than 2^128"), "{text}");
        assert!(matches!(err, Error::TooLarge { bytes: None, .. }));
        // An empty array whose other side is absurd is refused too (ndarray would panic).
        assert!(check_alloc(|| "X".into(), &[0, usize::MAX], 8).is_err());
        assert_eq!(check_alloc(|| "X".into(), &[0, 5], 8).unwrap(), 0);
        assert_eq!(check_alloc(|| "X".into(), &[3, 5], 8).unwrap(), 15);
    }
}
