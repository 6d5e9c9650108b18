//! `--verify` before the commit and `--after-push` after the push, against a real registry
//! and a real bare remote.

use serde_json::Value;

use crate::support::harness::Test;
use crate::support::registry::{Registry, with_tags};

/// `acme/web` master-1 and master-2, a day apart.
async fn images() -> (Registry, String) {
    with_tags("acme/web", &[("master-1", 1), ("master-2", 2)]).await
}

/// An automated Deployment on `h/acme/web:master-1`.
fn workload(h: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    \
         fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: web\n        image: {h}/acme/web:master-1\n"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_verify_puts_the_files_back_and_commits_nothing() {
    let (_registry, h) = images().await;
    let text = workload(&h);
    let check = "echo \"checking $TAGPILOT_CHANGED_FILES\"; grep -q master-9 apps/web.yaml";
    let ran = Test::new()
        .file("apps/web.yaml", &text)
        .args(&["sync", "--verify", check])
        .run()
        .code(1)
        .stderr(&format!(
            "error: --verify {check:?} failed (exit status: 1); the files were put back and \
             nothing was committed:\\nchecking apps/web.yaml\n"
        ))
        .file("apps/web.yaml", &text)
        .clean()
        .commits(1);
    let remote = ran
        .sandbox
        .git(&ran.repo.remote, &["rev-list", "--count", "main"]);
    assert_eq!(remote.trim(), "1", "nothing was pushed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passing_verify_sees_the_written_files_and_the_report() {
    let (_registry, h) = images().await;
    let check = "grep -q master-2 \"$TAGPILOT_CHANGED_FILES\" && \
                 grep -q '\"to\": \"master-2\"' \"$TAGPILOT_REPORT\" && \
                 test -z \"$(git diff --cached --name-only)\"";
    Test::new()
        .file("apps/web.yaml", workload(&h))
        .args(&["sync", "--verify", "true", "--verify", check])
        .run()
        .code(0)
        .stderr_has("Commit pushed: ")
        .commits(2)
        .clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn after_push_gets_the_report_and_its_failure_is_exit_4() {
    let (_registry, h) = images().await;
    let ran = Test::new()
        .file("apps/web.yaml", workload(&h))
        .args(&[
            "sync",
            "--after-push",
            "cat > ../after.json",
            "--after-push",
            "echo deploy refused >&2; exit 3",
        ])
        .run()
        .code(4)
        .stderr_line(
            "warning: --after-push \"echo deploy refused >&2; exit 3\" failed (exit status: 3):\\ndeploy refused",
        )
        .commits(2);
    let sent = std::fs::read_to_string(ran.sandbox.path().join("after.json")).expect("report");
    let report: Value = serde_json::from_str(&sent).expect("JSON");
    assert_eq!(report["pushed"], true);
    assert_eq!(report["results"][0]["updates"][0]["to"], "master-2");
    let head = ran.sandbox.git(&ran.repo.work, &["rev-parse", "HEAD"]);
    assert!(head.starts_with(report["commit"].as_str().expect("commit")));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_repositorys_own_file_may_name_commands_only_when_trusted() {
    let (_registry, h) = images().await;
    let ran = Test::new()
        .file("apps/web.yaml", workload(&h))
        .file(".tagpilot.yaml", "verify: exit 1\n")
        .args(&["sync", "--trust-repo-config"])
        .run()
        .code(1)
        .stderr_has("error: --verify \"exit 1\" failed (exit status: 1)")
        .commits(1);
    let config = ran.work().canonicalize().unwrap().join(".tagpilot.yaml");
    // Not trusted: the command is not run, and the warning says why.
    ran.again(&["sync"])
        .code(0)
        .stderr_line(&format!(
            "warning: {}: line 1: verify is ignored: the repository's own configuration file \
             may not widen what tagpilot trusts; pass it as a flag, in the environment or in a \
             file named by --config, or pass --trust-repo-config",
            config.display()
        ))
        .commits(2);
}
