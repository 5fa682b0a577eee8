//! [`Network::save`], [`Network::load`], [`Network::to_bytes`], [`Network::from_bytes`]: a
//! network alone, through [`SavedModel`].

use std::borrow::Cow;
use std::path::Path;

use super::{BYTES, Format, SavedModel};
use crate::{Float, Network, Result};

impl<F: Float> Network<F> {
    /// Saves the network at `path` in `format`, atomically: a reader sees the old file or the
    /// new one, never half; the old file's permissions and a symbolic link at `path` are kept
    /// (see [`crate::io`]). [`Network::load`] reads it back, bit for bit.
    ///
    /// The cost, the layer sizes and the activations are saved with the parameters; L2 and
    /// dropout, which only matter when training, are not.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for a custom activation or a
    /// non-finite parameter (nothing is written); [`Error::Io`](crate::Error::Io) naming `path`
    /// (or the file a link at `path` points to) if it cannot be written or is not a regular
    /// file (a folder, FIFO, socket or device). On any error the old file is untouched.
    ///
    /// ```
    /// use ndnet::{io::Format, Network};
    /// # let dir = std::env::temp_dir().join(format!("ndnet-network-save-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let net = Network::<f64>::softmax_regression(4, 3)?;
    /// net.save(dir.join("softmax.json"), Format::Json)?;
    /// # #[cfg(feature = "safetensors")]
    /// net.save(dir.join("softmax.safetensors"), Format::Safetensors)?; // for Python
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>, format: Format) -> Result<()> {
        self.saved().save(path.as_ref(), format)
    }

    /// Loads a network saved by [`Network::save`] in either format (told apart by the file's
    /// first bytes, not its name), a `.safetensors` file of parameters `W1`, `b1`, … saved
    /// from Python (see [`crate::io`]), or a JSON file of an earlier ndnet.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if the file cannot be read;
    /// [`Error::Format`](crate::Error::Format) naming `path` (and the line and column in JSON,
    /// the tensor in safetensors) for a file of another kind, another version or another float
    /// type than `F`, anything invalid, or a tabular model's file (load it with
    /// [`TabularModel::load`](crate::TabularModel::load)); [`Error::TooLarge`](crate::Error::TooLarge)
    /// for sizes past the [memory limit](crate::memory_limit).
    ///
    /// ```
    /// use ndnet::{io::Format, Network};
    /// # let dir = std::env::temp_dir().join(format!("ndnet-network-load-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("model.json");
    /// Network::<f64>::logistic_regression(2)?.save(&path, Format::Json)?;
    /// assert_eq!(Network::<f64>::load(&path)?.layer_sizes(), [2, 1]);
    /// let err = Network::<f32>::load(&path).unwrap_err(); // saved as f64
    /// assert!(err.to_string().contains("load it as Network<f64>"), "{err}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        SavedModel::load(path)?.into_network(path)
    }

    /// The bytes [`Network::save`] would write in `format`.
    ///
    /// # Errors
    /// As [`Network::save`], without the I/O.
    ///
    /// ```
    /// use ndnet::{io::Format, Network};
    /// let json = Network::<f32>::logistic_regression(1)?.to_bytes(Format::Json)?;
    /// assert!(String::from_utf8(json).unwrap().contains("\"float\": \"f32\""));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn to_bytes(&self, format: Format) -> Result<Vec<u8>> {
        self.saved().to_bytes(format)
    }

    /// A network from the bytes of a file [`Network::load`] reads; errors name the path
    /// `<bytes>`.
    ///
    /// # Errors
    /// As [`Network::load`], without the I/O.
    ///
    /// ```
    /// use ndnet::{io::Format, Network};
    /// let bytes = Network::<f64>::logistic_regression(2)?.to_bytes(Format::Json)?;
    /// assert_eq!(Network::<f64>::from_bytes(&bytes)?.layer_sizes(), [2, 1]);
    /// let err = Network::<f64>::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err();
    /// assert!(err.to_string().starts_with("<bytes>, line"), "{err}");
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let path = Path::new(BYTES);
        SavedModel::from_bytes(path, bytes)?.into_network(path)
    }

    /// This network as the content of a file, borrowed.
    fn saved(&self) -> SavedModel<'_, F> {
        SavedModel {
            network: Cow::Borrowed(self),
            preprocessing: None,
        }
    }
}
