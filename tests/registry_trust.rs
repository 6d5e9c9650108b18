//! Registries that cannot be trusted or that misbehave: lying digests, endless pages,
//! slow and dead hosts, credentials asked for over plain HTTP, plain HTTP where TLS was
//! expected, unknown certificate authorities, and rate limits. Through the library and
//! through the CLI, with exact messages and exit codes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tagpilot::registry::{Client, ClientOptions, RegistryError, RepoKey};

use crate::support::fake_http::{Content, FakeServer, Request, Response};
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry, build, docker_config_with_auth};
use crate::support::tls::TestCa;
use crate::support::{Run, Sandbox};

/// Options for tests: fast retries, plain HTTP allowed.
fn options(host: &str) -> ClientOptions {
    ClientOptions {
        concurrency: 8,
        timeout: Duration::from_secs(10),
        insecure_hosts: vec![host.to_owned()],
        retry_base: Duration::from_millis(2),
        ..ClientOptions::default()
    }
}

fn client(opts: ClientOptions) -> Client {
    Client::new(opts).expect("building the client")
}

/// Images `1.0` … `<n-1>.0`, served from memory.
fn content(n: usize) -> Content {
    let mut content = Content::default();
    for i in 0..n {
        let spec = ImageSpec::new(&format!("{i}.0"), Kind::Docker)
            .created(&format!("2024-01-{:02}T00:00:00Z", i % 28 + 1));
        content.add(&build(&spec));
    }
    content
}

/// A repository with one automated Deployment whose container `app` uses `image`.
fn one_workload(sandbox: &Sandbox, image: &str) -> crate::support::Repo {
    let yaml = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {image}\n"
    );
    sandbox.repo(&[("app.yaml", yaml.as_bytes())])
}

fn is_manifest(r: &Request) -> bool {
    r.path().contains("/manifests/")
}

#[tokio::test]
async fn a_tag_whose_docker_content_digest_lies_is_an_error_for_that_tag() {
    let content = content(2);
    let honest = content.manifests["0.0"].clone();
    let actual = crate::support::registry::sha256(&honest.1);
    let lie = crate::support::registry::sha256(&content.manifests["1.0"].1);
    let told = lie.clone();
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        if req.path().ends_with("/manifests/0.0") {
            // The body of 0.0 under the digest of 1.0.
            return Response::bytes(&honest.0, &honest.1).header("docker-content-digest", &told);
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let c = client(options(&server.host()));
    let scan = c
        .scan(&RepoKey::new(server.host(), "team/app"), |_| true)
        .await
        .unwrap();
    let err = scan.details["0.0"].as_ref().unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "reading manifest \"0.0\" of {}/team/app: content does not match its digest {lie} (sha256 of the bytes is {actual})",
            server.host()
        )
    );
    assert!(matches!(err, RegistryError::DigestMismatch { .. }));
    assert!(scan.details["1.0"].is_ok());
}

/// A registry whose tags list does not end in any useful time: every page holds 1000 new
/// tags and a `Link` to the next, for 300 pages (so that a client without a bound fails
/// these tests instead of running for hours).
async fn endless_pages() -> FakeServer {
    FakeServer::start("127.0.0.1", |req: &Request| {
        if !req.path().ends_with("/tags/list") {
            return Response::new(404);
        }
        let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
        let tags: Vec<String> = (0..1000)
            .map(|i| format!("build-{page:08}-{i:04}-{}", "x".repeat(40)))
            .collect();
        let resp = Response::json(200, &json!({"name": "team/app", "tags": tags}));
        if page >= 300 {
            return resp;
        }
        resp.header(
            "link",
            &format!("</v2/team/app/tags/list?page={}>; rel=\"next\"", page + 1),
        )
    })
    .await
}

#[tokio::test]
async fn endless_link_pages_stop_at_max_tags() {
    let server = endless_pages().await;
    let c = client(ClientOptions {
        max_tags: 2500,
        ..options(&server.host())
    });
    let err = c
        .list_tags(&RepoKey::new(server.host(), "team/app"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "listing tags of {}/team/app: more than 2500 tags; raise --max-tags if the repository really has that many",
            server.host()
        )
    );
    assert_eq!(server.count(|_| true), 3);
}

/// The default bound holds memory down: measured, not timed.
#[tokio::test(flavor = "multi_thread")]
async fn endless_link_pages_keep_memory_bounded_through_the_cli() {
    let server = endless_pages().await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &format!("{}/team/app:1.0", server.host()));
    let work = repo.work.clone();
    let host = server.host();
    let (run, peak_kib) = tokio::task::spawn_blocking(move || {
        sandbox.tagpilot_peak_memory(&work, &["sync", "--dry-run", "--insecure-registry", &host])
    })
    .await
    .unwrap();
    let run = run.code(1);
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            format!(
                "error: default:deployment/app: app: listing tags of {}/team/app: more than 100000 tags; raise --max-tags if the repository really has that many",
                server.host()
            )
            .as_str()
        ),
        "{}",
        run.stderr
    );
    // 100 pages of 1000 tags, then the one that went over the bound.
    assert_eq!(server.count(|r| r.path().ends_with("/tags/list")), 101);
    // 100 000 tags of 60 bytes are 6 MB of text; the old code grew without end.
    eprintln!("peak resident memory: {peak_kib} KiB");
    assert!(peak_kib < 96 * 1024, "peak resident memory {peak_kib} KiB");
}

#[tokio::test]
async fn the_deadline_fails_an_unfinished_repository() {
    let content = content(20);
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        let resp = content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404));
        if is_manifest(req) {
            resp.delayed(Duration::from_millis(300))
        } else {
            resp
        }
    })
    .await;
    let c = client(ClientOptions {
        concurrency: 2,
        deadline: Some(Duration::from_secs(1)),
        ..options(&server.host())
    });
    let err = c
        .scan(&RepoKey::new(server.host(), "team/app"), |_| true)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "scanning {}/team/app: not finished within the 1 s deadline of the registry phase (--deadline)",
            server.host()
        )
    );
    assert!(matches!(err, RegistryError::Deadline { secs: 1, .. }));
    // Not every manifest was asked for: the scan stopped.
    assert!(
        server.count(is_manifest) < 20,
        "{}",
        server.count(is_manifest)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deadline_through_the_cli() {
    let content = content(40);
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        let resp = content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404));
        if is_manifest(req) {
            resp.delayed(Duration::from_millis(500))
        } else {
            resp
        }
    })
    .await;
    let sandbox = Sandbox::new();
    let repo = one_workload(&sandbox, &format!("{}/team/app:0.0", server.host()));
    let host = server.host();
    let flag_host = host.clone();
    let run = tokio::task::spawn_blocking(move || {
        sandbox.tagpilot(
            &repo.work,
            &[
                "sync",
                "--dry-run",
                "--deadline",
                "1",
                "--concurrency",
                "2",
                "--insecure-registry",
                &flag_host,
            ],
        )
    })
    .await
    .unwrap()
    .code(1);
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            format!(
                "error: default:deployment/app: app: scanning {host}/team/app: not finished within the 1 s deadline of the registry phase (--deadline)"
            )
            .as_str()
        ),
        "{}",
        run.stderr
    );
    assert!(server.count(is_manifest) < 40);
}

#[tokio::test]
async fn a_host_that_times_out_three_times_in_a_row_is_given_up() {
    let content = content(10);
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        if is_manifest(req) {
            return Response::hang(Duration::from_secs(5));
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let c = client(ClientOptions {
        concurrency: 1,
        timeout: Duration::from_millis(200),
        ..options(&server.host())
    });
    let scan = c
        .scan(&RepoKey::new(server.host(), "team/app"), |_| true)
        .await
        .unwrap();
    assert_eq!(server.count(is_manifest), 3);
    // Each tag whose request was sent and timed out says so; every other one was never sent.
    let h = server.host();
    let mut own = 0;
    for (tag, result) in &scan.details {
        let message = result.as_ref().unwrap_err().to_string();
        let doing = format!("reading manifest {tag:?} of {h}/team/app");
        if message == format!("{doing}: not sent, because {h} failed 3 times in a row (timed out)")
        {
            continue;
        }
        assert!(message.starts_with(&format!("{doing}: ")), "{message}");
        assert!(message.contains("timed out"), "{message}");
        own += 1;
    }
    assert_eq!(own, 3);
    assert_eq!(scan.details.len(), 10);
}

/// An HTTPS registry whose Bearer realm is on a plain-HTTP token server.
async fn https_registry_with_http_realm(ca: &TestCa) -> (FakeServer, FakeServer) {
    let realm = FakeServer::start("127.0.0.1", |_req: &Request| {
        Response::json(200, &json!({"token": "anonymous-token"}))
    })
    .await;
    let challenge = format!(
        "Bearer realm=\"http://{}/token\",service=\"fake\"",
        realm.host()
    );
    let content = content(1);
    let registry = FakeServer::start_tls("127.0.0.1", ca.acceptor(), move |req: &Request| {
        if req.header("authorization") != Some("Bearer anonymous-token") {
            return Response::error(401, "UNAUTHORIZED", "authentication required")
                .header("www-authenticate", &challenge);
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    (registry, realm)
}

#[tokio::test]
async fn credentials_are_not_sent_to_a_plain_http_realm_of_an_https_registry() {
    let ca = TestCa::new("tagpilot test CA");
    let (registry, realm) = https_registry_with_http_realm(&ca).await;
    let (_dir, config) = docker_config_with_auth(&registry.host(), "user", "s3cret");
    let c = client(ClientOptions {
        docker_config: Some(config),
        ..options(&registry.host())
    });
    let err = c
        .list_tags(&RepoKey::new(registry.host(), "team/app"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "listing tags of {h}/team/app (getting a token from http://{r}/token): {h} is asked over HTTPS but names a plain-HTTP token realm; its credentials are not sent there",
            h = registry.host(),
            r = realm.host()
        )
    );
    assert_eq!(realm.count(|_| true), 0);
    // Without credentials there is nothing to leak: the anonymous token is fetched.
    let c = client(options(&registry.host()));
    let tags = c
        .list_tags(&RepoKey::new(registry.host(), "team/app"))
        .await
        .unwrap();
    assert_eq!(tags, ["0.0"]);
    assert_eq!(realm.count(|_| true), 1);
}

/// A real registry holding `team/app` tags 1.0 and 2.0.
async fn real_registry() -> Registry {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("1.0", 1), ("2.0", 2)] {
        let spec =
            ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
        pusher.push("team/app", &spec).await;
    }
    registry
}

/// Runs tagpilot off the async threads.
async fn run(sandbox: Arc<Sandbox>, cwd: PathBuf, args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sandbox.tagpilot(&cwd, &args)
    })
    .await
    .unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| (*a).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn loopback_registries_are_insecure_by_default_as_docker_has_it() {
    let registry = real_registry().await;
    let port = registry.host.rsplit(':').next().unwrap().to_owned();
    for host in [registry.host.clone(), format!("localhost:{port}")] {
        let sandbox = Arc::new(Sandbox::new());
        let repo = one_workload(&sandbox, &format!("{host}/team/app:1.0"));
        let out = run(
            Arc::clone(&sandbox),
            repo.work.clone(),
            strings(&["sync", "--dry-run", "-o", "json"]),
        )
        .await
        .ok();
        let json = out.json();
        assert_eq!(json["results"][0]["status"], "success", "{}", out.stderr);
        assert_eq!(json["results"][0]["updates"][0]["to"], "2.0");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plain_http_answer_to_https_says_what_to_do_at_once() {
    let registry = real_registry().await;
    let h = registry.host.clone();
    let sandbox = Arc::new(Sandbox::new());
    let repo = one_workload(&sandbox, &format!("{h}/team/app:1.0"));
    let config = sandbox.path().join("tagpilot.yaml");
    std::fs::write(
        &config,
        format!("registries:\n  - host: {h}\n    insecure: false\n"),
    )
    .unwrap();
    let out = run(
        Arc::clone(&sandbox),
        repo.work.clone(),
        strings(&[
            "sync",
            "--dry-run",
            "-v",
            "--config",
            config.to_str().unwrap(),
        ]),
    )
    .await
    .code(1);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(
        errors[0],
        format!(
            "error: default:deployment/app: app: listing tags of {h}/team/app: {h} answered plain HTTP; pass --insecure-registry {h}"
        ),
        "{}",
        out.stderr
    );
    // One request, not retried, and the log says why it failed.
    let requests: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("GET "))
        .collect();
    assert_eq!(requests.len(), 1, "{}", out.stderr);
    assert!(
        requests[0].starts_with(&format!(
            "GET https://{h}/v2/team/app/tags/list?n=1000 -> plain HTTP answer ("
        )),
        "{}",
        requests[0]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_insecure_registry_with_a_scheme_is_a_usage_error() {
    let sandbox = Arc::new(Sandbox::new());
    let repo = one_workload(&sandbox, "127.0.0.1:5000/team/app:1.0");
    let out = run(
        Arc::clone(&sandbox),
        repo.work.clone(),
        strings(&[
            "sync",
            "--dry-run",
            "--insecure-registry",
            "http://127.0.0.1:5000",
        ]),
    )
    .await
    .code(2);
    assert_eq!(
        out.stderr.lines().next(),
        Some(
            "error: invalid value 'http://127.0.0.1:5000' for '--insecure-registry <HOST[:PORT]>': \"http://127.0.0.1:5000\" has a scheme; give HOST[:PORT] (the flag allows plain HTTP and unverified HTTPS both)"
        ),
        "{}",
        out.stderr
    );
}

/// Three workloads in one file, one per image.
fn workloads(sandbox: &Sandbox, images: &[String]) -> crate::support::Repo {
    let docs: Vec<String> = images
        .iter()
        .enumerate()
        .map(|(i, image)| format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\n  annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: {image}\n"
        ))
        .collect();
    sandbox.repo(&[("apps.yaml", docs.join("---\n").as_bytes())])
}

#[tokio::test(flavor = "multi_thread")]
async fn verbose_request_lines_say_why_a_request_failed() {
    let refused = crate::support::registry::REFUSED;
    let slow = FakeServer::start("127.0.0.1", |_req: &Request| {
        Response::hang(Duration::from_secs(10))
    })
    .await;
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let content = content(1);
    let flaky = FakeServer::start("127.0.0.1", move |req: &Request| {
        if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return Response::error(503, "UNAVAILABLE", "try later")
                .header("set-cookie", "session=s3cr3t");
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let sandbox = Arc::new(Sandbox::new());
    let repo = workloads(
        &sandbox,
        &[
            format!("{refused}/team/app:0.0"),
            format!("{}/team/app:0.0", slow.host()),
            format!("{}/team/app:0.0", flaky.host()),
        ],
    );
    let out = run(
        Arc::clone(&sandbox),
        repo.work.clone(),
        strings(&["sync", "--dry-run", "-vv", "--timeout", "1"]),
    )
    .await
    .code(4);
    let ms = regex::Regex::new(r"\(\d+ ms\)").unwrap();
    let lines: Vec<String> = out
        .stderr
        .lines()
        .map(|l| ms.replace(l, "(ms)").into_owned())
        .collect();
    let count = |line: &str| lines.iter().filter(|l| *l == line).count();
    let list = "/v2/team/app/tags/list?n=1000";
    let slow = slow.host();
    let flaky = flaky.host();
    assert_eq!(
        count(&format!(
            "GET https://{refused}{list} -> connection refused (ms) [HTTPS probe of insecure host {refused}]"
        )),
        1,
        "{}",
        out.stderr
    );
    assert_eq!(
        count(&format!(
            "GET http://{refused}{list} -> connection refused (ms)"
        )),
        3
    );
    assert_eq!(
        count(&format!("GET http://{slow}{list} -> timed out (ms)")),
        3
    );
    let at = lines
        .iter()
        .position(|l| *l == format!("GET http://{flaky}{list} -> HTTP 503 (ms)"))
        .unwrap_or_else(|| panic!("{}", out.stderr));
    assert_eq!(
        lines[at + 1..at + 4],
        [
            "    content-type: application/json",
            "    set-cookie: (redacted)",
            "    content-length: 71"
        ]
    );
    assert!(!out.stderr.contains("s3cr3t"));
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        errors,
        [
            &format!(
                "error: default:deployment/app0: app: listing tags of {refused}/team/app: could not connect: tcp connect error: Connection refused (os error 111)"
            ),
            &format!(
                "error: default:deployment/app1: app: listing tags of {slow}/team/app: request timed out"
            ),
        ]
    );
}
