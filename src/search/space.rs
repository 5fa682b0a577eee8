//! [`SearchSpace`]: the grid of hyperparameters to try, and [`SearchOptimizer`], the update
//! rules it can try.

use std::fmt;

use crate::{
    Activation, Adam, AdamConfig, Error, Float, GradientDescent, Initializer, Momentum, MomentumConfig, Optimizer,
    Result,
};

/// An update rule to try in a search; its learning rate comes from
/// [`SearchSpace::learning_rates`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SearchOptimizer {
    /// Plain gradient descent ([`GradientDescent`]).
    GradientDescent,
    /// Gradient descent with momentum β ([`Momentum`]), e.g. `Momentum(0.9)`.
    Momentum(f64),
    /// Adam with the default β1 = 0.9, β2 = 0.999, ε = 1e-8 ([`Adam`]).
    Adam,
}

impl SearchOptimizer {
    /// A fresh optimizer of this kind with learning rate α.
    ///
    /// # Errors
    /// [`Error::InvalidHyperparameter`] for a bad α or β.
    ///
    /// ```
    /// use ndnet::{Optimizer, search::SearchOptimizer};
    /// let adam = SearchOptimizer::Adam.build::<f32>(0.01)?;
    /// assert_eq!(adam.learning_rate(), 0.01);
    /// assert!(SearchOptimizer::Momentum(1.5).build::<f64>(0.1).is_err());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn build<F: Float>(self, learning_rate: f64) -> Result<Box<dyn Optimizer<F>>> {
        Ok(match self {
            SearchOptimizer::GradientDescent => Box::new(GradientDescent::new(learning_rate)?),
            SearchOptimizer::Momentum(beta) => Box::new(Momentum::new(
                MomentumConfig::default().learning_rate(learning_rate).beta(beta),
            )?),
            SearchOptimizer::Adam => Box::new(Adam::new(AdamConfig::default().learning_rate(learning_rate))?),
        })
    }
}

impl fmt::Display for SearchOptimizer {
    /// `gd`, `momentum(0.9)` or `adam`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchOptimizer::GradientDescent => f.pad("gd"),
            SearchOptimizer::Momentum(beta) => f.pad(&format!("momentum({beta})")),
            SearchOptimizer::Adam => f.pad("adam"),
        }
    }
}

/// The grid to search: every combination of optimizer, learning rate, L2 λ, batch size, hidden
/// units and depth.
///
/// A depth d with h hidden units is the network [n_x, h, …(d times)…, h, n_y] with
/// `hidden_activation` in the hidden layers and `output_activation` at the output, trained on
/// the cross-entropy cost (plus (λ / 2m) Σ‖W‖² when λ > 0). The defaults of `optimizers`,
/// `l2` and `batch_sizes` (plain batch gradient descent, no regularization) give the search of
/// learning rate × hidden units × depth alone.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchSpace {
    /// Learning rates α to try. Default `[0.01, 0.1, 0.5, 1.2]`.
    pub learning_rates: Vec<f64>,
    /// Units per hidden layer. Default `[2, 4, 8, 16]`.
    pub hidden_units: Vec<usize>,
    /// Numbers of hidden layers. Default `[1, 2]`.
    pub depths: Vec<usize>,
    /// g of the hidden layers. Default [`Activation::Tanh`].
    pub hidden_activation: Activation,
    /// g of the output layer. Default [`Activation::Sigmoid`].
    pub output_activation: Activation,
    /// How the weights are drawn. Default [`Initializer::Xavier`].
    pub initializer: Initializer,
    /// Gradient steps per trial. Default 2000.
    pub iterations: usize,
    /// Update rules to try. Default `[SearchOptimizer::GradientDescent]`.
    pub optimizers: Vec<SearchOptimizer>,
    /// L2 strengths λ to try (0 is no regularization). Default `[0.0]`.
    pub l2: Vec<f64>,
    /// Mini-batch sizes to try (`None` is batch gradient descent on all m examples). Default `[None]`.
    pub batch_sizes: Vec<Option<usize>>,
}

impl Default for SearchSpace {
    /// 4 learning rates × 4 widths × 2 depths = 32 trials of 2000 tanh/sigmoid steps of batch
    /// gradient descent.
    ///
    /// ```
    /// let space = ndnet::search::SearchSpace::default();
    /// assert_eq!(space.trial_count(), 32);
    /// ```
    fn default() -> Self {
        SearchSpace {
            learning_rates: vec![0.01, 0.1, 0.5, 1.2],
            hidden_units: vec![2, 4, 8, 16],
            depths: vec![1, 2],
            hidden_activation: Activation::Tanh,
            output_activation: Activation::Sigmoid,
            initializer: Initializer::Xavier,
            iterations: 2000,
            optimizers: vec![SearchOptimizer::GradientDescent],
            l2: vec![0.0],
            batch_sizes: vec![None],
        }
    }
}

impl SearchSpace {
    /// The number of trials: the product of the lengths of the six lists, `usize::MAX` if that
    /// overflows ([`validate`](Self::validate) refuses such a space).
    ///
    /// ```
    /// use ndnet::search::{SearchOptimizer, SearchSpace};
    /// let space = SearchSpace { depths: vec![1], ..Default::default() };
    /// assert_eq!(space.trial_count(), 16);
    /// let space = SearchSpace {
    ///     optimizers: vec![SearchOptimizer::GradientDescent, SearchOptimizer::Adam],
    ///     l2: vec![0.0, 0.1, 1.0],
    ///     ..Default::default()
    /// };
    /// assert_eq!(space.trial_count(), 32 * 2 * 3);
    /// ```
    pub fn trial_count(&self) -> usize {
        self.list_lengths()
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .unwrap_or(usize::MAX)
    }

    fn list_lengths(&self) -> [usize; 6] {
        [
            self.optimizers.len(),
            self.learning_rates.len(),
            self.l2.len(),
            self.batch_sizes.len(),
            self.hidden_units.len(),
            self.depths.len(),
        ]
    }

    /// Checks the space: no empty list, learning rates finite and > 0, momentum β in [0, 1),
    /// λ finite and ≥ 0, batch sizes, units, depths and iterations at least 1.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming an empty list; [`Error::InvalidHyperparameter`] naming
    /// the bad value; [`Error::TooLarge`] if the trials' results (their number overflowing
    /// included) or the deepest network's list of layer sizes would exceed the
    /// [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::search::SearchSpace;
    /// assert!(SearchSpace::default().validate().is_ok());
    /// let bad = SearchSpace { learning_rates: vec![0.1, -1.0], ..Default::default() };
    /// assert!(bad.validate().unwrap_err().to_string().contains("learning_rate = -1"));
    /// let empty = SearchSpace { depths: vec![], ..Default::default() };
    /// assert!(empty.validate().unwrap_err().to_string().contains("depths"));
    /// let bad = SearchSpace { l2: vec![-0.5], ..Default::default() };
    /// assert!(bad.validate().unwrap_err().to_string().contains("lambda"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        let lists = [
            ("learning_rates", self.learning_rates.is_empty()),
            ("hidden_units", self.hidden_units.is_empty()),
            ("depths", self.depths.is_empty()),
            ("optimizers", self.optimizers.is_empty()),
            ("l2", self.l2.is_empty()),
            ("batch_sizes", self.batch_sizes.is_empty()),
        ];
        if let Some((argument, _)) = lists.into_iter().find(|&(_, empty)| empty) {
            return Err(Error::InvalidArgument {
                argument,
                message: "the list is empty; give at least one value to try".into(),
            });
        }
        for &alpha in &self.learning_rates {
            for &optimizer in &self.optimizers {
                optimizer.build::<f64>(alpha)?;
            }
        }
        if let Some(&lambda) = self.l2.iter().find(|l| !(l.is_finite() && **l >= 0.0)) {
            return Err(Error::InvalidHyperparameter {
                name: "lambda",
                value: lambda,
                reason: "must be finite and ≥ 0",
            });
        }
        let at_least_one = [
            ("hidden_units", self.hidden_units.iter().min().copied()),
            ("depths", self.depths.iter().min().copied()),
            ("iterations", Some(self.iterations)),
            ("batch_size", self.batch_sizes.iter().flatten().min().copied()),
        ];
        for (name, smallest) in at_least_one {
            if smallest == Some(0) {
                return Err(Error::InvalidHyperparameter {
                    name,
                    value: 0.0,
                    reason: "must be at least 1",
                });
            }
        }
        // The results of every trial, and the layer-size list of the deepest network.
        let trials = || "the trials (optimizers × learning rates × l2 × batch sizes × units × depths)".to_string();
        crate::base::limits::check_alloc(trials, &self.list_lengths(), std::mem::size_of::<super::Trial>())?;
        let deepest = self.depths.iter().max().copied().unwrap_or(1);
        let sizes = || "the layer sizes of the deepest network (depth + 2)".to_string();
        crate::base::limits::check_alloc(sizes, &[deepest.saturating_add(2)], std::mem::size_of::<usize>())?;
        Ok(())
    }
}
