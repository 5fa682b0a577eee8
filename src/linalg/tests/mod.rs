//! gemm against a naive triple loop, for every layout, shape class, α/β and thread count.

use ndarray::{Array2, ArrayView2, ShapeBuilder, s};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Uniform};

use super::*;
use crate::Error;
use crate::base::float::Kernels;

mod kernels;
mod views;

fn random<F: Float>(shape: (usize, usize), rng: &mut StdRng) -> Array2<F> {
    let u = Uniform::new(-1.0, 1.0).expect("a valid range");
    Array2::from_shape_simple_fn(shape, || F::from_f64(u.sample(rng)))
}

/// Naive α A·B + β C in f64, and the scale Σ|α a b| + |β c| of each element for the tolerance.
fn naive<F: Float>(
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c: ArrayView2<F>,
) -> (Array2<f64>, Array2<f64>) {
    let (alpha, beta) = (alpha.as_f64(), beta.as_f64());
    let mut value = Array2::zeros(c.dim());
    let mut scale = Array2::zeros(c.dim());
    for ((i, j), v) in value.indexed_iter_mut() {
        let (mut sum, mut abs) = (0.0, 0.0);
        for p in 0..a.ncols() {
            let t = a[[i, p]].as_f64() * b[[p, j]].as_f64();
            sum += t;
            abs += t.abs();
        }
        let cij = if beta == 0.0 { 0.0 } else { beta * c[[i, j]].as_f64() };
        *v = alpha * sum + cij;
        scale[[i, j]] = (alpha * abs).abs() + cij.abs() + f64::MIN_POSITIVE;
    }
    (value, scale)
}

/// Runs gemm on 1, 2 and 3 threads (forced, whatever the size): all bit-identical, and within
/// `tol` (relative to the scale of each element) of the naive product.
fn check<F: Float>(alpha: f64, a: ArrayView2<F>, b: ArrayView2<F>, beta: f64, c: ArrayView2<F>, tol: f64) {
    let (alpha, beta) = (F::from_f64(alpha), F::from_f64(beta));
    let (expected, scale) = naive(alpha, a, b, beta, c);
    let mut first: Option<Array2<F>> = None;
    for threads in [1, 2, 3] {
        let mut out = c.to_owned();
        gemm_unchecked(threads, alpha, a, b, beta, out.view_mut());
        for ((idx, &got), (&want, &sc)) in out.indexed_iter().zip(expected.iter().zip(&scale)) {
            let err = (got.as_f64() - want).abs() / sc;
            assert!(
                err <= tol,
                "{}: A {:?} B {:?} at {idx:?}: {got} vs {want} (rel. {err:e}), {threads} threads",
                F::NAME,
                a.dim(),
                b.dim()
            );
        }
        match &first {
            None => first = Some(out),
            Some(one) => assert!(
                one.iter().zip(&out).all(|(x, y)| x.to_bits_eq(*y)),
                "{}: A {:?} B {:?}: {threads} threads differ from 1",
                F::NAME,
                a.dim(),
                b.dim()
            ),
        }
    }
}

trait BitsEq {
    fn to_bits_eq(self, other: Self) -> bool;
}
impl<F: Float> BitsEq for F {
    fn to_bits_eq(self, other: Self) -> bool {
        self.as_f64().to_bits() == other.as_f64().to_bits()
    }
}

const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (1, 5, 1),
    (3, 1, 7),
    (1, 17, 33),
    (5, 7, 3),
    (4, 12, 12),
    (4, 8, 24),
    (13, 31, 29),
    (20, 300, 209),
    (130, 150, 250),
    (7, 1030, 9),
    (2, 2100, 5),
    (9, 3, 500),
    // Matrix-vector products (one example): every row tail and every end of k.
    (7, 8, 1),
    (9, 16, 1),
    (6, 23, 1),
    (5, 40, 1),
    (3, 1030, 1),
    (128, 784, 1),
];

fn all_layouts<F: Float>(tol: f64) {
    let mut rng = StdRng::seed_from_u64(7);
    for &(m, k, n) in SHAPES {
        for (alpha, beta) in [(1.0, 0.0), (0.5, -2.0), (1.0 / 3.0, 1.0)] {
            let a = random::<F>((m, k), &mut rng);
            let b = random::<F>((k, n), &mut rng);
            let c = random::<F>((m, n), &mut rng);
            // Row-major A and B: the broadcast kernel.
            check(alpha, a.view(), b.view(), beta, c.view(), tol);
            // B the transpose of a row-major matrix: the dot kernel.
            let bt = b.t().as_standard_layout().into_owned();
            check(alpha, a.view(), bt.t(), beta, c.view(), tol);
            // A the transpose of a row-major matrix (dA = Wᵀ dZ): broadcast with strided A.
            let at = a.t().as_standard_layout().into_owned();
            check(alpha, at.t(), b.view(), beta, c.view(), tol);
            // Column-major everything: the fallback.
            let a_f = Array2::from_shape_vec((m, k).f(), a.t().iter().copied().collect()).expect("m·k values");
            let b_f = Array2::from_shape_vec((k, n).f(), b.t().iter().copied().collect()).expect("k·n values");
            check(alpha, a_f.view(), b_f.view(), beta, c.t().as_standard_layout().t(), tol);
            // Views into bigger matrices: rows of B and A longer than their views, strided C.
            let big_a = random::<F>((m, 2 * k + 3), &mut rng);
            let big_b = random::<F>((k, n + 5), &mut rng);
            let big_c = random::<F>((2 * m, n), &mut rng);
            check(
                alpha,
                big_a.slice(s![.., 1..;2]).slice(s![.., ..k]),
                big_b.slice(s![.., 2..n + 2]),
                beta,
                big_c.slice(s![..;2, ..]),
                tol,
            );
        }
    }
}

#[test]
fn every_layout_matches_the_naive_product_f64() {
    all_layouts::<f64>(1e-12);
}

#[test]
fn every_layout_matches_the_naive_product_f32() {
    all_layouts::<f32>(1e-5);
}

/// Wide products (as for 10,000 digits at once), split into many register tiles per thread,
/// through the broadcast kernel with B's rows or columns contiguous and through the dot kernel.
#[test]
fn wide_products_match_on_any_number_of_threads() {
    let mut rng = StdRng::seed_from_u64(5);
    let (m, k, n) = (50, 70, 3100);
    let a = random::<f32>((m, k), &mut rng);
    let b = random::<f32>((k, n), &mut rng);
    let c = random::<f32>((m, n), &mut rng);
    check(1.0, a.view(), b.view(), 0.5, c.view(), 1e-5);
    let b_columns = b.t().as_standard_layout().into_owned();
    check(1.0, a.view(), b_columns.t(), 0.0, c.view(), 1e-5);
    let a = random::<f64>((10, k), &mut rng);
    let b = random::<f64>((n, k), &mut rng);
    check(1.0, a.view(), b.t(), 0.0, Array2::zeros((10, n)).view(), 1e-12);
}

/// The packing buffers (at most 380 KB, asserted at compile time per kernel) and the rest of
/// a product fit in a thread whose stack is a quarter of the usual 2 MB.
#[test]
fn products_run_in_a_thread_with_a_small_stack() {
    let run = || {
        let mut rng = StdRng::seed_from_u64(9);
        let a = random::<f32>((300, 700), &mut rng);
        let b = random::<f32>((700, 500), &mut rng);
        let mut c = Array2::zeros((300, 500));
        gemm(1.0, a.view(), b.view(), 0.0, c.view_mut()).expect("shapes fit");
        gemm(1.0, a.view(), b.t().as_standard_layout().t(), 0.0, c.view_mut()).expect("shapes fit");
        let (a, b) = (a.mapv(f64::from), b.mapv(f64::from));
        let mut c = Array2::zeros((300, 500));
        gemm(1.0, a.view(), b.view(), 0.0, c.view_mut()).expect("shapes fit");
        c[[299, 499]]
    };
    let last = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(run)
        .expect("a thread starts")
        .join()
        .expect("no stack overflow");
    assert!(last.is_finite());
}

#[test]
fn the_cat_products_match_on_any_number_of_threads() {
    let mut rng = StdRng::seed_from_u64(3);
    let w1 = random::<f64>((20, 12288), &mut rng);
    let x = random::<f64>((12288, 209), &mut rng);
    let dz = random::<f64>((20, 209), &mut rng);
    let c = Array2::zeros((20, 209));
    check(1.0, w1.view(), x.view(), 0.0, c.view(), 1e-12);
    check(
        1.0 / 209.0,
        dz.view(),
        x.t(),
        0.0,
        Array2::zeros((20, 12288)).view(),
        1e-12,
    );
    let (w1, x, dz) = (w1.mapv(|v| v as f32), x.mapv(|v| v as f32), dz.mapv(|v| v as f32));
    check(1.0, w1.view(), x.view(), 0.0, c.mapv(|v| v as f32).view(), 1e-5);
    check(
        1.0 / 209.0,
        dz.view(),
        x.t(),
        0.0,
        Array2::zeros((20, 12288)).view(),
        1e-5,
    );
}

#[test]
fn beta_zero_overwrites_nan_and_k_zero_scales() {
    let a = ndarray::array![[1.0, 2.0]];
    let b = ndarray::array![[3.0], [4.0]];
    let mut c = ndarray::array![[f64::NAN]];
    gemm(2.0, a.view(), b.view(), 0.0, c.view_mut()).expect("shapes fit");
    assert_eq!(c, ndarray::array![[22.0]]);
    let mut c = ndarray::array![[1.0, 2.0]];
    gemm(
        1.0,
        Array2::zeros((1, 0)).view(),
        Array2::zeros((0, 2)).view(),
        3.0,
        c.view_mut(),
    )
    .expect("shapes fit");
    assert_eq!(c, ndarray::array![[3.0, 6.0]]);
}

#[test]
fn bad_shapes_are_errors() {
    let a = Array2::<f32>::zeros((2, 3));
    let mut c = Array2::<f32>::zeros((2, 4));
    let err = gemm(1.0, a.view(), Array2::zeros((4, 3)).view(), 0.0, c.view_mut()).unwrap_err();
    assert!(matches!(err, Error::Shape { got: (4, 3), .. }), "{err}");
    let err = gemm(1.0, a.view(), Array2::zeros((3, 5)).view(), 0.0, c.view_mut()).unwrap_err();
    assert!(err.to_string().contains("must be (2, 5), got (2, 4)"), "{err}");
}

#[test]
#[cfg(target_arch = "x86_64")]
fn the_simd_kernels_are_found_on_avx2_cpus() {
    // Unless this process was told to do without (NDNET_SIMD=portable, or a value that is no cap
    // ndnet knows, which caps at portable).
    let portable = std::env::var_os("NDNET_SIMD").is_some_and(|v| {
        let v = v.to_str().map(|v| v.trim().to_ascii_lowercase());
        !matches!(v.as_deref(), Some("" | "avx2" | "avx512"))
    });
    let simd = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") && !portable;
    assert_eq!(f64::broadcast(TOKEN).is_some(), simd);
    assert_eq!(f32::dot(TOKEN).is_some(), simd);
}
