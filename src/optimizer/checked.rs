//! The check before a built-in optimizer writes anything: an update whose gradient holds a NaN
//! or ±inf, or whose step would make the parameter or the optimizer's state non-finite, is
//! refused with [`Error::UpdateRefused`] and leaves both as they were.
//!
//! The check runs the optimizer's own step on copies of every element (the same closure as the
//! update, so the same arithmetic and the same results), split between the threads like the
//! update itself; only when it finds a non-finite result does a second, sequential pass look
//! for the first one to name it.

use std::sync::atomic::{AtomicBool, Ordering};

use ndarray::ArrayView2;

use super::{ParamId, ParamKind};
use crate::base::check::describe_non_finite;
use crate::linalg::parallel::{Slices, for_each_part};
use crate::{Error, Float, Result};

/// Fails with [`Error::UpdateRefused`] unless `step(θ, state, g)` is finite in every output for
/// every element, and so is the gradient: `states` are the optimizer's arrays for this
/// parameter (named for the message), all of θ's shape, which the caller checked.
pub(crate) fn check_step<F: Float, const N: usize>(
    id: ParamId,
    theta: ArrayView2<F>,
    states: [(&'static str, ArrayView2<F>); N],
    grad: ArrayView2<F>,
    step: impl Fn(F, [F; N], F) -> (F, [F; N]) + Sync + Copy,
) -> Result<()> {
    let finite = move |t: F, s: [F; N], g: F| {
        let (t, s) = step(t, s, g);
        s.iter().fold(g.is_finite() & t.is_finite(), |ok, s| ok & s.is_finite())
    };
    let slices: [Option<&[F]>; N] = std::array::from_fn(|k| states[k].1.as_slice());
    if let (Some(t), Some(g), true) = (theta.as_slice(), grad.as_slice(), slices.iter().all(Option::is_some)) {
        let s: [&[F]; N] = std::array::from_fn(|k| slices[k].unwrap_or_default());
        let bad = AtomicBool::new(false);
        for_each_part(Elements { t, g, s }, |Elements { t, g, s }| {
            // The step copied into this thread's frame, and every slice cut to θ's length: the
            // loop then vectorizes (read through the closure's captures, its constants were
            // loaded again for every element, and its indexing checked).
            #[allow(clippy::redundant_locals, reason = "the copy is the point: see the comment")]
            let finite = finite;
            let (g, s) = (&g[..t.len()], s.map(|s| &s[..t.len()]));
            let ok = (0..t.len()).fold(true, |ok, i| ok & finite(t[i], std::array::from_fn(|k| s[k][i]), g[i]));
            if !ok {
                bad.store(true, Ordering::Relaxed);
            }
        });
        if !bad.load(Ordering::Relaxed) {
            return Ok(());
        }
    } else if theta
        .indexed_iter()
        .all(|((i, j), &t)| finite(t, std::array::from_fn(|k| states[k].1[[i, j]]), grad[[i, j]]))
    {
        return Ok(());
    }
    Err(refusal(id, theta, states, grad, step))
}

/// θ, its gradient and N state arrays as slices of one length, cut at the same index.
struct Elements<'a, F, const N: usize> {
    t: &'a [F],
    g: &'a [F],
    s: [&'a [F]; N],
}

impl<F: Sync, const N: usize> Slices for Elements<'_, F, N> {
    fn len(&self) -> usize {
        let len = self.t.len();
        assert!(
            self.g.len() == len && self.s.iter().all(|s| s.len() == len),
            "an element-wise check over slices of different lengths"
        );
        len
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (t, t_rest) = self.t.split_at(mid);
        let (g, g_rest) = self.g.split_at(mid);
        let (s, s_rest) = (self.s.map(|s| &s[..mid]), self.s.map(|s| &s[mid..]));
        (
            Elements { t, g, s },
            Elements {
                t: t_rest,
                g: g_rest,
                s: s_rest,
            },
        )
    }
}

/// The error for an update that [`check_step`] refuses, describing the first matrix that is not
/// finite: the gradient, else θ after the step, else each state after it (made on copies:
/// this runs only when something is wrong).
fn refusal<F: Float, const N: usize>(
    id: ParamId,
    theta: ArrayView2<F>,
    states: [(&'static str, ArrayView2<F>); N],
    grad: ArrayView2<F>,
    step: impl Fn(F, [F; N], F) -> (F, [F; N]),
) -> Error {
    let (parameter, gradient) = names_of(id);
    if let Some(what) = describe_non_finite(|| gradient, grad) {
        return Error::UpdateRefused {
            parameter,
            what,
            made_by_step: false,
        };
    }
    let mut after = theta.to_owned();
    let mut after_states = states.map(|(_, s)| s.to_owned());
    for ((i, j), t) in after.indexed_iter_mut() {
        let (new_t, new_s) = step(*t, std::array::from_fn(|k| after_states[k][[i, j]]), grad[[i, j]]);
        *t = new_t;
        for (state, value) in after_states.iter_mut().zip(new_s) {
            state[[i, j]] = value;
        }
    }
    let what = describe_non_finite(|| parameter.clone(), after.view())
        .or_else(|| {
            states.iter().zip(&after_states).find_map(|((name, _), state)| {
                describe_non_finite(|| format!("the optimizer's {name} of {parameter}"), state.view())
            })
        })
        .unwrap_or_else(|| format!("{parameter} or the optimizer's state for it is not finite"));
    Error::UpdateRefused {
        parameter,
        what,
        made_by_step: true,
    }
}

/// `("W[l]", "dW[l]")` or `("b[l]", "db[l]")`.
fn names_of(id: ParamId) -> (String, String) {
    let name = match id.kind {
        ParamKind::Weights => "W",
        ParamKind::Bias => "b",
    };
    (format!("{name}[{}]", id.layer), format!("d{name}[{}]", id.layer))
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, ShapeBuilder, array};

    use super::*;

    const B2: ParamId = ParamId {
        layer: 2,
        kind: ParamKind::Bias,
    };

    fn gd(t: f64, _: [f64; 0], g: f64) -> (f64, [f64; 0]) {
        (t - g, [])
    }

    #[test]
    fn names_the_first_bad_matrix_contiguous_or_not() {
        let theta = array![[1.0, 2.0], [3.0, 4.0]];
        let mut grad = Array2::zeros((2, 2).f());
        grad[[1, 0]] = f64::NAN;
        for grad in [grad.clone(), grad.as_standard_layout().into_owned()] {
            let err = check_step(B2, theta.view(), [], grad.view(), gd).unwrap_err();
            assert_eq!(
                err.to_string(),
                "the update of b[2] was refused: db[2] has 1 non-finite entry (first at row 1, column 0: NaN); \
                 b[2] and the optimizer's state are left as they were"
            );
        }
        let huge = array![[f64::MAX, 0.0]];
        let err = check_step(B2, huge.view(), [], array![[-f64::MAX, 0.0]].view(), gd).unwrap_err();
        assert!(
            err.to_string()
                .contains("b[2] has 1 non-finite entry (first at row 0, column 0: inf) after this step"),
            "{err}"
        );
        let s = array![[1.0, 1.0]];
        let square = |t: f64, [s]: [f64; 1], g: f64| (t, [s + g * g]);
        let err = check_step(B2, s.view(), [("s", s.view())], array![[1.0, 1e200]].view(), square).unwrap_err();
        assert!(
            err.to_string()
                .contains("the optimizer's s of b[2] has 1 non-finite entry (first at row 0, column 1: inf)"),
            "{err}"
        );
    }

    #[test]
    fn a_long_finite_update_split_between_threads_passes() {
        let theta = Array2::<f32>::ones((300, 400));
        assert!(
            check_step(B2, theta.view(), [("v", theta.view())], theta.view(), |t, s, g| (
                t - g,
                s
            ))
            .is_ok()
        );
        let mut grad = theta.clone();
        grad[[299, 399]] = f32::INFINITY;
        let err = check_step(B2, theta.view(), [], grad.view(), |t, s, g| (t - g, s)).unwrap_err();
        assert!(err.to_string().contains("(first at row 299, column 399: inf)"), "{err}");
    }
}
