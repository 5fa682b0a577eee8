//! The report checks what it builds against the limit before building it: the counts of a
//! many-class evaluation and the page's metrics section (its size bounded by what it shows).

use ndnet::History;
use ndnet::report::Report;

use super::*;

#[test]
fn a_report_past_the_limit_is_too_large_before_it_is_built() {
    let history = History::default();
    let (net, x, y) = {
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        let (x, y, _) = common::nearest_class_set(500, 1000, 5);
        (common::nearest_class_network(500), x, y)
    };
    let report = {
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        Report::new(&history, &net).evaluate("test", &x, &y).unwrap()
    };
    // 500 classes: the page used to hold a heat map of 250,000 cells (37 MB), whatever the
    // limit. Under 16 KiB the counts (about 100 bytes per class) are refused; under 1 MiB they
    // fit, and so does the page: 50 classes and 30 confusions shown.
    let _limit = Limit::set(16 << 10);
    let text = too_large(report.to_html());
    assert!(
        text.starts_with("the confusion counts of the test set (500 classes"),
        "{text}"
    );
    drop(_limit);
    let _limit = Limit::set(1 << 20);
    let html = report.to_html().unwrap();
    assert!(html.len() < 150_000, "{} bytes", html.len());
    assert!(html.contains("500 classes: shown are the 50 with the lowest F1"));
}
