//! Saving and loading networks (feature `serde`): bit-identical round trips in both formats and
//! both float types, atomic replacement, preprocessing saved along (corrupt files: save_load_errors.rs).
#![cfg(feature = "serde")]

use std::fs;

use ndarray::Array2;
use ndnet::{Activation, CustomActivation, Float, Initializer, Network};
use rand::{RngExt, SeedableRng};

use crate::persist_common::{FORMATS, assert_identical, network, scratch};

fn round_trips<F: Float>() {
    let net = network::<F>(5);
    let dir = scratch(F::NAME);
    for &format in FORMATS {
        // The name says nothing: the format is told from the bytes.
        let path = dir.join(format!("m-{format:?}"));
        net.save(&path, format).unwrap();
        assert_identical(&net, &Network::<F>::load(&path).unwrap());
        assert_identical(&net, &Network::<F>::from_bytes(&net.to_bytes(format).unwrap()).unwrap());
    }
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

/// Parameters drawn from random bit patterns (tiny, huge, subnormal) survive both formats.
#[test]
fn every_finite_value_survives_both_formats() {
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
    for &format in FORMATS {
        let back = Network::<f32>::from_bytes(&n32.to_bytes(format).unwrap()).unwrap();
        let w = |n: &Network<f32>| n.layer(1).unwrap().w().mapv(f64::from);
        assert!(same(w(&n32).view(), w(&back).view()), "{format:?}");
        let back = Network::<f64>::from_bytes(&n64.to_bytes(format).unwrap()).unwrap();
        assert!(
            same(n64.layer(1).unwrap().w(), back.layer(1).unwrap().w()),
            "{format:?}"
        );
    }
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
    let mut nan = good.clone();
    nan.layer_mut(2).unwrap().parameters_mut().0[[0, 0]] = f64::NAN;
    for &format in FORMATS {
        let path = dir.join(format!("m-{format:?}"));
        good.save(&path, format).unwrap();
        let before = fs::read(&path).unwrap();
        let err = custom.save(&path, format).unwrap_err();
        assert!(err.to_string().contains("custom activation \"softplus\""), "{err}");
        let err = nan.save(&path, format).unwrap_err();
        assert!(err.to_string().contains("W[2] holds NaN"), "{err}");
        assert_eq!(fs::read(&path).unwrap(), before);
        assert_identical(&good, &Network::load(&path).unwrap());
    }
    let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), FORMATS.len(), "no temporary file is left: {names:?}");
    fs::remove_dir_all(dir).unwrap();
}

/// A file in the JSON form of the previous version (its `io::save_json`, whitespace aside) of
/// a [2, 2, 1] network of relu and sigmoid trained on binary cross-entropy: this version reads
/// it.
#[test]
fn json_files_of_the_previous_version_load() {
    let old = r#"{
  "format": "ndnet-model",
  "version": 1,
  "float": "f64",
  "cost": "binary_cross_entropy",
  "layers": [
    {
      "activation": "relu",
      "w": { "shape": [2, 2], "data": [0.5, -0.25, 1.0, 2.0] },
      "b": { "shape": [2, 1], "data": [0.1, -0.1] }
    },
    {
      "activation": "sigmoid",
      "w": { "shape": [1, 2], "data": [1.5, -0.5] },
      "b": { "shape": [1, 1], "data": [0.0] }
    }
  ]
}"#;
    let net = Network::<f64>::from_bytes(old.as_bytes()).unwrap();
    assert_eq!(net.layer_sizes(), [2, 2, 1]);
    assert_eq!(net.layer(1).unwrap().w(), ndarray::array![[0.5, -0.25], [1.0, 2.0]]);
    assert_eq!(net.cost_function(), ndnet::Cost::BinaryCrossEntropy);
}

#[cfg(feature = "csv")]
mod with_preprocessing {
    use super::*;
    use ndnet::io::Format;
    use ndnet::tabular::{Table, TabularConfig};
    use ndnet::{Error, TabularModel};

    const CSV: &str = "id,income,area,ok\na1,1000,Urban,Y\na2,3000,Rural,N\na3,,Urban,Y\na4,2500,Semiurban,N\n";

    #[test]
    fn the_preprocessing_is_saved_along_and_applies_identically() {
        let table = Table::from_reader(CSV.as_bytes(), "train.csv").unwrap();
        let fitted = TabularConfig::binary("ok", "Y").id_column("id").fit(&table).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let net = Network::<f64>::new(
            &[fitted.n_features(), 3, 1],
            Activation::Relu,
            Activation::Sigmoid,
            Initializer::He,
            &mut rng,
        )
        .unwrap();
        let model = TabularModel::new(fitted.clone(), net).unwrap();
        let dir = scratch("preprocessing");
        for &format in FORMATS {
            let path = dir.join(format!("m-{format:?}"));
            model.save(&path, format).unwrap();
            let back = TabularModel::<f64>::load(&path).unwrap();
            assert_eq!(back.preprocessing(), &fitted);
            assert_identical(model.network(), back.network());
            assert_eq!(
                back.predict_proba(&table).unwrap(),
                model.predict_proba(&table).unwrap()
            );
            // The network alone would predict on raw rows: Network::load refuses it, saying why.
            let err = Network::<f64>::load(&path).unwrap_err();
            assert!(matches!(&err, Error::Format { path: p, .. } if p == &path), "{err:?}");
            assert!(err.to_string().contains("tabular model"), "{err}");
            assert!(err.to_string().contains("load it with TabularModel::load"), "{err}");
        }
        fs::remove_dir_all(dir).unwrap();
    }

    /// A tabular model of every target kind, trained a little with a hidden layer, in f32 and
    /// f64: one call saves it, one loads it, and the loaded model predicts the same bits and
    /// keeps the target's classes and scaling.
    fn tabular_round_trips<F: Float>() {
        use ndnet::tabular::Predictions;
        use ndnet::{GradientDescent, TrainConfig};
        let table = Table::from_reader(
            "id,income,area,kind,amount\na1,1000,Urban,low,10.5\na2,3000,Rural,mid,31\na3,,Urban,high,52.25\n\
             a4,2500,Semiurban,mid,27\na5,4000,Rural,high,44\n"
                .as_bytes(),
            "train.csv",
        )
        .unwrap();
        let dir = scratch(&format!("tabular-{}", F::NAME));
        for (config, output) in [
            (
                TabularConfig::multi_class("kind").drop_column("amount"),
                Activation::Softmax,
            ),
            (
                TabularConfig::regression("amount").drop_column("kind"),
                Activation::Linear,
            ),
        ] {
            let mut rng = rand::rngs::StdRng::seed_from_u64(3);
            let build =
                |n_x, n_y| Network::<F>::new(&[n_x, 4, n_y], Activation::Tanh, output, Initializer::Xavier, &mut rng);
            let config = config.id_column("id");
            let (model, _) = TabularModel::fit(
                &table,
                &config,
                build,
                &mut GradientDescent::new(0.1).unwrap(),
                TrainConfig::new(20),
            )
            .unwrap();
            for &format in FORMATS {
                model.save(dir.join("m"), format).unwrap();
                for back in [
                    TabularModel::<F>::load(dir.join("m")).unwrap(),
                    TabularModel::<F>::from_bytes(&model.to_bytes(format).unwrap()).unwrap(),
                ] {
                    assert_eq!(back.preprocessing(), model.preprocessing());
                    let (p, q) = (back.predict(&table).unwrap(), model.predict(&table).unwrap());
                    let bits = |p: &Predictions<F>| match p {
                        Predictions::Classes { probabilities, .. } => {
                            probabilities.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>()
                        }
                        Predictions::Values { values } => values.iter().map(|v| v.as_f64().to_bits()).collect(),
                        _ => unreachable!("two kinds of predictions"),
                    };
                    assert_eq!(bits(&p), bits(&q));
                    assert_eq!(p, q);
                }
            }
        }
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn tabular_models_of_every_target_kind_round_trip() {
        tabular_round_trips::<f32>();
        tabular_round_trips::<f64>();
    }

    #[test]
    fn an_inconsistent_preprocessing_is_a_format_error() {
        let table = Table::from_reader(CSV.as_bytes(), "train.csv").unwrap();
        let fitted = TabularConfig::binary("ok", "Y").fit(&table).unwrap();
        let net = Network::<f64>::logistic_regression(fitted.n_features()).unwrap();
        let model = TabularModel::new(fitted, net).unwrap();
        let text = String::from_utf8(model.to_bytes(Format::Json).unwrap()).unwrap();
        let message = |t: &str| TabularModel::<f64>::from_bytes(t.as_bytes()).unwrap_err().to_string();
        assert!(message(&text.replace("\"Semiurban\",", "")).contains("preprocessing"));
        assert!(message(&text.replace("\"mode\": \"Urban\"", "\"mode\": \"Moon\"")).contains("not a category"));
        // That preprocessing (8 features) beside a network of 2 inputs.
        let preprocessing = &text[text.find("\"preprocessing\"").unwrap()..];
        let network = String::from_utf8(
            Network::<f64>::logistic_regression(2)
                .unwrap()
                .to_bytes(Format::Json)
                .unwrap(),
        )
        .unwrap();
        let wrong_n = format!("{},\n  {preprocessing}", network.trim_end().strip_suffix('}').unwrap());
        let err = message(&wrong_n);
        assert!(
            err.starts_with("<bytes>: the saved network does not fit its preprocessing"),
            "{err}"
        );
        assert!(
            err.contains("the network maps 2 inputs to 1 outputs; the preprocessing gives 8 features"),
            "{err}"
        );
    }
}

/// A multi-class network (softmax output, categorical cross-entropy) round-trips too.
#[test]
fn softmax_network_round_trips() {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(4);
    let net = Network::<f64>::new(
        &[3, 5, 4],
        Activation::Relu,
        Activation::Softmax,
        ndnet::Initializer::He,
        &mut rng,
    )
    .unwrap();
    let x = Array2::from_shape_fn((3, 6), |(i, j)| (i as f64 - j as f64) / 3.0);
    for &format in FORMATS {
        let back = Network::<f64>::from_bytes(&net.to_bytes(format).unwrap()).unwrap();
        assert_eq!(back.cost_function(), ndnet::Cost::CategoricalCrossEntropy);
        assert_eq!(back.predict_proba(&x).unwrap(), net.predict_proba(&x).unwrap());
    }
}
