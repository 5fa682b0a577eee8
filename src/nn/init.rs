//! Weight initialisers. Biases always start at zero.
//!
//! ```text
//! Zeros               W = 0                                  (every hidden unit stays identical)
//! RandnScaled(s)      W = randn(n[l], n[l−1]) · s            (the course's s = 0.01)
//! RandnOverSqrtFanIn  W = randn(n[l], n[l−1]) / √n[l−1]      (the course's deep cat network)
//! Xavier              W = randn(n[l], n[l−1]) · √(2 / (n[l−1] + n[l]))   (Glorot, normal)
//! He                  W = randn(n[l], n[l−1]) · √(2 / n[l−1])            (for ReLU layers)
//! ```
//!
//! Draws come from the `rng` you pass, so the same seed gives the same network bit for bit, and
//! an f32 network is the f64 one rounded.
//!
//! ```
//! use ndnet::Initializer;
//! use rand::SeedableRng;
//!
//! let w1 = Initializer::He.weights::<f64, _>(4, 3, &mut rand::rngs::StdRng::seed_from_u64(7)).unwrap();
//! let w2 = Initializer::He.weights::<f64, _>(4, 3, &mut rand::rngs::StdRng::seed_from_u64(7)).unwrap();
//! assert_eq!(w1.dim(), (4, 3));
//! assert_eq!(w1, w2);
//! ```

use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::Float;

/// How the weights `W[l]` of a layer are drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Initializer {
    /// All zeros: kept on purpose, to show that it cannot break symmetry.
    Zeros,
    /// Standard normal times a scale (the course uses 0.01: [`Initializer::randn_scaled`]).
    RandnScaled(f64),
    /// Standard normal divided by `√n[l−1]`.
    RandnOverSqrtFanIn,
    /// Xavier/Glorot normal: standard deviation `√(2 / (n[l−1] + n[l]))`.
    Xavier,
    /// He normal: standard deviation `√(2 / n[l−1])`.
    He,
}

impl Default for Initializer {
    /// He, the usual choice for ReLU hidden layers.
    fn default() -> Self {
        Initializer::He
    }
}

impl Initializer {
    /// The course's `np.random.randn(n, n_prev) * 0.01`.
    ///
    /// ```
    /// assert_eq!(ndnet::Initializer::randn_scaled(), ndnet::Initializer::RandnScaled(0.01));
    /// ```
    pub fn randn_scaled() -> Self {
        Initializer::RandnScaled(0.01)
    }

    /// The standard deviation of `W[l]` for a layer of `n` units fed by `n_prev`.
    ///
    /// Sizes of 0 count as 1 (a layer has at least one input and one unit), so the result is
    /// finite for every size.
    ///
    /// ```
    /// assert_eq!(ndnet::Initializer::He.std_dev(10, 8), 0.5);
    /// assert_eq!(ndnet::Initializer::He.std_dev(10, 0), 2f64.sqrt());
    /// ```
    pub fn std_dev(&self, n: usize, n_prev: usize) -> f64 {
        // In f64 (n_prev + n overflows usize at the extremes).
        let (n, n_prev) = (n.max(1) as f64, n_prev.max(1) as f64);
        match *self {
            Initializer::Zeros => 0.0,
            Initializer::RandnScaled(scale) => scale,
            Initializer::RandnOverSqrtFanIn => 1.0 / n_prev.sqrt(),
            Initializer::Xavier => (2.0 / (n_prev + n)).sqrt(),
            Initializer::He => (2.0 / n_prev).sqrt(),
        }
    }

    /// Checks the initializer for the float type F: a [`Initializer::RandnScaled`] scale must be
    /// finite, finite in F even at 10 standard deviations, and (unless 0) neither 0 nor
    /// subnormal in F (1e-50 in f32 would draw all-zero weights).
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) naming the scale.
    ///
    /// ```
    /// use ndnet::Initializer;
    /// assert!(Initializer::RandnScaled(0.01).validate::<f32>().is_ok());
    /// assert!(Initializer::RandnScaled(f64::NAN).validate::<f64>().is_err());
    /// assert!(Initializer::RandnScaled(1e300).validate::<f32>().is_err()); // inf in f32
    /// assert!(Initializer::RandnScaled(1e-50).validate::<f32>().is_err()); // 0 in f32
    /// ```
    pub fn validate<F: Float>(&self) -> crate::Result<()> {
        if let Initializer::RandnScaled(scale) = *self {
            crate::base::check::in_float::<F>("scale", scale * 10.0, false).map_err(|_| {
                crate::Error::InvalidHyperparameter {
                    name: "scale",
                    value: scale,
                    reason: "must be finite, and finite in the float type at 10 standard deviations",
                }
            })?;
            crate::base::check::in_float::<F>("scale", scale, true)?;
        }
        Ok(())
    }

    /// Draws `W[l]` of shape (n, n_prev), row by row (numpy's order).
    ///
    /// # Shapes
    /// The result is (n, n_prev).
    ///
    /// # Errors
    /// [`Error::TooLarge`](crate::Error::TooLarge) if W would exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::Initializer;
    /// use rand::SeedableRng;
    /// let w = Initializer::Zeros.weights::<f32, _>(2, 3, &mut rand::rngs::StdRng::seed_from_u64(0))?;
    /// assert!(w.iter().all(|&v| v == 0.0));
    /// assert!(Initializer::He.weights::<f64, _>(1 << 40, 1 << 40, &mut rand::rngs::StdRng::seed_from_u64(0)).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn weights<F: Float, R: Rng + ?Sized>(&self, n: usize, n_prev: usize, rng: &mut R) -> crate::Result<Array2<F>> {
        let what = || format!("W of a layer of {n} units fed by {n_prev} inputs");
        crate::base::limits::check_alloc(what, &[n, n_prev], std::mem::size_of::<F>())?;
        if *self == Initializer::Zeros {
            return Ok(Array2::zeros((n, n_prev)));
        }
        let std_dev = self.std_dev(n, n_prev);
        Ok(Array2::from_shape_simple_fn((n, n_prev), || {
            let draw: f64 = StandardNormal.sample(rng);
            F::from_f64(draw * std_dev)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn spread_matches_the_formula() {
        let mut rng = StdRng::seed_from_u64(1);
        for (init, expected) in [
            (Initializer::He, (2.0_f64 / 400.0).sqrt()),
            (Initializer::Xavier, (2.0_f64 / 600.0).sqrt()),
            (Initializer::RandnOverSqrtFanIn, 0.05),
            (Initializer::randn_scaled(), 0.01),
        ] {
            let w = init.weights::<f64, _>(200, 400, &mut rng).unwrap();
            let std = (w.mapv(|v| v * v).sum() / w.len() as f64).sqrt();
            assert!((std / expected - 1.0).abs() < 0.02, "{init:?}: {std} vs {expected}");
        }
    }

    #[test]
    fn f32_is_the_f64_draw_rounded() {
        let w64 = Initializer::He
            .weights::<f64, _>(3, 5, &mut StdRng::seed_from_u64(3))
            .unwrap();
        let w32 = Initializer::He
            .weights::<f32, _>(3, 5, &mut StdRng::seed_from_u64(3))
            .unwrap();
        assert_eq!(w64.mapv(|v| v as f32), w32);
    }
}
