//! Saving and loading networks (feature `serde`): bit-identical round trips in both forms and
//! both float types, atomic replacement, preprocessing saved along (corrupt files: save_load_errors.rs).
#![cfg(feature = "serde")]

use std::fs;
use std::path::Path;

use ndarray::Array2;
use ndnet::io::{self, SavedModel};
use ndnet::{Activation, CustomActivation, Float, Initializer, Network};
use rand::{RngExt, SeedableRng};

use crate::persist_common::{assert_identical, network, scratch};

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
    use ndnet::tabular::{Table, TabularConfig};

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

    /// A tabular model of every target kind, trained a little with a hidden layer, in f32 and
    /// f64: one call saves it, one loads it, and the loaded model predicts the same bits and
    /// keeps the target's classes and scaling.
    fn tabular_round_trips<F: Float>() {
        use ndnet::tabular::Predictions;
        use ndnet::{GradientDescent, TabularModel, TrainConfig};
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
            model.save_json(dir.join("m.json")).unwrap();
            model.save_binary(dir.join("m.bin")).unwrap();
            for back in [
                TabularModel::<F>::load_json(dir.join("m.json")).unwrap(),
                TabularModel::<F>::load_binary(dir.join("m.bin")).unwrap(),
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
        let text = SavedModel::new(net)
            .with_preprocessing(fitted)
            .to_json_string()
            .unwrap();
        let message = |t: &str| SavedModel::<f64>::from_json_str(t).unwrap_err().to_string();
        assert!(message(&text.replace("\"Semiurban\",", "")).contains("preprocessing"));
        assert!(message(&text.replace("\"mode\": \"Urban\"", "\"mode\": \"Moon\"")).contains("not a category"));
        let wrong_n = SavedModel::new(Network::<f64>::logistic_regression(2).unwrap())
            .with_preprocessing(TabularConfig::binary("ok", "Y").fit(&table).unwrap())
            .to_json_string()
            .unwrap();
        assert!(message(&wrong_n).contains("network takes n_x = 2"));
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
    let bytes = ndnet::io::to_bytes(&net).unwrap();
    let back: Network<f64> = ndnet::io::from_bytes(&bytes).unwrap();
    assert_eq!(back.cost_function(), ndnet::Cost::CategoricalCrossEntropy);
    assert_eq!(back.predict_proba(&x).unwrap(), net.predict_proba(&x).unwrap());
    let json = ndnet::io::to_json_string(&net).unwrap();
    let back: Network<f64> = ndnet::io::from_json_str(&json).unwrap();
    assert_eq!(back.predict_proba(&x).unwrap(), net.predict_proba(&x).unwrap());
}
