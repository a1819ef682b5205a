//! `unspin diff --patch` writes patches that `git apply` and `patch -p1`
//! accept, and that give the same bytes as `unspin fix`.

use std::path::Path;
use std::process::{Command, Output};

use assert_cmd::prelude::*;

const SEED: &str = "corpus/seeds/002_e90d1dc293122756.txt";

/// True when `tool --version` runs; otherwise says the test is skipped.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `{tool}` is not installed");
    }
    ok
}

fn unspin(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("unspin")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A git repository with the seed at `docs/seed.txt`.
fn repo_with_seed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "git", &["init", "-q"]);
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED);
    std::fs::copy(seed, dir.path().join("docs/seed.txt")).unwrap();
    dir
}

#[test]
fn git_apply_accepts_the_patch_of_the_seed_and_gives_what_fix_writes() {
    if !have("git") {
        return;
    }
    let dir = repo_with_seed();
    let patch = unspin(
        dir.path(),
        &["diff", "--patch", "--color", "always", "docs/seed.txt"],
    );
    assert_eq!(patch.status.code(), Some(1), "restorations proposed");
    let text = String::from_utf8(patch.stdout).unwrap();
    assert!(
        text.starts_with("--- a/docs/seed.txt\n+++ b/docs/seed.txt\n@@ "),
        "{text}"
    );
    assert!(!text.contains('\x1b'), "a patch is never coloured");
    let original = std::fs::read_to_string(dir.path().join("docs/seed.txt")).unwrap();
    assert!(!original.ends_with('\n'), "the seed has no final newline");
    let last = original.lines().last().unwrap();
    if text.contains(&format!("-{last}\n")) {
        assert!(
            text.contains(&format!("-{last}\n\\ No newline at end of file\n")),
            "{text}"
        );
    }
    std::fs::write(dir.path().join("restore.patch"), &text).unwrap();

    let fixed = unspin(dir.path(), &["fix", "docs/seed.txt"]).stdout;
    assert_ne!(fixed, original.as_bytes());
    run(dir.path(), "git", &["apply", "--check", "restore.patch"]);
    run(dir.path(), "git", &["apply", "restore.patch"]);
    assert_eq!(
        std::fs::read(dir.path().join("docs/seed.txt")).unwrap(),
        fixed
    );
}

#[test]
fn patch_p1_accepts_the_patch_of_the_seed_and_gives_what_fix_writes() {
    if !have("patch") || !have("git") {
        return;
    }
    let dir = repo_with_seed();
    let patch = unspin(dir.path(), &["diff", "--patch", "./docs/seed.txt"]).stdout;
    assert!(
        patch.starts_with(b"--- a/docs/seed.txt\n"),
        "./ is dropped from the names"
    );
    std::fs::write(dir.path().join("restore.patch"), &patch).unwrap();
    let fixed = unspin(dir.path(), &["fix", "docs/seed.txt"]).stdout;
    run(
        dir.path(),
        "patch",
        &["-p1", "--quiet", "-i", "restore.patch"],
    );
    assert_eq!(
        std::fs::read(dir.path().join("docs/seed.txt")).unwrap(),
        fixed
    );
}

#[test]
fn patches_apply_with_and_without_a_final_newline_in_several_files() {
    if !have("git") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "git", &["init", "-q"]);
    std::fs::write(dir.path().join("t.tsv"), "struggle\twar\t1.0\n").unwrap();
    let docs = [
        ("a.txt", "One line.\nA struggle ends it."),
        (
            "b.txt",
            "A struggle starts it.\nand\nmore\nlines\nhere\nthen\na struggle\n",
        ),
        ("c.txt", "no newline and a struggle"),
    ];
    for (name, text) in docs {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let args = [
        "diff",
        "--patch",
        "--tables",
        "",
        "--dict",
        "t.tsv",
        "--decide",
        "dictionary",
        "a.txt",
        "b.txt",
        "c.txt",
    ];
    let patch = unspin(dir.path(), &args).stdout;
    let text = String::from_utf8(patch).unwrap();
    assert_eq!(
        text.matches("\\ No newline at end of file\n").count(),
        4,
        "{text}"
    );
    std::fs::write(dir.path().join("all.patch"), &text).unwrap();
    run(dir.path(), "git", &["apply", "--check", "all.patch"]);
    run(dir.path(), "git", &["apply", "all.patch"]);
    for (name, text) in docs {
        let got = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(got, text.replace("struggle", "war"), "{name}");
    }
}

#[test]
fn patch_of_standard_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::cargo_bin("unspin")
        .unwrap()
        .current_dir(dir.path())
        .args(["diff", "--patch"])
        .write_stdin("a struggle")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--patch needs files"));
}

/// A directory holding the table `struggle -> war` and `doc.txt`.
fn dir_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), "git", &["init", "-q"]);
    std::fs::write(dir.path().join("t.tsv"), "struggle\twar\t1.0\n").unwrap();
    std::fs::write(dir.path().join("doc.txt"), text).unwrap();
    dir
}

const TABLE_ARGS: [&str; 6] = ["--tables", "", "--dict", "t.tsv", "--decide", "dictionary"];

#[test]
fn a_bare_carriage_return_inside_a_line_gives_a_patch_git_and_patch_accept() {
    if !have("git") || !have("patch") {
        return;
    }
    let text = "Head line.\nOld\rstyle struggle here\rand a struggle there.\nTail\r\nend\n";
    let want = text.replace("struggle", "war");
    let dir = dir_with(text);
    let mut args = vec!["diff", "--patch"];
    args.extend(TABLE_ARGS);
    args.push("doc.txt");
    let out = unspin(dir.path(), &args);
    assert_eq!(out.status.code(), Some(1));
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(
        patch.contains("\n-Old\rstyle struggle here\rand a struggle there.\n+Old\rstyle war"),
        "the CR stays inside the line, after its sign: {patch:?}"
    );
    std::fs::write(dir.path().join("cr.patch"), &patch).unwrap();
    run(dir.path(), "git", &["apply", "--check", "cr.patch"]);
    run(
        dir.path(),
        "patch",
        &["-p1", "--quiet", "--dry-run", "-i", "cr.patch"],
    );
    run(dir.path(), "git", &["apply", "cr.patch"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("doc.txt")).unwrap(),
        want
    );
    std::fs::write(dir.path().join("doc.txt"), text).unwrap();
    run(dir.path(), "patch", &["-p1", "--quiet", "-i", "cr.patch"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("doc.txt")).unwrap(),
        want
    );
}

#[test]
fn unified_zero_gives_a_hunk_for_each_changed_line_that_applies() {
    if !have("git") || !have("patch") {
        return;
    }
    let text = "A struggle.\nkept\nkept\nkept\nkept\nkept\nkept\nOne more struggle.\n";
    let want = text.replace("struggle", "war");
    let dir = dir_with(text);
    let mut args = vec!["diff", "--patch", "-U", "0"];
    args.extend(TABLE_ARGS);
    args.push("doc.txt");
    let patch = String::from_utf8(unspin(dir.path(), &args).stdout).unwrap();
    assert_eq!(
        patch,
        "--- a/doc.txt\n+++ b/doc.txt\n@@ -1 +1 @@\n-A struggle.\n+A war.\n\
         @@ -8 +8 @@\n-One more struggle.\n+One more war.\n"
    );
    let mut args = vec!["diff", "--patch", "--unified", "3"];
    args.extend(TABLE_ARGS);
    args.push("doc.txt");
    let wide = String::from_utf8(unspin(dir.path(), &args).stdout).unwrap();
    assert_eq!(wide.matches("\n@@ ").count(), 1, "{wide}");
    std::fs::write(dir.path().join("zero.patch"), &patch).unwrap();
    run(
        dir.path(),
        "git",
        &["apply", "--unidiff-zero", "zero.patch"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("doc.txt")).unwrap(),
        want
    );
    std::fs::write(dir.path().join("doc.txt"), text).unwrap();
    run(dir.path(), "patch", &["-p1", "--quiet", "-i", "zero.patch"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("doc.txt")).unwrap(),
        want
    );
}
