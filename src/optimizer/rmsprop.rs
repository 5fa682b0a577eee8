//! RMSprop: s := β s + (1 − β) dθ², θ := θ − α dθ / (√s + ε).

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use super::state::{self, Slots, check_beta, check_epsilon};
use super::{Optimizer, OptimizerState, ParamId, check_learning_rate, snapshot};
use crate::{Float, Result};

crate::base::config::config! {
    /// The hyperparameters of [`RmsProp`], with Keras' defaults (the course gives the update rule but
    /// no defaults of its own for RMSprop).
    ///
    /// | field | default | source |
    /// |---|---|---|
    /// | `learning_rate` α | 0.001 | Keras' `RMSprop` |
    /// | `beta` β | 0.9 | Keras' `rho` (Hinton's lecture) |
    /// | `epsilon` ε | 1e-8 | the course's Adam (Keras uses 1e-7) |
    ///
    /// ```
    /// use ndnet::RmsPropConfig;
    /// let c = RmsPropConfig::default();
    /// assert_eq!((c.learning_rate, c.beta, c.epsilon), (0.001, 0.9, 1e-8));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct RmsPropConfig in "ndnet::RmsPropConfig::default()" {
        /// The learning rate α.
        learning_rate: f64 = 0.001, set f64, e.g. 0.01 => 0.01;
        /// The decay β of the mean square s, in [0, 1).
        beta: f64 = 0.9, set f64, e.g. 0.999 => 0.999;
        /// ε, added to √s so that a zero gradient does not divide by zero.
        epsilon: f64 = 1e-8, set f64, e.g. 1e-7 => 1e-7;
    }
}

impl RmsPropConfig {
    /// The hyperparameters by name, for an [`OptimizerState`].
    fn named(&self) -> Vec<(String, f64)> {
        vec![
            ("learning_rate".into(), self.learning_rate),
            ("beta".into(), self.beta),
            ("epsilon".into(), self.epsilon),
        ]
    }

    /// Checks the values: α and ε finite and positive, 0 ≤ β < 1.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) naming the bad field.
    ///
    /// ```
    /// assert!(ndnet::RmsPropConfig::default().epsilon(0.0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_beta("beta", self.beta)?;
        check_epsilon(self.epsilon)
    }
}

/// RMSprop: s := β s + (1 − β) dθ² (element-wise), θ := θ − α dθ / (√s + ε), with s = 0 at first.
///
/// ```
/// use ndarray::array;
/// use ndnet::{Optimizer, ParamId, ParamKind, RmsProp, RmsPropConfig};
///
/// let mut opt = RmsProp::new(RmsPropConfig::default().learning_rate(0.01))?;
/// let mut w = array![[1.0]];
/// opt.update(ParamId { layer: 1, kind: ParamKind::Weights }, w.view_mut(), array![[2.0]].view()).unwrap();
/// // s = 0.1·2² = 0.4;  w = 1 − 0.01·2 / (√0.4 + 1e-8) = 0.96837722…
/// approx::assert_abs_diff_eq!(w[[0, 0]], 0.9683772238983162, epsilon = 1e-15);
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RmsProp<F: Float> {
    config: RmsPropConfig,
    mean_square: Slots<Array2<F>>,
}

impl<F: Float> RmsProp<F> {
    /// RMSprop with the given hyperparameters.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) as
    /// [`RmsPropConfig::validate`], and for a learning rate or ε that is not finite or rounds to 0 in F
    /// (1e39 is inf in f32, 1e-50 is 0).
    ///
    /// ```
    /// use ndnet::{RmsProp, RmsPropConfig};
    /// assert!(RmsProp::<f32>::new(RmsPropConfig::default()).is_ok());
    /// assert!(RmsProp::<f32>::new(RmsPropConfig::default().beta(1.0)).is_err());
    /// ```
    pub fn new(config: RmsPropConfig) -> Result<Self> {
        config.validate()?;
        state::check_in_float::<F>(config.learning_rate, Some(config.epsilon))?;
        Ok(RmsProp {
            config,
            mean_square: Slots::new(),
        })
    }

    /// The hyperparameters (with the current learning rate).
    ///
    /// ```
    /// use ndnet::{RmsProp, RmsPropConfig};
    /// let opt = RmsProp::<f32>::new(RmsPropConfig::default())?;
    /// assert_eq!(opt.config().epsilon, 1e-8);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn config(&self) -> RmsPropConfig {
        self.config
    }

    /// The running mean square s of a parameter's gradient; `None` before its first update.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Optimizer, ParamId, ParamKind, RmsProp, RmsPropConfig};
    /// let mut opt = RmsProp::new(RmsPropConfig::default())?;
    /// let id = ParamId { layer: 2, kind: ParamKind::Weights };
    /// opt.update(id, array![[0.0]].view_mut(), array![[3.0]].view()).unwrap();
    /// approx::assert_abs_diff_eq!(opt.mean_square(id).unwrap()[[0, 0]], 0.9, epsilon = 1e-15); // 0.1·3²
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn mean_square(&self, id: ParamId) -> Option<ArrayView2<'_, F>> {
        self.mean_square.get(&id).map(|a| a.view())
    }
}

impl<F: Float> Optimizer<F> for RmsProp<F> {
    fn update(&mut self, id: ParamId, theta: ArrayViewMut2<F>, grad: ArrayView2<F>) -> Result<()> {
        let beta = F::from_f64(self.config.beta);
        let one_minus_beta = F::from_f64(1.0 - self.config.beta);
        let alpha = F::from_f64(self.config.learning_rate);
        let epsilon = F::from_f64(self.config.epsilon);
        state::update_with_state(&mut self.mean_square, id, theta, grad, "s", move |theta, [s], g| {
            let s = super::flush_subnormal(beta * s + one_minus_beta * g * g);
            (theta - alpha * g / (s.sqrt() + epsilon), [s])
        })
    }

    learning_rate_in_config!();

    fn state(&self) -> Option<OptimizerState<F>> {
        let mut state = OptimizerState::new("rmsprop", self.config.named());
        state.arrays.extend(snapshot::export(&self.mean_square, "s"));
        Some(state)
    }

    fn load_state(&mut self, state: &OptimizerState<F>) -> Result<()> {
        state.check_matches("rmsprop", &self.config.named())?;
        let mean_square = state::slots_from(state.arrays_named("s")?);
        Optimizer::<F>::set_learning_rate(self, state.number("learning_rate")?)?;
        self.mean_square = mean_square;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ParamKind;
    use ndarray::array;

    #[test]
    fn two_steps_by_hand() {
        let id = ParamId {
            layer: 1,
            kind: ParamKind::Bias,
        };
        let mut opt = RmsProp::new(RmsPropConfig::default().learning_rate(0.01)).unwrap();
        let mut b = array![[1.0]];
        opt.update(id, b.view_mut(), array![[2.0]].view()).unwrap();
        // s = 0.1·4 = 0.4;  b = 1 − 0.01·2 / (√0.4 + 1e-8) = 0.9683772238983162 (Python, same formula)
        approx::assert_abs_diff_eq!(b[[0, 0]], 0.9683772238983162, epsilon = 1e-15);
        opt.update(id, b.view_mut(), array![[-1.0]].view()).unwrap();
        // s = 0.9·0.4 + 0.1·1 = 0.46;  b += 0.01·1 / (√0.46 + 1e-8) → 0.9831214192964146
        approx::assert_abs_diff_eq!(opt.mean_square(id).unwrap()[[0, 0]], 0.46, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(b[[0, 0]], 0.9831214192964146, epsilon = 1e-15);
    }

    #[test]
    fn zero_gradient_is_no_step_and_not_nan() {
        let id = ParamId {
            layer: 1,
            kind: ParamKind::Weights,
        };
        let mut opt = RmsProp::<f32>::new(RmsPropConfig::default()).unwrap();
        let mut w = array![[0.5_f32]];
        opt.update(id, w.view_mut(), array![[0.0_f32]].view()).unwrap();
        assert_eq!(w, array![[0.5_f32]]);
    }

    #[test]
    fn invalid_hyperparameters() {
        for config in [
            RmsPropConfig::default().beta(1.0),
            RmsPropConfig::default().epsilon(0.0),
            RmsPropConfig::default().epsilon(f64::NAN),
            RmsPropConfig::default().learning_rate(0.0),
        ] {
            assert!(RmsProp::<f64>::new(config).is_err(), "{config:?}");
        }
    }
}
