//! The report's charts as inline SVG, drawn with plotters' SVG backend in the bundled font of
//! [`crate::plot`]: line charts (cost, accuracy, diagnostics) and the predicted-vs-true scatter.

use std::ops::Range;
use std::path::Path;

use plotters::prelude::*;

use super::thin::{thin_line, thin_scatter};
use crate::plot::{FAMILY, axis_range, drawing_error, font, font_ready};
use crate::{Error, Result};

/// Width and height of every chart, in SVG units (pixels at 100 %).
const SIZE: (u32, u32) = (760, 340);
/// Most points drawn per line (about 40 bytes of SVG each).
const MAX_LINE_POINTS: usize = 1200;
/// Most points drawn in a scatter.
const MAX_SCATTER_POINTS: usize = 2500;
/// Lines with at most this many points also get a dot per point.
const DOTS_UP_TO: usize = 60;

/// Colours of the series, in order: blue, orange, green, red, purple, brown, pink, grey.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(36, 86, 200),
    RGBColor(230, 120, 20),
    RGBColor(40, 150, 70),
    RGBColor(200, 40, 40),
    RGBColor(130, 80, 190),
    RGBColor(140, 90, 60),
    RGBColor(220, 90, 170),
    RGBColor(110, 110, 110),
];

/// One named line of a chart.
pub(crate) struct Series {
    /// The legend's text.
    pub name: String,
    /// (x, y) in x order.
    pub points: Vec<(f64, f64)>,
}

/// A line chart: the series, the axes' names, and an optional marked x (e.g. the best epoch).
pub(crate) struct LineChart<'a> {
    pub title: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub series: Vec<Series>,
    /// Draw y on a log scale (non-positive values are left out).
    pub log_y: bool,
    /// Start the y axis at 0 when no value is negative.
    pub from_zero: bool,
    /// A vertical line at this x, with its legend text.
    pub marker: Option<(f64, String)>,
    /// Where the legend goes (drawn with several series or a marker).
    pub legend: SeriesLabelPosition,
}

/// A tick label: short decimals, scientific notation beyond 10^5 or below 10^-3.
fn axis_number(v: f64) -> String {
    match v.abs() {
        a if a != 0.0 && !(1e-3..1e5).contains(&a) => format!("{v:.1e}"),
        _ => format!("{}", (v * 1e4).round() / 1e4),
    }
}

/// Whether positive values spanning more than three orders of magnitude (a diverging cost)
/// read better on a log scale.
pub(crate) fn wide_span(values: impl Iterator<Item = f64>) -> bool {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    lo > 0.0 && hi / lo > 1e3
}

/// The error for a chart plotters could not draw.
fn chart_error(e: impl std::fmt::Display) -> Error {
    drawing_error(Path::new("the report's chart"), e)
}

/// The range of `values` with 5 % padding (±0.5 around a single value; 0..1 for none).
fn padded(argument: &'static str, values: impl Iterator<Item = f64>, from_zero: bool) -> Result<Range<f64>> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return Ok(0.0..1.0);
    }
    let lo = if from_zero && lo >= 0.0 { 0.0 } else { lo };
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 };
    let range = axis_range(argument, lo, hi, pad)?;
    Ok(if from_zero && lo >= 0.0 { 0.0..range.end } else { range })
}

/// Draws the legend of `plot`'s labelled series at `position`.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    plot: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<()> {
    plot.configure_series_labels()
        .position(position)
        .label_font(font(13))
        .background_style(WHITE.mix(0.9))
        .border_style(RGBColor(180, 180, 180))
        .draw()
        .map_err(chart_error)
}

/// Draws `chart` and returns the `<svg>` element.
///
/// # Errors
/// [`Error::InvalidArgument`] for values too wide to plot; [`Error::Io`] if drawing fails.
pub(crate) fn line_chart(chart: &LineChart<'_>) -> Result<String> {
    if !font_ready() {
        return Err(chart_error("the bundled font could not be loaded"));
    }
    let to_y = |y: f64| if chart.log_y { y.log10() } else { y };
    let series: Vec<(String, Vec<(f64, f64)>)> = chart
        .series
        .iter()
        .map(|s| {
            let points: Vec<(f64, f64)> = s
                .points
                .iter()
                .filter(|p| !chart.log_y || p.1 > 0.0)
                .map(|&(x, y)| (x, to_y(y)))
                .collect();
            (s.name.clone(), thin_line(&points, MAX_LINE_POINTS))
        })
        .collect();
    let all = || series.iter().flat_map(|(_, p)| p.iter());
    let mut x_range = padded("x", all().map(|p| p.0), false)?;
    if let Some((x, _)) = chart.marker.as_ref().filter(|(x, _)| x.is_finite()) {
        x_range = x_range.start.min(*x)..x_range.end.max(*x);
    }
    let y_range = padded("y", all().map(|p| p.1), chart.from_zero && !chart.log_y)?;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut plot = ChartBuilder::on(&root)
            .caption(chart.title, (FAMILY, 20))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(x_range, y_range.clone())
            .map_err(chart_error)?;
        let log_label = |v: &f64| format!("{:.0e}", 10f64.powf(*v));
        let plain_label = |v: &f64| axis_number(*v);
        let y_format: &dyn Fn(&f64) -> String = if chart.log_y { &log_label } else { &plain_label };
        plot.configure_mesh()
            .x_desc(chart.x_label)
            .y_desc(chart.y_label)
            .label_style(font(13))
            .axis_desc_style(font(14))
            .y_label_formatter(y_format)
            .x_label_formatter(&plain_label)
            .light_line_style(RGBColor(238, 240, 245))
            .bold_line_style(RGBColor(215, 220, 230))
            .draw()
            .map_err(chart_error)?;
        for (i, (name, points)) in series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            plot.draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))
                .map_err(chart_error)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
            if points.len() <= DOTS_UP_TO {
                let dots = points.iter().map(|&p| Circle::new(p, 3, colour.filled()));
                plot.draw_series(dots).map_err(chart_error)?;
            }
        }
        if let Some((x, text)) = &chart.marker {
            let grey = RGBColor(60, 60, 60);
            let line = PathElement::new([(*x, y_range.start), (*x, y_range.end)], grey.stroke_width(1));
            plot.draw_series(std::iter::once(line))
                .map_err(chart_error)?
                .label(text.as_str())
                .legend(move |(x, y)| PathElement::new([(x + 10, y - 7), (x + 10, y + 7)], grey.stroke_width(2)));
        }
        if series.len() > 1 || chart.marker.is_some() {
            legend(&mut plot, chart.legend.clone())?;
        }
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// A scatter of predicted against true values with the line predicted = true; at most
/// 2500 points are drawn (every k-th).
///
/// # Errors
/// As [`line_chart`].
pub(crate) fn scatter_chart(title: &str, points: &[(f64, f64)]) -> Result<String> {
    if !font_ready() {
        return Err(chart_error("the bundled font could not be loaded"));
    }
    let points = thin_scatter(points, MAX_SCATTER_POINTS);
    let both = padded("values", points.iter().flat_map(|p| [p.0, p.1]), false)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut plot = ChartBuilder::on(&root)
            .caption(title, (FAMILY, 20))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(both.clone(), both.clone())
            .map_err(chart_error)?;
        plot.configure_mesh()
            .x_desc("true value")
            .y_desc("predicted value")
            .x_label_formatter(&|v| axis_number(*v))
            .y_label_formatter(&|v| axis_number(*v))
            .label_style(font(13))
            .axis_desc_style(font(14))
            .light_line_style(RGBColor(238, 240, 245))
            .draw()
            .map_err(chart_error)?;
        let grey = RGBColor(120, 120, 120);
        plot.draw_series(std::iter::once(PathElement::new(
            [(both.start, both.start), (both.end, both.end)],
            grey.stroke_width(1),
        )))
        .map_err(chart_error)?
        .label("predicted = true")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey.stroke_width(1)));
        let dots = points.iter().map(|&p| Circle::new(p, 2, PALETTE[0].mix(0.5).filled()));
        plot.draw_series(dots)
            .map_err(chart_error)?
            .label("one example")
            .legend(|(x, y)| Circle::new((x + 10, y), 3, PALETTE[0].filled()));
        legend(&mut plot, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_chart_is_an_svg_with_its_title_and_legend() {
        let chart = LineChart {
            title: "cost <per> record",
            x_label: "iteration",
            y_label: "cost",
            series: vec![
                Series {
                    name: "train".into(),
                    points: vec![(0.0, 0.7), (1.0, 0.5), (2.0, 0.3)],
                },
                Series {
                    name: "validation".into(),
                    points: vec![(0.0, 0.8), (2.0, 0.4)],
                },
            ],
            log_y: false,
            from_zero: true,
            marker: Some((1.0, "best epoch".into())),
            legend: SeriesLabelPosition::UpperRight,
        };
        let svg = line_chart(&chart).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..50]);
        assert!(svg.contains("cost &lt;per&gt; record"), "plotters escapes text");
        assert!(svg.contains("validation") && svg.contains("best epoch"));
    }

    #[test]
    fn one_point_and_log_scales_and_no_points_draw() {
        let one = |log_y| LineChart {
            title: "t",
            x_label: "x",
            y_label: "y",
            series: vec![Series {
                name: "s".into(),
                points: vec![(3.0, 1e-4)],
            }],
            log_y,
            from_zero: false,
            marker: None,
            legend: SeriesLabelPosition::UpperRight,
        };
        assert!(line_chart(&one(false)).unwrap().contains("<circle"));
        assert!(line_chart(&one(true)).unwrap().contains("1e-4"));
        let mut empty = one(true);
        empty.series[0].points = vec![(0.0, 0.0)]; // nothing positive on a log scale
        assert!(line_chart(&empty).is_ok());
    }

    #[test]
    fn a_scatter_of_many_points_stays_small() {
        let points: Vec<(f64, f64)> = (0..100_000).map(|i| (i as f64, i as f64 * 1.1)).collect();
        let svg = scatter_chart("predicted vs true", &points).unwrap();
        assert!(svg.matches("<circle").count() <= MAX_SCATTER_POINTS + 1);
        assert!(svg.len() < 400_000, "{} bytes", svg.len());
    }
}
