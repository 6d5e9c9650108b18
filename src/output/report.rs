//! The table and JSON forms of the commands' results ([`crate::report`]), and of the
//! workloads `list-workloads` shows.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::manifest::flux::{Marked, Resolved};
use crate::manifest::marker::Rule;
use crate::manifest::{ImageSite, Workload};
use crate::report::{Report, Skip, Status, Update};

/// `list-workloads -o json`: one entry per workload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadView<'a> {
    id: String,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    file: &'a str,
    line: usize,
    policies: PoliciesView<'a>,
    containers: Vec<ContainerView>,
}

#[derive(Debug, Serialize)]
struct PoliciesView<'a> {
    automated: bool,
    locked: bool,
    ignore: bool,
    tags: &'a BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct ContainerView {
    name: String,
    image: Option<String>,
    init: bool,
    /// For a marked site: the marker, where it is, and what it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<MarkerView>,
}

/// A marked site in `list-workloads -o json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MarkerView {
    /// `imagepolicy` or `tagpilot`.
    kind: &'static str,
    /// The line of the marker.
    line: usize,
    /// `whole`, `name`, `tag` or `digest`.
    part: &'static str,
    /// `namespace/name` of the ImagePolicy, for `$imagepolicy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<String>,
    /// The pattern, for `$tagpilot`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    /// Why it cannot be used, or is left alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
}

impl MarkerView {
    fn new(marked: &Marked) -> MarkerView {
        let (kind, policy, pattern) = match &marked.marker.rule {
            Rule::Policy { namespace, name } => {
                ("imagepolicy", Some(format!("{namespace}/{name}")), None)
            }
            Rule::Pattern { pattern, .. } => ("tagpilot", None, Some(pattern.clone())),
        };
        let problem = match &marked.resolved {
            Resolved::Broken(why) | Resolved::Suspended(why) => Some(why.clone()),
            _ => None,
        };
        MarkerView {
            kind,
            line: marked.marker.line,
            part: marked.marker.part.word(),
            policy,
            pattern,
            problem,
        }
    }
}

impl<'a> WorkloadView<'a> {
    /// The JSON view of a workload.
    pub fn new(w: &'a Workload) -> Self {
        WorkloadView {
            id: w.id.to_string(),
            kind: &w.kind,
            namespace: &w.id.namespace,
            name: &w.id.name,
            file: &w.file,
            line: w.line,
            policies: PoliciesView {
                automated: w.policies.automated,
                locked: w.policies.locked,
                ignore: w.policies.ignore,
                tags: &w.policies.tags,
            },
            containers: w
                .containers
                .iter()
                .map(|c| ContainerView {
                    name: c.name.clone(),
                    image: c.image.as_ref().map(ImageSite::reference),
                    init: c.init,
                    marker: c.marker.as_ref().map(MarkerView::new),
                })
                .collect(),
        }
    }
}

/// `list-workloads` as a table: `WORKLOAD  CONTAINER  IMAGE  POLICY`, a row per container.
/// A workload whose ID occurs in several files shows its file after the ID.
pub fn workloads_table(out: &mut dyn Write, workloads: &[&Workload]) -> io::Result<()> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for w in workloads {
        *counts.entry(w.id.to_string()).or_default() += 1;
    }
    let mut rows = vec![vec![
        "WORKLOAD".into(),
        "CONTAINER".into(),
        "IMAGE".into(),
        "POLICY".into(),
    ]];
    for w in workloads {
        let id = w.id.to_string();
        let label = if counts[&id] > 1 {
            format!("{id} ({}:{})", w.file, w.line)
        } else {
            id
        };
        let mut policy = Vec::new();
        for (flag, name) in [
            (w.policies.automated, "automated"),
            (w.policies.locked, "locked"),
            (w.policies.ignore, "ignore"),
        ] {
            if flag {
                policy.push(name.to_owned());
            }
        }
        policy.extend(w.policies.tags.iter().map(|(c, p)| format!("tag.{c}={p}")));
        let policy = policy.join(",");
        if w.containers.is_empty() {
            rows.push(vec![label, String::new(), String::new(), policy]);
            continue;
        }
        for c in &w.containers {
            // A marker governs its container whatever the annotations say.
            let policy = c
                .marker
                .as_ref()
                .map_or_else(|| policy.clone(), Marked::describe);
            rows.push(vec![
                label.clone(),
                c.name.clone(),
                c.image
                    .as_ref()
                    .map(ImageSite::reference)
                    .unwrap_or_default(),
                policy,
            ]);
        }
    }
    super::table(out, &rows)
}

/// Print a write command's report: the table or JSON, and with `diff` the unified diff of
/// each change (after the table, or inside the JSON document).
pub fn write_report(
    out: &mut dyn Write,
    report: &mut Report,
    json: bool,
    diffs: Option<&[(&str, &str, &str)]>,
) -> io::Result<()> {
    let mut text = Vec::new();
    for (file, old, new) in diffs.unwrap_or_default() {
        super::diff(&mut text, file, old, new)?;
    }
    if json {
        if diffs.is_some() {
            report.diff = Some(String::from_utf8_lossy(&text).into_owned());
        }
        super::json(out, report)
    } else {
        report_table(report, out)?;
        out.write_all(&text)
    }
}

/// The `WORKLOAD  STATUS  UPDATES` table: a row per workload, then a row per further update.
pub fn report_table(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut rows = vec![vec!["WORKLOAD".into(), "STATUS".into(), "UPDATES".into()]];
    for result in &report.results {
        let status = match result.status {
            Status::Success => "success",
            Status::Partial => "partial",
            Status::Skipped => "skipped",
            Status::Failed => "failed",
        };
        let mut lines: Vec<String> = result.updates.iter().map(Update::line).collect();
        lines.extend(
            result
                .failures
                .iter()
                .map(|f| format!("{}: {}", f.container, f.error)),
        );
        lines.extend(result.skipped.iter().map(Skip::line));
        if lines.is_empty() {
            lines.extend(result.reason.clone());
        }
        let mut lines = lines.into_iter();
        rows.push(vec![
            result.id.clone(),
            status.into(),
            lines.next().unwrap_or_default(),
        ]);
        rows.extend(lines.map(|line| vec![String::new(), String::new(), line]));
    }
    super::table(out, &rows)
}
