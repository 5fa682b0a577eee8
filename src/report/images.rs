//! Pictures embedded in the report as PNG data URIs: the misclassified examples of image data
//! (as the course shows them) and the decision boundary of 2-feature data.

use std::fmt::Write as _;
use std::path::Path;

use ndarray::{ArrayView2, Axis};

use super::evaluation::{Evaluation, Outcome};
use super::html::{escape, png_img, shortened};
use crate::plot::{decision_boundary_png, encode_png};
use crate::{Error, Float, Network, Result};

/// Most misclassified examples drawn per set.
pub(crate) const MAX_TILES: usize = 24;

/// One misclassified example: its picture and what was predicted instead of what.
#[derive(Clone, Debug)]
pub(crate) struct Tile {
    pub png: Vec<u8>,
    pub predicted: String,
    pub truth: String,
    /// The example's column in X.
    pub column: usize,
}

/// The misclassified examples of one set: how many, and the first [`MAX_TILES`] drawn.
#[derive(Clone, Debug)]
pub(crate) struct Misclassified {
    pub set: String,
    pub wrong: usize,
    pub total: usize,
    pub tiles: Vec<Tile>,
}

/// The first misclassified columns of X drawn as (height, width, channels) images, row-major
/// as the course flattens them. Values in [0, 1] are scaled by 255, others clamped to [0, 255].
///
/// # Errors
/// [`Error::InvalidArgument`] if X's rows are not height · width · channels or channels is not
/// 1 or 3.
pub(crate) fn misclassified<F: Float>(
    x: ArrayView2<F>,
    (h, w, c): (usize, usize, usize),
    evaluation: &Evaluation,
) -> Result<Option<Misclassified>> {
    let Outcome::Classes {
        classes,
        truth,
        predicted,
    } = &evaluation.outcome
    else {
        return Ok(None);
    };
    if !(c == 1 || c == 3) || h.checked_mul(w).and_then(|n| n.checked_mul(c)) != Some(x.nrows()) {
        return Err(Error::InvalidArgument {
            argument: "image_shape",
            message: format!(
                "({h}, {w}, {c}) does not fit X with {} rows: images need h · w · c = n_x and 1 or 3 channels",
                x.nrows()
            ),
        });
    }
    let wrong: Vec<usize> = (0..truth.len()).filter(|&j| truth[j] != predicted[j]).collect();
    let shown = &wrong[..wrong.len().min(MAX_TILES)];
    let unit = shown
        .iter()
        .all(|&j| x.column(j).iter().all(|v| (0.0..=1.0).contains(&v.as_f64())));
    let scale = if unit { 255.0 } else { 1.0 };
    let colour = if c == 3 {
        png::ColorType::Rgb
    } else {
        png::ColorType::Grayscale
    };
    let size = (u32::try_from(w), u32::try_from(h));
    let (Ok(width), Ok(height)) = size else {
        return Err(Error::InvalidArgument {
            argument: "image_shape",
            message: format!("({h}, {w}, {c}) is too large for a picture"),
        });
    };
    let tiles = shown
        .iter()
        .map(|&j| {
            let pixels: Vec<u8> = x
                .column(j)
                .iter()
                .map(|v| (v.as_f64() * scale).round().clamp(0.0, 255.0) as u8)
                .collect();
            let name = |k: usize| {
                classes
                    .get(k)
                    .map_or_else(|| k.to_string(), |c| shortened(c).into_owned())
            };
            Ok(Tile {
                png: encode_png(Path::new("a misclassified example"), (width, height), colour, &pixels)?,
                predicted: name(predicted[j]),
                truth: name(truth[j]),
                column: j,
            })
        })
        .collect::<Result<Vec<Tile>>>()?;
    Ok(Some(Misclassified {
        set: evaluation.set.clone(),
        wrong: wrong.len(),
        total: truth.len(),
        tiles,
    }))
}

impl Misclassified {
    /// A grid of the pictures, each captioned with the prediction and the truth.
    pub(crate) fn html(&self) -> String {
        let mut out = format!(
            "<h3>The {} set: {} of {} misclassified{}</h3>\n<div class=\"grid\">\n",
            escape(&self.set),
            self.wrong,
            self.total,
            if self.wrong > self.tiles.len() {
                format!(", the first {} shown", self.tiles.len())
            } else {
                String::new()
            }
        );
        for tile in &self.tiles {
            let alt = format!(
                "example {}: predicted {}, true {}",
                tile.column, tile.predicted, tile.truth
            );
            let _ = writeln!(
                out,
                "<figure>{}<figcaption>predicted <b class=\"wrong\">{}</b><br>true {}<br>\
                 <span class=\"note\">example {}</span></figcaption></figure>",
                png_img(&tile.png, &alt, "tile"),
                escape(&tile.predicted),
                escape(&tile.truth),
                tile.column
            );
        }
        out.push_str("</div>\n");
        if self.wrong == 0 {
            out.push_str("<p>Every example is classified right.</p>\n");
        }
        out
    }
}

/// The decision boundary of a network with 2 inputs and one sigmoid output, as PNG bytes: the
/// plane coloured by the predicted class, the examples of X on top coloured by Y.
pub(crate) fn boundary<F: Float>(net: &Network<F>, x: ArrayView2<F>, y: ArrayView2<F>, set: &str) -> Result<Vec<u8>> {
    let title = format!("Decision boundary, {set} set");
    let y = y.index_axis(Axis(0), 0).insert_axis(Axis(0));
    decision_boundary_png(
        Path::new("the decision boundary"),
        x,
        y,
        |grid| net.predict_proba(&grid),
        &title,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn misclassified_columns_become_captioned_pictures() {
        let x = Array2::from_shape_fn((2 * 2 * 3, 3), |(i, j)| (i + j) as f64 / 20.0);
        let evaluation = Evaluation {
            set: "test".into(),
            outcome: Outcome::Classes {
                classes: vec!["non-cat".into(), "<cat>".into()],
                truth: vec![0, 1, 1],
                predicted: vec![0, 0, 1],
            },
        };
        let m = misclassified(x.view(), (2, 2, 3), &evaluation).unwrap().unwrap();
        assert_eq!((m.wrong, m.total, m.tiles.len()), (1, 3, 1));
        assert_eq!(m.tiles[0].column, 1);
        assert!(m.tiles[0].png.starts_with(b"\x89PNG"));
        let html = m.html();
        assert!(
            html.contains("true &lt;cat&gt;") && html.contains("data:image/png;base64,"),
            "{html}"
        );
        assert!(misclassified(x.view(), (2, 2, 2), &evaluation).is_err());
    }
}
