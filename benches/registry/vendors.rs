//! The "real registries" part of the registry benchmark: the registry client against local
//! servers speaking each vendor's format (`tests/support/vendor.rs`), counting what each
//! costs cold, warm, with every tag due for a check, and after one new image is pushed.
//!
//! Requests are counted by the servers (registry and vendor API together); pulls are the
//! manifest `GET`s, which Docker Hub counts against its budget. Each repository has
//! [`TAGS`] tags over [`IMAGES`] images, half of them multi-platform indexes, so several
//! tags share each digest, as release tags and `latest` do.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tagpilot::registry::{Client, ClientOptions, RepoKey};

use crate::registry::{ImageSpec, Kind, build};
use crate::vendor::{Dialect, REPOSITORY, Shelf, Vendor};

/// Tags per repository.
pub const TAGS: usize = 300;
/// Distinct images behind them.
pub const IMAGES: usize = 60;

/// What one scan cost.
#[derive(Clone, Copy, Default)]
struct Spent {
    requests: usize,
    pulls: usize,
}

/// One vendor's row: its name and what each kind of run cost.
struct Line {
    name: &'static str,
    runs: [Spent; 4],
}

/// The shelf every vendor serves: [`TAGS`] tags over [`IMAGES`] images, the newest push
/// last, one image in two an index for amd64 and arm64.
fn shelf() -> Shelf {
    let images: Vec<_> = (0..IMAGES)
        .map(|i| {
            let kind = if i % 2 == 0 {
                Kind::Docker
            } else {
                Kind::OciIndex
            };
            let day = 1 + i % 28;
            build(
                &ImageSpec::new(&format!("img-{i}"), kind)
                    .created(&format!("2024-03-{day:02}T{:02}:00:00Z", i % 24))
                    .salt(&i.to_string()),
            )
        })
        .collect();
    let mut shelf = Shelf::default();
    for t in 0..TAGS {
        let at = chrono::DateTime::parse_from_rfc3339("2024-04-01T00:00:00Z").expect("a time")
            + chrono::Duration::minutes(t as i64);
        shelf.tag(
            &format!("1.0.{t}"),
            &images[t * IMAGES / TAGS],
            &at.to_rfc3339(),
        );
    }
    shelf
}

/// The client options for `vendor`, with its cache in `cache`.
fn options(
    vendor: &Vendor,
    cache: &std::path::Path,
    refresh: bool,
    hub_api: bool,
) -> ClientOptions {
    let (api, url) = vendor.settings();
    let url = url.map(|u| if hub_api { u } else { format!("{u}/refused") });
    ClientOptions {
        cache_dir: Some(cache.to_path_buf()),
        refresh,
        apis: BTreeMap::from([(vendor.host(), api.parse().expect("a dialect"))]),
        vendor_urls: url.map(|u| (vendor.host(), u)).into_iter().collect(),
        ..ClientOptions::default()
    }
}

/// Scans the vendor's repository for every tag and says what it cost.
async fn scan(vendor: &Vendor, options: ClientOptions) -> Spent {
    let (requests, pulls) = (vendor.requests(), vendor.pulls());
    let client = Client::new(options).expect("a client");
    let scan = client
        .scan(&RepoKey::new(vendor.host(), REPOSITORY), |_| true)
        .await
        .expect("a scan");
    let failed = scan.details.values().filter(|d| d.is_err()).count();
    assert_eq!(
        failed,
        0,
        "{:?}",
        scan.details.values().find(|d| d.is_err())
    );
    Spent {
        requests: vendor.requests() - requests,
        pulls: vendor.pulls() - pulls,
    }
}

/// Cold, warm, all due, one new image: what each costs against `dialect`.
async fn measure(name: &'static str, dialect: Dialect, hub_api: bool) -> Line {
    let vendor = Vendor::start(dialect, shelf(), 1_000_000).await;
    let cache = tempfile::tempdir().expect("a cache dir");
    let cold = scan(&vendor, options(&vendor, cache.path(), false, hub_api)).await;
    let warm = scan(&vendor, options(&vendor, cache.path(), false, hub_api)).await;
    let due = scan(&vendor, options(&vendor, cache.path(), true, hub_api)).await;
    let new = build(&ImageSpec::new("new", Kind::OciIndex).created("2024-05-01T00:00:00Z"));
    {
        let mut shelf = vendor.shelf.lock().expect("the shelf");
        shelf.tag("2.0.0", &new, "2024-05-01T00:10:00Z");
        shelf.tag("latest", &new, "2024-05-01T00:11:00Z");
    }
    let one_new = scan(&vendor, options(&vendor, cache.path(), false, hub_api)).await;
    Line {
        name,
        runs: [cold, warm, due, one_new],
    }
}

/// Runs every vendor and returns the table to print.
pub fn run() -> String {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let lines = runtime.block_on(async {
        let mut lines = Vec::new();
        for (name, dialect, hub_api) in [
            ("registry API only (distribution)", Dialect::Oci, false),
            ("Google (extended tags list)", Dialect::Google, false),
            ("Docker Hub, registry API only", Dialect::DockerHub, false),
            ("Docker Hub with the Hub API", Dialect::DockerHub, true),
            ("Quay (tag API)", Dialect::Quay, false),
            ("ACR (_tags)", Dialect::Acr, false),
        ] {
            lines.push(measure(name, dialect, hub_api).await);
        }
        lines
    });
    table(&lines)
}

/// The table: requests / pulls for each kind of run.
fn table(lines: &[Line]) -> String {
    let mut out = format!(
        "| vendor ({TAGS} tags, {IMAGES} images) | cold | warm | all due (--refresh) | one new image, 2 tags |\n|---|---|---|---|---|\n"
    );
    for line in lines {
        let cells: Vec<String> = line
            .runs
            .iter()
            .map(|s| format!("{} requests, {} pulls", s.requests, s.pulls))
            .collect();
        let _ = writeln!(out, "| {} | {} |", line.name, cells.join(" | "));
    }
    out
}
