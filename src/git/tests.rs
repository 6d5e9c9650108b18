//! Tests of [`Repo`] against real repositories in temporary directories: a work tree
//! with a bare remote reached by path or `file://` URL. Setup commits use a fixed
//! signature and date; nothing reads or writes the user's git config identity.

use std::fs;
use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryInitOptions, Signature, Status, Time};
use tempfile::TempDir;

use super::*;

/// A fixed signature for setup commits (2023-11-14T22:13:20Z).
fn setup_sig() -> Signature<'static> {
    Signature::new(
        "Setup",
        "setup@example.invalid",
        &Time::new(1_700_000_000, 0),
    )
    .expect("signature")
}

fn committer() -> Identity {
    Identity::new("tagpilot", "tagpilot@localhost")
}

fn init(dir: &Path, bare: bool) -> Repository {
    let mut options = RepositoryInitOptions::new();
    options
        .bare(bare)
        .initial_head("main")
        .external_template(false);
    Repository::init_opts(dir, &options).expect("init repository")
}

fn write(dir: &Path, rel: &str, content: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dirs");
    }
    fs::write(path, content).expect("write file");
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).expect("read file")
}

/// Stage everything and commit it with the setup signature, on HEAD.
fn commit_all(repo: &Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add all");
    index.write().expect("write index");
    let tree = repo
        .find_tree(index.write_tree().expect("write tree"))
        .expect("find tree");
    let parents: Vec<git2::Commit<'_>> = match repo.head() {
        Ok(head) => vec![head.peel_to_commit().expect("head commit")],
        Err(_) => Vec::new(),
    };
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    let sig = setup_sig();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .expect("commit")
}

fn stage(repo: &Repository, rel: &str) {
    let mut index = repo.index().expect("index");
    index.add_path(Path::new(rel)).expect("add path");
    index.write().expect("write index");
}

fn status(repo: &Repository, rel: &str) -> Status {
    repo.status_file(Path::new(rel)).expect("status")
}

fn remote_ref(bare: &Path, branch: &str) -> git2::Oid {
    let repo = Repository::open_bare(bare).expect("open bare");
    repo.refname_to_id(&format!("refs/heads/{branch}"))
        .expect("remote branch")
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A temporary directory holding `remote.git` (bare, branch `main` with one commit of
/// `a.yaml`, `b.yaml`, `c.yaml`) and `work`, a work tree on `main` whose `origin` is the
/// bare repository by path.
struct Fixture {
    _tmp: TempDir,
    root: PathBuf,
    work: PathBuf,
    remote: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canonical tempdir");
        let remote = root.join("remote.git");
        let work = root.join("work");
        init(&remote, true);
        let repo = init(&work, false);
        write(&work, "a.yaml", "image: a:1\n");
        write(&work, "b.yaml", "image: b:1\n");
        write(&work, "c.yaml", "image: c:1\n");
        commit_all(&repo, "initial");
        repo.remote("origin", remote.to_str().expect("utf-8 path"))
            .expect("add remote");
        Repo::discover(&work)
            .expect("discover")
            .push("origin", "main", &Auth::default())
            .expect("initial push");
        Fixture {
            _tmp: tmp,
            root,
            work,
            remote,
        }
    }

    fn git(&self) -> Repository {
        Repository::open(&self.work).expect("open work tree")
    }

    fn repo(&self) -> Repo {
        Repo::discover(&self.work).expect("discover work tree")
    }

    /// Move the remote on by one commit that changes `rel`, from a second clone.
    fn advance_remote(&self, rel: &str, content: &str) -> git2::Oid {
        let other = self.root.join(format!("other-{}", rel.replace('/', "_")));
        let (repo, branch) = Repo::clone_or_update(
            self.remote.to_str().expect("utf-8"),
            &other,
            Some("main"),
            &Auth::default(),
        )
        .expect("clone for advancing the remote");
        write(&other, rel, content);
        let id = repo
            .commit_paths(&[PathBuf::from(rel)], "upstream change", &committer(), None)
            .expect("upstream commit");
        repo.push("origin", &branch, &Auth::default())
            .expect("upstream push");
        id
    }
}

#[test]
fn discover_finds_the_root_from_a_subdirectory() {
    let fx = Fixture::new();
    fs::create_dir_all(fx.work.join("apps/prod")).expect("mkdir");
    let repo = Repo::discover(&fx.work.join("apps/prod")).expect("discover");
    assert_eq!(repo.workdir(), fx.work);
    assert_eq!(repo.current_branch().expect("branch"), "main");
}

#[test]
fn discover_without_repository_names_the_path() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let err = Repo::discover(tmp.path()).expect_err("no repository");
    assert!(matches!(err, GitError::NotARepository { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("no git repository at or above {}", tmp.path().display())
    );
}

#[test]
fn discover_refuses_a_bare_repository() {
    let fx = Fixture::new();
    let err = Repo::discover(&fx.remote).expect_err("bare");
    assert_eq!(
        err.to_string(),
        format!(
            "{} is a bare git repository; a work tree is needed",
            fx.remote.display()
        )
    );
}

#[test]
fn detached_head_is_an_error_for_branch_and_commit() {
    let fx = Fixture::new();
    let git = fx.git();
    let head = git.head().expect("head").target().expect("oid");
    git.set_head_detached(head).expect("detach");
    let repo = fx.repo();
    let err = repo.current_branch().expect_err("detached");
    assert_eq!(
        err.to_string(),
        format!(
            "HEAD is detached in {}; check out a branch first",
            fx.work.display()
        )
    );
    assert_eq!(repo.head_id().expect("detached head has a commit"), head);
    write(&fx.work, "a.yaml", "image: a:2\n");
    let err = repo
        .commit_paths(&[PathBuf::from("a.yaml")], "m", &committer(), None)
        .expect_err("detached");
    assert!(matches!(err, GitError::DetachedHead { .. }), "{err:?}");
}

#[test]
fn unborn_branch_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    init(tmp.path(), false);
    let repo = Repo::discover(tmp.path()).expect("discover");
    let err = repo.current_branch().expect_err("unborn");
    assert!(
        matches!(&err, GitError::UnbornBranch { branch, .. } if branch == "main"),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("branch \"main\" in "), "{err}");
    assert!(err.to_string().ends_with(" has no commits yet"), "{err}");
    assert!(matches!(repo.head_id(), Err(GitError::UnbornBranch { .. })));
}

#[test]
fn has_local_changes_for_each_kind_of_file() {
    let fx = Fixture::new();
    let git = fx.git();
    let repo = fx.repo();
    // clean, and clean after a touch (same content, new mtime)
    assert!(!repo.has_local_changes(Path::new("a.yaml")).expect("status"));
    write(&fx.work, "a.yaml", "image: a:1\n");
    assert!(
        !repo
            .has_local_changes(Path::new("./a.yaml"))
            .expect("status")
    );
    // modified in the work tree
    write(&fx.work, "b.yaml", "image: b:2\n");
    assert!(repo.has_local_changes(Path::new("b.yaml")).expect("status"));
    // staged, work tree equal to index
    write(&fx.work, "c.yaml", "image: c:2\n");
    stage(&git, "c.yaml");
    assert!(repo.has_local_changes(Path::new("c.yaml")).expect("status"));
    // untracked
    write(&fx.work, "new/d.yaml", "image: d:1\n");
    assert!(
        repo.has_local_changes(Path::new("new/d.yaml"))
            .expect("status")
    );
    // absolute path inside the work tree
    assert!(
        repo.has_local_changes(&fx.work.join("b.yaml"))
            .expect("status")
    );
    // neither in HEAD nor on disk
    assert!(
        !repo
            .has_local_changes(Path::new("nope.yaml"))
            .expect("status")
    );
    // deleted
    fs::remove_file(fx.work.join("a.yaml")).expect("rm");
    assert!(repo.has_local_changes(Path::new("a.yaml")).expect("status"));
    // outside
    let err = repo
        .has_local_changes(Path::new("../x.yaml"))
        .expect_err("outside");
    assert_eq!(
        err.to_string(),
        format!(
            "../x.yaml is not a path inside the work tree {}",
            fx.work.display()
        )
    );
    let outside = fx.root.join("x.yaml");
    assert_eq!(
        repo.has_local_changes(&outside).unwrap_err().to_string(),
        format!(
            "{} is not a path inside the work tree {}",
            outside.display(),
            fx.work.display()
        )
    );
}

#[test]
fn commit_paths_commits_only_the_given_files() {
    let fx = Fixture::new();
    let git = fx.git();
    let repo = fx.repo();
    let before = repo.head_id().expect("head");

    write(&fx.work, "a.yaml", "image: a:2\n"); // ours
    write(&fx.work, "b.yaml", "image: b:staged\n"); // the user's, staged
    stage(&git, "b.yaml");
    write(&fx.work, "c.yaml", "image: c:modified\n"); // the user's, not staged
    write(&fx.work, "untracked.yaml", "x: 1\n");

    let author = Identity::new("Jane Doe", "jane@example.com");
    let id = repo
        .commit_paths(
            &[PathBuf::from("a.yaml")],
            "Auto-release a:2",
            &committer(),
            Some(&author),
        )
        .expect("commit");

    let commit = git.find_commit(id).expect("commit");
    assert_eq!(commit.message(), Ok("Auto-release a:2"));
    assert_eq!(commit.parent_ids().collect::<Vec<_>>(), vec![before]);
    assert_eq!(commit.committer().name(), Ok("tagpilot"));
    assert_eq!(commit.committer().email(), Ok("tagpilot@localhost"));
    assert_eq!(commit.author().name(), Ok("Jane Doe"));
    assert_eq!(commit.author().email(), Ok("jane@example.com"));
    assert_eq!(repo.head_id().expect("head"), id);
    assert_eq!(repo.current_branch().expect("branch"), "main");

    let tree = commit.tree().expect("tree");
    let blob_text = |rel: &str| {
        let entry = tree.get_path(Path::new(rel)).expect("entry");
        let blob = git.find_blob(entry.id()).expect("blob");
        String::from_utf8(blob.content().to_vec()).expect("utf-8")
    };
    assert_eq!(blob_text("a.yaml"), "image: a:2\n");
    assert_eq!(blob_text("b.yaml"), "image: b:1\n");
    assert_eq!(blob_text("c.yaml"), "image: c:1\n");
    assert!(tree.get_path(Path::new("untracked.yaml")).is_err());

    // a is clean; b still staged; c still modified; the untracked file still untracked
    assert_eq!(status(&git, "a.yaml"), Status::CURRENT);
    assert_eq!(status(&git, "b.yaml"), Status::INDEX_MODIFIED);
    assert_eq!(status(&git, "c.yaml"), Status::WT_MODIFIED);
    assert_eq!(status(&git, "untracked.yaml"), Status::WT_NEW);
    assert!(!repo.has_local_changes(Path::new("a.yaml")).expect("status"));
}

#[test]
fn commit_paths_author_defaults_to_committer() {
    let fx = Fixture::new();
    let repo = fx.repo();
    write(&fx.work, "a.yaml", "image: a:2\n");
    write(&fx.work, "b.yaml", "image: b:2\n");
    let bot = Identity::new("release-bot", "bot@example.com");
    let id = repo
        .commit_paths(
            &[PathBuf::from("a.yaml"), fx.work.join("b.yaml")],
            "Auto-release multiple (2) images\n\n - a:2\n - b:2\n",
            &bot,
            None,
        )
        .expect("commit");
    let git = fx.git();
    let commit = git.find_commit(id).expect("commit");
    assert_eq!(commit.author().name(), Ok("release-bot"));
    assert_eq!(commit.author().email(), Ok("bot@example.com"));
    assert_eq!(commit.committer().name(), Ok("release-bot"));
    assert_eq!(
        commit.message(),
        Ok("Auto-release multiple (2) images\n\n - a:2\n - b:2\n")
    );
    assert_eq!(status(&git, "a.yaml"), Status::CURRENT);
    assert_eq!(status(&git, "b.yaml"), Status::CURRENT);
}

#[test]
fn commit_paths_with_nothing_changed_makes_no_commit() {
    let fx = Fixture::new();
    let repo = fx.repo();
    let before = repo.head_id().expect("head");
    let err = repo
        .commit_paths(&[PathBuf::from("a.yaml")], "m", &committer(), None)
        .expect_err("nothing to commit");
    assert_eq!(
        err.to_string(),
        format!(
            "nothing to commit in {}: a.yaml unchanged from HEAD",
            fx.work.display()
        )
    );
    assert!(matches!(
        repo.commit_paths(&[], "m", &committer(), None),
        Err(GitError::NothingToCommit { .. })
    ));
    assert_eq!(repo.head_id().expect("head"), before);
}

#[test]
fn commit_paths_refuses_missing_files_and_bad_identities() {
    let fx = Fixture::new();
    let repo = fx.repo();
    let err = repo
        .commit_paths(&[PathBuf::from("gone.yaml")], "m", &committer(), None)
        .expect_err("missing file");
    assert!(
        err.to_string().starts_with("reading file to commit ")
            && err.to_string().ends_with("gone.yaml"),
        "{err}"
    );
    write(&fx.work, "a.yaml", "image: a:2\n");
    let err = repo
        .commit_paths(
            &[PathBuf::from("a.yaml")],
            "m",
            &Identity::new("", "x@y"),
            None,
        )
        .expect_err("bad identity");
    assert_eq!(
        err.to_string(),
        "invalid git identity \" <x@y>\": the name is empty"
    );
    let err = repo
        .commit_paths(&[PathBuf::from(".git/config")], "m", &committer(), None)
        .expect_err(".git");
    assert!(
        matches!(err, GitError::PathOutsideWorkTree { .. }),
        "{err:?}"
    );
}

#[test]
fn commit_paths_adds_a_new_file_in_a_new_directory() {
    let fx = Fixture::new();
    let repo = fx.repo();
    write(&fx.work, "apps/prod/new.yaml", "image: n:1\n");
    let id = repo
        .commit_paths(
            &[PathBuf::from("apps/prod/new.yaml")],
            "add",
            &committer(),
            None,
        )
        .expect("commit");
    let git = fx.git();
    let tree = git.find_commit(id).expect("commit").tree().expect("tree");
    assert!(tree.get_path(Path::new("apps/prod/new.yaml")).is_ok());
    assert!(tree.get_path(Path::new("a.yaml")).is_ok());
    assert_eq!(status(&git, "apps/prod/new.yaml"), Status::CURRENT);
}

#[cfg(unix)]
#[test]
fn commit_paths_keeps_the_executable_bit() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let git = fx.git();
    git.config()
        .expect("config")
        .set_bool("core.filemode", true)
        .expect("set filemode");
    write(&fx.work, "run.sh", "#!/bin/sh\necho 1\n");
    fs::set_permissions(fx.work.join("run.sh"), fs::Permissions::from_mode(0o755)).expect("chmod");
    let repo = fx.repo();
    let first = repo
        .commit_paths(&[PathBuf::from("run.sh")], "add script", &committer(), None)
        .expect("commit");
    write(&fx.work, "run.sh", "#!/bin/sh\necho 2\n");
    let second = repo
        .commit_paths(
            &[PathBuf::from("run.sh")],
            "edit script",
            &committer(),
            None,
        )
        .expect("commit");
    for id in [first, second] {
        let tree = git.find_commit(id).expect("commit").tree().expect("tree");
        let entry = tree.get_path(Path::new("run.sh")).expect("entry");
        assert_eq!(entry.filemode(), 0o100755);
    }
    // With core.fileMode off, HEAD's mode is kept even if the bit is lost on disk.
    git.config()
        .expect("config")
        .set_bool("core.filemode", false)
        .expect("set filemode");
    write(&fx.work, "run.sh", "#!/bin/sh\necho 3\n");
    fs::set_permissions(fx.work.join("run.sh"), fs::Permissions::from_mode(0o644)).expect("chmod");
    let third = repo
        .commit_paths(&[PathBuf::from("run.sh")], "edit again", &committer(), None)
        .expect("commit");
    let tree = git
        .find_commit(third)
        .expect("commit")
        .tree()
        .expect("tree");
    assert_eq!(
        tree.get_path(Path::new("run.sh"))
            .expect("entry")
            .filemode(),
        0o100755
    );
}

#[test]
fn push_by_path_updates_the_remote_branch() {
    let fx = Fixture::new();
    let repo = fx.repo();
    write(&fx.work, "a.yaml", "image: a:2\n");
    let id = repo
        .commit_paths(&[PathBuf::from("a.yaml")], "bump", &committer(), None)
        .expect("commit");
    repo.push("origin", "main", &Auth::default()).expect("push");
    assert_eq!(remote_ref(&fx.remote, "main"), id);
    // The remote-tracking branch follows.
    assert_eq!(
        fx.git()
            .refname_to_id("refs/remotes/origin/main")
            .expect("tracking ref"),
        id
    );
    // Pushing again with nothing new is fine.
    repo.push("origin", "main", &Auth::default())
        .expect("push again");
}

#[test]
fn push_by_file_url_updates_the_remote_branch() {
    let fx = Fixture::new();
    fx.git()
        .remote("upstream", &file_url(&fx.remote))
        .expect("add remote");
    let repo = fx.repo();
    write(&fx.work, "b.yaml", "image: b:2\n");
    let id = repo
        .commit_paths(&[PathBuf::from("b.yaml")], "bump", &committer(), None)
        .expect("commit");
    repo.push("upstream", "main", &Auth::default())
        .expect("push");
    assert_eq!(remote_ref(&fx.remote, "main"), id);
}

#[test]
fn push_after_the_remote_moved_is_rejected_then_fetch_and_reset_catches_up() {
    let fx = Fixture::new();
    let repo = fx.repo();
    let upstream = fx.advance_remote("b.yaml", "image: b:upstream\n");

    // A user's unrelated, uncommitted changes must survive the reset.
    write(&fx.work, "c.yaml", "image: c:user\n");
    write(&fx.work, "staged.yaml", "x: 1\n");
    stage(&fx.git(), "staged.yaml");
    write(&fx.work, "a.yaml", "image: a:2\n");
    let ours = repo
        .commit_paths(&[PathBuf::from("a.yaml")], "bump a", &committer(), None)
        .expect("commit");
    let err = repo
        .push("origin", "main", &Auth::default())
        .expect_err("rejected");
    assert!(err.is_push_rejected(), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "pushing branch \"main\" to remote \"origin\" ({}) was rejected: ",
            fx.remote.display()
        )),
        "{text}"
    );
    assert_eq!(remote_ref(&fx.remote, "main"), upstream, "remote unchanged");

    repo.fetch_and_reset("origin", "main", &Auth::default())
        .expect("fetch and reset");
    assert_eq!(repo.head_id().expect("head"), upstream);
    assert_eq!(repo.current_branch().expect("branch"), "main");
    assert_eq!(read(&fx.work, "a.yaml"), "image: a:1\n");
    assert_eq!(read(&fx.work, "b.yaml"), "image: b:upstream\n");
    assert_eq!(read(&fx.work, "c.yaml"), "image: c:user\n");
    let git = fx.git();
    assert_eq!(status(&git, "a.yaml"), Status::CURRENT);
    assert_eq!(status(&git, "b.yaml"), Status::CURRENT);
    assert_eq!(status(&git, "c.yaml"), Status::WT_MODIFIED);
    assert_eq!(status(&git, "staged.yaml"), Status::INDEX_NEW);
    assert!(git.find_commit(ours).is_ok(), "old commit still in the odb");

    // The retry: commit again on the new head and push.
    write(&fx.work, "a.yaml", "image: a:2\n");
    let retried = repo
        .commit_paths(&[PathBuf::from("a.yaml")], "bump a", &committer(), None)
        .expect("commit");
    repo.push("origin", "main", &Auth::default())
        .expect("push after reset");
    assert_eq!(remote_ref(&fx.remote, "main"), retried);
    let pushed = git.find_commit(retried).expect("commit");
    assert_eq!(pushed.parent_ids().collect::<Vec<_>>(), vec![upstream]);
}

#[test]
fn push_of_a_diverged_branch_after_fetch_is_rejected() {
    // Here the remote tip is already in the local object database, so libgit2's
    // ancestry check (not the "objects missing" check) must refuse.
    let fx = Fixture::new();
    let repo = fx.repo();
    let upstream = fx.advance_remote("b.yaml", "image: b:upstream\n");
    assert_eq!(
        repo.fetch("origin", "main", &Auth::default())
            .expect("fetch"),
        upstream
    );
    write(&fx.work, "a.yaml", "image: a:2\n");
    repo.commit_paths(&[PathBuf::from("a.yaml")], "bump a", &committer(), None)
        .expect("commit");
    let err = repo
        .push("origin", "main", &Auth::default())
        .expect_err("rejected");
    assert!(err.is_push_rejected(), "{err:?}");
    assert_eq!(remote_ref(&fx.remote, "main"), upstream);
}

#[test]
fn fetch_and_reset_refuses_to_overwrite_local_changes() {
    let fx = Fixture::new();
    let repo = fx.repo();
    let before = repo.head_id().expect("head");
    fx.advance_remote("b.yaml", "image: b:upstream\n");
    write(&fx.work, "b.yaml", "image: b:user\n");
    let err = repo
        .fetch_and_reset("origin", "main", &Auth::default())
        .expect_err("would overwrite");
    assert_eq!(
        err.to_string(),
        format!(
            "resetting branch \"main\" in {} to origin/main would overwrite local changes in b.yaml",
            fx.work.display()
        )
    );
    assert_eq!(repo.head_id().expect("head"), before, "branch not moved");
    assert_eq!(read(&fx.work, "b.yaml"), "image: b:user\n");
}

#[test]
fn fetch_of_a_missing_branch_or_remote_is_an_error() {
    let fx = Fixture::new();
    let repo = fx.repo();
    let err = repo
        .fetch_and_reset("origin", "nope", &Auth::default())
        .expect_err("missing branch");
    assert_eq!(
        err.to_string(),
        format!(
            "remote \"origin\" ({}) has no branch \"nope\"",
            fx.remote.display()
        )
    );
    let err = repo
        .push("elsewhere", "main", &Auth::default())
        .expect_err("missing remote");
    assert_eq!(
        err.to_string(),
        format!("no remote named \"elsewhere\" in {}", fx.work.display())
    );
    let err = repo
        .push("origin", "no-such-branch", &Auth::default())
        .expect_err("missing local branch");
    assert!(
        matches!(err, GitError::LocalBranchNotFound { .. }),
        "{err:?}"
    );
    let err = repo
        .push("origin", "bad..name", &Auth::default())
        .expect_err("invalid name");
    assert_eq!(err.to_string(), "invalid branch name \"bad..name\"");
}

#[test]
fn remote_errors_redact_the_password() {
    let fx = Fixture::new();
    fx.git()
        .remote("secret", "https://bot:hunter2-secret@127.0.0.1:1/x.git")
        .expect("add remote");
    let repo = fx.repo();
    let err = repo
        .push("secret", "main", &Auth::default())
        .expect_err("connection refused");
    let text = format!("{err} / {err:?}");
    assert!(!text.contains("hunter2-secret"), "{text}");
    assert!(
        err.to_string().starts_with(
            "pushing branch \"main\" to remote \"secret\" (https://bot:(redacted)@127.0.0.1:1/x.git): "
        ),
        "{err}"
    );
}

#[test]
fn clone_or_update_clones_once_then_fetches() {
    let fx = Fixture::new();
    let dir = fx.root.join("cache/clone");
    let url = file_url(&fx.remote);

    let (clone, branch) = Repo::clone_or_update(&url, &dir, None, &Auth::default()).expect("clone");
    assert_eq!(branch, "main");
    assert_eq!(clone.current_branch().expect("branch"), "main");
    assert_eq!(clone.workdir(), dir);
    assert_eq!(read(&dir, "a.yaml"), "image: a:1\n");
    assert_eq!(
        clone.head_id().expect("head"),
        remote_ref(&fx.remote, "main")
    );
    let git = Repository::open(&dir).expect("open clone");
    assert!(
        git.statuses(None).expect("statuses").is_empty(),
        "clean clone"
    );
    drop(clone);

    // Leftovers of an interrupted run are discarded on the next update.
    write(&dir, "a.yaml", "image: a:half-written\n");
    write(&dir, "stray.tmp", "x\n");
    let upstream = fx.advance_remote("b.yaml", "image: b:upstream\n");

    let (clone, branch) =
        Repo::clone_or_update(&url, &dir, None, &Auth::default()).expect("update");
    assert_eq!(branch, "main");
    assert_eq!(clone.head_id().expect("head"), upstream);
    assert_eq!(read(&dir, "a.yaml"), "image: a:1\n");
    assert_eq!(read(&dir, "b.yaml"), "image: b:upstream\n");
    assert!(!dir.join("stray.tmp").exists());
    assert!(git.statuses(None).expect("statuses").is_empty());

    // The clone can push back.
    write(&dir, "c.yaml", "image: c:2\n");
    let id = clone
        .commit_paths(&[PathBuf::from("c.yaml")], "bump c", &committer(), None)
        .expect("commit");
    clone
        .push("origin", &branch, &Auth::default())
        .expect("push");
    assert_eq!(remote_ref(&fx.remote, "main"), id);
}

#[test]
fn clone_or_update_checks_out_a_named_branch() {
    let fx = Fixture::new();
    // Create branch "release" on the remote, one commit ahead of main.
    let git = fx.git();
    let head = git.head().expect("head").peel_to_commit().expect("commit");
    git.branch("release", &head, false).expect("branch");
    git.set_head("refs/heads/release").expect("switch");
    let repo = fx.repo();
    write(&fx.work, "a.yaml", "image: a:release\n");
    let release = repo
        .commit_paths(&[PathBuf::from("a.yaml")], "release", &committer(), None)
        .expect("commit");
    repo.push("origin", "release", &Auth::default())
        .expect("push");

    let dir = fx.root.join("clone-release");
    let path_url = fx.remote.to_str().expect("utf-8");
    let (clone, branch) = Repo::clone_or_update(path_url, &dir, Some("release"), &Auth::default())
        .expect("clone release");
    assert_eq!(branch, "release");
    assert_eq!(clone.current_branch().expect("branch"), "release");
    assert_eq!(clone.head_id().expect("head"), release);
    assert_eq!(read(&dir, "a.yaml"), "image: a:release\n");

    // Switching the same clone to main works too.
    let (clone, branch) = Repo::clone_or_update(path_url, &dir, Some("main"), &Auth::default())
        .expect("update to main");
    assert_eq!(branch, "main");
    assert_eq!(
        clone.head_id().expect("head"),
        remote_ref(&fx.remote, "main")
    );
    assert_eq!(read(&dir, "a.yaml"), "image: a:1\n");
}

#[test]
fn clone_or_update_errors_leave_nothing_behind() {
    let fx = Fixture::new();
    let url = file_url(&fx.remote);

    let dir = fx.root.join("missing-branch");
    let err = Repo::clone_or_update(&url, &dir, Some("nope"), &Auth::default())
        .expect_err("missing branch");
    assert_eq!(
        err.to_string(),
        format!("remote \"origin\" ({url}) has no branch \"nope\"")
    );
    assert!(!dir.exists(), "the failed clone was removed");

    let empty = fx.root.join("empty-dir");
    fs::create_dir(&empty).expect("mkdir");
    let empty_remote = fx.root.join("empty.git");
    init(&empty_remote, true);
    let err = Repo::clone_or_update(
        empty_remote.to_str().expect("utf-8"),
        &empty,
        None,
        &Auth::default(),
    )
    .expect_err("empty remote");
    assert!(
        matches!(&err, GitError::RemoteBranchNotFound { branch, .. } if branch == "HEAD"),
        "{err:?}"
    );
    assert!(empty.exists(), "the directory that was there stays");
    assert!(!empty.join(".git").exists(), "what we created is gone");

    let occupied = fx.root.join("occupied");
    write(&occupied, "notes.txt", "mine\n");
    let err = Repo::clone_or_update(&url, &occupied, None, &Auth::default()).expect_err("occupied");
    assert_eq!(
        err.to_string(),
        format!(
            "{} exists and is not a git work tree; remove it or choose another directory",
            occupied.display()
        )
    );
    assert_eq!(read(&occupied, "notes.txt"), "mine\n");
}

#[test]
fn configured_identity_reads_the_repository_config() {
    let fx = Fixture::new();
    let mut config = fx.git().config().expect("config");
    config.set_str("user.name", "Repo User").expect("set name");
    config
        .set_str("user.email", "repo@example.com")
        .expect("set email");
    assert_eq!(
        fx.repo().configured_identity(),
        Some(Identity::new("Repo User", "repo@example.com"))
    );
}

/// An HTTP server on 127.0.0.1 that answers every request with 401 and counts requests.
fn unauthorized_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    // The thread ends with the test process; it only ever blocks in accept.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"test\"\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (format!("http://127.0.0.1:{port}/repo.git"), count)
}

#[test]
fn refused_credentials_end_in_an_auth_error_not_a_loop() {
    use std::sync::atomic::Ordering;
    let fx = Fixture::new();
    let (url, requests) = unauthorized_server();
    fx.git().remote("guarded", &url).expect("add remote");
    let repo = fx.repo();
    let auth = Auth::new()
        .with_user_password("bot", Secret::new("hunter2-secret"))
        .with_credential_helpers(false);

    let err = repo.push("guarded", "main", &auth).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "authenticating to remote \"guarded\" ({url}): no credentials accepted \
             (tried username and password for user \"bot\")"
        )
    );
    assert!(!format!("{err:?}").contains("hunter2-secret"));
    let after_push = requests.load(Ordering::SeqCst);
    assert!((1..=4).contains(&after_push), "{after_push} requests");

    let anonymous = Auth::new().with_credential_helpers(false);
    let err = repo
        .fetch("guarded", "main", &anonymous)
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "authenticating to remote \"guarded\" ({url}): no credentials available for this remote"
        )
    );
}
