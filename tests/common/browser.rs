//! Rendering an HTML file in headless Chromium, as a person would open it: the DOM after
//! loading (`--dump-dom`), every console message, and a screenshot (`--screenshot`).
//!
//! Chromium is found as `NDNET_CHROMIUM`, else `chromium`, `chromium-browser` or
//! `google-chrome` on the PATH. Without it the calling test fails, unless `NDNET_SKIP_BROWSER=1`
//! says to skip: then [`render`] prints "skipped: chromium not found" and returns `None`, and
//! `.ci/run` says the browser test was skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the browser made of a page.
pub struct Rendered {
    /// The DOM after loading, serialized.
    pub dom: String,
    /// Every console message (an error, a warning, a blocked request or script); the report
    /// has no script, so any message is a fault.
    pub console: Vec<String>,
    /// The screenshot's width, height and RGB(A) samples.
    pub screenshot: (u32, u32, Vec<u8>),
}

/// The Chromium binary, if there is one.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NDNET_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs Chromium headless on `page` with `args`; (stdout, stderr).
fn run(browser: &Path, page: &Path, args: &[&str]) -> (String, String) {
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let out = Command::new(browser)
        .args(["--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars"])
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--no-first-run",
            "--disable-extensions",
        ])
        .args(args)
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", browser.display()));
    assert!(
        out.status.success(),
        "{} failed on {url}: {}",
        browser.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Renders `page`; `None` (with a message) only when Chromium is missing and
/// `NDNET_SKIP_BROWSER=1`.
///
/// # Panics
/// When Chromium is missing and skipping was not asked for, or when it fails.
pub fn render(page: &Path) -> Option<Rendered> {
    let Some(browser) = chromium() else {
        if std::env::var("NDNET_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("skipped: chromium not found (NDNET_SKIP_BROWSER=1)");
            return None;
        }
        panic!(
            "chromium not found: install it (apt-get install -y chromium), name it with \
             NDNET_CHROMIUM, or set NDNET_SKIP_BROWSER=1 to skip the browser tests"
        );
    };
    let (dom, log) = run(&browser, page, &["--dump-dom"]);
    let shot = page.with_extension("png");
    let _ = std::fs::remove_file(&shot);
    let screenshot_arg = format!("--screenshot={}", shot.display());
    let (_, log2) = run(&browser, page, &[&screenshot_arg, "--window-size=1200,2400"]);
    let console = log
        .lines()
        .chain(log2.lines())
        .filter(|line| line.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    Some(Rendered {
        dom,
        console,
        screenshot: read_png(&shot),
    })
}

/// Decodes a PNG to 8-bit samples.
fn read_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

impl Rendered {
    /// Checks what a person would: no console message, each section id in the DOM, and a
    /// screenshot that is not blank (its grey levels vary and it has many colours).
    pub fn check(&self, sections: &[&str]) {
        assert!(self.console.is_empty(), "console messages: {:#?}", self.console);
        for id in sections {
            assert!(
                self.dom.contains(&format!("<section id=\"{id}\">")),
                "section {id} missing from the DOM"
            );
        }
        let (w, h, samples) = &self.screenshot;
        let channels = samples.len() / (*w as usize * *h as usize);
        let grey: Vec<f64> = samples
            .chunks(channels)
            .map(|p| p[..3].iter().map(|&v| f64::from(v)).sum::<f64>() / 3.0)
            .collect();
        let mean = grey.iter().sum::<f64>() / grey.len() as f64;
        let variance = grey.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / grey.len() as f64;
        assert!(
            variance > 100.0,
            "the screenshot looks blank: grey variance {variance:.1}"
        );
        let mut colours: Vec<&[u8]> = samples.chunks(channels).map(|p| &p[..3]).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 50, "the screenshot has only {} colours", colours.len());
    }
}
