//! The memory limit as input: under a tiny limit (0 bytes, 1 byte, 64 bytes, 4 KiB) every
//! public call returns a value or an error, never a panic (no code path assumes that a size
//! check passes); a malformed `NDNET_MEMORY_LIMIT` is an error at first use, never the default
//! in silence (checked in a child process, which reads the variable at its first size check).

use std::panic::{AssertUnwindSafe, catch_unwind};

use ndarray::{Array2, array};
use ndnet::{Adam, AdamConfig, FitOptions, GradientDescent, Optimizer, TrainConfig, Validation};

use super::*;

type Call<'a> = (&'static str, Box<dyn Fn() -> Result<(), String> + 'a>);

fn call<'a, T>(name: &'static str, f: impl Fn() -> ndnet::Result<T> + 'a) -> Call<'a> {
    (name, Box::new(move || f().map(drop).map_err(|e| e.to_string())))
}

/// The calls, on inputs made under the default limit.
fn calls<'a>(x: &'a Array2<f64>, y: &'a Array2<f64>, net: &'a Network<f64>, dir: &'a std::path::Path) -> Vec<Call<'a>> {
    #[allow(unused_mut)] // extended below for the features that are on
    let mut calls = vec![
        call("xor", move || Ok(data::xor::<f64>())),
        call("parity", move || data::parity::<f32>(2)),
        call("planar_flower", move || data::planar_flower::<f64, _>(4, &mut rng())),
        call("circles", move || data::circles::<f64, _>(4, 0.1, 0.5, &mut rng())),
        call("one_hot", move || data::one_hot::<f64, usize>(&[0, 1], 2)),
        call("class_indices", move || data::class_indices(y)),
        call("k_fold_indices", move || data::k_fold_indices(4, 2, None, &mut rng())),
        call("train_test_split", move || {
            data::train_test_split(x, y, 0.5, false, &mut rng())
        }),
        call("select_columns", move || data::select_columns(x, &[0, 1])),
        call("Network::new", move || network(&[2, 3, 1])),
        call("logistic_regression", move || Network::<f64>::logistic_regression(2)),
        call("softmax_regression", move || Network::<f32>::softmax_regression(2, 3)),
        call("predict_proba", move || net.predict_proba(x)),
        call("predict", move || net.predict(x, 0.5)),
        call("cost", move || net.cost(x, y)),
        call("accuracy", move || net.accuracy(x, y)),
        call("forward", move || net.clone().forward(x).map(|a| a.to_owned())),
        call("fit", move || {
            net.clone()
                .fit((x, y), &mut GradientDescent::new(0.1)?, TrainConfig::new(3))
        }),
        call("fit mini-batches, Adam", move || {
            net.clone().fit(
                (x, y),
                &mut Adam::new(AdamConfig::default())?,
                TrainConfig::epochs(2).batch_size(2),
            )
        }),
        call("fit with validation", move || {
            let options = FitOptions::new(TrainConfig::epochs(3)).validation(Validation::new(x, y).early_stopping(1));
            net.clone().fit((x, y), &mut GradientDescent::new(0.1)?, options)
        }),
        call("train_step", move || {
            net.clone().train_step(x, y, &mut GradientDescent::new(0.1)?)
        }),
        call("gradient_check", move || {
            ndnet::gradient_check(&mut net.clone(), x, y, 1e-7)
        }),
        call("Optimizer::update", move || {
            let mut theta = array![[1.0, 2.0]];
            let mut adam = Adam::<f64>::new(AdamConfig::default())?;
            adam.update(
                ndnet::ParamId {
                    layer: 1,
                    kind: ndnet::ParamKind::Weights,
                },
                theta.view_mut(),
                array![[0.5, 0.5]].view(),
            )
        }),
        call("randn", move || {
            ndnet::numpy_random::NumpyRandomState::new(1).randn::<f64>(2, 2)
        }),
        call("permutation", move || {
            ndnet::numpy_random::NumpyRandomState::new(1).permutation(5)
        }),
        call("metrics", move || ndnet::metrics::confusion_matrix(y, y)),
        call("log_loss", move || {
            ndnet::metrics::log_loss(&y.mapv(|v| 0.25 + v / 2.0), y)
        }),
        call("CrossValidation", move || {
            ndnet::CrossValidation::from_scores(vec![0.5, 0.7])
        }),
    ];
    #[cfg(feature = "serde")]
    calls.extend([
        call("Network::to_bytes", move || net.to_bytes(ndnet::io::Format::Json)),
        call("Network::save and load", move || {
            let path = dir.join("net.json");
            net.save(&path, ndnet::io::Format::Json)?;
            Network::<f64>::load(&path)
        }),
    ]);
    #[cfg(feature = "safetensors")]
    calls.push(call("Network::save safetensors", move || {
        net.save(dir.join("net.safetensors"), ndnet::io::Format::Safetensors)
    }));
    #[cfg(all(feature = "csv", feature = "serde"))]
    calls.extend([
        call("Table::from_reader", move || {
            ndnet::tabular::Table::from_reader("x,y\n1,a\n2,b\n".as_bytes(), "t.csv")
        }),
        call("TabularModel::fit, predict, save, load, predict_csv", move || {
            let table = ndnet::tabular::Table::from_reader("x,y\n1,a\n2,b\n3,a\n4,b\n".as_bytes(), "t.csv")?;
            let config = ndnet::tabular::TabularConfig::binary("y", "b");
            let (model, _) = ndnet::TabularModel::<f64>::fit(
                &table,
                &config,
                |n_x, _| Network::logistic_regression(n_x),
                &mut GradientDescent::new(0.1)?,
                TrainConfig::new(2),
            )?;
            model.predict(&table)?;
            model.save(dir.join("model.json"), ndnet::io::Format::Json)?;
            let model = ndnet::TabularModel::<f64>::load(dir.join("model.json"))?;
            std::fs::write(dir.join("new.csv"), "x\n1\n5\n").map_err(|e| ndnet::Error::Io {
                path: dir.join("new.csv"),
                source: e,
            })?;
            model.predict_csv(dir.join("new.csv"), dir.join("out.csv"))
        }),
    ]);
    #[cfg(feature = "safetensors")]
    calls.push(call("fit with checkpoints", move || {
        let path = dir.join("run.safetensors");
        let options = FitOptions::new(TrainConfig::epochs(3).batch_size(2))
            .checkpoints(ndnet::Checkpoints::new(&path, ndnet::Every::Epochs(1)).resume());
        net.clone().fit((x, y), &mut Adam::new(AdamConfig::default())?, options)
    }));
    #[cfg(feature = "npy")]
    calls.push(call("npy examples", move || {
        let (xp, yp) = (dir.join("x.npy"), dir.join("y.npy"));
        data::save_npy_examples(x, y, &xp, &yp)?;
        let mut examples = data::NpyExamples::<f64>::open(&xp, &yp)?;
        net.clone().fit(
            &mut examples,
            &mut GradientDescent::new(0.1)?,
            TrainConfig::epochs(1).batch_size(2),
        )
    }));
    #[cfg(feature = "plot")]
    calls.push(call("plot_cost", move || {
        ndnet::plot::plot_cost(dir.join("cost.png"), &[(0, 0.7), (1, 0.5)], "cost")
    }));
    #[cfg(feature = "report")]
    calls.push(call("report", move || {
        let mut net = net.clone();
        let history = net.fit((x, y), &mut GradientDescent::new(0.1)?, TrainConfig::new(3))?;
        let report = ndnet::report::Report::new(&history, &net).evaluate("train", x, y)?;
        report.write(dir.join("report.html"))
    }));
    let _ = dir;
    calls
}

/// The sweep runs in a child process of its own (this test alone, one thread): the memory limit
/// is global to a process, and a limit of a few bytes would fail the other tests of this binary
/// that run beside it without holding the limit's lock.
#[test]
fn every_public_call_under_a_tiny_limit_is_a_value_or_an_error_never_a_panic() {
    let name = "limit_as_input::every_public_call_under_a_tiny_limit_is_a_value_or_an_error_never_a_panic";
    if std::env::var("NDNET_TINY_LIMIT_CHILD").is_ok() {
        return tiny_limit_sweep();
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads=1", "--nocapture"])
        .env("NDNET_TINY_LIMIT_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every public call of [`calls`] at limits of 0, 1, 64 and 4096 bytes: a value or an error.
fn tiny_limit_sweep() {
    let dir = std::env::temp_dir().join(format!("ndnet-tiny-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let x = array![[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]];
    let y = array![[0.0, 1.0, 1.0, 1.0]];
    let net = network(&[2, 3, 1]).unwrap();
    let calls = calls(&x, &y, &net, &dir);
    let mut panics = Vec::new();
    for limit in [0, 1, 64, 4096] {
        ndnet::set_memory_limit(limit);
        for (name, f) in &calls {
            match catch_unwind(AssertUnwindSafe(f)) {
                Ok(Ok(())) => {}
                Ok(Err(text)) => assert!(!text.is_empty(), "{name}"),
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    panics.push(format!("{name} at a limit of {limit} bytes: {message}"));
                }
            }
        }
    }
    ndnet::set_memory_limit(DEFAULT_MEMORY_LIMIT);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

/// Run as a child with `NDNET_MEMORY_LIMIT` set: checks what `expected` says the limit must be.
fn child_checks(expected: &str) {
    match expected {
        "malformed" => {
            assert_eq!(ndnet::memory_limit(), 0);
            let err = network(&[2, 3, 1]).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        argument: "NDNET_MEMORY_LIMIT",
                        ..
                    }
                ),
                "{text}"
            );
            assert!(text.contains("\"8 GB\" is not a number of bytes"), "{text}");
            assert!(text.contains("the parameters and gradients"), "{text}");
            assert!(data::one_hot::<f64, usize>(&[0, 1], 2).is_err());
            // Setting a limit ends it.
            ndnet::set_memory_limit(1 << 20);
            assert!(network(&[2, 3, 1]).is_ok());
            let err = network(&[200, 2000, 1]).unwrap_err();
            assert!(matches!(err, Error::TooLarge { limit: 1048576, .. }), "{err}");
        }
        "64KiB" => assert_eq!(ndnet::memory_limit(), 64 << 10),
        "default" => assert_eq!(ndnet::memory_limit(), DEFAULT_MEMORY_LIMIT),
        other => panic!("unknown expectation {other}"),
    }
}

#[test]
fn a_malformed_memory_limit_variable_is_an_error_at_first_use_never_ignored() {
    let name = "limit_as_input::a_malformed_memory_limit_variable_is_an_error_at_first_use_never_ignored";
    if let Ok(expected) = std::env::var("NDNET_LIMIT_EXPECTED") {
        return child_checks(&expected);
    }
    for (value, expected) in [("8 GB", "malformed"), (" 64KiB ", "64KiB"), ("", "default")] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--test-threads=1"])
            .env("NDNET_MEMORY_LIMIT", value)
            .env("NDNET_LIMIT_EXPECTED", expected)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "NDNET_MEMORY_LIMIT={value:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
