//! The sealed link from an element type to its SIMD kernels ([`Kernels`], a supertrait of
//! [`crate::Float`]), so that generic code reaches the `f32` or `f64` kernels without casts.
//!
//! Because [`crate::Float`] is public, code outside ndnet can call the methods of its
//! supertraits on a type parameter (`fn f<F: Float>() { F::dot(…) }`). Each method therefore
//! takes a [`Token`], which only ndnet can make: the kernels are not reachable from outside the
//! crate, and every kernel also checks its own preconditions with `assert!` at entry.

use ndarray::{ArrayView2, ArrayViewMut2};

/// C = α A·B + β C on views whose layouts the kernel accepts (see [`Kernels`]).
pub type BlockFn<F> = fn(F, ArrayView2<F>, ArrayView2<F>, F, ArrayViewMut2<F>);

/// The fused logistic-regression pass over rows of X (contiguous rows):
/// `(x, dz, 1/m, α, w, dw, z_part)`, see `crate::train::logistic_fast`.
pub type LogisticPassFn<F> = fn(ArrayView2<F>, &[F], F, F, &mut [F], &mut [F], &mut [F]);

/// Proof that the caller is ndnet itself: the one value is [`TOKEN`], crate-private, and the
/// private field keeps code outside this module from making another.
#[derive(Clone, Copy)]
pub struct Token(());

/// The only [`Token`].
pub(crate) const TOKEN: Token = Token(());

/// The SIMD kernels of an element type, if this CPU has them.
///
/// Sealed: the trait lives in a private module, so only ndnet implements it (for `f32` and
/// `f64`). Each method needs a [`Token`], so only ndnet calls it.
pub trait Kernels: Sized {
    /// The broadcast kernel (C = α A·B + β C, any strides; fast when B has unit column
    /// stride) and its register tile width in columns, or `None` without AVX2 + FMA.
    fn broadcast(token: Token) -> Option<(BlockFn<Self>, usize)>;
    /// The dot kernel (C = α A·Bᵗᵀ + β C, A and `bt` with unit column stride, any strides for
    /// C), or `None` without AVX2 + FMA.
    fn dot(token: Token) -> Option<BlockFn<Self>>;
    /// The fused logistic-regression pass, or `None` without AVX2 + FMA.
    fn logistic_pass(token: Token) -> Option<LogisticPassFn<Self>>;
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn, Token};
    use crate::linalg::x86::{f32x8, f64x4};

    impl Kernels for f64 {
        fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
            f64x4::available().then_some((f64x4::broadcast, f64x4::NR))
        }
        fn dot(_: Token) -> Option<BlockFn<Self>> {
            f64x4::available().then_some(f64x4::dot)
        }
        fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
            f64x4::available().then_some(f64x4::logistic_pass)
        }
    }

    impl Kernels for f32 {
        fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
            f32x8::available().then_some((f32x8::broadcast, f32x8::NR))
        }
        fn dot(_: Token) -> Option<BlockFn<Self>> {
            f32x8::available().then_some(f32x8::dot)
        }
        fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
            f32x8::available().then_some(f32x8::logistic_pass)
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn, Token};

    macro_rules! none {
        ($($t:ty),*) => {$(
            impl Kernels for $t {
                fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
                    None
                }
                fn dot(_: Token) -> Option<BlockFn<Self>> {
                    None
                }
                fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
                    None
                }
            }
        )*};
    }
    none!(f32, f64);
}
