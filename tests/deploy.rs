//! What `deploy/` gives users to run tagpilot: the CronJob manifest is a workload tagpilot
//! reads (and a valid CronJob), and the Dockerfile builds with the commands README.md
//! documents.

use std::fs;
use std::path::Path;

use tagpilot::manifest::yaml::{Document, Node, parse_stream};

use crate::support::{Sandbox, copy_dir};

fn deploy() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

#[test]
fn cronjob_manifest_is_a_workload_tagpilot_reads() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("deploy");
    copy_dir(&deploy(), &dir);
    let run = sandbox
        .tagpilot(
            sandbox.path(),
            &[
                "list-workloads",
                "-o",
                "json",
                "--repo",
                dir.to_str().expect("utf-8"),
            ],
        )
        .ok();
    // Every YAML file in deploy/ reads without a warning.
    assert_eq!(run.stderr, "");
    let json = run.json();
    let workloads = json.as_array().expect("an array");
    assert_eq!(workloads.len(), 1, "{json:#}");
    let cronjob = &workloads[0];
    assert_eq!(cronjob["id"], "tagpilot:cronjob/tagpilot");
    assert_eq!(cronjob["kind"], "CronJob");
    assert_eq!(cronjob["file"], "cronjob.yaml");
    assert_eq!(
        cronjob["containers"],
        serde_json::json!([{"name": "tagpilot", "image": "ghcr.io/example/tagpilot:0.1.0", "init": false}])
    );
    assert_eq!(cronjob["policies"]["automated"], true);
    assert_eq!(cronjob["policies"]["tags"]["tagpilot"], "semver:~0.1");
}

/// The value at a path of mapping keys (numbers index sequences).
fn at<'a>(doc: &'a Document, node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter()
        .fold(node, |node, key| match key.parse::<usize>() {
            Ok(i) => doc.resolve(&node.as_seq().unwrap_or_else(|| panic!("{path:?}"))[i]),
            Err(_) => doc
                .get(node, key)
                .unwrap_or_else(|| panic!("{path:?}: no {key}")),
        })
}

#[test]
fn cronjob_manifest_runs_sync_every_five_minutes_locked_down() {
    let text = fs::read_to_string(deploy().join("cronjob.yaml")).expect("cronjob.yaml");
    let docs = parse_stream(&text).expect("valid YAML");
    let kinds: Vec<&str> = docs
        .iter()
        .filter_map(|d| d.get_str(d.root.as_ref()?, "kind"))
        .collect();
    assert_eq!(
        kinds,
        ["Namespace", "ServiceAccount", "ConfigMap", "CronJob"]
    );
    let doc = docs.last().expect("the CronJob");
    let cronjob = doc.root.as_ref().expect("root");
    let s = |path: &[&str]| at(doc, cronjob, path).as_str().map(str::to_owned);
    assert_eq!(s(&["spec", "schedule"]).as_deref(), Some("*/5 * * * *"));
    assert_eq!(s(&["spec", "concurrencyPolicy"]).as_deref(), Some("Forbid"));
    let pod = ["spec", "jobTemplate", "spec", "template", "spec"];
    let pod_path = |rest: &[&'static str]| [&pod[..], rest].concat();
    assert_eq!(
        s(&pod_path(&["serviceAccountName"])).as_deref(),
        Some("tagpilot")
    );
    assert_eq!(
        s(&pod_path(&["securityContext", "runAsNonRoot"])).as_deref(),
        Some("true")
    );
    let container = pod_path(&["containers", "0"]);
    let args: Vec<&str> = at(doc, cronjob, &[&container[..], &["args"]].concat())
        .as_seq()
        .expect("args")
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(args[..2], ["sync", "--git-url"]);
    assert!(args[2].starts_with("https://"), "{args:?}");
    let security = [&container[..], &["securityContext"]].concat();
    assert_eq!(
        s(&[&security[..], &["readOnlyRootFilesystem"]].concat()).as_deref(),
        Some("true")
    );
    assert_eq!(
        s(&[&security[..], &["allowPrivilegeEscalation"]].concat()).as_deref(),
        Some("false")
    );
    for key in ["requests", "limits"] {
        let resources = at(
            doc,
            cronjob,
            &[&container[..], &["resources", key]].concat(),
        );
        assert!(resources.as_map().is_some_and(|m| !m.is_empty()), "{key}");
    }
    // The read-only root needs writable mounts for the cache and temporary files.
    let mounts: Vec<&str> = at(doc, cronjob, &[&container[..], &["volumeMounts"]].concat())
        .as_seq()
        .expect("volumeMounts")
        .iter()
        .filter_map(|m| doc.get_str(m, "mountPath"))
        .collect();
    assert!(
        mounts.contains(&"/cache") && mounts.contains(&"/tmp"),
        "{mounts:?}"
    );
    assert!(
        args.windows(2).any(|w| w == ["--cache-dir", "/cache"]),
        "{args:?}"
    );
}

/// The build commands (`apt-get …` and `cargo …`) of a shell text, in order.
fn build_commands(shell: &str) -> Vec<String> {
    shell
        .split("&&")
        .flat_map(|part| part.lines())
        .map(|line| line.split(" #").next().unwrap_or("").trim())
        .filter(|c| c.starts_with("cargo ") || c.starts_with("apt-get "))
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The RUN instructions of the Dockerfile's build stage, continuation lines joined.
fn dockerfile_build_runs(text: &str) -> String {
    let joined = text.replace("\\\n", " ");
    let mut in_build = false;
    let mut runs = String::new();
    for line in joined.lines().map(str::trim) {
        if let Some(from) = line.strip_prefix("FROM ") {
            in_build = from.ends_with(" AS build");
        } else if let Some(run) = line.strip_prefix("RUN ").filter(|_| in_build) {
            runs.push_str(run);
            runs.push('\n');
        }
    }
    runs
}

/// The lines of the `sh` code blocks in the README section under this heading.
fn readme_section_code(readme: &str, heading: &str) -> String {
    let level = heading.len() - heading.trim_start_matches('#').len();
    let mut lines = readme.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "README.md has no {heading:?}");
    let mut code = String::new();
    // Inside a code block: whether it is a shell block.
    let mut block: Option<bool> = None;
    for line in lines {
        if line.starts_with("```") {
            block = match block {
                None => Some(line == "```sh"),
                Some(_) => None,
            };
            continue;
        }
        match block {
            Some(true) => {
                code.push_str(line);
                code.push('\n');
            }
            Some(false) => {}
            None => {
                let hashes = line.len() - line.trim_start_matches('#').len();
                if hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
                    break;
                }
            }
        }
    }
    code
}

#[test]
fn dockerfile_builds_with_the_commands_readme_documents() {
    let dockerfile = fs::read_to_string(deploy().join("Dockerfile")).expect("Dockerfile");
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let built = build_commands(&dockerfile_build_runs(&dockerfile));
    let documented = build_commands(&readme_section_code(&readme, "### As a cron job"));
    assert!(
        built.iter().any(|c| c.starts_with("cargo build")),
        "{built:?}"
    );
    assert_eq!(built, documented);

    // The runtime stage: what the binary links, certificates, a user that is not root.
    let runtime = &dockerfile[dockerfile.rfind("\nFROM ").expect("two stages")..];
    assert!(
        runtime.starts_with("\nFROM debian:bookworm-slim"),
        "{runtime}"
    );
    for package in ["ca-certificates", "libssl3", "zlib1g"] {
        assert!(runtime.contains(package), "{package}");
    }
    let user = runtime
        .lines()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER");
    assert!(
        !user.starts_with("root") && !user.starts_with('0'),
        "{user}"
    );
    assert!(runtime.contains("ENTRYPOINT [\"tagpilot\"]"));
}
