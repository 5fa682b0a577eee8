//! Data: layout conversions, generated data sets, seeded train/test splits, k-fold indices and
//! cross-validation, and (behind features) file loaders (`load/`).
//!
//! ndnet follows the course: **one example per column**. X is (n_x, m), Y is (1, m).
//! Most files hold one example per row; [`from_rows`] turns such a matrix around.
//!
//! ```
//! use ndarray::array;
//! let rows = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]; // 3 examples, 2 features
//! let x = ndnet::data::from_rows(rows.view());
//! assert_eq!(x.dim(), (2, 3)); // (n_x, m)
//! ```
//!
//! File loaders, each behind a cargo feature (all pure Rust; see the items below when enabled):
//!
//! | feature | function | loads | into |
//! | --- | --- | --- | --- |
//! | `hdf5` | `load_catvnoncat` | the course's cat-vs-non-cat files | two [`ImageDataset`]s |
//! | `hdf5` | `load_h5_images` | any uint8 images + integer labels | [`ImageDataset`] |
//! | `mnist` | `load_mnist` | MNIST's IDX files, gzip or plain | `Mnist` |
//! | `image` | `load_image` | one PNG/JPEG picture | a column (h·w·3, 1) |
//! | `image` | `load_image_folder` | one sub-folder of pictures per class | [`ImageDataset`] |
//! | `csv` | `ndnet::tabular::Table::from_path` | a CSV file with a header | `Table`; X, Y via `TabularConfig` |
//! | `npy` | `NpyExamples::open` | NumPy `.npy` X (m, n_x) and Y (m,) or (m, n_y), one example per row | [`Examples`] read batch by batch |
//!
//! Labels of many classes become binary or one-hot label matrices with [`one_vs_rest`] and
//! [`one_hot`].

use ndarray::{Array2, ArrayView1, ArrayView2};

pub(crate) mod image_dataset;
pub use image_dataset::ImageDataset;

mod examples;
mod labels;
mod load;
#[cfg(feature = "npy")]
mod npy;
#[cfg(feature = "csv")]
pub(crate) use examples::check_gather;
pub(crate) use examples::columns_contiguous;
pub use examples::{Examples, InMemory};
pub use labels::{class_row, one_hot, one_vs_rest};
#[cfg(feature = "hdf5")]
pub use load::{CatSplit, load_cat_h5, load_catvnoncat, load_h5_images};
#[cfg(feature = "mnist")]
pub use load::{Mnist, load_mnist, read_idx_images, read_idx_labels};
pub use load::{data_dir, require_file};
#[cfg(feature = "image")]
pub use load::{load_image, load_image_folder};
#[cfg(feature = "npy")]
pub use npy::{NpyExamples, NpyWriter, save_npy_examples};

mod classes;
mod cross_validation;
mod folds;
mod split;

pub use classes::class_indices;
pub use cross_validation::{CrossValidation, cross_validate};
pub use folds::k_fold_indices;
pub(crate) use split::hold_out;
pub use split::{Split, select_columns, train_test_split};

/// Converts a row-per-example matrix (m, n_x) into ndnet's column-per-example X (n_x, m).
///
/// The result is a new matrix in standard (row-major) layout, so matrix products on it are fast.
///
/// # Shapes
/// `rows` is (m, n_x); the result is (n_x, m).
///
/// ```
/// use ndarray::array;
/// let x = ndnet::data::from_rows(array![[1.0, 2.0, 3.0]].view());
/// assert_eq!(x, array![[1.0], [2.0], [3.0]]);
/// ```
pub fn from_rows<F: Clone>(rows: ArrayView2<F>) -> Array2<F> {
    rows.t().as_standard_layout().into_owned()
}

/// Converts ndnet's column-per-example matrix (n, m) back to one example per row (m, n).
///
/// # Shapes
/// `columns` is (n, m); the result is (m, n).
///
/// ```
/// use ndarray::array;
/// let a = ndnet::data::to_rows(array![[1.0, 2.0, 3.0]].view());
/// assert_eq!(a, array![[1.0], [2.0], [3.0]]);
/// ```
pub fn to_rows<F: Clone>(columns: ArrayView2<F>) -> Array2<F> {
    columns.t().as_standard_layout().into_owned()
}

/// Turns a list of m labels into the course's label row Y of shape (1, m) — never a rank-1 array.
///
/// # Shapes
/// `labels` has length m; the result is (1, m).
///
/// ```
/// use ndarray::array;
/// let y = ndnet::data::labels_row(array![1.0, 0.0, 1.0].view());
/// assert_eq!(y.dim(), (1, 3));
/// ```
pub fn labels_row<F: Clone>(labels: ArrayView1<F>) -> Array2<F> {
    labels.to_owned().insert_axis(ndarray::Axis(0))
}

mod generate;
pub use generate::{circles, parity, planar_flower, xor};
