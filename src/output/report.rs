//! The result documents of the commands and their table forms.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::manifest::{ImageSite, Workload};

/// What a write command did.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The commit made, if any.
    pub commit: Option<String>,
    /// Whether the commit was pushed.
    pub pushed: bool,
    /// One entry per workload considered.
    pub results: Vec<WorkloadResult>,
    /// Warnings, as printed on stderr.
    pub warnings: Vec<String>,
    /// Errors, as printed on stderr.
    pub errors: Vec<String>,
    /// With `--diff` and JSON output: the unified diff, so that stdout stays one document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// What happened to one workload.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadResult {
    /// The workload ID.
    pub id: String,
    /// Its file, relative to the repository root.
    pub file: String,
    /// `success`, `partial`, `skipped` or `failed`.
    pub status: Status,
    /// Why it was skipped or failed.
    pub reason: Option<String>,
    /// The values changed.
    pub updates: Vec<Update>,
    /// The containers that failed, each with its error.
    pub failures: Vec<Failure>,
    /// The containers left alone, each with why.
    pub skipped: Vec<Skip>,
}

/// A container that could not be updated.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The container.
    pub container: String,
    /// The error.
    pub error: String,
}

impl From<&Skip> for Failure {
    fn from(skip: &Skip) -> Self {
        Failure {
            container: skip.container.clone(),
            error: skip.reason.clone(),
        }
    }
}

/// A container left alone, and why.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skip {
    /// The container.
    pub container: String,
    /// Why.
    pub reason: String,
}

impl Skip {
    /// `<container>: <reason>`.
    pub fn line(&self) -> String {
        format!("{}: {}", self.container, self.reason)
    }
}

/// A workload's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Changed.
    Success,
    /// Some containers changed and others failed.
    Partial,
    /// Left alone, with a reason.
    Skipped,
    /// Could not be done, with the error.
    Failed,
}

/// One value changed: a container's image, or (for the policy commands) an annotation,
/// named by its key in `container`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    /// The container, or the annotation key.
    pub container: String,
    /// The value before; `null` for an annotation that was added.
    pub from: Option<String>,
    /// The value after; `null` for an annotation that was removed.
    pub to: Option<String>,
}

impl Report {
    /// Whether anything was (or, in a dry run, would be) changed.
    pub fn changed(&self) -> bool {
        self.results.iter().any(|r| !r.updates.is_empty())
    }

    /// The `WORKLOAD  STATUS  UPDATES` table: a row per workload, then a row per further update.
    pub fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut rows = vec![vec!["WORKLOAD".into(), "STATUS".into(), "UPDATES".into()]];
        for result in &self.results {
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
}

impl Update {
    /// `<container>: <old> -> <new>`.
    fn line(&self) -> String {
        format!(
            "{}: {} -> {}",
            self.container,
            self.from.as_deref().unwrap_or("(none)"),
            self.to.as_deref().unwrap_or("(removed)")
        )
    }
}

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
            rows.push(vec![
                label.clone(),
                c.name.clone(),
                c.image
                    .as_ref()
                    .map(ImageSite::reference)
                    .unwrap_or_default(),
                policy.clone(),
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
        report.write_table(out)?;
        out.write_all(&text)
    }
}
