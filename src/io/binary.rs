//! The compact form: a small little-endian binary format of our own.
//!
//! Hand-rolled rather than `bincode`/`postcard`: the content is a handful of numbers and
//! matrices, so the whole format is ~100 lines with no dependency, and owning it lets the
//! reader check every claimed size against the bytes that remain *before* allocating, and
//! end with a checksum so that a flipped byte is an error rather than a silently wrong weight.
//!
//! ```text
//! offset  size  content
//! 0       8     magic "NDNETMDL"
//! 8       4     format version, u32 (1)
//! 12      1     float type: 4 = f32, 8 = f64
//! 13      …     cost name (u32 length + UTF-8), number of layers L (u32), then per layer:
//!               activation name (u32 length + UTF-8), 1 + slope f64 for leaky ReLU or 0,
//!               W: rows u64, columns u64, values row-major; b: the same;
//!               then 0, or 1 + preprocessing as JSON (u64 length + UTF-8)
//! end − 4 4     CRC-32 (IEEE) of every byte before it
//! ```
//!
//! Every integer and float is little-endian.

use std::path::Path;

use super::document::{self, FORMAT_VERSION};
use super::reader::{self, Reader, float_size};
use crate::{Error, Float, Network, Result};

const MAGIC: &[u8; 8] = b"NDNETMDL";
const HEADER: usize = 13;

/// The network (and what is saved along, as JSON) in the binary format.
pub(super) fn encode<F: Float>(network: &Network<F>, preprocessing: Option<&serde_json::Value>) -> Result<Vec<u8>> {
    let names = document::describe(network)?;
    let size = float_size::<F>();
    let mut out = Vec::with_capacity(64 + network.parameter_count() * size + 64 * network.depth());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(size as u8);
    put_str(&mut out, network.cost_function().name());
    out.extend_from_slice(&(network.depth() as u32).to_le_bytes());
    for (layer, name) in network.layers().iter().zip(names) {
        put_str(&mut out, name.name);
        match name.slope {
            Some(slope) => {
                out.push(1);
                out.extend_from_slice(&slope.to_le_bytes());
            }
            None => out.push(0),
        }
        for m in [layer.w(), layer.b()] {
            out.extend_from_slice(&(m.nrows() as u64).to_le_bytes());
            out.extend_from_slice(&(m.ncols() as u64).to_le_bytes());
            for &v in m.iter() {
                reader::push_le(&mut out, v);
            }
        }
    }
    match preprocessing {
        Some(value) => {
            out.push(1);
            let json = value.to_string();
            out.extend_from_slice(&(json.len() as u64).to_le_bytes());
            out.extend_from_slice(json.as_bytes());
        }
        None => out.push(0),
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// The network (and what was saved along) from the bytes of `path`.
pub(super) fn decode<F: Float>(path: &Path, bytes: &[u8]) -> Result<(Network<F>, Option<serde_json::Value>)> {
    let error = |message: String| Error::format(path, None, None, message);
    let truncated = || {
        error(format!(
            "truncated: {} bytes is too short for an ndnet binary model",
            bytes.len()
        ))
    };
    if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
        return Err(truncated());
    }
    if !bytes.starts_with(MAGIC) {
        return Err(error(
            "not an ndnet binary model (it does not start with \"NDNETMDL\")".into(),
        ));
    }
    let Some(header) = bytes.get(..HEADER) else {
        return Err(truncated());
    };
    let version = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
    document::check_version(path, version)?;
    let float = match header[12] {
        4 => "f32",
        8 => "f64",
        tag => return Err(error(format!("unknown float type tag {tag} (4 = f32, 8 = f64)"))),
    };
    document::check_float::<F>(path, float)?;
    if bytes.len() < HEADER + 4 {
        return Err(truncated());
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32(body).to_le_bytes() != crc {
        return Err(error("checksum mismatch: the file is truncated or corrupt".into()));
    }
    let mut r = Reader::new(path, body, HEADER);
    let cost = document::cost(path, &r.string("the cost")?)?;
    let depth = r.u32("the number of layers")?;
    let mut parameters = Vec::new();
    let mut activations = Vec::new();
    for l in 1..=depth as usize {
        let name = r.string("an activation")?;
        let slope = match r.u8("the slope flag")? {
            0 => None,
            1 => Some(f64::from_le_bytes(r.array("a slope")?)),
            flag => return Err(error(format!("layer {l}: bad slope flag {flag}"))),
        };
        activations.push(document::activation(path, l, &name, slope)?);
        let w = r.matrix::<F>(&format!("W[{l}]"))?;
        let b = r.matrix::<F>(&format!("b[{l}]"))?;
        parameters.push((w, b));
    }
    let preprocessing = match r.u8("the preprocessing flag")? {
        0 => None,
        1 => {
            let len = r.size("the preprocessing length")?;
            let text = std::str::from_utf8(r.take(len, "the preprocessing")?)
                .map_err(|e| error(format!("the preprocessing is not UTF-8: {e}")))?;
            Some(serde_json::from_str(text).map_err(|e| error(format!("the preprocessing is not valid JSON: {e}")))?)
        }
        flag => return Err(error(format!("bad preprocessing flag {flag}"))),
    };
    if r.remaining() != 0 {
        return Err(error(format!("{} unexpected bytes after the content", r.remaining())));
    }
    Ok((document::network(path, cost, parameters, &activations)?, preprocessing))
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// CRC-32 (IEEE 802.3, as in zip and PNG), bytewise with a table built at compile time.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !bytes
        .iter()
        .fold(!0u32, |c, &b| TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of a logistic regression on 2 features with the `W[1]` rows field replaced by
    /// `rows` and a valid checksum, as a forger would write them.
    fn forged(rows: u64, cols: u64) -> Vec<u8> {
        let net = Network::<f64>::logistic_regression(2).unwrap();
        let mut bytes = encode(&net, None).unwrap();
        // header, cost name, L, activation name "sigmoid", slope flag
        let at = HEADER + 4 + "binary_cross_entropy".len() + 4 + 4 + "sigmoid".len() + 1;
        bytes[at..at + 8].copy_from_slice(&rows.to_le_bytes());
        bytes[at + 8..at + 16].copy_from_slice(&cols.to_le_bytes());
        let body = bytes.len() - 4;
        let crc = crc32(&bytes[..body]);
        bytes[body..].copy_from_slice(&crc.to_le_bytes());
        bytes
    }

    #[test]
    fn absurd_claimed_sizes_are_refused_before_allocating() {
        let path = Path::new("forged.bin");
        assert!(decode::<f64>(path, &forged(1, 2)).is_ok());
        for (rows, cols) in [(1 << 40, 1 << 40), (u64::MAX, 2), (1, 6), (3, 1_000_000)] {
            let err = decode::<f64>(path, &forged(rows, cols)).unwrap_err().to_string();
            assert!(err.starts_with("forged.bin: ") && err.contains("claims"), "{err}");
        }
        // A size that fits in the file but disagrees with the network: W[1] (2, 1) then b[1] reads garbage.
        assert!(decode::<f64>(path, &forged(2, 1)).is_err());
    }

    #[test]
    fn crc32_of_the_standard_check_string() {
        // The CRC-32 check value of "123456789" is 0xCBF43926 (the catalogue of CRC parameters).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
