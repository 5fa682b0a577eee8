//! [`AdamConfig`]: Adam's hyperparameters, their defaults and their checks.

use super::check_learning_rate;
use super::state::{check_beta, check_epsilon};
use crate::Result;

/// The hyperparameters of [`Adam`](crate::Adam), with the defaults of the course (β1, β2, ε) and of Keras
/// and the Adam paper (α).
///
/// | field | default | source |
/// |---|---|---|
/// | `learning_rate` α | 0.001 | Keras, the paper (the course's `update_parameters_with_adam` uses 0.01) |
/// | `beta1` β1 | 0.9 | the course, Keras, the paper |
/// | `beta2` β2 | 0.999 | the course, Keras, the paper |
/// | `epsilon` ε | 1e-8 | the course, the paper (Keras uses 1e-7) |
///
/// ```
/// use ndnet::AdamConfig;
/// let c = AdamConfig::default();
/// assert_eq!((c.learning_rate, c.beta1, c.beta2, c.epsilon), (0.001, 0.9, 0.999, 1e-8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct AdamConfig {
    /// The learning rate α.
    pub learning_rate: f64,
    /// The decay β1 of the first moment v (momentum), in [0, 1).
    pub beta1: f64,
    /// The decay β2 of the second moment s (RMSprop), in [0, 1).
    pub beta2: f64,
    /// ε, added to √ŝ so that a zero gradient does not divide by zero.
    pub epsilon: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            learning_rate: 0.001,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

impl AdamConfig {
    /// The same config with learning rate α.
    ///
    /// ```
    /// assert_eq!(ndnet::AdamConfig::default().learning_rate(0.01).learning_rate, 0.01);
    /// ```
    pub fn learning_rate(mut self, learning_rate: f64) -> Self {
        self.learning_rate = learning_rate;
        self
    }

    /// The same config with β1.
    ///
    /// ```
    /// assert_eq!(ndnet::AdamConfig::default().beta1(0.8).beta1, 0.8);
    /// ```
    pub fn beta1(mut self, beta1: f64) -> Self {
        self.beta1 = beta1;
        self
    }

    /// The same config with β2.
    ///
    /// ```
    /// assert_eq!(ndnet::AdamConfig::default().beta2(0.99).beta2, 0.99);
    /// ```
    pub fn beta2(mut self, beta2: f64) -> Self {
        self.beta2 = beta2;
        self
    }

    /// The same config with ε.
    ///
    /// ```
    /// assert_eq!(ndnet::AdamConfig::default().epsilon(1e-7).epsilon, 1e-7);
    /// ```
    pub fn epsilon(mut self, epsilon: f64) -> Self {
        self.epsilon = epsilon;
        self
    }

    /// Checks the values: α and ε finite and positive, 0 ≤ β1, β2 < 1.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) naming the bad field.
    ///
    /// ```
    /// assert!(ndnet::AdamConfig::default().beta2(1.0).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_learning_rate(self.learning_rate)?;
        check_beta("beta1", self.beta1)?;
        check_beta("beta2", self.beta2)?;
        check_epsilon(self.epsilon)
    }
}
