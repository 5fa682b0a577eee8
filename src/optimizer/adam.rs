//! Adam: momentum and RMSprop together, with bias correction.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};

use super::state::{self, Slots, check_beta, check_epsilon};
use super::{Optimizer, OptimizerState, ParamId, check_learning_rate, check_update_shapes, checked, flush_subnormal};
use crate::linalg::parallel::for_each_part;
use crate::{Float, Result};

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
    /// The hyperparameters by name, for an [`OptimizerState`].
    fn named(&self) -> Vec<(String, f64)> {
        vec![
            ("learning_rate".into(), self.learning_rate),
            ("beta1".into(), self.beta1),
            ("beta2".into(), self.beta2),
            ("epsilon".into(), self.epsilon),
        ]
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

/// Adam. Each step t (counted by [`Optimizer::begin_step`], from 1), for every parameter:
///
/// ```text
/// v := β1 v + (1 − β1) dθ        s := β2 s + (1 − β2) dθ²
/// v̂ := v / (1 − β1^t)            ŝ := s / (1 − β2^t)
/// θ := θ − α v̂ / (√ŝ + ε)
/// ```
///
/// At t = 1 the bias correction makes v̂ = dθ and ŝ = dθ², so the first step is α·sign(dθ)
/// (for |dθ| ≫ ε) whatever the gradient's scale.
///
/// ```
/// use ndarray::array;
/// use ndnet::{Adam, AdamConfig, Optimizer, ParamId, ParamKind};
///
/// let mut opt = Adam::new(AdamConfig::default().learning_rate(0.01))?;
/// let mut w = array![[1.0, 1.0]];
/// Optimizer::<f64>::begin_step(&mut opt);
/// opt.update(ParamId { layer: 1, kind: ParamKind::Weights }, w.view_mut(), array![[250.0, -0.5]].view()).unwrap();
/// approx::assert_relative_eq!(w, array![[0.99, 1.01]], max_relative = 1e-7);
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Adam<F: Float> {
    config: AdamConfig,
    /// The step t.
    t: u64,
    /// β1^t and β2^t, kept as running products (no `powi` overflow for large t).
    beta1_t: f64,
    beta2_t: f64,
    /// (v, s) per parameter.
    moments: Slots<(Array2<F>, Array2<F>)>,
}

impl<F: Float> Adam<F> {
    /// Adam with the given hyperparameters, at step t = 0.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) as
    /// [`AdamConfig::validate`], and for a learning rate or ε that is not finite or rounds to 0 in F
    /// (1e39 is inf in f32, 1e-50 is 0).
    ///
    /// ```
    /// use ndnet::{Adam, AdamConfig};
    /// assert!(Adam::<f32>::new(AdamConfig::default()).is_ok());
    /// assert!(Adam::<f32>::new(AdamConfig::default().epsilon(-1.0)).is_err());
    /// assert!(Adam::<f32>::new(AdamConfig::default().epsilon(1e-50)).is_err()); // 0 in f32
    /// assert!(Adam::<f64>::new(AdamConfig::default().epsilon(1e-50)).is_ok());
    /// ```
    pub fn new(config: AdamConfig) -> Result<Self> {
        config.validate()?;
        state::check_in_float::<F>(config.learning_rate, Some(config.epsilon))?;
        Ok(Adam {
            config,
            t: 0,
            beta1_t: 1.0,
            beta2_t: 1.0,
            moments: Slots::new(),
        })
    }

    /// The hyperparameters (with the current learning rate).
    ///
    /// ```
    /// use ndnet::{Adam, AdamConfig};
    /// let opt = Adam::<f64>::new(AdamConfig::default())?;
    /// assert_eq!(opt.config().beta2, 0.999);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn config(&self) -> AdamConfig {
        self.config
    }

    /// The step count t: the number of [`Optimizer::begin_step`] calls so far.
    ///
    /// ```
    /// use ndnet::{Adam, AdamConfig, Optimizer};
    /// let mut opt = Adam::<f64>::new(AdamConfig::default())?;
    /// opt.begin_step();
    /// assert_eq!(opt.step(), 1);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn step(&self) -> u64 {
        self.t
    }

    /// The moments (v, s) of a parameter, before bias correction; `None` before its first update.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Adam, AdamConfig, Optimizer, ParamId, ParamKind};
    /// let mut opt = Adam::new(AdamConfig::default())?;
    /// let id = ParamId { layer: 1, kind: ParamKind::Weights };
    /// opt.begin_step();
    /// opt.update(id, array![[0.0]].view_mut(), array![[2.0]].view()).unwrap();
    /// let (v, s) = opt.moments(id).unwrap();
    /// approx::assert_abs_diff_eq!(v[[0, 0]], 0.2, epsilon = 1e-15); // (1 − 0.9)·2
    /// approx::assert_abs_diff_eq!(s[[0, 0]], 0.004, epsilon = 1e-15); // (1 − 0.999)·2²
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn moments(&self, id: ParamId) -> Option<(ArrayView2<'_, F>, ArrayView2<'_, F>)> {
        let (v, s) = self.moments.get(&id)?;
        Some((v.view(), s.view()))
    }
}

impl<F: Float> Optimizer<F> for Adam<F> {
    fn begin_step(&mut self) {
        self.t += 1;
        self.beta1_t *= self.config.beta1;
        self.beta2_t *= self.config.beta2;
    }

    /// Updates θ for step t. An update before any `begin_step` counts as step 1 (and a
    /// refused one counts no step).
    fn update(&mut self, id: ParamId, mut theta: ArrayViewMut2<F>, grad: ArrayView2<F>) -> Result<()> {
        check_update_shapes(id, theta.view(), grad)?;
        let AdamConfig {
            learning_rate,
            beta1,
            beta2,
            epsilon,
        } = self.config;
        // β^t of this step: at t = 0 those of step 1, counted once the update is made.
        let (beta1_t, beta2_t) = match self.t {
            0 => (beta1, beta2),
            _ => (self.beta1_t, self.beta2_t),
        };
        let (b1, one_minus_b1) = (F::from_f64(beta1), F::from_f64(1.0 - beta1));
        let (b2, one_minus_b2) = (F::from_f64(beta2), F::from_f64(1.0 - beta2));
        let correction1 = F::from_f64(1.0 - beta1_t);
        let correction2 = F::from_f64(1.0 - beta2_t);
        let (alpha, epsilon) = (F::from_f64(learning_rate), F::from_f64(epsilon));
        let step = move |theta: F, [v, s]: [F; 2], g: F| {
            let v = flush_subnormal(b1 * v + one_minus_b1 * g);
            let s = flush_subnormal(b2 * s + one_minus_b2 * g * g);
            let v_hat = v / correction1;
            let s_hat = s / correction2;
            (theta - alpha * v_hat / (s_hat.sqrt() + epsilon), [v, s])
        };
        let dim = grad.dim();
        let (new, kept) = state::current(
            &self.moments,
            id,
            |(v, _)| v.dim() == dim,
            || (Array2::zeros(dim), Array2::zeros(dim)),
        );
        let (v, s) = new.as_ref().or(kept).expect("`current` gives a state");
        checked::check_step(id, theta.view(), [("v", v.view()), ("s", s.view())], grad, step)?;
        if self.t == 0 {
            <Self as Optimizer<F>>::begin_step(self);
        }
        let (v, s) = state::keep(&mut self.moments, id, new);
        let step = move |theta: &mut F, v: &mut F, s: &mut F, g: F| {
            (*theta, [*v, *s]) = step(*theta, [*v, *s], g);
        };
        match (
            theta.as_slice_mut(),
            v.as_slice_mut(),
            s.as_slice_mut(),
            grad.as_slice(),
        ) {
            // Contiguous (as in training): a loop over slices, which the compiler vectorizes
            // (the same operations on each element as below, 4× faster on the MNIST job),
            // split between the threads for a large layer.
            (Some(theta), Some(v), Some(s), Some(grad)) => {
                for_each_part((theta, v, s, grad), |(theta, v, s, grad)| {
                    // The step copied into this thread's frame (see `state::for_each_element`).
                    #[allow(clippy::redundant_locals, reason = "the copy is the point: see the comment")]
                    let step = step;
                    for (((theta, v), s), &g) in theta.iter_mut().zip(v).zip(s).zip(grad) {
                        step(theta, v, s, g);
                    }
                });
            }
            _ => Zip::from(theta)
                .and(v)
                .and(s)
                .and(grad)
                .for_each(|theta, v, s, &g| step(theta, v, s, g)),
        }
        Ok(())
    }

    learning_rate_in_config!();

    fn state(&self) -> Option<OptimizerState<F>> {
        let mut state = OptimizerState::new("adam", self.config.named());
        state.counters = vec![
            ("t".into(), self.t as f64),
            ("beta1_t".into(), self.beta1_t),
            ("beta2_t".into(), self.beta2_t),
        ];
        for (&id, (v, s)) in &self.moments {
            state.arrays.push((id, "v".into(), v.clone()));
            state.arrays.push((id, "s".into(), s.clone()));
        }
        Some(state)
    }

    fn load_state(&mut self, state: &OptimizerState<F>) -> Result<()> {
        state.check_matches("adam", &self.config.named())?;
        let t = state.number("t")?;
        // t counts steps: a whole number that an f64 holds exactly.
        if t < 0.0 || t.fract() != 0.0 || t > 2f64.powi(53) {
            return Err(crate::Error::InvalidArgument {
                argument: "optimizer state",
                message: format!("the adam state has step t = {t}, not a count"),
            });
        }
        let (beta1_t, beta2_t) = (state.number("beta1_t")?, state.number("beta2_t")?);
        let mut moments = Slots::new();
        let s_arrays = state.arrays_named("s")?;
        for (id, v) in state.arrays_named("v")? {
            let s = s_arrays.iter().find(|(other, _)| *other == id).map(|&(_, s)| s);
            match s.filter(|s| s.dim() == v.dim()) {
                Some(s) => moments.insert(id, (v.clone(), s.clone())),
                None => {
                    return Err(crate::Error::InvalidArgument {
                        argument: "optimizer state",
                        message: format!("the adam state has v but no s of its shape for layer {}", id.layer),
                    });
                }
            };
        }
        Optimizer::<F>::set_learning_rate(self, state.number("learning_rate")?)?;
        (self.t, self.beta1_t, self.beta2_t, self.moments) = (t as u64, beta1_t, beta2_t, moments);
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
        let mut opt = Adam::new(AdamConfig::default().learning_rate(0.01)).unwrap();
        let mut w = array![[1.0]];
        opt.begin_step();
        opt.update(W1, w.view_mut(), array![[2.0]].view()).unwrap();
        // t = 1: v = 0.1·2 = 0.2, s = 0.001·4 = 0.004, v̂ = 0.2/0.1 = 2, ŝ = 0.004/0.001 = 4,
        // w = 1 − 0.01·2/(√4 + 1e-8) = 0.99000000005 (Python, same formula)
        approx::assert_abs_diff_eq!(w[[0, 0]], 0.99000000005, epsilon = 1e-15);
        opt.begin_step();
        opt.update(W1, w.view_mut(), array![[-1.0]].view()).unwrap();
        // t = 2: v = 0.9·0.2 − 0.1 = 0.08, s = 0.999·0.004 + 0.001 = 0.004996,
        // v̂ = 0.08/(1 − 0.81) = 0.42105…, ŝ = 0.004996/(1 − 0.998001) = 2.49924…,
        // step = 0.01·v̂/(√ŝ + 1e-8) = 0.0026633703797568475, w = 0.9873366296702432
        let (v, s) = opt.moments(W1).unwrap();
        approx::assert_abs_diff_eq!(v[[0, 0]], 0.08, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(s[[0, 0]], 0.004996, epsilon = 1e-15);
        approx::assert_abs_diff_eq!(w[[0, 0]], 0.9873366296702432, epsilon = 1e-14);
    }

    /// After one gradient, zero gradients decay the moments by β1 and β2 each step: they
    /// pass 0 at the smallest normal number instead of going subnormal (slow on x86).
    #[test]
    fn moments_never_go_subnormal() {
        let mut opt = Adam::new(AdamConfig::default()).unwrap();
        let mut w = array![[1.0f32]];
        Optimizer::<f32>::begin_step(&mut opt);
        opt.update(W1, w.view_mut(), array![[1.0f32]].view()).unwrap();
        let mut zero_from = None;
        for step in 2..100_000 {
            Optimizer::<f32>::begin_step(&mut opt);
            opt.update(W1, w.view_mut(), array![[0.0f32]].view()).unwrap();
            let (v, s) = opt.moments(W1).unwrap();
            let (v, s) = (v[[0, 0]], s[[0, 0]]);
            assert!(v == 0.0 || v.is_normal(), "v = {v:e} at step {step}");
            assert!(s == 0.0 || s.is_normal(), "s = {s:e} at step {step}");
            if v == 0.0 && zero_from.is_none() {
                zero_from = Some(step);
            }
        }
        // 0.1 · 0.9^t passes 2^−126 ≈ 1.2e-38 near t = 815 (it would be subnormal until 960).
        assert!(matches!(zero_from, Some(800..=830)), "{zero_from:?}");
        assert!(w[[0, 0]].is_finite());
    }

    #[test]
    fn first_step_is_alpha_times_sign_of_the_gradient() {
        let alpha = 0.003;
        let g = array![[1e4, -3.0, 1.0, -1e-3, 42.0]];
        let mut opt = Adam::new(AdamConfig::default().learning_rate(alpha)).unwrap();
        let mut w = Array2::<f64>::zeros(g.dim());
        opt.begin_step();
        opt.update(W1, w.view_mut(), g.view()).unwrap();
        // Δw = −α ĝ/(|ĝ| + ε): −α·sign(g) up to a relative ε/|g| ≤ 1e-5 (for |g| = 1e-3)
        for (&dw, &g) in w.iter().zip(&g) {
            approx::assert_relative_eq!(dw, -alpha * g.signum(), max_relative = 1e-8 / g.abs() + 1e-12);
        }
        // The same in f32, to f32's precision.
        let mut opt32 = Adam::new(AdamConfig::default().learning_rate(alpha)).unwrap();
        let mut w32 = Array2::<f32>::zeros(g.dim());
        Optimizer::<f32>::begin_step(&mut opt32);
        opt32.update(W1, w32.view_mut(), g.mapv(|v| v as f32).view()).unwrap();
        for (&dw, &g) in w32.iter().zip(&g) {
            approx::assert_relative_eq!(dw, -(alpha * g.signum()) as f32, max_relative = 1e-5);
        }
    }

    #[test]
    fn update_without_begin_step_counts_as_step_one() {
        let mut opt = Adam::new(AdamConfig::default()).unwrap();
        let mut w = array![[0.0]];
        opt.update(W1, w.view_mut(), array![[5.0]].view()).unwrap();
        assert_eq!(opt.step(), 1);
        approx::assert_relative_eq!(w[[0, 0]], -0.001, max_relative = 1e-8);
    }

    #[test]
    fn invalid_hyperparameters() {
        for config in [
            AdamConfig::default().beta1(1.0),
            AdamConfig::default().beta2(-0.1),
            AdamConfig::default().epsilon(0.0),
            AdamConfig::default().learning_rate(f64::NAN),
        ] {
            assert!(Adam::<f64>::new(config).is_err(), "{config:?}");
        }
        let err = Adam::<f64>::new(AdamConfig::default().beta2(1.5)).unwrap_err();
        assert!(err.to_string().contains("beta2 = 1.5"), "{err}");
    }
}
