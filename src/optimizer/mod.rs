//! Optimizers: how parameters θ move given their gradients dθ.
//!
//! The [`Optimizer`] trait sees one parameter at a time, with a stable [`ParamId`], so an
//! optimizer with state per parameter (momentum's v, Adam's v and s) keeps that state itself,
//! and a network of any depth or a mini-batch loop drives it the same way.
//!
//! ```text
//! gradient descent   θ := θ − α dθ
//! momentum           v := β v + (1 − β) dθ                 θ := θ − α v
//! RMSprop            s := β s + (1 − β) dθ²                θ := θ − α dθ / (√s + ε)
//! Adam               v := β1 v + (1 − β1) dθ,  s := β2 s + (1 − β2) dθ²   (t := t + 1 each step)
//!                    v̂ := v / (1 − β1^t),  ŝ := s / (1 − β2^t)            θ := θ − α v̂ / (√ŝ + ε)
//! ```
//!
//! Each optimizer with state is built from a config whose defaults are documented and checked
//! once by `new` ([`Momentum::new`], [`RmsProp::new`], [`Adam::new`]); its state (v, s) is kept
//! per parameter, keyed by its [`ParamId`], allocated at the first step and reused after.
//! A [`LearningRateSchedule`] gives the decayed α for an epoch.
//!
//! ```
//! use ndarray::array;
//! use ndnet::{GradientDescent, Optimizer, ParamId, ParamKind};
//!
//! let mut gd = GradientDescent::new(0.1).unwrap();
//! let mut w = array![[1.0, 2.0]];
//! gd.update(ParamId { layer: 1, kind: ParamKind::Weights }, w.view_mut(), array![[10.0, -10.0]].view()).unwrap();
//! assert_eq!(w, array![[0.0, 3.0]]);
//! ```

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::{Error, Float, Result};

/// The two learning-rate methods of an [`Optimizer`] impl whose α is `self.config.learning_rate`.
macro_rules! learning_rate_in_config {
    () => {
        fn learning_rate(&self) -> f64 {
            self.config.learning_rate
        }

        fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
            super::state::set_learning_rate::<F>(&mut self.config.learning_rate, learning_rate)
        }
    };
}

mod adam;
mod any;
mod checked;
mod momentum;
mod rmsprop;
mod schedule;
mod snapshot;
mod state;

pub use adam::{Adam, AdamConfig};
pub use momentum::{Momentum, MomentumConfig};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use schedule::LearningRateSchedule;
pub use snapshot::OptimizerState;

/// Which parameter of which layer an update is for.
///
/// A network numbers its layers from 1, but the optimizers accept any `ParamId` (layer 0 or
/// `usize::MAX` included): they key their state by the id itself, so every id gets its own state
/// and none panics. Only [`ParamId::index`] has no answer for layer 0.
///
/// ```
/// use ndnet::{ParamId, ParamKind};
/// let b2 = ParamId { layer: 2, kind: ParamKind::Bias };
/// assert!(ParamId { layer: 2, kind: ParamKind::Weights } < b2); // ordered as W[1], b[1], W[2], b[2], …
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId {
    /// The layer's number l, from 1.
    pub layer: usize,
    /// `W[l]` or `b[l]`.
    pub kind: ParamKind,
}

/// `W[l]` or `b[l]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamKind {
    /// The weights `W[l]`.
    Weights,
    /// The biases `b[l]`.
    Bias,
}

impl ParamId {
    /// A dense index 0, 1, 2, … `(W[1], b[1], W[2], …)` for an optimizer of one's own that keeps
    /// its state in a `Vec`; `None` for layer 0 (layers are numbered from 1) or a layer number
    /// so large that the index does not fit in a `usize`.
    ///
    /// ```
    /// use ndnet::{ParamId, ParamKind};
    /// assert_eq!(ParamId { layer: 1, kind: ParamKind::Weights }.index(), Some(0));
    /// assert_eq!(ParamId { layer: 2, kind: ParamKind::Bias }.index(), Some(3));
    /// assert_eq!(ParamId { layer: 0, kind: ParamKind::Weights }.index(), None);
    /// assert_eq!(ParamId { layer: usize::MAX, kind: ParamKind::Bias }.index(), None);
    /// ```
    pub fn index(&self) -> Option<usize> {
        let weights = self.layer.checked_sub(1)?.checked_mul(2)?;
        weights.checked_add(usize::from(self.kind == ParamKind::Bias))
    }
}

/// An update rule for parameters, with its own per-parameter state.
///
/// A training step calls [`Optimizer::begin_step`] once, then [`Optimizer::update`] for every
/// parameter of every layer.
///
/// Every `'static` type can be an optimizer: the trainer can then tell which one it holds, even
/// behind a `dyn Optimizer` ([`Network::fit`](crate::Network::fit) takes its faster full-batch
/// paths only with [`GradientDescent`], whose update it knows).
pub trait Optimizer<F: Float>: any::AsAny {
    /// Called once per step before the updates (Adam counts steps here).
    fn begin_step(&mut self) {}

    /// Moves `theta` given its gradient `grad`.
    ///
    /// # Shapes
    /// `theta` and `grad` have the same shape.
    ///
    /// # Errors
    /// The built-in optimizers return [`Error::Shape`] when the shapes differ (start an
    /// implementation with [`check_update_shapes`]), and [`Error::UpdateRefused`] when the
    /// gradient holds a NaN or ±inf or the step would make θ or the optimizer's state
    /// non-finite; after either error θ and the optimizer's state are as they were. An error
    /// from any optimizer ends [`Network::fit`](crate::Network::fit) with it (an
    /// [`Error::UpdateRefused`] as [`Error::Diverged`]).
    fn update(&mut self, id: ParamId, theta: ArrayViewMut2<F>, grad: ArrayView2<F>) -> Result<()>;

    /// The learning rate α.
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate α (for decay schedules).
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] unless α is finite and positive.
    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()>;

    /// Everything the optimizer keeps between steps, for a training checkpoint; `None` (the
    /// default) for an optimizer that cannot give it, which `fit` with checkpoints refuses.
    /// The built-in optimizers give theirs.
    fn state(&self) -> Option<OptimizerState<F>> {
        None
    }

    /// Puts back a state that [`Optimizer::state`] took, so that the next steps are those the
    /// optimizer would have made.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a state of another optimizer, of other hyperparameters
    /// (the learning rate aside), or with a missing or non-finite number or array; the default
    /// refuses every state.
    fn load_state(&mut self, state: &OptimizerState<F>) -> Result<()> {
        Err(Error::InvalidArgument {
            argument: "optimizer state",
            message: format!(
                "this optimizer cannot load a state (of {}): implement Optimizer::state and load_state",
                state.name
            ),
        })
    }
}

/// Fails with [`Error::Shape`] unless the gradient `grad` has the shape of the parameter
/// `theta`: the first line of every built-in [`Optimizer::update`], and of yours.
///
/// # Errors
/// [`Error::Shape`] naming the parameter (`W[l]` or `b[l]`) and both shapes.
///
/// ```
/// use ndarray::Array2;
/// use ndnet::{check_update_shapes, ParamId, ParamKind};
/// let id = ParamId { layer: 2, kind: ParamKind::Weights };
/// let (w, dw) = (Array2::<f64>::zeros((3, 4)), Array2::<f64>::zeros((4, 3)));
/// assert!(check_update_shapes(id, w.view(), w.view()).is_ok());
/// let err = check_update_shapes(id, w.view(), dw.view()).unwrap_err();
/// assert!(err.to_string().starts_with("the gradient dW[2] of W[2] (3, 4) must be (3, 4), got (4, 3)"));
/// ```
pub fn check_update_shapes<F>(id: ParamId, theta: ArrayView2<F>, grad: ArrayView2<F>) -> Result<()> {
    let (rows, cols) = theta.dim();
    crate::base::check::shape(
        || {
            let name = match id.kind {
                ParamKind::Weights => "W",
                ParamKind::Bias => "b",
            };
            format!(
                "the gradient d{name}[{layer}] of {name}[{layer}] ({rows}, {cols})",
                layer = id.layer
            )
        },
        grad.dim(),
        rows,
        Some(cols),
    )
}

/// Checks that a learning rate is finite and positive.
pub(crate) fn check_learning_rate(learning_rate: f64) -> Result<()> {
    if learning_rate.is_finite() && learning_rate > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidHyperparameter {
            name: "learning_rate",
            value: learning_rate,
            reason: "must be finite and greater than 0",
        })
    }
}

/// Plain gradient descent, θ := θ − α dθ.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientDescent {
    learning_rate: f64,
}

impl GradientDescent {
    /// Gradient descent with learning rate α.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] unless α is finite and positive.
    ///
    /// ```
    /// use ndnet::GradientDescent;
    /// assert!(GradientDescent::new(0.0075).is_ok());
    /// assert!(GradientDescent::new(0.0).is_err());
    /// assert!(GradientDescent::new(f64::NAN).is_err());
    /// ```
    pub fn new(learning_rate: f64) -> Result<Self> {
        check_learning_rate(learning_rate)?;
        Ok(GradientDescent { learning_rate })
    }
}

impl<F: Float> Optimizer<F> for GradientDescent {
    fn update(&mut self, id: ParamId, mut theta: ArrayViewMut2<F>, grad: ArrayView2<F>) -> Result<()> {
        check_update_shapes(id, theta.view(), grad)?;
        let minus_alpha = -F::from_f64(self.learning_rate);
        // The arithmetic of `scaled_add`, θ + (−α) dθ, checked before it is written.
        checked::check_step(id, theta.view(), [], grad, move |t, [], g| (t + minus_alpha * g, []))?;
        theta.scaled_add(minus_alpha, &grad);
        Ok(())
    }

    fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: f64) -> Result<()> {
        state::set_learning_rate::<F>(&mut self.learning_rate, learning_rate)
    }

    fn state(&self) -> Option<OptimizerState<F>> {
        Some(OptimizerState::new(
            "gradient_descent",
            vec![("learning_rate".into(), self.learning_rate)],
        ))
    }

    fn load_state(&mut self, state: &OptimizerState<F>) -> Result<()> {
        state.check_matches("gradient_descent", &[])?;
        Optimizer::<F>::set_learning_rate(self, state.number("learning_rate")?)
    }
}

/// `x`, or 0 when it is below the smallest normal number in magnitude: the optimizers' moving
/// averages decay geometrically where the gradient stays 0 (a dead ReLU unit, an input never
/// seen in a batch), and subnormal arithmetic is many times slower on x86 (long Adam runs on
/// [784, 128, 10] would spend most of their time on subnormal moments). Their share
/// of an update, under 1e-30 α, is below the precision of any normal θ.
pub(crate) fn flush_subnormal<F: Float>(x: F) -> F {
    if x.abs() < F::min_positive_value() {
        F::zero()
    } else {
        x
    }
}
