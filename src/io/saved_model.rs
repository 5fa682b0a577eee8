//! [`SavedModel`]: a network with what must be saved along with it.

use std::path::Path;

#[cfg(feature = "csv")]
use crate::tabular::FittedPreprocessing;
use crate::{Error, Float, Network, Result};

use super::{BYTES, JSON_STRING, atomic, binary, json, read_bytes, read_text};

/// A network and what is saved along with it: with feature `csv`, the tabular preprocessing
/// that turns a CSV file into its X, so a loaded model can be applied to new files directly.
///
/// ```
/// use ndnet::io::SavedModel;
/// let model = SavedModel::new(ndnet::Network::<f64>::logistic_regression(2)?);
/// let back = SavedModel::<f64>::from_json_str(&model.to_json_string()?)?;
/// assert_eq!(back.network().layer_sizes(), vec![2, 1]);
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SavedModel<F: Float> {
    network: Network<F>,
    #[cfg(feature = "csv")]
    preprocessing: Option<FittedPreprocessing>,
}

impl<F: Float> SavedModel<F> {
    /// A model holding only `network`.
    ///
    /// ```
    /// let model = ndnet::io::SavedModel::new(ndnet::Network::<f32>::logistic_regression(4)?);
    /// assert_eq!(model.network().depth(), 1);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn new(network: Network<F>) -> Self {
        SavedModel {
            network,
            #[cfg(feature = "csv")]
            preprocessing: None,
        }
    }

    /// The same model with the tabular preprocessing its network was trained after.
    ///
    /// ```
    /// use ndnet::tabular::{Table, TabularConfig};
    /// use ndnet::io::SavedModel;
    /// let table = Table::from_reader("income,area,ok\n1000,Urban,Y\n3000,Rural,N\n".as_bytes(), "t.csv")?;
    /// let fitted = TabularConfig::binary("ok", "Y").fit(&table)?;
    /// let net = ndnet::Network::<f64>::logistic_regression(fitted.n_features())?;
    /// let model = SavedModel::new(net).with_preprocessing(fitted);
    /// let back = SavedModel::<f64>::from_bytes(&model.to_bytes()?)?;
    /// assert_eq!(back.preprocessing(), model.preprocessing());
    /// let (x, _) = back.preprocessing().unwrap().transform::<f64>(&table)?;
    /// assert_eq!(back.network().predict(&x, 0.5)?.dim(), (1, 2));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[cfg(feature = "csv")]
    #[must_use]
    pub fn with_preprocessing(mut self, preprocessing: FittedPreprocessing) -> Self {
        self.preprocessing = Some(preprocessing);
        self
    }

    /// The tabular preprocessing saved along, if any (see [`SavedModel::with_preprocessing`]).
    ///
    /// ```
    /// let model = ndnet::io::SavedModel::new(ndnet::Network::<f64>::logistic_regression(1)?);
    /// assert!(model.preprocessing().is_none());
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[cfg(feature = "csv")]
    pub fn preprocessing(&self) -> Option<&FittedPreprocessing> {
        self.preprocessing.as_ref()
    }

    /// The network.
    pub fn network(&self) -> &Network<F> {
        &self.network
    }

    /// The network and the preprocessing saved along, by value (e.g. to build a
    /// [`TabularModel`](crate::TabularModel), which [`TabularModel::load_json`](crate::TabularModel::load_json)
    /// does in one call).
    ///
    /// ```
    /// let model = ndnet::io::SavedModel::new(ndnet::Network::<f64>::logistic_regression(3)?);
    /// let (network, preprocessing) = model.into_parts();
    /// assert_eq!((network.layer_sizes(), preprocessing), (vec![3, 1], None));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[cfg(feature = "csv")]
    pub fn into_parts(self) -> (Network<F>, Option<FittedPreprocessing>) {
        (self.network, self.preprocessing)
    }

    /// The network, by value.
    ///
    /// ```
    /// let model = ndnet::io::SavedModel::new(ndnet::Network::<f64>::logistic_regression(3)?);
    /// assert_eq!(model.into_network().layer_sizes(), vec![3, 1]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn into_network(self) -> Network<F> {
        self.network
    }

    /// Saves the model as JSON at `path`, atomically.
    ///
    /// # Errors
    /// As [`super::save_json`].
    ///
    /// ```
    /// use ndnet::io::SavedModel;
    /// # let dir = std::env::temp_dir().join(format!("ndnet-saved-json-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let model = SavedModel::new(ndnet::Network::<f64>::logistic_regression(2)?);
    /// model.save_json(dir.join("model.json"))?;
    /// let back = SavedModel::<f64>::load_json(dir.join("model.json"))?;
    /// assert_eq!(back.network().layer_sizes(), vec![2, 1]);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn save_json(&self, path: impl AsRef<Path>) -> Result<()> {
        atomic::write(path.as_ref(), self.to_json_string()?.as_bytes())
    }

    /// Loads a model saved by [`SavedModel::save_json`] or [`super::save_json`].
    ///
    /// # Errors
    /// As [`super::load_json`]; [`Error::Format`] for an invalid preprocessing.
    pub fn load_json(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let (network, extra) = json::decode(path, &read_text(path)?)?;
        Self::assemble(path, network, extra)
    }

    /// Saves the model in the compact binary form at `path`, atomically.
    ///
    /// # Errors
    /// As [`super::save_binary`].
    ///
    /// ```
    /// use ndnet::io::SavedModel;
    /// # let dir = std::env::temp_dir().join(format!("ndnet-saved-bin-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let model = SavedModel::new(ndnet::Network::<f32>::logistic_regression(2)?);
    /// model.save_binary(dir.join("model.ndnet"))?;
    /// let back = SavedModel::<f32>::load_binary(dir.join("model.ndnet"))?;
    /// assert_eq!(back.network().layer_sizes(), vec![2, 1]);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn save_binary(&self, path: impl AsRef<Path>) -> Result<()> {
        atomic::write(path.as_ref(), &self.to_bytes()?)
    }

    /// Loads a model saved by [`SavedModel::save_binary`] or [`super::save_binary`].
    ///
    /// # Errors
    /// As [`super::load_binary`]; [`Error::Format`] for an invalid preprocessing.
    pub fn load_binary(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let (network, extra) = binary::decode(path, &read_bytes(path)?)?;
        Self::assemble(path, network, extra)
    }

    /// The JSON form, as a string.
    ///
    /// # Errors
    /// As [`super::to_json_string`].
    pub fn to_json_string(&self) -> Result<String> {
        json::encode(&self.network, self.preprocessing_json()?)
    }

    /// A model from its JSON form; errors name the path `<JSON string>`.
    ///
    /// # Errors
    /// As [`SavedModel::load_json`], without the I/O.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let path = Path::new(JSON_STRING);
        let (network, extra) = json::decode(path, text)?;
        Self::assemble(path, network, extra)
    }

    /// The binary form, as bytes.
    ///
    /// # Errors
    /// As [`super::to_bytes`].
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        binary::encode(&self.network, self.preprocessing_json()?.as_ref())
    }

    /// A model from its binary form; errors name the path `<bytes>`.
    ///
    /// # Errors
    /// As [`SavedModel::load_binary`], without the I/O.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let path = Path::new(BYTES);
        let (network, extra) = binary::decode(path, bytes)?;
        Self::assemble(path, network, extra)
    }

    #[cfg(feature = "csv")]
    fn preprocessing_json(&self) -> Result<Option<serde_json::Value>> {
        preprocessing_value(self.preprocessing.as_ref())
    }

    /// The JSON form of `network` with `preprocessing` saved along, from borrowed parts (a
    /// [`TabularModel`](crate::TabularModel) saves without cloning them).
    #[cfg(feature = "csv")]
    pub(crate) fn encode_json(network: &Network<F>, preprocessing: Option<&FittedPreprocessing>) -> Result<String> {
        json::encode(network, preprocessing_value(preprocessing)?)
    }

    /// The binary form of `network` with `preprocessing` saved along, from borrowed parts.
    #[cfg(feature = "csv")]
    pub(crate) fn encode_binary(network: &Network<F>, preprocessing: Option<&FittedPreprocessing>) -> Result<Vec<u8>> {
        binary::encode(network, preprocessing_value(preprocessing)?.as_ref())
    }

    #[cfg(not(feature = "csv"))]
    fn preprocessing_json(&self) -> Result<Option<serde_json::Value>> {
        Ok(None)
    }

    #[cfg(feature = "csv")]
    fn assemble(path: &Path, network: Network<F>, extra: Option<serde_json::Value>) -> Result<Self> {
        let bad = |message: String| Error::format(path, None, None, format!("preprocessing: {message}"));
        let preprocessing = match extra {
            None => None,
            Some(value) => {
                // Deserializing checks every invariant of a fitted preprocessing.
                let p: FittedPreprocessing = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
                let sizes = network.layer_sizes();
                if p.n_features() != sizes[0] {
                    return Err(bad(format!(
                        "it makes {} features but the network takes n_x = {}",
                        p.n_features(),
                        sizes[0]
                    )));
                }
                if p.n_outputs() != sizes[sizes.len() - 1] {
                    return Err(bad(format!(
                        "its target {:?} needs {} outputs but the network gives {}",
                        p.target(),
                        p.n_outputs(),
                        sizes[sizes.len() - 1]
                    )));
                }
                Some(p)
            }
        };
        Ok(SavedModel { network, preprocessing })
    }

    #[cfg(not(feature = "csv"))]
    fn assemble(path: &Path, network: Network<F>, extra: Option<serde_json::Value>) -> Result<Self> {
        if extra.is_some() {
            return Err(Error::format(
                path,
                None,
                None,
                "the model holds tabular preprocessing: enable ndnet's `csv` feature to load it \
                 (or load the network alone with ndnet::io::load_json / load_binary)",
            ));
        }
        Ok(SavedModel { network })
    }
}

/// `preprocessing` as a JSON value, to be saved along with a network.
#[cfg(feature = "csv")]
fn preprocessing_value(preprocessing: Option<&FittedPreprocessing>) -> Result<Option<serde_json::Value>> {
    preprocessing
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| Error::InvalidArgument {
            argument: "preprocessing",
            message: format!("cannot be written as JSON: {e}"),
        })
}
