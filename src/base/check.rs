//! Input checks shared by every entry point: shapes, emptiness and finiteness.

use ndarray::ArrayView2;

use crate::{Error, Float, Result};

/// Fails with [`Error::NoExamples`] when `a` has no columns.
pub(crate) fn not_empty<F>(argument: &'static str, a: ArrayView2<F>) -> Result<()> {
    if a.ncols() == 0 {
        return Err(Error::NoExamples { argument });
    }
    Ok(())
}

/// Fails with [`Error::NonFinite`] at the first NaN or infinite entry of `a`.
pub(crate) fn finite<F: Float>(argument: &'static str, a: ArrayView2<F>) -> Result<()> {
    // Fast path (X is checked on every public forward and backward): a branch-free scan of
    // contiguous memory in chunks, which the compiler vectorizes; the slow search below only
    // runs to locate a bad value.
    if all_finite(a) {
        return Ok(());
    }
    match a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        Some(((row, column), value)) => Err(Error::NonFinite {
            argument,
            row,
            column,
            value: value.as_f64(),
        }),
        None => Ok(()),
    }
}

/// Whether every element of `a` is finite: a branch-free scan of contiguous memory in
/// chunks, which the compiler vectorizes (0·x is 0 for finite x and NaN for NaN or ±inf).
pub(crate) fn all_finite<F: Float>(a: ArrayView2<F>) -> bool {
    match a.as_slice_memory_order() {
        Some(values) => values.chunks(1024).all(chunk_is_finite),
        None => a.iter().all(|v| v.is_finite()),
    }
}

/// [`all_finite`] of one chunk, with 16 independent sums so that it vectorizes.
fn chunk_is_finite<F: Float>(chunk: &[F]) -> bool {
    let mut sums = [F::zero(); 16];
    let mut blocks = chunk.chunks_exact(16);
    for block in &mut blocks {
        for (sum, &v) in sums.iter_mut().zip(block) {
            *sum += v * F::zero();
        }
    }
    let rest = blocks.remainder().iter().fold(F::zero(), |acc, &v| acc + v * F::zero());
    sums.iter().fold(rest, |acc, &s| acc + s) == F::zero()
}

/// Fails with [`Error::Shape`] unless `got` has `rows` rows and, when given, `cols` columns.
///
/// `context` names the matrix (`"layer 2: W[2] is (4, 5) so A[1]"`); the expected shape is
/// written in the course's notation, with `m` for a free number of examples.
pub(crate) fn shape(
    context: impl FnOnce() -> String,
    got: (usize, usize),
    rows: usize,
    cols: Option<usize>,
) -> Result<()> {
    let fits = |(r, c): (usize, usize)| r == rows && cols.is_none_or(|n| c == n);
    if fits(got) {
        return Ok(());
    }
    let expected = match cols {
        Some(n) => format!("({rows}, {n})"),
        None => format!("({rows}, m)"),
    };
    Err(Error::Shape {
        context: context(),
        expected,
        got,
        transposed_fits: fits((got.1, got.0)),
    })
}

/// "`name` has k non-finite entries (first at row i, column j: v)", if any entry is non-finite.
/// `name` is only formatted when something is wrong: training runs this on every step.
pub(crate) fn describe_non_finite<F: Float>(name: impl FnOnce() -> String, m: ArrayView2<F>) -> Option<String> {
    // The vectorized scan first, the counting walk only when something is wrong.
    if all_finite(m) {
        return None;
    }
    let mut count = 0usize;
    let mut first = None;
    for ((i, j), &v) in m.indexed_iter() {
        if !v.is_finite() {
            count += 1;
            first.get_or_insert((i, j, v));
        }
    }
    let (i, j, v) = first?;
    let entries = if count == 1 { "entry" } else { "entries" };
    let name = name();
    Some(format!(
        "{name} has {count} non-finite {entries} (first at row {i}, column {j}: {v})"
    ))
}

/// "`name` (largest magnitude v at row i, column j)", for a cost that overflowed from finite values.
pub(crate) fn largest<F: Float>(name: &str, m: ArrayView2<F>) -> String {
    let top = m.indexed_iter().map(|(at, v)| (at, v.as_f64().abs())).fold(
        None,
        |best: Option<((usize, usize), f64)>, (at, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((at, v)),
        },
    );
    match top {
        Some(((i, j), v)) => format!("{name} (largest magnitude {v:.3e} at row {i}, column {j})"),
        None => format!("{name} (empty)"),
    }
}

/// `value` in the float type F, checked: finite there (1e39 is inf in f32), and, when
/// `nonzero`, a value other than 0 neither rounded to 0 nor subnormal there (an ε of 1e-50 is 0
/// in f32, a learning rate of 1e-40 is subnormal: it keeps a few bits at most, and a step by it
/// changes no weight).
///
/// # Errors
/// [`Error::InvalidHyperparameter`] naming `name`.
pub(crate) fn in_float<F: Float>(name: &'static str, value: f64, nonzero: bool) -> Result<F> {
    let converted = F::from_f64(value);
    let reason = if !converted.is_finite() {
        "is not finite in this float type (f32 holds magnitudes up to about 3.4e38)"
    } else if nonzero && value != 0.0 && converted == F::zero() {
        "rounds to 0 in this float type (f32 holds magnitudes down to about 1.4e-45)"
    } else if nonzero && value != 0.0 && converted.abs() < F::min_positive_value() {
        "is subnormal in this float type (f32's normal numbers start at about 1.2e-38): it keeps too few bits \
         to compute with; use f64 or a larger value"
    } else {
        return Ok(converted);
    };
    Err(Error::InvalidHyperparameter { name, value, reason })
}

/// Whether `value` (finite in f64) is represented in F without losing its scale: 0 for 0, else a
/// finite, normal number (not rounded to 0, not subnormal, not infinite).
#[cfg(feature = "csv")]
pub(crate) fn normal_in<F: Float>(value: f64) -> bool {
    let converted = F::from_f64(value);
    value == 0.0 || (converted.is_finite() && converted.abs() >= F::min_positive_value())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn shape_error_quotes_both_shapes_and_hints_at_the_transpose() {
        let err = shape(|| "X".to_string(), (3, 5), 5, None).unwrap_err();
        assert_eq!(
            err.to_string().split(" (its").next().unwrap(),
            "X must be (5, m), got (3, 5)"
        );
        assert!(matches!(
            err,
            Error::Shape {
                transposed_fits: true,
                ..
            }
        ));
        let err = shape(|| "X".to_string(), (3, 4), 5, None).unwrap_err();
        assert!(matches!(
            err,
            Error::Shape {
                transposed_fits: false,
                ..
            }
        ));
    }

    #[test]
    fn finite_names_the_first_bad_entry() {
        let a = array![[1.0, f64::NAN], [f64::INFINITY, 0.0]];
        let err = finite("X", a.view()).unwrap_err();
        assert!(matches!(err, Error::NonFinite { row: 0, column: 1, .. }));
    }

    #[test]
    fn not_empty_rejects_zero_columns() {
        let a = Array2::<f64>::zeros((3, 0));
        assert!(matches!(
            not_empty("X", a.view()),
            Err(Error::NoExamples { argument: "X" })
        ));
    }
}
