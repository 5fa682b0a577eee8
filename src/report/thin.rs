//! Fewer points for long series, so that a chart of 10^5 records stays a few kilobytes.
//!
//! A line keeps its shape: the points are cut into buckets of consecutive points, and each
//! bucket keeps its first and last point and its lowest and highest one, in their order — a
//! spike in the cost survives thinning. A scatter keeps every k-th point, so the cloud keeps its
//! density.

/// The points whose x and y are both finite.
fn finite(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    points
        .iter()
        .copied()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect()
}

/// At most about `max` points of the line through `points` (in x order), keeping each bucket's
/// first, lowest, highest and last point; `points` itself when it has at most `max` points.
/// Non-finite points are dropped.
pub(crate) fn thin_line(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    let finite = finite(points);
    if finite.len() <= max || max < 4 {
        return finite;
    }
    let bucket = finite.len().div_ceil(max / 4);
    let mut out = Vec::with_capacity(max);
    for chunk in finite.chunks(bucket) {
        let by_y = |a: &&(f64, f64), b: &&(f64, f64)| a.1.total_cmp(&b.1);
        let lowest = chunk
            .iter()
            .enumerate()
            .min_by(|a, b| by_y(&a.1, &b.1))
            .map_or(0, |p| p.0);
        let highest = chunk
            .iter()
            .enumerate()
            .max_by(|a, b| by_y(&a.1, &b.1))
            .map_or(0, |p| p.0);
        let mut keep = [0, lowest, highest, chunk.len() - 1];
        keep.sort_unstable();
        let mut last = None;
        for k in keep {
            if last != Some(k) {
                out.push(chunk[k]);
                last = Some(k);
            }
        }
    }
    out
}

/// At most `max` of `points`: every k-th one (k the smallest step that fits), from the first.
/// Non-finite points are dropped.
pub(crate) fn thin_scatter(points: &[(f64, f64)], max: usize) -> Vec<(f64, f64)> {
    let finite = finite(points);
    if finite.len() <= max || max == 0 {
        return finite;
    }
    let step = finite.len().div_ceil(max);
    finite.into_iter().step_by(step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_kept_whole() {
        let points = [(0.0, 1.0), (1.0, 0.5), (2.0, 0.25)];
        assert_eq!(thin_line(&points, 100), points);
    }

    #[test]
    fn long_lines_shrink_and_keep_ends_and_spikes() {
        // 10^5 points of a decaying cost with one spike at x = 55555.
        let points: Vec<(f64, f64)> = (0..100_000)
            .map(|i| (i as f64, if i == 55_555 { 9.0 } else { 1.0 / (1.0 + i as f64) }))
            .collect();
        let thin = thin_line(&points, 1000);
        assert!(thin.len() <= 1000, "{} points", thin.len());
        assert!(thin.len() > 500, "{} points", thin.len());
        assert_eq!(thin.first(), points.first());
        assert_eq!(thin.last(), points.last());
        assert!(thin.contains(&(55_555.0, 9.0)), "the spike was dropped");
        assert!(thin.windows(2).all(|w| w[0].0 < w[1].0), "x order lost");
    }

    #[test]
    fn non_finite_points_are_dropped() {
        let points = [(0.0, 1.0), (1.0, f64::NAN), (2.0, f64::INFINITY), (3.0, 0.5)];
        assert_eq!(thin_line(&points, 10), [(0.0, 1.0), (3.0, 0.5)]);
        assert_eq!(thin_scatter(&points, 10), [(0.0, 1.0), (3.0, 0.5)]);
    }

    #[test]
    fn scatters_keep_every_kth_point() {
        let points: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, 0.0)).collect();
        let thin = thin_scatter(&points, 4);
        // Step ceil(10 / 4) = 3: points 0, 3, 6, 9.
        assert_eq!(thin.iter().map(|p| p.0).collect::<Vec<_>>(), [0.0, 3.0, 6.0, 9.0]);
        assert_eq!(thin_scatter(&points, 20).len(), 10);
        assert!(thin_scatter(&[], 5).is_empty());
    }
}
