//! Hyperparameter search: every optimizer × learning rate × L2 λ × batch size × hidden units ×
//! depth of a [`SearchSpace`], trained on a training set and ranked by accuracy on a validation set (the course's
//! "train / dev" split: choose on the dev set, never on the training set).
//!
//! A run whose cost or gradients become NaN or infinite ([`Error::Diverged`]) is a result, not
//! a failure of the search: it is kept as a [`Trial`] with `diverged: true` and ranked last.
//!
//! ```
//! use ndnet::{data, search, Validation};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let (x, y) = data::xor::<f64>();
//! let space = search::SearchSpace {
//!     learning_rates: vec![0.05, 1.0],
//!     hidden_units: vec![4],
//!     depths: vec![1],
//!     iterations: 2000,
//!     ..search::SearchSpace::default()
//! };
//! let trials = search::search(&space, &x, &y, &Validation::new(&x, &y), &mut rng)?;
//! assert_eq!(trials.len(), 2);
//! assert_eq!(trials[0].learning_rate, 1.0); // the faster one has learnt XOR
//! println!("{}", search::TrialTable(&trials));
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{ArrayBase, ArrayView2, Data, Ix2};
use rand::Rng;

use crate::base::check;
use crate::train::distributed::Collective;
use crate::train::validation::{Examples, SplitOff, evaluate};
use crate::{Cost, Error, Float, Network, Result, TrainConfig, Validation};

mod space;
mod trial;

pub use space::{SearchOptimizer, SearchSpace};
pub use trial::{Trial, TrialTable};

/// Trains one network per point of `space` on (X_train, Y_train) and returns the trials ranked
/// by accuracy on `validation` (X_valid, Y_valid), best first (ties by lower validation cost, then in search order:
/// optimizer, learning rate, λ, batch size, hidden units, then depth, as listed). Weights are drawn from `rng` trial
/// after trial, so a seeded `rng` gives the same ranking every run.
///
/// Every trial trains for `space.iterations` steps: the early-stopping patience of
/// `validation` ([`Validation::early_stopping`]) is ignored here, only its examples are used.
/// A [`Validation::split`] holds out the same examples of (X_train, Y_train) for every trial,
/// once, as [`Network::fit`] would with the default seed (0): stratified by class when the
/// output's cost is a cross-entropy and Y holds classes.
///
/// # Shapes
/// `x_train` is (n_x, m_train), `y_train` is (n_y, m_train); `validation` holds X_valid
/// (n_x, m_valid) and Y_valid (n_y, m_valid).
///
/// # Errors
/// [`SearchSpace::validate`]'s errors; input errors as [`Network::fit`] (wrong shapes, no
/// examples, labels outside [0, 1]); [`Validation::split`]'s errors. A diverging trial is not
/// an error.
///
/// ```
/// use ndarray::array;
/// use rand::SeedableRng;
/// let x = array![[0.0, 1.0]];
/// let y = array![[0.0, 1.0], [1.0, 0.0]]; // 2 output rows: n_y = 2
/// let space = ndnet::search::SearchSpace { iterations: 10, ..Default::default() };
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let y_valid = y.row(0).insert_axis(ndarray::Axis(0));
/// let wrong = ndnet::search::search(&space, &x, &y, &ndnet::Validation::new(&x, &y_valid), &mut rng);
/// assert!(wrong.is_err()); // Y_valid has 1 row, the networks 2 outputs
/// ```
pub fn search<F, S1, S2, R>(
    space: &SearchSpace,
    x_train: &ArrayBase<S1, Ix2>,
    y_train: &ArrayBase<S2, Ix2>,
    validation: &Validation<'_, F>,
    rng: &mut R,
) -> Result<Vec<Trial>>
where
    F: Float,
    S1: Data<Elem = F>,
    S2: Data<Elem = F>,
    R: Rng + ?Sized,
{
    search_in(space, x_train.view(), y_train.view(), validation, rng, None)
}

/// [`search`] spread over the processes of an MPI communicator (feature `mpi`): every process
/// calls it with the same arguments, each trains its share of the trials (each trial on one
/// process, with all its threads), and every process returns the whole ranking — the one
/// [`search`] returns on one process with the same seed, every score the same bits.
///
/// Every process draws every trial's weights from `rng`, in search order, so trial t starts
/// from the same weights wherever it runs and `rng` ends in the same state as after [`search`].
/// The trials are shared out by their cost (iterations × examples per step × parameters):
/// the most costly first, each to the process with the least work so far (the lowest rank on
/// a tie), so that every process computes the same assignment. Their scores are then summed
/// over the processes (one all-reduce of 4 numbers per trial, each trial's from its process,
/// zeros from the others).
///
/// # Errors
/// As [`search`]; when a trial fails on one process (not by diverging), that process returns
/// its error and every other one an [`Error::InvalidArgument`] saying another process failed.
///
/// ```no_run
/// use ndnet::{data, search, Distributed, Validation};
/// use rand::SeedableRng;
///
/// let universe = ndnet::mpi::initialize().expect("MPI starts once per process");
/// let world = universe.world();
/// let (x, y) = data::xor::<f64>();
/// let space = search::SearchSpace { iterations: 500, ..search::SearchSpace::default() };
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let distributed = Distributed::new(&world);
/// let trials = search::search_distributed(&space, &x, &y, &Validation::new(&x, &y), &mut rng, distributed)?;
/// if distributed.rank() == 0 {
///     println!("{}", search::TrialTable(&trials));
/// }
/// # Ok::<(), ndnet::Error>(())
/// ```
#[cfg(feature = "mpi")]
pub fn search_distributed<F, S1, S2, R>(
    space: &SearchSpace,
    x_train: &ArrayBase<S1, Ix2>,
    y_train: &ArrayBase<S2, Ix2>,
    validation: &Validation<'_, F>,
    rng: &mut R,
    distributed: crate::Distributed<'_>,
) -> Result<Vec<Trial>>
where
    F: Float,
    S1: Data<Elem = F>,
    S2: Data<Elem = F>,
    R: Rng + ?Sized,
{
    search_in(
        space,
        x_train.view(),
        y_train.view(),
        validation,
        rng,
        Some(&distributed),
    )
}

/// The search, on this process alone or over the processes of `group`.
fn search_in<F: Float, R: Rng + ?Sized>(
    space: &SearchSpace,
    x_train: ArrayView2<'_, F>,
    y_train: ArrayView2<'_, F>,
    validation: &Validation<'_, F>,
    rng: &mut R,
    group: Option<&dyn Collective>,
) -> Result<Vec<Trial>> {
    space.validate()?;
    let split;
    let sets = match *validation.examples() {
        Examples::Set { x, y, .. } => Sets {
            x_train,
            y_train,
            x_valid: x,
            y_valid: y,
        },
        Examples::Split { fraction } => {
            let what = || "Y_train (one label column per example of X_train)".to_owned();
            check::shape(what, y_train.dim(), y_train.nrows(), Some(x_train.ncols()))?;
            let cost = Cost::for_output(space.output_activation);
            split = SplitOff::new(x_train, y_train, fraction, cost, TrainConfig::default().seed)?;
            Sets {
                x_train: split.x_train.view(),
                y_train: split.y_train.view(),
                x_valid: split.x_valid.view(),
                y_valid: split.y_valid.view(),
            }
        }
        Examples::Stream(_) => {
            return Err(crate::Error::invalid_argument(
                "validation",
                "a search scores its trials on a validation set in memory: give one with Validation::new, \
                 or hold out examples with Validation::split",
            ));
        }
    };
    let mut trials = Vec::with_capacity(space.trial_count());
    for &optimizer in &space.optimizers {
        for &learning_rate in &space.learning_rates {
            for &l2 in &space.l2 {
                for &batch_size in &space.batch_sizes {
                    for &hidden_units in &space.hidden_units {
                        for &depth in &space.depths {
                            trials.push(Trial {
                                optimizer,
                                learning_rate,
                                l2,
                                batch_size,
                                hidden_units,
                                depth,
                                train_accuracy: f64::NAN,
                                valid_accuracy: f64::NAN,
                                valid_cost: f64::NAN,
                                diverged: false,
                            });
                        }
                    }
                }
            }
        }
    }
    let owners = match group {
        None => vec![0; trials.len()],
        Some(comm) => share_out(space, &trials, &sets, comm.ranks()),
    };
    let rank = group.map_or(0, |comm| comm.rank());
    // Every process draws every trial's weights, in search order, and trains its own trials.
    let mut trained = Ok(());
    for (trial, &owner) in trials.iter_mut().zip(&owners) {
        let net = network(space, trial, &sets, rng)?;
        if owner == rank
            && let Err(e) = run_trial(space, trial, net, &sets)
        {
            trained = Err(e);
            break;
        }
    }
    if let Some(comm) = group {
        crate::train::distributed::agree(
            comm,
            trained,
            "a trial failed on another process (its own error says why)",
        )?;
        gather(comm, &mut trials, &owners);
    } else {
        trained?;
    }
    trials.sort_by(Trial::rank);
    Ok(trials)
}

/// The process of `ranks` that trains each trial: the most costly trial first (iterations ×
/// examples per step × parameters; ties in search order), each to the process with the least
/// cost so far (ties to the lowest rank).
fn share_out<F: Float>(space: &SearchSpace, trials: &[Trial], sets: &Sets<'_, F>, ranks: usize) -> Vec<usize> {
    let m = sets.x_train.ncols();
    let cost = |t: &Trial| {
        let sizes = layer_sizes(t, sets);
        // In f64: a trial's sizes come from the user (`hidden_units` has no upper bound, and
        // its network is refused only when built), so their product may not fit a usize.
        let parameters: f64 = sizes.windows(2).map(|n| n[1] as f64 * (n[0] as f64 + 1.0)).sum();
        let examples = t.batch_size.map_or(m, |b| b.min(m)) as f64;
        space.iterations as f64 * examples * parameters
    };
    let mut order: Vec<usize> = (0..trials.len()).collect();
    order.sort_by(|&a, &b| cost(&trials[b]).total_cmp(&cost(&trials[a])).then(a.cmp(&b)));
    let (mut load, mut owners) = (vec![0.0f64; ranks], vec![0; trials.len()]);
    for t in order {
        let least = (0..ranks)
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
            .expect("a group has at least one process");
        load[least] += cost(&trials[t]);
        owners[t] = least;
    }
    owners
}

/// Every trial's scores on every process: each process puts the scores of its own trials, the
/// others zeros, and one all-reduce sums them (x + 0 is x, NaN + 0 is NaN: the same bits).
fn gather(comm: &dyn Collective, trials: &mut [Trial], owners: &[usize]) {
    let mut local = vec![0.0; 4 * trials.len()];
    for ((trial, &owner), scores) in trials.iter().zip(owners).zip(local.chunks_exact_mut(4)) {
        if owner == comm.rank() {
            scores.copy_from_slice(&[
                trial.train_accuracy,
                trial.valid_accuracy,
                trial.valid_cost,
                f64::from(u8::from(trial.diverged)),
            ]);
        }
    }
    let mut global = vec![0.0; local.len()];
    comm.sum_f64(&local, &mut global);
    for (trial, scores) in trials.iter_mut().zip(global.chunks_exact(4)) {
        (trial.train_accuracy, trial.valid_accuracy, trial.valid_cost) = (scores[0], scores[1], scores[2]);
        trial.diverged = scores[3] > 0.0;
    }
}

/// The examples every trial trains on and is ranked on.
struct Sets<'a, F> {
    x_train: ArrayView2<'a, F>,
    y_train: ArrayView2<'a, F>,
    x_valid: ArrayView2<'a, F>,
    y_valid: ArrayView2<'a, F>,
}

/// The network of `trial`, its weights drawn from `rng`.
fn network<F: Float, R: Rng + ?Sized>(
    space: &SearchSpace,
    trial: &Trial,
    sets: &Sets<'_, F>,
    rng: &mut R,
) -> Result<Network<F>> {
    Network::<F>::new(
        &layer_sizes(trial, sets),
        space.hidden_activation,
        space.output_activation,
        space.initializer,
        rng,
    )?
    .with_l2(trial.l2)
}

/// [n_x, h, …(depth times)…, h, n_y] of `trial`.
fn layer_sizes<F>(trial: &Trial, sets: &Sets<'_, F>) -> Vec<usize> {
    let mut sizes = vec![sets.x_train.nrows()];
    sizes.extend(std::iter::repeat_n(trial.hidden_units, trial.depth));
    sizes.push(sets.y_train.nrows());
    sizes
}

/// Trains `net`, the network of `trial`, and fills in its scores.
fn run_trial<F: Float>(space: &SearchSpace, trial: &mut Trial, mut net: Network<F>, sets: &Sets<'_, F>) -> Result<()> {
    let mut config = TrainConfig::new(space.iterations).record_every(space.iterations);
    config.batch_size = trial.batch_size;
    let mut optimizer = trial.optimizer.build::<F>(trial.learning_rate)?;
    match net.fit((&sets.x_train, &sets.y_train), optimizer.as_mut(), &config) {
        Ok(_) => {
            // Scores without the L2 term, so that trials with different λ compare fairly.
            let net = net.with_l2(0.0)?;
            trial.train_accuracy = net.accuracy(&sets.x_train, &sets.y_train)?;
            (trial.valid_cost, trial.valid_accuracy) = evaluate(&net, sets.x_valid, sets.y_valid)?;
        }
        Err(Error::Diverged { .. }) => trial.diverged = true,
        Err(e) => return Err(e),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
