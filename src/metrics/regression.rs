//! Regression metrics: [`rmse`], [`mae`] and [`r2`], on predicted and true numbers (1, m).
//!
//! Each works on the values divided by the largest magnitude among them, so that differences
//! and squares of values near f64's limits (1e300) stay finite; the result is scaled back.

use ndarray::{ArrayBase, Data, Ix2, Zip};

use super::check_pair;
use crate::base::check;
use crate::{Error, Float, Result};

/// Root mean squared error, in the target's units:
///
/// ```text
/// RMSE = √( (1/m) Σ (ŷ − y)² )
/// ```
///
/// # Shapes
/// `predictions` and `labels` are both (1, m), m ≥ 1.
///
/// # Errors
/// [`Error::Shape`] / [`Error::NoExamples`] for wrong shapes or m = 0; [`Error::NonFinite`]
/// for NaN or ±inf in either.
///
/// ```
/// use ndarray::array;
/// // Errors 1, −2, 0, 3: squares 1 + 4 + 0 + 9 = 14, mean 3.5, RMSE √3.5.
/// let e = ndnet::metrics::rmse(&array![[2.0, 0.0, 5.0, 7.0]], &array![[1.0, 2.0, 5.0, 4.0]])?;
/// assert!((e - 3.5f64.sqrt()).abs() < 1e-15);
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn rmse<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let (m, scale) = checked(predictions, labels)?;
    let sum = Zip::from(predictions).and(labels).fold(0.0, |acc, &p, &y| {
        let d = p.as_f64() / scale - y.as_f64() / scale;
        acc + d * d
    });
    Ok((sum / m as f64).sqrt() * scale)
}

/// Mean absolute error, in the target's units:
///
/// ```text
/// MAE = (1/m) Σ |ŷ − y|
/// ```
///
/// # Shapes
/// `predictions` and `labels` are both (1, m), m ≥ 1.
///
/// # Errors
/// As [`rmse`].
///
/// ```
/// use ndarray::array;
/// // Errors 1, −2, 0, 3: (1 + 2 + 0 + 3) / 4 = 1.5.
/// let e = ndnet::metrics::mae(&array![[2.0, 0.0, 5.0, 7.0]], &array![[1.0, 2.0, 5.0, 4.0]])?;
/// assert_eq!(e, 1.5);
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn mae<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let (m, scale) = checked(predictions, labels)?;
    let sum = Zip::from(predictions)
        .and(labels)
        .fold(0.0, |acc, &p, &y| acc + (p.as_f64() / scale - y.as_f64() / scale).abs());
    Ok(sum / m as f64 * scale)
}

/// The coefficient of determination R², the share of the labels' variance the predictions
/// explain (1 is perfect, 0 is as good as always predicting the mean, below 0 is worse):
///
/// ```text
/// R² = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²
/// ```
///
/// # Shapes
/// `predictions` and `labels` are both (1, m), m ≥ 1.
///
/// # Errors
/// As [`rmse`]; [`Error::InvalidArgument`] if every label is the same (Σ (y − ȳ)² = 0: R² is
/// undefined).
///
/// ```
/// use ndarray::array;
/// // y = 1, 2, 3, 6: ȳ = 3, Σ (y − ȳ)² = 4 + 1 + 0 + 9 = 14.
/// // ŷ = 1, 3, 3, 5: Σ (y − ŷ)² = 0 + 1 + 0 + 1 = 2.  R² = 1 − 2/14 = 6/7.
/// let r2 = ndnet::metrics::r2(&array![[1.0, 3.0, 3.0, 5.0]], &array![[1.0, 2.0, 3.0, 6.0]])?;
/// assert!((r2 - 6.0 / 7.0).abs() < 1e-15);
/// assert!(ndnet::metrics::r2(&array![[1.0, 2.0]], &array![[4.0, 4.0]]).is_err());
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn r2<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<f64>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let (m, scale) = checked(predictions, labels)?;
    let mean = labels.iter().map(|y| y.as_f64() / scale).sum::<f64>() / m as f64;
    let (residual, total) = Zip::from(predictions)
        .and(labels)
        .fold((0.0, 0.0), |(res, tot), &p, &y| {
            let y = y.as_f64() / scale;
            let (d, e) = (y - p.as_f64() / scale, y - mean);
            (res + d * d, tot + e * e)
        });
    if total <= 0.0 {
        return Err(Error::InvalidArgument {
            argument: "labels",
            message: format!(
                "all {m} labels equal {}: R² divides by their variance, which is 0",
                labels[[0, 0]]
            ),
        });
    }
    Ok(1.0 - residual / total)
}

/// Checks shapes and finiteness; returns m and the largest magnitude among both (1 if all 0).
fn checked<F, S, T>(predictions: &ArrayBase<S, Ix2>, labels: &ArrayBase<T, Ix2>) -> Result<(usize, f64)>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    let m = check_pair(predictions, labels)?;
    check::finite("predictions", predictions.view())?;
    check::finite("labels", labels.view())?;
    let scale = predictions
        .iter()
        .chain(labels.iter())
        .fold(0.0_f64, |largest, v| largest.max(v.as_f64().abs()));
    Ok((m, if scale > 0.0 { scale } else { 1.0 }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn perfect_predictions_and_the_mean_baseline() {
        let y = array![[1.0, 2.0, 3.0, 6.0]];
        assert_eq!(rmse(&y, &y).unwrap(), 0.0);
        assert_eq!(mae(&y, &y).unwrap(), 0.0);
        assert_eq!(r2(&y, &y).unwrap(), 1.0);
        // Always predicting ȳ = 3 explains nothing: R² = 0; RMSE is the population std √(14/4).
        let mean = array![[3.0, 3.0, 3.0, 3.0]];
        assert!(r2(&mean, &y).unwrap().abs() < 1e-15);
        assert!((rmse(&mean, &y).unwrap() - 3.5f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn huge_values_stay_finite_and_exact() {
        // Errors of ±1e308: their squares (1e616) would overflow unscaled.
        let (p, y) = (array![[5e307, -5e307]], array![[-5e307, 5e307]]);
        assert_eq!(rmse(&p, &y).unwrap(), 1e308);
        assert_eq!(mae(&p, &y).unwrap(), 1e308);
        // ȳ = 0, Σ (y − ȳ)² = 2 (scaled), Σ (y − ŷ)² = 8: R² = 1 − 4 = −3.
        assert_eq!(r2(&p, &y).unwrap(), -3.0);
    }

    #[test]
    fn shapes_and_non_finite_values_are_errors() {
        assert!(matches!(
            rmse(&array![[1.0, 2.0]], &array![[1.0]]),
            Err(Error::Shape { .. })
        ));
        assert!(matches!(
            mae(&array![[f64::NAN]], &array![[1.0]]),
            Err(Error::NonFinite {
                argument: "predictions",
                ..
            })
        ));
        assert!(matches!(
            r2(&array![[1.0, 2.0]], &array![[1.0, f64::INFINITY]]),
            Err(Error::NonFinite { argument: "labels", .. })
        ));
    }
}
