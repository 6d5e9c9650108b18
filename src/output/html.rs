//! `--report-html`: one self-contained HTML page of a run (no network, no external assets).
//! A header with the repository, branch, commit, time and totals; a table of every
//! container with its current and newest allowed tags, build times, status and reason, and
//! a small timeline of the newest allowed tags' build times. A short inline script adds
//! filters (status, namespace, text; preset from the URL's `#status=…&namespace=…&q=…`)
//! and sorting by column; without it the page is a plain table. Cell end tags are left
//! out, as HTML allows, to keep a page of thousands of rows small.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::markdown::date;
use super::overview::{ContainerRow, Overview, RowStatus, TagTime};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/script.js");

/// The page for `overview`, generated at `now`.
pub fn render(overview: &Overview, now: DateTime<Utc>) -> String {
    let mut page = String::with_capacity(4096 + overview.containers.len() * 400);
    let title = format!("tagpilot {} — {}", overview.command, overview.repository);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"generator\" content=\"tagpilot\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n",
        text(&title)
    );
    header(&mut page, overview, now);
    messages(&mut page, "Errors", "errors", &overview.errors);
    messages(&mut page, "Warnings", "warnings", &overview.warnings);
    filters(&mut page, overview);
    table(&mut page, overview, now);
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

/// The title, what was done and the totals.
fn header(page: &mut String, overview: &Overview, now: DateTime<Utc>) {
    let _ = write!(
        page,
        "<header>\n<h1>tagpilot {} <span class=\"repo\">{}</span></h1>\n<dl>",
        text(&overview.command),
        text(&overview.repository)
    );
    let mut item = |term: &str, value: String| {
        let _ = write!(page, "<div><dt>{term}</dt><dd>{value}</dd></div>");
    };
    if let Some(branch) = &overview.branch {
        item("Branch", format!("<code>{}</code>", text(branch)));
    }
    let written = if overview.dry_run {
        "dry run: nothing written".to_owned()
    } else {
        match &overview.commit {
            Some(commit) => format!(
                "<code title=\"{}\">{}</code> {}",
                text(commit),
                text(&commit[..commit.len().min(7)]),
                if overview.pushed {
                    "pushed"
                } else {
                    "not pushed"
                }
            ),
            None => "no commit".to_owned(),
        }
    };
    item("Commit", written);
    if overview.push_times {
        item("Times", "when each tag was last pushed".to_owned());
    }
    item(
        "Generated",
        format!(
            "<time datetime=\"{}\">{}</time>",
            now.to_rfc3339(),
            date(&now)
        ),
    );
    if let Some(code) = overview.exit_code {
        item("Exit code", code.to_string());
    }
    let _ = write!(page, "</dl>\n<ul class=\"totals\">");
    for status in RowStatus::ALL {
        let _ = write!(
            page,
            "<li class=\"s-{}\"><strong>{}</strong> {}</li>",
            status.label(),
            overview.count(status),
            status.word()
        );
    }
    let _ = writeln!(page, "</ul>\n</header>");
}

/// A list of errors or warnings, when there are any.
fn messages(page: &mut String, heading: &str, class: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(
        page,
        "<section class=\"{class}\" aria-label=\"{heading}\">\n<h2>{heading} ({})</h2>\n<ul>",
        items.len()
    );
    for item in items {
        let _ = write!(page, "<li>{}", text(item));
    }
    let _ = writeln!(page, "</ul>\n</section>");
}

/// The filter form, hidden until the script shows it.
fn filters(page: &mut String, overview: &Overview) {
    let _ = write!(
        page,
        "<form id=\"filters\" hidden role=\"search\">\n<label>Status <select name=\"status\">\
         <option value=\"\">all</option>"
    );
    for status in RowStatus::ALL {
        let _ = write!(
            page,
            "<option value=\"{}\">{}</option>",
            status.label(),
            status.word()
        );
    }
    let _ = write!(
        page,
        "</select></label>\n<label>Namespace <select name=\"namespace\"><option value=\"\">all</option>"
    );
    let mut namespaces: Vec<&str> = overview
        .containers
        .iter()
        .map(|c| c.namespace.as_str())
        .collect();
    namespaces.sort_unstable();
    namespaces.dedup();
    for namespace in namespaces {
        let _ = write!(page, "<option>{}</option>", text(namespace));
    }
    let _ = writeln!(
        page,
        "</select></label>\n<label>Search <input name=\"q\" type=\"search\" \
         placeholder=\"workload, image, tag, reason\"></label>\n\
         <output id=\"shown\" aria-live=\"polite\"></output>\n</form>"
    );
}

/// The table of containers.
fn table(page: &mut String, overview: &Overview, now: DateTime<Utc>) {
    let _ = write!(
        page,
        "<main>\n<table id=\"containers\">\n<caption>{} containers</caption>\n<thead><tr>\
         <th scope=\"col\">Workload<th scope=\"col\">Container<th scope=\"col\">Image\
         <th scope=\"col\">Current (UTC)<th scope=\"col\">Newest allowed (UTC)<th scope=\"col\">Status\
         <th scope=\"col\">Reason<th scope=\"col\">{}</thead>\n<tbody>\n",
        overview.containers.len(),
        if overview.push_times {
            "Newest pushes"
        } else {
            "Newest builds"
        }
    );
    for row in &overview.containers {
        container(page, row, now);
    }
    let _ = writeln!(page, "</tbody>\n</table>\n</main>");
}

/// One container's row.
fn container(page: &mut String, row: &ContainerRow, now: DateTime<Utc>) {
    let _ = write!(
        page,
        "<tr data-status=\"{}\"><td title=\"{}\">{}<td>{}<td>{}",
        row.status.label(),
        text(&row.file),
        text(&row.workload),
        text(&row.container),
        text(&row.image),
    );
    tag_cell(page, row.current.as_ref(), None);
    tag_cell(page, row.newest.as_ref(), Some(now));
    let _ = write!(page, "<td>{}<td>{}", row.status.word(), text(&row.reason));
    timeline(page, &row.history, row.current.as_ref());
    page.push('\n');
}

/// A tag and its build time (with its age when `now` is given); the script sorts the
/// column by the time, which is written so that it sorts as text.
fn tag_cell(page: &mut String, tag: Option<&TagTime>, now: Option<DateTime<Utc>>) {
    let Some(tag) = tag else {
        page.push_str("<td>");
        return;
    };
    match tag.created {
        Some(created) => {
            let age = now.map(|now| format!(", {}", age(now, created)));
            let _ = write!(
                page,
                "<td>{}<br><i>{}{}</i>",
                text(&tag.tag),
                created.format("%Y-%m-%d %H:%M"),
                age.unwrap_or_default()
            );
        }
        None => {
            let _ = write!(page, "<td>{}", text(&tag.tag));
        }
    }
}

/// How long ago, in words: `3 days ago`.
fn age(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let minutes = (now - then).num_minutes();
    let (n, unit) = match minutes {
        m if m < 0 => return "in the future".to_owned(),
        m if m < 60 => (m, "minute"),
        m if m < 60 * 48 => (m / 60, "hour"),
        m if m < 60 * 24 * 60 => (m / (60 * 24), "day"),
        m if m < 60 * 24 * 730 => (m / (60 * 24 * 30), "month"),
        m => (m / (60 * 24 * 365), "year"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// The newest allowed tags' build times, for the script to draw as dots on a line (oldest
/// left, the current tag's dot standing out): their positions from 3 to 97 in `data-h`,
/// the current one's in `data-c`, and in words in `title` (the drawing's text
/// alternative).
fn timeline(page: &mut String, history: &[TagTime], current: Option<&TagTime>) {
    let dated: Vec<(&str, DateTime<Utc>)> = history
        .iter()
        .filter_map(|t| t.created.map(|c| (t.tag.as_str(), c)))
        .collect();
    let (Some(first), Some(last)) = (
        dated.iter().map(|(_, c)| *c).min(),
        dated.iter().map(|(_, c)| *c).max(),
    ) else {
        page.push_str("<td>");
        return;
    };
    let span = (last - first).num_seconds().max(1) as f64;
    let at = |created: DateTime<Utc>| {
        (3.0 + 94.0 * (created - first).num_seconds() as f64 / span).round() as u8
    };
    let positions: Vec<String> = dated.iter().map(|(_, c)| at(*c).to_string()).collect();
    let _ = write!(
        page,
        "<td data-h=\"{}\" title=\"{} builds over {} days\"",
        positions.join(" "),
        dated.len(),
        (last - first).num_days()
    );
    if let Some((_, created)) = dated
        .iter()
        .find(|(tag, _)| current.is_some_and(|c| c.tag == *tag))
    {
        let _ = write!(page, " data-c=\"{}\"", at(*created));
    }
    page.push('>');
}

/// Text escaped for HTML content and attribute values, control characters shown as escapes.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in super::escape_control(value).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_become_markup() {
        assert_eq!(
            text("<img src=x onerror=\"a\">&'"),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;"
        );
        assert_eq!(text("a\u{1b}[31m"), "a\\u{1b}[31m");
    }

    #[test]
    fn ages_read_as_words() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let ago = |minutes: i64| age(now, now - chrono::Duration::minutes(minutes));
        assert_eq!(ago(1), "1 minute ago");
        assert_eq!(ago(90), "1 hour ago");
        assert_eq!(ago(60 * 24 * 3), "3 days ago");
        assert_eq!(ago(60 * 24 * 100), "3 months ago");
        assert_eq!(ago(60 * 24 * 800), "2 years ago");
    }
}
