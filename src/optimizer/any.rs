//! How the trainer tells which optimizer it holds, behind a `dyn Optimizer` too.
//!
//! The trait is public (a supertrait of [`Optimizer`](crate::Optimizer)) but lives in a private
//! module, so no user can name or call it: every `'static` type implements it, and only the
//! crate asks.

use std::any::Any;

/// The value as [`Any`]; implemented for every `'static` type.
pub trait AsAny: Any {
    /// `self` as `&dyn Any`: through a `dyn Optimizer`, the concrete optimizer (not the box).
    fn as_any(&self) -> &dyn Any;
}

impl<T: Any> AsAny for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
}
