//! What a run found, container by container: the one value the reports written after a run
//! are made from (the HTML page of `--report-html`, the Markdown of `-o markdown` and the
//! metrics of `--metrics-file`). Commands fill it in as they go; `commands::run` adds how the
//! run ended and writes the files.

use chrono::{DateTime, Utc};

/// A run, as the reports show it.
#[derive(Debug, Default, Clone)]
pub struct Overview {
    /// The subcommand (`sync`, `release`, `list-images`, …).
    pub command: String,
    /// When the run started.
    pub started: Option<DateTime<Utc>>,
    /// Where the manifests are: the `--git-url` (without credentials) or the directory.
    pub repository: String,
    /// The branch committed to, when known.
    pub branch: Option<String>,
    /// The commit made, if any.
    pub commit: Option<String>,
    /// Whether the commit was pushed.
    pub pushed: bool,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// One row per container looked at.
    pub containers: Vec<ContainerRow>,
    /// Requests and failed requests per registry host.
    pub hosts: Vec<HostCount>,
    /// The warnings printed.
    pub warnings: Vec<String>,
    /// The errors printed, including the one that ended the run.
    pub errors: Vec<String>,
    /// The exit code, once the run is over.
    pub exit_code: Option<u8>,
    /// Whether the times are when tags were pushed (`--time-source pushed`), not built.
    pub push_times: bool,
}

/// One container: what it runs, what it could run, and what happened.
#[derive(Debug, Clone)]
pub struct ContainerRow {
    /// The workload ID.
    pub workload: String,
    /// The workload's namespace.
    pub namespace: String,
    /// Its file, relative to the repository root.
    pub file: String,
    /// The container.
    pub container: String,
    /// The image name as written, without tag.
    pub image: String,
    /// The tag pattern in force (empty when it is invalid or the image was not read).
    pub pattern: String,
    /// The tag in use, with its build time when known.
    pub current: Option<TagTime>,
    /// The newest tag the pattern allows, with its build time.
    pub newest: Option<TagTime>,
    /// What happened.
    pub status: RowStatus,
    /// Why, in words (empty when there is nothing to add).
    pub reason: String,
    /// The newest allowed tags, newest first, for a timeline (at most [`HISTORY`]).
    pub history: Vec<TagTime>,
}

/// How many of the newest allowed tags a row keeps for its timeline.
pub const HISTORY: usize = 8;

/// A tag and its image's build time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagTime {
    /// The tag.
    pub tag: String,
    /// When its image was built, when known.
    pub created: Option<DateTime<Utc>>,
}

/// What happened to a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowStatus {
    /// Moved to a new tag (with `--dry-run`: would be).
    Updated,
    /// A newer allowed tag exists (`list-images`).
    Behind,
    /// On the newest allowed tag.
    UpToDate,
    /// Left alone on purpose: locked, not automated, excluded, …
    Skipped,
    /// Could not be read or moved.
    Failed,
}

impl RowStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [RowStatus; 5] = [
        RowStatus::Updated,
        RowStatus::Behind,
        RowStatus::UpToDate,
        RowStatus::Skipped,
        RowStatus::Failed,
    ];

    /// The word the reports print.
    pub fn word(self) -> &'static str {
        match self {
            RowStatus::Updated => "updated",
            RowStatus::Behind => "update available",
            RowStatus::UpToDate => "up to date",
            RowStatus::Skipped => "skipped",
            RowStatus::Failed => "failed",
        }
    }

    /// The label value in metrics (`up_to_date`).
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Updated => "updated",
            RowStatus::Behind => "update_available",
            RowStatus::UpToDate => "up_to_date",
            RowStatus::Skipped => "skipped",
            RowStatus::Failed => "failed",
        }
    }
}

/// Requests sent to one registry host during the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostCount {
    /// `host[:port]`.
    pub host: String,
    /// Requests sent (every retry and redirect counts).
    pub requests: u64,
    /// Requests that failed: no answer, or an HTTP error other than 401.
    pub errors: u64,
    /// Manifest pulls counted against the host's budget, when it announces one.
    pub pulls: Option<u64>,
    /// What is left of that budget, as the host last said.
    pub pulls_left: Option<u64>,
}

impl Overview {
    /// How many containers have `status`.
    pub fn count(&self, status: RowStatus) -> usize {
        self.containers
            .iter()
            .filter(|c| c.status == status)
            .count()
    }

    /// Add what a registry client counted, host by host.
    pub fn add_hosts(&mut self, counts: Vec<HostCount>) {
        for count in counts {
            match self.hosts.iter_mut().find(|h| h.host == count.host) {
                Some(known) => {
                    known.requests += count.requests;
                    known.errors += count.errors;
                    if let Some(pulls) = count.pulls {
                        known.pulls = Some(known.pulls.unwrap_or(0) + pulls);
                    }
                    known.pulls_left = count.pulls_left.or(known.pulls_left);
                }
                None => self.hosts.push(count),
            }
        }
        self.hosts.sort_by(|a, b| a.host.cmp(&b.host));
    }

    /// Whether the run ended well: exit code 0 or 3.
    pub fn succeeded(&self) -> bool {
        matches!(self.exit_code, Some(0 | 3))
    }
}
