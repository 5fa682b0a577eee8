//! A validation set watched during training, and early stopping on its cost.
//!
//! ```
//! use ndnet::{data, Activation, FitOptions, GradientDescent, Initializer, Network, TrainConfig, Validation};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let (x, y) = data::planar_flower::<f64, _>(200, &mut rng)?;
//! let (x_valid, y_valid) = data::planar_flower::<f64, _>(100, &mut rng)?;
//! let mut net = Network::new(&[2, 8, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
//! let options = FitOptions::new(TrainConfig::epochs(3000).batch_size(50))
//!     .validation(Validation::new(&x_valid, &y_valid).early_stopping(20));
//! let history = net.fit(&x, &y, &mut GradientDescent::new(0.5)?, options)?;
//! let best = history.best_epoch.unwrap();
//! // The network holds the parameters of the epoch with the lowest validation cost.
//! let best_cost = history.epochs[best].valid_cost.unwrap();
//! approx::assert_abs_diff_eq!(net.cost(&x_valid, &y_valid)?, best_cost, epsilon = 1e-12);
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2};

use crate::{Float, Network, Result};

/// Examples held out from training: their cost and accuracy are recorded after every epoch.
#[derive(Clone, Debug)]
pub struct Validation<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
    /// Stop after this many epochs without a lower validation cost, and restore the best
    /// parameters (`None`: never stop early).
    pub patience: Option<usize>,
}

impl<'a, F: Float> Validation<'a, F> {
    /// A validation set X (n_x, m_valid), Y `(n[L], m_valid)`, without early stopping.
    pub fn new<S, T>(x: &'a ArrayBase<S, Ix2>, y: &'a ArrayBase<T, Ix2>) -> Self
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        Validation {
            x: x.view(),
            y: y.view(),
            patience: None,
        }
    }

    /// The same set with early stopping after `patience` epochs without improvement.
    #[must_use]
    pub fn early_stopping(mut self, patience: usize) -> Self {
        self.patience = Some(patience);
        self
    }

    /// The number of validation examples.
    pub(crate) fn m(&self) -> usize {
        self.x.ncols()
    }

    pub(super) fn check(&self, net: &Network<F>) -> Result<()> {
        net.check_x(self.x)?;
        net.check_y(self.y, self.x.ncols())
    }

    /// (cost, accuracy) of the network on this set.
    pub(crate) fn evaluate(&self, net: &Network<F>) -> Result<(f64, f64)> {
        Ok((net.cost(&self.x, &self.y)?.as_f64(), net.accuracy(&self.x, &self.y)?))
    }
}

/// `(W[l], b[l])` of every layer.
type Parameters<F> = Vec<(Array2<F>, Array2<F>)>;

/// Remembers the parameters of the epoch with the lowest validation cost.
pub(crate) struct EarlyStopper<F> {
    patience: usize,
    best: Option<(usize, f64, Parameters<F>)>,
    since_best: usize,
}

impl<F: Float> EarlyStopper<F> {
    pub(crate) fn new(patience: usize) -> Self {
        EarlyStopper {
            patience,
            best: None,
            since_best: 0,
        }
    }

    /// Takes the epoch's validation cost; true when `patience` epochs passed without a better one.
    pub(super) fn should_stop(&mut self, epoch: usize, cost: f64, net: &Network<F>) -> bool {
        if self.best.as_ref().is_none_or(|(_, best, _)| cost < *best) {
            let parameters = net
                .layers()
                .iter()
                .map(|l| (l.w().to_owned(), l.b().to_owned()))
                .collect();
            self.best = Some((epoch, cost, parameters));
            self.since_best = 0;
            false
        } else {
            self.since_best += 1;
            self.since_best >= self.patience
        }
    }

    /// Its state: patience, epochs since the best, and the best (epoch, cost, parameters).
    pub(crate) fn parts(&self) -> (usize, usize, Option<(usize, f64, Parameters<F>)>) {
        (self.patience, self.since_best, self.best.clone())
    }

    /// The stopper in the state [`EarlyStopper::parts`] gave.
    pub(crate) fn from_parts(
        (patience, since_best, best): (usize, usize, Option<(usize, f64, Parameters<F>)>),
    ) -> Self {
        EarlyStopper {
            patience,
            best,
            since_best,
        }
    }

    /// Puts the best parameters back; returns their epoch.
    pub(super) fn restore_best(self, net: &mut Network<F>) -> Option<usize> {
        let (epoch, _, parameters) = self.best?;
        for (l, (w, b)) in parameters.into_iter().enumerate() {
            let layer = net
                .layer_mut(l + 1)
                .expect("the saved parameters come from this network's layers");
            let (mut w_now, mut b_now) = layer.parameters_mut();
            w_now.assign(&w);
            b_now.assign(&b);
        }
        Some(epoch)
    }
}
