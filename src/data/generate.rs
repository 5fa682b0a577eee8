//! Small data sets the crate makes itself: the course's planar flower, concentric circles,
//! XOR and n-bit parity. All in the course's layout, X (n_x, m) and Y (1, m).
//!
//! ```
//! use rand::SeedableRng;
//! let mut rng = rand::rngs::StdRng::seed_from_u64(1);
//! let (x, y) = ndnet::data::planar_flower::<f64, _>(400, &mut rng).unwrap();
//! assert_eq!((x.dim(), y.dim()), ((2, 400), (1, 400)));
//! ```

use std::f64::consts::PI;

use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::{Error, Float, Result};

/// The course's planar "flower": `m` points (m/2 per class j ∈ {0, 1}) on the petals of
/// r = 4 sin 4t, which logistic regression cannot separate.
///
/// ```text
/// t = linspace(3.12 j, 3.12 (j + 1), m/2) + 0.2 N(0, 1)
/// r = 4 sin(4t) + 0.2 N(0, 1)
/// x = (r sin t, r cos t),  y = j
/// ```
///
/// # Shapes
/// X is (2, m), Y is (1, m); an odd `m` is rounded down to an even number.
///
/// # Errors
/// [`Error::TooLarge`](crate::Error::TooLarge) if X and Y would exceed the [memory limit](crate::memory_limit).
///
/// ```
/// use rand::SeedableRng;
/// let (x, y) = ndnet::data::planar_flower::<f32, _>(10, &mut rand::rngs::StdRng::seed_from_u64(0))?;
/// assert_eq!(y.sum(), 5.0);
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn planar_flower<F: Float, R: Rng + ?Sized>(m: usize, rng: &mut R) -> Result<(Array2<F>, Array2<F>)> {
    check_size::<F>("planar_flower", m)?;
    let per_class = m / 2;
    let mut x = Array2::zeros((2, 2 * per_class));
    let mut y = Array2::zeros((1, 2 * per_class));
    for j in 0..2 {
        let (start, end) = (3.12 * j as f64, 3.12 * (j + 1) as f64);
        let thetas: Vec<f64> = (0..per_class)
            .map(|i| start + (end - start) * i as f64 / (per_class.max(2) - 1) as f64 + 0.2 * normal(rng))
            .collect();
        for (i, t) in thetas.into_iter().enumerate() {
            let r = 4.0 * (4.0 * t).sin() + 0.2 * normal(rng);
            let col = j * per_class + i;
            x[[0, col]] = F::from_f64(r * t.sin());
            x[[1, col]] = F::from_f64(r * t.cos());
            y[[0, col]] = F::from_f64(j as f64);
        }
    }
    Ok((x, y))
}

/// X (2, m) and Y (1, m) of a generator named `name` fit the memory limit.
fn check_size<F>(name: &str, m: usize) -> Result<()> {
    let what = || format!("X (2, m) and Y (1, m) of {name}(m) for m = {m}");
    crate::base::limits::check_alloc(what, &[3, m], std::mem::size_of::<F>()).map(|_| ())
}

/// Two noisy concentric circles (as scikit-learn's `make_circles`): the outer one (radius 1)
/// is class 0, the inner one (radius `factor`) class 1.
///
/// # Shapes
/// X is (2, m), Y is (1, m).
///
/// # Errors
/// [`Error::TooLarge`](crate::Error::TooLarge) if X and Y would exceed the [memory limit](crate::memory_limit);
/// [`Error::InvalidHyperparameter`](crate::Error::InvalidHyperparameter) naming `noise` or
/// `factor` when it is NaN, infinite (in f64 or in F), or a negative noise, or when a point
/// they make is not finite in F.
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let (x, y) = ndnet::data::circles::<f64, _>(300, 0.05, 0.5, &mut rng)?;
/// assert_eq!((x.ncols(), y.sum()), (300, 150.0));
/// assert!(ndnet::data::circles::<f64, _>(300, f64::NAN, 0.5, &mut rng).is_err());
/// assert!(ndnet::data::circles::<f32, _>(300, 0.05, 1e39, &mut rng).is_err()); // inf in f32
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn circles<F: Float, R: Rng + ?Sized>(
    m: usize,
    noise: f64,
    factor: f64,
    rng: &mut R,
) -> Result<(Array2<F>, Array2<F>)> {
    check_size::<F>("circles", m)?;
    if noise < 0.0 {
        return Err(Error::InvalidHyperparameter {
            name: "noise",
            value: noise,
            reason: "is the standard deviation of the noise: it must be at least 0",
        });
    }
    crate::base::check::in_float::<F>("noise", noise, false)?;
    crate::base::check::in_float::<F>("factor", factor, false)?;
    let outer = m - m / 2;
    let mut x = Array2::zeros((2, m));
    let mut y = Array2::zeros((1, m));
    for i in 0..m {
        let (k, count, radius, label) = if i < outer {
            (i, outer, 1.0, 0.0)
        } else {
            (i - outer, m / 2, factor, 1.0)
        };
        let angle = 2.0 * PI * k as f64 / count as f64;
        x[[0, i]] = F::from_f64(radius * angle.cos() + noise * normal(rng));
        x[[1, i]] = F::from_f64(radius * angle.sin() + noise * normal(rng));
        y[[0, i]] = F::from_f64(label);
    }
    // Finite parameters can still make a point that is not (noise 1e308 in f64, 1e38 in f32).
    if x.iter().any(|v| !v.is_finite()) {
        let (name, value) = match noise.abs() >= factor.abs() {
            true => ("noise", noise),
            false => ("factor", factor),
        };
        return Err(Error::InvalidHyperparameter {
            name,
            value,
            reason: "is so large that a point of the circles is not finite in this float type",
        });
    }
    Ok((x, y))
}

/// The four XOR points: `X = [[0, 0, 1, 1], [0, 1, 0, 1]]`, `Y = [[0, 1, 1, 0]]`.
///
/// # Shapes
/// X is (2, 4), Y is (1, 4).
///
/// ```
/// let (x, y) = ndnet::data::xor::<f64>();
/// assert_eq!(y, ndarray::array![[0.0, 1.0, 1.0, 0.0]]);
/// ```
pub fn xor<F: Float>() -> (Array2<F>, Array2<F>) {
    // Twelve values whatever the arguments: not a size from an argument or a file, so not
    // checked against the memory limit (which may be set to 0).
    bits(2)
}

/// All 2ⁿ inputs of n bits and their parity (XOR of the bits); column k holds k's bits, most
/// significant first.
///
/// # Errors
/// [`Error::TooLarge`](crate::Error::TooLarge) if the 2ⁿ examples would exceed the [memory limit](crate::memory_limit)
/// (with the default limit, n ≤ 27 for f64), including every n ≥ 64, whose 2ⁿ overflows.
///
/// # Shapes
/// X is (n, 2ⁿ), Y is (1, 2ⁿ).
///
/// ```
/// let (x, y) = ndnet::data::parity::<f32>(3)?;
/// assert_eq!(x.column(5).to_vec(), vec![1.0, 0.0, 1.0]);
/// assert_eq!(y[[0, 5]], 0.0);
/// assert_eq!(y[[0, 7]], 1.0);
/// assert!(ndnet::data::parity::<f64>(64).is_err());
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn parity<F: Float>(n_bits: usize) -> Result<(Array2<F>, Array2<F>)> {
    // X and Y together: (n + 1) · 2ⁿ values, counted without overflow.
    let m = u32::try_from(n_bits).ok().and_then(|n| 1u128.checked_shl(n));
    let bytes = m
        .and_then(|m| m.checked_mul(n_bits as u128 + 1))
        .and_then(|v| v.checked_mul(std::mem::size_of::<F>() as u128));
    crate::base::limits::check_bytes(
        || format!("X (n, 2^n) and Y (1, 2^n) of parity(n) for n = {n_bits}"),
        bytes,
    )?;
    Ok(bits(n_bits))
}

/// X and Y of [`parity`], for an n whose 2ⁿ examples fit in memory (n < 64 and their bytes
/// at most `isize::MAX`).
fn bits<F: Float>(n_bits: usize) -> (Array2<F>, Array2<F>) {
    let m = 1_usize << n_bits;
    let x = Array2::from_shape_fn((n_bits, m), |(bit, k)| {
        F::from_f64(((k >> (n_bits - 1 - bit)) & 1) as f64)
    });
    let y = Array2::from_shape_fn((1, m), |(_, k)| F::from_f64((k.count_ones() % 2) as f64));
    (x, y)
}

fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}
