//! What `release` and `sync` share: scan, ask the registries, plan, print, write, commit
//! and push, and on a rejected push start over on the remote's new head. The two commands
//! differ only in the [`Job`] they pass.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

use super::facts::{self, Facts, Site};
use super::hooks;
use super::plan::{self, Plan, Rules, Target, WorkloadPlan};
use super::reason::{Left, Reason};
use super::write::{self, Change, FileChange, Written};
use super::{Location, Outcome, UsageError, locate, parse_id, propose, rows, scan, select_one};
use crate::cli::{GlobalArgs, ReleaseArgs, WriteArgs};
use crate::image::ImageRef;
use crate::manifest::edit::{ImageUpdate, update_images};
use crate::manifest::{Scan, Workload};
use crate::output::{Ui, markdown};
use crate::registry::ClientOptions;
use crate::report::{BranchResult, Report};
use crate::{notify, settings};

/// Which command, with what it asks for.
pub(super) enum Job<'a> {
    Sync,
    Release(&'a ReleaseArgs),
}

/// Runs a job: the loop shared by both commands.
pub(super) fn run(
    global: &GlobalArgs,
    write_args: &WriteArgs,
    job: &Job<'_>,
    ui: &mut Ui,
) -> Result<Outcome> {
    propose::check_without_branch(write_args)?;
    let options = settings::client_options(&global.registry)?;
    let location = locate(global, true, ui)?;
    let repo = location
        .repo
        .as_ref()
        .context("a git work tree is needed to write")?;
    if write_args.propose.push_branch.is_some() {
        return run_proposing(global, write_args, job, &location, &options, ui);
    }
    // Refuse what git would refuse before asking any registry.
    let branch = write::preflight(&location, global, write_args)?.map(|target| target.branch);

    let mut facts = Facts::new();
    write::with_push_retries(&location, global, write_args, ui, |ui, last| {
        let scan = scan(global, &location.root, ui)?;
        let Round { plan, changes } =
            plan_round(global, job, &location.root, &scan, &options, &mut facts, ui)?;
        let message = commit_message(job, &plan, write_args);
        let planned = report(&plan, &scan, write_args, &Written::default(), Vec::new());
        let change = Change {
            files: &changes,
            message: &message,
            planned: &planned,
        };
        let written = match write::apply(&location, repo, global, write_args, &change, ui) {
            Ok(written) => written,
            Err(err) => {
                // A failure that will not be tried again is posted, as a report.
                if last || !write::is_rejected(&err) {
                    let errors = vec![format!("{err:#}")];
                    let report = report(&plan, &scan, write_args, &Written::default(), errors);
                    notify::send(&settings::notify_targets(write_args), &report, ui);
                }
                return Err(err);
            }
        };
        for warning in &plan.warnings {
            ui.warn(warning);
        }
        let mut report = report(&plan, &scan, write_args, &written, Vec::new());
        record(ui, global, &plan, &facts, write_args, &written);
        ui.overview().branch.clone_from(&branch);
        write::print(ui, global, write_args, &mut report, &changes)?;
        for error in &report.errors {
            ui.error(error);
        }
        // "Nothing to do" would hide that what was asked failed.
        if report.changed() || report.errors.is_empty() {
            ui.status(&write::summary(write_args, &written, report.changed()));
        }
        if !write_args.dry_run && (report.changed() || !report.errors.is_empty()) {
            notify::send(&settings::notify_targets(write_args), &report, ui);
        }
        let after_push =
            !written.pushed || hooks::after_push(&location, write_args, &changes, &report, ui);
        let outcome = outcome(&report, &plan, write_args)?;
        Ok(if after_push {
            outcome
        } else {
            Outcome::Partial
        })
    })
}

/// A run with `--push-branch`: plan on the base as usual, then commit each group's change
/// on the base and push it to its own branch, with a pull request for each.
fn run_proposing(
    global: &GlobalArgs,
    args: &WriteArgs,
    job: &Job<'_>,
    location: &Location,
    options: &ClientOptions,
    ui: &mut Ui,
) -> Result<Outcome> {
    let repo = location.repo()?;
    let (base, forge) = propose::preflight(location, global, args)?;
    let ctx = propose::Context::new(location, repo, args, &base, forge.as_ref())?;
    let scan = scan(global, &location.root, ui)?;
    let mut facts = Facts::new();
    let Round { plan, changes } =
        plan_round(global, job, &location.root, &scan, options, &mut facts, ui)?;
    let groups = split(&plan, args)?;
    let mut report = report(&plan, &scan, args, &Written::default(), Vec::new());
    let mut written = Written::default();
    let mut branches = Vec::new();
    if !args.dry_run {
        for (branch, group) in groups {
            let sent = deliver_group(&ctx, global, job, &branch, group, &facts, ui);
            match sent {
                Ok(Some(done)) => {
                    for line in &done.lines {
                        ui.status(line);
                    }
                    report.warnings.extend(done.warnings);
                    if let Some(error) = done.error {
                        report.errors.push(format!("{branch}: {error}"));
                    }
                    if let Some(pr) = done.pull_request {
                        report.pull_requests.get_or_insert_with(Vec::new).push(pr);
                    }
                    branches.extend(done.branch);
                }
                Ok(None) => {}
                Err(err) => report.errors.push(format!("{branch}: {err:#}")),
            }
        }
        if report.errors.is_empty() {
            let template = args.propose.push_branch.as_deref().unwrap_or_default();
            let changed: Vec<String> = branches.iter().map(|b| b.branch.clone()).collect();
            propose::stale(&ctx, template, &changed, &mut report, ui)?;
        }
    }
    if args.propose.pull_request && !args.dry_run {
        report.pull_requests.get_or_insert_with(Vec::new);
    }
    written.pushed = branches.iter().any(|b| b.pushed);
    if let [only] = branches.as_slice() {
        written.commit = Some(only.commit.clone());
        report.commit = Some(only.commit.clone());
    }
    report.pushed = written.pushed;
    finish_proposing(
        global, args, location, &plan, &facts, report, branches, &changes, ui,
    )
}

/// Print, notify and run `--after-push` for a `--push-branch` run, and give its exit code:
/// 1 when every branch failed, 4 when some did.
#[allow(clippy::too_many_arguments)]
fn finish_proposing(
    global: &GlobalArgs,
    args: &WriteArgs,
    location: &Location,
    plan: &Plan<'_>,
    facts: &Facts,
    mut report: Report,
    branches: Vec<BranchResult>,
    changes: &[FileChange],
    ui: &mut Ui,
) -> Result<Outcome> {
    let written = Written {
        commit: report.commit.clone(),
        pushed: report.pushed,
    };
    for warning in &plan.warnings {
        ui.warn(warning);
    }
    record(ui, global, plan, facts, args, &written);
    ui.overview().branch = match branches.as_slice() {
        [only] => Some(only.branch.clone()),
        _ => args.propose.push_branch.clone(),
    };
    report.branches = (!args.dry_run).then_some(branches);
    write::print(ui, global, args, &mut report, changes)?;
    for error in &report.errors {
        ui.error(error);
    }
    let delivered = report.branches.as_ref().is_some_and(|b| !b.is_empty());
    if !report.changed() && report.errors.is_empty() {
        ui.status("Nothing to do");
    } else if args.dry_run {
        ui.status("Dry run: nothing written");
    }
    if !args.dry_run && (report.changed() || !report.errors.is_empty()) {
        notify::send(&settings::notify_targets(args), &report, ui);
    }
    if report.changed() && !delivered && !args.dry_run {
        bail!("nothing was pushed: every branch failed");
    }
    let after_push = !written.pushed || hooks::after_push(location, args, changes, &report, ui);
    let outcome = outcome(&report, plan, args)?;
    Ok(if after_push {
        outcome
    } else {
        Outcome::Partial
    })
}

/// The plan's changes split by the branch each goes to, as a plan per branch.
fn split<'a>(plan: &Plan<'a>, args: &WriteArgs) -> Result<BTreeMap<String, Plan<'a>>> {
    let template = args.propose.push_branch.as_deref().unwrap_or_default();
    let mut groups: BTreeMap<String, Plan<'a>> = BTreeMap::new();
    for entry in &plan.workloads {
        for change in &entry.changes {
            let branch =
                propose::branch_name(template, args.propose.group, entry.workload, &change.to)?;
            let group = groups.entry(branch).or_insert_with(|| Plan {
                workloads: Vec::new(),
                warnings: Vec::new(),
            });
            let same = |w: &&mut WorkloadPlan<'a>| std::ptr::eq(w.workload, entry.workload);
            match group.workloads.iter_mut().find(same) {
                Some(w) => w.changes.push(change.clone()),
                None => group.workloads.push(WorkloadPlan {
                    workload: entry.workload,
                    changes: vec![change.clone()],
                    skipped: None,
                    left: Vec::new(),
                    failed: Vec::new(),
                }),
            }
        }
    }
    Ok(groups)
}

/// Rewrite the files of one group and deliver them to its branch; `None` when the group's
/// files cannot be rewritten on their own (each such failure is an error).
fn deliver_group(
    ctx: &propose::Context<'_>,
    global: &GlobalArgs,
    job: &Job<'_>,
    branch: &str,
    group: Plan<'_>,
    facts: &Facts,
    ui: &mut Ui,
) -> Result<Option<propose::Delivered>> {
    let Round { plan, changes } = finish(&ctx.location.root, group);
    if let Some(failed) = plan.workloads.iter().find_map(|w| w.failed.first()) {
        bail!("{}", failed.line());
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let message = commit_message(job, &plan, ctx.args);
    let planned = Report {
        results: plan.results(),
        ..Report::default()
    };
    let workloads: Vec<&Workload> = plan.workloads.iter().map(|w| w.workload).collect();
    let sites = facts::sites(&workloads, &global.registry);
    let rows = rows::plan_rows(&plan, &sites, facts);
    let push_times = global.registry.time_source == crate::cli::TimeSource::Pushed;
    let body = markdown::pull_request(&rows, push_times, &ctx.base.branch);
    let delivery = propose::Delivery {
        branch,
        change: Change {
            files: &changes,
            message: &message,
            planned: &planned,
        },
        body: &body,
    };
    propose::deliver(ctx, &delivery, ui).map(Some)
}

/// What the reports show of this run: a row per container, and what was written.
fn record(
    ui: &mut Ui,
    global: &GlobalArgs,
    plan: &Plan<'_>,
    facts: &Facts,
    args: &WriteArgs,
    written: &Written,
) {
    let workloads: Vec<&Workload> = plan.workloads.iter().map(|w| w.workload).collect();
    let sites = facts::sites(&workloads, &global.registry);
    let overview = ui.overview();
    overview.containers = rows::plan_rows(plan, &sites, facts);
    overview.dry_run = args.dry_run;
    overview.commit.clone_from(&written.commit);
    overview.pushed = written.pushed;
}

/// One planning round's result.
struct Round<'a> {
    plan: Plan<'a>,
    changes: Vec<FileChange>,
}

/// What a job selects: the workloads, the target, and the rules' sets.
struct Selection<'a> {
    selected: Vec<&'a Workload>,
    target: Target,
    automated_only: bool,
    ignore_filter: bool,
    forced: BTreeSet<String>,
    excluded: BTreeSet<String>,
}

/// The workloads a job selects, and how they are to be moved.
fn selection<'a>(global: &GlobalArgs, job: &Job<'_>, scan: &'a Scan) -> Result<Selection<'a>> {
    let in_namespace = |w: &&Workload| {
        global
            .namespace
            .as_ref()
            .is_none_or(|ns| &w.id.namespace == ns)
    };
    let mut out = Selection {
        selected: Vec::new(),
        target: Target::Newest,
        automated_only: false,
        ignore_filter: false,
        forced: BTreeSet::new(),
        excluded: BTreeSet::new(),
    };
    let args = match job {
        Job::Sync => {
            out.selected = scan.workloads.iter().filter(in_namespace).collect();
            out.automated_only = true;
            return Ok(out);
        }
        Job::Release(args) => args,
    };
    for text in &args.exclude {
        out.excluded.insert(parse_id(text, global)?.to_string());
    }
    if args.all {
        out.selected = scan.workloads.iter().filter(in_namespace).collect();
    }
    for text in args.workloads.iter().filter(|_| !args.all) {
        let w = select_one(scan, text, global)?;
        if args.force {
            out.forced.insert(w.id.to_string());
        }
        if !out.selected.iter().any(|c| std::ptr::eq(*c, w)) {
            out.selected.push(w);
        }
    }
    if let Some(text) = &args.image {
        let image = ImageRef::parse(text).map_err(|err| UsageError(format!("-i {text}: {err}")))?;
        out.target = Target::Image {
            name: image.canonical_name(),
            tag: image.tag().unwrap_or("latest").to_owned(),
            verify: !args.no_verify,
        };
    }
    out.ignore_filter = args.force && args.image.is_some();
    Ok(out)
}

/// Select, ask, plan and compute the new file contents.
fn plan_round<'a>(
    global: &GlobalArgs,
    job: &Job<'_>,
    root: &Path,
    scan: &'a Scan,
    options: &ClientOptions,
    facts: &mut Facts,
    ui: &mut Ui,
) -> Result<Round<'a>> {
    let Selection {
        selected,
        target,
        automated_only,
        ignore_filter,
        forced,
        excluded,
    } = selection(global, job, scan)?;
    if let (Target::Image { name, .. }, Job::Release(args)) = (&target, job) {
        let considered: Vec<&Workload> = selected
            .iter()
            .copied()
            .filter(|w| !excluded.contains(&w.id.to_string()))
            .collect();
        let written = args.image.as_deref().unwrap_or(name);
        check_image_used(&considered, name, written, ui)?;
    }
    let rules = Rules {
        target,
        automated_only,
        forced: &forced,
        ignore_filter,
        excluded: &excluded,
        platform: &global.registry.platform,
    };
    // Ask the registries only about what the plan can use.
    let wanted: Vec<&Workload> = selected
        .iter()
        .copied()
        .filter(|w| plan::workload_skip(w, &rules).is_none())
        .collect();
    let sites = ask(global, &wanted, &rules, options, facts, ui)?;
    Ok(finish(root, plan::plan(&selected, &sites, facts, &rules)))
}

/// The image sites of `wanted` that the target concerns, with the registries asked about
/// those not in `facts` yet.
fn ask<'a>(
    global: &GlobalArgs,
    wanted: &[&'a Workload],
    rules: &Rules<'_>,
    options: &ClientOptions,
    facts: &mut Facts,
    ui: &mut Ui,
) -> Result<Vec<Site<'a>>> {
    let mut sites: Vec<Site<'a>> = facts::sites(wanted, &global.registry);
    let ask = match &rules.target {
        Target::Image { name, verify, .. } => {
            sites.retain(|s| s.image.as_ref().is_ok_and(|i| i.canonical_name() == *name));
            // Without verification the tag is taken as given: nothing to ask.
            *verify
        }
        Target::Newest => true,
    };
    // Not the sites the plan leaves alone whatever the registry says: a suspended Flux
    // object's, or (for sync) the unmarked containers of a workload that is not automated.
    let planned = |s: &Site<'_>| {
        s.suspended.is_none()
            && (!rules.automated_only
                || s.workload.policies.automated
                || s.container.marker.is_some())
    };
    let missing: Vec<&Site<'a>> = sites
        .iter()
        .filter(|s| ask && planned(s) && s.repo().is_some_and(|r| !facts.contains_key(&r)))
        .collect();
    if !missing.is_empty() {
        let found = facts::gather(&missing, options.clone(), ui)?;
        facts.extend(found);
    }
    Ok(sites)
}

/// `release -i`: an error when none of the workloads runs the image, saying what they run
/// (after the warnings for references that could not be read, which may be the cause).
fn check_image_used(workloads: &[&Workload], name: &str, written: &str, ui: &mut Ui) -> Result<()> {
    let mut running = Vec::new();
    for workload in workloads {
        for warning in facts::bad_references(workload) {
            ui.warn(&warning);
        }
        for container in &workload.containers {
            let Some(site) = &container.image else {
                continue;
            };
            let Ok(image) = ImageRef::parse(&site.reference()) else {
                continue;
            };
            if image.canonical_name() == name {
                return Ok(());
            }
            running.push(format!(
                "{} runs {} in {}",
                workload.id,
                image.name_as_written(),
                container.name
            ));
        }
    }
    let shown = running.len().min(3);
    let more = match running.len() - shown {
        0 => String::new(),
        n => format!(", and {n} more"),
    };
    bail!(
        "release -i {written}: no selected workload uses {name}{}{more}",
        if shown == 0 {
            String::new()
        } else {
            format!(": {}", running[..shown].join(", "))
        }
    )
}

/// Turn the plan's changes into new file contents, file by file. A file that cannot be
/// rewritten fails its workloads' changes and is left alone.
fn finish<'a>(root: &Path, mut plan: Plan<'a>) -> Round<'a> {
    // The updates of each file, with the index of their workload in the plan.
    let mut by_file: BTreeMap<String, Vec<(usize, ImageUpdate<'_>)>> = BTreeMap::new();
    for (index, entry) in plan.workloads.iter().enumerate() {
        for change in &entry.changes {
            by_file
                .entry(entry.workload.file.clone())
                .or_default()
                .push((
                    index,
                    ImageUpdate {
                        workload: entry.workload,
                        container: &change.container,
                        site: &change.site,
                        reference: &change.to,
                        tag: &change.tag,
                    },
                ));
        }
    }
    let mut changes = Vec::new();
    let mut broken: BTreeMap<usize, String> = BTreeMap::new();
    for (file, updates) in by_file {
        let old = match fs::read_to_string(root.join(&file)) {
            Ok(old) => old,
            Err(err) => {
                for (index, _) in &updates {
                    broken.insert(*index, format!("reading {file}: {err}"));
                }
                continue;
            }
        };
        if let Some(new) = rewrite(&old, &file, updates, &mut broken) {
            changes.push(FileChange { file, old, new });
        }
    }
    for (index, err) in broken {
        let entry = &mut plan.workloads[index];
        for change in entry.changes.drain(..) {
            entry.failed.push(Left {
                container: change.container,
                reason: Reason::Error(err.clone()),
            });
        }
    }
    Round { plan, changes }
}

/// One file rewritten with its updates (each with the index of its workload in the plan).
/// An update the editor refuses fails its whole workload, which is recorded in `broken`,
/// and the file is rewritten with the others; updates that fail only together fail every
/// workload they belong to. `None` when nothing of the file can be rewritten.
fn rewrite(
    old: &str,
    file: &str,
    mut updates: Vec<(usize, ImageUpdate<'_>)>,
    broken: &mut BTreeMap<usize, String>,
) -> Option<String> {
    while !updates.is_empty() {
        let all: Vec<ImageUpdate<'_>> = updates.iter().map(|(_, u)| u.clone()).collect();
        let err = match update_images(old, file, &all) {
            Ok(new) => return Some(new),
            Err(err) => err,
        };
        let failed: Vec<usize> = match err.update {
            Some(at) => vec![updates[at].0],
            None => updates.iter().map(|(index, _)| *index).collect(),
        };
        for index in &failed {
            broken.insert(*index, err.to_string());
        }
        updates.retain(|(index, _)| !failed.contains(index));
    }
    None
}

/// The commit message: `-m` for release, else Flux v1's.
fn commit_message(job: &Job<'_>, plan: &Plan<'_>, args: &WriteArgs) -> String {
    match job {
        Job::Release(release) => {
            if let Some(message) = &args.message {
                return message.clone();
            }
            let image = release
                .image
                .clone()
                .unwrap_or_else(|| "all latest".to_owned());
            let workloads = if release.all {
                "all".to_owned()
            } else {
                plan.workloads
                    .iter()
                    .map(|w| w.workload.id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!("Release {image} to {workloads}")
        }
        Job::Sync if args.message.is_some() => args.message.clone().unwrap_or_default(),
        Job::Sync => {
            let refs: BTreeSet<&str> = plan.changes().map(|(_, c)| c.to.as_str()).collect();
            match refs.len() {
                1 => format!(
                    "Auto-release {}",
                    refs.iter().next().copied().unwrap_or_default()
                ),
                n => {
                    let list: String = refs.iter().map(|r| format!(" - {r}\n")).collect();
                    format!("Auto-release multiple ({n}) images\n\n{list}")
                }
            }
        }
    }
}

/// The report of a run.
fn report(
    plan: &Plan<'_>,
    scan: &Scan,
    args: &WriteArgs,
    written: &Written,
    mut errors: Vec<String>,
) -> Report {
    errors.extend(plan.workloads.iter().flat_map(|w| {
        w.failed
            .iter()
            .map(move |f| format!("{}: {}", w.workload.id, f.line()))
    }));
    let mut warnings = scan.warnings.clone();
    warnings.extend(plan.warnings.iter().cloned());
    Report {
        dry_run: args.dry_run,
        commit: written.commit.clone(),
        pushed: written.pushed,
        results: plan.results(),
        warnings,
        errors,
        ..Report::default()
    }
}

/// The exit code: 4 when some workloads failed while the rest went through, 1 when all
/// that was tried failed, 3 with `--exit-code` when something changed.
fn outcome(report: &Report, plan: &Plan<'_>, args: &WriteArgs) -> Result<Outcome> {
    // Workloads left alone on purpose (locked, not automated, excluded) were not tried.
    let tried: Vec<_> = plan
        .workloads
        .iter()
        .filter(|w| w.skipped.is_none())
        .collect();
    let all_failed = !tried.is_empty()
        && tried
            .iter()
            .all(|w| w.changes.is_empty() && !w.failed.is_empty());
    let partial = !report.errors.is_empty();
    if partial && all_failed {
        bail!("every workload that was tried failed; nothing was written");
    }
    Ok(if partial {
        Outcome::Partial
    } else if args.exit_code && report.changed() {
        Outcome::Changed
    } else {
        Outcome::Success
    })
}
