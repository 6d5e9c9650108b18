//! The configuration file and the precedence flag > environment > file > default,
//! seen through the commands: `list-workloads`, the policy commands with `--dry-run`, and
//! `sync` against a real registry with a notification receiver.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::fake_http::{FakeServer, Response};
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::{Repo, Run, Sandbox};

/// A work tree with one plain Deployment in `a/` and one in `b/`, neither naming a
/// namespace, and `config` (if any) as its `.tagpilot.yaml`.
fn two_dirs(sandbox: &Sandbox, config: Option<&str>) -> Repo {
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n"
        )
    };
    let (a, b) = (deployment("a"), deployment("b"));
    let mut files: Vec<(&str, &[u8])> =
        vec![("a/a.yaml", a.as_bytes()), ("b/b.yaml", b.as_bytes())];
    if let Some(config) = config {
        files.push((".tagpilot.yaml", config.as_bytes()));
    }
    sandbox.repo(&files)
}

/// The workload IDs of a `list-workloads -o json` run.
fn ids(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Run `list-workloads -o json` in `dir` with `args` and `vars`; the IDs.
fn listed(sandbox: &Sandbox, dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Vec<String> {
    let mut all = vec!["list-workloads", "-o", "json"];
    all.extend(args);
    ids(&sandbox.tagpilot_env(dir, &all, vars).ok())
}

/// The work tree as tagpilot names it in messages: the top git finds, links resolved.
fn top(repo: &Repo) -> PathBuf {
    repo.work.canonicalize().unwrap()
}

#[test]
fn a_scalar_comes_from_flag_then_environment_then_file_then_default() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, None);
    let w = &repo.work;
    let id = |ns: &str| vec![format!("{ns}:deployment/a"), format!("{ns}:deployment/b")];
    assert_eq!(listed(&sandbox, w, &[], &[]), id("default"));
    fs::write(w.join(".tagpilot.yaml"), "defaultNamespace: from-file\n").unwrap();
    assert_eq!(listed(&sandbox, w, &[], &[]), id("from-file"));
    let env = [("TAGPILOT_DEFAULT_NAMESPACE", "from-env")];
    assert_eq!(listed(&sandbox, w, &[], &env), id("from-env"));
    let flag = ["--default-namespace", "from-flag"];
    assert_eq!(listed(&sandbox, w, &flag, &env), id("from-flag"));

    // An enum option: the file's `output: json`, and a flag or variable back to a table.
    fs::write(w.join(".tagpilot.yaml"), "output: json\n").unwrap();
    let run = sandbox.tagpilot(w, &["list-workloads"]).ok();
    assert_eq!(run.json()[0]["id"], "default:deployment/a");
    let table = "WORKLOAD              CONTAINER  IMAGE       POLICY\ndefault:deployment/a  app        nginx:1.27\ndefault:deployment/b  app        nginx:1.27\n";
    let run = sandbox.tagpilot(w, &["list-workloads", "-o", "table"]).ok();
    assert_eq!(run.stdout, table);
    let run = sandbox
        .tagpilot_env(w, &["list-workloads"], &[("TAGPILOT_OUTPUT", "table")])
        .ok();
    assert_eq!(run.stdout, table);
}

#[test]
fn a_list_comes_whole_from_one_place() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, Some("paths: [a]\n"));
    let w = &repo.work;
    let (a, b) = ("default:deployment/a", "default:deployment/b");
    assert_eq!(listed(&sandbox, w, &[], &[]), [a]);
    let env = [("TAGPILOT_PATH", "b")];
    assert_eq!(listed(&sandbox, w, &[], &env), [b]);
    assert_eq!(
        listed(&sandbox, w, &["--path", "a", "--path", "b"], &env),
        [a, b]
    );
    // One text is a list of one; an empty list is the default, the whole tree.
    fs::write(w.join(".tagpilot.yaml"), "paths: b\n").unwrap();
    assert_eq!(listed(&sandbox, w, &[], &[]), [b]);
    fs::write(w.join(".tagpilot.yaml"), "paths: []\n").unwrap();
    assert_eq!(listed(&sandbox, w, &[], &[]), [a, b]);
}

#[test]
fn a_boolean_from_the_file_and_false_does_not_undo_a_flag() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, None);
    let w = &repo.work;
    let policy = ["policy", "-w", "deployment/a", "--automate", "--dry-run"];
    let with = |extra: &'static str| [&policy[..], &[extra]].concat();
    sandbox.tagpilot(w, &policy).code(0);
    fs::write(w.join(".tagpilot.yaml"), "exitCode: true\n").unwrap();
    sandbox.tagpilot(w, &policy).code(3);
    let env_false = [("TAGPILOT_EXIT_CODE", "false")];
    sandbox.tagpilot_env(w, &policy, &env_false).code(0);
    sandbox
        .tagpilot_env(w, &with("--exit-code"), &env_false)
        .code(3);
    fs::write(w.join(".tagpilot.yaml"), "exitCode: false\n").unwrap();
    sandbox.tagpilot(w, &policy).code(0);
    sandbox.tagpilot(w, &with("--exit-code")).code(3);
    sandbox
        .tagpilot_env(w, &policy, &[("TAGPILOT_EXIT_CODE", "true")])
        .code(3);

    // And in a commit: ciSkip with its message from the file.
    fs::write(
        w.join(".tagpilot.yaml"),
        "ciSkip: true\nciSkipMessage: '[skip ci]'\ngitUser: config-bot\n",
    )
    .unwrap();
    sandbox
        .tagpilot(w, &["automate", "-w", "deployment/a", "--no-push"])
        .ok();
    assert_eq!(
        sandbox
            .git(w, &["log", "-1", "--format=%cn%n%B"])
            .trim_end(),
        "config-bot\nAutomated: default:deployment/a\n\n[skip ci]"
    );
    sandbox
        .tagpilot_env(
            w,
            &["automate", "-w", "deployment/b", "--no-push"],
            &[("TAGPILOT_CI_SKIP", "false")],
        )
        .ok();
    assert_eq!(
        sandbox.git(w, &["log", "-1", "--format=%B"]).trim_end(),
        "Automated: default:deployment/b"
    );
}

#[test]
fn an_unknown_key_is_a_usage_error_naming_it_and_the_file() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, Some("paths: [a]\ngitUsr: bot\n"));
    // A write command's key, mistyped, stops a list command too: one file serves all.
    let run = sandbox.tagpilot(&repo.work, &["list-workloads"]).code(2);
    assert_eq!(
        run.stderr,
        format!(
            "error: reading the configuration file {}/.tagpilot.yaml: line 2: unknown key \"gitUsr\" (did you mean \"gitUser\"?)\n",
            top(&repo).display()
        )
    );
    assert_eq!(run.stdout, "");
    let cases = [
        (
            "ciSkip: yes\n",
            "line 1: ciSkip: expected true or false, found \"yes\"",
        ),
        (
            "concurrency: lots\n",
            "line 1: concurrency: expected a whole number, found \"lots\"",
        ),
        (
            "output: yaml\n",
            "line 1: output: expected one of table, json, markdown, found \"yaml\"",
        ),
        (
            "insecureRegistries:\n  - {host: a}\n",
            "line 2: insecureRegistries[0]: expected text, found a mapping",
        ),
        (
            "paths: [a]\n---\nciSkip: true\n",
            "2 YAML documents; a configuration file is one mapping",
        ),
        (
            "- paths\n",
            "line 1: expected a mapping of option names to values, found a list",
        ),
    ];
    for (yaml, message) in cases {
        fs::write(repo.work.join(".tagpilot.yaml"), yaml).unwrap();
        let run = sandbox
            .tagpilot(
                &repo.work,
                &[
                    "policy",
                    "-w",
                    "deployment/a",
                    "--lock",
                    "--trust-repo-config",
                ],
            )
            .code(2);
        assert_eq!(
            run.stderr,
            format!(
                "error: reading the configuration file {}/.tagpilot.yaml: {message}\n",
                top(&repo).display()
            ),
            "{yaml}"
        );
    }
    // Nothing was written.
    assert_eq!(
        sandbox.git(&repo.work, &["status", "--porcelain", "a", "b"]),
        ""
    );
}

#[test]
fn config_names_another_file_and_the_repository_file_is_not_read() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, Some("not: valid here\n"));
    let elsewhere = sandbox.path().join("conf");
    fs::create_dir_all(&elsewhere).unwrap();
    // A relative repo in the file is the file's directory's.
    fs::write(
        elsewhere.join("tagpilot.yaml"),
        "repo: ../work\npaths: [b]\n",
    )
    .unwrap();
    let ids = listed(
        &sandbox,
        sandbox.path(),
        &["--config", "conf/tagpilot.yaml"],
        &[],
    );
    assert_eq!(ids, ["default:deployment/b"]);
    let ids = listed(
        &sandbox,
        sandbox.path(),
        &[],
        &[("TAGPILOT_CONFIG", "conf/tagpilot.yaml")],
    );
    assert_eq!(ids, ["default:deployment/b"]);
    // A flag still wins over that file.
    let ids = listed(
        &sandbox,
        &repo.work,
        &["--config", "../conf/tagpilot.yaml", "--path", "a"],
        &[],
    );
    assert_eq!(ids, ["default:deployment/a"]);
    // A named file must exist.
    let run = sandbox
        .tagpilot(&repo.work, &["list-workloads", "--config", "missing.yaml"])
        .code(2);
    assert_eq!(
        run.stderr,
        "error: reading the configuration file missing.yaml: No such file or directory (os error 2)\n"
    );
}

#[test]
fn the_repository_file_is_found_from_a_subdirectory_and_with_repo() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, Some("paths: [b]\ndefaultNamespace: team\n"));
    let ids = listed(&sandbox, &repo.work.join("a"), &[], &[]);
    assert_eq!(ids, ["team:deployment/b"]);
    let ids = listed(&sandbox, sandbox.path(), &["--repo", "work"], &[]);
    assert_eq!(ids, ["team:deployment/b"]);
    // --repo names the directory whose .tagpilot.yaml is read: here a/ has none.
    let ids = listed(&sandbox, sandbox.path(), &["--repo", "work/a"], &[]);
    assert_eq!(ids, ["default:deployment/a"]);
    // A plain directory outside git works for the list commands too.
    let plain = sandbox.path().join("plain");
    fs::create_dir_all(plain.join("x")).unwrap();
    fs::copy(repo.work.join("a/a.yaml"), plain.join("x/a.yaml")).unwrap();
    fs::write(plain.join(".tagpilot.yaml"), "defaultNamespace: plain\n").unwrap();
    assert_eq!(listed(&sandbox, &plain, &[], &[]), ["plain:deployment/a"]);
}

#[test]
fn completions_read_no_file_and_git_url_runs_read_the_clones() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, Some("bogus: 1\n"));
    sandbox.tagpilot(&repo.work, &["completions", "bash"]).ok();
    // With --git-url the clone's own file is read, as a work tree's is.
    let url = format!("file://{}", repo.remote.display());
    let run = sandbox
        .tagpilot(
            sandbox.path(),
            &["list-workloads", "--git-url", &url, "--no-cache"],
        )
        .code(2);
    assert!(
        run.stderr
            .starts_with("error: reading the configuration file ")
            && run
                .stderr
                .ends_with(".tagpilot.yaml: line 1: unknown key \"bogus\"\n"),
        "{}",
        run.stderr
    );
    // Its settings count; the ones about cloning and trust are ignored with a warning.
    let config = "paths: [b]\ngitBranch: other\nnotify: [http://127.0.0.1:1/x]\n";
    std::fs::write(repo.work.join(".tagpilot.yaml"), config).unwrap();
    sandbox.git(&repo.work, &["commit", "-qam", "config"]);
    sandbox.git(&repo.work, &["push", "-q"]);
    let run = sandbox
        .tagpilot(
            sandbox.path(),
            &[
                "list-workloads",
                "--git-url",
                &url,
                "--no-cache",
                "-o",
                "json",
            ],
        )
        .ok();
    assert_eq!(ids(&run), ["default:deployment/b"]);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(
        lines[0].ends_with(
            ".tagpilot.yaml: line 2: gitBranch is ignored with --git-url: it says how and where \
             to clone, so it must be given as a flag, in the environment or with --config"
        ),
        "{}",
        run.stderr
    );
    assert!(
        lines[1].ends_with(
            ".tagpilot.yaml: line 3: notify is ignored: the repository's own \
             configuration file may not widen what tagpilot trusts; pass it as a flag, in the \
             environment or in a file named by --config, or pass --trust-repo-config"
        ),
        "{}",
        run.stderr
    );
    // A flag still wins over the clone's file.
    let run = sandbox
        .tagpilot(
            sandbox.path(),
            &[
                "list-workloads",
                "--git-url",
                &url,
                "--no-cache",
                "-o",
                "json",
                "--path",
                "a",
            ],
        )
        .ok();
    assert_eq!(ids(&run), ["default:deployment/a"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn registries_and_notify_from_the_file_run_a_whole_sync() {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("1.0.0", 1), ("1.1.0", 2)] {
        let image = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        pusher.push("acme/web", &image).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    let hooks = FakeServer::start("127.0.0.1", |_| Response::new(204)).await;
    let sandbox = Sandbox::new();
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: semver:~1\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {host}/acme/web:1.0.0\n"
    );
    // The registry speaks plain HTTP: only the file's `insecure: true` lets tagpilot in.
    let config = format!(
        "registries:\n  - host: 127.0.0.1\n    insecure: true\n    rps: 100\nnotify:\n  - url: http://{h}/slack/secret\n    format: slack\n  - http://{h}/json\ngitUser: config-bot\n",
        h = hooks.host()
    );
    let repo = sandbox.repo(&[
        ("apps/web.yaml", manifest.as_bytes()),
        (".tagpilot.yaml", config.as_bytes()),
    ]);
    let run = sandbox
        .tagpilot(&repo.work, &["sync", "--trust-repo-config"])
        .ok();
    assert!(run.stderr.starts_with("Commit pushed: "), "{}", run.stderr);
    assert_eq!(
        sandbox.git(&repo.remote, &["log", "-1", "--format=%s %cn", "main"]),
        format!("Auto-release {host}/acme/web:1.1.0 config-bot\n")
    );
    let posted = |path: &str| -> Value {
        let request = hooks
            .requests()
            .into_iter()
            .find(|r| r.path() == path)
            .unwrap_or_else(|| panic!("nothing posted to {path}"));
        serde_json::from_slice(&request.body).unwrap()
    };
    let slack = posted("/slack/secret");
    assert!(
        slack["text"]
            .as_str()
            .unwrap()
            .starts_with("default:deployment/web: web: "),
        "{slack}"
    );
    let json = posted("/json");
    assert_eq!(json["pushed"], true);
    assert_eq!(json["results"][0]["id"], "default:deployment/web");
    assert_eq!(hooks.requests().len(), 2);
}

#[test]
fn a_flag_beats_the_variable_of_an_option_it_excludes() {
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, Some("limit: 1\nnoHeaders: true\n"));
    let w = &repo.work;
    // TAGPILOT_QUIET loses to -v, TAGPILOT_GIT_URL to --repo.
    let run = sandbox
        .tagpilot_env(w, &["list-workloads", "-v"], &[("TAGPILOT_QUIET", "true")])
        .ok();
    assert!(run.stderr.contains("scanned 3 files"), "{}", run.stderr);
    let run = sandbox
        .tagpilot_env(
            w,
            &["list-workloads", "--repo", "."],
            &[("TAGPILOT_GIT_URL", "file:///nowhere")],
        )
        .ok();
    assert!(
        run.stdout.contains("default:deployment/a"),
        "{}",
        run.stdout
    );
    // Both as flags is a usage error.
    let run = sandbox.tagpilot(w, &["list-workloads", "-q", "-v"]).code(2);
    assert!(
        run.stderr.contains("--quiet cannot be used with --verbose"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_repositorys_own_file_may_not_widen_trust_without_the_flag() {
    let hooks = FakeServer::start("127.0.0.1", |_| Response::new(204)).await;
    let sandbox = Sandbox::new();
    let config = format!(
        "gitUser: config-bot\nnotify: [http://{}/steal]\nregistries:\n  - host: evil.example\n    \
         insecure: true\n  - host: 127.0.0.1\n    insecure: false\ncacheDir: /tmp/elsewhere\n",
        hooks.host()
    );
    let repo = sandbox.repo(&[
        (
            "a.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n".as_slice(),
        ),
        (".tagpilot.yaml", config.as_bytes()),
    ]);
    let file = repo.work.join(".tagpilot.yaml");
    let warning = |line: usize, key: &str| {
        format!(
            "warning: {}: line {line}: {key} is ignored: the repository's own configuration file \
             may not widen what tagpilot trusts; pass it as a flag, in the environment or in a \
             file named by --config, or pass --trust-repo-config\n",
            file.display()
        )
    };
    let run = sandbox
        .tagpilot(&repo.work, &["lock", "-w", "deployment/a"])
        .ok();
    assert_eq!(
        run.stderr,
        format!(
            "{}{}{}Commit pushed: {}",
            warning(2, "notify"),
            warning(5, "registries[0].insecure"),
            warning(8, "cacheDir"),
            &sandbox.git(&repo.work, &["rev-parse", "--short=7", "HEAD"])
        )
    );
    assert!(hooks.requests().is_empty(), "nothing was posted");
    // The keys that narrow trust or change nothing of it still count.
    assert_eq!(
        sandbox.git(&repo.remote, &["log", "-1", "--format=%cn", "main"]),
        "config-bot\n"
    );
    // With --trust-repo-config (or TAGPILOT_TRUST_REPO_CONFIG) the file counts whole.
    let run = sandbox
        .tagpilot_env(
            &repo.work,
            &["unlock", "-w", "deployment/a"],
            &[("TAGPILOT_TRUST_REPO_CONFIG", "true")],
        )
        .ok();
    assert!(!run.stderr.contains("warning:"), "{}", run.stderr);
    assert_eq!(hooks.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn inputs_are_taken_the_forgiving_way() {
    use crate::support::registry::{BASIC_PASSWORD, BASIC_USER, docker_config_with_auth};
    let sandbox = Sandbox::new();
    let repo = two_dirs(&sandbox, None);
    let head = || sandbox.git(&repo.remote, &["rev-parse", "main"]);
    let before = head();
    // Booleans in the environment take 1, yes and on; a wrong word names the variable.
    for word in ["1", "yes", "ON"] {
        let run = sandbox
            .tagpilot_env(
                &repo.work,
                &["lock", "-w", "deployment/a"],
                &[("TAGPILOT_DRY_RUN", word)],
            )
            .ok();
        assert_eq!(run.stderr, "Dry run: nothing written\n", "{word}");
    }
    assert_eq!(head(), before);
    let run = sandbox
        .tagpilot_env(
            &repo.work,
            &["lock", "-w", "deployment/a"],
            &[("TAGPILOT_DRY_RUN", "maybe")],
        )
        .code(2);
    assert_eq!(
        run.stderr,
        "error: TAGPILOT_DRY_RUN=maybe: expected true or false (1 or 0, yes or no, on or off)\n"
    );
    // An empty variable is ignored, with a warning.
    let ids = listed(&sandbox, &repo.work, &[], &[("TAGPILOT_PATH", "")]);
    assert_eq!(ids, ["default:deployment/a", "default:deployment/b"]);
    let run = sandbox
        .tagpilot_env(&repo.work, &["list-workloads"], &[("TAGPILOT_PATH", "")])
        .ok();
    assert_eq!(
        run.stderr,
        "warning: TAGPILOT_PATH is set but empty, so it is ignored\n"
    );
    // lock without --user records git's user, as fluxctl did.
    sandbox.git(&repo.work, &["config", "user.name", "Ada Lovelace"]);
    sandbox.git(&repo.work, &["config", "user.email", "ada@example.com"]);
    sandbox
        .tagpilot(&repo.work, &["lock", "-w", "deployment/a"])
        .ok();
    let text = std::fs::read_to_string(repo.work.join("a/a.yaml")).unwrap();
    assert!(
        text.contains("fluxcd.io/locked_user: 'Ada Lovelace <ada@example.com>'\n"),
        "{text}"
    );

    // --docker-config takes the directory of a config.json, as docker --config does.
    let registry = Registry::start_htpasswd();
    let pusher = Pusher::with_basic(&registry, BASIC_USER, BASIC_PASSWORD);
    pusher
        .push(
            "acme/web",
            &ImageSpec::new("1", Kind::Docker).created("2024-05-01T10:00:00Z"),
        )
        .await;
    let (dir, _) = docker_config_with_auth(&registry.host, BASIC_USER, BASIC_PASSWORD);
    let image = format!("{}/acme/web:1", registry.host);
    let manifest = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    );
    let other = Sandbox::new();
    let web = other.repo(&[("web.yaml", manifest.as_bytes())]);
    let run = other
        .tagpilot(
            &web.work,
            &[
                "list-images",
                "--docker-config",
                dir.path().to_str().unwrap(),
            ],
        )
        .ok();
    assert!(run.stdout.contains("'-> 1"), "{}", run.stdout);
}

#[test]
fn path_patterns_and_exclude_pick_the_files() {
    let sandbox = Sandbox::new();
    let deployment =
        |name: &str| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n");
    let files = [
        ("clusters/prod/apps/a.yaml", deployment("a")),
        ("clusters/stage/apps/b.yaml", deployment("b")),
        ("clusters/prod/infra/c.yaml", deployment("c")),
        ("apps/charts/d.yaml", deployment("d")),
        ("apps/e.tmpl.yaml", deployment("e")),
        ("apps/f.yaml", deployment("f")),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    let repo = sandbox.repo(&files);
    let id = |n: &str| format!("default:deployment/{n}");
    // `*` stops at `/`: one directory level.
    let ids = listed(&sandbox, &repo.work, &["--path", "clusters/*/apps"], &[]);
    assert_eq!(ids, [id("a"), id("b")]);
    let ids = listed(&sandbox, &repo.work, &["--path", "clusters/**/*.yaml"], &[]);
    assert_eq!(ids, [id("a"), id("c"), id("b")]);
    let run = sandbox
        .tagpilot(&repo.work, &["list-workloads", "--path", "nope/*"])
        .code(1);
    assert_eq!(
        run.stderr,
        "error: --path nope/*: the pattern matches nothing in the repository\n"
    );
    // The file's `exclude` leaves files and whole directories out.
    fs::write(
        repo.work.join(".tagpilot.yaml"),
        "exclude: ['**/charts/**', '**/*.tmpl.yaml', clusters/prod]\n",
    )
    .unwrap();
    let ids = listed(&sandbox, &repo.work, &[], &[]);
    assert_eq!(ids, [id("f"), id("b")]);
    fs::write(repo.work.join(".tagpilot.yaml"), "exclude: ['a[']\n").unwrap();
    let run = sandbox.tagpilot(&repo.work, &["list-workloads"]).code(2);
    assert!(
        run.stderr
            .contains("line 1: exclude: expected path patterns (\"a[\": "),
        "{}",
        run.stderr
    );
}

#[test]
fn a_vendor_api_and_a_signing_key_are_trust_keys_too() {
    // `api: github` would send docker.io's password to GitHub's API; `signKey` would sign
    // with a key of the repository's choosing.
    let ran = crate::support::harness::Test::new()
        .file(
            "a.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n",
        )
        .file(
            ".tagpilot.yaml",
            "registries:\n  - host: docker.io\n    api: github\nsignKey: /keys/id\n",
        )
        .args(&["list-workloads"])
        .run()
        .code(0);
    let file = ran.work().canonicalize().unwrap().join(".tagpilot.yaml");
    let warning = |line: usize, key: &str| {
        format!(
            "warning: {}: line {line}: {key} is ignored: the repository's own configuration file \
             may not widen what tagpilot trusts; pass it as a flag, in the environment or in a \
             file named by --config, or pass --trust-repo-config",
            file.display()
        )
    };
    ran.stderr_line(&warning(3, "registries[0].api"))
        .stderr_line(&warning(4, "signKey"));
}
