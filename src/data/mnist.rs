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

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use ndarray::Array2;

use crate::{Error, Float, Result};

/// Refuse files claiming more values than this, before anything is allocated.
const MAX_VALUES: u64 = 1 << 31;

/// MNIST-style images with their labels.
///
/// # Shapes
/// `x` is (rows·cols, m) with values in [0, 1]; `labels` has length m.
///
/// ```no_run
/// let digits = ndnet::data::load_mnist::<f32>("images.idx3-ubyte", "labels.idx1-ubyte").unwrap();
/// assert_eq!(digits.labels.len(), digits.x.ncols());
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
/// X is (rows·cols, m); there are m labels.
///
/// ```no_run
/// let digits = ndnet::data::load_mnist::<f64>("t10k-images-idx3-ubyte.gz",
///                                             "t10k-labels-idx1-ubyte.gz").unwrap();
/// assert_eq!(digits.image_shape, (28, 28));
/// ```
pub fn load_mnist<F: Float>(
    images_path: impl AsRef<Path>,
    labels_path: impl AsRef<Path>,
) -> Result<Mnist<F>> {
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
    Ok(Mnist {
        x,
        labels,
        image_shape,
    })
}

/// Reads an IDX image file (n, rows, cols) of bytes into X (rows·cols, n) scaled by 1/255.
///
/// # Errors
/// [`Error::Io`] naming the path if it cannot be read; [`Error::Format`] naming the path if
/// the magic number is not `00 00 08 03`, the sizes disagree with the length of the data
/// (checked before anything is allocated for a plain file, and while decompressing a gzip
/// one), the sizes claim more than 2³¹ values, or the gzip data is corrupt.
///
/// # Shapes
/// The result is (rows·cols, n) with the image shape (rows, cols).
///
/// ```no_run
/// let (x, (rows, cols)) = ndnet::data::read_idx_images::<f64>("t10k-images-idx3-ubyte").unwrap();
/// assert_eq!(x.nrows(), rows * cols);
/// ```
pub fn read_idx_images<F: Float>(path: impl AsRef<Path>) -> Result<(Array2<F>, (usize, usize))> {
    let (dims, bytes) = read_idx(path.as_ref(), 3, "images")?;
    let (n, rows, cols) = (dims[0], dims[1], dims[2]);
    let pixels = Array2::from_shape_vec((n, rows * cols), bytes)
        .expect("read_idx returns exactly n·rows·cols bytes");
    let scale: Vec<F> = (0..=255u8)
        .map(|v| F::from_f64(f64::from(v) / 255.0))
        .collect();
    let x = pixels.t().mapv(|v| scale[usize::from(v)]);
    Ok((x, (rows, cols)))
}

/// Reads an IDX label file (n) of bytes.
///
/// # Errors
/// As [`read_idx_images`], with magic number `00 00 08 01`.
///
/// ```no_run
/// let labels = ndnet::data::read_idx_labels("t10k-labels-idx1-ubyte.gz").unwrap();
/// assert!(labels.iter().all(|&d| d < 10));
/// ```
pub fn read_idx_labels(path: impl AsRef<Path>) -> Result<Vec<u8>> {
    Ok(read_idx(path.as_ref(), 1, "labels")?.1)
}

/// Reads an IDX file of unsigned bytes with `rank` dimensions: its sizes and its values.
fn read_idx(path: &Path, rank: u8, what: &str) -> Result<(Vec<usize>, Vec<u8>)> {
    let bad = |message: String| Error::format(path, None, None, message);
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut gzip_magic = [0u8; 2];
    let gzip = read_full(&mut file, &mut gzip_magic, path)? == 2 && gzip_magic == [0x1f, 0x8b];
    let file = chain_back(file, &gzip_magic, file_len);
    let mut reader: Box<dyn Read> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };

    let mut magic = [0u8; 4];
    let got = read_full(&mut reader, &mut magic, path)?;
    let expected = [0, 0, 0x08, rank];
    if got < 4 || magic[..2] != [0, 0] {
        return Err(bad(format!("not an IDX file (magic number {magic:02x?})")));
    }
    if magic[2] != 0x08 {
        let msg = format!(
            "IDX element type 0x{:02x} is not unsigned bytes (0x08)",
            magic[2]
        );
        return Err(bad(msg));
    }
    if magic != expected {
        let msg = format!(
            "an IDX file of {what} has {rank} dimension(s), this one has {}",
            magic[3]
        );
        return Err(bad(msg));
    }
    let mut size_bytes = vec![0u8; 4 * usize::from(rank)];
    if read_full(&mut reader, &mut size_bytes, path)? < size_bytes.len() {
        return Err(bad("file ends inside the IDX header".into()));
    }
    let dims: Vec<u64> = size_bytes
        .chunks_exact(4)
        .map(|b| u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
        .collect();
    let values = dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
    let Some(values) = values.filter(|&v| v <= MAX_VALUES) else {
        return Err(bad(format!("sizes {dims:?} claim more than 2^31 values")));
    };
    let header = 4 + size_bytes.len() as u64;
    if !gzip && file_len - header != values {
        let held = file_len - header;
        return Err(bad(format!(
            "sizes {dims:?} claim {values} values but the file holds {held}"
        )));
    }
    // Read at most one byte more than claimed, growing the buffer only as data arrives, so a
    // gzip file that lies about its sizes cannot make us allocate what it claims.
    let mut data = Vec::with_capacity(values.min(1 << 24) as usize);
    reader
        .take(values + 1)
        .read_to_end(&mut data)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
                bad(format!("corrupt gzip data: {e}"))
            }
            _ => Error::io(path, e),
        })?;
    if data.len() as u64 != values {
        let held = if data.len() as u64 > values {
            "more"
        } else {
            "fewer"
        };
        return Err(bad(format!(
            "sizes {dims:?} claim {values} values but the file holds {held}"
        )));
    }
    Ok((dims.iter().map(|&d| d as usize).collect(), data))
}

/// Reads into `buf` until it is full or the data ends; returns how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(Error::format(
                    path,
                    None,
                    None,
                    format!("corrupt gzip data: {e}"),
                ));
            }
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    Ok(filled)
}

/// The whole file again as one reader: the bytes already read, then the rest of the file.
fn chain_back(file: File, head: &[u8; 2], file_len: u64) -> impl Read {
    let head_len = file_len.min(2) as usize;
    std::io::Cursor::new(head[..head_len].to_vec()).chain(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::PathBuf;

    /// A fresh folder under the system temp dir, unique to this process and test.
    fn temp_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ndnet-mnist-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// An IDX file of bytes: magic 00 00 08 rank, big-endian sizes, then `data`.
    fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut out = vec![0, 0, 0x08, dims.len() as u8];
        for d in dims {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out.extend_from_slice(data);
        out
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn format_error(result: Result<impl std::fmt::Debug>) -> String {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        err.to_string()
    }

    #[test]
    fn plain_and_gzip_files_load_the_same() {
        let dir = temp_dir("roundtrip");
        // Three 2×3 images; pixel value = 10·image + 3·row + col (so ≤ 25).
        let pixels: Vec<u8> = (0..3)
            .flat_map(|i| (0..2).flat_map(move |r| (0..3).map(move |c| 10 * i + 3 * r + c)))
            .collect();
        let images = idx(&[3, 2, 3], &pixels);
        let labels = idx(&[3], &[7, 0, 7]);
        let plain =
            load_mnist::<f64>(write(&dir, "img", &images), write(&dir, "lab", &labels)).unwrap();
        let zipped = load_mnist::<f64>(
            write(&dir, "img.gz", &gz(&images)),
            write(&dir, "lab.gz", &gz(&labels)),
        )
        .unwrap();
        assert_eq!(plain, zipped);
        assert_eq!(plain.x.dim(), (6, 3));
        assert_eq!(plain.image_shape, (2, 3));
        assert_eq!(plain.labels, vec![7, 0, 7]);
        for ((f, i), v) in plain.x.indexed_iter() {
            let (r, c) = (f / 3, f % 3);
            assert_eq!(*v, (10 * i + 3 * r + c) as f64 / 255.0);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn malformed_files_fail_with_format_errors() {
        let dir = temp_dir("malformed");
        let wrong_magic = write(&dir, "a", &[1, 2, 3, 4, 0, 0, 0, 0]);
        assert!(format_error(read_idx_labels(&wrong_magic)).contains("not an IDX file"));
        let ints = write(&dir, "b", &[0, 0, 0x0c, 1, 0, 0, 0, 0]);
        assert!(format_error(read_idx_labels(&ints)).contains("0x0c"));
        let labels = write(&dir, "c", &idx(&[2], &[1, 2]));
        assert!(format_error(read_idx_images::<f64>(&labels)).contains("has 1"));
        let short = write(&dir, "d", &idx(&[3], &[1, 2]));
        assert!(format_error(read_idx_labels(&short)).contains("holds 2"));
        let long = write(&dir, "e", &gz(&idx(&[1], &[1, 2])));
        assert!(format_error(read_idx_labels(&long)).contains("holds more"));
        let header_cut = write(&dir, "f", &[0, 0, 8, 3, 0, 0]);
        assert!(format_error(read_idx_images::<f32>(&header_cut)).contains("header"));
        let mut corrupt = gz(&idx(&[4], &[1, 2, 3, 4]));
        let n = corrupt.len();
        corrupt[n - 12..n - 8].copy_from_slice(&[0xff; 4]); // inside the deflate stream / crc
        assert!(read_idx_labels(write(&dir, "g", &corrupt)).is_err());
        let missing = read_idx_labels(dir.join("none")).unwrap_err();
        assert!(matches!(missing, Error::Io { .. }) && missing.to_string().contains("none"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn huge_claimed_sizes_fail_before_allocating() {
        let dir = temp_dir("huge");
        // 60000 × 28 × 28 is fine as a claim, but the file holds 4 bytes.
        let plain = write(&dir, "a", &idx(&[60_000, 28, 28], &[0; 4]));
        assert!(format_error(read_idx_images::<f64>(&plain)).contains("holds 4"));
        let zipped = write(&dir, "b", &gz(&idx(&[60_000, 28, 28], &[0; 4])));
        assert!(format_error(read_idx_images::<f64>(&zipped)).contains("holds fewer"));
        let absurd = write(&dir, "c", &gz(&idx(&[u32::MAX, u32::MAX, u32::MAX], &[])));
        assert!(format_error(read_idx_images::<f64>(&absurd)).contains("more than 2^31"));
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
