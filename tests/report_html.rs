//! `--report FILE.html` in a real browser: the report of the shipped corpus
//! (its documents with a text: the seeds and the Brown press sections)
//! loaded in headless Chromium (Debian's `chromium`), its counts, histogram,
//! sorting and an opened document checked through the page's own DOM, and
//! a screenshot checked not to be blank.
//!
//! Without Chromium the test says it is skipped, unless
//! `UNSPIN_REQUIRE_BROWSER=1` (as `.ci/run` sets) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        let required = std::env::var("UNSPIN_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "UNSPIN_REQUIRE_BROWSER=1 but no chromium: apt-get install chromium"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium runs this test)");
    }
    found
}

/// Runs headless Chromium on `url` with `args`, in a fresh profile, killed
/// if it takes over two minutes; returns its standard output.
fn headless(browser: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        // Chromium's helpers must neither read nor write the terminal
        // the tests run in.
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium took over two minutes on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

/// Appended to a copy of the report: works the page as a person would,
/// and writes what it saw into `#test-result` for `--dump-dom`.
const PROBE: &str = r##"<script>
(() => {
  const rows = () => [...document.querySelectorAll("#documents tr.doc")];
  const scores = () => rows().map(r => Number(r.dataset.score));
  const out = {};
  out.counts = ["documents", "spun", "restorations", "errors"]
    .map(k => Number(document.getElementById("count-" + k).textContent.replace(/,/g, "")));
  out.bars = [...document.querySelectorAll("#histogram rect.bar")].map(b => Number(b.dataset.count));
  out.forms = document.querySelectorAll("#forms tbody tr").length;
  out.rows = rows().length;
  out.first = scores();
  document.getElementById("sort-score").click();
  out.ascending = scores();
  document.getElementById("sort-score").click();
  out.descending = scores();
  out.restorationsShown = Number(rows()[0].children[3].textContent.replace(/,/g, ""));
  rows()[0].click();
  const marks = [...document.querySelectorAll("tr.detail .r")];
  out.marks = marks.length;
  out.title = marks.length ? marks[0].title : "";
  out.open = document.querySelectorAll("tr.detail").length;
  const pre = document.createElement("pre");
  pre.id = "test-result";
  pre.textContent = JSON.stringify(out);
  document.body.append(pre);
})();
</script>"##;

#[test]
fn the_report_of_the_shipped_corpus_works_in_headless_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("unspin")
        .unwrap()
        .current_dir(root)
        .args(["check", "-q", "--report"])
        .arg(&report)
        // Every shipped document with a "text": the seeds and the Brown
        // press sections.
        .args(["corpus/seeds", "corpus/brown-press.jsonl"])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no network"
    );

    // The DOM after the probe has clicked through the page.
    let probed = dir.path().join("probed.html");
    std::fs::write(&probed, page.replace("</body>", &format!("{PROBE}</body>"))).unwrap();
    let url = format!("file://{}", probed.display());
    let dom = headless(
        &browser,
        &dir.path().join("profile1"),
        &["--dump-dom".into()],
        &url,
    );
    let json = dom
        .split("<pre id=\"test-result\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "no probe result in the DOM:\n{}",
                &dom[..dom.len().min(2000)]
            )
        });
    let r: serde_json::Value = serde_json::from_str(json).unwrap();
    let nums = |k: &str| -> Vec<f64> {
        r[k].as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let counts = nums("counts");
    let (documents, spun, restorations) = (counts[0], counts[1], counts[2]);
    assert!(documents > 50.0, "the corpus has dozens of documents: {r}");
    assert!(spun > 0.0 && spun < documents && restorations > spun, "{r}");
    assert_eq!(counts[3], 0.0, "no errors: {r}");
    let bars = nums("bars");
    assert_eq!(bars.len(), 20);
    assert_eq!(
        bars.iter().sum::<f64>(),
        documents,
        "every document in a bar"
    );
    assert!(r["forms"].as_u64().unwrap() > 10, "{r}");
    // The sample (the 1,000 most spun: here all), most spun first.
    let rows = r["rows"].as_f64().unwrap();
    assert_eq!(rows, documents.min(1000.0), "{r}");
    let last = rows as usize - 1;
    let sorted = |v: &[f64], down: bool| {
        v.windows(2)
            .all(|w| if down { w[0] >= w[1] } else { w[0] <= w[1] })
    };
    let (first, asc, desc) = (nums("first"), nums("ascending"), nums("descending"));
    assert!(sorted(&first, true) && first[0] > first[last], "{first:?}");
    assert!(
        sorted(&asc, false) && asc[0] < asc[last],
        "sorting by score flips the list"
    );
    assert_eq!(desc, first);
    // The most spun document opens with its restorations marked.
    assert_eq!(r["open"], 1);
    // Every restoration of the most spun document is marked (the shipped
    // documents are shorter than the part of a text a page shows).
    assert!(r["marks"].as_f64().unwrap() > 0.0, "{r}");
    assert_eq!(r["marks"], r["restorationsShown"], "{r}");
    let title = r["title"].as_str().unwrap();
    let p: f64 = title
        .split("confidence ")
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(f64::NAN);
    assert!(title.contains(" → ") && (0.0..=1.0).contains(&p), "{title}");

    // A screenshot of the page as it opens, not blank.
    let shot = dir.path().join("report.png");
    let url = format!("file://{}", report.display());
    headless(
        &browser,
        &dir.path().join("profile2"),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1200,1500".into(),
        ],
        &url,
    );
    let (width, height, pixels) = decode_png(&shot);
    assert_eq!((width, height), (1200, 1500));
    let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(4).collect();
    let background = pixels
        .chunks(4)
        .filter(|p| *p == [255, 255, 255, 255])
        .count();
    assert!(distinct.len() > 50, "{} colours: blank?", distinct.len());
    assert!(
        background * 100 / (pixels.len() / 4) < 97,
        "almost all white"
    );
    if let Ok(keep) = std::env::var("UNSPIN_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}

/// Width, height and RGBA pixels of a PNG.
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let rgba = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    (info.width, info.height, rgba)
}
