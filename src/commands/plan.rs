//! The plan: one pure step from scanned workloads, registry facts and options to what
//! changes and why the rest does not. `release`, `sync`, dry runs, tables and JSON
//! reports all consume the same [`Plan`].

use std::collections::BTreeSet;

use super::facts::{self, Facts, Site};
use super::reason::{Left, Reason};
use crate::image::ImageRef;
use crate::manifest::flux::Resolved;
use crate::manifest::{ImageSite, Workload};
use crate::policy::{self, CurrentTag, Decision, Pattern, TagFacts};
use crate::registry::{Availability, RegistryError, RepoScan, TagDetails};
use crate::report::{Failure, Status, Update, WorkloadResult};

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
    pub skipped: Option<Reason>,
    /// Why each other container is left alone.
    pub left: Vec<Left>,
    /// Containers that failed (a registry error, a bad reference).
    pub failed: Vec<Left>,
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

    /// The report rows, sorted by workload ID as fluxctl sorts them (a workload found in
    /// several files keeps their order).
    pub fn results(&self) -> Vec<WorkloadResult> {
        let mut results: Vec<WorkloadResult> =
            self.workloads.iter().map(WorkloadPlan::result).collect();
        results.sort_by(|a, b| a.id.cmp(&b.id));
        results
    }
}

impl WorkloadPlan<'_> {
    /// The report row: `success` with updates, `partial` when some containers changed and
    /// others failed, `failed` when containers failed and nothing changed, else `skipped`
    /// with the reasons.
    fn result(&self) -> WorkloadResult {
        let problems = || {
            let lines: Vec<String> = self.failed.iter().map(Left::line).collect();
            lines.join("; ")
        };
        let (status, reason) = if let Some(reason) = &self.skipped {
            (Status::Skipped, Some(reason.to_string()))
        } else if !self.changes.is_empty() && !self.failed.is_empty() {
            (Status::Partial, Some(problems()))
        } else if !self.changes.is_empty() {
            (Status::Success, None)
        } else if !self.failed.is_empty() {
            (Status::Failed, Some(problems()))
        } else {
            (Status::Skipped, Some(self.skip_reason()))
        };
        let whole = self.changes.is_empty() && self.skipped.is_some();
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
            failures: self
                .failed
                .iter()
                .map(|f| Failure::from(&f.skip()))
                .collect(),
            skipped: if whole {
                Vec::new()
            } else {
                self.left.iter().map(Left::skip).collect()
            },
        }
    }

    /// Why a workload none of whose containers changed or failed was left alone: the one
    /// reason they share, or each container's.
    fn skip_reason(&self) -> String {
        let mut reasons: Vec<&Reason> = self.left.iter().map(|s| &s.reason).collect();
        reasons.dedup();
        match reasons.as_slice() {
            [] => "no images to update".to_owned(),
            [one] => one.to_string(),
            _ => self
                .left
                .iter()
                .map(Left::line)
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// Add a warning unless the same words were already given (one per repository and tag,
/// however many containers use it).
fn warn_once(warnings: &mut Vec<String>, warning: String) {
    if !warnings.contains(&warning) {
        warnings.push(warning);
    }
}

/// Why `workload` is left alone before its containers are looked at: excluded, ignored or
/// locked (unless forced), or not automated where only automated workloads move. The one
/// rule for both the planner and the choice of what to ask the registries.
pub fn workload_skip(workload: &Workload, rules: &Rules<'_>) -> Option<Reason> {
    let id = workload.id.to_string();
    let policies = &workload.policies;
    if rules.excluded.contains(&id) {
        Some(Reason::Excluded)
    } else if policies.ignore && !rules.forced.contains(&id) {
        Some(Reason::Ignored)
    } else if policies.locked && !rules.forced.contains(&id) {
        Some(Reason::Locked(policies.locked_msg.clone()))
    } else if rules.automated_only && !policies.automated && !has_markers(workload) {
        Some(Reason::NotAutomated)
    } else {
        None
    }
}

/// Whether some container's image is governed by a marker, which is its own opt-in.
fn has_markers(workload: &Workload) -> bool {
    workload.containers.iter().any(|c| c.marker.is_some())
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
        let mut entry = WorkloadPlan {
            workload,
            changes: Vec::new(),
            skipped: None,
            left: Vec::new(),
            failed: Vec::new(),
        };
        entry.skipped = workload_skip(workload, rules);
        if entry.skipped.is_none() {
            for warning in facts::bad_references(workload) {
                warn_once(&mut plan.warnings, warning);
            }
        }
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
            entry.skipped = Some(Reason::DoesNotUse(name.clone()));
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

/// Why a container stays where it is: left alone, or failed.
enum Stay {
    Leave(Reason),
    Fail(Reason),
}

/// Plan one container.
fn container(
    entry: &mut WorkloadPlan<'_>,
    site: &Site<'_>,
    facts: &Facts,
    rules: &Rules<'_>,
    warnings: &mut Vec<String>,
) {
    let Some(image_site) = &site.container.image else {
        return;
    };
    let container = site.container.name.clone();
    let stay = |reason| Err(Stay::Leave(reason));
    let verdict = if let Some(why) = &site.suspended {
        stay(Reason::Suspended(why.clone()))
    } else if rules.automated_only
        && !site.workload.policies.automated
        && site.container.marker.is_none()
    {
        // A workload with markers is planned for them; its other containers follow
        // `fluxcd.io/automated`.
        stay(Reason::NotAutomated)
    } else {
        verdict(site, facts, rules, warnings)
    };
    match verdict {
        Ok((tag, to)) => entry.changes.push(Change {
            container,
            site: image_site.clone(),
            from: site.written.clone(),
            to,
            tag,
        }),
        Err(Stay::Leave(reason)) => entry.left.push(Left { container, reason }),
        Err(Stay::Fail(reason)) => entry.failed.push(Left { container, reason }),
    }
}

/// The tag a container moves to and its new reference, or why it stays.
fn verdict(
    site: &Site<'_>,
    facts: &Facts,
    rules: &Rules<'_>,
    warnings: &mut Vec<String>,
) -> Result<(String, String), Stay> {
    let error = |text: String| Stay::Fail(Reason::Error(text));
    let image = site.image.as_ref().map_err(|e| error(e.clone()))?;
    let pattern = site.pattern.as_ref().map_err(|e| error(e.clone()))?;
    let scan = match site.repo().as_ref().and_then(|r| facts.get(r)) {
        Some(Ok(scan)) => Some(scan),
        Some(Err(err)) => return Err(error(err.to_string())),
        None => None,
    };
    if let (Pattern::Flux(policy), Some(scan)) = (pattern, scan) {
        // A numerical policy fails whole on a value that is not a number, as Flux's does.
        policy
            .check(scan.tags.iter().map(String::as_str))
            .map_err(|e| error(format!("{}: {e}", marker_place(site))))?;
    }
    let current = site.current_tag();
    let known = Known { image, scan };
    // A marked digest alone follows its policy's newest tag, as Flux writes it.
    let digest_only = matches!(
        site.container.image,
        Some(ImageSite::Parts {
            tag: None,
            digest: Some(_),
            ..
        })
    );
    let to = match &rules.target {
        Target::Newest if digest_only => {
            let to = known.newest(pattern, None, warnings)?;
            let newest = known.details(&to).map(|d| d.digest.as_str());
            if newest.is_some() && newest == image.digest() {
                return Err(Stay::Leave(Reason::UpToDate));
            }
            to
        }
        Target::Newest if current.is_none() => return Err(Stay::Leave(Reason::PinnedByDigest)),
        Target::Image { tag, verify, .. } => {
            if current == Some(tag.as_str()) && !known.stale_digest(tag) {
                return Err(Stay::Leave(Reason::UpToDate));
            }
            if !rules.ignore_filter && !pattern.allows(tag) {
                return Err(Stay::Fail(Reason::NotAllowed {
                    tag: tag.clone(),
                    pattern: pattern.to_string(),
                }));
            }
            if *verify {
                known.check_named(tag, rules.platform)?;
            }
            tag.clone()
        }
        Target::Newest => match known.newest(pattern, current, warnings) {
            // Up to date, but a policy that reflects digests pins it.
            Err(Stay::Leave(Reason::UpToDate))
                if reflects_digests(site) && image.digest().is_none() =>
            {
                current.unwrap_or("latest").to_owned()
            }
            other => other?,
        },
    };
    let digest = known.details(&to).map(|d| d.digest.clone());
    let new = image
        .with_tag(&to, digest.as_deref())
        .map_err(|e| error(e.to_string()))?;
    // An ImagePolicy that reflects digests pins a whole reference written without one.
    if let (true, None, Some(digest)) = (reflects_digests(site), image.digest(), &digest) {
        return Ok((to, format!("{new}@{digest}")));
    }
    Ok((to, new.to_string()))
}

/// Whether the site's ImagePolicy has `digestReflectionPolicy` `IfNotPresent` or `Always`
/// and the site holds the whole reference.
fn reflects_digests(site: &Site<'_>) -> bool {
    let whole = matches!(site.container.image, Some(ImageSite::Whole(_)));
    let reflects = site
        .container
        .marker
        .as_ref()
        .is_some_and(|m| matches!(&m.resolved, Resolved::Policy(rules) if rules.digests));
    whole && reflects
}

/// `file:line` of a site's marker.
fn marker_place(site: &Site<'_>) -> String {
    let line = site
        .container
        .marker
        .as_ref()
        .map_or(site.workload.line, |m| m.marker.line);
    format!("{}:{line}", site.workload.file)
}

/// What is known of a container's image: the reference and its repository's scan.
struct Known<'a> {
    image: &'a ImageRef,
    scan: Option<&'a RepoScan>,
}

impl Known<'_> {
    /// The details read for `tag`.
    fn details(&self, tag: &str) -> Option<&TagDetails> {
        self.scan?.details.get(tag)?.as_ref().ok()
    }

    /// Whether a digest written beside `tag` is no longer the tag's: it was pushed again.
    fn stale_digest(&self, tag: &str) -> bool {
        let known = self.details(tag).map(|d| d.digest.as_str());
        matches!((self.image.digest(), known), (Some(written), Some(known)) if written != known)
    }

    /// `release -i`'s checks of the tag asked for: listed, read, built for the platform.
    fn check_named(&self, tag: &str, platform: &str) -> Result<(), Stay> {
        let Some(scan) = self.scan else {
            return Err(Stay::Fail(Reason::NotAsked));
        };
        if !scan.tags.iter().any(|t| t == tag) {
            return Err(Stay::Fail(Reason::TagNotFound {
                image: self.image.name_as_written().to_owned(),
                tag: tag.to_owned(),
            }));
        }
        match scan.details.get(tag) {
            Some(Ok(d)) if d.availability == Availability::NotForPlatform => {
                Err(Stay::Fail(Reason::NotForPlatform {
                    tag: tag.to_owned(),
                    platform: platform.to_owned(),
                }))
            }
            Some(Err(err)) => Err(Stay::Fail(Reason::Error(err.to_string()))),
            _ => Ok(()),
        }
    }

    /// The newest tag `pattern` allows, if the container should move to it.
    fn newest(
        &self,
        pattern: &Pattern,
        current: Option<&str>,
        warnings: &mut Vec<String>,
    ) -> Result<String, Stay> {
        let Some(scan) = self.scan else {
            return Err(Stay::Fail(Reason::NotAsked));
        };
        let candidates = facts::candidates(pattern, scan);
        if let Some(reason) = unreadable(self.image, pattern, scan, &candidates, warnings) {
            return Err(Stay::Fail(reason));
        }
        let created = current
            .and_then(|t| self.details(t))
            .and_then(|d| d.created);
        let now = CurrentTag {
            tag: current,
            created,
        };
        match policy::decide(pattern, &now, &candidates) {
            Decision::Update { to } => Ok(to),
            Decision::UpToDate => match current {
                Some(tag) if self.stale_digest(tag) => Ok(tag.to_owned()),
                _ => Err(Stay::Leave(Reason::UpToDate)),
            },
            Decision::CurrentTimeUnknown { newest } => {
                Err(Stay::Leave(Reason::CurrentTimeUnknown { newest }))
            }
            Decision::NoCandidate => Err(Stay::Leave(Reason::NoTagAllowed {
                pattern: pattern.to_string(),
            })),
        }
    }
}

/// Warn about the tags `pattern` allows that cannot be candidates: no build time for a
/// time-ordered pattern, or facts the registry failed to give. When none could be read and
/// so nothing is a candidate, the container fails with the first error instead.
fn unreadable(
    image: &ImageRef,
    pattern: &Pattern,
    scan: &RepoScan,
    candidates: &[TagFacts],
    warnings: &mut Vec<String>,
) -> Option<Reason> {
    let name = image.name_as_written();
    for facts in policy::skipped_for_missing_time(pattern, &facts::readable(scan)) {
        warn_once(
            warnings,
            format!(
                "{name}:{}: no build time is known, so it is not a candidate for glob and regex patterns",
                facts.tag
            ),
        );
    }
    let failed: Vec<(&String, &RegistryError)> = scan
        .tags
        .iter()
        .filter(|t| pattern.allows(t))
        .filter_map(|tag| Some((tag, scan.details.get(tag)?.as_ref().err()?)))
        .collect();
    match failed.as_slice() {
        [] => None,
        [(tag, err), rest @ ..] if candidates.is_empty() => Some(Reason::NoneReadable {
            pattern: pattern.to_string(),
            tag: (*tag).clone(),
            error: err.to_string(),
            more: rest.len(),
        }),
        _ => {
            for (tag, err) in failed {
                warn_once(
                    warnings,
                    format!("{name}:{tag} could not be read, so it is not a candidate: {err}"),
                );
            }
            None
        }
    }
}
