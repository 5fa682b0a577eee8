//! What a run trains on: an in-memory (X, Y), checked whole before the first step, or any
//! [`Examples`], whose batches are checked as they are read.

use ndarray::{Array2, ArrayBase, ArrayView2, Ix2};

use super::TrainConfig;
use super::feed::Reading;
use crate::data::{Examples, InMemory, columns_contiguous};
use crate::{Cost, Error, Float, Network, Result};

/// Checks that `examples` fit `net`: n_x features and `n[L]` targets each, at least one.
///
/// # Errors
/// [`Error::InvalidArgument`] naming the sizes, [`Error::NoExamples`].
pub(crate) fn check_sizes<F: Float>(examples: &dyn Examples<F>, net: &Network<F>) -> Result<()> {
    let (n_x, n_y, m) = (examples.n_x(), examples.n_y(), examples.m());
    let sizes = net.layer_sizes();
    let (want_x, want_y) = (sizes[0], sizes[sizes.len() - 1]);
    if (n_x, n_y) != (want_x, want_y) {
        return Err(Error::InvalidArgument {
            argument: "examples",
            message: format!(
                "{} have n_x = {n_x} features and n_y = {n_y} targets; the network takes n_x = {want_x} \
                 and gives n[L] = {want_y}",
                examples.describe()
            ),
        });
    }
    match m {
        0 => Err(Error::NoExamples { argument: "examples" }),
        _ => Ok(()),
    }
}

/// What [`Network::fit`](crate::Network::fit) trains on: `(&x, &y)`, X (n_x, m) and Y
/// `(n[L], m)` in memory (checked whole before the first step), or `&mut examples`, any
/// [`Examples`] read batch by batch (each batch checked as it is read).
///
/// ```
/// use ndarray::array;
/// use ndnet::TrainingData;
/// let (x, y) = (array![[1.0, 2.0]], array![[0.0, 1.0]]);
/// let in_memory: TrainingData<'_, f64> = (&x, &y).into();
/// let mut examples = ndnet::data::InMemory::new(&x, &y)?;
/// let read: TrainingData<'_, f64> = (&mut examples).into();
/// # let _ = (in_memory, read);
/// # Ok::<(), ndnet::Error>(())
/// ```
pub struct TrainingData<'a, F>(pub(crate) Data<'a, F>);

impl<'a, F, S, T> From<(&'a ArrayBase<S, Ix2>, &'a ArrayBase<T, Ix2>)> for TrainingData<'a, F>
where
    F: Float,
    S: ndarray::Data<Elem = F>,
    T: ndarray::Data<Elem = F>,
{
    fn from((x, y): (&'a ArrayBase<S, Ix2>, &'a ArrayBase<T, Ix2>)) -> Self {
        TrainingData(Data::InMemory(InMemory::from_views(x.view(), y.view())))
    }
}

impl<'a, F: Float, E: Examples<F> + 'a> From<&'a mut E> for TrainingData<'a, F> {
    fn from(examples: &'a mut E) -> Self {
        TrainingData(Data::Streamed(examples))
    }
}

impl<F> std::fmt::Debug for TrainingData<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Data::InMemory(_) => f.write_str("TrainingData(X and Y in memory)"),
            Data::Streamed(_) => f.write_str("TrainingData(examples read batch by batch)"),
        }
    }
}

/// The examples of one `fit`.
pub(crate) enum Data<'a, F> {
    /// X (n_x, m) and Y `(n[L], m)` in memory.
    InMemory(InMemory<'a, F>),
    /// Examples read batch by batch.
    Streamed(&'a mut dyn Examples<F>),
}

impl<F: Float> Data<'_, F> {
    /// The number of examples m.
    pub(crate) fn m(&self) -> usize {
        match self {
            Data::InMemory(examples) => examples.m(),
            Data::Streamed(examples) => examples.m(),
        }
    }

    /// (n_x, n_y, m).
    pub(crate) fn sizes(&self) -> (usize, usize, usize) {
        match self {
            Data::InMemory(examples) => (examples.n_x(), examples.n_y(), examples.m()),
            Data::Streamed(examples) => (examples.n_x(), examples.n_y(), examples.m()),
        }
    }

    /// X and Y, when they are in memory.
    pub(crate) fn in_memory(&self) -> Option<(ArrayView2<'_, F>, ArrayView2<'_, F>)> {
        match self {
            Data::InMemory(examples) => Some(examples.views()),
            Data::Streamed(_) => None,
        }
    }

    /// What the data are, for the plan.
    pub(crate) fn describe(&self) -> String {
        match self {
            Data::InMemory(examples) => examples.describe(),
            Data::Streamed(examples) => examples.describe(),
        }
    }

    /// Checks the data against the network, once, before the first step: all of an in-memory
    /// (X, Y) (shapes, values, labels); the sizes of streamed examples (their values are
    /// checked batch by batch as they are read), which need mini-batches.
    pub(crate) fn check(&self, net: &Network<F>, config: &TrainConfig) -> Result<()> {
        match self {
            Data::InMemory(examples) => {
                let (x, y) = examples.views();
                net.check_x(x)?;
                net.check_y(y, x.ncols())
            }
            Data::Streamed(examples) => {
                check_sizes(&**examples, net)?;
                let (m, data) = (examples.m(), examples.describe());
                let sizes = net.layer_sizes();
                if config.batch_size.is_none() {
                    return Err(Error::InvalidArgument {
                        argument: "config",
                        message: format!(
                            "training on {data} reads them in mini-batches: set TrainConfig::batch_size \
                             (batch_size ≥ m is batch gradient descent, holding all {m} examples)"
                        ),
                    });
                }
                // The caches of one batch (the layers check each batch's size when it runs).
                let b = config.batch_size.unwrap_or(m).min(m);
                let units = sizes[1..].iter().try_fold(0usize, |sum, &n| sum.checked_add(n));
                let what = || format!("the caches Z[l], A[l], dZ[l] of every layer for batches of {b} examples");
                crate::base::limits::check_alloc(what, &[3, units.unwrap_or(usize::MAX), b], std::mem::size_of::<F>())
                    .map(drop)
            }
        }
    }

    /// The same data, borrowed for a shorter time (as long as the copies of a validation split).
    pub(crate) fn reborrow(&mut self) -> Data<'_, F> {
        match self {
            Data::InMemory(examples) => {
                let (x, y) = examples.views();
                Data::InMemory(InMemory::from_views(x, y))
            }
            Data::Streamed(examples) => Data::Streamed(&mut **examples),
        }
    }

    /// An in-memory X read in mini-batches smaller than m whose examples are not contiguous
    /// (row-major, as `Array2::zeros((n_x, m))` makes it): X copied once into column-major
    /// order, if the memory limit allows a second X. From a row-major X every value of a
    /// shuffled batch sits in its own cache line (a batch of 200 of 10,000 MNIST digits reads a
    /// third of X); from the copy each example is one contiguous copy. `None` when X is
    /// column-major already, batches hold all of it, or the copy does not fit (then batches
    /// are gathered from X as it is).
    pub(crate) fn column_major_copy(&self, batch_size: usize) -> Option<Array2<F>> {
        let Data::InMemory(examples) = self else { return None };
        let (x, _) = examples.views();
        if columns_contiguous(x) || batch_size >= x.ncols() {
            return None;
        }
        let what = || "a column-major copy of X".to_string();
        crate::base::limits::check_alloc(what, &[x.nrows(), x.ncols()], std::mem::size_of::<F>()).ok()?;
        Some(x.t().as_standard_layout().into_owned().reversed_axes())
    }

    /// The same examples with X replaced by `x`, an equal copy.
    pub(crate) fn with_x<'b>(&'b self, x: ArrayView2<'b, F>) -> Data<'b, F> {
        match self {
            Data::InMemory(examples) => Data::InMemory(InMemory::from_views(x, examples.views().1)),
            Data::Streamed(_) => unreachable!("only an in-memory X is copied"),
        }
    }

    /// The examples as the batcher reads them.
    pub(crate) fn reading(&mut self, cost: Cost) -> Reading<'_, F> {
        match self {
            Data::InMemory(examples) => {
                let column_major = columns_contiguous(examples.views().0);
                Reading {
                    examples,
                    check: false,
                    cost,
                    column_major,
                }
            }
            Data::Streamed(examples) => Reading {
                examples: &mut **examples,
                check: true,
                cost,
                column_major: true,
            },
        }
    }
}
