//! Loading corrupt files (feature `serde`): every truncation, flipped bit, wrong header or bad
//! content is an `Error::Format` naming the path, never a panic.
#![cfg(feature = "serde")]

use std::fs;
use std::path::Path;

use ndnet::{Error, Network, io};

use crate::persist_common::{network, scratch};

fn is_format_error<T>(result: ndnet::Result<T>, path: &str) -> bool {
    matches!(result, Err(Error::Format { path: p, .. }) if p == Path::new(path))
}

#[test]
fn every_truncation_and_every_flipped_bit_of_a_binary_file_is_an_error() {
    let bytes = io::to_bytes(&network::<f32>(1)).unwrap();
    for end in 0..bytes.len() {
        assert!(
            is_format_error(io::from_bytes::<f32>(&bytes[..end]), "<bytes>"),
            "truncated at {end}"
        );
    }
    for i in 0..bytes.len() {
        for bit in [0, 3, 7] {
            let mut corrupt = bytes.clone();
            corrupt[i] ^= 1 << bit;
            assert!(
                is_format_error(io::from_bytes::<f32>(&corrupt), "<bytes>"),
                "bit {bit} of byte {i}"
            );
        }
    }
}

#[test]
fn binary_header_errors_say_what_is_wrong() {
    let bytes = io::to_bytes(&network::<f64>(1)).unwrap();
    let message = |result: ndnet::Result<Network<f64>>| result.unwrap_err().to_string();
    let mut magic = bytes.clone();
    magic[0] = b'X';
    assert!(message(io::from_bytes(&magic)).contains("not an ndnet binary model"));
    let mut version = bytes.clone();
    version[8] = 2;
    assert!(message(io::from_bytes(&version)).contains("format version 2 is not supported"));
    assert!(
        io::from_bytes::<f32>(&bytes)
            .unwrap_err()
            .to_string()
            .contains("saved with f64")
    );
    assert!(message(io::from_bytes(&bytes[..bytes.len() - 1])).contains("checksum"));
    assert!(message(io::from_bytes(b"")).contains("truncated"));
    assert!(message(io::from_bytes(b"PK\x03\x04 a zip file")).contains("not an ndnet"));
}

#[test]
fn every_truncation_of_a_json_file_is_an_error() {
    let text = io::to_json_string(&network::<f64>(2)).unwrap();
    for end in (0..text.len()).filter(|&e| text.is_char_boundary(e)) {
        assert!(
            is_format_error(io::from_json_str::<f64>(&text[..end]), "<JSON string>"),
            "{end}"
        );
    }
}

#[test]
fn json_errors_say_what_is_wrong() {
    let text = io::to_json_string(&network::<f64>(2)).unwrap();
    let message = |t: &str| match io::from_json_str::<f64>(t) {
        Ok(_) => panic!("loaded:\n{t}"),
        Err(e) => e.to_string(),
    };
    assert!(
        text.starts_with("{\n  \"format\": \"ndnet-model\",\n  \"version\": 1,\n  \"float\": \"f64\","),
        "{text}"
    );
    assert!(message(&text.replace("\"version\": 1", "\"version\": 7")).contains("format version 7"));
    assert!(message(&text.replace("ndnet-model", "other")).contains("not an ndnet model"));
    assert!(
        io::from_json_str::<f32>(&text)
            .unwrap_err()
            .to_string()
            .contains("load it as Network<f64>")
    );
    assert!(message(&text.replace("\"tanh\"", "\"swish\"")).contains("layer 3: unknown activation \"swish\""));
    assert!(message(&text.replace("mean_squared_error", "hinge")).contains("unknown cost"));
    assert!(message(&text.replacen("\"slope\": 0.05,", "", 1)).contains("leaky_relu needs its slope"));
    // Bad syntax: line and column.
    let err = io::from_json_str::<f64>(&text.replacen("\"layers\": [", "\"layers\": [,", 1)).unwrap_err();
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
    assert!(message("[]").contains("<JSON string>"));
}

#[test]
fn load_errors_name_the_file() {
    let dir = scratch("names");
    let path = dir.join("broken.json");
    fs::write(&path, "{\"format\": ").unwrap();
    assert!(matches!(io::load_json::<f64>(&path), Err(Error::Format { path: p, line: Some(1), .. }) if p == path));
    fs::write(&path, [0xff, 0xfe, 0]).unwrap();
    assert!(matches!(io::load_json::<f64>(&path), Err(Error::Format { path: p, .. }) if p == path));
    assert!(matches!(io::load_binary::<f64>(&path), Err(Error::Format { path: p, .. }) if p == path));
    let missing = dir.join("missing.bin");
    assert!(matches!(io::load_binary::<f64>(&missing), Err(Error::Io { path: p, .. }) if p == missing));
    fs::remove_dir_all(dir).unwrap();
}
