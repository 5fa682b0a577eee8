//! The sections drawn from a [`History`]: cost, accuracy per epoch, diagnostics over time.

use std::fmt::Write as _;

use plotters::chart::SeriesLabelPosition;

use super::charts::{LineChart, Series, line_chart, wide_span};
use super::html::{Section, escape, number};
use crate::{Diagnostics, History, LayerDiagnostics, Result};

/// A chart in a figure with a caption (the caption is the crate's text, not data).
fn figure(svg: &str, caption: &str) -> String {
    format!("<figure>{svg}<figcaption>{}</figcaption></figure>\n", escape(caption))
}

/// Epochs are shown from 1, as the examples print them.
fn epoch_x(epoch: usize) -> f64 {
    (epoch + 1) as f64
}

/// The best epoch's marker and a sentence about early stopping.
fn best_epoch(history: &History) -> (Option<(f64, String)>, String) {
    match history.best_epoch {
        Some(best) => {
            let how = match history.stopped_early {
                true => "Early stopping ended training",
                false => "Training ran every epoch",
            };
            // Only what the history shows: a history built by hand may name another epoch.
            let cost = |e: &crate::EpochRecord| e.valid_cost.unwrap_or(f64::INFINITY);
            let lowest = history.epochs.get(best).map(cost) <= history.epochs.iter().map(cost).reduce(f64::min);
            let which = match lowest {
                true => "the one with the lowest validation cost",
                false => "which the history names as the best, though another has a lower validation cost",
            };
            let mut text = format!("{how}; the network kept the parameters of epoch {}, {which}.", best + 1);
            if history.held_out > 0 {
                let n = history.held_out;
                text.push_str(&format!(
                    " The validation examples are {n} held out of the training set."
                ));
            }
            (Some((epoch_x(best), format!("best epoch ({})", best + 1))), text)
        }
        None => (None, String::new()),
    }
}

/// One cost line against the iteration, on a log scale when it spans more than 10^3.
fn cost_chart(title: &str, points: Vec<(f64, f64)>, caption: &str) -> Result<String> {
    let log_y = wide_span(points.iter().map(|p| p.1));
    let chart = LineChart {
        title,
        x_label: "iteration",
        y_label: if log_y { "cost J (log scale)" } else { "cost J" },
        series: vec![Series {
            name: "cost".into(),
            points,
        }],
        log_y,
        from_zero: true,
        marker: None,
        legend: SeriesLabelPosition::UpperRight,
    };
    Ok(figure(&line_chart(&chart)?, caption))
}

/// "cost": the cost per record and, with several epochs or a validation set, per epoch.
pub(crate) fn cost_section(history: &History) -> Result<Option<Section>> {
    let mut body = String::new();
    let has_valid = history.epochs.iter().any(|e| e.valid_cost.is_some());
    // Batch gradient descent: one step per epoch, so the epochs hold the cost of every
    // iteration; one chart of those says more than the records and a second, equal chart.
    let iterations = history.records.last().map(|r| r.iteration + 1);
    if !has_valid && history.epochs.len() > 1 && iterations == Some(history.epochs.len()) {
        let points: Vec<(f64, f64)> = history.epochs.iter().map(|e| (e.epoch as f64, e.train_cost)).collect();
        let caption = format!(
            "Batch gradient descent: one step per epoch, {} iterations; cost {} at iteration 0, {} at the last.",
            points.len(),
            number(points[0].1),
            number(points[points.len() - 1].1)
        );
        body.push_str(&cost_chart(
            "Cost per iteration (the whole training set)",
            points,
            &caption,
        )?);
        return Ok(Some(Section {
            id: "cost",
            heading: "Cost".into(),
            body,
        }));
    }
    if let (Some(first), Some(last)) = (history.records.first(), history.records.last()) {
        let points = history.costs().iter().map(|&(i, c)| (i as f64, c)).collect();
        let caption = format!(
            "{} records; cost {} at the first, {} at the last (iteration {}).",
            history.records.len(),
            number(first.cost),
            number(last.cost),
            last.iteration
        );
        body.push_str(&cost_chart(
            "Cost per recorded iteration (training batch)",
            points,
            &caption,
        )?);
    }
    if history.epochs.len() > 1 || has_valid {
        let mut series = vec![Series {
            name: "train (mean of the epoch's batches)".into(),
            points: history
                .epochs
                .iter()
                .map(|e| (epoch_x(e.epoch), e.train_cost))
                .collect(),
        }];
        if has_valid {
            let points = history
                .epochs
                .iter()
                .filter_map(|e| Some((epoch_x(e.epoch), e.valid_cost?)))
                .collect();
            series.push(Series {
                name: "validation".into(),
                points,
            });
        }
        let (marker, text) = best_epoch(history);
        let chart = LineChart {
            title: "Cost per epoch",
            x_label: "epoch",
            y_label: "cost J",
            series,
            log_y: false,
            from_zero: true,
            marker,
            legend: SeriesLabelPosition::UpperRight,
        };
        body.push_str(&figure(&line_chart(&chart)?, &text));
    }
    Ok((!body.is_empty()).then(|| Section {
        id: "cost",
        heading: "Cost".into(),
        body,
    }))
}

/// "accuracy": the validation accuracy per epoch, when a validation set was watched.
pub(crate) fn accuracy_section(history: &History) -> Result<Option<Section>> {
    let points: Vec<(f64, f64)> = history
        .epochs
        .iter()
        .filter_map(|e| Some((epoch_x(e.epoch), 100.0 * e.valid_accuracy?)))
        .collect();
    if points.is_empty() {
        return Ok(None);
    }
    let best = points.iter().fold(f64::NEG_INFINITY, |b, p| b.max(p.1));
    let (marker, text) = best_epoch(history);
    let chart = LineChart {
        title: "Validation accuracy per epoch",
        x_label: "epoch",
        y_label: "accuracy (%)",
        series: vec![Series {
            name: "validation".into(),
            points,
        }],
        log_y: false,
        from_zero: false,
        marker,
        legend: SeriesLabelPosition::LowerRight,
    };
    let caption = format!("Highest validation accuracy {best:.2} %. {text}");
    let body = figure(&line_chart(&chart)?, &caption);
    Ok(Some(Section {
        id: "accuracy",
        heading: "Accuracy".into(),
        body,
    }))
}

/// One line per layer of `value` over the recorded iterations; `None` when no layer has it.
fn per_layer(diagnostics: &[Diagnostics], value: impl Fn(&LayerDiagnostics) -> Option<f64>) -> Vec<Series> {
    let layers = diagnostics.first().map_or(0, |d| d.layers.len());
    (0..layers)
        .filter_map(|i| {
            let points: Vec<(f64, f64)> = diagnostics
                .iter()
                .filter_map(|d| Some((d.iteration as f64, value(d.layers.get(i)?)?)))
                .collect();
            (!points.is_empty()).then(|| Series {
                name: format!("layer {}", i + 1),
                points,
            })
        })
        .collect()
}

/// "diagnostics": gradient norms, dead and saturated units, identical units, over time.
pub(crate) fn diagnostics_section(history: &History) -> Result<Option<Section>> {
    let d = &history.diagnostics;
    let Some(last) = d.last() else { return Ok(None) };
    let mut body = String::from("<div class=\"charts\">\n");
    let charts: [(&str, &str, bool, Vec<Series>, &str); 4] = [
        (
            "Gradient norm ‖dW[l]‖ per layer",
            "‖dW‖ (log scale)",
            true,
            per_layer(d, |l| Some(l.dw_norm)),
            "Near 0 in the first layers: vanishing gradients; growing fast: exploding gradients.",
        ),
        (
            "Dead ReLU units per layer",
            "dead units (%)",
            false,
            per_layer(d, |l| l.dead_fraction.map(|f| 100.0 * f)),
            "A dead unit has Z ≤ 0 on every example of the batch: it gets no gradient.",
        ),
        (
            "Saturated sigmoid/tanh activations per layer",
            "saturated (%)",
            false,
            per_layer(d, |l| l.saturated_fraction.map(|f| 100.0 * f)),
            "In the flat tails g′ is tiny and learning slows down.",
        ),
        (
            "Identical units per layer",
            "identical units",
            false,
            per_layer(d, |l| Some(l.identical_units as f64))
                .into_iter()
                .filter(|s| s.points.iter().any(|p| p.1 > 0.0))
                .collect(),
            "Units with the same weights and bias as another unit: symmetry that was never broken.",
        ),
    ];
    for (title, y_label, log_y, series, caption) in charts {
        if series.is_empty() {
            continue;
        }
        let legend = SeriesLabelPosition::UpperRight;
        let chart = LineChart {
            title,
            x_label: "iteration",
            y_label,
            series,
            log_y,
            from_zero: true,
            marker: None,
            legend,
        };
        body.push_str(&figure(&line_chart(&chart)?, caption));
    }
    body.push_str("</div>\n");
    if last.layers.iter().all(|l| l.identical_units == 0) {
        body.push_str("<p>No two units of a layer are identical at the last record.</p>\n");
    }
    let _ = write!(
        body,
        "<h3>At the last record</h3>\n<pre>{}</pre>\n",
        escape(&last.to_string())
    );
    Ok(Some(Section {
        id: "diagnostics",
        heading: "Diagnostics".into(),
        body,
    }))
}
