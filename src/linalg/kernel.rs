//! The implementations of the sealed [`Kernels`] trait (a supertrait of [`crate::Float`],
//! defined beside it with its [`Token`]) for `f32` and `f64`: the SIMD kernels of
//! `linalg::x86` when this CPU has them (the AVX-512 broadcast and dot kernels before the AVX2 ones).

use crate::float::{BlockFn, Kernels, LogisticPassFn, Token};

#[cfg(target_arch = "x86_64")]
mod imp {
    use super::{BlockFn, Kernels, LogisticPassFn, Token};
    use crate::linalg::x86::{f32x8, f32x16, f64x4, f64x8};

    impl Kernels for f64 {
        fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
            if f64x8::available() {
                return Some((f64x8::broadcast, f64x8::NR));
            }
            f64x4::available().then_some((f64x4::broadcast, f64x4::NR))
        }
        fn dot(_: Token) -> Option<BlockFn<Self>> {
            if f64x8::available() {
                return Some(f64x8::dot);
            }
            f64x4::available().then_some(f64x4::dot)
        }
        fn logistic_pass(_: Token) -> Option<LogisticPassFn<Self>> {
            f64x4::available().then_some(f64x4::logistic_pass)
        }
    }

    impl Kernels for f32 {
        fn broadcast(_: Token) -> Option<(BlockFn<Self>, usize)> {
            if f32x16::available() {
                return Some((f32x16::broadcast, f32x16::NR));
            }
            f32x8::available().then_some((f32x8::broadcast, f32x8::NR))
        }
        fn dot(_: Token) -> Option<BlockFn<Self>> {
            if f32x16::available() {
                return Some(f32x16::dot);
            }
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
