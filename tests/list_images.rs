//! `list-images` end to end: manifests in a directory, images in a real registry.

use std::fs;

use serde_json::Value;

use crate::registry::edge_cases;
use crate::support::Sandbox;
use crate::support::registry::{Built, ImageSpec, Kind, Pusher, Registry};

/// A sandbox with one manifest directory whose Deployment uses `images` (container name,
/// image) and has `annotations`.
fn manifests(
    sandbox: &Sandbox,
    images: &[(&str, String)],
    annotations: &str,
) -> std::path::PathBuf {
    let dir = sandbox.path().join("manifests");
    fs::create_dir_all(&dir).unwrap();
    let containers: String = images
        .iter()
        .map(|(name, image)| format!("      - name: {name}\n        image: {image}\n"))
        .collect();
    fs::write(
        dir.join("app.yaml"),
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  annotations:\n    fluxcd.io/automated: \"true\"\n{annotations}spec:\n  template:\n    spec:\n      containers:\n{containers}"
        ),
    )
    .unwrap();
    dir
}

async fn edge_registry() -> (Registry, Vec<Built>) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    let mut pushed = Vec::new();
    for spec in edge_cases() {
        pushed.push(pusher.push("edge/cases", &spec).await);
    }
    (registry, pushed)
}

fn list(
    sandbox: &Sandbox,
    dir: &std::path::Path,
    host: &str,
    extra: &[&str],
) -> crate::support::Run {
    let mut args = vec!["list-images", "--insecure-registry", host, "--no-cache"];
    args.extend(extra);
    sandbox.tagpilot(dir, &args)
}

/// (tag, amd64 created, amd64 allowed, arm64 created, arm64 allowed).
type Expected = (
    &'static str,
    Option<&'static str>,
    bool,
    Option<&'static str>,
    bool,
);

/// The twelve edge cases for amd64 and arm64: times, digests and `allowed` as documented.
#[tokio::test(flavor = "multi_thread")]
async fn edge_cases_as_json_for_two_platforms() {
    let (registry, pushed) = edge_registry().await;
    let host = registry.url().trim_start_matches("http://").to_owned();
    let sandbox = Sandbox::new();
    let dir = manifests(
        &sandbox,
        &[("app", format!("{host}/edge/cases:plain-docker"))],
        "",
    );
    let expected: [Expected; 12] = [
        (
            "plain-docker",
            Some("2024-03-01T10:00:00Z"),
            true,
            Some("2024-03-01T10:00:00Z"),
            true,
        ),
        (
            "plain-oci",
            Some("2024-03-02T10:00:00.123456789Z"),
            true,
            Some("2024-03-02T10:00:00.123456789Z"),
            true,
        ),
        (
            "offset-tz",
            Some("2024-03-03T10:00:00Z"),
            true,
            Some("2024-03-03T10:00:00Z"),
            true,
        ),
        (
            "no-created-label-only",
            Some("2024-03-04T10:00:00Z"),
            true,
            Some("2024-03-04T10:00:00Z"),
            true,
        ),
        (
            "label-schema-only",
            Some("2024-03-05T10:00:00Z"),
            true,
            Some("2024-03-05T10:00:00Z"),
            true,
        ),
        (
            "reproducible-epoch",
            Some("2024-03-06T10:00:00Z"),
            true,
            Some("2024-03-06T10:00:00Z"),
            true,
        ),
        ("no-timestamp-at-all", None, false, None, false),
        (
            "multi-docker-list",
            Some("2024-03-07T10:00:00Z"),
            true,
            Some("2024-03-07T11:00:00Z"),
            true,
        ),
        (
            "multi-oci-attest",
            Some("2024-03-08T10:00:00Z"),
            true,
            Some("2024-03-08T10:00:00Z"),
            true,
        ),
        (
            "multi-oci-index-annotated",
            Some("2024-03-09T10:00:00Z"),
            true,
            Some("2024-03-09T10:00:00Z"),
            true,
        ),
        ("arm-only", None, false, Some("2024-03-10T10:00:00Z"), true),
        (
            "latest",
            Some("2024-03-11T10:00:00Z"),
            false,
            Some("2024-03-11T10:00:00Z"),
            false,
        ),
    ];
    for (platform, newest) in [
        ("linux/amd64", "multi-oci-index-annotated"),
        ("linux/arm64", "arm-only"),
    ] {
        let run = list(
            &sandbox,
            &dir,
            &host,
            &["-o", "json", "--platform", platform],
        )
        .ok();
        let json = run.json();
        let container = &json[0]["containers"][0];
        assert_eq!(json[0]["id"], "default:deployment/app");
        assert_eq!(container["pattern"], "glob:*");
        assert_eq!(container["error"], Value::Null);
        assert_eq!(container["current"]["tag"], "plain-docker");
        assert_eq!(container["latestAllowed"]["tag"], newest, "{platform}");
        let available = container["available"].as_array().unwrap();
        assert_eq!(available.len(), 12);
        for (tag, amd_time, amd_ok, arm_time, arm_ok) in expected {
            let (time, allowed) = if platform == "linux/amd64" {
                (amd_time, amd_ok)
            } else {
                (arm_time, arm_ok)
            };
            let row = available
                .iter()
                .find(|r| r["tag"] == tag)
                .unwrap_or_else(|| panic!("{tag}"));
            let digest = &pushed.iter().find(|b| b.tag == tag).unwrap().digest;
            assert_eq!(row["digest"], digest.as_str(), "{tag} {platform}");
            assert_eq!(
                row["created"],
                time.map_or(Value::Null, Value::from),
                "{tag} {platform}"
            );
            // `allowed` is the pattern's word; `note` says why an allowed tag is not a
            // candidate.
            assert_eq!(row["allowed"], tag != "latest", "{tag} {platform}");
            let note = if allowed || tag == "latest" {
                Value::Null
            } else if time.is_none() && tag == "arm-only" {
                Value::from(format!("not available for {platform}"))
            } else {
                Value::from("no build time")
            };
            assert_eq!(row["note"], note, "{tag} {platform}");
        }
        // Candidates come first, newest first.
        assert_eq!(available[0]["tag"], newest);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn table_marks_the_current_tag_and_limits_rows() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for i in 0..6 {
        let spec = ImageSpec::new(&format!("master-a00000{i}"), Kind::Docker)
            .created(&format!("2016-07-12T17:1{i}:00Z"));
        pusher.push("weaveworks/helloworld", &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    let sandbox = Sandbox::new();
    let image = format!("{host}/weaveworks/helloworld:master-a000001");
    let dir = manifests(
        &sandbox,
        &[
            ("helloworld", image.clone()),
            ("broken", format!("{host}/no/such:1")),
        ],
        "    fluxcd.io/tag.helloworld: glob:master-*\n",
    );
    let name = format!("{host}/weaveworks/helloworld");
    // One repository of two failed: exit 4, and an error line naming it.
    let run = list(&sandbox, &dir, &host, &["-l", "3"]).code(4);
    assert_eq!(
        run.stderr,
        format!(
            "error: listing tags of {host}/no/such: HTTP 404 NAME_UNKNOWN: repository name \
             not known to registry\n"
        )
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("WORKLOAD"), "{}", run.stdout);
    assert!(
        lines[1].starts_with("default:deployment/app  helloworld"),
        "{}",
        run.stdout
    );
    assert!(lines[1].contains(&name));
    let tags: Vec<String> = lines[2..7]
        .iter()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        tags,
        [
            "| master-a000005 12 Jul 16 17:15 UTC",
            "| master-a000004 12 Jul 16 17:14 UTC",
            "| master-a000003 12 Jul 16 17:13 UTC",
            ": (1 image(s) omitted)",
            "'-> master-a000001 12 Jul 16 17:11 UTC",
        ]
    );
    // The failing repository is reported on its container; the other is still listed.
    assert!(lines[7].contains("broken"), "{}", run.stdout);
    assert!(lines[7].contains("no/such"), "{}", run.stdout);
    assert_eq!(lines.len(), 8, "{}", run.stdout);
    // The current tag right after the limit: no omitted row.
    let run = list(&sandbox, &dir, &host, &["-l", "4"]).code(4);
    assert!(!run.stdout.contains("omitted"), "{}", run.stdout);
    assert!(run.stdout.contains("'-> master-a000001"), "{}", run.stdout);
    let run = list(&sandbox, &dir, &host, &["-l", "0", "--no-headers"]).code(4);
    assert!(
        run.stdout.starts_with("default:deployment/app"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("    master-a000000"), "{}", run.stdout);
    // A current tag the registry does not have is still shown, last.
    let gone = manifests(
        &sandbox,
        &[(
            "helloworld",
            format!("{host}/weaveworks/helloworld:master-zz"),
        )],
        "    fluxcd.io/tag.helloworld: glob:master-*\n",
    );
    let run = list(&sandbox, &gone, &host, &["-l", "2"]).ok();
    let last = run.stdout.lines().last().unwrap_or_default().to_owned();
    assert_eq!(
        last.split_whitespace().collect::<Vec<_>>(),
        ["'->", "master-zz"],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(": (4 image(s) omitted)"),
        "{}",
        run.stdout
    );
}
