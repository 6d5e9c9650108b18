//! Registries that say more than the distribution API: Google's extended tags list gives
//! each manifest's build time, so single-platform tags cost no further request.

use serde_json::json;

use crate::support::Sandbox;
use crate::support::fake_http::{Content, FakeServer, Response};
use crate::support::registry::{ImageSpec, Kind, build};

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
