//! The confusion counts of a classifier's evaluation over k classes, and the figures the report
//! shows from them (see [`super::classes`] for which).
//!
//! Counting is one pass over the examples, O(m), into per-class sums (O(k) memory) and a map of
//! the (true, predicted) pairs that occur (at most one entry per example); every per-class
//! figure then comes from three sums in O(1). A report of 10^4 classes costs what its examples
//! and the rows it shows cost, never k² cells nor k³ additions. The memory is checked against
//! [`crate::memory_limit`] before anything is counted.

use std::collections::HashMap;

use crate::Result;
use crate::base::limits;
use crate::metrics::ConfusionMatrix;

/// Memory per class: three counts, its one-vs-rest matrix (four) and an index.
const BYTES_PER_CLASS: u128 = 8 * 8;
/// Memory per (true, predicted) pair in the map: the key, the count and a hash table's slack.
const BYTES_PER_PAIR: u128 = 48;

/// Confusion counts of k classes, kept as sums and the pairs that occur.
#[derive(Clone, Debug)]
pub(crate) struct ClassCounts {
    /// Examples of each true class (the confusion matrix's row sums).
    truth: Vec<usize>,
    /// Examples predicted as each class (its column sums).
    predicted: Vec<usize>,
    /// Examples of each class predicted right (its diagonal).
    right: Vec<usize>,
    /// (true, predicted) → examples, for true ≠ predicted.
    confused: HashMap<(usize, usize), usize>,
    /// The number of examples.
    total: usize,
}

impl ClassCounts {
    /// Counts the pairs (truth[j], predicted[j]) of `classes` classes (pairs with a class out
    /// of range are left out); `set` names the evaluated set in errors.
    ///
    /// # Errors
    /// [`crate::Error::TooLarge`] if the counts would take more than the memory limit.
    pub(crate) fn new(set: &str, classes: usize, truth: &[usize], predicted: &[usize]) -> Result<Self> {
        let m = truth.len().min(predicted.len());
        let pairs = (m as u128).min((classes as u128).saturating_mul(classes as u128));
        let bytes = (classes as u128)
            .checked_mul(BYTES_PER_CLASS)
            .and_then(|b| b.checked_add(pairs * BYTES_PER_PAIR));
        limits::check_bytes(
            || format!("the confusion counts of the {set} set ({classes} classes, {m} examples)"),
            bytes,
        )?;
        let mut counts = ClassCounts {
            truth: vec![0; classes],
            predicted: vec![0; classes],
            right: vec![0; classes],
            confused: HashMap::new(),
            total: 0,
        };
        for (&t, &p) in truth
            .iter()
            .zip(predicted)
            .filter(|&(&t, &p)| t < classes && p < classes)
        {
            counts.total += 1;
            counts.truth[t] += 1;
            counts.predicted[p] += 1;
            match t == p {
                true => counts.right[t] += 1,
                false => *counts.confused.entry((t, p)).or_default() += 1,
            }
        }
        Ok(counts)
    }

    /// The number of classes k.
    pub(crate) fn classes(&self) -> usize {
        self.truth.len()
    }

    /// The number of examples counted.
    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// The examples predicted right.
    pub(crate) fn right(&self) -> usize {
        self.right.iter().sum()
    }

    /// The examples of class `t` predicted as `p`.
    pub(crate) fn cell(&self, t: usize, p: usize) -> usize {
        match t == p {
            true => self.right[t],
            false => self.confused.get(&(t, p)).copied().unwrap_or(0),
        }
    }

    /// The examples of class `t`.
    pub(crate) fn of_class(&self, t: usize) -> usize {
        self.truth[t]
    }

    /// Class `c` against the rest, as the crate's binary confusion matrix, in O(1).
    pub(crate) fn one_vs_rest(&self, c: usize) -> ConfusionMatrix {
        let tp = self.right[c];
        let fn_ = self.truth[c] - tp;
        let fp = self.predicted[c] - tp;
        ConfusionMatrix {
            tp,
            fp,
            tn: self.total - tp - fn_ - fp,
            fn_,
        }
    }

    /// Every class against the rest, class 0 first.
    pub(crate) fn per_class(&self) -> Vec<ConfusionMatrix> {
        (0..self.classes()).map(|c| self.one_vs_rest(c)).collect()
    }

    /// The classes that have an example or a prediction.
    pub(crate) fn seen(&self) -> usize {
        (0..self.classes())
            .filter(|&c| self.truth[c] + self.predicted[c] > 0)
            .count()
    }

    /// At most `n` classes with an example or a prediction, lowest F1 first (ties in class
    /// order), in O(k + n log n).
    pub(crate) fn lowest_f1(&self, per_class: &[ConfusionMatrix], n: usize) -> Vec<usize> {
        let mut seen: Vec<usize> = (0..self.classes())
            .filter(|&c| self.truth[c] + self.predicted[c] > 0)
            .collect();
        let order = |&a: &usize, &b: &usize| per_class[a].f1().total_cmp(&per_class[b].f1()).then(a.cmp(&b));
        if seen.len() > n && n > 0 {
            seen.select_nth_unstable_by(n - 1, order);
        }
        seen.truncate(n);
        seen.sort_unstable_by(order);
        seen
    }

    /// The number of (true, predicted) pairs of different classes that occur.
    pub(crate) fn pairs_confused(&self) -> usize {
        self.confused.len()
    }

    /// At most `n` confusions ((true, predicted), examples), the most frequent first (ties by
    /// true class, then predicted class), in O(pairs + n log n).
    pub(crate) fn top_confusions(&self, n: usize) -> Vec<((usize, usize), usize)> {
        let mut pairs: Vec<((usize, usize), usize)> =
            self.confused.iter().map(|(&pair, &count)| (pair, count)).collect();
        let order = |a: &((usize, usize), usize), b: &((usize, usize), usize)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if pairs.len() > n && n > 0 {
            pairs.select_nth_unstable_by(n - 1, order);
        }
        pairs.truncate(n);
        pairs.sort_unstable_by(order);
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_vs_rest_counts_add_up() {
        // true 0: 5 right, 1 called 1; true 1: 2 called 0, 7 right.
        let truth = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        let predicted = [0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1];
        let counts = ClassCounts::new("test", 2, &truth, &predicted).unwrap();
        assert_eq!(
            counts.one_vs_rest(1),
            ConfusionMatrix {
                tp: 7,
                fp: 1,
                tn: 5,
                fn_: 2
            }
        );
        assert_eq!((counts.cell(0, 1), counts.cell(1, 0), counts.cell(1, 1)), (1, 2, 7));
    }

    #[test]
    fn the_lowest_f1_and_the_most_frequent_confusions_come_first() {
        // Class 0 always right, class 1 twice called 2, class 2 once called 1, class 3 unseen.
        let truth = [0, 0, 1, 1, 1, 2, 2];
        let predicted = [0, 0, 2, 2, 1, 1, 2];
        let counts = ClassCounts::new("test", 4, &truth, &predicted).unwrap();
        let per_class = counts.per_class();
        assert_eq!(counts.seen(), 3);
        // F1: class 0 1, class 1 2/5, class 2 2/5 (ties in class order).
        assert_eq!(counts.lowest_f1(&per_class, 2), [1, 2]);
        assert_eq!(counts.lowest_f1(&per_class, 10), [1, 2, 0]);
        assert_eq!(counts.top_confusions(1), [((1, 2), 2)]);
        assert_eq!(counts.top_confusions(5), [((1, 2), 2), ((2, 1), 1)]);
        assert_eq!(counts.pairs_confused(), 2);
    }
}
