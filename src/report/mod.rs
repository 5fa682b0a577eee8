//! A training report: one self-contained HTML page per run (feature `report`).
//!
//! [`Report`] takes the [`History`] that [`Network::fit`] returned, the trained network and,
//! optionally, evaluation data, and writes one HTML file that any browser opens offline and
//! prints: inline SVG charts (drawn with plotters, like [`crate::plot`]), inline CSS, pictures
//! embedded as PNG data URIs, no script and no request to any network (the page's content
//! security policy forbids both). Its sections appear only where the run has the data:
//!
//! | section (element id) | shown when |
//! |---|---|
//! | the run (`run`): settings, training path and why no faster one, time, data shapes, architecture | always |
//! | divergence (`divergence`): the first non-finite matrix | [`Report::diverged`] was given the error |
//! | cost (`cost`): per record, per epoch with validation and the best epoch | the history has records or epochs |
//! | accuracy (`accuracy`): validation accuracy per epoch | a validation set was watched |
//! | diagnostics (`diagnostics`): gradient norms, dead, saturated and identical units | [`TrainConfig::diagnostics`] was on |
//! | final metrics (`metrics`): accuracy, precision, recall, F1, confusion heat map (above 30 classes: the 50 classes with the lowest F1 and the 30 most frequent confusions); or RMSE, MAE, R², scatter | a set was evaluated |
//! | misclassified examples (`misclassified`) | [`Report::image_shape`] was given |
//! | decision boundary (`boundary`) | the network has 2 inputs and one sigmoid output |
//!
//! Every string that comes from data (class names, column names, file names, titles) is
//! escaped; long series are thinned (a line keeps each bucket's first, lowest, highest and last
//! point; a scatter every k-th point), so 10^5 records still make a file of a few hundred
//! kilobytes. A classifier of up to 30 classes gets its whole confusion matrix as a heat map
//! and a row per class; above 30, the page shows the macro and weighted averages over all
//! classes, the 50 classes with the lowest F1 and the 30 most frequent confusions, and says
//! what it left out, so its size does not grow with the class count (a label is shown to its
//! first 120 characters). Counting costs O(m) for m examples and O(k) memory for k classes,
//! checked against [`crate::memory_limit`] with the page's metrics before they are written.
//! The library never prints: the caller says where the file went.
//!
//! ```
//! use ndnet::{data, Activation, GradientDescent, Initializer, Network, TrainConfig};
//! use ndnet::report::Report;
//! use ndnet::rand::SeedableRng;
//!
//! let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(1);
//! let (x, y) = data::planar_flower::<f64, _>(200, &mut rng)?;
//! let mut net = Network::new(&[2, 4, 1], Activation::Tanh, Activation::Sigmoid,
//!                            Initializer::randn_scaled(), &mut rng)?;
//! let mut optimizer = GradientDescent::new(1.2)?;
//! let config = TrainConfig::new(1000).diagnostics(true);
//! let history = net.fit((&x, &y), &mut optimizer, &config)?;
//!
//! let path = std::env::temp_dir().join("ndnet_doc_report.html");
//! Report::new(&history, &net)
//!     .title("Planar flower, 4 tanh units")
//!     .optimizer(&optimizer)
//!     .train_config(&config)
//!     .class_names(["red", "blue"])
//!     .evaluate("training", &x, &y)?
//!     .write(&path)?;
//! let html = std::fs::read_to_string(&path)?;
//! assert!(html.contains(r#"<section id="boundary">"#));
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod charts;
mod classes;
mod counts;
mod curves;
mod evaluation;
mod html;
mod images;
mod run;
#[cfg(feature = "csv")]
mod tabular;
mod thin;

use std::path::Path;

use ndarray::{ArrayBase, Data, Ix2};

use self::evaluation::{Evaluation, Outcome};
use self::html::{Section, png_img};
use self::images::Misclassified;
use self::run::{Failure, OptimizerInfo, RunInfo};
use crate::{Cost, Error, Float, History, Network, Optimizer, Result, TrainConfig};

/// A training report being put together; [`Report::write`] writes it as one HTML file.
///
/// Build it with [`Report::new`] (or `Report::tabular` for a
/// [`TabularModel`](crate::TabularModel), feature `csv`), add what you know about the run with
/// the builder methods, evaluate sets with [`Report::evaluate`], then write it. See the
/// [module documentation](self) for the sections.
///
/// ```
/// use ndnet::{History, Network};
/// use ndnet::report::Report;
/// let net = Network::<f32>::logistic_regression(3)?;
/// let html = Report::new(&History::default(), &net).title("Untrained").to_html()?;
/// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<title>Untrained</title>"));
/// # Ok::<(), ndnet::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Report<'a, F: Float> {
    title: String,
    history: &'a History,
    network: &'a Network<F>,
    run: RunInfo,
    failure: Option<Failure>,
    class_names: Option<Vec<String>>,
    image_shape: Option<(usize, usize, usize)>,
    evaluations: Vec<Evaluation>,
    misclassified: Vec<Misclassified>,
    boundary: Option<Vec<u8>>,
    #[cfg(feature = "csv")]
    tabular: Option<&'a crate::TabularModel<F>>,
}

impl<'a, F: Float> Report<'a, F> {
    /// A report of the run that trained `network` and returned `history`, titled
    /// "Training report".
    ///
    /// For a run that diverged, `fit` returns an error instead of a history: pass a
    /// [`History`] of the records your callback saw (or `History::default()`) and the error to
    /// [`Report::diverged`].
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// let net = Network::<f64>::logistic_regression(2)?;
    /// let history = History::default();
    /// let report = ndnet::report::Report::new(&history, &net);
    /// assert!(report.to_html()?.contains("Training report"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn new(history: &'a History, network: &'a Network<F>) -> Self {
        Report {
            title: "Training report".into(),
            history,
            network,
            run: RunInfo::default(),
            failure: None,
            class_names: None,
            image_shape: None,
            evaluations: Vec::new(),
            misclassified: Vec::new(),
            boundary: None,
            #[cfg(feature = "csv")]
            tabular: None,
        }
    }

    /// The page's title (escaped, like every text from the caller).
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let html = ndnet::report::Report::new(&History::default(), &net).title("a < b").to_html()?;
    /// assert!(html.contains("<h1>a &lt; b</h1>"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The optimizer that trained the network: its name and hyperparameters (the whole config
    /// for the crate's optimizers, the learning rate for others).
    ///
    /// ```
    /// # use ndnet::{History, Network, Adam, AdamConfig};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let adam = Adam::<f64>::new(AdamConfig::default().learning_rate(0.002))?;
    /// let html = ndnet::report::Report::new(&History::default(), &net).optimizer(&adam).to_html()?;
    /// assert!(html.contains("<dd>Adam</dd>") && html.contains("learning_rate: 0.002"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn optimizer<O: Optimizer<F> + ?Sized>(mut self, optimizer: &O) -> Self {
        self.run.optimizer = Some(OptimizerInfo::of(optimizer));
        self
    }

    /// The training settings: iterations or epochs, batch size, seed, record interval, schedule.
    ///
    /// ```
    /// # use ndnet::{History, Network, TrainConfig};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let config = TrainConfig::epochs(30).batch_size(200);
    /// let html = ndnet::report::Report::new(&History::default(), &net).train_config(&config).to_html()?;
    /// assert!(html.contains("30 epochs") && html.contains("200 examples"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn train_config(mut self, config: &TrainConfig) -> Self {
        self.run.config = Some(config.clone());
        self
    }

    /// How long training took, in seconds (measured by the caller: the library keeps no clock).
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let html = ndnet::report::Report::new(&History::default(), &net).training_seconds(1.5).to_html()?;
    /// assert!(html.contains("1.500 s"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn training_seconds(mut self, seconds: f64) -> Self {
        self.run.seconds = Some(seconds);
        self
    }

    /// A line of the run's data description, e.g. `("X, training set", (12288, 209))`; the
    /// evaluated sets add their own.
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let html = ndnet::report::Report::new(&History::default(), &net)
    ///     .data_shape("X, training set", (2, 400))
    ///     .to_html()?;
    /// assert!(html.contains("<dt>X, training set</dt><dd>(2, 400)</dd>"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn data_shape(mut self, name: impl Into<String>, (rows, columns): (usize, usize)) -> Self {
        self.run.data.push((name.into(), format!("({rows}, {columns})")));
        self
    }

    /// Names of the classes, class 0 first (for one sigmoid output: the label of 0, then of 1).
    /// Used by the sets evaluated after this call, when the count matches the network's classes.
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # use ndarray::array;
    /// # let net = Network::<f64>::logistic_regression(1)?;
    /// let html = ndnet::report::Report::new(&History::default(), &net)
    ///     .class_names(["non-cat", "cat"])
    ///     .evaluate("test", &array![[1.0, -1.0]], &array![[1.0, 1.0]])?
    ///     .to_html()?;
    /// assert!(html.contains("non-cat"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn class_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.class_names = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Says that every column of X is a picture of `height` × `width` × `channels` (1 grey or
    /// 3 RGB) flattened row-major, values in [0, 1] or [0, 255]: the sets evaluated after this
    /// call show their misclassified examples (the first 24) with their labels.
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # let net = Network::<f64>::logistic_regression(4)?;
    /// let x = ndarray::Array2::<f64>::zeros((4, 3)); // three 2 × 2 grey pictures
    /// let y = ndarray::array![[1.0, 0.0, 1.0]]; // σ(0) = 0.5 counts as 1: column 1 is wrong
    /// let html = ndnet::report::Report::new(&History::default(), &net)
    ///     .image_shape(2, 2, 1)
    ///     .evaluate("test", &x, &y)?
    ///     .to_html()?;
    /// assert!(html.contains("1 of 3 misclassified"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn image_shape(mut self, height: usize, width: usize, channels: usize) -> Self {
        self.image_shape = Some((height, width, channels));
        self
    }

    /// The error that ended training, e.g. [`Error::Diverged`]: the report opens with it,
    /// naming the first non-finite matrix and the last finite cost.
    ///
    /// ```
    /// # use ndnet::{Error, History, Network};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let error = Error::Diverged { iteration: 57, what: "Z[1] has 3 non-finite entries".into(), last_finite_cost: Some(9.5) };
    /// let html = ndnet::report::Report::new(&History::default(), &net).diverged(&error).to_html()?;
    /// assert!(html.contains("diverged at iteration 57") && html.contains("Z[1] has 3 non-finite entries"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    #[must_use]
    pub fn diverged(mut self, error: &Error) -> Self {
        self.failure = Some(Failure::of(error));
        self
    }

    /// Runs the network on X and compares with Y under the set's name (e.g. "test"): accuracy,
    /// precision, recall, F1 and a confusion heat map for a classifier (one sigmoid output:
    /// ŷ ≥ 0.5 is class 1; several outputs: the argmax, Y one-hot); RMSE, MAE, R² and a
    /// predicted-vs-true scatter for a network trained on the mean squared error. With
    /// [`Report::image_shape`], the misclassified pictures; with 2 inputs and one sigmoid output,
    /// the decision boundary (of the first such set).
    ///
    /// Above 30 classes the set shows the macro and weighted averages over every class, the 50
    /// classes with the lowest F1 and the 30 most frequent confusions instead of the heat map
    /// and a row per class, and says what it left out (see the [module documentation](self)).
    ///
    /// # Shapes
    /// `x` is (n_x, m), `y` is `(n[L], m)`.
    ///
    /// # Errors
    /// As [`Network::predict_proba`]; [`Error::Shape`] if Y does not match the predictions;
    /// [`Error::NonFinite`] for NaN or infinity in Y; [`Error::InvalidArgument`] if the image
    /// shape does not fit X.
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # use ndarray::array;
    /// let net = Network::<f64>::logistic_regression(2)?; // untrained: ŷ = 0.5, class 1
    /// let x = array![[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]];
    /// let html = ndnet::report::Report::new(&History::default(), &net)
    ///     .evaluate("test", &x, &array![[1.0, 0.0, 1.0]])?
    ///     .to_html()?;
    /// assert!(html.contains("0.6667 (2 of 3 right)"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn evaluate<S, T>(mut self, set: &str, x: &ArrayBase<S, Ix2>, y: &ArrayBase<T, Ix2>) -> Result<Self>
    where
        S: Data<Elem = F>,
        T: Data<Elem = F>,
    {
        let net = self.network;
        let evaluation = Evaluation::of_network(set, net, x.view(), y.view(), self.class_names.as_deref())?;
        self.run.data.push((format!("X, {set} set"), format!("{:?}", x.dim())));
        if let Some(shape) = self.image_shape {
            self.misclassified
                .extend(images::misclassified(x.view(), shape, &evaluation)?);
        }
        let binary = net.cost_function() != Cost::MeanSquaredError && y.nrows() == 1;
        if self.boundary.is_none() && x.nrows() == 2 && binary {
            self.boundary = Some(images::boundary(net, x.view(), y.view(), set)?);
        }
        self.evaluations.push(evaluation);
        Ok(self)
    }

    /// The whole page as a string.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] naming the field for a history that no run could have
    /// returned ([`History::validate`]: counts at `usize::MAX`, a best epoch after the last,
    /// non-finite costs…), a training configuration that does not validate, a training time
    /// that is not a finite number of seconds ≥ 0, a divergence whose last finite cost is not
    /// finite, and for values too wide to chart (near ±f64::MAX); [`Error::Io`] if a chart
    /// cannot be drawn; [`Error::TooLarge`] naming the set when the confusion counts of an
    /// evaluated set (O(k) for k classes) or its metrics as HTML (bounded by what is shown)
    /// would take more than the memory limit.
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let html = ndnet::report::Report::new(&History::default(), &net).to_html()?;
    /// assert!(html.contains(r#"<section id="run">"#) && !html.contains("<script"));
    /// # Ok::<(), ndnet::Error>(())
    /// ```
    pub fn to_html(&self) -> Result<String> {
        self.check()?;
        let h = self.history;
        let mut sections = vec![run::run_section(self.network, h, &self.run)];
        sections.extend(self.failure.as_ref().map(Failure::section));
        sections.extend(curves::cost_section(h)?);
        sections.extend(curves::accuracy_section(h)?);
        sections.extend(curves::diagnostics_section(h)?);
        if !self.evaluations.is_empty() {
            let body = self
                .evaluations
                .iter()
                .map(Evaluation::html)
                .collect::<Result<String>>()?;
            sections.push(Section {
                id: "metrics",
                heading: "Final metrics".into(),
                body,
            });
        }
        if !self.misclassified.is_empty() {
            let body = self.misclassified.iter().map(Misclassified::html).collect();
            sections.push(Section {
                id: "misclassified",
                heading: "Misclassified examples".into(),
                body,
            });
        }
        if let Some(png) = &self.boundary {
            let body = format!(
                "<figure>{}<figcaption>The plane coloured by the predicted class; the examples \
                 coloured by their label.</figcaption></figure>\n",
                png_img(png, "decision boundary", "chart")
            );
            sections.push(Section {
                id: "boundary",
                heading: "Decision boundary".into(),
                body,
            });
        }
        Ok(html::page(&self.title, &self.subtitle(), &sections))
    }

    /// Checks every value the report was given (the builders take them as they are) before any
    /// of them is shown as a fact or drawn.
    fn check(&self) -> Result<()> {
        self.history.validate()?;
        if let Some(config) = &self.run.config {
            config.validate()?;
        }
        #[cfg(feature = "csv")]
        if let Some(model) = self.tabular {
            model.fitting_network()?;
        }
        if let Some(seconds) = self.run.seconds.filter(|s| !(s.is_finite() && *s >= 0.0)) {
            return Err(Error::InvalidHyperparameter {
                name: "training_seconds",
                value: seconds,
                reason: "must be a finite number of seconds, at least 0",
            });
        }
        if let Some(cost) = self
            .failure
            .as_ref()
            .and_then(|f| f.last_finite_cost)
            .filter(|c| !c.is_finite())
        {
            return Err(Error::InvalidArgument {
                argument: "diverged",
                message: format!("the error's last_finite_cost is {cost}, which is not finite"),
            });
        }
        Ok(())
    }

    /// One line under the title: layer sizes, element type, path, final cost, first metric.
    fn subtitle(&self) -> String {
        let mut parts = vec![format!("{:?} {}", self.network.layer_sizes(), F::NAME)];
        parts.push(format!("{} path", self.history.plan.path));
        if self.failure.is_some() {
            parts.push("diverged".into());
        }
        if let Some(cost) = self.history.last_cost() {
            parts.push(format!("final cost {}", html::number(cost)));
        }
        if let Some(e) = self.evaluations.first() {
            parts.push(match &e.outcome {
                Outcome::Classes { truth, predicted, .. } => {
                    let right = truth.iter().zip(predicted).filter(|(t, p)| t == p).count();
                    format!(
                        "{} accuracy {:.2} %",
                        e.set,
                        100.0 * right as f64 / e.len().max(1) as f64
                    )
                }
                Outcome::Values { .. } => format!("{} set of {} values", e.set, e.len()),
            });
        }
        parts.join(" · ")
    }

    /// Writes the page to `path` atomically, as models are saved: a temporary file beside it,
    /// renamed over it, so a reader sees the old page or the new one, never half of one.
    ///
    /// # Errors
    /// As [`Report::to_html`]; [`Error::Io`] naming the path if it cannot be written.
    ///
    /// ```
    /// # use ndnet::{History, Network};
    /// # let net = Network::<f64>::logistic_regression(2)?;
    /// let path = std::env::temp_dir().join("ndnet_doc_report_write.html");
    /// ndnet::report::Report::new(&History::default(), &net).write(&path)?;
    /// assert!(std::fs::read_to_string(&path)?.ends_with("</html>\n"));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::base::atomic::write(path.as_ref(), self.to_html()?.as_bytes())
    }
}
