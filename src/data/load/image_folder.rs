//! Loader for a folder of images with one sub-folder per class (feature `image`).
//!
//! Every image goes through [`crate::data::load_image`]'s steps (upright, RGB, resized, flattened,
//! scaled to [0, 1]); the sorted sub-folder names are the classes.
//!
//! ```no_run
//! // pets/cat/*.jpg, pets/dog/*.png → classes ["cat", "dog"], labels 0 and 1.
//! let data = ndnet::data::load_image_folder::<f32>("pets", (64, 64)).unwrap();
//! assert_eq!(data.image_shape(), (64, 64, 3));
//! ```

use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::images::{check_size, read_rgb};
use crate::data::ImageDataset;
use crate::{Error, Float, Result};

/// File extensions read as images (compared case-insensitively).
const EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// Loads a folder with one sub-folder per class into an [`ImageDataset`].
///
/// Class names are the sub-folder names sorted; class k (0-based, in that order) is label k in
/// Y, so with two classes Y holds the course's 0/1 labels. Within a class, images are taken in
/// file-name order. Files that are not `.png`, `.jpg` or `.jpeg` are skipped, as are files
/// directly in `root` and hidden entries (names starting with `.`, e.g. `.ipynb_checkpoints`).
///
/// # Errors
/// [`Error::InvalidArgument`] if h or w is 0; [`Error::TooLarge`] if the pictures, resized,
/// would exceed the [memory limit](crate::memory_limit) (checked before any is read);
/// [`Error::Io`] naming the folder or file that cannot be read; [`Error::Format`] naming `root`
/// if it has no sub-folders, naming a class folder that has no images, or naming an image that
/// cannot be decoded.
///
/// # Shapes
/// X is (h·w·3, m), each picture one contiguous column (the layout mini-batch training reads
/// fastest), Y is (1, m), `image_shape` is (h, w, 3).
///
/// ```
/// # let pets = std::env::temp_dir().join(format!("ndnet-doc-pets-{}", std::process::id()));
/// # for (class, n) in [("cat", 2), ("dog", 1)] {
/// #     std::fs::create_dir_all(pets.join(class)).unwrap();
/// #     for i in 0..n {
/// #         let path = pets.join(class).join(format!("{i}.png"));
/// #         image::RgbImage::from_pixel(30, 20, image::Rgb([90, 90, 90])).save(path).unwrap();
/// #     }
/// # }
/// // pets/cat/0.png, pets/cat/1.png and pets/dog/0.png: cat → 0, dog → 1.
/// let data = ndnet::data::load_image_folder::<f64>(&pets, (64, 64))?;
/// assert_eq!(data.classes(), vec!["cat", "dog"]);
/// assert_eq!(data.y(), ndarray::array![[0.0, 0.0, 1.0]]);
/// assert_eq!(data.x().dim(), (12288, 3));
/// # std::fs::remove_dir_all(&pets).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_image_folder<F: Float>(root: impl AsRef<Path>, size: (usize, usize)) -> Result<ImageDataset<F>> {
    let (h, w) = check_size(size)?;
    let root = root.as_ref();
    let class_dirs: Vec<PathBuf> = sorted_entries(root)?
        .into_iter()
        .filter(|p| p.is_dir() && !is_hidden(p))
        .collect();
    if class_dirs.is_empty() {
        let msg = "no class sub-folders (expected one folder of images per class)";
        return Err(Error::format(root, None, None, msg));
    }
    let mut files = Vec::new(); // (path, label)
    let mut classes = Vec::new();
    for (k, dir) in class_dirs.iter().enumerate() {
        let images: Vec<PathBuf> = sorted_entries(dir)?
            .into_iter()
            .filter(|p| p.is_file() && !is_hidden(p) && is_image(p))
            .collect();
        if images.is_empty() {
            let msg = "class folder has no .png, .jpg or .jpeg images";
            return Err(Error::format(dir, None, None, msg));
        }
        files.extend(images.into_iter().map(|path| (path, k)));
        classes.push(dir.file_name().unwrap_or_default().to_string_lossy().into_owned());
    }
    // Per value: the resized byte, its transposed copy and its value in X; before reading any.
    let what = || format!("{} pictures of (h, w, 3) from {}", files.len(), root.display());
    let values = crate::base::limits::check_alloc(what, &[files.len(), h, w, 3], 2 + std::mem::size_of::<F>())?;
    let mut bytes = Vec::with_capacity(values);
    let mut labels = Vec::with_capacity(files.len());
    for (path, k) in &files {
        bytes.extend(read_rgb(path, h, w)?);
        labels.push(*k);
    }
    let n_x = h * w * 3;
    let rows = Array2::from_shape_vec((labels.len(), n_x), bytes).expect("each image adds exactly h·w·3 values");
    let x = crate::data::image_dataset::pixels_to_columns(rows.view());
    let y = crate::data::class_row(&labels);
    ImageDataset::new(x, y, classes, (h, w, 3))
}

/// Names starting with a dot (`.ipynb_checkpoints`, `._photo.jpg`) are not data.
fn is_hidden(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
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

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn temp_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ndnet-folder-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
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
        std::fs::create_dir(dir.join(".ipynb_checkpoints")).unwrap(); // hidden: not a class
        let hidden = dir.join("cat").join("._0.png"); // macOS resource fork: not an image
        std::fs::write(hidden, "junk").unwrap();
        let data = load_image_folder::<f64>(&dir, (2, 2)).unwrap();
        assert_eq!(data.classes(), vec!["cat", "dog"]);
        assert_eq!(data.y(), ndarray::array![[0.0, 0.0, 1.0]]);
        assert_eq!(data.x().dim(), (12, 3));
        assert_eq!(data.image_shape(), (2, 2, 3));
        assert!(
            data.x().t().is_standard_layout(),
            "each picture is one contiguous column"
        );
        // cat/1.png is grey 60; resizing a flat image keeps it.
        assert!(data.x().column(1).iter().all(|&v| v == 60.0 / 255.0));
        let err = load_image_folder::<f64>(dir.join("cat"), (2, 2)).unwrap_err();
        assert!(err.to_string().contains("no class sub-folders"), "{err}");
        std::fs::create_dir(dir.join("empty")).unwrap();
        let err = load_image_folder::<f64>(&dir, (2, 2)).unwrap_err();
        assert!(matches!(err, Error::Format { .. }) && err.to_string().contains("empty"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
