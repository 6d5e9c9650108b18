//! What a script sees when something did not happen: exit codes, the exact `error:` and
//! `warning:` lines and the JSON fields, for the failures that once looked like success.

use serde_json::{Value, json};

use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::{Repo, Sandbox};

/// A Deployment `name` with `annotations` (lines under `annotations:`) and containers
/// `(name, image)`.
fn deployment(name: &str, annotations: &[&str], containers: &[(&str, &str)]) -> String {
    let mut text = format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n");
    if !annotations.is_empty() {
        text.push_str("  annotations:\n");
        for line in annotations {
            text.push_str(&format!("    {line}\n"));
        }
    }
    text.push_str("spec:\n  template:\n    spec:\n      containers:\n");
    for (container, image) in containers {
        text.push_str(&format!(
            "      - name: {container}\n        image: {image}\n"
        ));
    }
    text
}

/// A repository holding `files` (name, content).
fn repo(sandbox: &Sandbox, files: &[(String, String)]) -> Repo {
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_bytes()))
        .collect();
    sandbox.repo(&files)
}

/// `acme/api` 1.0.0, 1.1.0 and 2.0.0, and `acme/edge` a0 (amd64 and arm64) and a1 (arm64).
async fn release_images() -> (Registry, String) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("1.0.0", 1), ("1.1.0", 2), ("2.0.0", 3)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        pusher.push("acme/api", &spec).await;
    }
    for (tag, platforms) in [
        ("a0", &["linux/amd64", "linux/arm64"][..]),
        ("a1", &["linux/arm64"][..]),
    ] {
        let spec = ImageSpec::new(tag, Kind::OciIndex)
            .created("2024-05-01T10:00:00Z")
            .platforms(platforms);
        pusher.push("acme/edge", &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    (registry, host)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_release_that_cannot_happen_is_a_failure() {
    let (_registry, h) = release_images().await;
    let sandbox = Sandbox::new();
    let api = format!("{h}/acme/api:1.0.0");
    let repo = repo(
        &sandbox,
        &[
            (
                "api.yaml".into(),
                deployment("api", &["fluxcd.io/tag.api: semver:~1"], &[("api", &api)]),
            ),
            (
                "other.yaml".into(),
                deployment("other", &[], &[("api", &api)]),
            ),
            (
                "held.yaml".into(),
                deployment("held", &["fluxcd.io/locked: \"true\""], &[("api", &api)]),
            ),
            (
                "edge.yaml".into(),
                deployment("edge", &[], &[("edge", &format!("{h}/acme/edge:a0"))]),
            ),
        ],
    );
    let head = || sandbox.git(&repo.remote, &["rev-parse", "main"]);
    let before = head();
    let release = |args: &[&str]| {
        let mut all = vec!["release", "--exit-code"];
        all.extend_from_slice(args);
        sandbox.tagpilot(&repo.work, &all)
    };
    let both_failed = "error: every workload that was tried failed; nothing was written\n";

    // A tag not pushed yet.
    let image = format!("{h}/acme/api:1.9.9");
    let run = release(&["-w", "deployment/api", "-i", &image, "-o", "json"]).code(1);
    let error = format!("tag not found: {image} is not in the registry");
    assert_eq!(
        run.stderr,
        format!("error: default:deployment/api: api: {error}\n{both_failed}")
    );
    let result = &run.json()["results"][0];
    assert_eq!(result["status"], "failed");
    assert_eq!(
        result["failures"],
        json!([{"container": "api", "error": error}])
    );
    assert_eq!(result["updates"], json!([]));

    // A typo: no selected workload runs the image.
    let typo = format!("{h}/acme/apj:1.1.0");
    let run = release(&["-w", "deployment/api", "-i", &typo]).code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: release -i {typo}: no selected workload uses {h}/acme/apj: \
             default:deployment/api runs {h}/acme/api in api\n"
        )
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    // A tag the filter does not allow, and one not built for the platform.
    let image = format!("{h}/acme/api:2.0.0");
    let run = release(&["-w", "deployment/api", "-i", &image]).code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: default:deployment/api: api: 2.0.0 is not allowed by semver:~1 (--force \
             releases it anyway)\n{both_failed}"
        )
    );
    let run = release(&["-w", "deployment/edge", "-i", &format!("{h}/acme/edge:a1")]).code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: default:deployment/edge: edge: a1 is not available for linux/amd64\n\
             {both_failed}"
        )
    );
    assert_eq!(head(), before, "nothing may be pushed");

    // A locked workload stays skipped: nothing asked could be done, and nothing failed.
    let run = release(&["-w", "deployment/held", "-i", &image]).code(0);
    assert!(run.stdout.contains("skipped  locked"), "{}", run.stdout);

    // One workload moves and the other cannot: exit 4, and the move is pushed.
    let run = release(&[
        "-w",
        "deployment/api",
        "-w",
        "deployment/other",
        "-i",
        &image,
    ])
    .code(4);
    assert!(
        run.stderr.starts_with(
            "error: default:deployment/api: api: 2.0.0 is not allowed by semver:~1 (--force \
             releases it anyway)\nCommit pushed: "
        ),
        "{}",
        run.stderr
    );
    assert_ne!(head(), before);
    assert!(
        String::from_utf8(repo.read("other.yaml"))
            .unwrap()
            .contains(":2.0.0")
    );
    assert!(
        String::from_utf8(repo.read("api.yaml"))
            .unwrap()
            .contains(":1.0.0")
    );
}

/// `acme/db` 0.9, 1.1 and 1.2, and `acme/notime` t1 (no build time) and t2.
async fn fault_images() -> (Registry, String, Vec<String>) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    let mut digests = Vec::new();
    for (tag, day) in [("0.9", 1), ("1.1", 2), ("1.2", 3)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        digests.push(pusher.push("acme/db", &spec).await.digest);
    }
    pusher
        .push("acme/notime", &ImageSpec::new("t1", Kind::Docker))
        .await;
    let dated = ImageSpec::new("t2", Kind::Docker).created("2024-05-01T10:00:00Z");
    pusher.push("acme/notime", &dated).await;
    let host = registry.url().trim_start_matches("http://").to_owned();
    (registry, host, digests)
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_the_registry_cannot_serve_are_named_and_fail_when_none_can_be_read() {
    let (registry, h, digests) = fault_images().await;
    let sandbox = Sandbox::new();
    let automated = [
        "fluxcd.io/automated: \"true\"",
        "fluxcd.io/tag.db: glob:1.*",
    ];
    let repo = repo(
        &sandbox,
        &[(
            "db.yaml".into(),
            deployment("db", &automated, &[("db", &format!("{h}/acme/db:0.9"))]),
        )],
    );
    let sync = |args: &[&str]| {
        let mut all = vec!["sync", "--no-cache", "--exit-code", "--dry-run"];
        all.extend_from_slice(args);
        sandbox.tagpilot(&repo.work, &all)
    };
    // 1.2 is listed but its manifest is gone: a named warning, and 1.1 is taken.
    registry.break_blob(&digests[2]);
    let run = sync(&["-o", "json"]).code(3);
    let warning = format!(
        "{h}/acme/db:1.2 could not be read, so it is not a candidate: reading manifest \
         \"1.2\" of {h}/acme/db: HTTP 404 MANIFEST_UNKNOWN: manifest unknown"
    );
    assert_eq!(
        run.stderr,
        format!("warning: {warning}\nDry run: nothing written\n")
    );
    let json = run.json();
    assert_eq!(json["warnings"], json!([warning]));
    assert_eq!(json["results"][0]["updates"][0]["to"], "1.1");

    // Neither allowed tag can be read: the container fails, exit 1 even with --exit-code.
    registry.break_blob(&digests[1]);
    let run = sync(&["-o", "json"]).code(1);
    let error = format!(
        "no tag allowed by glob:1.* could be read: 1.1: reading manifest \"1.1\" of \
         {h}/acme/db: HTTP 404 MANIFEST_UNKNOWN: manifest unknown (and 1 more tags like it)"
    );
    assert_eq!(
        run.stderr,
        format!(
            "error: default:deployment/db: db: {error}\nerror: every workload that was tried \
             failed; nothing was written\n"
        )
    );
    let result = &run.json()["results"][0];
    assert_eq!(result["status"], "failed");
    assert_eq!(
        result["failures"],
        json!([{"container": "db", "error": error}])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_without_build_time_is_allowed_but_no_candidate_and_said_once() {
    let (_registry, h, _) = fault_images().await;
    let sandbox = Sandbox::new();
    let automated = ["fluxcd.io/automated: \"true\""];
    let image = format!("{h}/acme/notime:t2");
    let repo = repo(
        &sandbox,
        &[
            (
                "a.yaml".into(),
                deployment("b", &automated, &[("b", &image)]),
            ),
            (
                "b.yaml".into(),
                deployment("a", &automated, &[("a", &image)]),
            ),
        ],
    );
    let run = sandbox.tagpilot(&repo.work, &["sync", "--dry-run"]).ok();
    // Rows come sorted by workload ID, not in file order.
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .filter_map(|row| row.split_whitespace().next())
        .collect();
    assert_eq!(ids, ["default:deployment/a", "default:deployment/b"]);
    assert_eq!(
        run.stderr,
        format!(
            "warning: {h}/acme/notime:t1: no build time is known, so it is not a candidate for \
             glob and regex patterns\nNothing to do\n"
        )
    );
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["list-images", "-w", "deployment/a", "-o", "json"],
        )
        .ok();
    let available = &run.json()[0]["containers"][0]["available"];
    let t1 = available
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["tag"] == "t1")
        .unwrap();
    assert_eq!(t1["allowed"], true);
    assert_eq!(t1["note"], "no build time");
    let run = sandbox
        .tagpilot(&repo.work, &["list-images", "-w", "deployment/a"])
        .ok();
    assert!(
        run.stdout.contains("t1") && run.stdout.contains("no build time"),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_reference_is_named_everywhere_and_fails_its_container() {
    let (_registry, h) = release_images().await;
    let sandbox = Sandbox::new();
    let bad = format!("{h}/acme/App:1.0.0");
    let repo = repo(
        &sandbox,
        &[(
            "app.yaml".into(),
            deployment(
                "app",
                &["fluxcd.io/automated: \"true\""],
                &[("app", &bad), ("api", &format!("{h}/acme/api:1.0.0"))],
            ),
        )],
    );
    let warning = format!(
        "warning: app.yaml: default:deployment/app: container app: invalid image reference \
         \"{bad}\": repository name must be lower case\n"
    );
    // release -i of the name meant: the warning says why no workload uses it.
    let wanted = format!("{h}/acme/app:2.0");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["release", "-w", "deployment/app", "-i", &wanted],
        )
        .code(1);
    assert_eq!(
        run.stderr,
        format!(
            "{warning}error: release -i {wanted}: no selected workload uses {h}/acme/app: \
             default:deployment/app runs {h}/acme/api in api\n"
        )
    );
    // sync: the container fails, the other one moves; the workload is partial (exit 4).
    let run = sandbox
        .tagpilot(&repo.work, &["sync", "--dry-run", "-o", "json"])
        .code(4);
    let error = format!("invalid image reference \"{bad}\": repository name must be lower case");
    assert_eq!(
        run.stderr,
        format!("{warning}error: default:deployment/app: app: {error}\nDry run: nothing written\n")
    );
    let result = &run.json()["results"][0];
    assert_eq!(result["status"], "partial");
    assert_eq!(
        result["failures"],
        json!([{"container": "app", "error": error}])
    );
    assert_eq!(result["updates"][0]["container"], "api");
    let run = sandbox.tagpilot(&repo.work, &["sync", "--dry-run"]).code(4);
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        rows[1].split_whitespace().take(3).collect::<Vec<_>>(),
        ["default:deployment/app", "partial", "api:"]
    );
    assert!(
        rows[2]
            .trim_start()
            .starts_with("app: invalid image reference"),
        "{}",
        run.stdout
    );
    // list-images names it too.
    let run = sandbox.tagpilot(&repo.work, &["list-images"]).ok();
    assert_eq!(run.stderr, warning);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_images_exits_1_when_every_repository_failed() {
    let sandbox = Sandbox::new();
    let host = crate::support::registry::REFUSED;
    let repo = repo(
        &sandbox,
        &[(
            "app.yaml".into(),
            deployment("app", &[], &[("app", &format!("{host}/acme/app:1"))]),
        )],
    );
    let run = sandbox
        .tagpilot(&repo.work, &["list-images", "-o", "json", "-q"])
        .code(1);
    let error = run.json()[0]["containers"][0]["error"].clone();
    let Value::String(error) = error else {
        panic!("{}", run.stdout)
    };
    assert!(error.contains("Connection refused"), "{error}");
    assert_eq!(run.stderr, format!("error: {error}\n"));
}

#[test]
fn malformed_ids_and_tag_values_are_usage_errors() {
    let sandbox = Sandbox::new();
    let repo = repo(
        &sandbox,
        &[(
            "app.yaml".into(),
            deployment("app", &[], &[("app", "example.com/app:1")]),
        )],
    );
    for (args, message) in [
        (
            &["list-workloads", "-w", "app"][..],
            "error: workload ID \"app\": expected namespace:kind/name or kind/name, as \
             list-workloads shows them\n",
        ),
        (
            &["policy", "-w", "deployment/app", "--tag", "app"][..],
            "error: --tag \"app\": expected CONTAINER=PATTERN, e.g. app=semver:~1.2\n",
        ),
        (
            &["release", "-w", "deployment/app", "-i", "example.com/App:2"][..],
            "error: invalid value 'example.com/App:2' for '--update-image <IMAGE:TAG>': invalid \
             image reference \"example.com/App:2\": repository name must be lower case\n\n\
             For more information, try '--help'.\n",
        ),
    ] {
        let run = sandbox.tagpilot(&repo.work, args).code(2);
        assert_eq!(run.stderr, message, "{args:?}");
    }
    // An unknown ID is an error (1) that names it once and suggests the closest.
    let run = sandbox
        .tagpilot(&repo.work, &["lock", "-w", "deployment/ap"])
        .code(1);
    assert_eq!(
        run.stderr,
        "error: no workload default:deployment/ap in the scanned manifests; did you mean \
         default:deployment/app?\n"
    );
}

#[test]
fn text_from_manifests_cannot_drive_the_terminal() {
    let sandbox = Sandbox::new();
    let repo = repo(
        &sandbox,
        &[(
            "app.yaml".into(),
            deployment(
                "app",
                &[
                    "fluxcd.io/automated: \"true\"",
                    "fluxcd.io/locked: \"true\"",
                    "fluxcd.io/locked_msg: \"clear\\e[2J\\nfake: line\"",
                ],
                &[("app", "example.com/app:1")],
            ),
        )],
    );
    let run = sandbox.tagpilot(&repo.work, &["sync", "--dry-run"]).ok();
    assert_eq!(
        run.stdout,
        "WORKLOAD                STATUS   UPDATES\n\
         default:deployment/app  skipped  locked: clear\\u{1b}[2J\\nfake: line\n"
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_with_escape_sequences_is_shown_escaped() {
    use crate::support::fake_http::{FakeServer, Response};
    // A registry that lists a tag no real registry accepts, and has no manifests.
    let registry = FakeServer::start("127.0.0.1", |req| {
        if req.path() == "/v2/acme/app/tags/list" {
            Response::json(
                200,
                &json!({"name": "acme/app", "tags": ["1", "evil\u{1b}[2J\nrow"]}),
            )
        } else {
            Response::new(404)
        }
    })
    .await;
    let host = registry.host();
    let sandbox = Sandbox::new();
    let repo = repo(
        &sandbox,
        &[(
            "app.yaml".into(),
            deployment("app", &[], &[("app", &format!("{host}/acme/app:1"))]),
        )],
    );
    let run = sandbox
        .tagpilot(&repo.work, &["list-images", "--insecure-registry", &host])
        .code(0);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(
        run.stdout.contains("evil\\u{1b}[2J\\nrow"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_wait_before_a_retry_is_said() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::support::fake_http::{FakeServer, Response};
    let refused = Arc::new(AtomicBool::new(false));
    let once = Arc::clone(&refused);
    let registry = FakeServer::start("127.0.0.1", move |req| {
        if req.path() != "/v2/acme/app/tags/list" {
            return Response::new(404);
        }
        if !once.swap(true, Ordering::SeqCst) {
            return Response::error(429, "TOOMANYREQUESTS", "slow down").header("retry-after", "2");
        }
        Response::json(200, &json!({"name": "acme/app", "tags": ["1"]}))
    })
    .await;
    let host = registry.host();
    let sandbox = Sandbox::new();
    let repo = repo(
        &sandbox,
        &[(
            "app.yaml".into(),
            deployment("app", &[], &[("app", &format!("{host}/acme/app:1"))]),
        )],
    );
    let run = sandbox
        .tagpilot(&repo.work, &["list-images", "--insecure-registry", &host])
        .ok();
    assert!(
        run.stderr.starts_with(&format!(
            "waiting 2 s before trying again: listing tags of {host}/acme/app: HTTP 429 \
             TOOMANYREQUESTS: slow down\n"
        )),
        "{}",
        run.stderr
    );
    // -q keeps it quiet.
    refused.store(false, Ordering::SeqCst);
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["list-images", "-q", "--insecure-registry", &host],
        )
        .ok();
    assert!(!run.stderr.contains("waiting"), "{}", run.stderr);
}
