//! The errors of the git module: each names the repository, remote, branch or file and
//! what was being done, in lower case, so `error: {err:#}` reads well on its own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What went wrong in a git operation.
///
/// Callers branch on [`GitError::PushRejected`] (fetch, re-plan and retry) and may
/// branch on [`GitError::NothingToCommit`]; every other variant is reported as is.
/// URLs in these errors have any password or token replaced by `(redacted)`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// A commit could not be signed; nothing was committed.
    #[error("signing the commit: {detail}; nothing was committed")]
    Sign {
        /// What went wrong, with the signing program's words.
        detail: String,
    },

    /// No repository at the path or any directory above it.
    #[error("no git repository at or above {}", path.display())]
    NotARepository {
        /// The path the search started from.
        path: PathBuf,
    },

    /// The repository found is bare: there is no work tree to edit.
    #[error("{} is a bare git repository; a work tree is needed", path.display())]
    BareRepository {
        /// The path the search started from.
        path: PathBuf,
    },

    /// HEAD points at a commit, not at a branch.
    #[error("HEAD is detached in {}; check out a branch first", repo.display())]
    DetachedHead {
        /// The work tree.
        repo: PathBuf,
    },

    /// HEAD names a branch that has no commit yet (a fresh `git init`).
    #[error("branch {branch:?} in {} has no commits yet", repo.display())]
    UnbornBranch {
        /// The work tree.
        repo: PathBuf,
        /// The branch HEAD names.
        branch: String,
    },

    /// HEAD is a symbolic reference to something that is not a local branch.
    #[error("HEAD in {} points at {target:?}, which is not a local branch", repo.display())]
    NotOnBranch {
        /// The work tree.
        repo: PathBuf,
        /// Where HEAD points.
        target: String,
    },

    /// A path given to the git module is not a file inside the work tree.
    #[error("{} is not a path inside the work tree {}", path.display(), repo.display())]
    PathOutsideWorkTree {
        /// The work tree.
        repo: PathBuf,
        /// The path as given.
        path: PathBuf,
    },

    /// A path to commit is a directory or something else that is not a file or a link.
    #[error("cannot commit {}: not a file", path.display())]
    NotAFile {
        /// The path in the work tree.
        path: PathBuf,
    },

    /// The files to commit are identical to HEAD's, so no commit was made.
    #[error("nothing to commit in {}: {} unchanged from HEAD", repo.display(), join_paths(paths))]
    NothingToCommit {
        /// The work tree.
        repo: PathBuf,
        /// The files that were to be committed.
        paths: Vec<PathBuf>,
    },

    /// A name and email could not be used as a git identity.
    #[error("invalid git identity {input:?}: {reason}")]
    InvalidIdentity {
        /// The text as given.
        input: String,
        /// Why it was refused.
        reason: String,
    },

    /// A branch name that git does not accept.
    #[error("invalid branch name {name:?}")]
    InvalidBranchName {
        /// The name as given.
        name: String,
    },

    /// The local branch to push does not exist.
    #[error("no local branch {branch:?} in {}", repo.display())]
    LocalBranchNotFound {
        /// The work tree.
        repo: PathBuf,
        /// The branch.
        branch: String,
    },

    /// No remote of that name is configured.
    #[error("no remote named {remote:?} in {}", repo.display())]
    RemoteNotFound {
        /// The work tree.
        repo: PathBuf,
        /// The remote name as given.
        remote: String,
    },

    /// The remote has no such branch, or (when no branch was asked for) no default branch.
    #[error("remote {remote:?} ({url}) has no branch {branch:?}")]
    RemoteBranchNotFound {
        /// The remote's name.
        remote: String,
        /// Its URL, redacted.
        url: String,
        /// The branch looked for; `HEAD` when the remote's default branch was wanted.
        branch: String,
    },

    /// The push was rejected because the remote branch has commits the local one lacks.
    /// Fetch, reset, re-plan and push again; never force.
    #[error("pushing branch {branch:?} to remote {remote:?} ({url}) was rejected: {reason}")]
    PushRejected {
        /// The remote's name.
        remote: String,
        /// Its push URL, redacted.
        url: String,
        /// The branch pushed.
        branch: String,
        /// What libgit2 or the server said.
        reason: String,
    },

    /// The server refused the update for another reason (a hook, branch protection,
    /// permissions). Retrying will not help.
    #[error("pushing branch {branch:?} to remote {remote:?} ({url}) was refused: {reason}")]
    PushRefused {
        /// The remote's name.
        remote: String,
        /// Its push URL, redacted.
        url: String,
        /// The branch pushed.
        branch: String,
        /// What the server said.
        reason: String,
    },

    /// No credential worked for the remote.
    #[error("authenticating to remote {remote:?} ({url}): {detail}")]
    Auth {
        /// The remote's name.
        remote: String,
        /// Its URL, redacted.
        url: String,
        /// Which credentials were tried, or what the transport said.
        detail: String,
    },

    /// A network or protocol failure while talking to a remote.
    #[error("{action} remote {remote:?} ({url}): {message}")]
    Remote {
        /// What was being done, e.g. `fetching branch "main" from`.
        action: String,
        /// The remote's name.
        remote: String,
        /// Its URL, redacted.
        url: String,
        /// libgit2's message, with credentials redacted.
        message: String,
        /// libgit2's error code.
        code: git2::ErrorCode,
    },

    /// Moving the work tree to the fetched commit would overwrite uncommitted changes;
    /// nothing was changed.
    #[error(
        "resetting branch {branch:?} in {} to {remote}/{branch} would overwrite local changes in {}",
        repo.display(),
        join_paths(files)
    )]
    WouldOverwrite {
        /// The work tree.
        repo: PathBuf,
        /// The remote's name.
        remote: String,
        /// The branch.
        branch: String,
        /// The files in the way (may be empty when libgit2 did not name them).
        files: Vec<PathBuf>,
    },

    /// One of git's lock files exists: another git process is at work in the repository,
    /// or one was killed and left it behind.
    #[error(
        "{} exists: another git command is running in {}, or one was interrupted; if none is running, remove it (rm {}) and run tagpilot again",
        path.display(),
        repo.display(),
        path.display()
    )]
    LockHeld {
        /// The work tree.
        repo: PathBuf,
        /// The lock file.
        path: PathBuf,
    },

    /// A file's uncommitted edits lie too close to tagpilot's change to commit the change
    /// alone.
    #[error(
        "{} in {} has uncommitted edits next to the lines tagpilot changes, so its change cannot be committed without them; commit or stash your edits first",
        path.display(),
        repo.display()
    )]
    EditsOverlap {
        /// The work tree.
        repo: PathBuf,
        /// The file, relative to the work tree.
        path: PathBuf,
    },

    /// The clone directory exists but is not a clone tagpilot can reuse.
    #[error("{} exists and is not a git work tree; remove it or choose another directory", dir.display())]
    NotAClone {
        /// The directory.
        dir: PathBuf,
    },

    /// Any other libgit2 failure.
    #[error("{action} in {}: {}", repo.display(), error.message())]
    Git {
        /// What was being done.
        action: String,
        /// The repository's work tree (or the path being opened).
        repo: PathBuf,
        /// The libgit2 error; only its message is shown.
        error: git2::Error,
    },

    /// A file system failure.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done, e.g. `reading`.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl GitError {
    /// Is this a non-fast-forward push rejection, which the caller may retry after
    /// [`super::Repo::fetch_and_reset`]?
    pub fn is_push_rejected(&self) -> bool {
        matches!(self, GitError::PushRejected { .. })
    }

    pub(crate) fn git(action: impl Into<String>, repo: &Path, error: git2::Error) -> GitError {
        GitError::Git {
            action: action.into(),
            repo: repo.to_path_buf(),
            error,
        }
    }
}

fn join_paths(paths: &[PathBuf]) -> String {
    let mut out = String::new();
    for (i, p) in paths.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}", p.display());
    }
    if out.is_empty() {
        out.push_str("(unnamed files)");
    }
    out
}
