//! The write half of every write command: check, write, commit and push a set of file
//! changes, and put everything back as it was when a step fails.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use super::Location;
use crate::cli::{Format, GlobalArgs, WriteArgs};
use crate::git::{GitError, Identity, Repo};
use crate::manifest::write_atomic;
use crate::output::Ui;
use crate::output::report::{Report, write_report};
use crate::settings;

/// The new text of one file.
pub struct FileChange {
    /// Repository-relative path.
    pub file: String,
    /// The text read.
    pub old: String,
    /// The text to write.
    pub new: String,
}

/// What happened to the changes.
#[derive(Debug, Default)]
pub struct Written {
    /// Short id of the commit made.
    pub commit: Option<String>,
    /// Whether it was pushed.
    pub pushed: bool,
}

/// Refuse to touch files with uncommitted changes, unless `--allow-dirty`.
pub fn check_clean(
    location: &Location,
    repo: &Repo,
    changes: &[FileChange],
    args: &WriteArgs,
) -> Result<()> {
    if args.allow_dirty {
        return Ok(());
    }
    let mut dirty = Vec::new();
    for change in changes {
        if repo.has_local_changes(&location.git_path(&change.file))? {
            dirty.push(change.file.as_str());
        }
    }
    if !dirty.is_empty() {
        bail!(
            "{} {} uncommitted changes; commit or stash them first, or pass --allow-dirty",
            dirty.join(", "),
            if dirty.len() == 1 { "has" } else { "have" }
        );
    }
    Ok(())
}

/// The branch to commit to: the checked-out one, which `--git-branch` must name if given.
pub fn branch(repo: &Repo, global: &GlobalArgs) -> Result<String> {
    let current = repo.current_branch()?;
    if let Some(wanted) = global.git_branch.as_ref().filter(|b| **b != current) {
        bail!(
            "--git-branch {wanted}: the work tree at {} has {current} checked out; check out {wanted} first",
            repo.workdir().display()
        );
    }
    Ok(current)
}

/// Write the files, commit them and push, as the options say. On failure nothing stays
/// behind: files are restored, and a commit that could not be pushed is undone.
pub fn apply(
    location: &Location,
    repo: &Repo,
    global: &GlobalArgs,
    args: &WriteArgs,
    changes: &[FileChange],
    message: &str,
    ui: &mut Ui,
) -> Result<Written> {
    let mut written = Written::default();
    if changes.is_empty() || args.dry_run {
        return Ok(written);
    }
    let branch = if args.no_commit {
        String::new()
    } else {
        branch(repo, global)?
    };
    check_clean(location, repo, changes, args)?;
    // Everything that can be refused is checked before the first file is written.
    let committer = committer(repo, args);
    let author = match &args.user {
        Some(user) => Some(Identity::parse_user(user).context("reading --user")?),
        None => None,
    };
    let root = location.root.clone();
    let restore = |upto: usize| {
        for change in &changes[..upto] {
            // Best effort: the error that brought us here is the one to report.
            let _ = write_atomic(&root.join(&change.file), change.old.as_bytes());
        }
    };
    for (i, change) in changes.iter().enumerate() {
        if let Err(err) = write_atomic(&root.join(&change.file), change.new.as_bytes()) {
            restore(i);
            return Err(err);
        }
        ui.info(&format!("wrote {}", change.file));
    }
    if args.no_commit {
        return Ok(written);
    }
    let paths: Vec<PathBuf> = changes.iter().map(|c| location.git_path(&c.file)).collect();
    let mut message = message.to_owned();
    if args.ci_skip {
        message.push_str("\n\n");
        message.push_str(&args.ci_skip_message);
    }
    let commit = match repo.commit_paths(&paths, &message, &committer, author.as_ref()) {
        Ok(commit) => commit,
        Err(err) => {
            restore(changes.len());
            return Err(err.into());
        }
    };
    written.commit = Some(commit.to_string());
    if args.no_push {
        return Ok(written);
    }
    let auth = settings::git_auth(global.git_ssh_key.as_deref());
    if let Err(err) = repo.push(&global.git_remote, &branch, &auth) {
        let undone = repo.undo_commit(commit, &paths);
        restore(changes.len());
        let err = anyhow::Error::new(err).context(format!(
            "pushing {branch} to {}; the commit was undone and the files restored",
            global.git_remote
        ));
        return Err(match undone {
            Ok(()) => err,
            Err(undo) => err.context(format!("undoing the commit failed too: {undo}")),
        });
    }
    written.pushed = true;
    Ok(written)
}

/// The committer: `--git-user`/`--git-email`, else the repository's git config, else
/// `tagpilot <tagpilot@localhost>`.
fn committer(repo: &Repo, args: &WriteArgs) -> Identity {
    let configured = repo.configured_identity();
    let name = args
        .git_user
        .clone()
        .or_else(|| configured.as_ref().map(|i| i.name.clone()))
        .unwrap_or_else(|| "tagpilot".to_owned());
    let email = args
        .git_email
        .clone()
        .or_else(|| configured.as_ref().map(|i| i.email.clone()))
        .unwrap_or_else(|| "tagpilot@localhost".to_owned());
    Identity::new(name, email)
}

/// The summary line on stderr after a write command.
pub fn summary(args: &WriteArgs, written: &Written, changed: bool) -> String {
    let short = |id: &str| id.chars().take(7).collect::<String>();
    match (&written.commit, changed) {
        (_, false) => "Nothing to do".to_owned(),
        _ if args.dry_run => "Dry run: nothing written".to_owned(),
        (Some(id), _) if written.pushed => format!("Commit pushed: {}", short(id)),
        (Some(id), _) => format!("Committed: {}", short(id)),
        (None, _) => "Files written".to_owned(),
    }
}

/// Whether an error is a push the remote rejected because it moved on (the retry case).
pub fn is_rejected(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<GitError>()
            .is_some_and(GitError::is_push_rejected)
    })
}

/// After a rejected push (attempt `attempt` of `args.push_retries + 1`): say so, fetch the
/// branch and move to the remote's tip, so the caller can plan again.
pub fn refetch(
    repo: &Repo,
    global: &GlobalArgs,
    args: &WriteArgs,
    attempt: u32,
    ui: &mut Ui,
) -> Result<()> {
    ui.warn(&format!(
        "the push was rejected, the remote has moved on; fetching and planning again (attempt {} of {})",
        attempt + 1,
        args.push_retries + 1
    ));
    let branch = branch(repo, global)?;
    let auth = settings::git_auth(global.git_ssh_key.as_deref());
    let remote = &global.git_remote;
    let tip = repo
        .fetch(remote, &branch, &auth)
        .with_context(|| format!("fetching {branch} from {remote}"))?;
    // Commits of the user's that the remote does not have would be dropped by moving to
    // its tip: refuse instead.
    if !repo.is_contained(repo.head_id()?, tip)? {
        bail!(
            "the push was rejected and {branch} has commits that {remote}/{branch} does not; \
             pull (or rebase) and push them first, then run tagpilot again"
        );
    }
    repo.fetch_and_reset(remote, &branch, &auth)
        .with_context(|| format!("fetching {branch} from {remote}"))?;
    Ok(())
}

/// Print the report of a write command on stdout (with `--diff`, the diffs too).
pub fn print(
    ui: &mut Ui,
    global: &GlobalArgs,
    args: &WriteArgs,
    report: &mut Report,
    changes: &[FileChange],
) -> Result<()> {
    let diffs: Vec<(&str, &str, &str)> = changes
        .iter()
        .map(|c| (c.file.as_str(), c.old.as_str(), c.new.as_str()))
        .collect();
    let json = global.output == Format::Json;
    write_report(
        ui.out(),
        report,
        json,
        args.diff.then_some(diffs.as_slice()),
    )?;
    Ok(())
}
