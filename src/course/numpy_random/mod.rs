//! numpy's legacy random numbers, bit for bit: `np.random.seed`, `randn`, `rand`, `permutation`.
//!
//! The course initialises its weights with `np.random.seed(1)` followed by
//! `np.random.randn(n_l, n_prev) * 0.01` (or `/ np.sqrt(n_prev)`). [`NumpyRandomState`]
//! reproduces those numbers exactly, so ndnet can reproduce the course's published costs and
//! accuracies to the digit; [`course_initialize_parameters`] and
//! [`course_initialize_parameters_deep`] are the course's two initialisers.
//!
//! ```
//! use ndnet::numpy_random::NumpyRandomState;
//!
//! // np.random.seed(1); np.random.randn(2, 3)[0, 0] == 1.6243453636632417
//! let mut rs = NumpyRandomState::new(1);
//! let w = rs.randn::<f64>(2, 3).unwrap();
//! assert_eq!(w[[0, 0]], 1.6243453636632417);
//! ```

mod course_init;
mod mt19937;

pub use course_init::{course_initialize_parameters, course_initialize_parameters_deep};

use std::convert::Infallible;

use ndarray::Array2;
use rand::TryRng;

use crate::{Float, Result};
use mt19937::Mt19937;

/// numpy's legacy `RandomState`: MT19937 plus the cached second Gaussian of the polar method.
///
/// Draws the same numbers as numpy's `np.random.RandomState(seed)` (and so as the global
/// `np.random.seed(seed)` functions) for the methods it has. It also implements [`rand::Rng`]
/// (raw 32-bit outputs of MT19937), so it can be passed wherever ndnet takes an `rng`; the
/// values that `rand`'s own distributions draw from it are then *not* numpy's.
///
/// ```
/// use ndnet::numpy_random::NumpyRandomState;
/// use rand::Rng;
///
/// let mut rs = NumpyRandomState::new(5489);
/// assert_eq!(rs.next_u32(), 3499211612); // the MT19937 reference's first output
/// ```
#[derive(Clone)]
pub struct NumpyRandomState {
    mt: Mt19937,
    /// The second value of the last polar Box–Muller pair, not yet returned.
    cached_gauss: Option<f64>,
}

impl std::fmt::Debug for NumpyRandomState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NumpyRandomState")
            .field("cached_gauss", &self.cached_gauss)
            .finish_non_exhaustive()
    }
}

impl NumpyRandomState {
    /// Seeds like `np.random.RandomState(seed)` / `np.random.seed(seed)` with an integer seed.
    ///
    /// numpy accepts integer seeds in 0..=2³²−1, exactly the range of `u32`.
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let mut rs = NumpyRandomState::new(3);
    /// assert_eq!(rs.random_sample(), 0.5507979025745755); // np.random.seed(3); np.random.rand()
    /// ```
    pub fn new(seed: u32) -> Self {
        Self {
            mt: Mt19937::new(seed),
            cached_gauss: None,
        }
    }

    /// Reseeds in place, like `np.random.seed(seed)` (this also drops a cached Gaussian).
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let mut rs = NumpyRandomState::new(7);
    /// rs.seed(1);
    /// assert_eq!(rs.standard_normal(), 1.6243453636632417);
    /// ```
    pub fn seed(&mut self, seed: u32) {
        *self = Self::new(seed);
    }

    /// One uniform double in [0, 1), like `np.random.random_sample()` (53 random bits).
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let x = NumpyRandomState::new(1).random_sample();
    /// assert_eq!(x, 0.417022004702574); // np.random.seed(1); np.random.rand()
    /// ```
    pub fn random_sample(&mut self) -> f64 {
        self.mt.next_f64()
    }

    /// One standard normal value, like `np.random.standard_normal()` (numpy's `legacy_gauss`).
    ///
    /// The polar Box–Muller method makes two values at a time; the second is cached and
    /// returned by the next call, exactly as numpy does, so an odd count of draws carries over.
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let mut rs = NumpyRandomState::new(1);
    /// assert_eq!(rs.standard_normal(), 1.6243453636632417);
    /// assert_eq!(rs.standard_normal(), -0.61175641365007538);
    /// ```
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(g) = self.cached_gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.mt.next_f64() - 1.0;
            let x2 = 2.0 * self.mt.next_f64() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.cached_gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// A (rows, cols) matrix of standard normal values, like `np.random.randn(rows, cols)`.
    ///
    /// Filled row by row (numpy's C order). Values are drawn in f64 and then converted to `F`.
    ///
    /// # Shapes
    /// Returns (rows, cols).
    ///
    /// # Errors
    /// [`Error::TooLarge`](crate::Error::TooLarge) if the matrix would exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let w = NumpyRandomState::new(1).randn::<f64>(2, 3)?;
    /// assert_eq!(w[[1, 2]], -2.3015386968802827); // np.random.seed(1); np.random.randn(2, 3)[1, 2]
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn randn<F: Float>(&mut self, rows: usize, cols: usize) -> Result<Array2<F>> {
        crate::base::limits::check_alloc(
            || "np.random.randn(rows, cols)".to_owned(),
            &[rows, cols],
            std::mem::size_of::<F>(),
        )?;
        Ok(Array2::from_shape_simple_fn((rows, cols), || {
            F::from_f64(self.standard_normal())
        }))
    }

    /// A (rows, cols) matrix of uniform values in [0, 1), like `np.random.rand(rows, cols)`.
    ///
    /// # Shapes
    /// Returns (rows, cols).
    ///
    /// # Errors
    /// [`Error::TooLarge`](crate::Error::TooLarge) if the matrix would exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let u = NumpyRandomState::new(1).rand::<f64>(2, 2)?;
    /// assert_eq!(u[[0, 1]], 0.7203244934421581); // np.random.seed(1); np.random.rand(2, 2)[0, 1]
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn rand<F: Float>(&mut self, rows: usize, cols: usize) -> Result<Array2<F>> {
        crate::base::limits::check_alloc(
            || "np.random.rand(rows, cols)".to_owned(),
            &[rows, cols],
            std::mem::size_of::<F>(),
        )?;
        Ok(Array2::from_shape_simple_fn((rows, cols), || {
            F::from_f64(self.random_sample())
        }))
    }

    /// A uniform integer in 0..=max, like numpy's `random_interval` (masked rejection sampling).
    fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        // The smallest all-ones mask covering `max`.
        let mask = u64::MAX >> max.leading_zeros();
        if max <= u64::from(u32::MAX) {
            loop {
                let v = u64::from(self.mt.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        }
        loop {
            let v = self.mt.next_u64() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// Shuffles a slice in place, like `np.random.shuffle` on a 1-D array.
    ///
    /// numpy's legacy Fisher–Yates: for i from n−1 down to 1, swap item i with a uniform j in 0..=i.
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// let mut v: Vec<usize> = (0..10).collect();
    /// NumpyRandomState::new(1).shuffle(&mut v);
    /// assert_eq!(v, [2, 9, 6, 4, 0, 3, 1, 7, 8, 5]);
    /// ```
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            // usize → u64 is lossless on every supported target, and j ≤ i fits back.
            let j = self.interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// A random ordering of 0..n, like `np.random.permutation(n)`.
    ///
    /// # Errors
    /// [`Error::TooLarge`](crate::Error::TooLarge) if n indices would exceed the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::numpy_random::NumpyRandomState;
    /// // np.random.seed(1); np.random.permutation(10)
    /// assert_eq!(NumpyRandomState::new(1).permutation(10)?, [2, 9, 6, 4, 0, 3, 1, 7, 8, 5]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn permutation(&mut self, n: usize) -> Result<Vec<usize>> {
        crate::base::limits::check_alloc(
            || "np.random.permutation(n)".to_owned(),
            &[n],
            std::mem::size_of::<usize>(),
        )?;
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        Ok(v)
    }
}

/// Raw MT19937 output: `next_u32` is one tempered word, `next_u64` is numpy's
/// `mt19937_next64` (first word high), bytes are little-endian words.
impl TryRng for NumpyRandomState {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.mt.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.mt.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        rand::rand_core::utils::fill_bytes_via_next_word(dst, || self.try_next_u32())
    }
}

#[cfg(test)]
// numpy's numbers are pasted as printed, to 17 significant digits.
#[allow(clippy::excessive_precision)]
mod tests;
