//! Registries that say more than the distribution API, each played by a local server that
//! speaks the vendor's documented format with its quirks: Google's extended tags list
//! (build times, numbers as strings, "0" for unknown), Docker Hub's Hub API beside a
//! registry that counts pulls, Quay's and ACR's tag APIs (push times, newest first).

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use tagpilot::registry::{Api, Client, ClientOptions, RegistryError, RepoKey};

use crate::support::Sandbox;
use crate::support::fake_http::{Content, FakeServer, Response};
use crate::support::registry::{ImageSpec, Kind, build, docker_config_with_auth};
use crate::support::vendor::{Dialect, GITHUB_TOKEN, REPOSITORY, Shelf, Vendor};

#[tokio::test(flavor = "multi_thread")]
async fn a_google_style_listing_gives_build_times_in_one_request() {
    // Two tags the listing dates, one it dates "0" (unknown), and the images to fetch for
    // that one the usual way.
    let mut content = Content::default();
    let fallback = build(&ImageSpec::new("c", Kind::Docker).created("2024-05-03T10:00:00Z"));
    content.add(&fallback);
    let docker = "application/vnd.docker.distribution.manifest.v2+json";
    let listing = json!({
        "name": "acme/app",
        "tags": ["a", "b", "c"],
        "manifest": {
            "sha256:aaaa000000000000000000000000000000000000000000000000000000000000": {
                "imageSizeBytes": "1024", "layerId": "", "mediaType": docker,
                "tag": ["a"], "timeCreatedMs": "1714557600000", "timeUploadedMs": "1714557700000"
            },
            "sha256:bbbb000000000000000000000000000000000000000000000000000000000000": {
                "imageSizeBytes": "1024", "layerId": "", "mediaType": docker,
                "tag": ["b"], "timeCreatedMs": "1714644000000", "timeUploadedMs": "1714644100000"
            },
            fallback.digest.clone(): {
                "imageSizeBytes": "1024", "layerId": "", "mediaType": docker,
                "tag": ["c"], "timeCreatedMs": "0", "timeUploadedMs": "1714730400000"
            }
        }
    });
    let registry = FakeServer::start("127.0.0.1", move |req| {
        if req.path() == "/v2/acme/app/tags/list" {
            return Response::json(200, &listing);
        }
        content
            .serve("acme/app", req)
            .unwrap_or_else(|| Response::new(404))
    })
    .await;
    let host = registry.host();
    let sandbox = Sandbox::new();
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: app\n        image: {host}/acme/app:a\n"
    );
    let repo = sandbox.repo(&[("app.yaml", manifest.as_bytes())]);
    let run = sandbox
        .tagpilot(&repo.work, &["list-images", "-o", "json", "--no-cache"])
        .ok();
    let json = run.json();
    let available = json[0]["containers"][0]["available"].as_array().unwrap();
    let created = |tag: &str| {
        available
            .iter()
            .find(|r| r["tag"] == tag)
            .map(|r| r["created"].clone())
            .unwrap()
    };
    assert_eq!(created("a"), "2024-05-01T10:00:00Z");
    assert_eq!(created("b"), "2024-05-02T10:00:00Z");
    assert_eq!(created("c"), "2024-05-03T10:00:00Z");
    // Only the tag the listing could not date was fetched.
    let fetched: Vec<String> = registry
        .requests()
        .iter()
        .filter(|r| r.path().contains("/manifests/"))
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(fetched, ["/v2/acme/app/manifests/c"]);

    // Its `timeUploadedMs` are push times: with `--time-source pushed`, no manifest is
    // read for times at all.
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "list-images",
                "-o",
                "json",
                "--no-cache",
                "--time-source",
                "pushed",
            ],
        )
        .ok();
    let json = run.json();
    let container = &json[0]["containers"][0];
    assert_eq!(container["timeSource"], "pushed");
    let pushed: Vec<(&str, &str)> = container["available"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["tag"].as_str().unwrap(), r["created"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pushed,
        [
            ("c", "2024-05-03T10:00:00Z"),
            ("b", "2024-05-02T10:01:40Z"),
            ("a", "2024-05-01T10:01:40Z")
        ]
    );
}

#[tokio::test]
async fn ghcr_and_ecr_tag_lists_are_read_to_the_end() {
    // GHCR: a hundred tags a page unless asked for more, oldest first (not lexical), with
    // a `Link` to the rest. ECR: HTTP 405 for more than a thousand at once.
    let tags: Vec<String> = (0..250).map(|i| format!("v{}", 250 - i)).collect();
    let listed = tags.clone();
    let server = FakeServer::start("127.0.0.1", move |req| {
        let n: usize = req.query("n").and_then(|n| n.parse().ok()).unwrap_or(100);
        if n > 1000 {
            return Response::error(
                405,
                "UNSUPPORTED",
                "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'",
            );
        }
        let n = n.min(100);
        let start: usize = req.query("start").and_then(|n| n.parse().ok()).unwrap_or(0);
        let page: Vec<&String> = listed.iter().skip(start).take(n).collect();
        let mut response = Response::json(200, &json!({"name": "acme/app", "tags": page}));
        if start + n < listed.len() {
            response = response.header(
                "link",
                &format!("</v2/acme/app/tags/list?n={n}&start={}>; rel=\"next\"", start + n),
            );
        }
        response
    })
    .await;
    let client = Client::new(ClientOptions::default()).unwrap();
    let read = client
        .list_tags(&RepoKey::new(server.host(), "acme/app"))
        .await
        .unwrap();
    assert_eq!(read, tags, "every tag, in the registry's order");
    assert_eq!(server.count(|_| true), 3);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.query("n").is_some_and(|n| n == "1000" || n == "100"))
    );
}

/// Client options for `vendor`: its dialect and vendor URL, a cache in `cache`, quick retries.
fn options(vendor: &Vendor, cache: &std::path::Path) -> ClientOptions {
    let (api, url) = vendor.settings();
    ClientOptions {
        cache_dir: Some(cache.to_path_buf()),
        retry_base: Duration::from_millis(2),
        apis: BTreeMap::from([(vendor.host(), api.parse().unwrap())]),
        vendor_urls: url.map(|u| (vendor.host(), u)).into_iter().collect(),
        ..ClientOptions::default()
    }
}

fn repo_of(vendor: &Vendor) -> RepoKey {
    RepoKey::new(vendor.host(), REPOSITORY)
}

#[tokio::test(flavor = "multi_thread")]
async fn docker_hub_spends_a_pull_per_new_image_and_none_for_known_ones() {
    // 150 tags over three images: a hundred and forty-nine aliases of one single-platform
    // image and one multi-platform index; the Hub API needs two pages for them.
    let single = build(&ImageSpec::new("a", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let index = build(&ImageSpec::new("b", Kind::OciIndex).created("2024-02-01T00:00:00Z"));
    let mut shelf = Shelf::default();
    for i in 0..149 {
        shelf.tag(&format!("a-{i:03}"), &single, "2024-01-01T00:10:00Z");
    }
    shelf.tag("b-1", &index, "2024-02-01T00:10:00Z");
    let hub = Vendor::start(Dialect::DockerHub, shelf, 100).await;
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(options(&hub, cache.path())).unwrap();
    let scan = client.scan(&repo_of(&hub), |_| true).await.unwrap();
    assert_eq!(scan.tags.len(), 150);
    let details = |scan: &tagpilot::registry::RepoScan, tag: &str| {
        scan.details[tag]
            .as_ref()
            .map(|d| (d.digest.clone(), d.created.map(|t| t.to_rfc3339())))
            .unwrap()
    };
    assert_eq!(
        details(&scan, "a-148"),
        (
            single.digest.clone(),
            Some("2024-01-01T00:00:00+00:00".to_owned())
        )
    );
    assert_eq!(
        details(&scan, "b-1"),
        (
            index.digest.clone(),
            Some("2024-02-01T00:00:00+00:00".to_owned())
        )
    );
    // One pull per image: the single image's manifest, and the amd64 image of the index
    // (named by the Hub API), never the index itself.
    assert_eq!(hub.pulls(), 2);
    let amd64 = crate::support::registry::sha256(&index.children[0].1);
    assert_eq!(
        hub.registry
            .count(|r| r.path() == format!("/v2/acme/app/manifests/{amd64}")),
        1
    );
    assert_eq!(
        hub.api.as_ref().unwrap().count(|_| true),
        2,
        "two pages of the Hub API"
    );
    assert_eq!(hub.left.load(Ordering::SeqCst), 98);
    let counts = client.host_counts();
    let registry = counts
        .iter()
        .find(|c| c.host == hub.registry.host())
        .unwrap();
    assert_eq!(
        (
            registry.pulls.used,
            registry.pulls.left,
            registry.pulls.limit
        ),
        (2, Some(98), Some(100))
    );

    // Every tag re-checked: the digests are all known, so no pull is spent.
    let refresh = ClientOptions {
        refresh: true,
        ..options(&hub, cache.path())
    };
    let client = Client::new(refresh.clone()).unwrap();
    let scan = client.scan(&repo_of(&hub), |_| true).await.unwrap();
    assert_eq!(details(&scan, "b-1").0, index.digest);
    assert_eq!(hub.pulls(), 2, "no pull for known digests");
    assert_eq!(
        hub.registry.count(|r| r.method == "HEAD"),
        0,
        "the listing gave every digest"
    );

    // A new image costs one pull, the tags pointing at known ones none.
    let newer = build(&ImageSpec::new("c", Kind::Docker).created("2024-03-01T00:00:00Z"));
    hub.shelf
        .lock()
        .unwrap()
        .tag("c-1", &newer, "2024-03-01T00:10:00Z");
    hub.shelf
        .lock()
        .unwrap()
        .tag("a-latest", &single, "2024-03-01T00:20:00Z");
    let client = Client::new(options(&hub, cache.path())).unwrap();
    let scan = client.scan(&repo_of(&hub), |_| true).await.unwrap();
    assert_eq!(details(&scan, "c-1").0, newer.digest);
    assert_eq!(details(&scan, "a-latest").0, single.digest);
    assert_eq!(hub.pulls(), 3);
    // Both new tags are on the newest page: the listing stops there.
    assert_eq!(hub.api.as_ref().unwrap().count(|_| true), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_hub_api_a_head_finds_known_digests_before_any_pull() {
    let single = build(&ImageSpec::new("a", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let mut shelf = Shelf::default();
    shelf.tag("1", &single, "2024-01-01T00:10:00Z");
    let hub = Vendor::start(Dialect::DockerHub, shelf, 100).await;
    let cache = tempfile::tempdir().unwrap();
    // The Hub API refuses (a private repository): the registry API is used instead.
    let private = ClientOptions {
        vendor_urls: BTreeMap::from([(
            hub.registry.host(),
            format!("http://{}/private", hub.api.as_ref().unwrap().host()),
        )]),
        ..options(&hub, cache.path())
    };
    let client = Client::new(private.clone()).unwrap();
    client.scan(&repo_of(&hub), |_| true).await.unwrap();
    assert_eq!(hub.pulls(), 1);
    // A second tag for the same image: a `HEAD` tells its digest, which the cache knows.
    hub.shelf
        .lock()
        .unwrap()
        .tag("2", &single, "2024-01-02T00:10:00Z");
    let client = Client::new(private.clone()).unwrap();
    let scan = client.scan(&repo_of(&hub), |_| true).await.unwrap();
    assert_eq!(scan.details["2"].as_ref().unwrap().digest, single.digest);
    assert_eq!(hub.pulls(), 1, "no pull for a known digest");
    // Each new tag was checked with a `HEAD` first, the cold one too.
    assert_eq!(hub.registry.count(|r| r.method == "HEAD"), 2);
    // Two new tags of one new image, read at once: one pull between them.
    let newer = build(&ImageSpec::new("b", Kind::Docker).created("2024-02-01T00:00:00Z"));
    hub.shelf
        .lock()
        .unwrap()
        .tag("3", &newer, "2024-02-01T00:10:00Z");
    hub.shelf
        .lock()
        .unwrap()
        .tag("4", &newer, "2024-02-01T00:11:00Z");
    let client = Client::new(private).unwrap();
    let scan = client.scan(&repo_of(&hub), |_| true).await.unwrap();
    assert_eq!(scan.details["4"].as_ref().unwrap().digest, newer.digest);
    assert_eq!(hub.pulls(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pull_limit_429_is_not_retried_and_the_scan_goes_on() {
    let one = build(&ImageSpec::new("1", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let two = build(&ImageSpec::new("2", Kind::Docker).created("2024-01-02T00:00:00Z"));
    let mut shelf = Shelf::default();
    shelf.tag("1", &one, "2024-01-01T00:10:00Z");
    shelf.tag("2", &two, "2024-01-02T00:10:00Z");
    let hub = Vendor::start(Dialect::DockerHub, shelf, 1).await;
    // The registry's budget is one pull, and its headers come only once a pull was made:
    // the second pull gets Docker Hub's 429, without `Retry-After`.
    let options = ClientOptions {
        concurrency: 1,
        ..options(&hub, tempfile::tempdir().unwrap().path())
    };
    let client = Client::new(ClientOptions {
        cache_dir: None,
        ..options
    })
    .unwrap();
    let scan = client.scan(&repo_of(&hub), |_| true).await.unwrap();
    let outcomes: Vec<bool> = ["1", "2"]
        .iter()
        .map(|t| scan.details[*t].is_ok())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|ok| **ok).count(),
        1,
        "{:?}",
        scan.details
    );
    let failed = scan
        .details
        .values()
        .find_map(|d| d.as_ref().err())
        .unwrap();
    assert!(
        matches!(failed, RegistryError::PullBudget { .. }),
        "{failed:?}"
    );
    assert!(
        failed.to_string().contains("pull budget is used up"),
        "{failed}"
    );
    // Two manifest GETs in all: the 429 was not tried again.
    assert!(
        hub.registry
            .count(|r| r.method == "GET" && r.path().contains("/manifests/"))
            <= 2
    );
}

/// Two builds of `acme/app`: `main-1` built and pushed on 1 March; `main-2` rebuilt from
/// cache (so built on 1 January) but pushed on 1 April. Built time and push time disagree
/// on which is newest. One tag per page, so that the listings page.
fn rebuilt_shelf() -> Shelf {
    let one = build(&ImageSpec::new("main-1", Kind::Docker).created("2024-03-01T00:00:00Z"));
    let two = build(&ImageSpec::new("main-2", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let mut shelf = Shelf {
        page: 1,
        ..Shelf::default()
    };
    shelf.tag("main-1", &one, "2024-03-01T00:10:00Z");
    shelf.tag("main-2", &two, "2024-04-01T00:10:00Z");
    shelf
}

/// A repository whose Deployment runs `host/acme/app:main-1` under `glob:main-*`, with
/// `config` as its `.tagpilot.yaml`.
fn glob_repo(sandbox: &Sandbox, host: &str, config: &str) -> crate::support::Repo {
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  annotations:\n    \
         fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.app: glob:main-*\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: app\n        image: {host}/acme/app:main-1\n"
    );
    sandbox.repo(&[
        ("app.yaml", manifest.as_bytes()),
        (".tagpilot.yaml", config.as_bytes()),
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn push_times_from_quay_acr_and_github_order_glob_tags() {
    for dialect in [Dialect::Quay, Dialect::Acr, Dialect::Github] {
        let vendor = Vendor::start(dialect, rebuilt_shelf(), 0).await;
        let (api, host) = (dialect.api(), vendor.host());
        let sandbox = Sandbox::new();
        let repo = glob_repo(&sandbox, &host, &vendor.config());
        // GitHub's API takes the token `docker login ghcr.io` keeps; the vendor URL is a
        // key that widens trust, so the repository's file must be trusted.
        let (_dir, docker) = docker_config_with_auth(&host, "octocat", GITHUB_TOKEN);
        let docker = docker.to_str().unwrap().to_owned();
        let run = |args: &[&str], vars: &[(&str, &str)]| {
            let mut all = args.to_vec();
            all.extend([
                "--no-cache",
                "--trust-repo-config",
                "--docker-config",
                &docker,
            ]);
            sandbox.tagpilot_env(&repo.work, &all, vars).ok()
        };
        // Built times: main-1 is newest.
        let built = run(&["list-images", "-o", "json"], &[]).json();
        let container = &built[0]["containers"][0];
        assert_eq!(container["timeSource"], "built", "{api}");
        assert_eq!(container["latestAllowed"]["tag"], "main-1", "{api}");
        // Push times: main-2 is newest, and `created` holds the push times.
        let pushed = run(
            &["list-images", "-o", "json", "--time-source", "pushed"],
            &[],
        )
        .json();
        let container = &pushed[0]["containers"][0];
        assert_eq!(container["timeSource"], "pushed", "{api}");
        assert_eq!(container["latestAllowed"]["tag"], "main-2", "{api}");
        assert_eq!(
            container["latestAllowed"]["created"], "2024-04-01T00:10:00Z",
            "{api}"
        );
        assert_eq!(
            container["current"]["created"], "2024-03-01T00:10:00Z",
            "{api}"
        );
        let table = run(&["list-images"], &[("TAGPILOT_TIME_SOURCE", "pushed")]);
        let header = table.stdout.lines().next().unwrap();
        assert!(
            header.starts_with("WORKLOAD") && header.ends_with("PUSHED"),
            "{api}: {}",
            table.stdout
        );
        assert!(
            table.stdout.contains("01 Apr 24 00:10 UTC"),
            "{api}: {}",
            table.stdout
        );
        // Markdown and HTML reports say which times they show.
        let report = sandbox.path().join("report.html");
        let markdown = run(
            &[
                "list-images",
                "-o",
                "markdown",
                "--time-source",
                "pushed",
                "--report-html",
                report.to_str().unwrap(),
            ],
            &[],
        );
        assert!(
            markdown
                .stdout
                .contains(" · times are when each tag was last pushed\n"),
            "{}",
            markdown.stdout
        );
        let page = std::fs::read_to_string(&report).unwrap();
        assert!(page.contains("Newest pushes") && page.contains("when each tag was last pushed"));
        // A sync moves to the newest push, through the same plan.
        let sync = run(
            &["sync", "--dry-run", "-o", "json", "--time-source", "pushed"],
            &[],
        );
        assert_eq!(
            sync.json()["results"][0]["updates"][0]["to"],
            "main-2",
            "{api}"
        );
        // The tags came from the vendor listing, a page each.
        let listing = |r: &crate::support::fake_http::Request| {
            ["/api/", "/acr/", "/users/"]
                .iter()
                .any(|p| r.path().starts_with(p))
        };
        let pages =
            vendor.registry.count(listing) + vendor.api.as_ref().map_or(0, |a| a.count(listing));
        assert!(pages >= 2, "{api}: {pages}");
        if dialect == Dialect::Github {
            // Without a token GitHub gives no push times: those containers fail and say so.
            let args = [
                "list-images",
                "--no-cache",
                "--trust-repo-config",
                "--time-source",
                "pushed",
            ];
            let refused = sandbox.tagpilot(&repo.work, &args).code(1);
            assert!(
                refused.stderr.contains("its API dialect is github;"),
                "{}",
                refused.stderr
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_registry_without_push_times_fails_only_time_ordered_containers() {
    let registry = crate::support::registry::Registry::start();
    let pusher = crate::support::registry::Pusher::new(&registry);
    for (tag, day) in [("main-1", 1), ("main-2", 2)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        pusher.push("acme/app", &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    let sandbox = Sandbox::new();
    let repo = glob_repo(&sandbox, &host, "timeSource: pushed\n");
    let run = sandbox
        .tagpilot(&repo.work, &["list-images", "--no-cache"])
        .code(1);
    assert!(
        run.stderr.contains(&format!(
            "error: reading push times of {host}/acme/app: the registry gives no push times (its API dialect is oci; \
             Docker Hub, Quay, ACR and Google's registries give them, and GitHub's once `docker login ghcr.io` \
             has a token that can read:packages); use --time-source built, or set the registry's api in the \
             configuration file if it speaks one of those\n"
        )),
        "{}",
        run.stderr
    );
    let sync = sandbox
        .tagpilot(
            &repo.work,
            &["sync", "--dry-run", "-o", "json", "--no-cache"],
        )
        .code(1)
        .json();
    assert_eq!(sync["results"][0]["status"], "failed");
    // A semver pattern needs no time, so the same registry serves it.
    let semver = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  annotations:\n    \
         fluxcd.io/tag.app: semver:~1\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: app\n        image: {host}/acme/app:main-1\n"
    );
    let sandbox = Sandbox::new();
    let repo = sandbox.repo(&[
        ("app.yaml", semver.as_bytes()),
        (".tagpilot.yaml", b"timeSource: pushed\n".as_slice()),
    ]);
    let listed = sandbox
        .tagpilot(&repo.work, &["list-images", "-o", "json", "--no-cache"])
        .ok()
        .json();
    assert_eq!(listed[0]["containers"][0]["error"], serde_json::Value::Null);
    assert_eq!(listed[0]["containers"][0]["timeSource"], "pushed");
}

#[tokio::test(flavor = "multi_thread")]
async fn acr_behind_bearer_tokens_gives_push_times_with_a_metadata_read_token() {
    // ACR's API wants a token for `metadata_read`, its registry API one for `pull`.
    let shelf = rebuilt_shelf();
    let registry = FakeServer::start("127.0.0.1", move |req| {
        let host = req.header("host").unwrap().to_owned();
        if req.path() == "/oauth2/token" {
            let scope = req.query("scope").unwrap_or_default();
            return Response::json(200, &json!({"access_token": format!("tok:{scope}")}));
        }
        let needed = if req.path().starts_with("/acr/") {
            "metadata_read"
        } else {
            "pull"
        };
        let scope = format!("repository:{REPOSITORY}:{needed}");
        if req.header("authorization") != Some(&format!("Bearer tok:{scope}")) {
            return Response::error(401, "UNAUTHORIZED", "authentication required").header(
                "www-authenticate",
                &format!(
                    "Bearer realm=\"http://{host}/oauth2/token\",service=\"{host}\",scope=\"{scope}\""
                ),
            );
        }
        crate::support::vendor::answer(Dialect::Acr, &shelf, req)
    })
    .await;
    let client = Client::new(ClientOptions {
        push_times: true,
        retry_base: Duration::from_millis(2),
        apis: BTreeMap::from([(registry.host(), Api::Acr)]),
        ..ClientOptions::default()
    })
    .unwrap();
    let scan = client
        .scan(&RepoKey::new(registry.host(), REPOSITORY), |_| true)
        .await
        .unwrap();
    let pushed = scan.pushed.expect("asked for").expect("push times");
    let shown: Vec<(String, String)> = pushed
        .iter()
        .map(|(tag, at)| (tag.clone(), at.to_rfc3339()))
        .collect();
    assert_eq!(
        shown,
        [
            ("main-1".to_owned(), "2024-03-01T00:10:00+00:00".to_owned()),
            ("main-2".to_owned(), "2024-04-01T00:10:00+00:00".to_owned()),
        ]
    );
    let scopes: Vec<String> = registry
        .requests()
        .iter()
        .filter(|r| r.path() == "/oauth2/token")
        .filter_map(|r| r.query("scope"))
        .collect();
    assert!(
        scopes.contains(&format!("repository:{REPOSITORY}:metadata_read")),
        "{scopes:?}"
    );
    assert!(
        scopes.contains(&format!("repository:{REPOSITORY}:pull")),
        "{scopes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_github_token_never_follows_a_redirect_or_a_link_elsewhere() {
    // The vendor API redirects to another server, which links to a further page of its
    // own: neither request may carry the token.
    let elsewhere = FakeServer::start("127.0.0.1", |req| {
        let host = req.header("host").unwrap().to_owned();
        Response::json(200, &json!([])).header("link", &format!("<http://{host}/p2>; rel=\"next\""))
    })
    .await;
    let target = format!("http://{}/p1", elsewhere.host());
    let api = FakeServer::start("127.0.0.1", move |_| {
        Response::new(302).header("location", &target)
    })
    .await;
    let registry = FakeServer::start("127.0.0.1", |req| {
        if req.path() == "/v2/acme/app/tags/list" {
            return Response::json(200, &json!({"name": REPOSITORY, "tags": []}));
        }
        Response::new(404)
    })
    .await;
    let (_dir, docker) = docker_config_with_auth(&registry.host(), "octocat", GITHUB_TOKEN);
    let client = Client::new(ClientOptions {
        push_times: true,
        retry_base: Duration::from_millis(2),
        docker_config: Some(docker),
        apis: BTreeMap::from([(registry.host(), Api::Github)]),
        vendor_urls: BTreeMap::from([(registry.host(), format!("http://{}", api.host()))]),
        ..ClientOptions::default()
    })
    .unwrap();
    let scan = client
        .scan(&RepoKey::new(registry.host(), REPOSITORY), |_| true)
        .await
        .unwrap();
    let refused = scan.pushed.expect("asked for").unwrap_err().to_string();
    assert!(
        refused.contains("the next page is on another origin"),
        "{refused}"
    );
    assert!(
        api.requests()
            .iter()
            .all(|r| r.header("authorization").is_some())
    );
    assert!(!elsewhere.requests().is_empty());
    assert!(
        elsewhere
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "{:?}",
        elsewhere.requests()
    );
    assert_eq!(
        elsewhere.count(|r| r.path() == "/p2"),
        0,
        "the link elsewhere was refused"
    );
}
