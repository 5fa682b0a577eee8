//! Building a network: from layer sizes, from a list of layers, the two one-layer models, from
//! given parameters; then its cost, L2 and dropout.

use ndarray::Array2;
use rand::Rng;

use super::{Network, PARAMETERS_AND_GRADIENTS, check_parameter_memory};
use crate::base::check;
use crate::{Activation, Cost, Dense, Error, Float, Initializer, Result};

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
    /// net.fit((&x, &y), &mut GradientDescent::new(1.0)?, &TrainConfig::new(200))?;
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
}
