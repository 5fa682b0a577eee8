//! State that outlives a bad call: an optimizer's update refused for a non-finite gradient (or a
//! step that would overflow) leaves θ and the optimizer's state as they were; a `fit` whose
//! callback or optimizer panics leaves every layer at the same step; generators refuse
//! parameters that are not finite.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ndarray::{Array2, ArrayView2, ArrayViewMut2, array};
use ndnet::{
    Adam, AdamConfig, Error, FitOptions, Float, GradientDescent, Momentum, MomentumConfig, Optimizer, OptimizerState,
    ParamId, ParamKind, RmsProp, RmsPropConfig, TrainConfig, TrainingPath,
};

use crate::common;

const W2: ParamId = ParamId {
    layer: 2,
    kind: ParamKind::Weights,
};

fn optimizers<F: Float>() -> Vec<Box<dyn Optimizer<F>>> {
    vec![
        Box::new(GradientDescent::new(0.1).unwrap()),
        Box::new(Momentum::new(MomentumConfig::default()).unwrap()),
        Box::new(RmsProp::new(RmsPropConfig::default()).unwrap()),
        Box::new(Adam::new(AdamConfig::default()).unwrap()),
    ]
}

/// For every built-in optimizer in f32 and f64: after one finite step, gradients holding NaN,
/// ±inf (in one entry of a contiguous or a strided view) are refused, θ and the optimizer's
/// state (`Optimizer::state`: moments, Adam's step count) are bit for bit as they were, and
/// the next finite step gives finite values; a finite gradient whose square overflows (1e21 in
/// f32) is either refused the same way or leaves everything finite, never an infinite state.
fn refused_updates_leave_no_trace<F: Float>(overflowing_square: f64) {
    for mut opt in optimizers::<F>() {
        let mut theta = Array2::from_shape_fn((3, 4), |(i, j)| F::from_f64(0.1 * (i + j) as f64));
        let grad = Array2::from_elem((3, 4), F::from_f64(0.5));
        opt.begin_step();
        opt.update(W2, theta.view_mut(), grad.view()).unwrap();
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, overflowing_square] {
            let (theta_before, state_before): (Array2<F>, OptimizerState<F>) = (theta.clone(), opt.state().unwrap());
            let mut g = grad.clone();
            g[[2, 1]] = F::from_f64(bad);
            let transposed = g.t().as_standard_layout().into_owned();
            for g in [g.view(), transposed.t()] {
                opt.begin_step();
                match opt.update(W2, theta.view_mut(), g) {
                    Err(err) => {
                        let text = err.to_string();
                        assert!(text.starts_with("the update of W[2] was refused: "), "{text}");
                        assert!(matches!(err, Error::UpdateRefused { .. }), "{text}");
                        assert_eq!(theta, theta_before, "{bad}: θ moved");
                        let mut after = opt.state().unwrap();
                        // begin_step counts Adam's steps (t, β^t): the refused update itself changes nothing.
                        after.counters = state_before.counters.clone();
                        assert_eq!(after, state_before, "{bad}: the state moved");
                    }
                    Ok(()) => {
                        assert!(bad.is_finite(), "a gradient holding {bad} was accepted");
                        assert!(theta.iter().all(|t| t.is_finite()), "{bad}: θ {theta:?}");
                        let state = opt.state().unwrap();
                        let finite = state.arrays.iter().all(|(_, _, a)| a.iter().all(|v| v.is_finite()));
                        assert!(finite, "{bad}: the state is not finite: {state:?}");
                    }
                }
            }
        }
        opt.begin_step();
        opt.update(W2, theta.view_mut(), grad.view()).unwrap();
        assert!(theta.iter().all(|t| t.is_finite()), "{theta:?}");
    }
}

#[test]
fn a_refused_update_leaves_theta_and_every_optimizers_state_as_they_were() {
    refused_updates_leave_no_trace::<f32>(1e21);
    refused_updates_leave_no_trace::<f64>(1e160);
}

/// Adam's first update refused: no step is counted, no moments are kept.
#[test]
fn a_refused_first_update_leaves_a_fresh_optimizer_fresh() {
    let mut adam = Adam::<f64>::new(AdamConfig::default()).unwrap();
    let mut theta = array![[1.0, 2.0]];
    assert!(
        adam.update(W2, theta.view_mut(), array![[f64::NAN, 1.0]].view())
            .is_err()
    );
    assert_eq!((adam.step(), adam.moments(W2).is_none()), (0, true));
    let mut momentum = Momentum::<f32>::new(MomentumConfig::default()).unwrap();
    let mut theta = array![[1.0f32]];
    assert!(
        momentum
            .update(W2, theta.view_mut(), array![[f32::INFINITY]].view())
            .is_err()
    );
    assert!(momentum.velocity(W2).is_none());
    assert_eq!(theta, array![[1.0f32]]);
}

/// The Gram form forms `W[1]` when training ends. A callback that panics at iteration 4 (after
/// five updates) leaves the network of five steps: `W[1]` formed too, every layer as a run of
/// five steps leaves it.
#[test]
fn a_panicking_callback_leaves_every_layer_at_the_same_step() {
    let mut rng = common::rng(5);
    let x = Array2::from_shape_fn((400, 20), |(i, j)| ((i * 7 + j * 13) % 17) as f64 / 17.0 - 0.5);
    let y = Array2::from_shape_fn((1, 20), |(_, j)| (j % 2) as f64);
    let start = common::tanh_network::<f64>(&[400, 6, 3, 1], &mut rng);
    let mut five = start.clone();
    let history = five
        .fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), TrainConfig::new(5))
        .unwrap();
    assert_eq!(history.plan.path, TrainingPath::GramForm);
    let mut net = start.clone();
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let options = FitOptions::new(TrainConfig::new(50).record_every(1)).callback(|record| {
            assert!(
                record.iteration < 4,
                "the callback panics at iteration {}",
                record.iteration
            );
        });
        net.fit((&x, &y), &mut GradientDescent::new(0.5).unwrap(), options)
    }));
    assert!(panicked.is_err(), "the callback's panic reaches the caller");
    for l in 1..=3 {
        let (got, want) = (net.layer(l).unwrap(), five.layer(l).unwrap());
        let moved = (&got.w() - &start.layer(l).unwrap().w()).mapv(f64::abs).sum();
        assert!(moved > 0.0, "W[{l}] is where training started");
        for (name, got, want) in [("W", got.w(), want.w()), ("b", got.b(), want.b())] {
            let diff = (&got - &want).mapv(f64::abs).fold(0.0, |a: f64, &d| a.max(d));
            assert!(diff < 1e-12, "{name}[{l}] differs from five steps' by {diff:e}");
        }
    }
}

/// An optimizer that panics in the update of `W[2]` at its `panic_at`-th step (after updating
/// `W[1]` and `b[1]` of that step).
struct PanicsInW2 {
    inner: GradientDescent,
    steps: usize,
    panic_at: usize,
}

impl Optimizer<f64> for PanicsInW2 {
    fn begin_step(&mut self) {
        self.steps += 1;
    }
    fn update(&mut self, id: ParamId, theta: ArrayViewMut2<f64>, grad: ArrayView2<f64>) -> ndnet::Result<()> {
        assert!(!(self.steps == self.panic_at && id == W2), "the optimizer panics");
        self.inner.update(id, theta, grad)
    }
    fn learning_rate(&self) -> f64 {
        Optimizer::<f64>::learning_rate(&self.inner)
    }
    fn set_learning_rate(&mut self, learning_rate: f64) -> ndnet::Result<()> {
        Optimizer::<f64>::set_learning_rate(&mut self.inner, learning_rate)
    }
}

/// An optimizer that panics half-way through a step: the network is that of a whole number of
/// steps (the last copy `fit` keeps), never `W[1]` of step 3 beside `W[2]` of step 2.
#[test]
fn a_panicking_optimizer_leaves_every_layer_at_the_same_step() {
    let (x, y, start) = common::xor_setup::<f64>(2);
    let mut net = start.clone();
    let mut opt = PanicsInW2 {
        inner: GradientDescent::new(0.5).unwrap(),
        steps: 0,
        panic_at: 3,
    };
    let panicked = catch_unwind(AssertUnwindSafe(|| net.fit((&x, &y), &mut opt, TrainConfig::new(10))));
    assert!(panicked.is_err());
    let mut stepped = start.clone();
    let mut gd = GradientDescent::new(0.5).unwrap();
    let at_a_step = (0..3).any(|_| {
        let same = common::parameter_bits(&stepped) == common::parameter_bits(&net);
        stepped.train_step(&x, &y, &mut gd).unwrap();
        same
    });
    assert!(at_a_step, "the layers are at different steps");
    // train_step: the same.
    let mut net = start.clone();
    opt.steps = 2;
    let panicked = catch_unwind(AssertUnwindSafe(|| net.train_step(&x, &y, &mut opt)));
    assert!(panicked.is_err());
    assert_eq!(common::parameter_bits(&net), common::parameter_bits(&start));
}

#[test]
fn generators_refuse_parameters_that_are_not_finite() {
    let mut rng = common::rng(0);
    for (noise, factor) in [
        (f64::NAN, 0.5),
        (f64::INFINITY, 0.5),
        (0.1, f64::NAN),
        (0.1, f64::NEG_INFINITY),
        (-0.1, 0.5),
        (1e308, 0.5),
    ] {
        let err = ndnet::data::circles::<f64, _>(20, noise, factor, &mut rng).unwrap_err();
        let name = if (0.0..1e300).contains(&noise) {
            "factor"
        } else {
            "noise"
        };
        assert!(err.to_string().starts_with(name), "{noise}, {factor}: {err}");
    }
    // Finite in f64, infinite in f32.
    for (noise, factor) in [(1e39, 0.5), (0.1, 1e39), (3e38, 0.5)] {
        assert!(
            ndnet::data::circles::<f32, _>(20, noise, factor, &mut rng).is_err(),
            "{noise}, {factor}"
        );
    }
    assert!(ndnet::data::circles::<f32, _>(20, 0.0, 0.5, &mut rng).is_ok());
}
