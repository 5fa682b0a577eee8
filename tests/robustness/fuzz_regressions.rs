//! The fuzz targets on stable: every file of `fuzz/regressions/<target>/` (inputs that once
//! crashed a loader), then a seeded mutation fuzzer ("poor man's fuzzer") over valid seed inputs.
//!
//! The bodies live in `fuzz/bodies.rs`, shared with the cargo-fuzz targets in `fuzz/`. The
//! number of mutated inputs per target is `NDNET_FUZZ_ITERS` (default 2000), their RNG seed
//! `NDNET_FUZZ_SEED` (default 0); with `NDNET_FUZZ_DUMP=<file>` each input is written there
//! before it runs (to catch inputs that abort rather than panic); a panicking input is
//! written to `fuzz/regressions/<target>/crash-<hash>` and the test fails naming it.
#![cfg(all(
    feature = "serde",
    feature = "csv",
    feature = "mnist",
    feature = "hdf5",
    feature = "image",
    feature = "safetensors",
    feature = "npy",
    feature = "report"
))]

include!("../../fuzz/bodies.rs");

use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::catch_unwind;
use std::path::Path;

use ndnet::io::Format;
use ndnet::{Activation, Initializer, Network, TabularModel};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn iterations() -> usize {
    std::env::var("NDNET_FUZZ_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000)
}

/// Runs `body` on every regression file, then on `iterations()` mutations of the seeds.
fn fuzz(target: &str, body: fn(&[u8]), seeds: &[Vec<u8>]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut regressions = 0;
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            let bytes = std::fs::read(&path).expect("a readable regression file");
            assert!(
                catch_unwind(|| body(&bytes)).is_ok(),
                "regression {} panics again",
                path.display()
            );
            regressions += 1;
        }
    }
    for seed in seeds {
        body(seed);
    }
    let seed: u64 = std::env::var("NDNET_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut rng = StdRng::seed_from_u64(0x6e646e6574 ^ target.len() as u64 ^ seed.rotate_left(17));
    let n = iterations();
    for i in 0..n {
        let mut input = seeds[i % seeds.len()].clone();
        for _ in 0..rng.random_range(1..=8) {
            mutate(&mut input, &mut rng);
        }
        if let Some(dump) = std::env::var_os("NDNET_FUZZ_DUMP") {
            // For inputs that abort (allocation failure under `ulimit -v`) rather than panic.
            std::fs::write(dump, &input).expect("the dump file is writable");
        }
        if catch_unwind(|| body(&input)).is_err() {
            let mut h = DefaultHasher::new();
            input.hash(&mut h);
            std::fs::create_dir_all(&dir).expect("the regression folder can be created");
            let path = dir.join(format!("crash-{:016x}", h.finish()));
            std::fs::write(&path, &input).expect("the crash can be saved");
            panic!("{target}: input {i} panics; saved as {}", path.display());
        }
    }
    eprintln!(
        "{target}: {regressions} regression files, {} seeds, {n} mutated inputs",
        seeds.len()
    );
}

/// One random edit: flip a bit, overwrite a byte, write an "interesting" big-endian u32 / u64,
/// insert or delete a run, duplicate a run, or truncate.
fn mutate(v: &mut Vec<u8>, rng: &mut StdRng) {
    const INTERESTING: [u64; 9] = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fff_ffff, 0xffff_ffff, u64::MAX];
    if v.is_empty() {
        v.push(rng.random());
        return;
    }
    let at = rng.random_range(0..v.len());
    match rng.random_range(0..8) {
        0 => v[at] ^= 1 << rng.random_range(0..8),
        1 => v[at] = rng.random(),
        2 | 3 => {
            let value = INTERESTING[rng.random_range(0..INTERESTING.len())];
            let width = if rng.random_bool(0.5) { 4 } else { 8 };
            let bytes = if rng.random_bool(0.5) {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            let src = if width == 4 { &bytes[4..] } else { &bytes[..] };
            for (k, b) in src.iter().enumerate() {
                if let Some(slot) = v.get_mut(at + k) {
                    *slot = *b;
                }
            }
        }
        4 => {
            let run: Vec<u8> = (0..rng.random_range(1..16)).map(|_| rng.random()).collect();
            v.splice(at..at, run);
        }
        5 => {
            let end = (at + rng.random_range(1..64)).min(v.len());
            v.drain(at..end);
        }
        6 => {
            let end = (at + rng.random_range(1..64)).min(v.len());
            let run = v[at..end].to_vec();
            let to = rng.random_range(0..=v.len());
            v.splice(to..to, run);
        }
        _ => v.truncate(at),
    }
}

/// The JSON seeds (`json`) or the `.safetensors` seeds of the model loaders: networks of both
/// float types and tabular models (a network with its fitted preprocessing, numeric and
/// categorical columns; binary and multi-class, whose classes are checked on load).
fn models(format: Format) -> Vec<Vec<u8>> {
    let mut rng = StdRng::seed_from_u64(1);
    let net = Network::<f64>::new(
        &[3, 4, 2, 1],
        Activation::Relu,
        Activation::Sigmoid,
        Initializer::He,
        &mut rng,
    )
    .expect("valid sizes");
    let soft = Network::<f32>::new(
        &[2, 3],
        Activation::Tanh,
        Activation::Softmax,
        Initializer::Xavier,
        &mut rng,
    )
    .expect("valid sizes");
    let layers = [
        (4, Activation::LeakyRelu { slope: 0.05 }),
        (3, Activation::Tanh),
        (2, Activation::Softmax),
    ];
    let deep = Network::<f64>::from_layers(3, &layers, Initializer::He, &mut rng).expect("valid sizes");
    let csv = "id,x,c,y\n1,1.5,a,Y\n2,,b,N\n3,4,a,Y\n4,2,,N\n";
    let table = ndnet::tabular::Table::from_reader(csv.as_bytes(), "seed.csv").expect("a valid seed");
    let fitted = ndnet::tabular::TabularConfig::binary("y", "Y")
        .id_column("id")
        .fit(&table)
        .expect("a valid seed");
    let tabular = TabularModel::new(fitted, Network::<f64>::logistic_regression(3).expect("valid sizes"))
        .expect("the network fits");
    let fitted = ndnet::tabular::TabularConfig::multi_class("y")
        .id_column("id")
        .fit(&table)
        .expect("a valid seed");
    let softmax = Network::<f64>::from_parameters(
        vec![(ndarray::Array2::zeros((2, 3)), ndarray::Array2::zeros((2, 1)))],
        &[Activation::Softmax],
    )
    .expect("valid parameters");
    let classes = TabularModel::new(fitted, softmax).expect("the network fits");
    vec![
        net.to_bytes(format).expect("serialisable"),
        soft.to_bytes(format).expect("serialisable"),
        deep.to_bytes(format).expect("serialisable"),
        tabular.to_bytes(format).expect("serialisable"),
        classes.to_bytes(format).expect("serialisable"),
    ]
}

#[test]
fn fuzz_model_loading() {
    let seeds = models(Format::Json);
    Network::<f64>::from_bytes(&seeds[0]).expect("a valid seed");
    TabularModel::<f64>::from_bytes(&seeds[3]).expect("a valid seed");
    fuzz("model", fuzz_model, &seeds);
}

#[test]
fn fuzz_safetensors_loading() {
    let seeds = models(Format::Safetensors);
    Network::<f32>::from_bytes(&seeds[1]).expect("a valid seed");
    TabularModel::<f64>::from_bytes(&seeds[4]).expect("a valid seed");
    fuzz("safetensors", fuzz_model, &seeds);
}

#[test]
fn fuzz_csv_loader() {
    let seeds = [
        "id,age,city,income,approved\n1,34,Paris,5.5,Y\n2,,Lyon,3.2,N\n3,51,Paris,,Y\n4,22,\"Nice, FR\",1e3,N\n",
        "x,y\n1,0\n2,1\n-3.5,1\nNaN,0\n",
        "a;b\n1;2\n",
        "a,b,c\n1,2\n3,4,5,6\n",
        // Three classes and a numeric target: the multi-class and regression paths train.
        "x,c,kind\n1,u,a\n2,v,b\n3,u,c\n4,,a\n5,v,b\n6,u,c\n",
        "x,c,amount\n1,u,10.5\n2,v,20\n,u,31\n4,v,-2e3\n",
    ];
    let table = ndnet::tabular::Table::from_reader(seeds[0].as_bytes(), "seed.csv").expect("a valid seed");
    ndnet::tabular::TabularConfig::binary("approved", "Y")
        .id_column("id")
        .fit(&table)
        .expect("a valid seed");
    let classes = ndnet::tabular::Table::from_reader(seeds[4].as_bytes(), "seed.csv").expect("a valid seed");
    ndnet::tabular::TabularConfig::multi_class("kind")
        .fit(&classes)
        .expect("a valid seed");
    let numbers = ndnet::tabular::Table::from_reader(seeds[5].as_bytes(), "seed.csv").expect("a valid seed");
    ndnet::tabular::TabularConfig::regression("amount")
        .fit(&numbers)
        .expect("a valid seed");
    fuzz("csv", fuzz_csv, &seeds.map(|s| s.as_bytes().to_vec()));
}

#[test]
fn fuzz_predict_csv_rows() {
    let seeds = [
        "id,x,c\n7,1.5,a\n8,,b\n9,3,\n",
        "c,x,id\r\n\"a\",\"2\",\"P \"\"1\"\"\"\r\n\r\nb,-1e3,P2\r\n",
        "id,x,c,y\n1,2,a,Y\n\n2,NA,b,N\n3,\"4\n5\",a,Y\n",
        "\u{feff}id,x,c\n\"q,r\",0,\"=SUM(A1)\"\n",
    ];
    for seed in &seeds[..2] {
        let path = TempFile::new(seed.as_bytes(), ".csv");
        let table = ndnet::tabular::Table::from_path(&path.0).expect("a valid seed");
        assert!(table.n_rows() >= 2);
    }
    fuzz("predict_csv", fuzz_predict_csv, &seeds.map(|s| s.as_bytes().to_vec()));
}

#[test]
fn fuzz_idx_reader() {
    let images = [
        &[0u8, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2][..],
        &[0, 255, 51, 0, 9, 9, 9, 9],
    ]
    .concat();
    let labels = vec![0u8, 0, 8, 1, 0, 0, 0, 3, 7, 3, 1];
    let gz = flate2_free_gzip(&images);
    for seed in [&images, &gz] {
        let file = TempFile::new(seed, ".idx");
        assert_eq!(
            ndnet::data::read_idx_images::<f32>(&file.0)
                .expect("a valid seed")
                .0
                .dim(),
            (4, 2)
        );
    }
    let file = TempFile::new(&labels, ".idx");
    assert_eq!(
        ndnet::data::read_idx_labels(&file.0).expect("a valid seed"),
        vec![7, 3, 1]
    );
    fuzz("idx", fuzz_idx, &[images, labels, gz]);
}

/// CRC-32 (IEEE), as at the end of a gzip member.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A gzip member holding `data` in one stored (uncompressed) deflate block, written by hand so
/// this test needs no compression crate: header, stored block, CRC-32 and length.
fn flate2_free_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    let len = data.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[test]
fn fuzz_npy_reader() {
    let x = [1.5f32, -2.0, 0.25, 3.0, 1e-3, 7.0];
    let f32_le: Vec<u8> = x.iter().flat_map(|v| v.to_le_bytes()).collect();
    let f64_be: Vec<u8> = x.iter().flat_map(|&v| f64::from(v).to_be_bytes()).collect();
    let npy = |descr: &str, shape: &str, data: &[u8]| crate::common::npy_bytes(descr, false, shape, data);
    let seeds = vec![
        npy("<f4", "(3, 2)", &f32_le),
        npy(">f8", "(2, 3)", &f64_be),
        npy("<f4", "(6, 1)", &f32_le),
    ];
    for seed in &seeds {
        let file = TempFile::new(seed, ".npy");
        ndnet::data::NpyExamples::<f32>::open(&file.0, &file.0).expect("a valid seed");
    }
    fuzz("npy", fuzz_npy, &seeds);
}

/// Files that claim huge dimensions fail with an error before allocating (a failure here would
/// be an allocation abort, not a test failure, so running at all proves it).
#[test]
fn huge_dimension_claims_fail_cleanly() {
    // IDX: 2^32 − 1 images of (2^32 − 1)² pixels, 8 bytes of data; plain and gzipped: over
    // the memory limit, refused right after the header.
    let images = [&[0u8, 0, 8, 3][..], &[0xff; 12], &[1; 8]].concat();
    for bytes in [images.clone(), flate2_free_gzip(&images)] {
        let file = TempFile::new(&bytes, ".idx");
        assert!(matches!(
            ndnet::data::read_idx_images::<f32>(&file.0),
            Err(ndnet::Error::TooLarge { .. })
        ));
    }
    let labels = [&[0u8, 0, 8, 1][..], &[0xff; 4], &[1; 8]].concat();
    let file = TempFile::new(&labels, ".idx");
    assert!(matches!(
        ndnet::data::read_idx_labels(&file.0),
        Err(ndnet::Error::Format { .. })
    ));

    // A .safetensors model whose W1 claims 2^64 − 1 and 2^40 rows (its offsets unchanged):
    // refused by the crate's check of sizes against offsets, before anything is allocated.
    let mut rng = StdRng::seed_from_u64(2);
    let net = Network::<f64>::new(
        &[3, 1],
        Activation::Tanh,
        Activation::Sigmoid,
        Initializer::Xavier,
        &mut rng,
    )
    .expect("valid sizes");
    let bytes = net.to_bytes(Format::Safetensors).expect("serialisable");
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).expect("UTF-8");
    assert!(header.contains(r#""W1":{"dtype":"F64","shape":[1,3]"#), "{header}");
    for rows in [u64::MAX, 1 << 40] {
        let forged = header.replace(r#""shape":[1,3]"#, &format!(r#""shape":[{rows},3]"#));
        let mut huge = (forged.len() as u64).to_le_bytes().to_vec();
        huge.extend_from_slice(forged.as_bytes());
        huge.extend_from_slice(&bytes[8 + header_len..]);
        let err = Network::<f64>::from_bytes(&huge).expect_err("refused");
        assert!(matches!(err, ndnet::Error::Format { .. }), "{err:?}");
    }
    // HDF5 (libFuzzer finding, 2026-11-25): `y_int32` claims (184 549 379,) int32 values with no
    // storage, which hdf5-reader would fill with the fill value (738 MB, then 1.5 GB as i64).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/h5/oom-2GB-fill-valued-labels");
    for classes in [None, Some("list_classes")] {
        let err = ndnet::data::load_h5_images::<f64>(&path, "train_set_x", "y_int32", classes).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ndnet::Error::Format { .. }), "{err:?}");
        assert!(
            text.contains("`y_int32`") && text.contains("more than the file's 7672 bytes"),
            "{text}"
        );
    }
}

#[test]
fn fuzz_h5_loader() {
    let fixture = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny_catvnoncat.h5"))
        .expect("the fixture is in the repository");
    let file = TempFile::new(&fixture, ".h5");
    ndnet::data::load_h5_images::<f64>(&file.0, "train_set_x", "y_int32", None).expect("a valid seed");
    fuzz("h5", fuzz_h5, &[fixture]);
}

#[test]
fn fuzz_image_loader() {
    let mut png_bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png_bytes, 3, 2);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("in-memory PNG");
        writer
            .write_image_data(&[
                0, 50, 100, 150, 200, 250, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120,
            ])
            .expect("3×2 RGB");
    }
    let rgb = image::RgbImage::from_fn(5, 4, |x, y| image::Rgb([(x * 50) as u8, (y * 60) as u8, 128]));
    let mut jpeg_bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg_bytes)
        .encode_image(&rgb)
        .expect("in-memory JPEG");
    for (seed, suffix) in [(&png_bytes, ".png"), (&jpeg_bytes, ".jpg")] {
        let file = TempFile::new(seed, suffix);
        ndnet::data::load_image::<f32>(&file.0, (8, 8)).expect("a valid seed");
    }
    fuzz("image", fuzz_image, &[png_bytes, jpeg_bytes]);
}

#[test]
fn fuzz_report_rendering() {
    // Each seed: the class-count choice and its bytes, m − 1, then a history, names and
    // examples as `fuzz_report` decodes them (bytes past the end read as 0).
    let seeds: Vec<Vec<u8>> = vec![
        // 5 classes, 8 examples, two records, no epochs, no names.
        [&[0, 5, 7, 2, 0, 9, 1, 30, 0, 0, 0, 0, 0, 0][..], &[1; 40]].concat(),
        // 300 classes, 200 examples, HTML names.
        [&[1, 44, 1, 199, 1, 0, 16, 0, 0, 0, 0, 0, 1][..], &[2; 300], &[7; 600]].concat(),
        // 2,999 classes, 255 examples.
        [&[2, 0xb7, 0x0b, 254, 0, 0, 0, 0, 0, 0, 0][..], &[5, 3, 1].repeat(300)].concat(),
        // Binary, a diverging cost and hostile epochs.
        vec![3, 20, 3, 0, 0, 1, 3, 4, 255, 0, 1, 9, 255, 2, 2, 0, 0],
    ];
    fuzz("report", fuzz_report, &seeds);
}
