//! [`SavedModel`]: the one type every save and load goes through, whatever the format.

use std::borrow::Cow;
use std::path::Path;

use super::{Format, atomic, json};
use crate::{Error, Float, Network, Result};

/// The first bytes of the compact binary files of earlier versions of ndnet, now refused.
const OLD_BINARY_MAGIC: &[u8] = b"NDNETMDL";

/// What a model file holds: a network and, for a [`TabularModel`](crate::TabularModel), the
/// preprocessing saved along with it, kept as JSON (this module knows nothing of tables; the
/// tabular model turns it back into its type and checks it).
///
/// [`Network`]'s and [`TabularModel`](crate::TabularModel)'s `save`, `load`, `to_bytes` and
/// `from_bytes` all go through it, so both formats carry the same content and are checked the
/// same way.
pub(crate) struct SavedModel<'a, F: Float> {
    /// The network: borrowed when saving, owned when loaded.
    pub(crate) network: Cow<'a, Network<F>>,
    /// The tabular preprocessing saved along with the network, as JSON.
    pub(crate) preprocessing: Option<serde_json::Value>,
}

impl<F: Float> SavedModel<'_, F> {
    /// The bytes of the model in `format`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a custom activation or a non-finite parameter.
    pub(crate) fn to_bytes(&self, format: Format) -> Result<Vec<u8>> {
        let preprocessing = self.preprocessing.as_ref();
        match format {
            Format::Json => json::encode(&self.network, preprocessing).map(String::into_bytes),
            #[cfg(feature = "safetensors")]
            Format::Safetensors => super::safetensors::encode(&self.network, preprocessing),
        }
    }

    /// Writes the model in `format` at `path`, atomically (see [`atomic`]).
    ///
    /// # Errors
    /// As [`SavedModel::to_bytes`] (nothing is written); [`Error::Io`] naming the file.
    pub(crate) fn save(&self, path: &Path, format: Format) -> Result<()> {
        atomic::write(path, &self.to_bytes(format)?)
    }
}

impl<F: Float> SavedModel<'static, F> {
    /// The model in `bytes`, in whichever format they are (see [`Format::of`]); `path` names
    /// where they came from in errors.
    ///
    /// # Errors
    /// [`Error::Format`] naming `path` (and the line and column in JSON) for bytes of no known
    /// format, a file of an earlier ndnet's binary format, another float type than `F`, or
    /// anything invalid; [`Error::TooLarge`] for sizes past the memory limit.
    pub(crate) fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self> {
        let (network, preprocessing) = match Format::of(bytes) {
            Some(Format::Json) => json::decode(path, as_text(path, bytes)?)?,
            #[cfg(feature = "safetensors")]
            Some(Format::Safetensors) => super::safetensors::decode(path, bytes)?,
            None => return Err(unknown_format(path, bytes)),
        };
        Ok(SavedModel {
            network: Cow::Owned(network),
            preprocessing,
        })
    }

    /// The model in the file at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] naming `path` if it cannot be read; [`Error::TooLarge`] if the file is
    /// larger than the memory limit; as [`SavedModel::from_bytes`].
    pub(crate) fn load(path: &Path) -> Result<Self> {
        Self::from_bytes(path, &super::read_file(path)?)
    }

    /// The network alone. A model saved with a tabular preprocessing is an error: its network
    /// expects preprocessed rows, and dropping the preprocessing would make predictions on
    /// raw data silently wrong.
    ///
    /// # Errors
    /// [`Error::Format`] naming `path` when the model holds a tabular preprocessing.
    pub(crate) fn into_network(self, path: &Path) -> Result<Network<F>> {
        if self.preprocessing.is_some() {
            return Err(Error::format(
                path,
                None,
                None,
                "the file holds a tabular model (a network and the preprocessing of its CSV columns): \
                 load it with TabularModel::load (feature `csv`), whose network() or into_parts() gives \
                 the network",
            ));
        }
        Ok(self.network.into_owned())
    }
}

/// `bytes` as the text of a JSON document.
fn as_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| Error::format(path, None, None, format!("not UTF-8 text, so not JSON: {e}")))
}

/// The error for bytes of no format this build reads.
fn unknown_format(path: &Path, bytes: &[u8]) -> Error {
    let message = if bytes.starts_with(OLD_BINARY_MAGIC) {
        "a model in the compact binary format of earlier ndnet versions, which this version no longer \
         reads: load it with that version (io::load_binary) and save it as JSON or safetensors"
            .to_string()
    } else if bytes.is_empty() {
        "empty: not a model".to_string()
    } else if cfg!(feature = "safetensors") {
        "not a model: neither JSON (text starting with `{`) nor safetensors (an 8-byte header length)".to_string()
    } else {
        "not a JSON model; a .safetensors file needs ndnet's `safetensors` feature".to_string()
    };
    Error::format(path, None, None, message)
}

impl Format {
    /// The format of `bytes`, told from the bytes themselves (never from a file name): a
    /// `.safetensors` file starts with its header's length as a little-endian u64, whose last
    /// bytes are zero for any header under 2^56 bytes; a JSON model is text (no zero byte)
    /// whose first character after any whitespace is `{`. `None` for bytes of neither kind (or
    /// of a format this build lacks the feature for).
    pub(crate) fn of(bytes: &[u8]) -> Option<Format> {
        if bytes.is_empty() || bytes.starts_with(OLD_BINARY_MAGIC) {
            return None;
        }
        if bytes.iter().take(8).any(|&b| b == 0) {
            #[cfg(feature = "safetensors")]
            return Some(Format::Safetensors);
            #[cfg(not(feature = "safetensors"))]
            return None;
        }
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        (first == Some(&b'{')).then_some(Format::Json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_told_from_the_first_bytes() {
        assert_eq!(Format::of(b"{\"format\": \"ndnet-model\"}"), Some(Format::Json));
        assert_eq!(Format::of(b"  \n{"), Some(Format::Json));
        assert_eq!(Format::of(b"{"), Some(Format::Json), "truncated: its parser says where");
        assert_eq!(Format::of(b"PK\x03\x04 a zip file"), None);
        assert_eq!(Format::of(b"[]"), None);
        assert_eq!(Format::of(b""), None);
        assert_eq!(Format::of(b"NDNETMDL\x01\x00\x00\x00\x08"), None);
        #[cfg(feature = "safetensors")]
        {
            assert_eq!(
                Format::of(&[0x50, 0, 0, 0, 0, 0, 0, 0, b'{']),
                Some(Format::Safetensors)
            );
            assert_eq!(
                Format::of(&[0x50, 0]),
                Some(Format::Safetensors),
                "truncated: its reader says so"
            );
        }
    }

    #[test]
    fn old_binary_files_are_refused_saying_how_to_convert_them() {
        let path = Path::new("old.ndnet");
        let err = SavedModel::<f64>::from_bytes(path, b"NDNETMDL\x01\x00\x00\x00\x08rest")
            .err()
            .expect("refused");
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.starts_with("old.ndnet: a model in the compact binary format"),
            "{text}"
        );
        assert!(text.contains("save it as JSON or safetensors"), "{text}");
        let empty = SavedModel::<f64>::from_bytes(path, b"").err().expect("refused");
        assert!(empty.to_string().contains("empty"), "{empty}");
    }

    #[test]
    fn a_model_with_preprocessing_is_not_a_network() {
        let path = Path::new("tabular.json");
        let network = Network::<f64>::logistic_regression(2).expect("valid sizes");
        let model = SavedModel {
            network: Cow::Borrowed(&network),
            preprocessing: Some(serde_json::json!({"columns": []})),
        };
        let bytes = model.to_bytes(Format::Json).expect("savable");
        let loaded = SavedModel::<f64>::from_bytes(path, &bytes).expect("a valid file");
        let err = loaded.into_network(path).expect_err("refused").to_string();
        assert!(err.contains("load it with TabularModel::load"), "{err}");
    }
}
