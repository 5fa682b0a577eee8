//! Seeded train/test splits of column-per-example data, optionally stratified so both parts
//! keep the class proportions; [`select_columns`] picks examples by index.
//!
//! ```
//! use ndarray::Array2;
//! use ndnet::data::train_test_split;
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let x = Array2::from_shape_fn((2, 10), |(i, j)| (i * 10 + j) as f64);
//! let y = Array2::from_shape_fn((1, 10), |(_, j)| (j % 2) as f64);
//! let split = train_test_split(&x, &y, 0.2, true, &mut rng)?;
//! assert_eq!((split.x_train.dim(), split.x_test.dim()), ((2, 8), (2, 2)));
//! assert_eq!(split.y_test.sum(), 1.0); // one example of each class in the test set
//! # Ok::<(), ndnet::Error>(())
//! ```

use ndarray::{Array2, ArrayBase, Axis, Data, Ix2};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::classes::{class_groups, class_indices};
use crate::base::check;
use crate::{Error, Float, Result};

/// The two parts of a [`train_test_split`], with the columns of the original X each holds.
///
/// Column `k` of `x_train` (and `y_train`) is column `train_indices[k]` of the original X;
/// likewise for the test part.
///
/// ```
/// use ndarray::array;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
/// let x = array![[0.0, 1.0, 2.0, 3.0]];
/// let s = ndnet::data::train_test_split(&x, &x, 0.5, false, &mut rng).unwrap();
/// assert_eq!(s.x_test[[0, 0]], s.test_indices[0] as f64);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Split<F> {
    /// Training examples, (n_x, m_train).
    pub x_train: Array2<F>,
    /// Training labels, (n_y, m_train).
    pub y_train: Array2<F>,
    /// Test examples, (n_x, m_test).
    pub x_test: Array2<F>,
    /// Test labels, (n_y, m_test).
    pub y_test: Array2<F>,
    /// Which columns of the original X went to training, in the order of `x_train`.
    pub train_indices: Vec<usize>,
    /// Which columns of the original X went to the test part, in the order of `x_test`.
    pub test_indices: Vec<usize>,
}

/// Splits X and Y at random into training and test parts, m_test = round(test_fraction · m)
/// (at least 1, at most m − 1), both parts in random order.
///
/// With `stratify`, each class gets its share of the test part (largest-remainder rounding),
/// so both parts keep the class proportions of Y; classes come from [`class_indices`].
///
/// # Shapes
/// `x` is (n_x, m), `y` is (n_y, m); the parts keep their row counts.
///
/// # Errors
/// [`Error::InvalidArgument`] if `test_fraction` is not strictly between 0 and 1, if m < 2,
/// or (with `stratify`) if Y does not hold class labels; [`Error::Shape`] if Y has not m
/// columns.
///
/// ```
/// use ndarray::array;
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(7);
/// let x = array![[1.0, 2.0, 3.0, 4.0, 5.0]];
/// let y = array![[0.0, 0.0, 1.0, 1.0, 1.0]];
/// let s = ndnet::data::train_test_split(&x, &y, 0.4, true, &mut rng).unwrap();
/// // 0.4 · 5 = 2 test examples: 0.4 · 2 = 0.8 of class 0 and 1.2 of class 1 → one each.
/// assert_eq!(s.y_test.dim(), (1, 2));
/// assert_eq!(s.y_test.sum(), 1.0);
/// ```
pub fn train_test_split<F, S, T, R>(
    x: &ArrayBase<S, Ix2>,
    y: &ArrayBase<T, Ix2>,
    test_fraction: f64,
    stratify: bool,
    rng: &mut R,
) -> Result<Split<F>>
where
    F: Float,
    S: Data<Elem = F>,
    T: Data<Elem = F>,
    R: Rng + ?Sized,
{
    let m = x.ncols();
    check::shape(
        || "Y (one label column per example of X)".to_owned(),
        y.dim(),
        y.nrows(),
        Some(m),
    )?;
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(Error::invalid_argument(
            "test_fraction",
            format!("{test_fraction} must be strictly between 0 and 1"),
        ));
    }
    if m < 2 {
        return Err(Error::invalid_argument(
            "x",
            format!("m = {m} examples cannot be split; at least 2 are needed"),
        ));
    }
    let n_test = ((test_fraction * m as f64).round() as usize).clamp(1, m - 1);
    let mut test = Vec::with_capacity(n_test);
    let mut train = Vec::with_capacity(m - n_test);
    let groups = if stratify {
        class_groups(&class_indices(y)?)
    } else {
        vec![(0..m).collect()]
    };
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    for (mut group, quota) in groups.into_iter().zip(quotas(&sizes, n_test)) {
        group.shuffle(rng);
        test.extend_from_slice(&group[..quota]);
        train.extend_from_slice(&group[quota..]);
    }
    train.shuffle(rng);
    test.shuffle(rng);
    Ok(Split {
        x_train: x.select(Axis(1), &train),
        y_train: y.select(Axis(1), &train),
        x_test: x.select(Axis(1), &test),
        y_test: y.select(Axis(1), &test),
        train_indices: train,
        test_indices: test,
    })
}

/// The columns `indices` of `x`, in that order (repeats allowed), as a new matrix.
///
/// # Shapes
/// `x` is (n, m); the result is (n, indices.len()).
///
/// # Errors
/// [`Error::InvalidArgument`] if an index is ≥ m; [`Error::TooLarge`] if the result would
/// exceed the [memory limit](crate::memory_limit).
///
/// ```
/// use ndarray::array;
/// let x = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
/// let picked = ndnet::data::select_columns(&x, &[2, 0]).unwrap();
/// assert_eq!(picked, array![[3.0, 1.0], [6.0, 4.0]]);
/// assert!(ndnet::data::select_columns(&x, &[3]).is_err());
/// ```
pub fn select_columns<F: Clone, S: Data<Elem = F>>(x: &ArrayBase<S, Ix2>, indices: &[usize]) -> Result<Array2<F>> {
    if let Some(&bad) = indices.iter().find(|&&i| i >= x.ncols()) {
        return Err(Error::invalid_argument(
            "indices",
            format!("column {bad} is out of range: the matrix has {} columns", x.ncols()),
        ));
    }
    let what = || "the selected columns (rows, indices)".to_string();
    crate::base::limits::check_alloc(what, &[x.nrows(), indices.len()], std::mem::size_of::<F>())?;
    Ok(x.select(Axis(1), indices))
}

/// The examples [`Validation::split`](crate::Validation::split) holds out of m for validation:
/// round(`fraction` · m) of them (at least 1, at most m − 1), drawn by a generator seeded with
/// `seed`. With `classes` (one per example), each class gives its share of the held-out part
/// (largest remainder, as [`train_test_split`]) but never its last example, so the examples
/// trained on hold every class; the held-out part can then be a little smaller than asked.
/// Returns (kept, held out), each in increasing order.
///
/// # Errors
/// [`Error::InvalidArgument`] if `fraction` is not strictly between 0 and 1, if m < 2, or if no
/// class has two examples (nothing can be held out).
pub(crate) fn hold_out(
    m: usize,
    fraction: f64,
    classes: Option<&[usize]>,
    seed: u64,
) -> Result<(Vec<usize>, Vec<usize>)> {
    if !(fraction > 0.0 && fraction < 1.0) {
        return Err(Error::invalid_argument(
            "fraction",
            format!("Validation::split({fraction}): the fraction held out must be strictly between 0 and 1"),
        ));
    }
    if m < 2 {
        return Err(Error::invalid_argument(
            "x",
            format!(
                "Validation::split({fraction}) needs at least 2 examples, one to train on and one to hold out; \
                 there are m = {m}"
            ),
        ));
    }
    let n_held = ((fraction * m as f64).round() as usize).clamp(1, m - 1);
    let groups = match classes {
        Some(classes) => class_groups(classes),
        None => vec![(0..m).collect()],
    };
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut kept, mut held) = (Vec::with_capacity(m), Vec::with_capacity(n_held));
    for (mut group, quota) in groups.into_iter().zip(quotas(&sizes, n_held)) {
        let quota = quota.min(group.len() - 1);
        group.shuffle(&mut rng);
        held.extend_from_slice(&group[..quota]);
        kept.extend_from_slice(&group[quota..]);
    }
    if held.is_empty() {
        return Err(Error::invalid_argument(
            "y",
            format!(
                "Validation::split({fraction}) cannot hold out any of the m = {m} examples: every class has \
                 only one, and each class keeps its last example for training"
            ),
        ));
    }
    kept.sort_unstable();
    held.sort_unstable();
    Ok((kept, held))
}

/// Splits `total` over groups of sizes `sizes` in proportion (largest remainder; ties go to
/// the earlier group), never more than a group's size.
fn quotas(sizes: &[usize], total: usize) -> Vec<usize> {
    let m: usize = sizes.iter().sum();
    let exact: Vec<f64> = sizes.iter().map(|&s| total as f64 * s as f64 / m as f64).collect();
    let mut quotas: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let mut left = total - quotas.iter().sum::<usize>();
    while left > 0 {
        for &g in &order {
            if left > 0 && quotas[g] < sizes[g] {
                quotas[g] += 1;
                left -= 1;
            }
        }
    }
    quotas
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn labels(pattern: &[(f64, usize)]) -> Array2<f64> {
        let v: Vec<f64> = pattern.iter().flat_map(|&(c, n)| std::iter::repeat_n(c, n)).collect();
        Array2::from_shape_vec((1, v.len()), v).expect("one row")
    }

    #[test]
    fn quotas_by_largest_remainder() {
        // 30 of 100 over 70/30: exactly 21 and 9.
        assert_eq!(quotas(&[70, 30], 30), [21, 9]);
        // 2 of 5 over 2/3: 0.8 and 1.2 → floors 0, 1, the leftover to the 0.8.
        assert_eq!(quotas(&[2, 3], 2), [1, 1]);
        // 3 over three groups of 1: each gets its one.
        assert_eq!(quotas(&[1, 1, 1], 3), [1, 1, 1]);
    }

    #[test]
    fn stratified_split_keeps_proportions_and_partitions_the_columns() {
        // 70 zeros and 30 ones, 20 % test: 14 zeros and 6 ones go to test (70·0.2, 30·0.2).
        let y = labels(&[(0.0, 70), (1.0, 30)]);
        let x = Array2::from_shape_fn((3, 100), |(r, c)| (100 * r + c) as f64);
        let mut rng = StdRng::seed_from_u64(42);
        let s = train_test_split(&x, &y, 0.2, true, &mut rng).unwrap();
        assert_eq!((s.y_test.ncols(), s.y_test.sum()), (20, 6.0));
        assert_eq!((s.y_train.ncols(), s.y_train.sum()), (80, 24.0));
        let mut all: Vec<usize> = s.train_indices.iter().chain(&s.test_indices).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        for (k, &i) in s.test_indices.iter().enumerate() {
            assert_eq!(s.x_test[[2, k]], (200 + i) as f64);
            assert_eq!(s.y_test[[0, k]], y[[0, i]]);
        }
    }

    #[test]
    fn split_is_reproducible_with_a_seed_and_clamps_sizes() {
        let x = Array2::from_shape_fn((1, 10), |(_, c)| c as f64);
        let run = |seed| train_test_split(&x, &x, 0.01, false, &mut StdRng::seed_from_u64(seed)).unwrap();
        assert_eq!(run(5), run(5));
        assert_eq!(run(5).test_indices.len(), 1); // round(0.1) = 0, clamped up to 1
    }

    #[test]
    fn split_errors() {
        let x = array![[1.0, 2.0, 3.0]];
        let mut rng = StdRng::seed_from_u64(0);
        for f in [0.0, 1.0, -0.5, f64::NAN] {
            let err = train_test_split(&x, &x, f, false, &mut rng).unwrap_err();
            assert!(matches!(
                err,
                Error::InvalidArgument {
                    argument: "test_fraction",
                    ..
                }
            ));
        }
        let y = array![[1.0, 0.0]];
        assert!(matches!(
            train_test_split(&x, &y, 0.5, false, &mut rng),
            Err(Error::Shape { .. })
        ));
        let one = array![[1.0]];
        assert!(train_test_split(&one, &one, 0.5, false, &mut rng).is_err());
        let soft = array![[0.2, 0.9, 1.0]];
        assert!(train_test_split(&x, &soft, 0.5, true, &mut rng).is_err());
    }

    #[test]
    fn hold_out_keeps_proportions_and_the_last_example_of_each_class() {
        // 70 zeros and 30 ones, 20 % held out: 14 zeros and 6 ones (70·0.2, 30·0.2), as
        // train_test_split; both parts sorted, together 0..100.
        let classes: Vec<usize> = (0..100).map(|i| usize::from(i >= 70)).collect();
        let (kept, held) = hold_out(100, 0.2, Some(&classes), 3).unwrap();
        assert_eq!(held.len(), 20);
        assert_eq!(held.iter().filter(|&&i| classes[i] == 1).count(), 6);
        assert!(kept.is_sorted() && held.is_sorted());
        let mut all = [kept.clone(), held.clone()].concat();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        // The same seed, the same split; another seed, another one.
        assert_eq!(hold_out(100, 0.2, Some(&classes), 3).unwrap(), (kept, held.clone()));
        assert_ne!(hold_out(100, 0.2, Some(&classes), 4).unwrap().1, held);
        // Half of [class 0 once, class 1 nine times]: quotas 0.5 and 4.5 give the tie to class 0
        // (1 and 4), but class 0 keeps its only example: 4 held out, all of class 1.
        let lonely: Vec<usize> = (0..10).map(|i| usize::from(i > 0)).collect();
        let (kept, held) = hold_out(10, 0.5, Some(&lonely), 0).unwrap();
        assert_eq!((kept[0], held.len()), (0, 4));
        // Without classes: round(0.01 · 10) = 0, clamped up to 1.
        assert_eq!(hold_out(10, 0.01, None, 0).unwrap().1.len(), 1);
    }

    #[test]
    fn hold_out_errors_name_the_fraction_and_m() {
        // Every fraction outside (0, 1) is checked through Network::fit (tests/training).
        let err = hold_out(10, 1.0, None, 0).unwrap_err();
        assert!(err.to_string().contains("fraction: Validation::split(1)"), "{err}");
        let err = hold_out(1, 0.2, None, 0).unwrap_err();
        assert!(err.to_string().contains("there are m = 1"), "{err}");
        let err = hold_out(3, 0.5, Some(&[0, 1, 2]), 0).unwrap_err();
        assert!(err.to_string().contains("every class has only one"), "{err}");
    }

    #[test]
    fn select_columns_checks_indices() {
        let x = array![[1, 2, 3]];
        assert_eq!(select_columns(&x, &[1, 1]).unwrap(), array![[2, 2]]);
        assert_eq!(select_columns(&x, &[]).unwrap().dim(), (1, 0));
        assert!(matches!(
            select_columns(&x, &[0, 3]),
            Err(Error::InvalidArgument {
                argument: "indices",
                ..
            })
        ));
    }
}
