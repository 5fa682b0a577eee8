//! Generic HDF5 image loader (feature `hdf5`): uint8 images and integer labels into X and Y.
//!
//! The course's cat files are one case of it ([`crate::data::load_cat_h5`]); any file with a uint8
//! dataset (m, h, w, c) and an integer dataset (m,) loads the same way.
//!
//! ```no_run
//! let data = ndnet::data::load_h5_images::<f32>("cats.h5", "train_set_x", "train_set_y",
//!                                              Some("list_classes")).unwrap();
//! assert_eq!(data.x().nrows(), 64 * 64 * 3);
//! ```

use std::path::Path;

use hdf5_reader::{Dataset, Datatype, Hdf5File, OpenOptions};
use ndarray::Array2;

use crate::data::ImageDataset;
use crate::{Error, Float, Result};

/// A chunked dataset may decode to at most this many times the file's length: deflate's ratio.
const MAX_COMPRESSION: u64 = crate::base::limits::DEFLATE_MAX_RATIO;

/// Without class names, labels must be below this (classes are named "0", "1", …).
const MAX_CLASSES: i64 = 1 << 16;

/// Loads uint8 images (m, h, w, c) or (m, h, w) and integer labels (m,) from an HDF5 file.
///
/// X is the images flattened row-major, one per column, divided by 255. Class names come from
/// the byte-string dataset `classes_name`; without one, classes are named `"0"`, `"1"`, … up to
/// the largest label (at least two).
///
/// # Errors
/// [`Error::Io`] naming the path if the file cannot be read; [`Error::Format`] naming the path
/// and the dataset if the file is not HDF5, a dataset is missing, the images are not uint8 of
/// rank 3 or 4, the labels are not integers of rank 1 (or (m, 1) / (1, m)), the counts differ,
/// a label is outside the classes, or a dataset claims more data than the file can hold: more
/// bytes than the file's length (uncompressed storage, or no storage at all, which would be
/// filled with the fill value), or more than 1032 times the file's length (chunked storage,
/// which may be compressed; 1032 is deflate's largest ratio, so a chunked dataset compressed
/// harder by another filter is refused too); [`Error::TooLarge`] naming the dataset if its
/// claimed shape would exceed the [memory limit](crate::memory_limit). All of this is checked
/// before the data is read, so a file claiming huge dimensions fails without allocating them.
///
/// # Shapes
/// X is (h·w·c, m), Y is (1, m).
///
/// ```
/// // uint8 images `train_set_x` (3, 2, 2, 3) and int32 labels `y_int32` [1, 1, 0].
/// let path = "tests/fixtures/tiny_catvnoncat.h5";
/// let data = ndnet::data::load_h5_images::<f64>(path, "train_set_x", "y_int32", None)?;
/// assert_eq!(data.image_shape(), (2, 2, 3));
/// assert_eq!(data.classes(), vec!["0", "1"]);
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_h5_images<F: Float>(
    path: impl AsRef<Path>,
    x_name: &str,
    y_name: &str,
    classes_name: Option<&str>,
) -> Result<ImageDataset<F>> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file_len = bytes.len() as u64;
    let bad =
        |dataset: &str, message: String| Error::format(path, None, None, format!("dataset `{dataset}`: {message}"));
    let file = Hdf5File::from_vec_with_options(bytes, open_options(file_len))
        .map_err(|e| Error::format(path, None, None, format!("not a readable HDF5 file: {e}")))?;
    // `kept_bytes`: what the loader holds per value of the dataset at once, for the memory limit.
    let open = |name: &str, kept_bytes: usize| {
        let set = file.dataset(name).map_err(|e| bad(name, format!("{e}")))?;
        check_memory(&set, path, name, kept_bytes)?;
        check_claim(&set, file_len).map_err(|msg| bad(name, msg))?;
        Ok::<_, Error>(set)
    };

    // Per pixel: the array read, its copy as a vector, the transposed copy and X.
    let x_set = open(x_name, 3 + std::mem::size_of::<F>())?;
    let (m, image_shape) = image_dims(&x_set).map_err(|msg| bad(x_name, msg))?;
    let bytes: Vec<u8> = x_set
        .read_array::<u8>()
        .map_err(|e| bad(x_name, format!("{e}")))?
        .into_iter()
        .collect();
    let n_x = image_shape.0 * image_shape.1 * image_shape.2;
    let rows = Array2::from_shape_vec((m, n_x), bytes)
        .map_err(|e| bad(x_name, format!("holds the wrong number of values: {e}")))?;
    let x = crate::data::image_dataset::pixels_to_x(rows.view());

    // Per label: the integers read (at most 8 bytes), as i64, and as F in Y.
    let y_set = open(y_name, 16 + std::mem::size_of::<F>())?;
    let labels = read_labels(&y_set).map_err(|msg| bad(y_name, msg))?;
    if labels.len() != m {
        let msg = format!("{} labels for the {m} images of `{x_name}`", labels.len());
        return Err(bad(y_name, msg));
    }
    let classes = match classes_name {
        // Per name: the bytes read and a String (24 bytes) holding them.
        Some(name) => open(name, 24)?
            .read_strings()
            .map_err(|e| bad(name, format!("not a list of class names: {e}")))?,
        None => {
            let max = labels.iter().copied().max().unwrap_or(0);
            if max >= MAX_CLASSES {
                let msg = format!("label {max} is too large for a class index");
                return Err(bad(y_name, msg));
            }
            (0..max.max(1) + 1).map(|c| c.to_string()).collect()
        }
    };
    if let Some((i, label)) = labels
        .iter()
        .enumerate()
        .find(|&(_, &l)| l < 0 || l as usize >= classes.len())
    {
        let msg = format!("label {label} of example {i} is not in 0..{}", classes.len());
        return Err(bad(y_name, msg));
    }
    let y = Array2::from_shape_fn((1, m), |(_, j)| F::from_f64(labels[j] as f64));
    ImageDataset::new(x, y, classes, image_shape)
}

/// The number of images and the shape of one, checking dtype, rank and size.
fn image_dims(set: &Dataset) -> std::result::Result<(usize, (usize, usize, usize)), String> {
    if !matches!(
        set.dtype(),
        Datatype::FixedPoint {
            size: 1,
            signed: false,
            ..
        }
    ) {
        return Err(format!("images must be uint8, found {:?}", set.dtype()));
    }
    let dims = set.shape();
    // `check_memory` has run: the dimensions multiply to at most isize::MAX, so each fits usize.
    let d: Vec<usize> = dims.iter().map(|&v| v as usize).collect();
    match d[..] {
        [m, h, w, c] => Ok((m, (h, w, c))),
        [m, h, w] => Ok((m, (h, w, 1))),
        _ => Err(format!(
            "images must have rank 4 (m, h, w, c) or 3 (m, h, w), found shape {dims:?}"
        )),
    }
}

/// Refuses a dataset whose claimed shape, with `kept_bytes` bytes per value, would exceed the
/// [memory limit](crate::memory_limit) (or whose size overflows), before any of it is read.
fn check_memory(set: &Dataset, path: &Path, name: &str, kept_bytes: usize) -> Result<()> {
    // A side beyond usize (32-bit targets) is over any limit: saturate and let the check refuse it.
    let dims: Vec<usize> = set
        .shape()
        .iter()
        .map(|&d| usize::try_from(d).unwrap_or(usize::MAX))
        .collect();
    let what = || format!("dataset `{name}` of {}", path.display());
    crate::base::limits::check_alloc(what, &dims, kept_bytes).map(|_| ())
}

/// hdf5-reader's own limits, as a second guard behind [`check_claim`]: no single read, chunk or
/// object header larger than the file (times [`MAX_COMPRESSION`] for decoded data) can make
/// it allocate.
fn open_options(file_len: u64) -> OpenOptions {
    let decoded = usize::try_from(file_len.saturating_mul(MAX_COMPRESSION)).unwrap_or(usize::MAX);
    let defaults = OpenOptions::default();
    OpenOptions {
        max_read_bytes: decoded,
        max_chunk_bytes: defaults.max_chunk_bytes.min(decoded),
        max_object_header_bytes: defaults
            .max_object_header_bytes
            .min(usize::try_from(file_len).unwrap_or(usize::MAX)),
        ..defaults
    }
}

/// Refuses a dataset whose claimed shape holds more data than the file can: see
/// [`load_h5_images`]'s `# Errors`. Runs before any of its data is read.
fn check_claim(set: &Dataset, file_len: u64) -> std::result::Result<(), String> {
    let dims = set.shape();
    // `check_memory` has run: the product is at most isize::MAX.
    let elements: u64 = dims.iter().product();
    let element_size = set.raw_element_size().map_err(|e| e.to_string())?;
    let bytes = elements.saturating_mul(element_size as u64);
    let (limit, times) = if set.chunks().is_some() {
        (
            file_len.saturating_mul(MAX_COMPRESSION),
            format!("{MAX_COMPRESSION} times "),
        )
    } else {
        (file_len, String::new())
    };
    if bytes > limit {
        return Err(format!(
            "shape {dims:?} claims {bytes} bytes of data, more than {times}the file's {file_len} bytes"
        ));
    }
    Ok(())
}

/// Integer labels of shape (m,), (m, 1) or (1, m), as i64.
fn read_labels(set: &Dataset) -> std::result::Result<Vec<i64>, String> {
    let dims = set.shape();
    let ok_rank = match dims {
        [_] => true,
        [a, b] => *a == 1 || *b == 1,
        _ => false,
    };
    if !ok_rank {
        return Err(format!("labels must have shape (m,), found {dims:?}"));
    }
    let Datatype::FixedPoint { size, signed, .. } = *set.dtype() else {
        return Err(format!("labels must be integers, found {:?}", set.dtype()));
    };
    fn read<T: hdf5_reader::H5Type + TryInto<i64> + Copy>(set: &Dataset) -> std::result::Result<Vec<i64>, String> {
        let values = set.read_array::<T>().map_err(|e| e.to_string())?;
        Ok(values.iter().map(|&v| v.try_into().unwrap_or(i64::MAX)).collect())
    }
    match (size, signed) {
        (1, true) => read::<i8>(set),
        (2, true) => read::<i16>(set),
        (4, true) => read::<i32>(set),
        (8, true) => read::<i64>(set),
        (1, false) => read::<u8>(set),
        (2, false) => read::<u16>(set),
        (4, false) => read::<u32>(set),
        (8, false) => read::<u64>(set),
        _ => Err(format!("unsupported integer size of {size} bytes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written by tests/fixtures/make_fixtures.py (h5py); the values are described there.
    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny_catvnoncat.h5");

    fn error(x: &str, y: &str) -> String {
        let err = load_h5_images::<f64>(FIXTURE, x, y, Some("list_classes")).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("tiny_catvnoncat.h5"), "{text}");
        text
    }

    #[test]
    fn other_integer_labels_and_default_class_names() {
        // y_int32 = [1, 1, 0] (int32) for the three train images.
        let data = load_h5_images::<f64>(FIXTURE, "train_set_x", "y_int32", None).unwrap();
        assert_eq!(data.y(), ndarray::array![[1.0, 1.0, 0.0]]);
        assert_eq!(data.classes(), vec!["0", "1"]);
    }

    #[test]
    fn grey_images_of_rank_three_get_one_channel() {
        // grey_x is (3, 2, 2) uint8 with 20·k at flat index k: image i, pixel j is 20·(4i + j).
        let data = load_h5_images::<f32>(FIXTURE, "grey_x", "train_set_y", Some("list_classes"));
        let data = data.unwrap();
        assert_eq!(data.image_shape(), (2, 2, 1));
        assert_eq!(data.x().dim(), (4, 3));
        assert_eq!(data.x()[[3, 2]], 220.0 / 255.0);
        let text = load_h5_images::<f32>(FIXTURE, "grey_x", "y_huge", None)
            .unwrap_err()
            .to_string();
        assert!(text.contains("label 1099511627776 is too large"), "{text}");
    }

    #[test]
    fn malformed_datasets_are_format_errors_naming_the_dataset() {
        let text = error("bad_x_float", "train_set_y");
        assert!(text.contains("`bad_x_float`") && text.contains("uint8"), "{text}");
        let text = error("bad_x_rank", "train_set_y");
        assert!(text.contains("`bad_x_rank`") && text.contains("rank 4"), "{text}");
        let text = error("no_such_set", "train_set_y");
        assert!(text.contains("`no_such_set`"), "{text}");
        let text = error("train_set_x", "bad_y_len");
        assert!(text.contains("2 labels for the 3 images"), "{text}");
        let text = error("train_set_x", "bad_y_class");
        assert!(text.contains("label 2 of example 1 is not in 0..2"), "{text}");
        let text = error("train_set_x", "train_set_x");
        assert!(text.contains("labels must have shape (m,)"), "{text}");
        let text = error("train_set_x", "bad_x_float");
        assert!(text.contains("labels must have shape"), "{text}");
    }

    #[test]
    fn absurd_claimed_size_is_refused_before_reading() {
        // huge_x claims (2^20, 2^10, 2^10, 3) uint8 values (3 TiB) but stores none.
        let err = load_h5_images::<f64>(FIXTURE, "huge_x", "train_set_y", None).unwrap_err();
        assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("dataset `huge_x`") && text.contains("(1048576 × 1024 × 1024 × 3)"),
            "{text}"
        );
    }

    #[test]
    fn missing_file_is_io_and_non_hdf5_is_format() {
        let missing = Path::new(FIXTURE).with_file_name("missing.h5");
        let err = load_h5_images::<f64>(&missing, "x", "y", None).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(err.to_string().contains("missing.h5"));
        let script = Path::new(FIXTURE).with_file_name("make_fixtures.py");
        let err = load_h5_images::<f64>(&script, "x", "y", None).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        assert!(err.to_string().contains("not a readable HDF5 file"));
    }
}
