//! [`ConfusionMatrix`]: the four counts of a binary classifier's predictions.

use std::fmt;

use ndarray::{ArrayBase, Data, Ix2};

use super::check_pair;
use crate::{Error, Float, Result};

/// Counts of true/false positives/negatives; every binary metric derives from them.
///
/// `Display` prints a 2×2 table, actual classes down, predicted classes across.
///
/// ```
/// let cm = ndnet::metrics::ConfusionMatrix { tp: 50, fp: 5, tn: 35, fn_: 10 };
/// let table = concat!(
///     "         predicted 1  predicted 0\n",
///     "actual 1          50           10\n",
///     "actual 0           5           35\n",
/// );
/// assert_eq!(cm.to_string(), table);
/// assert_eq!(cm.accuracy(), 0.85); // (50 + 35) / 100
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ConfusionMatrix {
    /// True positives: predicted 1, label 1.
    pub tp: usize,
    /// False positives: predicted 1, label 0.
    pub fp: usize,
    /// True negatives: predicted 0, label 0.
    pub tn: usize,
    /// False negatives: predicted 0, label 1 (`fn` is a keyword).
    pub fn_: usize,
}

impl ConfusionMatrix {
    /// The number of examples m = tp + fp + tn + fn (at most `usize::MAX`: counts set by hand
    /// that add up to more saturate).
    ///
    /// ```
    /// let cm = ndnet::metrics::ConfusionMatrix { tp: 1, fp: 2, tn: 3, fn_: 4 };
    /// assert_eq!(cm.total(), 10);
    /// ```
    pub fn total(&self) -> usize {
        // Counts set by hand can add up past usize::MAX: saturate rather than overflow.
        [self.fp, self.tn, self.fn_]
            .into_iter()
            .fold(self.tp, usize::saturating_add)
    }

    /// (tp + tn) / m, 0 for an empty matrix.
    ///
    /// ```
    /// let cm = ndnet::metrics::ConfusionMatrix { tp: 1, fp: 2, tn: 3, fn_: 4 };
    /// assert_eq!(cm.accuracy(), 0.4);
    /// ```
    pub fn accuracy(&self) -> f64 {
        ratio(self.tp as f64 + self.tn as f64, self.total_f64())
    }

    /// tp / (tp + fp), 0 when nothing is predicted positive.
    ///
    /// ```
    /// let cm = ndnet::metrics::ConfusionMatrix { tp: 1, fp: 3, tn: 0, fn_: 0 };
    /// assert_eq!(cm.precision(), 0.25);
    /// ```
    pub fn precision(&self) -> f64 {
        ratio(self.tp as f64, self.tp as f64 + self.fp as f64)
    }

    /// tp / (tp + fn), 0 when no label is positive.
    ///
    /// ```
    /// let cm = ndnet::metrics::ConfusionMatrix { tp: 3, fp: 0, tn: 0, fn_: 1 };
    /// assert_eq!(cm.recall(), 0.75);
    /// ```
    pub fn recall(&self) -> f64 {
        ratio(self.tp as f64, self.tp as f64 + self.fn_ as f64)
    }

    /// 2·tp / (2·tp + fp + fn), the harmonic mean of precision and recall; 0 when tp = 0.
    ///
    /// ```
    /// let cm = ndnet::metrics::ConfusionMatrix { tp: 1, fp: 1, tn: 0, fn_: 2 };
    /// assert_eq!(cm.f1(), 0.4); // 2 / (2 + 1 + 2)
    /// ```
    pub fn f1(&self) -> f64 {
        let tp = self.tp as f64;
        ratio(2.0 * tp, 2.0 * tp + self.fp as f64 + self.fn_ as f64)
    }

    /// The four counts added in f64: hand-set counts may overflow usize (the public fields).
    fn total_f64(&self) -> f64 {
        [self.tp, self.fp, self.tn, self.fn_].iter().map(|&n| n as f64).sum()
    }
}

impl fmt::Display for ConfusionMatrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = [self.tp, self.fp, self.tn, self.fn_]
            .iter()
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
            .max("predicted 1".len());
        writeln!(f, "{:8} {:>w$}  {:>w$}", "", "predicted 1", "predicted 0")?;
        writeln!(f, "{:8} {:>w$}  {:>w$}", "actual 1", self.tp, self.fn_)?;
        writeln!(f, "{:8} {:>w$}  {:>w$}", "actual 0", self.fp, self.tn)
    }
}

/// Counts tp, fp, tn and fn of 0/1 predictions against 0/1 labels.
///
/// # Shapes
/// `predictions` and `labels` are both (1, m), m ≥ 1.
///
/// # Errors
/// [`Error::Shape`] / [`Error::NoExamples`] for wrong shapes or m = 0;
/// [`Error::InvalidArgument`] if a value is neither 0 nor 1.
///
/// ```
/// use ndarray::array;
/// let cm = ndnet::metrics::confusion_matrix(&array![[1.0, 1.0, 0.0, 0.0, 1.0]],
///                                           &array![[1.0, 0.0, 0.0, 1.0, 1.0]]).unwrap();
/// assert_eq!(cm, ndnet::metrics::ConfusionMatrix { tp: 2, fp: 1, tn: 1, fn_: 1 });
/// ```
pub fn confusion_matrix<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<ConfusionMatrix>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    check_pair(predictions, labels)?;
    let mut cm = ConfusionMatrix::default();
    for (j, (&p, &l)) in predictions.iter().zip(labels).enumerate() {
        match (zero_one("predictions", j, p)?, zero_one("labels", j, l)?) {
            (true, true) => cm.tp += 1,
            (true, false) => cm.fp += 1,
            (false, false) => cm.tn += 1,
            (false, true) => cm.fn_ += 1,
        }
    }
    Ok(cm)
}

fn zero_one<F: Float>(argument: &'static str, column: usize, v: F) -> Result<bool> {
    if v == F::one() {
        Ok(true)
    } else if v == F::zero() {
        Ok(false)
    } else {
        Err(Error::InvalidArgument {
            argument,
            message: format!(
                "column {column} holds {v}; binary metrics need 0/1 values (threshold probabilities \
                 first, e.g. p >= 0.5)"
            ),
        })
    }
}

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator == 0.0 {
        0.0
    } else {
        numerator / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn counts_by_hand() {
        // Columns: (p, y) = (1,1) (1,1) (1,0) (0,0) (0,1) (0,1) (0,1).
        let cm = confusion_matrix(
            &array![[1.0f32, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]],
            &array![[1.0f32, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0]],
        )
        .unwrap();
        assert_eq!(
            cm,
            ConfusionMatrix {
                tp: 2,
                fp: 1,
                tn: 1,
                fn_: 3
            }
        );
        assert_eq!((cm.precision(), cm.recall()), (2.0 / 3.0, 0.4));
        // F1 = 2·2 / (4 + 1 + 3) = 0.5.
        assert_eq!(cm.f1(), 0.5);
    }

    #[test]
    fn non_binary_values_are_rejected() {
        let err = confusion_matrix(&array![[1.0, 0.0]], &array![[1.0, 2.0]]).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { argument: "labels", .. }));
        assert!(err.to_string().contains("column 1 holds 2"), "{err}");
        assert!(confusion_matrix(&array![[f64::NAN]], &array![[1.0]]).is_err());
    }

    #[test]
    fn display_widens_for_large_counts() {
        let cm = ConfusionMatrix {
            tp: 123_456_789_012,
            fp: 0,
            tn: 0,
            fn_: 0,
        };
        let first_data_line = cm.to_string().lines().nth(1).map(str::to_owned);
        assert_eq!(first_data_line.as_deref(), Some("actual 1 123456789012             0"));
    }

    #[test]
    fn empty_matrix_ratios_are_zero() {
        let cm = ConfusionMatrix::default();
        assert_eq!(
            (cm.accuracy(), cm.precision(), cm.recall(), cm.f1()),
            (0.0, 0.0, 0.0, 0.0)
        );
    }
}
