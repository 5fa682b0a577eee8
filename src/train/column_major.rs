//! A column-major copy of X for full-batch training.
//!
//! The first layer's two products read X: Z[1] = W[1]·X and dW[1] = (1/m) dZ[1]·Xᵀ. When X is
//! tall (n_x > m, like the cat pictures: 12288 × 209), both are faster on a column-major copy
//! (each example contiguous) than on the row-major X: measured with `examples/gemm_speed.rs`
//! on 2 cores, the forward product went from 34–45 to 62 GFLOPS in f64 (68–88 to 137 in f32:
//! the dot kernel replaces the broadcast kernel, which packs panels of X again every time),
//! while the backward one stayed near 57 GFLOPS (122–131 in f32). X does not change between
//! iterations, so the copy is made once per fit and training reads only the copy: a second
//! copy read alongside the first would not fit the 32 MB cache with the first (tried: the cat
//! network then ran no faster). The copy holds as much memory as X while training runs.

use ndarray::{Array2, ArrayView2};

use crate::Float;

/// X with fewer bytes than this is not copied: its products are too small to gain.
const MIN_BYTES: usize = 1 << 20;

/// The view of X that training reads.
pub(super) struct ColumnMajorX<F> {
    columns: Option<Array2<F>>,
}

impl<F: Float> ColumnMajorX<F> {
    /// A column-major copy of `x` when training on it whole for `steps` steps pays, else none.
    pub(super) fn new(x: ArrayView2<F>, full_batch: bool, steps: usize) -> Self {
        let (n_x, m) = x.dim();
        let pays = full_batch
            && steps > 1
            && n_x > m
            && x.len() * std::mem::size_of::<F>() >= MIN_BYTES
            && x.is_standard_layout()
            && F::dot(crate::linalg::TOKEN).is_some();
        let columns = pays.then(|| x.t().as_standard_layout().into_owned());
        ColumnMajorX { columns }
    }

    /// X for training: the copy, seen as (n_x, m), or `x` itself.
    pub(super) fn view<'a>(&'a self, x: ArrayView2<'a, F>) -> ArrayView2<'a, F> {
        self.columns.as_ref().map_or(x, |columns| columns.t())
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;

    #[test]
    fn the_copy_is_made_only_for_tall_full_batch_training_and_equals_x() {
        let x = Array2::from_shape_fn((2000, 100), |(i, j)| (i * 100 + j) as f64);
        let copy = ColumnMajorX::new(x.view(), true, 10);
        if <f64 as crate::linalg::Kernels>::dot(crate::linalg::TOKEN).is_some() {
            let view = copy.view(x.view());
            assert_eq!(view, x);
            assert_eq!(view.strides(), &[1, 2000], "column-major");
        }
        for (full_batch, steps) in [(false, 10), (true, 1)] {
            let none = ColumnMajorX::new(x.view(), full_batch, steps);
            assert_eq!(none.view(x.view()).strides(), x.strides());
        }
        let wide = x.t().as_standard_layout().into_owned();
        let none = ColumnMajorX::new(wide.view(), true, 10);
        assert_eq!(none.view(wide.view()).strides(), wide.strides());
    }
}
