//! A grid of small pictures with captions, e.g. the misclassified cat images.

use std::path::Path;

use ndarray::Array3;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{drawing_error, font, render_png};
use crate::{Error, Result};

/// Images are scaled up by a whole factor until their larger side is at least this many pixels.
const MIN_SIDE: usize = 96;
/// Space around each image, in pixels.
const PAD: usize = 8;
/// Height of the caption line under each image, in pixels.
const CAPTION: usize = 22;
/// Narrowest cell, so short captions under tiny images fit.
const MIN_CELL_WIDTH: usize = 150;
/// Largest picture written, in pixels: a size limit on the picture (about 6500 × 4900, far
/// beyond any screen), not a memory limit; `render_png` checks the crate's memory limit too.
const MAX_PIXELS: usize = 32_000_000;

/// Draws `images` in a grid of `columns` columns, each with its caption under it, to a PNG.
///
/// Each image is (height, width, channels) with 3 channels (RGB, like the course's cat
/// pictures) or 1 (grey, like MNIST). Every image is scaled by the same whole factor, the
/// smallest that makes the largest side at least 96 pixels (64 × 64 cats are drawn at
/// 128 × 128). Each cell is as wide as the widest scaled image (at least 150 pixels) plus 8 pixels
/// on each side, and as high as the highest one plus 8 on each side plus a 22-pixel caption line;
/// the picture is `min(columns, n)` cells wide and `ceil(n / columns)` cells high.
///
/// # Shapes
/// Each image is (h, w, 3) or (h, w, 1), with h, w ≥ 1; the sizes may differ.
///
/// # Errors
/// [`Error::InvalidArgument`] if `images` is empty, `columns` is 0, an image is empty or has
/// another number of channels, or the picture would exceed 32 million pixels;
/// [`Error::Io`] if the file cannot be written.
///
/// ```
/// use ndarray::Array3;
/// let cat = Array3::from_shape_fn((64, 64, 3), |(i, j, c)| (i * 4 + c * 20) as u8 ^ (j * 4) as u8);
/// let images = vec![(cat.clone(), "predicted: cat".to_string()), (cat, "predicted: non-cat".into())];
/// let path = std::env::temp_dir().join("ndnet_doc_grid.png");
/// ndnet::plot::plot_image_grid(&path, &images, 2).unwrap();
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn plot_image_grid(path: impl AsRef<Path>, images: &[(Array3<u8>, String)], columns: usize) -> Result<()> {
    let path = path.as_ref();
    let invalid = |message: String| Error::InvalidArgument {
        argument: "images",
        message,
    };
    if images.is_empty() {
        return Err(invalid("is empty; there is no image to draw".into()));
    }
    if columns == 0 {
        return Err(Error::InvalidArgument {
            argument: "columns",
            message: "must be at least 1, got 0".into(),
        });
    }
    for (i, (image, _)) in images.iter().enumerate() {
        let (h, w, c) = image.dim();
        if h == 0 || w == 0 || !(c == 1 || c == 3) {
            return Err(invalid(format!(
                "image {i} is ({h}, {w}, {c}); images must be (height, width, 3) for RGB or \
                 (height, width, 1) for grey, with height and width at least 1"
            )));
        }
    }
    let max_h = images.iter().map(|(im, _)| im.dim().0).max().unwrap_or(1);
    let max_w = images.iter().map(|(im, _)| im.dim().1).max().unwrap_or(1);
    let scale = MIN_SIDE.div_ceil(max_h.max(max_w)).max(1);
    let cell_w = (max_w * scale).max(MIN_CELL_WIDTH) + 2 * PAD;
    let cell_h = max_h * scale + 2 * PAD + CAPTION;
    let (cols, rows) = (columns.min(images.len()), images.len().div_ceil(columns));
    let (width, height) = (cols.saturating_mul(cell_w), rows.saturating_mul(cell_h));
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(invalid(format!(
            "the grid would be {width} × {height} pixels, more than {MAX_PIXELS}; draw fewer or \
             smaller images, or more columns"
        )));
    }
    // Both sides are at most MAX_PIXELS, so they fit in u32 and i32.
    let size = (width as u32, height as u32);

    render_png(path, size, |root| {
        for (n, (image, caption)) in images.iter().enumerate() {
            let (h, w, c) = image.dim();
            let left = (n % columns) * cell_w + (cell_w - w * scale) / 2;
            let top = (n / columns) * cell_h + PAD + (max_h - h) * scale / 2;
            for ((i, j), _) in image.index_axis(ndarray::Axis(2), 0).indexed_iter() {
                let colour = if c == 3 {
                    RGBColor(image[[i, j, 0]], image[[i, j, 1]], image[[i, j, 2]])
                } else {
                    RGBColor(image[[i, j, 0]], image[[i, j, 0]], image[[i, j, 0]])
                };
                for (dx, dy) in (0..scale).flat_map(|dx| (0..scale).map(move |dy| (dx, dy))) {
                    let (x, y) = (left + j * scale + dx, top + i * scale + dy);
                    root.draw_pixel((x as i32, y as i32), &colour)
                        .map_err(|e| drawing_error(path, e))?;
                }
            }
            let centre = ((n % columns) * cell_w + cell_w / 2) as i32;
            let caption_top = ((n / columns) * cell_h + PAD + max_h * scale + 4) as i32;
            let style = font(15).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw_text(caption, &style, (centre, caption_top))
                .map_err(|e| drawing_error(path, e))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{colour_count, read_png, temp_png};
    use super::*;

    fn gradient(h: usize, w: usize, c: usize) -> Array3<u8> {
        Array3::from_shape_fn((h, w, c), |(i, j, k)| (i * 3 + j * 2 + k * 60) as u8)
    }

    #[test]
    fn grid_has_the_documented_size() {
        let images: Vec<_> = (0..5)
            .map(|k| {
                (
                    gradient(64, 64, 3),
                    format!("predicted: {}", if k % 2 == 0 { "cat" } else { "non-cat" }),
                )
            })
            .collect();
        let path = temp_png("grid");
        plot_image_grid(&path, &images, 3).unwrap();
        let (w, h, pixels) = read_png(&path);
        // 64 px images are scaled by 2 to 128 px; cells are 150 + 16 wide, 128 + 16 + 22 high.
        assert_eq!((w, h), (3 * 166, 2 * 166));
        assert!(colour_count(&pixels) > 100);
        // The first image starts at x = (166 - 128) / 2 = 19, y = 8; each image pixel is 2 × 2.
        let at = |x: usize, y: usize| &pixels[(y * w as usize + x) * 3..][..3];
        assert_eq!(at(19, 8), [0, 60, 120]); // image[0, 0]
        assert_eq!(at(20, 9), [0, 60, 120]); // image[0, 0] again
        assert_eq!(at(21, 8), [2, 62, 122]); // image[0, 1]
        assert_eq!(at(19, 10), [3, 63, 123]); // image[1, 0]
        assert_eq!(at(18, 8), [255, 255, 255]); // the white margin
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn grey_images_are_accepted() {
        let path = temp_png("grid_grey");
        let digits: Vec<_> = (0..4).map(|k| (gradient(28, 28, 1), format!("label {k}"))).collect();
        plot_image_grid(&path, &digits, 10).unwrap();
        // 28 px scaled by 4 = 112 px; cells 150 + 16 wide, 112 + 16 + 22 high; 4 columns used.
        assert_eq!(read_png(&path).0, 4 * 166);
        assert_eq!(read_png(&path).1, 150);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn bad_arguments_are_rejected() {
        let path = temp_png("grid_bad");
        let ok = vec![(gradient(2, 2, 3), String::new())];
        assert!(
            plot_image_grid(&path, &[], 2)
                .unwrap_err()
                .to_string()
                .starts_with("images")
        );
        assert!(
            plot_image_grid(&path, &ok, 0)
                .unwrap_err()
                .to_string()
                .starts_with("columns")
        );
        let bad = vec![(gradient(2, 2, 3), String::new()), (gradient(2, 2, 4), String::new())];
        let err = plot_image_grid(&path, &bad, 2).unwrap_err();
        assert!(err.to_string().contains("image 1 is (2, 2, 4)"), "{err}");
        let huge = vec![(Array3::zeros((20_000, 20_000, 1)), String::new())];
        assert!(
            plot_image_grid(&path, &huge, 1)
                .unwrap_err()
                .to_string()
                .contains("more than")
        );
        assert!(!path.exists());
    }
}
