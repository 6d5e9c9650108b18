//! What a write command did, as a value: the result of every workload considered, the
//! commit, and the warnings and errors. The commands build it; `output` renders it as a
//! table, JSON, Markdown or HTML, and `notify` posts it.

use serde::Serialize;

/// What a write command did.
#[derive(Clone, Debug, Default, Serialize)]
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
    /// With `--push-branch`: each branch pushed or left as it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branches: Option<Vec<BranchResult>>,
    /// With `--pull-request`: each pull request opened, updated, found up to date or closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_requests: Option<Vec<PullRequestResult>>,
    /// With `--diff` and JSON output: the unified diff, so that stdout stays one document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// A branch of `--push-branch`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BranchResult {
    /// Its name.
    pub branch: String,
    /// The commit at its tip after the run.
    pub commit: String,
    /// Whether this run pushed it (`false`: it already held the same change).
    pub pushed: bool,
}

/// A pull (merge) request of `--pull-request`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullRequestResult {
    /// Its web address.
    pub url: String,
    /// Its number.
    pub number: u64,
    /// Its head branch.
    pub branch: String,
    /// Whether this run opened it.
    pub created: bool,
    /// Whether this run closed it (`--close-stale`).
    pub closed: bool,
}

/// What happened to one workload.
#[derive(Clone, Debug, Serialize)]
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
#[derive(Clone, Debug, Serialize)]
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
}

impl Update {
    /// `<container>: <old> -> <new>`.
    pub fn line(&self) -> String {
        format!(
            "{}: {} -> {}",
            self.container,
            self.from.as_deref().unwrap_or("(none)"),
            self.to.as_deref().unwrap_or("(removed)")
        )
    }
}
