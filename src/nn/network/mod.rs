//! The network: a stack of dense layers L deep, with its cost.
//!
//! ```text
//! model forward   A[0] = X;  for l = 1..L:  Z[l] = W[l] A[l−1] + b[l],  A[l] = g[l](Z[l])
//! model backward  dZ[L] = A[L] − Y   (sigmoid + cross-entropy; otherwise dA[L] ⊙ g′(Z[L]))
//!                 for l = L..1:  dW[l], db[l], dA[l−1] from dZ[l]
//! ```
//!
//! The course's deep cat network, [12288, 20, 7, 5, 1] with ReLU hidden units and a sigmoid
//! output, on a small stand-in for the data:
//!
//! ```
//! use ndarray::Array2;
//! use ndnet::{Activation, Initializer, Network};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let net = Network::<f64>::new(
//!     &[12288, 20, 7, 5, 1],
//!     Activation::Relu,
//!     Activation::Sigmoid,
//!     Initializer::RandnOverSqrtFanIn,
//!     &mut rng,
//! )?;
//! assert_eq!(net.layer_sizes(), vec![12288, 20, 7, 5, 1]);
//! let x = Array2::<f64>::zeros((12288, 3)); // three all-black pictures, one per column
//! assert_eq!(net.predict(&x, 0.5)?.dim(), (1, 3));
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::ArrayView2;

use crate::base::check;
use crate::nn::cost::{categorical_cross_entropy_from_logits, cross_entropy_from_logits};
use crate::{Activation, Cost, Dense, Float, Result};

mod build;
mod parity;
mod predict;
mod propagate;
mod summary;
#[cfg(feature = "report")]
pub(crate) use summary::thousands;

/// A fully connected network: layers 1..=L and the cost J it is trained on.
#[derive(Clone, Debug)]
pub struct Network<F: Float> {
    layers: Vec<Dense<F>>,
    cost: Cost,
    l2: f64,
    /// Draws the dropout masks in training; `None` when no layer has dropout.
    dropout_rng: Option<rand::rngs::Xoshiro256PlusPlus>,
}

/// What [`Network::new`] allocates per parameter: the value and its gradient.
const PARAMETERS_AND_GRADIENTS: &str = "the parameters and gradients (W, b, dW, db)";

/// Checks, before anything is allocated, that a network of layer sizes `sizes` (n[0] = n_x, …,
/// n[L]) fits the memory limit with `value_bytes` bytes for each of its Σ n[l] · (n[l−1] + 1)
/// parameters (W[l] and b[l]), counted without overflow; `what` names those bytes.
pub(crate) fn check_parameter_memory(sizes: &[usize], value_bytes: usize, what: &str) -> Result<()> {
    let values = sizes.windows(2).try_fold(0u128, |total, pair| {
        let layer = (pair[1] as u128).checked_mul(pair[0] as u128 + 1)?;
        total.checked_add(layer)
    });
    let bytes = values.and_then(|v| v.checked_mul(value_bytes as u128));
    crate::base::limits::check_bytes(|| format!("{what} of a network of layer sizes {sizes:?}"), bytes)
}

impl<F: Float> Network<F> {
    /// The L2 regularization strength λ (0 when off).
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// (λ / 2m) Σ ‖`W[l]`‖², the L2 part of the cost.
    pub(super) fn l2_cost(&self, m: usize) -> F {
        if self.l2 == 0.0 {
            return F::zero();
        }
        let total: F = self.layers.iter().map(Dense::squared_weights).sum();
        F::from_f64(self.l2 / (2.0 * m as f64)) * total
    }

    /// The cost J this network is trained on.
    pub fn cost_function(&self) -> Cost {
        self.cost
    }

    /// L, the number of layers with parameters (the input layer does not count).
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// `[n[0], n[1], …, n[L]]`.
    pub fn layer_sizes(&self) -> Vec<usize> {
        std::iter::once(self.layers[0].inputs())
            .chain(self.layers.iter().map(Dense::units))
            .collect()
    }

    /// Layer l, counted from 1 as in the course; `None` outside 1..=L.
    pub fn layer(&self, l: usize) -> Option<&Dense<F>> {
        l.checked_sub(1).and_then(|i| self.layers.get(i))
    }

    /// Layer l, mutable, counted from 1.
    pub fn layer_mut(&mut self, l: usize) -> Option<&mut Dense<F>> {
        l.checked_sub(1).and_then(|i| self.layers.get_mut(i))
    }

    /// All layers, `layers()[l − 1]` being layer l.
    pub fn layers(&self) -> &[Dense<F>] {
        &self.layers
    }

    /// All layers, mutable (for the training paths).
    pub(crate) fn layers_mut(&mut self) -> &mut [Dense<F>] {
        &mut self.layers
    }

    /// The number of parameters Σ `n[l]` `(n[l−1] + 1)`.
    pub fn parameter_count(&self) -> usize {
        self.layers.iter().map(|l| l.units() * (l.inputs() + 1)).sum()
    }

    pub(super) fn output(&self) -> &Dense<F> {
        self.layers
            .last()
            .expect("a network always has at least one layer (checked when built)")
    }

    /// Whether backpropagation starts from `dZ[L]` = `A[L]` − Y (sigmoid with cross-entropy, or
    /// softmax with categorical cross-entropy), with the cost computed from the logits `Z[L]`.
    pub(crate) fn uses_sigmoid_cross_entropy(&self) -> bool {
        matches!(
            (self.cost, self.output().activation()),
            (Cost::BinaryCrossEntropy, Activation::Sigmoid) | (Cost::CategoricalCrossEntropy, Activation::Softmax)
        )
    }

    /// The cost from the logits `Z[L]` for the two shortcut pairs.
    pub(super) fn cost_from_logits(&self, z: ArrayView2<F>, y: ArrayView2<F>) -> F {
        if self.cost == Cost::CategoricalCrossEntropy {
            categorical_cross_entropy_from_logits(z, y)
        } else {
            cross_entropy_from_logits(z, y)
        }
    }

    /// Checks X: n_x rows, at least one column, all finite.
    pub(crate) fn check_x(&self, x: ArrayView2<F>) -> Result<()> {
        self.check_x_size(x)?;
        check::finite("X", x)
    }

    /// [`Network::check_x`] without the pass over X for NaN and ±inf.
    pub(super) fn check_x_size(&self, x: ArrayView2<F>) -> Result<()> {
        self.layers[0].check_input(x)?;
        // Every layer's caches together (each layer alone is checked when it runs).
        let units = self.layers.iter().try_fold(0usize, |sum, l| sum.checked_add(l.units()));
        let m = x.ncols();
        let what = || format!("the caches Z[l], A[l], dZ[l] of every layer for m = {m} examples");
        crate::base::limits::check_alloc(what, &[3, units.unwrap_or(usize::MAX), m], std::mem::size_of::<F>())?;
        Ok(())
    }

    /// Checks Y against X's m and the cost's label range.
    pub(crate) fn check_y(&self, y: ArrayView2<F>, m: usize) -> Result<()> {
        let n_out = self.output().units();
        check::shape(
            || format!("with {m} examples in X and {n_out} output units, Y"),
            y.dim(),
            n_out,
            Some(m),
        )?;
        self.cost.check_labels(y)
    }
}
