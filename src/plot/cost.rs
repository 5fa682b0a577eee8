//! The cost-per-iteration line chart.

use std::path::Path;

use plotters::prelude::*;

use super::{FAMILY, drawing_error, font, render_png};
use crate::{Error, Result};

/// Width and height in pixels of the PNG that [`plot_cost`] writes.
pub const COST_SIZE: (u32, u32) = (800, 500);

/// Draws the cost against the iteration as a line chart and writes it to `path` as a PNG.
///
/// `history` holds `(iteration, cost)` pairs, e.g. the cost recorded every 100 iterations. The
/// picture is [`COST_SIZE`] pixels, with `title` on top, "iteration" and "cost" on the axes.
/// The y axis starts at 0 unless a cost is negative.
///
/// # Errors
/// [`Error::InvalidArgument`] if `history` is empty or holds a NaN or infinite cost, or costs
/// spanning a range too wide for f64 (near ±f64::MAX);
/// [`Error::Io`] if the file cannot be written.
///
/// ```
/// let path = std::env::temp_dir().join("ndnet_doc_cost.png");
/// let history: Vec<(usize, f64)> = (0..25).map(|i| (i * 100, 0.7 / (1.0 + i as f64))).collect();
/// ndnet::plot::plot_cost(&path, &history, "Learning rate = 0.0075").unwrap();
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn plot_cost(path: impl AsRef<Path>, history: &[(usize, f64)], title: &str) -> Result<()> {
    let path = path.as_ref();
    if history.is_empty() {
        return Err(Error::InvalidArgument {
            argument: "history",
            message: "is empty; there is no cost to plot".into(),
        });
    }
    if let Some(i) = history.iter().position(|(_, c)| !c.is_finite()) {
        return Err(Error::InvalidArgument {
            argument: "history",
            message: format!("history[{i}] has cost {} at iteration {}", history[i].1, history[i].0),
        });
    }
    let (first, last) = history
        .iter()
        .fold((usize::MAX, 0), |(lo, hi), &(it, _)| (lo.min(it), hi.max(it)));
    // An axis one iteration wide at least, also when every iteration is usize::MAX.
    let (first, last) = match (first, last) {
        (f, l) if l > f => (f, l),
        (usize::MAX, _) => (usize::MAX - 1, usize::MAX),
        (f, _) => (f, f + 1),
    };
    let (lo, hi) = history
        .iter()
        .fold((0.0f64, f64::MIN), |(lo, hi), &(_, c)| (lo.min(c), hi.max(c)));
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 1.0 };
    let y_range = super::axis_range("history", lo.min(0.0), hi, pad)?;
    let y_range = if lo < 0.0 { y_range } else { 0.0..y_range.end };

    render_png(path, COST_SIZE, |root| {
        let err = |e: &dyn std::fmt::Display| drawing_error(path, e);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FAMILY, 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(first..last, y_range)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("iteration")
            .y_desc("cost")
            .label_style(font(15))
            .axis_desc_style(font(18))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| err(&e))?;
        chart
            .draw_series(LineSeries::new(history.iter().copied(), BLUE.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label("cost")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
        if history.len() <= 60 {
            let dots = history.iter().map(|&p| Circle::new(p, 3, BLUE.filled()));
            chart.draw_series(dots).map_err(|e| err(&e))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(font(15))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(&e))
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{colour_count, read_png, temp_png};
    use super::*;

    #[test]
    fn writes_a_png_of_the_documented_size_that_is_not_blank() {
        let path = temp_png("cost");
        let history: Vec<(usize, f64)> = (0..25)
            .map(|i| (i * 100, 0.77 * (-0.1 * i as f64).exp() + 0.05))
            .collect();
        plot_cost(&path, &history, "Cost, learning rate = 0.0075").unwrap();
        let (w, h, pixels) = read_png(&path);
        assert_eq!((w, h), COST_SIZE);
        // Blue line, black axes, anti-aliased text: many colours, and plenty of blue.
        assert!(colour_count(&pixels) > 20);
        let blue = pixels
            .chunks(3)
            .filter(|p| p[2] > 200 && p[0] < 80 && p[1] < 80)
            .count();
        assert!(blue > 500, "{blue} blue pixels");
        // The title is drawn: dark pixels in the top 45 rows (above the plotting area).
        let top = &pixels[..45 * w as usize * 3];
        let dark = top.chunks(3).filter(|p| p.iter().all(|&v| v < 100)).count();
        assert!(dark > 100, "{dark} dark pixels in the title band");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_single_point_is_drawn() {
        let path = temp_png("cost_single");
        plot_cost(&path, &[(0, 0.0)], "one point").unwrap();
        assert_eq!(read_png(&path).0, COST_SIZE.0);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn empty_or_non_finite_history_is_rejected() {
        let path = temp_png("cost_bad");
        let err = plot_cost(&path, &[], "t").unwrap_err();
        assert!(err.to_string().starts_with("history: is empty"), "{err}");
        let err = plot_cost(&path, &[(0, 0.5), (100, f64::NAN)], "t").unwrap_err();
        assert!(
            err.to_string().contains("history[1] has cost NaN at iteration 100"),
            "{err}"
        );
        assert!(!path.exists());
    }
}
