//! Saving and loading networks (feature `serde`): bit-identical round trips in both forms and
//! both float types, every kind of corrupt file an error, atomic replacement.
#![cfg(feature = "serde")]

use std::fs;
use std::path::{Path, PathBuf};

use ndarray::Array2;
use ndnet::io::{self, SavedModel};
use ndnet::{Activation, Cost, CustomActivation, Error, Float, Initializer, Network};
use rand::{RngExt, SeedableRng};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndnet-save-load-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A network using every savable activation, MSE cost, random non-zero biases.
fn network<F: Float>(seed: u64) -> Network<F> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut net = Network::<F>::from_layers(
        3,
        &[
            (6, Activation::Relu),
            (5, Activation::LeakyRelu { slope: 0.05 }),
            (4, Activation::Tanh),
            (3, Activation::Linear),
            (1, Activation::Sigmoid),
        ],
        Initializer::Xavier,
        &mut rng,
    )
    .unwrap()
    .with_cost(Cost::MeanSquaredError);
    for l in 1..=net.depth() {
        let (_, mut b) = net.layer_mut(l).unwrap().parameters_mut();
        b.mapv_inplace(|_| F::from_f64(rng.random_range(-1.0..1.0)));
    }
    net
}

fn inputs<F: Float>(n_x: usize) -> Array2<F> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(99);
    Array2::from_shape_fn((n_x, 50), |_| F::from_f64(rng.random_range(-3.0..3.0)))
}

fn assert_identical<F: Float>(a: &Network<F>, b: &Network<F>) {
    assert_eq!(a.cost_function(), b.cost_function());
    for (la, lb) in a.layers().iter().zip(b.layers()) {
        assert_eq!(la.activation(), lb.activation());
        let bits = |m: ndarray::ArrayView2<F>| m.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(la.w()), bits(lb.w()));
        assert_eq!(bits(la.b()), bits(lb.b()));
    }
    let x = inputs::<F>(a.layer_sizes()[0]);
    let (pa, pb) = (a.predict_proba(&x).unwrap(), b.predict_proba(&x).unwrap());
    assert!(
        pa.iter()
            .zip(&pb)
            .all(|(u, v)| u.as_f64().to_bits() == v.as_f64().to_bits())
    );
}

fn round_trips<F: Float>() {
    let net = network::<F>(5);
    let dir = scratch(F::NAME);
    io::save_json(&net, dir.join("m.json")).unwrap();
    io::save_binary(&net, dir.join("m.bin")).unwrap();
    assert_identical(&net, &io::load_json::<F>(dir.join("m.json")).unwrap());
    assert_identical(&net, &io::load_binary::<F>(dir.join("m.bin")).unwrap());
    assert_identical(
        &net,
        &io::from_json_str::<F>(&io::to_json_string(&net).unwrap()).unwrap(),
    );
    assert_identical(&net, &io::from_bytes::<F>(&io::to_bytes(&net).unwrap()).unwrap());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn round_trip_is_bit_identical_f32() {
    round_trips::<f32>();
}

#[test]
fn round_trip_is_bit_identical_f64() {
    round_trips::<f64>();
}

/// Parameters drawn from random bit patterns (tiny, huge, subnormal) survive both forms.
#[test]
fn every_finite_value_survives_json_and_binary() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let w32 = Array2::from_shape_fn((40, 50), |_| {
        loop {
            let v = f32::from_bits(rng.random::<u32>());
            if v.is_finite() {
                break v;
            }
        }
    });
    let w64 = Array2::from_shape_fn((40, 50), |_| {
        loop {
            let v = f64::from_bits(rng.random::<u64>());
            if v.is_finite() {
                break v;
            }
        }
    });
    let n32 = Network::from_parameters(vec![(w32, Array2::zeros((40, 1)))], &[Activation::Linear]).unwrap();
    let n64 = Network::from_parameters(vec![(w64, Array2::zeros((40, 1)))], &[Activation::Linear]).unwrap();
    let same = |a: ndarray::ArrayView2<f64>, b: ndarray::ArrayView2<f64>| {
        a.iter().zip(b).all(|(u, v)| u.to_bits() == v.to_bits())
    };
    let json32 = io::from_json_str::<f32>(&io::to_json_string(&n32).unwrap()).unwrap();
    let bin32 = io::from_bytes::<f32>(&io::to_bytes(&n32).unwrap()).unwrap();
    for back in [&json32, &bin32] {
        let w = |n: &Network<f32>| n.layer(1).unwrap().w().mapv(f64::from);
        assert!(same(w(&n32).view(), w(back).view()));
    }
    let json64 = io::from_json_str::<f64>(&io::to_json_string(&n64).unwrap()).unwrap();
    let bin64 = io::from_bytes::<f64>(&io::to_bytes(&n64).unwrap()).unwrap();
    for back in [&json64, &bin64] {
        assert!(same(n64.layer(1).unwrap().w(), back.layer(1).unwrap().w()));
    }
}

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

#[test]
fn a_failed_save_leaves_the_old_file_intact() {
    let dir = scratch("atomic");
    let good = network::<f64>(3);
    let softplus = Activation::Custom(CustomActivation {
        name: "softplus",
        g: |z| z.exp().ln_1p(),
        derivative: |z| 1.0 / (1.0 + (-z).exp()),
    });
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    let custom =
        Network::<f64>::from_layers(3, &[(2, softplus), (1, Activation::Sigmoid)], Initializer::He, &mut rng).unwrap();
    for (name, save) in [
        (
            "m.json",
            (|n, p| io::save_json(n, p)) as fn(&Network<f64>, &Path) -> ndnet::Result<()>,
        ),
        ("m.bin", |n, p| io::save_binary(n, p)),
    ] {
        let path = dir.join(name);
        save(&good, &path).unwrap();
        let before = fs::read(&path).unwrap();
        let err = save(&custom, &path).unwrap_err();
        assert!(err.to_string().contains("custom activation \"softplus\""), "{err}");
        assert_eq!(fs::read(&path).unwrap(), before);
    }
    let mut nan = good.clone();
    nan.layer_mut(2).unwrap().parameters_mut().0[[0, 0]] = f64::NAN;
    assert!(
        io::save_json(&nan, dir.join("m.json"))
            .unwrap_err()
            .to_string()
            .contains("W[2] holds NaN")
    );
    assert_identical(&good, &io::load_json(dir.join("m.json")).unwrap());
    assert_identical(&good, &io::load_binary(dir.join("m.bin")).unwrap());
    let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn saved_model_without_preprocessing_round_trips() {
    let model = SavedModel::new(network::<f32>(4));
    assert_identical(
        model.network(),
        SavedModel::<f32>::from_bytes(&model.to_bytes().unwrap())
            .unwrap()
            .network(),
    );
    assert_identical(
        model.network(),
        SavedModel::<f32>::from_json_str(&model.to_json_string().unwrap())
            .unwrap()
            .network(),
    );
}

#[cfg(feature = "csv")]
mod with_preprocessing {
    use super::*;
    use ndnet::data::tabular::{Table, TabularConfig};

    const CSV: &str = "id,income,area,ok\na1,1000,Urban,Y\na2,3000,Rural,N\na3,,Urban,Y\na4,2500,Semiurban,N\n";

    #[test]
    fn the_preprocessing_is_saved_along_and_applies_identically() {
        let table = Table::from_reader(CSV.as_bytes(), "train.csv").unwrap();
        let fitted = TabularConfig::new("ok", "Y").id_column("id").fit(&table).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let net = Network::<f64>::new(
            &[fitted.n_features(), 3, 1],
            Activation::Relu,
            Activation::Sigmoid,
            Initializer::He,
            &mut rng,
        )
        .unwrap();
        let model = SavedModel::new(net).with_preprocessing(fitted.clone());
        let dir = scratch("preprocessing");
        model.save_json(dir.join("m.json")).unwrap();
        model.save_binary(dir.join("m.bin")).unwrap();
        for back in [
            SavedModel::<f64>::load_json(dir.join("m.json")).unwrap(),
            SavedModel::<f64>::load_binary(dir.join("m.bin")).unwrap(),
        ] {
            assert_eq!(back.preprocessing(), Some(&fitted));
            let (x, _) = back.preprocessing().unwrap().transform::<f64>(&table).unwrap();
            assert_eq!(
                back.network().predict_proba(&x).unwrap(),
                model.network().predict_proba(&x).unwrap()
            );
        }
        // The network alone still loads from a file with preprocessing.
        assert_identical(model.network(), &io::load_json(dir.join("m.json")).unwrap());
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_inconsistent_preprocessing_is_a_format_error() {
        let table = Table::from_reader(CSV.as_bytes(), "train.csv").unwrap();
        let fitted = TabularConfig::new("ok", "Y").fit(&table).unwrap();
        let net = Network::<f64>::logistic_regression(fitted.n_features()).unwrap();
        let text = SavedModel::new(net)
            .with_preprocessing(fitted)
            .to_json_string()
            .unwrap();
        let message = |t: &str| SavedModel::<f64>::from_json_str(t).unwrap_err().to_string();
        assert!(message(&text.replace("\"Semiurban\",", "")).contains("preprocessing"));
        assert!(message(&text.replace("\"mode\": \"Urban\"", "\"mode\": \"Moon\"")).contains("not a category"));
        let wrong_n = SavedModel::new(Network::<f64>::logistic_regression(2).unwrap())
            .with_preprocessing(TabularConfig::new("ok", "Y").fit(&table).unwrap())
            .to_json_string()
            .unwrap();
        assert!(message(&wrong_n).contains("network takes n_x = 2"));
    }
}
