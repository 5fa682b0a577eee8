//! Seeded k-fold cross-validation indices, optionally stratified by class.
//!
//! ```
//! use rand::SeedableRng;
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let classes = [0, 0, 0, 0, 1, 1, 1, 1];
//! let folds = ndnet::data::k_fold_indices(8, 4, Some(&classes), &mut rng)?;
//! for (train, valid) in &folds {
//!     assert_eq!((train.len(), valid.len()), (6, 2)); // one example of each class per fold
//! }
//! # Ok::<(), ndnet::Error>(())
//! ```

use rand::Rng;
use rand::seq::SliceRandom;

use super::classes::class_groups;
use crate::{Error, Result};

/// Splits the indices 0..m into `k` folds at random and returns, for each fold, the pair
/// (training indices, validation indices), both sorted.
///
/// Every index is in exactly one validation set; fold sizes differ by at most one. With
/// `stratify` (the class of each example, e.g. from [`class_indices`](super::class_indices)), each class is dealt
/// round-robin over the folds, so each fold's count of every class differs from the others'
/// by at most one (a class with fewer than k examples is absent from some folds).
///
/// # Errors
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if k < 2, k > m, or `stratify` has not m labels;
/// [`Error::TooLarge`](crate::Error::TooLarge) if the folds' indices would exceed the
/// [memory limit](crate::memory_limit).
///
/// ```
/// use rand::SeedableRng;
/// let mut rng = rand::rngs::StdRng::seed_from_u64(3);
/// let folds = ndnet::data::k_fold_indices(7, 3, None, &mut rng).unwrap();
/// let sizes: Vec<usize> = folds.iter().map(|(_, valid)| valid.len()).collect();
/// assert_eq!(sizes, [3, 2, 2]); // 7 = 3 + 2 + 2
/// assert_eq!(folds[0].0.len() + folds[0].1.len(), 7);
/// ```
pub fn k_fold_indices<R: Rng + ?Sized>(
    m: usize,
    k: usize,
    stratify: Option<&[usize]>,
    rng: &mut R,
) -> Result<Vec<(Vec<usize>, Vec<usize>)>> {
    if k < 2 {
        return Err(Error::invalid_argument(
            "k",
            format!("k = {k} folds; at least 2 are needed"),
        ));
    }
    if k > m {
        return Err(Error::invalid_argument(
            "k",
            format!("k = {k} folds but only m = {m} examples"),
        ));
    }
    // The k folds' indices (m each) and the two working lists, before any is allocated.
    let what = || format!("the indices of {k} folds of m = {m} examples");
    crate::base::limits::check_alloc(what, &[k.saturating_add(2), m], std::mem::size_of::<usize>())?;
    let mut order = Vec::with_capacity(m);
    match stratify {
        Some(labels) if labels.len() != m => {
            return Err(Error::invalid_argument(
                "stratify",
                format!("{} labels for m = {m} examples", labels.len()),
            ));
        }
        Some(labels) => {
            for mut group in class_groups(labels) {
                group.shuffle(rng);
                order.extend(group);
            }
        }
        None => {
            order.extend(0..m);
            order.shuffle(rng);
        }
    }
    let mut fold_of = vec![0; m];
    for (position, &i) in order.iter().enumerate() {
        fold_of[i] = position % k;
    }
    Ok((0..k).map(|f| (0..m).partition(|&i| fold_of[i] != f)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::data::class_indices;
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn labels(pattern: &[(f64, usize)]) -> Array2<f64> {
        let v: Vec<f64> = pattern.iter().flat_map(|&(c, n)| std::iter::repeat_n(c, n)).collect();
        Array2::from_shape_vec((1, v.len()), v).expect("one row")
    }

    #[test]
    fn folds_cover_every_index_once_without_overlap() {
        let mut rng = StdRng::seed_from_u64(9);
        let folds = k_fold_indices(23, 5, None, &mut rng).unwrap();
        let mut seen = vec![0; 23];
        for (train, valid) in &folds {
            assert!(valid.len() == 4 || valid.len() == 5); // 23 = 5 + 5 + 5 + 4 + 4
            assert_eq!(train.len() + valid.len(), 23);
            assert!(train.iter().all(|i| !valid.contains(i)));
            valid.iter().for_each(|&i| seen[i] += 1);
        }
        assert_eq!(seen, vec![1; 23]);
    }

    #[test]
    fn stratified_folds_balance_each_class() {
        // 12 of class 0, 8 of class 1, 4 folds: each fold gets 3 zeros and 2 ones.
        let y = labels(&[(0.0, 12), (1.0, 8)]);
        let classes = class_indices(&y).unwrap();
        let folds = k_fold_indices(20, 4, Some(&classes), &mut StdRng::seed_from_u64(1)).unwrap();
        for (_, valid) in &folds {
            let ones = valid.iter().filter(|&&i| classes[i] == 1).count();
            assert_eq!((valid.len(), ones), (5, 2));
        }
    }

    #[test]
    fn fold_errors() {
        let mut rng = StdRng::seed_from_u64(0);
        assert!(matches!(
            k_fold_indices(10, 1, None, &mut rng),
            Err(Error::InvalidArgument { argument: "k", .. })
        ));
        assert!(matches!(
            k_fold_indices(3, 4, None, &mut rng),
            Err(Error::InvalidArgument { argument: "k", .. })
        ));
        assert!(k_fold_indices(0, 2, None, &mut rng).is_err());
        let err = k_fold_indices(4, 2, Some(&[0, 1, 0]), &mut rng).unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "stratify",
                ..
            }
        ));
    }
}
