//! `sync --git-url` over a network transport with authentication: git's smart HTTP behind
//! HTTP Basic auth (`git http-backend` run by a local server), with a real registry.
//! Credentials from `GIT_USERNAME`/`GIT_PASSWORD`, `GIT_TOKEN`, the URL and git's
//! credential helpers; a wrong password; a push that loses a race with another client.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::git_http::GitHttp;
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::sshd::{KeyPair, Sshd, keygen};
use crate::support::{Repo, Run, Sandbox};

const USER: &str = "deploy-bot";
const PASSWORD: &str = "pw-Zq81xv3Hk";
const TOKEN: &str = "tok-7f3c2b9d1e";

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

/// A bare remote at `<sandbox>/remote.git` holding one automated workload on `master-1`.
fn remote(sandbox: &Sandbox, h: &str) -> Repo {
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1\n"
    );
    sandbox.repo(&[("apps/web.yaml", manifest.as_bytes())])
}

/// `tagpilot sync --git-url URL` with the clone kept under `cache`.
fn sync(
    sandbox: &Sandbox,
    url: &str,
    cache: &Path,
    h: &str,
    extra: &[&str],
    vars: &[(&str, &str)],
) -> Run {
    let mut args = vec![
        "sync",
        "--git-url",
        url,
        "--cache-dir",
        cache.to_str().expect("utf-8"),
        "--insecure-registry",
        h,
    ];
    args.extend(extra);
    sandbox.tagpilot_env(sandbox.path(), &args, vars)
}

/// Neither stream of `run` holds any of `secrets`.
fn assert_no_secret(run: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "{secret} leaked\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// The clones kept under `<cache>/git`.
fn clones(cache: &Path) -> Vec<PathBuf> {
    match fs::read_dir(cache.join("git")) {
        Ok(entries) => entries.map(|e| e.expect("entry").path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The remote's `main` subjects, newest first.
fn subjects(sandbox: &Sandbox, repo: &Repo) -> Vec<String> {
    sandbox
        .git(&repo.remote, &["log", "--format=%s", "main"])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Another client's work tree at `<sandbox>/other`, cloned from the remote on disk, with
/// one commit (a new README.md) not pushed yet; returns it and the commit.
fn other_client(sandbox: &Sandbox, repo: &Repo) -> (PathBuf, String) {
    let other = sandbox.path().join("other");
    sandbox.git(
        sandbox.path(),
        &["clone", "-q", repo.remote.to_str().expect("utf-8"), "other"],
    );
    fs::write(other.join("README.md"), "hello\n").expect("write");
    sandbox.git(&other, &["add", "README.md"]);
    sandbox.git(&other, &["commit", "-q", "-m", "elsewhere"]);
    let commit = sandbox
        .git(&other, &["rev-parse", "HEAD"])
        .trim()
        .to_owned();
    (other, commit)
}

/// A plain `git push origin main` from `dir` to the remote on disk, as a hook can run it
/// from the server's thread.
fn plain_push(dir: PathBuf, home: PathBuf) -> impl FnOnce() + Send + 'static {
    move || {
        let out = Command::new("git")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .current_dir(dir)
            .args(["push", "-q", "origin", "main"])
            .output()
            .expect("git push");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn http_with_username_and_password_clones_pushes_then_fetches() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[(USER, PASSWORD)]);
    let url = server.url("remote.git");
    let cache = sandbox.path().join("cache-dir");
    let creds = [("GIT_USERNAME", USER), ("GIT_PASSWORD", PASSWORD)];

    let run = sync(&sandbox, &url, &cache, &h, &["-v"], &creds).ok();
    assert_no_secret(&run, &[PASSWORD]);
    assert_eq!(
        subjects(&sandbox, &repo),
        [
            format!("Auto-release {h}/acme/web:master-2"),
            "initial".into()
        ]
    );
    let web = sandbox.git(&repo.remote, &["show", "main:apps/web.yaml"]);
    assert!(web.contains("acme/web:master-2"), "{web}");
    assert!(
        run.stderr.lines().any(|l| l.starts_with("Commit pushed")),
        "{}",
        run.stderr
    );

    // libgit2 asks anonymously first, is challenged, then sends our credentials, and
    // nothing but ours; the pack went up over HTTP.
    let requests = server.requests();
    assert!(!requests[0].sent_credentials, "{requests:#?}");
    assert_eq!(requests[0].status, 401, "{requests:#?}");
    assert!(
        requests
            .iter()
            .filter(|r| r.sent_credentials)
            .all(|r| r.authorized && r.user.as_deref() == Some(USER)),
        "{requests:#?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.is_fetch() && r.status == 200 && r.authorized),
        "{requests:#?}"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.is_push() && r.status == 200 && r.authorized),
        "{requests:#?}\n{}",
        server.backend_errors()
    );
    // libgit2 sends the pack with chunked encoding; the server decoded it.
    assert!(
        requests
            .iter()
            .any(|r| r.is_push() && r.chunked && r.body_len > 0),
        "{requests:#?}"
    );

    // The clone is kept under the cache dir, on the pushed commit.
    let kept = clones(&cache);
    assert_eq!(kept.len(), 1, "{kept:?}");
    let remote_head = || sandbox.git(&repo.remote, &["rev-parse", "main"]);
    assert_eq!(sandbox.git(&kept[0], &["rev-parse", "HEAD"]), remote_head());

    // Someone else pushes an unrelated commit; the second run fetches it into the kept
    // clone and has nothing to do.
    let (other, theirs) = other_client(&sandbox, &repo);
    sandbox.git(&other, &["push", "-q", "origin", "main"]);
    server.clear_requests();
    let run = sync(&sandbox, &url, &cache, &h, &[], &creds).ok();
    assert_eq!(
        run.stderr.lines().last(),
        Some("Nothing to do"),
        "{}",
        run.stderr
    );
    assert_eq!(remote_head().trim(), theirs);
    assert_eq!(clones(&cache), kept);
    assert_eq!(sandbox.git(&kept[0], &["rev-parse", "HEAD"]).trim(), theirs);
    let requests = server.requests();
    assert!(requests.iter().any(|r| r.is_fetch()), "{requests:#?}");
    assert!(!requests.iter().any(|r| r.is_push()), "{requests:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn http_with_a_token_alone() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[("x-access-token", TOKEN)]);
    let cache = sandbox.path().join("cache-dir");
    let run = sync(
        &sandbox,
        &server.url("remote.git"),
        &cache,
        &h,
        &[],
        &[("GIT_TOKEN", TOKEN)],
    )
    .ok();
    assert_no_secret(&run, &[TOKEN]);
    assert_eq!(subjects(&sandbox, &repo).len(), 2);
    let requests = server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.is_push() && r.user.as_deref() == Some("x-access-token")),
        "{requests:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn http_with_git_credential_helper() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[(USER, PASSWORD)]);
    // `git credential-store` with the password, configured in the sandbox's global config.
    let store = sandbox.path().join("home/.git-credentials");
    fs::write(
        &store,
        format!("http://{USER}:{PASSWORD}@{}\n", server.authority()),
    )
    .expect("store");
    let helper = format!("store --file={}", store.display());
    sandbox.git(
        sandbox.path(),
        &["config", "--global", "credential.helper", &helper],
    );
    let run = sync(
        &sandbox,
        &server.url("remote.git"),
        &sandbox.path().join("cache-dir"),
        &h,
        &[],
        &[],
    )
    .ok();
    assert_no_secret(&run, &[PASSWORD]);
    assert_eq!(subjects(&sandbox, &repo).len(), 2);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.is_push() && r.user.as_deref() == Some(USER))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn http_with_a_wrong_password_fails_once_and_says_where() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[(USER, PASSWORD)]);
    let url = server.url("remote.git");
    let cache = sandbox.path().join("cache-dir");
    let wrong = "wrong-Pw-19xq";
    let run = sync(
        &sandbox,
        &url,
        &cache,
        &h,
        &["-v"],
        &[("GIT_USERNAME", USER), ("GIT_PASSWORD", wrong)],
    )
    .code(1);
    assert_no_secret(&run, &[wrong, PASSWORD]);
    let error = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(error.contains(&format!("cloning {url}")), "{error}");
    assert!(
        error.contains(&format!("authenticating to remote \"origin\" ({url})")),
        "{error}"
    );
    assert!(error.contains(&format!("user \"{USER}\"")), "{error}");
    // One anonymous try, one with the password, and no loop.
    let requests = server.requests();
    assert!(requests.len() <= 3, "{requests:#?}");
    assert_eq!(
        requests.iter().filter(|r| r.sent_credentials).count(),
        1,
        "{requests:#?}"
    );
    assert!(requests.iter().all(|r| r.status == 401), "{requests:#?}");
    // Nothing is left behind in the cache, and the remote is as it was.
    assert_eq!(clones(&cache), Vec::<PathBuf>::new());
    assert_eq!(subjects(&sandbox, &repo), ["initial"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn http_credentials_in_the_url_are_used_and_never_shown() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[(USER, PASSWORD)]);
    let authority = server.authority();
    let cache = sandbox.path().join("cache-dir");

    // A wrong password in the URL: the error shows the URL with it redacted.
    let wrong = format!("http://{USER}:wrong-Pw-19xq@{authority}/remote.git");
    let run = sync(&sandbox, &wrong, &cache, &h, &["-v"], &[]).code(1);
    assert_no_secret(&run, &["wrong-Pw-19xq"]);
    assert!(
        run.stderr
            .contains(&format!("http://{USER}:(redacted)@{authority}/remote.git")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("tried the username and password in the URL"),
        "{}",
        run.stderr
    );
    assert!(server.requests().len() <= 4, "{:#?}", server.requests());

    // The right one, with -v so that every detail line is printed.
    let right = format!("http://{USER}:{PASSWORD}@{authority}/remote.git");
    let run = sync(&sandbox, &right, &cache, &h, &["-v"], &[]).ok();
    assert_no_secret(&run, &[PASSWORD]);
    assert_eq!(subjects(&sandbox, &repo).len(), 2);
}

/// The remote moves on after tagpilot cloned: just before it asks to push (`needle`
/// `service=git-receive-pack`, libgit2 sees the new head in the advertisement) or just
/// before the pack is received (`git-receive-pack`, the server refuses the ref update).
/// Either way tagpilot fetches, plans again and pushes on top; nothing is forced.
async fn push_race(method: &str, needle: &str) {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[(USER, PASSWORD)]);
    let (other, theirs) = other_client(&sandbox, &repo);
    server.before(
        method,
        needle,
        plain_push(other, sandbox.path().join("home")),
    );
    let run = sync(
        &sandbox,
        &server.url("remote.git"),
        &sandbox.path().join("cache-dir"),
        &h,
        &[],
        &[("GIT_USERNAME", USER), ("GIT_PASSWORD", PASSWORD)],
    );
    let run = run.ok();
    assert!(
        run.stderr.contains("the push was rejected"),
        "{}",
        run.stderr
    );
    assert_eq!(
        subjects(&sandbox, &repo),
        [
            format!("Auto-release {h}/acme/web:master-2"),
            "elsewhere".into(),
            "initial".into()
        ]
    );
    let parent = sandbox.git(&repo.remote, &["rev-parse", "main^"]);
    assert_eq!(parent.trim(), theirs, "no force push");
    let pushes = server.requests().into_iter().filter(|r| r.is_push());
    assert!(pushes.count() >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn http_push_after_the_remote_moved_is_retried() {
    push_race("GET", "service=git-receive-pack").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn http_push_losing_the_race_in_the_server_is_retried() {
    push_race("POST", "/git-receive-pack").await;
}

/// An sshd serving the sandbox's directories, accepting one client key (returned), and
/// the server's host key in the sandbox's `~/.ssh/known_hosts` when `trusted`.
fn ssh_server(sandbox: &Sandbox, trusted: bool) -> (Sshd, KeyPair) {
    let keys = sandbox.path().join("keys");
    fs::create_dir_all(&keys).expect("keys");
    let key = keygen(&keys.join("id_ed25519"));
    let sshd = Sshd::start(&sandbox.path().join("sshd"), &[&key.public]);
    if trusted {
        let ssh_dir = sandbox.path().join("home/.ssh");
        fs::create_dir_all(&ssh_dir).expect(".ssh");
        fs::write(
            ssh_dir.join("known_hosts"),
            format!("{}\n", sshd.known_hosts_line()),
        )
        .expect("known_hosts");
    }
    (sshd, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_with_a_key_file_clones_pushes_then_fetches() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let (sshd, key) = ssh_server(&sandbox, true);
    let url = sshd.url(&repo.remote);
    let cache = sandbox.path().join("cache-dir");
    let key_arg = key.private.to_str().expect("utf-8");
    let run = sync(&sandbox, &url, &cache, &h, &["--git-ssh-key", key_arg], &[]);
    let run = if run.code == 0 {
        run
    } else {
        panic!("{run:?}\nsshd:\n{}", sshd.log())
    };
    assert!(
        run.stderr.lines().any(|l| l.starts_with("Commit pushed")),
        "{}",
        run.stderr
    );
    assert_eq!(
        subjects(&sandbox, &repo),
        [
            format!("Auto-release {h}/acme/web:master-2"),
            "initial".into()
        ]
    );
    assert_eq!(clones(&cache).len(), 1);

    // Hashed host names (`ssh-keygen -H`, Debian's default for ssh) work as well.
    let known_hosts = sandbox.path().join("home/.ssh/known_hosts");
    let out = Command::new("ssh-keygen")
        .arg("-H")
        .arg("-f")
        .arg(&known_hosts)
        .output()
        .expect("ssh-keygen -H");
    assert!(out.status.success());
    let hashed = fs::read_to_string(&known_hosts).expect("known_hosts");
    assert!(
        hashed.starts_with("|1|") && !hashed.contains("127.0.0.1"),
        "{hashed}"
    );
    let (other, theirs) = other_client(&sandbox, &repo);
    sandbox.git(&other, &["push", "-q", "origin", "main"]);
    let run = sync(&sandbox, &url, &cache, &h, &["--git-ssh-key", key_arg], &[]).ok();
    assert_eq!(run.stderr.lines().last(), Some("Nothing to do"));
    let kept = clones(&cache);
    assert_eq!(kept.len(), 1);
    assert_eq!(sandbox.git(&kept[0], &["rev-parse", "HEAD"]).trim(), theirs);
    assert_eq!(
        sandbox.git(&repo.remote, &["rev-parse", "main"]).trim(),
        theirs
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_to_an_unknown_or_changed_host_key_is_refused() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let (sshd, key) = ssh_server(&sandbox, false);
    let url = sshd.url(&repo.remote);
    let cache = sandbox.path().join("cache-dir");
    let key_arg = key.private.to_str().expect("utf-8");
    let run = sync(&sandbox, &url, &cache, &h, &["--git-ssh-key", key_arg], &[]).code(1);
    assert!(run.stderr.contains(&url), "{}", run.stderr);
    assert!(run.stderr.contains("host key"), "{}", run.stderr);
    assert!(run.stderr.contains("known_hosts"), "{}", run.stderr);

    // Another key recorded for that host and port: refused as well.
    let ssh_dir = sandbox.path().join("home/.ssh");
    fs::create_dir_all(&ssh_dir).expect(".ssh");
    let impostor = keygen(&sandbox.path().join("keys/impostor"));
    let mut fields = impostor.public.split_whitespace();
    fs::write(
        ssh_dir.join("known_hosts"),
        format!(
            "[127.0.0.1]:{} {} {}\n",
            sshd.port(),
            fields.next().expect("type"),
            fields.next().expect("key")
        ),
    )
    .expect("known_hosts");
    let run = sync(&sandbox, &url, &cache, &h, &["--git-ssh-key", key_arg], &[]).code(1);
    assert!(run.stderr.contains("host key"), "{}", run.stderr);
    assert_eq!(subjects(&sandbox, &repo), ["initial"]);
    assert_eq!(clones(&cache), Vec::<PathBuf>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_with_a_key_the_server_refuses() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let (sshd, _key) = ssh_server(&sandbox, true);
    let stranger = keygen(&sandbox.path().join("keys/stranger"));
    let url = sshd.url(&repo.remote);
    let key_arg = stranger.private.to_str().expect("utf-8");
    let run = sync(
        &sandbox,
        &url,
        &sandbox.path().join("cache-dir"),
        &h,
        &["--git-ssh-key", key_arg],
        &[],
    )
    .code(1);
    assert!(
        run.stderr
            .contains(&format!("authenticating to remote \"origin\" ({url})")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(key_arg), "{}", run.stderr);
    assert_eq!(subjects(&sandbox, &repo), ["initial"]);
}

/// An `ssh-agent` in the foreground on a socket in the sandbox; killed when dropped.
struct Agent {
    child: std::process::Child,
    socket: PathBuf,
}

impl Agent {
    /// Start an agent holding `key`.
    fn start(sandbox: &Sandbox, key: &Path) -> Agent {
        let socket = sandbox.path().join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("starting ssh-agent");
        let agent = Agent { child, socket };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !agent.socket.exists() {
            assert!(std::time::Instant::now() < deadline, "no agent socket");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // The socket appears when the agent binds it, a moment before it listens: on a busy
        // machine the first ssh-add can be refused, so try again until the deadline.
        loop {
            let out = Command::new("ssh-add")
                .env("SSH_AUTH_SOCK", &agent.socket)
                .arg(key)
                .output()
                .expect("ssh-add");
            if out.status.success() {
                return agent;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ssh_with_the_agent() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let (sshd, key) = ssh_server(&sandbox, true);
    let agent = Agent::start(&sandbox, &key.private);
    // The key file is gone: only the agent has the key.
    fs::remove_file(&key.private).expect("remove key");
    let socket = agent.socket.to_str().expect("utf-8");
    let run = sync(
        &sandbox,
        &sshd.url(&repo.remote),
        &sandbox.path().join("cache-dir"),
        &h,
        &[],
        &[("SSH_AUTH_SOCK", socket)],
    );
    let run = if run.code == 0 {
        run
    } else {
        panic!("{run:?}\nsshd:\n{}", sshd.log())
    };
    assert!(
        run.stderr.lines().any(|l| l.starts_with("Commit pushed")),
        "{}",
        run.stderr
    );
    assert_eq!(subjects(&sandbox, &repo).len(), 2);
}

/// `--git-url` over smart HTTP with `--push-branch`: the branch is created, rebuilt with a
/// lease on the next run, and when someone pushes to it between the fetch and the push
/// (here: just before the push's ref advertisement) the push is refused and their commit
/// stays.
#[tokio::test(flavor = "multi_thread")]
async fn push_branch_over_http_moves_only_with_its_lease() {
    let (registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = remote(&sandbox, &h);
    let server = GitHttp::start(sandbox.path(), &[(USER, PASSWORD)]);
    let url = server.url("remote.git");
    let cache = sandbox.path().join("cache-dir");
    let creds = [("GIT_USERNAME", USER), ("GIT_PASSWORD", PASSWORD)];
    let branch = ["--push-branch", "tagpilot/web"];
    let run = sync(&sandbox, &url, &cache, &h, &branch, &creds).ok();
    assert!(
        run.stderr.contains("Commit pushed to tagpilot/web: "),
        "{}",
        run.stderr
    );
    let shown = |rev: &str| sandbox.git(&repo.remote, &["show", rev]);
    assert!(shown("tagpilot/web:apps/web.yaml").contains("acme/web:master-2"));
    assert!(
        shown("main:apps/web.yaml").contains("acme/web:master-1"),
        "main untouched"
    );

    let spec = ImageSpec::new("master-3", Kind::Docker).created("2024-05-03T10:00:00Z");
    Pusher::new(&registry).push("acme/web", &spec).await;
    let run = sync(&sandbox, &url, &cache, &h, &branch, &creds).ok();
    assert!(
        run.stderr.contains("Commit pushed to tagpilot/web: "),
        "{}",
        run.stderr
    );
    assert!(shown("tagpilot/web:apps/web.yaml").contains("acme/web:master-3"));
    let ahead = sandbox.git(&repo.remote, &["rev-list", "--count", "main..tagpilot/web"]);
    assert_eq!(ahead.trim(), "1", "rebuilt on main, not stacked");

    let spec = ImageSpec::new("master-4", Kind::Docker).created("2024-05-04T10:00:00Z");
    Pusher::new(&registry).push("acme/web", &spec).await;
    let remote_dir = repo.remote.clone();
    let person = sandbox.path().join("person");
    let git = move |cwd: &Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(cwd)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", cwd)
            .output()
            .expect("git");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    server.before("GET", "service=git-receive-pack", move || {
        let remote = remote_dir.to_str().expect("utf-8");
        let parent = person.parent().expect("sandbox");
        git(
            parent,
            &["clone", "-q", "-b", "tagpilot/web", remote, "person"],
        );
        std::fs::write(person.join("NOTES"), "mine\n").expect("write");
        git(&person, &["add", "NOTES"]);
        git(
            &person,
            &[
                "-c",
                "user.name=P",
                "-c",
                "user.email=p@x",
                "commit",
                "-q",
                "-m",
                "mine",
            ],
        );
        git(&person, &["push", "-q", "origin", "tagpilot/web"]);
    });
    let run = sync(&sandbox, &url, &cache, &h, &branch, &creds).code(1);
    assert!(
        run.stderr.contains(
            "error: tagpilot/web: branch tagpilot/web on origin moved while tagpilot was working"
        ),
        "{}",
        run.stderr
    );
    let tip = sandbox.git(&repo.remote, &["log", "-1", "--format=%s", "tagpilot/web"]);
    assert_eq!(tip.trim(), "mine", "their commit stays");
    assert_no_secret(&run, &[PASSWORD]);
}
