//! Inverted dropout: in training, each unit of a layer is kept with probability `keep_prob`
//! and scaled by 1/keep_prob, so predictions (which never drop) need no rescaling.
//!
//! ```text
//! training forward   D[l] = (rand(n[l], m) < keep_prob) / keep_prob;   A[l] := A[l] ⊙ D[l]
//! backward           dA[l] := dA[l] ⊙ D[l]
//! ```
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let (x, y) = data::planar_flower::<f64, _>(200, &mut rng)?;
//! let mut net = Network::new(&[2, 32, 32, 1], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)?
//!     .with_dropout(&[0.8, 0.8, 1.0], &mut rng)?; // keep_prob per layer; never on the output
//! net.fit((&x, &y), &mut GradientDescent::new(0.1)?, &TrainConfig::new(500))?;
//! // Predictions are deterministic: dropout is off outside training.
//! assert_eq!(net.predict_proba(&x)?, net.predict_proba(&x)?);
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt};

use crate::Float;

/// One layer's dropout: its keep probability and the mask of the last training pass.
#[derive(Clone, Debug)]
pub(crate) struct Dropout<F> {
    keep_prob: f64,
    /// `D[l]` scaled by 1/keep_prob; empty when no mask is in force.
    mask: Array2<F>,
    /// Whether the cached `A[l]` was masked (a training forward pass with dropout).
    active: bool,
}

impl<F: Float> Dropout<F> {
    pub(crate) fn off() -> Self {
        Dropout {
            keep_prob: 1.0,
            mask: Array2::zeros((0, 0)),
            active: false,
        }
    }

    pub(crate) fn new(keep_prob: f64) -> Self {
        Dropout {
            keep_prob,
            ..Self::off()
        }
    }

    pub(crate) fn keep_prob(&self) -> f64 {
        self.keep_prob
    }

    /// After a forward pass: masks A in training with dropout on, else marks the cache unmasked.
    pub(crate) fn apply<R: Rng + ?Sized>(&mut self, a: ArrayViewMut2<F>, rng: Option<&mut R>) {
        self.active = false;
        let Some(rng) = rng.filter(|_| self.keep_prob < 1.0) else {
            return;
        };
        if self.mask.dim() != a.dim() {
            self.mask = Array2::zeros(a.dim());
        }
        let scale = F::from_f64(1.0 / self.keep_prob);
        let keep_prob = self.keep_prob;
        self.mask.mapv_inplace(|_| {
            if rng.random::<f64>() < keep_prob {
                scale
            } else {
                F::zero()
            }
        });
        Zip::from(a).and(&self.mask).for_each(|a, &d| *a *= d);
        self.active = true;
    }

    /// D (scaled by 1/keep_prob) when the cached A was masked by a training forward pass.
    pub(crate) fn active_mask(&self) -> Option<ArrayView2<'_, F>> {
        self.active.then(|| self.mask.view())
    }
}

/// The random source of a network's dropout masks, seeded from the caller's RNG.
pub(crate) fn seeded_rng<R: Rng + ?Sized>(rng: &mut R) -> Xoshiro256PlusPlus {
    use rand::SeedableRng;
    Xoshiro256PlusPlus::seed_from_u64(rng.next_u64())
}
