//! A sync killed with SIGKILL at many instants, against a real registry and a real bare
//! remote: after every kill the repository is in one of the two states tagpilot promises
//! (the branch as it was with every file whole, or the new commit with the index and the
//! work tree matching it), `git status` agrees, no temporary file is left in the work tree,
//! and a second run either completes or says how to recover, after which it completes.

use std::fs;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::{Run, Sandbox};

/// How many manifest files the killed sync rewrites.
const FILES: usize = 200;
/// How many times a sync is killed.
const KILLS: u32 = 12;

/// A Deployment `name` on `host/acme/web:tag`, automated on `master-*` tags.
fn workload(host: &str, name: &str, tag: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {host}/acme/web:{tag}\n"
    )
}

/// The files before and after the sync, by path.
struct Contents {
    old: Vec<(String, String)>,
    new: Vec<(String, String)>,
}

impl Contents {
    fn new(host: &str) -> Contents {
        let file = |i: usize, tag: &str| {
            let name = format!("web{i:03}");
            (format!("apps/{name}.yaml"), workload(host, &name, tag))
        };
        Contents {
            old: (0..FILES).map(|i| file(i, "master-1")).collect(),
            new: (0..FILES).map(|i| file(i, "master-2")).collect(),
        }
    }
}

/// One attempt's repository: a bare remote cloned from the template and a work tree
/// cloned from it, on `main` with its upstream set.
struct Attempt {
    work: PathBuf,
    remote: PathBuf,
}

impl Attempt {
    fn new(sandbox: &Sandbox, template: &Path, n: u32) -> Attempt {
        let remote = sandbox.path().join(format!("remote-{n}.git"));
        let work = sandbox.path().join(format!("work-{n}"));
        let path = |p: &Path| p.to_str().expect("utf-8").to_owned();
        sandbox.git(
            sandbox.path(),
            &["clone", "-q", "--bare", &path(template), &path(&remote)],
        );
        sandbox.git(
            sandbox.path(),
            &["clone", "-q", "-b", "main", &path(&remote), &path(&work)],
        );
        Attempt { work, remote }
    }

    fn sync(&self, sandbox: &Sandbox, host: &str) -> Run {
        sandbox.tagpilot(&self.work, &["sync", "--insecure-registry", host])
    }

    /// Start a sync in its own process group and kill the whole group after `delay`.
    fn sync_killed_after(&self, sandbox: &Sandbox, host: &str, delay: Duration) {
        let mut child = sandbox
            .tagpilot_command(&self.work, &["sync", "--insecure-registry", host])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("starting tagpilot");
        std::thread::sleep(delay);
        // The group: a `git push` tagpilot started dies with it, as in a killed pod.
        let group = format!("-{}", child.id());
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &group])
            .status();
        let _ = child.wait();
    }

    fn git(&self, sandbox: &Sandbox, args: &[&str]) -> String {
        sandbox.git(&self.work, args)
    }

    fn head(&self, sandbox: &Sandbox) -> String {
        self.git(sandbox, &["rev-parse", "HEAD"]).trim().to_owned()
    }
}

/// Every file under `dir` outside `.git`, relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(at) = todo.pop() {
        for entry in fs::read_dir(&at).expect("read_dir").flatten() {
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("inside");
                found.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

/// Check the state a kill left, and say which: `true` when the new commit is there.
fn check_state(sandbox: &Sandbox, attempt: &Attempt, base: &str, contents: &Contents) -> bool {
    let mut expected: Vec<String> = contents.old.iter().map(|(p, _)| p.clone()).collect();
    expected.sort();
    assert_eq!(
        files_under(&attempt.work),
        expected,
        "a temporary or stray file was left in the work tree"
    );
    let status = attempt.git(sandbox, &["status", "--porcelain", "--untracked-files=all"]);
    let head = attempt.head(sandbox);
    if head == base {
        for ((path, old), (_, new)) in contents.old.iter().zip(&contents.new) {
            let now = fs::read_to_string(attempt.work.join(path)).expect("read");
            assert!(now == *old || now == *new, "{path} is not whole:\n{now}");
        }
        assert!(
            status
                .lines()
                .all(|l| ["M  ", " M ", "MM "].iter().any(|p| l.starts_with(p))),
            "{status}"
        );
        return false;
    }
    let parent = attempt.git(sandbox, &["rev-parse", "HEAD~1"]);
    assert_eq!(parent.trim(), base, "the new commit sits on the old head");
    assert_eq!(status, "", "the index and work tree match the new commit");
    for (path, new) in &contents.new {
        let committed = attempt.git(sandbox, &["show", &format!("HEAD:{path}")]);
        assert_eq!(&committed, new, "{path} in the new commit");
    }
    true
}

/// A second run completes, or says how to recover; recovered as it says, it completes.
fn rerun(sandbox: &Sandbox, attempt: &Attempt, host: &str, contents: &Contents) {
    let mut run = attempt.sync(sandbox, host);
    // Killed while writing git's index: the lock it left is named first, with its remedy.
    if run.code != 0 && run.stderr.contains("index.lock exists") {
        let lock = attempt.work.join(".git/index.lock");
        assert!(
            run.stderr.contains(&format!("rm {}", lock.display())),
            "{}",
            run.stderr
        );
        fs::remove_file(&lock).expect("removing the lock");
        run = attempt.sync(sandbox, host);
    }
    if run.code != 0 {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("was interrupted after writing")
                && run.stderr.contains("git checkout HEAD -- <file>"),
            "{}",
            run.stderr
        );
        attempt.git(sandbox, &["checkout", "HEAD", "--", "apps"]);
        attempt.sync(sandbox, host).ok();
    }
    assert_eq!(
        attempt.git(sandbox, &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    for (path, new) in &contents.new {
        let committed = attempt.git(sandbox, &["show", &format!("HEAD:{path}")]);
        assert_eq!(&committed, new, "{path} after the second run");
    }
    let remote = sandbox.git(&attempt.remote, &["rev-parse", "main"]);
    let local = attempt.head(sandbox);
    if remote.trim() != local {
        // Killed after the commit and before the push: the commit is kept, and the next
        // change pushes it along; nothing is lost.
        let ahead = attempt.git(sandbox, &["rev-list", "--count", "origin/main..HEAD"]);
        assert_eq!(ahead.trim(), "1", "only tagpilot's commit is unpushed");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_killed_at_any_instant_leaves_one_of_two_states() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("master-1", 1), ("master-2", 2)] {
        let spec =
            ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
        pusher.push("acme/web", &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    let contents = Contents::new(&host);
    let sandbox = Sandbox::new();
    let files: Vec<(&str, &[u8])> = contents
        .old
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_bytes()))
        .collect();
    let template = sandbox.repo(&files);
    let base = sandbox.git(&template.work, &["rev-parse", "HEAD"]);
    let base = base.trim();

    // One whole run, for how long a run takes (and a warm cache, as in a cron job).
    let whole = Attempt::new(&sandbox, &template.remote, 0);
    let started = Instant::now();
    whole.sync(&sandbox, &host).ok();
    let took = started.elapsed();
    assert!(check_state(&sandbox, &whole, base, &contents));

    let mut committed = 0;
    for n in 1..=KILLS {
        let attempt = Attempt::new(&sandbox, &template.remote, n);
        attempt.sync_killed_after(&sandbox, &host, took * n / KILLS);
        if check_state(&sandbox, &attempt, base, &contents) {
            committed += 1;
        }
        rerun(&sandbox, &attempt, &host, &contents);
    }
    // The kills fell on both sides of the commit.
    assert!(committed < KILLS, "every kill came after the commit");
}
