//! The container rows of a run's overview (the reports' content): what each container
//! runs, the newest tag its pattern allows, build times, and what happened to it — from
//! the plan for `release` and `sync`, from the same decision rule for `list-images`.

use std::ptr;

use super::facts::{self, Facts, Site};
use super::plan::{Plan, WorkloadPlan};
use super::reason::Reason;
use crate::output::overview::{ContainerRow, HISTORY, RowStatus, TagTime};
use crate::policy::{self, CurrentTag, Decision};
use crate::registry::RepoScan;

/// The rows of `release` and `sync`: each site with what the plan did with it.
pub fn plan_rows(plan: &Plan<'_>, sites: &[Site<'_>], facts: &Facts) -> Vec<ContainerRow> {
    let mut rows: Vec<ContainerRow> = sites
        .iter()
        .map(|site| {
            let entry = plan
                .workloads
                .iter()
                .find(|w| ptr::eq(w.workload, site.workload));
            let (status, reason) = planned(entry, &site.container.name);
            row(site, facts, status, reason)
        })
        .collect();
    rows.sort_by(|a, b| a.workload.cmp(&b.workload));
    rows
}

/// The rows of `list-images`: up to date, an update available, left alone (no allowed tag,
/// an unknown build time) or failed, as `sync` would decide.
pub fn listing_rows(sites: &[Site<'_>], facts: &Facts) -> Vec<ContainerRow> {
    sites
        .iter()
        .map(|site| {
            let (status, reason) = listed(site, facts);
            row(site, facts, status, reason)
        })
        .collect()
}

/// What the plan did with one container of a workload.
fn planned(entry: Option<&WorkloadPlan<'_>>, container: &str) -> (RowStatus, String) {
    let Some(entry) = entry else {
        return (RowStatus::Skipped, "not selected".to_owned());
    };
    if let Some(change) = entry.changes.iter().find(|c| c.container == container) {
        return (
            RowStatus::Updated,
            format!("{} -> {}", change.from, change.tag),
        );
    }
    if let Some(failed) = entry.failed.iter().find(|f| f.container == container) {
        return (RowStatus::Failed, failed.reason.to_string());
    }
    if let Some(left) = entry.left.iter().find(|l| l.container == container) {
        return if left.reason.is_up_to_date() {
            (RowStatus::UpToDate, String::new())
        } else {
            (RowStatus::Skipped, left.reason.to_string())
        };
    }
    match &entry.skipped {
        Some(reason) => (RowStatus::Skipped, reason.to_string()),
        None => (RowStatus::Skipped, "not part of this release".to_owned()),
    }
}

/// What `list-images` says of one container.
fn listed(site: &Site<'_>, facts: &Facts) -> (RowStatus, String) {
    let failed = |reason: String| (RowStatus::Failed, reason);
    let image = match &site.image {
        Ok(image) => image,
        Err(err) => return failed(err.clone()),
    };
    let pattern = match &site.pattern {
        Ok(pattern) => pattern,
        Err(err) => return failed(err.clone()),
    };
    let scan = match site.repo().and_then(|repo| facts.get(&repo)) {
        Some(Ok(scan)) => scan,
        Some(Err(err)) => return failed(err.to_string()),
        None => return (RowStatus::Skipped, Reason::NotAsked.to_string()),
    };
    let current = site.current_tag();
    let decision = policy::decide(
        pattern,
        &CurrentTag {
            tag: current,
            created: current.and_then(|tag| created(scan, tag)),
        },
        &facts::candidates(pattern, scan),
    );
    match decision {
        Decision::Update { to } => (
            RowStatus::Behind,
            format!("{}:{to} is newer", image.name_as_written()),
        ),
        Decision::UpToDate => (RowStatus::UpToDate, String::new()),
        Decision::CurrentTimeUnknown { newest } => (
            RowStatus::Skipped,
            Reason::CurrentTimeUnknown { newest }.to_string(),
        ),
        Decision::NoCandidate => (
            RowStatus::Skipped,
            Reason::NoTagAllowed {
                pattern: pattern.to_string(),
            }
            .to_string(),
        ),
    }
}

/// A tag's build time, when the registry told it.
fn created(scan: &RepoScan, tag: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    scan.details
        .get(tag)
        .and_then(|d| d.as_ref().ok())
        .and_then(|d| d.created)
}

/// A row for `site` with the registry's facts about its repository.
fn row(site: &Site<'_>, facts: &Facts, status: RowStatus, reason: String) -> ContainerRow {
    let mut row = ContainerRow {
        workload: site.workload.id.to_string(),
        namespace: site.workload.id.namespace.clone(),
        file: site.workload.file.clone(),
        container: site.container.name.clone(),
        image: site.image.as_ref().map_or_else(
            |_| site.written.clone(),
            |image| image.name_as_written().to_owned(),
        ),
        pattern: site
            .pattern
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        current: None,
        newest: None,
        status,
        reason,
        history: Vec::new(),
    };
    let scan = site
        .repo()
        .and_then(|repo| facts.get(&repo))
        .and_then(|result| result.as_ref().ok());
    row.current = site.current_tag().map(|tag| TagTime {
        tag: tag.to_owned(),
        created: scan.and_then(|scan| created(scan, tag)),
    });
    if let (Some(scan), Ok(pattern)) = (scan, &site.pattern) {
        let mut candidates = facts::candidates(pattern, scan);
        row.newest = policy::newest_allowed(pattern, &candidates).map(|f| TagTime {
            tag: f.tag.clone(),
            created: f.created,
        });
        policy::sort_for_listing(pattern, &mut candidates);
        row.history = candidates
            .into_iter()
            .take(HISTORY)
            .map(|f| TagTime {
                tag: f.tag,
                created: f.created,
            })
            .collect();
    }
    row
}
