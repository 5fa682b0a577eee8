//! [`log_loss`]: binary cross-entropy of predicted probabilities, safe at p = 0 and p = 1.

use ndarray::{ArrayBase, Data, Ix2};

use super::check_pair;
use crate::base::check;
use crate::{Error, Float, Result};

/// p and 1 − p are floored at `EPSILON` so that the loss stays finite.
const EPSILON: f64 = 1e-15;

/// The binary cross-entropy `−(1/m) Σ [y ln p + (1 − y) ln(1 − p)]`, computed in f64.
///
/// p and 1 − p are floored at 1e-15 before taking logarithms, so a confident wrong answer
/// costs −ln(1e-15) ≈ 34.54 instead of infinity.
///
/// # Shapes
/// `probabilities` and `labels` are both (1, m), m ≥ 1.
///
/// # Errors
/// [`Error::Shape`] / [`Error::NoExamples`] for wrong shapes or m = 0; [`Error::NonFinite`]
/// for a NaN or infinite probability; [`Error::InvalidArgument`] for a probability outside
/// [0, 1]; [`Error::LabelOutOfRange`] for a label outside [0, 1].
///
/// ```
/// use ndarray::array;
/// // −(ln 0.9 + ln 0.8) / 2 = (0.1053605 + 0.2231436) / 2 = 0.1642520.
/// let loss = ndnet::metrics::log_loss(&array![[0.9, 0.2]], &array![[1.0, 0.0]]).unwrap();
/// assert!((loss - 0.1642520).abs() < 1e-7);
/// ```
pub fn log_loss<F, S, T>(probabilities: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let m = check_pair(probabilities, labels)?;
    check::finite("probabilities", probabilities.view())?;
    let mut total = 0.0;
    for (column, (&p, &y)) in probabilities.iter().zip(labels).enumerate() {
        let (p, y) = (p.as_f64(), y.as_f64());
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidArgument {
                argument: "probabilities",
                message: format!("column {column} holds {p}; probabilities must be in [0, 1]"),
            });
        }
        if !(0.0..=1.0).contains(&y) {
            return Err(Error::LabelOutOfRange {
                cost: "log_loss",
                row: 0,
                column,
                value: y,
            });
        }
        total -= y * p.max(EPSILON).ln() + (1.0 - y) * (1.0 - p).max(EPSILON).ln();
    }
    Ok(total / m as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn by_hand_in_f32_and_f64() {
        // −ln 0.5 = 0.6931472 for every example.
        let loss = log_loss(&array![[0.5f32, 0.5]], &array![[1.0f32, 0.0]]).unwrap();
        assert!((loss - std::f64::consts::LN_2).abs() < 1e-12);
    }

    #[test]
    fn finite_at_zero_and_one() {
        let right = log_loss(&array![[1.0, 0.0]], &array![[1.0, 0.0]]).unwrap();
        assert!(right.is_finite() && right < 1e-14);
        // Both wrong with certainty: −ln(1e-15) = 34.538776 each.
        let wrong = log_loss(&array![[0.0, 1.0]], &array![[1.0, 0.0]]).unwrap();
        assert!((wrong - 34.538776).abs() < 1e-5, "{wrong}");
    }

    #[test]
    fn bad_values_are_errors() {
        let y = array![[1.0]];
        assert!(matches!(
            log_loss(&array![[f64::NAN]], &y),
            Err(Error::NonFinite { .. })
        ));
        assert!(matches!(
            log_loss(&array![[1.5]], &y),
            Err(Error::InvalidArgument { .. })
        ));
        let err = log_loss(&array![[0.5]], &array![[2.0]]).unwrap_err();
        assert!(matches!(
            err,
            Error::LabelOutOfRange {
                cost: "log_loss",
                column: 0,
                ..
            }
        ));
        assert!(matches!(log_loss(&array![[0.5, 0.5]], &y), Err(Error::Shape { .. })));
    }
}
