//! `list-images` results: the table fluxctl users know, and the JSON document.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// One workload's images.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadImages {
    /// The workload ID.
    pub id: String,
    /// Its file, relative to the repository root.
    pub file: String,
    /// Its containers with images.
    pub containers: Vec<ContainerImages>,
}

/// One container's image and the tags of its repository.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerImages {
    /// The container's name.
    pub name: String,
    /// The image as written.
    pub image: String,
    /// The image name as written, without tag or digest (the table's IMAGE row).
    #[serde(skip)]
    pub name_as_written: String,
    /// The tag pattern in force.
    pub pattern: String,
    /// The tag in use.
    pub current: Option<TagRow>,
    /// The newest tag the pattern allows.
    pub latest_allowed: Option<TagRow>,
    /// Every tag of the repository, in the pattern's order.
    pub available: Vec<TagRow>,
    /// Why the tags could not be listed.
    pub error: Option<String>,
    /// Which time `created` holds and orders the candidates: `built` or `pushed`.
    pub time_source: &'static str,
}

/// One tag.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagRow {
    /// The tag.
    pub tag: String,
    /// Its digest, when it was read.
    pub digest: Option<String>,
    /// When its image was built (or, with `timeSource` `pushed`, when it was last
    /// pushed), when known.
    #[serde(serialize_with = "rfc3339")]
    pub created: Option<DateTime<Utc>>,
    /// Whether the container's pattern allows it.
    pub allowed: bool,
    /// Why it is not a candidate although the pattern allows it: no build time, not
    /// available for the platform, or the error reading it.
    pub note: Option<String>,
}

fn rfc3339<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        None => s.serialize_none(),
    }
}

/// `DD Mon YY HH:MM UTC`, as fluxctl prints it.
fn created(t: &DateTime<Utc>) -> String {
    t.format("%d %b %y %H:%M UTC").to_string()
}

/// The `list-images` table: a row per container with the image name, then a row per tag
/// with `'-> ` marking the current tag and `|   ` the rows above it. `limit` 0 shows all;
/// a current tag past the limit, or one the registry does not list, is still shown last.
/// A workload ID found in several files shows its file.
pub fn table(
    out: &mut dyn Write,
    workloads: &[WorkloadImages],
    limit: usize,
    headers: bool,
) -> io::Result<()> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let pushed = workloads
        .iter()
        .flat_map(|w| &w.containers)
        .any(|c| c.time_source == "pushed");
    if headers {
        let time = if pushed { "PUSHED" } else { "CREATED" };
        rows.push(
            ["WORKLOAD", "CONTAINER", "IMAGE", time]
                .map(String::from)
                .to_vec(),
        );
    }
    for workload in workloads {
        let mut first = true;
        for container in &workload.containers {
            let id = if first {
                workload.id.clone()
            } else {
                String::new()
            };
            first = false;
            rows.push(vec![
                id,
                container.name.clone(),
                container.name_as_written.clone(),
                container.error.clone().unwrap_or_default(),
            ]);
            tag_rows(&mut rows, container, limit);
        }
    }
    super::table(out, &rows)
}

fn tag_rows(rows: &mut Vec<Vec<String>>, container: &ContainerImages, limit: usize) {
    if container.error.is_some() {
        // The error stands on the container's row; there are no tags to show.
        return;
    }
    let current = container.current.as_ref();
    let position =
        current.and_then(|c| container.available.iter().position(|row| row.tag == c.tag));
    let shown = if limit == 0 {
        container.available.len()
    } else {
        limit.min(container.available.len())
    };
    let row = |marker: &str, tag: &TagRow| {
        let when = match (&tag.created, &tag.note) {
            (_, Some(note)) => note.clone(),
            (Some(t), None) => created(t),
            (None, None) => String::new(),
        };
        vec![
            String::new(),
            String::new(),
            format!("{marker}{}", tag.tag),
            when,
        ]
    };
    // A current tag the registry does not list comes after all the others.
    let current_at = position.or(current.map(|_| container.available.len()));
    let marker = |i: usize| match current_at {
        Some(p) if i < p => "|   ",
        Some(p) if i == p => "'-> ",
        _ => "    ",
    };
    for (i, tag) in container.available.iter().enumerate().take(shown) {
        rows.push(row(marker(i), tag));
    }
    let (Some(p), Some(current)) = (current_at.filter(|p| *p >= shown), current) else {
        return;
    };
    if p > shown {
        rows.push(vec![
            String::new(),
            String::new(),
            format!(": ({} image(s) omitted)", p - shown),
            String::new(),
        ]);
    }
    match container.available.get(p) {
        Some(tag) => rows.push(row("'-> ", tag)),
        None => rows.push(row("'-> ", current)),
    }
}
