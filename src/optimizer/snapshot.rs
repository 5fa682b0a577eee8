//! [`OptimizerState`]: everything an optimizer keeps between steps, as numbers and arrays, so
//! that a training checkpoint can hold it and a resumed run continues bit for bit.

use ndarray::Array2;

use super::ParamId;
use crate::{Error, Float, Result};

/// What an optimizer keeps between steps: its name, its hyperparameters, the numbers it counts
/// (Adam's step t and β^t) and one or more arrays per parameter (momentum's v, RMSprop's s,
/// Adam's v and s). [`Optimizer::state`](super::Optimizer::state) takes it,
/// [`Optimizer::load_state`](super::Optimizer::load_state) puts it back.
///
/// ```
/// use ndarray::array;
/// use ndnet::{Momentum, MomentumConfig, Optimizer, ParamId, ParamKind};
///
/// let mut opt = Momentum::new(MomentumConfig::default())?;
/// let id = ParamId { layer: 1, kind: ParamKind::Weights };
/// opt.update(id, array![[1.0]].view_mut(), array![[2.0]].view())?;
/// let state = opt.state().unwrap();
/// assert_eq!(state.name, "momentum");
/// assert_eq!(state.arrays[0].1, "v");
///
/// let mut fresh = Momentum::new(MomentumConfig::default())?;
/// fresh.load_state(&state)?;
/// assert_eq!(fresh.velocity(id), opt.velocity(id));
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct OptimizerState<F> {
    /// Which optimizer, e.g. `"adam"`: a state loads only into the optimizer that made it.
    pub name: String,
    /// The hyperparameters, by name, the learning rate α first (a schedule changes it; a
    /// resumed run checks the others against its own optimizer's).
    pub hyperparameters: Vec<(String, f64)>,
    /// What the optimizer counts from step to step, by name (Adam's `t`, `beta1_t`,
    /// `beta2_t`).
    pub counters: Vec<(String, f64)>,
    /// The arrays it keeps per parameter: (parameter, name of the array, values).
    pub arrays: Vec<(ParamId, String, Array2<F>)>,
}

impl<F: Float> OptimizerState<F> {
    /// A state of optimizer `name` with these hyperparameters, nothing counted, no arrays.
    ///
    /// ```
    /// let state = ndnet::OptimizerState::<f64>::new("mine", vec![("learning_rate".into(), 0.1)]);
    /// assert!(state.counters.is_empty() && state.arrays.is_empty());
    /// ```
    pub fn new(name: impl Into<String>, hyperparameters: Vec<(String, f64)>) -> Self {
        OptimizerState {
            name: name.into(),
            hyperparameters,
            counters: Vec::new(),
            arrays: Vec::new(),
        }
    }

    /// The hyperparameter or counter `name`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming it when the state does not have it, or when it is not
    /// finite.
    ///
    /// ```
    /// let state = ndnet::OptimizerState::<f32>::new("mine", vec![("learning_rate".into(), 0.1)]);
    /// assert_eq!(state.number("learning_rate")?, 0.1);
    /// assert!(state.number("beta").is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn number(&self, name: &str) -> Result<f64> {
        let value = self
            .hyperparameters
            .iter()
            .chain(&self.counters)
            .find(|(n, _)| n == name)
            .map(|&(_, v)| v)
            .ok_or_else(|| self.invalid(format!("has no number \"{name}\"")))?;
        match value.is_finite() {
            true => Ok(value),
            false => Err(self.invalid(format!("has \"{name}\" = {value}, not a finite number"))),
        }
    }

    /// Checks that this is a state of optimizer `name` whose hyperparameters (all but the
    /// learning rate, which a schedule changes) equal `hyperparameters`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the optimizer or the first hyperparameter that
    /// differs, with both values.
    pub fn check_matches(&self, name: &str, hyperparameters: &[(String, f64)]) -> Result<()> {
        if self.name != name {
            return Err(self.invalid(format!("is the state of a {} optimizer, not of {name}", self.name)));
        }
        for (key, value) in hyperparameters.iter().filter(|(k, _)| k != "learning_rate") {
            let saved = self.number(key)?;
            if saved.to_bits() != value.to_bits() {
                return Err(self.invalid(format!("has {key} = {saved}; this optimizer has {key} = {value}")));
            }
        }
        Ok(())
    }

    /// Every array of the state named `array`, by parameter, checked finite.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming a parameter whose array holds NaN or ±inf.
    pub(crate) fn arrays_named(&self, array: &str) -> Result<Vec<(ParamId, &Array2<F>)>> {
        self.arrays
            .iter()
            .filter(|(_, name, _)| name == array)
            .map(|(id, _, values)| match crate::base::check::all_finite(values.view()) {
                true => Ok((*id, values)),
                false => Err(self.invalid(format!(
                    "holds a non-finite {array} for layer {} ({:?})",
                    id.layer, id.kind
                ))),
            })
            .collect()
    }

    fn invalid(&self, what: String) -> Error {
        Error::InvalidArgument {
            argument: "optimizer state",
            message: format!("the {} state {what}", self.name),
        }
    }
}

/// The arrays of `slots` as `(id, name, values)` entries of a state.
pub(crate) fn export<F: Float>(
    slots: &super::state::Slots<Array2<F>>,
    name: &str,
) -> impl Iterator<Item = (ParamId, String, Array2<F>)> {
    slots
        .iter()
        .map(move |(&id, values)| (id, name.to_owned(), values.clone()))
}
