//! What training needs of a layer beyond forward and backward: dropout's masked forward pass,
//! the L2 term of the gradient and the cost, and every matrix at once for the fused paths.

use ndarray::{Array2, ArrayView2};
use rand::Rng;

use super::{Dense, resize};
use crate::Float;
use crate::nn::dropout::Dropout;

/// Mutable access to every matrix of a layer at once, for fused training loops.
pub(crate) struct DenseParts<'a, F> {
    pub w: &'a mut Array2<F>,
    pub b: &'a mut Array2<F>,
    pub z: &'a mut Array2<F>,
    pub a: &'a mut Array2<F>,
    pub dz: &'a mut Array2<F>,
    pub dw: &'a mut Array2<F>,
    pub db: &'a mut Array2<F>,
}

impl<F: Float> Dense<F> {
    /// Training forward pass: as the plain one, then the dropout mask on `A[l]` when dropout is on.
    pub(crate) fn forward_train<R: Rng + ?Sized>(&mut self, a_prev: ArrayView2<F>, rng: &mut R) {
        self.forward_unchecked(a_prev);
        self.dropout.apply(self.a.view_mut(), Some(rng));
    }

    /// The probability of keeping each unit in training (1 when dropout is off).
    pub fn keep_prob(&self) -> f64 {
        self.dropout.keep_prob()
    }

    pub(crate) fn set_dropout(&mut self, keep_prob: f64) {
        self.dropout = Dropout::new(keep_prob);
    }

    /// dW += coefficient · W (the L2 term λ/m W of the regularized gradient).
    pub(crate) fn add_to_dw(&mut self, coefficient: F) {
        self.dw.scaled_add(coefficient, &self.w);
    }

    /// dW and db, to be summed over the ranks of distributed training.
    pub(crate) fn gradients_mut(&mut self) -> (&mut Array2<F>, &mut Array2<F>) {
        (&mut self.dw, &mut self.db)
    }

    /// ‖W‖², the squared Frobenius norm.
    pub(crate) fn squared_weights(&self) -> F {
        self.w.iter().map(|&w| w * w).sum()
    }

    /// Every matrix of the layer, with the cache buffers sized for `m` examples.
    pub(crate) fn parts_mut(&mut self, m: usize) -> DenseParts<'_, F> {
        let shape = (self.units(), m);
        for buffer in [&mut self.z, &mut self.a, &mut self.dz] {
            resize(buffer, shape);
        }
        DenseParts {
            w: &mut self.w,
            b: &mut self.b,
            z: &mut self.z,
            a: &mut self.a,
            dz: &mut self.dz,
            dw: &mut self.dw,
            db: &mut self.db,
        }
    }
}
