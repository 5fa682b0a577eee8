//! Matrix products for training: [`gemm`], C = α A·B + β C, fast on the skinny shapes of
//! dense networks (few units, many inputs), in pure Rust.
//!
//! On x86_64 CPUs with AVX2 and FMA (detected at run time) two kernels cover the three
//! products of a dense layer:
//!
//! - `Z = W·A[l−1]` and `dA[l−1] = Wᵀ·dZ`: B (`A[l−1]` or dZ) has contiguous rows, so each
//!   element of A is broadcast against vectors of a row of B ("broadcast" kernel, any layout of A);
//! - `dW = (1/m) dZ·A[l−1]ᵀ`: B is the transpose of a row-major matrix, so each element of C is
//!   a dot product of two contiguous rows ("dot" kernel), and `A[l−1]` is read once.
//!
//! Both block the reduction so that a panel of B stays in cache while all of A passes over it,
//! allocate nothing, and split C between [`num_threads`] threads when the product is big
//! enough. Other layouts and other CPUs use [`ndarray::linalg::general_mat_mul`] on one
//! thread.
//!
//! # Soundness
//!
//! [`gemm`] is the one public way in: it hands a kernel only views that satisfy the kernel's
//! preconditions (else it takes the portable path), and each kernel checks them again with
//! `assert!` at entry. The kernels themselves are out of reach of code outside ndnet, even
//! through the [`Float`] bound, whose sealed supertrait hands them out only for a token that
//! ndnet alone can make. This call returned 4093 instead of 4096 (reading past a one-element
//! buffer) when it still compiled:
//!
//! ```compile_fail,E0061
//! use ndarray::{Array2, ArrayView2, ArrayViewMut2};
//!
//! fn raw_dot<F: ndnet::Float>(a: ArrayView2<F>, bt: ArrayView2<F>, c: ArrayViewMut2<F>) {
//!     if let Some(kernel) = F::dot() {
//!         kernel(F::one(), a, bt, F::zero(), c);
//!     }
//! }
//! let one = Array2::<f64>::ones((1, 1));
//! let mut c = Array2::zeros((1, 1));
//! raw_dot(one.broadcast((1, 4096)).unwrap(), Array2::ones((1, 4096)).view(), c.view_mut());
//! ```
//!
//! The same product through [`gemm`] is right whatever the strides:
//!
//! ```
//! use ndarray::Array2;
//!
//! let one = Array2::<f64>::ones((1, 1));
//! let bt = Array2::<f64>::ones((1, 4096));
//! let mut c = Array2::zeros((1, 1));
//! ndnet::linalg::gemm(1.0, one.broadcast((1, 4096)).unwrap(), bt.t(), 0.0, c.view_mut())?;
//! assert_eq!(c[[0, 0]], 4096.0);
//! # Ok::<(), ndnet::Error>(())
//! ```

mod kernel;
pub(crate) mod parallel;
pub(crate) mod pool;
mod threads;
#[cfg(target_arch = "x86_64")]
mod x86;

use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView2, ArrayViewMut2, Axis};

pub(crate) use crate::base::float::TOKEN;
pub use kernel::simd;
pub(crate) use threads::MAX_PARTS;
pub use threads::{num_threads, set_num_threads};

use crate::base::check;
use crate::{Float, Result};

/// Products below this many floating-point operations run on one thread: handing pieces of a
/// small product to the workers costs more than it saves. `examples/gemm_speed.rs` measures
/// where the crossover lies on a given machine.
const PARALLEL_MIN_FLOP: usize = 16_000_000;

/// Products C = A·B with B's columns contiguous go through the broadcast kernel (rather than
/// dot products) when A has at least this many rows (measured in
/// `benches/compare/kernels`: 128 × 200 · 200 × 784 is 2–4× faster packed, 10 × 200 · 200 × 128
/// and 20 × 12288 · 12288 × 209 faster as dot products).
const BROADCAST_MIN_ROWS_FROM_COLUMNS: usize = 48;

/// Matrix-vector products whose matrix holds at least this many bytes run on [`num_threads`]
/// threads (see [`product`]).
const PARALLEL_MIN_MATVEC_BYTES: usize = 256 * 1024;

/// C = α A·B + β C, on [`num_threads`] threads when the product is big enough.
///
/// When β = 0, C is only written (NaN in C does not propagate), as in BLAS. The result does
/// not depend on the number of threads. Nothing is allocated once the worker threads exist
/// (they are started by the first product that needs them and kept); the kernels pack A and B
/// in at most 380 KB of the calling thread's stack (and each
/// worker's), well within the usual 2 MB of a thread.
///
/// # Shapes
/// `a` is (m, k), `b` is (k, n) and `c` is (m, n); any strides (transposed views included).
///
/// # Errors
/// [`crate::Error::Shape`] if the shapes do not fit.
///
/// ```
/// use ndarray::{array, Array2};
/// use ndnet::linalg::gemm;
///
/// let w: Array2<f64> = array![[1.0, 2.0], [3.0, 4.0]];
/// let x = array![[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]];
/// let mut z = Array2::ones((2, 3));
/// gemm(1.0, w.view(), x.view(), 10.0, z.view_mut())?;
/// assert_eq!(z, w.dot(&x) + 10.0);
/// // dW = (1/m) dZ·Xᵀ with a transposed view.
/// let mut dw = Array2::zeros((2, 2));
/// gemm(1.0 / 3.0, z.view(), x.t(), 0.0, dw.view_mut())?;
/// assert!((dw[[0, 0]] - (11.0 * 1.0 + 12.0 * 0.0 + 14.0 * 2.0) / 3.0).abs() < 1e-12);
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn gemm<F: Float>(alpha: F, a: ArrayView2<F>, b: ArrayView2<F>, beta: F, c: ArrayViewMut2<F>) -> Result<()> {
    check::shape(|| format!("gemm: A is {:?} so B", a.dim()), b.dim(), a.ncols(), None)?;
    check::shape(
        || format!("gemm: A is {:?} and B is {:?} so C", a.dim(), b.dim()),
        c.dim(),
        a.nrows(),
        Some(b.ncols()),
    )?;
    product(alpha, a, b, beta, c);
    Ok(())
}

/// [`gemm`] for shapes that fit: on [`num_threads`] threads when the product is big enough.
pub(crate) fn product<F: Float>(alpha: F, a: ArrayView2<F>, b: ArrayView2<F>, beta: F, c: ArrayViewMut2<F>) {
    // Saturating: broadcast views of gemm can be far larger than memory.
    let flop = [a.ncols(), b.ncols()]
        .into_iter()
        .fold(2 * a.nrows(), usize::saturating_mul);
    // A matrix-vector product reads all of A once for 2 flop per element: its speed is the
    // cache's, and a large A (one example through a wide layer) goes faster split between the
    // cores, each reading its rows from its own cache. It gains microseconds, less than a
    // parked worker takes to wake, so it only goes to workers that are awake, and wakes the
    // others for the next one (one example after another); a lone request every few
    // milliseconds runs on the calling thread while the workers stay parked (they spin briefly
    // after each wake).
    let matvec_pays = b.ncols() == 1 && a.len().saturating_mul(std::mem::size_of::<F>()) >= PARALLEL_MIN_MATVEC_BYTES;
    let threads = if flop >= PARALLEL_MIN_FLOP {
        num_threads()
    } else if matvec_pays {
        let (wanted, awake) = (num_threads(), pool::awake_workers().saturating_add(1));
        if awake < wanted {
            pool::wake(wanted - 1);
        }
        wanted.min(awake)
    } else {
        1
    };
    gemm_unchecked(threads, alpha, a, b, beta, c);
}

/// [`gemm`] on at most `threads` threads whatever its size, for shapes that fit.
pub(crate) fn gemm_unchecked<F: Float>(
    threads: usize,
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    mut c: ArrayViewMut2<F>,
) {
    let ((m, k), n) = (a.dim(), b.ncols());
    assert!(
        b.nrows() == k && c.dim() == (m, n),
        "gemm: A {:?}, B {:?} and C {:?} do not fit",
        a.dim(),
        b.dim(),
        c.dim()
    );
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if beta == F::zero() {
            c.fill(F::zero());
        } else {
            c *= beta;
        }
        return;
    }
    // Each kernel only on the layouts it accepts (it asserts them): the broadcast kernel takes
    // any strides but is only fast on rows of B that are contiguous; the dot kernel needs rows
    // of A and columns of B (rows of Bᵀ) contiguous. A stride only matters along an axis
    // longer than 1.
    let unit = |len: usize, stride: isize| len <= 1 || stride == 1;
    let dot = F::dot(TOKEN).filter(|_| unit(k, b.strides()[0]) && unit(k, a.strides()[1]));
    // With fewer columns of B than a register tile of the broadcast kernel (one example at a
    // time: a matrix-vector product), its tiles are mostly empty: dot products of rows of A
    // with columns of B do the work instead, when both are contiguous.
    // The broadcast kernel packs B: its rows contiguous (copied as they are) or its columns
    // (the transpose of a row-major matrix: dW = dZ·A[l−1]ᵀ, or X stored example by example;
    // packed column by column). From columns, it is faster than dot products of rows once A
    // has enough rows to share each packed panel of B.
    let broadcast = F::broadcast(TOKEN)
        .filter(|_| unit(n, b.strides()[1]) || (m >= BROADCAST_MIN_ROWS_FROM_COLUMNS && unit(k, b.strides()[0])))
        .filter(|&(_, nr)| n >= nr || dot.is_none());
    if let Some((kernel, nr)) = broadcast {
        // Split columns while each thread gets at least two register tiles, else rows.
        // `threads` may be anything set_num_threads was given, usize::MAX included. Columns
        // are split at multiples of half a tile (one vector), since the kernel computes a last
        // panel that narrow at half the cost: 200 columns with AVX2 cost 6 and 6.5 panels, not
        // 6 and 7 (the mnist job capped at AVX2: 0.645–0.666 → 0.577–0.659 s).
        let (axis, align) = if n >= threads.saturating_mul(2 * nr) {
            (Axis(1), nr / 2)
        } else {
            (Axis(0), 4)
        };
        threads::split(threads, axis, align, a, b, c, |a, b, c| kernel(alpha, a, b, beta, c));
    } else if let Some(kernel) = dot {
        let (axis, align) = if n >= threads.saturating_mul(6) {
            (Axis(1), 3)
        } else {
            (Axis(0), 4)
        };
        threads::split(threads, axis, align, a, b, c, |a, b, c| {
            kernel(alpha, a, b.t(), beta, c)
        });
    } else {
        general_mat_mul(alpha, &a, &b, beta, &mut c);
    }
}

#[cfg(test)]
mod tests;
