//! Each SIMD kernel asserts its preconditions at entry, in release builds too: called directly
//! (only ndnet can, with its token) on views that break them, it panics instead of reading or
//! writing outside the views. Skipped on CPUs without AVX2 + FMA (no kernel is handed out).

use std::panic::{AssertUnwindSafe, catch_unwind};

use ndarray::Array2;

use crate::float::Kernels;
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
