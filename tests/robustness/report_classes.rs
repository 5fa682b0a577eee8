//! Reports of classifiers with many classes (feature `report`): up to 30 classes the page shows
//! the whole confusion heat map and a row per class; above, the classes with the lowest F1 and
//! the most frequent confusions, saying what it left out, so the page's size does not grow
//! with the square of the class count nor its time with the cube. Labels of any length are
//! shown shortened and escaped.

use std::time::{Duration, Instant};

use ndnet::History;
use ndnet::report::Report;

use crate::common;

/// The page of a `classes`-class evaluation of 1000 examples, one in five predicted wrong,
/// with `names` as class names when given; and how long `to_html` took.
fn report(classes: usize, names: Option<Vec<String>>) -> (String, Duration) {
    let net = common::nearest_class_network(classes);
    let (x, y, wrong) = common::nearest_class_set(classes, 1000, 5);
    assert_eq!(wrong, 200);
    let history = History::default();
    let mut report = Report::new(&history, &net);
    if let Some(names) = names {
        report = report.class_names(names);
    }
    let report = report.evaluate("test", &x, &y).unwrap();
    let start = Instant::now();
    let html = report.to_html().unwrap();
    (html, start.elapsed())
}

/// The body of the page's metrics section.
fn metrics(html: &str) -> &str {
    let start = html.find(r#"<section id="metrics">"#).expect("a metrics section");
    let end = html[start..].find("</section>").expect("the section ends") + start;
    &html[start..end]
}

#[test]
fn a_report_of_thousands_of_classes_is_bounded_and_says_what_it_left_out() {
    for classes in [30, 40, 5_000] {
        let (html, took) = report(classes, None);
        let section = metrics(&html);
        assert!(section.contains("0.8000 (800 of 1000 right)"), "{classes}: {section}");
        assert!(section.contains("macro F1"), "{classes}");
        let rows = section.matches("<tr>").count();
        if classes <= 30 {
            // The whole picture: a heat map of 30 × 30 cells and a row per class.
            assert!(section.contains(r#"<table class="heat">"#), "{classes}");
            assert_eq!(section.matches(r#"<td class="cell""#).count(), classes * classes);
            assert!(!section.contains("left out"), "{classes}");
            continue;
        }
        // Above 30 classes: no heat map, the 50 classes with the lowest F1 (each with its
        // row), the 30 most frequent confusions, and a line saying what is not shown.
        assert!(!section.contains(r#"<table class="heat">"#), "{classes}");
        assert!(rows <= 50 + 30 + 2, "{classes}: {rows} rows");
        assert!(section.contains("weighted F1"), "{classes}");
        // 40 classes: all of them, and the 8 pairs confused (see the test below); 5000: the
        // lowest 50 of the 1000 classes with an example and 30 of the 200 pairs confused.
        let (shown, confusions) = if classes == 40 { (40, 8) } else { (50, 30) };
        assert!(
            section.contains(&format!(
                "{classes} classes: shown are the {shown} with the lowest F1 and the {confusions} most frequent \
                 confusions"
            )),
            "{classes}: {section}"
        );
        assert!(section.contains("left out"), "{classes}: {section}");
        // 5000 classes made a heat map of 25 million cells (about 4 GB of page) in O(k³).
        assert!(html.len() < 150_000, "{classes} classes: {} bytes", html.len());
        assert!(took < Duration::from_secs(20), "{classes} classes: {took:?}");
    }
}

#[test]
fn the_most_frequent_confusions_come_first_with_their_counts() {
    let (html, _) = report(40, None);
    let section = metrics(&html);
    // Example j is of class 7j mod 40; every fifth (j = 4, 9, …) is predicted as the next
    // class. The true class of such a j depends on j mod 40 alone: 8 pairs of classes, (3, 4),
    // (8, 9), …, (38, 39), each confused 25 times (1000 / 40), shown in class order.
    let row = |t: usize| format!("<tr><td>{t}</td><td>{}</td><td class=\"num\">25</td>", t + 1);
    let at = |t| section.find(&row(t)).unwrap_or_else(|| panic!("{}: {section}", row(t)));
    assert!(at(3) < at(8) && at(8) < at(38), "{section}");
    assert!(section.contains("8 pairs of classes confused"), "{section}");
}

#[test]
fn labels_of_any_length_are_shown_shortened_and_escaped() {
    let names: Vec<String> = (0..40)
        .map(|c| format!("<b>class \"{c}\"</b> {}", "x".repeat(100_000)))
        .collect();
    let (html, _) = report(40, Some(names));
    assert!(html.contains("&lt;b&gt;class &quot;7&quot;&lt;/b&gt; xxx"), "escaped");
    assert!(!html.contains("<b>class"), "markup from a label");
    assert!(html.contains("x…"), "shortened with an ellipsis");
    // 40 labels of 100 kB, each shown in two tables: 8 MB before they were shortened.
    assert!(html.len() < 150_000, "{} bytes", html.len());
}
