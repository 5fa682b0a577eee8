//! Hostile CSV files streamed in chunks (feature `csv`): every bad file is the error the
//! in-memory table and fit give, word for word (file, line, column); a file changed after it
//! was indexed is an error naming it and the chunk, never a silently different example; bad
//! cells read while training name their line and column.
#![cfg(feature = "csv")]

use ndarray::Array2;
use ndnet::data::Examples;
use ndnet::tabular::{ColumnKind, CsvChunks, CsvExamples, Table, TabularConfig};
use ndnet::{Error, GradientDescent, Network, TrainConfig};

use crate::common::scratch_dir;

/// What `config` makes of `bytes` in memory and streamed (in chunks of 1, 2 and 4096 rows): the
/// same error message, which is returned.
fn same_error(dir: &std::path::Path, config: &TabularConfig, bytes: &[u8]) -> String {
    let path = dir.join("hostile.csv");
    std::fs::write(&path, bytes).unwrap();
    let in_memory = Table::from_path(&path)
        .and_then(|t| config.fit(&t))
        .unwrap_err()
        .to_string();
    for chunk in [1, 2, 4096] {
        let streamed = config.fit_csv(&path, chunk).map(|_| ()).unwrap_err().to_string();
        assert_eq!(
            streamed,
            in_memory,
            "chunks of {chunk}, file {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    in_memory
}

#[test]
fn every_bad_file_is_the_error_the_in_memory_fit_gives() {
    let dir = scratch_dir("csv-stream-hostile");
    let binary = TabularConfig::binary("y", "Y");
    let distinct: String = (0..25).map(|i| format!("P{i},{}\n", ["Y", "N"][i % 2])).collect();
    let late_text: String = (0..30)
        .map(|i| {
            format!(
                "{},{}\n",
                if i < 10 { i.to_string() } else { format!("T{i}") },
                ["Y", "N"][i % 2]
            )
        })
        .collect();
    let cases: Vec<(TabularConfig, Vec<u8>, &str)> = vec![
        // The file itself.
        (binary.clone(), b"".to_vec(), "empty file: no header line"),
        (
            binary.clone(),
            b"x,y\n".to_vec(),
            "line 1: no data rows after the header",
        ),
        (
            binary.clone(),
            b"x,,y\n1,2,Y\n".to_vec(),
            "line 1, column 2: empty column name",
        ),
        (
            binary.clone(),
            b"x,y,x\n1,Y,2\n".to_vec(),
            "appears twice in the header",
        ),
        (
            binary.clone(),
            b"x,y\n1,Y\n\n2\n3,N\n".to_vec(),
            "line 4, column y: row has 1 field but the header has 2",
        ),
        (
            binary.clone(),
            b"x,y\n1,Y\n2,N,3\n".to_vec(),
            "line 3, column 3: row has 3 fields",
        ),
        (
            binary.clone(),
            b"x,y\n1,Y\n\xff,N\n".to_vec(),
            "line 3: not valid UTF-8",
        ),
        // Quotes left open: at the end (the csv crate would swallow the rest), and earlier.
        (
            binary.clone(),
            b"x,y\n1,Y\n2,\"N\n3,Y\n".to_vec(),
            "line 3, column y: a quoted field opened on this line is never closed",
        ),
        (
            binary.clone(),
            b"x,y\n\"1,Y\n2,N\n".to_vec(),
            "line 2, column y: row has 1 field but the header has 2 (a field holds a line break: is a quote left open?)",
        ),
        // Configured columns.
        (
            TabularConfig::binary("label", "Y"),
            b"x,y\n1,Y\n".to_vec(),
            "line 1, column label: missing target column \"label\"",
        ),
        (
            binary.clone().id_column("id"),
            b"x,y\n1,Y\n".to_vec(),
            "missing ID column \"id\"",
        ),
        (
            binary.clone().drop_column("z"),
            b"x,y\n1,Y\n".to_vec(),
            "missing dropped column \"z\"",
        ),
        (
            binary.clone().column_kind("z", ColumnKind::Numeric),
            b"x,y\n1,Y\n".to_vec(),
            "missing column with a kind override",
        ),
        (
            binary.clone().id_column("y"),
            b"x,y\n1,Y\n".to_vec(),
            "config: \"y\" is the target column",
        ),
        (
            binary.clone().id_column("x"),
            b"x,y\n1,Y\n2,N\n".to_vec(),
            "no feature column left",
        ),
        // The target.
        (
            binary.clone(),
            b"x,y\n1,Y\n2,\n3,N\n".to_vec(),
            "line 3, column y: empty target cell",
        ),
        (
            binary.clone(),
            b"x,y\n1,a\n2,b\n".to_vec(),
            "positive label \"Y\" never occurs in the rows fitted on (they hold \"a\", \"b\")",
        ),
        (
            TabularConfig::binary("y", "a"),
            b"x,y\n1,a\n2,b\n3,a\n4,c\n".to_vec(),
            "line 5, column y: target value \"c\" is neither",
        ),
        (
            TabularConfig::multi_class("y"),
            b"x,y\n1,a\n2,a\n".to_vec(),
            "line 1, column y: a multi-class target needs at least 2 classes",
        ),
        (
            TabularConfig::multi_class("y"),
            format!("x,y\n{}", (0..25).map(|i| format!("{i},c{i}\n")).collect::<String>()).into_bytes(),
            "25 distinct labels in 25 rows",
        ),
        (
            TabularConfig::regression("y"),
            b"x,y\n1,2\n2,lots\n".to_vec(),
            "line 3, column y: target value \"lots\" is not a number",
        ),
        (
            TabularConfig::regression("y"),
            b"x,y\n1,2\n2,inf\n".to_vec(),
            "is not a finite number",
        ),
        // The feature columns.
        (
            binary.clone().column_kind("x", ColumnKind::Numeric),
            b"x,y\n1,Y\n\nabc,N\n".to_vec(),
            "line 4, column x: \"abc\" is not a finite number, but the column is numeric",
        ),
        (
            binary.clone(),
            b"x,y\n1,Y\nNaN,N\n".to_vec(),
            "line 3, column x: \"NaN\" is not a finite number",
        ),
        (
            binary.clone(),
            b"x,z,y\n,1,Y\n,2,N\n".to_vec(),
            "column x: every cell of this column is empty",
        ),
        (
            binary.clone(),
            format!("code,y\n{distinct}").into_bytes(),
            "line 1, column code: text column with 25 distinct values in 25 non-empty cells",
        ),
        // Numbers, then text from row 11: the early rows are counted in a later pass.
        (
            binary.clone(),
            format!("code,y\n{late_text}").into_bytes(),
            "text column with 30 distinct values in 30 non-empty cells",
        ),
        // Two faults: the target's is reported first, as in memory.
        (
            binary.clone(),
            b"x,y\nNaN,Y\n2,\n".to_vec(),
            "line 3, column y: empty target cell",
        ),
    ];
    for (config, bytes, expected) in cases {
        let message = same_error(&dir, &config, &bytes);
        let about_the_file = !message.starts_with("config: ");
        assert_eq!(
            message.starts_with(&dir.join("hostile.csv").display().to_string()),
            about_the_file,
            "{message}"
        );
        assert!(message.contains(expected), "{message:?} should contain {expected:?}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn zero_rows_per_chunk_is_an_invalid_argument() {
    let dir = scratch_dir("csv-stream-zero");
    std::fs::write(dir.join("t.csv"), "x,y\n1,Y\n").unwrap();
    for err in [
        CsvChunks::scan(dir.join("t.csv"), 0).unwrap_err(),
        TabularConfig::binary("y", "Y")
            .fit_csv(dir.join("t.csv"), 0)
            .unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "rows_per_chunk",
                    ..
                }
            ),
            "{err}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// 40 rows of `x,colour,y` in chunks of 8: a file to change after it was indexed.
fn indexed(
    dir: &std::path::Path,
) -> (
    std::path::PathBuf,
    ndnet::tabular::FittedPreprocessing,
    CsvChunks,
    String,
) {
    let text: String = (0..40)
        .map(|i| format!("{i},{},{}\n", ["red", "blue"][i % 2], ["Y", "N"][i % 3 / 2]))
        .collect();
    let text = format!("x,colour,y\n{text}");
    let path = dir.join("changing.csv");
    std::fs::write(&path, &text).unwrap();
    let (fitted, chunks) = TabularConfig::binary("y", "Y").fit_csv(&path, 8).unwrap();
    (path, fitted, chunks, text)
}

fn read(examples: &mut CsvExamples<f64>, indices: &[usize]) -> ndnet::Result<()> {
    let (mut x, mut y) = (Array2::zeros((3, indices.len())), Array2::zeros((1, indices.len())));
    examples.gather(indices, x.view_mut(), y.view_mut())
}

#[test]
fn a_file_changed_after_it_was_indexed_is_an_error_naming_it() {
    let dir = scratch_dir("csv-stream-changed");
    let (path, fitted, chunks, text) = indexed(&dir);
    let name = path.display().to_string();

    // A cell rewritten in place (same length) in the third chunk (rows 16–23, lines 18–25):
    // the chunks before still read; that one is refused, naming its first line.
    let mut examples = CsvExamples::<f64>::new(&chunks, &fitted).unwrap();
    std::fs::write(&path, text.replace("\n20,red,", "\n20,blu,")).unwrap();
    read(&mut examples, &[0, 9]).unwrap();
    let err = read(&mut examples, &[3, 20]).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "{name}, line 18: the file changed since it was indexed (the bytes of its 8 rows from this line \
             differ); fit or scan it again (CsvChunks::scan)"
        )
    );
    // Training stops at that batch with the same error.
    let mut net = Network::<f64>::logistic_regression(3).unwrap();
    let err = net
        .fit(
            &mut examples,
            &mut GradientDescent::new(0.1).unwrap(),
            TrainConfig::epochs(1).batch_size(16),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("line 18: the file changed since it was indexed"),
        "{err}"
    );

    // A row appended: the length differs, for every chunk and when opening.
    std::fs::write(&path, format!("{text}40,red,Y\n")).unwrap();
    let grown = format!(
        "the file changed since it was indexed (it was {} bytes long, it is now {})",
        text.len(),
        text.len() + 9
    );
    assert!(read(&mut examples, &[0]).unwrap_err().to_string().contains(&grown));
    assert!(
        CsvExamples::<f64>::new(&chunks, &fitted)
            .err()
            .unwrap()
            .to_string()
            .contains(&grown)
    );

    // The header renamed in place: refused when opening.
    std::fs::write(&path, text.replacen("colour", "colonr", 1)).unwrap();
    let err = CsvExamples::<f64>::new(&chunks, &fitted).err().unwrap().to_string();
    assert_eq!(
        err,
        format!(
            "{name}, line 1: the file changed since it was indexed (its header differs); fit or scan it again (CsvChunks::scan)"
        )
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_cells_read_for_training_name_their_line_and_column_as_transform_does() {
    let dir = scratch_dir("csv-stream-cells");
    let (_, fitted, _, _) = indexed(&dir);
    for (rows, f32_only) in [
        ("1,red,Y\n2,blue,Maybe\n", false), // a label never seen when fitting
        ("1,red,Y\n\n2,,\n", false),        // an empty target cell
        ("1,red,Y\nmany,blue,N\n", false),  // text in a numeric column
        ("1,red,Y\ninf,blue,N\n", false),   // not a finite number
        ("1,red,Y\n\nNaN,red,Y\n", false),  // NaN, after a blank line
        ("1,red,Y\n1e300,blue,N\n", true),  // beyond f32 once standardized
    ] {
        let path = dir.join("valid.csv");
        std::fs::write(&path, format!("x,colour,y\n{rows}")).unwrap();
        let table = Table::from_path(&path).unwrap();
        let chunks = CsvChunks::scan(&path, 1).unwrap();
        let expected = fitted.transform::<f32>(&table).unwrap_err().to_string();
        let mut examples = CsvExamples::<f32>::new(&chunks, &fitted).unwrap();
        let (mut x, mut y) = (Array2::zeros((3, 2)), Array2::zeros((1, 2)));
        let err = examples.gather(&[0, 1], x.view_mut(), y.view_mut()).unwrap_err();
        assert_eq!(err.to_string(), expected);
        assert!(
            expected.contains(", line 3, column ") || expected.contains(", line 4, column "),
            "{expected}"
        );
        assert_eq!(fitted.transform::<f64>(&table).is_ok(), f32_only, "{expected}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}
