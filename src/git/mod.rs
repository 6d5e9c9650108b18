//! Our wrapper around git2: open a work tree, check for local changes, commit only given
//! paths, push, fetch and reset, clone or update a cached clone.
//!
//! [`Repo`] says in its method docs what it does in the odd cases (detached HEAD, unborn
//! branch, nothing to commit, a rejected push, local changes in the way). It never reads
//! the environment and never asks git config for a signature: identities and
//! credentials come from the caller, so it behaves the same on a machine with no git
//! user configured.

mod auth;
mod branch;
mod error;
mod identity;
mod known_hosts;
mod remote;
mod sign;
#[cfg(test)]
mod tests;

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};

pub use auth::{Auth, Secret, redact_url, split_credentials};
pub use branch::{BRANCH_TRAILER, ForeignCommit};
pub use error::GitError;
pub use identity::Identity;
pub use sign::{SignFormat, Signer};

/// A git work tree, opened once; all paths it takes are relative to its root.
pub struct Repo {
    repo: git2::Repository,
    workdir: PathBuf,
}

impl fmt::Debug for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repo")
            .field("workdir", &self.workdir)
            .finish_non_exhaustive()
    }
}

/// A file to commit (see [`Repo::commit_files`]).
#[derive(Debug, Clone)]
pub struct CommitFile {
    /// The path, relative to the work tree root or absolute inside it.
    pub path: PathBuf,
    /// What to commit; `None` for the work-tree file as it is.
    pub content: Option<Vec<u8>>,
}

/// The branch HEAD points at.
struct HeadBranch {
    /// `refs/heads/<name>`.
    refname: String,
    /// `<name>`.
    name: String,
}

impl Repo {
    /// Open the work tree containing `path`, searching upwards for `.git` like git does
    /// (`GIT_DIR` and the other environment variables are not consulted).
    ///
    /// Errors: [`GitError::NotARepository`] when no repository is found,
    /// [`GitError::BareRepository`] for a bare repository; both name `path`.
    pub fn discover(path: &Path) -> Result<Repo, GitError> {
        let repo = git2::Repository::open_ext(
            path,
            git2::RepositoryOpenFlags::empty(),
            std::iter::empty::<&OsStr>(),
        )
        .map_err(|e| open_error(path, e))?;
        Repo::from_git2(repo, path)
    }

    /// Open exactly the work tree at `dir`, without searching the directories above.
    ///
    /// Errors as [`Repo::discover`].
    pub fn open(dir: &Path) -> Result<Repo, GitError> {
        let repo = git2::Repository::open_ext(
            dir,
            git2::RepositoryOpenFlags::NO_SEARCH,
            std::iter::empty::<&OsStr>(),
        )
        .map_err(|e| open_error(dir, e))?;
        Repo::from_git2(repo, dir)
    }

    fn from_git2(repo: git2::Repository, path: &Path) -> Result<Repo, GitError> {
        let bare = || GitError::BareRepository {
            path: path.to_path_buf(),
        };
        if repo.is_bare() {
            return Err(bare());
        }
        // libgit2 gives the work tree with a trailing slash; rebuild it without one.
        let workdir = repo.workdir().ok_or_else(bare)?.components().collect();
        Ok(Repo { repo, workdir })
    }

    /// The root of the work tree (as libgit2 resolved it, symbolic links followed).
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The checked-out branch's short name (`main`, `release/1.x`).
    ///
    /// Errors: [`GitError::DetachedHead`] when HEAD is a commit rather than a branch;
    /// [`GitError::UnbornBranch`] when the branch has no commit yet.
    pub fn current_branch(&self) -> Result<String, GitError> {
        let head = self.head_branch()?;
        self.branch_tip(&head)?;
        Ok(head.name)
    }

    /// The commit HEAD points at; a detached HEAD is fine here.
    ///
    /// Errors: [`GitError::UnbornBranch`] when there is no commit yet.
    pub fn head_id(&self) -> Result<git2::Oid, GitError> {
        match self.repo.head() {
            Ok(head) => head
                .peel_to_commit()
                .map(|c| c.id())
                .map_err(|e| GitError::git("resolving HEAD", &self.workdir, e)),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => {
                let head = self.head_branch()?;
                Err(GitError::UnbornBranch {
                    repo: self.workdir.clone(),
                    branch: head.name,
                })
            }
            Err(e) => Err(GitError::git("resolving HEAD", &self.workdir, e)),
        }
    }

    /// Does this file (relative to the work tree root, or absolute inside it) differ from
    /// HEAD, in the index or in the work tree?
    ///
    /// A file that is not in HEAD but exists (untracked, ignored, or staged as new)
    /// counts as changed: committing it would add it. A file that is neither in HEAD
    /// nor on disk has no changes. A file in HEAD but deleted counts as changed.
    /// Differences in stat data alone (a `touch`) are not changes.
    pub fn has_local_changes(&self, rel_path: &Path) -> Result<bool, GitError> {
        let rel = self.relative(rel_path)?;
        match self.repo.status_file(&rel) {
            Ok(status) => Ok(!status.is_empty()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(false),
            Err(e) => Err(GitError::git(
                format!("checking the status of {}", rel.display()),
                &self.workdir,
                e,
            )),
        }
    }

    /// `user.name` and `user.email` from git config (repository, then global and
    /// system), if both are set and usable; `None` otherwise.
    pub fn configured_identity(&self) -> Option<Identity> {
        let mut config = self.repo.config().ok()?;
        let snapshot = config.snapshot().ok()?;
        Identity::from_config(&snapshot)
    }

    /// Commit exactly these files' current work-tree contents on top of HEAD, on the
    /// current branch, and return the new commit's id. Same as [`Repo::commit_files`] with
    /// every file taken as it is in the work tree.
    pub fn commit_paths(
        &self,
        paths: &[PathBuf],
        message: &str,
        committer: &Identity,
        author: Option<&Identity>,
    ) -> Result<git2::Oid, GitError> {
        let files: Vec<CommitFile> = paths
            .iter()
            .map(|path| CommitFile {
                path: path.clone(),
                content: None,
            })
            .collect();
        self.commit_files(&files, message, committer, author, None)
    }

    /// Commit these files on top of HEAD, on the current branch, and return the new
    /// commit's id.
    ///
    /// - Nothing else goes into the commit: other staged or modified files stay as they
    ///   are (still staged, still modified); the new tree is HEAD's tree with these
    ///   paths replaced.
    /// - A file without [`CommitFile::content`] is committed as it is in the work tree and
    ///   its index entry follows, so `git status` shows it clean. A file with content has
    ///   that content committed and staged while the work tree keeps its own text, which
    ///   `git status` then shows as an unstaged change.
    /// - The file mode is taken from the work tree: the executable bit counts unless
    ///   `core.fileMode` is false, in which case HEAD's mode is kept. A symbolic link is
    ///   committed as a link. A new file is added.
    /// - `author` defaults to `committer`; neither is read from git config.
    /// - Content filters (`.gitattributes`, `core.autocrlf`) apply as for `git add`.
    /// - Crash safety: the commit object is written first, then the index, and only then
    ///   is the branch moved (checking that it is still at the parent). A process killed
    ///   at any point leaves either the branch where it was (the files at most staged) or
    ///   the new commit with the index matching it. When moving the branch fails, the
    ///   index entries are put back.
    ///
    /// Errors: [`GitError::LockHeld`] when git's index or branch lock file exists;
    /// [`GitError::NothingToCommit`] when the files equal HEAD's (no commit is made);
    /// [`GitError::DetachedHead`], [`GitError::UnbornBranch`];
    /// [`GitError::PathOutsideWorkTree`]; [`GitError::Io`] for a missing file;
    /// [`GitError::InvalidIdentity`].
    pub fn commit_files(
        &self,
        files: &[CommitFile],
        message: &str,
        committer: &Identity,
        author: Option<&Identity>,
        signer: Option<&Signer>,
    ) -> Result<git2::Oid, GitError> {
        let head = self.head_branch()?;
        self.check_locks(&head.name)?;
        let parent = self.branch_tip(&head)?;
        let committer_sig = committer.signature()?;
        let author_sig = author.unwrap_or(committer).signature()?;
        let git_err = |action: &str| {
            let action = action.to_owned();
            move |e| GitError::git(action, &self.workdir, e)
        };

        let base_tree = parent.tree().map_err(git_err("reading HEAD's tree"))?;
        let mut index = self.repo.index().map_err(git_err("reading the index"))?;
        index.read(false).map_err(git_err("reading the index"))?;
        let mut rels = Vec::with_capacity(files.len());
        let mut update = git2::build::TreeUpdateBuilder::new();
        for file in files {
            let rel = self.relative(&file.path)?;
            let (blob, mode) = self.stage(&mut index, &rel, file.content.as_deref(), &base_tree)?;
            update.upsert(rel.as_path(), blob, mode);
            rels.push(rel);
        }
        let tree_id = update
            .create_updated(&self.repo, &base_tree)
            .map_err(git_err("building the tree to commit"))?;
        if tree_id == base_tree.id() {
            return Err(GitError::NothingToCommit {
                repo: self.workdir.clone(),
                paths: rels,
            });
        }
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(git_err("reading the new tree"))?;
        let id = match signer {
            None => self.repo.commit(
                None,
                &author_sig,
                &committer_sig,
                message,
                &tree,
                &[&parent],
            ),
            Some(signer) => {
                let buffer = self
                    .repo
                    .commit_create_buffer(&author_sig, &committer_sig, message, &tree, &[&parent])
                    .map_err(git_err("writing the commit"))?;
                let text = std::str::from_utf8(&buffer).map_err(|_| GitError::Sign {
                    detail: "the commit is not UTF-8 text".to_owned(),
                })?;
                let signature = signer.sign(text)?;
                self.repo.commit_signed(text, &signature, None)
            }
        }
        .map_err(git_err("writing the commit"))?;

        // The index before the branch: killed in between, the branch is where it was and
        // the change is staged, which the next run reports as uncommitted changes.
        index
            .write()
            .map_err(|e| self.lock_error(e, "writing the index"))?;
        let subject = message.lines().next().unwrap_or_default();
        if let Err(e) = self.repo.reference_matching(
            &head.refname,
            id,
            true,
            parent.id(),
            &format!("commit: {subject}"),
        ) {
            // Best effort: the failure to move the branch is the story.
            let _ = self
                .repo
                .reset_default(Some(parent.as_object()), rels.iter());
            return Err(self.lock_error(e, &format!("moving branch {:?}", head.name)));
        }
        Ok(id)
    }

    /// Put one file to commit into the index and return its blob and mode.
    fn stage(
        &self,
        index: &mut git2::Index,
        rel: &Path,
        content: Option<&[u8]>,
        base_tree: &git2::Tree<'_>,
    ) -> Result<(git2::Oid, git2::FileMode), GitError> {
        let mode = self.work_tree_mode(rel, base_tree)?;
        let git_err = |e| GitError::git(format!("staging {}", rel.display()), &self.workdir, e);
        let mut entry = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: u32::try_from(i32::from(mode)).unwrap_or(0o100_644),
            uid: 0,
            gid: 0,
            file_size: 0,
            id: git2::Oid::ZERO_SHA1,
            flags: 0,
            flags_extended: 0,
            path: rel.as_os_str().as_encoded_bytes().to_vec(),
        };
        match content {
            // `add_path` applies the clean filters and records the file's stat data, so
            // `git status` sees it clean.
            None => index.add_path(rel).map_err(git_err)?,
            // No stat data: git compares the work-tree file, which differs.
            Some(content) => index.add_frombuffer(&entry, content).map_err(git_err)?,
        }
        if let Some(staged) = index.get_path(rel, 0) {
            entry = staged;
        }
        Ok((entry.id, mode))
    }

    /// Refuse when git's lock files for the index, HEAD or `branch` exist: another git
    /// process is at work, or one was killed and left them behind.
    ///
    /// Errors: [`GitError::LockHeld`] naming the file.
    pub fn check_locks(&self, branch: &str) -> Result<(), GitError> {
        let git_dir = self.repo.path();
        let common = self.repo.commondir();
        let candidates = [
            git_dir.join("index.lock"),
            git_dir.join("HEAD.lock"),
            common.join("refs/heads").join(format!("{branch}.lock")),
        ];
        match candidates.into_iter().find(|p| p.exists()) {
            Some(path) => Err(GitError::LockHeld {
                repo: self.workdir.clone(),
                path,
            }),
            None => Ok(()),
        }
    }

    /// The repository's git directory (`.git`).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// A libgit2 failure, or [`GitError::LockHeld`] when it failed on a lock file
    /// someone else holds.
    fn lock_error(&self, e: git2::Error, action: &str) -> GitError {
        if e.code() == git2::ErrorCode::Locked {
            let branch = self.head_branch().map(|h| h.name).unwrap_or_default();
            if let Err(held) = self.check_locks(&branch) {
                return held;
            }
        }
        GitError::git(action, &self.workdir, e)
    }

    /// The upstream of local branch `branch` as git config names it
    /// (`branch.<name>.remote` and `branch.<name>.merge`): the remote and the remote's
    /// branch name, or `None` when the branch has none.
    pub fn upstream(&self, branch: &str) -> Result<Option<(String, String)>, GitError> {
        let config = self
            .repo
            .config()
            .and_then(|mut c| c.snapshot())
            .map_err(|e| GitError::git("reading git config", &self.workdir, e))?;
        let remote = config.get_string(&format!("branch.{branch}.remote")).ok();
        let merge = config.get_string(&format!("branch.{branch}.merge")).ok();
        Ok(match (remote, merge) {
            (Some(remote), Some(merge)) if remote != "." => merge
                .strip_prefix("refs/heads/")
                .map(|name| (remote, name.to_owned())),
            _ => None,
        })
    }

    /// HEAD's version of `path` with the change from `old` to `new` carried over, for
    /// committing an edit of a file that also holds someone's uncommitted edits: a
    /// three-way merge whose result leaves those edits out. `None` when HEAD has no such
    /// file or already holds `old` (nothing to separate).
    ///
    /// Errors: [`GitError::EditsOverlap`] when the edits are too close to the change to
    /// be separated.
    pub fn carry_over(
        &self,
        path: &Path,
        old: &[u8],
        new: &[u8],
    ) -> Result<Option<Vec<u8>>, GitError> {
        let rel = self.relative(path)?;
        let head = self.head_branch()?;
        let tree = self
            .branch_tip(&head)?
            .tree()
            .map_err(|e| GitError::git("reading HEAD's tree", &self.workdir, e))?;
        let Ok(entry) = tree.get_path(&rel) else {
            return Ok(None);
        };
        let git_err = |e| GitError::git(format!("reading {}", rel.display()), &self.workdir, e);
        let blob = self.repo.find_blob(entry.id()).map_err(git_err)?;
        let committed = blob.content();
        if committed == old {
            return Ok(None);
        }
        let input = |content| {
            let mut input = git2::MergeFileInput::new();
            input.content(content);
            input
        };
        let merged =
            git2::merge_file(&input(old), &input(new), &input(committed), None).map_err(git_err)?;
        if !merged.is_automergeable() {
            return Err(GitError::EditsOverlap {
                repo: self.workdir.clone(),
                path: rel,
            });
        }
        Ok(Some(merged.content().to_vec()))
    }

    /// Whether `commit` is `tip` or one of its ancestors: moving from `commit` to `tip` loses
    /// nothing.
    pub fn is_contained(&self, commit: git2::Oid, tip: git2::Oid) -> Result<bool, GitError> {
        if commit == tip {
            return Ok(true);
        }
        self.repo
            .graph_descendant_of(tip, commit)
            .map_err(|e| GitError::git("comparing commits", &self.workdir, e))
    }

    /// Take back a commit made by [`Repo::commit_paths`] that could not be pushed: the
    /// branch goes back to the commit's parent and the index entries of `paths` to the
    /// parent's versions. The work-tree files are the caller's to restore. Refuses when the
    /// branch has moved on from `commit`.
    pub fn undo_commit(&self, commit: git2::Oid, paths: &[PathBuf]) -> Result<(), GitError> {
        let head = self.head_branch()?;
        let tip = self.branch_tip(&head)?;
        let git_err = |action: &str| {
            let action = action.to_owned();
            move |e| GitError::git(action, &self.workdir, e)
        };
        if tip.id() != commit {
            return Err(GitError::git(
                format!("undoing commit {commit} on branch {:?}", head.name),
                &self.workdir,
                git2::Error::from_str("the branch has moved on since"),
            ));
        }
        let parent = tip
            .parent(0)
            .map_err(git_err("reading the commit's parent"))?;
        let rels = paths
            .iter()
            .map(|p| self.relative(p))
            .collect::<Result<Vec<_>, _>>()?;
        self.repo
            .reference(
                &head.refname,
                parent.id(),
                true,
                "tagpilot: undo a commit that could not be pushed",
            )
            .map_err(git_err(&format!("moving branch {:?} back", head.name)))?;
        if !rels.is_empty() {
            self.repo
                .reset_default(Some(parent.as_object()), rels.iter())
                .map_err(git_err("restoring the index entries"))?;
        }
        Ok(())
    }

    /// The mode a work-tree file is committed with; refuses a missing file or a directory.
    fn work_tree_mode(
        &self,
        rel: &Path,
        base_tree: &git2::Tree<'_>,
    ) -> Result<git2::FileMode, GitError> {
        let abs = self.workdir.join(rel);
        let meta = fs::symlink_metadata(&abs).map_err(|source| GitError::Io {
            action: "reading file to commit",
            path: abs.clone(),
            source,
        })?;
        if meta.file_type().is_symlink() {
            return Ok(git2::FileMode::Link);
        }
        if !meta.is_file() {
            return Err(GitError::NotAFile { path: abs });
        }
        let head_mode = base_tree.get_path(rel).ok().map(|e| e.filemode());
        let executable = if self.trusts_file_mode() {
            is_executable(&meta)
        } else {
            head_mode == Some(i32::from(git2::FileMode::BlobExecutable))
        };
        Ok(if executable {
            git2::FileMode::BlobExecutable
        } else {
            git2::FileMode::Blob
        })
    }

    /// Whether the executable bit in the work tree means anything (`core.fileMode`).
    fn trusts_file_mode(&self) -> bool {
        cfg!(unix)
            && self
                .repo
                .config()
                .and_then(|c| c.get_bool("core.filemode"))
                .unwrap_or(true)
    }

    /// Where HEAD points, if it is a local branch (born or not).
    fn head_branch(&self) -> Result<HeadBranch, GitError> {
        let head = self
            .repo
            .find_reference("HEAD")
            .map_err(|e| GitError::git("reading HEAD", &self.workdir, e))?;
        let target = match head.symbolic_target() {
            Ok(Some(target)) => target.to_owned(),
            Ok(None) => {
                return Err(GitError::DetachedHead {
                    repo: self.workdir.clone(),
                });
            }
            Err(e) => return Err(GitError::git("reading HEAD", &self.workdir, e)),
        };
        match target.strip_prefix("refs/heads/") {
            Some(name) => Ok(HeadBranch {
                name: name.to_owned(),
                refname: target.clone(),
            }),
            None => Err(GitError::NotOnBranch {
                repo: self.workdir.clone(),
                target,
            }),
        }
    }

    /// The commit at the tip of HEAD's branch.
    fn branch_tip(&self, head: &HeadBranch) -> Result<git2::Commit<'_>, GitError> {
        match self.repo.find_reference(&head.refname) {
            Ok(r) => r.peel_to_commit().map_err(|e| {
                GitError::git(
                    format!("resolving branch {:?}", head.name),
                    &self.workdir,
                    e,
                )
            }),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Err(GitError::UnbornBranch {
                repo: self.workdir.clone(),
                branch: head.name.clone(),
            }),
            Err(e) => Err(GitError::git(
                format!("reading branch {:?}", head.name),
                &self.workdir,
                e,
            )),
        }
    }

    /// `path` as a clean relative path inside the work tree: relative paths are taken
    /// from the root; absolute ones must lie below it. `..`, `.git` and the root itself
    /// are refused.
    fn relative(&self, path: &Path) -> Result<PathBuf, GitError> {
        let outside = || GitError::PathOutsideWorkTree {
            repo: self.workdir.clone(),
            path: path.to_path_buf(),
        };
        let rel = if path.is_absolute() {
            match path.strip_prefix(&self.workdir) {
                Ok(rel) => rel.to_path_buf(),
                // The caller may spell the work tree differently (a symbolic link).
                Err(_) => {
                    let dir = fs::canonicalize(&self.workdir).map_err(|_| outside())?;
                    let parent = path
                        .parent()
                        .and_then(|p| fs::canonicalize(p).ok())
                        .ok_or_else(outside)?;
                    let file = path.file_name().ok_or_else(outside)?;
                    parent
                        .join(file)
                        .strip_prefix(&dir)
                        .map_err(|_| outside())?
                        .to_path_buf()
                }
            }
        } else {
            path.to_path_buf()
        };
        let mut clean = PathBuf::new();
        for component in rel.components() {
            match component {
                Component::Normal(part) => clean.push(part),
                Component::CurDir => {}
                Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                    return Err(outside());
                }
            }
        }
        if clean.as_os_str().is_empty() || clean.starts_with(".git") {
            return Err(outside());
        }
        Ok(clean)
    }
}

fn open_error(path: &Path, e: git2::Error) -> GitError {
    if e.code() == git2::ErrorCode::NotFound {
        GitError::NotARepository {
            path: path.to_path_buf(),
        }
    } else {
        GitError::git("opening the git repository", path, e)
    }
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    false
}
