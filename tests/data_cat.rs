//! The cat-vs-non-cat loader on the course's real files (ignored by default).
//!
//! Run with `NDNET_DATA=../shared/data cargo test --features hdf5 -- --ignored`.
//! Expected values were read with h5py 3.16 / numpy from the same files, e.g.
//! `h5py.File("train_catvnoncat.h5")["train_set_x"][1, 10, 20]` → `[54, 70, 82]`.
#![cfg(feature = "hdf5")]

use std::path::PathBuf;

use ndnet::data::{CatSplit, load_cat_h5, load_catvnoncat};

fn cat_dir() -> PathBuf {
    let root = std::env::var_os("NDNET_DATA").unwrap_or_else(|| "data".into());
    let dir = PathBuf::from(root).join("catvnoncat");
    assert!(
        dir.join("train_catvnoncat.h5").is_file(),
        "{} has no train_catvnoncat.h5: set NDNET_DATA to the data folder",
        dir.display()
    );
    dir
}

#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn real_cat_files_match_h5py() {
    let (train, test) = load_catvnoncat::<f64>(cat_dir()).expect("the real cat files load");
    assert_eq!(train.x.dim(), (12288, 209));
    assert_eq!(train.y.dim(), (1, 209));
    assert_eq!(test.x.dim(), (12288, 50));
    assert_eq!(train.image_shape, (64, 64, 3));
    assert_eq!(train.classes, vec!["non-cat", "cat"]);
    assert_eq!(train.class_counts(), vec![137, 72]); // 72 cats (numpy: train_set_y.sum())
    assert_eq!(test.class_counts(), vec![17, 33]); // 33 cats
    assert!(train.x.iter().chain(test.x.iter()).all(|&v| (0.0..=1.0).contains(&v)));

    // h5py: train_set_x[0, 0, 0] = [17, 31, 56]; train_set_x[1, 10, 20] = [54, 70, 82]
    // (feature (10·64 + 20)·3 = 1980); test_set_x[0, 0, 0] = [158, 104, 83];
    // test_set_x[49, 63, 63] = [5, 22, 5] (features 12285..12288).
    let px = |x: &ndarray::Array2<f64>, f: usize, i: usize| (x[[f, i]] * 255.0).round() as u8;
    assert_eq!([0, 1, 2].map(|f| px(&train.x, f, 0)), [17, 31, 56]);
    assert_eq!([1980, 1981, 1982].map(|f| px(&train.x, f, 1)), [54, 70, 82]);
    assert_eq!([0, 1, 2].map(|f| px(&test.x, f, 0)), [158, 104, 83]);
    assert_eq!([12285, 12286, 12287].map(|f| px(&test.x, f, 49)), [5, 22, 5]);
    assert_eq!(train.image(1).unwrap()[[10, 20, 1]], 70.0 / 255.0);
    // numpy: train_set_y[:10] = [0, 0, 1, 0, 0, 0, 0, 1, 0, 0].
    let first: Vec<f64> = train.y.iter().take(10).copied().collect();
    assert_eq!(first, [0., 0., 1., 0., 0., 0., 0., 1., 0., 0.]);
    // numpy: train_set_x.sum() = 264542077, test_set_x.sum() = 65969547.
    let sum = |x: &ndarray::Array2<f64>| x.iter().map(|v| (v * 255.0).round() as u64).sum::<u64>();
    assert_eq!((sum(&train.x), sum(&test.x)), (264_542_077, 65_969_547));
}

#[test]
#[ignore = "needs the real data: NDNET_DATA=../shared/data cargo test -- --ignored"]
fn real_test_file_in_f32() {
    let path = cat_dir().join("test_catvnoncat.h5");
    let test = load_cat_h5::<f32>(path, CatSplit::Test).expect("the real test file loads");
    assert_eq!(test.x.dim(), (12288, 50));
    assert_eq!(test.x[[0, 0]], 158.0 / 255.0);
}
