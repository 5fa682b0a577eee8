//! Bad `.npy` files (feature `npy`): each is an error naming the file (and the row where there
//! is one), never a panic and never a silently skipped value.
#![cfg(feature = "npy")]

use std::path::{Path, PathBuf};

use ndarray::Array2;
use ndnet::data::{Examples, NpyExamples, save_npy_examples};
use ndnet::{Error, GradientDescent, Network, Shuffle, TrainConfig};

use crate::common::{self, f32_bytes, npy_bytes, scratch_dir};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The message of the `Error::Format` that opening `x` (with a valid Y of 3 rows) fails with;
/// it names `x`.
fn format_error(x: &Path, y: &Path) -> String {
    let err = NpyExamples::<f32>::open(x, y).unwrap_err();
    let text = err.to_string();
    match &err {
        Error::Format { path, .. } => assert!(path == x || path == y, "{err:?}"),
        other => panic!("{other:?}"),
    }
    text
}

#[test]
fn bad_headers_shapes_and_lengths_are_errors_naming_the_file() {
    let dir = scratch_dir("npy-bad");
    let y = write(
        &dir,
        "y.npy",
        &npy_bytes("<f4", false, "(3,)", &f32_bytes([0.0, 1.0, 1.0])),
    );
    let six = f32_bytes([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let good = npy_bytes("<f4", false, "(3, 2)", &six);
    let version = |major: u8| {
        let mut bytes = good.clone();
        bytes[6] = major;
        bytes
    };
    // Version 2.0 with a header length of 1 MiB (a u32 at bytes 8..12).
    let mut long_header = b"\x93NUMPY\x02\x00".to_vec();
    long_header.extend_from_slice(&(1u32 << 20).to_le_bytes());
    long_header.extend_from_slice(&[b' '; 100]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("csv", b"x1,x2\n1,2\n".to_vec(), "not a .npy file"),
        ("empty", Vec::new(), "not a .npy file"),
        ("version", version(4), "unknown .npy format version 4.0"),
        ("long_header", long_header, "claims 1048576 bytes, more than the 65536"),
        ("cut_header", good[..60].to_vec(), "ends inside its .npy header"),
        (
            "structured",
            npy_bytes("<f4', 'x': [('a', '<f4')], '", false, "(3, 2)", &six),
            "nests",
        ),
        ("tuples", npy_bytes("<f4", false, "((3,), 2)", &six), "nests"),
        ("garbage", npy_bytes("<f4", false, "(3, 2", &six), "does not parse"),
        (
            "int64",
            npy_bytes("<i8", false, "(3, 1)", &six[..24]),
            "dtype '<i8' is not float32 or float64",
        ),
        ("half", npy_bytes("<f2", false, "(3, 2)", &six[..12]), "dtype '<f2'"),
        (
            "fortran",
            npy_bytes("<f4", true, "(3, 2)", &six),
            "Fortran (column-major) order",
        ),
        ("one_dim", npy_bytes("<f4", false, "(6,)", &six), "x.reshape(-1, 1)"),
        (
            "three_dim",
            npy_bytes("<f4", false, "(3, 1, 2)", &six),
            "X must be 2-D (m, n_x)",
        ),
        (
            "short",
            npy_bytes("<f4", false, "(3, 2)", &six[..20]),
            "needs 24 bytes of values; the file holds 20, fewer",
        ),
        (
            "long",
            npy_bytes("<f4", false, "(3, 2)", &[&six[..], &[0; 4]].concat()),
            "holds 28, more",
        ),
        (
            "huge",
            npy_bytes("<f8", false, "(18446744073709551615, 3)", &six),
            "needs 442721857769029238760 bytes",
        ),
        ("no_rows", npy_bytes("<f4", false, "(0, 2)", &[]), "holds no examples"),
        (
            "no_columns",
            npy_bytes("<f4", false, "(3, 0)", &[]),
            "its examples hold no values",
        ),
        (
            "rows_differ",
            npy_bytes("<f4", false, "(2, 3)", &six),
            "holds 3 examples (rows) and",
        ),
    ];
    for (name, bytes, expected) in cases {
        let x = write(&dir, &format!("{name}.npy"), &bytes);
        let text = format_error(&x, &y);
        assert!(text.contains(expected), "{name}: {text}");
        assert!(text.contains(&format!("{name}.npy")), "{name}: {text}");
    }
    // A Fortran-order array with one column is also in C order: it is read.
    let column = write(&dir, "column.npy", &npy_bytes("<f4", true, "(3, 1)", &six[..12]));
    assert_eq!(NpyExamples::<f32>::open(&column, &y).unwrap().n_x(), 1);
    // Y of three dimensions; a folder; a missing file.
    let y3 = write(&dir, "y3.npy", &npy_bytes("<f4", false, "(3, 1, 1)", &six[..12]));
    assert!(format_error(&column, &y3).contains("Y must be (m,) or (m, n_y)"));
    assert!(format_error(&dir, &y).contains("is not a regular file"));
    let missing = dir.join("missing.npy");
    let err = NpyExamples::<f32>::open(&missing, &y).unwrap_err();
    assert!(matches!(&err, Error::Io { path, .. } if path == &missing), "{err:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// NaN, infinity, a label the cost refuses and a float64 beyond f32 are errors naming both
/// files, the example (the row) and the feature, found when the batch is read, before any step
/// uses it.
#[test]
fn bad_values_are_errors_naming_the_files_and_the_row() {
    let dir = scratch_dir("npy-values");
    let mut rng = common::rng(3);
    let (x, y) = ndnet::data::planar_flower::<f64, _>(100, &mut rng).unwrap();
    let net: Network<f64> = common::tanh_network(&[2, 3, 1], &mut rng);
    let config = TrainConfig::epochs(1).batch_size(16).shuffle(Shuffle::Blocks {
        chunk: 8,
        chunks_per_block: 2,
    });
    let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
    let train = |x: &Array2<f64>, y: &Array2<f64>| {
        save_npy_examples(x, y, &x_path, &y_path).unwrap();
        let mut examples = NpyExamples::<f64>::open(&x_path, &y_path).unwrap();
        net.clone()
            .fit(&mut examples, &mut GradientDescent::new(0.1).unwrap(), &config)
            .unwrap_err()
    };
    let both = format!("{} and {}", x_path.display(), y_path.display());
    for (value, row, feature, shown) in [(f64::NAN, 37, 1, "NaN"), (f64::NEG_INFINITY, 99, 0, "-inf")] {
        let mut bad = x.clone();
        bad[[feature, row]] = value;
        match train(&bad, &y) {
            Error::BadExample { data, example, message } => {
                assert_eq!((data.as_str(), example), (both.as_str(), row));
                assert_eq!(message, format!("X holds {shown} at feature {feature}"));
            }
            other => panic!("{other:?}"),
        }
    }
    let mut bad_label = y.clone();
    bad_label[[0, 12]] = 2.0;
    let err = train(&x, &bad_label);
    assert!(matches!(&err, Error::BadExample { example: 12, .. }), "{err:?}");
    assert!(err.to_string().contains("Y holds 2 at row 0"), "{err}");

    // 1e300 fits a float64 file but not an f32 model.
    let mut huge = x.clone();
    huge[[1, 5]] = 1e300;
    save_npy_examples(&huge, &y, &x_path, &y_path).unwrap();
    let mut examples = NpyExamples::<f32>::open(&x_path, &y_path).unwrap();
    let (mut xb, mut yb) = (Array2::zeros((2, 3)), Array2::zeros((1, 3)));
    let err = examples.gather(&[4, 5, 6], xb.view_mut(), yb.view_mut()).unwrap_err();
    assert!(matches!(&err, Error::BadExample { example: 5, .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("X holds 1e300 at feature 1, beyond the range of f32"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A file cut short after it was opened: the next read past its new end is an error naming the
/// file and the first row it no longer holds; rows before it still read.
#[test]
fn a_file_that_shrinks_while_being_read_is_an_error_naming_the_row() {
    let dir = scratch_dir("npy-shrink");
    let (x_path, y_path) = (dir.join("x.npy"), dir.join("y.npy"));
    let x = Array2::from_shape_fn((4, 50), |(i, j)| (10 * j + i) as f32);
    save_npy_examples(&x, &Array2::<f32>::zeros((1, 50)), &x_path, &y_path).unwrap();
    let mut examples = NpyExamples::<f32>::open(&x_path, &y_path).unwrap();
    let (mut xb, mut yb) = (Array2::zeros((4, 8)), Array2::zeros((1, 8)));
    examples
        .gather(&[40, 41, 42, 43, 44, 45, 46, 47], xb.view_mut(), yb.view_mut())
        .unwrap();
    assert_eq!(xb.column(7), x.column(47));
    // Keep the 128-byte header and rows 0..30 (16 bytes each), and half of row 30.
    let file = std::fs::OpenOptions::new().write(true).open(&x_path).unwrap();
    file.set_len(128 + 30 * 16 + 8).unwrap();
    let err = examples
        .gather(&[25, 26, 27, 28, 29, 30, 31, 32], xb.view_mut(), yb.view_mut())
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(&err, Error::Format { path, .. } if path == &x_path), "{err:?}");
    assert!(
        text.contains("row 30 is past the end of the file: it holds 616 bytes, 928 when it was opened"),
        "{text}"
    );
    examples
        .gather(&[29, 0, 1, 2, 3, 4, 5, 6], xb.view_mut(), yb.view_mut())
        .unwrap();
    assert_eq!(xb.column(0), x.column(29));
    std::fs::remove_dir_all(dir).unwrap();
}
