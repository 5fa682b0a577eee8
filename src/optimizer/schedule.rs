//! Learning-rate decay: α as a function of the epoch number and the initial α0.

use super::Optimizer;
use crate::{Error, Float, Result};

/// How the learning rate α decays with the epoch number (counted from 0), given α0.
///
/// ```text
/// Constant                 α = α0
/// InverseTime { decay }    α = α0 / (1 + decay · epoch)           (the course's learning-rate decay)
/// Exponential { rate }     α = α0 · rate^epoch                    (the course's 0.95^epoch · α0)
/// Step { drop, every }     α = α0 · drop^⌊epoch / every⌋          (e.g. halve every 10 epochs)
/// ```
///
/// A training loop calls [`Optimizer::set_learning_rate`] with [`LearningRateSchedule::rate`] at
/// the start of every epoch, or [`LearningRateSchedule::apply`] which does both.
///
/// ```
/// use ndnet::LearningRateSchedule;
/// let schedule = LearningRateSchedule::InverseTime { decay: 1.0 };
/// assert_eq!(schedule.rate(0.1, 0), 0.1);
/// assert_eq!(schedule.rate(0.1, 1), 0.05);  // 0.1 / (1 + 1·1)
/// assert_eq!(schedule.rate(0.1, 3), 0.025); // 0.1 / (1 + 1·3)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
#[non_exhaustive]
pub enum LearningRateSchedule {
    /// α = α0 at every epoch. The default.
    #[default]
    Constant,
    /// α = α0 / (1 + decay · epoch).
    InverseTime {
        /// The decay rate, finite and ≥ 0.
        decay: f64,
    },
    /// α = α0 · rate^epoch.
    Exponential {
        /// The factor per epoch, in (0, 1].
        rate: f64,
    },
    /// α = α0 · drop^⌊epoch / every⌋: α is multiplied by `drop` every `every` epochs.
    Step {
        /// The factor at each drop, in (0, 1].
        drop: f64,
        /// Epochs between drops, at least 1.
        every: usize,
    },
}

impl LearningRateSchedule {
    /// α for `epoch` (from 0), starting from `initial` = α0.
    ///
    /// The formula is applied as written for any values; [`LearningRateSchedule::validate`] says
    /// whether they make sense (a `Step` with `every` = 0 is taken as `every` = 1 here).
    ///
    /// ```
    /// use ndnet::LearningRateSchedule;
    /// assert_eq!(LearningRateSchedule::Constant.rate(0.3, 99), 0.3);
    /// assert_eq!(LearningRateSchedule::Exponential { rate: 0.5 }.rate(1.0, 3), 0.125); // 0.5³
    /// let step = LearningRateSchedule::Step { drop: 0.5, every: 10 };
    /// assert_eq!((step.rate(1.0, 9), step.rate(1.0, 10), step.rate(1.0, 25)), (1.0, 0.5, 0.25));
    /// ```
    pub fn rate(&self, initial: f64, epoch: usize) -> f64 {
        match *self {
            LearningRateSchedule::Constant => initial,
            LearningRateSchedule::InverseTime { decay } => initial / (1.0 + decay * epoch as f64),
            LearningRateSchedule::Exponential { rate } => initial * rate.powf(epoch as f64),
            LearningRateSchedule::Step { drop, every } => initial * drop.powf((epoch / every.max(1)) as f64),
        }
    }

    /// Checks the schedule's parameters: `decay` finite and ≥ 0, `rate` and `drop` in (0, 1],
    /// `every` ≥ 1.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming the bad field.
    ///
    /// ```
    /// use ndnet::LearningRateSchedule;
    /// assert!(LearningRateSchedule::Exponential { rate: 0.95 }.validate().is_ok());
    /// assert!(LearningRateSchedule::Exponential { rate: 1.5 }.validate().is_err());
    /// assert!(LearningRateSchedule::Step { drop: 0.5, every: 0 }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let invalid = |name, value, reason| Err(Error::InvalidHyperparameter { name, value, reason });
        let factor_ok = |f: f64| f > 0.0 && f <= 1.0;
        match *self {
            LearningRateSchedule::Constant => Ok(()),
            LearningRateSchedule::InverseTime { decay } if !(decay.is_finite() && decay >= 0.0) => {
                invalid("decay", decay, "must be finite and at least 0")
            }
            LearningRateSchedule::Exponential { rate } if !factor_ok(rate) => {
                invalid("rate", rate, "must be greater than 0 and at most 1")
            }
            LearningRateSchedule::Step { drop, .. } if !factor_ok(drop) => {
                invalid("drop", drop, "must be greater than 0 and at most 1")
            }
            LearningRateSchedule::Step { every: 0, .. } => invalid("every", 0.0, "must be at least 1"),
            _ => Ok(()),
        }
    }

    /// Sets `optimizer`'s learning rate to [`rate`](LearningRateSchedule::rate)`(initial, epoch)`
    /// and returns it.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] naming `learning_rate` if the rate is not finite and
    /// positive (e.g. an exponential decay that underflowed to 0 after thousands of epochs), or
    /// is 0, subnormal or infinite in F (an f32 rate decayed below about 1.2e-38), whatever
    /// `optimizer` itself accepts: a rate that moves no weight never trains in silence.
    ///
    /// ```
    /// use ndnet::{GradientDescent, LearningRateSchedule, Optimizer};
    /// let mut gd = GradientDescent::new(0.2)?;
    /// let schedule = LearningRateSchedule::InverseTime { decay: 0.5 };
    /// assert_eq!(schedule.apply::<f64, _>(&mut gd, 0.2, 2)?, 0.1); // 0.2 / (1 + 0.5·2)
    /// assert_eq!(Optimizer::<f64>::learning_rate(&gd), 0.1);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn apply<F: Float, O: Optimizer<F> + ?Sized>(
        &self,
        optimizer: &mut O,
        initial: f64,
        epoch: usize,
    ) -> Result<f64> {
        let rate = self.rate(initial, epoch);
        super::check_learning_rate(rate)?;
        crate::base::check::in_float::<F>("learning_rate", rate, true)?;
        optimizer.set_learning_rate(rate)?;
        Ok(rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Adam, AdamConfig};

    #[test]
    fn formulas_at_chosen_epochs() {
        // By hand: 0.2/(1 + 0.1·10) = 0.1; 0.2·0.9² = 0.162; 0.2·0.1^⌊7/3⌋ = 0.2·0.01 = 0.002.
        approx::assert_abs_diff_eq!(
            LearningRateSchedule::InverseTime { decay: 0.1 }.rate(0.2, 10),
            0.1,
            epsilon = 1e-15
        );
        approx::assert_abs_diff_eq!(
            LearningRateSchedule::Exponential { rate: 0.9 }.rate(0.2, 2),
            0.162,
            epsilon = 1e-15
        );
        approx::assert_abs_diff_eq!(
            LearningRateSchedule::Step { drop: 0.1, every: 3 }.rate(0.2, 7),
            0.002,
            epsilon = 1e-15
        );
        // every = 0 does not divide by zero.
        assert_eq!(LearningRateSchedule::Step { drop: 0.5, every: 0 }.rate(1.0, 2), 0.25);
    }

    #[test]
    fn validation_and_apply() {
        assert!(LearningRateSchedule::InverseTime { decay: -1.0 }.validate().is_err());
        assert!(
            LearningRateSchedule::InverseTime { decay: f64::NAN }
                .validate()
                .is_err()
        );
        assert!(LearningRateSchedule::Exponential { rate: 0.0 }.validate().is_err());
        assert!(LearningRateSchedule::Step { drop: 2.0, every: 1 }.validate().is_err());
        assert!(LearningRateSchedule::Step { drop: 0.5, every: 1 }.validate().is_ok());
        assert!(LearningRateSchedule::default().validate().is_ok());

        let mut adam = Adam::<f32>::new(AdamConfig::default()).unwrap();
        let underflow = LearningRateSchedule::Exponential { rate: 0.5 };
        assert!(underflow.apply::<f32, _>(&mut adam, 1.0, 1100).is_err()); // 0.5^1100 = 0 in f64
        assert_eq!(Optimizer::<f32>::learning_rate(&adam), 0.001); // unchanged
    }
}
