//! Writes one of each ndnet chart into a folder: `cargo run --example plot_gallery --features plot -- out/`
//!
//! The data are made up here (a course-style "flower" of two classes with a simple angle rule as
//! the "model", a decaying cost curve, checkered 64 × 64 pictures), so no data files are needed.

use std::path::PathBuf;

use ndarray::{Array2, Array3, ArrayView2, Axis};
use ndnet::numpy_random::NumpyRandomState;

fn main() -> ndnet::Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));

    // Cost: the shape of the deep cat network's curve.
    let history: Vec<(usize, f64)> = (0..25)
        .map(|i| (i * 100, 0.08 + 0.69 * (-(i as f64) / 6.0).exp()))
        .collect();
    ndnet::plot::plot_cost(dir.join("cost.png"), &history, "Learning rate = 0.0075")?;

    // Decision boundary: the course's planar "flower", labelled by petal.
    let mut rs = NumpyRandomState::new(1);
    let m = 400;
    let noise = rs.randn::<f64>(2, m)?;
    let mut x = Array2::zeros((2, m));
    let mut y = Array2::zeros((1, m));
    for k in 0..m {
        let label = (k / (m / 2)) as f64;
        let t = (k % (m / 2)) as f64 * 3.12 / (m / 2) as f64 + label * 3.12 + noise[[0, k]] * 0.2;
        let r = 4.0 * (4.0 * t).sin() + noise[[1, k]] * 0.2;
        x[[0, k]] = r * t.sin();
        x[[1, k]] = r * t.cos();
        y[[0, k]] = label;
    }
    let petals = |grid: ArrayView2<f64>| -> ndnet::Result<Array2<f64>> {
        let class = grid.map_axis(Axis(0), |p| {
            let t = p[0].atan2(p[1]);
            f64::from(u8::from((4.0 * t).sin() * t.signum() < 0.0))
        });
        Ok(class.insert_axis(Axis(0)))
    };
    ndnet::plot::plot_decision_boundary(
        dir.join("boundary.png"),
        x.view(),
        y.view(),
        petals,
        "Decision boundary (angle rule)",
    )?;

    // Image grid: striped pictures with course-style captions.
    let images: Vec<(Array3<u8>, String)> = (0..6)
        .map(|k| {
            let im = Array3::from_shape_fn((64, 64, 3), |(i, j, c)| {
                (((i + k * 7) / 8 + j / 8) % 2 * 120 + c * 40 + k * 10) as u8
            });
            let caption = if k % 2 == 0 {
                "predicted: cat"
            } else {
                "predicted: non-cat"
            };
            (im, caption.to_string())
        })
        .collect();
    ndnet::plot::plot_image_grid(dir.join("images.png"), &images, 3)?;
    println!("wrote cost.png, boundary.png and images.png to {}", dir.display());
    Ok(())
}
