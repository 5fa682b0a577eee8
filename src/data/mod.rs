//! Data: layout conversions, generated data sets, seeded train/test splits and k-fold indices,
//! and (behind features) file loaders such as `tabular` (feature `csv`).
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

use ndarray::{Array2, ArrayView1, ArrayView2};

mod classes;
mod folds;
mod split;
#[cfg(feature = "csv")]
pub mod tabular;

pub use classes::class_indices;
pub use folds::k_fold_indices;
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
