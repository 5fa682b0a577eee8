//! [`Examples`]: what training reads its mini-batches from, one example at a time by index —
//! an in-memory (X, Y), a `.npy` file read as it goes, a CSV file streamed through a fitted
//! preprocessing, or a type of your own.
//!
//! Training never holds more than a few batches of a source: it asks for the examples of each
//! batch by index (in the order the run's shuffle chose), so a file far larger than memory
//! trains with a resident set that does not grow with m.
//!
//! ```
//! use ndarray::{array, Array2};
//! use ndnet::data::{Examples, InMemory};
//!
//! let (x, y) = (array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], array![[0.0, 1.0, 1.0]]);
//! let mut examples = InMemory::new(&x, &y)?;
//! assert_eq!((examples.n_x(), examples.n_y(), examples.m()), (2, 1, 3));
//! let (mut xb, mut yb) = (Array2::zeros((2, 2)), Array2::zeros((1, 2)));
//! examples.gather(&[2, 0], xb.view_mut(), yb.view_mut())?;
//! assert_eq!(xb, array![[3.0, 1.0], [6.0, 4.0]]);
//! assert_eq!(yb, array![[1.0, 0.0]]);
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{ArrayBase, ArrayView2, ArrayViewMut2, Data, Ix2, Zip};

use crate::base::check;
use crate::linalg::parallel::{Slices, for_each_part_weighted};
use crate::{Error, Float, Result};

/// A set of m examples, each n_x features and n_y targets, read by index.
///
/// Implement it to train on data ndnet has no reader for: [`Network::fit`](crate::Network::fit)
/// asks for the examples of each mini-batch with [`Examples::gather`] (from one thread, the
/// one that reads ahead while the current step computes, hence `Send`). Every value read is
/// checked before any step uses it: a NaN or infinite value is an error naming the example and
/// the feature, with [`Examples::describe`] saying which data.
pub trait Examples<F: Float>: Send {
    /// The number of features n_x of an example (the rows of X).
    fn n_x(&self) -> usize;

    /// The number of targets n_y of an example (the rows of Y).
    fn n_y(&self) -> usize;

    /// The number of examples m.
    fn m(&self) -> usize;

    /// Copies the examples `indices` (each below m), in that order, into the columns of `x`
    /// (n_x, k) and `y` (n_y, k), k = `indices.len()`.
    ///
    /// # Errors
    /// Whatever reading them fails with, naming the data and the example.
    fn gather(&mut self, indices: &[usize], x: ArrayViewMut2<F>, y: ArrayViewMut2<F>) -> Result<()>;

    /// What the data are, for [`Plan`](crate::Plan) and for errors: e.g. `"x.npy and y.npy"`.
    fn describe(&self) -> String;
}

/// An in-memory X (n_x, m) and Y (n_y, m), one example per column: what
/// [`Network::fit`](crate::Network::fit) trains on when given `(&x, &y)`.
///
/// A mini-batch copies whole examples: fastest when each column of X is contiguous
/// (column-major X, e.g. `.t()` of an (m, n_x) array of examples).
#[derive(Clone, Debug)]
pub struct InMemory<'a, F> {
    x: ArrayView2<'a, F>,
    y: ArrayView2<'a, F>,
}

impl<'a, F: Float> InMemory<'a, F> {
    /// X (n_x, m) and Y (n_y, m) as examples.
    ///
    /// # Errors
    /// [`Error::Shape`] if Y does not have m columns.
    ///
    /// ```
    /// use ndarray::array;
    /// let (x, y) = (array![[1.0, 2.0]], array![[0.0]]);
    /// assert!(ndnet::data::InMemory::new(&x, &y).is_err()); // Y has 1 column, X 2
    /// ```
    pub fn new<S, T>(x: &'a ArrayBase<S, Ix2>, y: &'a ArrayBase<T, Ix2>) -> Result<Self>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        let m = x.ncols();
        check::shape(|| format!("with {m} examples in X, Y"), y.dim(), y.nrows(), Some(m))?;
        Ok(InMemory {
            x: x.view(),
            y: y.view(),
        })
    }

    /// X and Y as given, their shapes checked by the caller.
    pub(crate) fn from_views(x: ArrayView2<'a, F>, y: ArrayView2<'a, F>) -> Self {
        InMemory { x, y }
    }

    /// X and Y as given.
    pub(crate) fn views(&self) -> (ArrayView2<'a, F>, ArrayView2<'a, F>) {
        (self.x, self.y)
    }
}

impl<F: Float> Examples<F> for InMemory<'_, F> {
    fn n_x(&self) -> usize {
        self.x.nrows()
    }

    fn n_y(&self) -> usize {
        self.y.nrows()
    }

    fn m(&self) -> usize {
        self.x.ncols()
    }

    /// Copies columns of X and Y. When the columns of X are contiguous and so is the batch's,
    /// each example is one copy of n_x values; otherwise X is read row by row (each row once).
    fn gather(&mut self, indices: &[usize], mut x: ArrayViewMut2<F>, y: ArrayViewMut2<F>) -> Result<()> {
        check_gather(self, indices, x.view(), y.view())?;
        let n_x = self.x.nrows();
        let whole_columns = columns_contiguous(self.x) && columns_contiguous(x.view()) && n_x > 0;
        if whole_columns && let Some(out) = x.as_slice_memory_order_mut() {
            // Column-major batch: one copy per example, the examples shared out between the
            // threads (a batch reads from all over X, at memory's speed on each core).
            let source = self.x;
            for_each_part_weighted(
                Columns { out, indices, n_x },
                n_x,
                |Columns { out, indices, .. }| {
                    for (out, &i) in out.chunks_exact_mut(n_x).zip(indices) {
                        let column = source.column(i);
                        match column.as_slice() {
                            Some(column) => out.copy_from_slice(column),
                            None => out.iter_mut().zip(column).for_each(|(o, &v)| *o = v),
                        }
                    }
                },
            );
        } else if columns_contiguous(self.x) && columns_contiguous(x.view()) {
            for (mut out, &i) in x.columns_mut().into_iter().zip(indices) {
                out.assign(&self.x.column(i));
            }
        } else {
            gather_rows(self.x, x.view_mut(), indices);
        }
        gather_rows(self.y, y, indices);
        Ok(())
    }

    fn describe(&self) -> String {
        "X and Y in memory".into()
    }
}

/// The examples of a column-major batch: `n_x` values of `out` per index, cut between examples.
struct Columns<'a, F> {
    out: &'a mut [F],
    indices: &'a [usize],
    n_x: usize,
}

impl<F: Send> Slices for Columns<'_, F> {
    fn len(&self) -> usize {
        let len = self.indices.len();
        assert!(
            self.out.len() == len * self.n_x,
            "a batch of {len} examples of {} values",
            self.n_x
        );
        len
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (out, out_rest) = self.out.split_at_mut(mid * self.n_x);
        let (indices, indices_rest) = self.indices.split_at(mid);
        let n_x = self.n_x;
        (
            Columns { out, indices, n_x },
            Columns {
                out: out_rest,
                indices: indices_rest,
                n_x,
            },
        )
    }
}

/// Checks the arguments of [`Examples::gather`]: the batch's shapes and every index below m.
///
/// # Errors
/// [`Error::Shape`] naming the batch matrix, [`Error::InvalidArgument`] naming an index ≥ m.
pub(crate) fn check_gather<F: Float, E: Examples<F> + ?Sized>(
    examples: &E,
    indices: &[usize],
    x: ArrayView2<F>,
    y: ArrayView2<F>,
) -> Result<()> {
    let k = indices.len();
    check::shape(|| "the batch X".to_string(), x.dim(), examples.n_x(), Some(k))?;
    check::shape(|| "the batch Y".to_string(), y.dim(), examples.n_y(), Some(k))?;
    let m = examples.m();
    match indices.iter().find(|&&i| i >= m) {
        None => Ok(()),
        Some(i) => Err(Error::InvalidArgument {
            argument: "indices",
            message: format!("example {i} of {} is past its m = {m} examples", examples.describe()),
        }),
    }
}

/// Whether the columns of `x` are contiguous (stride 1 down a column, or one row).
pub(crate) fn columns_contiguous<F>(x: ArrayView2<F>) -> bool {
    x.nrows() <= 1 || x.strides()[0] == 1
}

/// Copies the columns `indices` of `source` into `target`, row by row (each row read once).
fn gather_rows<F: Float>(source: ArrayView2<F>, mut target: ArrayViewMut2<F>, indices: &[usize]) {
    Zip::from(target.rows_mut())
        .and(source.rows())
        .for_each(|mut out, row| {
            for (o, &i) in out.iter_mut().zip(indices) {
                *o = row[i];
            }
        });
}

#[cfg(test)]
mod tests {
    use ndarray::{Array2, ShapeBuilder, array};

    use super::*;

    #[test]
    fn gathering_from_row_and_column_major_x_gives_the_same_batch() {
        let x = Array2::from_shape_fn((3, 7), |(i, j)| (10 * i + j) as f64);
        let x_f = {
            let mut f = Array2::zeros((3, 7).f());
            f.assign(&x);
            f
        };
        let y = Array2::from_shape_fn((2, 7), |(i, j)| (i * j) as f64);
        let indices = [6, 0, 3, 3];
        let mut batches = Vec::new();
        for x in [x.view(), x_f.view()] {
            for column_major_batch in [false, true] {
                let shape = (3, 4).set_f(column_major_batch);
                let (mut xb, mut yb) = (Array2::zeros(shape), Array2::zeros((2, 4)));
                let mut examples = InMemory::new(&x, &y).unwrap();
                examples.gather(&indices, xb.view_mut(), yb.view_mut()).unwrap();
                batches.push((xb, yb));
            }
        }
        let expected = array![[6.0, 0.0, 3.0, 3.0], [16.0, 10.0, 13.0, 13.0], [26.0, 20.0, 23.0, 23.0]];
        for (xb, yb) in &batches {
            assert_eq!(xb, &expected);
            assert_eq!(yb, &array![[0.0, 0.0, 0.0, 0.0], [6.0, 0.0, 3.0, 3.0]]);
        }
    }

    /// A column-major batch large enough to be shared out between the threads (and one that
    /// is not, and a one-feature X) holds every example once, in the order asked.
    #[test]
    fn a_batch_gathered_on_several_threads_holds_each_example_in_order() {
        for (n_x, m, k) in [(784, 1000, 200), (3, 50, 7), (1, 100_000, 40_000)] {
            let x = Array2::from_shape_fn((n_x, m).f(), |(i, j)| (i * m + j) as f32);
            let y = Array2::from_shape_fn((1, m), |(_, j)| j as f32);
            let indices: Vec<usize> = (0..k).map(|t| (t * 7919 + 3) % m).collect();
            let (mut xb, mut yb) = (Array2::zeros((n_x, k).f()), Array2::zeros((1, k)));
            InMemory::new(&x, &y)
                .unwrap()
                .gather(&indices, xb.view_mut(), yb.view_mut())
                .unwrap();
            for (t, &i) in indices.iter().enumerate() {
                assert_eq!(xb.column(t), x.column(i), "({n_x}, {m}, {k}), example {t}");
                assert_eq!(yb[[0, t]], i as f32);
            }
        }
    }

    #[test]
    fn bad_batches_and_indices_are_errors_naming_them() {
        let (x, y) = (Array2::<f32>::zeros((2, 5)), Array2::<f32>::zeros((1, 5)));
        let mut examples = InMemory::new(&x, &y).unwrap();
        let (mut xb, mut yb) = (Array2::zeros((2, 2)), Array2::zeros((1, 2)));
        let err = examples.gather(&[0, 5], xb.view_mut(), yb.view_mut()).unwrap_err();
        assert!(
            err.to_string()
                .contains("example 5 of X and Y in memory is past its m = 5"),
            "{err}"
        );
        let err = examples.gather(&[0], xb.view_mut(), yb.view_mut()).unwrap_err();
        assert!(err.to_string().contains("the batch X"), "{err}");
        assert!(InMemory::new(&x, &Array2::<f32>::zeros((1, 4))).is_err());
    }
}
