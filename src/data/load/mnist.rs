//! Loader for MNIST's IDX files, gzip-compressed or plain (feature `mnist`).
//!
//! An IDX file is a 4-byte magic number `00 00 08 d` (unsigned bytes, d dimensions), d
//! big-endian u32 sizes, then the values row-major. Images (n, rows, cols) become X
//! (rows·cols, n) scaled to [0, 1], pixel (r, c) at feature r·cols + c; labels (n) stay bytes.
//!
//! ```no_run
//! # fn main() -> ndnet::Result<()> {
//! use ndnet::data::{load_mnist, one_vs_rest};
//! let digits = load_mnist::<f64>("data/mnist/t10k-images-idx3-ubyte.gz",
//!                                "data/mnist/t10k-labels-idx1-ubyte.gz")?;
//! assert_eq!(digits.x.dim(), (784, 10_000));
//! let is_seven = one_vs_rest::<f64, _>(&digits.labels, 7); // Y (1, 10000) of 0/1
//! # Ok(())
//! # }
//! ```

use std::path::Path;

use ndarray::Array2;

use super::idx::read_idx;
use crate::{Error, Float, Result};

/// MNIST-style images with their labels.
///
/// # Shapes
/// `x` is (rows·cols, m) with values in [0, 1]; `labels` has length m.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-idx1-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// // Two 2×2 images and their labels in IDX format: magic 00 00 08 d, big-endian sizes, bytes.
/// let (images, labels) = (dir.join("images-idx3-ubyte"), dir.join("labels-idx1-ubyte"));
/// let header = [0u8, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
/// std::fs::write(&images, [&header[..], &[0, 255, 51, 0, 9, 9, 9, 9]].concat())?;
/// std::fs::write(&labels, [0, 0, 8, 1, 0, 0, 0, 2, 7, 3])?;
/// let digits = ndnet::data::load_mnist::<f32>(&images, &labels)?;
/// assert_eq!(digits.labels, vec![7, 3]);
/// assert_eq!(digits.x.column(0).to_vec(), vec![0.0, 1.0, 0.2, 0.0]); // bytes / 255
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mnist<F> {
    /// The images, one per column: (rows·cols, m), values in [0, 1].
    pub x: Array2<F>,
    /// The label (digit) of each image.
    pub labels: Vec<u8>,
    /// The shape of one image: (rows, cols), (28, 28) for MNIST.
    pub image_shape: (usize, usize),
}

/// Loads an IDX image file and its IDX label file, each gzip-compressed or plain.
///
/// # Errors
/// As [`read_idx_images`] and [`read_idx_labels`]; [`Error::Format`] naming the label file if
/// it holds a different number of labels than there are images.
///
/// # Shapes
/// X is (rows·cols, m), each image one contiguous column (see [`read_idx_images`]); there
/// are m labels.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-idx2-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// // Two 2×2 images and their labels in IDX format: magic 00 00 08 d, big-endian sizes, bytes.
/// let (images, labels) = (dir.join("images-idx3-ubyte"), dir.join("labels-idx1-ubyte"));
/// let header = [0u8, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
/// std::fs::write(&images, [&header[..], &[0, 255, 51, 0, 9, 9, 9, 9]].concat())?;
/// std::fs::write(&labels, [0, 0, 8, 1, 0, 0, 0, 2, 7, 3])?;
/// // MNIST's own files are t10k-images-idx3-ubyte.gz etc.: gzip is detected and undone.
/// let digits = ndnet::data::load_mnist::<f64>(&images, &labels)?;
/// assert_eq!(digits.image_shape, (2, 2)); // (28, 28) for MNIST
/// assert_eq!(digits.x.dim(), (4, 2));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_mnist<F: Float>(images_path: impl AsRef<Path>, labels_path: impl AsRef<Path>) -> Result<Mnist<F>> {
    let (x, image_shape) = read_idx_images(images_path.as_ref())?;
    let labels = read_idx_labels(labels_path.as_ref())?;
    if labels.len() != x.ncols() {
        let message = format!(
            "{} labels for the {} images of {}",
            labels.len(),
            x.ncols(),
            images_path.as_ref().display()
        );
        return Err(Error::format(labels_path.as_ref(), None, None, message));
    }
    Ok(Mnist { x, labels, image_shape })
}

/// Reads an IDX image file (n, rows, cols) of bytes into X (rows·cols, n) scaled by 1/255.
///
/// # Errors
/// [`Error::Io`] naming the path if it cannot be read; [`Error::Format`] naming the path if
/// the magic number is not `00 00 08 03`, the sizes disagree with the data read (a plain file
/// shorter than claimed fails before reading, a gzip file or a pipe while reading, with a
/// buffer that grows only as data arrives), or the gzip data is corrupt; [`Error::TooLarge`]
/// if the claimed images would exceed the [memory limit](crate::memory_limit) (checked right
/// after the header, before anything of that size is allocated).
///
/// # Shapes
/// The result is (rows·cols, n) with the image shape (rows, cols), in column-major layout:
/// each image is one contiguous column, as in the file, which is the layout mini-batch
/// training reads fastest.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-idx3-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// // Two 2×2 images and their labels in IDX format: magic 00 00 08 d, big-endian sizes, bytes.
/// let (images, labels) = (dir.join("images-idx3-ubyte"), dir.join("labels-idx1-ubyte"));
/// let header = [0u8, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
/// std::fs::write(&images, [&header[..], &[0, 255, 51, 0, 9, 9, 9, 9]].concat())?;
/// std::fs::write(&labels, [0, 0, 8, 1, 0, 0, 0, 2, 7, 3])?;
/// let (x, (rows, cols)) = ndnet::data::read_idx_images::<f64>(&images)?;
/// assert_eq!((rows, cols), (2, 2));
/// assert_eq!(x[[1, 0]], 1.0); // image 0, pixel (0, 1) = 255
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_idx_images<F: Float>(path: impl AsRef<Path>) -> Result<(Array2<F>, (usize, usize))> {
    // Per pixel: the byte read, its transposed copy and its value in X.
    let kept_bytes = 2 + std::mem::size_of::<F>();
    let (dims, bytes) = read_idx(path.as_ref(), 3, "images", kept_bytes)?;
    let (n, rows, cols) = (dims[0], dims[1], dims[2]);
    // read_idx returned exactly n·rows·cols bytes and checked n·rows·cols against the memory
    // limit counting every side as at least 1, so rows·cols fits even with n = 0 (fuzz finding:
    // 0 images of 2^32−1 × 2^32−1).
    let pixels = Array2::from_shape_vec((n, rows * cols), bytes).map_err(|e| {
        Error::format(
            path.as_ref(),
            None,
            None,
            format!("images of {rows} × {cols} pixels: {e}"),
        )
    })?;
    let x = crate::data::image_dataset::pixels_to_columns(pixels.view());
    Ok((x, (rows, cols)))
}

/// Reads an IDX label file (n) of bytes.
///
/// # Errors
/// As [`read_idx_images`], with magic number `00 00 08 01`.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("ndnet-idx4-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// // Two 2×2 images and their labels in IDX format: magic 00 00 08 d, big-endian sizes, bytes.
/// let (images, labels) = (dir.join("images-idx3-ubyte"), dir.join("labels-idx1-ubyte"));
/// let header = [0u8, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2];
/// std::fs::write(&images, [&header[..], &[0, 255, 51, 0, 9, 9, 9, 9]].concat())?;
/// std::fs::write(&labels, [0, 0, 8, 1, 0, 0, 0, 2, 7, 3])?;
/// let labels = ndnet::data::read_idx_labels(&labels)?;
/// assert_eq!(labels, vec![7, 3]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_idx_labels(path: impl AsRef<Path>) -> Result<Vec<u8>> {
    Ok(read_idx(path.as_ref(), 1, "labels", 1)?.1)
}

#[cfg(test)]
mod tests {
    use super::super::idx::testing::*;
    use super::*;

    #[test]
    fn plain_and_gzip_files_load_the_same() {
        let dir = temp_dir("roundtrip");
        // Three 2×3 images; pixel value = 10·image + 3·row + col (so ≤ 25).
        let pixels: Vec<u8> = (0..3)
            .flat_map(|i| (0..2).flat_map(move |r| (0..3).map(move |c| 10 * i + 3 * r + c)))
            .collect();
        let images = idx(&[3, 2, 3], &pixels);
        let labels = idx(&[3], &[7, 0, 7]);
        let plain = load_mnist::<f64>(write(&dir, "img", &images), write(&dir, "lab", &labels)).unwrap();
        let zipped =
            load_mnist::<f64>(write(&dir, "img.gz", &gz(&images)), write(&dir, "lab.gz", &gz(&labels))).unwrap();
        assert_eq!(plain, zipped);
        assert_eq!(plain.x.dim(), (6, 3));
        assert!(plain.x.t().is_standard_layout(), "each image is one contiguous column");
        assert_eq!(plain.image_shape, (2, 3));
        assert_eq!(plain.labels, vec![7, 0, 7]);
        for ((f, i), v) in plain.x.indexed_iter() {
            let (r, c) = (f / 3, f % 3);
            assert_eq!(*v, (10 * i + 3 * r + c) as f64 / 255.0);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn label_count_must_match_image_count() {
        let dir = temp_dir("count");
        let images = write(&dir, "img", &idx(&[2, 1, 1], &[0, 255]));
        let labels = write(&dir, "lab", &idx(&[3], &[0, 1, 2]));
        let text = format_error(load_mnist::<f32>(&images, &labels));
        assert!(text.contains("3 labels for the 2 images"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
