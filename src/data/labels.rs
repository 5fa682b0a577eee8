//! Class labels into the course's label matrices: the class row, one-vs-rest and one-hot.
//!
//! Labels come as a list of class indices (`u8` for MNIST digits, `usize`, …); ndnet wants
//! every label matrix 2-D with one example per column.
//!
//! ```
//! use ndnet::data::{one_hot, one_vs_rest};
//! let digits: Vec<u8> = vec![3, 0, 3];
//! let is_three = one_vs_rest::<f64, _>(&digits, 3);
//! assert_eq!(is_three, ndarray::array![[1.0, 0.0, 1.0]]);
//! let y = one_hot::<f32, _>(&digits, 10).unwrap();
//! assert_eq!(y.dim(), (10, 3));
//! ```

use ndarray::Array2;

use crate::{Error, Float, Result};

/// The class indices as the course's label row Y (1, m).
///
/// # Shapes
/// `labels` has length m; the result is (1, m).
///
/// ```
/// let y = ndnet::data::class_row::<f64, u8>(&[7, 2]);
/// assert_eq!(y, ndarray::array![[7.0, 2.0]]);
/// ```
pub fn class_row<F: Float, L: Copy + Into<usize>>(labels: &[L]) -> Array2<F> {
    Array2::from_shape_fn((1, labels.len()), |(_, j)| F::from_f64(labels[j].into() as f64))
}

/// Binary labels for "is it class `class`?": Y (1, m) with 1 where `labels[j] == class`, else 0.
///
/// This is how a binary classifier (logistic regression, the course's L-layer network with a
/// sigmoid output) learns one class of a many-class data set, e.g. one MNIST digit.
///
/// # Shapes
/// `labels` has length m; the result is (1, m).
///
/// ```
/// let y = ndnet::data::one_vs_rest::<f64, u8>(&[5, 1, 5, 0], 5);
/// assert_eq!(y, ndarray::array![[1.0, 0.0, 1.0, 0.0]]);
/// ```
pub fn one_vs_rest<F: Float, L: Copy + Into<usize>>(labels: &[L], class: usize) -> Array2<F> {
    Array2::from_shape_fn((1, labels.len()), |(_, j)| {
        if labels[j].into() == class { F::one() } else { F::zero() }
    })
}

/// One-hot labels Y (classes, m): column j has a 1 in row `labels[j]` and 0 elsewhere.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `labels` if a label is `>= classes`; [`Error::TooLarge`]
/// if Y would exceed the [memory limit](crate::memory_limit) (a huge `classes`), checked
/// before it is allocated.
///
/// # Shapes
/// `labels` has length m; the result is (classes, m).
///
/// ```
/// let y = ndnet::data::one_hot::<f64, u8>(&[2, 0], 3).unwrap();
/// assert_eq!(y, ndarray::array![[0.0, 1.0], [0.0, 0.0], [1.0, 0.0]]);
/// assert!(ndnet::data::one_hot::<f64, u8>(&[3], 3).is_err());
/// ```
pub fn one_hot<F: Float, L: Copy + Into<usize>>(labels: &[L], classes: usize) -> Result<Array2<F>> {
    let what = || "Y (classes, m) of one_hot".to_string();
    crate::base::limits::check_alloc(what, &[classes, labels.len()], std::mem::size_of::<F>())?;
    let mut y = Array2::zeros((classes, labels.len()));
    for (j, &label) in labels.iter().enumerate() {
        let k: usize = label.into();
        if k >= classes {
            return Err(Error::InvalidArgument {
                argument: "labels",
                message: format!("label {k} at example {j} is not in 0..{classes}"),
            });
        }
        y[[k, j]] = F::one();
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_hot_columns_sum_to_one_and_match_one_vs_rest() {
        let labels: Vec<usize> = vec![0, 4, 2, 4, 1];
        let y = one_hot::<f64, _>(&labels, 5).unwrap();
        for column in y.columns() {
            assert_eq!(column.sum(), 1.0);
        }
        for class in 0..5 {
            let row = one_vs_rest::<f64, _>(&labels, class);
            assert_eq!(row.row(0), y.row(class));
        }
        assert_eq!(class_row::<f32, _>(&labels).dim(), (1, 5));
    }

    #[test]
    fn one_hot_names_the_bad_label() {
        let err = one_hot::<f64, u8>(&[1, 0, 9], 3).unwrap_err();
        assert!(err.to_string().contains("label 9 at example 2 is not in 0..3"));
        assert_eq!(one_hot::<f64, u8>(&[], 3).unwrap().dim(), (3, 0));
    }
}
