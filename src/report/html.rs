//! The page around the sections: escaping, data URIs, tables, the style sheet.
//!
//! Every string that comes from data (column names, labels, file names, error messages) goes
//! through [`escape`] before it is written into the page; numbers are formatted by the crate.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The most characters of a label (a class name) the page shows; longer ones end in "…".
pub(crate) const MAX_LABEL_CHARS: usize = 120;

/// `label` as the page shows it: its first [`MAX_LABEL_CHARS`] characters, with "…" when
/// there are more, so that what a page shows has a size bounded by the number of labels.
pub(crate) fn shortened(label: &str) -> Cow<'_, str> {
    match label.char_indices().nth(MAX_LABEL_CHARS) {
        Some((end, _)) => Cow::Owned(format!("{}…", &label[..end])),
        None => Cow::Borrowed(label),
    }
}

/// `text` with the five characters that mean something in HTML (`& < > " '`) replaced by
/// their entities, so it reads as text in an element or in a quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `v` for a reader: 6 decimals in the usual range, scientific notation for the very large
/// and the very small (a diverging cost of 1e160 stays one short word).
pub(crate) fn number(v: f64) -> String {
    match v.abs() {
        a if a != 0.0 && a.is_finite() && !(1e-4..1e6).contains(&a) => format!("{v:.4e}"),
        _ => format!("{v:.6}"),
    }
}

/// `bytes` as standard base64 with padding (RFC 4648), for `data:` URIs.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for k in 0..4 {
            match k <= chunk.len() {
                true => out.push(char::from(DIGITS[(n >> (18 - 6 * k) & 63) as usize])),
                false => out.push('='),
            }
        }
    }
    out
}

/// An `<img>` of PNG bytes embedded as a data URI, with escaped alternative text.
pub(crate) fn png_img(png: &[u8], alt: &str, class: &str) -> String {
    format!(
        r#"<img class="{class}" alt="{}" src="data:image/png;base64,{}">"#,
        escape(alt),
        base64(png)
    )
}

/// A table with a header row; every cell is escaped. Columns listed in `numeric` are right-aligned.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>], numeric: &[usize]) -> String {
    let cell = |tag: &str, c: usize, text: &str| {
        let class = if numeric.contains(&c) { r#" class="num""# } else { "" };
        format!("<{tag}{class}>{}</{tag}>", escape(text))
    };
    let mut out = String::from("<table>\n<thead><tr>");
    for (c, h) in headers.iter().enumerate() {
        out.push_str(&cell("th", c, h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (c, text) in row.iter().enumerate() {
            out.push_str(&cell("td", c, text));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// A definition list of (name, value) pairs, both escaped.
pub(crate) fn facts(pairs: &[(String, String)]) -> String {
    let mut out = String::from("<dl class=\"facts\">\n");
    for (name, value) in pairs {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(name), escape(value));
    }
    out.push_str("</dl>\n");
    out
}

/// A section with an id (for the table of contents and the tests) and a heading.
pub(crate) struct Section {
    /// The element id, e.g. `"cost"`.
    pub id: &'static str,
    /// The heading (escaped when written).
    pub heading: String,
    /// The body, already HTML.
    pub body: String,
}

/// The whole page: head with the style sheet and a policy that forbids scripts and requests,
/// the title, a table of contents, the sections.
pub(crate) fn page(title: &str, subtitle: &str, sections: &[Section]) -> String {
    let mut out = String::with_capacity(sections.iter().map(|s| s.body.len()).sum::<usize>() + 8192);
    let title = escape(title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"ndnet {}\">\n<title>{title}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<header>\n<h1>{title}</h1>\n<p class=\"subtitle\">{}</p>\n<nav><ul>",
        env!("CARGO_PKG_VERSION"),
        escape(subtitle)
    );
    for s in sections {
        let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", s.id, escape(&s.heading));
    }
    out.push_str("</ul></nav>\n</header>\n<main>\n");
    for s in sections {
        let _ = write!(
            out,
            "<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n",
            s.id,
            escape(&s.heading),
            s.body
        );
    }
    let _ = write!(
        out,
        "</main>\n<footer>Written by ndnet {} — one file, no script, nothing loaded from the network.</footer>\n\
         </body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// The style sheet: readable on screen and on paper, no web font.
const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5a6473; --line: #d9dee7; --accent: #2456c8; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
       color: var(--ink); background: #f4f6fa; }
header { background: #1d2f5a; color: #fff; padding: 20px 32px 12px; }
header h1 { margin: 0 0 4px; font-size: 24px; overflow-wrap: anywhere; }
.subtitle { margin: 0 0 8px; color: #c9d4ee; overflow-wrap: anywhere; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav a { color: #fff; text-decoration: none; border-bottom: 1px dotted #9fb2dd; font-size: 14px; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 32px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 16px 0;
          padding: 4px 24px 20px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 12px; text-align: left;
         overflow-wrap: anywhere; }
th { background: #eef1f7; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 20px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 8px 0; }
figcaption { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
svg { max-width: 100%; height: auto; display: block; }
svg text { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; }
.alert { overflow-wrap: anywhere; border-left: 4px solid var(--bad); background: #fdecea; padding: 8px 14px; margin: 10px 0; }
.note { color: var(--muted); font-size: 13px; }
pre { background: #f6f7f9; border: 1px solid var(--line); padding: 8px 12px; overflow-x: auto;
      font-size: 13px; white-space: pre-wrap; }
.heat td.cell { text-align: center; min-width: 64px; padding: 8px 10px; font-variant-numeric: tabular-nums; }
.heat th.corner { background: #fff; color: var(--muted); font-weight: normal; font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.grid figure { margin: 0; text-align: center; border: 1px solid var(--line); border-radius: 4px;
               padding: 6px; background: #fafbfd; }
.grid img { width: 128px; height: 128px; image-rendering: pixelated; }
.grid figcaption { overflow-wrap: anywhere; }
.wrong { color: var(--bad); }
img.chart { max-width: 100%; height: auto; }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 0 0 24px; }
@media print {
  body { background: #fff; }
  header { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); }
  .subtitle { color: var(--muted); }
  nav { display: none; }
  section { break-inside: avoid; border: none; padding: 0; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_the_five_special_characters() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("café — 猫"), "café — 猫");
        assert_eq!(escape(""), "");
        assert_eq!(escape("&amp;"), "&amp;amp;"); // escaped again, not trusted
    }

    #[test]
    fn long_labels_are_shortened_at_a_character() {
        assert_eq!(shortened("cat"), "cat");
        let long = "é".repeat(MAX_LABEL_CHARS + 1);
        assert_eq!(shortened(&long), format!("{}…", "é".repeat(MAX_LABEL_CHARS)));
        assert_eq!(shortened(&long[2..]), long[2..]);
    }

    #[test]
    fn numbers_switch_to_scientific_notation_at_the_extremes() {
        assert_eq!(number(0.4321234), "0.432123");
        assert_eq!(number(0.0), "0.000000");
        assert_eq!(number(1.1640900844e160), "1.1641e160");
        assert_eq!(number(-2.5e-7), "-2.5000e-7");
        assert_eq!(number(f64::INFINITY), "inf");
    }

    #[test]
    fn base64_matches_rfc_4648_examples() {
        // The test vectors of RFC 4648, section 10.
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn tables_and_facts_escape_their_cells() {
        let t = table(&["<a>"], &[vec!["\"b\"".into()]], &[0]);
        assert!(t.contains("<th class=\"num\">&lt;a&gt;</th>"), "{t}");
        assert!(t.contains("<td class=\"num\">&quot;b&quot;</td>"), "{t}");
        let f = facts(&[("<k>".into(), "<v>".into())]);
        assert!(f.contains("<dt>&lt;k&gt;</dt><dd>&lt;v&gt;</dd>"), "{f}");
    }
}
