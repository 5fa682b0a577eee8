//! Checkpoint files as input: a truncated, foreign, edited or other run's checkpoint is an
//! error naming the file and what is wrong, the network and the optimizer are left as they
//! were, and the file itself is never written over (the previous good checkpoint survives).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ndnet::data;
use ndnet::rand::SeedableRng;
use ndnet::{Adam, AdamConfig, Checkpoints, Error, Every, FitOptions, Network, TrainConfig, io::Format};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndnet-checkpoints-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn config() -> TrainConfig {
    TrainConfig::epochs(3).batch_size(25)
}

fn adam<F: ndnet::Float>() -> Adam<F> {
    Adam::new(AdamConfig::default().learning_rate(0.01)).unwrap()
}

fn flower<F: ndnet::Float>() -> (ndarray::Array2<F>, ndarray::Array2<F>) {
    let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(3);
    data::planar_flower::<F, _>(100, &mut rng).unwrap()
}

fn network<F: ndnet::Float>() -> Network<F> {
    let mut rng = ndnet::rand::rngs::StdRng::seed_from_u64(5);
    Network::new(
        &[2, 4, 1],
        ndnet::Activation::Tanh,
        ndnet::Activation::Sigmoid,
        ndnet::Initializer::Xavier,
        &mut rng,
    )
    .unwrap()
}

/// A good checkpoint of a short run (one epoch of the three) at `path`.
fn write_checkpoint(path: &Path) {
    let (x, y) = flower::<f64>();
    let options =
        FitOptions::new(TrainConfig::epochs(1).batch_size(25)).checkpoints(Checkpoints::new(path, Every::Epochs(1)));
    network::<f64>().fit((&x, &y), &mut adam(), options).unwrap();
}

/// Every W[l] and b[l].
fn parameters(net: &Network<f64>) -> Vec<ndarray::Array2<f64>> {
    net.layers()
        .iter()
        .flat_map(|l| [l.w().to_owned(), l.b().to_owned()])
        .collect()
}

/// Resumes the three-epoch run from `path`: the error it ends with, after checking that the
/// network was left as it was and that the file was not touched.
fn resume_error(path: &Path) -> Error {
    let before = std::fs::read(path).ok();
    let (x, y) = flower::<f64>();
    let mut net = network::<f64>();
    let untouched = parameters(&net);
    let options = FitOptions::new(config()).checkpoints(Checkpoints::new(path, Every::Epochs(1)).resume());
    let err = net.fit((&x, &y), &mut adam(), options).unwrap_err();
    assert_eq!(
        parameters(&net),
        untouched,
        "a refused checkpoint changed the network ({err})"
    );
    assert_eq!(
        std::fs::read(path).ok(),
        before,
        "a refused checkpoint was written over ({err})"
    );
    err
}

/// The file's tensors (name, dtype, shape, bytes) and metadata.
type Parts = (Vec<(String, Dtype, Vec<usize>, Vec<u8>)>, HashMap<String, String>);

fn parts(path: &Path) -> Parts {
    let bytes = std::fs::read(path).unwrap();
    let (_, metadata) = SafeTensors::read_metadata(&bytes).unwrap();
    let metadata = metadata.metadata().clone().unwrap_or_default();
    let tensors = SafeTensors::deserialize(&bytes).unwrap();
    let mut list: Vec<_> = tensors
        .tensors()
        .into_iter()
        .map(|(name, t)| (name, t.dtype(), t.shape().to_vec(), t.data().to_vec()))
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    (list, metadata)
}

fn write_parts(path: &Path, (tensors, metadata): &Parts) {
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(name, dtype, shape, data)| (name.clone(), TensorView::new(*dtype, shape.clone(), data).unwrap()))
        .collect();
    let bytes = safetensors::serialize(views, Some(metadata.clone())).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The checkpoint at `good` edited by `edit`, written to a new file, resumed from: its error.
fn edited_error(good: &Path, name: &str, edit: impl FnOnce(&mut Parts)) -> String {
    let mut parts = parts(good);
    edit(&mut parts);
    let path = good.with_file_name(format!("{name}.safetensors"));
    write_parts(&path, &parts);
    eprintln!("edit: {name}");
    let err = resume_error(&path).to_string();
    assert!(
        err.contains(&path.display().to_string()),
        "{name}: the error does not name the file: {err}"
    );
    err
}

/// The run's state (the metadata key "run"), edited as JSON.
fn edit_run(parts: &mut Parts, edit: impl FnOnce(&mut serde_json::Value)) {
    let run = parts.1.get_mut("run").expect("a checkpoint has its run's state");
    let mut value: serde_json::Value = serde_json::from_str(run).unwrap();
    edit(&mut value);
    *run = value.to_string();
}

#[test]
fn a_truncated_checkpoint_is_an_error_and_the_file_is_kept() {
    let dir = dir("truncated");
    let good = dir.join("good.safetensors");
    write_checkpoint(&good);
    let bytes = std::fs::read(&good).unwrap();
    let truncated = dir.join("truncated.safetensors");
    // Every length up to the header's end, then a spread of lengths through the tensors.
    let lengths: Vec<usize> = (0..200.min(bytes.len()))
        .chain((200..bytes.len()).step_by(97))
        .collect();
    for length in lengths {
        std::fs::write(&truncated, &bytes[..length]).unwrap();
        let err = resume_error(&truncated);
        assert!(matches!(err, Error::Format { .. }), "{length} bytes: {err}");
        assert!(
            err.to_string().contains("truncated.safetensors"),
            "{length} bytes: {err}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn foreign_files_are_errors_saying_what_they_are_not() {
    let dir = dir("foreign");
    // A saved model in both formats: a network, not a run's state.
    let model = dir.join("model.safetensors");
    network::<f64>().save(&model, Format::Safetensors).unwrap();
    let err = resume_error(&model).to_string();
    assert!(err.contains("not an ndnet checkpoint"), "{err}");
    let json = dir.join("model.json");
    network::<f64>().save(&json, Format::Json).unwrap();
    assert!(matches!(resume_error(&json), Error::Format { .. }));
    // Text, zeros, an empty file.
    for (name, bytes) in [
        ("text", b"W1,b1\n1,2\n".to_vec()),
        ("zeros", vec![0u8; 4096]),
        ("empty", Vec::new()),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = resume_error(&path);
        assert!(matches!(err, Error::Format { .. }), "{name}: {err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn another_runs_checkpoint_names_what_differs() {
    let dir = dir("other-run");
    let good = dir.join("good.safetensors");
    write_checkpoint(&good);

    // Another float type.
    let (x, y) = flower::<f32>();
    let mut net = network::<f32>();
    let options = FitOptions::new(config()).checkpoints(Checkpoints::new(&good, Every::Epochs(1)).resume());
    let err = net.fit((&x, &y), &mut adam(), options).unwrap_err().to_string();
    assert!(err.contains("f64") && err.contains("f32"), "{err}");

    // Another optimizer setting, batch size or seed: the error names it with both values.
    let (x, y) = flower::<f64>();
    for (what, optimizer, config) in [
        (
            "optimizer",
            Adam::new(AdamConfig::default().learning_rate(0.01).beta1(0.8)).unwrap(),
            config(),
        ),
        ("batch_size", adam(), config().batch_size(20)),
        ("seed", adam(), config().seed(7)),
    ] {
        let mut optimizer = optimizer;
        let options = FitOptions::new(config).checkpoints(Checkpoints::new(&good, Every::Epochs(1)).resume());
        let err = network::<f64>()
            .fit((&x, &y), &mut optimizer, options)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("written by another run") && err.contains(what),
            "{what}: {err}"
        );
    }
    // Other data.
    let options = FitOptions::new(config()).checkpoints(Checkpoints::new(&good, Every::Epochs(1)).resume());
    let err = network::<f64>()
        .fit(
            (&x.slice(ndarray::s![.., ..90]), &y.slice(ndarray::s![.., ..90])),
            &mut adam(),
            options,
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("m = 100") && err.contains("m = 90"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_run_that_does_not_resume_never_writes_over_a_checkpoint() {
    let dir = dir("no-resume");
    let good = dir.join("good.safetensors");
    write_checkpoint(&good);
    let before = std::fs::read(&good).unwrap();
    let (x, y) = flower::<f64>();
    let options = FitOptions::new(config()).checkpoints(Checkpoints::new(&good, Every::Epochs(1)));
    let err = network::<f64>()
        .fit((&x, &y), &mut adam(), options)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("already there") && err.contains("Checkpoints::resume"),
        "{err}"
    );
    assert_eq!(std::fs::read(&good).unwrap(), before);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn edited_checkpoints_are_errors_naming_what_is_wrong() {
    let dir = dir("edited");
    let good = dir.join("good.safetensors");
    write_checkpoint(&good);

    let err = edited_error(&good, "nan-parameter", |(tensors, _)| {
        let w1 = tensors.iter_mut().find(|t| t.0 == "W1").unwrap();
        w1.3[..8].copy_from_slice(&f64::NAN.to_le_bytes());
    });
    assert!(err.contains("W1") && err.contains("finite"), "{err}");

    let err = edited_error(&good, "missing-tensor", |(tensors, _)| tensors.retain(|t| t.0 != "b2"));
    assert!(err.contains("b2"), "{err}");

    let err = edited_error(&good, "wrong-shape", |(tensors, _)| {
        let w1 = tensors.iter_mut().find(|t| t.0 == "W1").unwrap();
        w1.2 = vec![2, 4];
    });
    assert!(err.contains("shape"), "{err}");

    let err = edited_error(&good, "moment-shape", |(tensors, _)| {
        let v = tensors.iter_mut().find(|t| t.0.ends_with("/W/v")).unwrap();
        v.2 = vec![v.2[1], v.2[0]];
        let s_name = v.0.replace("/v", "/s");
        let s = tensors.iter_mut().find(|t| t.0 == s_name).unwrap();
        s.2 = vec![s.2[1], s.2[0]];
    });
    assert!(err.contains("shape"), "{err}");

    let err = edited_error(&good, "other-version", |(_, metadata)| {
        metadata.insert("version".into(), "99".into());
    });
    assert!(err.contains("version"), "{err}");

    let err = edited_error(&good, "future-step", |parts| {
        edit_run(parts, |run| run["step"] = serde_json::json!(10_000));
    });
    assert!(err.contains("step"), "{err}");

    let err = edited_error(&good, "best-after-last", |parts| {
        edit_run(parts, |run| run["best_epoch"] = serde_json::json!(5));
    });
    assert!(err.contains("best epoch"), "{err}");

    let err = edited_error(&good, "non-finite-cost", |parts| {
        edit_run(parts, |run| run["epoch_cost"] = serde_json::Value::Null);
    });
    assert!(err.contains("epoch_cost") || err.contains("run"), "{err}");

    let err = edited_error(&good, "not-json", |(_, metadata)| {
        metadata.insert("run".into(), "{".into());
    });
    assert!(err.contains("run"), "{err}");

    // The good checkpoint still resumes after all that.
    let (x, y) = flower::<f64>();
    let options = FitOptions::new(config()).checkpoints(Checkpoints::new(&good, Every::Epochs(1)).resume());
    let history = network::<f64>().fit((&x, &y), &mut adam(), options).unwrap();
    assert_eq!(history.epochs.len(), 3);
    std::fs::remove_dir_all(dir).unwrap();
}
