//! `-o markdown`: the result as Markdown tables, for `$GITHUB_STEP_SUMMARY`, GitLab job
//! summaries and pull request bodies. Cells are escaped so that no value can break the
//! table or inject markup.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::escape_control;
use super::overview::{ContainerRow, Overview, RowStatus, TagTime};
use crate::manifest::flux::Marked;
use crate::manifest::{ImageSite, Workload};
use crate::report::Report;

/// The overview of `list-images`, `release` or `sync`: a totals line, what was committed,
/// a row per container, then the errors and warnings.
pub fn overview(
    out: &mut dyn Write,
    overview: &Overview,
    errors: &[String],
    warnings: &[String],
) -> io::Result<()> {
    writeln!(out, "### tagpilot {}\n", overview.command)?;
    let totals: Vec<String> = RowStatus::ALL
        .iter()
        .filter(|s| overview.count(**s) > 0)
        .map(|s| format!("{} {}", overview.count(*s), s.word()))
        .collect();
    let mut line = if totals.is_empty() {
        "No containers".to_owned()
    } else {
        totals.join(", ")
    };
    if let Some(done) = what_was_written(overview) {
        line.push_str(&format!(" · {done}"));
    }
    if overview.push_times {
        line.push_str(" · times are when each tag was last pushed");
    }
    writeln!(out, "{line}\n")?;
    if !overview.containers.is_empty() {
        writeln!(
            out,
            "| Workload | Container | Image | Current | Newest allowed | Status | Reason |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        for row in &overview.containers {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(&row.workload),
                cell(&row.container),
                code(&row.image),
                tag(row.current.as_ref()),
                tag(row.newest.as_ref()),
                row.status.word(),
                cell(&row.reason),
            )?;
        }
        writeln!(out)?;
    }
    list(out, "Errors", errors)?;
    list(out, "Warnings", warnings)
}

/// The description of a pull request of `--push-branch`: a row per container it updates,
/// with the build (or push) times, and what the branch is.
pub fn pull_request(rows: &[ContainerRow], push_times: bool, base: &str) -> String {
    let mut out = String::from("tagpilot updates these images:\n\n");
    out.push_str("| Workload | Container | Image | From | To |\n|---|---|---|---|---|\n");
    for row in rows.iter().filter(|r| r.status == RowStatus::Updated) {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            code(&row.workload),
            cell(&row.container),
            code(&row.image),
            tag(row.current.as_ref()),
            tag(row.newest.as_ref()),
        ));
    }
    let times = if push_times {
        "when each tag was last pushed"
    } else {
        "when each image was built"
    };
    out.push_str(&format!(
        "\nTimes are {times}.\n\ntagpilot rebuilds this branch on {} each time it runs. A commit \
         pushed to the branch by anyone else makes tagpilot leave it alone.\n",
        code(base)
    ));
    out
}

/// The report of a policy command: a row per workload with its changes.
pub fn report(out: &mut dyn Write, command: &str, report: &Report) -> io::Result<()> {
    writeln!(out, "### tagpilot {command}\n")?;
    writeln!(out, "| Workload | Status | Changes |")?;
    writeln!(out, "|---|---|---|")?;
    for result in &report.results {
        let changes: Vec<String> = result
            .updates
            .iter()
            .map(|u| {
                cell(&format!(
                    "{}: {} -> {}",
                    u.container,
                    u.from.as_deref().unwrap_or("(none)"),
                    u.to.as_deref().unwrap_or("(removed)")
                ))
            })
            .collect();
        let status = serde_json::to_value(result.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let text = if changes.is_empty() {
            cell(result.reason.as_deref().unwrap_or_default())
        } else {
            changes.join("<br>")
        };
        writeln!(out, "| {} | {status} | {text} |", code(&result.id))?;
    }
    writeln!(out)?;
    list(out, "Errors", &report.errors)?;
    list(out, "Warnings", &report.warnings)
}

/// `list-workloads` as a Markdown table.
pub fn workloads(out: &mut dyn Write, workloads: &[&Workload]) -> io::Result<()> {
    writeln!(out, "| Workload | Container | Image | Policy |")?;
    writeln!(out, "|---|---|---|---|")?;
    for w in workloads {
        let mut policy = Vec::new();
        for (on, word) in [
            (w.policies.automated, "automated"),
            (w.policies.locked, "locked"),
            (w.policies.ignore, "ignore"),
        ] {
            if on {
                policy.push(word.to_owned());
            }
        }
        policy.extend(w.policies.tags.iter().map(|(c, p)| format!("tag.{c}={p}")));
        for c in &w.containers {
            let image = c.image.as_ref().map(ImageSite::reference);
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&w.id.to_string()),
                cell(&c.name),
                image.as_deref().map(code).unwrap_or_default(),
                // A marker governs its container whatever the annotations say.
                cell(
                    &c.marker
                        .as_ref()
                        .map_or_else(|| policy.join(", "), Marked::describe)
                )
            )?;
        }
    }
    Ok(())
}

/// What the run wrote: the commit and whether it was pushed, or that it was a dry run.
fn what_was_written(overview: &Overview) -> Option<String> {
    if overview.dry_run {
        return Some("dry run: nothing written".to_owned());
    }
    let commit = overview.commit.as_deref()?;
    let short = &commit[..commit.len().min(7)];
    let branch = overview
        .branch
        .as_deref()
        .map(|b| format!(" on {}", code(b)))
        .unwrap_or_default();
    Some(if overview.pushed {
        format!("commit `{short}` pushed{branch}")
    } else {
        format!("commit `{short}`{branch}, not pushed")
    })
}

/// A tag with its build time: `` `1.2.3` (2024-05-01 10:00 UTC) ``.
fn tag(tag: Option<&TagTime>) -> String {
    match tag {
        None => String::new(),
        Some(TagTime { tag, created }) => match created {
            Some(t) => format!("{} ({})", code(tag), date(t)),
            None => code(tag),
        },
    }
}

/// A build time as the reports print it.
pub fn date(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A bulleted list under a bold heading; nothing when empty.
fn list(out: &mut dyn Write, heading: &str, items: &[String]) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    writeln!(out, "**{heading}**\n")?;
    for item in items {
        writeln!(out, "- {}", cell(item))?;
    }
    writeln!(out)
}

/// A value as inline code, unless it holds a backtick (then escaped text).
fn code(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else if text.contains('`') {
        cell(text)
    } else {
        format!("`{}`", escape_control(text).replace('|', "\\|"))
    }
}

/// Text made safe for a table cell: Markdown's punctuation escaped, `|` and line breaks
/// kept from ending the cell, control characters shown as escapes.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in escape_control(text).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_add_markup() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<script>"), "\\<script\\>");
        // Rendered as the two characters \n.
        assert_eq!(cell("line\nbreak"), "line\\\\nbreak");
        assert_eq!(code("ns:deployment/app"), "`ns:deployment/app`");
        assert_eq!(code("a`b"), "a\\`b");
    }
}
