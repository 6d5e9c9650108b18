//! `sync` and `release` end to end: a real registry, real git repositories with bare
//! remotes, and a local notification receiver.

use std::fs;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::mpsc;

use serde_json::Value;

use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::{Repo, Sandbox};

/// Push the images every test here uses; returns the registry and its host.
async fn images() -> (Registry, String) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    let docker = |tag: &str, day: u32| {
        ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"))
    };
    for (tag, day) in [("master-1", 1), ("master-2", 2), ("other-9", 9)] {
        pusher.push("acme/web", &docker(tag, day)).await;
    }
    for (tag, day) in [("1.0.0", 1), ("1.1.0", 2), ("1.2.0", 3), ("2.0.0", 4)] {
        pusher.push("acme/api", &docker(tag, day)).await;
    }
    // 1.5.0, the tag in use, is gone from the registry: 1.3.0 is the newest allowed.
    for (tag, day) in [("1.2.0", 1), ("1.3.0", 2)] {
        pusher.push("acme/old", &docker(tag, day)).await;
    }
    let multi = |tag: &str, day: u32, platforms: &[&str]| {
        ImageSpec::new(tag, Kind::OciIndex)
            .created(&format!("2024-05-{day:02}T10:00:00Z"))
            .platforms(platforms)
    };
    pusher
        .push(
            "acme/multi",
            &multi("m1", 1, &["linux/amd64", "linux/arm64"]),
        )
        .await;
    pusher
        .push("acme/multi", &multi("m3", 3, &["linux/arm64"]))
        .await;
    pusher
        .push("acme/multi", &multi("m4", 4, &["linux/amd64"]))
        .await;
    let host = registry.url().trim_start_matches("http://").to_owned();
    (registry, host)
}

/// The manifests of the acceptance case, for registry `h`.
fn manifests(h: &str) -> Vec<(String, String)> {
    vec![
        (
            "apps/web.yaml".into(),
            format!(
                "# the web tier\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\n    fluxcd.io/tag.migrate: semver:~1\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1   # rolled by tagpilot\n      initContainers:\n      - name: migrate\n        image: \"{h}/acme/api:1.0.0\"\n"
            ),
        ),
        (
            "apps/api.yaml".into(),
            format!(
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: api\n  annotations: {{fluxcd.io/automated: 'true', fluxcd.io/tag.api: 'semver:~1'}}\nspec:\n  template:\n    spec:\n      containers: [{{name: api, image: '{h}/acme/api:1.0.0'}}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: old\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.old: semver:~1\nspec:\n  template:\n    spec:\n      containers:\n      - name: old\n        image: {h}/acme/old:1.5.0\n"
            ),
        ),
        (
            "apps/held.yaml".into(),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: locked\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/locked: \"true\"\n    fluxcd.io/locked_msg: incident 7\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manual\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1\n"
            ),
        ),
        (
            "apps/jobs.yaml".into(),
            format!(
                "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\n  annotations:\n    fluxcd.io/automated: \"true\"\n    filter.fluxcd.io/run: glob:master-*\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: run\n            image: {h}/acme/web:master-1\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: agent\n        image: {h}/acme/multi:m1\n"
            ),
        ),
        (
            "releases/chart.yaml".into(),
            format!(
                "apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: chart\n  namespace: apps\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.chart-image: semver:~1\nspec:\n  chart:\n    name: chart\n  values:\n    image:\n      repository: {h}/acme/api\n      tag: 1.0.0\n"
            ),
        ),
    ]
}

/// Run tagpilot once per argument list, all at the same time.
fn at_once(sandbox: &Sandbox, runs: &[Vec<String>]) -> Vec<crate::support::Run> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|args| {
                scope.spawn(move || {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    sandbox.tagpilot(sandbox.path(), &args)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn repo_with(sandbox: &Sandbox, files: &[(String, String)]) -> Repo {
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_bytes()))
        .collect();
    sandbox.repo(&refs)
}

fn sync(sandbox: &Sandbox, repo: &Repo, host: &str, extra: &[&str]) -> crate::support::Run {
    let mut args = vec![
        "sync",
        "--insecure-registry",
        host,
        "--platform",
        "linux/arm64",
    ];
    args.extend(extra);
    sandbox.tagpilot(&repo.work, &args)
}

#[tokio::test(flavor = "multi_thread")]
async fn one_sync_one_commit_exactly_the_right_bytes_then_nothing() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let files = manifests(&h);
    let repo = repo_with(&sandbox, &files);
    let run = sync(&sandbox, &repo, &h, &["-o", "json"]).ok();
    let report = run.json();

    // Exactly one commit, pushed, with Flux v1's message.
    let log = sandbox.git(&repo.remote, &["log", "--format=%s", "main"]);
    assert_eq!(log.lines().count(), 2, "{log}");
    let message = sandbox.git(&repo.remote, &["log", "-1", "--format=%B", "main"]);
    assert_eq!(
        message.trim_end(),
        format!(
            "Auto-release multiple (3) images\n\n - {h}/acme/api:1.2.0\n - {h}/acme/multi:m3\n - {h}/acme/web:master-2"
        )
    );
    assert_eq!(report["pushed"], true);
    assert_eq!(
        report["commit"].as_str().unwrap(),
        sandbox.git(&repo.remote, &["rev-parse", "main"]).trim()
    );

    // Exactly the right values changed, and no other byte.
    let expect = |name: &str, pairs: &[(&str, &str)]| {
        let mut text = files.iter().find(|(n, _)| n == name).unwrap().1.clone();
        for (from, to) in pairs {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
        }
        assert_eq!(String::from_utf8(repo.read(name)).unwrap(), text, "{name}");
    };
    expect(
        "apps/web.yaml",
        &[
            ("acme/web:master-1", "acme/web:master-2"),
            ("acme/api:1.0.0\"", "acme/api:1.2.0\""),
        ],
    );
    expect("apps/api.yaml", &[("acme/api:1.0.0'", "acme/api:1.2.0'")]);
    expect("apps/held.yaml", &[]);
    expect(
        "apps/jobs.yaml",
        &[
            ("acme/web:master-1", "acme/web:master-2"),
            ("acme/multi:m1", "acme/multi:m3"),
        ],
    );
    expect("releases/chart.yaml", &[("tag: 1.0.0", "tag: 1.2.0")]);
    assert_eq!(sandbox.git(&repo.work, &["status", "--porcelain"]), "");

    // The report says why each other container was left alone.
    let results = report["results"].as_array().unwrap();
    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(by_id("default:deployment/locked")["status"], "skipped");
    assert_eq!(
        by_id("default:deployment/locked")["reason"],
        "locked: incident 7"
    );
    assert_eq!(
        by_id("default:deployment/manual")["reason"],
        "not automated"
    );
    assert_eq!(by_id("default:deployment/old")["status"], "skipped");
    assert_eq!(by_id("default:deployment/old")["reason"], "up to date");
    let web = by_id("default:deployment/web");
    assert_eq!(web["status"], "success");
    assert_eq!(web["updates"][0]["container"], "web");
    assert_eq!(web["updates"][0]["from"], format!("{h}/acme/web:master-1"));
    assert_eq!(web["updates"][0]["to"], "master-2");
    assert_eq!(web["updates"][1]["container"], "migrate");
    assert_eq!(by_id("apps:helmrelease/chart")["updates"][0]["to"], "1.2.0");
    assert_eq!(by_id("default:daemonset/agent")["updates"][0]["to"], "m3");
    assert_eq!(report["errors"], Value::Array(vec![]));

    // A second sync changes nothing.
    let head = sandbox.git(&repo.remote, &["rev-parse", "main"]);
    let run = sync(&sandbox, &repo, &h, &[]).ok();
    assert_eq!(
        run.stderr.lines().last(),
        Some("Nothing to do"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("default:deployment/web"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("up to date"), "{}", run.stdout);
    assert!(run.stdout.contains("locked: incident 7"), "{}", run.stdout);
    assert_eq!(sandbox.git(&repo.remote, &["rev-parse", "main"]), head);
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_exit_code_no_commit_and_diff() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let files = manifests(&h);
    let repo = repo_with(&sandbox, &files);
    let head = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    let run = sync(&sandbox, &repo, &h, &["--dry-run", "--exit-code", "--diff"]).code(3);
    assert!(run.stdout.contains(&format!("-        image: {h}/acme/web:master-1   # rolled by tagpilot\n+        image: {h}/acme/web:master-2   # rolled by tagpilot\n")), "{}", run.stdout);
    assert_eq!(run.stderr.lines().last(), Some("Dry run: nothing written"));
    assert_eq!(sandbox.git(&repo.work, &["status", "--porcelain"]), "");
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), head);
    let run = sync(&sandbox, &repo, &h, &["--no-commit"]).ok();
    assert_eq!(run.stderr.lines().last(), Some("Files written"));
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        sandbox.git(&repo.work, &["status", "--porcelain"]),
        " M apps/api.yaml\n M apps/jobs.yaml\n M apps/web.yaml\n M releases/chart.yaml\n"
    );
}

/// A one-shot HTTP receiver on 127.0.0.1: returns its URL and a channel with the body.
fn receiver() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/hook/secret-token",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).unwrap();
            data.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&data).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        )
                        .unwrap();
                    tx.send(body.to_owned()).unwrap();
                    return;
                }
            }
            if n == 0 {
                return;
            }
        }
    });
    (url, rx)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_registry_is_partial_and_notified() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let mut files = manifests(&h);
    files.push((
        "apps/broken.yaml".into(),
        format!("kind: Deployment\nmetadata:\n  name: broken\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {h}/acme/missing:1\n"),
    ));
    let repo = repo_with(&sandbox, &files);
    let (url, rx) = receiver();
    let run = sync(&sandbox, &repo, &h, &["--notify", &url]).code(4);
    assert!(
        run.stderr
            .contains("error: default:deployment/broken: app: "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("acme/missing"), "{}", run.stderr);
    assert!(
        run.stdout.contains("default:deployment/broken  failed"),
        "{}",
        run.stdout
    );
    // The others were committed and pushed.
    assert_eq!(
        sandbox.git(&repo.remote, &["rev-parse", "main"]),
        sandbox.git(&repo.work, &["rev-parse", "HEAD"])
    );
    assert!(
        String::from_utf8(repo.read("apps/web.yaml"))
            .unwrap()
            .contains("master-2")
    );
    let body: Value =
        serde_json::from_str(&rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap())
            .unwrap();
    assert_eq!(body["pushed"], true);
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("default:deployment/broken: app: ")
    );
    assert!(!run.stderr.contains("secret-token"), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_push_is_retried_on_the_new_head() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = repo_with(&sandbox, &manifests(&h));
    // Someone else pushes a commit first; the local clone does not know it.
    let theirs = sandbox.push_elsewhere(&repo, "README.md", "hello\n");

    let run = sync(&sandbox, &repo, &h, &[]).ok();
    assert!(
        run.stderr.contains("the push was rejected"),
        "{}",
        run.stderr
    );
    let log = sandbox.git(&repo.remote, &["log", "--format=%H %s", "main"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(lines[0].contains("Auto-release multiple"), "{log}");
    assert!(lines[1].starts_with(theirs.trim()), "no force push: {log}");
    assert_eq!(
        sandbox.git(&repo.work, &["rev-parse", "HEAD"]),
        sandbox.git(&repo.remote, &["rev-parse", "main"])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_syncs_at_once_from_git_url_update_once() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = repo_with(&sandbox, &manifests(&h));
    let url = format!("file://{}", repo.remote.display());
    let args: Vec<Vec<String>> = (0..2)
        .map(|i| {
            let cache = sandbox.path().join(format!("cache-{i}"));
            [
                "sync",
                "--git-url",
                &url,
                "--cache-dir",
                cache.to_str().unwrap(),
                "--insecure-registry",
                &h,
                "--platform",
                "linux/arm64",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        })
        .collect();
    for run in at_once(&sandbox, &args) {
        run.ok();
    }
    let log = sandbox.git(&repo.remote, &["log", "--format=%s", "main"]);
    assert_eq!(log.matches("Auto-release").count(), 1, "{log}");
    let web = sandbox.git(&repo.remote, &["show", "main:apps/web.yaml"]);
    assert_eq!(web.matches("master-2").count(), 1, "{web}");
}

#[tokio::test(flavor = "multi_thread")]
async fn release_one_image_and_all_latest() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = repo_with(&sandbox, &manifests(&h));
    let image = format!("{h}/acme/api:1.1.0");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "release",
                "--all",
                "-i",
                &image,
                "--insecure-registry",
                &h,
                "--no-push",
            ],
        )
        .ok();
    assert!(
        run.stdout.contains("default:statefulset/api"),
        "{}",
        run.stdout
    );
    assert_eq!(
        sandbox
            .git(&repo.work, &["log", "-1", "--format=%s"])
            .trim(),
        format!("Release {image} to all")
    );
    let api = String::from_utf8(repo.read("apps/api.yaml")).unwrap();
    assert!(api.contains("acme/api:1.1.0'"), "{api}");
    let chart = String::from_utf8(repo.read("releases/chart.yaml")).unwrap();
    assert!(chart.contains("tag: 1.1.0"), "{chart}");
    // A tag the registry does not have is not released.
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "release",
                "-w",
                "statefulset/api",
                "-i",
                &format!("{h}/acme/api:1.9.9"),
                "--insecure-registry",
                &h,
            ],
        )
        .code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: default:statefulset/api: api: tag not found: {h}/acme/api:1.9.9 is not in \
             the registry\nerror: every workload that was tried failed; nothing was written\n"
        )
    );
    assert!(
        run.stdout.contains("failed  api: tag not found"),
        "{}",
        run.stdout
    );
    // A locked workload needs --force when named.
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "release",
                "-w",
                "deployment/locked",
                "--update-all-images",
                "--insecure-registry",
                &h,
                "--no-push",
            ],
        )
        .ok();
    assert!(run.stdout.contains("locked: incident 7"), "{}", run.stdout);
    sandbox
        .tagpilot(
            &repo.work,
            &[
                "release",
                "-w",
                "deployment/locked",
                "--update-all-images",
                "--force",
                "--insecure-registry",
                &h,
                "--no-push",
            ],
        )
        .ok();
    assert_eq!(
        sandbox
            .git(&repo.work, &["log", "-1", "--format=%s"])
            .trim(),
        "Release all latest to default:deployment/locked"
    );
    assert!(
        String::from_utf8(repo.read("apps/held.yaml"))
            .unwrap()
            .contains("acme/web:other-9")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_tried_workload_failing_is_exit_1() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let files = vec![
        (
            "apps/broken.yaml".to_owned(),
            format!(
                "kind: Deployment\nmetadata:\n  name: broken\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {h}/acme/missing:1\n"
            ),
        ),
        (
            "apps/manual.yaml".to_owned(),
            format!(
                "kind: Deployment\nmetadata:\n  name: manual\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {h}/acme/web:master-1\n"
            ),
        ),
    ];
    let repo = repo_with(&sandbox, &files);
    let head = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    let run = sync(&sandbox, &repo, &h, &[]).code(1);
    assert!(
        run.stderr
            .contains("error: every workload that was tried failed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("default:deployment/manual  skipped  not automated"),
        "{}",
        run.stdout
    );
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), head);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runs_sharing_one_cache_take_turns() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = repo_with(&sandbox, &manifests(&h));
    let url = format!("file://{}", repo.remote.display());
    let cache = sandbox.path().join("shared-cache");
    let args: Vec<String> = [
        "sync",
        "--git-url",
        &url,
        "--cache-dir",
        cache.to_str().unwrap(),
        "--insecure-registry",
        &h,
        "--platform",
        "linux/arm64",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for run in at_once(&sandbox, &[args.clone(), args.clone(), args]) {
        run.ok();
    }
    let log = sandbox.git(&repo.remote, &["log", "--format=%s", "main"]);
    assert_eq!(log.matches("Auto-release").count(), 1, "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_never_drops_the_users_unpushed_commits() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let repo = repo_with(&sandbox, &manifests(&h));
    // A local commit of the user's, not pushed...
    fs::write(repo.work.join("notes.txt"), "mine\n").unwrap();
    sandbox.git(&repo.work, &["add", "notes.txt"]);
    sandbox.git(&repo.work, &["commit", "-q", "-m", "mine"]);
    let mine = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    // ...while the remote moved on.
    sandbox.push_elsewhere(&repo, "README.md", "hello\n");
    let remote = sandbox.git(&repo.remote, &["rev-parse", "main"]);
    let run = sync(&sandbox, &repo, &h, &[]).code(1);
    assert!(
        run.stderr.contains("has commits that origin/main does not"),
        "{}",
        run.stderr
    );
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), mine);
    assert_eq!(sandbox.git(&repo.remote, &["rev-parse", "main"]), remote);
    assert_eq!(sandbox.git(&repo.work, &["status", "--porcelain"]), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_pushed_again_gets_its_new_digest_and_a_digest_alone_is_left() {
    let (registry, h) = images().await;
    let pusher = Pusher::new(&registry);
    let old = pusher
        .push(
            "acme/pinned",
            &ImageSpec::new("v1", Kind::Docker).created("2024-05-01T10:00:00Z"),
        )
        .await;
    let new = pusher
        .push(
            "acme/pinned",
            &ImageSpec::new("v1", Kind::Docker)
                .created("2024-05-02T10:00:00Z")
                .salt("again"),
        )
        .await;
    assert_ne!(old.digest, new.digest);
    let sandbox = Sandbox::new();
    let files = vec![(
        "apps/pinned.yaml".to_owned(),
        format!(
            "kind: Deployment\nmetadata:\n  name: pinned\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {h}/acme/pinned:v1@{}\n      - name: digest\n        image: {h}/acme/pinned@{}\n",
            old.digest, old.digest
        ),
    )];
    let repo = repo_with(&sandbox, &files);
    let run = sync(&sandbox, &repo, &h, &["--no-push", "-m", "refresh digests"]).ok();
    assert!(
        run.stdout
            .contains("digest: pinned by digest, with no tag to follow"),
        "{}",
        run.stdout
    );
    let text = String::from_utf8(repo.read("apps/pinned.yaml")).unwrap();
    assert!(
        text.contains(&format!("acme/pinned:v1@{}", new.digest)),
        "{text}"
    );
    assert!(
        text.contains(&format!("acme/pinned@{}", old.digest)),
        "{text}"
    );
    assert_eq!(
        sandbox
            .git(&repo.work, &["log", "-1", "--format=%s"])
            .trim(),
        "refresh digests"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_edit_fails_only_its_workload() {
    let (_registry, h) = images().await;
    let sandbox = Sandbox::new();
    let shared = format!(
        "kind: Deployment\nmetadata:\n  name: leaky\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: &img {h}/acme/web:master-1\n        env:\n        - name: IMG\n          value: *img\n---\nkind: Deployment\nmetadata:\n  name: fine\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {h}/acme/web:master-1\n"
    );
    let repo = repo_with(&sandbox, &[("apps/two.yaml".to_owned(), shared.clone())]);
    let run = sync(&sandbox, &repo, &h, &["--no-push"]).code(4);
    assert!(
        run.stdout.contains("default:deployment/leaky  failed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("env[0]/value"), "{}", run.stdout);
    assert!(
        run.stdout.contains("default:deployment/fine   success"),
        "{}",
        run.stdout
    );
    let text = String::from_utf8(repo.read("apps/two.yaml")).unwrap();
    let (first, second) = text.split_once("---").unwrap();
    assert!(first.contains("acme/web:master-1\n"), "{text}");
    assert!(second.contains("acme/web:other-9\n"), "{text}");
}

/// A registry nobody listens on: the error says what was being done and why, and says
/// "could not connect" once, without the HTTP client's own words for it.
#[test]
fn an_unreachable_registry_is_named_with_its_cause_once() {
    let h = crate::support::registry::REFUSED;
    let sandbox = Sandbox::new();
    let repo = repo_with(
        &sandbox,
        &[(
            "apps/app.yaml".to_owned(),
            format!(
                "kind: Deployment\nmetadata:\n  name: app\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {h}/acme/app:1\n"
            ),
        )],
    );
    let run = sync(
        &sandbox,
        &repo,
        h,
        &["--dry-run", "-o", "json", "--no-cache"],
    )
    .code(1);
    let json = run.json();
    let errors = json["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{json:#}");
    let error = errors[0].as_str().expect("text");
    let prefix = format!("default:deployment/app: app: listing tags of {h}/acme/app: ");
    assert!(error.starts_with(&prefix), "{error}");
    // The cause, said once: no `client error (Connect)` between the two.
    assert!(
        error.contains("could not connect: tcp connect error: Connection refused (os error 111)"),
        "{error}"
    );
    assert!(!error.contains("client error"), "{error}");
    assert_eq!(error.matches("connect").count(), 2, "{error}");
    assert!(
        run.stderr.lines().any(|l| l == format!("error: {error}")),
        "{}",
        run.stderr
    );
}
