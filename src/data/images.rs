//! Loaders for PNG/JPEG images and for folders of them, one sub-folder per class (feature
//! `image`).
//!
//! Each image is converted to RGB, resized to (h, w) with a triangle (bilinear) filter and
//! flattened like the course's cat data: one column of h·w·3 values in [0, 1], feature index
//! (row · w + col) · 3 + channel. So a network trained on `train_catvnoncat.h5` can be asked
//! about your own picture, as in the course's last exercise.
//!
//! ```no_run
//! let x = ndnet::data::load_image::<f64>("my_cat.jpg", (64, 64)).unwrap();
//! assert_eq!(x.dim(), (12288, 1));
//! ```

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use ndarray::Array2;

use super::ImageDataset;
use crate::{Error, Float, Result};

/// File extensions read as images (compared case-insensitively).
const EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// Loads one PNG or JPEG image as a column (h·w·3, 1) of RGB values in [0, 1], resized to (h, w).
///
/// # Errors
/// [`Error::InvalidArgument`] if h or w is 0; [`Error::Io`] naming the path if the file cannot
/// be read; [`Error::Format`] naming the path if it is not a PNG or JPEG image it can decode.
///
/// # Shapes
/// The result is (h·w·3, 1), one example in ndnet's layout.
///
/// ```no_run
/// let x = ndnet::data::load_image::<f32>("photo.png", (64, 64)).unwrap();
/// assert_eq!(x.dim(), (64 * 64 * 3, 1));
/// ```
pub fn load_image<F: Float>(path: impl AsRef<Path>, size: (usize, usize)) -> Result<Array2<F>> {
    let (h, w) = check_size(size)?;
    let values = read_rgb(path.as_ref(), h, w)?;
    let row = Array2::from_shape_vec((1, values.len()), values)
        .expect("a vector of n values fits (1, n)");
    Ok(super::image_dataset::pixels_to_x(row.view()))
}

/// Loads a folder with one sub-folder per class into an [`ImageDataset`].
///
/// Class names are the sub-folder names sorted; class k (0-based, in that order) is label k in
/// Y, so with two classes Y holds the course's 0/1 labels. Within a class, images are taken in
/// file-name order. Files that are not `.png`, `.jpg` or `.jpeg` are skipped, as are files
/// directly in `root`.
///
/// # Errors
/// [`Error::InvalidArgument`] if h or w is 0; [`Error::Io`] naming the folder or file that
/// cannot be read; [`Error::Format`] naming `root` if it has no sub-folders, naming a class
/// folder that has no images, or naming an image that cannot be decoded.
///
/// # Shapes
/// X is (h·w·3, m), Y is (1, m), `image_shape` is (h, w, 3).
///
/// ```no_run
/// // pets/cat/*.jpg and pets/dog/*.jpg: cat → 0, dog → 1.
/// let data = ndnet::data::load_image_folder::<f64>("pets", (64, 64)).unwrap();
/// assert_eq!(data.classes, vec!["cat", "dog"]);
/// ```
pub fn load_image_folder<F: Float>(
    root: impl AsRef<Path>,
    size: (usize, usize),
) -> Result<ImageDataset<F>> {
    let (h, w) = check_size(size)?;
    let root = root.as_ref();
    let class_dirs: Vec<PathBuf> = sorted_entries(root)?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    if class_dirs.is_empty() {
        let msg = "no class sub-folders (expected one folder of images per class)";
        return Err(Error::format(root, None, None, msg));
    }
    let mut bytes = Vec::new();
    let mut labels = Vec::new();
    let mut classes = Vec::new();
    for (k, dir) in class_dirs.iter().enumerate() {
        let images: Vec<PathBuf> = sorted_entries(dir)?
            .into_iter()
            .filter(|p| p.is_file() && is_image(p))
            .collect();
        if images.is_empty() {
            let msg = "class folder has no .png, .jpg or .jpeg images";
            return Err(Error::format(dir, None, None, msg));
        }
        for path in &images {
            bytes.extend(read_rgb(path, h, w)?);
            labels.push(k);
        }
        classes.push(
            dir.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
        );
    }
    let n_x = h * w * 3;
    let rows = Array2::from_shape_vec((labels.len(), n_x), bytes)
        .expect("each image adds exactly h·w·3 values");
    let x = super::image_dataset::pixels_to_x(rows.view());
    let y = super::class_row(&labels);
    ImageDataset::new(x, y, classes, (h, w, 3))
}

fn check_size((h, w): (usize, usize)) -> Result<(usize, usize)> {
    let fits = |v: usize| v > 0 && u32::try_from(v).is_ok();
    if !fits(h) || !fits(w) {
        return Err(Error::InvalidArgument {
            argument: "size",
            message: format!("image size (h, w) = ({h}, {w}) must be positive and below 2^32"),
        });
    }
    Ok((h, w))
}

fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The entries of `dir`, sorted by path.
fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io(dir, e))?;
    paths.sort();
    Ok(paths)
}

/// Decodes `path`, converts it to RGB, resizes it to (h, w): h·w·3 bytes, row-major.
fn read_rgb(path: &Path, h: usize, w: usize) -> Result<Vec<u8>> {
    let decoded = image::ImageReader::open(path)
        .map_err(|e| Error::io(path, e))?
        .with_guessed_format()
        .map_err(|e| Error::io(path, e))?
        .decode()
        .map_err(|e| match e {
            image::ImageError::IoError(io) => Error::io(path, io),
            other => Error::format(path, None, None, format!("cannot decode image: {other}")),
        })?;
    let rgb = decoded.into_rgb8();
    // check_size made sure h and w fit in u32.
    let (h32, w32) = (h as u32, w as u32);
    let rgb = if rgb.dimensions() == (w32, h32) {
        rgb
    } else {
        image::imageops::resize(&rgb, w32, h32, FilterType::Triangle)
    };
    Ok(rgb.into_raw())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn temp_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ndnet-images-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// A 3-wide, 2-high image whose pixel (row r, col c) is (10·r + c, 100, 200 + c).
    fn gradient() -> RgbImage {
        RgbImage::from_fn(3, 2, |c, r| Rgb([(10 * r + c) as u8, 100, (200 + c) as u8]))
    }

    #[test]
    fn png_keeps_exact_values_in_the_cat_order() {
        let dir = temp_dir("png");
        let path = dir.join("g.png");
        gradient().save(&path).unwrap();
        let x = load_image::<f64>(&path, (2, 3)).unwrap();
        assert_eq!(x.dim(), (18, 1));
        for r in 0..2 {
            for c in 0..3 {
                let f = (r * 3 + c) * 3; // (row·w + col)·3 + channel
                assert_eq!(x[[f, 0]], (10 * r + c) as f64 / 255.0);
                assert_eq!(x[[f + 1, 0]], 100.0 / 255.0);
                assert_eq!(x[[f + 2, 0]], (200 + c) as f64 / 255.0);
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn resizes_a_uniform_jpeg_to_the_same_colour() {
        let dir = temp_dir("jpeg");
        let path = dir.join("flat.JPG");
        RgbImage::from_pixel(16, 8, Rgb([200, 40, 90]))
            .save_with_format(&path, image::ImageFormat::Jpeg)
            .unwrap();
        let x = load_image::<f32>(&path, (4, 4)).unwrap();
        assert_eq!(x.dim(), (48, 1));
        // JPEG is lossy: a flat colour comes back within a few levels.
        for (i, v) in x.iter().enumerate() {
            let want = [200.0, 40.0, 90.0][i % 3] / 255.0;
            assert!((v - want).abs() < 6.0 / 255.0, "feature {i}: {v} vs {want}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn folder_of_classes_sorted_with_non_images_skipped() {
        let dir = temp_dir("folder");
        for (class, n) in [("dog", 1), ("cat", 2)] {
            std::fs::create_dir(dir.join(class)).unwrap();
            for i in 0..n {
                let grey = (50 * i + 10) as u8;
                RgbImage::from_pixel(5, 5, Rgb([grey; 3]))
                    .save(dir.join(class).join(format!("{i}.png")))
                    .unwrap();
            }
            std::fs::write(dir.join(class).join("notes.txt"), "not an image").unwrap();
        }
        std::fs::write(dir.join("README"), "skipped").unwrap();
        let data = load_image_folder::<f64>(&dir, (2, 2)).unwrap();
        assert_eq!(data.classes, vec!["cat", "dog"]);
        assert_eq!(data.y, ndarray::array![[0.0, 0.0, 1.0]]);
        assert_eq!(data.x.dim(), (12, 3));
        assert_eq!(data.image_shape, (2, 2, 3));
        assert!(data.x.is_standard_layout());
        // cat/1.png is grey 60; resizing a flat image keeps it.
        assert!(data.x.column(1).iter().all(|&v| v == 60.0 / 255.0));
        std::fs::create_dir(dir.join("empty")).unwrap();
        let err = load_image_folder::<f64>(&dir, (2, 2)).unwrap_err();
        assert!(matches!(err, Error::Format { .. }) && err.to_string().contains("empty"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_inputs_are_named() {
        let dir = temp_dir("bad");
        let fake = dir.join("fake.png");
        std::fs::write(&fake, "not a png").unwrap();
        let err = load_image::<f64>(&fake, (2, 2)).unwrap_err();
        assert!(matches!(err, Error::Format { .. }) && err.to_string().contains("fake.png"));
        let err = load_image::<f64>(dir.join("gone.png"), (2, 2)).unwrap_err();
        assert!(matches!(err, Error::Io { .. }) && err.to_string().contains("gone.png"));
        assert!(load_image::<f64>(&fake, (0, 2)).is_err());
        let err = load_image_folder::<f64>(&dir, (2, 2)).unwrap_err();
        assert!(err.to_string().contains("no class sub-folders"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
