//! Per-parameter optimizer state, and the checks shared by the optimizers and their configs.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};

use super::{ParamId, check_learning_rate, check_update_shapes, checked};
use crate::linalg::parallel::for_each_part;
use crate::{Error, Float, Result};

/// State per parameter, keyed by its [`ParamId`] (any id, layer 0 included): absent until the
/// parameter's first update.
pub(crate) type Slots<S> = BTreeMap<ParamId, S>;

/// The state an update of parameter `id` starts from, given that `fits` says whether the slot's
/// state has the parameter's shape: `(None, slot's state)`, or `(Some(new), new)` with a new state
/// made by `make` at the parameter's first update (or when the optimizer was moved to another
/// network). The update is checked against it, and [`keep`] puts a new one in the slot once
/// the update is made: a refused update leaves the slots as they were.
pub(crate) fn current<S>(
    slots: &Slots<S>,
    id: ParamId,
    fits: impl Fn(&S) -> bool,
    make: impl FnOnce() -> S,
) -> (Option<S>, Option<&S>) {
    match slots.get(&id) {
        Some(state) if fits(state) => (None, Some(state)),
        _ => (Some(make()), None),
    }
}

/// The slot of parameter `id` for the update being made, holding `new` if [`current`] made one;
/// after a parameter's first update the same buffers are returned and nothing is allocated.
pub(crate) fn keep<S>(slots: &mut Slots<S>, id: ParamId, new: Option<S>) -> &mut S {
    match (slots.entry(id), new) {
        (Entry::Occupied(entry), None) => entry.into_mut(),
        (Entry::Occupied(mut entry), Some(new)) => {
            entry.insert(new);
            entry.into_mut()
        }
        (Entry::Vacant(entry), new) => entry.insert(new.expect("`current` makes a state for a parameter without one")),
    }
}

/// Slots holding copies of `arrays`, one per parameter.
pub(crate) fn slots_from<F: Float>(arrays: Vec<(ParamId, &Array2<F>)>) -> Slots<Array2<F>> {
    arrays.into_iter().map(|(id, values)| (id, values.clone())).collect()
}

/// Runs `step(θ, s, g)` on every element of θ, its one state array and the gradient: over
/// contiguous slices (as in training), vectorized and split between the threads when large, else
/// with `Zip`. The same operations on each element either way.
pub(crate) fn for_each_element<F: Float>(
    mut theta: ArrayViewMut2<F>,
    state: &mut Array2<F>,
    grad: ArrayView2<F>,
    step: impl Fn(&mut F, &mut F, F) + Sync + Copy,
) {
    match (theta.as_slice_mut(), state.as_slice_mut(), grad.as_slice()) {
        (Some(theta), Some(state), Some(grad)) => for_each_part((theta, state, grad), |(theta, state, grad)| {
            // The step copied into this thread's frame: read through the closure's captures,
            // its constants were loaded again for every element and the loop did not vectorize.
            #[allow(clippy::redundant_locals, reason = "the copy is the point: see the comment")]
            let step = step;
            for ((theta, s), &g) in theta.iter_mut().zip(state).zip(grad) {
                step(theta, s, g);
            }
        }),
        _ => Zip::from(theta)
            .and(state)
            .and(grad)
            .for_each(|theta, s, &g| step(theta, s, g)),
    }
}

/// Checks α (and ε) in the model's float type F, where they must stay finite and non-zero
/// (1e39 is infinite in f32, 1e-50 is 0): every optimizer's `new`, after its config's own
/// `validate`.
pub(crate) fn check_in_float<F: Float>(learning_rate: f64, epsilon: Option<f64>) -> Result<()> {
    crate::base::check::in_float::<F>("learning_rate", learning_rate, true)?;
    match epsilon {
        Some(epsilon) => crate::base::check::in_float::<F>("epsilon", epsilon, true).map(drop),
        None => Ok(()),
    }
}

/// One update of θ by a rule that keeps one state array per parameter (momentum's v,
/// RMSprop's s, named `name`): the shapes checked, then `step(θ, [state], g) → (θ, [state])` run
/// on copies of every element and refused unless all is finite ([`checked::check_step`]),
/// then run on every element. The state is made (zeros) at the parameter's first update, and
/// kept only once that update is made.
pub(crate) fn update_with_state<F: Float>(
    slots: &mut Slots<Array2<F>>,
    id: ParamId,
    theta: ArrayViewMut2<F>,
    grad: ArrayView2<F>,
    name: &'static str,
    step: impl Fn(F, [F; 1], F) -> (F, [F; 1]) + Sync + Copy,
) -> Result<()> {
    check_update_shapes(id, theta.view(), grad)?;
    let dim = grad.dim();
    let (new, kept) = current(slots, id, |s| s.dim() == dim, || Array2::zeros(dim));
    let state = new.as_ref().or(kept).expect("`current` gives a state").view();
    checked::check_step(id, theta.view(), [(name, state)], grad, step)?;
    let state = keep(slots, id, new);
    for_each_element(theta, state, grad, move |theta, s, g| {
        (*theta, [*s]) = step(*theta, [*s], g);
    });
    Ok(())
}

/// Sets the learning rate `rate` to `learning_rate` once it is finite and positive in f64 and
/// in F: every optimizer's [`Optimizer::set_learning_rate`](super::Optimizer::set_learning_rate).
pub(crate) fn set_learning_rate<F: Float>(rate: &mut f64, learning_rate: f64) -> Result<()> {
    check_learning_rate(learning_rate)?;
    crate::base::check::in_float::<F>("learning_rate", learning_rate, true)?;
    *rate = learning_rate;
    Ok(())
}

/// Checks a decay rate β: finite and in [0, 1).
pub(crate) fn check_beta(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name,
            value,
            reason: "must be at least 0 and less than 1",
        })
    }
}

/// Checks ε: finite and positive.
pub(crate) fn check_epsilon(value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name: "epsilon",
            value,
            reason: "must be finite and greater than 0",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_made_once_and_remade_when_the_shape_changes() {
        let mut slots: Slots<Vec<u8>> = Slots::new();
        let mut made = 0;
        let id = ParamId {
            layer: 2,
            kind: super::super::ParamKind::Bias,
        };
        for len in [2, 2, 3] {
            let (new, _) = current(
                &slots,
                id,
                |s| s.len() == len,
                || {
                    made += 1;
                    vec![0; len]
                },
            );
            let s = keep(&mut slots, id, new);
            assert_eq!(s.len(), len);
        }
        assert_eq!(made, 2);
        assert_eq!(slots.len(), 1);
        // A state made for an update that is then refused is never kept.
        let other = ParamId { layer: 1, ..id };
        let (new, kept) = current(&slots, other, |_| true, || vec![1]);
        assert!(new.is_some() && kept.is_none());
        assert!(!slots.contains_key(&other));
    }

    #[test]
    fn every_param_id_gets_its_own_state_and_none_panics() {
        use crate::{Adam, AdamConfig, GradientDescent, Momentum, MomentumConfig, Optimizer, ParamKind};
        use crate::{RmsProp, RmsPropConfig};
        use ndarray::array;
        let ids = [0, 1, usize::MAX]
            .into_iter()
            .flat_map(|layer| [ParamKind::Weights, ParamKind::Bias].map(|kind| ParamId { layer, kind }));
        let mut momentum = Momentum::new(MomentumConfig::default()).unwrap();
        let mut others: Vec<Box<dyn Optimizer<f64>>> = vec![
            Box::new(GradientDescent::new(0.1).unwrap()),
            Box::new(RmsProp::new(RmsPropConfig::default()).unwrap()),
            Box::new(Adam::new(AdamConfig::default()).unwrap()),
        ];
        for (i, id) in ids.clone().enumerate() {
            let grad = array![[1.0 + i as f64]];
            for opt in others
                .iter_mut()
                .map(|o| &mut **o)
                .chain([&mut momentum as &mut dyn Optimizer<f64>])
            {
                let mut theta = array![[0.0]];
                opt.update(id, theta.view_mut(), grad.view()).unwrap();
                assert!(theta[[0, 0]] < 0.0, "{id:?}");
            }
        }
        for (i, id) in ids.enumerate() {
            let v = momentum.velocity(id).unwrap()[[0, 0]];
            approx::assert_abs_diff_eq!(v, 0.1 * (1.0 + i as f64), epsilon = 1e-15); // (1 − β) dθ, β = 0.9
        }
    }

    #[test]
    fn mismatched_shapes_are_errors_for_every_optimizer_and_leave_theta_alone() {
        use crate::{Adam, AdamConfig, Error, GradientDescent, Momentum, MomentumConfig, Optimizer, ParamKind};
        use crate::{RmsProp, RmsPropConfig};
        use ndarray::Array2;
        let mut optimizers: Vec<Box<dyn Optimizer<f32>>> = vec![
            Box::new(GradientDescent::new(0.1).unwrap()),
            Box::new(Momentum::new(MomentumConfig::default()).unwrap()),
            Box::new(RmsProp::new(RmsPropConfig::default()).unwrap()),
            Box::new(Adam::new(AdamConfig::default()).unwrap()),
        ];
        let id = ParamId {
            layer: 3,
            kind: ParamKind::Bias,
        };
        for opt in &mut optimizers {
            // A first step with matching shapes allocates the state; then (2, 1) against (2, 2)
            // (which ndarray would broadcast), a transpose, and an empty gradient.
            let mut theta = Array2::<f32>::ones((2, 2));
            opt.update(id, theta.view_mut(), Array2::ones((2, 2)).view()).unwrap();
            let before = theta.clone();
            for grad in [
                Array2::ones((2, 1)),
                Array2::ones((1, 2)),
                Array2::ones((0, 2)),
                Array2::ones((4, 1)),
            ] {
                let err = opt.update(id, theta.view_mut(), grad.view()).unwrap_err();
                assert!(matches!(err, Error::Shape { got, .. } if got == grad.dim()), "{err}");
                assert!(
                    err.to_string()
                        .starts_with("the gradient db[3] of b[3] (2, 2) must be (2, 2)"),
                    "{err}"
                );
                assert_eq!(theta, before);
            }
            // A new shape for the same id later is fine: the state is remade.
            let mut theta = Array2::<f32>::ones((3, 1));
            opt.update(id, theta.view_mut(), Array2::ones((3, 1)).view()).unwrap();
            assert!(theta.iter().all(|&t| t < 1.0));
        }
    }

    #[test]
    fn a_large_layer_split_between_threads_updates_as_one_strided_loop_does() {
        use crate::{Adam, AdamConfig, Momentum, MomentumConfig, Optimizer, ParamKind};
        use crate::{RmsProp, RmsPropConfig};
        use ndarray::{Array2, ShapeBuilder};
        type Make = fn() -> Box<dyn Optimizer<f64>>;
        let makers: [Make; 3] = [
            || Box::new(Momentum::new(MomentumConfig::default()).unwrap()),
            || Box::new(RmsProp::new(RmsPropConfig::default()).unwrap()),
            || Box::new(Adam::new(AdamConfig::default()).unwrap()),
        ];
        let id = ParamId {
            layer: 1,
            kind: ParamKind::Weights,
        };
        // 128 × 784 as a 784 → 128 layer: contiguous, so split between the threads; the
        // same values column-major take the strided loop on one thread.
        let dim = (128, 784);
        let value = |(i, j): (usize, usize)| ((i * 31 + j * 17) % 101) as f64 / 50.0 - 1.0;
        for make in makers {
            let (mut split, mut strided) = (make(), make());
            let mut theta = Array2::from_shape_fn(dim, value);
            let mut theta_f = Array2::from_shape_fn(dim.f(), value);
            for step in 0..3 {
                let grad = Array2::from_shape_fn(dim, |(i, j)| value((j, i + step)) * 0.1);
                let grad_f = Array2::from_shape_fn(dim.f(), |ij| grad[ij]);
                split.begin_step();
                strided.begin_step();
                split.update(id, theta.view_mut(), grad.view()).unwrap();
                strided.update(id, theta_f.view_mut(), grad_f.view()).unwrap();
            }
            assert!(theta.as_slice().is_some() && theta_f.as_slice().is_none());
            assert_eq!(theta, theta_f, "bit for bit");
            assert_ne!(theta, Array2::from_shape_fn(dim, value));
        }
    }

    #[test]
    fn beta_and_epsilon_ranges() {
        assert!(check_beta("beta", 0.0).is_ok());
        assert!(check_beta("beta", 0.999).is_ok());
        for bad in [1.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(check_beta("beta", bad).is_err(), "{bad}");
        }
        assert!(check_epsilon(1e-8).is_ok());
        for bad in [0.0, -1e-8, f64::NAN] {
            assert!(check_epsilon(bad).is_err(), "{bad}");
        }
    }
}
