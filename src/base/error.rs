//! The crate's one error type, [`Error`], and its [`Result`] alias.
//!
//! Messages speak the course's language: which layer, which matrix, the shape that was
//! expected and the shape that was given.
//!
//! ```
//! use ndnet::{Activation, Initializer, Network};
//! use ndarray::Array2;
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let net = Network::<f64>::new(&[5, 4, 1], Activation::Relu, Activation::Sigmoid,
//!                               Initializer::He, &mut rng).unwrap();
//! // One example per row instead of one per column: the error says so.
//! let x = Array2::<f64>::zeros((209, 5));
//! let err = net.predict_proba(&x).unwrap_err();
//! assert!(err.to_string().contains("W[1] is (4, 5) so A[0] must be (5, m), got (209, 5)"));
//! assert!(err.to_string().contains("transpose"));
//! ```

use std::path::PathBuf;

/// `Result` with ndnet's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in ndnet, with the values involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A matrix has the wrong shape for where it is used.
    ///
    /// `context` says where (`"layer 2: W[2] is (4, 5) so A[1]"`), `expected` the shape in the
    /// course's terms (`"(5, m)"`), `got` the shape given.
    #[error("{context} must be {expected}, got {got:?}{hint}", hint = transposed_hint(*.transposed_fits))]
    Shape {
        /// Where the mismatch is, naming the layer and matrices.
        context: String,
        /// The expected shape in the course's notation, e.g. `"(5, m)"`.
        expected: String,
        /// The shape that was given.
        got: (usize, usize),
        /// Whether the transposed matrix would have fit.
        transposed_fits: bool,
    },
    /// A batch with no examples (m = 0).
    #[error("{argument} has m = 0 examples (no columns); at least one is needed")]
    NoExamples {
        /// The argument that was empty.
        argument: &'static str,
    },
    /// A NaN or infinite value in an input.
    #[error("{argument} holds a non-finite value {value} at row {row}, column {column}")]
    NonFinite {
        /// The argument holding the value.
        argument: &'static str,
        /// Row of the first non-finite value.
        row: usize,
        /// Column (example) of the first non-finite value.
        column: usize,
        /// The value itself (NaN, inf or -inf).
        value: f64,
    },
    /// A label outside what the cost accepts (cross-entropy wants 0 ≤ y ≤ 1).
    #[error("Y holds {value} at row {row}, column {column}; {cost} needs labels in [0, 1]")]
    LabelOutOfRange {
        /// The cost function that rejects the label.
        cost: &'static str,
        /// Row of the label.
        row: usize,
        /// Column (example) of the label.
        column: usize,
        /// The label.
        value: f64,
    },
    /// A hyperparameter outside its allowed range.
    #[error("{name} = {value} is invalid: {reason}")]
    InvalidHyperparameter {
        /// The hyperparameter's name, e.g. `"learning_rate"`.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must be.
        reason: &'static str,
    },
    /// A network described with something wrong in its architecture.
    #[error("invalid architecture: {0}")]
    Architecture(String),
    /// Training produced a NaN or infinite cost or gradient.
    #[error(
        "training diverged at iteration {iteration}: {what} (last finite cost {last_finite_cost:?}); \
         try a smaller learning rate"
    )]
    Diverged {
        /// The iteration at which the first non-finite number appeared.
        iteration: usize,
        /// What went non-finite first, e.g. `"Z[2] has 14 non-finite entries (first at row 0,
        /// column 3: inf) in the forward pass of iteration 57; the cost is NaN"`.
        what: String,
        /// The last finite cost seen, if any.
        last_finite_cost: Option<f64>,
    },
    /// A forward pass on finite inputs and finite parameters overflowed to NaN or ±inf outside
    /// training (prediction, cost, accuracy): `what` names the first non-finite matrix and layer,
    /// e.g. `"Z[2] has 3 non-finite entries (first at row 0, column 1: inf)"`.
    #[error("the forward pass overflowed: {what}; the parameters or the inputs are too large for this float type")]
    NonFiniteOutput {
        /// The first non-finite matrix, its count of non-finite entries and the first one.
        what: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A data file that is not where it was expected.
    #[error(
        "missing {what}: expected it at {path} (set NDNET_DATA to the folder that holds the data sets; \
         see the README's \"Data\" section)"
    )]
    MissingFile {
        /// The path that was looked at.
        path: PathBuf,
        /// What the file is.
        what: String,
    },
    /// A file's content is not what was expected (a data set or a saved model).
    #[error("{path}{location}: {message}", location = location(*.line, .column.as_deref()))]
    Format {
        /// The file.
        path: PathBuf,
        /// The 1-based line, for text files.
        line: Option<u64>,
        /// The column (by name or number), for tabular files.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A size from an argument or a file that would take more memory than the crate's limit
    /// ([`crate::memory_limit`]), or whose byte count overflows; checked before allocating.
    #[error(
        "{what} would take {}, more than the memory limit of {}; \
         raise it with ndnet::set_memory_limit or the NDNET_MEMORY_LIMIT environment variable \
         if this is intended",
        bytes_text(*.bytes),
        crate::base::limits::human_bytes(u128::from(*.limit))
    )]
    TooLarge {
        /// What would be allocated and its shape, e.g. `"W[1] of shape (1048576 × 1048576)"`.
        what: String,
        /// The bytes it would take; `None` when counting them overflows (more than 2^128).
        bytes: Option<u128>,
        /// The memory limit at the time, in bytes.
        limit: u64,
    },
    /// An example read from training data that no step may use (a NaN or infinite value, a
    /// label the cost refuses): found when its batch is read, before any update uses it.
    #[error("{data}, example {example}: {message}")]
    BadExample {
        /// The data it came from, e.g. `"x.npy and y.npy"`.
        data: String,
        /// The example's index in the data (its row in a `.npy` file of examples).
        example: usize,
        /// What is wrong, e.g. `"X holds NaN at feature 7"`.
        message: String,
    },
    /// A built-in optimizer refused an update: the gradient holds a NaN or ±inf, or the step
    /// would make the parameter or the optimizer's state (momentum's v, RMSprop's and Adam's s)
    /// non-finite. Nothing was written: the parameter and the state are as they were.
    #[error(
        "the update of {parameter} was refused: {what}{after}; {parameter} and the optimizer's state \
         are left as they were",
        after = if *.made_by_step { " after this step" } else { "" }
    )]
    UpdateRefused {
        /// The parameter, e.g. `"W[2]"`.
        parameter: String,
        /// The first matrix that is not finite, its count of non-finite entries and the first
        /// one: the gradient (`"dW[2] has 1 non-finite entry (first at row 0, column 3: NaN)"`),
        /// else the parameter or a state of the optimizer as the step would leave them.
        what: String,
        /// Whether `what` is what the step would make (else it is the gradient given).
        made_by_step: bool,
    },
    /// Anything else invalid in an argument, with the argument's name.
    #[error("{argument}: {message}")]
    InvalidArgument {
        /// The argument's name.
        argument: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

fn bytes_text(bytes: Option<u128>) -> String {
    match bytes {
        Some(b) => crate::base::limits::human_bytes(b),
        None => "more than 2^128 bytes (the count overflows)".into(),
    }
}

fn transposed_hint(transposed_fits: bool) -> &'static str {
    if transposed_fits {
        " (its transpose would fit: ndnet takes one example per column, X is (n_x, m); \
         use `ndnet::data::from_rows` or `.t()` on row-per-example data)"
    } else {
        ""
    }
}

fn location(line: Option<u64>, column: Option<&str>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(", line {line}, column {column}"),
        (Some(line), None) => format!(", line {line}"),
        (None, Some(column)) => format!(", column {column}"),
        (None, None) => String::new(),
    }
}

// The loaders (behind cargo features) build these; without them they are unused.
#[allow(dead_code)]
impl Error {
    /// Builds an [`Error::Format`] for `path` with an optional line and column.
    pub(crate) fn format(
        path: impl Into<PathBuf>,
        line: Option<u64>,
        column: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Format {
            path: path.into(),
            line,
            column,
            message: message.into(),
        }
    }

    /// Builds an [`Error::InvalidArgument`] naming `argument`.
    pub(crate) fn invalid_argument(argument: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            argument,
            message: message.into(),
        }
    }

    /// Builds an [`Error::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
