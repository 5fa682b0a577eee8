//! The IDX file format (MNIST's), read safely: the claimed sizes are checked against the memory
//! limit before anything of that size is allocated, and against the data actually read, for
//! plain and gzip-compressed files and for pipes alike.
//!
//! An IDX file is a 4-byte magic number `00 00 08 d` (unsigned bytes, d dimensions), d
//! big-endian u32 sizes, then the values row-major.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::base::limits::{DEFLATE_MAX_RATIO, check_alloc};
use crate::{Error, Result};

/// Reads an IDX file of unsigned bytes with `rank` dimensions: its sizes and its values.
///
/// Everything is decided from the bytes read, never from the file's metadata length (0 for a
/// FIFO or a `/proc` file): the header is read, the claimed count is checked against the
/// [memory limit](crate::memory_limit) with `kept_bytes` bytes per value (what the caller
/// will hold per value, the bytes read included), then the values are read as a stream into a
/// buffer that grows only as data arrives, stopping one byte past the claim. For a regular
/// gzip file, a claim larger than deflate can decode from the file's length fails early.
pub(super) fn read_idx(path: &Path, rank: u8, what: &str, kept_bytes: usize) -> Result<(Vec<usize>, Vec<u8>)> {
    let bad = |message: String| Error::format(path, None, None, message);
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let metadata = file.metadata().map_err(|e| Error::io(path, e))?;
    // Only a regular file with a non-zero length says how much it holds.
    let file_len = Some(metadata.len()).filter(|&len| metadata.is_file() && len > 0);
    let mut gzip_magic = [0u8; 2];
    let head_len = read_full(&mut file, &mut gzip_magic, path)?;
    let gzip = head_len == 2 && gzip_magic == [0x1f, 0x8b];
    // The whole file again as one reader: the bytes already read, then the rest.
    let file = std::io::Cursor::new(gzip_magic[..head_len].to_vec()).chain(file);
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
        let msg = format!("IDX element type 0x{:02x} is not unsigned bytes (0x08)", magic[2]);
        return Err(bad(msg));
    }
    if magic != expected {
        let msg = format!(
            "an IDX file of {what} has {rank} dimension(s), this one has {}",
            magic[3]
        );
        return Err(bad(msg));
    }
    let mut size_bytes = [0u8; 4 * 255];
    let size_bytes = &mut size_bytes[..4 * usize::from(rank)];
    if read_full(&mut reader, size_bytes, path)? < size_bytes.len() {
        return Err(bad("file ends inside the IDX header".into()));
    }
    // u32 → usize is lossless on every supported target (at least 32 bits).
    let dims: Vec<usize> = size_bytes
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    let claim = || format!("the {what} claimed by the IDX header of {}", path.display());
    let values = check_alloc(claim, &dims, kept_bytes)? as u64;
    let header = 4 + size_bytes.len() as u64;
    let too_few = |held: u64| {
        bad(format!(
            "sizes {dims:?} claim {values} values but the file holds {held}"
        ))
    };
    match file_len {
        Some(len) if !gzip && len.saturating_sub(header) < values => return Err(too_few(len.saturating_sub(header))),
        Some(len) if gzip && len.saturating_mul(DEFLATE_MAX_RATIO) < values => {
            return Err(bad(format!(
                "sizes {dims:?} claim {values} values, more than the {len} bytes of gzip data can \
                 decode to ({DEFLATE_MAX_RATIO} times as many at most)"
            )));
        }
        _ => {}
    }
    // Read at most one byte more than claimed, growing the buffer only as data arrives, so a
    // file that lies about its sizes cannot make us allocate what it claims.
    let mut data = Vec::with_capacity(values.min(1 << 24) as usize);
    reader
        .take(values + 1)
        .read_to_end(&mut data)
        .map_err(|e| read_error(path, e))?;
    if data.len() as u64 != values {
        let held = match data.len() as u64 > values {
            true => "more".to_string(),
            false => data.len().to_string(),
        };
        return Err(bad(format!(
            "sizes {dims:?} claim {values} values but the file holds {held}"
        )));
    }
    Ok((dims, data))
}

/// Reads into `buf` until it is full or the data ends; returns how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8], path: &Path) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(read_error(path, e)),
        }
    }
    Ok(filled)
}

/// A read error: bad or cut-off gzip data is a format error, anything else an I/O error.
fn read_error(path: &Path, e: std::io::Error) -> Error {
    use std::io::ErrorKind::{InvalidData, InvalidInput, UnexpectedEof};
    match e.kind() {
        InvalidData | InvalidInput | UnexpectedEof => {
            Error::format(path, None, None, format!("corrupt or truncated gzip data: {e}"))
        }
        _ => Error::io(path, e),
    }
}

#[cfg(test)]
pub(super) mod testing {
    //! Helpers that write IDX files for the tests of this module and of `mnist`.
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use crate::{Error, Result};

    /// A fresh folder under the system temp dir, unique to this process and test.
    pub(crate) fn temp_dir(test: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ndnet-mnist-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// An IDX file of bytes: magic 00 00 08 rank, big-endian sizes, then `data`.
    pub(crate) fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut out = vec![0, 0, 0x08, dims.len() as u8];
        for d in dims {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out.extend_from_slice(data);
        out
    }

    pub(crate) fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub(crate) fn format_error(result: Result<impl std::fmt::Debug>) -> String {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        err.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::data::{read_idx_images, read_idx_labels};

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
        corrupt[n - 8] ^= 0xff; // the gzip trailer's CRC-32 no longer matches the data
        let text = format_error(read_idx_labels(write(&dir, "g", &corrupt)));
        assert!(text.contains("corrupt or truncated gzip"), "{text}");
        let cut = gz(&idx(&[4], &[1, 2, 3, 4]));
        let text = format_error(read_idx_labels(write(&dir, "h", &cut[..cut.len() - 10])));
        assert!(text.contains("corrupt or truncated gzip"), "{text}");
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
        // Zipped, the claim is more than deflate can decode from ~40 bytes: refused at once.
        let zipped = write(&dir, "b", &gz(&idx(&[60_000, 28, 28], &[0; 4])));
        assert!(format_error(read_idx_images::<f64>(&zipped)).contains("can decode to"));
        // A claim deflate could meet is found out while reading.
        let zipped = write(&dir, "b2", &gz(&idx(&[10, 28, 28], &[0; 4])));
        assert!(format_error(read_idx_images::<f64>(&zipped)).contains("holds 4"));
        // (2^32 − 1)^3 values: over any memory limit, refused right after the header.
        let absurd = write(&dir, "c", &gz(&idx(&[u32::MAX, u32::MAX, u32::MAX], &[])));
        let err = read_idx_images::<f64>(&absurd).unwrap_err();
        assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
        assert!(err.to_string().contains("images claimed by the IDX header"), "{err}");
        // Also with 0 images: ndarray refuses (0, 2^64 − 2^33 + 1) as a shape, so must we.
        let empty = write(&dir, "d", &idx(&[0, u32::MAX, u32::MAX], &[]));
        assert!(matches!(read_idx_images::<f32>(&empty), Err(Error::TooLarge { .. })));
        // 2^31 pixels in a small gzip file: more than deflate can decode from it.
        let bomb = write(&dir, "e", &gz(&idx(&[1 << 11, 1 << 10, 1 << 10], &[0; 1000])));
        let text = format_error(read_idx_images::<f32>(&bomb));
        assert!(text.contains("can decode to"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// A FIFO's metadata says 0 bytes: the reader must go by what it reads (`file_len - header`
    /// would underflow).
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_by_its_content_not_its_metadata() {
        let dir = temp_dir("fifo");
        for (name, bytes, want) in [
            ("ok", idx(&[3], &[1, 2, 3]), Ok(vec![1, 2, 3])),
            ("short", idx(&[3], &[1, 2]), Err("holds 2")),
            ("long", idx(&[1], &[1, 2]), Err("holds more")),
        ] {
            let path = dir.join(name);
            let status = std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .expect("mkfifo runs");
            assert!(status.success());
            let writer = {
                let path = path.clone();
                std::thread::spawn(move || std::fs::write(path, bytes).expect("write to the FIFO"))
            };
            let got = read_idx_labels(&path);
            writer.join().expect("writer thread");
            match want {
                Ok(labels) => assert_eq!(got.unwrap(), labels),
                Err(text) => assert!(format_error(got).contains(text), "{name}"),
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
