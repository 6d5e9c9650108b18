//! The user's commands around a write: `--verify` after the files are written and before
//! anything is committed, `--after-push` once the push succeeded. Each runs with `sh -c` in
//! the work tree, with `TAGPILOT_CHANGED_FILES` (the changed files, one per line, relative
//! to the work tree) and `TAGPILOT_REPORT` (a JSON file holding the run's report).

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use anyhow::{Context as _, Result, bail};

use super::Location;
use super::write::FileChange;
use crate::cli::WriteArgs;
use crate::output::Ui;
use crate::report::Report;

/// How much of a failed command's output an error or warning quotes.
const OUTPUT_SHOWN: usize = 4000;

/// Runs every `--verify` command; the first that fails is an error that quotes its output.
pub fn verify(
    location: &Location,
    args: &WriteArgs,
    changes: &[FileChange],
    report: &Report,
) -> Result<()> {
    if args.verify.is_empty() {
        return Ok(());
    }
    let report_file = report_file(report)?;
    for command in &args.verify {
        let out = run(location, command, changes, report_file.path(), None)?;
        if !out.status.success() {
            bail!(
                "--verify {command:?} failed ({}); the files were put back and nothing was committed{}",
                out.status,
                quoted(&out)
            );
        }
    }
    Ok(())
}

/// Runs every `--after-push` command with the report on its stdin; `false` when one failed
/// or could not be started (each a warning, quoting its output): the push stands.
pub fn after_push(
    location: &Location,
    args: &WriteArgs,
    changes: &[FileChange],
    report: &Report,
    ui: &mut Ui,
) -> bool {
    if args.after_push.is_empty() {
        return true;
    }
    let prepared = report_file(report).and_then(|file| {
        let json = serde_json::to_vec(report).context("writing the report as JSON")?;
        Ok((file, json))
    });
    let (report_file, json) = match prepared {
        Ok(prepared) => prepared,
        Err(err) => {
            ui.warn(&format!("--after-push: {err:#}; no command was run"));
            return false;
        }
    };
    let mut all_ok = true;
    for command in &args.after_push {
        match run(location, command, changes, report_file.path(), Some(&json)) {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                all_ok = false;
                ui.warn(&format!(
                    "--after-push {command:?} failed ({}){}",
                    out.status,
                    quoted(&out)
                ));
            }
            Err(err) => {
                all_ok = false;
                ui.warn(&format!("--after-push {command:?}: {err:#}"));
            }
        }
    }
    all_ok
}

/// The report in a temporary JSON file, removed when dropped.
fn report_file(report: &Report) -> Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new()
        .prefix("tagpilot-report-")
        .suffix(".json")
        .tempfile()
        .context("creating the report file for --verify and --after-push")?;
    serde_json::to_writer_pretty(&mut file, report).context("writing the report file")?;
    file.flush().context("writing the report file")?;
    Ok(file)
}

/// Runs `command` with `sh -c` in the work tree, `stdin` given or empty.
fn run(
    location: &Location,
    command: &str,
    changes: &[FileChange],
    report: &std::path::Path,
    stdin: Option<&[u8]>,
) -> Result<Output> {
    let changed: Vec<String> = changes
        .iter()
        .map(|c| location.git_path(&c.file).display().to_string())
        .collect();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(location.repo()?.workdir())
        .env("TAGPILOT_CHANGED_FILES", changed.join("\n"))
        .env("TAGPILOT_REPORT", report)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {command:?} with sh -c"))?;
    // Fed from another thread while the output is read, so that a command that writes
    // before it has read all its input cannot block on a full pipe.
    let input = stdin.unwrap_or_default().to_vec();
    let feeder = child.stdin.take().map(|mut pipe| {
        std::thread::spawn(move || {
            // A command that does not read its input closes the pipe early: that is fine.
            let _ = pipe.write_all(&input);
        })
    });
    let out = child
        .wait_with_output()
        .with_context(|| format!("running {command:?}"));
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    out
}

/// A command's output, for a message: `: ` and its stdout and stderr, cut to the last
/// [`OUTPUT_SHOWN`] bytes; nothing when it printed nothing.
fn quoted(out: &Output) -> String {
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    let text = text.trim_end();
    if text.is_empty() {
        return String::new();
    }
    let start = text.len().saturating_sub(OUTPUT_SHOWN);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    format!(":\n{}", &text[start..])
}
