//! The metrics section of a classifier's evaluated set: accuracy and, for several classes,
//! per-class precision, recall and F1 with the confusion matrix. Up to [`FULL_UP_TO`] classes
//! every class has its row and the matrix is a heat map; above, the page shows the macro and
//! weighted averages over every class, the [`WORST_CLASSES`] classes with the lowest F1 and the
//! [`TOP_CONFUSIONS`] most frequent confusions, and says what it left out. Its size is checked
//! against the memory limit before it is written.

use std::fmt::Write as _;

use super::counts::ClassCounts;
use super::html::{MAX_LABEL_CHARS, escape, facts, shortened, table};
use crate::Result;
use crate::base::limits;
use crate::metrics::ConfusionMatrix;

/// Up to this many classes the report shows the whole confusion matrix and a row per class.
pub(crate) const FULL_UP_TO: usize = 30;
/// Above [`FULL_UP_TO`] classes, the classes shown: those with the lowest F1.
pub(crate) const WORST_CLASSES: usize = 50;
/// Above [`FULL_UP_TO`] classes, the confusions shown: the most frequent.
pub(crate) const TOP_CONFUSIONS: usize = 30;

/// The metrics of `set` from the pairs (truth[j], predicted[j]) of `classes`.
///
/// # Errors
/// [`crate::Error::TooLarge`] naming the set when its counts or its HTML would take more than
/// the memory limit.
pub(crate) fn class_section(set: &str, classes: &[String], truth: &[usize], predicted: &[usize]) -> Result<String> {
    let counts = ClassCounts::new(set, classes.len(), truth, predicted)?;
    check_page(set, &counts)?;
    let mut out = class_metrics(classes, &counts);
    match classes.len() <= FULL_UP_TO {
        true => out.push_str(&heat_map(classes, &counts)),
        false => out.push_str(&confusions(classes, &counts)),
    }
    Ok(out)
}

/// The most bytes a label takes in the page: [`MAX_LABEL_CHARS`] characters of at most 6
/// bytes each once escaped (`&quot;`), and the ellipsis.
const LABEL_BYTES: u128 = 6 * MAX_LABEL_CHARS as u128 + 3;
/// The most bytes of a table row or heading of the metrics: two labels and a few numbers.
const ROW_BYTES: u128 = 2 * LABEL_BYTES + 256;
/// The most bytes of a cell of the heat map.
const CELL_BYTES: u128 = 192;

/// Checks the bytes of the metrics of `set` as HTML against the memory limit before they are
/// written: up to [`FULL_UP_TO`] classes three labelled rows per class and k² cells, above it
/// the rows of [`WORST_CLASSES`] classes and [`TOP_CONFUSIONS`] confusions, whatever k.
fn check_page(set: &str, counts: &ClassCounts) -> Result<()> {
    let k = counts.classes() as u128;
    let (rows, cells) = match k <= FULL_UP_TO as u128 {
        true => (3 * k, k * k),
        false => ((WORST_CLASSES + TOP_CONFUSIONS) as u128, 0),
    };
    limits::check_bytes(
        || format!("the metrics of the {set} set as HTML ({rows} rows and {cells} cells shown)"),
        Some(4096 + rows * ROW_BYTES + cells * CELL_BYTES),
    )
}

/// Accuracy and, for two classes, precision/recall/F1 of the second (positive) class; for more,
/// their macro averages and a row per class, or above [`FULL_UP_TO`] classes also the weighted
/// F1 and the rows of the [`WORST_CLASSES`] classes with the lowest F1, saying what is left out.
fn class_metrics(classes: &[String], counts: &ClassCounts) -> String {
    let (total, right) = (counts.total(), counts.right());
    let accuracy = if total == 0 { 0.0 } else { right as f64 / total as f64 };
    let mut pairs = vec![
        ("examples".to_string(), total.to_string()),
        (
            "accuracy".to_string(),
            format!("{:.4} ({right} of {total} right)", accuracy),
        ),
    ];
    if classes.len() == 2 {
        let cm = counts.one_vs_rest(1);
        let positive = shortened(&classes[1]);
        pairs.push((
            format!("precision (positive class “{positive}”)"),
            format!("{:.4}", cm.precision()),
        ));
        pairs.push((
            format!("recall (positive class “{positive}”)"),
            format!("{:.4}", cm.recall()),
        ));
        pairs.push((format!("F1 (positive class “{positive}”)"), format!("{:.4}", cm.f1())));
        return facts(&pairs);
    }
    let per_class = counts.per_class();
    let macro_of = |f: fn(&ConfusionMatrix) -> f64| per_class.iter().map(f).sum::<f64>() / per_class.len() as f64;
    pairs.push((
        "macro precision".into(),
        format!("{:.4}", macro_of(ConfusionMatrix::precision)),
    ));
    pairs.push((
        "macro recall".into(),
        format!("{:.4}", macro_of(ConfusionMatrix::recall)),
    ));
    pairs.push(("macro F1".into(), format!("{:.4}", macro_of(ConfusionMatrix::f1))));
    let k = classes.len();
    let (shown, note) = match k <= FULL_UP_TO {
        true => ((0..k).collect(), String::new()),
        false => {
            let weighted = per_class
                .iter()
                .enumerate()
                .map(|(c, cm)| counts.of_class(c) as f64 * cm.f1())
                .sum::<f64>()
                / total.max(1) as f64;
            pairs.push(("weighted F1 (by examples per class)".into(), format!("{weighted:.4}")));
            pairs.push((
                "classes".into(),
                format!("{k}, {} of them with an example or a prediction", counts.seen()),
            ));
            let worst = counts.lowest_f1(&per_class, WORST_CLASSES);
            let note = format!(
                "<p class=\"note\">{k} classes: shown are the {} with the lowest F1 and the {} most frequent \
                 confusions; left out are the rows of the other {} classes and the confusion matrix of {k} × {k} \
                 cells, too many to read. The averages above are over all {k} classes.</p>\n",
                worst.len(),
                counts.pairs_confused().min(TOP_CONFUSIONS),
                k - worst.len()
            );
            (worst, note)
        }
    };
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|&c| {
            let cm = &per_class[c];
            vec![
                shortened(&classes[c]).into_owned(),
                format!("{:.4}", cm.precision()),
                format!("{:.4}", cm.recall()),
                format!("{:.4}", cm.f1()),
                (cm.tp + cm.fn_).to_string(),
            ]
        })
        .collect();
    facts(&pairs)
        + &note
        + &table(
            &["class", "precision", "recall", "F1", "examples"],
            &rows,
            &[1, 2, 3, 4],
        )
}

/// The [`TOP_CONFUSIONS`] most frequent confusions as a table: the true class, the class it
/// was predicted as, the examples and their share of the true class.
fn confusions(classes: &[String], counts: &ClassCounts) -> String {
    let top = counts.top_confusions(TOP_CONFUSIONS);
    if top.is_empty() {
        return "<p class=\"note\">No example was predicted as another class.</p>\n".into();
    }
    let rows: Vec<Vec<String>> = top
        .iter()
        .map(|&((t, p), n)| {
            vec![
                shortened(&classes[t]).into_owned(),
                shortened(&classes[p]).into_owned(),
                n.to_string(),
                format!("{:.1} %", 100.0 * n as f64 / counts.of_class(t).max(1) as f64),
            ]
        })
        .collect();
    format!(
        "<p class=\"note\">The {} most frequent confusions of the {} pairs of classes confused; the share is \
         of the true class's examples.</p>\n{}",
        top.len(),
        counts.pairs_confused(),
        table(
            &["true class", "predicted as", "examples", "share of the true class"],
            &rows,
            &[2, 3]
        )
    )
}

/// The confusion matrix as a table whose cells are shaded by the share of their row (the
/// recall of the true class in the diagonal); for at most [`FULL_UP_TO`] classes.
fn heat_map(classes: &[String], counts: &ClassCounts) -> String {
    let mut out = String::from(
        "<p class=\"note\">Confusion matrix: one row per true class, one column per predicted class; \
         the shade is the share of the row.</p>\n<table class=\"heat\">\n<thead><tr>\
         <th class=\"corner\">true ↓ predicted →</th>",
    );
    for name in classes {
        let _ = write!(out, "<th>{}</th>", escape(&shortened(name)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (t, name) in classes.iter().enumerate() {
        let total = counts.of_class(t);
        let _ = write!(out, "<tr><th>{}</th>", escape(&shortened(name)));
        for p in 0..classes.len() {
            let n = counts.cell(t, p);
            let share = if total == 0 { 0.0 } else { n as f64 / total as f64 };
            let (r, g, b) = if p == t { (36, 86, 200) } else { (200, 40, 40) };
            let ink = if share > 0.55 { "#fff" } else { "#1d2430" };
            let _ = write!(
                out,
                "<td class=\"cell\" style=\"background: rgba({r}, {g}, {b}, {:.3}); color: {ink}\" \
                 title=\"{:.1} % of this row\">{n}</td>",
                share.max(0.0) * 0.9,
                100.0 * share
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}
