//! Loader for the course's cat-vs-non-cat HDF5 files (feature `hdf5`, pure-Rust reader).
//!
//! `train_catvnoncat.h5` holds `train_set_x` (uint8, (209, 64, 64, 3)), `train_set_y` (int64,
//! (209,)) and `list_classes` (`[b"non-cat", b"cat"]`); `test_catvnoncat.h5` holds the same
//! with `test_set_` names and 50 images. The images come back as the course's
//! `train_set_x_orig.reshape(m, -1).T / 255`: X is (12288, m) with values in [0, 1].
//!
//! ```no_run
//! # fn main() -> ndnet::Result<()> {
//! let (train, test) = ndnet::data::load_catvnoncat::<f64>("data/catvnoncat")?;
//! assert_eq!(train.x().dim(), (12288, 209));
//! assert_eq!(test.y().dim(), (1, 50));
//! # Ok(())
//! # }
//! ```

use std::path::Path;

use super::load_h5_images;
use crate::data::ImageDataset;
use crate::{Float, Result};

/// Which of the two cat-vs-non-cat files: it picks the dataset names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatSplit {
    /// `train_catvnoncat.h5`: `train_set_x`, `train_set_y`.
    Train,
    /// `test_catvnoncat.h5`: `test_set_x`, `test_set_y`.
    Test,
}

impl CatSplit {
    /// The course's file name for this split.
    ///
    /// ```
    /// assert_eq!(ndnet::data::CatSplit::Test.file_name(), "test_catvnoncat.h5");
    /// ```
    pub fn file_name(self) -> &'static str {
        match self {
            CatSplit::Train => "train_catvnoncat.h5",
            CatSplit::Test => "test_catvnoncat.h5",
        }
    }

    /// The names of the image and label datasets, e.g. `("train_set_x", "train_set_y")`.
    ///
    /// ```
    /// let names = ndnet::data::CatSplit::Train.dataset_names();
    /// assert_eq!(names, ("train_set_x", "train_set_y"));
    /// ```
    pub fn dataset_names(self) -> (&'static str, &'static str) {
        match self {
            CatSplit::Train => ("train_set_x", "train_set_y"),
            CatSplit::Test => ("test_set_x", "test_set_y"),
        }
    }
}

/// Loads both cat-vs-non-cat files from the folder `dir`: `(train, test)`.
///
/// # Errors
/// As [`load_cat_h5`], for either file.
///
/// # Shapes
/// train: X (12288, 209), Y (1, 209); test: X (12288, 50), Y (1, 50).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-doc-catvnoncat-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # for name in ["train_catvnoncat.h5", "test_catvnoncat.h5"] {
/// #     std::fs::copy("tests/fixtures/tiny_catvnoncat.h5", dir.join(name)).unwrap();
/// # }
/// // `dir` holds train_catvnoncat.h5 and test_catvnoncat.h5 (here tiny 2×2-pixel stand-ins;
/// // with the course's files, train.x() is (12288, 209) and the counts are [137, 72]).
/// let (train, test) = ndnet::data::load_catvnoncat::<f32>(&dir)?;
/// assert_eq!(train.x().nrows(), test.x().nrows());
/// assert_eq!(train.class_counts(), vec![1, 2]); // non-cat, cat
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_catvnoncat<F: Float>(dir: impl AsRef<Path>) -> Result<(ImageDataset<F>, ImageDataset<F>)> {
    let dir = dir.as_ref();
    let train = load_cat_h5(dir.join(CatSplit::Train.file_name()), CatSplit::Train)?;
    let test = load_cat_h5(dir.join(CatSplit::Test.file_name()), CatSplit::Test)?;
    Ok((train, test))
}

/// Loads one cat-vs-non-cat file, with the dataset names of `split`.
///
/// # Errors
/// As [`load_h5_images`] with `list_classes` as the class names.
///
/// # Shapes
/// X is (64·64·3, m) = (12288, m), Y is (1, m).
///
/// ```
/// use ndnet::data::{CatSplit, load_cat_h5};
/// // A tiny file laid out like test_catvnoncat.h5: two 2×2 RGB images.
/// let test = load_cat_h5::<f64>("tests/fixtures/tiny_catvnoncat.h5", CatSplit::Test)?;
/// assert_eq!(test.classes(), vec!["non-cat", "cat"]);
/// assert_eq!(test.x().dim(), (2 * 2 * 3, 2));
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_cat_h5<F: Float>(path: impl AsRef<Path>, split: CatSplit) -> Result<ImageDataset<F>> {
    let (x_name, y_name) = split.dataset_names();
    load_h5_images(path, x_name, y_name, Some("list_classes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use std::path::PathBuf;

    /// Written by tests/fixtures/make_fixtures.py (h5py); the values are described there.
    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny_catvnoncat.h5");

    #[test]
    fn train_split_flattens_like_the_course() {
        let train = load_cat_h5::<f64>(FIXTURE, CatSplit::Train).unwrap();
        assert_eq!(train.x().dim(), (12, 3));
        assert!(train.x().is_standard_layout());
        assert_eq!(train.image_shape(), (2, 2, 3));
        assert_eq!(train.classes(), vec!["non-cat", "cat"]);
        assert_eq!(train.y(), ndarray::array![[1.0, 0.0, 1.0]]);
        assert_eq!(train.class_counts(), vec![1, 2]);
        // The fixture stores 7·k at flat index k of (3, 2, 2, 3), so image i, feature j
        // (j = (row·2 + col)·3 + channel) is 7·(12·i + j), divided by 255.
        for ((j, i), v) in train.x().indexed_iter() {
            assert_eq!(*v, (7 * (12 * i + j)) as f64 / 255.0);
        }
        // h5py: train_set_x[1, 1, 0, 2] == 140.
        assert_eq!(train.image(1).unwrap()[[1, 0, 2]], 140.0 / 255.0);
    }

    #[test]
    fn test_split_in_f32() {
        let test = load_cat_h5::<f32>(FIXTURE, CatSplit::Test).unwrap();
        assert_eq!(test.x().dim(), (12, 2));
        assert_eq!(test.y(), ndarray::array![[0.0, 1.0]]);
        // Flat index k holds 255 − 10·k; image 1, feature 3 is k = 15 → 105
        // (h5py: test_set_x[1, 0, 1, 0] == 105).
        assert_eq!(test.x()[[3, 1]], 105.0 / 255.0);
        assert_eq!(test.x()[[0, 0]], 1.0);
    }

    #[test]
    fn folder_loader_reads_both_files_and_names_a_missing_one() {
        let dir = std::env::temp_dir().join(format!("ndnet-cat-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = load_catvnoncat::<f64>(&dir).unwrap_err();
        assert!(matches!(missing, Error::Io { .. }));
        assert!(missing.to_string().contains("train_catvnoncat.h5"));
        for split in [CatSplit::Train, CatSplit::Test] {
            std::fs::copy(FIXTURE, dir.join(split.file_name())).unwrap();
        }
        let (train, test) = load_catvnoncat::<f64>(&dir).unwrap();
        assert_eq!((train.len(), test.len()), (3, 2));
        std::fs::remove_dir_all(PathBuf::from(&dir)).unwrap();
    }
}
