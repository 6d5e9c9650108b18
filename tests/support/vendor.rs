//! Local servers that speak the vendor registries' documented formats, with their quirks,
//! for what no real registry here can show: Docker Hub (a registry that counts pulls with
//! `ratelimit-*` headers on `HEAD` and `GET`, answers a pull past the budget with its 429
//! `TOOMANYREQUESTS` and no `Retry-After`, and the Hub API beside it: `page_size` capped at
//! 100, absolute `next` URLs, newest first), Quay's tag API (`limit` clamped to 100,
//! `page`/`has_additional`, newest first, RFC 2822 dates), ACR's `_tags` (relative `Link`,
//! newest first) and Google's extended tags list (numbers as strings, `"0"` for unknown).
//! Shared by the integration tests and the registry benchmark.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::fake_http::{Content, FakeServer, Request, Response};
use super::registry::{Built, sha256};

/// The repository every vendor server serves.
pub const REPOSITORY: &str = "acme/app";

/// One tag: its name, the image it points at, and when it was pushed (RFC 3339).
#[derive(Clone)]
pub struct FakeTag {
    pub name: String,
    pub built: Built,
    pub pushed: String,
}

/// What a vendor server serves: images by tag, newest push last.
#[derive(Clone)]
pub struct Shelf {
    pub content: Content,
    pub tags: Vec<FakeTag>,
    /// Tags per page of the vendor listings (at most their own caps).
    pub page: usize,
}

impl Default for Shelf {
    fn default() -> Self {
        Shelf {
            content: Content::default(),
            tags: Vec::new(),
            page: 100,
        }
    }
}

impl Shelf {
    /// Points `tag` at `built`, pushed at `pushed`; the tag becomes the newest push.
    pub fn tag(&mut self, tag: &str, built: &Built, pushed: &str) {
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
    pub fn newest_first(&self) -> Vec<FakeTag> {
        self.tags.iter().rev().cloned().collect()
    }
}

/// The dialects the servers speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Only the registry API.
    Oci,
    /// Google's extended tags list.
    Google,
    /// A pull-counting registry and the Hub API on a server of its own.
    DockerHub,
    /// Quay's tag API on the registry's host.
    Quay,
    /// ACR's `_tags` on the registry's host.
    Acr,
    /// GitHub's Packages API on a server of its own, for a user's package, answering only
    /// `Authorization: Bearer` with [`GITHUB_TOKEN`].
    Github,
}

/// The token the GitHub Packages fake accepts.
pub const GITHUB_TOKEN: &str = "ghp_testtoken0123456789";

impl Dialect {
    /// The configuration's `api` for it.
    pub fn api(self) -> &'static str {
        match self {
            Dialect::Oci => "oci",
            Dialect::Google => "gcr",
            Dialect::DockerHub => "dockerhub",
            Dialect::Quay => "quay",
            Dialect::Acr => "acr",
            Dialect::Github => "github",
        }
    }
}

/// A running vendor registry.
pub struct Vendor {
    pub dialect: Dialect,
    pub registry: FakeServer,
    /// The Hub API, for Docker Hub.
    pub api: Option<FakeServer>,
    pub shelf: Arc<Mutex<Shelf>>,
    /// Pulls left of the budget, for Docker Hub.
    pub left: Arc<AtomicU64>,
}

impl Vendor {
    /// Starts a server speaking `dialect` from `shelf`; `budget` is Docker Hub's pulls.
    pub async fn start(dialect: Dialect, shelf: Shelf, budget: u64) -> Vendor {
        let shelf = Arc::new(Mutex::new(shelf));
        let left = Arc::new(AtomicU64::new(budget));
        let (s, l) = (shelf.clone(), left.clone());
        let registry = FakeServer::start("127.0.0.1", move |req| {
            let shelf = s.lock().unwrap();
            match dialect {
                Dialect::DockerHub => counted(&shelf, req, &l, budget),
                _ => vendor_route(dialect, &shelf, req).unwrap_or_else(|| {
                    shelf
                        .content
                        .serve(REPOSITORY, req)
                        .unwrap_or_else(|| Response::new(404))
                }),
            }
        })
        .await;
        let api = match dialect {
            Dialect::DockerHub => {
                let s = shelf.clone();
                Some(
                    FakeServer::start("127.0.0.1", move |req| hub_page(&s.lock().unwrap(), req))
                        .await,
                )
            }
            Dialect::Github => {
                let s = shelf.clone();
                Some(
                    FakeServer::start("127.0.0.1", move |req| github_page(&s.lock().unwrap(), req))
                        .await,
                )
            }
            _ => None,
        };
        Vendor {
            dialect,
            registry,
            api,
            shelf,
            left,
        }
    }

    /// The registry's `host:port`.
    pub fn host(&self) -> String {
        self.registry.host()
    }

    /// The `registries` entry of a configuration file for it.
    pub fn config(&self) -> String {
        let mut text = format!(
            "registries:\n  - host: {}\n    api: {}\n",
            self.host(),
            self.dialect.api()
        );
        if let Some(api) = &self.api {
            text.push_str(&format!("    vendorUrl: http://{}\n", api.host()));
        }
        text
    }

    /// Its `(api, vendorUrl)` settings for the client.
    pub fn settings(&self) -> (String, Option<String>) {
        (
            self.dialect.api().to_owned(),
            self.api.as_ref().map(|a| format!("http://{}", a.host())),
        )
    }

    /// Manifest `GET`s served or refused: what Docker Hub counts as pulls.
    pub fn pulls(&self) -> usize {
        self.registry
            .count(|r| r.method == "GET" && r.path().contains("/manifests/"))
    }

    /// Requests to the registry and its vendor API.
    pub fn requests(&self) -> usize {
        self.registry.count(|_| true) + self.api.as_ref().map_or(0, |a| a.count(|_| true))
    }
}

/// Docker Hub's registry: the content, with the pull budget's headers on every answer; a
/// manifest `GET` past the budget gets the pull-limit 429.
fn counted(shelf: &Shelf, req: &Request, left: &AtomicU64, budget: u64) -> Response {
    let pull = req.method == "GET" && req.path().contains("/manifests/");
    if pull && left.load(Ordering::SeqCst) == 0 {
        return Response::error(
            429,
            "TOOMANYREQUESTS",
            "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
        );
    }
    let response = shelf
        .content
        .serve(REPOSITORY, req)
        .unwrap_or_else(|| Response::new(404));
    if pull && response.status == 200 {
        left.fetch_sub(1, Ordering::SeqCst);
    }
    let remaining = left.load(Ordering::SeqCst);
    response
        .header("ratelimit-limit", &format!("{budget};w=21600"))
        .header("ratelimit-remaining", &format!("{remaining};w=21600"))
}

/// What the registry of `dialect` answers to `req` from `shelf` (not Docker Hub's, which
/// counts pulls), for a test that puts something in front of it.
pub fn answer(dialect: Dialect, shelf: &Shelf, req: &Request) -> Response {
    vendor_route(dialect, shelf, req).unwrap_or_else(|| {
        shelf
            .content
            .serve(REPOSITORY, req)
            .unwrap_or_else(|| Response::new(404))
    })
}

/// The vendor's own routes on the registry's host, if `req` is one.
fn vendor_route(dialect: Dialect, shelf: &Shelf, req: &Request) -> Option<Response> {
    let tags = shelf.newest_first();
    match (dialect, req.path()) {
        (Dialect::Quay, "/api/v1/repository/acme/app/tag/") => Some(quay_page(shelf, &tags, req)),
        (Dialect::Acr, "/acr/v1/acme/app/_tags") => Some(acr_page(shelf, &tags, req)),
        (Dialect::Google, "/v2/acme/app/tags/list") => Some(google_list(shelf)),
        _ => None,
    }
}

/// The image config's `created` of a single-platform image, if it has one.
fn config_created(built: &Built) -> Option<String> {
    if !built.children.is_empty() {
        return None;
    }
    let digest = built.configs.values().next()?;
    let config = built.blobs.iter().find(|b| sha256(b) == *digest)?;
    let value: Value = serde_json::from_slice(config).ok()?;
    value["created"].as_str().map(str::to_owned)
}

/// Milliseconds since the epoch, as a string, as Google writes them; `"0"` for none.
fn millis(time: Option<&str>) -> String {
    time.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or("0".to_owned(), |t| t.timestamp_millis().to_string())
}

/// Google's tags list: every tag, and each manifest with its tags, build time (`"0"` for
/// an index) and upload time.
fn google_list(shelf: &Shelf) -> Response {
    let mut manifests: BTreeMap<String, Value> = BTreeMap::new();
    for tag in &shelf.tags {
        let entry = manifests
            .entry(tag.built.digest.clone())
            .or_insert_with(|| {
                json!({"imageSizeBytes": "1024", "layerId": "", "mediaType": tag.built.media_type,
                   "tag": [], "timeCreatedMs": millis(config_created(&tag.built).as_deref()),
                   "timeUploadedMs": millis(Some(&tag.pushed))})
            });
        entry["tag"].as_array_mut().unwrap().push(json!(tag.name));
        entry["timeUploadedMs"] = json!(millis(Some(&tag.pushed)));
    }
    let tags: Vec<&str> = shelf.tags.iter().map(|t| t.name.as_str()).collect();
    Response::json(
        200,
        &json!({"child": [], "manifest": manifests, "name": REPOSITORY, "tags": tags}),
    )
}

/// A tag as the Hub API shows it: its digest, media type and each platform's image.
fn hub_tag(tag: &FakeTag) -> Value {
    let platforms = ["linux/amd64", "linux/arm64/v8"];
    let images: Vec<Value> = if tag.built.children.is_empty() {
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
                       "digest": sha256(bytes), "last_pushed": tag.pushed})
            })
            .collect()
    };
    json!({"creator": 7, "id": 1, "images": images, "last_updated": tag.pushed,
           "name": tag.name, "repository": 1, "full_size": 1, "v2": true,
           "tag_status": "active", "tag_last_pushed": tag.pushed,
           "media_type": tag.built.media_type, "content_type": "image",
           "digest": tag.built.digest})
}

/// The Hub API's tags route: `page_size` capped at 100, newest first, an absolute `next`.
fn hub_page(shelf: &Shelf, req: &Request) -> Response {
    if req.path() != "/v2/namespaces/acme/repositories/app/tags" {
        return Response::json(404, &json!({"message": "object not found", "errinfo": {}}));
    }
    let size: usize = req
        .query("page_size")
        .and_then(|n| n.parse().ok())
        .unwrap_or(10)
        .min(100)
        .min(shelf.page);
    let page: usize = req.query("page").and_then(|n| n.parse().ok()).unwrap_or(1);
    let tags = shelf.newest_first();
    let results: Vec<Value> = tags
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(hub_tag)
        .collect();
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
}

/// GitHub's package versions of a user's package: one version per digest, newest first,
/// `per_page` pages linked by an absolute `Link`; 401 without the token, 404 under `/orgs/`.
fn github_page(shelf: &Shelf, req: &Request) -> Response {
    if req.header("authorization") != Some(&format!("Bearer {GITHUB_TOKEN}")) {
        return Response::json(401, &json!({"message": "Requires authentication"}));
    }
    if req.path() != "/users/acme/packages/container/app/versions" {
        return Response::json(404, &json!({"message": "Not Found"}));
    }
    let mut versions: Vec<(String, String, Vec<String>)> = Vec::new();
    for tag in shelf.newest_first() {
        match versions.iter_mut().find(|(d, _, _)| *d == tag.built.digest) {
            Some((_, _, tags)) => tags.push(tag.name.clone()),
            None => versions.push((
                tag.built.digest.clone(),
                tag.pushed.clone(),
                vec![tag.name.clone()],
            )),
        }
    }
    let per_page: usize = req
        .query("per_page")
        .and_then(|n| n.parse().ok())
        .unwrap_or(30)
        .min(shelf.page);
    let page: usize = req.query("page").and_then(|n| n.parse().ok()).unwrap_or(1);
    let shown: Vec<Value> = versions
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|(digest, pushed, tags)| {
            json!({"id": 1, "name": digest, "created_at": pushed, "updated_at": pushed,
                   "metadata": {"package_type": "container", "container": {"tags": tags}}})
        })
        .collect();
    let mut response = Response::json(200, &Value::Array(shown));
    if page * per_page < versions.len() {
        response = response.header(
            "link",
            &format!(
                "<http://{}/users/acme/packages/container/app/versions?per_page={per_page}&page={}>; rel=\"next\"",
                req.header("host").unwrap(),
                page + 1
            ),
        );
    }
    response
}

/// Quay's tag API: `limit` clamped to 100, `page` from 1, newest first, `start_ts` on
/// every other tag and an RFC 2822 `last_modified` on all.
fn quay_page(shelf: &Shelf, tags: &[FakeTag], req: &Request) -> Response {
    let limit: usize = req
        .query("limit")
        .and_then(|n| n.parse().ok())
        .unwrap_or(50)
        .clamp(1, 100)
        .min(shelf.page);
    let page: usize = req.query("page").and_then(|n| n.parse().ok()).unwrap_or(1);
    let shown: Vec<Value> = tags
        .iter()
        .enumerate()
        .skip((page - 1) * limit)
        .take(limit)
        .map(|(i, tag)| {
            let pushed = chrono::DateTime::parse_from_rfc3339(&tag.pushed).unwrap();
            let mut v = json!({"name": tag.name, "reversion": false,
                "manifest_digest": tag.built.digest,
                "is_manifest_list": !tag.built.children.is_empty(), "size": 1,
                "last_modified": pushed.format("%a, %d %b %Y %H:%M:%S -0000").to_string()});
            if i % 2 == 0 {
                v["start_ts"] = json!(pushed.timestamp());
            }
            v
        })
        .collect();
    Response::json(
        200,
        &json!({"tags": shown, "page": page, "has_additional": page * limit < tags.len()}),
    )
}

/// ACR's `_tags`: newest first, a relative `Link` to the next page.
fn acr_page(shelf: &Shelf, tags: &[FakeTag], req: &Request) -> Response {
    let n: usize = req
        .query("n")
        .and_then(|n| n.parse().ok())
        .unwrap_or(100)
        .min(shelf.page);
    let start = match req.query("last") {
        Some(last) => tags
            .iter()
            .position(|t| t.name == last)
            .map_or(0, |i| i + 1),
        None => 0,
    };
    let shown: Vec<Value> = tags
        .iter()
        .skip(start)
        .take(n)
        .map(|tag| {
            json!({"name": tag.name, "digest": tag.built.digest, "createdTime": tag.pushed,
                   "lastUpdateTime": tag.pushed, "signed": false})
        })
        .collect();
    let mut response = Response::json(
        200,
        &json!({"registry": "acme.azurecr.io", "imageName": REPOSITORY, "tags": shown}),
    );
    if let Some(last) = shown.last().filter(|_| start + n < tags.len()) {
        let name = last["name"].as_str().unwrap();
        response = response.header(
            "link",
            &format!("</acr/v1/acme/app/_tags?last={name}&n={n}&orderby=timedesc>; rel=\"next\""),
        );
    }
    response
}
