//! The exact median of a numeric column read in passes, in memory that does not grow with the
//! number of rows: [`Median`] narrows the range holding the two middle values pass by pass
//! with a histogram, then keeps the few values left in that range and sorts them.
//!
//! ```text
//! pass 1 (the first pass):  n, the smallest and the largest value
//! pass 2:  count the values in 4096 buckets between them (each bucket's own least and
//!          greatest value too); the middle ranks fall in one or two buckets: their range is
//!          the new range, the values below it are counted
//! …        again inside the new range, until at most 65 536 values are in it
//! last:    keep the values in the range, sort them, read the middle ranks
//! ```
//!
//! Buckets split the range of the values' order-preserving 64-bit keys (a float's bits, made
//! to sort as the numbers do, `f64::total_cmp`), so each histogram pass narrows the range by a
//! factor of 4096 whatever the values' spread: at most 6 passes for any data (64 bits, 12 a
//! pass), and in practice one histogram then the last pass. A range down to one key is
//! one value, known without a last pass (a column of few distinct values, e.g. integers).

use crate::tabular::column::median;

/// Buckets of a histogram pass.
const BUCKETS: usize = 4096;

/// At most this many values are kept by the last pass (8 bytes each).
pub(super) const KEEP: u64 = 1 << 16;

/// The median of `n` values, found over passes.
#[derive(Debug)]
pub(super) struct Median {
    n: u64,
    /// The ranks (from 0, in sorted order) of the two middle values, ⌊(n−1)/2⌋ and ⌊n/2⌋.
    ranks: [u64; 2],
    /// The range of keys holding both middle values (inclusive).
    low: u64,
    high: u64,
    /// How many values have keys below `low`.
    below: u64,
    stage: Stage,
}

#[derive(Debug)]
enum Stage {
    /// Counting the values of each bucket of `width` keys, and each bucket's least and greatest key.
    Histogram {
        width: u64,
        counts: Vec<u64>,
        least: Vec<u64>,
        greatest: Vec<u64>,
    },
    /// Keeping every value in the range.
    Keep(Vec<u64>),
    Done(f64),
}

impl Median {
    /// The median of `n` (at least 1) values ranging from `smallest` to `largest`.
    pub(super) fn new(n: u64, smallest: f64, largest: f64) -> Self {
        let mut median = Median {
            n,
            ranks: [(n - 1) / 2, n / 2],
            low: key(smallest),
            high: key(largest),
            below: 0,
            stage: Stage::Done(0.0),
        };
        median.stage = median.next_stage(n);
        median
    }

    /// What the next pass does, with `inside` values in the range.
    fn next_stage(&self, inside: u64) -> Stage {
        if self.low == self.high {
            let value = from_key(self.low);
            Stage::Done(median(self.n % 2 == 1, value, value))
        } else if inside <= KEEP {
            Stage::Keep(Vec::with_capacity(usize::try_from(inside).unwrap_or(0)))
        } else {
            Stage::Histogram {
                width: (self.high - self.low) / BUCKETS as u64 + 1,
                counts: vec![0; BUCKETS],
                least: vec![u64::MAX; BUCKETS],
                greatest: vec![0; BUCKETS],
            }
        }
    }

    /// The median, once known.
    pub(super) fn value(&self) -> Option<f64> {
        match self.stage {
            Stage::Done(value) => Some(value),
            Stage::Histogram { .. } | Stage::Keep(_) => None,
        }
    }

    /// Sees one value (finite) of a pass, in any order.
    pub(super) fn observe(&mut self, value: f64) {
        let k = key(value);
        if k < self.low || k > self.high {
            return;
        }
        match &mut self.stage {
            Stage::Histogram {
                width,
                counts,
                least,
                greatest,
            } => {
                let b = usize::try_from((k - self.low) / *width).unwrap_or(BUCKETS - 1);
                counts[b] += 1;
                least[b] = least[b].min(k);
                greatest[b] = greatest[b].max(k);
            }
            Stage::Keep(kept) => kept.push(k),
            Stage::Done(_) => {}
        }
    }

    /// Ends a pass that saw every value once.
    ///
    /// # Errors
    /// If the pass did not see the values the earlier passes counted (the file changed
    /// between passes without its checksums noticing).
    pub(super) fn end_pass(&mut self) -> Result<(), String> {
        let lost = || "a pass over the file saw other values than the pass before".to_owned();
        let stage = std::mem::replace(&mut self.stage, Stage::Done(0.0));
        self.stage = match stage {
            Stage::Done(value) => Stage::Done(value),
            Stage::Keep(mut kept) => {
                kept.sort_unstable();
                let at = |rank: u64| {
                    let i = usize::try_from(rank - self.below).ok()?;
                    kept.get(i).copied().map(from_key)
                };
                let (lower, upper) = (at(self.ranks[0]).ok_or_else(lost)?, at(self.ranks[1]).ok_or_else(lost)?);
                Stage::Done(median(self.n % 2 == 1, lower, upper))
            }
            Stage::Histogram {
                counts,
                least,
                greatest,
                ..
            } => {
                // The buckets of the two middle ranks, and the values before the first.
                let (mut seen, mut first, mut last) = (self.below, None, None);
                for (b, &count) in counts.iter().enumerate() {
                    if first.is_none() && seen + count > self.ranks[0] {
                        first = Some((b, seen));
                    }
                    if seen + count > self.ranks[1] {
                        last = Some(b);
                        break;
                    }
                    seen += count;
                }
                let ((first, below), last) = (first.ok_or_else(lost)?, last.ok_or_else(lost)?);
                self.low = least[first];
                self.high = greatest[last];
                self.below = below;
                let inside = counts[first..=last].iter().sum();
                self.next_stage(inside)
            }
        };
        Ok(())
    }
}

/// A key that sorts as `f64::total_cmp` sorts the values: the bits of a positive value with
/// the sign bit set, the bits of a negative one inverted.
fn key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// The value of a [`key`].
fn from_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The median by sorting, as the in-memory fit finds it.
    fn sorted_median(values: &[f64]) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        median(n % 2 == 1, sorted[(n - 1) / 2], sorted[n / 2])
    }

    /// Passes until the median is known; returns it and the passes after the first.
    fn by_passes(values: &[f64]) -> (f64, usize) {
        let smallest = values.iter().copied().min_by(f64::total_cmp).unwrap();
        let largest = values.iter().copied().max_by(f64::total_cmp).unwrap();
        let mut m = Median::new(values.len() as u64, smallest, largest);
        let mut passes = 0;
        while m.value().is_none() {
            values.iter().for_each(|&v| m.observe(v));
            m.end_pass().unwrap();
            passes += 1;
        }
        (m.value().unwrap(), passes)
    }

    #[test]
    fn keys_sort_as_total_cmp() {
        let values = [f64::MIN, -1.0, -f64::MIN_POSITIVE, -0.0, 0.0, 5e-324, 1.0, f64::MAX];
        for pair in values.windows(2) {
            assert!(key(pair[0]) < key(pair[1]), "{pair:?}");
        }
        for v in values {
            assert_eq!(from_key(key(v)).to_bits(), v.to_bits());
        }
    }

    #[test]
    fn equals_the_sorted_median_bit_for_bit() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let spread: Vec<f64> = (0..200_001).map(|_| rng.random::<f64>().exp() * 1e3).collect();
        let integers: Vec<f64> = (0..150_000).map(|_| f64::from(rng.random_range(0..80u8))).collect();
        let outlier: Vec<f64> = (0..100_000)
            .map(|i| if i == 0 { 1e300 } else { rng.random::<f64>() })
            .collect();
        let mixed: Vec<f64> = vec![-0.0, 0.0, -0.0, 3.0, -5e-324, 5e-324];
        for (name, values) in [
            ("spread", spread),
            ("integers", integers),
            ("outlier", outlier),
            ("mixed", mixed),
        ] {
            for n in [values.len(), values.len() - 1] {
                let values = &values[..n];
                let (got, passes) = by_passes(values);
                assert_eq!(got.to_bits(), sorted_median(values).to_bits(), "{name}, n = {n}");
                assert!(passes <= 6, "{name}: {passes} passes");
            }
        }
        assert_eq!(by_passes(&[2.5]).0, 2.5);
    }

    #[test]
    fn many_equal_middle_values_need_no_last_pass() {
        let values: Vec<f64> = (0..100_000).map(|i| f64::from(i % 7)).collect();
        assert_eq!(by_passes(&values), (3.0, 1));
    }
}
