//! Talking to remotes: push one branch (never forced), fetch one branch, move the local
//! branch to the fetched tip, and clone or update the clone kept for `--git-url` mode.

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use git2::build::CheckoutBuilder;
use git2::{CheckoutNotificationType, Direction, ErrorCode, FetchOptions, PushOptions};

use super::auth::{CredentialState, sanitize};
use super::known_hosts::ssh_port;
use super::{Auth, GitError, Repo, redact_url};

/// The remote name used for clones made by [`Repo::clone_or_update`].
const CLONE_REMOTE: &str = "origin";

/// A remote as found in config: its name, its URL as configured (which may hold a
/// password, so it is only used for scrubbing messages) and the URL to show.
struct RemoteInfo {
    name: String,
    raw_url: String,
    shown_url: String,
}

impl RemoteInfo {
    fn new(name: &str, raw_url: &str) -> RemoteInfo {
        RemoteInfo {
            name: name.to_owned(),
            raw_url: raw_url.to_owned(),
            shown_url: redact_url(raw_url),
        }
    }
}

/// Callbacks that answer credential requests from `creds` and check SSH host keys of the
/// remote at `url`.
fn callbacks<'a, 'b: 'a>(
    creds: &'a RefCell<CredentialState<'b>>,
    url: &str,
) -> git2::RemoteCallbacks<'a> {
    let port = ssh_port(url);
    let mut callbacks = git2::RemoteCallbacks::new();
    callbacks.credentials(move |url, user, allowed| creds.borrow_mut().next(url, user, allowed));
    callbacks.certificate_check(move |cert, host| {
        creds.borrow_mut().check_certificate(cert, host, port)
    });
    callbacks
}

/// Proxy settings as git uses them: `http.proxy` and friends from git config, then the
/// `https_proxy`/`http_proxy` environment variables (read by libgit2, not by us).
fn proxy() -> git2::ProxyOptions<'static> {
    let mut proxy = git2::ProxyOptions::new();
    proxy.auto();
    proxy
}

/// Does a server's per-ref push status mean "someone else pushed first", so that
/// fetching and trying again can succeed?
///
/// git's own receive-pack answers `failed to update ref` when the branch moved between
/// its advertisement and the update (another push won the race; the detail, "cannot
/// lock ref … is at X but expected Y", only goes to the progress channel). The same
/// status can have other causes on the server, but a retry is bounded and harmless.
fn is_retryable_rejection(status: &str) -> bool {
    let status = status.to_ascii_lowercase();
    [
        "non-fast-forward",
        "non-fastforward",
        "fetch first",
        "stale info",
        "failed to lock",
        "failed to update ref",
        "cannot lock ref",
        "incorrect old value",
    ]
    .iter()
    .any(|pattern| status.contains(pattern))
}

/// One ref to push: the local ref, the remote branch, and the lease if the push may
/// replace the branch.
struct PushSpec {
    /// The local ref pushed (`refs/heads/main`).
    refname: String,
    /// `refs/heads/<remote_branch>`.
    target: String,
    /// The remote branch's short name.
    remote_branch: String,
    /// `Some(expected)`: replace the branch only while it is at `expected` (`None`: absent).
    lease: Option<Option<git2::Oid>>,
}

/// What `git push --porcelain` said about one ref.
#[derive(Debug, PartialEq, Eq)]
enum PushStatus {
    /// Updated, created or already up to date.
    Done,
    /// Refused, with the reason in parentheses (`fetch first`, `pre-receive hook declined`).
    Rejected(String),
}

/// The status of `target` in `git push --porcelain` output: lines of
/// `<flag>\t<from>:<to>\t<summary> (<reason>)`, where flag `!` means refused.
fn porcelain_status(stdout: &str, target: &str) -> Option<PushStatus> {
    stdout.lines().find_map(|line| {
        let mut fields = line.splitn(3, '\t');
        let flag = fields.next()?;
        let (_, to) = fields.next()?.split_once(':')?;
        if to != target {
            return None;
        }
        let summary = fields.next().unwrap_or_default();
        if flag != "!" {
            return Some(PushStatus::Done);
        }
        let reason = summary
            .split_once('(')
            .and_then(|(_, rest)| rest.rsplit_once(')'))
            .map_or(summary, |(reason, _)| reason);
        Some(PushStatus::Rejected(reason.trim().to_owned()))
    })
}

/// Whether a remote URL is a path or `file://` URL, which libgit2 pushes to without
/// running the remote's hooks. A `host:path` (scp-like) URL is not local.
fn is_local_url(url: &str) -> bool {
    if let Some((scheme, _)) = url.split_once("://") {
        return scheme.eq_ignore_ascii_case("file");
    }
    match url.split_once(':') {
        Some((before, _)) => before.contains('/'),
        None => true,
    }
}

/// Refuse names git would refuse (`a..b`, `x.lock`, `HEAD`, …) before they reach a refspec.
fn check_branch_name(branch: &str) -> Result<(), GitError> {
    match git2::Branch::name_is_valid(branch) {
        Ok(true) => Ok(()),
        _ => Err(GitError::InvalidBranchName {
            name: branch.to_owned(),
        }),
    }
}

impl Repo {
    /// Push `branch` to the branch of the same name on `remote` (see [`Repo::push_to`]).
    pub fn push(&self, remote: &str, branch: &str, auth: &Auth) -> Result<(), GitError> {
        self.push_to(remote, branch, branch, auth)
    }

    /// Push local `branch` to `remote_branch` on `remote` as
    /// `refs/heads/<branch>:refs/heads/<remote_branch>`, never forced. Uses the remote's
    /// `pushurl` if it has one. A remote that is a local path or a `file://` URL is pushed
    /// to by the `git` program, so that the remote's hooks run as they do for `git push`.
    ///
    /// Errors: [`GitError::PushRejected`] when the remote branch has commits the local
    /// one lacks (the remote is unchanged; fetch, reset, re-plan and retry);
    /// [`GitError::PushRefused`] when the server refuses for another reason (a hook,
    /// branch protection); [`GitError::Auth`] when no credential was accepted;
    /// [`GitError::Remote`] for other failures. Each names the remote and its URL with
    /// any password redacted.
    pub fn push_to(
        &self,
        remote: &str,
        branch: &str,
        remote_branch: &str,
        auth: &Auth,
    ) -> Result<(), GitError> {
        check_branch_name(branch)?;
        let refname = format!("refs/heads/{branch}");
        if let Err(e) = self.repo.find_reference(&refname) {
            return Err(if e.code() == ErrorCode::NotFound {
                GitError::LocalBranchNotFound {
                    repo: self.workdir.clone(),
                    branch: branch.to_owned(),
                }
            } else {
                GitError::git(format!("reading branch {branch:?}"), &self.workdir, e)
            });
        }
        self.push_ref(remote, &refname, remote_branch, None, auth)
    }

    /// Push local ref `refname` to `refs/heads/<remote_branch>` on `remote`. Without a
    /// lease the push is never forced; with `lease` it replaces the remote branch only if
    /// the branch is still at the commit given (`None`: only if it does not exist), which
    /// the server checks as it updates the branch. Errors as [`Repo::push_to`]; a broken
    /// lease is [`GitError::PushRejected`] with reason `stale info`.
    pub(crate) fn push_ref(
        &self,
        remote: &str,
        refname: &str,
        remote_branch: &str,
        lease: Option<Option<git2::Oid>>,
        auth: &Auth,
    ) -> Result<(), GitError> {
        check_branch_name(remote_branch)?;
        let mut git_remote = self.find_remote(remote)?;
        let info = {
            let url = match git_remote.pushurl() {
                Ok(Some(push_url)) => push_url,
                _ => git_remote.url().unwrap_or_default(),
            };
            RemoteInfo::new(remote, url)
        };
        let spec = PushSpec {
            refname: refname.to_owned(),
            target: format!("refs/heads/{remote_branch}"),
            remote_branch: remote_branch.to_owned(),
            lease,
        };
        if is_local_url(&info.raw_url) {
            return self.push_with_git(&info, &spec, auth);
        }
        self.push_with_libgit2(&mut git_remote, &info, &spec, auth)
    }

    /// Push with libgit2 and read the server's per-ref status.
    fn push_with_libgit2(
        &self,
        git_remote: &mut git2::Remote<'_>,
        info: &RemoteInfo,
        spec: &PushSpec,
        auth: &Auth,
    ) -> Result<(), GitError> {
        let target = spec.target.as_str();
        let remote_branch = spec.remote_branch.as_str();
        // A leading '+' only with a lease, which the negotiation below checks.
        let force = if spec.lease.is_some() { "+" } else { "" };
        let refspec = format!("{force}{}:{target}", spec.refname);
        let creds = RefCell::new(CredentialState::new(auth, self.repo.config().ok()));
        let refused: RefCell<Option<String>> = RefCell::new(None);
        let stale = std::cell::Cell::new(false);
        let mut push_callbacks = callbacks(&creds, &info.raw_url);
        push_callbacks.push_update_reference(|pushed, status| {
            if let Some(status) = status
                && pushed == target
            {
                *refused.borrow_mut() = Some(status.to_owned());
            }
            Ok(())
        });
        if let Some(expected) = spec.lease {
            let stale = &stale;
            // The remote's current value as advertised is what the server will check the
            // update against, so comparing it here makes the update conditional on it.
            push_callbacks.push_negotiation(move |updates| {
                let expected = expected.unwrap_or(git2::Oid::ZERO_SHA1);
                if updates
                    .iter()
                    .any(|u| u.dst_refname().ok() == Some(target) && u.src() != expected)
                {
                    stale.set(true);
                    return Err(git2::Error::from_str("stale info"));
                }
                Ok(())
            });
        }
        let mut options = PushOptions::new();
        options
            .remote_callbacks(push_callbacks)
            .proxy_options(proxy());
        let result = git_remote.push(&[refspec.as_str()], Some(&mut options));
        drop(options);

        let rejected = |reason: String| GitError::PushRejected {
            remote: info.name.clone(),
            url: info.shown_url.clone(),
            branch: remote_branch.to_owned(),
            reason,
        };
        let status = match result {
            Err(_) if stale.get() => return Err(rejected("stale info".to_owned())),
            Err(e) if e.code() == ErrorCode::NotFastForward => {
                return Err(rejected(sanitize(e.message(), &info.raw_url, auth)));
            }
            Err(e) => {
                let local = spec.refname.strip_prefix("refs/heads/");
                let doing = format!("pushing branch {:?} to", local.unwrap_or(remote_branch));
                return Err(self.remote_failure(doing, info, auth, &creds.borrow(), e));
            }
            Ok(()) => match refused.into_inner() {
                None => return Ok(()),
                Some(status) => status,
            },
        };
        let reason = sanitize(&status, &info.raw_url, auth);
        if is_retryable_rejection(&status) {
            return Err(rejected(reason));
        }
        Err(GitError::PushRefused {
            remote: info.name.clone(),
            url: info.shown_url.clone(),
            branch: remote_branch.to_owned(),
            reason,
        })
    }

    /// Push with the `git` program (local remotes, whose hooks libgit2 would skip) and
    /// read its porcelain report.
    fn push_with_git(
        &self,
        info: &RemoteInfo,
        spec: &PushSpec,
        auth: &Auth,
    ) -> Result<(), GitError> {
        let target = spec.target.as_str();
        let remote_branch = spec.remote_branch.as_str();
        let output = self
            .push_command(info, spec)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(Stdio::null())
            .output()
            .map_err(|source| GitError::Io {
                action: "running git push (the git program is needed to push to a local remote) in",
                path: self.workdir.clone(),
                source,
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let clean = |text: &str| sanitize(text, &info.raw_url, auth);
        let status = porcelain_status(&stdout, target);
        match status {
            Some(PushStatus::Done) if output.status.success() => Ok(()),
            Some(PushStatus::Rejected(reason)) => {
                let said: Vec<&str> = stderr
                    .lines()
                    .filter_map(|l| l.strip_prefix("remote: "))
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                let mut shown = clean(&reason);
                if !said.is_empty() {
                    shown.push_str(&format!(" (the remote said: {})", clean(&said.join("; "))));
                }
                Err(if is_retryable_rejection(&reason) {
                    GitError::PushRejected {
                        remote: info.name.clone(),
                        url: info.shown_url.clone(),
                        branch: remote_branch.to_owned(),
                        reason: shown,
                    }
                } else {
                    GitError::PushRefused {
                        remote: info.name.clone(),
                        url: info.shown_url.clone(),
                        branch: remote_branch.to_owned(),
                        reason: shown,
                    }
                })
            }
            _ => {
                let message = stderr
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ");
                Err(GitError::Remote {
                    action: format!("pushing branch {remote_branch:?} to"),
                    remote: info.name.clone(),
                    url: info.shown_url.clone(),
                    message: clean(&format!("git push failed ({}): {message}", output.status)),
                    code: ErrorCode::GenericError,
                })
            }
        }
    }

    /// `git push --porcelain` of one ref, with the lease if there is one.
    fn push_command(&self, info: &RemoteInfo, spec: &PushSpec) -> Command {
        let target = &spec.target;
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.workdir)
            .args(["push", "--porcelain"]);
        if let Some(expected) = spec.lease {
            // An empty value: the branch must not exist yet.
            let expected = expected.map(|oid| oid.to_string()).unwrap_or_default();
            command.arg(format!("--force-with-lease={target}:{expected}"));
        }
        command.args([info.name.clone(), format!("{}:{target}", spec.refname)]);
        command
    }

    /// Fetch `branch` from `remote` into `refs/remotes/<remote>/<branch>` and return the
    /// remote's tip. The local branch, the index and the work tree are not touched.
    ///
    /// Errors: [`GitError::RemoteBranchNotFound`] when the remote has no such branch
    /// (a stale tracking ref is not mistaken for it); [`GitError::Auth`];
    /// [`GitError::Remote`].
    pub fn fetch(&self, remote: &str, branch: &str, auth: &Auth) -> Result<git2::Oid, GitError> {
        check_branch_name(branch)?;
        self.fetch_tip(remote, Some(branch), auth)
            .map(|(_, tip)| tip)
    }

    /// For the push retry loop: fetch `branch` from `remote`, then move the local branch
    /// to the remote's tip and check it out, like `git reset --keep <remote>/<branch>`.
    ///
    /// Local commits not on the remote (the rejected commit) are dropped from the branch.
    /// Files that differ between HEAD and the new tip are updated in the index and the
    /// work tree. Uncommitted changes to other files stay as they are, staged or not:
    /// in `--repo` mode they are the user's. If a file with uncommitted changes would
    /// have to change, nothing is changed and the error is
    /// [`GitError::WouldOverwrite`], naming the files.
    ///
    /// Other errors as for [`Repo::fetch`].
    pub fn fetch_and_reset(&self, remote: &str, branch: &str, auth: &Auth) -> Result<(), GitError> {
        self.fetch_and_reset_to(remote, branch, branch, auth)
    }

    /// [`Repo::fetch_and_reset`] for a local branch whose upstream has another name:
    /// fetch `remote_branch` and move local `branch` to it.
    pub fn fetch_and_reset_to(
        &self,
        remote: &str,
        remote_branch: &str,
        branch: &str,
        auth: &Auth,
    ) -> Result<(), GitError> {
        check_branch_name(branch)?;
        let tip = self.fetch(remote, remote_branch, auth)?;
        self.checkout_keep(remote, remote_branch, branch, tip)
    }

    /// `--git-url` mode: make `dir` a clone of `url` on the remote's current tip of
    /// `branch` (`None`: the branch the remote's HEAD names), and return it with the
    /// branch name.
    ///
    /// If `dir` is absent or empty, a repository is created there with remote `origin`
    /// and the branch is fetched and checked out. If it already holds a clone, `origin`'s
    /// URL is set to `url` if it differs, the branch is fetched, and the local branch,
    /// index and work tree are forced to the remote's tip: the clone belongs to tagpilot,
    /// so leftovers of an interrupted run (local commits, modified or untracked files)
    /// are discarded. Ignored files are kept.
    ///
    /// Errors: [`GitError::NotAClone`] when `dir` is a non-empty directory that is not a
    /// work tree (or is a file); [`GitError::RemoteBranchNotFound`] (with branch `HEAD`
    /// for an empty remote); [`GitError::Auth`]; [`GitError::Remote`]. When a first clone
    /// fails, what it created is removed again.
    pub fn clone_or_update(
        url: &str,
        dir: &Path,
        branch: Option<&str>,
        auth: &Auth,
    ) -> Result<(Repo, String), GitError> {
        if let Some(branch) = branch {
            check_branch_name(branch)?;
        }
        let fresh = clone_state(dir)?;
        let repo = match fresh {
            Some(_) => Repo::init_clone(url, dir)?,
            None => {
                let repo = Repo::open(dir).map_err(|e| match e {
                    GitError::NotARepository { .. } | GitError::BareRepository { .. } => {
                        GitError::NotAClone {
                            dir: dir.to_path_buf(),
                        }
                    }
                    other => other,
                })?;
                repo.ensure_remote_url(CLONE_REMOTE, url)?;
                repo
            }
        };

        let result = repo
            .fetch_tip(CLONE_REMOTE, branch, auth)
            .and_then(|(branch, tip)| {
                repo.checkout_force(CLONE_REMOTE, &branch, tip)?;
                Ok(branch)
            });
        match (result, fresh) {
            (Ok(branch), _) => Ok((repo, branch)),
            (Err(e), None) => Err(e),
            (Err(e), Some(created)) => {
                // Leave the directory as we found it; a failed cleanup is not the story.
                drop(repo);
                let _ = match created {
                    Created::Dir => fs::remove_dir_all(dir),
                    Created::GitDir => fs::remove_dir_all(dir.join(".git")),
                };
                Err(e)
            }
        }
    }

    /// A new, empty repository in `dir` (made owner-only, since the clone may be of a
    /// private repository) with `url` as its clone remote.
    fn init_clone(url: &str, dir: &Path) -> Result<Repo, GitError> {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(dir)
            .map_err(io_err("creating clone directory", dir))?;
        let mut options = git2::RepositoryInitOptions::new();
        options.external_template(false);
        let repo = git2::Repository::init_opts(dir, &options)
            .map_err(|e| GitError::git("creating the clone", dir, e))?;
        repo.remote(CLONE_REMOTE, url)
            .map_err(|e| GitError::git(format!("adding remote {CLONE_REMOTE:?}"), dir, e))?;
        Repo::from_git2(repo, dir)
    }

    /// The remote of that name, or [`GitError::RemoteNotFound`].
    fn find_remote(&self, remote: &str) -> Result<git2::Remote<'_>, GitError> {
        self.repo.find_remote(remote).map_err(|e| match e.code() {
            ErrorCode::NotFound | ErrorCode::InvalidSpec => GitError::RemoteNotFound {
                repo: self.workdir.clone(),
                remote: remote.to_owned(),
            },
            _ => GitError::git(format!("reading remote {remote:?}"), &self.workdir, e),
        })
    }

    /// Point `remote` at `url`, creating it if needed.
    fn ensure_remote_url(&self, remote: &str, url: &str) -> Result<(), GitError> {
        let git_err = |e| {
            GitError::git(
                format!("setting the URL of remote {remote:?}"),
                &self.workdir,
                e,
            )
        };
        match self.repo.find_remote(remote) {
            Ok(existing) if existing.url().ok() == Some(url) => Ok(()),
            Ok(_) => self.repo.remote_set_url(remote, url).map_err(git_err),
            Err(e) if e.code() == ErrorCode::NotFound => {
                self.repo.remote(remote, url).map(drop).map_err(git_err)
            }
            Err(e) => Err(git_err(e)),
        }
    }

    /// The URL of `remote` with any password redacted.
    pub fn remote_url(&self, remote: &str) -> Result<String, GitError> {
        let git_remote = self.find_remote(remote)?;
        Ok(redact_url(git_remote.url().unwrap_or_default()))
    }

    /// The names of the branches `remote` has, as it advertises them (`git ls-remote
    /// --heads`).
    pub fn remote_branches(&self, remote: &str, auth: &Auth) -> Result<Vec<String>, GitError> {
        let mut git_remote = self.find_remote(remote)?;
        let info = RemoteInfo::new(remote, git_remote.url().unwrap_or_default());
        let creds = RefCell::new(CredentialState::new(auth, self.repo.config().ok()));
        let fail = |e: git2::Error| {
            let action = "listing the branches of".to_owned();
            self.remote_failure(action, &info, auth, &creds.borrow(), e)
        };
        let connection = git_remote
            .connect_auth(
                Direction::Fetch,
                Some(callbacks(&creds, &info.raw_url)),
                Some(proxy()),
            )
            .map_err(fail)?;
        let names = connection
            .list()
            .map_err(fail)?
            .iter()
            .filter_map(|head| head.name().strip_prefix("refs/heads/").map(str::to_owned))
            .collect();
        Ok(names)
    }

    /// Connect once, find the branch (or the remote HEAD's branch) in the advertised
    /// refs, fetch it into `refs/remotes/<remote>/<branch>`, and return its name and tip.
    fn fetch_tip(
        &self,
        remote: &str,
        branch: Option<&str>,
        auth: &Auth,
    ) -> Result<(String, git2::Oid), GitError> {
        let mut git_remote = self.find_remote(remote)?;
        let info = RemoteInfo::new(remote, git_remote.url().unwrap_or_default());
        let creds = RefCell::new(CredentialState::new(auth, self.repo.config().ok()));
        let action = match branch {
            Some(b) => format!("fetching branch {b:?} from"),
            None => "fetching the default branch from".to_owned(),
        };
        let fail =
            |e: git2::Error| self.remote_failure(action.clone(), &info, auth, &creds.borrow(), e);
        let not_found = |branch: &str| GitError::RemoteBranchNotFound {
            remote: info.name.clone(),
            url: info.shown_url.clone(),
            branch: branch.to_owned(),
        };

        let mut connection = git_remote
            .connect_auth(
                Direction::Fetch,
                Some(callbacks(&creds, &info.raw_url)),
                Some(proxy()),
            )
            .map_err(fail)?;
        let branch = match branch {
            Some(b) => b.to_owned(),
            None => {
                let head = match connection.default_branch() {
                    Ok(head) => head,
                    Err(e) if e.code() == ErrorCode::NotFound => return Err(not_found("HEAD")),
                    Err(e) => return Err(fail(e)),
                };
                head.as_str()
                    .ok()
                    .and_then(|h| h.strip_prefix("refs/heads/"))
                    .map(str::to_owned)
                    .ok_or_else(|| not_found("HEAD"))?
            }
        };
        let wanted = format!("refs/heads/{branch}");
        let tip = connection
            .list()
            .map_err(fail)?
            .iter()
            .find(|head| head.name() == wanted)
            .map(|head| head.oid())
            .ok_or_else(|| not_found(&branch))?;

        let refspec = format!("+{wanted}:refs/remotes/{remote}/{branch}");
        let mut options = FetchOptions::new();
        // Tags are not needed, so do not download them.
        options
            .remote_callbacks(callbacks(&creds, &info.raw_url))
            .proxy_options(proxy())
            .download_tags(git2::AutotagOption::None);
        let reflog = format!("tagpilot: fetch {remote} {branch}");
        // The connection is reused: libgit2 fetches over it and then disconnects.
        connection
            .remote()
            .fetch(&[refspec.as_str()], Some(&mut options), Some(&reflog))
            .map_err(fail)?;
        Ok((branch, tip))
    }

    /// Check out `tip` as `branch` keeping unrelated local changes (see
    /// [`Repo::fetch_and_reset`]).
    fn checkout_keep(
        &self,
        remote: &str,
        branch: &str,
        local: &str,
        tip: git2::Oid,
    ) -> Result<(), GitError> {
        let git_err = |action: String| move |e| GitError::git(action, &self.workdir, e);
        let commit = self.repo.find_commit(tip).map_err(git_err(format!(
            "reading the fetched tip of {remote}/{branch}"
        )))?;
        let in_the_way: RefCell<Vec<PathBuf>> = RefCell::new(Vec::new());
        let mut checkout = CheckoutBuilder::new();
        checkout
            .safe()
            .notify_on(CheckoutNotificationType::CONFLICT)
            .notify(|_, path, _, _, _| {
                if let Some(path) = path {
                    in_the_way.borrow_mut().push(path.to_path_buf());
                }
                true
            });
        let result = self
            .repo
            .checkout_tree(commit.as_object(), Some(&mut checkout));
        drop(checkout);
        match result {
            Ok(()) => {}
            Err(e) if e.code() == ErrorCode::Conflict => {
                let mut files = in_the_way.into_inner();
                files.sort();
                files.dedup();
                return Err(GitError::WouldOverwrite {
                    repo: self.workdir.clone(),
                    remote: remote.to_owned(),
                    branch: branch.to_owned(),
                    files,
                });
            }
            Err(e) => {
                return Err(git_err(format!("checking out {remote}/{branch}"))(e));
            }
        }
        self.point_branch_and_head(remote, branch, local, tip)
    }

    /// Force the branch, index and work tree to `tip` (see [`Repo::clone_or_update`]).
    fn checkout_force(&self, remote: &str, branch: &str, tip: git2::Oid) -> Result<(), GitError> {
        let git_err = |action: String| move |e| GitError::git(action, &self.workdir, e);
        let commit = self.repo.find_commit(tip).map_err(git_err(format!(
            "reading the fetched tip of {remote}/{branch}"
        )))?;
        self.repo.cleanup_state().map_err(git_err(
            "clearing an interrupted merge or rebase".to_owned(),
        ))?;
        self.point_branch_and_head(remote, branch, branch, tip)?;
        // A hard reset always checks out with plain FORCE (libgit2 overrides the
        // strategy), which keeps untracked files; a second checkout removes them.
        self.repo
            .reset(commit.as_object(), git2::ResetType::Hard, None)
            .map_err(git_err(format!("resetting to {remote}/{branch}")))?;
        let mut checkout = CheckoutBuilder::new();
        checkout.force().remove_untracked(true);
        self.repo
            .checkout_head(Some(&mut checkout))
            .map_err(git_err(format!(
                "removing untracked files after resetting to {remote}/{branch}"
            )))?;
        let mut local = self
            .repo
            .find_branch(branch, git2::BranchType::Local)
            .map_err(git_err(format!("reading branch {branch:?}")))?;
        local
            .set_upstream(Some(&format!("{remote}/{branch}")))
            .map_err(git_err(format!(
                "setting the upstream of branch {branch:?}"
            )))?;
        Ok(())
    }

    /// Set `refs/heads/<local>` to `tip` (fetched from `remote`'s `branch`) and attach
    /// HEAD to it.
    fn point_branch_and_head(
        &self,
        remote: &str,
        branch: &str,
        local: &str,
        tip: git2::Oid,
    ) -> Result<(), GitError> {
        let refname = format!("refs/heads/{local}");
        let reflog = format!("tagpilot: reset to {remote}/{branch}");
        self.repo
            .reference(&refname, tip, true, &reflog)
            .map_err(|e| GitError::git(format!("moving branch {local:?}"), &self.workdir, e))?;
        self.repo
            .set_head(&refname)
            .map_err(|e| GitError::git(format!("checking out branch {local:?}"), &self.workdir, e))
    }

    /// The error for a failed remote operation: an authentication failure if the
    /// credentials ran out, else libgit2's message with secrets scrubbed.
    fn remote_failure(
        &self,
        action: String,
        info: &RemoteInfo,
        auth: &Auth,
        creds: &CredentialState<'_>,
        e: git2::Error,
    ) -> GitError {
        if let Some(detail) = &creds.gave_up {
            return GitError::Auth {
                remote: info.name.clone(),
                url: info.shown_url.clone(),
                detail: detail.clone(),
            };
        }
        if let Some(why) = &creds.host_key {
            return GitError::Remote {
                action,
                remote: info.name.clone(),
                url: info.shown_url.clone(),
                message: why.clone(),
                code: ErrorCode::Certificate,
            };
        }
        let mut message = sanitize(e.message(), &info.raw_url, auth);
        if e.code() == ErrorCode::Certificate && e.class() == git2::ErrorClass::Ssh {
            // libgit2 checks SSH host keys against ~/.ssh/known_hosts, strictly.
            message.push_str(
                "; the server's host key must be in ~/.ssh/known_hosts (check its fingerprint, \
                 then add it, e.g. with ssh-keyscan)",
            );
        }
        if e.code() == ErrorCode::Auth {
            return GitError::Auth {
                remote: info.name.clone(),
                url: info.shown_url.clone(),
                detail: message,
            };
        }
        GitError::Remote {
            action,
            remote: info.name.clone(),
            url: info.shown_url.clone(),
            message,
            code: e.code(),
        }
    }
}

/// What a first clone created, to remove it again if the clone fails.
#[derive(Clone, Copy)]
enum Created {
    /// The whole directory.
    Dir,
    /// Only `.git` inside an empty directory that was there before.
    GitDir,
}

/// An I/O error while `action` on `path`.
fn io_err(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> GitError {
    let path = path.to_path_buf();
    move |source| GitError::Io {
        action,
        path,
        source,
    }
}

/// What a clone directory is: `None` for an existing clone (or something else that is
/// not empty); otherwise what must be created (the directory, or only its `.git`).
fn clone_state(dir: &Path) -> Result<Option<Created>, GitError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Some(Created::Dir)),
        Err(e) => Err(io_err("reading clone directory", dir)(e)),
        Ok(meta) if !meta.is_dir() => Err(GitError::NotAClone {
            dir: dir.to_path_buf(),
        }),
        Ok(_) => {
            let mut entries = fs::read_dir(dir).map_err(io_err("reading clone directory", dir))?;
            Ok(entries.next().is_none().then_some(Created::GitDir))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_statuses_that_a_retry_can_fix() {
        let cases = [
            ("non-fast-forward", true),
            ("rejected: Non-Fast-Forward", true),
            ("fetch first", true),
            ("stale info", true),
            ("failed to lock", true),
            ("failed to update ref", true),
            (
                "cannot lock ref 'refs/heads/main': is at 1234 but expected 5678",
                true,
            ),
            ("pre-receive hook declined", false),
            ("protected branch hook declined", false),
            ("deny updating a hidden ref", false),
            ("permission denied", false),
        ];
        for (status, retryable) in cases {
            assert_eq!(is_retryable_rejection(status), retryable, "{status}");
        }
    }

    #[test]
    fn porcelain_push_reports() {
        let target = "refs/heads/main";
        let cases = [
            (
                "To /r.git\n!\trefs/heads/main:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone\n",
                Some(PushStatus::Rejected("pre-receive hook declined".into())),
            ),
            (
                "To /r.git\n!\trefs/heads/x:refs/heads/main\t[rejected] (fetch first)\nDone\n",
                Some(PushStatus::Rejected("fetch first".into())),
            ),
            (
                "To /r.git\n \trefs/heads/main:refs/heads/main\tab12..cd34\nDone\n",
                Some(PushStatus::Done),
            ),
            (
                "To /r.git\n*\trefs/heads/a:refs/heads/other\t[new branch]\nDone\n",
                None,
            ),
        ];
        for (stdout, want) in cases {
            assert_eq!(porcelain_status(stdout, target), want, "{stdout}");
        }
    }

    #[test]
    fn local_urls() {
        for (url, local) in [
            ("/srv/git/r.git", true),
            ("../r.git", true),
            ("r.git", true),
            ("file:///srv/r.git", true),
            ("FILE:///srv/r.git", true),
            ("ssh://git@host/r.git", false),
            ("https://host/r.git", false),
            ("git@host:r.git", false),
            ("host:path/r.git", false),
            ("./dir:with/colon", true),
        ] {
            assert_eq!(is_local_url(url), local, "{url}");
        }
    }

    #[test]
    fn branch_names_are_checked() {
        for good in ["main", "release/1.x", "feature-x"] {
            assert!(check_branch_name(good).is_ok(), "{good}");
        }
        for bad in ["", "a..b", "-x", "a b", "x.lock", "HEAD"] {
            assert!(
                matches!(check_branch_name(bad), Err(GitError::InvalidBranchName { name }) if name == bad),
                "{bad:?}"
            );
        }
    }
}
