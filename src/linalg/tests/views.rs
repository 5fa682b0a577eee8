//! The public product, [`gemm`](crate::linalg::gemm), on every kind of view ndarray can make:
//! zero strides (`broadcast`), negative strides (`..;-1`), non-contiguous slices and transposes,
//! for A, B and C (C cannot be broadcast: a mutable view never aliases), against the naive
//! product. Nothing may panic, read outside A and B or write outside C's view: the slots of C's
//! storage outside the view hold NaN and must still do after the product.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, s};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{naive, random};
use crate::Float;
use crate::linalg::{gemm, gemm_unchecked};

/// The kinds of view of a (rows, cols) matrix.
#[derive(Clone, Copy, Debug)]
enum View {
    Standard,
    Transposed,
    /// Every other row from row 1 and every third column from column 2 of a bigger matrix.
    Sliced,
    ReversedRows,
    ReversedColumns,
    ReversedBoth,
    /// One row repeated: row stride 0.
    BroadcastRow,
    /// One column repeated: column stride 0.
    BroadcastColumn,
    /// One element repeated: both strides 0.
    BroadcastScalar,
}

const INPUT_VIEWS: [View; 9] = [
    View::Standard,
    View::Transposed,
    View::Sliced,
    View::ReversedRows,
    View::ReversedColumns,
    View::ReversedBoth,
    View::BroadcastRow,
    View::BroadcastColumn,
    View::BroadcastScalar,
];

const OUTPUT_VIEWS: [View; 6] = [
    View::Standard,
    View::Transposed,
    View::Sliced,
    View::ReversedRows,
    View::ReversedColumns,
    View::ReversedBoth,
];

/// The storage behind a `view` of shape (rows, cols), filled by `fill`.
fn storage<F: Float>(
    view: View,
    (rows, cols): (usize, usize),
    mut fill: impl FnMut((usize, usize)) -> Array2<F>,
) -> Array2<F> {
    match view {
        View::Standard | View::ReversedRows | View::ReversedColumns | View::ReversedBoth => fill((rows, cols)),
        View::Transposed => fill((cols, rows)),
        View::Sliced => fill((2 * rows + 1, 3 * cols + 2)),
        View::BroadcastRow => fill((1, cols)),
        View::BroadcastColumn => fill((rows, 1)),
        View::BroadcastScalar => fill((1, 1)),
    }
}

fn view_of<F: Float>(view: View, s: &Array2<F>, shape: (usize, usize)) -> ArrayView2<'_, F> {
    match view {
        View::Standard => s.view(),
        View::Transposed => s.t(),
        View::Sliced => s.slice(s![1..;2, 2..;3]),
        View::ReversedRows => s.slice(s![..;-1, ..]),
        View::ReversedColumns => s.slice(s![.., ..;-1]),
        View::ReversedBoth => s.slice(s![..;-1, ..;-1]),
        View::BroadcastRow | View::BroadcastColumn | View::BroadcastScalar => {
            s.broadcast(shape).expect("the storage has one row, column or element")
        }
    }
}

fn view_mut_of<F: Float>(view: View, s: &mut Array2<F>) -> ArrayViewMut2<'_, F> {
    match view {
        View::Standard => s.view_mut(),
        View::Transposed => s.view_mut().reversed_axes(),
        View::Sliced => s.slice_mut(s![1..;2, 2..;3]),
        View::ReversedRows => s.slice_mut(s![..;-1, ..]),
        View::ReversedColumns => s.slice_mut(s![.., ..;-1]),
        View::ReversedBoth => s.slice_mut(s![..;-1, ..;-1]),
        _ => unreachable!("a mutable view is never broadcast"),
    }
}

/// α A·B + β C computed into a C of kind `c_view` holding `c0`, by the public [`gemm`] (`None`)
/// or on a forced number of threads; checks that no slot of C's storage outside the view
/// changed, and returns C's values.
fn product_into<F: Float>(
    threads: Option<usize>,
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c_view: View,
    c0: &Array2<F>,
) -> Array2<F> {
    let mut store = storage(c_view, c0.dim(), |shape| Array2::from_elem(shape, F::nan()));
    let mut c = view_mut_of(c_view, &mut store);
    c.assign(c0);
    match threads {
        None => gemm(alpha, a, b, beta, c).expect("the shapes fit"),
        Some(threads) => gemm_unchecked(threads, alpha, a, b, beta, c),
    }
    let c = view_mut_of(c_view, &mut store).to_owned();
    let inside = c.iter().filter(|v| v.is_nan()).count();
    let outside = store.iter().filter(|v| v.is_nan()).count() - inside;
    assert_eq!(
        outside,
        store.len() - c.len(),
        "{c_view:?}: a slot outside C's view was written"
    );
    c
}

/// Every combination of the views of A, B and C (or, with `one_at_a_time`, each view of one
/// operand with standard views of the others) for A (m, k) and B (k, n).
fn check_views<F: Float>((m, k, n): (usize, usize, usize), one_at_a_time: bool, tol: f64, rng: &mut StdRng) {
    let mut cases = Vec::new();
    if one_at_a_time {
        cases.extend(INPUT_VIEWS.map(|v| (v, View::Standard, View::Standard)));
        cases.extend(INPUT_VIEWS.map(|v| (View::Standard, v, View::Standard)));
        cases.extend(OUTPUT_VIEWS.map(|v| (View::Standard, View::Standard, v)));
    } else {
        for a in INPUT_VIEWS {
            for b in INPUT_VIEWS {
                cases.extend(OUTPUT_VIEWS.map(|c| (a, b, c)));
            }
        }
    }
    for (a_view, b_view, c_view) in cases {
        for (alpha, beta) in [(1.0, 0.0), (0.5, -2.0)] {
            let (alpha, beta) = (F::from_f64(alpha), F::from_f64(beta));
            let a_store = storage(a_view, (m, k), |shape| random::<F>(shape, rng));
            let b_store = storage(b_view, (k, n), |shape| random::<F>(shape, rng));
            let (a, b) = (view_of(a_view, &a_store, (m, k)), view_of(b_view, &b_store, (k, n)));
            let c0 = random::<F>((m, n), rng);
            let (expected, scale) = naive(alpha, a, b, beta, c0.view());
            let public = product_into(None, alpha, a, b, beta, c_view, &c0);
            for ((idx, &got), (&want, &sc)) in public.indexed_iter().zip(expected.iter().zip(&scale)) {
                let err = (got.as_f64() - want).abs() / sc;
                assert!(
                    err <= tol,
                    "{}: A {a_view:?} {:?}, B {b_view:?} {:?}, C {c_view:?}, at {idx:?}: {got} vs {want}",
                    F::NAME,
                    a.dim(),
                    b.dim()
                );
            }
            for threads in [1, 2] {
                let split = product_into(Some(threads), alpha, a, b, beta, c_view, &c0);
                assert!(
                    split
                        .iter()
                        .zip(&public)
                        .all(|(x, y)| x.as_f64().to_bits() == y.as_f64().to_bits()),
                    "{}: A {a_view:?}, B {b_view:?}, C {c_view:?}: {threads} threads differ from gemm",
                    F::NAME
                );
            }
        }
    }
}

/// Small shapes, every combination: 1 × 1 products, k = 1 (no reduction to vectorise), and
/// sizes past one vector, one register tile and one dot tile, with partial ones.
const SMALL: [(usize, usize, usize); 5] = [(1, 1, 1), (1, 7, 1), (3, 1, 5), (5, 9, 17), (6, 33, 13)];

/// Past every cache block of both kernels (KC = 128 and 512 along k, MC = 60 rows,
/// NC = 216 columns in f64), with partial blocks.
const BIG: (usize, usize, usize) = (67, 530, 230);

#[test]
fn every_view_gives_the_naive_product_f64() {
    let mut rng = StdRng::seed_from_u64(11);
    for shape in SMALL {
        check_views::<f64>(shape, false, 1e-12, &mut rng);
    }
    check_views::<f64>(BIG, true, 1e-12, &mut rng);
}

#[test]
fn every_view_gives_the_naive_product_f32() {
    let mut rng = StdRng::seed_from_u64(12);
    for shape in SMALL {
        check_views::<f32>(shape, false, 1e-5, &mut rng);
    }
    check_views::<f32>(BIG, true, 1e-5, &mut rng);
}

/// The case of issue 11: a one-element A broadcast along k, against rows of Bᵀ, read past its
/// buffer when the dot kernel took it (4093 instead of 4096).
#[test]
fn a_broadcast_row_is_not_read_past_its_buffer() {
    let one = Array2::<f64>::ones((1, 1));
    let bt = Array2::<f64>::ones((3, 4096));
    let mut c = Array2::zeros((1, 3));
    gemm(
        1.0,
        one.broadcast((1, 4096)).expect("(1, 1) broadcasts"),
        bt.t(),
        0.0,
        c.view_mut(),
    )
    .expect("shapes fit");
    assert_eq!(c, Array2::from_elem((1, 3), 4096.0));
}
