//! Tables, JSON reports and diffs. Every function writes to the `&mut dyn Write` it is given;
//! only this module and `main` produce what the user reads.

pub mod html;
pub mod images;
pub mod markdown;
pub mod metrics;
pub mod overview;
pub mod report;

use std::io::{self, IsTerminal as _, Write};
use std::sync::Arc;

use similar::TextDiff;

/// A callback that prints one log line (the registry client's request log takes one).
pub type LineSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Where a command's output goes: stdout for results, stderr for logs, at the verbosity
/// the user chose.
pub struct Ui {
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    verbosity: i8,
    progress: bool,
    color: bool,
    overview: overview::Overview,
}

impl Ui {
    /// `verbosity` is -1 for `-q`, 0 by default, and the number of `-v`s. Progress is shown
    /// only when the process's stderr is a terminal; `color` colours the `warning:` and
    /// `error:` prefixes.
    pub fn new(out: Box<dyn Write>, err: Box<dyn Write>, verbosity: i8, color: bool) -> Ui {
        let progress = verbosity >= 0 && io::stderr().is_terminal();
        Ui {
            out,
            err,
            verbosity,
            progress,
            color,
            overview: overview::Overview::default(),
        }
    }

    /// What the run found so far, for the reports written after it. Every warning and
    /// error printed is in it.
    pub fn overview(&mut self) -> &mut overview::Overview {
        &mut self.overview
    }

    /// A prefix, in colour (ANSI SGR `code`) when colour is on.
    fn prefix(&self, word: &str, code: u8) -> String {
        if self.color {
            format!("\x1b[1;{code}m{word}:\x1b[0m")
        } else {
            format!("{word}:")
        }
    }

    /// With `-v`, a logger that prints one line per registry request on stderr.
    pub fn request_log(&self) -> Option<LineSink> {
        (self.verbosity >= 1).then(|| Arc::new(|line: &str| eprintln!("{line}")) as LineSink)
    }

    /// With `-vv`, the request log also shows each answer's headers.
    pub fn request_headers(&self) -> bool {
        self.verbosity >= 2
    }

    /// The result stream.
    pub fn out(&mut self) -> &mut dyn Write {
        &mut *self.out
    }

    /// `warning: …` on stderr, unless `-q`.
    pub fn warn(&mut self, message: &str) {
        self.overview.warnings.push(message.to_owned());
        if self.verbosity >= 0 {
            let prefix = self.prefix("warning", 33);
            let _ = writeln!(self.err, "{prefix} {}", escape_control(message));
        }
    }

    /// `error: …` on stderr, always.
    pub fn error(&mut self, message: &str) {
        self.overview.errors.push(message.to_owned());
        let prefix = self.prefix("error", 31);
        let _ = writeln!(self.err, "{prefix} {}", escape_control(message));
    }

    /// A summary line on stderr (`Commit pushed: …`), unless `-q`.
    pub fn status(&mut self, message: &str) {
        if self.verbosity >= 0 {
            let _ = writeln!(self.err, "{}", escape_control(message));
        }
    }

    /// Whether `-v` was given: messages may name every item instead of counting them.
    pub fn verbose(&self) -> bool {
        self.verbosity >= 1
    }

    /// A detail line on stderr, with `-v`.
    pub fn info(&mut self, message: &str) {
        if self.verbosity >= 1 {
            let _ = writeln!(self.err, "{}", escape_control(message));
        }
    }

    /// Flush both streams.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.err.flush()
    }
}

/// A progress bar on stderr (indicatif), shown on a terminal only.
pub struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// Start counting `total` steps.
    pub fn new(ui: &Ui, label: &'static str, total: usize) -> Progress {
        let bar = if ui.progress {
            indicatif::ProgressBar::new(total as u64)
        } else {
            indicatif::ProgressBar::hidden()
        };
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
        {
            bar.set_style(style.progress_chars("#>-"));
        }
        bar.set_message(label);
        Progress { bar }
    }

    /// One step done.
    pub fn step(&mut self) {
        self.bar.inc(1);
    }

    /// Clear the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }

    /// A logger whose lines are printed above the bar (unless `-q`), for what must be seen
    /// while it runs, such as a long wait before a retry.
    pub fn lines(&self, ui: &Ui) -> Option<LineSink> {
        let bar = self.bar.clone();
        (ui.verbosity >= 0).then(|| {
            Arc::new(move |line: &str| bar.suspend(|| eprintln!("{}", escape_control(line))))
                as LineSink
        })
    }
}

/// Write rows as left-aligned columns separated by at least two spaces, like Go's tabwriter
/// in fluxctl: comfy-table with no borders, no padding but two spaces after each column but
/// the last, and no wrapping. Trailing blanks are not written.
pub fn table(out: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut table = comfy_table::Table::new();
    table
        .load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    for row in rows {
        // Text from registries and manifests cannot move the cursor or break a row.
        let mut cells: Vec<String> = row.iter().map(|cell| escape_control(cell)).collect();
        cells.resize(columns, String::new());
        table.add_row(cells);
    }
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_padding((0, if i + 1 < columns { 2 } else { 0 }));
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// A unified diff of one file with `a/` and `b/` paths; nothing when the texts are equal.
pub fn diff(out: &mut dyn Write, path: &str, old: &str, new: &str) -> io::Result<()> {
    if old == new {
        return Ok(());
    }
    let diff = TextDiff::from_lines(old, new);
    write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .missing_newline_hint(true)
    )
}

/// Write a value as pretty JSON followed by a line break.
pub fn json<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Text with control characters (newlines, escape sequences, …) shown as Rust-style escapes
/// (`\n`, `\u{1b}`), so that text from a registry or a manifest cannot drive a terminal or
/// break a line-based format.
pub fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let rows = vec![
            vec!["WORKLOAD".into(), "CONTAINER".into(), "IMAGE".into()],
            vec![
                "default:deployment/helloworld".into(),
                "hw".into(),
                "".into(),
            ],
        ];
        let mut out = Vec::new();
        table(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "WORKLOAD                       CONTAINER  IMAGE\ndefault:deployment/helloworld  hw\n"
        );
    }

    #[test]
    fn diff_has_git_style_paths() {
        let mut out = Vec::new();
        diff(&mut out, "a.yaml", "x: 1\ny: 2\n", "x: 1\ny: 3\n").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n"),
            "{text}"
        );
        assert!(text.contains("-y: 2\n+y: 3\n"));
    }
}
