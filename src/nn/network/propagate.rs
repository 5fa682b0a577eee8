//! One training step's passes over the whole network, in the course's order: model forward
//! (caching `Z[l]` and `A[l]`), the cost J, model backward (`dZ[l]`, `dW[l]`, `db[l]`), and the
//! update of every parameter by an optimizer.

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2};

use super::Network;
use crate::base::check;
use crate::optimizer::{ParamId, ParamKind};
use crate::{Error, Float, Optimizer, Result};

impl<F: Float> Network<F> {
    /// Model forward: computes and caches `Z[l]`, `A[l]` for every layer, returns `A[L]` (ŷ).
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result is `(n[L], m)`.
    ///
    /// # Errors
    /// [`Error::Shape`] if X does not have n_x rows (with a hint when X is transposed),
    /// [`Error::NoExamples`] if m = 0, [`Error::NonFinite`] for NaN or inf in X,
    /// [`Error::NonFiniteOutput`] naming the first `Z[l]` or `A[l]` that overflowed to NaN or ±inf.
    ///
    /// ```
    /// use ndarray::array;
    /// let mut net = ndnet::Network::<f64>::logistic_regression(2).unwrap();
    /// let a = net.forward(&array![[1.0, 2.0], [3.0, 4.0]]).unwrap();
    /// assert_eq!(a, array![[0.5, 0.5]]); // zero weights: σ(0)
    /// ```
    pub fn forward<S: Data<Elem = F>>(&mut self, x: &ArrayBase<S, Ix2>) -> Result<ArrayView2<'_, F>> {
        self.check_x(x.view())?;
        self.forward_unchecked(x.view());
        if let Some(what) = self.first_non_finite_activation() {
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(self.output().a())
    }

    /// The training forward pass: with dropout masks when dropout is on.
    pub(crate) fn forward_training(&mut self, x: ArrayView2<F>) {
        let Some(rng) = self.dropout_rng.as_mut() else {
            return self.forward_unchecked(x);
        };
        let (first, rest) = self
            .layers
            .split_first_mut()
            .expect("a network always has at least one layer");
        first.forward_train(x, rng);
        let mut prev = first;
        for layer in rest {
            layer.forward_train(prev.a(), rng);
            prev = layer;
        }
    }

    pub(crate) fn forward_unchecked(&mut self, x: ArrayView2<F>) {
        self.layers[0].forward_unchecked(x);
        self.forward_after_first();
    }

    /// The forward pass of layers 2..=L from the cached `A[1]` (no dropout: the caller checks).
    pub(crate) fn forward_after_first(&mut self) {
        let (first, rest) = self
            .layers
            .split_first_mut()
            .expect("a network always has at least one layer");
        let mut prev = first;
        for layer in rest {
            layer.forward_unchecked(prev.a());
            prev = layer;
        }
    }

    /// Model backward after [`Network::forward`] on the same X: fills `dZ[l]`, `dW[l]`, `db[l]` of
    /// every layer (read them with [`Dense::dw`](crate::Dense::dw), [`Dense::db`](crate::Dense::db)).
    ///
    /// # Shapes
    /// `x` is (n_x, m) and `y` is `(n[L], m)`, as in the forward pass.
    ///
    /// # Errors
    /// [`Error::Shape`] if X or Y do not fit, [`Error::InvalidArgument`] if the last forward pass
    /// (of the network, or of one of its layers through [`Network::layer_mut`]) had another m,
    /// [`Error::LabelOutOfRange`] / [`Error::NonFinite`] for bad labels,
    /// [`Error::NonFiniteOutput`] naming the first gradient (`dZ[L]`, `dW[L]`, …) that overflows.
    ///
    /// ```
    /// use ndarray::array;
    /// let mut net = ndnet::Network::<f64>::logistic_regression(1).unwrap();
    /// let (x, y) = (array![[1.0, 3.0]], array![[1.0, 0.0]]);
    /// net.forward(&x).unwrap();
    /// net.backward(&x, &y).unwrap();
    /// // dZ = A − Y = [−0.5, 0.5]; dW = (1/2)(−0.5·1 + 0.5·3) = 0.5; db = 0
    /// assert_eq!(net.layer(1).unwrap().dw(), array![[0.5]]);
    /// assert_eq!(net.layer(1).unwrap().db(), array![[0.0]]);
    /// ```
    pub fn backward<S, T>(&mut self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<()>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        self.check_x(x.view())?;
        let m = x.ncols();
        if self.output().a().ncols() != m {
            return Err(Error::InvalidArgument {
                argument: "X",
                message: format!(
                    "backward needs the forward pass on the same X first (the last forward pass had m = {}, X has m = {m})",
                    self.output().a().ncols()
                ),
            });
        }
        // A layer run on its own since (`layer_mut(l)?.forward(..)`) caches another m.
        if let Some((l, layer)) = self.layers.iter().enumerate().find(|(_, layer)| {
            let shape = (layer.units(), m);
            layer.z().dim() != shape || layer.a().dim() != shape
        }) {
            return Err(Error::InvalidArgument {
                argument: "X",
                message: format!(
                    "backward needs the forward pass on the same X first: layer {} caches Z and A of {:?}, not ({}, {m})",
                    l + 1,
                    layer.z().dim(),
                    layer.units()
                ),
            });
        }
        self.check_y(y.view(), m)?;
        self.backward_unchecked(x.view(), y.view());
        if let Some(what) = self.first_non_finite_gradient(true) {
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(())
    }

    pub(crate) fn backward_unchecked(&mut self, x: ArrayView2<F>, y: ArrayView2<F>) {
        self.backward_data_term(x, y);
        self.add_l2_gradient(x.ncols());
    }

    /// The gradients of the cost's data term alone (no L2), after the forward pass on X.
    pub(crate) fn backward_data_term(&mut self, x: ArrayView2<F>, y: ArrayView2<F>) {
        self.backward_to_first_dz(y);
        // dA[0] (the gradient with respect to X) is never needed: skip its product.
        self.layers[0].backward_from_dz(x, false);
    }

    /// dW[l] += (λ/m) W[l] for every layer: the L2 term's gradient for a batch of m examples.
    pub(crate) fn add_l2_gradient(&mut self, m: usize) {
        if self.l2 > 0.0 {
            let coefficient = F::from_f64(self.l2 / m as f64);
            for layer in &mut self.layers {
                layer.add_to_dw(coefficient);
            }
        }
    }

    /// The backward pass down to `dZ[1]`: `dZ[L]`, then `dW[l]`, `db[l]`, `dA[l−1]` and `dZ[l−1]` for
    /// l = L, …, 2. Layer 1's own gradients are the caller's (they need X).
    pub(crate) fn backward_to_first_dz(&mut self, y: ArrayView2<F>) {
        let last = self.layers.len() - 1;
        let sigmoid_cross_entropy = self.uses_sigmoid_cross_entropy();
        let output = &mut self.layers[last];
        if sigmoid_cross_entropy {
            output.set_dz_to_a_minus_y(y);
        } else {
            let mut da = Array2::zeros(output.a().dim());
            self.cost.derivative_into(output.a(), y, da.view_mut());
            output.set_dz_from_da(da.view());
        }
        for l in (1..=last).rev() {
            let (before, rest) = self.layers.split_at_mut(l);
            let (prev, layer) = (&mut before[l - 1], &mut rest[0]);
            layer.backward_from_dz(prev.a(), true);
            prev.set_dz_from_da(layer.da_prev_view());
        }
    }

    /// Update parameters: one step of `optimizer` on every `W[l]` and `b[l]` with the gradients of the
    /// last [`Network::backward`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::GradientDescent;
    /// let mut net = ndnet::Network::<f64>::logistic_regression(1).unwrap();
    /// let (x, y) = (array![[1.0, 3.0]], array![[1.0, 0.0]]);
    /// net.forward(&x).unwrap();
    /// net.backward(&x, &y).unwrap();
    /// net.update(&mut GradientDescent::new(0.1).unwrap()).unwrap();
    /// assert_eq!(net.layer(1).unwrap().w(), array![[-0.05]]);
    /// ```
    ///
    /// # Errors
    /// Whatever `optimizer` returns: the built-in ones refuse a gradient holding a NaN or ±inf
    /// and a step that would make a parameter or their state non-finite
    /// ([`Error::UpdateRefused`](crate::Error::UpdateRefused), that parameter left as it was),
    /// and mismatched shapes, which the network's own parameters and gradients never have. The
    /// layers before it are updated already; [`Network::train_step`] and
    /// [`Network::fit`] put every parameter back instead.
    pub fn update<O: Optimizer<F> + ?Sized>(&mut self, optimizer: &mut O) -> Result<()> {
        optimizer.begin_step();
        for (i, layer) in self.layers.iter_mut().enumerate() {
            let [(w, dw), (b, db)] = layer.params_and_grads();
            let layer = i + 1;
            optimizer.update(
                ParamId {
                    layer,
                    kind: ParamKind::Weights,
                },
                w,
                dw,
            )?;
            optimizer.update(
                ParamId {
                    layer,
                    kind: ParamKind::Bias,
                },
                b,
                db,
            )?;
        }
        Ok(())
    }

    /// The cost J of the last forward pass against Y, without checks (the training loop's).
    pub(crate) fn cached_cost(&self, y: ArrayView2<F>) -> F {
        self.cached_data_cost(y) + self.l2_cost(y.ncols())
    }

    /// The data term of [`Network::cached_cost`]: J without the L2 term.
    pub(crate) fn cached_data_cost(&self, y: ArrayView2<F>) -> F {
        let output = self.output();
        if self.uses_sigmoid_cross_entropy() {
            self.cost_from_logits(output.z(), y)
        } else {
            self.cost.compute_unchecked(output.a(), y)
        }
    }

    /// Compute cost: J on (X, Y) with the current parameters (a forward pass that caches nothing),
    /// including the L2 term when [`Network::with_l2`] is on.
    ///
    /// With a sigmoid output and cross-entropy it is computed from `Z[L]`, so it is finite for any
    /// Z (see [`crate::binary_cross_entropy_with_logits`]).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::forward`] and [`Network::backward`].
    ///
    /// ```
    /// use ndarray::array;
    /// let net = ndnet::Network::<f64>::logistic_regression(2).unwrap();
    /// let j = net.cost(&array![[1.0], [2.0]], &array![[1.0]]).unwrap();
    /// approx::assert_abs_diff_eq!(j, 2.0_f64.ln(), epsilon = 1e-15); // −log σ(0)
    /// ```
    pub fn cost<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<F>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        self.checked_cost(x.view(), y.view(), true)
    }

    /// J on (X, Y) without the L2 term, whatever [`Network::with_l2`] says: the cost of the
    /// predictions alone, which a validation set is judged by (the L2 term is a penalty of
    /// training, scaled by the training set's m).
    pub(crate) fn prediction_cost(&self, x: ArrayView2<F>, y: ArrayView2<F>) -> Result<F> {
        self.checked_cost(x, y, false)
    }

    fn checked_cost(&self, x: ArrayView2<F>, y: ArrayView2<F>, with_l2: bool) -> Result<F> {
        self.check_x(x)?;
        self.check_y(y, x.ncols())?;
        let (z, a) = self.output_z_and_a(x)?;
        let logits = self.uses_sigmoid_cross_entropy();
        let j = if logits {
            self.cost_from_logits(z.view(), y)
        } else {
            self.cost.compute_unchecked(a.view(), y)
        };
        let j = match with_l2 {
            true => j + self.l2_cost(x.ncols()),
            false => j,
        };
        if !j.is_finite() {
            let l = self.depth();
            let culprit = match logits {
                true => check::largest(&format!("Z[{l}]"), z.view()),
                false => check::largest(&format!("A[{l}]"), a.view()),
            };
            let what = format!("the cost is {j}: it overflowed from a finite {culprit}");
            return Err(Error::NonFiniteOutput { what });
        }
        Ok(j)
    }
}
