//! The write half of every write command: check, write, commit and push a set of file
//! changes, and put everything back as it was when a step fails.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::{Location, hooks};
use crate::cli::{Format, GlobalArgs, WriteArgs};
use crate::git::{CommitFile, GitError, Identity, Repo};
use crate::manifest::{write_atomic, write_atomic_in};
use crate::output::report::write_report;
use crate::output::{Ui, markdown};
use crate::report::Report;

/// What a write command commits: the new file texts, the commit message, and the report
/// of what is planned (for `--verify`).
#[derive(Clone, Copy)]
pub struct Change<'a> {
    /// The new text of each file.
    pub files: &'a [FileChange],
    /// The commit message, before `--ci-skip`.
    pub message: &'a str,
    /// The report as it will read if the commit and push succeed.
    pub planned: &'a Report,
}

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

/// Where a run commits and pushes.
pub struct Target {
    /// The local branch committed to.
    pub branch: String,
    /// The remote and the remote's branch pushed to; `None` with `--no-push`.
    pub upstream: Option<(String, String)>,
}

/// Everything on the git side that can refuse a run, checked before anything is read from
/// a registry (dry runs included): the branch, its upstream, git's lock files, and an
/// earlier run that was interrupted. Leftover temporary files of a killed run are removed.
/// `None` with `--no-commit`, which commits to no branch.
pub fn preflight(
    location: &Location,
    global: &GlobalArgs,
    args: &WriteArgs,
) -> Result<Option<Target>> {
    let repo = location.repo()?;
    // A held lock first: while it is there, the advice for an interrupted run (a `git
    // checkout`) would fail on it. A dry run refuses too: it shows what the real run would
    // do, and that run would fail.
    let branch = if args.no_commit {
        None
    } else {
        let branch = branch(repo, global)?;
        repo.check_locks(&branch)?;
        Some(branch)
    };
    if !args.dry_run {
        clear_temp(repo);
        check_interrupted(repo)?;
    }
    let Some(branch) = branch else {
        return Ok(None);
    };
    let upstream = if args.no_push {
        None
    } else {
        Some(upstream(repo, global, &branch)?)
    };
    Ok(Some(Target { branch, upstream }))
}

/// The remote and branch to push to: the branch's upstream, else (with `--git-branch`)
/// the branch of that name on `--git-remote`; else an error, as `git push` gives.
fn upstream(repo: &Repo, global: &GlobalArgs, branch: &str) -> Result<(String, String)> {
    if let Some(upstream) = repo.upstream(branch)? {
        return Ok(upstream);
    }
    let remote = &global.git_remote;
    if global.git_branch.is_some() {
        return Ok((remote.clone(), branch.to_owned()));
    }
    bail!(
        "branch {branch} has no upstream branch, so it is not clear where to push it; \
         set one with `git branch --set-upstream-to={remote}/{branch}`, \
         pass --git-branch {branch} to push to {remote}/{branch}, or pass --no-push"
    )
}

/// Write the files, commit them and push, as the options say. On failure before the
/// commit, the files are restored; a commit that could not be pushed is undone (the branch
/// first, then the index, then the files), so a kill at any point leaves the branch as it
/// was or the new commit with the index and the work tree matching it.
pub fn apply(
    location: &Location,
    repo: &Repo,
    global: &GlobalArgs,
    args: &WriteArgs,
    change: &Change<'_>,
    ui: &mut Ui,
) -> Result<Written> {
    let Change {
        files: changes,
        message,
        planned,
    } = *change;
    let mut written = Written::default();
    if changes.is_empty() || args.dry_run {
        return Ok(written);
    }
    let target = preflight(location, global, args)?;
    check_clean(location, repo, changes, args)?;
    // Everything that can be refused is checked before the first file is written.
    let committer = committer(repo, args);
    let author = match &args.user {
        Some(user) => Some(Identity::parse_user(user).context("reading --user")?),
        None => None,
    };
    let signer = repo.signer(args.sign_key.as_deref(), &committer)?;
    let files = commit_files(location, repo, changes, args)?;
    let Some(target) = target else {
        write_files(location, repo, changes, ui)?;
        if let Err(err) = hooks::verify(location, args, changes, planned) {
            restore(location, changes);
            return Err(err);
        }
        return Ok(written);
    };
    let pending = Pending::new(repo, &files)?;
    pending.mark()?;
    let written_and_verified = write_files(location, repo, changes, ui).and_then(|()| {
        hooks::verify(location, args, changes, planned).inspect_err(|_| restore(location, changes))
    });
    if let Err(err) = written_and_verified {
        pending.clear();
        return Err(err);
    }
    let mut message = message.to_owned();
    if args.ci_skip {
        message.push_str("\n\n");
        message.push_str(&args.ci_skip_message);
    }
    let commit = match repo.commit_files(
        &files,
        &message,
        &committer,
        author.as_ref(),
        signer.as_ref(),
    ) {
        Ok(commit) => commit,
        Err(err) => {
            restore(location, changes);
            pending.clear();
            return Err(err.into());
        }
    };
    pending.clear();
    written.commit = Some(commit.to_string());
    let Some((remote, remote_branch)) = &target.upstream else {
        return Ok(written);
    };
    let branch = &target.branch;
    if let Err(err) = repo.push_to(remote, branch, remote_branch, &location.auth) {
        let err = anyhow::Error::new(err).context(format!(
            "pushing {branch} to {remote}/{remote_branch}; the commit was undone and the files restored"
        ));
        return Err(undo(location, repo, &pending, commit, &files, changes, err));
    }
    written.pushed = true;
    Ok(written)
}

/// After a failed push: take the commit back and put the files back as they were, then
/// the push's error (with the undo's, if that failed too).
fn undo(
    location: &Location,
    repo: &Repo,
    pending: &Pending,
    commit: git2::Oid,
    files: &[CommitFile],
    changes: &[FileChange],
    err: anyhow::Error,
) -> anyhow::Error {
    // Marked again: killed while undoing, the next run says what happened.
    let _ = pending.mark();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    match repo.undo_commit(commit, &paths) {
        Ok(()) => {
            restore(location, changes);
            pending.clear();
            err
        }
        Err(undo) => err.context(format!("undoing the commit failed too: {undo}")),
    }
}

/// `--verify` for changes committed elsewhere than the work tree (`--push-branch`): write
/// the files, run the commands, and put the files back whatever they said. While the files
/// are written the interrupted-run note is kept, as for a commit.
pub fn verify_aside(
    location: &Location,
    repo: &Repo,
    args: &WriteArgs,
    change: &Change<'_>,
    ui: &mut Ui,
) -> Result<()> {
    if args.verify.is_empty() {
        return Ok(());
    }
    let files: Vec<CommitFile> = change
        .files
        .iter()
        .map(|c| CommitFile {
            path: location.git_path(&c.file),
            content: None,
        })
        .collect();
    let pending = Pending::new(repo, &files)?;
    pending.mark()?;
    let verified = write_files(location, repo, change.files, ui)
        .and_then(|()| hooks::verify(location, args, change.files, change.planned));
    restore(location, change.files);
    pending.clear();
    verified
}

/// What to commit for each change: the file as written, or, for a file with uncommitted
/// edits (`--allow-dirty`), HEAD's version with only tagpilot's change.
fn commit_files(
    location: &Location,
    repo: &Repo,
    changes: &[FileChange],
    args: &WriteArgs,
) -> Result<Vec<CommitFile>> {
    let mut files = Vec::with_capacity(changes.len());
    for change in changes {
        let path = location.git_path(&change.file);
        let content = if args.allow_dirty && repo.has_local_changes(&path)? {
            repo.carry_over(&path, change.old.as_bytes(), change.new.as_bytes())?
        } else {
            None
        };
        files.push(CommitFile { path, content });
    }
    Ok(files)
}

/// Write every change atomically, its temporary file where git does not look; on a failure
/// put back the files already written.
fn write_files(
    location: &Location,
    repo: &Repo,
    changes: &[FileChange],
    ui: &mut Ui,
) -> Result<()> {
    let tmp = temp_dir(repo, &location.root);
    for (i, change) in changes.iter().enumerate() {
        let path = location.root.join(&change.file);
        let result = match &tmp {
            Some(dir) => write_atomic_in(&path, change.new.as_bytes(), dir),
            None => write_atomic(&path, change.new.as_bytes()),
        };
        if let Err(err) = result {
            restore(location, &changes[..i]);
            return Err(err);
        }
        ui.info(&format!("wrote {}", change.file));
    }
    Ok(())
}

/// Put the text read back into these files.
fn restore(location: &Location, changes: &[FileChange]) {
    for change in changes {
        // Best effort: the error that brought us here is the one to report.
        let _ = write_atomic(&location.root.join(&change.file), change.old.as_bytes());
    }
}

/// The directory for temporary files, inside the git directory (git never looks there),
/// if it is on the same file system as the work tree; `None` to write them beside the
/// files instead.
fn temp_dir(repo: &Repo, root: &Path) -> Option<PathBuf> {
    let dir = repo.git_dir().join(TEMP_DIR);
    fs::create_dir_all(&dir).ok()?;
    same_file_system(&dir, root).then_some(dir)
}

#[cfg(unix)]
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file_system(_a: &Path, _b: &Path) -> bool {
    false
}

/// Remove what a killed run left in the temporary directory.
fn clear_temp(repo: &Repo) {
    let dir = repo.git_dir().join(TEMP_DIR);
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Temporary files of atomic writes, under the git directory.
const TEMP_DIR: &str = "tagpilot-tmp";

/// The note a run leaves in the git directory while its files are written but not yet
/// committed: the commit they go on, then one file per line.
const PENDING_FILE: &str = "tagpilot-pending";

/// The interrupted-run note of one write.
struct Pending {
    path: PathBuf,
    text: String,
}

impl Pending {
    fn new(repo: &Repo, files: &[CommitFile]) -> Result<Pending> {
        let mut text = format!("{}\n", repo.head_id()?);
        for file in files {
            text.push_str(&file.path.to_string_lossy());
            text.push('\n');
        }
        Ok(Pending {
            path: repo.git_dir().join(PENDING_FILE),
            text,
        })
    }

    fn mark(&self) -> Result<()> {
        write_atomic(&self.path, self.text.as_bytes())
    }

    fn clear(&self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Refuse to run over the files of an earlier run that was killed after writing them and
/// before committing; forget the note once they were committed or put back.
fn check_interrupted(repo: &Repo) -> Result<()> {
    let path = repo.git_dir().join(PENDING_FILE);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(());
    };
    let mut lines = text.lines();
    let base = lines.next().unwrap_or_default();
    let on_base = repo.head_id().is_ok_and(|id| id.to_string() == base);
    let mut left = Vec::new();
    if on_base {
        for file in lines.filter(|l| !l.is_empty()) {
            if repo.has_local_changes(Path::new(file))? {
                left.push(file);
            }
        }
    }
    if left.is_empty() {
        let _ = fs::remove_file(&path);
        return Ok(());
    }
    let mut shown = left.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if left.len() > 5 {
        shown.push_str(&format!(" and {} more", left.len() - 5));
    }
    bail!(
        "an earlier tagpilot run in {} was interrupted after writing {shown} and before committing; \
         see the change with `git diff HEAD`, then keep it (git add and git commit those files) \
         or drop it (git checkout HEAD -- <file>...), and run tagpilot again",
        repo.workdir().display()
    )
}

/// The committer: `--git-user`/`--git-email`, else the repository's git config, else
/// `tagpilot <tagpilot@localhost>`.
pub fn committer(repo: &Repo, args: &WriteArgs) -> Identity {
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

/// Runs `round` (plan on the current head, write, commit, push) until it succeeds, fails
/// for good, or its push was rejected `--push-retries` times: after each rejection the
/// upstream is fetched and the branch moved to its tip, so the next round plans on what
/// the remote has now. `round` is told whether it is the last try, so that it can report
/// a failure that will not be retried.
pub fn with_push_retries<T>(
    location: &Location,
    global: &GlobalArgs,
    args: &WriteArgs,
    ui: &mut Ui,
    mut round: impl FnMut(&mut Ui, bool) -> Result<T>,
) -> Result<T> {
    let mut attempt = 0;
    loop {
        let last = attempt >= args.push_retries;
        match round(ui, last) {
            Err(err) if is_rejected(&err) && !last => {
                attempt += 1;
                refetch(location, global, args, attempt, ui)?;
            }
            done => return done,
        }
    }
}

/// After a rejected push (attempt `attempt` of `args.push_retries + 1`): say so, fetch the
/// upstream branch and move to the remote's tip, so the caller can plan again.
fn refetch(
    location: &Location,
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
    let repo = location.repo()?;
    let branch = branch(repo, global)?;
    let (remote, upstream) = upstream(repo, global, &branch)?;
    let auth = &location.auth;
    let tip = repo
        .fetch(&remote, &upstream, auth)
        .with_context(|| format!("fetching {upstream} from {remote}"))?;
    // Commits of the user's that the remote does not have would be dropped by moving to
    // its tip: refuse instead.
    if !repo.is_contained(repo.head_id()?, tip)? {
        bail!(
            "the push was rejected and {branch} has commits that {remote}/{upstream} does not; \
             pull (or rebase) and push them first, then run tagpilot again"
        );
    }
    repo.fetch_and_reset_to(&remote, &upstream, &branch, auth)
        .with_context(|| format!("fetching {upstream} from {remote}"))?;
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
    if global.output == Format::Markdown {
        // release and sync have a row per container; the policy commands a row per workload.
        let overview = ui.overview().clone();
        if overview.containers.is_empty() {
            markdown::report(ui.out(), &overview.command, report)?;
        } else {
            markdown::overview(ui.out(), &overview, &report.errors, &report.warnings)?;
        }
        return Ok(());
    }
    let json = global.output == Format::Json;
    write_report(
        ui.out(),
        report,
        json,
        args.diff.then_some(diffs.as_slice()),
    )?;
    Ok(())
}
