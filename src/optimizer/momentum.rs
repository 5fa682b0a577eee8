//! Gradient descent with momentum, in the course's form: v := β v + (1 − β) dθ, θ := θ − α v.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use super::state::{self, Slots, check_beta};
use super::{Optimizer, OptimizerState, ParamId, check_learning_rate, snapshot};
use crate::{Float, Result};

crate::base::config::config! {
    /// The hyperparameters of [`Momentum`], with the course's defaults.
    ///
    /// | field | default | source |
    /// |---|---|---|
    /// | `learning_rate` α | 0.01 | the course's `update_parameters_with_momentum` (and Keras' SGD) |
    /// | `beta` β | 0.9 | the course: v averages about the last 1 / (1 − β) = 10 gradients |
    ///
    /// ```
    /// use ndnet::MomentumConfig;
    /// let config = MomentumConfig::default().learning_rate(0.1);
    /// assert_eq!((config.learning_rate, config.beta), (0.1, 0.9));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct MomentumConfig in "ndnet::MomentumConfig::default()" {
        /// The learning rate α.
        learning_rate: f64 = 0.01, set f64, e.g. 0.5 => 0.5;
        /// The momentum β, in [0, 1); β = 0 is plain gradient descent.
        beta: f64 = 0.9, set f64, e.g. 0.0 => 0.0;
    }
}

impl MomentumConfig {
    /// The hyperparameters by name, for an [`OptimizerState`].
    fn named(&self) -> Vec<(String, f64)> {
        vec![("learning_rate".into(), self.learning_rate), ("beta".into(), self.beta)]
    }

    /// Checks the values: α finite and positive, 0 ≤ β < 1.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) naming the bad field.
    ///
    /// ```
    /// assert!(ndnet::MomentumConfig::default().beta(1.0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_beta("beta", self.beta)
    }
}

/// Gradient descent with momentum: v := β v + (1 − β) dθ, θ := θ − α v, with v = 0 at first.
///
/// The velocity v of each parameter is allocated at its first update and reused after.
///
/// ```
/// use ndarray::array;
/// use ndnet::{Momentum, MomentumConfig, Optimizer, ParamId, ParamKind};
///
/// let mut opt = Momentum::new(MomentumConfig::default().learning_rate(0.1))?;
/// let id = ParamId { layer: 1, kind: ParamKind::Weights };
/// let mut w = array![[1.0]];
/// opt.update(id, w.view_mut(), array![[2.0]].view()).unwrap();
/// // v = 0.9·0 + 0.1·2 = 0.2;  w = 1 − 0.1·0.2 = 0.98
/// approx::assert_abs_diff_eq!(w[[0, 0]], 0.98, epsilon = 1e-15);
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Momentum<F: Float> {
    config: MomentumConfig,
    velocity: Slots<Array2<F>>,
}

impl<F: Float> Momentum<F> {
    /// Momentum with the given hyperparameters.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) as
    /// [`MomentumConfig::validate`], and for a learning rate that is not finite or rounds to 0 in F
    /// (1e39 is inf in f32, 1e-50 is 0).
    ///
    /// ```
    /// use ndnet::{Momentum, MomentumConfig};
    /// assert!(Momentum::<f64>::new(MomentumConfig::default()).is_ok());
    /// assert!(Momentum::<f64>::new(MomentumConfig::default().learning_rate(-1.0)).is_err());
    /// ```
    pub fn new(config: MomentumConfig) -> Result<Self> {
        config.validate()?;
        state::check_in_float::<F>(config.learning_rate, None)?;
        Ok(Momentum {
            config,
            velocity: Slots::new(),
        })
    }

    /// The hyperparameters (with the current learning rate).
    ///
    /// ```
    /// use ndnet::{Momentum, MomentumConfig};
    /// let opt = Momentum::<f32>::new(MomentumConfig::default().beta(0.8))?;
    /// assert_eq!(opt.config().beta, 0.8);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn config(&self) -> MomentumConfig {
        self.config
    }

    /// The velocity v of a parameter; `None` before its first update.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Momentum, MomentumConfig, Optimizer, ParamId, ParamKind};
    /// let mut opt = Momentum::new(MomentumConfig::default())?;
    /// let id = ParamId { layer: 1, kind: ParamKind::Bias };
    /// assert!(opt.velocity(id).is_none());
    /// opt.update(id, array![[0.0]].view_mut(), array![[1.0]].view()).unwrap();
    /// approx::assert_abs_diff_eq!(opt.velocity(id).unwrap()[[0, 0]], 0.1, epsilon = 1e-15);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn velocity(&self, id: ParamId) -> Option<ArrayView2<'_, F>> {
        self.velocity.get(&id).map(|a| a.view())
    }
}

impl<F: Float> Optimizer<F> for Momentum<F> {
    fn update(&mut self, id: ParamId, theta: ArrayViewMut2<F>, grad: ArrayView2<F>) -> Result<()> {
        let beta = F::from_f64(self.config.beta);
        let one_minus_beta = F::from_f64(1.0 - self.config.beta);
        let alpha = F::from_f64(self.config.learning_rate);
        state::update_with_state(&mut self.velocity, id, theta, grad, "v", move |theta, [v], g| {
            let v = super::flush_subnormal(beta * v + one_minus_beta * g);
            (theta - alpha * v, [v])
        })
    }

    learning_rate_in_config!();

    fn state(&self) -> Option<OptimizerState<F>> {
        let mut state = OptimizerState::new("momentum", self.config.named());
        state.arrays.extend(snapshot::export(&self.velocity, "v"));
        Some(state)
    }

    fn load_state(&mut self, state: &OptimizerState<F>) -> Result<()> {
        state.check_matches("momentum", &self.config.named())?;
        let velocity = state::slots_from(state.arrays_named("v")?);
        Optimizer::<F>::set_learning_rate(self, state.number("learning_rate")?)?;
        self.velocity = velocity;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ParamKind;
    use ndarray::array;

    const W1: ParamId = ParamId {
        layer: 1,
        kind: ParamKind::Weights,
    };

    #[test]
    fn two_steps_by_hand() {
        let mut opt = Momentum::new(MomentumConfig::default().learning_rate(0.5)).unwrap();
        let mut w = array![[1.0, -2.0]];
        opt.update(W1, w.view_mut(), array![[1.0, 4.0]].view()).unwrap();
        // v = 0.1·[1, 4] = [0.1, 0.4];  w = [1, −2] − 0.5·[0.1, 0.4] = [0.95, −2.2]
        approx::assert_abs_diff_eq!(w, array![[0.95, -2.2]], epsilon = 1e-15);
        opt.update(W1, w.view_mut(), array![[-1.0, 0.0]].view()).unwrap();
        // v = 0.9·[0.1, 0.4] + 0.1·[−1, 0] = [−0.01, 0.36];  w = [0.95 + 0.005, −2.2 − 0.18]
        approx::assert_abs_diff_eq!(w, array![[0.955, -2.38]], epsilon = 1e-15);
    }

    #[test]
    fn invalid_hyperparameters() {
        for config in [
            MomentumConfig::default().beta(1.0),
            MomentumConfig::default().beta(-0.5),
            MomentumConfig::default().beta(f64::NAN),
            MomentumConfig::default().learning_rate(0.0),
            MomentumConfig::default().learning_rate(f64::INFINITY),
        ] {
            assert!(Momentum::<f32>::new(config).is_err(), "{config:?}");
        }
        let mut opt = Momentum::<f32>::new(MomentumConfig::default()).unwrap();
        assert!(opt.set_learning_rate(-1.0).is_err());
        opt.set_learning_rate(0.25).unwrap();
        assert_eq!(Optimizer::<f32>::learning_rate(&opt), 0.25);
    }
}
