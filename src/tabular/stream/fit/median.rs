//! The exact median of a numeric column read in passes, in memory that does not grow with the
//! number of rows: [`Median`] narrows the range holding the two middle values pass by pass
//! with a histogram, then keeps the few values left in that range and sorts them.
//!
//! ```text
//! pass 1:  keep the first 4096 values; past them, count the values in 4096 buckets spanning
//!          the values seen so far (the buckets double in width, merging in pairs, when a value
//!          falls outside), with each bucket's least and greatest value; the middle ranks fall
//!          in one or two buckets: their range is the new range, the values below it counted
//! pass 2…  the same inside the new range, until at most 65 536 values are in it
//! last:    keep the values in the range, sort them, read the middle ranks
//! ```
//!
//! Buckets split the range of the values' order-preserving 64-bit keys (a float's bits, made
//! to sort as the numbers do, `f64::total_cmp`), so each histogram pass narrows the range by a
//! factor of 2048 or more whatever the values' spread: at most 7 passes for any data, and in
//! practice the first pass then the last. A range down to one key is one value, known without a
//! last pass (a column of few distinct values, e.g. integers, often after the first pass).
//! Memory: 96 KiB a column, or the 65 536 values of the last pass (512 KiB).

use crate::tabular::column::median;

/// Buckets of a histogram (3 · 8 bytes each: 96 KiB a column).
const BUCKETS: usize = 4096;

/// At most this many values are kept by the last pass (8 bytes each).
pub(super) const KEEP: u64 = 1 << 16;

/// The median of the values of a column, found over passes.
#[derive(Debug)]
pub(super) struct Median {
    /// The number of values and the ranks (from 0, in sorted order) of the two middle ones,
    /// ⌊(n−1)/2⌋ and ⌊n/2⌋; known after the first pass.
    n: u64,
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
    /// Counting the values in buckets.
    Histogram(Histogram),
    /// Keeping every value in the range.
    Keep(Vec<u64>),
    Done(f64),
}

/// Buckets of `1 << shift` keys from `base`: each one's count, least and greatest key.
#[derive(Debug)]
struct Histogram {
    base: u64,
    shift: u32,
    counts: Vec<u64>,
    least: Vec<u64>,
    greatest: Vec<u64>,
}

impl Histogram {
    /// Buckets from `base` of width the least power of two that covers `base..=high` in
    /// [`BUCKETS`] buckets (they grow if a value falls outside).
    fn new(base: u64, high: u64) -> Self {
        let span = u128::from(high - base) + 1;
        let mut shift = 0;
        while span > (BUCKETS as u128) << shift {
            shift += 1;
        }
        Histogram {
            base,
            shift,
            counts: vec![0; BUCKETS],
            least: vec![u64::MAX; BUCKETS],
            greatest: vec![0; BUCKETS],
        }
    }

    /// Whether key `k` is in the buckets' range.
    fn covers(&self, k: u64) -> bool {
        k >= self.base && u128::from(k - self.base) < (BUCKETS as u128) << self.shift
    }

    fn add(&mut self, k: u64) {
        if !self.covers(k) {
            self.grow_to(k);
        }
        let b = usize::try_from((k - self.base) >> self.shift).unwrap_or(BUCKETS - 1);
        self.counts[b] += 1;
        self.least[b] = self.least[b].min(k);
        self.greatest[b] = self.greatest[b].max(k);
    }

    /// Moves the buckets to cover `k` and every key counted: the same width or the least
    /// power of two above it that does, from a base that is a multiple of it, merging the
    /// buckets that fall together. Widths only grow, at most to 2^52 keys (4096 of them cover
    /// every key), and stay within twice the least that covers the keys seen.
    fn grow_to(&mut self, k: u64) {
        let occupied = (0..BUCKETS).filter(|&b| self.counts[b] > 0);
        let low = occupied.clone().map(|b| self.least[b]).fold(k, u64::min);
        let high = occupied.map(|b| self.greatest[b]).fold(k, u64::max);
        let mut shift = self.shift;
        while u128::from(high - (low & !((1u64 << shift) - 1))) >= (BUCKETS as u128) << shift {
            shift += 1;
        }
        let base = low & !((1u64 << shift) - 1);
        let mut merged = Histogram {
            base,
            shift,
            counts: vec![0; BUCKETS],
            least: vec![u64::MAX; BUCKETS],
            greatest: vec![0; BUCKETS],
        };
        for b in (0..BUCKETS).filter(|&b| self.counts[b] > 0) {
            let to = usize::try_from((self.least[b] - base) >> shift).unwrap_or(BUCKETS - 1);
            merged.counts[to] += self.counts[b];
            merged.least[to] = merged.least[to].min(self.least[b]);
            merged.greatest[to] = merged.greatest[to].max(self.greatest[b]);
        }
        *self = merged;
    }
}

impl Median {
    /// The median of the values the first pass will see.
    pub(super) fn new() -> Self {
        Median {
            n: 0,
            ranks: [0, 0],
            low: 0,
            high: u64::MAX,
            below: 0,
            stage: Stage::Keep(Vec::new()),
        }
    }

    /// What the next pass does, with `inside` values in the range.
    fn next_stage(&self, inside: u64) -> Stage {
        if self.low == self.high {
            let value = from_key(self.low);
            Stage::Done(median(self.n % 2 == 1, value, value))
        } else if inside <= KEEP {
            Stage::Keep(Vec::with_capacity(usize::try_from(inside).unwrap_or(0)))
        } else {
            Stage::Histogram(Histogram::new(self.low, self.high))
        }
    }

    /// The median, once known.
    pub(super) fn value(&self) -> Option<f64> {
        match self.stage {
            Stage::Done(value) => Some(value),
            Stage::Histogram(_) | Stage::Keep(_) => None,
        }
    }

    /// Sees one value (finite) of a pass, in any order.
    pub(super) fn observe(&mut self, value: f64) {
        let k = key(value);
        if k < self.low || k > self.high {
            return;
        }
        match &mut self.stage {
            Stage::Histogram(histogram) => histogram.add(k),
            Stage::Keep(kept) => {
                kept.push(k);
                // The first pass keeps its first values (as many as a histogram's buckets, the
                // same memory), then counts them in buckets.
                if self.n == 0 && kept.len() > BUCKETS {
                    let mut histogram = Histogram::new(k, k);
                    kept.iter().for_each(|&k| histogram.add(k));
                    self.stage = Stage::Histogram(histogram);
                }
            }
            Stage::Done(_) => {}
        }
    }

    /// Ends a pass that saw every value once; after the first, `Some(n)` if it saw `n` (at
    /// least 1) values.
    ///
    /// # Errors
    /// If the pass did not see the values the earlier passes counted (the file changed
    /// between passes without its checksums noticing).
    pub(super) fn end_pass(&mut self) -> Result<(), String> {
        let lost = || "a pass over the file saw other values than the pass before".to_owned();
        let stage = std::mem::replace(&mut self.stage, Stage::Done(0.0));
        if self.n == 0 {
            // The first pass: now the count and the middle ranks are known.
            self.n = match &stage {
                Stage::Keep(kept) => kept.len() as u64,
                Stage::Histogram(histogram) => histogram.counts.iter().sum(),
                Stage::Done(_) => 0,
            };
            if self.n == 0 {
                return Err("no value to take the median of".to_owned());
            }
            self.ranks = [(self.n - 1) / 2, self.n / 2];
        }
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
            Stage::Histogram(Histogram {
                counts,
                least,
                greatest,
                ..
            }) => {
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

    /// Passes until the median is known; returns it and the number of passes.
    fn by_passes(values: &[f64]) -> (f64, usize) {
        let mut m = Median::new();
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
                assert!(passes <= 7, "{name}: {passes} passes");
            }
        }
        assert_eq!(by_passes(&[2.5]).0, 2.5);
    }

    #[test]
    fn passes_by_kind_of_column() {
        // Few distinct values: the first pass's buckets find the median alone.
        let values: Vec<f64> = (0..100_000).map(|i| f64::from(i % 7)).collect();
        assert_eq!(by_passes(&values), (3.0, 1));
        // Few values: all kept in the first pass.
        assert_eq!(by_passes(&[3.0, -1.0, 2.0]), (2.0, 1));
        // 10^6 spread values: the first pass's histogram, then a last pass.
        let spread: Vec<f64> = (1..=1_000_000u32)
            .map(|i| f64::from(i.wrapping_mul(2_654_435_761)).sqrt())
            .collect();
        assert_eq!(by_passes(&spread).1, 2);
    }
}
