//! Registries that say more than the distribution API, each played by a local server that
//! speaks the vendor's documented format with its quirks: Google's extended tags list
//! (build times, numbers as strings, "0" for unknown), Docker Hub's Hub API beside a
//! registry that counts pulls, Quay's and ACR's tag APIs (push times, newest first).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tagpilot::registry::{Api, Client, ClientOptions, RegistryError, RepoKey};

use crate::support::Sandbox;
use crate::support::fake_http::{Content, FakeServer, Response};
use crate::support::registry::{Built, ImageSpec, Kind, build};

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
}

/// One tag of a vendor fake: its name, the image it points at, and when it was pushed.
#[derive(Clone)]
struct FakeTag {
    name: String,
    built: Built,
    pushed: String,
}

/// What a vendor fake serves: images by tag, newest push last.
#[derive(Clone, Default)]
struct Shelf {
    content: Content,
    tags: Vec<FakeTag>,
}

impl Shelf {
    /// Points `tag` at `built`, pushed at `pushed`.
    fn tag(&mut self, tag: &str, built: &Built, pushed: &str) {
        // The image's own tag is served only when it is also a tag of the shelf.
        let own = self.tags.iter().any(|t| t.name == built.tag);
        self.content.add(built);
        if !own && built.tag != tag {
            self.content.tags.retain(|t| *t != built.tag);
            self.content.manifests.remove(&built.tag);
        }
        self.content.manifests.insert(
            tag.to_owned(),
            (built.media_type.clone(), built.manifest.clone()),
        );
        if !self.content.tags.iter().any(|t| t == tag) {
            self.content.tags.push(tag.to_owned());
        }
        self.tags.retain(|t| t.name != tag);
        self.tags.push(FakeTag {
            name: tag.to_owned(),
            built: built.clone(),
            pushed: pushed.to_owned(),
        });
    }

    /// The tags, newest push first, as vendor listings order them.
    fn newest_first(&self) -> Vec<FakeTag> {
        self.tags.iter().rev().cloned().collect()
    }
}

/// A tag as the Hub API shows it: its digest, media type and each platform's image.
fn hub_tag(tag: &FakeTag) -> serde_json::Value {
    let platforms = ["linux/amd64", "linux/arm64/v8"];
    let images: Vec<serde_json::Value> = if tag.built.children.is_empty() {
        vec![
            json!({"architecture": "amd64", "os": "linux", "variant": null, "digest": tag.built.digest}),
        ]
    } else {
        tag.built
            .children
            .iter()
            .zip(platforms)
            .map(|((_, bytes), platform)| {
                let parts: Vec<&str> = platform.split('/').collect();
                json!({"architecture": parts[1], "os": parts[0], "variant": parts.get(2),
                       "digest": crate::support::registry::sha256(bytes),
                       "last_pushed": tag.pushed})
            })
            .collect()
    };
    json!({"creator": 7, "id": 1, "images": images, "last_updated": tag.pushed,
           "name": tag.name, "repository": 1, "full_size": 1, "v2": true,
           "tag_status": "active", "tag_last_pushed": tag.pushed,
           "media_type": tag.built.media_type, "content_type": "image",
           "digest": tag.built.digest})
}

/// A Docker Hub pair: a registry that counts pulls (`ratelimit-*` headers on `HEAD` and
/// `GET`, only a manifest `GET` spending one) and a Hub API that pages at most 100 tags,
/// newest first, with absolute `next` URLs.
struct Hub {
    registry: FakeServer,
    api: FakeServer,
    shelf: Arc<Mutex<Shelf>>,
    left: Arc<AtomicU64>,
}

impl Hub {
    async fn start(shelf: Shelf, budget: u64) -> Hub {
        let shelf = Arc::new(Mutex::new(shelf));
        let left = Arc::new(AtomicU64::new(budget));
        let (s, l) = (shelf.clone(), left.clone());
        let registry = FakeServer::start("127.0.0.1", move |req| {
            let pull = req.method == "GET" && req.path().contains("/manifests/");
            if pull && l.load(Ordering::SeqCst) == 0 {
                return Response::error(
                    429,
                    "TOOMANYREQUESTS",
                    "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
                );
            }
            let response = s
                .lock()
                .unwrap()
                .content
                .serve("acme/app", req)
                .unwrap_or_else(|| Response::new(404));
            if pull && response.status == 200 {
                l.fetch_sub(1, Ordering::SeqCst);
            }
            let remaining = l.load(Ordering::SeqCst);
            response
                .header("ratelimit-limit", &format!("{budget};w=21600"))
                .header("ratelimit-remaining", &format!("{remaining};w=21600"))
        })
        .await;
        let s = shelf.clone();
        let api = FakeServer::start("127.0.0.1", move |req| {
            if req.path() != "/v2/namespaces/acme/repositories/app/tags" {
                return Response::json(404, &json!({"message": "object not found", "errinfo": {}}));
            }
            let size: usize = req
                .query("page_size")
                .and_then(|n| n.parse().ok())
                .unwrap_or(10)
                .min(100);
            let page: usize = req.query("page").and_then(|n| n.parse().ok()).unwrap_or(1);
            let tags = s.lock().unwrap().newest_first();
            let results: Vec<serde_json::Value> =
                tags.iter().skip((page - 1) * size).take(size).map(hub_tag).collect();
            let next = (page * size < tags.len()).then(|| {
                format!(
                    "http://{}/v2/namespaces/acme/repositories/app/tags?page={}&page_size={size}&ordering=last_updated",
                    req.header("host").unwrap(),
                    page + 1
                )
            });
            Response::json(
                200,
                &json!({"count": tags.len(), "next": next, "previous": null, "results": results}),
            )
        })
        .await;
        Hub {
            registry,
            api,
            shelf,
            left,
        }
    }

    fn options(&self, cache: &std::path::Path) -> ClientOptions {
        ClientOptions {
            cache_dir: Some(cache.to_path_buf()),
            retry_base: Duration::from_millis(2),
            apis: BTreeMap::from([(self.registry.host(), Api::DockerHub)]),
            vendor_urls: BTreeMap::from([(
                self.registry.host(),
                format!("http://{}", self.api.host()),
            )]),
            ..ClientOptions::default()
        }
    }

    fn repo(&self) -> RepoKey {
        RepoKey::new(self.registry.host(), "acme/app")
    }

    fn pulls(&self) -> usize {
        self.registry
            .count(|r| r.method == "GET" && r.path().contains("/manifests/"))
    }
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
    let hub = Hub::start(shelf, 100).await;
    let cache = tempfile::tempdir().unwrap();
    let client = Client::new(hub.options(cache.path())).unwrap();
    let scan = client.scan(&hub.repo(), |_| true).await.unwrap();
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
    assert_eq!(hub.api.count(|_| true), 2, "two pages of the Hub API");
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
        ..hub.options(cache.path())
    };
    let client = Client::new(refresh.clone()).unwrap();
    let scan = client.scan(&hub.repo(), |_| true).await.unwrap();
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
    let client = Client::new(hub.options(cache.path())).unwrap();
    let scan = client.scan(&hub.repo(), |_| true).await.unwrap();
    assert_eq!(details(&scan, "c-1").0, newer.digest);
    assert_eq!(details(&scan, "a-latest").0, single.digest);
    assert_eq!(hub.pulls(), 3);
    // Both new tags are on the newest page: the listing stops there.
    assert_eq!(hub.api.count(|_| true), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_hub_api_a_head_finds_known_digests_before_any_pull() {
    let single = build(&ImageSpec::new("a", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let mut shelf = Shelf::default();
    shelf.tag("1", &single, "2024-01-01T00:10:00Z");
    let hub = Hub::start(shelf, 100).await;
    let cache = tempfile::tempdir().unwrap();
    // The Hub API refuses (a private repository): the registry API is used instead.
    let options = ClientOptions {
        vendor_urls: BTreeMap::from([(
            hub.registry.host(),
            format!("http://{}/private", hub.api.host()),
        )]),
        ..hub.options(cache.path())
    };
    let client = Client::new(options.clone()).unwrap();
    client.scan(&hub.repo(), |_| true).await.unwrap();
    assert_eq!(hub.pulls(), 1);
    // A second tag for the same image: a `HEAD` tells its digest, which the cache knows.
    hub.shelf
        .lock()
        .unwrap()
        .tag("2", &single, "2024-01-02T00:10:00Z");
    let client = Client::new(options).unwrap();
    let scan = client.scan(&hub.repo(), |_| true).await.unwrap();
    assert_eq!(scan.details["2"].as_ref().unwrap().digest, single.digest);
    assert_eq!(hub.pulls(), 1, "no pull for a known digest");
    // Each new tag was checked with a `HEAD` first, the cold one too.
    assert_eq!(hub.registry.count(|r| r.method == "HEAD"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pull_limit_429_is_not_retried_and_the_scan_goes_on() {
    let one = build(&ImageSpec::new("1", Kind::Docker).created("2024-01-01T00:00:00Z"));
    let two = build(&ImageSpec::new("2", Kind::Docker).created("2024-01-02T00:00:00Z"));
    let mut shelf = Shelf::default();
    shelf.tag("1", &one, "2024-01-01T00:10:00Z");
    shelf.tag("2", &two, "2024-01-02T00:10:00Z");
    let hub = Hub::start(shelf, 1).await;
    // The registry's budget is one pull, and its headers come only once a pull was made:
    // the second pull gets Docker Hub's 429, without `Retry-After`.
    let options = ClientOptions {
        concurrency: 1,
        ..hub.options(tempfile::tempdir().unwrap().path())
    };
    let client = Client::new(ClientOptions {
        cache_dir: None,
        ..options
    })
    .unwrap();
    let scan = client.scan(&hub.repo(), |_| true).await.unwrap();
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
