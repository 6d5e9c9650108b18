//! Flux v2 setter markers and tagpilot's own markers end to end: a repository laid out like
//! Flux v2's getting-started guide (a `clusters/` tree with the image objects, `apps/` with
//! kustomize overlays and a HelmRelease with split values), a real registry, a real bare
//! remote.

use serde_json::{Value, json};

use crate::support::Sandbox;
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};

/// The registry: podinfo releases, web builds stamped with a time, and worker builds.
async fn registry() -> (Registry, String) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    let images: [(&str, &[(&str, u32)]); 4] = [
        (
            "stefanprodan/podinfo",
            &[("5.0.0", 1), ("5.0.3", 2), ("5.1.0", 3), ("6.0.0", 4)],
        ),
        (
            "acme/web",
            &[
                ("main-1a-1700000100", 1),
                ("main-2b-1700000200", 2),
                ("latest", 3),
            ],
        ),
        ("acme/worker", &[("main-1", 1), ("main-2", 2), ("pr-7", 3)]),
        ("acme/api", &[("1.0.0", 1), ("2.0.0", 2)]),
    ];
    for (repository, tags) in images {
        for (tag, day) in tags {
            let spec =
                ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
            pusher.push(repository, &spec).await;
        }
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    (registry, host)
}

/// The image objects of `clusters/my-cluster`: podinfo by semver, web by the timestamp
/// in its tags, and api's policy in the `apps` namespace.
fn image_objects(h: &str) -> String {
    format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  image: {h}/stefanprodan/podinfo\n  interval: 5m\n---\n\
         apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: podinfo\n  policy:\n    semver:\n      range: 5.0.x\n---\n\
         apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  image: {h}/acme/web\n  interval: 5m\n---\n\
         apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: web\n  filterTags:\n    pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)'\n    extract: '$ts'\n  policy:\n    numerical:\n      order: asc\n---\n\
         apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  image: {h}/acme/api\n---\n\
         apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  imageRepositoryRef:\n    name: api\n  policy:\n    semver:\n      range: '>=1.0.0'\n"
    )
}

/// The podinfo Deployment of `apps/base`, marked the Flux way, with a blank line and a
/// block scalar Flux's rewrite would lose.
fn podinfo(h: &str, tag: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n  namespace: podinfo\n\nspec:\n  template:\n    metadata:\n      annotations:\n        note: |\n          keep\n          these lines\n    spec:\n      containers:\n      - name: podinfod\n        image: \"{h}/stefanprodan/podinfo:{tag}\"  # {{\"$imagepolicy\": \"flux-system:podinfo\"}}\n"
    )
}

/// The production overlay: api marked with a policy in the wrong namespace.
fn overlay(h: &str) -> String {
    format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../base/podinfo\nimages:\n- name: api\n  newName: {h}/acme/api # {{\"$imagepolicy\": \"flux-system:api:name\"}}\n  newTag: 1.0.0 # {{\"$imagepolicy\": \"flux-system:api:tag\"}}\n"
    )
}

/// A Flux v2 HelmRelease with split values and the worker's build-time marker.
fn release(h: &str, web: &str, worker: &str) -> String {
    format!(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  values:\n    image:\n      repository: {h}/acme/web # {{\"$imagepolicy\": \"flux-system:web:name\"}}\n      tag: {web} # {{\"$imagepolicy\": \"flux-system:web:tag\"}}\n    workers: [{{image: '{h}/acme/worker:{worker}'}}] # {{\"$tagpilot\": \"glob:main-*\"}}\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn one_sync_moves_every_marked_site_and_names_the_broken_one() {
    let (_registry, h) = registry().await;
    let sandbox = Sandbox::new();
    let files = [
        (
            "clusters/my-cluster/image-automation.yaml",
            image_objects(&h),
        ),
        ("apps/base/podinfo/deployment.yaml", podinfo(&h, "5.0.0")),
        ("apps/production/kustomization.yaml", overlay(&h)),
        (
            "apps/production/web.yaml",
            release(&h, "main-1a-1700000100", "main-1"),
        ),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let repo = sandbox.repo(&borrowed);

    let listed = sandbox.tagpilot(&repo.work, &["list-workloads", "-o", "json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stderr.starts_with(
            "warning: apps/production/kustomization.yaml:7: marker {\"$imagepolicy\": \"flux-system:api:name\"}: no ImagePolicy flux-system/api"
        ),
        "{}",
        listed.stderr
    );
    let listed = listed.json();
    let containers: Vec<(String, Value)> = listed
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| {
            let id = w["id"].as_str().unwrap().to_owned();
            w["containers"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |c| {
                    (
                        format!("{id} {}", c["name"].as_str().unwrap()),
                        c["marker"].clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        containers,
        [
            (
                "podinfo:deployment/podinfo podinfod".to_owned(),
                json!({"kind": "imagepolicy", "line": 17, "part": "whole", "policy": "flux-system/podinfo"})
            ),
            (
                "kustomization:apps/production api".to_owned(),
                json!({"kind": "imagepolicy", "line": 7, "part": "name", "policy": "flux-system/api",
                "problem": "apps/production/kustomization.yaml:7: marker {\"$imagepolicy\": \"flux-system:api:name\"}: no ImagePolicy flux-system/api in the scanned files (Flux would ignore the marker); there is apps/api in another namespace: write apps:api"})
            ),
            (
                "apps:helmrelease/web web".to_owned(),
                json!({"kind": "imagepolicy", "line": 9, "part": "name", "policy": "flux-system/web"})
            ),
            (
                "apps:helmrelease/web line-11".to_owned(),
                json!({"kind": "tagpilot", "line": 11, "part": "whole", "pattern": "glob:main-*"})
            ),
        ]
    );

    let run = sandbox.tagpilot(&repo.work, &["sync", "-o", "json"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let broken = "apps/production/kustomization.yaml:7: marker {\"$imagepolicy\": \"flux-system:api:name\"}: no ImagePolicy flux-system/api in the scanned files";
    assert!(
        run.stderr.lines().any(
            |l| l.starts_with("error: kustomization:apps/production: api: ") && l.contains(broken)
        ),
        "{}",
        run.stderr
    );
    let read = |path: &str| String::from_utf8(repo.read(path)).unwrap();
    assert_eq!(
        read("apps/base/podinfo/deployment.yaml"),
        podinfo(&h, "5.0.3")
    );
    assert_eq!(
        read("apps/production/web.yaml"),
        release(&h, "main-2b-1700000200", "main-2")
    );
    assert_eq!(read("apps/production/kustomization.yaml"), overlay(&h));
    let report = run.json();
    let results: Vec<(String, String)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        results,
        [
            ("apps:helmrelease/web".to_owned(), "success".to_owned()),
            (
                "kustomization:apps/production".to_owned(),
                "failed".to_owned()
            ),
            (
                "podinfo:deployment/podinfo".to_owned(),
                "success".to_owned()
            ),
        ]
    );
    let log = sandbox.git(&repo.work, &["log", "-1", "--format=%B"]);
    assert_eq!(
        log,
        format!(
            "Auto-release multiple (3) images\n\n - {h}/acme/web:main-2b-1700000200\n - {h}/acme/worker:main-2\n - {h}/stefanprodan/podinfo:5.0.3\n\n"
        )
    );

    // Nothing new: nothing changes, and the broken marker is still an error.
    let again = sandbox.tagpilot(&repo.work, &["sync"]);
    assert_eq!(again.code, 4, "{}", again.stderr);
    assert!(again.stderr.contains(broken), "{}", again.stderr);
    let count = sandbox.git(&repo.work, &["rev-list", "--count", "HEAD"]);
    assert_eq!(count.trim(), "2");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_that_reflects_digests_pins_the_reference() {
    let (_registry, h) = registry().await;
    let sandbox = Sandbox::new();
    let objects = image_objects(&h).replace(
        "    semver:\n      range: 5.0.x\n",
        "    semver:\n      range: 5.0.x\n  digestReflectionPolicy: IfNotPresent\n",
    );
    // One behind, and one on the newest tag already: both get pinned.
    let current = podinfo(&h, "5.0.3").replace("  name: podinfo\n", "  name: current\n");
    let files = [
        ("clusters/image-automation.yaml", objects),
        ("apps/podinfo.yaml", podinfo(&h, "5.0.0")),
        ("apps/current.yaml", current),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let repo = sandbox.repo(&borrowed);
    let run = sandbox.tagpilot(&repo.work, &["sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in ["apps/podinfo.yaml", "apps/current.yaml"] {
        let text = String::from_utf8(repo.read(file)).unwrap();
        let written = text
            .lines()
            .find(|l| l.contains("image:"))
            .unwrap()
            .trim()
            .to_owned();
        let prefix = format!("image: \"{h}/stefanprodan/podinfo:5.0.3@sha256:");
        assert!(written.starts_with(&prefix), "{file}: {written}");
        let marker = "\"  # {\"$imagepolicy\": \"flux-system:podinfo\"}";
        assert!(written.ends_with(marker), "{file}: {written}");
    }
    // The digest now written is the tag's: nothing more to do.
    let again = sandbox.tagpilot(&repo.work, &["sync"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("Nothing to do"), "{}", again.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn marked_sites_in_list_images_and_release() {
    let (_registry, h) = registry().await;
    let sandbox = Sandbox::new();
    let files = [
        (
            "clusters/my-cluster/image-automation.yaml",
            image_objects(&h),
        ),
        ("apps/base/podinfo/deployment.yaml", podinfo(&h, "5.0.0")),
        (
            "apps/production/web.yaml",
            release(&h, "main-1a-1700000100", "main-1"),
        ),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let repo = sandbox.repo(&borrowed);
    let listed = sandbox.tagpilot(&repo.work, &["list-images", "-w", "apps:helmrelease/web"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let table = "WORKLOAD              CONTAINER  IMAGE                        CREATED
apps:helmrelease/web  web        H/acme/web
                                 |   main-2b-1700000200       02 May 24 10:00 UTC
                                 '-> main-1a-1700000100       01 May 24 10:00 UTC
                                     latest
                      line-11    H/acme/worker
                                 |   main-2                   02 May 24 10:00 UTC
                                 '-> main-1                   01 May 24 10:00 UTC
                                     pr-7
";
    // The table's columns are as wide as the host's name makes them.
    let shown: Vec<String> = listed
        .stdout
        .lines()
        .map(|l| l.trim_end().replace(&h, "H"))
        .collect();
    let want: Vec<String> = table.lines().map(|l| l.trim_end().to_owned()).collect();
    assert_eq!(squeeze(&shown), squeeze(&want), "{}", listed.stdout);
    let released = sandbox.tagpilot(
        &repo.work,
        &[
            "release",
            "-w",
            "apps:helmrelease/web",
            "-i",
            &format!("{h}/acme/worker:main-2"),
        ],
    );
    assert_eq!(released.code, 0, "{}", released.stderr);
    assert!(
        released
            .stdout
            .contains(&format!("line-11: {h}/acme/worker:main-1 -> main-2")),
        "{}",
        released.stdout
    );
    let text = String::from_utf8(repo.read("apps/production/web.yaml")).unwrap();
    assert_eq!(text, release(&h, "main-1a-1700000100", "main-2"));
}

/// Lines with runs of spaces made one.
fn squeeze(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            l.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// image-automation-controller's setter cases (`fixtures/flux-v2`, see its SOURCE.txt):
/// what Flux writes, tagpilot writes, byte for byte; the marker Flux ignores is an error.
#[tokio::test(flavor = "multi_thread")]
async fn image_automation_controllers_setter_cases() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("v1", 1), ("v1.0.0", 2), ("v1.0.1", 3)] {
        let spec =
            ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
        pusher.push("updated", &spec).await;
    }
    let image = ImageSpec::new("v1.0.0", Kind::Docker).created("2024-05-01T10:00:00Z");
    let digest = pusher.push("image", &image).await.digest;
    let h = registry.url().trim_start_matches("http://").to_owned();
    let fill = |text: String| text.replace("{H}", &h).replace("{DIGEST}", &digest);
    let dir = crate::support::fixtures().join("flux-v2/setters");
    let read = |side: &str| -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir.join(side))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, fill(std::fs::read_to_string(e.path()).unwrap()))
            })
            .collect();
        files.sort();
        files
    };
    let sandbox = Sandbox::new();
    let original = read("original");
    let borrowed: Vec<(&str, &[u8])> = original
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let repo = sandbox.repo(&borrowed);
    let run = sandbox.tagpilot(&repo.work, &["sync"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "error: bar:deployment/foo: c: otherns.yaml:11: marker {\"$imagepolicy\": \"other-namespace:policy\"}: no ImagePolicy other-namespace/policy in the scanned files (Flux would ignore the marker); there is automation-ns/policy in another namespace: write automation-ns:policy"
        ],
        "{}",
        run.stderr
    );
    for (name, want) in read("expected") {
        let got = String::from_utf8(repo.read(&name)).unwrap();
        assert_eq!(got, want, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sites_left_alone_say_why() {
    let (_registry, h) = registry().await;
    let sandbox = Sandbox::new();
    let frozen = "---\napiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: frozen\n  namespace: flux-system\nspec:\n  suspend: true\n  imageRepositoryRef:\n    name: podinfo\n  policy:\n    alphabetical: {}\n";
    let values = format!(
        "proxies:\n# {{\"$tagpilot\": \"semver:~1\"}}\n- {h}/acme/api:1.0.0\nfrozen: {h}/stefanprodan/podinfo:5.0.0 # {{\"$imagepolicy\": \"flux-system:frozen\"}}\ncurrent: \"{h}/stefanprodan/podinfo:5.0.3\" # {{\"$imagepolicy\": \"flux-system:podinfo\"}}\nbumped: '{h}/acme/worker:main-1' # {{\"$tagpilot\": \"glob:main-*\"}}\n"
    );
    let locked = podinfo(&h, "5.0.0").replace(
        "  namespace: podinfo\n",
        "  namespace: podinfo\n  annotations:\n    fluxcd.io/locked: \"true\"\n",
    );
    let files = [
        (
            "clusters/images.yaml",
            format!("{}{frozen}", image_objects(&h)),
        ),
        ("apps/values.yaml", values.clone()),
        ("apps/locked.yaml", locked.clone()),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    let repo = sandbox.repo(&borrowed);
    let run = sandbox.tagpilot(&repo.work, &["sync", "-o", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{report}");
    assert_eq!(results[0]["id"], "file:apps/values.yaml");
    assert_eq!(results[0]["status"], "success");
    assert_eq!(
        results[0]["updates"],
        json!([{"container": "line-6", "from": format!("{h}/acme/worker:main-1"), "to": "main-2"}])
    );
    assert_eq!(
        results[0]["skipped"],
        json!([
            {"container": "line-2", "reason": "up to date"},
            {"container": "frozen", "reason": "ImagePolicy flux-system/frozen is suspended"},
            {"container": "podinfo", "reason": "up to date"},
        ])
    );
    assert_eq!(results[1]["id"], "podinfo:deployment/podinfo");
    assert_eq!(results[1]["status"], "skipped");
    assert_eq!(results[1]["reason"], "locked");
    let read = |path: &str| String::from_utf8(repo.read(path)).unwrap();
    assert_eq!(
        read("apps/values.yaml"),
        values.replace("worker:main-1'", "worker:main-2'")
    );
    assert_eq!(read("apps/locked.yaml"), locked);
}

#[tokio::test(flavor = "multi_thread")]
async fn tagpilot_parts_and_sequence_items_are_written_in_place() {
    let (_registry, h) = registry().await;
    let sandbox = Sandbox::new();
    let values = format!(
        "image:\n  repository: {h}/acme/worker\n  tag: \"main-1\" # {{\"$tagpilot\": \"glob:main-*\", \"image\": \"{h}/acme/worker\", \"part\": \"tag\"}}\nextra:\n  - name: api\n  # {{\"$tagpilot\": \"semver:>=1\"}}\n  - {h}/acme/api:1.0.0\n  - [{h}/acme/worker:main-1] # {{\"$tagpilot\": \"regex:^main-[0-9]+$\"}}\n"
    );
    let repo = sandbox.repo(&[("chart/values.yaml", values.as_bytes())]);
    let run = sandbox.tagpilot(&repo.work, &["sync"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = values
        .replacen("tag: \"main-1\"", "tag: \"main-2\"", 1)
        .replace("api:1.0.0", "api:2.0.0")
        .replace(
            &format!("[{h}/acme/worker:main-1]"),
            &format!("[{h}/acme/worker:main-2]"),
        );
    assert_eq!(
        String::from_utf8(repo.read("chart/values.yaml")).unwrap(),
        want
    );
}
