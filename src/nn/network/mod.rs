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

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder, Zip};
use rand::Rng;

use crate::base::check;
use crate::nn::cost::{categorical_cross_entropy_from_logits, cross_entropy_from_logits};
use crate::optimizer::{ParamId, ParamKind};
use crate::{Activation, Cost, Dense, Error, Float, Initializer, Optimizer, Result};

mod parity;
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
    /// The parameters before the last [`Network::train_step`], to undo an update that
    /// overflows; empty until the first call.
    pub(crate) step_backup: crate::train::engine::Checkpoint<F>,
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
    /// A network from layer sizes `[n[0] = n_x, n[1], …, n[L]]`, one activation for every hidden
    /// layer and one for the output, weights drawn by `init` (biases zero), and the cost that
    /// belongs with the output ([`Cost::for_output`]: binary cross-entropy for a sigmoid,
    /// categorical cross-entropy for a softmax, mean squared error for a linear output).
    ///
    /// # Errors
    /// [`Error::Architecture`] for fewer than two sizes or a size of 0; [`Error::TooLarge`] if
    /// the parameters and their gradients would exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::{Activation, Initializer, Network};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Network::<f32>::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid,
    ///                               Initializer::Xavier, &mut rng).unwrap();
    /// assert_eq!(net.depth(), 2);
    /// assert!(Network::<f32>::new(&[2], Activation::Tanh, Activation::Sigmoid,
    ///                             Initializer::Xavier, &mut rng).is_err());
    /// ```
    pub fn new<R: Rng + ?Sized>(
        layer_sizes: &[usize],
        hidden: Activation,
        output: Activation,
        init: Initializer,
        rng: &mut R,
    ) -> Result<Self> {
        if layer_sizes.len() < 2 {
            return Err(Error::Architecture(format!(
                "layer sizes {layer_sizes:?} need n_x and at least one layer"
            )));
        }
        let depth = layer_sizes.len() - 1;
        let layers: Vec<(usize, Activation)> = layer_sizes[1..]
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, if i + 1 == depth { output } else { hidden }))
            .collect();
        Self::from_layers(layer_sizes[0], &layers, init, rng)
    }

    /// A network with an activation of its own for each layer: `layers` lists `(n[l], g[l])`;
    /// the cost is the one that belongs with the output, as for [`Network::new`].
    ///
    /// # Errors
    /// [`Error::Architecture`] for an empty list or a size of 0; [`Error::TooLarge`] as for
    /// [`Network::new`].
    ///
    /// ```
    /// use ndnet::{Activation, Initializer, Network};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Network::<f64>::from_layers(
    ///     3,
    ///     &[(8, Activation::Relu), (4, Activation::leaky_relu()), (1, Activation::Linear)],
    ///     Initializer::He,
    ///     &mut rng,
    /// ).unwrap();
    /// assert_eq!(net.layer_sizes(), vec![3, 8, 4, 1]);
    /// assert_eq!(net.cost_function(), ndnet::Cost::MeanSquaredError); // a linear output
    /// ```
    pub fn from_layers<R: Rng + ?Sized>(
        n_x: usize,
        layers: &[(usize, Activation)],
        init: Initializer,
        rng: &mut R,
    ) -> Result<Self> {
        if layers.is_empty() {
            return Err(Error::Architecture("the layer list is empty".into()));
        }
        init.validate::<F>()?;
        let sizes: Vec<usize> = std::iter::once(n_x).chain(layers.iter().map(|&(n, _)| n)).collect();
        // A size of 0 is the first thing wrong with an architecture, before its memory.
        if let Some(l) = sizes.windows(2).position(|pair| pair[0] == 0 || pair[1] == 0) {
            let (n_prev, n) = (sizes[l], sizes[l + 1]);
            return Err(Error::Architecture(format!(
                "layer {}: {n} units fed by {n_prev} inputs; every size must be at least 1",
                l + 1
            )));
        }
        check_parameter_memory(&sizes, 2 * std::mem::size_of::<F>(), PARAMETERS_AND_GRADIENTS)?;
        let mut built = Vec::with_capacity(layers.len());
        let mut n_prev = n_x;
        for (i, &(n, activation)) in layers.iter().enumerate() {
            // Every size is at least 1 and all layers fit the memory limit: checked above.
            let layer = Dense::new(n_prev, n, activation, init, rng).map_err(|e| match e {
                Error::Architecture(msg) => Error::Architecture(format!("layer {}: {msg}", i + 1)),
                other => other,
            })?;
            built.push(layer);
            n_prev = n;
        }
        Ok(Self::from_dense(built))
    }

    /// Logistic regression ŷ = σ(wᵀx + b) on `n_x` features: one sigmoid unit, zero-initialised
    /// (as the course does; a single layer has no symmetry to break), binary cross-entropy cost.
    ///
    /// # Errors
    /// [`Error::Architecture`] if `n_x` is 0; [`Error::TooLarge`] as for [`Network::new`].
    ///
    /// ```
    /// let net = ndnet::Network::<f64>::logistic_regression(12288).unwrap();
    /// assert_eq!(net.layer(1).unwrap().w().dim(), (1, 12288)); // W = wᵀ
    /// ```
    pub fn logistic_regression(n_x: usize) -> Result<Self> {
        if n_x == 0 {
            return Err(Error::Architecture("logistic regression needs n_x ≥ 1 features".into()));
        }
        check_parameter_memory(&[n_x, 1], 2 * std::mem::size_of::<F>(), PARAMETERS_AND_GRADIENTS)?;
        Self::from_parameters(
            vec![(Array2::zeros((1, n_x)), Array2::zeros((1, 1)))],
            &[Activation::Sigmoid],
        )
    }

    /// Softmax regression ŷ = softmax(W x + b) on `n_x` features and `classes` classes: one
    /// softmax layer of `classes` units, no hidden layer, zero-initialised (like logistic
    /// regression, a single layer has no symmetry to break: each class's row gets its own
    /// gradient from its own labels), categorical cross-entropy cost. Train it on one-hot labels
    /// ([`crate::data::one_hot`]) and read the classes with [`Network::predict_classes`].
    ///
    /// # Shapes
    /// `W[1]` is (classes, n_x), `b[1]` is (classes, 1); Y is (classes, m).
    ///
    /// # Errors
    /// [`Error::Architecture`] if `n_x` is 0 or `classes` < 2 (for two classes
    /// [`Network::logistic_regression`] is the same model with one unit); [`Error::TooLarge`] as
    /// for [`Network::new`].
    ///
    /// ```
    /// use ndnet::ndarray::array;
    /// use ndnet::{Cost, GradientDescent, Network, TrainConfig};
    /// let mut net = Network::<f64>::softmax_regression(2, 3)?;
    /// assert_eq!(net.layer(1).unwrap().w().dim(), (3, 2));
    /// assert_eq!(net.cost_function(), Cost::CategoricalCrossEntropy);
    /// // Three points, one per class, one-hot labels in the columns of Y.
    /// let x = array![[-1.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    /// let y = ndnet::data::one_hot::<f64, usize>(&[0, 1, 2], 3)?;
    /// net.fit(&x, &y, &mut GradientDescent::new(1.0)?, &TrainConfig::new(200))?;
    /// assert_eq!(net.predict_classes(&x)?, vec![0, 1, 2]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn softmax_regression(n_x: usize, classes: usize) -> Result<Self> {
        if n_x == 0 || classes < 2 {
            return Err(Error::Architecture(format!(
                "softmax regression needs n_x ≥ 1 features and at least 2 classes, got n_x = {n_x} and \
                 {classes} classes (for 2 classes, Network::logistic_regression is the same model with one unit)"
            )));
        }
        let sizes = [n_x, classes];
        check_parameter_memory(&sizes, 2 * std::mem::size_of::<F>(), PARAMETERS_AND_GRADIENTS)?;
        Self::from_parameters(
            vec![(Array2::zeros((classes, n_x)), Array2::zeros((classes, 1)))],
            &[Activation::Softmax],
        )
    }

    /// A network with given parameters: `parameters[l − 1]` is `(W[l], b[l])`, `activations[l − 1]` is `g[l]`.
    ///
    /// # Errors
    /// [`Error::Architecture`] for an empty list or a count mismatch, [`Error::Shape`] when
    /// `W[l]` does not take `A[l−1]` or `b[l]` is not `(n[l], 1)`, [`Error::NonFinite`] for NaN or inf.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// // w = [[1], [2]], b = 2 from the course: W = wᵀ.
    /// let net = Network::from_parameters(vec![(array![[1.0, 2.0]], array![[2.0]])], &[Activation::Sigmoid]).unwrap();
    /// assert_eq!(net.layer_sizes(), vec![2, 1]);
    /// ```
    pub fn from_parameters(parameters: Vec<(Array2<F>, Array2<F>)>, activations: &[Activation]) -> Result<Self> {
        if parameters.is_empty() || parameters.len() != activations.len() {
            return Err(Error::Architecture(format!(
                "{} parameter pairs and {} activations: need the same number, at least one",
                parameters.len(),
                activations.len()
            )));
        }
        let mut layers: Vec<Dense<F>> = Vec::with_capacity(parameters.len());
        for (i, ((w, b), &activation)) in parameters.into_iter().zip(activations).enumerate() {
            let l = i + 1;
            if let Some(prev) = layers.last() {
                check::shape(
                    || format!("layer {l}: after layer {} of {} units, W[{l}]", l - 1, prev.units()),
                    w.dim(),
                    w.nrows(),
                    Some(prev.units()),
                )?;
            }
            layers.push(Dense::from_parameters(w, b, activation).map_err(|e| match e {
                Error::Architecture(msg) => Error::Architecture(format!("layer {l}: {msg}")),
                other => other,
            })?);
        }
        Ok(Self::from_dense(layers))
    }

    fn from_dense(mut layers: Vec<Dense<F>>) -> Self {
        for (i, layer) in layers.iter_mut().enumerate() {
            layer.l = i + 1;
        }
        let output = layers
            .last()
            .expect("every constructor checks that there is at least one layer")
            .activation();
        Network {
            layers,
            cost: Cost::for_output(output),
            l2: 0.0,
            dropout_rng: None,
            step_backup: Default::default(),
        }
    }

    /// The same network trained on `cost` instead of the one that belongs with its output
    /// ([`Cost::for_output`], what every constructor chooses).
    ///
    /// Mean squared error goes with any output. A cross-entropy needs the output to be its
    /// probability: binary cross-entropy a sigmoid output, categorical cross-entropy a softmax
    /// output (a custom output activation may take either: its meaning is yours).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] (argument `cost`) for a cross-entropy that does not belong with
    /// the output activation — softmax with binary cross-entropy, sigmoid with categorical
    /// cross-entropy, a linear, tanh or ReLU output with either — naming the layer and the cost
    /// to use instead.
    ///
    /// ```
    /// use ndnet::{Activation, Cost, Initializer, Network};
    /// let net = Network::<f64>::logistic_regression(3)?.with_cost(Cost::MeanSquaredError)?;
    /// assert_eq!(net.cost_function(), Cost::MeanSquaredError);
    ///
    /// let mut rng = <ndnet::rand::rngs::StdRng as ndnet::rand::SeedableRng>::seed_from_u64(0);
    /// let softmax = Network::<f64>::new(&[4, 8, 3], Activation::Relu, Activation::Softmax, Initializer::He, &mut rng)?;
    /// assert_eq!(softmax.cost_function(), Cost::CategoricalCrossEntropy); // chosen by the output
    /// let err = softmax.with_cost(Cost::BinaryCrossEntropy).unwrap_err();
    /// assert!(err.to_string().contains("the output layer 2 is softmax"), "{err}");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn with_cost(mut self, cost: Cost) -> Result<Self> {
        cost.check_output(self.output().activation(), self.depth())?;
        self.cost = cost;
        Ok(self)
    }

    /// The same network trained with L2 regularization of strength λ (`lambda`):
    ///
    /// ```text
    /// J_regularized = J + (λ / 2m) Σ_l ‖W[l]‖²        dW[l] += (λ / m) W[l]
    /// ```
    ///
    /// Biases are not regularized, as in the course. λ = 0 (the default) turns it off.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] unless λ is finite and ≥ 0.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// let net = Network::from_parameters(vec![(array![[3.0, 4.0]], array![[0.0]])], &[Activation::Sigmoid])?
    ///     .with_l2(0.5)?;
    /// let (x, y) = (array![[0.0], [0.0]], array![[1.0]]);
    /// // ln 2 from the zero logit, plus (0.5 / 2) · 25 from ‖W‖² = 25 with m = 1.
    /// approx::assert_abs_diff_eq!(net.cost(&x, &y)?, 2.0_f64.ln() + 6.25, epsilon = 1e-12);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn with_l2(mut self, lambda: f64) -> Result<Self> {
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(Error::InvalidHyperparameter {
                name: "lambda",
                value: lambda,
                reason: "must be finite and ≥ 0",
            });
        }
        check::in_float::<F>("lambda", lambda, false)?;
        self.l2 = lambda;
        Ok(self)
    }

    /// The same network with inverted dropout in training: `keep_probs[l − 1]` is the probability
    /// of keeping each unit of layer l (1.0: no dropout). The output layer must keep 1.0.
    /// Masks are drawn from a generator seeded by `rng`; predictions never drop units.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless there is one probability per layer, each in (0, 1], and
    /// the output layer's is 1.
    ///
    /// ```
    /// use ndnet::{Activation, Initializer, Network};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let net = Network::<f64>::new(&[4, 8, 1], Activation::Relu, Activation::Sigmoid, Initializer::He, &mut rng)?;
    /// let net = net.with_dropout(&[0.5, 1.0], &mut rng)?;
    /// assert_eq!(net.layer(1).unwrap().keep_prob(), 0.5);
    /// assert!(net.clone().with_dropout(&[0.5, 0.5], &mut rng).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn with_dropout<R: Rng + ?Sized>(mut self, keep_probs: &[f64], rng: &mut R) -> Result<Self> {
        let invalid = |message: String| {
            Err(Error::InvalidArgument {
                argument: "keep_probs",
                message,
            })
        };
        if keep_probs.len() != self.depth() {
            return invalid(format!(
                "{} probabilities for {} layers",
                keep_probs.len(),
                self.depth()
            ));
        }
        if let Some((i, p)) = keep_probs.iter().enumerate().find(|(_, p)| !(**p > 0.0 && **p <= 1.0)) {
            return invalid(format!("layer {}: keep_prob = {p} is not in (0, 1]", i + 1));
        }
        // Inverted dropout divides by keep_prob: 1 / keep_prob must be finite in F.
        if let Some((i, p)) = keep_probs
            .iter()
            .enumerate()
            .find(|(_, p)| !F::from_f64(1.0 / **p).is_finite())
        {
            return invalid(format!(
                "layer {}: keep_prob = {p} is so small that 1 / keep_prob is not finite in this float type",
                i + 1
            ));
        }
        if keep_probs[keep_probs.len() - 1] != 1.0 {
            return invalid("the output layer cannot drop units: its keep_prob must be 1".into());
        }
        for (layer, &p) in self.layers.iter_mut().zip(keep_probs) {
            layer.set_dropout(p);
        }
        self.dropout_rng = keep_probs
            .iter()
            .any(|&p| p < 1.0)
            .then(|| crate::nn::dropout::seeded_rng(rng));
        Ok(self)
    }

    /// The L2 regularization strength λ (0 when off).
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// (λ / 2m) Σ ‖`W[l]`‖², the L2 part of the cost.
    fn l2_cost(&self, m: usize) -> F {
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

    fn output(&self) -> &Dense<F> {
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
    fn cost_from_logits(&self, z: ArrayView2<F>, y: ArrayView2<F>) -> F {
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
    fn check_x_size(&self, x: ArrayView2<F>) -> Result<()> {
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

    /// Model forward: computes and caches `Z[l]`, `A[l]` for every layer, returns `A[L]` (ŷ).
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result is `(n[L], m)`.
    ///
    /// # Errors
    /// [`Error::Shape`] if X does not have n_x rows (with a hint when X is transposed),
    /// [`Error::NoExamples`] if m = 0, [`Error::NonFinite`] for NaN or inf in X,
    /// [`Error::NonFiniteOutput`] naming the first `Z[l]` or `A[l]` that overflowed to NaN or ±inf.
    ///
    /// ```
    /// use ndarray::array;
    /// let mut net = ndnet::Network::<f64>::logistic_regression(2).unwrap();
    /// let a = net.forward(&array![[1.0, 2.0], [3.0, 4.0]]).unwrap();
    /// assert_eq!(a, array![[0.5, 0.5]]); // zero weights: σ(0)
    /// ```
    pub fn forward<S: Data<Elem = F>>(&mut self, x: &ArrayBase<S, Ix2>) -> Result<ArrayView2<'_, F>> {
        self.check_x(x.view())?;
        self.forward_unchecked(x.view());
        if let Some(what) = self.first_non_finite_activation() {
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(self.output().a())
    }

    /// The training forward pass: with dropout masks when dropout is on.
    pub(crate) fn forward_training(&mut self, x: ArrayView2<F>) {
        let Some(rng) = self.dropout_rng.as_mut() else {
            return self.forward_unchecked(x);
        };
        let (first, rest) = self
            .layers
            .split_first_mut()
            .expect("a network always has at least one layer");
        first.forward_train(x, rng);
        let mut prev = first;
        for layer in rest {
            layer.forward_train(prev.a(), rng);
            prev = layer;
        }
    }

    pub(crate) fn forward_unchecked(&mut self, x: ArrayView2<F>) {
        self.layers[0].forward_unchecked(x);
        self.forward_after_first();
    }

    /// The forward pass of layers 2..=L from the cached `A[1]` (no dropout: the caller checks).
    pub(crate) fn forward_after_first(&mut self) {
        let (first, rest) = self
            .layers
            .split_first_mut()
            .expect("a network always has at least one layer");
        let mut prev = first;
        for layer in rest {
            layer.forward_unchecked(prev.a());
            prev = layer;
        }
    }

    /// Model backward after [`Network::forward`] on the same X: fills `dZ[l]`, `dW[l]`, `db[l]` of
    /// every layer (read them with [`Dense::dw`], [`Dense::db`]).
    ///
    /// # Shapes
    /// `x` is (n_x, m) and `y` is `(n[L], m)`, as in the forward pass.
    ///
    /// # Errors
    /// [`Error::Shape`] if X or Y do not fit, [`Error::InvalidArgument`] if the last forward pass
    /// (of the network, or of one of its layers through [`Network::layer_mut`]) had another m,
    /// [`Error::LabelOutOfRange`] / [`Error::NonFinite`] for bad labels,
    /// [`Error::NonFiniteOutput`] naming the first gradient (`dZ[L]`, `dW[L]`, …) that overflows.
    ///
    /// ```
    /// use ndarray::array;
    /// let mut net = ndnet::Network::<f64>::logistic_regression(1).unwrap();
    /// let (x, y) = (array![[1.0, 3.0]], array![[1.0, 0.0]]);
    /// net.forward(&x).unwrap();
    /// net.backward(&x, &y).unwrap();
    /// // dZ = A − Y = [−0.5, 0.5]; dW = (1/2)(−0.5·1 + 0.5·3) = 0.5; db = 0
    /// assert_eq!(net.layer(1).unwrap().dw(), array![[0.5]]);
    /// assert_eq!(net.layer(1).unwrap().db(), array![[0.0]]);
    /// ```
    pub fn backward<S, T>(&mut self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<()>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        self.check_x(x.view())?;
        let m = x.ncols();
        if self.output().a().ncols() != m {
            return Err(Error::InvalidArgument {
                argument: "X",
                message: format!(
                    "backward needs the forward pass on the same X first (the last forward pass had m = {}, X has m = {m})",
                    self.output().a().ncols()
                ),
            });
        }
        // A layer run on its own since (`layer_mut(l)?.forward(..)`) caches another m.
        if let Some((l, layer)) = self.layers.iter().enumerate().find(|(_, layer)| {
            let shape = (layer.units(), m);
            layer.z().dim() != shape || layer.a().dim() != shape
        }) {
            return Err(Error::InvalidArgument {
                argument: "X",
                message: format!(
                    "backward needs the forward pass on the same X first: layer {} caches Z and A of {:?}, not ({}, {m})",
                    l + 1,
                    layer.z().dim(),
                    layer.units()
                ),
            });
        }
        self.check_y(y.view(), m)?;
        self.backward_unchecked(x.view(), y.view());
        if let Some(what) = self.first_non_finite_gradient(true) {
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(())
    }

    pub(crate) fn backward_unchecked(&mut self, x: ArrayView2<F>, y: ArrayView2<F>) {
        self.backward_to_first_dz(y);
        // dA[0] (the gradient with respect to X) is never needed: skip its product.
        self.layers[0].backward_from_dz(x, false);
        if self.l2 > 0.0 {
            let coefficient = F::from_f64(self.l2 / x.ncols() as f64);
            for layer in &mut self.layers {
                layer.add_to_dw(coefficient);
            }
        }
    }

    /// The backward pass down to `dZ[1]`: `dZ[L]`, then `dW[l]`, `db[l]`, `dA[l−1]` and `dZ[l−1]` for
    /// l = L, …, 2. Layer 1's own gradients are the caller's (they need X).
    pub(crate) fn backward_to_first_dz(&mut self, y: ArrayView2<F>) {
        let last = self.layers.len() - 1;
        let sigmoid_cross_entropy = self.uses_sigmoid_cross_entropy();
        let output = &mut self.layers[last];
        if sigmoid_cross_entropy {
            output.set_dz_to_a_minus_y(y);
        } else {
            let mut da = Array2::zeros(output.a().dim());
            self.cost.derivative_into(output.a(), y, da.view_mut());
            output.set_dz_from_da(da.view());
        }
        for l in (1..=last).rev() {
            let (before, rest) = self.layers.split_at_mut(l);
            let (prev, layer) = (&mut before[l - 1], &mut rest[0]);
            layer.backward_from_dz(prev.a(), true);
            prev.set_dz_from_da(layer.da_prev_view());
        }
    }

    /// Update parameters: one step of `optimizer` on every `W[l]` and `b[l]` with the gradients of the
    /// last [`Network::backward`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::GradientDescent;
    /// let mut net = ndnet::Network::<f64>::logistic_regression(1).unwrap();
    /// let (x, y) = (array![[1.0, 3.0]], array![[1.0, 0.0]]);
    /// net.forward(&x).unwrap();
    /// net.backward(&x, &y).unwrap();
    /// net.update(&mut GradientDescent::new(0.1).unwrap()).unwrap();
    /// assert_eq!(net.layer(1).unwrap().w(), array![[-0.05]]);
    /// ```
    ///
    /// # Errors
    /// Whatever `optimizer` returns (the built-in ones fail only on mismatched shapes, which
    /// the network's own parameters and gradients never have); the layers before it are
    /// updated already.
    pub fn update<O: Optimizer<F> + ?Sized>(&mut self, optimizer: &mut O) -> Result<()> {
        optimizer.begin_step();
        for (i, layer) in self.layers.iter_mut().enumerate() {
            let [(w, dw), (b, db)] = layer.params_and_grads();
            let layer = i + 1;
            optimizer.update(
                ParamId {
                    layer,
                    kind: ParamKind::Weights,
                },
                w,
                dw,
            )?;
            optimizer.update(
                ParamId {
                    layer,
                    kind: ParamKind::Bias,
                },
                b,
                db,
            )?;
        }
        Ok(())
    }

    /// The cost J of the last forward pass against Y, without checks (the training loop's).
    pub(crate) fn cached_cost(&self, y: ArrayView2<F>) -> F {
        let output = self.output();
        let j = if self.uses_sigmoid_cross_entropy() {
            self.cost_from_logits(output.z(), y)
        } else {
            self.cost.compute_unchecked(output.a(), y)
        };
        j + self.l2_cost(y.ncols())
    }

    /// Compute cost: J on (X, Y) with the current parameters (a forward pass that caches nothing),
    /// including the L2 term when [`Network::with_l2`] is on.
    ///
    /// With a sigmoid output and cross-entropy it is computed from `Z[L]`, so it is finite for any
    /// Z (see [`crate::binary_cross_entropy_with_logits`]).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::forward`] and [`Network::backward`].
    ///
    /// ```
    /// use ndarray::array;
    /// let net = ndnet::Network::<f64>::logistic_regression(2).unwrap();
    /// let j = net.cost(&array![[1.0], [2.0]], &array![[1.0]]).unwrap();
    /// approx::assert_abs_diff_eq!(j, 2.0_f64.ln(), epsilon = 1e-15); // −log σ(0)
    /// ```
    pub fn cost<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<F>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        self.check_x(x.view())?;
        self.check_y(y.view(), x.ncols())?;
        let (z, a) = self.output_z_and_a(x.view())?;
        let logits = self.uses_sigmoid_cross_entropy();
        let j = if logits {
            self.cost_from_logits(z.view(), y.view())
        } else {
            self.cost.compute_unchecked(a.view(), y.view())
        };
        let j = j + self.l2_cost(x.ncols());
        if !j.is_finite() {
            let l = self.depth();
            let culprit = match logits {
                true => check::largest(&format!("Z[{l}]"), z.view()),
                false => check::largest(&format!("A[{l}]"), a.view()),
            };
            let what = format!("the cost is {j}: it overflowed from a finite {culprit}");
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(j)
    }

    /// `Z[L]` and `A[L]` without caching.
    fn output_z_and_a(&self, x: ArrayView2<F>) -> Result<(Array2<F>, Array2<F>)> {
        let (output, hidden) = self
            .layers
            .split_last()
            .expect("a network always has at least one layer");
        // A few examples whose columns are strided (a column sliced out of a row-major X):
        // copied to contiguous columns, so the products take the matrix-vector kernel instead
        // of the tiled one (one digit through a [784, 128, 10] net: 94 µs → 7.8 µs, see the README).
        let contiguous = (x.ncols() < 8 && x.nrows() > 1 && x.strides()[0] != 1).then(|| {
            let mut columns = Array2::zeros(x.dim().f());
            columns.assign(&x);
            columns
        });
        let x = contiguous.as_ref().map_or(x, |c| c.view());
        let mut a_prev: Option<Array2<F>> = None;
        for layer in hidden {
            a_prev = Some(layer.predict(a_prev.as_ref().map_or(x, |a| a.view()))?);
        }
        let z = output.linear(a_prev.as_ref().map_or(x, |a| a.view()))?;
        let a = output.activation().apply(&z);
        output.check_output("A", a.view())?;
        Ok((z, a))
    }

    /// ŷ = `A[L]` for X, without caching (takes `&self`, so a trained network can be shared
    /// between threads).
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::forward`].
    ///
    /// ```
    /// use ndarray::array;
    /// let net = ndnet::Network::<f64>::logistic_regression(2).unwrap();
    /// assert_eq!(net.predict_proba(&array![[1.0], [2.0]]).unwrap(), array![[0.5]]);
    /// ```
    pub fn predict_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        self.check_x_size(x.view())?;
        // X is not scanned up front (for 10,000 digits that pass cost a sixth of the run): a
        // NaN or ±inf in X makes its whole column of Z[1] NaN or ±inf (0·inf is NaN), which
        // the layer's own check catches; X is then scanned to name the bad value.
        self.output_z_and_a(x.view())
            .map(|(_, a)| a)
            .map_err(|e| check::finite("X", x.view()).err().unwrap_or(e))
    }

    /// Predict: 1 where ŷ > `threshold`, else 0 (the course uses 0.5).
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::forward`]; [`Error::InvalidHyperparameter`] for a threshold that is not finite.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// let net = Network::from_parameters(vec![(array![[1.0]], array![[0.0]])], &[Activation::Sigmoid]).unwrap();
    /// assert_eq!(net.predict(&array![[-2.0, 3.0]], 0.5).unwrap(), array![[0.0, 1.0]]);
    /// ```
    pub fn predict<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>, threshold: f64) -> Result<Array2<F>> {
        if !threshold.is_finite() {
            return Err(Error::InvalidHyperparameter {
                name: "threshold",
                value: threshold,
                reason: "must be finite",
            });
        }
        let t = check::in_float::<F>("threshold", threshold, false)?;
        Ok(self
            .predict_proba(x)?
            .mapv(|p| if p > t { F::one() } else { F::zero() }))
    }

    /// Accuracy: the fraction of examples predicted right. For a softmax output, a prediction is
    /// the class with the highest probability (compared with the argmax of one-hot Y); otherwise
    /// every output unit is thresholded at 0.5 and compared with Y.
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::cost`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// let net = Network::from_parameters(vec![(array![[1.0]], array![[0.0]])], &[Activation::Sigmoid]).unwrap();
    /// assert_eq!(net.accuracy(&array![[-2.0, 3.0]], &array![[0.0, 0.0]]).unwrap(), 0.5);
    /// ```
    pub fn accuracy<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<f64>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        self.check_y(y.view(), x.ncols())?;
        if self.output().activation() == Activation::Softmax {
            let predicted = self.predict_classes(x)?;
            let correct = predicted
                .iter()
                .zip(argmax_columns(y.view()))
                .filter(|(p, y)| **p == *y)
                .count();
            return Ok(correct as f64 / predicted.len() as f64);
        }
        let predictions = self.predict(x, 0.5)?;
        let correct = Zip::from(&predictions)
            .and(y)
            .fold(0_usize, |n, &p, &y| n + usize::from(p == y));
        Ok(correct as f64 / predictions.len() as f64)
    }

    /// The predicted class of each example: the output unit with the highest ŷ (argmax of each
    /// column), for multi-class networks.
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result has m entries.
    ///
    /// # Errors
    /// As [`Network::forward`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// // Three classes scored by z = W x: class 2 for x = 1, class 0 for x = −1.
    /// let net = Network::from_parameters(vec![(array![[-1.0], [0.0], [1.0]], array![[0.0], [0.0], [0.0]])],
    ///                                    &[Activation::Softmax])?;
    /// assert_eq!(net.predict_classes(&array![[1.0, -1.0]])?, vec![2, 0]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_classes<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Vec<usize>> {
        Ok(argmax_columns(self.predict_proba(x)?.view()))
    }
}

/// The row of the largest entry of each column (the first one on ties).
fn argmax_columns<F: Float>(a: ArrayView2<F>) -> Vec<usize> {
    a.axis_iter(ndarray::Axis(1))
        .map(|col| {
            col.iter()
                .enumerate()
                .fold(
                    (0, F::neg_infinity()),
                    |best, (k, &v)| if v > best.1 { (k, v) } else { best },
                )
                .0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    /// A column sliced out of a row-major X (strided) is copied to a contiguous one: the
    /// same predictions, bit for bit, as for the columns themselves.
    #[test]
    fn predictions_of_strided_columns_equal_those_of_contiguous_ones() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let net = Network::<f32>::new(
            &[40, 24, 3],
            Activation::Relu,
            Activation::Softmax,
            Initializer::He,
            &mut rng,
        )
        .unwrap();
        let x = Array2::from_shape_fn((40, 30), |(i, j)| ((i * 31 + j * 7) % 11) as f32 / 5.0 - 1.0);
        for (start, width) in [(0, 1), (5, 1), (29, 1), (3, 7)] {
            let strided = x.slice(ndarray::s![.., start..start + width]);
            assert_ne!(strided.strides()[0], 1);
            let contiguous = strided.t().as_standard_layout().reversed_axes().to_owned();
            let expected = net.predict_proba(&contiguous).unwrap();
            assert_eq!(net.predict_proba(&strided).unwrap(), expected);
            assert_eq!(net.predict_proba(&strided.to_owned()).unwrap(), expected);
        }
    }

    /// Finite X and finite parameters whose activations overflow: ReLU passes 1e308 · 10 = inf,
    /// then inf − inf = NaN in the next layer. Every prediction call says so instead of
    /// returning NaN, and no NaN counts as a correct prediction.
    #[test]
    fn predictions_that_overflow_are_errors_naming_the_matrix() {
        let net = Network::from_parameters(
            vec![
                (array![[1e308], [1e308]], array![[0.0], [0.0]]),
                (array![[1.0, -1.0]], array![[0.0]]),
            ],
            &[Activation::Relu, Activation::Sigmoid],
        )
        .unwrap();
        let (x, y) = (array![[10.0, 20.0]], array![[1.0, 0.0]]);
        let expect = |result: Result<()>, matrix: &str| match result {
            Err(Error::NonFiniteOutput { what }) => assert!(what.starts_with(matrix), "{what}"),
            other => panic!("{other:?}"),
        };
        expect(net.predict_proba(&x).map(drop), "Z[1] has 4 non-finite entries");
        expect(net.predict(&x, 0.5).map(drop), "Z[1]");
        expect(net.cost(&x, &y).map(drop), "Z[1]");
        expect(net.accuracy(&x, &y).map(drop), "Z[1]");
        expect(net.predict_classes(&x).map(drop), "Z[1]");
        expect(net.clone().forward(&x).map(drop), "Z[1]");

        // Finite Z[1] = A[1] = 1e308, then Z[2] = 1e308 − 1e308 is finite but ReLU's next layer
        // adds two of them: inf.
        let net = Network::from_parameters(
            vec![
                (array![[1.0], [1.0]], array![[0.0], [0.0]]),
                (array![[1.0, 1.0]], array![[0.0]]),
            ],
            &[Activation::Relu, Activation::Sigmoid],
        )
        .unwrap();
        expect(
            net.predict_proba(&array![[1e308]]).map(drop),
            "Z[2] has 1 non-finite entry",
        );
        let f32_net = Network::<f32>::logistic_regression(1).unwrap();
        assert!(f32_net.predict(&array![[1.0f32]], 1e39).is_err());
    }
}
