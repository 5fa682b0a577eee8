// The fuzz targets' bodies, shared by the cargo-fuzz targets (fuzz/fuzz_targets/*.rs, nightly)
// and the stable poor man's fuzzer tests/robustness/fuzz_regressions.rs, which `include!` this file.
// Each body takes arbitrary bytes and must return without panicking (an Err is fine).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh temporary file holding `bytes`, removed when dropped.
pub struct TempFile(pub PathBuf);

impl TempFile {
    /// Writes `bytes` to a new file named `…<suffix>` in the temporary directory.
    pub fn new(bytes: &[u8], suffix: &str) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("ndnet-fuzz-{}-{n}{suffix}", std::process::id()));
        std::fs::write(&path, bytes).expect("the temporary directory is writable");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// CRC-32 (IEEE), as at the end of ndnet's binary model files.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// `data` with its last 4 bytes replaced by the CRC-32 of the others, so that a mutated binary
/// model reaches the parser instead of failing the checksum.
pub fn with_crc(data: &[u8]) -> Vec<u8> {
    let body = &data[..data.len().saturating_sub(4)];
    [body, &crc32(body).to_le_bytes()[..]].concat()
}

/// Model loading: the binary format (as given, and with the checksum fixed up) and JSON, in f32
/// and f64; a loaded model must predict.
pub fn fuzz_model(data: &[u8]) {
    let fixed = with_crc(data);
    let _ = ndnet::io::from_bytes::<f32>(&fixed);
    if let Ok(net) = ndnet::io::from_bytes::<f64>(&fixed) {
        let n_x = net.layer_sizes()[0];
        if n_x <= 4096 {
            let _ = net.predict_proba(&ndarray::Array2::<f64>::ones((n_x, 2)));
        }
    }
    if let Ok(net) = ndnet::io::from_bytes::<f64>(data) {
        let n_x = net.layer_sizes()[0];
        if n_x <= 4096 {
            let _ = net.predict_proba(&ndarray::Array2::<f64>::ones((n_x, 2)));
        }
    }
    let _ = ndnet::io::from_bytes::<f32>(data);
    let text = String::from_utf8_lossy(data);
    if let Ok(net) = ndnet::io::from_json_str::<f32>(&text) {
        let n_x = net.layer_sizes()[0];
        if n_x <= 4096 {
            let _ = net.predict_proba(&ndarray::Array2::<f32>::ones((n_x, 2)));
        }
    }
    let _ = ndnet::io::from_json_str::<f64>(&text);
}

/// The CSV loader, then fitting and applying the preprocessing with the last column as target.
pub fn fuzz_csv(data: &[u8]) {
    use ndnet::tabular::{Table, TabularConfig};
    let Ok(table) = Table::from_reader(data, "fuzz.csv") else { return };
    let (Some(target), Some(first)) = (table.headers().last(), table.rows().first()) else { return };
    let positive = first.last().cloned().unwrap_or_default();
    for config in [TabularConfig::new(target.clone(), positive), TabularConfig::new(target.clone(), "1")] {
        if let Ok(fitted) = config.fit(&table) {
            let _ = fitted.transform::<f64>(&table);
            let _ = fitted.transform::<f32>(&table);
            let _ = fitted.transform_rows::<f64>(&table, &[0, table.n_rows().saturating_sub(1)]);
        }
    }
}

/// The IDX reader (images and labels) on a file of these bytes.
pub fn fuzz_idx(data: &[u8]) {
    let file = TempFile::new(data, ".idx");
    let _ = ndnet::data::read_idx_images::<f32>(&file.0);
    let _ = ndnet::data::read_idx_labels(&file.0);
}

/// The HDF5 image loader on a file of these bytes.
pub fn fuzz_h5(data: &[u8]) {
    let file = TempFile::new(data, ".h5");
    let _ = ndnet::data::load_h5_images::<f64>(&file.0, "train_set_x", "y_int32", None);
    let _ = ndnet::data::load_h5_images::<f32>(&file.0, "train_set_x", "y_int32", Some("list_classes"));
}

/// The image loader (PNG, JPEG) on a file of these bytes.
pub fn fuzz_image(data: &[u8]) {
    for suffix in [".png", ".jpg"] {
        let file = TempFile::new(data, suffix);
        let _ = ndnet::data::load_image::<f32>(&file.0, (8, 8));
    }
}
