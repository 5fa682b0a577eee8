//! A column-major copy of X for full-batch training.
//!
//! The first layer's two products read X: `Z[1]` = `W[1]`·X and `dW[1]` = (1/m) `dZ[1]`·Xᵀ. When X
//! is tall (n_x > m, like the cat pictures: 12288 × 209), both run faster on a column-major copy
//! (each example contiguous): the product kernels then take the dot-product form instead of
//! packing panels of X again at every call. X does not change between iterations, so the copy
//! is made once per fit and training reads only the copy (reading a second copy alongside would
//! not fit the cache with the first). The copy holds as much memory as X while training runs;
//! `examples/gemm_speed.rs` times both layouts.

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
    pub(super) fn new(x: ArrayView2<F>, steps: usize) -> Self {
        let (n_x, m) = x.dim();
        let pays = steps > 1
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
    fn the_copy_is_made_only_for_tall_x_and_more_than_one_step_and_equals_x() {
        let x = Array2::from_shape_fn((2000, 100), |(i, j)| (i * 100 + j) as f64);
        let copy = ColumnMajorX::new(x.view(), 10);
        if <f64 as crate::base::float::Kernels>::dot(crate::linalg::TOKEN).is_some() {
            let view = copy.view(x.view());
            assert_eq!(view, x);
            assert_eq!(view.strides(), &[1, 2000], "column-major");
        }
        let none = ColumnMajorX::new(x.view(), 1);
        assert_eq!(none.view(x.view()).strides(), x.strides());
        let wide = x.t().as_standard_layout().into_owned();
        let none = ColumnMajorX::new(wide.view(), 10);
        assert_eq!(none.view(wide.view()).strides(), wide.strides());
    }
}
