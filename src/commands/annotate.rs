//! `automate`, `deautomate`, `lock`, `unlock` and `policy`: change a workload's Flux
//! annotations, commit and push.

use std::fs;

use anyhow::{Context as _, Result, bail};

use super::hooks;
use super::write::{self, Change, FileChange, Written};
use super::{Location, Outcome, UsageError, locate, propose, scan, select_one};
use crate::cli::{GlobalArgs, PolicyArgs, PolicyVerbArgs, WriteArgs};
use crate::manifest::edit::{
    AnnotationChange, AnnotationUpdate, planned_annotations, set_annotations,
};
use crate::manifest::scan::policies;
use crate::manifest::{Annotation, Workload};
use crate::output::Ui;
use crate::policy::Pattern;
use crate::report::{Report, Status, Update, WorkloadResult};
use crate::{notify, settings};

/// The single-purpose policy commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// `automate`
    Automate,
    /// `deautomate`
    Deautomate,
    /// `lock`
    Lock,
    /// `unlock`
    Unlock,
}

/// What to change, from either form of the command.
#[derive(Default)]
struct Request<'a> {
    automate: Option<bool>,
    lock: Option<bool>,
    tag_all: Option<&'a str>,
    tags: &'a [String],
}

/// Run `automate`, `deautomate`, `lock` or `unlock`.
pub fn run_verb(
    global: &GlobalArgs,
    verb: Verb,
    args: &PolicyVerbArgs,
    ui: &mut Ui,
) -> Result<Outcome> {
    let request = Request {
        automate: match verb {
            Verb::Automate => Some(true),
            Verb::Deautomate => Some(false),
            _ => None,
        },
        lock: match verb {
            Verb::Lock => Some(true),
            Verb::Unlock => Some(false),
            _ => None,
        },
        ..Request::default()
    };
    change(global, &args.workload, &request, &args.write, ui)
}

/// Run `policy`.
pub fn run(global: &GlobalArgs, args: &PolicyArgs, ui: &mut Ui) -> Result<Outcome> {
    let pick = |on: bool, off: bool| (on || off).then_some(on);
    let request = Request {
        automate: pick(args.automate, args.deautomate),
        lock: pick(args.lock, args.unlock),
        tag_all: args.tag_all.as_deref(),
        tags: &args.tags,
    };
    change(global, &args.workload, &request, &args.write, ui)
}

/// One kind of change with its commit-message verb and the annotation changes it makes.
struct Action {
    verb: &'static str,
    changes: Vec<AnnotationChange>,
}

/// Turn the request into actions, validating every pattern and container first. `user`
/// is recorded as who locked.
fn actions(
    request: &Request,
    workload: &Workload,
    write: &WriteArgs,
    user: &str,
) -> Result<Vec<Action>> {
    let mut actions = state_actions(request, write, user);
    let changes = tag_changes(request, workload)?;
    if !changes.is_empty() {
        actions.push(Action {
            verb: "Updated policies",
            changes,
        });
    }
    Ok(actions)
}

fn set(key: &str, value: &str) -> AnnotationChange {
    AnnotationChange::Set(key.to_owned(), value.to_owned())
}

fn remove(key: &str) -> AnnotationChange {
    AnnotationChange::Remove(key.to_owned())
}

/// The automation and lock actions of the request.
fn state_actions(request: &Request, write: &WriteArgs, user: &str) -> Vec<Action> {
    let mut actions = Vec::new();
    match request.automate {
        Some(true) => actions.push(Action {
            verb: "Automated",
            changes: vec![set("automated", "true")],
        }),
        Some(false) => actions.push(Action {
            verb: "Deautomated",
            changes: vec![remove("automated")],
        }),
        None => {}
    }
    match request.lock {
        Some(true) => {
            let mut changes = vec![set("locked", "true"), set("locked_user", user)];
            if let Some(message) = &write.message {
                changes.push(set("locked_msg", message));
            }
            actions.push(Action {
                verb: "Locked",
                changes,
            });
        }
        Some(false) => actions.push(Action {
            verb: "Unlocked",
            changes: vec![
                remove("locked"),
                remove("locked_user"),
                remove("locked_msg"),
            ],
        }),
        None => {}
    }
    actions
}

/// The tag-filter changes of `--tag-all` and each `--tag CONTAINER=PATTERN`.
fn tag_changes(request: &Request, workload: &Workload) -> Result<Vec<AnnotationChange>> {
    let mut changes = Vec::new();
    let mut tag = |container: &str, text: &str| -> Result<()> {
        let pattern = Pattern::parse(text).map_err(|err| {
            UsageError(format!(
                "tag pattern for container {container:?} of {}: {err}",
                workload.id
            ))
        })?;
        let key = format!("tag.{container}");
        changes.push(if pattern.is_default() {
            remove(&key)
        } else {
            set(&key, &pattern.to_string())
        });
        Ok(())
    };
    if let Some(text) = request.tag_all {
        Pattern::parse(text).map_err(|err| UsageError(format!("--tag-all: {err}")))?;
        for container in &workload.containers {
            tag(&container.name, text)?;
        }
    }
    for spec in request.tags {
        let Some((container, text)) = spec.split_once('=') else {
            return Err(UsageError(format!(
                "--tag {spec:?}: expected CONTAINER=PATTERN, e.g. app=semver:~1.2"
            ))
            .into());
        };
        check_container(spec, workload, container)?;
        tag(container, text)?;
    }
    Ok(changes)
}

/// An error unless `workload` has a container named `container`.
fn check_container(spec: &str, workload: &Workload, container: &str) -> Result<()> {
    if workload.containers.iter().any(|c| c.name == container) {
        return Ok(());
    }
    let names: Vec<&str> = workload
        .containers
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    bail!(
        "--tag {spec:?}: {} has no container {container:?} (it has: {})",
        workload.id,
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    )
}

/// What a request does to one workload: the annotation updates, the commit message's
/// events, the file changes, and the warnings about containers left without a filter.
struct PolicyEdit {
    updates: Vec<AnnotationUpdate>,
    events: Vec<String>,
    changes: Vec<FileChange>,
    unfiltered: Vec<String>,
}

/// Works out the request's edit of `workload`, without writing anything.
fn edit(
    location: &Location,
    workload: &Workload,
    actions: &[Action],
    request: &Request,
) -> Result<PolicyEdit> {
    let mut annotations = workload.annotations.clone();
    let mut updates = Vec::new();
    let mut events = Vec::new();
    for action in actions {
        let (next, changed) = planned_annotations(&annotations, &action.changes);
        if !changed.is_empty() {
            events.push(format!("{}: {}", action.verb, workload.id));
        }
        annotations = next;
        updates.extend(changed);
    }
    let unfiltered = unfiltered(request, workload, &annotations);
    let mut changes = Vec::new();
    if !updates.is_empty() {
        let path = location.root.join(&workload.file);
        let old =
            fs::read_to_string(&path).with_context(|| format!("reading {}", workload.file))?;
        let new = set_annotations(&old, workload, &annotations).with_context(|| {
            format!(
                "changing the annotations of {} in {}",
                workload.id, workload.file
            )
        })?;
        changes.push(FileChange {
            file: workload.file.clone(),
            old,
            new,
        });
    }
    Ok(PolicyEdit {
        updates,
        events,
        changes,
        unfiltered,
    })
}

/// Plan, print, write, commit and push one workload's policy change; on a rejected push,
/// fetch, plan again on the remote's new head and retry.
fn change(
    global: &GlobalArgs,
    id: &str,
    request: &Request,
    args: &WriteArgs,
    ui: &mut Ui,
) -> Result<Outcome> {
    propose::check_without_branch(args)?;
    let location = locate(global, true, ui)?;
    let repo = location
        .repo
        .as_ref()
        .context("a git work tree is needed to write")?;
    write::with_push_retries(&location, global, args, ui, |ui, _| {
        let scan = scan(global, &location.root, ui)?;
        let workload = select_one(&scan, id, global)?;
        // As fluxctl did, a lock without --user records who locked it: git's identity.
        let user = args
            .user
            .clone()
            .unwrap_or_else(|| write::committer(repo, args).to_string());
        let actions = actions(request, workload, args, &user)?;
        let edit = edit(&location, workload, &actions, request)?;
        for warning in &edit.unfiltered {
            ui.warn(warning);
        }
        let message = commit_message(&edit.events, args);
        let mut report = report(workload, edit.updates, &Written::default(), args);
        report.warnings = [scan.warnings.clone(), edit.unfiltered].concat();
        let planned = report.clone();
        let change = Change {
            files: &edit.changes,
            message: &message,
            planned: &planned,
        };
        let proposing = args.propose.push_branch.is_some();
        let written = if proposing {
            propose::apply(&location, global, args, &change, &mut report, ui)?
        } else {
            write::apply(&location, repo, global, args, &change, ui)?
        };
        report.commit.clone_from(&written.commit);
        report.pushed = written.pushed;
        write::print(ui, global, args, &mut report, &edit.changes)?;
        if !proposing || !report.changed() || args.dry_run {
            ui.status(&write::summary(args, &written, report.changed()));
        }
        if report.changed() && !args.dry_run {
            notify::send(&settings::notify_targets(args), &report, ui);
        }
        let after_push =
            !written.pushed || hooks::after_push(&location, args, &edit.changes, &report, ui);
        // With --pull-request, a pull request that failed after its branch was pushed.
        Ok(if !after_push || !report.errors.is_empty() {
            Outcome::Partial
        } else if args.exit_code && report.changed() {
            Outcome::Changed
        } else {
            Outcome::Success
        })
    })
}

/// The report of one workload's policy change.
fn report(
    workload: &Workload,
    updates: Vec<AnnotationUpdate>,
    written: &write::Written,
    args: &WriteArgs,
) -> Report {
    Report {
        dry_run: args.dry_run,
        commit: written.commit.clone(),
        pushed: written.pushed,
        results: vec![WorkloadResult {
            id: workload.id.to_string(),
            file: workload.file.clone(),
            status: if updates.is_empty() {
                Status::Skipped
            } else {
                Status::Success
            },
            reason: updates.is_empty().then(|| "no change".to_owned()),
            updates: updates
                .into_iter()
                .map(|u| Update {
                    container: u.key,
                    from: u.from,
                    to: u.to,
                })
                .collect(),
            failures: Vec::new(),
            skipped: Vec::new(),
        }],
        warnings: Vec::new(),
        errors: Vec::new(),
        ..Report::default()
    }
}

/// When the request turns automation on, a warning for each container the resulting
/// annotations leave without a tag filter: `sync` would move it to the newest build of any
/// tag, a major upgrade included.
fn unfiltered(request: &Request, workload: &Workload, annotations: &[Annotation]) -> Vec<String> {
    if request.automate != Some(true) {
        return Vec::new();
    }
    let tags = policies(annotations).tags;
    let filtered = |name: &str| {
        tags.get(name)
            .and_then(|text| Pattern::parse(text).ok())
            .is_some_and(|pattern| !pattern.is_default())
    };
    workload
        .containers
        .iter()
        .filter(|c| !filtered(&c.name))
        .map(|c| {
            format!(
                "{}: {}: container {} has no tag filter, so sync will move it to the newest \
                 build of any tag; set one with: tagpilot policy -w {} --tag {}=PATTERN",
                workload.file, workload.id, c.name, workload.id, c.name
            )
        })
        .collect()
}

/// Flux v1's policy commit message: one event alone, several under a heading; `-m` leads
/// and the events follow as a list.
fn commit_message(events: &[String], args: &WriteArgs) -> String {
    let list = || {
        events
            .iter()
            .map(|e| format!("- {e}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match (&args.message, events) {
        (Some(message), _) => format!("{message}\n\n{}", list()),
        (None, [one]) => one.clone(),
        (None, _) => format!("Updated workload policies\n\n{}", list()),
    }
}
