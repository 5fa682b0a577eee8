//! Gradient checking: backpropagation's dW, db against centred finite differences of J.
//!
//! ```text
//! dθ_approx[i] = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε)
//! difference   = ‖dθ − dθ_approx‖₂ / (‖dθ‖₂ + ‖dθ_approx‖₂)
//! ```
//!
//! In f64 a correct backward pass gives differences around 1e-9 or less; the course calls
//! anything above 1e-7 suspicious.
//!
//! ```
//! use ndnet::{data, gradient_check, Activation, Initializer, Network};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let (x, y) = data::planar_flower::<f64, _>(20, &mut rng)?;
//! let mut net = Network::new(&[2, 3, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
//! let check = gradient_check(&mut net, &x, &y, 1e-6)?;
//! assert!(check.difference < 1e-7, "{}", check.difference);
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{ArrayBase, Data, Ix2};

use crate::{Error, Float, Network, Result};

/// The result of [`gradient_check`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// ‖dθ − dθ_approx‖ / (‖dθ‖ + ‖dθ_approx‖) over every parameter (0 when both are zero).
    pub difference: f64,
    /// Backpropagation's gradient, flattened: `dW[1]` row by row, `db[1]`, `dW[2]`, …
    pub analytic: Vec<f64>,
    /// The finite-difference gradient, in the same order.
    pub numeric: Vec<f64>,
}

/// Compares the network's backward pass on (X, Y) with centred differences of step `epsilon`.
///
/// The parameters are restored exactly afterwards, also when an error is returned. Costs one forward pass per parameter and
/// direction: use it on small networks and batches.
///
/// # Shapes
/// `x` is `(n_x, m)`, `y` is `(n[L], m)`.
///
/// # Errors
/// As [`Network::cost`] (a cost that overflows at θ ± ε is [`Error::NonFiniteOutput`]);
/// [`Error::InvalidHyperparameter`] unless `epsilon` is finite and positive, finite and not 0 in
/// `F`, and large enough that the centred differences (J+ − J−) / 2ε are finite.
pub fn gradient_check<F, S, T>(
    network: &mut Network<F>,
    x: &ArrayBase<S, Ix2>,
    y: &ArrayBase<T, Ix2>,
    epsilon: f64,
) -> Result<GradientCheck>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
{
    if !(epsilon.is_finite() && epsilon > 0.0) {
        return Err(Error::InvalidHyperparameter {
            name: "epsilon",
            value: epsilon,
            reason: "must be finite and greater than 0",
        });
    }
    network.forward(x)?;
    network.backward(x, y)?;
    let analytic: Vec<f64> = network
        .layers()
        .iter()
        .flat_map(|layer| {
            layer
                .dw()
                .iter()
                .chain(layer.db().iter())
                .map(|v| v.as_f64())
                .collect::<Vec<_>>()
        })
        .collect();

    let eps = crate::base::check::in_float::<F>("epsilon", epsilon, true)?;
    let mut numeric = Vec::with_capacity(analytic.len());
    for l in 1..=network.depth() {
        for bias in [false, true] {
            let count = {
                let layer = network.layer(l).expect("l is in 1..=depth");
                if bias { layer.b().len() } else { layer.w().len() }
            };
            for i in 0..count {
                let original = param(network, l, bias, i, None);
                param(network, l, bias, i, Some(original + eps));
                let plus = network.cost(x, y);
                param(network, l, bias, i, Some(original - eps));
                let minus = network.cost(x, y);
                // Put θ back before returning any error.
                param(network, l, bias, i, Some(original));
                let difference = (plus? - minus?).as_f64() / (2.0 * epsilon);
                if !difference.is_finite() {
                    return Err(Error::InvalidHyperparameter {
                        name: "epsilon",
                        value: epsilon,
                        reason: "is so small that the centred difference (J+ − J−) / 2ε is not finite",
                    });
                }
                numeric.push(difference);
            }
        }
    }
    Ok(GradientCheck {
        difference: relative_difference(&analytic, &numeric),
        analytic,
        numeric,
    })
}

/// Reads (and, given `value`, writes) element `i` of `W[l]` or `b[l]` in row-major order.
fn param<F: Float>(network: &mut Network<F>, l: usize, bias: bool, i: usize, value: Option<F>) -> F {
    let layer = network.layer_mut(l).expect("l is in 1..=depth");
    let (w, b) = layer.parameters_mut();
    let mut target = if bias { b } else { w };
    let cols = target.ncols();
    let cell = &mut target[[i / cols, i % cols]];
    if let Some(v) = value {
        *cell = v;
    }
    *cell
}

/// ‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero.
fn relative_difference(a: &[f64], b: &[f64]) -> f64 {
    // Scaled by the largest magnitude, so that squares of gradients beyond 1e154 stay finite.
    let scale = a.iter().chain(b).fold(0.0f64, |s, v| s.max(v.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    let norm = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>().sqrt();
    let numerator = norm(&mut a.iter().zip(b).map(|(x, y)| x / scale - y / scale));
    let denominator = norm(&mut a.iter().map(|x| x / scale)) + norm(&mut b.iter().map(|x| x / scale));
    if denominator == 0.0 {
        0.0
    } else {
        numerator / denominator
    }
}
