//! The `.npy` header, read defensively and written as numpy writes it.
//!
//! ```text
//! \x93NUMPY  major minor  HEADER_LEN (u16 LE for 1.0, u32 LE for 2.0 and 3.0)
//! {'descr': '<f4', 'fortran_order': False, 'shape': (m, n), }   padded with spaces, '\n'
//! the values, C order
//! ```
//!
//! The magic, version and length are read here, and the text is refused if it is long (over
//! [`MAX_HEADER_LEN`]) or nests before `ndarray-npy`'s parser sees it: that parser allocates
//! the declared length and recurses into nested literals.

use std::fs::File;
use std::io::Cursor;
use std::path::Path;

use ndarray_npy::npy::header::{Header, Layout};

use crate::base::file::read_at;
use crate::{Error, Float, Result};

/// The first bytes of every `.npy` file.
const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The longest header text read: numpy writes 118 bytes for a 2-D float array, and pads the
/// whole header to a multiple of 64 bytes.
pub(crate) const MAX_HEADER_LEN: usize = 64 << 10;

/// The float types a `.npy` file of examples may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dtype {
    /// `f4`, numpy's `float32`.
    F32,
    /// `f8`, numpy's `float64`.
    F64,
}

/// A value's type and byte order in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Element {
    pub(crate) dtype: Dtype,
    pub(crate) big_endian: bool,
}

impl Element {
    /// The little-endian element of `F`, as ndnet writes.
    pub(crate) fn of<F: Float>() -> Self {
        let dtype = if std::mem::size_of::<F>() == 4 {
            Dtype::F32
        } else {
            Dtype::F64
        };
        Element {
            dtype,
            big_endian: false,
        }
    }

    /// Bytes per value.
    pub(crate) fn size(self) -> usize {
        match self.dtype {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }

    /// numpy's name of the type, e.g. `<f4`.
    pub(crate) fn descr(self) -> &'static str {
        match (self.dtype, self.big_endian) {
            (Dtype::F32, false) => "<f4",
            (Dtype::F64, false) => "<f8",
            (Dtype::F32, true) => ">f4",
            (Dtype::F64, true) => ">f8",
        }
    }
}

/// What a header says: the array's shape and element, and where its values start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Described {
    pub(crate) shape: Vec<usize>,
    pub(crate) element: Element,
    /// The offset of the first value: the magic, version, length and header text.
    pub(crate) data_start: u64,
}

/// Reads and checks the header of the `.npy` file `file` (`file_len` bytes long) at `path`.
///
/// # Errors
/// [`Error::Format`] naming the file: not a `.npy` file, an unknown version, a header longer
/// than [`MAX_HEADER_LEN`] or past the end of the file, one that nests or does not parse, a
/// dtype other than float32 or float64, Fortran order where it differs from C order.
pub(crate) fn read(path: &Path, file: &File, file_len: u64) -> Result<Described> {
    let bad = |message: String| Error::format(path, None, None, message);
    let mut prefix = [0u8; 12];
    let got = prefix.len().min(usize::try_from(file_len).unwrap_or(usize::MAX));
    read_at(file, &mut prefix[..got], 0).map_err(|e| Error::io(path, e))?;
    if got < 10 || prefix[..6] != MAGIC[..] {
        let start = &prefix[..got.min(6)];
        return Err(bad(format!(
            "not a .npy file: it starts with {start:02x?}, not numpy's magic \\x93NUMPY"
        )));
    }
    let (major, minor) = (prefix[6], prefix[7]);
    let (length_bytes, header_len) = match (major, minor) {
        (1, 0) => (2, u64::from(u16::from_le_bytes([prefix[8], prefix[9]]))),
        (2 | 3, 0) if got >= 12 => (
            4,
            u64::from(u32::from_le_bytes([prefix[8], prefix[9], prefix[10], prefix[11]])),
        ),
        (2 | 3, 0) => return Err(bad("the file ends inside its .npy header".into())),
        _ => {
            return Err(bad(format!(
                "unknown .npy format version {major}.{minor} (ndnet reads 1.0, 2.0 and 3.0)"
            )));
        }
    };
    if header_len > MAX_HEADER_LEN as u64 {
        return Err(bad(format!(
            "the .npy header claims {header_len} bytes, more than the {MAX_HEADER_LEN} ndnet reads \
             (numpy writes about 128 for an array of floats)"
        )));
    }
    let text_start = 8 + length_bytes;
    let data_start = text_start + header_len;
    if data_start > file_len {
        return Err(bad(format!(
            "the file ends inside its .npy header ({file_len} bytes, the header claims {data_start})"
        )));
    }
    // At most 12 + 64 KiB: bounded above, whatever the file claims.
    let mut bytes = vec![0u8; data_start as usize];
    read_at(file, &mut bytes, 0).map_err(|e| Error::io(path, e))?;
    check_nesting(&bytes[text_start as usize..]).map_err(bad)?;
    let header = Header::from_reader(&mut Cursor::new(&bytes))
        .map_err(|e| bad(format!("the .npy header does not parse: {e}")))?;
    let element = element(&header).map_err(bad)?;
    let spread = header.shape.iter().filter(|&&n| n > 1).count();
    if header.layout == Layout::Fortran && spread > 1 {
        return Err(bad(format!(
            "the array {:?} is stored in Fortran (column-major) order; ndnet reads C order, one example \
             per row: save np.ascontiguousarray(x) instead",
            header.shape
        )));
    }
    Ok(Described {
        shape: header.shape,
        element,
        data_start,
    })
}

/// Refuses header text that nests: more than one dictionary, any list, more than one tuple
/// (the shape). A float array's header has none of these, and the parser recurses into them.
fn check_nesting(text: &[u8]) -> std::result::Result<(), String> {
    let count = |c: u8| text.iter().filter(|&&b| b == c).count();
    let nests = count(b'{') > 1 || count(b'}') > 1 || count(b'(') > 1 || count(b')') > 1;
    if nests || count(b'[') > 0 || count(b']') > 0 {
        return Err(
            "the .npy header nests lists, tuples or dictionaries (a structured dtype?); ndnet reads \
             plain float32 or float64 arrays"
                .into(),
        );
    }
    Ok(())
}

/// The element type a header's `descr` names, if it is a float of 4 or 8 bytes.
fn element(header: &Header) -> std::result::Result<Element, String> {
    let descr = header.type_descriptor.as_string().map(String::as_str);
    let (dtype, big_endian) = match descr {
        Some("<f4") => (Dtype::F32, false),
        Some("<f8") => (Dtype::F64, false),
        Some(">f4") => (Dtype::F32, true),
        Some(">f8") => (Dtype::F64, true),
        _ => {
            return Err(format!(
                "dtype {} is not float32 or float64 ('<f4', '<f8', or big-endian '>f4', '>f8'); \
                 convert it with x.astype(np.float32) before saving",
                header.type_descriptor
            ));
        }
    };
    Ok(Element { dtype, big_endian })
}

/// The header numpy writes for a C-order array of `shape` and `element`: version 1.0, the
/// dictionary, spaces to a multiple of 64 bytes, a newline.
pub(crate) fn to_bytes(shape: &[usize], element: Element) -> Vec<u8> {
    let sides: Vec<String> = shape.iter().map(usize::to_string).collect();
    let shape = match sides.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", sides.join(", ")),
    };
    let text = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {shape}, }}",
        element.descr()
    );
    let total = (MAGIC.len() + 4 + text.len() + 1).div_ceil(64) * 64;
    let header_len = u16::try_from(total - MAGIC.len() - 4).expect("a shape of a few integers is under 64 KiB");
    let mut bytes = Vec::with_capacity(total);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&[1, 0]);
    bytes.extend_from_slice(&header_len.to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.resize(total - 1, b' ');
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_headers_are_numpys_and_read_back() {
        let bytes = to_bytes(&[3, 2], Element::of::<f32>());
        // numpy 2.4.6: np.save of np.zeros((3, 2), np.float32) writes exactly these 128 bytes.
        let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        assert_eq!(bytes.len(), 128);
        assert_eq!(&bytes[..10], b"\x93NUMPY\x01\x00\x76\x00");
        assert_eq!(&bytes[10..10 + text.len()], text.as_bytes());
        assert!(bytes[10 + text.len()..127].iter().all(|&b| b == b' '));
        assert_eq!(bytes[127], b'\n');
        let header = Header::from_reader(&mut Cursor::new(&bytes)).unwrap();
        assert_eq!(header.shape, [3, 2]);
        let one = to_bytes(&[7], Element::of::<f64>());
        let header = Header::from_reader(&mut Cursor::new(&one)).unwrap();
        assert_eq!((element(&header), header.shape), (Ok(Element::of::<f64>()), vec![7]));
    }

    #[test]
    fn nested_header_text_is_refused_before_parsing() {
        assert!(check_nesting(b"{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }").is_ok());
        for text in [
            &b"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }"[..],
            b"((((((((((((((((",
            b"{'shape': ((3,), 2)}",
            b"{{}}",
        ] {
            assert!(check_nesting(text).is_err(), "{}", String::from_utf8_lossy(text));
        }
    }
}
