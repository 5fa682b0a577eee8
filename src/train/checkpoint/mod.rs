//! Checkpoints (feature `safetensors`): `fit` writes the whole state of its run every so many
//! steps or epochs, atomically, and a run started with [`Checkpoints::resume`] continues from
//! the last one **bit for bit** as if it had never stopped.
//!
//! A checkpoint holds the parameters, the optimizer's state ([`OptimizerState`]: Adam's
//! moments and step count, momentum's velocities), the dropout generator, the step, the epoch
//! and the position within it (the order of the examples is replayed from the seed, not
//! stored), the accumulated cost of the epoch, the learning rate the schedule starts from,
//! the early-stopping state with its best parameters, and the [`History`] so far. It also
//! holds what the run was (the network's shape, the optimizer and its hyperparameters, the
//! [`TrainConfig`](crate::TrainConfig) but its length, the data's sizes): resuming another run
//! from it is an error naming what differs. The length may differ: a run resumed with more
//! epochs or iterations goes on as a run of that length would have.
//!
//! ```
//! # #[cfg(feature = "safetensors")] {
//! use ndnet::{data, Adam, AdamConfig, Checkpoints, Every, FitOptions, Network, TrainConfig};
//! use ndnet::rand::SeedableRng;
//!
//! let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(0);
//! let (x, y) = data::planar_flower::<f64, _>(200, &mut rng)?;
//! let config = TrainConfig::epochs(4).batch_size(50);
//! let path = std::env::temp_dir().join(format!("ndnet-doc-checkpoint-{}.safetensors", std::process::id()));
//! let adam = || Adam::new(AdamConfig::default().learning_rate(0.01));
//!
//! // A run that stops after 2 epochs (as if killed), writing a checkpoint every epoch …
//! let mut net = Network::logistic_regression(2)?;
//! let checkpoints = Checkpoints::new(&path, Every::Epochs(1));
//! net.fit((&x, &y), &mut adam()?, FitOptions::new(TrainConfig::epochs(2).batch_size(50)).checkpoints(checkpoints))?;
//!
//! // … resumed: epochs 3 and 4, as one unbroken run would have made them.
//! let mut resumed = Network::logistic_regression(2)?;
//! let options = FitOptions::new(config.clone()).checkpoints(Checkpoints::new(&path, Every::Epochs(1)).resume());
//! let history = resumed.fit((&x, &y), &mut adam()?, options)?;
//! assert_eq!(history.epochs.len(), 4);
//!
//! let mut unbroken = Network::logistic_regression(2)?;
//! unbroken.fit((&x, &y), &mut adam()?, &config)?;
//! assert_eq!(resumed.layer(1).unwrap().w(), unbroken.layer(1).unwrap().w());
//! # std::fs::remove_file(&path).ok();
//! # }
//! # Ok::<(), ndnet::Error>(())
//! ```
//!
//! A checkpoint written during an epoch of mini-batches resumes at the next batch of that
//! epoch. With batch gradient descent an epoch is one step. The Gram form and the fused
//! logistic pass keep state that is not the parameters (`Z[1]` updated through XᵀX), so a run
//! with checkpoints takes the textbook path ([`Plan`](crate::Plan) says so).

use std::path::{Path, PathBuf};

use crate::{Error, Result};

#[cfg(feature = "safetensors")]
mod file;
mod run;

pub(crate) use run::{Progress, RunKey, Snapshot};

/// How often checkpoints are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Every {
    /// After every this many steps (and after the last one).
    Steps(usize),
    /// After every this many epochs (and after the last one).
    Epochs(usize),
}

/// Where [`Network::fit`](crate::Network::fit) writes checkpoints, how often, and whether it
/// resumes from the one already there ([`FitOptions::checkpoints`](crate::FitOptions::checkpoints)).
///
/// The file is replaced atomically (written beside it, then renamed over it): a run killed while
/// writing leaves the previous checkpoint whole. A file that is not a checkpoint of this run is
/// never written over: resuming from it is an error naming what is wrong, and so is starting
/// a run without [`Checkpoints::resume`] over a checkpoint that is there (delete it, or resume).
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoints {
    path: PathBuf,
    every: Every,
    resume: bool,
}

impl Checkpoints {
    /// Checkpoints written to `path` as often as `every` says; the run starts from the beginning.
    ///
    /// ```
    /// # #[cfg(feature = "safetensors")] {
    /// use ndnet::{Checkpoints, Every};
    /// let checkpoints = Checkpoints::new("run.safetensors", Every::Steps(500));
    /// assert_eq!(checkpoints.every(), Every::Steps(500));
    /// assert!(!checkpoints.resumes());
    /// # }
    /// ```
    pub fn new(path: impl AsRef<Path>, every: Every) -> Self {
        Checkpoints {
            path: path.as_ref().to_path_buf(),
            every,
            resume: false,
        }
    }

    /// The same checkpoints, resuming from the one at the path if there is one (else the run
    /// starts from the beginning): the way to restart a run that was killed.
    ///
    /// ```
    /// # #[cfg(feature = "safetensors")] {
    /// let checkpoints = ndnet::Checkpoints::new("run.safetensors", ndnet::Every::Epochs(1)).resume();
    /// assert!(checkpoints.resumes());
    /// # }
    /// ```
    #[must_use]
    pub fn resume(mut self) -> Self {
        self.resume = true;
        self
    }

    /// The checkpoint file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How often they are written.
    pub fn every(&self) -> Every {
        self.every
    }

    /// Whether the run resumes from an existing checkpoint.
    pub fn resumes(&self) -> bool {
        self.resume
    }

    /// Checks `every` (at least 1).
    pub(crate) fn validate(&self) -> Result<()> {
        match self.every {
            Every::Steps(0) | Every::Epochs(0) => Err(Error::InvalidHyperparameter {
                name: "every",
                value: 0.0,
                reason: "checkpoints are written every at least 1 step or epoch",
            }),
            _ => Ok(()),
        }
    }

    /// Whether a checkpoint is due after `steps` steps, `epochs` epochs closed, at the end of an
    /// epoch or not, or at the end of the run.
    pub(crate) fn due(&self, steps: usize, epochs: usize, epoch_end: bool, last: bool) -> bool {
        last || match self.every {
            Every::Steps(n) => steps.is_multiple_of(n),
            Every::Epochs(n) => epoch_end && epochs.is_multiple_of(n),
        }
    }

    /// The checkpoint at the path to resume from: `None` when the run starts from the
    /// beginning (no resume, or no file).
    ///
    /// # Errors
    /// A file there that is not a whole checkpoint of this float type (an [`Error::Format`]
    /// naming the file and what is wrong); a checkpoint there when the run does not resume.
    pub(crate) fn load<F: crate::Float>(&self) -> Result<Option<Snapshot<F>>> {
        match self.load_bytes()? {
            None => Ok(None),
            Some(bytes) => parse(&self.path, &bytes).map(Some),
        }
    }

    /// [`Checkpoints::load`] on rank 0 of `comm`, its outcome on every rank: the file's bytes
    /// (or the error) go from rank 0 to the others, so that every process resumes from the same
    /// state even without a shared file system.
    ///
    /// # Errors
    /// As [`Checkpoints::load`], on every rank.
    pub(crate) fn load_on_rank_0<F: crate::Float>(
        &self,
        comm: &dyn crate::train::distributed::Collective,
    ) -> Result<Option<Snapshot<F>>> {
        // The first byte says what follows: 0 nothing to resume, 1 a checkpoint, 2 an error.
        let mut bytes = Vec::new();
        if comm.rank() == 0 {
            bytes = match self.load_bytes() {
                Ok(None) => vec![0],
                Ok(Some(file)) => std::iter::once(1).chain(file).collect(),
                Err(e) => std::iter::once(2).chain(e.to_string().into_bytes()).collect(),
            };
        }
        comm.broadcast(&mut bytes);
        match bytes.split_first() {
            Some((1, file)) => parse(&self.path, file).map(Some),
            Some((2, message)) => Err(Error::InvalidArgument {
                argument: "checkpoints",
                message: format!("on rank 0: {}", String::from_utf8_lossy(message)),
            }),
            _ => Ok(None),
        }
    }

    /// The bytes of the checkpoint to resume from, as [`Checkpoints::load`] decides.
    fn load_bytes(&self) -> Result<Option<Vec<u8>>> {
        let exists = self.path.try_exists().map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        match (exists, self.resume) {
            (false, _) => Ok(None),
            (true, true) => std::fs::read(&self.path).map(Some).map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            }),
            (true, false) => Err(self.would_overwrite()),
        }
    }

    fn would_overwrite(&self) -> Error {
        Error::InvalidArgument {
            argument: "checkpoints",
            message: format!(
                "{} is already there and the run does not resume: call Checkpoints::resume to \
                 continue from it, or delete it to start again",
                self.path.display()
            ),
        }
    }

    /// Writes `snapshot` to the path, atomically.
    pub(crate) fn write<F: crate::Float>(&self, snapshot: &Snapshot<F>) -> Result<()> {
        #[cfg(feature = "safetensors")]
        return file::write(&self.path, snapshot);
        #[cfg(not(feature = "safetensors"))]
        return Err(without_feature(snapshot));
    }
}

#[cfg(feature = "safetensors")]
use file::parse;

/// Without feature `safetensors` no checkpoint can be made ([`FitOptions::checkpoints`] does not
/// exist): this is never reached.
#[cfg(not(feature = "safetensors"))]
fn parse<F>(_: &Path, _: &[u8]) -> Result<Snapshot<F>> {
    Err(without_feature(&()))
}

#[cfg(not(feature = "safetensors"))]
fn without_feature<T: ?Sized>(_: &T) -> Error {
    Error::InvalidArgument {
        argument: "checkpoints",
        message: "checkpoints need the cargo feature safetensors".into(),
    }
}
