//! What a run trains on: an in-memory (X, Y), checked whole before the first step, or any
//! [`Examples`], whose batches are checked as they are read.

use ndarray::ArrayView2;

use super::TrainConfig;
use super::feed::Reading;
use crate::data::{Examples, InMemory, columns_contiguous};
use crate::{Cost, Error, Float, Network, Result};

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
                let (n_x, n_y, m) = (examples.n_x(), examples.n_y(), examples.m());
                let sizes = net.layer_sizes();
                let (want_x, want_y) = (sizes[0], sizes[sizes.len() - 1]);
                let data = examples.describe();
                if (n_x, n_y) != (want_x, want_y) {
                    return Err(Error::InvalidArgument {
                        argument: "examples",
                        message: format!(
                            "{data} have n_x = {n_x} features and n_y = {n_y} targets; the network \
                             takes n_x = {want_x} and gives n[L] = {want_y}"
                        ),
                    });
                }
                if m == 0 {
                    return Err(Error::NoExamples { argument: "examples" });
                }
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
