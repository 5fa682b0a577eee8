//! The course's two weight initialisers, drawing numpy's exact numbers.

use ndarray::Array2;

use super::NumpyRandomState;
use crate::{Error, Float, Result};

/// The course's 2-layer initialiser: `W1 = randn(n_h, n_x) * 0.01`, `W2 = randn(n_y, n_h) * 0.01`.
///
/// Exactly the course's `initialize_parameters(n_x, n_h, n_y)`:
/// `np.random.seed(seed)`, then W1, b1 = zeros, W2, b2 = zeros. The products are computed in
/// f64 like numpy's and then converted to `F`.
///
/// Returns `[(W1, b1), (W2, b2)]`.
///
/// # Shapes
/// W1 is (n_h, n_x), b1 is (n_h, 1), W2 is (n_y, n_h), b2 is (n_y, 1).
///
/// # Errors
/// [`Error::InvalidArgument`] if `n_x`, `n_h` or `n_y` is 0; [`Error::TooLarge`] if the
/// parameters would exceed the [memory limit](crate::memory_limit).
///
/// ```
/// use ndnet::numpy_random::course_initialize_parameters;
/// let p = course_initialize_parameters::<f64>(2, 4, 1, 1).unwrap();
/// assert_eq!(p[0].0.dim(), (4, 2));
/// assert_eq!(p[0].0[[0, 0]], 0.016243453636632418); // numpy: W1[0, 0]
/// assert_eq!(p[1].1.dim(), (1, 1));
/// ```
pub fn course_initialize_parameters<F: Float>(
    n_x: usize,
    n_h: usize,
    n_y: usize,
    seed: u32,
) -> Result<Vec<(Array2<F>, Array2<F>)>> {
    for (argument, n) in [("n_x", n_x), ("n_h", n_h), ("n_y", n_y)] {
        if n == 0 {
            return Err(Error::InvalidArgument {
                argument,
                message: "a layer needs at least one unit, got 0".into(),
            });
        }
    }
    let value_bytes = std::mem::size_of::<F>() + std::mem::size_of::<f64>(); // drawn in f64, kept in F
    crate::nn::network::check_parameter_memory(&[n_x, n_h, n_y], value_bytes, "the parameters (W, b)")?;
    let mut rs = NumpyRandomState::new(seed);
    [(n_h, n_x), (n_y, n_h)]
        .into_iter()
        .map(|(rows, cols)| {
            let w = rs.randn::<f64>(rows, cols)?.mapv(|v| F::from_f64(v * 0.01));
            Ok((w, Array2::zeros((rows, 1))))
        })
        .collect()
}

/// The course's L-layer initialiser: `W[l] = randn(n[l], n[l−1]) / sqrt(n[l−1])`, `b[l] = 0`.
///
/// Exactly the course's `initialize_parameters_deep(layer_dims)` in the "deep cat" assignment:
/// `np.random.seed(seed)`, then for l = 1..L the weights divided by `np.sqrt(layer_dims[l-1])`.
/// Computed in f64 like numpy's and then converted to `F`.
///
/// Returns one `(W[l], b[l])` per layer l = 1..L.
///
/// # Shapes
/// `W[l]` is (`layer_dims[l]`, `layer_dims[l−1]`), `b[l]` is (`layer_dims[l]`, 1).
///
/// # Errors
/// [`Error::InvalidArgument`] if `layer_dims` has fewer than 2 entries or holds a 0;
/// [`Error::TooLarge`] if the parameters would exceed the [memory limit](crate::memory_limit).
///
/// ```
/// use ndnet::numpy_random::course_initialize_parameters_deep;
/// let p = course_initialize_parameters_deep::<f64>(&[12288, 20, 7, 5, 1], 1).unwrap();
/// assert_eq!(p.len(), 4);
/// assert_eq!(p[0].0[[0, 0]], 0.014653378640123331); // numpy: W1[0, 0]
/// assert_eq!(p[3].0.dim(), (1, 5));
/// ```
pub fn course_initialize_parameters_deep<F: Float>(
    layer_dims: &[usize],
    seed: u32,
) -> Result<Vec<(Array2<F>, Array2<F>)>> {
    if layer_dims.len() < 2 {
        return Err(Error::InvalidArgument {
            argument: "layer_dims",
            message: format!("needs the input size and at least one layer, got {layer_dims:?}"),
        });
    }
    if let Some(l) = layer_dims.iter().position(|&n| n == 0) {
        return Err(Error::InvalidArgument {
            argument: "layer_dims",
            message: format!("layer_dims[{l}] is 0 in {layer_dims:?}; every layer needs a unit"),
        });
    }
    let value_bytes = std::mem::size_of::<F>() + std::mem::size_of::<f64>(); // drawn in f64, kept in F
    crate::nn::network::check_parameter_memory(layer_dims, value_bytes, "the parameters (W, b)")?;
    let mut rs = NumpyRandomState::new(seed);
    layer_dims
        .windows(2)
        .map(|pair| {
            let (prev, n) = (pair[0], pair[1]);
            // `prev` is a layer size, far below 2^53, so the conversion is exact.
            let scale = (prev as f64).sqrt();
            let w = rs.randn::<f64>(n, prev)?.mapv(|v| F::from_f64(v / scale));
            Ok((w, Array2::zeros((n, 1))))
        })
        .collect()
}

#[cfg(test)]
// numpy's numbers are pasted as printed, to 17 significant digits.
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    // Every expected number below was printed by numpy 2.4.6 (`'%.17g' % v`) running the course's
    // own code:
    //
    //   def init_deep(layer_dims):
    //       np.random.seed(1)
    //       for l in range(1, len(layer_dims)):
    //           W = np.random.randn(layer_dims[l], layer_dims[l-1]) / np.sqrt(layer_dims[l-1])
    //   def init2(n_x, n_h, n_y):
    //       np.random.seed(1)
    //       W1 = np.random.randn(n_h, n_x) * 0.01
    //       W2 = np.random.randn(n_y, n_h) * 0.01
    //
    // Entries must match bit for bit. Sums are numpy's pairwise `W.sum()`, which adds in a
    // different order from ndarray's, so they are compared to 1e-12 relative.

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} vs {b}");
    }

    #[test]
    fn deep_cat_initialisation_matches_numpy() {
        let p = course_initialize_parameters_deep::<f64>(&[12288, 20, 7, 5, 1], 1).unwrap();
        // (shape, W[0,0], W[0,1], W[-1,-1], W.sum(), (W*W).sum())
        let expected = [
            (
                (20, 12288),
                0.014653378640123331,
                -0.0055187145328023605,
                0.0067351896627091991,
                7.3735096100890143,
                19.970954086810472,
            ),
            (
                (7, 20),
                0.20259018442992263,
                -0.30854170428760241,
                -0.11263982826267017,
                -1.466201670703895,
                7.5027444221852653,
            ),
            (
                (5, 7),
                0.20930634483940519,
                0.36232545412104544,
                -0.58863958777696335,
                1.6281275311147785,
                8.0861811432636017,
            ),
            (
                (1, 5),
                -0.38423553330727866,
                -0.019751508080455768,
                0.018698163198335283,
                1.0131853302225116,
                1.2049879523969373,
            ),
        ];
        for ((w, b), (shape, w00, w01, wlast, sum, sumsq)) in p.iter().zip(expected) {
            assert_eq!(w.dim(), shape);
            assert_eq!(b.dim(), (shape.0, 1));
            assert!(b.iter().all(|&v| v == 0.0));
            assert_eq!(w[[0, 0]], w00);
            assert_eq!(w[[0, 1]], w01);
            assert_eq!(w[[shape.0 - 1, shape.1 - 1]], wlast);
            close(w.sum(), sum);
            close(w.mapv(|v| v * v).sum(), sumsq);
        }
    }

    #[test]
    fn two_layer_initialisation_matches_numpy() {
        let p = course_initialize_parameters::<f64>(12288, 7, 1, 1).unwrap();
        let (w1, w2) = (&p[0].0, &p[1].0);
        assert_eq!(w1.dim(), (7, 12288));
        assert_eq!(w1[[0, 0]], 0.016243453636632418);
        assert_eq!(w1[[6, 12287]], 0.003597947274769761);
        close(w1.sum(), 2.4216081767043258);
        let w2_numpy = [
            -0.0085330650887611246,
            0.026267755393225116,
            0.0014446227413370399,
            0.028158215426613609,
            -4.4824703690581021e-05,
            0.0156583537165925,
            -0.0029008464298936926,
        ];
        assert_eq!(w2.iter().copied().collect::<Vec<_>>(), w2_numpy);
    }

    #[test]
    fn small_two_layer_matches_numpy_entirely() {
        let p = course_initialize_parameters::<f64>(2, 4, 1, 1).unwrap();
        let w1 = [
            0.016243453636632418,
            -0.0061175641365007541,
            -0.0052817175226345572,
            -0.010729686221561705,
            0.0086540762932467846,
            -0.023015386968802828,
            0.0174481176421648,
            -0.0076120690089510282,
        ];
        let w2 = [
            0.0031903909605709856,
            -0.0024937037547741008,
            0.014621079370449741,
            -0.020601407094976539,
        ];
        assert_eq!(p[0].0.iter().copied().collect::<Vec<_>>(), w1);
        assert_eq!(p[1].0.iter().copied().collect::<Vec<_>>(), w2);
    }

    #[test]
    fn f32_is_the_rounded_f64() {
        let p64 = course_initialize_parameters_deep::<f64>(&[3, 2, 1], 1).unwrap();
        let p32 = course_initialize_parameters_deep::<f32>(&[3, 2, 1], 1).unwrap();
        assert_eq!(p32[0].0, p64[0].0.mapv(|v| v as f32));
    }

    #[test]
    fn bad_sizes_are_errors() {
        let e = course_initialize_parameters_deep::<f64>(&[5], 1).unwrap_err();
        assert!(e.to_string().contains("layer_dims"), "{e}");
        let e = course_initialize_parameters_deep::<f64>(&[5, 0, 1], 1).unwrap_err();
        assert!(e.to_string().contains("layer_dims[1] is 0"), "{e}");
        let e = course_initialize_parameters::<f64>(5, 0, 1, 1).unwrap_err();
        assert!(e.to_string().starts_with("n_h"), "{e}");
    }
}
