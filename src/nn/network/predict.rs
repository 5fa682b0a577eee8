//! Prediction: `A[L]` for new examples without caching, labels at a threshold, classes, and
//! accuracy.

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder, Zip};

use super::Network;
use crate::base::check;
use crate::{Activation, Error, Float, Result};

impl<F: Float> Network<F> {
    /// `Z[L]` and `A[L]` without caching.
    pub(super) fn output_z_and_a(&self, x: ArrayView2<F>) -> Result<(Array2<F>, Array2<F>)> {
        let (output, hidden) = self
            .layers
            .split_last()
            .expect("a network always has at least one layer");
        // A few examples whose columns are strided (a column sliced out of a row-major X):
        // copied to contiguous columns, so the products take the matrix-vector kernel instead
        // of the tiled one, an order of magnitude faster for one digit through [784, 128, 10].
        let contiguous = (x.ncols() < 8 && x.nrows() > 1 && x.strides()[0] != 1).then(|| {
            let mut columns = Array2::zeros(x.dim().f());
            columns.assign(&x);
            columns
        });
        let x = contiguous.as_ref().map_or(x, |c| c.view());
        let mut a_prev: Option<Array2<F>> = None;
        for layer in hidden {
            a_prev = Some(layer.predict(a_prev.as_ref().map_or(x, |a| a.view()))?);
        }
        let z = output.linear(a_prev.as_ref().map_or(x, |a| a.view()))?;
        let a = output.activation().apply(&z);
        output.check_output("A", a.view())?;
        Ok((z, a))
    }

    /// ŷ = `A[L]` for X, without caching (takes `&self`, so a trained network can be shared
    /// between threads).
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::forward`].
    ///
    /// ```
    /// use ndarray::array;
    /// let net = ndnet::Network::<f64>::logistic_regression(2).unwrap();
    /// assert_eq!(net.predict_proba(&array![[1.0], [2.0]]).unwrap(), array![[0.5]]);
    /// ```
    pub fn predict_proba<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<F>> {
        self.check_x_size(x.view())?;
        // X is not scanned up front (for 10,000 digits that pass cost a sixth of the run): a
        // NaN or ±inf in X makes its whole column of Z[1] NaN or ±inf (0·inf is NaN), which
        // the layer's own check catches; X is then scanned to name the bad value.
        self.output_z_and_a(x.view())
            .map(|(_, a)| a)
            .map_err(|e| check::finite("X", x.view()).err().unwrap_or(e))
    }

    /// Predict: 1 where ŷ > `threshold`, else 0 (the course uses 0.5).
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::forward`]; [`Error::InvalidHyperparameter`] for a threshold that is not finite.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// let net = Network::from_parameters(vec![(array![[1.0]], array![[0.0]])], &[Activation::Sigmoid]).unwrap();
    /// assert_eq!(net.predict(&array![[-2.0, 3.0]], 0.5).unwrap(), array![[0.0, 1.0]]);
    /// ```
    pub fn predict<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>, threshold: f64) -> Result<Array2<F>> {
        if !threshold.is_finite() {
            return Err(Error::InvalidHyperparameter {
                name: "threshold",
                value: threshold,
                reason: "must be finite",
            });
        }
        let t = check::in_float::<F>("threshold", threshold, false)?;
        Ok(self
            .predict_proba(x)?
            .mapv(|p| if p > t { F::one() } else { F::zero() }))
    }

    /// Accuracy: the fraction of examples predicted right. For a softmax output, a prediction is
    /// the class with the highest probability (compared with the argmax of one-hot Y); otherwise
    /// every output unit is thresholded at 0.5 and compared with Y.
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::cost`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// let net = Network::from_parameters(vec![(array![[1.0]], array![[0.0]])], &[Activation::Sigmoid]).unwrap();
    /// assert_eq!(net.accuracy(&array![[-2.0, 3.0]], &array![[0.0, 0.0]]).unwrap(), 0.5);
    /// ```
    pub fn accuracy<S, T>(&self, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<f64>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        self.check_y(y.view(), x.ncols())?;
        if self.output().activation() == Activation::Softmax {
            let predicted = self.predict_classes(x)?;
            let correct = predicted
                .iter()
                .zip(argmax_columns(y.view()))
                .filter(|(p, y)| **p == *y)
                .count();
            return Ok(correct as f64 / predicted.len() as f64);
        }
        let predictions = self.predict(x, 0.5)?;
        let correct = Zip::from(&predictions)
            .and(y)
            .fold(0_usize, |n, &p, &y| n + usize::from(p == y));
        Ok(correct as f64 / predictions.len() as f64)
    }

    /// The predicted class of each example: the output unit with the highest ŷ (argmax of each
    /// column), for multi-class networks.
    ///
    /// # Shapes
    /// `x` is (n_x, m); the result has m entries.
    ///
    /// # Errors
    /// As [`Network::forward`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndnet::{Activation, Network};
    /// // Three classes scored by z = W x: class 2 for x = 1, class 0 for x = −1.
    /// let net = Network::from_parameters(vec![(array![[-1.0], [0.0], [1.0]], array![[0.0], [0.0], [0.0]])],
    ///                                    &[Activation::Softmax])?;
    /// assert_eq!(net.predict_classes(&array![[1.0, -1.0]])?, vec![2, 0]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn predict_classes<S: Data<Elem = F>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Vec<usize>> {
        Ok(argmax_columns(self.predict_proba(x)?.view()))
    }
}

/// The row of the largest entry of each column (the first one on ties).
fn argmax_columns<F: Float>(a: ArrayView2<F>) -> Vec<usize> {
    a.axis_iter(ndarray::Axis(1))
        .map(|col| {
            col.iter()
                .enumerate()
                .fold(
                    (0, F::neg_infinity()),
                    |best, (k, &v)| if v > best.1 { (k, v) } else { best },
                )
                .0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;
    use crate::Initializer;

    /// A column sliced out of a row-major X (strided) is copied to a contiguous one: the
    /// same predictions, bit for bit, as for the columns themselves.
    #[test]
    fn predictions_of_strided_columns_equal_those_of_contiguous_ones() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let net = Network::<f32>::new(
            &[40, 24, 3],
            Activation::Relu,
            Activation::Softmax,
            Initializer::He,
            &mut rng,
        )
        .unwrap();
        let x = Array2::from_shape_fn((40, 30), |(i, j)| ((i * 31 + j * 7) % 11) as f32 / 5.0 - 1.0);
        for (start, width) in [(0, 1), (5, 1), (29, 1), (3, 7)] {
            let strided = x.slice(ndarray::s![.., start..start + width]);
            assert_ne!(strided.strides()[0], 1);
            let contiguous = strided.t().as_standard_layout().reversed_axes().to_owned();
            let expected = net.predict_proba(&contiguous).unwrap();
            assert_eq!(net.predict_proba(&strided).unwrap(), expected);
            assert_eq!(net.predict_proba(&strided.to_owned()).unwrap(), expected);
        }
    }

    /// Finite X and finite parameters whose activations overflow: ReLU passes 1e308 · 10 = inf,
    /// then inf − inf = NaN in the next layer. Every prediction call says so instead of
    /// returning NaN, and no NaN counts as a correct prediction.
    #[test]
    fn predictions_that_overflow_are_errors_naming_the_matrix() {
        let net = Network::from_parameters(
            vec![
                (array![[1e308], [1e308]], array![[0.0], [0.0]]),
                (array![[1.0, -1.0]], array![[0.0]]),
            ],
            &[Activation::Relu, Activation::Sigmoid],
        )
        .unwrap();
        let (x, y) = (array![[10.0, 20.0]], array![[1.0, 0.0]]);
        let expect = |result: Result<()>, matrix: &str| match result {
            Err(Error::NonFiniteOutput { what }) => assert!(what.starts_with(matrix), "{what}"),
            other => panic!("{other:?}"),
        };
        expect(net.predict_proba(&x).map(drop), "Z[1] has 4 non-finite entries");
        expect(net.predict(&x, 0.5).map(drop), "Z[1]");
        expect(net.cost(&x, &y).map(drop), "Z[1]");
        expect(net.accuracy(&x, &y).map(drop), "Z[1]");
        expect(net.predict_classes(&x).map(drop), "Z[1]");
        expect(net.clone().forward(&x).map(drop), "Z[1]");

        // Finite Z[1] = A[1] = 1e308, then Z[2] = 1e308 − 1e308 is finite but ReLU's next layer
        // adds two of them: inf.
        let net = Network::from_parameters(
            vec![
                (array![[1.0], [1.0]], array![[0.0], [0.0]]),
                (array![[1.0, 1.0]], array![[0.0]]),
            ],
            &[Activation::Relu, Activation::Sigmoid],
        )
        .unwrap();
        expect(
            net.predict_proba(&array![[1e308]]).map(drop),
            "Z[2] has 1 non-finite entry",
        );
        let f32_net = Network::<f32>::logistic_regression(1).unwrap();
        assert!(f32_net.predict(&array![[1.0f32]], 1e39).is_err());
    }
}
