//! The decision-boundary picture: the plane coloured by predicted class, the examples on top.

use std::ops::Range;
use std::path::Path;

use ndarray::{Array2, ArrayView2};
use plotters::prelude::*;

use super::{FAMILY, drawing_error, font, render_png_bytes};
use crate::base::check;
use crate::{Float, Result};

/// Width and height in pixels of the PNG that [`plot_decision_boundary`] writes.
pub const BOUNDARY_SIZE: (u32, u32) = (700, 600);

/// Grid cells per axis at which the model is evaluated.
const GRID: usize = 160;

const REGION: [RGBColor; 2] = [RGBColor(250, 205, 200), RGBColor(200, 218, 250)];
const POINT: [RGBColor; 2] = [RGBColor(215, 40, 30), RGBColor(30, 80, 210)];

/// Colours the plane by the class `predict` gives and scatters the examples by label.
///
/// The course's `plot_decision_boundary`: the plane around the data (its range plus a 10 %
/// margin) is cut into a 160 × 160 grid; `predict` is called **once** with the grid's centres as
/// a (2, 25600) matrix, one point per column, and returns (1, 25600) classes or probabilities
/// (≥ 0.5 counts as class 1). Each example is then drawn as a dot coloured by its label
/// (≥ 0.5 is class 1). The picture is [`BOUNDARY_SIZE`] pixels with `title` on top,
/// axes "x1" (row 0 of X) and "x2" (row 1), and a legend.
///
/// # Shapes
/// `x` is (2, m), `y` is (1, m); `predict` receives (2, k) and must return (1, k).
///
/// # Errors
/// [`Error::Shape`](crate::Error::Shape) if `x` is not (2, m), `y` is not (1, m) or `predict`
/// returns another shape than (1, k); [`Error::NoExamples`](crate::Error::NoExamples) if m = 0;
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) if `x` spans a range too wide for
/// f64 (near ±f64::MAX); [`Error::NonFinite`](crate::Error::NonFinite) for a NaN or infinity in `x`, `y` or the
/// predictions; any error `predict` returns; [`Error::Io`](crate::Error::Io) if the file cannot
/// be written.
///
/// ```
/// use ndarray::{array, Array2, ArrayView2};
/// let x = array![[-1.0, -0.5, 0.5, 1.0], [0.3, -0.2, 0.1, -0.4]];
/// let y = array![[0.0, 0.0, 1.0, 1.0]];
/// // A "model" that says class 1 right of x1 = 0.
/// let predict = |grid: ArrayView2<f64>| -> ndnet::Result<Array2<f64>> {
///     Ok(grid.row(0).mapv(|v| f64::from(u8::from(v > 0.0))).insert_axis(ndarray::Axis(0)))
/// };
/// let path = std::env::temp_dir().join("ndnet_doc_boundary.png");
/// ndnet::plot::plot_decision_boundary(&path, x.view(), y.view(), predict, "x1 > 0").unwrap();
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn plot_decision_boundary<F, P>(
    path: impl AsRef<Path>,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    predict: P,
    title: &str,
) -> Result<()>
where
    F: Float,
    P: Fn(ArrayView2<F>) -> Result<Array2<F>>,
{
    let path = path.as_ref();
    let png = decision_boundary_png(path, x, y, predict, title)?;
    std::fs::write(path, png).map_err(|e| crate::Error::io(path, e))
}

/// [`plot_decision_boundary`]'s picture as PNG bytes in memory; `path` only names it in errors.
pub(crate) fn decision_boundary_png<F, P>(
    path: &Path,
    x: ArrayView2<F>,
    y: ArrayView2<F>,
    predict: P,
    title: &str,
) -> Result<Vec<u8>>
where
    F: Float,
    P: Fn(ArrayView2<F>) -> Result<Array2<F>>,
{
    check::shape(|| "X of the points to plot".into(), x.dim(), 2, None)?;
    check::not_empty("X", x)?;
    let m = x.ncols();
    check::shape(|| format!("Y for X with m = {m} examples"), y.dim(), 1, Some(m))?;
    check::finite("X", x)?;
    check::finite("Y", y)?;

    let x1 = axis_range(x.row(0).iter().map(|v| v.as_f64()))?;
    let x2 = axis_range(x.row(1).iter().map(|v| v.as_f64()))?;
    let step = |r: &Range<f64>| (r.end - r.start) / GRID as f64;
    let (s1, s2) = (step(&x1), step(&x2));
    // Column k = i * GRID + j is the centre of cell (i along x1, j along x2).
    let grid = Array2::from_shape_fn((2, GRID * GRID), |(row, k)| {
        let (i, j) = (k / GRID, k % GRID);
        F::from_f64(match row {
            0 => x1.start + (i as f64 + 0.5) * s1,
            _ => x2.start + (j as f64 + 0.5) * s2,
        })
    });
    let predicted = predict(grid.view())?;
    check::shape(
        || format!("the output of predict on a (2, {}) grid", GRID * GRID),
        predicted.dim(),
        1,
        Some(GRID * GRID),
    )?;
    check::finite("the output of predict", predicted.view())?;
    let class = |v: F| usize::from(v.as_f64() >= 0.5);

    render_png_bytes(path, BOUNDARY_SIZE, |root| {
        let err = |e: &dyn std::fmt::Display| drawing_error(path, e);
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FAMILY, 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(60)
            .build_cartesian_2d(x1.clone(), x2.clone())
            .map_err(|e| err(&e))?;
        for (c, colour) in REGION.into_iter().enumerate() {
            let cells = predicted.iter().enumerate().filter(|&(_, &v)| class(v) == c);
            let rects = cells.map(|(k, _)| {
                let (a, b) = (x1.start + (k / GRID) as f64 * s1, x2.start + (k % GRID) as f64 * s2);
                Rectangle::new([(a, b), (a + s1, b + s2)], colour.filled())
            });
            chart
                .draw_series(rects)
                .map_err(|e| err(&e))?
                .label(format!("predicted {c}"))
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled()));
        }
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x1")
            .y_desc("x2")
            .label_style(font(15))
            .axis_desc_style(font(18))
            .draw()
            .map_err(|e| err(&e))?;
        for (c, colour) in POINT.into_iter().enumerate() {
            let points = x.columns().into_iter().zip(y.iter()).filter(|(_, l)| class(**l) == c);
            let dots = points.map(|(p, _)| (p[0].as_f64(), p[1].as_f64()));
            chart
                .draw_series(dots.map(|p| Circle::new(p, 4, colour.filled())))
                .map_err(|e| err(&e))?
                .label(format!("y = {c}"))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, colour.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(font(15))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(&e))
    })
}

/// The values' range widened by 10 % on each side (±0.5 around a single value).
fn axis_range(values: impl Iterator<Item = f64>) -> Result<Range<f64>> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let margin = if hi > lo { 0.1 * (hi - lo) } else { 0.5 };
    super::axis_range("X", lo, hi, margin)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{colour_count, read_png, temp_png};
    use super::*;
    use crate::Error;
    use ndarray::{Axis, array};

    /// Class 1 inside the unit circle.
    fn in_circle(grid: ArrayView2<f64>) -> Result<Array2<f64>> {
        let r2 = grid.map_axis(Axis(0), |p| p[0] * p[0] + p[1] * p[1]);
        Ok(r2.mapv(|v| f64::from(u8::from(v < 1.0))).insert_axis(Axis(0)))
    }

    #[test]
    fn draws_both_regions_and_both_classes() {
        // 60 points on two rings: label 1 inside the unit circle, 0 outside.
        let m = 60;
        let x = Array2::from_shape_fn((2, m), |(r, k)| {
            let radius = if k % 2 == 0 { 0.5 } else { 1.6 };
            let angle = k as f64 * 0.7;
            radius * if r == 0 { angle.cos() } else { angle.sin() }
        });
        let y = Array2::from_shape_fn((1, m), |(_, k)| f64::from(u8::from(k % 2 == 0)));
        let path = temp_png("boundary");
        plot_decision_boundary(&path, x.view(), y.view(), in_circle, "Unit circle").unwrap();
        let (w, h, pixels) = read_png(&path);
        assert_eq!((w, h), BOUNDARY_SIZE);
        assert!(colour_count(&pixels) > 20);
        let count = |c: RGBColor| pixels.chunks(3).filter(|p| p == &[c.0, c.1, c.2]).count();
        for c in [REGION[0], REGION[1], POINT[0], POINT[1]] {
            assert!(count(c) > 100, "{c:?} appears {} times", count(c));
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn shapes_are_checked() {
        let path = temp_png("boundary_bad");
        let x = array![[0.0, 1.0], [0.0, 1.0]];
        let y = array![[0.0, 1.0]];
        let three = array![[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]];
        let err = plot_decision_boundary(&path, three.view(), y.view(), in_circle, "t");
        assert!(matches!(err, Err(Error::Shape { .. })));
        let long_y = array![[0.0, 1.0, 1.0]];
        let err = plot_decision_boundary(&path, x.view(), long_y.view(), in_circle, "t");
        assert!(err.unwrap_err().to_string().contains("Y for X with m = 2 examples"));
        let wrong = |g: ArrayView2<f64>| Ok(Array2::zeros((2, g.ncols())));
        let err = plot_decision_boundary(&path, x.view(), y.view(), wrong, "t").unwrap_err();
        assert!(err.to_string().contains("the output of predict"), "{err}");
        let failing = |_: ArrayView2<f64>| Err(Error::Architecture("no model".into()));
        let err = plot_decision_boundary(&path, x.view(), y.view(), failing, "t").unwrap_err();
        assert!(matches!(err, Error::Architecture(_)));
        let empty = Array2::<f64>::zeros((2, 0));
        let err = plot_decision_boundary(&path, empty.view(), empty.view(), in_circle, "t");
        assert!(matches!(err, Err(Error::NoExamples { .. })));
        assert!(!path.exists());
    }
}
