//! [`ImageDataset`]: images flattened into the course's X (n_x, m), with their labels Y (1, m).
//!
//! The HDF5 cat loader and the image-folder loader both return one. Each column of X is one
//! image of shape (h, w, c) flattened row-major, exactly like the course's
//! `train_set_x_orig.reshape(m, -1).T / 255`: feature index = (row · w + col) · c + channel,
//! with values scaled to [0, 1].
//!
//! ```
//! use ndarray::Array2;
//! use ndnet::data::ImageDataset;
//!
//! // Two 1×2 RGB images (n_x = 6), labels 0 and 1.
//! let x = Array2::<f64>::zeros((6, 2));
//! let y = Array2::from_shape_vec((1, 2), vec![0.0, 1.0]).unwrap();
//! let data = ImageDataset::new(x, y, vec!["non-cat".into(), "cat".into()], (1, 2, 3)).unwrap();
//! assert_eq!(data.len(), 2);
//! assert_eq!(data.class_counts(), vec![1, 1]);
//! ```

use ndarray::{Array2, Array3};

use crate::{Error, Float, Result};

/// A set of images flattened into X (n_x, m) with labels Y (1, m) and class names.
///
/// Y holds the class index of each example as a float: 0/1 for two classes (the course's
/// binary labels), 0, 1, 2, … for more. `classes[k]` names class `k`.
///
/// # Shapes
/// `x` is (h·w·c, m) with values in [0, 1], `y` is (1, m), `image_shape` is (h, w, c).
///
/// ```
/// use ndarray::Array2;
/// use ndnet::data::ImageDataset;
///
/// let x = Array2::<f32>::from_elem((12, 3), 0.5); // three 2×2 RGB images
/// let y = Array2::from_shape_vec((1, 3), vec![1.0, 0.0, 1.0]).unwrap();
/// let data = ImageDataset::new(x, y, vec!["no".into(), "yes".into()], (2, 2, 3)).unwrap();
/// assert_eq!(data.image(0).unwrap().dim(), (2, 2, 3));
/// ```
///
/// The fields are private so that what [`new`](ImageDataset::new) checked stays true (X has
/// h·w·c rows, Y is (1, m) of class indices): read them with [`x`](ImageDataset::x),
/// [`y`](ImageDataset::y), [`classes`](ImageDataset::classes) and
/// [`image_shape`](ImageDataset::image_shape), or take X and Y with
/// [`into_xy`](ImageDataset::into_xy).
#[derive(Debug, Clone, PartialEq)]
pub struct ImageDataset<F> {
    /// The images, one per column: (h·w·c, m), values in [0, 1].
    x: Array2<F>,
    /// The class index of each image: (1, m).
    y: Array2<F>,
    /// The class names; `classes[k]` is the name of label `k`.
    classes: Vec<String>,
    /// The shape of one image: (height, width, channels).
    image_shape: (usize, usize, usize),
}

impl<F: Float> ImageDataset<F> {
    /// Builds a data set after checking that the shapes and labels agree.
    ///
    /// # Errors
    /// [`Error::Shape`] if `x` does not have h·w·c rows or `y` is not (1, m) with the same m;
    /// [`Error::InvalidArgument`] if h·w·c overflows or a label is not a whole number in
    /// `0..classes.len()`.
    ///
    /// # Shapes
    /// `x` is (h·w·c, m), `y` is (1, m).
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndnet::data::ImageDataset;
    ///
    /// let x = Array2::<f64>::zeros((5, 2)); // 5 rows, but 1×2×3 images need 6
    /// let y = Array2::<f64>::zeros((1, 2));
    /// assert!(ImageDataset::new(x, y, vec!["a".into()], (1, 2, 3)).is_err());
    /// ```
    pub fn new(x: Array2<F>, y: Array2<F>, classes: Vec<String>, image_shape: (usize, usize, usize)) -> Result<Self> {
        let (h, w, c) = image_shape;
        let image_str = format!("images of shape ({h}, {w}, {c})");
        let Some(n_x) = h.checked_mul(w).and_then(|hw| hw.checked_mul(c)) else {
            return Err(Error::InvalidArgument {
                argument: "image_shape",
                message: format!("{image_str}: h·w·c overflows usize"),
            });
        };
        crate::base::check::shape(|| format!("X holding {image_str}"), x.dim(), n_x, None)?;
        let m = x.ncols();
        crate::base::check::shape(|| format!("Y for X with m = {m}"), y.dim(), 1, Some(m))?;
        let k = classes.len() as f64;
        if let Some((column, v)) = y
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.as_f64() >= 0.0 && v.as_f64() < k && v.fract() == F::zero()))
        {
            return Err(Error::InvalidArgument {
                argument: "y",
                message: format!(
                    "label {v} at column {column} is not a class index in 0..{}",
                    classes.len()
                ),
            });
        }
        Ok(ImageDataset {
            x,
            y,
            classes,
            image_shape,
        })
    }

    /// X (h·w·c, m): the images, one per column, values in [0, 1].
    ///
    /// # Shapes
    /// (h·w·c, m).
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 4)),
    ///     ndarray::Array2::zeros((1, 4)), vec!["a".into()], (1, 1, 3)).unwrap();
    /// assert_eq!(data.x().dim(), (3, 4));
    /// ```
    pub fn x(&self) -> &Array2<F> {
        &self.x
    }

    /// Y (1, m): the class index of each image, as a float.
    ///
    /// # Shapes
    /// (1, m).
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let y = ndarray::array![[1.0, 0.0]];
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 2)), y.clone(),
    ///     vec!["a".into(), "b".into()], (1, 1, 3)).unwrap();
    /// assert_eq!(data.y(), &y);
    /// ```
    pub fn y(&self) -> &Array2<F> {
        &self.y
    }

    /// The class names: `classes()[k]` names label `k`.
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 1)),
    ///     ndarray::Array2::zeros((1, 1)), vec!["cat".into()], (1, 1, 3)).unwrap();
    /// assert_eq!(data.classes(), ["cat"]);
    /// ```
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The shape of one image: (height, width, channels).
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((12, 1)),
    ///     ndarray::Array2::zeros((1, 1)), vec!["a".into()], (2, 2, 3)).unwrap();
    /// assert_eq!(data.image_shape(), (2, 2, 3));
    /// ```
    pub fn image_shape(&self) -> (usize, usize, usize) {
        self.image_shape
    }

    /// X and Y, taken out of the data set without copying (read the class names and the image
    /// shape first if you need them).
    ///
    /// # Shapes
    /// X is (h·w·c, m), Y is (1, m).
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let data = ImageDataset::<f32>::new(ndarray::Array2::zeros((3, 2)),
    ///     ndarray::Array2::zeros((1, 2)), vec!["a".into()], (1, 1, 3)).unwrap();
    /// let (x, y) = data.into_xy();
    /// assert_eq!((x.dim(), y.dim()), ((3, 2), (1, 2)));
    /// ```
    pub fn into_xy(self) -> (Array2<F>, Array2<F>) {
        (self.x, self.y)
    }

    /// The number of examples m (columns of X).
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 4)),
    ///     ndarray::Array2::zeros((1, 4)), vec!["a".into()], (1, 1, 3)).unwrap();
    /// assert_eq!(data.len(), 4);
    /// ```
    pub fn len(&self) -> usize {
        self.x.ncols()
    }

    /// Whether the data set has no examples.
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 0)),
    ///     ndarray::Array2::zeros((1, 0)), vec!["a".into()], (1, 1, 3)).unwrap();
    /// assert!(data.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The class index of example `index`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `index >= m`.
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let y = ndarray::Array2::from_shape_vec((1, 2), vec![0.0, 1.0]).unwrap();
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 2)), y,
    ///     vec!["a".into(), "b".into()], (1, 1, 3)).unwrap();
    /// assert_eq!(data.label(1).unwrap(), 1);
    /// ```
    pub fn label(&self, index: usize) -> Result<usize> {
        self.check_index(index)?;
        // Labels are whole numbers in 0..classes.len(), checked by `new`.
        Ok(self.y[[0, index]].as_f64() as usize)
    }

    /// How many examples each class has: `counts[k]` for class `k`.
    ///
    /// ```
    /// use ndnet::data::ImageDataset;
    /// let y = ndarray::Array2::from_shape_vec((1, 3), vec![1.0, 0.0, 1.0]).unwrap();
    /// let data = ImageDataset::<f64>::new(ndarray::Array2::zeros((3, 3)), y,
    ///     vec!["a".into(), "b".into()], (1, 1, 3)).unwrap();
    /// assert_eq!(data.class_counts(), vec![1, 2]);
    /// ```
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes.len()];
        for v in &self.y {
            let k = v.as_f64() as usize;
            if let Some(count) = counts.get_mut(k) {
                *count += 1;
            }
        }
        counts
    }

    /// Example `index` back as an image of shape (h, w, c), values in [0, 1].
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `index >= m`.
    ///
    /// # Shapes
    /// The result is `image_shape`; `result[[row, col, channel]]` is
    /// `x[[(row · w + col) · c + channel, index]]`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndnet::data::ImageDataset;
    ///
    /// let x = Array2::from_shape_fn((12, 1), |(i, _)| i as f64 / 11.0); // one 2×2 RGB image
    /// let y = Array2::zeros((1, 1));
    /// let data = ImageDataset::new(x, y, vec!["a".into()], (2, 2, 3)).unwrap();
    /// let img = data.image(0).unwrap();
    /// assert_eq!(img[[1, 0, 2]], 8.0 / 11.0); // (row 1 · 2 + col 0) · 3 + channel 2 = 8
    /// ```
    pub fn image(&self, index: usize) -> Result<Array3<F>> {
        self.check_index(index)?;
        let column = self.x.column(index).to_vec();
        let image = Array3::from_shape_vec(self.image_shape, column).expect("new() checked that x has h·w·c rows");
        Ok(image)
    }

    fn check_index(&self, index: usize) -> Result<()> {
        if index >= self.len() {
            return Err(Error::InvalidArgument {
                argument: "index",
                message: format!("example {index} asked for, but there are m = {}", self.len()),
            });
        }
        Ok(())
    }
}

/// Byte images, one per row (m, n_x), into X (n_x, m) divided by 255, in standard layout
/// (each pixel's values across the examples contiguous).
#[cfg(feature = "hdf5")]
pub(crate) fn pixels_to_x<F: Float>(rows: ndarray::ArrayView2<u8>) -> Array2<F> {
    // from_rows gives a standard-layout (n_x, m) copy, and mapv keeps that layout.
    super::from_rows(rows).mapv(scale_byte())
}

/// Byte images, one per row (m, n_x), into X (n_x, m) divided by 255 in column-major layout:
/// each example's n_x values contiguous, in the order of the file. Mini-batch training copies
/// a batch of shuffled examples as whole columns from such an X (a standard-layout X gives one
/// cache line per value instead).
#[cfg(any(feature = "mnist", feature = "image"))]
pub(crate) fn pixels_to_columns<F: Float>(rows: ndarray::ArrayView2<u8>) -> Array2<F> {
    // The transpose of a standard-layout array is contiguous in memory, and mapv keeps its
    // memory order: no transposing copy.
    rows.t().mapv(scale_byte())
}

#[cfg(any(feature = "hdf5", feature = "mnist", feature = "image"))]
fn scale_byte<F: Float>() -> impl Fn(u8) -> F {
    let scale: Vec<F> = (0..=255u8).map(|v| F::from_f64(f64::from(v) / 255.0)).collect();
    move |v| scale[usize::from(v)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rejects_y_of_wrong_length_and_bad_labels() {
        let x = Array2::<f64>::zeros((3, 2));
        let err = ImageDataset::new(x.clone(), Array2::zeros((1, 3)), vec!["a".into()], (1, 1, 3));
        assert!(matches!(err, Err(Error::Shape { .. })));
        let bad = array![[0.0, 2.0]]; // class 2 with only two classes
        let err = ImageDataset::new(x.clone(), bad, vec!["a".into(), "b".into()], (1, 1, 3));
        assert!(err.unwrap_err().to_string().contains("column 1"));
        let half = array![[0.5, 1.0]];
        assert!(ImageDataset::new(x, half, vec!["a".into(), "b".into()], (1, 1, 3)).is_err());
    }

    #[test]
    fn an_overflowing_image_shape_is_an_error_not_a_panic() {
        let x = Array2::<f64>::zeros((3, 1));
        let err = ImageDataset::new(x, array![[0.0]], vec!["a".into()], (usize::MAX, 2, 3)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "image_shape",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("overflows"));
    }

    #[test]
    fn image_inverts_the_flattening_order() {
        // Two 2×3 images with 2 channels; column j holds 100·j + feature index.
        let x = Array2::from_shape_fn((12, 2), |(i, j)| (100 * j + i) as f32);
        let data = ImageDataset::new(x, array![[0.0, 0.0]], vec!["a".into()], (2, 3, 2)).unwrap();
        let img = data.image(1).unwrap();
        for ((row, col, ch), v) in img.indexed_iter() {
            assert_eq!(*v, (100 + (row * 3 + col) * 2 + ch) as f32);
        }
        assert!(data.image(2).is_err());
        assert!(data.label(2).is_err());
    }

    #[cfg(feature = "hdf5")]
    #[test]
    fn pixels_become_standard_layout_columns() {
        let rows = array![[0u8, 51, 255], [102, 204, 0]]; // two images of 3 bytes
        let x = pixels_to_x::<f64>(rows.view());
        assert_eq!(x, array![[0.0, 0.4], [0.2, 0.8], [1.0, 0.0]]); // 51/255 = 0.2 exactly
        assert!(x.is_standard_layout());
    }

    #[cfg(any(feature = "mnist", feature = "image"))]
    #[test]
    fn pixels_become_contiguous_columns() {
        let rows = array![[0u8, 51, 255], [102, 204, 0]]; // two images of 3 bytes
        let x = pixels_to_columns::<f64>(rows.view());
        assert_eq!(x, array![[0.0, 0.4], [0.2, 0.8], [1.0, 0.0]]);
        assert_eq!(x.column(1).as_slice(), Some(&[0.4, 0.8, 0.0][..]));
    }
}
