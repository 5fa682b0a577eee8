//! The dense (fully connected) layer: forward and backward side by side.
//!
//! ```text
//! forward   Z[l] = W[l] A[l−1] + b[l]            A[l] = g[l](Z[l])
//! backward  dZ[l] = dA[l] ⊙ g[l]′(Z[l])
//!           dW[l] = (1/m) dZ[l] A[l−1]ᵀ           db[l] = (1/m) Σ_columns dZ[l]
//!           dA[l−1] = W[l]ᵀ dZ[l]
//! ```
//!
//! The layer keeps `Z[l]` and `A[l]` from its last forward pass and `dZ[l]`, `dW[l]`, `db[l]`,
//! `dA[l−1]` from its last backward pass, so a learner can look at every step. These buffers are
//! reused from one iteration to the next: after the first pass a batch of the same size
//! allocates nothing.
//!
//! ```
//! use ndarray::array;
//! use ndnet::{Activation, Dense};
//!
//! let mut layer = Dense::from_parameters(array![[1.0, -1.0]], array![[0.5]], Activation::Relu).unwrap();
//! let a_prev = array![[2.0, 1.0], [1.0, 3.0]]; // two examples, one per column
//! let a = layer.forward(a_prev.view()).unwrap().to_owned();
//! assert_eq!(a, array![[1.5, 0.0]]);
//! assert_eq!(layer.z(), array![[1.5, -1.5]]);
//! let da_prev = layer.backward(a_prev.view(), array![[1.0, 1.0]].view()).unwrap().to_owned();
//! assert_eq!(layer.dw(), array![[1.0, 0.5]]); // (1/2)·[1, 0]·[[2, 1], [1, 3]]
//! assert_eq!(layer.db(), array![[0.5]]);
//! assert_eq!(da_prev, array![[1.0, 0.0], [-1.0, 0.0]]);
//! ```

use ndarray::{Array2, ArrayView2, Axis, Zip};
use rand::Rng;

use crate::base::check;
use crate::linalg::product;
use crate::nn::dropout::Dropout;
use crate::{Activation, Error, Float, Initializer, Result};

mod predict;
mod training;

/// A fully connected layer l with `n[l]` units fed by `n[l−1]` inputs.
#[derive(Clone, Debug)]
pub struct Dense<F: Float> {
    /// The layer's number l in its network (1 for the first hidden layer), for messages.
    pub(crate) l: usize,
    w: Array2<F>,
    b: Array2<F>,
    activation: Activation,
    z: Array2<F>,
    a: Array2<F>,
    dz: Array2<F>,
    dw: Array2<F>,
    db: Array2<F>,
    da_prev: Array2<F>,
    dropout: Dropout<F>,
}

impl<F: Float> Dense<F> {
    /// A layer of `units` units fed by `inputs` values, W drawn by `init`, b zero.
    ///
    /// # Errors
    /// [`Error::Architecture`] if `units` or `inputs` is 0; [`Error::TooLarge`] if W, b and their
    /// gradients would exceed the [memory limit](crate::memory_limit);
    /// [`Error::InvalidHyperparameter`] for an initializer whose weights would not be finite (see
    /// [`Initializer::validate`]) or a leaky ReLU whose slope is not finite in `F`.
    ///
    /// ```
    /// use ndnet::{Activation, Dense, Initializer};
    /// use rand::SeedableRng;
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let layer = Dense::<f64>::new(3, 4, Activation::Tanh, Initializer::Xavier, &mut rng).unwrap();
    /// assert_eq!(layer.w().dim(), (4, 3));
    /// assert_eq!(layer.b().dim(), (4, 1));
    /// ```
    pub fn new<R: Rng + ?Sized>(
        inputs: usize,
        units: usize,
        activation: Activation,
        init: Initializer,
        rng: &mut R,
    ) -> Result<Self> {
        if units == 0 || inputs == 0 {
            return Err(Error::Architecture(format!(
                "a layer needs at least one unit and one input, got {units} units fed by {inputs} inputs"
            )));
        }
        // W, dW (units, inputs) and b, db (units, 1), checked before any is allocated.
        let what = || format!("W, b, dW and db of a layer of {units} units fed by {inputs} inputs");
        crate::base::limits::check_alloc(what, &[2, units, inputs.saturating_add(1)], std::mem::size_of::<F>())?;
        init.validate::<F>()?;
        activation.validate::<F>()?;
        let w = init.weights(units, inputs, rng)?;
        if !check::all_finite(w.view()) {
            return Err(Error::InvalidHyperparameter {
                name: "scale",
                value: init.std_dev(units, inputs),
                reason: "drew weights that are not finite in this float type",
            });
        }
        Ok(Self::with_parameters(w, Array2::zeros((units, 1)), activation))
    }

    /// A layer with the given W `(n[l], n[l−1])` and b `(n[l], 1)`.
    ///
    /// # Errors
    /// [`Error::Architecture`] for an empty W, [`Error::Shape`] if b is not `(n[l], 1)`,
    /// [`Error::NonFinite`] for NaN or inf in W or b; [`Error::InvalidHyperparameter`] for a leaky
    /// ReLU whose slope is not finite in `F`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Dense};
    /// let layer = Dense::from_parameters(array![[1.0, 2.0]], array![[0.0]], Activation::Sigmoid).unwrap();
    /// assert_eq!(layer.units(), 1);
    /// assert!(Dense::from_parameters(array![[1.0, 2.0]], array![[0.0, 0.0]], Activation::Sigmoid).is_err());
    /// ```
    pub fn from_parameters(w: Array2<F>, b: Array2<F>, activation: Activation) -> Result<Self> {
        if w.is_empty() {
            return Err(Error::Architecture(format!(
                "W is {:?}: a layer needs at least one unit and one input",
                w.dim()
            )));
        }
        check::shape(
            || format!("b, with W of shape {:?},", w.dim()),
            b.dim(),
            w.nrows(),
            Some(1),
        )?;
        check::finite("W", w.view())?;
        check::finite("b", b.view())?;
        activation.validate::<F>()?;
        Ok(Self::with_parameters(w, b, activation))
    }

    fn with_parameters(w: Array2<F>, b: Array2<F>, activation: Activation) -> Self {
        // Parameters given by a user may be strided or column-major (`slice_move`,
        // `reversed_axes`): the training paths work on W and b as contiguous rows.
        let standard = |m: Array2<F>| {
            if m.is_standard_layout() {
                m
            } else {
                m.as_standard_layout().into_owned()
            }
        };
        let (w, b) = (standard(w), standard(b));
        let empty = || Array2::zeros((0, 0));
        Dense {
            l: 1,
            dw: Array2::zeros(w.dim()),
            db: Array2::zeros(b.dim()),
            w,
            b,
            activation,
            z: empty(),
            a: empty(),
            dz: empty(),
            da_prev: empty(),
            dropout: Dropout::off(),
        }
    }

    /// `n[l]`, the number of units.
    pub fn units(&self) -> usize {
        self.w.nrows()
    }

    /// `n[l−1]`, the number of inputs.
    pub fn inputs(&self) -> usize {
        self.w.ncols()
    }

    /// The activation `g[l]`.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// `W[l]`, `(n[l], n[l−1])`.
    pub fn w(&self) -> ArrayView2<'_, F> {
        self.w.view()
    }

    /// `b[l]`, `(n[l], 1)`.
    pub fn b(&self) -> ArrayView2<'_, F> {
        self.b.view()
    }

    /// `W[l]` and `b[l]`, mutable, to set parameters by hand (shapes cannot change).
    pub fn parameters_mut(&mut self) -> (ndarray::ArrayViewMut2<'_, F>, ndarray::ArrayViewMut2<'_, F>) {
        (self.w.view_mut(), self.b.view_mut())
    }

    /// `Z[l]` cached by the last [`Dense::forward`], `(n[l], m)`; empty before the first.
    pub fn z(&self) -> ArrayView2<'_, F> {
        self.z.view()
    }

    /// `A[l]` cached by the last [`Dense::forward`], `(n[l], m)`; empty before the first.
    pub fn a(&self) -> ArrayView2<'_, F> {
        self.a.view()
    }

    /// `dZ[l]` from the last backward pass, `(n[l], m)`.
    pub fn dz(&self) -> ArrayView2<'_, F> {
        self.dz.view()
    }

    /// `dW[l] = (1/m) dZ[l] A[l−1]ᵀ` from the last backward pass, `(n[l], n[l−1])`.
    pub fn dw(&self) -> ArrayView2<'_, F> {
        self.dw.view()
    }

    /// `db[l] = (1/m) Σ dZ[l]` from the last backward pass, `(n[l], 1)`.
    pub fn db(&self) -> ArrayView2<'_, F> {
        self.db.view()
    }

    /// Forward pass: `Z[l] = W[l] A[l−1] + b[l]`, `A[l] = g(Z[l])`; caches both and returns `A[l]`.
    ///
    /// # Shapes
    /// `a_prev` is `(n[l−1], m)`; the result is `(n[l], m)`.
    ///
    /// # Errors
    /// [`Error::Shape`] if `a_prev` does not have `n[l−1]` rows, [`Error::NoExamples`] if m = 0,
    /// [`Error::NonFiniteOutput`] if `Z[l]` or `A[l]` overflows to NaN or ±inf.
    pub fn forward(&mut self, a_prev: ArrayView2<F>) -> Result<ArrayView2<'_, F>> {
        self.check_input(a_prev)?;
        self.forward_unchecked(a_prev);
        self.check_output("Z", self.z.view())?;
        self.check_output("A", self.a.view())?;
        Ok(self.a.view())
    }

    /// Backward pass from `dA[l]`: fills `dZ[l]`, `dW[l]`, `db[l]` and returns `dA[l−1]`.
    ///
    /// `a_prev` must be the `A[l−1]` given to the last [`Dense::forward`].
    ///
    /// # Shapes
    /// `a_prev` is `(n[l−1], m)`, `da` is `(n[l], m)`; the result is `(n[l−1], m)`.
    ///
    /// # Errors
    /// [`Error::Shape`] if the shapes do not match the last forward pass;
    /// [`Error::NonFinite`] for NaN or inf in `a_prev` or `da`; [`Error::NonFiniteOutput`] naming
    /// the first of `dZ[l]`, `dW[l]`, `db[l]`, `dA[l−1]` that overflows.
    pub fn backward(&mut self, a_prev: ArrayView2<F>, da: ArrayView2<F>) -> Result<ArrayView2<'_, F>> {
        self.check_input(a_prev)?;
        let l = self.l;
        check::shape(
            || format!("layer {l}: dA[{l}]"),
            da.dim(),
            self.units(),
            Some(self.z.ncols()),
        )?;
        check::shape(
            || {
                format!(
                    "layer {l}: after a forward pass on m = {} examples, A[{}]",
                    self.z.ncols(),
                    l - 1
                )
            },
            a_prev.dim(),
            self.inputs(),
            Some(self.z.ncols()),
        )?;
        check::finite("a_prev", a_prev)?;
        check::finite("da", da)?;
        self.set_dz_from_da(da);
        self.backward_from_dz(a_prev, true);
        let l = self.l;
        // Names formatted only when something is wrong.
        let first_non_finite = check::describe_non_finite(|| format!("dZ[{l}]"), self.dz.view())
            .or_else(|| check::describe_non_finite(|| format!("dW[{l}]"), self.dw.view()))
            .or_else(|| check::describe_non_finite(|| format!("db[{l}]"), self.db.view()))
            .or_else(|| check::describe_non_finite(|| format!("dA[{}]", l - 1), self.da_prev.view()));
        if let Some(what) = first_non_finite {
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(self.da_prev.view())
    }

    /// [`Error::NonFiniteOutput`] naming `matrix[l]` if it holds NaN or ±inf.
    pub(crate) fn check_output(&self, matrix: &str, m: ArrayView2<F>) -> Result<()> {
        match check::describe_non_finite(|| format!("{matrix}[{}]", self.l), m) {
            None => Ok(()),
            Some(what) => Err(Error::NonFiniteOutput { what }),
        }
    }

    pub(crate) fn check_input(&self, a_prev: ArrayView2<F>) -> Result<()> {
        let l = self.l;
        check::shape(
            || format!("layer {l}: W[{l}] is {:?} so A[{}]", self.w.dim(), l - 1),
            a_prev.dim(),
            self.inputs(),
            None,
        )?;
        check::not_empty(if l == 1 { "X" } else { "A[l-1]" }, a_prev)?;
        // The caches for m examples can be far larger than the input (a wide layer on a long X).
        let (units, m) = (self.units(), a_prev.ncols());
        let what = || format!("layer {l}'s caches Z[{l}], A[{l}], dZ[{l}] for m = {m} examples");
        crate::base::limits::check_alloc(what, &[3, units, m], std::mem::size_of::<F>()).map(|_| ())
    }

    pub(crate) fn forward_unchecked(&mut self, a_prev: ArrayView2<F>) {
        let shape = (self.units(), a_prev.ncols());
        resize(&mut self.z, shape);
        resize(&mut self.a, shape);
        linear_forward_into(&self.w, &self.b, a_prev, &mut self.z);
        self.activation.forward_into(self.z.view(), self.a.view_mut());
        self.dropout
            .apply(self.a.view_mut(), None::<&mut rand::rngs::Xoshiro256PlusPlus>);
    }

    /// `dZ[l] = dA[l] ⊙ g′(Z[l])`.
    pub(crate) fn set_dz_from_da(&mut self, da: ArrayView2<F>) {
        resize(&mut self.dz, self.z.dim());
        if let Some(mask) = self.dropout.active_mask() {
            if self.activation != Activation::Softmax {
                // dZ = (dA ⊙ D) ⊙ g′(Z), g′ from the unmasked A = g(Z), element by element:
                // no buffer is allocated on this hot path.
                let g = self.activation;
                Zip::from(&mut self.dz)
                    .and(&self.z)
                    .and(da)
                    .and(mask)
                    .for_each(|dz, &z, &da, &d| *dz = da * d * g.g_prime(z, g.g(z)));
                return;
            }
            // Softmax is not element-wise: mask a copy of dA and use the unmasked A.
            let mut da = da.to_owned();
            Zip::from(&mut da).and(mask).for_each(|da, &d| *da *= d);
            let a = self.activation.apply(&self.z);
            self.activation
                .backward_into(self.z.view(), a.view(), da.view(), self.dz.view_mut());
            return;
        }
        self.activation
            .backward_into(self.z.view(), self.a.view(), da, self.dz.view_mut());
    }

    /// `dZ[L] = A[L] − Y`: the sigmoid + cross-entropy shortcut (softmax too, later).
    pub(crate) fn set_dz_to_a_minus_y(&mut self, y: ArrayView2<F>) {
        resize(&mut self.dz, self.a.dim());
        Zip::from(&mut self.dz)
            .and(&self.a)
            .and(y)
            .for_each(|dz, &a, &y| *dz = a - y);
    }

    /// From `dZ[l]`: `dW[l]`, `db[l]` and (when asked) `dA[l−1]`.
    pub(crate) fn backward_from_dz(&mut self, a_prev: ArrayView2<F>, compute_da_prev: bool) {
        let inv_m = F::one() / F::from_f64(a_prev.ncols() as f64);
        product(inv_m, self.dz.view(), a_prev.t(), F::zero(), self.dw.view_mut());
        self.bias_gradient_from_dz();
        if compute_da_prev {
            resize(&mut self.da_prev, a_prev.dim());
            product(F::one(), self.w.t(), self.dz.view(), F::zero(), self.da_prev.view_mut());
        }
    }

    /// `db[l] = (1/m) Σ dZ[l]` over the examples, alone (see `train::first_layer_gram`).
    pub(crate) fn bias_gradient_from_dz(&mut self) {
        let inv_m = F::one() / F::from_f64(self.dz.ncols() as f64);
        for (db, dz_row) in self.db.iter_mut().zip(self.dz.axis_iter(Axis(0))) {
            *db = dz_row.sum() * inv_m;
        }
    }

    /// `A[l] = g(Z[l])` from the cached `Z[l]` (no dropout: see `train::first_layer_gram`).
    pub(crate) fn activate_cached_z(&mut self) {
        resize(&mut self.a, self.z.dim());
        self.activation.forward_into(self.z.view(), self.a.view_mut());
    }

    pub(crate) fn da_prev_view(&self) -> ArrayView2<'_, F> {
        self.da_prev.view()
    }

    /// (W, dW) and (b, db) for the optimizer.
    pub(crate) fn params_and_grads(&mut self) -> [(ndarray::ArrayViewMut2<'_, F>, ArrayView2<'_, F>); 2] {
        [(self.w.view_mut(), self.dw.view()), (self.b.view_mut(), self.db.view())]
    }
}

/// Z = W A_prev + b, written into `z` (numpy's order: the product, then the bias).
fn linear_forward_into<F: Float>(w: &Array2<F>, b: &Array2<F>, a_prev: ArrayView2<F>, z: &mut Array2<F>) {
    product(F::one(), w.view(), a_prev, F::zero(), z.view_mut());
    *z += b;
}

/// Reallocates `buffer` only when the batch shape changes.
fn resize<F: Float>(buffer: &mut Array2<F>, shape: (usize, usize)) {
    if buffer.dim() != shape {
        *buffer = Array2::zeros(shape);
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn zero_units_and_bad_bias_are_errors() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        assert!(matches!(
            Dense::<f64>::new(3, 0, Activation::Relu, Initializer::He, &mut rng),
            Err(Error::Architecture(_))
        ));
        assert!(matches!(
            Dense::from_parameters(array![[1.0, 2.0]], array![[f64::NAN]], Activation::Relu),
            Err(Error::NonFinite { argument: "b", .. })
        ));
    }
    #[test]
    fn backward_needs_the_forward_shapes() {
        let mut layer = Dense::from_parameters(array![[1.0, 2.0]], array![[0.0]], Activation::Relu).unwrap();
        let a_prev = array![[1.0, 2.0, 3.0], [0.0, 1.0, 2.0]];
        layer.forward(a_prev.view()).unwrap();
        let err = layer.backward(a_prev.view(), array![[1.0, 1.0]].view()).unwrap_err();
        assert!(err.to_string().contains("dA[1] must be (1, 3), got (1, 2)"), "{err}");
    }
}
