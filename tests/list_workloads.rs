//! `list-workloads` against the fixture corpus of real repositories and its EXPECTED.tsv.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use serde_json::Value;

use crate::support::{Sandbox, copy_dir, fixtures};

/// One expected container: (id, file, container, image as written, init).
type Row = (String, String, String, String, bool);

/// The expected containers and policies of one corpus folder, read from EXPECTED.tsv.
fn expected(folder: &str) -> (BTreeSet<Row>, BTreeMap<String, Value>) {
    let tsv = fs::read_to_string(fixtures().join("corpus/EXPECTED.tsv")).unwrap();
    let mut rows = BTreeSet::new();
    let mut policies = BTreeMap::new();
    // Setter markers on the parts of one reference make one container, named by the
    // policy, of `kustomization:<dir>` (or `file:<path>`): name, tag and digest by file
    // and policy.
    let mut marked: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] == folder && cols[3] == "setter-marker" {
            let marker: Value = serde_json::from_str(cols[8]).unwrap();
            let value = marker["$imagepolicy"].as_str().unwrap();
            let mut parts = value.split(':');
            let (_, policy, part) = (
                parts.next(),
                parts.next().unwrap(),
                parts.next().unwrap_or("whole"),
            );
            marked
                .entry((cols[1].to_owned(), policy.to_owned()))
                .or_default()
                .insert(part.to_owned(), cols[9].trim_matches('"').to_owned());
        }
        if cols[0] != folder || !matches!(cols[3], "container" | "helmrelease-v1") {
            continue;
        }
        let (file, id, container, ctype, image, annotations) = (
            cols[1],
            cols[4],
            cols[7],
            cols[8],
            cols[9],
            cols.get(12).copied().unwrap_or(""),
        );
        rows.insert((
            id.into(),
            file.into(),
            container.into(),
            image.into(),
            ctype == "init",
        ));
        let mut tags = serde_json::Map::new();
        let mut flags = BTreeMap::new();
        for pair in annotations.split(';').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap();
            let key = key.strip_prefix("fluxcd.io/").unwrap_or(key);
            if let Some(c) = key.strip_prefix("tag.") {
                tags.insert(c.into(), value.into());
            } else {
                flags.insert(key.to_owned(), value == "true");
            }
        }
        policies.insert(
            id.to_owned(),
            serde_json::json!({
                "automated": flags.get("automated").copied().unwrap_or(false),
                "locked": flags.get("locked").copied().unwrap_or(false),
                "ignore": flags.get("ignore").copied().unwrap_or(false),
                "tags": tags,
            }),
        );
    }
    for ((file, policy), parts) in marked {
        let base = file.rsplit('/').next().unwrap();
        let id = if base.starts_with("kustomization") || base == "Kustomization" {
            format!(
                "kustomization:{}",
                file.rsplit_once('/').map_or(".", |(dir, _)| dir)
            )
        } else {
            format!("file:{file}")
        };
        let mut image = parts.get("name").cloned().unwrap_or_default();
        if let Some(tag) = parts.get("tag") {
            image.push_str(&format!(":{tag}"));
        }
        if let Some(digest) = parts.get("digest") {
            image.push_str(&format!("@{digest}"));
        }
        rows.insert((id, file, policy, image, false));
    }
    (rows, policies)
}

/// Run list-workloads -o json on a copy of a corpus folder (outside any git repository).
fn scan(folder: &str) -> (Value, String) {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join(folder);
    copy_dir(&fixtures().join("corpus").join(folder), &dir);
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "-o", "json"])
        .ok();
    (run.json(), run.stderr)
}

fn check_folder(folder: &str) -> String {
    let (json, stderr) = scan(folder);
    let (want_rows, want_policies) = expected(folder);
    let mut rows = BTreeSet::new();
    for w in json.as_array().unwrap() {
        let id = w["id"].as_str().unwrap();
        for c in w["containers"].as_array().unwrap() {
            rows.insert((
                id.to_owned(),
                w["file"].as_str().unwrap().to_owned(),
                c["name"].as_str().unwrap().to_owned(),
                c["image"].as_str().unwrap_or("").to_owned(),
                c["init"].as_bool().unwrap(),
            ));
        }
        assert_eq!(
            w["policies"],
            want_policies
                .get(id)
                .cloned()
                .unwrap_or_else(|| serde_json::json!({
                    "automated": false, "locked": false, "ignore": false, "tags": {}
                })),
            "policies of {id}"
        );
    }
    assert_eq!(rows, want_rows, "{folder}");
    stderr
}

#[test]
fn flux_get_started_matches_expected_and_survives_the_chart() {
    let stderr = check_folder("fluxcd__flux-get-started");
    assert_eq!(
        stderr,
        "warning: 1 Helm chart directory not scanned (-v lists it)\n"
    );
}

#[test]
fn flux2_has_no_workloads() {
    check_folder("fluxcd__flux2");
}

#[test]
fn podinfo_matches_expected_and_survives_the_chart() {
    let stderr = check_folder("stefanprodan__podinfo");
    assert_eq!(
        stderr,
        "warning: 1 Helm chart directory not scanned (-v lists it)\n"
    );
}

#[test]
fn flux_example_matches_expected() {
    check_folder("weaveworks__flux-example");
}

#[test]
fn json_lines_point_at_the_document() {
    let (json, _) = scan("weaveworks__flux-example");
    assert_eq!(json[0]["file"], "helloworld-deploy.yaml");
    assert_eq!(json[0]["line"], 1);
    assert_eq!(json[0]["kind"], "Deployment");
    assert_eq!(json[0]["namespace"], "default");
}

#[test]
fn table_lists_a_row_per_container_with_policies() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    copy_dir(&fixtures().join("corpus/fluxcd__flux-get-started"), &dir);
    let run = sandbox
        .tagpilot(
            &dir,
            &["list-workloads", "-n", "demo", "-w", "deployment/podinfo"],
        )
        .ok();
    assert_eq!(
        run.stdout,
        "WORKLOAD                 CONTAINER  IMAGE                       POLICY\n\
         demo:deployment/podinfo  podinfod   stefanprodan/podinfo:3.1.0  automated,tag.init=regex:^3.10.*,tag.podinfod=semver:~3.1\n\
         demo:deployment/podinfo  init       alpine:3.10.1               automated,tag.init=regex:^3.10.*,tag.podinfod=semver:~3.1\n"
    );
}

#[test]
fn unknown_workload_is_an_error_naming_it() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    copy_dir(&fixtures().join("corpus/weaveworks__flux-example"), &dir);
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "-w", "default:deployment/nope"])
        .code(1);
    assert_eq!(
        run.stderr,
        "error: no workload default:deployment/nope in the scanned manifests; did you mean \
         default:deployment/helloworld?\n"
    );
}

#[test]
fn color_always_colours_the_prefixes_and_never_does_not() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    copy_dir(&fixtures().join("corpus/fluxcd__flux-get-started"), &dir);
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "--color", "always"])
        .ok();
    assert!(
        run.stderr
            .starts_with("\u{1b}[1;33mwarning:\u{1b}[0m 1 Helm chart directory"),
        "{:?}",
        run.stderr
    );
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "-w", "nope/x", "--color=always"])
        .code(1);
    assert!(
        run.stderr
            .contains("\u{1b}[1;31merror:\u{1b}[0m no workload"),
        "{:?}",
        run.stderr
    );
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "--color", "never"])
        .ok();
    assert!(
        run.stderr.starts_with("warning: 1 Helm chart directory"),
        "{:?}",
        run.stderr
    );
}

/// A `--path` that does not exist is named once, without the operating system's words for
/// the same thing.
#[test]
fn a_missing_path_is_an_error_said_once() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    copy_dir(&fixtures().join("corpus/weaveworks__flux-example"), &dir);
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "--path", "apps/btach"])
        .code(1);
    assert_eq!(
        run.stderr,
        "error: --path apps/btach: no such file or directory in the repository\n"
    );
}

/// Skipped Helm chart directories are one warning line, not one each; `-v` names them.
#[test]
fn helm_chart_directories_are_summed_up_in_one_line() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    let deployment = "kind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1\n";
    for chart in ["charts/a", "charts/b", "vendor/c"] {
        fs::create_dir_all(dir.join(chart).join("templates")).unwrap();
        fs::write(dir.join(chart).join("Chart.yaml"), "name: x\n").unwrap();
        fs::write(
            dir.join(chart).join("templates/deploy.yaml"),
            "{{ .Values.x }}\n",
        )
        .unwrap();
    }
    fs::write(dir.join("app.yaml"), deployment).unwrap();
    let run = sandbox.tagpilot(&dir, &["list-workloads"]).ok();
    assert_eq!(
        run.stderr,
        "warning: 3 Helm chart directories not scanned (-v lists them)\n"
    );
    assert!(
        run.stdout.contains("default:deployment/app"),
        "{}",
        run.stdout
    );
    let run = sandbox.tagpilot(&dir, &["list-workloads", "-v"]).ok();
    assert!(
        run.stderr.lines().any(|l| l
            == "warning: 3 Helm chart directories not scanned (templates are not manifests): charts/a, charts/b, vendor/c"),
        "{}",
        run.stderr
    );
    let run = sandbox.tagpilot(&dir, &["list-workloads", "-q"]).ok();
    assert_eq!(run.stderr, "");
}

/// An empty result says so on stderr, as kubectl's "No resources found", and where it
/// looked; JSON is an empty array.
#[test]
fn no_workloads_found_is_said() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    fs::create_dir_all(dir.join("apps")).unwrap();
    fs::write(
        dir.join("apps/config.yaml"),
        "kind: ConfigMap\nmetadata:\n  name: settings\n",
    )
    .unwrap();
    let run = sandbox.tagpilot(&dir, &["list-workloads"]).ok();
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "No workloads found\n");
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "-n", "shop", "--path", "apps"])
        .ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "No workloads found in namespace shop under apps\n"
    );
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "-o", "json"])
        .ok();
    assert_eq!(run.json(), serde_json::json!([]));
    assert_eq!(run.stderr, "");
    let run = sandbox.tagpilot(&dir, &["list-workloads", "-q"]).ok();
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
}

#[test]
fn a_file_over_64_mib_is_skipped_with_a_warning() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("r");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("app.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n",
    )
    .unwrap();
    // Sparse: its size is what counts, and it is never read.
    let big = std::fs::File::create(dir.join("dump.yaml")).unwrap();
    big.set_len(64 * 1024 * 1024 + 1).unwrap();
    let run = sandbox
        .tagpilot(&dir, &["list-workloads", "--repo", "."])
        .ok();
    assert_eq!(
        run.stderr,
        "warning: dump.yaml: 64.0 MiB, larger than the 64 MiB a manifest may have, skipped; split \
         it, or leave it out with --path\n"
    );
    assert!(
        run.stdout.contains("default:deployment/app"),
        "{}",
        run.stdout
    );
}
