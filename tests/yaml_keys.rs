//! Duplicate keys and merge keys (`<<: *base`) in manifests: read as Kubernetes reads them,
//! and edited only where the value is written.

use crate::support::Sandbox;
use crate::support::harness::Test;
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry, with_tags};

/// `acme/db` 1 and 2, built a day apart.
async fn registry() -> (Registry, String) {
    with_tags("acme/db", &[("1", 1), ("2", 2)]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn of_duplicate_keys_the_last_counts_for_reading_and_editing() {
    let (_registry, h) = registry().await;
    let text = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  annotations:\n    \
         fluxcd.io/automated: \"false\"\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: db\n        image: {h}/acme/old:9\n        \
         image: {h}/acme/db:1\n"
    );
    Test::new()
        .file("a.yaml", &text)
        .args(&["list-workloads"])
        .run()
        .code(0)
        .stdout_has(&format!("{h}/acme/db:1  automated"))
        .again(&["sync"])
        .code(0)
        .file(
            "a.yaml",
            &text.replace(&format!("{h}/acme/db:1"), &format!("{h}/acme/db:2")),
        )
        .clean()
        .commits(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn merge_keys_are_followed_and_a_shared_value_moves_only_for_all() {
    let (_registry, h) = registry().await;
    let manifest = |filter: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n  annotations:\n    \
             fluxcd.io/automated: \"true\"\n{filter}spec:\n  template:\n    spec:\n      \
             containers:\n      - &base\n        name: x\n        image: {h}/acme/db:1\n      \
             - <<: *base\n        name: y\n"
        )
    };
    let text = manifest("");
    let db1 = format!("{h}/acme/db:1");
    let listed = Test::new()
        .file("b.yaml", &text)
        .args(&["list-workloads"])
        .run()
        .code(0);
    let images: Vec<&str> = listed
        .run
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default())
        .collect();
    assert_eq!(images, [db1.as_str(), db1.as_str()]);
    // Both containers move to the same tag: the one place it is written changes.
    let synced = listed
        .again(&["sync"])
        .code(0)
        .file("b.yaml", &text.replace(&db1, &format!("{h}/acme/db:2")));

    // Only y may move: its image is x's, so nothing is written, and the error says why.
    let pinned = manifest("    fluxcd.io/tag.x: glob:1\n").replace("db:2", "db:1");
    std::fs::write(synced.work().join("b.yaml"), &pinned).expect("write");
    synced
        .sandbox
        .git(&synced.work(), &["commit", "-qam", "pin x"]);
    synced
        .again(&["sync"])
        .code(1)
        .stderr(
            "error: default:deployment/b: y: the image of container y of default:deployment/b in \
             b.yaml comes from a YAML anchor (*name or <<: *name) also used by something that is \
             not moving to the same tag; change it by hand\nerror: every workload that was tried failed; nothing was written\n",
        )
        .file("b.yaml", &pinned)
        .commits(3);
}

/// The value at `path` of document `doc` of `file` as PyYAML (a YAML 1.1 reader) reads it,
/// as JSON; a value that is not a string, number or boolean (a date) shows as its repr.
fn pyyaml(file: &std::path::Path, doc: usize, path: &[&str]) -> String {
    let script = format!(
        "import json, sys, yaml\nvalue = list(yaml.safe_load_all(open(sys.argv[1], \
         encoding='utf-8')))[{doc}]\nfor key in sys.argv[2:]:\n    value = value[key]\n\
         print(json.dumps(value, ensure_ascii=False, default=repr))\n"
    );
    let out = std::process::Command::new("python3")
        .args(["-c", &script, file.to_str().expect("utf-8")])
        .args(path)
        .output()
        .expect("running python3 (install Debian's python3-yaml package)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim_end_matches('\n')
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn written_values_read_back_the_same_under_yaml_1_1() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("v1", 1), ("2024-05-02", 2)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        pusher.push("acme/db", &spec).await;
    }
    let h = registry.url().trim_start_matches("http://").to_owned();
    let sandbox = Sandbox::new();
    let text = format!(
        "apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: db\n  annotations:\n    \
         fluxcd.io/automated: \"true\"\nspec:\n  values:\n    image: {h}/acme/db\n    tag: v1\n"
    );
    let repo = sandbox.repo(&[("db.yaml", text.as_bytes())]);
    sandbox.tagpilot(&repo.work, &["sync"]).ok();
    let file = repo.work.join("db.yaml");
    let after = std::fs::read_to_string(&file).expect("read");
    // A tag that reads as a date under YAML 1.1 is quoted.
    assert!(after.ends_with("    tag: \"2024-05-02\"\n"), "{after}");
    assert_eq!(
        pyyaml(&file, 0, &["spec", "values", "tag"]),
        "\"2024-05-02\""
    );
    // A lock message with a line separator and control characters reads back whole.
    let message = "incident\u{2028}42\u{85}\tsee #ops\u{7}";
    sandbox
        .tagpilot(&repo.work, &["lock", "-w", "helmrelease/db", "-m", message])
        .ok();
    assert_eq!(
        pyyaml(
            &file,
            0,
            &["metadata", "annotations", "fluxcd.io/locked_msg"]
        ),
        serde_json::to_string(message).expect("json")
    );
}
