//! The course's teaching extras: the per-example for-loop logistic regression (`looped`), the
//! computation graph (`graph`), gradient checks against finite differences (`gradcheck`),
//! numpy's random numbers bit for bit for the published values (`numpy_random`), and the guide
//! from each formula to the call that computes it (`guide`).

pub(crate) mod gradcheck;
pub mod graph;
pub mod guide;
pub mod looped;
pub mod numpy_random;
