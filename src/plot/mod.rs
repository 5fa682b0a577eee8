//! PNG charts for the course's pictures: cost curves, decision boundaries, image grids.
//!
//! Behind the `plot` feature. Everything is pure Rust: charts are drawn with `plotters` into
//! memory, text uses a bundled subset of the DejaVu Sans font (no system font, no fontconfig)
//! and the PNG is encoded with the `png` crate. Every function writes one PNG file, whatever
//! the file's extension, and never prints.
//!
//! ```
//! let path = std::env::temp_dir().join("ndnet_doc_plot_cost.png");
//! let history = [(0, 0.69), (100, 0.42), (200, 0.31)];
//! ndnet::plot::plot_cost(&path, &history, "Learning rate = 0.0075").unwrap();
//! assert!(path.exists());
//! ```

mod boundary;
mod cost;
mod images;

#[cfg(feature = "report")]
pub(crate) use boundary::decision_boundary_png;
pub use boundary::{BOUNDARY_SIZE, plot_decision_boundary};
pub use cost::{COST_SIZE, plot_cost};
pub use images::plot_image_grid;

use std::path::Path;
use std::sync::OnceLock;

use plotters::prelude::*;

use crate::{Error, Result};

/// The family name the bundled font is registered under (not "sans-serif", so a program's
/// own registration of that name is left alone).
pub(crate) const FAMILY: &str = "ndnet-dejavu-sans";

/// DejaVu Sans, subset to Latin-1, Greek and a few symbols by `assets/subset_font.py`;
/// licence in `assets/DejaVuSans-LICENSE.txt`.
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans-subset.ttf");

/// Registers the bundled font once; `false` if it could not be parsed (a packaging bug).
pub(crate) fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok())
}

/// A text style in the bundled font.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, f64::from(size)).into_font().into()
}

/// An axis range of `lo..hi` widened by `margin` on both sides, refused when its ends or its
/// width are not finite (values near ±f64::MAX): the charting library loops for ever on such
/// ranges.
pub(crate) fn axis_range(argument: &'static str, lo: f64, hi: f64, margin: f64) -> Result<std::ops::Range<f64>> {
    let (start, end) = (lo - margin, hi + margin);
    if start.is_finite() && end.is_finite() && (end - start).is_finite() {
        return Ok(start..end);
    }
    Err(Error::InvalidArgument {
        argument,
        message: format!(
            "its values span {lo:e} to {hi:e}: too wide to plot (the axis from {start:e} to {end:e} is not finite)"
        ),
    })
}

/// The error for anything that goes wrong while drawing the picture for `path`.
pub(crate) fn drawing_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(path, std::io::Error::other(format!("drawing the chart failed: {e}")))
}

/// Draws a `width` × `height` picture with `draw` and writes it to `path` as an RGB PNG.
fn render_png(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<()>,
) -> Result<()> {
    let bytes = render_png_bytes(path, size, draw)?;
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

/// Draws a `width` × `height` picture with `draw` and returns it encoded as an RGB PNG;
/// `path` only names the picture in errors.
pub(crate) fn render_png_bytes(
    path: &Path,
    (width, height): (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<()>,
) -> Result<Vec<u8>> {
    if !font_ready() {
        return Err(drawing_error(path, "the bundled font could not be loaded"));
    }
    // u32 → usize is lossless on every supported target.
    let what = || format!("the picture for {} (height × width × RGB)", path.display());
    let bytes = crate::base::limits::check_alloc(what, &[height as usize, width as usize, 3], 1)?;
    let mut pixels = vec![255u8; bytes];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| drawing_error(path, e))?;
        draw(&root)?;
        root.present().map_err(|e| drawing_error(path, e))?;
    }
    encode_png(path, (width, height), png::ColorType::Rgb, &pixels)
}

/// Encodes 8-bit `pixels` (row-major, `colour` samples per pixel) as a PNG in memory; `path`
/// only names the picture in errors.
pub(crate) fn encode_png(
    path: &Path,
    (width, height): (u32, u32),
    colour: png::ColorType,
    pixels: &[u8],
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    let as_io = |e: png::EncodingError| match e {
        png::EncodingError::IoError(e) => Error::io(path, e),
        other => Error::io(path, std::io::Error::other(other)),
    };
    let mut writer = encoder.write_header().map_err(as_io)?;
    writer.write_image_data(pixels).map_err(as_io)?;
    writer.finish().map_err(as_io)?;
    Ok(out)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Decoding the written PNGs back, for the tests of every chart.

    /// Reads an RGB PNG: (width, height, pixels).
    pub(crate) fn read_png(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    /// Number of distinct colours in an RGB buffer (1 means blank).
    pub(crate) fn colour_count(pixels: &[u8]) -> usize {
        let mut colours: Vec<&[u8]> = pixels.chunks(3).collect();
        colours.sort_unstable();
        colours.dedup();
        colours.len()
    }

    /// A fresh path in the temp folder for test `name`.
    pub(crate) fn temp_png(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("ndnet_test_{name}_{}.png", std::process::id()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_loads() {
        assert!(font_ready());
    }

    #[test]
    fn unwritable_path_is_an_io_error_naming_it() {
        let path = Path::new("/nonexistent-folder/ndnet/plot.png");
        let err = render_png(path, (10, 10), |_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("/nonexistent-folder/ndnet/plot.png"),
            "{err}"
        );
    }
}
