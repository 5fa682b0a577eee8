//! [`AdamConfig`]: Adam's hyperparameters, their defaults and their checks.

use super::check_learning_rate;
use super::state::{check_beta, check_epsilon};
use crate::Result;

crate::base::config::config! {
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
    pub struct AdamConfig in "ndnet::AdamConfig::default()" {
        /// The learning rate α.
        learning_rate: f64 = 0.001, set f64, e.g. 0.01 => 0.01;
        /// The decay β1 of the first moment v (momentum), in [0, 1).
        beta1: f64 = 0.9, set f64, e.g. 0.8 => 0.8;
        /// The decay β2 of the second moment s (RMSprop), in [0, 1).
        beta2: f64 = 0.999, set f64, e.g. 0.99 => 0.99;
        /// ε, added to √ŝ so that a zero gradient does not divide by zero.
        epsilon: f64 = 1e-8, set f64, e.g. 1e-7 => 1e-7;
    }
}

impl AdamConfig {
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
