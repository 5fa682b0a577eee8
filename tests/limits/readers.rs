//! Readers that build from a string, bytes or a reader count what they build against the limit
//! before (or as) they build it: a JSON model by its length (its parse takes a multiple of it),
//! a CSV table by the bytes read and the cells made as they grow (a reader may never end), a
//! `.safetensors` list of activations by its count against the tensors present.

#![cfg(any(feature = "serde", feature = "csv"))]

#[cfg(feature = "csv")]
use std::io::Read;

#[cfg(feature = "serde")]
use ndnet::io::Format;
#[cfg(feature = "csv")]
use ndnet::tabular::Table;

use super::*;

#[cfg(feature = "csv")]
/// A reader of `row` again and again, `rows` times (`usize::MAX`: as good as endless).
struct Rows {
    row: &'static [u8],
    rows: usize,
    at: usize,
}

#[cfg(feature = "csv")]
impl Read for Rows {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.rows > 0 {
            buf[n] = self.row[self.at];
            n += 1;
            self.at += 1;
            if self.at == self.row.len() {
                self.at = 0;
                self.rows -= 1;
            }
        }
        Ok(n)
    }
}

/// A CSV of a header `x,y` and `rows` rows `1,2`.
#[cfg(feature = "csv")]
fn csv(rows: usize) -> impl Read {
    std::io::Read::chain(
        &b"x,y\n"[..],
        Rows {
            row: b"1,2\n",
            rows,
            at: 0,
        },
    )
}

#[cfg(feature = "serde")]
#[test]
fn a_json_model_is_refused_by_its_length_before_it_is_parsed() {
    let bytes = {
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        network(&[30, 30, 1]).unwrap().to_bytes(Format::Json).unwrap()
    };
    // The parameters and their gradients take 2 · 8 · (30 · 31 + 31) = 15,376 bytes, the text
    // about 25 bytes per value; parsing it takes up to 16 bytes per byte of text.
    let n = bytes.len() as u64;
    let _limit = Limit::set(8 * n);
    let text = too_large(Network::<f64>::from_bytes(&bytes));
    let what = format!(
        "the JSON model of <bytes> ({n} bytes, parsed) would take {} bytes",
        16 * n
    );
    assert!(text.starts_with(&what), "{text}");
    drop(_limit);
    let _limit = Limit::set(16 * n);
    assert!(Network::<f64>::from_bytes(&bytes).is_ok());
}

#[cfg(all(feature = "serde", feature = "csv"))]
#[test]
fn a_json_tabular_model_is_refused_by_its_length_before_it_is_parsed() {
    use ndnet::TabularModel;
    use ndnet::tabular::TabularConfig;
    let bytes = {
        let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
        let table = Table::from_reader(csv(4), "t.csv").unwrap();
        let fitted = TabularConfig::regression("y").fit(&table).unwrap();
        let model = TabularModel::<f64>::new(fitted, common::linear_regression(1, 1).unwrap()).unwrap();
        model.to_bytes(Format::Json).unwrap()
    };
    let _limit = Limit::set(4 * bytes.len() as u64);
    let text = too_large(TabularModel::<f64>::from_bytes(&bytes));
    assert!(text.starts_with("the JSON model of <bytes> ("), "{text}");
}

#[cfg(feature = "csv")]
#[test]
fn a_table_read_past_the_limit_is_refused_naming_the_line_reached() {
    // 1 MiB of rows under a limit of 256 KiB: refused while it is read.
    let _limit = Limit::set(256 << 10);
    let text = too_large(Table::from_reader(csv(1 << 18), "big.csv"));
    assert!(text.starts_with("the bytes read from big.csv (up to line "), "{text}");
    // A reader that never ends: the same, instead of reading until the allocator aborts.
    let text = too_large(Table::from_reader(csv(usize::MAX), "endless.csv"));
    assert!(
        text.starts_with("the bytes read from endless.csv (up to line "),
        "{text}"
    );
    // Few bytes, many cells: 64 KiB of rows `1,2` are 16,384 rows of two cells, each cell a
    // String (24 bytes and its text) in a row's Vec (24 bytes) with its line (8 bytes).
    let text = too_large(Table::from_reader(csv(1 << 14), "cells.csv"));
    assert!(text.starts_with("the table read from cells.csv (up to line "), "{text}");
    drop(_limit);
    let _limit = Limit::set(16 << 20);
    assert_eq!(Table::from_reader(csv(1 << 14), "cells.csv").unwrap().n_rows(), 1 << 14);
}

/// A header of 100,000 columns was checked for repeats name by name against every name before
/// it (5 · 10^9 comparisons); now in one pass.
#[cfg(feature = "csv")]
#[test]
fn a_header_of_many_columns_is_checked_in_linear_time() {
    use std::time::{Duration, Instant};
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let n = 100_000;
    let header: Vec<String> = (0..n).map(|j| format!("c{j}")).collect();
    let row = vec!["1"; n].join(",");
    let text = format!("{}\n{row}\n", header.join(","));
    let start = Instant::now();
    assert_eq!(
        Table::from_reader(text.as_bytes(), "wide.csv").unwrap().headers().len(),
        n
    );
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    let repeated = format!("{},c5\n{row},1\n", header.join(","));
    let err = Table::from_reader(repeated.as_bytes(), "wide.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("column {}: column name \"c5\" appears twice", n + 1)),
        "{err}"
    );
}

/// A list of a million activations beside two layers' tensors is refused by its length before
/// a single name is parsed: a name the list holds far past the second is never looked at.
#[cfg(feature = "safetensors")]
#[test]
fn a_safetensors_list_of_more_activations_than_tensors_is_refused_before_it_is_parsed() {
    let _limit = Limit::set(DEFAULT_MEMORY_LIMIT);
    let bytes = network(&[2, 3, 1]).unwrap().to_bytes(Format::Safetensors).unwrap();
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    let mut many = vec!["relu"; 1_000_000];
    many[999_999] = "no-such-activation";
    let forged = header.replace("\"relu,sigmoid\"", &format!("\"{}\"", many.join(",")));
    assert_ne!(forged, header);
    let mut file = (forged.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(forged.as_bytes());
    file.extend_from_slice(&bytes[8 + header_len..]);
    let text = Network::<f64>::from_bytes(&file).unwrap_err().to_string();
    assert!(
        text.contains("tensor W3 is missing: the file must hold W1, b1, …, W1000000, b1000000"),
        "{text}"
    );
}
