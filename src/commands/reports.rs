//! The files written after a run: the HTML page (`--report-html`) and the metrics
//! (`--metrics-file`), each replaced atomically, also after a failed run. A file that
//! cannot be written is an error that names it; the run's own outcome becomes partial (4)
//! when it had succeeded, since what was asked for was not all done.

use std::fs;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use chrono::Utc;

use super::{Outcome, is_usage_error};
use crate::cli::{Cli, Command};
use crate::manifest::write_atomic;
use crate::output::{Ui, html, metrics};

/// Write the reports `cli` asks for about the run that ended with `result`.
pub fn write(cli: &Cli, ui: &mut Ui, result: Result<Outcome>, took: Duration) -> Result<Outcome> {
    let global = &cli.global;
    if global.report_html.is_none() && global.metrics_file.is_none() {
        return result;
    }
    let code = match &result {
        Ok(outcome) => outcome.code(),
        Err(err) if is_usage_error(err) => 2,
        Err(_) => 1,
    };
    let overview = ui.overview();
    overview.exit_code = Some(code);
    if let Err(err) = &result {
        overview.errors.push(format!("{err:#}"));
    }
    let overview = overview.clone();
    let now = Utc::now();
    let mut failed = false;
    if let Some(path) = &global.report_html {
        if has_page(&cli.command) {
            let page = html::render(&overview, now);
            failed |= !written(ui, path, "--report-html", page.as_bytes());
        } else {
            ui.warn(&format!(
                "--report-html {}: {} has no page to write; only list-images, release and sync do",
                path.display(),
                overview.command
            ));
        }
    }
    if let Some(path) = &global.metrics_file {
        let previous = fs::read_to_string(path).unwrap_or_default();
        let text = metrics::render(&overview, now, took.as_secs_f64(), &previous);
        failed |= !written(ui, path, "--metrics-file", text.as_bytes());
    }
    match result {
        Ok(Outcome::Success | Outcome::Changed) if failed => Ok(Outcome::Partial),
        other => other,
    }
}

/// Whether the command's result is a table of containers.
fn has_page(command: &Command) -> bool {
    matches!(
        command,
        Command::ListImages(_) | Command::Release(_) | Command::Sync(_)
    )
}

/// Write one file, saying so when it fails.
fn written(ui: &mut Ui, path: &Path, option: &str, bytes: &[u8]) -> bool {
    match write_atomic(path, bytes) {
        Ok(()) => true,
        Err(err) => {
            ui.error(&format!(
                "{option} {}: {err:#}; check that its directory exists and is writable",
                path.display()
            ));
            false
        }
    }
}
