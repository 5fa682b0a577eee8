//! [`TabularModel`] and files (features `csv` and `serde`): one call to save or load the model
//! with its preprocessing, in either [`Format`] (through the `SavedModel` that every save and
//! load goes through), and one to turn a CSV file of new rows into a CSV file of predictions.

use std::borrow::Cow;
use std::path::Path;

use super::TabularModel;
use crate::io::{BYTES, Format, SavedModel, atomic};
use crate::tabular::{FittedPreprocessing, Predictions, Table};
use crate::{Error, Float, Result};

impl<F: Float> TabularModel<F> {
    /// Saves the network and its preprocessing (target kind, classes, scaling included) at
    /// `path` in `format`, atomically, as [`Network::save`](crate::Network::save) does;
    /// [`TabularModel::load`] reads it back. In a `.safetensors` file the preprocessing is the
    /// JSON text of the metadata key `"preprocessing"`.
    ///
    /// # Errors
    /// As [`Network::save`](crate::Network::save).
    ///
    /// ```
    /// use ndnet::{io::Format, GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// # let dir = std::env::temp_dir().join(format!("ndnet-tabular-save-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f64>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// model.save(dir.join("model.json"), Format::Json)?;
    /// let back = TabularModel::<f64>::load(dir.join("model.json"))?;
    /// assert_eq!(back.predict_proba(&table)?, model.predict_proba(&table)?);
    /// assert_eq!(back.preprocessing(), model.preprocessing());
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>, format: Format) -> Result<()> {
        self.saved()?.save(path.as_ref(), format)
    }

    /// Loads a model saved by [`TabularModel::save`], in either format (told apart by the
    /// file's first bytes, not its name).
    ///
    /// # Errors
    /// As [`Network::load`](crate::Network::load); [`Error::Format`] naming the path if the
    /// file holds no preprocessing (a network alone: load it with
    /// [`Network::load`](crate::Network::load)), if the preprocessing breaks what fitting
    /// guarantees (unsorted or repeated classes, a zero target std, …), or if the network does
    /// not fit it (see [`TabularModel::new`]).
    ///
    /// ```
    /// use ndnet::{io::Format, Network, TabularModel};
    /// # let dir = std::env::temp_dir().join(format!("ndnet-tabular-load-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// // A network saved without preprocessing is not a tabular model.
    /// Network::<f64>::logistic_regression(2)?.save(dir.join("bare.json"), Format::Json)?;
    /// let err = TabularModel::<f64>::load(dir.join("bare.json")).unwrap_err();
    /// assert!(err.to_string().contains("no tabular preprocessing"), "{err}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        Self::from_saved(path, SavedModel::load(path)?)
    }

    /// The bytes [`TabularModel::save`] would write in `format`.
    ///
    /// # Errors
    /// As [`TabularModel::save`], without the I/O.
    ///
    /// ```
    /// use ndnet::{io::Format, GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// let table = Table::from_reader("x,y\n1,N\n2,N\n3,Y\n4,Y\n".as_bytes(), "t.csv")?;
    /// let (model, _) = TabularModel::<f32>::fit(&table, &TabularConfig::binary("y", "Y"), |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// let bytes = model.to_bytes(Format::Json)?;
    /// let back = TabularModel::<f32>::from_bytes(&bytes)?;
    /// assert_eq!(back.predict_labels(&table)?, ["N", "N", "Y", "Y"]);
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn to_bytes(&self, format: Format) -> Result<Vec<u8>> {
        self.saved()?.to_bytes(format)
    }

    /// A model from the bytes of a file [`TabularModel::load`] reads; errors name the path
    /// `<bytes>`.
    ///
    /// # Errors
    /// As [`TabularModel::load`], without the I/O.
    ///
    /// ```
    /// assert!(ndnet::TabularModel::<f64>::from_bytes(b"not a model").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let path = Path::new(BYTES);
        Self::from_saved(path, SavedModel::from_bytes(path, bytes)?)
    }

    /// This model as the content of a file: the network borrowed, the preprocessing as JSON.
    fn saved(&self) -> Result<SavedModel<'_, F>> {
        let preprocessing = serde_json::to_value(&self.preprocessing).map_err(|e| Error::InvalidArgument {
            argument: "preprocessing",
            message: format!("cannot be written as JSON: {e}"),
        })?;
        Ok(SavedModel {
            network: Cow::Borrowed(self.fitting_network()?),
            preprocessing: Some(preprocessing),
        })
    }

    /// The tabular model held by `saved`, read from `path`: deserializing the preprocessing
    /// checks every invariant of a fitted one, and [`TabularModel::new`] that the network
    /// fits it.
    fn from_saved(path: &Path, saved: SavedModel<'static, F>) -> Result<Self> {
        let error = |message: String| Error::format(path, None, None, message);
        let value = saved.preprocessing.ok_or_else(|| {
            error(
                "the file holds a network with no tabular preprocessing: load it with Network::load, \
                 or save a TabularModel"
                    .to_string(),
            )
        })?;
        let preprocessing: FittedPreprocessing =
            serde_json::from_value(value).map_err(|e| error(format!("preprocessing: {e}")))?;
        Self::new(preprocessing, saved.network.into_owned())
            .map_err(|e| error(format!("the saved network does not fit its preprocessing: {e}")))
    }

    /// Reads the CSV file `input` (new rows: the feature columns the model was fitted on, the
    /// target column optional), predicts every row and writes the CSV file `output`: the first
    /// ID column if one was configured, then the target's column with the predicted label or
    /// number, then for a classifier one column `p_<class>` per class with its probability
    /// (see [`Predictions::to_csv`]). One prediction per data line of `input` (its rows, as
    /// [`Table::from_path`] reads one row per line), or an error naming the line; the file
    /// written reads back, with [`Table`] or Python's `csv` module, with the same header and
    /// cells. `output` is replaced atomically (as [`TabularModel::save`] does): a reader never
    /// sees half a file, and on any error the old file is untouched. Needs feature `serde` as
    /// well as `csv`.
    ///
    /// # Errors
    /// As [`Table::from_path`] (a missing, empty or malformed file, naming path, line and
    /// column), [`TabularModel::predict`] and [`TabularModel::ids`] (an ID column configured
    /// but missing from `input`); as [`Predictions::to_csv`] for a header that would name a
    /// column twice (an ID column or target named `p_<class>`, naming both);
    /// [`Error::Io`] naming `output` if it cannot be written.
    ///
    /// ```
    /// use ndnet::{GradientDescent, Network, TabularModel, TrainConfig};
    /// use ndnet::tabular::{Table, TabularConfig};
    /// # let dir = std::env::temp_dir().join(format!("ndnet-predict-csv-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let table = Table::from_reader("id,x,y\nP1,1,N\nP2,2,N\nP3,3,Y\nP4,4,Y\n".as_bytes(), "t.csv")?;
    /// let config = TabularConfig::binary("y", "Y").id_column("id");
    /// let (model, _) = TabularModel::<f32>::fit(&table, &config, |n_x, _| Network::logistic_regression(n_x), &mut GradientDescent::new(1.0)?, TrainConfig::new(100))?;
    /// std::fs::write(dir.join("new.csv"), "id,x\nQ1,0\nQ2,9\n")?;
    /// model.predict_csv(dir.join("new.csv"), dir.join("predictions.csv"))?;
    /// let written = std::fs::read_to_string(dir.join("predictions.csv"))?;
    /// assert!(written.starts_with("id,y,p_N,p_Y\nQ1,N,"), "{written}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn predict_csv(&self, input: impl AsRef<Path>, output: impl AsRef<Path>) -> Result<Predictions<F>> {
        let table = Table::from_path(input)?;
        let predictions = self.predict(&table)?;
        let ids = match self.preprocessing.id_columns().first() {
            Some(name) => Some((name.as_str(), self.ids(&table)?)),
            None => None,
        };
        let ids = ids.as_ref().map(|(name, values)| (*name, values.as_slice()));
        let text = predictions.to_csv(self.preprocessing.target(), ids)?;
        atomic::write(output.as_ref(), text.as_bytes())?;
        Ok(predictions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::TabularConfig;
    use crate::{Activation, Network};

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ndnet-files-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
        dir
    }

    /// Target 10, 20, 30, 40 (mean 25, std √125) and ŷ = 2 x on standardized x: the predicted
    /// values are 25 + 20 (x − 2.5), by hand.
    fn regression() -> TabularModel<f64> {
        let t = Table::from_reader("id,x,y\na,1,10\nb,2,20\nc,3,30\nd,4,40\n".as_bytes(), "t.csv").expect("valid CSV");
        let preprocessing = TabularConfig::regression("y")
            .id_column("id")
            .fit(&t)
            .expect("numeric target");
        let net = Network::from_parameters(
            vec![(ndarray::array![[2.0]], ndarray::array![[0.0]])],
            &[Activation::Linear],
        )
        .expect("valid parameters");
        TabularModel::new(preprocessing, net).expect("a linear output with MSE fits a regression")
    }

    #[test]
    fn predict_csv_writes_ids_and_values_and_refuses_an_empty_file() {
        let dir = scratch("predict");
        std::fs::write(dir.join("new.csv"), "id,x\nq,0\nr,5\n").unwrap();
        regression()
            .predict_csv(dir.join("new.csv"), dir.join("out.csv"))
            .unwrap();
        // x = 0: 25 + 20 · (−2.5) = −25; x = 5: 25 + 20 · 2.5 = 75 (to rounding).
        let written = std::fs::read_to_string(dir.join("out.csv")).unwrap();
        let rows: Vec<Vec<&str>> = written.lines().map(|l| l.split(',').collect()).collect();
        assert_eq!(rows[0], ["id", "y"]);
        assert_eq!((rows[1][0], rows[2][0]), ("q", "r"));
        let value = |s: &str| s.parse::<f64>().unwrap();
        assert!(
            (value(rows[1][1]) + 25.0).abs() < 1e-9 && (value(rows[2][1]) - 75.0).abs() < 1e-9,
            "{written}"
        );
        // A header without rows: an error naming the file; the old predictions stay.
        std::fs::write(dir.join("empty.csv"), "id,x\n").unwrap();
        let err = regression()
            .predict_csv(dir.join("empty.csv"), dir.join("out.csv"))
            .unwrap_err();
        assert!(err.to_string().contains("empty.csv, line 1: no data rows"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.join("out.csv")).unwrap(), written);
        // The ID column configured but missing from the new rows.
        std::fs::write(dir.join("no_id.csv"), "x\n1\n").unwrap();
        let err = regression()
            .predict_csv(dir.join("no_id.csv"), dir.join("out2.csv"))
            .unwrap_err();
        assert!(err.to_string().contains("missing ID column \"id\""), "{err}");
        assert!(!dir.join("out2.csv").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_saved_pair_that_does_not_fit_is_refused_on_load() {
        let dir = scratch("mismatch");
        // A regression preprocessing saved with a sigmoid network: TabularModel refuses it,
        // naming the file.
        let (preprocessing, _) = regression().into_parts();
        let network = Network::<f64>::logistic_regression(1).unwrap();
        let saved = SavedModel {
            network: Cow::Borrowed(&network),
            preprocessing: Some(serde_json::to_value(&preprocessing).unwrap()),
        };
        saved.save(&dir.join("m.json"), Format::Json).unwrap();
        let err = TabularModel::<f64>::load(dir.join("m.json")).unwrap_err();
        assert!(
            err.to_string()
                .contains("m.json: the saved network does not fit its preprocessing"),
            "{err}"
        );
        assert!(err.to_string().contains("needs a linear output"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
