//! `unspin review` end to end, in a real pseudo-terminal.
//!
//! Each test runs the binary under `sh -c '... ; echo EXIT=$?; stty -a'` in a
//! pty (expectrl), feeds what it prints to a vt100 parser of 80x24, and reads
//! the screen from the parser. The `stty -a` after the run shows whether the
//! terminal was left in raw mode. The findings come from a small table with
//! `--tables '' --decide dictionary`, so the proposals do not depend on the
//! language model.

#![cfg(unix)]

use std::io::{ErrorKind, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;
use expectrl::Session;

const TABLE: &str = "struggle\twar | fight\t1.0\n\
                     center east\tmiddle east\t1.0\n\
                     mentioned\tsaid | stated\t1.0\n\
                     navy\tmilitary | naval\t1.0\n\
                     assaults\tattacks\t1.0\n";

const DOC: &str = "The struggle in the Center East grew.\n\
                   Officials mentioned the navy.\n\
                   The assaults went on.";

/// A directory with `t.tsv` (the table) and `doc.txt`.
fn workspace(doc: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.tsv"), TABLE).unwrap();
    std::fs::write(dir.path().join("doc.txt"), doc).unwrap();
    dir
}

/// `unspin` with the test table, quoted for `sh`.
fn unspin_cmd(args: &str) -> String {
    format!(
        "'{}' {args} --tables '' --dict t.tsv --decide dictionary",
        env!("CARGO_BIN_EXE_unspin")
    )
}

/// A program in a pty, with the screen it has drawn so far.
struct Pty {
    session: expectrl::session::OsSession,
    parser: vt100::Parser,
}

impl Pty {
    /// Runs the shell `script` in `dir` in an 80x24 pseudo-terminal.
    fn spawn(dir: &Path, script: &str, envs: &[(&str, &str)]) -> Pty {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(script)
            .current_dir(dir)
            .env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session.get_process_mut().set_window_size(80, 24).unwrap();
        Pty {
            session,
            parser: vt100::Parser::new(size(24), size(80), 0),
        }
    }

    /// Reads what the program printed so far into the screen.
    fn pump(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        let mut any = false;
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return any,
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    any = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return any,
                // EIO: the program has exited and the pty is closed.
                Err(_) => return any,
            }
        }
    }

    /// The screen as text.
    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits (up to 20 s) until the screen contains `needle`, then until the
    /// program has drawn the rest of the frame (no output for 100 ms), and
    /// returns the screen.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            if self.screen().contains(needle) {
                loop {
                    std::thread::sleep(Duration::from_millis(100));
                    if !self.pump() {
                        return self.screen();
                    }
                }
            }
            let screen = self.screen();
            if Instant::now() > deadline {
                panic!("timed out waiting for {needle:?}; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `keys`.
    fn send(&mut self, keys: &str) {
        self.session.write_all(keys.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    /// Types `keys` and waits for `needle`.
    fn key(&mut self, keys: &str, needle: &str) -> String {
        self.send(keys);
        self.wait_for(needle)
    }

    /// Waits for the script's end and returns the exit status of the
    /// review and the `stty -a` it printed.
    fn finish(&mut self) -> (i32, String) {
        let screen = self.wait_for("EXIT=");
        let screen = if screen.contains("icanon") {
            screen
        } else {
            self.wait_for("icanon")
        };
        let status = screen
            .split("EXIT=")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|s| s.parse().ok())
            .expect("exit status");
        (status, screen)
    }

    /// The process id of the review (the shell's child).
    fn review_pid(&self) -> u32 {
        let sh = self.session.get_process().pid().as_raw();
        let path = format!("/proc/{sh}/task/{sh}/children");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let children = std::fs::read_to_string(&path).unwrap_or_default();
            if let Some(pid) = children.split_whitespace().next() {
                return pid.parse().unwrap();
            }
            assert!(Instant::now() < deadline, "the review did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

/// Asserts the terminal is out of raw mode and back on the main screen.
fn assert_terminal_restored(pty: &Pty, stty: &str) {
    assert!(
        !pty.parser.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!pty.parser.screen().hide_cursor(), "cursor left hidden");
    let flags: Vec<&str> = stty.split_whitespace().collect();
    for flag in ["icanon", "isig", "icrnl"] {
        assert!(
            flags.contains(&flag),
            "{flag} is off: raw mode left on\n{stty}"
        );
    }
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn review_keys_in_a_terminal_write_exactly_what_they_chose() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);

    // The first finding: the span, the proposal beside it, the alternatives.
    let screen = pty.wait_for("struggle → war");
    assert!(
        screen.contains("The struggle → war in the Center East grew."),
        "{screen}"
    );
    assert!(screen.contains("finding 1 of 5"), "{screen}");
    assert!(
        screen.contains("1 war") && screen.contains("2 fight"),
        "{screen}"
    );
    assert!(screen.contains("y accept"), "{screen}");

    // y accepts struggle -> war; n rejects Center East.
    pty.key("y", "Center East → Middle East");
    pty.key("n", "mentioned → said");
    // 2 picks the second alternative of mentioned: stated.
    let screen = pty.key("2", "navy → military");
    assert!(screen.contains("picked 2: mentioned → stated"), "{screen}");
    // e edits navy by hand: Ctrl-U clears the proposal, then type and Enter.
    let screen = pty.key("e\x15armed forces", "replace “navy” with: armed forces");
    assert!(screen.contains("navy → armed forces"), "{screen}");
    pty.key("\r", "assaults → attacks");
    // y on the last finding asks to save; u takes that back.
    pty.key("y", "Every finding decided");
    let screen = pty.key("u", "undone");
    assert!(
        screen.contains("finding 5 of 5") && screen.contains("undecided"),
        "{screen}"
    );
    // q asks whether to save; y saves.
    pty.key("q", "Write 3 changes to doc.txt?");
    pty.send("y");
    let (status, screen) = pty.finish();

    assert_eq!(status, 0, "{screen}");
    assert!(
        screen.contains("doc.txt: 2 accepted, 1 rejected, 1 edited, 1 skipped; wrote doc.txt"),
        "{screen}"
    );
    assert_terminal_restored(&pty, &screen);
    assert_eq!(
        read(dir.path(), "doc.txt"),
        "The war in the Center East grew.\n\
         Officials stated the armed forces.\n\
         The assaults went on."
    );
}

#[test]
fn review_with_output_leaves_the_file_and_writes_out() {
    let dir = workspace(DOC);
    let script = format!(
        "{}; echo EXIT=$?; stty -a",
        unspin_cmd("review doc.txt -o out.txt")
    );
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("struggle → war");
    pty.key("a", "Write 5 changes to out.txt?");
    pty.send("y");
    let (status, screen) = pty.finish();
    assert_eq!(status, 0, "{screen}");
    assert_eq!(read(dir.path(), "doc.txt"), DOC);
    assert_eq!(
        read(dir.path(), "out.txt"),
        "The war in the Middle East grew.\nOfficials said the military.\nThe attacks went on."
    );
}

#[test]
fn quitting_without_saving_writes_nothing() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("struggle → war");
    pty.key("yq", "Write 1 change to doc.txt?");
    pty.send("n");
    let (status, screen) = pty.finish();
    assert_eq!(status, 0, "{screen}");
    assert!(screen.contains("nothing written"), "{screen}");
    assert_eq!(read(dir.path(), "doc.txt"), DOC);
}

#[test]
fn ctrl_c_quits_without_saving_and_restores_the_terminal() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("struggle → war");
    pty.key("y", "Center East → Middle East");
    pty.send("\x03");
    let (status, screen) = pty.finish();
    assert_eq!(status, 130, "{screen}");
    assert!(
        screen.contains("review interrupted; nothing written"),
        "{screen}"
    );
    assert_terminal_restored(&pty, &screen);
    assert_eq!(read(dir.path(), "doc.txt"), DOC);
}

#[test]
fn sigterm_quits_without_saving_and_restores_the_terminal() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("struggle → war");
    pty.key("y", "Center East → Middle East");
    let pid = pty.review_pid();
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (status, screen) = pty.finish();
    assert_eq!(status, 143, "{screen}");
    assert!(screen.contains("stopped by signal 15"), "{screen}");
    assert_terminal_restored(&pty, &screen);
    assert_eq!(read(dir.path(), "doc.txt"), DOC);
}

#[test]
fn the_screen_is_redrawn_to_the_new_size_on_resize() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("struggle → war");
    pty.parser.screen_mut().set_size(size(30), size(110));
    pty.session
        .get_process_mut()
        .set_window_size(110, 30)
        .unwrap();
    // At 110 columns the key help has room for the search key.
    pty.wait_for("/ find");
    let header = pty.screen().lines().next().unwrap_or_default().to_string();
    assert!(header.trim_end().chars().count() > 100, "{header}");
    pty.send("\x03");
    pty.finish();
}

#[test]
fn no_color_draws_the_review_without_colours() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[("NO_COLOR", "1")]);
    pty.wait_for("struggle → war");
    let screen = pty.parser.screen();
    let (rows, cols) = (24, 80);
    for row in 0..rows {
        for col in 0..cols {
            let cell = screen.cell(row, col).unwrap();
            assert_eq!(
                cell.fgcolor(),
                vt100::Color::Default,
                "colour at {row},{col}"
            );
            assert_eq!(
                cell.bgcolor(),
                vt100::Color::Default,
                "colour at {row},{col}"
            );
        }
    }
    // The span is still marked, in reverse video.
    let text = pty.screen();
    let row = text
        .lines()
        .position(|l| l.contains("The struggle"))
        .unwrap();
    let line = text.lines().nth(row).unwrap();
    let col = line[..line.find("struggle").unwrap()].chars().count();
    let (row, col) = (row as u16, col as u16);
    assert!(pty.parser.screen().cell(row, col).unwrap().inverse());
    pty.send("\x03");
    pty.finish();
}

#[test]
fn an_ignore_saved_in_review_is_honoured_by_a_later_check() {
    let doc = "The navy said the struggle began.\nThe navy left.\n";
    let dir = workspace(doc);
    let check = || {
        Command::cargo_bin("unspin")
            .unwrap()
            .current_dir(dir.path())
            .args([
                "check",
                "--tables",
                "",
                "--dict",
                "t.tsv",
                "--decide",
                "dictionary",
                "doc.txt",
            ])
            .output()
            .unwrap()
    };
    let before = String::from_utf8(check().stdout).unwrap();
    assert!(before.contains("navy -> military"), "{before}");

    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("navy → military");
    // i keeps navy everywhere and remembers it; y accepts struggle -> war.
    pty.key("i", "struggle → war");
    pty.key("y", "And remember “navy” in unspin.toml.");
    pty.send("y");
    let (status, screen) = pty.finish();
    assert_eq!(status, 0, "{screen}");
    assert!(screen.contains("remembered “navy” in"), "{screen}");
    assert_eq!(
        read(dir.path(), "doc.txt"),
        "The navy said the war began.\nThe navy left.\n"
    );
    let config = read(dir.path(), "unspin.toml");
    assert!(config.contains("forms = [\"navy\"]"), "{config}");

    // Put the spun form back: check still leaves navy alone.
    std::fs::write(dir.path().join("doc.txt"), doc).unwrap();
    let after = check();
    let out = String::from_utf8(after.stdout).unwrap();
    assert!(!out.contains("navy"), "{out}");
    assert!(out.contains("struggle -> war"), "{out}");
}

#[test]
fn review_without_a_terminal_fails_with_exit_2_and_suggests_diff_patch() {
    let dir = workspace(DOC);
    let out = Command::cargo_bin("unspin")
        .unwrap()
        .current_dir(dir.path())
        .args(["review", "doc.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("review needs a terminal"), "{err}");
    assert!(err.contains("unspin diff --patch doc.txt"), "{err}");
    assert_eq!(read(dir.path(), "doc.txt"), DOC);
}

#[test]
fn review_takes_exactly_one_file() {
    let dir = workspace(DOC);
    for args in [
        &["review"][..],
        &["review", "-"],
        &["review", "doc.txt", "t.tsv"],
    ] {
        let out = Command::cargo_bin("unspin")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("review"), "{err}");
    }
}

#[test]
fn a_file_changed_during_the_review_is_not_overwritten() {
    let dir = workspace(DOC);
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review doc.txt"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for("struggle → war");
    std::fs::write(dir.path().join("doc.txt"), "edited elsewhere\n").unwrap();
    pty.key("a", "Write 5 changes to doc.txt?");
    pty.send("y");
    let (status, screen) = pty.finish();
    assert_eq!(status, 2, "{screen}");
    assert!(screen.contains("changed during the review"), "{screen}");
    assert_eq!(read(dir.path(), "doc.txt"), "edited elsewhere\n");
    let aside = read(dir.path(), "doc.txt.reviewed");
    assert!(
        aside.starts_with("The war in the Middle East grew."),
        "{aside}"
    );
}

#[test]
fn a_review_whose_terminal_hangs_up_ends_without_writing() {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.txt");
    let table = dir.path().join("t.tsv");
    std::fs::write(&doc, "a struggle began\n").unwrap();
    std::fs::write(&table, "struggle\twar | fight\t1.0\n").unwrap();
    let (mut master, mut slave) = (0, 0);
    let window = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors; the null pointers ask for no
    // name and default termios; `window` outlives the call.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &window,
        )
    };
    assert_eq!(rc, 0, "openpty failed");
    // SAFETY: fcntl on a descriptor just opened. Reads below must not block,
    // and the child must not inherit the master, or the terminal would never
    // hang up.
    unsafe {
        let flags = libc::fcntl(master, libc::F_GETFL);
        libc::fcntl(master, libc::F_SETFL, flags | libc::O_NONBLOCK);
        libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC);
    }
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_unspin"));
    cmd.args(["review", "--tables", "", "--decide", "dictionary", "--dict"])
        .arg(&table)
        .arg(&doc)
        .env_remove("NO_COLOR")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    // SAFETY: setsid and ioctl are async-signal-safe; they make the pty the
    // child's controlling terminal, as a terminal emulator would.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
    // Wait until the review is on screen.
    let mut parser = vt100::Parser::new(size(24), size(80), 0);
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let mut buf = [0u8; 4096];
    let started = Instant::now();
    while !parser.screen().contents().contains("struggle")
        && started.elapsed() < Duration::from_secs(20)
    {
        match reader.read(&mut buf) {
            Ok(n) if n > 0 => parser.process(&buf[..n]),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let screen = parser.screen().contents();
    assert!(
        screen.contains("struggle"),
        "the review never drew: {screen}"
    );
    // The terminal goes away.
    drop(reader);
    drop(master);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the review kept running after its terminal hung up");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    assert_eq!(std::fs::read_to_string(&doc).unwrap(), "a struggle began\n");
}

#[test]
fn review_of_json_lines_writes_each_records_text_back_in_its_line() {
    let jsonl = "{\"id\":1,\"text\":\"The struggle in the Center East grew.\",\"n\":1E5}\n\
                 {oops\n\
                 \n\
                 {\"meta\":{\"a\":[1, 2]},\"text\":\"Officials mentioned the navy.\\u00e9 \\\"q\\\"\"}\r\n\
                 {\"text\":\"No spun form here.\"}";
    let dir = workspace(DOC);
    std::fs::write(dir.path().join("docs.jsonl"), jsonl).unwrap();
    let script = format!("{}; echo EXIT=$?; stty -a", unspin_cmd("review docs.jsonl"));
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    let screen = pty.wait_for("struggle → war");
    assert!(screen.contains("finding 1 of 4"), "{screen}");
    assert!(screen.contains("line 1, column 5"), "{screen}");
    pty.key("y", "Center East → Middle East");
    let screen = pty.key("n", "mentioned → said");
    // The second record's finding, at its line of the file.
    assert!(screen.contains("line 4, column 11"), "{screen}");
    pty.key("2", "navy → military");
    pty.key("y", "Every finding decided");
    pty.key("q", "Write 3 changes to docs.jsonl?");
    pty.send("y");
    let (status, screen) = pty.finish();
    assert_eq!(status, 0, "{screen}");
    assert!(
        screen
            .contains("docs.jsonl: 3 accepted, 1 rejected, 0 edited, 0 skipped; wrote docs.jsonl"),
        "{screen}"
    );
    assert_terminal_restored(&pty, &screen);
    // Only the text fields changed; every other byte as written (the bad
    // line, the blank one, the number, the escapes, the CR, no last newline).
    assert_eq!(
        read(dir.path(), "docs.jsonl"),
        "{\"id\":1,\"text\":\"The war in the Center East grew.\",\"n\":1E5}\n\
         {oops\n\
         \n\
         {\"meta\":{\"a\":[1, 2]},\"text\":\"Officials stated the military.\\u00e9 \\\"q\\\"\"}\r\n\
         {\"text\":\"No spun form here.\"}"
    );
}

/// The proposed restorations of `doc.txt` in `dir` as `check --format json`
/// gives them with the shipped model: (span, spun, original, confidence).
fn proposals(dir: &Path) -> Vec<((usize, usize), String, String, f64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["check", "--format", "json", "doc.txt"])
        .current_dir(dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["original"].is_null())
        .map(|f| {
            let span = (
                f["span"][0].as_u64().unwrap() as usize,
                f["span"][1].as_u64().unwrap() as usize,
            );
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (span, s("spun"), s("original"), f["score"].as_f64().unwrap())
        })
        .collect()
}

#[test]
fn sort_search_by_form_and_accept_at_or_above_a_confidence() {
    // Three paragraphs of the spun seed, decided by the shipped model: the
    // confidences differ, as they do in real use.
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/seeds/002_e90d1dc293122756.txt"
    ))
    .unwrap();
    let doc: String = seed.split_inclusive('\n').take(5).collect();
    let dir = workspace(&doc);
    let found = proposals(dir.path());
    let n = found.len();
    assert!(n > 5, "{found:?}");
    let mut walk: Vec<usize> = (0..n).collect();
    walk.sort_by(|&a, &b| found[a].3.total_cmp(&found[b].3));
    let least = &found[walk[0]];
    assert!(least.3 < found[walk[1]].3, "a single least sure: {found:?}");
    // A threshold that splits the proposals, away from any (rounded) score.
    let p = (50..100)
        .rev()
        .map(|k| f64::from(k) / 100.0)
        .find(|p| {
            let above = found.iter().filter(|f| f.3 >= *p).count();
            above > 0 && above < n && found.iter().all(|f| (f.3 - p).abs() > 0.0005)
        })
        .expect("a threshold");
    let above = found.iter().filter(|f| f.3 >= p).count();
    // A spun form that occurs once, searched for by name.
    let once = walk
        .iter()
        .rev()
        .map(|&i| &found[i])
        .find(|f| found.iter().filter(|g| g.1 == f.1).count() == 1)
        .expect("a form that occurs once");

    let script = format!(
        "'{}' review doc.txt; echo EXIT=$?; stty -a",
        env!("CARGO_BIN_EXE_unspin")
    );
    let mut pty = Pty::spawn(dir.path(), &script, &[]);
    pty.wait_for(&format!("finding 1 of {n}"));
    // s: least sure first.
    let screen = pty.key("s", &format!("least sure 1 of {n}"));
    assert!(
        screen.contains(&format!("{} → {}", least.1, least.2)),
        "{screen}"
    );
    // / finds a spun form.
    let screen = pty.key(&format!("/{}\r", once.1), "in a spun form");
    assert!(
        screen.contains(&format!("{} → {}", once.1, once.2)),
        "{screen}"
    );
    // p: accept every remaining restoration at or above p.
    pty.key("p", "accept all with confidence ≥ 0.9");
    let screen = pty.key(
        &format!("\x15{p}\r"),
        &format!("accepted {above} restorations"),
    );
    assert!(
        screen.contains(&format!("{} left to decide", n - above)),
        "{screen}"
    );
    // d keeps the rest as written; then save.
    pty.key("d", "Every finding decided");
    pty.send("y");
    let (status, screen) = pty.finish();
    assert_eq!(status, 0, "{screen}");
    assert_terminal_restored(&pty, &screen);
    let mut want = doc.clone();
    for ((start, end), _, original, score) in found.iter().rev() {
        if *score >= p {
            want.replace_range(start..end, original);
        }
    }
    assert_eq!(read(dir.path(), "doc.txt"), want);
}
