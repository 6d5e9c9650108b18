//! The registry client against a real registry (distribution 2.8) and against a fake
//! server for what 2.8 cannot show: pagination, tokens, faults, bad content, redirects.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use tagpilot::registry::{Availability, Client, ClientOptions, RegistryError, RepoKey, TagDetails};

use crate::support::fake_http::{Content, FakeServer, Request, Response};
use crate::support::registry::{
    BASIC_PASSWORD, BASIC_USER, Built, ImageSpec, Kind, Pusher, Registry, build,
    docker_config_with_auth,
};

const CREATED: &str = "org.opencontainers.image.created";

/// Options for tests: fast retries, no rate limit to speak of, plain HTTP allowed.
fn options(host: &str) -> ClientOptions {
    ClientOptions {
        concurrency: 8,
        rps: 10_000.0,
        timeout: Duration::from_secs(10),
        insecure_hosts: vec![host.to_owned()],
        retry_base: Duration::from_millis(2),
        ..ClientOptions::default()
    }
}

fn client(opts: ClientOptions) -> Client {
    Client::new(opts).expect("building the client")
}

fn time(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().into()
}

/// The twelve edge cases of the testbed's example spec.
pub(crate) fn edge_cases() -> Vec<ImageSpec> {
    vec![
        ImageSpec::new("plain-docker", Kind::Docker).created("2024-03-01T10:00:00Z"),
        ImageSpec::new("plain-oci", Kind::Oci).created("2024-03-02T10:00:00.123456789Z"),
        ImageSpec::new("offset-tz", Kind::Oci).created("2024-03-03T12:00:00+02:00"),
        ImageSpec::new("no-created-label-only", Kind::Docker)
            .label(CREATED, "2024-03-04T10:00:00Z"),
        ImageSpec::new("label-schema-only", Kind::Docker)
            .label("org.label-schema.build-date", "2024-03-05T10:00:00Z"),
        ImageSpec::new("reproducible-epoch", Kind::Oci)
            .created("1970-01-01T00:00:00Z")
            .annotation(CREATED, "2024-03-06T10:00:00Z"),
        ImageSpec::new("no-timestamp-at-all", Kind::Docker),
        ImageSpec::new("multi-docker-list", Kind::DockerList)
            .created("2024-03-07T10:00:00Z")
            .platforms(&["linux/amd64", "linux/arm64/v8", "linux/arm/v7"])
            .platform_created("linux/arm64/v8", "2024-03-07T11:00:00Z"),
        ImageSpec::new("multi-oci-attest", Kind::OciIndex)
            .created("2024-03-08T10:00:00Z")
            .attestation(),
        ImageSpec::new("multi-oci-index-annotated", Kind::OciIndex)
            .created("2024-03-09T10:00:00Z")
            .index_annotation(CREATED, "2024-03-09T09:00:00Z"),
        ImageSpec::new("arm-only", Kind::OciIndex)
            .created("2024-03-10T10:00:00Z")
            .platforms(&["linux/arm64/v8"]),
        ImageSpec::new("latest", Kind::Docker).created("2024-03-11T10:00:00Z"),
    ]
}

/// (tag, on linux/amd64, on linux/arm64): `None` = not available for the platform,
/// `Some(None)` = available without a known time.
#[allow(clippy::type_complexity)]
const EXPECTED: &[(&str, Option<Option<&str>>, Option<Option<&str>>)] = &[
    (
        "plain-docker",
        Some(Some("2024-03-01T10:00:00Z")),
        Some(Some("2024-03-01T10:00:00Z")),
    ),
    (
        "plain-oci",
        Some(Some("2024-03-02T10:00:00.123456789Z")),
        Some(Some("2024-03-02T10:00:00.123456789Z")),
    ),
    (
        "offset-tz",
        Some(Some("2024-03-03T10:00:00Z")),
        Some(Some("2024-03-03T10:00:00Z")),
    ),
    (
        "no-created-label-only",
        Some(Some("2024-03-04T10:00:00Z")),
        Some(Some("2024-03-04T10:00:00Z")),
    ),
    (
        "label-schema-only",
        Some(Some("2024-03-05T10:00:00Z")),
        Some(Some("2024-03-05T10:00:00Z")),
    ),
    (
        "reproducible-epoch",
        Some(Some("2024-03-06T10:00:00Z")),
        Some(Some("2024-03-06T10:00:00Z")),
    ),
    ("no-timestamp-at-all", Some(None), Some(None)),
    (
        "multi-docker-list",
        Some(Some("2024-03-07T10:00:00Z")),
        Some(Some("2024-03-07T11:00:00Z")),
    ),
    (
        "multi-oci-attest",
        Some(Some("2024-03-08T10:00:00Z")),
        Some(Some("2024-03-08T10:00:00Z")),
    ),
    // the config's time comes before the index annotation
    (
        "multi-oci-index-annotated",
        Some(Some("2024-03-09T10:00:00Z")),
        Some(Some("2024-03-09T10:00:00Z")),
    ),
    ("arm-only", None, Some(Some("2024-03-10T10:00:00Z"))),
    (
        "latest",
        Some(Some("2024-03-11T10:00:00Z")),
        Some(Some("2024-03-11T10:00:00Z")),
    ),
];

fn check_expected(
    details: &std::collections::BTreeMap<String, Result<TagDetails, RegistryError>>,
    pushed: &[Built],
    arm: bool,
) {
    for (tag, amd64, arm64) in EXPECTED {
        let want = if arm { arm64 } else { amd64 };
        let got = details[*tag]
            .as_ref()
            .unwrap_or_else(|e| panic!("{tag}: {e}"));
        let built = pushed.iter().find(|b| b.tag == *tag).unwrap();
        assert_eq!(got.digest, built.digest, "{tag}: digest");
        match want {
            None => {
                assert_eq!(got.availability, Availability::NotForPlatform, "{tag}");
                assert_eq!(got.created, None, "{tag}");
            }
            Some(t) => {
                assert_eq!(got.availability, Availability::Available, "{tag}");
                assert_eq!(got.created, t.map(time), "{tag} (arm64: {arm})");
            }
        }
    }
}

#[tokio::test]
async fn edge_cases_on_a_real_registry_for_amd64_and_arm64() {
    let reg = Registry::start();
    let pusher = Pusher::new(&reg);
    let mut pushed = Vec::new();
    for spec in edge_cases() {
        pushed.push(pusher.push("edge/cases", &spec).await);
    }
    let repo = RepoKey::new(reg.host.clone(), "edge/cases");

    let amd = client(options(&reg.host));
    let scan = amd.scan(&repo, |_| true).await.unwrap();
    let mut tags = scan.tags.clone();
    tags.sort();
    let mut want: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    want.sort();
    assert_eq!(tags, want);
    assert!(scan.warnings.is_empty());
    check_expected(&scan.details, &pushed, false);

    let arm = client(ClientOptions {
        platform: "linux/arm64".parse().unwrap(),
        ..options(&reg.host)
    });
    let scan = arm.scan(&repo, |_| true).await.unwrap();
    check_expected(&scan.details, &pushed, true);

    // only the wanted tags are read
    let scan = amd.scan(&repo, |t| t.starts_with("multi-")).await.unwrap();
    assert_eq!(scan.details.len(), 3);
    assert_eq!(scan.tags.len(), 12);

    // one tag at a time, and errors that say what and where
    let one = amd.tag_facts(&repo, "arm-only").await.unwrap();
    assert_eq!(one.availability, Availability::NotForPlatform);
    let err = amd.tag_facts(&repo, "nope").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "reading manifest \"nope\" of {}/edge/cases: HTTP 404 MANIFEST_UNKNOWN: manifest unknown",
            reg.host
        )
    );
    let err = amd
        .list_tags(&RepoKey::new(reg.host.clone(), "no/such"))
        .await
        .unwrap_err();
    assert!(err.is_not_found() && !err.is_temporary(), "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "listing tags of {}/no/such: HTTP 404 NAME_UNKNOWN",
            reg.host
        )),
        "{err}"
    );
}

#[tokio::test]
async fn basic_auth_on_a_real_registry() {
    let reg = Registry::start_htpasswd();
    let pusher = Pusher::with_basic(&reg, BASIC_USER, BASIC_PASSWORD);
    let built = pusher
        .push(
            "private/app",
            &ImageSpec::new("1.0", Kind::Docker).created("2024-01-01T00:00:00Z"),
        )
        .await;
    let repo = RepoKey::new(reg.host.clone(), "private/app");

    let anonymous = client(options(&reg.host));
    let err = anonymous.list_tags(&repo).await.unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("requires a user name and password"),
        "{err}"
    );

    let (_dir, config) = docker_config_with_auth(&reg.host, BASIC_USER, "wrong");
    let wrong = client(ClientOptions {
        docker_config: Some(config),
        ..options(&reg.host)
    });
    let err = wrong.list_tags(&repo).await.unwrap_err();
    assert!(err.to_string().contains("refused the credentials"), "{err}");
    assert!(!format!("{err} {err:?}").contains("wrong"), "{err:?}");

    let (_dir, config) = docker_config_with_auth(&reg.host, BASIC_USER, BASIC_PASSWORD);
    let logged: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&logged);
    let good = client(ClientOptions {
        docker_config: Some(config),
        request_log: Some(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        })),
        ..options(&reg.host)
    });
    let scan = good.scan(&repo, |_| true).await.unwrap();
    let d = scan.details["1.0"].as_ref().unwrap();
    assert_eq!(d.digest, built.digest);
    assert_eq!(d.created, Some(time("2024-01-01T00:00:00Z")));
    let log = logged.lock().unwrap().join("\n");
    assert!(
        log.contains(&format!(
            "GET http://{}/v2/private/app/tags/list?n=1000 -> 401",
            reg.host
        )),
        "{log}"
    );
    assert!(
        !log.contains("testpass") && !log.contains("dGVzdHVzZXI6dGVzdHBhc3M"),
        "{log}"
    );
}

#[tokio::test]
async fn a_warm_cache_asks_only_for_the_tags_list() {
    let reg = Registry::start();
    let pusher = Pusher::new(&reg);
    let repo_name = "cache/app";
    for i in 0..5 {
        let spec = ImageSpec::new(&format!("1.{i}"), Kind::Docker)
            .created(&format!("2024-01-0{}T00:00:00Z", i + 1));
        pusher.push(repo_name, &spec).await;
    }
    pusher
        .push(
            repo_name,
            &ImageSpec::new("multi", Kind::OciIndex)
                .created("2024-02-01T00:00:00Z")
                .attestation(),
        )
        .await;
    let repo = RepoKey::new(reg.host.clone(), repo_name);
    let cache = tempfile::tempdir().unwrap();
    let with_cache = |refresh: bool| {
        client(ClientOptions {
            cache_dir: Some(cache.path().to_owned()),
            refresh,
            ..options(&reg.host)
        })
    };
    let tags_list = format!("\"GET /v2/{repo_name}/tags/list");
    let manifest_or_blob = |l: &String| {
        l.contains(&format!("/v2/{repo_name}/manifests/"))
            || l.contains(&format!("/v2/{repo_name}/blobs/"))
    };

    let cold = with_cache(false).scan(&repo, |_| true).await.unwrap();
    assert!(cold.warnings.is_empty(), "{:?}", cold.warnings);
    reg.wait_for_log(&tags_list, 1).await;
    let mark = reg.access_log().len();

    // warm: one tags-list request, nothing per tag
    let warm_client = with_cache(false);
    let warm = warm_client.scan(&repo, |_| true).await.unwrap();
    reg.wait_for_log(&tags_list, 2).await;
    let after: Vec<String> = reg.access_log()[mark..].to_vec();
    assert_eq!(
        after.iter().filter(|l| l.contains(&tags_list)).count(),
        1,
        "{after:#?}"
    );
    assert_eq!(
        after.iter().filter(|l| manifest_or_blob(l)).count(),
        0,
        "{after:#?}"
    );
    assert_eq!(warm.details.len(), 6);
    for (tag, d) in &cold.details {
        assert_eq!(
            d.as_ref().unwrap(),
            warm.details[tag].as_ref().unwrap(),
            "{tag}"
        );
    }
    // the client's own count agrees: the https try (insecure host) and one page
    assert!(
        warm_client.requests_sent() <= 2,
        "{}",
        warm_client.requests_sent()
    );

    // a moved tag is fetched again on a re-check; the others cost one HEAD each
    let moved = pusher
        .push(
            repo_name,
            &ImageSpec::new("1.2", Kind::Docker)
                .created("2024-05-05T00:00:00Z")
                .salt("moved"),
        )
        .await;
    let mark = reg.access_log().len();
    let refreshed = with_cache(true).scan(&repo, |_| true).await.unwrap();
    reg.wait_for_log(&tags_list, 3).await;
    let d = refreshed.details["1.2"].as_ref().unwrap();
    assert_eq!(d.digest, moved.digest);
    assert_eq!(d.created, Some(time("2024-05-05T00:00:00Z")));
    let after: Vec<String> = reg.access_log()[mark..].to_vec();
    let heads = after
        .iter()
        .filter(|l| l.contains("\"HEAD ") && l.contains("/manifests/"))
        .count();
    let gets: Vec<&String> = after
        .iter()
        .filter(|l| l.contains("\"GET ") && manifest_or_blob(l))
        .collect();
    assert_eq!(heads, 6, "{after:#?}");
    assert_eq!(
        gets.len(),
        2,
        "the moved manifest by digest and its config: {gets:#?}"
    );
    assert!(
        gets[0].contains(&moved.digest) || gets[1].contains(&moved.digest),
        "{gets:#?}"
    );

    // two runs at once leave a readable cache
    let (a, b) = (with_cache(true), with_cache(true));
    let (ra, rb) = tokio::join!(a.scan(&repo, |_| true), b.scan(&repo, |_| true));
    assert!(ra.unwrap().warnings.is_empty() && rb.unwrap().warnings.is_empty());
    assert!(
        with_cache(false)
            .scan(&repo, |_| true)
            .await
            .unwrap()
            .warnings
            .is_empty()
    );
    reg.wait_for_log(&tags_list, 6).await;

    // a corrupt cache file is a warning and is rebuilt
    let files: Vec<_> = walk(cache.path());
    assert_eq!(files.len(), 1, "{files:?}");
    std::fs::write(&files[0], b"{ not json").unwrap();
    let rebuilt = with_cache(false).scan(&repo, |_| true).await.unwrap();
    assert_eq!(rebuilt.warnings.len(), 1);
    assert!(
        rebuilt.warnings[0].contains("corrupt") && rebuilt.warnings[0].contains("rebuilding"),
        "{:?}",
        rebuilt.warnings
    );
    assert_eq!(
        rebuilt.details["1.2"].as_ref().unwrap().digest,
        moved.digest
    );
    reg.wait_for_log(&tags_list, 7).await;
    let mark = reg.access_log().len();
    let again = with_cache(false).scan(&repo, |_| true).await.unwrap();
    assert!(again.warnings.is_empty());
    reg.wait_for_log(&tags_list, 8).await;
    assert_eq!(
        reg.access_log()[mark..]
            .iter()
            .filter(|l| manifest_or_blob(l))
            .count(),
        0
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn reads_2500_tags_over_relative_and_absolute_links() {
    let all: Vec<String> = (0..2500).map(|i| format!("1.0.{i}")).collect();
    let mut sorted = all.clone();
    sorted.sort();
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        if req.path() != "/v2/big/app/tags/list" {
            return Response::error(404, "NAME_UNKNOWN", "unknown");
        }
        let n: usize = req
            .query("n")
            .and_then(|n| n.parse().ok())
            .unwrap_or(100)
            .min(300);
        let start = match req.query("last") {
            Some(last) => sorted.iter().position(|t| *t == last).map_or(0, |i| i + 1),
            None => 0,
        };
        let page: Vec<&String> = sorted.iter().skip(start).take(n).collect();
        let mut resp = Response::json(200, &json!({"name": "big/app", "tags": page}));
        if start + n < sorted.len() {
            let last = page.last().unwrap();
            let page_no = start / n;
            // alternate relative and absolute links
            let link = if page_no.is_multiple_of(2) {
                format!("</v2/big/app/tags/list?last={last}&n={n}>; rel=\"next\"")
            } else {
                format!(
                    "<http://{}/v2/big/app/tags/list?last={last}&n={n}>; rel=\"next\"",
                    req.header("host").unwrap()
                )
            };
            resp = resp.header("link", &link);
        }
        resp
    })
    .await;
    let c = client(options(&server.host()));
    let repo = RepoKey::new(server.host(), "big/app");
    let scan = c.scan(&repo, |_| false).await.unwrap();
    assert_eq!(scan.tags.len(), 2500);
    let mut got = scan.tags.clone();
    got.sort();
    let mut want = all.clone();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(scan.pages, 9);
    assert_eq!(server.count(|r| r.path() == "/v2/big/app/tags/list"), 9);
    assert!(scan.details.is_empty());
}

#[tokio::test]
async fn odd_tag_lists() {
    // a registry that refuses `n` gets asked again without it
    let server = FakeServer::start("127.0.0.1", |req: &Request| {
        if req.query("n").is_some() {
            return Response::error(
                400,
                "PAGINATION_NUMBER_INVALID",
                "invalid number of results requested",
            );
        }
        Response::json(200, &json!({"name": "a/b", "tags": ["x", "y", "x"]}))
    })
    .await;
    let c = client(options(&server.host()));
    assert_eq!(
        c.list_tags(&RepoKey::new(server.host(), "a/b"))
            .await
            .unwrap(),
        ["x", "y"]
    );
    assert_eq!(server.count(|_| true), 2);

    // `tags: null` is an empty repository; a link back to the same page ends the walk
    let server = FakeServer::start("127.0.0.1", |req: &Request| {
        Response::json(200, &json!({"name": "a/b", "tags": null}))
            .header("link", &format!("<{}>; rel=\"next\"", req.target))
    })
    .await;
    let c = client(options(&server.host()));
    assert!(
        c.list_tags(&RepoKey::new(server.host(), "a/b"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(server.count(|_| true), 1);

    // names that would change the URL are refused before any request
    let err = c
        .list_tags(&RepoKey::new(server.host(), "a/../b"))
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Invalid { .. }), "{err:?}");
    let err = c
        .tag_facts(&RepoKey::new(server.host(), "a/b"), "../x")
        .await
        .unwrap_err();
    assert!(matches!(err, RegistryError::Invalid { .. }), "{err:?}");
    assert_eq!(server.count(|_| true), 1);
}

/// One docker image and one index, served from memory.
fn small_content() -> (Content, Vec<Built>) {
    let mut content = Content::default();
    let a = build(&ImageSpec::new("1.0", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let b = build(
        &ImageSpec::new("2.0", Kind::OciIndex)
            .created("2024-02-01T00:00:00Z")
            .attestation(),
    );
    content.add(&a);
    content.add(&b);
    (content, vec![a, b])
}

#[derive(Default)]
struct TokenServer {
    issued: u32,
    /// Uses of each token; a token is refused after `revoke_after` uses.
    uses: HashMap<String, u32>,
    revoke_after: u32,
    /// Tokens said to be issued long ago (already expired on arrival).
    stale: bool,
}

async fn bearer_registry(revoke_after: u32, stale: bool) -> (FakeServer, Arc<Mutex<TokenServer>>) {
    let (content, _) = small_content();
    let state = Arc::new(Mutex::new(TokenServer {
        revoke_after,
        stale,
        ..TokenServer::default()
    }));
    let st = Arc::clone(&state);
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        let host = req.header("host").unwrap_or_default().to_owned();
        let mut s = st.lock().unwrap();
        if req.path() == "/token" {
            if req.method != "POST"
                && (req.query("service").as_deref() != Some("fake-registry") || req.query("scope").is_none())
            {
                return Response::new(400);
            }
            s.issued += 1;
            let token = format!("tok-{}", s.issued);
            s.uses.insert(token.clone(), 0);
            let issued_at = if s.stale { "2020-01-01T00:00:00Z".to_owned() } else { chrono::Utc::now().to_rfc3339() };
            // alternate the two field names servers use
            let field = if s.issued.is_multiple_of(2) { "token" } else { "access_token" };
            return Response::json(200, &json!({field: token, "expires_in": 300, "issued_at": issued_at}));
        }
        let challenge = |error: Option<&str>| {
            let mut v = format!(
                "Bearer realm=\"http://{host}/token\",service=\"fake-registry\",scope=\"repository:team/app:pull\""
            );
            if let Some(e) = error {
                v.push_str(&format!(",error=\"{e}\""));
            }
            Response::error(401, "UNAUTHORIZED", "authentication required").header("www-authenticate", &v)
        };
        let Some(token) = req.header("authorization").and_then(|a| a.strip_prefix("Bearer ")) else {
            return challenge(None);
        };
        let revoke_after = s.revoke_after;
        match s.uses.get_mut(token) {
            Some(n) if *n < revoke_after => *n += 1,
            _ => return challenge(Some("invalid_token")),
        }
        drop(s);
        content.serve("team/app", req).unwrap_or_else(|| Response::new(404))
    })
    .await;
    (server, state)
}

#[tokio::test]
async fn bearer_tokens_are_fetched_cached_and_renewed() {
    let (server, state) = bearer_registry(1000, false).await;
    let repo = RepoKey::new(server.host(), "team/app");
    let c = client(options(&server.host()));
    let scan = c.scan(&repo, |_| true).await.unwrap();
    assert_eq!(scan.details.len(), 2);
    for d in scan.details.values() {
        assert!(d.is_ok(), "{d:?}");
    }
    // one token for the whole scan, asked for anonymously with the right scope
    assert_eq!(state.lock().unwrap().issued, 1);
    let token_reqs: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/token")
        .collect();
    assert_eq!(
        token_reqs[0].query("scope").as_deref(),
        Some("repository:team/app:pull")
    );
    assert!(token_reqs[0].header("authorization").is_none());
    // only the first request went without a token
    assert_eq!(
        server.count(|r| r.path() != "/token" && r.header("authorization").is_none()),
        1
    );

    // the server stops taking a token (expired or revoked): a new one is fetched
    let (server, state) = bearer_registry(2, false).await;
    let c = client(options(&server.host()));
    let repo = RepoKey::new(server.host(), "team/app");
    let scan = c.scan(&repo, |_| true).await.unwrap();
    assert!(scan.details.values().all(|d| d.is_ok()), "{scan:?}");
    assert!(
        state.lock().unwrap().issued >= 3,
        "{}",
        state.lock().unwrap().issued
    );

    // a token that expired before it arrived is used once, then renewed
    let (server, state) = bearer_registry(1000, true).await;
    let c = client(options(&server.host()));
    let repo = RepoKey::new(server.host(), "team/app");
    c.list_tags(&repo).await.unwrap();
    c.list_tags(&repo).await.unwrap();
    assert_eq!(state.lock().unwrap().issued, 2);
}

#[tokio::test]
async fn bearer_with_credentials_and_identity_tokens() {
    let (server, _state) = bearer_registry(1000, false).await;
    let repo = RepoKey::new(server.host(), "team/app");
    let (_dir, config) = docker_config_with_auth(&server.host(), "user", "s3cret");
    let c = client(ClientOptions {
        docker_config: Some(config),
        ..options(&server.host())
    });
    c.list_tags(&repo).await.unwrap();
    let reqs = server.requests();
    let token = reqs.iter().find(|r| r.path() == "/token").unwrap();
    assert_eq!(
        token.header("authorization"),
        Some("Basic dXNlcjpzM2NyZXQ=")
    );
    assert_eq!(token.query("account").as_deref(), Some("user"));
    // the registry itself never sees the password
    assert!(
        reqs.iter()
            .filter(|r| r.path() != "/token")
            .all(|r| !r.header("authorization").unwrap_or("").starts_with("Basic"))
    );

    let (server, _state) = bearer_registry(1000, false).await;
    let repo = RepoKey::new(server.host(), "team/app");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        serde_json::to_vec(&json!({"auths": {server.host(): {"identitytoken": "refresh-me"}}}))
            .unwrap(),
    )
    .unwrap();
    let c = client(ClientOptions {
        docker_config: Some(config),
        ..options(&server.host())
    });
    c.list_tags(&repo).await.unwrap();
    let token = server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/token")
        .unwrap();
    assert_eq!(token.method, "POST");
    let body = String::from_utf8(token.body.clone()).unwrap();
    for part in [
        "grant_type=refresh_token",
        "refresh_token=refresh-me",
        "service=fake-registry",
        "client_id=tagpilot",
    ] {
        assert!(body.contains(part), "{body}");
    }
    assert!(
        body.contains("scope=repository%3Ateam%2Fapp%3Apull"),
        "{body}"
    );
}

#[tokio::test]
async fn survives_429_with_retry_after_and_two_503s() {
    let (content, _) = small_content();
    let calls = Arc::new(Mutex::new(0u32));
    let n = Arc::clone(&calls);
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        let mut n = n.lock().unwrap();
        *n += 1;
        match *n {
            1 => Response::error(429, "TOOMANYREQUESTS", "slow down").header("retry-after", "1"),
            2 | 3 => Response::new(503).body(b"<html>unavailable</html>".to_vec()),
            _ => content
                .serve("team/app", req)
                .unwrap_or_else(|| Response::new(404)),
        }
    })
    .await;
    let c = client(options(&server.host()));
    let repo = RepoKey::new(server.host(), "team/app");
    let started = Instant::now();
    let tags = c.list_tags(&repo).await.unwrap();
    assert_eq!(tags, ["1.0", "2.0"]);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    assert_eq!(*calls.lock().unwrap(), 4);

    // a registry that keeps failing: four retries, then a temporary error
    let calls = Arc::new(Mutex::new(0u32));
    let n = Arc::clone(&calls);
    let server = FakeServer::start("127.0.0.1", move |_req: &Request| {
        *n.lock().unwrap() += 1;
        Response::error(503, "UNAVAILABLE", "down for maintenance")
    })
    .await;
    let c = client(options(&server.host()));
    let err = c
        .list_tags(&RepoKey::new(server.host(), "team/app"))
        .await
        .unwrap_err();
    assert!(err.is_temporary(), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "listing tags of {}/team/app: HTTP 503 UNAVAILABLE: down for maintenance",
            server.host()
        )
    );
    assert_eq!(*calls.lock().unwrap(), 5);

    // a Retry-After longer than we wait for fails at once
    let server = FakeServer::start("127.0.0.1", |_req: &Request| {
        Response::new(429).header("retry-after", "3600")
    })
    .await;
    let c = client(options(&server.host()));
    let err = c
        .list_tags(&RepoKey::new(server.host(), "team/app"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.count(|_| true), 1);
}

#[tokio::test]
async fn timeouts_are_retried() {
    let calls = Arc::new(Mutex::new(0u32));
    let n = Arc::clone(&calls);
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        let mut n = n.lock().unwrap();
        *n += 1;
        if *n == 1 || req.path().starts_with("/v2/slow/") {
            return Response::hang(Duration::from_secs(5));
        }
        Response::json(200, &json!({"name": "a/b", "tags": ["x"]}))
    })
    .await;
    let c = client(ClientOptions {
        timeout: Duration::from_millis(200),
        max_retries: 2,
        ..options(&server.host())
    });
    assert_eq!(
        c.list_tags(&RepoKey::new(server.host(), "a/b"))
            .await
            .unwrap(),
        ["x"]
    );
    let err = c
        .list_tags(&RepoKey::new(server.host(), "slow/b"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Transport { timeout: true, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "listing tags of {}/slow/b: request timed out",
            server.host()
        )
    );
    assert_eq!(server.count(|r| r.path().starts_with("/v2/slow/")), 3);
}

#[tokio::test]
async fn the_rate_limit_halves_after_a_429() {
    let seen = Arc::new(Mutex::new(0));
    let n = Arc::clone(&seen);
    let server = FakeServer::start("127.0.0.1", move |_req: &Request| {
        let mut n = n.lock().unwrap();
        *n += 1;
        if *n == 7 {
            return Response::new(429).header("retry-after", "0");
        }
        Response::json(200, &json!({"name": "a/b", "tags": ["x"]}))
    })
    .await;
    let repo = RepoKey::new(server.host(), "a/b");
    // 20 per second with a burst of 20: six calls go at once
    let c = client(ClientOptions {
        rps: 20.0,
        ..options(&server.host())
    });
    let started = Instant::now();
    for _ in 0..6 {
        c.list_tags(&repo).await.unwrap();
    }
    let unlimited = started.elapsed();
    // the next one meets a 429: from then on 10 per second and no burst, so six more
    // requests (the retry and five calls) take half a second, where the burst of 20
    // would have let them all go at once
    let started = Instant::now();
    for _ in 0..6 {
        c.list_tags(&repo).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?} (before: {unlimited:?})",
        started.elapsed()
    );
    assert_eq!(*seen.lock().unwrap(), 13);
}

/// With no fixed cap (the default), requests go as fast as they are made until the host
/// says 429; from then on they are spaced at half the rate the host was asked at, and
/// every call still succeeds. (The climb back is checked in the limiter's unit tests.)
#[tokio::test]
async fn without_a_cap_a_429_slows_the_host_to_half_its_rate() {
    let arrivals = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let seen = Arc::clone(&arrivals);
    let server = FakeServer::start("127.0.0.1", move |_req: &Request| {
        let mut seen = seen.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() == 11 {
            return Response::new(429).header("retry-after", "0");
        }
        Response::json(200, &json!({"name": "a/b", "tags": ["x"]}))
    })
    .await;
    let repo = RepoKey::new(server.host(), "a/b");
    let c = client(ClientOptions {
        rps: 0.0,
        ..options(&server.host())
    });
    for _ in 0..14 {
        c.list_tags(&repo).await.unwrap();
    }
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 15, "the 429 was retried");
    // The host was asked at most 11 times in the second before the 429, so it is then
    // asked at no more than 5.5 per second, a gap of 0.18 s; 0.15 s allows for the climb.
    for pair in arrivals[11..].windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(
            gap >= Duration::from_millis(150),
            "{gap:?} between requests after the 429"
        );
    }
}

#[tokio::test]
async fn truncated_and_oversized_bodies_are_rejected() {
    let (content, built) = small_content();
    let tag_digest = built[0].digest.clone();
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        let path = req.path().to_owned();
        if path.ends_with("/manifests/cut") {
            let (mt, bytes) = &content.manifests["1.0"];
            return Response::bytes(mt, bytes).truncated();
        }
        if path.ends_with("/manifests/big") {
            return Response::bytes(
                crate::support::registry::DOCKER_MANIFEST,
                &vec![b' '; 5 * 1024 * 1024],
            );
        }
        if path.ends_with("/manifests/big-chunked") {
            return Response::bytes(
                crate::support::registry::DOCKER_MANIFEST,
                &vec![b' '; 5 * 1024 * 1024],
            )
            .chunked();
        }
        if path.ends_with("/manifests/reset") {
            return Response::close();
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let c = client(options(&server.host()));
    let repo = RepoKey::new(server.host(), "team/app");
    let err = c.tag_facts(&repo, "cut").await.unwrap_err();
    assert!(matches!(err, RegistryError::Transport { .. }), "{err:?}");
    assert_eq!(
        server.count(|r| r.path().ends_with("/cut")),
        5,
        "retried four times"
    );
    let err = c.tag_facts(&repo, "reset").await.unwrap_err();
    assert!(err.is_temporary(), "{err}");
    assert_eq!(server.count(|r| r.path().ends_with("/reset")), 5);

    for tag in ["big", "big-chunked"] {
        let err = c.tag_facts(&repo, tag).await.unwrap_err();
        assert!(
            matches!(err, RegistryError::TooLarge { limit: 4194304, .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "reading manifest \"{tag}\" of {}/team/app: response body larger than 4194304 bytes",
                server.host()
            )
        );
        assert_eq!(
            server.count(|r| r.path().ends_with(&format!("/{tag}"))),
            1,
            "not retried"
        );
    }
    // the good tag still reads
    assert_eq!(c.tag_facts(&repo, "1.0").await.unwrap().digest, tag_digest);
}

#[tokio::test]
async fn a_config_that_does_not_match_its_digest_is_rejected() {
    let (mut content, built) = small_content();
    let config_digest = built[0].configs["linux/amd64"].clone();
    // same descriptor, other bytes
    content.blobs.insert(
        config_digest.clone(),
        br#"{"created":"2030-01-01T00:00:00Z"}"#.to_vec(),
    );
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let c = client(options(&server.host()));
    let repo = RepoKey::new(server.host(), "team/app");
    let scan = c.scan(&repo, |_| true).await.unwrap();
    let err = scan.details["1.0"].as_ref().unwrap_err();
    assert!(
        matches!(err, RegistryError::DigestMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(&format!("reading config blob {config_digest} of tag \"1.0\" of {}/team/app: content does not match its digest", server.host())), "{err}");
    // the other tag is not affected
    assert!(scan.details["2.0"].is_ok());
}

#[tokio::test]
async fn credentials_do_not_follow_a_redirect_to_another_host() {
    let storage = FakeServer::start("127.0.0.2", |req: &Request| {
        if req.header("authorization").is_some() {
            return Response::new(400).body(b"Only one auth mechanism allowed".to_vec());
        }
        let digest = req.path().trim_start_matches("/storage/");
        let (_, built) = small_content();
        let blob = built
            .iter()
            .flat_map(|b| b.blobs.iter())
            .find(|b| crate::support::registry::sha256(b) == digest);
        match blob {
            Some(b) => Response::bytes("application/octet-stream", b),
            None => Response::new(404),
        }
    })
    .await;
    let (content, built) = small_content();
    let storage_host = storage.host();
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        if req.header("authorization") != Some("Basic dXNlcjpzM2NyZXQ=") {
            return Response::error(401, "UNAUTHORIZED", "authentication required")
                .header("www-authenticate", "Basic realm=\"fake\"");
        }
        if let Some(d) = req.path().strip_prefix("/v2/team/app/blobs/") {
            return Response::new(307).header(
                "location",
                &format!("http://{storage_host}/storage/{d}?X-Amz-Signature=topsecret"),
            );
        }
        // a redirect on the same host keeps the credentials
        if req.path() == "/v2/team/app/manifests/moved" {
            return Response::new(307).header("location", "/v2/team/app/manifests/1.0");
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let (_dir, config) = docker_config_with_auth(&server.host(), "user", "s3cret");
    let logged: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&logged);
    let c = client(ClientOptions {
        docker_config: Some(config),
        insecure_hosts: vec![server.host(), storage.host()],
        request_log: Some(Arc::new(move |line: &str| {
            sink.lock().unwrap().push(line.to_owned())
        })),
        ..options(&server.host())
    });
    let repo = RepoKey::new(server.host(), "team/app");
    let d = c.tag_facts(&repo, "1.0").await.unwrap();
    assert_eq!(d.digest, built[0].digest);
    assert_eq!(d.created, Some(time("2024-01-01T00:00:00Z")));
    assert_eq!(storage.count(|_| true), 1);
    assert_eq!(storage.count(|r| r.header("authorization").is_some()), 0);
    let before = server.requests().len();
    let d = c.tag_facts(&repo, "moved").await.unwrap();
    assert_eq!(d.digest, built[0].digest);
    let after = &server.requests()[before..];
    assert!(
        after.iter().any(|r| r.path().ends_with("/manifests/1.0")),
        "{after:?}"
    );
    assert!(
        after.iter().all(|r| r.header("authorization").is_some()),
        "{after:?}"
    );
    let log = logged.lock().unwrap().join("\n");
    assert!(
        log.contains(&format!("GET http://{}/storage/", storage.host())),
        "{log}"
    );
    assert!(
        !log.contains("topsecret") && !log.contains("s3cret") && !log.contains("dXNlcjpzM2NyZXQ="),
        "{log}"
    );
}

#[tokio::test]
async fn credential_helpers_supply_basic_credentials() {
    use std::os::unix::fs::PermissionsExt as _;
    let (content, _) = small_content();
    let server = FakeServer::start("127.0.0.1", move |req: &Request| {
        if req.header("authorization") != Some("Basic dXNlcjpzM2NyZXQ=") {
            return Response::error(401, "UNAUTHORIZED", "authentication required")
                .header("www-authenticate", "Basic realm=\"fake\"");
        }
        content
            .serve("team/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let bin = tempfile::tempdir().unwrap();
    let script = format!(
        "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread -r server\nif [ \"$server\" = \"{}\" ]; then\n  \
         echo '{{\"ServerURL\":\"x\",\"Username\":\"user\",\"Secret\":\"s3cret\"}}'\nelse\n  \
         echo 'credentials not found in native keychain'; exit 1\nfi\n",
        server.host()
    );
    for name in ["docker-credential-good", "docker-credential-store"] {
        let p = bin.path().join(name);
        std::fs::write(&p, &script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let p = bin.path().join("docker-credential-broken");
    std::fs::write(&p, "#!/bin/sh\necho 'keychain locked'\nexit 1\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let conf = tempfile::tempdir().unwrap();
    let with_config = |value: serde_json::Value| {
        let path = conf.path().join(format!("{}.json", rand_name(&value)));
        std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
        client(ClientOptions {
            docker_config: Some(path),
            credential_helper_path: Some(bin.path().as_os_str().to_owned()),
            ..options(&server.host())
        })
    };
    let repo = RepoKey::new(server.host(), "team/app");
    // credHelpers for this host wins over credsStore
    let c = with_config(json!({"credsStore": "broken", "credHelpers": {server.host(): "good"}}));
    assert_eq!(c.list_tags(&repo).await.unwrap(), ["1.0", "2.0"]);
    // credsStore for everything
    let c = with_config(json!({"credsStore": "store"}));
    assert_eq!(c.list_tags(&repo).await.unwrap(), ["1.0", "2.0"]);
    // a helper that fails is an error that names it
    let c = with_config(json!({"credsStore": "broken"}));
    let err = c.list_tags(&repo).await.unwrap_err();
    assert!(matches!(err, RegistryError::Credentials { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "listing tags of {0}/team/app: getting credentials for {0} from docker-credential-broken: \
             it failed (exit status: 1): keychain locked",
            server.host()
        )
    );
    // a helper with nothing for the host falls back to auths, here nothing: anonymous
    let c = with_config(
        json!({"credHelpers": {"other.example": "good"}, "credsStore": "", "auths": {}}),
    );
    let err = c.list_tags(&repo).await.unwrap_err();
    assert!(matches!(err, RegistryError::Auth { .. }), "{err:?}");
}

fn rand_name(v: &serde_json::Value) -> String {
    crate::support::registry::sha256(v.to_string().as_bytes())[7..19].to_owned()
}

/// Scans started together on an insecure host try HTTPS once between them, and a warm run
/// that learnt nothing leaves the cache files as they were.
#[tokio::test]
async fn one_https_probe_per_insecure_host_and_no_rewrite_of_an_unchanged_cache() {
    let reg = Registry::start();
    let pusher = Pusher::new(&reg);
    let names: Vec<String> = (0..4).map(|i| format!("probe/app{i}")).collect();
    for name in &names {
        pusher
            .push(
                name,
                &ImageSpec::new("1.0", Kind::Docker).created("2024-01-01T00:00:00Z"),
            )
            .await;
    }
    let cache = tempfile::tempdir().unwrap();
    let scan_all = || async {
        let client = client(ClientOptions {
            cache_dir: Some(cache.path().to_owned()),
            ..options(&reg.host)
        });
        let repos: Vec<RepoKey> = names
            .iter()
            .map(|n| RepoKey::new(reg.host.clone(), n))
            .collect();
        let scans = futures::future::join_all(repos.iter().map(|r| client.scan(r, |_| true))).await;
        assert!(scans.iter().all(Result::is_ok));
        client.requests_sent()
    };
    // Cold: per repository a tags list, a manifest and a config blob, plus one HTTPS try.
    assert_eq!(scan_all().await, 4 * 3 + 1);
    let files = walk(cache.path());
    let stamps: Vec<_> = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().modified().unwrap())
        .collect();
    // Warm: a tags list each, the HTTPS try, and no cache file written again.
    assert_eq!(scan_all().await, 4 + 1);
    let again: Vec<_> = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().modified().unwrap())
        .collect();
    assert_eq!(stamps, again);
}

/// A tag pushed again within the re-check interval: a digest written beside it is compared
/// with the registry's digest now, never with the cached one.
#[tokio::test]
async fn rechecked_tags_bypass_the_cached_digest() {
    let reg = Registry::start();
    let pusher = Pusher::new(&reg);
    let first = pusher
        .push(
            "recheck/app",
            &ImageSpec::new("v1", Kind::Docker).created("2024-01-01T00:00:00Z"),
        )
        .await;
    let repo = RepoKey::new(reg.host.clone(), "recheck/app");
    let cache = tempfile::tempdir().unwrap();
    let client = || {
        client(ClientOptions {
            cache_dir: Some(cache.path().to_owned()),
            ..options(&reg.host)
        })
    };
    let cold = client().scan(&repo, |_| true).await.unwrap();
    assert_eq!(cold.details["v1"].as_ref().unwrap().digest, first.digest);
    let second = pusher
        .push(
            "recheck/app",
            &ImageSpec::new("v1", Kind::Docker)
                .created("2024-01-02T00:00:00Z")
                .salt("again"),
        )
        .await;
    // Within the interval the cache still answers with the old digest...
    let cached = client().scan(&repo, |_| true).await.unwrap();
    assert_eq!(cached.details["v1"].as_ref().unwrap().digest, first.digest);
    // ...unless the tag is rechecked.
    let fresh = client()
        .scan_rechecking(&repo, |_| true, |t| t == "v1")
        .await
        .unwrap();
    let details = fresh.details["v1"].as_ref().unwrap();
    assert_eq!(details.digest, second.digest);
    assert_eq!(details.created, Some(time("2024-01-02T00:00:00Z")));
}

/// Forwards `req` to the registry at `upstream` (`host:port`) over plain HTTP/1.1 and
/// returns its answer: a proxy a test can put its own answers in front of.
fn forward(upstream: &str, req: &Request) -> Response {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(upstream).expect("connecting upstream");
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {upstream}\r\nConnection: close\r\n",
        req.method, req.target
    );
    for name in ["accept", "authorization"] {
        if let Some(value) = req.header(name) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("sending upstream");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("reading upstream");
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let text = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = text.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let mut response = Response::new(status).body(answer[split + 4..].to_vec());
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if ["content-type", "docker-content-digest", "link"].contains(&name.as_str()) {
            response = response.header(&name, value.trim());
        }
    }
    response
}

/// The default client (no fixed rate cap) against a real registry behind a proxy that
/// answers 429 for a while: each 429 is tried again at the host's halved rate, and every
/// tag is still read. (How the rate halves and climbs back is shown against a fake server
/// above and in the limiter's unit tests.)
#[tokio::test(flavor = "multi_thread")]
async fn a_real_registry_behind_a_spell_of_429s_is_read_whole() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    let tags: Vec<String> = (0..16).map(|i| format!("1.0.{i}")).collect();
    for (i, tag) in tags.iter().enumerate() {
        let spec = ImageSpec::new(tag, Kind::Docker)
            .created(&format!("2024-05-01T{:02}:00:00Z", i % 24))
            .salt(tag);
        pusher.push("acme/app", &spec).await;
    }
    let upstream = registry.url().trim_start_matches("http://").to_owned();
    let answered = Arc::new(Mutex::new(Vec::<(Instant, u16)>::new()));
    let log = Arc::clone(&answered);
    let proxy = FakeServer::start("127.0.0.1", move |req: &Request| {
        let mut log = log.lock().unwrap();
        // Requests 6 to 8 get a 429 with Retry-After: 0, as a registry under load says.
        let response = if (6..=8).contains(&log.len()) {
            Response::error(429, "TOOMANYREQUESTS", "slow down").header("retry-after", "0")
        } else {
            forward(&upstream, req)
        };
        log.push((Instant::now(), response.status));
        response
    })
    .await;
    let c = client(ClientOptions {
        rps: 0.0,
        concurrency: 4,
        max_retries: 8,
        ..options(&proxy.host())
    });
    let scan = c
        .scan(&RepoKey::new(proxy.host(), "acme/app"), |_| true)
        .await
        .unwrap();
    // Every tag read, with its build time, despite the 429s.
    assert_eq!(scan.tags.len(), 16);
    for (i, tag) in tags.iter().enumerate() {
        let details = scan.details[tag].as_ref().unwrap();
        assert_eq!(
            details.created.map(|t| t.to_rfc3339()),
            Some(format!("2024-05-01T{:02}:00:00+00:00", i % 24))
        );
    }
    let log = answered.lock().unwrap().clone();
    let throttled = log.iter().filter(|(_, s)| *s == 429).count();
    assert_eq!(throttled, 3);
    // One tags list and a manifest and a config per tag, each answered once with success.
    assert_eq!(log.len() - throttled, 1 + 2 * 16);
}
