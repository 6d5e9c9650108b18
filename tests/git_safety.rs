//! Git under faults and careless setups: git's lock files, a branch without upstream or not
//! checked out (all refused before any registry request), a local remote whose hook refuses
//! the push, `--allow-dirty` next to the user's own edits, credentials in a `--git-url`.
//! Real registry, real repositories. (A sync killed at many instants is in `crash`.)

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use crate::support::git_http::GitHttp;
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::sshd::{Sshd, keygen};
use crate::support::{Repo, Run, Sandbox};

/// A registry with `acme/web` tags `master-1` and the newer `master-2`; and its host.
async fn images() -> (Registry, String) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("master-1", 1), ("master-2", 2)] {
        let spec =
            ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
        pusher.push("acme/web", &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    (registry, host)
}

/// An automated Deployment `name` on `acme/web:master-1` with two replicas.
fn workload(h: &str, name: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1\n"
    )
}

/// A work tree with one workload in `apps/web.yaml`, pushed to its bare remote.
fn one_workload(sandbox: &Sandbox, h: &str) -> Repo {
    sandbox.repo(&[("apps/web.yaml", workload(h, "web").as_bytes())])
}

/// `tagpilot sync` in the work tree against the registry at `h`.
fn sync(sandbox: &Sandbox, repo: &Repo, h: &str, extra: &[&str]) -> Run {
    let mut args = vec!["sync", "--insecure-registry", h];
    args.extend(extra);
    sandbox.tagpilot(&repo.work, &args)
}

/// The registry's access log lines for the repository tagpilot asks about.
fn asked(registry: &Registry) -> usize {
    registry
        .access_log()
        .iter()
        .filter(|l| l.contains("GET /v2/acme/web/tags/list"))
        .count()
}

/// The work tree's `git status --porcelain`.
fn status(sandbox: &Sandbox, repo: &Repo) -> String {
    sandbox.git(&repo.work, &["status", "--porcelain"])
}

fn head(sandbox: &Sandbox, dir: &Path, rev: &str) -> String {
    sandbox.git(dir, &["rev-parse", rev]).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_held_git_lock_is_refused_before_the_registry_and_before_any_write() {
    let (registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    let before = head(&sandbox, &repo.work, "HEAD");
    let git_dir = repo.work.canonicalize().unwrap().join(".git");
    let cases = [
        ("index.lock", &[][..]),
        ("refs/heads/main.lock", &[][..]),
        // A dry run shows what the real run would do: that run would be refused.
        ("index.lock", &["--dry-run"][..]),
    ];
    for (lock, args) in cases {
        let path = git_dir.join(lock);
        fs::write(&path, "").unwrap();
        let run = sync(&sandbox, &repo, &h, args).code(1);
        assert_eq!(
            run.stderr.trim_end(),
            format!(
                "error: {p} exists: another git command is running in {w}, or one was interrupted; \
                 if none is running, remove it (rm {p}) and run tagpilot again",
                p = path.display(),
                w = git_dir.parent().unwrap().display()
            )
        );
        assert_eq!(run.stdout, "");
        assert_eq!(asked(&registry), 0, "the registry was asked");
        fs::remove_file(&path).unwrap();
        assert_eq!(status(&sandbox, &repo), "");
        assert_eq!(head(&sandbox, &repo.work, "HEAD"), before);
    }
    // A run killed after writing a file and while holding the index lock: the lock is
    // named first, since the advice for the written file (a `git checkout`) needs it gone.
    let file = repo.work.join("apps/web.yaml");
    let original = fs::read_to_string(&file).unwrap();
    fs::write(&file, original.replace("web:master-1", "web:master-0")).unwrap();
    fs::write(
        git_dir.join("tagpilot-pending"),
        format!("{before}\napps/web.yaml\n"),
    )
    .unwrap();
    let lock = git_dir.join("index.lock");
    fs::write(&lock, "").unwrap();
    let run = sync(&sandbox, &repo, &h, &[]).code(1);
    assert!(run.stderr.contains("index.lock exists"), "{}", run.stderr);
    fs::remove_file(&lock).unwrap();
    let run = sync(&sandbox, &repo, &h, &[]).code(1);
    assert!(
        run.stderr
            .contains("was interrupted after writing apps/web.yaml"),
        "{}",
        run.stderr
    );
    sandbox.git(&repo.work, &["checkout", "HEAD", "--", "apps/web.yaml"]);
    // With the lock gone, the same run goes through and leaves a clean work tree.
    let run = sync(&sandbox, &repo, &h, &[]).ok();
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("Commit pushed: "),
        "{}",
        run.stderr
    );
    assert_eq!(status(&sandbox, &repo), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_git_branch_not_checked_out_is_refused_before_the_registry_in_a_dry_run_too() {
    let (registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    let work = repo.work.canonicalize().unwrap();
    for extra in [&["--dry-run"][..], &[]] {
        let mut args = vec!["--git-branch", "release"];
        args.extend(extra);
        let run = sync(&sandbox, &repo, &h, &args).code(1);
        assert_eq!(
            run.stderr.trim_end(),
            format!(
                "error: --git-branch release: the work tree at {} has main checked out; check out release first",
                work.display()
            )
        );
        assert_eq!(run.stdout, "");
    }
    assert_eq!(asked(&registry), 0, "the registry was asked");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_branch_without_upstream_is_refused_unless_git_branch_names_it() {
    let (registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    sandbox.git(&repo.work, &["branch", "--unset-upstream"]);
    let remote_before = head(&sandbox, &repo.remote, "main");
    let want = "error: branch main has no upstream branch, so it is not clear where to push it; \
                set one with `git branch --set-upstream-to=origin/main`, pass --git-branch main \
                to push to origin/main, or pass --no-push";
    for extra in [&["--dry-run"][..], &[]] {
        let run = sync(&sandbox, &repo, &h, extra).code(1);
        assert_eq!(run.stderr.trim_end(), want);
        assert_eq!(run.stdout, "");
    }
    assert_eq!(asked(&registry), 0, "the registry was asked");
    assert_eq!(status(&sandbox, &repo), "");
    assert_eq!(head(&sandbox, &repo.remote, "main"), remote_before);

    // Naming the branch says where to push.
    let run = sync(&sandbox, &repo, &h, &["--git-branch", "main"]).ok();
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("Commit pushed: "),
        "{}",
        run.stderr
    );
    assert_eq!(
        head(&sandbox, &repo.remote, "main"),
        head(&sandbox, &repo.work, "HEAD")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_push_goes_to_the_configured_upstream() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    // A local branch `work` that tracks origin/main.
    sandbox.git(
        &repo.work,
        &["checkout", "-q", "-b", "work", "--track", "origin/main"],
    );
    sync(&sandbox, &repo, &h, &[]).ok();
    assert_eq!(
        head(&sandbox, &repo.remote, "main"),
        head(&sandbox, &repo.work, "work")
    );
    let branches = sandbox.git(&repo.remote, &["branch", "--format=%(refname:short)"]);
    assert_eq!(branches, "main\n", "no branch `work` on the remote");
}

/// A bare remote's `pre-receive` hook that refuses every push with a message.
fn refusing_hook(remote: &Path) {
    let hook = remote.join("hooks/pre-receive");
    fs::create_dir_all(hook.parent().unwrap()).unwrap();
    fs::write(
        &hook,
        "#!/bin/sh\necho 'pushes are frozen for the release' >&2\nexit 1\n",
    )
    .unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_local_remote_runs_its_hooks_and_a_refusal_is_a_failed_push() {
    let (_registry, h) = images().await;
    for file_url in [false, true] {
        let sandbox = Sandbox::new();
        let repo = one_workload(&sandbox, &h);
        if file_url {
            let url = format!("file://{}", repo.remote.display());
            sandbox.git(&repo.work, &["remote", "set-url", "origin", &url]);
        }
        refusing_hook(&repo.remote);
        let before = head(&sandbox, &repo.work, "HEAD");
        let original = repo.read("apps/web.yaml");
        let run = sync(&sandbox, &repo, &h, &[]).code(1);
        let shown = if file_url {
            format!("file://{}", repo.remote.display())
        } else {
            repo.remote.display().to_string()
        };
        assert_eq!(
            run.stderr.trim_end(),
            format!(
                "error: pushing main to origin/main; the commit was undone and the files restored: \
                 pushing branch \"main\" to remote \"origin\" ({shown}) was refused: \
                 pre-receive hook declined (the remote said: pushes are frozen for the release)"
            )
        );
        assert!(!run.stderr.contains("Commit pushed"), "{}", run.stderr);
        assert_eq!(head(&sandbox, &repo.remote, "main"), before);
        assert_eq!(head(&sandbox, &repo.work, "HEAD"), before);
        assert_eq!(repo.read("apps/web.yaml"), original);
        assert_eq!(status(&sandbox, &repo), "");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn allow_dirty_commits_only_tagpilots_change() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    let committed = String::from_utf8(repo.read("apps/web.yaml")).unwrap();
    // The user's own edit, not committed: three replicas.
    let edited = committed.replace("replicas: 2", "replicas: 3");
    fs::write(repo.work.join("apps/web.yaml"), &edited).unwrap();

    let run = sync(&sandbox, &repo, &h, &[]).code(1);
    assert_eq!(
        run.stderr.trim_end(),
        "error: apps/web.yaml has uncommitted changes; commit or stash them first, or pass --allow-dirty"
    );
    sync(&sandbox, &repo, &h, &["--allow-dirty"]).ok();

    let bumped = |text: &str| text.replace("acme/web:master-1", "acme/web:master-2");
    // The commit holds tagpilot's change alone...
    let in_commit = sandbox.git(&repo.remote, &["show", "main:apps/web.yaml"]);
    assert_eq!(in_commit, bumped(&committed));
    assert_eq!(
        sandbox
            .git(&repo.remote, &["log", "-1", "--format=%s", "main"])
            .trim(),
        format!("Auto-release {h}/acme/web:master-2")
    );
    // ...and the work tree has both, the user's edit still uncommitted (and unstaged).
    assert_eq!(
        String::from_utf8(repo.read("apps/web.yaml")).unwrap(),
        bumped(&edited)
    );
    assert_eq!(status(&sandbox, &repo), " M apps/web.yaml\n");
    let diff = sandbox.git(&repo.work, &["diff", "--", "apps/web.yaml"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed, ["-  replicas: 2", "+  replicas: 3"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn git_url_credentials_are_never_stored_and_the_clone_is_private() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    let (user, password) = ("deploy-bot", "pw-Qm7x2Lk9");
    let server = GitHttp::start(sandbox.path(), &[(user, password)]);
    let url = format!("http://{user}:{password}@{}/remote.git", server.authority());
    let cache = sandbox.path().join("fresh-cache");
    let args = [
        "sync",
        "--git-url",
        &url,
        "--cache-dir",
        cache.to_str().unwrap(),
        "--insecure-registry",
        &h,
    ];
    sandbox.tagpilot(sandbox.path(), &args).ok();
    assert_eq!(
        sandbox
            .git(&repo.remote, &["log", "-1", "--format=%s", "main"])
            .trim(),
        format!("Auto-release {h}/acme/web:master-2")
    );
    let clones: Vec<_> = fs::read_dir(cache.join("git"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(clones.len(), 1);
    let config = fs::read_to_string(clones[0].join(".git/config")).unwrap();
    assert!(!config.contains(password), "{config}");
    assert!(!config.contains(user), "{config}");
    assert!(
        config.contains(&format!("url = http://{}/remote.git", server.authority())),
        "{config}"
    );
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in [&cache, &cache.join("git"), &clones[0]] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    // The next run fetches with the same credentials, from memory only.
    let second = sandbox.tagpilot(sandbox.path(), &args).ok();
    assert_eq!(second.stderr.lines().last(), Some("Nothing to do"));
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_host_keys_come_from_git_known_hosts_by_flag_environment_or_file() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &h);
    let keys = sandbox.path().join("keys");
    fs::create_dir_all(&keys).unwrap();
    let key = keygen(&keys.join("id_ed25519"));
    let sshd = Sshd::start(&sandbox.path().join("sshd"), &[&key.public]);
    let url = sshd.url(&repo.remote);
    let hosts = sandbox.path().join("mounted_known_hosts");
    fs::write(&hosts, format!("{}\n", sshd.known_hosts_line())).unwrap();
    let other = keygen(&keys.join("other_host"));
    let changed = sandbox.path().join("changed_known_hosts");
    let mut fields = other.public.split_whitespace();
    let (kind, blob) = (fields.next().unwrap(), fields.next().unwrap());
    fs::write(
        &changed,
        format!("[127.0.0.1]:{} {kind} {blob}\n", sshd.port()),
    )
    .unwrap();
    let port = sshd.port();
    let run = |n: usize, extra: &[&str], vars: &[(&str, &str)]| {
        let cache = sandbox.path().join(format!("cache-{n}"));
        let mut args = vec![
            "sync",
            "--git-url",
            &url,
            "--git-ssh-key",
            key.private.to_str().unwrap(),
            "--insecure-registry",
            &h,
            "--no-push",
            "--cache-dir",
            cache.to_str().unwrap(),
        ];
        args.extend(extra);
        sandbox.tagpilot_env(sandbox.path(), &args, vars)
    };
    let refused = |run: Run, why: &str| {
        let run = run.code(1);
        assert_eq!(
            run.stderr.trim_end(),
            format!(
                "error: cloning {url}: fetching the default branch from remote \"origin\" ({url}): {why}"
            )
        );
    };

    // The sandbox's ~/.ssh/known_hosts does not list the server.
    let home = sandbox.path().join("home");
    refused(
        run(0, &[], &[]),
        &format!(
            "the host key of [127.0.0.1]:{port} is not in the known hosts files ({}/.ssh/known_hosts, \
             /etc/ssh/ssh_known_hosts); check its fingerprint, then add it (e.g. with ssh-keyscan) \
             or pass --git-known-hosts FILE",
            home.display()
        ),
    );
    // A file given by flag, by environment or in the configuration file is trusted.
    let ok = |run: Run| {
        let run = run.ok();
        assert!(
            run.stderr
                .lines()
                .last()
                .unwrap()
                .starts_with("Committed: "),
            "{}\nsshd:\n{}",
            run.stderr,
            sshd.log()
        );
    };
    ok(run(1, &["--git-known-hosts", hosts.to_str().unwrap()], &[]));
    ok(run(
        2,
        &[],
        &[("TAGPILOT_GIT_KNOWN_HOSTS", hosts.to_str().unwrap())],
    ));
    let config = sandbox.path().join("tagpilot.yaml");
    fs::write(&config, format!("gitKnownHosts: {}\n", hosts.display())).unwrap();
    ok(run(3, &["--config", config.to_str().unwrap()], &[]));
    // A different key on record for the host is a changed key, refused.
    refused(
        run(4, &["--git-known-hosts", changed.to_str().unwrap()], &[]),
        &format!(
            "the host key of [127.0.0.1]:{port} has changed: it is not the key recorded at {}:1; \
             if the server's key really changed, replace that line",
            changed.display()
        ),
    );
}
