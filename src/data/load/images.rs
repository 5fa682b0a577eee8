//! Loader for one PNG or JPEG picture (feature `image`).
//!
//! The image is turned upright by its EXIF orientation, converted to RGB, resized to (h, w)
//! with a triangle (bilinear) filter and flattened like the course's cat data: one column of
//! h·w·3 values in [0, 1], feature index (row · w + col) · 3 + channel. So a network trained
//! on `train_catvnoncat.h5` can be asked about your own picture, as in the course's last
//! exercise.
//!
//! ```no_run
//! let x = ndnet::data::load_image::<f64>("my_cat.jpg", (64, 64)).unwrap();
//! assert_eq!(x.dim(), (12288, 1));
//! ```

use std::path::Path;

use image::ImageDecoder;
use image::imageops::FilterType;
use ndarray::Array2;

use crate::{Error, Float, Result};

/// Loads one PNG or JPEG image as a column (h·w·3, 1) of RGB values in [0, 1], resized to (h, w).
///
/// # Errors
/// [`Error::InvalidArgument`] if h or w is 0 or not below 2³²; [`Error::TooLarge`] if the
/// resized picture or the size its header claims would exceed the
/// [memory limit](crate::memory_limit) (checked before decoding); [`Error::Io`] naming the path
/// if the file cannot be read; [`Error::Format`] naming the path if it is not a PNG or JPEG
/// image it can decode, or if its header claims a picture of more than 256 MiB (RGB) that is
/// over 1032 times the file's length (more than deflate or JPEG can expand: a truncated or
/// corrupt file, refused before the decoder allocates it).
///
/// # Shapes
/// The result is (h·w·3, 1), one example in ndnet's layout.
///
/// ```
/// # let path = std::env::temp_dir().join(format!("ndnet-doc-image-{}.png", std::process::id()));
/// # image::RgbImage::from_pixel(100, 80, image::Rgb([255, 102, 0])).save(&path).unwrap();
/// // `path` is a 100×80 orange PNG, e.g. your own photo.
/// let x = ndnet::data::load_image::<f32>(&path, (64, 64))?;
/// assert_eq!(x.dim(), (64 * 64 * 3, 1));
/// assert_eq!((x[[0, 0]], x[[1, 0]], x[[2, 0]]), (1.0, 0.4, 0.0)); // top-left pixel: R, G, B
/// # std::fs::remove_file(&path).unwrap();
/// # Ok::<(), ndnet::Error>(())
/// ```
pub fn load_image<F: Float>(path: impl AsRef<Path>, size: (usize, usize)) -> Result<Array2<F>> {
    let (h, w) = check_size(size)?;
    // Per value: the resized byte, its transposed copy and its value in X.
    let what = || "the picture resized to (h, w, 3)".to_string();
    crate::base::limits::check_alloc(what, &[h, w, 3], 2 + std::mem::size_of::<F>())?;
    let values = read_rgb(path.as_ref(), h, w)?;
    let row = Array2::from_shape_vec((1, values.len()), values).expect("a vector of n values fits (1, n)");
    Ok(crate::data::image_dataset::pixels_to_columns(row.view()))
}

pub(super) fn check_size((h, w): (usize, usize)) -> Result<(usize, usize)> {
    let fits = |v: usize| v > 0 && u32::try_from(v).is_ok();
    if !fits(h) || !fits(w) {
        return Err(Error::InvalidArgument {
            argument: "size",
            message: format!("image size (h, w) = ({h}, {w}) must be positive and below 2^32"),
        });
    }
    Ok((h, w))
}

/// Decodes `path`, turns it upright (EXIF orientation), converts it to RGB, resizes it to
/// (h, w): h·w·3 bytes, row-major.
pub(super) fn read_rgb(path: &Path, h: usize, w: usize) -> Result<Vec<u8>> {
    let image_error = |e: image::ImageError| match e {
        image::ImageError::IoError(io) => Error::io(path, io),
        other => Error::format(path, None, None, format!("cannot decode image: {other}")),
    };
    let mut decoder = image::ImageReader::open(path)
        .map_err(|e| Error::io(path, e))?
        .with_guessed_format()
        .map_err(|e| Error::io(path, e))?
        .into_decoder()
        .map_err(image_error)?;
    // The header's claimed size, checked before decoding allocates it (a corrupt JPEG header
    // claiming 65535 × 65535 would otherwise take 12 GB): per pixel, the decoded pixel and its
    // RGB copy. (u32 → usize is lossless on every supported target.)
    let (width, height) = decoder.dimensions();
    let pixel_bytes = usize::from(decoder.color_type().bytes_per_pixel()) + 3;
    let what = || format!("the decoded picture {} (height × width)", path.display());
    crate::base::limits::check_alloc(what, &[height as usize, width as usize], pixel_bytes)?;
    check_ratio(path, width, height)?;
    // Phone photos are often stored sideways with an EXIF tag saying how to turn them.
    let orientation = decoder.orientation().map_err(image_error)?;
    let mut decoded = image::DynamicImage::from_decoder(decoder).map_err(image_error)?;
    decoded.apply_orientation(orientation);
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

/// Pictures may decode to any size up to this; beyond it, to at most [`MAX_RATIO`] times the
/// file's length.
const RATIO_FREE_BYTES: u64 = 256 << 20;

/// Deflate (PNG) cannot expand more than 1032 times; baseline JPEG stays below that too.
const MAX_RATIO: u64 = 1032;

/// Refuses a header whose claimed size (RGB, 3 bytes a pixel) is beyond what a file of its
/// length can hold: a 654-byte JPEG claiming 54823 × 28420 pixels made the decoder allocate
/// 4.7 GB before finding the data missing (within the 16 GiB memory limit, so not refused by
/// it). A pipe, whose length reads as 0, gets only the ratio-free allowance.
fn check_ratio(path: &Path, width: u32, height: u32) -> Result<()> {
    let claimed = u64::from(width) * u64::from(height) * 3;
    if claimed <= RATIO_FREE_BYTES {
        return Ok(());
    }
    let length = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if claimed / MAX_RATIO <= length {
        return Ok(());
    }
    Err(Error::format(
        path,
        None,
        None,
        format!(
            "the header claims {width} × {height} pixels ({claimed} bytes decoded) from a file of \
             {length} bytes, more than {MAX_RATIO} times its length: the file is truncated or corrupt"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};
    use std::path::PathBuf;

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
    fn exif_orientation_turns_the_photo_upright() {
        use image::ImageEncoder;
        let dir = temp_dir("exif");
        // Stored 16 wide × 8 high, left half red, right half blue, with EXIF orientation 6
        // ("rotate 90° clockwise to display"): upright it is 8 wide × 16 high, red on top.
        let stored = RgbImage::from_fn(16, 8, |c, _| if c < 8 { Rgb([255, 0, 0]) } else { Rgb([0, 0, 255]) });
        // A little-endian TIFF header with one IFD entry: tag 0x0112 (Orientation), SHORT, 6.
        let exif = vec![
            b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
        ];
        let path = dir.join("phone.jpg");
        let file = std::fs::File::create(&path).unwrap();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(file, 95);
        encoder.set_exif_metadata(exif).unwrap();
        encoder
            .write_image(stored.as_raw(), 16, 8, image::ExtendedColorType::Rgb8)
            .unwrap();
        let x = load_image::<f64>(&path, (16, 8)).unwrap(); // (h, w): no resizing needed
        let pixel = |r: usize, c: usize| [0, 1, 2].map(|ch| x[[(r * 8 + c) * 3 + ch, 0]]);
        // Not turned, the image squeezed to 8 wide would be red on the left, blue on the right.
        let top_right = pixel(2, 6);
        let bottom_left = pixel(13, 1);
        assert!(top_right[0] > 0.8 && top_right[2] < 0.2, "{top_right:?}");
        assert!(bottom_left[2] > 0.8 && bottom_left[0] < 0.2, "{bottom_left:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_claimed_size_beyond_what_the_file_can_hold_is_refused() {
        let dir = temp_dir("ratio");
        let path = dir.join("small.jpg");
        std::fs::write(&path, [0u8; 300]).unwrap();
        // 300 bytes hold at most 1032 × 300 decoded bytes, but anything up to 256 MiB passes.
        assert!(check_ratio(&path, 9000, 9000).is_ok()); // 243 MB
        let err = check_ratio(&path, 54823, 28420).unwrap_err();
        assert!(
            err.to_string()
                .contains("claims 54823 × 28420 pixels (4674208980 bytes decoded) from a file of 300 bytes"),
            "{err}"
        );
        // 4.7 GB from 4.6 MB is within the ratio.
        std::fs::write(&path, vec![0u8; 4_674_208_980 / 1032 + 1]).unwrap();
        assert!(check_ratio(&path, 54823, 28420).is_ok());
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
        std::fs::remove_dir_all(dir).unwrap();
    }
}
