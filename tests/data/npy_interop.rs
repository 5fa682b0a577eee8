//! `.npy` files against numpy, both ways (ignored by default: it needs Python with numpy).
//!
//! Run with `NDNET_PYTHON=python3 cargo test --release --all-features --test data interop:: -- --ignored`
//! (`.ci/run` sets `NDNET_PYTHON` as for the `.safetensors` round trip in `interop.rs`).
//!
//! * numpy → ndnet: `np.save` of float32 and float64 arrays (little- and big-endian), Y of shape
//!   (m,) and (m, 2); ndnet reads every value exactly as numpy wrote it (numpy also writes each
//!   value as text, `repr` of the float64, which ndnet parses exactly). A Fortran-order array
//!   and an int64 array are refused with the error that says so.
//! * ndnet → numpy: `save_npy_examples` and `NpyWriter` (f32 and f64); `np.load` gives the
//!   dtype, the shape (one example per row) and every value exactly.
#![cfg(feature = "npy")]

use std::path::Path;

use ndarray::Array2;
use ndnet::data::{Examples, NpyExamples, NpyWriter, save_npy_examples};

use crate::common::{run_python, scratch_dir};

/// Writes arrays with numpy, each with its values as text (one number per line, C order).
const PYTHON_SAVES: &str = r#"
import sys
import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(2026)
m = 37

def save(name, a):
    np.save(f"{out}/{name}.npy", a)
    with open(f"{out}/{name}.txt", "w") as f:
        f.write("\n".join(repr(float(v)) for v in a.ravel(order="C")))

save("x_f32", (rng.standard_normal((m, 5)) * 1e3).astype(np.float32))
save("x_f64_be", rng.standard_normal((m, 4)).astype(">f8"))
save("y_flat_f32", (rng.random(m) > 0.5).astype(np.float32))
save("y_two_f64", rng.random((m, 2)))
np.save(f"{out}/fortran.npy", np.asfortranarray(rng.random((m, 3))))
np.save(f"{out}/ints.npy", np.arange(m * 2).reshape(m, 2))
print("saved")
"#;

/// The values numpy wrote as text.
fn values(dir: &Path, name: &str) -> Vec<f64> {
    std::fs::read_to_string(dir.join(format!("{name}.txt")))
        .expect("Python wrote the values")
        .lines()
        .map(|v| v.parse().expect("a float"))
        .collect()
}

/// Every example of the files, as ndnet reads them: X (n_x, m), Y (n_y, m).
fn read_all(examples: &mut NpyExamples<f64>) -> (Array2<f64>, Array2<f64>) {
    let m = examples.m();
    let (mut x, mut y) = (Array2::zeros((examples.n_x(), m)), Array2::zeros((examples.n_y(), m)));
    examples
        .gather(&(0..m).collect::<Vec<_>>(), x.view_mut(), y.view_mut())
        .unwrap();
    (x, y)
}

/// X and Y as numpy's C-order values: one example per row.
fn rows(matrix: &Array2<f64>) -> Vec<f64> {
    matrix.t().iter().copied().collect()
}

#[test]
#[ignore = "needs Python with numpy: NDNET_PYTHON=python3 cargo test --all-features -- --ignored"]
fn numpys_npy_files_read_exactly() {
    let dir = scratch_dir("npy-from-python");
    assert!(run_python(PYTHON_SAVES, &[&dir]).contains("saved"));
    let path = |name: &str| dir.join(format!("{name}.npy"));
    for (x, y, n_x, n_y) in [("x_f32", "y_flat_f32", 5, 1), ("x_f64_be", "y_two_f64", 4, 2)] {
        let mut examples = NpyExamples::<f64>::open(path(x), path(y)).expect("numpy's files open");
        assert_eq!((examples.n_x(), examples.n_y(), examples.m()), (n_x, n_y, 37));
        let (xs, ys) = read_all(&mut examples);
        assert_eq!(rows(&xs), values(&dir, x), "{x}");
        assert_eq!(rows(&ys), values(&dir, y), "{y}");
    }
    // float32 into an f32 model: the same numbers.
    let mut examples = NpyExamples::<f32>::open(path("x_f32"), path("y_flat_f32")).unwrap();
    let (mut x, mut y) = (Array2::<f32>::zeros((5, 37)), Array2::<f32>::zeros((1, 37)));
    examples
        .gather(&(0..37).collect::<Vec<_>>(), x.view_mut(), y.view_mut())
        .unwrap();
    let as_f64: Vec<f64> = x.t().iter().map(|&v| f64::from(v)).collect();
    assert_eq!(as_f64, values(&dir, "x_f32"));

    let err = NpyExamples::<f64>::open(path("fortran"), path("y_flat_f32")).unwrap_err();
    assert!(err.to_string().contains("Fortran (column-major) order"), "{err}");
    let err = NpyExamples::<f64>::open(path("ints"), path("y_flat_f32")).unwrap_err();
    assert!(err.to_string().contains("is not float32 or float64"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Checks ndnet's files with `np.load` against the values ndnet wrote as text.
const PYTHON_LOADS: &str = r#"
import sys
import numpy as np

folder = sys.argv[1]
for name, dtype, shape in [
    ("x64", np.float64, (23, 3)),
    ("y64", np.float64, (23, 2)),
    ("x32", np.float32, (23, 3)),
    ("streamed", np.float32, (1000, 7)),
]:
    a = np.load(f"{folder}/{name}.npy")
    assert a.dtype == dtype, (name, a.dtype)
    assert a.shape == shape, (name, a.shape)
    assert a.flags["C_CONTIGUOUS"], name
    expected = np.array([float(v) for v in open(f"{folder}/{name}.txt").read().split()], dtype=dtype)
    assert np.array_equal(a.ravel(), expected), name
print("ok")
"#;

#[test]
#[ignore = "needs Python with numpy: NDNET_PYTHON=python3 cargo test --all-features -- --ignored"]
fn ndnets_npy_files_load_in_numpy_exactly() {
    let dir = scratch_dir("npy-to-python");
    let text = |name: &str, values: Vec<String>| {
        std::fs::write(dir.join(format!("{name}.txt")), values.join("\n")).unwrap();
    };
    // X (3, 23) and Y (2, 23) in ndnet's layout: numpy sees (23, 3) and (23, 2).
    let x = Array2::from_shape_fn((3, 23), |(i, j)| ((i * 23 + j) as f64 * 0.7).sin() * 1e5);
    let y = Array2::from_shape_fn((2, 23), |(i, j)| ((i + j) % 2) as f64);
    save_npy_examples(&x, &y, dir.join("x64.npy"), dir.join("y64.npy")).unwrap();
    text("x64", x.t().iter().map(|v| format!("{v:?}")).collect());
    text("y64", y.t().iter().map(|v| format!("{v:?}")).collect());
    let x32 = x.mapv(|v| v as f32);
    save_npy_examples(&x32, &y.mapv(|v| v as f32), dir.join("x32.npy"), dir.join("y32.npy")).unwrap();
    text("x32", x32.t().iter().map(|v| format!("{v:?}")).collect());
    // 1000 rows streamed one at a time.
    let mut writer = NpyWriter::<f32>::create(dir.join("streamed.npy"), 1000, 7).unwrap();
    let mut all = Vec::new();
    for i in 0..1000 {
        let row: Vec<f32> = (0..7).map(|j| (i * 7 + j) as f32 / 3.0).collect();
        writer.write_row(&row).unwrap();
        all.extend(row.iter().map(|v| format!("{v:?}")));
    }
    writer.finish().unwrap();
    text("streamed", all);
    assert_eq!(run_python(PYTHON_LOADS, &[&dir]).trim(), "ok");
    std::fs::remove_dir_all(dir).unwrap();
}
