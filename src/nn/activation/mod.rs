//! Activation functions g and their derivatives g′, applied to whole matrices.
//!
//! Each function and its derivative sit side by side in one `match` arm:
//!
//! ```text
//! sigmoid     g(z) = 1 / (1 + e^(−z))        g′(z) = a (1 − a)
//! tanh        g(z) = tanh z                  g′(z) = 1 − a²
//! ReLU        g(z) = max(0, z)               g′(z) = 1 if z > 0 else 0
//! leaky ReLU  g(z) = z if z > 0 else s·z     g′(z) = 1 if z > 0 else s   (s = 0.01 by default)
//! linear      g(z) = z                       g′(z) = 1
//! ```
//!
//! ```
//! use ndarray::array;
//! use ndnet::Activation;
//!
//! let a = Activation::Sigmoid.apply(&array![[0.0, 2.0]]);
//! approx::assert_abs_diff_eq!(a, array![[0.5, 0.88079708]], epsilon = 1e-8);
//! ```

use std::fmt;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};

use crate::Float;

pub(crate) mod softmax;

/// The activation `g[l]` of a layer: `A[l] = g[l](Z[l])`.
///
/// A small `Copy` value; [`Activation::Custom`] plugs in a function of your own.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Activation {
    /// σ(z) = 1 / (1 + e^(−z)), the output of a binary classifier.
    Sigmoid,
    /// tanh(z), zero-centred, for hidden layers.
    Tanh,
    /// max(0, z), the default for hidden layers.
    Relu,
    /// z for z > 0, `slope`·z otherwise (the course's 0.01 z: [`Activation::leaky_relu`]).
    LeakyRelu {
        /// The slope for negative z.
        slope: f64,
    },
    /// g(z) = z, for regression outputs.
    Linear,
    /// softmax(z)_k = e^(z_k) / Σ_j e^(z_j), per column: the output of a multi-class classifier.
    ///
    /// Not element-wise: use it through [`Activation::apply`] (the per-element [`Activation::g`]
    /// gives the numerator e^z and [`Activation::g_prime`] the Jacobian's diagonal a (1 − a)).
    Softmax,
    /// A function of your own and its derivative.
    Custom(CustomActivation),
}

/// An activation of your own: g and g′ as plain functions of one number.
///
/// ```
/// use ndarray::array;
/// use ndnet::{Activation, CustomActivation};
///
/// // softplus: g(z) = ln(1 + e^z), g′(z) = σ(z)
/// let softplus = Activation::Custom(CustomActivation {
///     name: "softplus",
///     g: |z| z.exp().ln_1p(),
///     derivative: |z| 1.0 / (1.0 + (-z).exp()),
/// });
/// let a = softplus.apply(&array![[0.0_f64]]);
/// approx::assert_abs_diff_eq!(a[[0, 0]], 2.0_f64.ln(), epsilon = 1e-12);
/// assert_eq!(softplus.derivative(&array![[0.0_f64]])[[0, 0]], 0.5);
/// ```
#[derive(Clone, Copy)]
pub struct CustomActivation {
    /// A name, shown in messages and used to tell activations apart.
    pub name: &'static str,
    /// g(z).
    pub g: fn(f64) -> f64,
    /// g′(z).
    pub derivative: fn(f64) -> f64,
}

impl fmt::Debug for CustomActivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomActivation({})", self.name)
    }
}

impl PartialEq for CustomActivation {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Activation {
    /// The course's leaky ReLU, slope 0.01.
    ///
    /// ```
    /// use ndnet::Activation;
    /// assert_eq!(Activation::leaky_relu(), Activation::LeakyRelu { slope: 0.01 });
    /// ```
    pub fn leaky_relu() -> Self {
        Activation::LeakyRelu { slope: 0.01 }
    }

    /// A short name: `"sigmoid"`, `"tanh"`, `"relu"`, `"leaky_relu"`, `"linear"` or the custom name.
    ///
    /// ```
    /// assert_eq!(ndnet::Activation::Relu.name(), "relu");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu { .. } => "leaky_relu",
            Activation::Linear => "linear",
            Activation::Softmax => "softmax",
            Activation::Custom(custom) => custom.name,
        }
    }

    /// g(z) for one number.
    ///
    /// ```
    /// use ndnet::Activation;
    /// assert_eq!(Activation::Relu.g(-3.0_f64), 0.0);
    /// assert_eq!(Activation::leaky_relu().g(-3.0_f64), -0.03);
    /// ```
    pub fn g<F: Float>(&self, z: F) -> F {
        match *self {
            // The course's (and numpy's) formula: finite for every z, 0 or 1 at the extremes.
            Activation::Sigmoid => F::one() / (F::one() + (-z).exp()),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(F::zero()),
            Activation::LeakyRelu { slope } => {
                if z > F::zero() {
                    z
                } else {
                    F::from_f64(slope) * z
                }
            }
            Activation::Linear => z,
            Activation::Softmax => z.exp(),
            Activation::Custom(custom) => F::from_f64((custom.g)(z.as_f64())),
        }
    }

    /// g′(z) for one number, given z and a = g(z) (sigmoid and tanh are cheapest from a).
    ///
    /// ```
    /// use ndnet::Activation;
    /// let (z, a) = (0.0_f64, 0.5_f64);
    /// assert_eq!(Activation::Sigmoid.g_prime(z, a), 0.25);
    /// ```
    pub fn g_prime<F: Float>(&self, z: F, a: F) -> F {
        match *self {
            Activation::Sigmoid | Activation::Softmax => a * (F::one() - a),
            Activation::Tanh => F::one() - a * a,
            Activation::Relu => {
                if z > F::zero() {
                    F::one()
                } else {
                    F::zero()
                }
            }
            Activation::LeakyRelu { slope } => {
                if z > F::zero() {
                    F::one()
                } else {
                    F::from_f64(slope)
                }
            }
            Activation::Linear => F::one(),
            Activation::Custom(custom) => F::from_f64((custom.derivative)(z.as_f64())),
        }
    }

    /// A = g(Z), element by element.
    ///
    /// # Shapes
    /// Any (n, m); the result has the same shape.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::Activation;
    /// assert_eq!(Activation::Relu.apply(&array![[-1.0, 2.0]]), array![[0.0, 2.0]]);
    /// ```
    pub fn apply<F: Float>(&self, z: &Array2<F>) -> Array2<F> {
        let mut a = Array2::zeros(z.dim());
        self.forward_into(z.view(), a.view_mut());
        a
    }

    /// g′(Z), element by element.
    ///
    /// # Shapes
    /// Any (n, m); the result has the same shape.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::Activation;
    /// assert_eq!(Activation::Tanh.derivative(&array![[0.0]]), array![[1.0]]);
    /// ```
    pub fn derivative<F: Float>(&self, z: &Array2<F>) -> Array2<F> {
        let mut a = self.apply(z);
        Zip::from(&mut a).and(z).for_each(|a, &z| *a = self.g_prime(z, *a));
        a
    }

    /// Writes A = g(Z) into `a` (same shape as `z`).
    /// Checks the activation's own parameter: a leaky ReLU's slope must be finite in `F` (a NaN
    /// or infinite slope, or 1e39 in `f32`, would make every negative `Z[l]` non-finite).
    pub(crate) fn validate<F: Float>(&self) -> crate::Result<()> {
        if let Activation::LeakyRelu { slope } = *self {
            if !slope.is_finite() {
                return Err(crate::Error::InvalidHyperparameter {
                    name: "slope",
                    value: slope,
                    reason: "the leaky ReLU's slope must be finite",
                });
            }
            crate::base::check::in_float::<F>("slope", slope, true)?;
        }
        Ok(())
    }

    pub(crate) fn forward_into<F: Float>(&self, z: ArrayView2<F>, a: ArrayViewMut2<F>) {
        // One loop per common activation, its variant a constant in the loop: the per-element
        // `match` of `g` kept these loops from vectorizing.
        if *self == Activation::Softmax {
            return softmax::forward_into(z, a);
        }
        let zip = Zip::from(a).and(z);
        match *self {
            Activation::Relu => zip.for_each(|a, &z| *a = Activation::Relu.g(z)),
            Activation::Linear => zip.for_each(|a, &z| *a = Activation::Linear.g(z)),
            g => zip.for_each(|a, &z| *a = g.g(z)),
        }
    }

    /// A = g(Z) in place of Z.
    pub(crate) fn apply_inplace<F: Float>(&self, z: &mut Array2<F>) {
        match self {
            Activation::Softmax => {
                let z_copy = z.clone();
                softmax::forward_into(z_copy.view(), z.view_mut());
            }
            _ => z.mapv_inplace(|v| self.g(v)),
        }
    }

    /// Writes dZ = dA ⊙ g′(Z) into `dz`, using the cached Z and A.
    pub(crate) fn backward_into<F: Float>(
        &self,
        z: ArrayView2<F>,
        a: ArrayView2<F>,
        da: ArrayView2<F>,
        dz: ArrayViewMut2<F>,
    ) {
        // As in `forward_into`: the variant a constant inside each loop, the same arithmetic.
        let g = *self;
        if g == Activation::Softmax {
            return softmax::backward_into(a, da, dz);
        }
        let zip = Zip::from(dz).and(z).and(a).and(da);
        match g {
            Activation::Relu => zip.for_each(|dz, &z, &a, &da| *dz = da * Activation::Relu.g_prime(z, a)),
            Activation::Sigmoid => zip.for_each(|dz, &z, &a, &da| *dz = da * Activation::Sigmoid.g_prime(z, a)),
            Activation::Tanh => zip.for_each(|dz, &z, &a, &da| *dz = da * Activation::Tanh.g_prime(z, a)),
            Activation::Linear => zip.for_each(|dz, &z, &a, &da| *dz = da * Activation::Linear.g_prime(z, a)),
            g => zip.for_each(|dz, &z, &a, &da| *dz = da * g.g_prime(z, a)),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::LeakyRelu { slope } => write!(f, "leaky_relu({slope})"),
            other => f.write_str(other.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    /// The loops specialised per activation in `forward_into` and `backward_into` give the bits
    /// of `g` and `g_prime` element by element, signed zeros, NaN and infinities included.
    #[test]
    fn the_specialised_loops_give_the_bits_of_g_and_g_prime() {
        let values = [-2.0, -0.0, 0.0, 0.5, 3.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
        let z = Array2::from_shape_fn((8, 8), |(i, j)| values[(i + j) % 8]);
        let da = Array2::from_shape_fn((8, 8), |(i, j)| values[(3 * i + j) % 8]);
        let same = |x: f32, y: f32| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
        let softplus = Activation::Custom(CustomActivation {
            name: "softplus",
            g: |z| z.exp().ln_1p(),
            derivative: |z| 1.0 / (1.0 + (-z).exp()),
        });
        for g in [
            Activation::Relu,
            Activation::Linear,
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::leaky_relu(),
            softplus,
        ] {
            let mut a = Array2::zeros((8, 8));
            g.forward_into(z.view(), a.view_mut());
            assert!(a.iter().zip(&z).all(|(&a, &z)| same(a, g.g(z))), "{g}");
            let mut dz = Array2::zeros((8, 8));
            g.backward_into(z.view(), a.view(), da.view(), dz.view_mut());
            for (((&dz, &z), &a), &da) in dz.iter().zip(&z).zip(&a).zip(&da) {
                assert!(same(dz, da * g.g_prime(z, a)), "{g}: z {z}, da {da}");
            }
        }
    }

    // Expected values computed by hand: σ(0) = 1/2, σ(2) = 1/(1 + e^−2) = 0.8807970779778823,
    // tanh(1) = 0.7615941559557649, σ′(2) = σ(2)(1 − σ(2)) = 0.10499358540350662,
    // tanh′(1) = 1 − tanh²(1) = 0.41997434161402614.
    #[test]
    fn values_and_derivatives_at_chosen_points() {
        let z = array![[0.0, 2.0], [-1.0, 1.0]];
        let sig = Activation::Sigmoid.apply(&z);
        assert_abs_diff_eq!(sig[[0, 0]], 0.5, epsilon = 1e-15);
        assert_abs_diff_eq!(sig[[0, 1]], 0.8807970779778823, epsilon = 1e-15);
        assert_abs_diff_eq!(
            Activation::Sigmoid.derivative(&z)[[0, 1]],
            0.10499358540350662,
            epsilon = 1e-15
        );
        assert_abs_diff_eq!(Activation::Tanh.apply(&z)[[1, 1]], 0.7615941559557649, epsilon = 1e-15);
        assert_abs_diff_eq!(
            Activation::Tanh.derivative(&z)[[1, 1]],
            0.41997434161402614,
            epsilon = 1e-15
        );
        assert_eq!(Activation::Relu.apply(&z), array![[0.0, 2.0], [0.0, 1.0]]);
        assert_eq!(Activation::Relu.derivative(&z), array![[0.0, 1.0], [0.0, 1.0]]);
        assert_eq!(Activation::leaky_relu().apply(&z), array![[0.0, 2.0], [-0.01, 1.0]]);
        assert_eq!(
            Activation::leaky_relu().derivative(&z),
            array![[0.01, 1.0], [0.01, 1.0]]
        );
        assert_eq!(Activation::Linear.apply(&z), z);
        assert_eq!(Activation::Linear.derivative(&z), Array2::<f64>::ones((2, 2)));
    }

    #[test]
    fn f32_matches_f64() {
        let z64 = array![[-3.0, -0.5, 0.0, 0.7, 4.0]];
        let z32 = z64.mapv(|v| v as f32);
        for g in [
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Relu,
            Activation::leaky_relu(),
        ] {
            let a64 = g.apply(&z64);
            let a32 = g.apply(&z32).mapv(f64::from);
            assert_abs_diff_eq!(a64, a32, epsilon = 1e-6);
        }
    }

    #[test]
    fn extreme_inputs_stay_finite() {
        let z: Array2<f64> = array![[-1e4, 1e4, -1e300, 1e300]];
        for g in [
            Activation::Sigmoid,
            Activation::Tanh,
            Activation::Relu,
            Activation::leaky_relu(),
        ] {
            assert!(g.apply(&z).iter().all(|v| v.is_finite()), "{g}");
            assert!(g.derivative(&z).iter().all(|v| v.is_finite()), "{g}");
        }
        let sig = Activation::Sigmoid.apply(&z);
        assert_eq!(sig, array![[0.0, 1.0, 0.0, 1.0]]);
    }
}
