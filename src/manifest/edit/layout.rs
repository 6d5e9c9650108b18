//! Layout surgery: where in the text a mapping value is replaced, an entry added or an
//! entry removed, keeping the file's indentation, line breaks, flow or block style and
//! the comments around the entry.

use std::ops::Range;

use anyhow::{Context as _, Result, ensure};

use super::engine::Edit;
use crate::manifest::scalar::render;
use crate::manifest::yaml::{Node, Style};

/// The edit that replaces a mapping value with `text`, which starts with its own separator
/// (a space, or a line break for a nested block). Everything from just after the key's `:`
/// to the end of the value goes (a block scalar's header included; a comment after the value
/// stays); with `token_only`, a one-line value's token alone is replaced, keeping an anchor
/// or tag before it.
pub(super) fn replace_value(
    src: &str,
    key: &Node,
    value: &Node,
    text: String,
    token_only: bool,
) -> Result<Edit> {
    let colon = src[key.span.end..]
        .find(':')
        .map(|i| key.span.end + i)
        .context("the key's colon")?;
    let start = colon + 1;
    let (start, end, text) = match value.style() {
        _ if value.span.is_empty() => (start, start, text),
        Some(Style::Literal | Style::Folded) => (start, content_end(src, value), text),
        // Just the token, so an anchor or tag before it stays.
        _ if token_only => (
            value.span.start,
            value.span.end,
            text.trim_start().to_owned(),
        ),
        _ => (start, value.span.end, text),
    };
    ensure!(end >= start, "unexpected value layout");
    // An absent value's zero-width span may sit before the colon: take it in, writing the
    // bytes in between back unchanged, so the edited region holds the old value too.
    let from = value.span.start.min(start);
    Ok(Edit {
        span: from..end,
        text: format!("{}{text}", &src[from..start]),
    })
}

/// A value to write for a new mapping entry.
pub(super) trait EntryValue {
    /// In block style, after `key:`; `indent` is the entry's own indentation, `step` one level.
    fn block(&self, indent: usize, step: usize, newline: &str) -> String;
    /// In flow style, after `key: `.
    fn flow(&self) -> String;
}

/// A one-line value, written single-quoted.
pub(super) struct Flat<'a>(pub(super) &'a str);

impl EntryValue for Flat<'_> {
    fn block(&self, _: usize, _: usize, _: &str) -> String {
        format!(" {}", quoted(self.0))
    }
    fn flow(&self) -> String {
        quoted(self.0)
    }
}

/// A mapping of one entry (`annotations:` with its first key).
pub(super) struct Nested<'a>(pub(super) &'a str, pub(super) &'a str);

impl EntryValue for Nested<'_> {
    fn block(&self, indent: usize, step: usize, newline: &str) -> String {
        format!(
            "{newline}{}{}: {}",
            " ".repeat(indent + step),
            self.0,
            quoted(self.1)
        )
    }
    fn flow(&self) -> String {
        format!("{{{}: {}}}", self.0, quoted(self.1))
    }
}

/// An annotation value as written: single-quoted, or double-quoted when it holds line
/// breaks or tabs (which single quotes would fold).
pub(super) fn quoted(value: &str) -> String {
    render(value, Style::SingleQuoted, false)
}

/// The line break the file uses.
pub(super) fn newline_of(src: &str) -> &'static str {
    if src.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Byte offset of the start of the line holding `at`.
pub(super) fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset just past the line break ending the line that holds `at` (or the end).
pub(super) fn line_end(src: &str, at: usize) -> usize {
    src[at..].find('\n').map_or(src.len(), |i| at + i + 1)
}

/// The column (in characters) where `at` stands.
pub(super) fn column(src: &str, at: usize) -> usize {
    src[line_start(src, at)..at].chars().count()
}

/// Where a node's last content ends, not counting the trailing line breaks and indentation
/// that a block scalar's span takes in.
pub(super) fn content_end(src: &str, node: &Node) -> usize {
    let end = node.content_end();
    let start = node.span.start.min(end);
    start + src[start..end].trim_end().len()
}

/// The edit that adds `key: value` as the last entry of a mapping; `parent` is the column
/// of the key that holds the mapping, to learn the file's indentation step from.
pub(super) fn insert_entry(
    src: &str,
    map: &Node,
    key: &str,
    value: &dyn EntryValue,
    parent: usize,
) -> Result<Edit> {
    let entries = map.as_map().context("not a mapping")?;
    if map.flow {
        let close = map.span.end.saturating_sub(1);
        ensure!(
            src[close..].starts_with('}'),
            "unexpected flow mapping layout"
        );
        let (at, text) = match entries.last() {
            None => (close, format!("{key}: {}", value.flow())),
            Some((_, last)) => (
                content_end(src, last).max(last.span.end),
                format!(", {key}: {}", value.flow()),
            ),
        };
        return Ok(Edit { span: at..at, text });
    }
    let (first_key, _) = entries.first().context("empty block mapping")?;
    let indent = column(src, first_key.span.start);
    let step = indent_step(src, map).unwrap_or(if indent > parent { indent - parent } else { 2 });
    let newline = newline_of(src);
    let (last_key, last_value) = entries.last().context("empty block mapping")?;
    let end = content_end(src, last_value).max(last_key.span.end);
    let mut at = line_end(src, end);
    if matches!(last_value.style(), Some(Style::Literal | Style::Folded)) {
        // A block scalar's span runs on to the next content line and takes in the blank
        // lines that a `|+` keeps: go in after all of them.
        let span_end = last_value.span.end;
        let start = line_start(src, span_end);
        if span_end > at && src[start..span_end].trim().is_empty() {
            at = start;
        }
    }
    let entry = format!(
        "{}{key}:{}",
        " ".repeat(indent),
        value.block(indent, step, newline)
    );
    let text = if src[..at].ends_with('\n') {
        format!("{entry}{newline}")
    } else {
        format!("{newline}{entry}")
    };
    Ok(Edit { span: at..at, text })
}

/// One level of indentation as this file writes it: the first nested block mapping's
/// indentation beyond its key, if there is one.
fn indent_step(src: &str, map: &Node) -> Option<usize> {
    let entries = map.as_map().unwrap_or_default();
    for (key, value) in entries {
        if let Some((child, _)) = value
            .as_map()
            .filter(|_| !value.flow)
            .and_then(<[_]>::first)
        {
            let (outer, inner) = (column(src, key.span.start), column(src, child.span.start));
            if inner > outer {
                return Some(inner - outer);
            }
        }
    }
    None
}

/// The edits that remove entry `index` of a mapping. Comments around it stay.
pub(super) fn remove_entry(src: &str, map: &Node, index: usize) -> Result<Vec<Edit>> {
    let entries = map.as_map().context("not a mapping")?;
    let (key, value) = &entries[index];
    let value_end = value.span.end.max(key.span.end);
    let remove = |span: Range<usize>| Edit {
        span,
        text: String::new(),
    };
    if map.flow {
        if index + 1 < entries.len() {
            // Up to and with the comma after it, and the spaces after that on its line.
            let comma = src[value_end..]
                .find(',')
                .map(|i| value_end + i + 1)
                .context("the comma after a flow entry")?;
            let mut rest = src[comma..].len() - src[comma..].trim_start_matches([' ', '\t']).len();
            if src[comma + rest..].starts_with('#') {
                // A comment needs a space before it.
                rest = rest.saturating_sub(1);
            }
            return Ok(vec![remove(key.span.start..comma + rest)]);
        }
        if index > 0 {
            // The last entry: it, and the comma before it.
            let (_, prev) = &entries[index - 1];
            let prev_end = prev.span.end;
            let comma = src[prev_end..key.span.start]
                .find(',')
                .map(|i| prev_end + i)
                .context("the comma before a flow entry")?;
            let mut start = key.span.start;
            // The spaces before it go too, unless they indent it on a line of its own.
            let own_line = src[line_start(src, start)..start]
                .chars()
                .all(|c| c == ' ' || c == '\t');
            while !own_line
                && start > comma + 1
                && matches!(src.as_bytes()[start - 1], b' ' | b'\t')
            {
                start -= 1;
            }
            return Ok(vec![remove(comma..comma + 1), remove(start..value_end)]);
        }
        return Ok(vec![remove(key.span.start..value_end)]);
    }
    let start = line_start(src, key.span.start);
    ensure!(
        src[start..key.span.start]
            .chars()
            .all(|c| c == ' ' || c == '\t'),
        "the key does not start its line; change it by hand"
    );
    let end = line_end(src, content_end(src, value).max(key.span.end));
    let span = if src[..end].ends_with('\n') || start == 0 {
        start..end
    } else {
        // The last line of a file without a final line break: take the break before it.
        let before = src[..start]
            .strip_suffix('\n')
            .map_or(start, |s| s.strip_suffix('\r').unwrap_or(s).len());
        before..end
    };
    Ok(vec![remove(span)])
}
