//! [`FitOptions`]: what [`Network::fit`](crate::Network::fit) takes besides the data and the
//! optimizer.

use std::fmt;

use super::checkpoint::Checkpoints;
use super::{Record, TrainConfig, Validation};

/// A [`TrainConfig`] with, optionally, a validation set (and early stopping) and a callback.
///
/// The validation set is given apart from the training examples
/// ([`Validation::new`]) or held out of them ([`Validation::split`]); `fit` of a
/// [`Network`](crate::Network) and of a [`TabularModel`](crate::TabularModel) (feature `csv`),
/// and [`TabularModel::cross_validate`](crate::TabularModel::cross_validate), take the same
/// options.
///
/// A `TrainConfig` (or `&TrainConfig`) converts into `FitOptions` with nothing else, so
/// `net.fit((&x, &y), &mut optimizer, &config)` is the short form.
///
/// ```
/// use ndnet::{data, Activation, FitOptions, GradientDescent, Initializer, Network, TrainConfig, Validation};
/// use rand::SeedableRng;
///
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let (x, y) = data::planar_flower::<f64, _>(200, &mut rng)?;
/// let (x_valid, y_valid) = data::planar_flower::<f64, _>(100, &mut rng)?;
/// let mut net = Network::new(&[2, 8, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
/// let mut costs = Vec::new();
/// let options = FitOptions::new(TrainConfig::epochs(300).batch_size(50))
///     .validation(Validation::new(&x_valid, &y_valid).early_stopping(20))
///     .callback(|record| costs.push(record.cost));
/// let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, options)?;
/// assert!(history.epochs.len() <= 300);
/// assert_eq!(costs.len(), history.records.len());
/// # Ok::<(), ndnet::Error>(())
/// ```
pub struct FitOptions<'a, F> {
    pub(crate) config: TrainConfig,
    pub(crate) validation: Option<Validation<'a, F>>,
    pub(crate) callback: Option<Callback<'a>>,
    pub(crate) checkpoints: Option<Checkpoints>,
    #[cfg(feature = "mpi")]
    pub(crate) distributed: Option<super::Distributed<'a>>,
}

/// A callback that sees every record.
pub(crate) type Callback<'a> = Box<dyn FnMut(&Record) + 'a>;

impl<'a, F> FitOptions<'a, F> {
    /// Training as `config` says, with no validation set and no callback.
    ///
    /// ```
    /// let options = ndnet::FitOptions::<f64>::new(ndnet::TrainConfig::new(10));
    /// assert_eq!(options.config(), &ndnet::TrainConfig::new(10));
    /// ```
    pub fn new(config: TrainConfig) -> Self {
        FitOptions {
            config,
            validation: None,
            callback: None,
            checkpoints: None,
            #[cfg(feature = "mpi")]
            distributed: None,
        }
    }

    /// The same options recording the cost and accuracy on `validation` after every epoch, and
    /// stopping early when it asks for it (the network is then left with the parameters of the
    /// epoch with the lowest validation cost).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{FitOptions, TrainConfig, Validation};
    /// let (x, y) = (array![[1.0, 2.0]], array![[0.0, 1.0]]);
    /// let options = FitOptions::new(TrainConfig::new(10)).validation(Validation::new(&x, &y));
    /// assert!(options.has_validation());
    /// // Early stopping on 20 % of the training examples, held out when training starts.
    /// let options = FitOptions::<f64>::new(TrainConfig::epochs(1000))
    ///     .validation(Validation::split(0.2).early_stopping(20));
    /// assert!(options.has_validation());
    /// ```
    #[must_use]
    pub fn validation(mut self, validation: Validation<'a, F>) -> Self {
        self.validation = Some(validation);
        self
    }

    /// The same options calling `callback` with every [`Record`] as it is made (every
    /// `record_every` steps and at the last one).
    ///
    /// ```
    /// let options = ndnet::FitOptions::<f32>::new(ndnet::TrainConfig::new(10)).callback(|record| {
    ///     eprintln!("{}: {}", record.iteration, record.cost);
    /// });
    /// assert!(options.has_callback());
    /// ```
    #[must_use]
    pub fn callback(mut self, callback: impl FnMut(&Record) + 'a) -> Self {
        self.callback = Some(Box::new(callback));
        self
    }

    /// The same options writing checkpoints, and resuming from one if
    /// [`Checkpoints::resume`] says so (feature `safetensors`; see [`Checkpoints`]).
    ///
    /// ```
    /// use ndnet::{Checkpoints, Every, FitOptions, TrainConfig};
    /// let options = FitOptions::<f64>::new(TrainConfig::epochs(10))
    ///     .checkpoints(Checkpoints::new("run.safetensors", Every::Epochs(1)).resume());
    /// assert!(options.has_checkpoints());
    /// ```
    #[cfg(feature = "safetensors")]
    #[must_use]
    pub fn checkpoints(mut self, checkpoints: Checkpoints) -> Self {
        self.checkpoints = Some(checkpoints);
        self
    }

    /// The same options training over the processes of an MPI communicator (feature `mpi`):
    /// every process runs the same `fit`, each on its shard of every global batch of
    /// `batch_size` examples, the gradients summed over the ranks (see
    /// [`Distributed`](crate::Distributed)).
    ///
    /// ```no_run
    /// use ndnet::{Distributed, FitOptions, TrainConfig};
    /// let universe = ndnet::mpi::initialize().expect("MPI starts once per process");
    /// let world = universe.world();
    /// let options = FitOptions::<f32>::new(TrainConfig::epochs(10).batch_size(256))
    ///     .distributed(Distributed::new(&world));
    /// assert!(options.is_distributed());
    /// ```
    #[cfg(feature = "mpi")]
    #[must_use]
    pub fn distributed(mut self, distributed: super::Distributed<'a>) -> Self {
        self.distributed = Some(distributed);
        self
    }

    /// The group the run is distributed over, and how often the ranks compare parameters.
    pub(crate) fn group(&self) -> Option<(&dyn super::distributed::Collective, usize)> {
        #[cfg(feature = "mpi")]
        if let Some(distributed) = &self.distributed {
            return Some((
                distributed as &dyn super::distributed::Collective,
                distributed.checks_every(),
            ));
        }
        None
    }

    /// Whether training is spread over the processes of a communicator (feature `mpi`).
    ///
    /// ```
    /// assert!(!ndnet::FitOptions::<f64>::new(ndnet::TrainConfig::new(1)).is_distributed());
    /// ```
    pub fn is_distributed(&self) -> bool {
        self.group().is_some()
    }

    /// Whether checkpoints are written.
    ///
    /// ```
    /// assert!(!ndnet::FitOptions::<f64>::new(ndnet::TrainConfig::new(1)).has_checkpoints());
    /// ```
    pub fn has_checkpoints(&self) -> bool {
        self.checkpoints.is_some()
    }

    /// The training configuration.
    ///
    /// ```
    /// let options: ndnet::FitOptions<f64> = (&ndnet::TrainConfig::epochs(3)).into();
    /// assert_eq!(options.config().length, ndnet::TrainLength::Epochs(3));
    /// ```
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Whether a validation set is given.
    ///
    /// ```
    /// assert!(!ndnet::FitOptions::<f64>::new(ndnet::TrainConfig::new(1)).has_validation());
    /// ```
    pub fn has_validation(&self) -> bool {
        self.validation.is_some()
    }

    /// Whether a callback is given.
    ///
    /// ```
    /// assert!(!ndnet::FitOptions::<f64>::new(ndnet::TrainConfig::new(1)).has_callback());
    /// ```
    pub fn has_callback(&self) -> bool {
        self.callback.is_some()
    }
}

impl<F> From<TrainConfig> for FitOptions<'_, F> {
    fn from(config: TrainConfig) -> Self {
        FitOptions::new(config)
    }
}

impl<F> From<&TrainConfig> for FitOptions<'_, F> {
    fn from(config: &TrainConfig) -> Self {
        FitOptions::new(config.clone())
    }
}

impl<F> fmt::Debug for FitOptions<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FitOptions")
            .field("config", &self.config)
            .field("validation", &self.validation.is_some())
            .field("callback", &self.callback.is_some())
            .field("checkpoints", &self.checkpoints)
            .field(
                "distributed",
                &self.group().map(|(comm, _)| (comm.rank(), comm.ranks())),
            )
            .finish()
    }
}
