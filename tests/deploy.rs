//! What `deploy/` gives users to run tagpilot: the CronJob manifest is a workload tagpilot
//! reads (and a valid CronJob, over HTTPS or SSH), the GitHub Actions workflow keeps its
//! cache between runs, and the Dockerfile builds with the commands docs/running.md lists.

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

/// The lines of the `sh` code blocks in the Markdown section under this heading.
fn readme_section_code(markdown: &str, heading: &str) -> String {
    let level = heading.len() - heading.trim_start_matches('#').len();
    let mut lines = markdown.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "no section {heading:?}");
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
    let running = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/running.md"))
        .expect("docs/running.md");
    let built = build_commands(&dockerfile_build_runs(&dockerfile));
    let documented = build_commands(&readme_section_code(&running, "## Docker image"));
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

/// The CronJob document of `cronjob.yaml`, as shipped or with the SSH lines switched on.
fn cronjob(text: &str) -> Document {
    let docs = parse_stream(text).expect("valid YAML");
    let doc = docs.into_iter().last().expect("the CronJob");
    let kind = doc.get_str(doc.root.as_ref().expect("root"), "kind");
    assert_eq!(kind, Some("CronJob"));
    doc
}

/// The `secretKeyRef`s of the CronJob's container that a Secret must hold for it to start:
/// `(secret, key)` of every reference not marked `optional: true`.
fn required_secret_keys(doc: &Document) -> Vec<(String, String)> {
    let root = doc.root.as_ref().expect("root");
    let env = at(
        doc,
        root,
        &[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "containers",
            "0",
            "env",
        ],
    );
    env.as_seq()
        .expect("env")
        .iter()
        .filter_map(|var| doc.path(var, &["valueFrom", "secretKeyRef"]))
        .filter(|r| doc.get_str(r, "optional") != Some("true"))
        .map(|r| {
            (
                doc.get_str(r, "name").expect("name").to_owned(),
                doc.get_str(r, "key").expect("key").to_owned(),
            )
        })
        .collect()
}

#[test]
fn cronjob_ssh_variant_starts_without_a_token() {
    let text = fs::read_to_string(deploy().join("cronjob.yaml")).expect("cronjob.yaml");
    // As shipped (HTTPS), GIT_TOKEN is read, but may be missing.
    let https = cronjob(&text);
    assert_eq!(required_secret_keys(&https), Vec::<(String, String)>::new());

    // The SSH variant, switched on as the file's comments say.
    let ssh_text = text.replace("#ssh ", "");
    assert!(ssh_text != text, "cronjob.yaml has no #ssh lines");
    let ssh = cronjob(&ssh_text);
    assert_eq!(required_secret_keys(&ssh), Vec::<(String, String)>::new());
    let root = ssh.root.as_ref().expect("root");
    let pod = ["spec", "jobTemplate", "spec", "template", "spec"];
    let container = at(&ssh, root, &[&pod[..], &["containers", "0"]].concat());
    let env: Vec<(&str, &str)> = at(&ssh, container, &["env"])
        .as_seq()
        .expect("env")
        .iter()
        .filter_map(|v| Some((ssh.get_str(v, "name")?, ssh.get_str(v, "value")?)))
        .collect();
    assert!(
        env.contains(&("TAGPILOT_GIT_SSH_KEY", "/etc/tagpilot/ssh/id_ed25519")),
        "{env:?}"
    );
    let mounts: Vec<(&str, &str, Option<&str>)> = at(&ssh, container, &["volumeMounts"])
        .as_seq()
        .expect("volumeMounts")
        .iter()
        .map(|m| {
            (
                ssh.get_str(m, "name").expect("name"),
                ssh.get_str(m, "mountPath").expect("mountPath"),
                ssh.get_str(m, "subPath"),
            )
        })
        .collect();
    assert!(
        mounts.contains(&("ssh", "/etc/tagpilot/ssh", None)),
        "{mounts:?}"
    );
    assert!(
        mounts.contains(&(
            "ssh",
            "/home/tagpilot/.ssh/known_hosts",
            Some("known_hosts")
        )),
        "{mounts:?}"
    );
    let volumes = at(&ssh, root, &[&pod[..], &["volumes"]].concat());
    let secret = volumes
        .as_seq()
        .expect("volumes")
        .iter()
        .find(|v| ssh.get_str(v, "name") == Some("ssh"))
        .and_then(|v| ssh.path(v, &["secret", "secretName"]))
        .and_then(Node::as_str);
    assert_eq!(secret, Some("tagpilot-git"));

    // The SSH variant is still a workload tagpilot reads without a warning.
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("deploy");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("cronjob.yaml"), &ssh_text).expect("write");
    let run = sandbox
        .tagpilot(
            sandbox.path(),
            &["list-workloads", "--repo", dir.to_str().expect("utf-8")],
        )
        .ok();
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout.contains("tagpilot:cronjob/tagpilot"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_actions_workflow_keeps_the_cache_between_runs() {
    let text =
        fs::read_to_string(deploy().join("github-actions.yaml")).expect("github-actions.yaml");
    let docs = parse_stream(&text).expect("valid YAML");
    let doc = &docs[0];
    let root = doc.root.as_ref().expect("root");
    let steps = at(doc, root, &["jobs", "deploy", "steps"])
        .as_seq()
        .expect("steps");
    let uses = |step: &Node| doc.get_str(step, "uses").unwrap_or("").to_owned();
    let cache_at = steps
        .iter()
        .position(|s| uses(s).starts_with("actions/cache@"))
        .expect("an actions/cache step");
    let cache = &steps[cache_at];
    let path = doc
        .path(cache, &["with", "path"])
        .and_then(Node::as_str)
        .expect("a cache path");
    let key = doc
        .path(cache, &["with", "key"])
        .and_then(Node::as_str)
        .expect("a cache key");
    // A fixed key would be saved once and never again: each run saves its own.
    assert!(key.contains("${{ github.run_id }}"), "{key}");
    assert!(
        doc.path(cache, &["with", "restore-keys"]).is_some(),
        "restore-keys"
    );
    let (run_at, run) = steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| {
            let run = doc.get_str(s, "run")?;
            run.contains(" sync").then_some((i, run))
        })
        .expect("the tagpilot step");
    assert!(
        cache_at < run_at,
        "the cache is restored before tagpilot runs"
    );
    let mount = format!("-v \"$PWD/{path}:/cache\"");
    assert!(run.contains(&mount), "{mount} in {run}");
    assert!(run.contains("--cache-dir /cache"), "{run}");
    assert!(run.contains("--git-url https://"), "{run}");
    assert!(!run.contains("--no-cache"), "{run}");
}
