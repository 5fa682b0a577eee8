//! Each SIMD kernel asserts its preconditions at entry, in release builds too: called directly
//! (only ndnet can, with its token) on views that break them, it panics instead of reading or
//! writing outside the views. Skipped on CPUs without AVX2 + FMA (no kernel is handed out).

use std::panic::{AssertUnwindSafe, catch_unwind};

use ndarray::Array2;

use crate::base::float::Kernels;
use crate::linalg::TOKEN;

/// Whether `f` panics (the panic message is printed by the test harness's hook).
fn panics(f: impl FnOnce()) -> bool {
    catch_unwind(AssertUnwindSafe(f)).is_err()
}

#[test]
fn the_dot_kernel_rejects_strided_rows_and_misfit_shapes() {
    let Some(dot) = f64::dot(TOKEN) else { return };
    let one = Array2::<f64>::ones((1, 1));
    let bt = Array2::<f64>::ones((3, 4096));
    let mut c = Array2::<f64>::zeros((1, 3));
    // The reproducer of issue 11: a row of A with column stride 0.
    let a = one.broadcast((1, 4096)).expect("(1, 1) broadcasts");
    assert!(panics(|| dot(1.0, a, bt.view(), 0.0, c.view_mut())));
    // Reversed rows of Bᵀ (column stride −1).
    let a = Array2::<f64>::ones((1, 4096));
    assert!(panics(|| dot(
        1.0,
        a.view(),
        bt.slice(ndarray::s![.., ..;-1]),
        0.0,
        c.view_mut()
    )));
    // C too small for (1, 3), Bᵀ too short for k, and k = 0.
    let mut small = Array2::<f64>::zeros((1, 1));
    assert!(panics(|| dot(1.0, a.view(), bt.view(), 0.0, small.view_mut())));
    let short = Array2::<f64>::ones((3, 4000));
    assert!(panics(|| dot(1.0, a.view(), short.view(), 0.0, c.view_mut())));
    let empty = Array2::<f64>::ones((1, 0));
    assert!(panics(|| dot(
        1.0,
        empty.view(),
        Array2::ones((3, 0)).view(),
        0.0,
        c.view_mut()
    )));
    // A row of one element may have any stride.
    let k1 = Array2::<f64>::from_elem((1, 1), 2.0);
    dot(
        1.0,
        k1.broadcast((1, 1)).expect("same shape"),
        Array2::ones((3, 1)).view(),
        0.0,
        c.view_mut(),
    );
    assert_eq!(c, Array2::from_elem((1, 3), 2.0));
}

#[test]
fn the_broadcast_kernel_rejects_misfit_shapes() {
    let Some((broadcast, _)) = f32::broadcast(TOKEN) else {
        return;
    };
    let a = Array2::<f32>::ones((4, 5));
    let b = Array2::<f32>::ones((5, 7));
    let mut c = Array2::<f32>::zeros((4, 7));
    let mut small = Array2::<f32>::zeros((3, 7));
    assert!(panics(|| broadcast(1.0, a.view(), b.view(), 0.0, small.view_mut())));
    assert!(panics(|| broadcast(
        1.0,
        a.view(),
        Array2::ones((4, 7)).view(),
        0.0,
        c.view_mut()
    )));
    assert!(panics(|| broadcast(
        1.0,
        Array2::ones((4, 0)).view(),
        Array2::ones((0, 7)).view(),
        0.0,
        c.view_mut()
    )));
    // Any strides are accepted: zero, negative.
    let row = Array2::<f32>::ones((1, 7));
    broadcast(
        1.0,
        a.slice(ndarray::s![..;-1, ..]),
        row.broadcast((5, 7)).expect("(1, 7) broadcasts"),
        0.0,
        c.view_mut(),
    );
    assert_eq!(c, Array2::from_elem((4, 7), 5.0));
}

#[test]
fn the_logistic_pass_rejects_strided_rows_and_misfit_lengths() {
    let Some(pass) = f64::logistic_pass(TOKEN) else { return };
    let x = Array2::<f64>::ones((9, 20));
    let (dz, mut z_part) = (vec![1.0; 20], vec![0.0; 20]);
    let (mut w, mut dw) = (vec![0.0; 9], vec![0.0; 9]);
    let reversed = x.slice(ndarray::s![.., ..;-1]);
    assert!(panics(|| pass(reversed, &dz, 0.05, 1.0, &mut w, &mut dw, &mut z_part)));
    let (mut w8, mut z19) = (vec![0.0; 8], vec![0.0; 19]);
    assert!(panics(|| pass(x.view(), &dz, 0.05, 1.0, &mut w8, &mut dw, &mut z_part)));
    assert!(panics(|| pass(x.view(), &dz, 0.05, 1.0, &mut w, &mut dw, &mut z19)));
    assert!(panics(|| pass(
        x.view(),
        &dz[..19],
        0.05,
        1.0,
        &mut w,
        &mut dw,
        &mut z_part
    )));
    // Reversed rows (negative row stride) are fine: each row is contiguous.
    pass(
        x.slice(ndarray::s![..;-1, ..]),
        &dz,
        0.05,
        1.0,
        &mut w,
        &mut dw,
        &mut z_part,
    );
    assert!(dw.iter().all(|&d| d == 1.0) && w.iter().all(|&w| w == -1.0));
}

/// Every broadcast kernel this CPU runs (AVX2 and, where present, AVX-512: `gemm` hands out only
/// the widest), on A and B with contiguous rows, contiguous columns or neither, across the
/// cache blocks (k > 256, n > 416) and with partial register tiles, against the naive product.
#[cfg(target_arch = "x86_64")]
#[test]
fn every_broadcast_kernel_of_this_cpu_gives_the_naive_product() {
    use crate::base::float::BlockFn;
    use crate::linalg::x86::{f32x8, f32x16, f64x4, f64x8};
    let f32s: [(bool, BlockFn<f32>); 2] = [
        (f32x8::available(), f32x8::broadcast),
        (f32x16::available(), f32x16::broadcast),
    ];
    let f64s: [(bool, BlockFn<f64>); 2] = [
        (f64x4::available(), f64x4::broadcast),
        (f64x8::available(), f64x8::broadcast),
    ];
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(12);
    for (m, k, n) in [
        (1, 1, 1),
        (13, 300, 33),
        (50, 7, 450),
        (25, 520, 31),
        (24, 600, 100),
        (300, 40, 70),
    ] {
        for layout in 0..9 {
            for beta in [0.0, 0.5] {
                for &(available, kernel) in &f32s {
                    if available {
                        check_kernel(kernel, (m, k, n), layout, beta, 1e-5, &mut rng);
                    }
                }
                for &(available, kernel) in &f64s {
                    if available {
                        check_kernel(kernel, (m, k, n), layout, beta, 1e-13, &mut rng);
                    }
                }
            }
        }
    }
}

/// One product through `kernel`: A and B row-major, column-major or sliced (layout / 3 and
/// layout % 3), C column-major when layout is odd.
#[cfg(target_arch = "x86_64")]
fn check_kernel<F: crate::Float>(
    kernel: crate::base::float::BlockFn<F>,
    (m, k, n): (usize, usize, usize),
    layout: usize,
    beta: f64,
    tol: f64,
    rng: &mut rand::rngs::StdRng,
) {
    check_block_fn(kernel, false, (m, k, n), layout, beta, tol, rng);
}

/// [`check_kernel`] for a dot kernel (`bt`: it takes Bᵀ) or a broadcast one (B).
#[cfg(target_arch = "x86_64")]
fn check_block_fn<F: crate::Float>(
    kernel: crate::base::float::BlockFn<F>,
    bt: bool,
    (m, k, n): (usize, usize, usize),
    layout: usize,
    beta: f64,
    tol: f64,
    rng: &mut rand::rngs::StdRng,
) {
    use ndarray::{ShapeBuilder, s};
    // Row-major, column-major (a transpose) or every other row and every third column.
    let storage = |kind: usize, (r, c): (usize, usize), rng: &mut rand::rngs::StdRng| -> Array2<F> {
        match kind {
            0 => super::random((r, c), rng),
            1 => super::random((c, r), rng),
            _ => super::random((2 * r, 3 * c), rng),
        }
    };
    fn view<F>(kind: usize, store: &Array2<F>) -> ndarray::ArrayView2<'_, F> {
        match kind {
            0 => store.view(),
            1 => store.t(),
            _ => store.slice(s![..;2, ..;3]),
        }
    }
    let (a, b) = (storage(layout / 3, (m, k), rng), storage(layout % 3, (k, n), rng));
    let (a_view, b_view) = (view(layout / 3, &a), view(layout % 3, &b));
    let c: Array2<F> = if layout % 2 == 1 {
        Array2::from_shape_fn((m, n).f(), |(i, j)| F::from_f64(((i + j) % 5) as f64))
    } else {
        Array2::from_shape_fn((m, n), |(i, j)| F::from_f64(((i * j) % 7) as f64))
    };
    let (alpha, beta) = (F::from_f64(0.75), F::from_f64(beta));
    let (expected, scale) = super::naive(alpha, a_view, b_view, beta, c.view());
    let mut out = c.clone();
    match bt {
        true => kernel(alpha, a_view, b_view.t(), beta, out.view_mut()),
        false => kernel(alpha, a_view, b_view, beta, out.view_mut()),
    }
    for ((idx, &got), (&want, &sc)) in out.indexed_iter().zip(expected.iter().zip(&scale)) {
        let err = (got.as_f64() - want).abs() / sc;
        assert!(
            err <= tol,
            "{} ({m}, {k}, {n}) layout {layout} β {beta:?} at {idx:?}: {got} vs {want}",
            F::NAME
        );
    }
}

/// Every dot kernel this CPU runs (AVX2 and, where present, AVX-512), matrix-vector (n = 1) and
/// tiled, with partial vectors (k not a multiple of 16) and k past a block (512), against the
/// naive product: A row-major, B the transpose of a row-major matrix (as the kernel requires).
#[cfg(target_arch = "x86_64")]
#[test]
fn every_dot_kernel_of_this_cpu_gives_the_naive_product() {
    use crate::base::float::BlockFn;
    use crate::linalg::x86::{f32x8, f32x16, f64x4, f64x8};
    let f32s: [(bool, BlockFn<f32>); 2] = [(f32x8::available(), f32x8::dot), (f32x16::available(), f32x16::dot)];
    let f64s: [(bool, BlockFn<f64>); 2] = [(f64x4::available(), f64x4::dot), (f64x8::available(), f64x8::dot)];
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(13);
    for (m, k, n) in [
        (1, 1, 1),
        (7, 33, 1),
        (130, 784, 1),
        (5, 17, 4),
        (10, 1030, 7),
        (37, 600, 13),
    ] {
        for beta in [0.0, 0.5] {
            for &(available, kernel) in &f32s {
                if available {
                    check_block_fn(kernel, true, (m, k, n), 1, beta, 1e-5, &mut rng);
                }
            }
            for &(available, kernel) in &f64s {
                if available {
                    check_block_fn(kernel, true, (m, k, n), 1, beta, 1e-13, &mut rng);
                }
            }
        }
    }
}

/// α A·B + β C as the broadcast kernels compute it, element by element: for each block of
/// `kc` steps a sum from +0 by fused multiply-adds in order, then α·sum + β·C (β = 1 after the
/// first block), nothing skipped.
#[cfg(target_arch = "x86_64")]
fn fused_reference<F: crate::Float>(
    kc: usize,
    alpha: F,
    a: &Array2<F>,
    b: &Array2<F>,
    beta: F,
    c: &Array2<F>,
) -> Array2<F> {
    let mut out = c.clone();
    for ((i, j), out) in out.indexed_iter_mut() {
        for start in (0..a.ncols()).step_by(kc) {
            let end = (start + kc).min(a.ncols());
            let sum = (start..end).fold(F::zero(), |sum, p| a[[i, p]].mul_add(b[[p, j]], sum));
            let beta = if start == 0 { beta } else { F::one() };
            *out = if beta == F::zero() {
                alpha * sum
            } else {
                alpha * sum + beta * *out
            };
        }
    }
    out
}

/// The broadcast kernels skip the steps of a panel of B whose row is all zero (a blank border
/// of images, one-hot columns): the result must be the same bits as the full sum, since a·0
/// adds nothing to a sum from +0 when a is finite — and where A holds a NaN or an infinity,
/// the skipped a·0 is NaN, so nothing may be skipped. Checked against the exact fused sum, on
/// B with whole zero rows, rows zero in some panels only, −0 and a NaN in B, on every kernel
/// this CPU runs.
#[cfg(target_arch = "x86_64")]
#[test]
fn steps_of_zeros_in_b_are_skipped_bit_for_bit() {
    use crate::linalg::x86::{f32x8, f32x16, f64x4, f64x8};
    fn check<F: crate::Float>(kernel: crate::base::float::BlockFn<F>, kc: usize, name: &str) {
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(14);
        for (m, k, n) in [(13, 50, 40), (128, 784, 200), (6, kc + 9, 17)] {
            let a: Array2<F> = super::random((m, k), &mut rng);
            let mut b: Array2<F> = super::random((k, n), &mut rng);
            // Whole rows of zeros (of either sign), and rows zero in the first panels only.
            for p in (0..k).filter(|p| p % 3 != 1) {
                let sign = if p % 2 == 0 { F::one() } else { -F::one() };
                let cols = if p % 5 == 0 { n / 2 } else { n };
                b.row_mut(p).slice_mut(ndarray::s![..cols]).fill(F::zero() * sign);
            }
            let c = Array2::from_shape_fn((m, n), |(i, j)| F::from_f64(((i * j) % 7) as f64));
            let (alpha, beta) = (F::from_f64(0.75), F::from_f64(0.5));
            let mut nan_in_b = b.clone();
            nan_in_b[[k - 1, n - 1]] = F::nan();
            let mut inf_in_a = a.clone();
            inf_in_a[[m / 2, 0]] = F::infinity();
            let mut nan_in_a = a.clone();
            nan_in_a[[0, k - 1]] = F::nan();
            for (a, b) in [(&a, &b), (&a, &nan_in_b), (&inf_in_a, &b), (&nan_in_a, &b)] {
                let want = fused_reference(kc, alpha, a, b, beta, &c);
                for beta in [beta, F::zero()] {
                    let want = if beta == F::zero() {
                        fused_reference(kc, alpha, a, b, beta, &c)
                    } else {
                        want.clone()
                    };
                    let mut got = c.clone();
                    kernel(alpha, a.view(), b.view(), beta, got.view_mut());
                    for ((idx, g), w) in got.indexed_iter().zip(&want) {
                        assert!(
                            g.as_f64().to_bits() == w.as_f64().to_bits() || (g.is_nan() && w.is_nan()),
                            "{name} ({m}, {k}, {n}) β {beta} at {idx:?}: {g} vs {w}"
                        );
                    }
                    // Not vacuous: A's NaN or infinity reaches C through B's zeros.
                    assert_eq!(
                        got.iter().any(|v| v.is_nan()),
                        want.iter().any(|v| v.is_nan()),
                        "{name}"
                    );
                }
            }
        }
    }
    if f32x8::available() {
        check(f32x8::broadcast, f32x8::KC, "f32x8");
        check(f64x4::broadcast, f64x4::KC, "f64x4");
    }
    if f32x16::available() {
        check(f32x16::broadcast, f32x16::KC, "f32x16");
        check(f64x8::broadcast, f64x8::KC, "f64x8");
    }
}
