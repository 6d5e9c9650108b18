//! The plan: one pure step from scanned workloads, registry facts and options to what
//! changes and why the rest does not (SPEC §5). `release`, `sync`, dry runs, tables and JSON
//! reports all consume the same [`Plan`].

use std::collections::BTreeSet;

use super::facts::{self, Facts, Site};
use crate::manifest::{ImageSite, Workload};
use crate::output::report::{Skip, Status, Update, WorkloadResult};
use crate::policy::{self, CurrentTag, Decision};
use crate::registry::Availability;

/// What to move the containers to.
pub enum Target {
    /// Every container to its newest allowed tag (`sync`, `release --update-all-images`).
    Newest,
    /// Containers of this image (canonical name) to this tag (`release -i`).
    Image {
        /// The canonical name, e.g. `index.docker.io/library/nginx`.
        name: String,
        /// The tag.
        tag: String,
        /// Check that the tag exists (not `--no-verify`).
        verify: bool,
    },
}

/// How the workloads were chosen and what may be overridden.
pub struct Rules<'a> {
    /// What to move to.
    pub target: Target,
    /// Only automated workloads count (`sync`).
    pub automated_only: bool,
    /// Workloads named with `-w` together with `--force`: their locks do not count.
    pub forced: &'a BTreeSet<String>,
    /// `--force` with `-i`: the tag filter does not count.
    pub ignore_filter: bool,
    /// `--exclude`d workload IDs.
    pub excluded: &'a BTreeSet<String>,
    /// The platform, for reasons.
    pub platform: &'a str,
}

/// One container's change.
#[derive(Clone, Debug)]
pub struct Change {
    /// The container.
    pub container: String,
    /// Where its image is written.
    pub site: ImageSite,
    /// The reference before, as written.
    pub from: String,
    /// The reference after, keeping the name as written.
    pub to: String,
    /// The new tag.
    pub tag: String,
}

/// What happens to one workload.
pub struct WorkloadPlan<'a> {
    /// The workload.
    pub workload: &'a Workload,
    /// The changes to make.
    pub changes: Vec<Change>,
    /// Why a whole workload is left alone (locked, not automated, excluded).
    pub skipped: Option<String>,
    /// Why each other container is left alone.
    pub left: Vec<Skip>,
    /// Containers that failed (a registry error, a bad reference).
    pub failed: Vec<Skip>,
}

/// The whole plan.
pub struct Plan<'a> {
    /// One entry per workload considered, in scan order.
    pub workloads: Vec<WorkloadPlan<'a>>,
    /// Things to tell the user (tags skipped for a missing build time).
    pub warnings: Vec<String>,
}

impl Plan<'_> {
    /// Every change, with its workload.
    pub fn changes(&self) -> impl Iterator<Item = (&Workload, &Change)> {
        self.workloads
            .iter()
            .flat_map(|w| w.changes.iter().map(move |c| (w.workload, c)))
    }

    /// The report rows.
    pub fn results(&self) -> Vec<WorkloadResult> {
        self.workloads.iter().map(WorkloadPlan::result).collect()
    }
}

impl WorkloadPlan<'_> {
    /// The report row: success with updates; failed when a container failed and nothing
    /// changed; else skipped with the reasons.
    fn result(&self) -> WorkloadResult {
        let (status, reason) = if let Some(reason) = &self.skipped {
            (Status::Skipped, Some(reason.clone()))
        } else if !self.changes.is_empty() {
            let problems: Vec<String> = self.failed.iter().map(Skip::line).collect();
            (
                Status::Success,
                (!problems.is_empty()).then(|| problems.join("; ")),
            )
        } else if !self.failed.is_empty() {
            let problems: Vec<String> = self.failed.iter().map(Skip::line).collect();
            (Status::Failed, Some(problems.join("; ")))
        } else {
            let mut reasons: Vec<&str> = self.left.iter().map(|s| s.reason.as_str()).collect();
            reasons.dedup();
            let reason = match reasons.as_slice() {
                [] => "no images to update".to_owned(),
                [one] => (*one).to_owned(),
                _ => self
                    .left
                    .iter()
                    .map(Skip::line)
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            (Status::Skipped, Some(reason))
        };
        let mut left = self.left.clone();
        left.extend(self.failed.iter().cloned());
        WorkloadResult {
            id: self.workload.id.to_string(),
            file: self.workload.file.clone(),
            status,
            reason,
            updates: self
                .changes
                .iter()
                .map(|c| Update {
                    container: c.container.clone(),
                    from: Some(c.from.clone()),
                    to: Some(c.tag.clone()),
                })
                .collect(),
            skipped: if self.changes.is_empty() && self.skipped.is_some() {
                Vec::new()
            } else {
                left
            },
        }
    }
}

/// Plan the workloads in `selected` with the facts gathered for `sites`.
pub fn plan<'a>(
    selected: &[&'a Workload],
    sites: &[Site<'a>],
    facts: &Facts,
    rules: &Rules<'_>,
) -> Plan<'a> {
    let mut plan = Plan {
        workloads: Vec::new(),
        warnings: Vec::new(),
    };
    for workload in selected {
        let id = workload.id.to_string();
        let mut entry = WorkloadPlan {
            workload,
            changes: Vec::new(),
            skipped: None,
            left: Vec::new(),
            failed: Vec::new(),
        };
        let policies = &workload.policies;
        entry.skipped = if rules.excluded.contains(&id) {
            Some("excluded".to_owned())
        } else if policies.ignore && !rules.forced.contains(&id) {
            Some("ignored".to_owned())
        } else if policies.locked && !rules.forced.contains(&id) {
            Some(match &policies.locked_msg {
                Some(msg) if !msg.is_empty() => format!("locked: {msg}"),
                _ => "locked".to_owned(),
            })
        } else if rules.automated_only && !policies.automated {
            Some("not automated".to_owned())
        } else {
            None
        };
        let mine: Vec<&Site<'_>> = sites
            .iter()
            .filter(|s| std::ptr::eq(s.workload, *workload))
            .filter(|s| match &rules.target {
                Target::Image { name, .. } => s
                    .image
                    .as_ref()
                    .is_ok_and(|image| image.canonical_name() == *name),
                Target::Newest => true,
            })
            .collect();
        if let (None, Target::Image { name, .. }, true) =
            (&entry.skipped, &rules.target, mine.is_empty())
        {
            entry.skipped = Some(format!("does not use {name}"));
        }
        if entry.skipped.is_none() {
            for site in mine {
                container(&mut entry, site, facts, rules, &mut plan.warnings);
            }
        }
        plan.workloads.push(entry);
    }
    plan
}

/// Plan one container.
fn container(
    entry: &mut WorkloadPlan<'_>,
    site: &Site<'_>,
    facts: &Facts,
    rules: &Rules<'_>,
    warnings: &mut Vec<String>,
) {
    let name = site.container.name.clone();
    let leave = |entry: &mut WorkloadPlan<'_>, reason: String| {
        entry.left.push(Skip {
            container: name.clone(),
            reason,
        });
    };
    let fail = |entry: &mut WorkloadPlan<'_>, reason: String| {
        entry.failed.push(Skip {
            container: name.clone(),
            reason,
        });
    };
    let Some(image_site) = &site.container.image else {
        return;
    };
    let image = match &site.image {
        Ok(image) => image,
        Err(err) => return fail(entry, err.clone()),
    };
    let pattern = match &site.pattern {
        Ok(pattern) => pattern,
        Err(err) => return fail(entry, err.clone()),
    };
    let repo = site.repo();
    let scan = match repo.as_ref().and_then(|r| facts.get(r)) {
        Some(Ok(scan)) => Some(scan),
        Some(Err(err)) => return fail(entry, err.to_string()),
        None => None,
    };
    let current = site.current_tag();
    // A written digest that is no longer the tag's: the tag was pushed again.
    let stale_digest = |tag: &str| {
        let known = scan
            .and_then(|s| s.details.get(tag))
            .and_then(|d| d.as_ref().ok())
            .map(|d| d.digest.as_str());
        matches!((image.digest(), known), (Some(written), Some(known)) if written != known)
    };
    if current.is_none() && matches!(rules.target, Target::Newest) {
        return leave(entry, "pinned by digest, with no tag to follow".to_owned());
    }
    let to = match &rules.target {
        Target::Image { tag, verify, .. } => {
            if current == Some(tag.as_str()) && !stale_digest(tag) {
                return leave(entry, "up to date".to_owned());
            }
            if !rules.ignore_filter && !pattern.allows(tag) {
                return leave(entry, format!("{tag} is not allowed by {pattern}"));
            }
            if *verify {
                let Some(scan) = scan else {
                    return fail(entry, "the registry was not asked".to_owned());
                };
                if !scan.tags.iter().any(|t| t == tag) {
                    return leave(entry, "tag not found".to_owned());
                }
                match scan.details.get(tag) {
                    Some(Ok(d)) if d.availability == Availability::NotForPlatform => {
                        return leave(
                            entry,
                            format!("{tag} is not available for {}", rules.platform),
                        );
                    }
                    Some(Err(err)) => return fail(entry, err.to_string()),
                    _ => {}
                }
            }
            tag.clone()
        }
        Target::Newest => {
            let Some(scan) = scan else {
                return fail(entry, "the registry was not asked".to_owned());
            };
            let candidates = facts::candidates(pattern, scan);
            if !pattern.orders_by_version() {
                for tag in &scan.tags {
                    let details = scan.details.get(tag).and_then(|d| d.as_ref().ok());
                    let timeless = details.is_some_and(|d| {
                        d.created.is_none() && d.availability == Availability::Available
                    });
                    if timeless && pattern.allows(tag) {
                        warnings.push(format!(
                            "{}:{tag}: no build time is known, so it is not a candidate for {} in {}",
                            image.name_as_written(),
                            name,
                            entry.workload.id
                        ));
                    }
                }
            }
            let created = current
                .and_then(|t| scan.details.get(t))
                .and_then(|d| d.as_ref().ok())
                .and_then(|d| d.created);
            match policy::decide(
                pattern,
                &CurrentTag {
                    tag: current,
                    created,
                },
                &candidates,
            ) {
                Decision::Update { to } => to,
                Decision::UpToDate => match current {
                    Some(tag) if stale_digest(tag) => tag.to_owned(),
                    _ => return leave(entry, "up to date".to_owned()),
                },
                Decision::CurrentTimeUnknown { newest } => {
                    return leave(
                        entry,
                        format!(
                            "the build time of the current tag is unknown (newest allowed: {newest})"
                        ),
                    );
                }
                Decision::NoCandidate => {
                    return leave(entry, format!("no tag allowed by {pattern}"));
                }
            }
        }
    };
    let digest = scan
        .and_then(|s| s.details.get(&to))
        .and_then(|d| d.as_ref().ok())
        .map(|d| d.digest.clone());
    let new = match image.with_tag(&to, digest.as_deref()) {
        Ok(new) => new,
        Err(err) => return fail(entry, err.to_string()),
    };
    entry.changes.push(Change {
        container: name.clone(),
        site: image_site.clone(),
        from: site.written.clone(),
        to: new.to_string(),
        tag: to,
    });
}
