//! Loading corrupt files (feature `serde`): every truncation, wrong header or bad content is an
//! `Error::Format` naming the path, never a panic.
#![cfg(feature = "serde")]

use std::fs;
use std::path::Path;

use ndnet::io::Format;
use ndnet::{Error, Network};

use crate::persist_common::{FORMATS, network, scratch};

fn is_format_error<T>(result: ndnet::Result<T>, path: &str) -> bool {
    matches!(result, Err(Error::Format { path: p, .. }) if p == Path::new(path))
}

#[test]
fn every_truncation_of_a_file_is_an_error_in_both_formats() {
    for &format in FORMATS {
        let bytes = network::<f32>(1).to_bytes(format).unwrap();
        for end in 0..bytes.len() {
            assert!(
                is_format_error(Network::<f32>::from_bytes(&bytes[..end]), "<bytes>"),
                "{format:?} truncated at {end}"
            );
        }
    }
}

/// A flipped bit may leave a valid file (a digit of a value, a letter of a name that still
/// names something): neither format has a checksum, as JSON and safetensors files elsewhere do
/// not. What it never does is panic, and a file that loads is a valid network.
#[test]
fn every_flipped_bit_is_an_error_or_a_valid_network() {
    for &format in FORMATS {
        let bytes = network::<f64>(1).to_bytes(format).unwrap();
        let mut errors = 0;
        for i in 0..bytes.len() {
            for bit in [0, 3, 7] {
                let mut corrupt = bytes.clone();
                corrupt[i] ^= 1 << bit;
                match Network::<f64>::from_bytes(&corrupt) {
                    Ok(net) => assert!(net.predict_proba(&ndarray::Array2::ones((3, 2))).is_ok()),
                    Err(e) => {
                        assert!(matches!(e, Error::Format { .. } | Error::TooLarge { .. }), "{e:?}");
                        errors += 1;
                    }
                }
            }
        }
        assert!(errors > 0, "{format:?}");
    }
}

#[test]
fn files_of_no_known_format_say_what_is_wrong() {
    let message = |bytes: &[u8]| Network::<f64>::from_bytes(bytes).unwrap_err().to_string();
    assert_eq!(message(b""), "<bytes>: empty: not a model");
    assert!(message(b"PK\x03\x04 a zip file").contains("not a model: neither JSON"));
    assert!(message(b"[]").contains("not a model: neither JSON"));
    // The compact binary files of earlier versions: refused, saying how to convert them.
    let old = message(b"NDNETMDL\x01\x00\x00\x00\x08\x14\x00\x00\x00binary_cross_entropy");
    assert!(old.contains("compact binary format of earlier ndnet versions"), "{old}");
    assert!(old.contains("io::load_binary"), "{old}");
}

#[test]
fn another_float_type_is_refused_naming_the_right_one() {
    for &format in FORMATS {
        let bytes = network::<f64>(1).to_bytes(format).unwrap();
        let err = Network::<f32>::from_bytes(&bytes).unwrap_err().to_string();
        assert!(err.contains("load it as Network<f64>"), "{format:?}: {err}");
    }
}

#[test]
fn json_errors_say_what_is_wrong() {
    let text = String::from_utf8(network::<f64>(2).to_bytes(Format::Json).unwrap()).unwrap();
    let message = |t: &str| match Network::<f64>::from_bytes(t.as_bytes()) {
        Ok(_) => panic!("loaded:\n{t}"),
        Err(e) => e.to_string(),
    };
    assert!(
        text.starts_with("{\n  \"format\": \"ndnet-model\",\n  \"version\": 1,\n  \"float\": \"f64\","),
        "{text}"
    );
    assert!(message(&text.replace("\"version\": 1", "\"version\": 7")).contains("format version 7"));
    assert!(message(&text.replace("ndnet-model", "other")).contains("not an ndnet model"));
    assert!(message(&text.replace("\"tanh\"", "\"swish\"")).contains("layer 3: unknown activation \"swish\""));
    assert!(message(&text.replace("mean_squared_error", "hinge")).contains("unknown cost"));
    assert!(message(&text.replacen("\"slope\": 0.05,", "", 1)).contains("leaky_relu needs its slope"));
    // Bad syntax: line and column.
    let err = Network::<f64>::from_bytes(text.replacen("\"layers\": [", "\"layers\": [,", 1).as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Format {
                line: Some(_),
                column: Some(_),
                ..
            }
        ),
        "{err}"
    );
    // A shape that does not match its data, and W[2] that does not take A[1].
    assert!(
        message(&text.replacen("\"shape\": [\n          6,", "\"shape\": [\n          7,", 1))
            .contains("W[1] has shape [7, 3]")
    );
    let doc = r#"{"format": "ndnet-model", "version": 1, "float": "f64", "cost": "binary_cross_entropy", "layers": [
        {"activation": "relu", "w": {"shape": [2, 1], "data": [1, 2]}, "b": {"shape": [2, 1], "data": [0, 0]}},
        {"activation": "sigmoid", "w": {"shape": [1, 3], "data": [1, 2, 3]}, "b": {"shape": [1, 1], "data": [0]}}]}"#;
    assert!(
        message(doc).contains("the saved network is invalid"),
        "{}",
        message(doc)
    );
    assert!(message(&doc.replace("[1, 2, 3]", "[1, 2, 3, 4]")).contains("has shape [1, 3] but 4 values"));
    // A shape claiming 2^80 values beside 2 of them: refused by the count, nothing allocated.
    let huge = doc.replace(
        "\"shape\": [2, 1], \"data\": [1, 2]",
        "\"shape\": [1099511627776, 1099511627776], \"data\": [1, 2]",
    );
    assert!(message(&huge).contains("W[1] has shape [1099511627776, 1099511627776] but 2 values"));
}

#[test]
fn load_errors_name_the_file() {
    let dir = scratch("names");
    let path = dir.join("broken.json");
    fs::write(&path, "{\"format\": ").unwrap();
    assert!(matches!(Network::<f64>::load(&path), Err(Error::Format { path: p, line: Some(1), .. }) if p == path));
    fs::write(&path, [0xff, 0xfe, 0]).unwrap();
    assert!(matches!(Network::<f64>::load(&path), Err(Error::Format { path: p, .. }) if p == path));
    fs::write(&path, "{\"format\": \"ndnet-model\", \u{fffd}").unwrap();
    assert!(matches!(Network::<f64>::load(&path), Err(Error::Format { path: p, .. }) if p == path));
    let missing = dir.join("missing.json");
    assert!(matches!(Network::<f64>::load(&missing), Err(Error::Io { path: p, .. }) if p == missing));
    assert!(matches!(Network::<f64>::load(&dir), Err(Error::Io { path: p, .. }) if p == dir));
    fs::remove_dir_all(dir).unwrap();
}

/// A file with another hard link is refused, not replaced under one name only: both names keep
/// the old model, no temporary file is left, and the error names the path and the links. With
/// the link removed, the save goes through. (On Unix, where the link count is known.)
#[cfg(unix)]
#[test]
fn saving_over_a_file_with_other_hard_links_is_refused_and_changes_nothing() {
    let dir = scratch("hard-links");
    let (old, new) = (network::<f64>(1), network::<f64>(2));
    for &format in FORMATS {
        let path = dir.join("model");
        let other = dir.join("model-link");
        old.save(&path, format).unwrap();
        fs::hard_link(&path, &other).unwrap();
        let before = fs::read(&path).unwrap();
        let err = new.save(&path, format).unwrap_err();
        let text = err.to_string();
        assert!(matches!(&err, Error::Io { path: p, .. } if p == &path), "{text}");
        assert!(text.contains("has 1 other hard name"), "{text}");
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_eq!(fs::read(&other).unwrap(), before);
        let mut names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["model", "model-link"], "no temporary file is left");
        fs::remove_file(&other).unwrap();
        new.save(&path, format).unwrap();
        assert_eq!(Network::<f64>::load(&path).unwrap().layer_sizes(), new.layer_sizes());
        fs::remove_file(&path).unwrap();
    }
    fs::remove_dir_all(dir).unwrap();
}
