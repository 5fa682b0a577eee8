//! A validation set watched during training, and early stopping on its cost.
//!
//! The validation examples are either given apart from the training examples
//! ([`Validation::new`]) or held out of them when training starts ([`Validation::split`]):
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
//! let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, options)?;
//! let best = history.best_epoch.unwrap();
//! // The network holds the parameters of the epoch with the lowest validation cost.
//! let best_cost = history.epochs[best].valid_cost.unwrap();
//! approx::assert_abs_diff_eq!(net.cost(&x_valid, &y_valid)?, best_cost, epsilon = 1e-12);
//!
//! // Or hold out 20 % of the training examples (stratified by class, seeded by TrainConfig::seed).
//! let mut net = Network::new(&[2, 8, 1], Activation::Tanh, Activation::Sigmoid, Initializer::Xavier, &mut rng)?;
//! let options = FitOptions::new(TrainConfig::epochs(3000).batch_size(50))
//!     .validation(Validation::split(0.2).early_stopping(20));
//! let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, options)?;
//! assert_eq!(history.held_out, 40); // trained on the other 160
//! assert!(history.stopped_early);
//! # Ok::<(), ndnet::Error>(())
//! ```

use std::sync::{Arc, Mutex};

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder};

use super::distributed::{self, Collective};
use crate::data::{class_indices, hold_out, select_columns};
use crate::{Cost, Float, Network, Result};

/// Examples watched during training: their cost and accuracy are recorded after every epoch,
/// and with [`early_stopping`](Validation::early_stopping) training stops when their cost no
/// longer falls.
///
/// The examples are given apart from the training set ([`Validation::new`]) or held out of it
/// when training starts ([`Validation::split`]): one or the other, never both.
///
/// ```
/// use ndarray::array;
/// use ndnet::Validation;
/// let (x, y) = (array![[1.0, 2.0]], array![[0.0, 1.0]]);
/// assert_eq!(Validation::new(&x, &y).early_stopping(5).patience, Some(5));
/// assert_eq!(Validation::<f64>::split(0.2).split_fraction(), Some(0.2));
/// ```
#[derive(Clone, Debug)]
pub struct Validation<'a, F> {
    examples: Examples<'a, F>,
    /// Stop after this many epochs without a lower validation cost, and restore the best
    /// parameters (`None`: never stop early).
    pub patience: Option<usize>,
}

/// Where the validation examples come from.
#[derive(Clone, Debug)]
pub(crate) enum Examples<'a, F> {
    /// X and Y apart from the training examples; `held_out` when the crate split them off the
    /// training rows itself (a tabular fit), so that [`History::held_out`](super::History::held_out)
    /// counts them.
    Set {
        x: ArrayView2<'a, F>,
        y: ArrayView2<'a, F>,
        held_out: bool,
    },
    /// This fraction of the training examples, held out when training starts.
    Split { fraction: f64 },
    /// Examples read batch by batch (a `.npy` or CSV file too large for memory).
    Stream(Stream<'a, F>),
}

/// Validation examples read batch by batch, in order, every epoch.
#[derive(Clone)]
pub(crate) struct Stream<'a, F>(Arc<Mutex<&'a mut dyn crate::data::Examples<F>>>);

impl<F> std::fmt::Debug for Stream<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stream(examples read batch by batch)")
    }
}

/// Examples of a streamed validation set evaluated at once.
const VALIDATION_BATCH: usize = 1024;

impl<'a, F: Float> Validation<'a, F> {
    /// A validation set X (n_x, m_valid), Y `(n[L], m_valid)`, apart from the training
    /// examples, without early stopping.
    ///
    /// # Shapes
    /// `x` is (n_x, m_valid) and `y` is `(n[L], m_valid)`, checked when training starts.
    ///
    /// ```
    /// use ndarray::array;
    /// let (x, y) = (array![[1.0, 2.0]], array![[0.0, 1.0]]);
    /// let validation = ndnet::Validation::new(&x, &y);
    /// assert_eq!((validation.patience, validation.split_fraction()), (None, None));
    /// ```
    pub fn new<S, T>(x: &'a ArrayBase<S, Ix2>, y: &'a ArrayBase<T, Ix2>) -> Self
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        Validation {
            examples: Examples::Set {
                x: x.view(),
                y: y.view(),
                held_out: false,
            },
            patience: None,
        }
    }

    /// Holds out `fraction` of the training examples as the validation set when training
    /// starts, without early stopping: round(`fraction` · m) examples (at least 1, at most
    /// m − 1) are trained on never, only watched.
    ///
    /// The examples held out are drawn with [`TrainConfig::seed`](crate::TrainConfig::seed),
    /// so the same seed holds out the same ones. When the network's cost is a cross-entropy and
    /// Y holds classes (0/1 labels in one row, or one-hot columns), the split is stratified:
    /// each class gives its share (largest remainder) but never its last example, so the
    /// training part keeps every class and the class proportions. Otherwise (mean squared
    /// error, soft labels, several sigmoid outputs) the examples are drawn at random.
    /// [`History::held_out`](crate::History::held_out) says how many were held out. The
    /// training and validation parts are copies, in the original order of the examples.
    ///
    /// [`TabularModel::fit`](crate::TabularModel::fit) splits the rows of the table the same
    /// way (stratified by the target's classes) before fitting the preprocessing, which is
    /// then fitted on the rows trained on only.
    ///
    /// # Errors
    /// When training starts: [`Error::InvalidArgument`](crate::Error::InvalidArgument) if
    /// `fraction` is not strictly between 0 and 1, if there are fewer than 2 examples, if no
    /// class has two examples, or if the examples are read batch by batch rather than held in
    /// memory as X and Y (give those a validation set with [`Validation::new`]).
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndnet::{FitOptions, GradientDescent, Network, TrainConfig, Validation};
    /// // x = −9 … 10, labelled 1 above 0: 10 examples of each class.
    /// let x = Array2::from_shape_fn((1, 20), |(_, j)| j as f64 - 9.0);
    /// let y = x.mapv(|v| f64::from(u8::from(v > 0.0)));
    /// let mut net = Network::<f64>::logistic_regression(1)?;
    /// let options = FitOptions::new(TrainConfig::new(100).seed(3)).validation(Validation::split(0.25));
    /// let history = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, options)?;
    /// // round(0.25 · 20) = 5 held out: 2.5 of each class, the tie to class 0 (3 and 2).
    /// assert_eq!(history.held_out, 5);
    /// assert!(history.epochs[99].valid_accuracy.unwrap() > 0.5);
    ///
    /// let options = FitOptions::new(TrainConfig::new(1)).validation(Validation::split(1.5));
    /// let err = net.fit((&x, &y), &mut GradientDescent::new(0.5)?, options).unwrap_err();
    /// assert!(err.to_string().contains("fraction: Validation::split(1.5)"), "{err}");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn split(fraction: f64) -> Self {
        Validation {
            examples: Examples::Split { fraction },
            patience: None,
        }
    }

    /// The same validation with early stopping after `patience` epochs without improvement:
    /// training stops, and the network is left with the parameters of the epoch with the
    /// lowest validation cost ([`History::best_epoch`](crate::History::best_epoch)).
    ///
    /// ```
    /// let validation = ndnet::Validation::<f32>::split(0.1).early_stopping(10);
    /// assert_eq!(validation.patience, Some(10));
    /// ```
    #[must_use]
    pub fn early_stopping(mut self, patience: usize) -> Self {
        self.patience = Some(patience);
        self
    }

    /// Validation examples read batch by batch, in order, after every epoch (a `.npy` or CSV
    /// file too large for memory), as training reads its own: the cost and accuracy are those
    /// of the whole set, accumulated batch by batch, and early stopping works as with a set in
    /// memory.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::data::InMemory;
    /// let (x, y) = (array![[1.0, 2.0]], array![[0.0, 1.0]]);
    /// let mut examples = InMemory::new(&x, &y)?;
    /// let validation = ndnet::Validation::streamed(&mut examples).early_stopping(3);
    /// assert_eq!(validation.patience, Some(3));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn streamed(examples: &'a mut dyn crate::data::Examples<F>) -> Self {
        Validation {
            examples: Examples::Stream(Stream(Arc::new(Mutex::new(examples)))),
            patience: None,
        }
    }

    /// The fraction of the training examples held out, for [`Validation::split`]; `None` for
    /// a set given with [`Validation::new`].
    ///
    /// ```
    /// assert_eq!(ndnet::Validation::<f64>::split(0.3).split_fraction(), Some(0.3));
    /// ```
    pub fn split_fraction(&self) -> Option<f64> {
        match self.examples {
            Examples::Split { fraction } => Some(fraction),
            Examples::Set { .. } | Examples::Stream(_) => None,
        }
    }

    /// A validation set split off the training rows before training (a tabular fit): watched
    /// as a given set, counted in [`History::held_out`](super::History::held_out).
    #[cfg(feature = "csv")]
    pub(crate) fn held_out(x: &'a Array2<F>, y: &'a Array2<F>, patience: Option<usize>) -> Self {
        Validation {
            examples: Examples::Set {
                x: x.view(),
                y: y.view(),
                held_out: true,
            },
            patience,
        }
    }

    /// The same validation borrowing for a shorter time (array views do not shorten their
    /// lifetime by themselves): one per fold of a cross-validation.
    #[cfg(feature = "csv")]
    pub(crate) fn reborrow(&self) -> Result<Validation<'_, F>> {
        let examples = match &self.examples {
            Examples::Set { x, y, held_out } => Examples::Set {
                x: x.reborrow(),
                y: y.reborrow(),
                held_out: *held_out,
            },
            &Examples::Split { fraction } => Examples::Split { fraction },
            Examples::Stream(_) => {
                return Err(crate::Error::invalid_argument(
                    "options",
                    "a validation set read batch by batch (Validation::streamed) cannot be shared by the \
                     folds of a cross-validation: hold out rows with Validation::split(fraction)",
                ));
            }
        };
        Ok(Validation {
            examples,
            patience: self.patience,
        })
    }

    /// Where the examples come from: a set, or a split still to make.
    pub(crate) fn examples(&self) -> &Examples<'a, F> {
        &self.examples
    }

    /// What `fit` watches: the given set, or the examples `split` held out of the training
    /// examples (`None` for a split not made).
    pub(super) fn watched<'v>(&'v self, split: Option<&'v SplitOff<F>>) -> Option<Watched<'v, 'a, F>> {
        let (set, held_out) = match (&self.examples, split) {
            (&Examples::Set { x, y, held_out }, _) => (Set::Arrays(x, y), if held_out { x.ncols() } else { 0 }),
            (Examples::Split { .. }, Some(split)) => (
                Set::Arrays(split.x_valid.view(), split.y_valid.view()),
                split.x_valid.ncols(),
            ),
            (Examples::Split { .. }, None) => return None,
            (Examples::Stream(stream), _) => (Set::Stream(stream), 0),
        };
        Some(Watched {
            set,
            patience: self.patience,
            held_out,
        })
    }
}

/// The validation examples of one `fit`.
pub(super) struct Watched<'v, 'a, F> {
    set: Set<'v, 'a, F>,
    pub(super) patience: Option<usize>,
    /// How many of them were held out of the training examples (0 for a set given apart).
    pub(super) held_out: usize,
}

enum Set<'v, 'a, F> {
    Arrays(ArrayView2<'v, F>, ArrayView2<'v, F>),
    Stream(&'v Stream<'a, F>),
}

impl<F: Float> Watched<'_, '_, F> {
    /// The number of validation examples.
    pub(crate) fn m(&self) -> usize {
        match &self.set {
            Set::Arrays(x, _) => x.ncols(),
            Set::Stream(stream) => lock(stream).m(),
        }
    }

    pub(super) fn check(&self, net: &Network<F>) -> Result<()> {
        match &self.set {
            Set::Arrays(x, y) => {
                net.check_x(*x)?;
                net.check_y(*y, x.ncols())
            }
            Set::Stream(stream) => crate::train::data::check_sizes(&**lock(stream), net),
        }
    }

    /// (cost, accuracy) of the network on these examples. Over the processes of `group`, each
    /// evaluates its shard of them (the rule of a batch's shards) and the sums of the cost and
    /// of the correct predictions are all-reduced: every process gets the same figures, so
    /// takes the same early-stopping decision.
    pub(super) fn evaluate(&self, net: &Network<F>, group: Option<&dyn Collective>) -> Result<(f64, f64)> {
        let Some(comm) = group else {
            return match &self.set {
                Set::Arrays(x, y) => evaluate(net, *x, *y),
                Set::Stream(stream) => {
                    let m = lock(stream).m();
                    Ok(sums_of_stream(net, &mut **lock(stream), 0..m)?.means())
                }
            };
        };
        let m = self.m();
        let shard = distributed::shard(m, comm.rank(), comm.ranks());
        let local = match &self.set {
            _ if shard.is_empty() => Ok(Sums::default()),
            Set::Arrays(x, y) => {
                let columns = ndarray::s![.., shard];
                sums(net, x.slice(columns), y.slice(columns))
            }
            Set::Stream(stream) => sums_of_stream(net, &mut **lock(stream), shard),
        };
        let failed = f64::from(u8::from(local.is_err()));
        let [cost, examples, correct, counted] = local.as_ref().map_or(Sums::default(), |s| *s).to_array();
        let mut global = [0.0; 5];
        comm.sum_f64(&[cost, examples, correct, counted, failed], &mut global);
        if global[4] > 0.0 {
            local?;
            return Err(crate::Error::InvalidArgument {
                argument: "distributed",
                message: "another rank could not evaluate its shard of the validation set (its own error says why)"
                    .into(),
            });
        }
        let [cost, examples, correct, counted, _] = global;
        Ok(Sums {
            cost,
            examples,
            correct,
            counted,
        }
        .means())
    }
}

/// The examples of a stream, for one use at a time.
fn lock<'g, 'a, F>(stream: &'g Stream<'a, F>) -> std::sync::MutexGuard<'g, &'a mut dyn crate::data::Examples<F>> {
    // A panic while reading leaves the examples as they are: nothing to repair.
    stream.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A cost and an accuracy as sums over examples, to be added to others'.
#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    /// Σ of the examples' costs (each batch's mean × its size), and the examples.
    cost: f64,
    examples: f64,
    /// Correct predictions, and the predictions counted: examples (softmax) or output values
    /// (the others), as [`Network::accuracy`] counts them.
    correct: f64,
    counted: f64,
}

impl Sums {
    fn add(&mut self, other: Sums) {
        self.cost += other.cost;
        self.examples += other.examples;
        self.correct += other.correct;
        self.counted += other.counted;
    }

    /// (cost, accuracy): the mean cost over the examples, the share of correct predictions.
    fn means(self) -> (f64, f64) {
        (self.cost / self.examples, self.correct / self.counted)
    }

    fn to_array(self) -> [f64; 4] {
        [self.cost, self.examples, self.correct, self.counted]
    }
}

/// The sums of [`evaluate`] on (X, Y).
fn sums<F: Float>(net: &Network<F>, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<Sums> {
    let (cost, accuracy) = evaluate(net, x, y)?;
    let k = x.ncols();
    // Accuracy counts examples (softmax) or output values (the others).
    let values = if net
        .layers()
        .last()
        .is_some_and(|l| l.activation() == crate::Activation::Softmax)
    {
        k
    } else {
        k * y.nrows()
    } as f64;
    Ok(Sums {
        cost: cost * k as f64,
        examples: k as f64,
        correct: (accuracy * values).round(),
        counted: values,
    })
}

/// The sums over the examples `range` of a stream, read `VALIDATION_BATCH` at a time, in order.
fn sums_of_stream<F: Float>(
    net: &Network<F>,
    examples: &mut dyn crate::data::Examples<F>,
    range: std::ops::Range<usize>,
) -> Result<Sums> {
    let (n_x, n_y) = (examples.n_x(), examples.n_y());
    let b = VALIDATION_BATCH.min(range.len());
    let (mut x, mut y) = (Array2::<F>::zeros((n_x, b).f()), Array2::<F>::zeros((n_y, b)));
    let mut total = Sums::default();
    let mut indices: Vec<usize> = Vec::with_capacity(b);
    let mut start = range.start;
    while start < range.end {
        let k = b.min(range.end - start);
        if k < x.ncols() {
            (x, y) = (Array2::zeros((n_x, k).f()), Array2::zeros((n_y, k)));
        }
        indices.clear();
        indices.extend(start..start + k);
        examples.gather(&indices, x.view_mut(), y.view_mut())?;
        crate::train::feed::check_examples(&*examples, net.cost_function(), x.view(), y.view(), &indices)?;
        total.add(sums(net, x.view(), y.view())?);
        start += k;
    }
    Ok(total)
}

/// (cost, accuracy) of `net` on (X, Y), the cost without the L2 term: L2 is a penalty of
/// training scaled by the training set's m, and added at the validation set's smaller m it
/// would outweigh the predictions, so early stopping would stop on the growth of the weights.
pub(crate) fn evaluate<F: Float>(net: &Network<F>, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<(f64, f64)> {
    Ok((net.prediction_cost(x, y)?.as_f64(), net.accuracy(&x, &y)?))
}

/// Copies of the examples kept for training and of those held out by [`Validation::split`].
pub(crate) struct SplitOff<F> {
    pub(crate) x_train: Array2<F>,
    pub(crate) y_train: Array2<F>,
    pub(crate) x_valid: Array2<F>,
    pub(crate) y_valid: Array2<F>,
}

impl<F: Float> SplitOff<F> {
    /// Holds out `fraction` of the examples of (X, Y) (already checked), drawn with `seed`,
    /// stratified by class when `cost` is a cross-entropy and Y holds classes.
    pub(crate) fn new(x: ArrayView2<F>, y: ArrayView2<F>, fraction: f64, cost: Cost, seed: u64) -> Result<Self> {
        let classes = classes(cost, y);
        let (kept, held) = hold_out(x.ncols(), fraction, classes.as_deref(), seed)?;
        Ok(SplitOff {
            x_train: select_columns(&x, &kept)?,
            y_train: select_columns(&y, &kept)?,
            x_valid: select_columns(&x, &held)?,
            y_valid: select_columns(&y, &held)?,
        })
    }
}

/// The class of every example, to stratify a split: with a cross-entropy cost, when Y holds
/// 0/1 labels in one row (binary) or one-hot columns (categorical); `None` otherwise (mean
/// squared error, soft labels, several sigmoid outputs).
fn classes<F: Float>(cost: Cost, y: ArrayView2<F>) -> Option<Vec<usize>> {
    let zero_or_one = y.iter().all(|&v| v == F::zero() || v == F::one());
    match cost {
        Cost::BinaryCrossEntropy if y.nrows() == 1 && zero_or_one => {
            Some(y.iter().map(|&v| usize::from(v == F::one())).collect())
        }
        Cost::CategoricalCrossEntropy if y.nrows() > 1 && zero_or_one => class_indices(&y).ok(),
        _ => None,
    }
}

/// `(W[l], b[l])` of every layer.
type Parameters<F> = Vec<(Array2<F>, Array2<F>)>;

/// The epoch with the lowest validation cost so far: (epoch, cost, parameters).
pub(crate) type Best<F> = (usize, f64, Parameters<F>);

/// Early stopping's state: patience, epochs since the best, and the best.
pub(crate) type StopperParts<F> = (usize, usize, Option<Best<F>>);

/// Remembers the parameters of the epoch with the lowest validation cost.
pub(crate) struct EarlyStopper<F> {
    patience: usize,
    best: Option<Best<F>>,
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
    pub(crate) fn parts(&self) -> StopperParts<F> {
        (self.patience, self.since_best, self.best.clone())
    }

    /// The stopper in the state [`EarlyStopper::parts`] gave.
    pub(crate) fn from_parts((patience, since_best, best): StopperParts<F>) -> Self {
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
