//! The mean and population standard deviation a numeric column (or a regression target) is
//! standardized with, summed value by value so that a table in memory and a CSV file read in
//! passes give the same bits: [`Sum`] is the first pass (the mean), [`Deviations`] the second.
//!
//! ```text
//! scale = max |v|  (1 if every v is 0)        so that v / scale is in [−1, 1]: squares of
//! mean  = Σ (v / scale) / n                   values like 1e300 would overflow to inf
//! var   = Σ (v / scale − mean)² / n
//! (mean · scale, √var · scale), std 1 for a constant column
//! ```
//!
//! Each sum adds its terms one at a time, in the order the values come, the imputed values
//! last; two-pass (not Welford's one-pass update) for the accuracy of the textbook formula.

/// The first pass: the sum of `v / scale` over the values in order.
#[derive(Clone, Debug)]
pub(super) struct Sum {
    scale: f64,
    sum: f64,
    count: u64,
}

impl Sum {
    /// A sum of values whose largest magnitude is `largest` (known from an earlier pass).
    pub(super) fn new(largest: f64) -> Self {
        Sum {
            scale: if largest > 0.0 { largest } else { 1.0 },
            // −0.0 is the identity of addition (0.0 + −0.0 is 0.0), as `Iterator::sum` starts.
            sum: -0.0,
            count: 0,
        }
    }

    pub(super) fn add(&mut self, value: f64) {
        self.sum += value / self.scale;
        self.count += 1;
    }

    /// Adds `value` `times` times, one term at a time (an imputed value fills every missing cell).
    pub(super) fn add_repeated(&mut self, value: f64, times: u64) {
        for _ in 0..times {
            self.add(value);
        }
    }

    /// The second pass, around the mean of the values summed (at least one).
    pub(super) fn deviations(&self) -> Deviations {
        Deviations {
            scale: self.scale,
            mean: self.sum / self.count as f64,
            sum: -0.0,
            count: 0,
        }
    }
}

/// The second pass: the sum of `(v / scale − mean)²` over the same values in the same order.
#[derive(Clone, Debug)]
pub(super) struct Deviations {
    scale: f64,
    mean: f64,
    sum: f64,
    count: u64,
}

impl Deviations {
    pub(super) fn add(&mut self, value: f64) {
        let d = value / self.scale - self.mean;
        self.sum += d * d;
        self.count += 1;
    }

    /// Adds `value` `times` times, one term at a time.
    pub(super) fn add_repeated(&mut self, value: f64, times: u64) {
        for _ in 0..times {
            self.add(value);
        }
    }

    /// The mean and the population standard deviation; std 1 when the values are `constant`
    /// (all equal), so that `(x − mean) / std` is 0, not 0 / 0.
    pub(super) fn mean_and_std(&self, constant: bool) -> (f64, f64) {
        let variance = self.sum / self.count as f64;
        let std = if constant || variance <= 0.0 {
            1.0
        } else {
            variance.sqrt() * self.scale
        };
        (self.mean * self.scale, std)
    }
}

/// The mean and population standard deviation of `values` followed by `repeat` copies of
/// `fill` (`values` non-empty, every value finite), with std 1 for a constant column.
pub(super) fn mean_and_std(values: &[f64], fill: f64, repeat: usize) -> (f64, f64) {
    let largest = values.iter().fold(fill.abs(), |largest, v| largest.max(v.abs()));
    let mut sum = Sum::new(largest);
    values.iter().for_each(|&v| sum.add(v));
    sum.add_repeated(fill, repeat as u64);
    let mut deviations = sum.deviations();
    values.iter().for_each(|&v| deviations.add(v));
    deviations.add_repeated(fill, repeat as u64);
    let constant = values.iter().all(|&v| v == values[0]) && (repeat == 0 || fill == values[0]);
    deviations.mean_and_std(constant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_population_std_by_hand() {
        // 1, 2, 4, 9 and 3 once: mean 19 / 5 = 3.8, variance (7.84 + 3.24 + 0.04 + 27.04 + 0.64) / 5.
        let (mean, std) = mean_and_std(&[1.0, 2.0, 4.0, 9.0], 3.0, 1);
        assert!((mean - 3.8).abs() < 1e-12);
        assert!((std - 7.76_f64.sqrt()).abs() < 1e-12);
        assert_eq!(mean_and_std(&[0.5, 0.5], 0.5, 3), (0.5, 1.0));
        assert_eq!(mean_and_std(&[0.0], 0.0, 0), (0.0, 1.0));
    }

    /// Values near f64::MAX: the sums of squares stay finite because they are of v / max |v|.
    #[test]
    fn huge_values_do_not_overflow() {
        let (mean, std) = mean_and_std(&[1.5e308, -1.5e308], 0.0, 0);
        assert_eq!((mean, std), (0.0, 1.5e308));
    }
}
