//! The policy commands on real git repositories with bare remotes: byte-exact annotation
//! edits on tricky YAML, commits of only the changed file, and refusals that leave
//! everything as it was.

use std::fs;

use serde_json::{Value, json};

use crate::support::{Repo, Sandbox, fixtures};

/// The tricky fixture files, as (name, bytes).
fn tricky_files() -> Vec<(String, Vec<u8>)> {
    ["tricky.yaml", "crlf.yaml", "bare.yaml"]
        .iter()
        .map(|name| {
            (
                format!("manifests/{name}"),
                fs::read(fixtures().join("tricky").join(name)).unwrap(),
            )
        })
        .collect()
}

fn tricky_repo(sandbox: &Sandbox) -> Repo {
    let files = tricky_files();
    let mut refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    refs.push((
        "other/untouched.yaml",
        b"kind: Deployment\nmetadata: {name: untouched}\n",
    ));
    sandbox.repo(&refs)
}

/// The workloads list-workloads reports, by ID.
fn workloads(sandbox: &Sandbox, repo: &Repo) -> Vec<Value> {
    sandbox
        .tagpilot(&repo.work, &["list-workloads", "-o", "json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

fn policies(sandbox: &Sandbox, repo: &Repo, id: &str) -> Value {
    workloads(sandbox, repo)
        .into_iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))["policies"]
        .clone()
}

/// Lines of `new` not in `old` and lines of `old` not in `new`, in order (a line diff).
fn changed_lines(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added.push(change.value().to_owned()),
            similar::ChangeTag::Delete => removed.push(change.value().to_owned()),
            similar::ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

/// Every workload of the tricky files through automate, lock, unlock and a tag policy: only
/// annotation lines change, indented like their siblings, and the values read back right.
#[test]
fn tricky_shapes_change_only_annotation_lines() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    let untouched = repo.read("other/untouched.yaml");
    let cases = [
        ("default:deployment/plain", "manifests/tricky.yaml", "    "),
        ("apps:statefulset/flow", "manifests/tricky.yaml", ""),
        ("jobs:cronjob/tabbed", "manifests/tricky.yaml", "        "),
        (
            "default:daemonset/listed",
            "manifests/tricky.yaml",
            "      ",
        ),
        ("default:pod/crlf", "manifests/crlf.yaml", "    "),
        ("default:deployment/bare", "manifests/bare.yaml", "    "),
    ];
    for (id, file, indent) in cases {
        let steps: [(&[&str], Value); 4] = [
            (&["policy", "--automate"], json!({"automated": true})),
            (
                &["lock", "-m", "hold it", "--user", "Ann <ann@example.com>"],
                json!({"locked": true}),
            ),
            (&["unlock"], json!({"locked": false})),
            (
                &["policy", "--tag", "app=semver:>=1.2"],
                json!({"tags": {"app": "semver:>=1.2"}}),
            ),
        ];
        for (args, want) in steps {
            let before = String::from_utf8(repo.read(file)).unwrap();
            let mut full = args.to_vec();
            full.extend(["-w", id, "--no-push"]);
            sandbox.tagpilot(&repo.work, &full).ok();
            let after = String::from_utf8(repo.read(file)).unwrap();
            assert_ne!(before, after, "{id} {args:?} changed nothing");
            let (added, removed) = changed_lines(&before, &after);
            if indent.is_empty() {
                // Flow style: the one metadata line changes.
                assert_eq!(
                    (added.len(), removed.len()),
                    (1, 1),
                    "{id} {args:?}: {added:?} {removed:?}"
                );
                assert!(added[0].starts_with("metadata: {"), "{added:?}");
            } else {
                for line in added.iter().chain(&removed) {
                    let body = line.trim_end_matches(['\n', '\r']);
                    let ok = body.starts_with(&format!("{indent}fluxcd.io/"))
                        || body.starts_with(&format!("{indent}flux.weave.works/"))
                        || body == format!("{}annotations:", &indent[indent.len() / 2..])
                        // the last line of a file without a final newline gains or loses one
                        || !before.ends_with('\n') && !line.ends_with('\n');
                    assert!(
                        ok,
                        "{id} {args:?}: unexpected line change {line:?}\n{after}"
                    );
                }
            }
            let got = policies(&sandbox, &repo, id);
            for (key, value) in want.as_object().unwrap() {
                if key == "tags" {
                    for (c, p) in value.as_object().unwrap() {
                        assert_eq!(got["tags"][c], *p, "{id} {args:?}");
                    }
                } else {
                    assert_eq!(got[key], *value, "{id} {args:?}");
                }
            }
        }
    }
    assert_eq!(repo.read("other/untouched.yaml"), untouched);
    // The original bytes outside the annotations survived every step: BOM, CRLF, no final newline.
    let crlf = repo.read("manifests/crlf.yaml");
    assert!(crlf.starts_with("\u{feff}# BOM".as_bytes()));
    assert!(crlf.ends_with(b"    image: nginx:1.25"));
    assert!(
        !String::from_utf8(crlf)
            .unwrap()
            .replace("\r\n", "")
            .contains('\n')
    );
}

#[test]
fn automate_then_deautomate_restores_the_file_exactly() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    for (name, original) in tricky_files() {
        let ids: Vec<String> = workloads(&sandbox, &repo)
            .iter()
            // The listed DaemonSet says `automated: "false"`, which automate changes rather than adds.
            .filter(|w| w["file"] == name.as_str() && w["id"] != "default:daemonset/listed")
            .map(|w| w["id"].as_str().unwrap().to_owned())
            .collect();
        for id in &ids {
            sandbox
                .tagpilot(&repo.work, &["automate", "-w", id, "--no-push"])
                .ok();
        }
        assert_ne!(repo.read(&name), original);
        for id in &ids {
            sandbox
                .tagpilot(&repo.work, &["deautomate", "-w", id, "--no-push"])
                .ok();
        }
        assert_eq!(
            String::from_utf8(repo.read(&name)).unwrap(),
            String::from_utf8(original).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn commit_holds_only_the_changed_file_and_is_pushed() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    // Unrelated local work: one file staged, one modified. Both must stay as they are.
    fs::write(
        repo.work.join("other/untouched.yaml"),
        "kind: Deployment\nmetadata: {name: changed}\n",
    )
    .unwrap();
    fs::write(repo.work.join("staged.txt"), "staged\n").unwrap();
    sandbox.git(&repo.work, &["add", "staged.txt"]);
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "automate",
                "-w",
                "deployment/bare",
                "--git-user",
                "Bot",
                "--git-email",
                "bot@example.com",
                "--user",
                "Ann <ann@example.com>",
            ],
        )
        .ok();
    let head = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    assert_eq!(sandbox.git(&repo.remote, &["rev-parse", "main"]), head);
    assert!(
        run.stderr
            .ends_with(&format!("\nCommit pushed: {}\n", &head[..7])),
        "{}",
        run.stderr
    );
    assert_eq!(
        sandbox.git(
            &repo.work,
            &[
                "show",
                "--name-only",
                "--format=%s|%cn <%ce>|%an <%ae>",
                "HEAD"
            ]
        ),
        "Automated: default:deployment/bare|Bot <bot@example.com>|Ann <ann@example.com>\n\nmanifests/bare.yaml\n"
    );
    assert_eq!(
        sandbox.git(&repo.work, &["status", "--porcelain"]),
        " M other/untouched.yaml\nA  staged.txt\n"
    );
    assert_eq!(
        run.stdout,
        "WORKLOAD                 STATUS   UPDATES\ndefault:deployment/bare  success  fluxcd.io/automated: (none) -> true\n"
    );
}

#[test]
fn several_changes_get_flux_v1_message_and_ci_skip() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    sandbox
        .tagpilot(
            &repo.work,
            &[
                "policy",
                "-w",
                "deployment/bare",
                "--automate",
                "--tag-all",
                "prod-*",
                "--ci-skip",
                "--no-push",
                "-o",
                "json",
            ],
        )
        .ok();
    let message = sandbox.git(&repo.work, &["log", "-1", "--format=%B"]);
    assert_eq!(
        message,
        "Updated workload policies\n\n- Automated: default:deployment/bare\n- Updated policies: default:deployment/bare\n\n[ci skip]\n"
    );
    let got = policies(&sandbox, &repo, "default:deployment/bare");
    assert_eq!(
        got["tags"],
        json!({"app": "glob:prod-*", "side": "glob:prod-*"})
    );
    // The remote did not move: --no-push.
    assert_ne!(
        sandbox.git(&repo.remote, &["rev-parse", "main"]),
        sandbox.git(&repo.work, &["rev-parse", "HEAD"])
    );
}

#[test]
fn json_report_dry_run_diff_and_exit_code() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    let before = repo.read("manifests/bare.yaml");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "lock",
                "-w",
                "deployment/bare",
                "--dry-run",
                "--exit-code",
                "-o",
                "json",
            ],
        )
        .code(3);
    assert_eq!(
        run.json(),
        json!({
            "dryRun": true, "commit": null, "pushed": false,
            "results": [{"id": "default:deployment/bare", "file": "manifests/bare.yaml", "status": "success", "reason": null,
                "updates": [{"container": "fluxcd.io/locked", "from": null, "to": "true"},
                    {"container": "fluxcd.io/locked_user", "from": null, "to": "tagpilot <tagpilot@localhost>"}],
                "failures": [], "skipped": []}],
            "warnings": [], "errors": []
        })
    );
    assert_eq!(run.stderr, "Dry run: nothing written\n");
    assert_eq!(repo.read("manifests/bare.yaml"), before);
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["lock", "-w", "deployment/bare", "--dry-run", "--diff"],
        )
        .ok();
    assert!(
        run.stdout.ends_with(
            "--- a/manifests/bare.yaml\n+++ b/manifests/bare.yaml\n@@ -2,6 +2,9 @@\n kind: Deployment\n metadata:\n   name: bare\n+  annotations:\n+    fluxcd.io/locked: 'true'\n+    fluxcd.io/locked_user: 'tagpilot <tagpilot@localhost>'\n spec:\n   template:\n     spec:\n"
        ),
        "{}",
        run.stdout
    );
    // Nothing to change: exit 0 even with --exit-code, no commit.
    let head = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["unlock", "-w", "deployment/bare", "--exit-code"],
        )
        .ok();
    assert_eq!(run.stderr, "Nothing to do\n");
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), head);
}

#[test]
fn no_commit_writes_the_file_only() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    let head = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["lock", "-w", "deployment/bare", "--no-commit"],
        )
        .ok();
    assert_eq!(run.stderr, "Files written\n");
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        sandbox.git(&repo.work, &["status", "--porcelain"]),
        " M manifests/bare.yaml\n"
    );
}

/// Each bad input exits 1 with a message naming what is wrong, and leaves the work tree,
/// the history and the remote exactly as they were.
#[test]
fn bad_input_is_refused_and_nothing_changes() {
    let sandbox = Sandbox::new();
    let files = tricky_files();
    let mut refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let dup = b"kind: Deployment\nmetadata: {name: bare}\nspec: {template: {spec: {containers: [{name: app, image: a:1}]}}}\n";
    refs.push(("copy/bare.yaml", dup));
    let repo = sandbox.repo(&refs);
    fs::write(
        repo.work.join("manifests/crlf.yaml"),
        "kind: Pod\nmetadata: {name: crlf}\n",
    )
    .unwrap();
    let state = || {
        (
            sandbox.git(&repo.work, &["status", "--porcelain"]),
            sandbox.git(&repo.work, &["rev-parse", "HEAD"]),
            sandbox.git(&repo.remote, &["rev-parse", "main"]),
            fs::read(repo.work.join("manifests/tricky.yaml")).unwrap(),
            fs::read(repo.work.join("manifests/crlf.yaml")).unwrap(),
        )
    };
    let before = state();
    // Malformed values are usage errors (2); the others are errors (1).
    let cases: [(&[&str], i32, &str); 6] = [
        (
            &["automate", "-w", "default:deployment/nope"],
            1,
            "error: no workload default:deployment/nope in the scanned manifests; did you mean \
             default:deployment/plain or default:deployment/bare or default:daemonset/listed?\n",
        ),
        (
            &["automate", "-w", "deployment/bare"],
            1,
            "error: workload default:deployment/bare is defined more than once: copy/bare.yaml:1, manifests/bare.yaml:1; choose one with --path\n",
        ),
        (
            &["policy", "-w", "deployment/plain", "--tag", "app=regex:("],
            2,
            "error: tag pattern for container \"app\" of default:deployment/plain: invalid regex \
             pattern \"regex:(\": unclosed group",
        ),
        (
            &[
                "policy",
                "-w",
                "deployment/plain",
                "--tag",
                "app=semver:>=foo",
            ],
            2,
            "error: tag pattern for container \"app\" of default:deployment/plain: invalid semver ",
        ),
        (
            &["policy", "-w", "deployment/plain", "--tag", "nope=glob:*"],
            1,
            "error: --tag \"nope=glob:*\": default:deployment/plain has no container \"nope\" (it has: app, side)\n",
        ),
        (
            &["lock", "-w", "pod/crlf"],
            1,
            "error: manifests/crlf.yaml has uncommitted changes; commit or stash them first, or pass --allow-dirty\n",
        ),
    ];
    for (args, code, message) in cases {
        let run = sandbox.tagpilot(&repo.work, args).code(code);
        assert!(run.stderr.starts_with(message), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(state() == before, "{args:?} changed something");
    }
    // --path picks one of the duplicates.
    sandbox
        .tagpilot(
            &repo.work,
            &[
                "automate",
                "-w",
                "deployment/bare",
                "--path",
                "copy",
                "--no-push",
            ],
        )
        .ok();
    // A policy with nothing to change is a usage error.
    sandbox
        .tagpilot(&repo.work, &["policy", "-w", "deployment/bare"])
        .code(2);
}

#[test]
fn rejected_push_is_an_error_and_undoes_the_commit() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    // Someone else pushes first.
    sandbox.push_elsewhere(&repo, "new.txt", "x\n");
    let remote_head = sandbox.git(&repo.remote, &["rev-parse", "main"]);
    let head = sandbox.git(&repo.work, &["rev-parse", "HEAD"]);
    let file = repo.read("manifests/bare.yaml");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &["lock", "-w", "deployment/bare", "--push-retries", "0"],
        )
        .code(1);
    assert!(
        run.stderr.starts_with("error: pushing main to origin"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sandbox.git(&repo.remote, &["rev-parse", "main"]),
        remote_head
    );
    assert_eq!(sandbox.git(&repo.work, &["rev-parse", "HEAD"]), head);
    assert_eq!(repo.read("manifests/bare.yaml"), file);
    assert_eq!(sandbox.git(&repo.work, &["status", "--porcelain"]), "");
}

#[test]
fn rejected_push_is_retried_on_the_remote_head() {
    let sandbox = Sandbox::new();
    let repo = tricky_repo(&sandbox);
    let theirs = sandbox.push_elsewhere(&repo, "new.txt", "x\n");
    let run = sandbox
        .tagpilot(&repo.work, &["automate", "-w", "deployment/bare"])
        .ok();
    assert!(
        run.stderr.contains("the push was rejected"),
        "{}",
        run.stderr
    );
    let log = sandbox.git(&repo.remote, &["log", "--format=%H %s", "main"]);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(
        lines[0].ends_with("Automated: default:deployment/bare"),
        "{log}"
    );
    assert!(lines[1].starts_with(theirs.trim()), "{log}");
    assert_eq!(
        fs::read_to_string(repo.work.join("new.txt")).unwrap(),
        "x\n"
    );
}

/// Automation without a tag filter follows the newest build of any tag: `automate` and
/// `policy --automate` say so for each container left without one, and how to set it.
#[test]
fn automation_without_a_tag_filter_is_a_warning() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo(&[(
        "apps/web.yaml",
        b"kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/tag.side: '*'\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: example.com/app:1.2.0\n      - name: side\n        image: example.com/side:1\n",
    )]);
    let warning = |c: &str| {
        format!(
            "warning: apps/web.yaml: default:deployment/web: container {c} has no tag filter, so sync will move it to the newest build of any tag; set one with: tagpilot policy -w default:deployment/web --tag {c}=PATTERN"
        )
    };
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "automate",
                "-w",
                "deployment/web",
                "--dry-run",
                "-o",
                "json",
            ],
        )
        .ok();
    assert_eq!(
        run.stderr,
        format!(
            "{}\n{}\nDry run: nothing written\n",
            warning("app"),
            warning("side")
        )
    );
    let prefix = "warning: ".len();
    assert_eq!(
        run.json()["warnings"],
        json!([&warning("app")[prefix..], &warning("side")[prefix..]])
    );

    // Setting one filter with automation: only the other container is named.
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "policy",
                "-w",
                "deployment/web",
                "--automate",
                "--tag",
                "app=semver:~1.2",
                "--no-push",
            ],
        )
        .ok();
    let head = sandbox.git(&repo.work, &["rev-parse", "--short=7", "HEAD"]);
    let head = head.trim();
    assert_eq!(
        run.stderr,
        format!("{}\nCommitted: {head}\n", warning("side"))
    );

    // Every container filtered: no warning. Commands that do not automate never warn.
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "policy",
                "-w",
                "deployment/web",
                "--automate",
                "--tag",
                "side=glob:main-*",
                "--no-push",
            ],
        )
        .ok();
    let head = sandbox.git(&repo.work, &["rev-parse", "--short=7", "HEAD"]);
    let head = head.trim();
    assert_eq!(run.stderr, format!("Committed: {head}\n"));
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "policy",
                "-w",
                "deployment/web",
                "--tag",
                "side=*",
                "--no-push",
            ],
        )
        .ok();
    let head = sandbox.git(&repo.work, &["rev-parse", "--short=7", "HEAD"]);
    let head = head.trim();
    assert_eq!(run.stderr, format!("Committed: {head}\n"));
}

/// A write command outside a git work tree says where it looked and what to do instead,
/// once.
#[test]
fn a_write_outside_a_work_tree_says_what_to_do() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("plain");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("app.yaml"),
        "kind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1\n",
    )
    .unwrap();
    let run = sandbox
        .tagpilot(
            sandbox.path(),
            &["lock", "-w", "deployment/app", "--repo", "plain"],
        )
        .code(1);
    assert_eq!(
        run.stderr,
        "error: --repo plain is not in a git work tree (no .git in it or above it); this command commits and pushes: run it in a clone of the manifest repository, or give --git-url\n"
    );
    let run = sandbox
        .tagpilot(&dir, &["lock", "-w", "deployment/app"])
        .code(1);
    assert_eq!(
        run.stderr,
        "error: the current directory is not in a git work tree (no .git in it or above it); this command commits and pushes: run it in a clone of the manifest repository, or give --git-url\n"
    );
    // Reading needs no work tree.
    sandbox.tagpilot(&dir, &["list-workloads", "-q"]).ok();
}
