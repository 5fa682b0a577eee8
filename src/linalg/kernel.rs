//! The sealed link from an element type to its SIMD kernels ([`Kernels`], a supertrait of
//! [`crate::Float`]), so that generic code reaches the `f32` or `f64` kernels without casts.

use ndarray::{ArrayView2, ArrayViewMut2};

/// C = α A·B + β C on views whose layouts the kernel accepts (see [`Kernels`]).
pub type BlockFn<F> = fn(F, ArrayView2<F>, ArrayView2<F>, F, ArrayViewMut2<F>);

/// The fused logistic-regression pass over rows of X (contiguous rows):
/// `(x, dz, 1/m, α, w, dw, z_part)`, see `crate::train::logistic_fast`.
pub type LogisticPassFn<F> = fn(ArrayView2<F>, &[F], F, F, &mut [F], &mut [F], &mut [F]);

/// The SIMD kernels of an element type, if this CPU has them.
///
/// Sealed: the trait lives in a private module, so only ndnet implements it (for `f32` and
/// `f64`).
pub trait Kernels: Sized {
    /// The broadcast kernel (C = α A·B + β C, B with unit column stride, any strides for A
    /// and C) and its register tile width in columns, or `None` without AVX2 + FMA.
    fn broadcast() -> Option<(BlockFn<Self>, usize)>;
    /// The dot kernel (C = α A·Bᵗᵀ + β C, A and `bt` with unit column stride, any strides for
    /// C), or `None` without AVX2 + FMA.
    fn dot() -> Option<BlockFn<Self>>;
    /// The fused logistic-regression pass, or `None` without AVX2 + FMA.
    fn logistic_pass() -> Option<LogisticPassFn<Self>>;
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn};
    use crate::linalg::x86::{f32x8, f64x4};

    impl Kernels for f64 {
        fn broadcast() -> Option<(BlockFn<Self>, usize)> {
            f64x4::available().then_some((f64x4::broadcast, f64x4::NR))
        }
        fn dot() -> Option<BlockFn<Self>> {
            f64x4::available().then_some(f64x4::dot)
        }
        fn logistic_pass() -> Option<LogisticPassFn<Self>> {
            f64x4::available().then_some(f64x4::logistic_pass)
        }
    }

    impl Kernels for f32 {
        fn broadcast() -> Option<(BlockFn<Self>, usize)> {
            f32x8::available().then_some((f32x8::broadcast, f32x8::NR))
        }
        fn dot() -> Option<BlockFn<Self>> {
            f32x8::available().then_some(f32x8::dot)
        }
        fn logistic_pass() -> Option<LogisticPassFn<Self>> {
            f32x8::available().then_some(f32x8::logistic_pass)
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn};

    macro_rules! none {
        ($($t:ty),*) => {$(
            impl Kernels for $t {
                fn broadcast() -> Option<(BlockFn<Self>, usize)> {
                    None
                }
                fn dot() -> Option<BlockFn<Self>> {
                    None
                }
                fn logistic_pass() -> Option<LogisticPassFn<Self>> {
                    None
                }
            }
        )*};
    }
    none!(f32, f64);
}
