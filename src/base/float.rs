//! The [`Float`] trait: the one bound that makes every algorithm in ndnet work for both `f32`
//! and `f64`.
//!
//! ```
//! use ndnet::Float;
//!
//! fn half<F: Float>(x: F) -> F {
//!     x * F::from_f64(0.5)
//! }
//! assert_eq!(half(3.0_f32), 1.5);
//! assert_eq!(half(3.0_f64), 1.5);
//! ```

use std::fmt::{Debug, Display};
use std::iter::Sum;

use ndarray::{ArrayView2, ArrayViewMut2, LinalgScalar, ScalarOperand};

/// A floating-point element type ndnet computes in: implemented for `f32` and `f64`.
///
/// It gathers what the layers need (arithmetic, `exp`, `ln`, `tanh`, matrix products through
/// [`ndarray::LinalgScalar`]) and two lossless-enough conversions used for hyperparameters,
/// which are always given as `f64`.
///
/// ```
/// use ndnet::Float;
/// assert_eq!(<f32 as Float>::from_f64(0.25), 0.25_f32);
/// assert_eq!(2.5_f32.as_f64(), 2.5);
/// ```
pub trait Float:
    num_traits::Float
    + LinalgScalar
    + ScalarOperand
    + std::ops::AddAssign
    + std::ops::SubAssign
    + std::ops::MulAssign
    + std::ops::DivAssign
    + Debug
    + Display
    + Default
    + Sum
    + Send
    + Sync
    + Kernels
    + 'static
{
    /// Converts an `f64` (a hyperparameter or a constant) into this type, rounding to nearest.
    fn from_f64(value: f64) -> Self;
    /// Converts this value into an `f64` exactly.
    fn as_f64(self) -> f64;
    /// The name of the type, `"f32"` or `"f64"`, for messages and saved models.
    const NAME: &'static str;
}

impl Float for f32 {
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    const NAME: &'static str = "f32";
}

impl Float for f64 {
    fn from_f64(value: f64) -> Self {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
    const NAME: &'static str = "f64";
}

/// C = α A·B + β C on views whose layouts the kernel accepts (see [`Kernels`]).
pub type BlockFn<F> = fn(F, ArrayView2<F>, ArrayView2<F>, F, ArrayViewMut2<F>);

/// The fused logistic-regression pass over rows of X (contiguous rows):
/// `(x, dz, 1/m, α, w, dw, z_part)`, see `crate::train::paths::fused_logistic`.
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
/// `f64`, in `linalg/kernel.rs`). Because [`Float`] is public, code outside ndnet can call the
/// methods of its supertraits on a type parameter (`fn f<F: Float>() { F::dot(…) }`): each
/// method therefore takes a [`Token`], which only ndnet can make, and every kernel also checks
/// its own preconditions with `assert!` at entry.
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
