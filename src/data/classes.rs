//! Class labels for stratification: [`class_indices`] reads them from Y.

use std::collections::BTreeMap;

use ndarray::{ArrayBase, Data, Ix2};

use crate::{Error, Float, Result};

/// The class of every example of Y, for stratifying: Y (1, m) must hold class indices
/// 0, 1, 2, … (0/1 for binary labels); for one-hot Y (C, m) the class is the row of each
/// column's largest entry.
///
/// # Shapes
/// `y` is (1, m) or (C, m); the result has length m.
///
/// # Errors
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if Y has no rows, a (1, m) Y holds something other than a
/// non-negative whole number, or a (C, m) Y holds NaN.
///
/// ```
/// use ndarray::array;
/// use ndnet::data::class_indices;
/// assert_eq!(class_indices(&array![[1.0, 0.0, 2.0]]).unwrap(), [1, 0, 2]);
/// assert_eq!(class_indices(&array![[0.0, 1.0], [1.0, 0.0]]).unwrap(), [1, 0]);
/// assert!(class_indices(&array![[0.5]]).is_err());
/// ```
pub fn class_indices<F: Float, S: Data<Elem = F>>(y: &ArrayBase<S, Ix2>) -> Result<Vec<usize>> {
    let bad = |j: usize, v: F, what: &str| Error::invalid_argument("y", format!("column {j} holds {v}; {what}"));
    match y.nrows() {
        0 => Err(Error::invalid_argument(
            "y",
            "Y has no rows; labels are (1, m) or one-hot (C, m)".to_owned(),
        )),
        1 => y
            .row(0)
            .iter()
            .enumerate()
            .map(|(j, &v)| {
                let f = v.as_f64();
                if f >= 0.0 && f.fract() == 0.0 && f < u32::MAX as f64 {
                    Ok(f as usize)
                } else {
                    Err(bad(j, v, "class labels must be whole numbers 0, 1, 2, …"))
                }
            })
            .collect(),
        _ => y
            .columns()
            .into_iter()
            .enumerate()
            .map(|(j, column)| {
                let mut best = 0;
                for (c, &v) in column.iter().enumerate() {
                    if v.is_nan() {
                        return Err(bad(j, v, "one-hot labels must be numbers"));
                    }
                    if v > column[best] {
                        best = c;
                    }
                }
                Ok(best)
            })
            .collect(),
    }
}

/// The example indices of each class, classes in increasing order.
pub(crate) fn class_groups(labels: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &c) in labels.iter().enumerate() {
        groups.entry(c).or_default().push(i);
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn binary_class_index_and_one_hot_labels() {
        assert_eq!(class_indices(&array![[0.0f32, 1.0, 1.0]]).unwrap(), [0, 1, 1]);
        assert_eq!(class_indices(&array![[3.0, 0.0]]).unwrap(), [3, 0]);
        // One-hot (3, 2): column 0 is class 2, column 1 is class 0.
        let one_hot = array![[0.0, 0.9], [0.0, 0.1], [1.0, 0.0]];
        assert_eq!(class_indices(&one_hot).unwrap(), [2, 0]);
    }

    #[test]
    fn non_class_values_are_errors() {
        for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY] {
            assert!(class_indices(&array![[0.0, bad]]).is_err(), "{bad}");
        }
        assert!(class_indices(&array![[0.0], [f64::NAN]]).is_err());
        assert!(class_indices(&ndarray::Array2::<f64>::zeros((0, 3))).is_err());
    }

    #[test]
    fn groups_are_in_class_order() {
        assert_eq!(class_groups(&[1, 0, 1, 2]), [vec![1], vec![0, 2], vec![3]]);
    }
}
