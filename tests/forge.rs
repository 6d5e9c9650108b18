//! `--push-branch` and `--pull-request` end to end: a real registry, a real bare remote,
//! and fake GitHub, GitLab and Gitea APIs in front of it.

use serde_json::Value;

use crate::support::forge::{Dialect, FakeForge};
use crate::support::registry::{ImageSpec, Kind, Pusher, Registry, with_tags};
use crate::support::{Repo, Run, Sandbox};

const TOKEN: &str = "forge-token-8c1f";

/// An automated Deployment per image, each in its own file.
fn workload(h: &str, name: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  annotations:\n    \
         fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.{name}: glob:master-*\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: {name}\n        image: {h}/acme/{name}:master-1\n"
    )
}

/// A manifest repository with its remote, a registry, and a fake forge.
struct Setup {
    sandbox: Sandbox,
    repo: Repo,
    registry: Registry,
    host: String,
    forge: FakeForge,
}

impl Setup {
    async fn new(dialect: Dialect, images: &[&str]) -> Setup {
        let (registry, host) = with_tags("acme/web", &[("master-1", 1), ("master-2", 2)]).await;
        for image in images.iter().filter(|i| **i != "web") {
            push(&registry, image, "master-1", 1).await;
            push(&registry, image, "master-2", 2).await;
        }
        let sandbox = Sandbox::new();
        let files: Vec<(String, String)> = images
            .iter()
            .map(|i| (format!("apps/{i}.yaml"), workload(&host, i)))
            .collect();
        let borrowed: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_bytes()))
            .collect();
        let repo = sandbox.repo(&borrowed);
        let forge = FakeForge::start(dialect, "acme/deploy", TOKEN, &repo.remote).await;
        Setup {
            sandbox,
            repo,
            registry,
            host,
            forge,
        }
    }

    fn variable(&self) -> &'static str {
        match self.forge.dialect {
            Dialect::GitHub => "GITHUB_TOKEN",
            Dialect::GitLab => "GITLAB_TOKEN",
            Dialect::Gitea => "GITEA_TOKEN",
        }
    }

    fn forge_name(&self) -> &'static str {
        match self.forge.dialect {
            Dialect::GitHub => "github",
            Dialect::GitLab => "gitlab",
            Dialect::Gitea => "gitea",
        }
    }

    /// `sync` with a pull request, `extra` arguments, and the token.
    fn sync(&self, extra: &[&str]) -> Run {
        self.sync_with(extra, &[(self.variable(), TOKEN)])
    }

    fn sync_with(&self, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let api = self.forge.api();
        let mut args = vec![
            "sync",
            "-o",
            "json",
            "--pull-request",
            "--forge",
            self.forge_name(),
            "--forge-url",
            &api,
            "--forge-repo",
            "acme/deploy",
        ];
        if !extra.contains(&"--push-branch") {
            args.extend(["--push-branch", "tagpilot/images"]);
        }
        args.extend(extra);
        self.sandbox.tagpilot_env(&self.repo.work, &args, env)
    }

    /// Run git on the bare remote.
    fn remote_git(&self, args: &[&str]) -> String {
        let mut all = vec!["--git-dir", self.repo.remote.to_str().expect("utf-8")];
        all.extend(args);
        self.sandbox.git(self.sandbox.path(), &all)
    }

    /// The remote's branches.
    fn branches(&self) -> Vec<String> {
        self.remote_git(&["for-each-ref", "--format=%(refname:short)", "refs/heads"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// A file as a remote branch has it.
    fn file_on(&self, branch: &str, path: &str) -> String {
        self.remote_git(&["show", &format!("{branch}:{path}")])
    }

    /// The local work tree and its branch are as the initial commit left them.
    fn untouched(&self) {
        let status = self
            .sandbox
            .git(&self.repo.work, &["status", "--porcelain"]);
        assert_eq!(status, "", "the work tree is clean");
        let count = self
            .sandbox
            .git(&self.repo.work, &["rev-list", "--count", "main"]);
        assert_eq!(count.trim(), "1", "main has only the initial commit");
        assert_eq!(
            self.remote_git(&["rev-list", "--count", "main"]).trim(),
            "1"
        );
    }
}

async fn push(registry: &Registry, image: &str, tag: &str, day: u32) {
    let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
    Pusher::new(registry)
        .push(&format!("acme/{image}"), &spec)
        .await;
}

#[track_caller]
fn ok(run: Run) -> Value {
    assert_eq!(
        run.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(!run.stderr.contains(TOKEN) && !run.stdout.contains(TOKEN));
    run.json()
}

/// Open, update with a newer image, then nothing new: on each forge.
async fn open_update_and_rest(dialect: Dialect) {
    let s = Setup::new(dialect, &["web"]).await;
    let first = ok(s.sync(&["--label", "dependencies", "--reviewer", "alice"]));
    assert_eq!(first["pullRequests"][0]["created"], true, "{first}");
    assert_eq!(first["pullRequests"][0]["number"], 1);
    assert_eq!(first["pullRequests"][0]["branch"], "tagpilot/images");
    assert!(
        first["pullRequests"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://forge.example/acme/deploy/")
    );
    assert_eq!(first["branches"][0]["pushed"], true);
    s.untouched();
    let file = s.file_on("tagpilot/images", "apps/web.yaml");
    assert_eq!(
        file,
        workload(&s.host, "web")
            .replace("master-1", "master-2")
            .replace("glob:master-2", "glob:master-*")
    );
    let message = s.remote_git(&["log", "-1", "--format=%B", "tagpilot/images"]);
    assert_eq!(
        message,
        format!(
            "Auto-release {}/acme/web:master-2\n\nTagpilot-Branch: tagpilot/images\n\n",
            s.host
        )
    );
    let parent = s.remote_git(&["rev-parse", "tagpilot/images^"]);
    assert_eq!(parent, s.remote_git(&["rev-parse", "main"]));
    let prs = s.forge.prs();
    assert_eq!(prs.len(), 1);
    assert_eq!(
        prs[0].title,
        format!("Auto-release {}/acme/web:master-2", s.host)
    );
    assert!(
        prs[0].body.contains("`master-2` (2024-05-02 10:00 UTC)"),
        "{}",
        prs[0].body
    );
    assert_eq!(prs[0].base, "main");
    assert_eq!(prs[0].labels, ["dependencies"]);
    assert_eq!(prs[0].reviewers, ["alice"]);

    push(&s.registry, "web", "master-3", 3).await;
    let second = ok(s.sync(&[]));
    assert_eq!(second["pullRequests"][0]["created"], false, "{second}");
    assert_eq!(second["pullRequests"][0]["number"], 1);
    let prs = s.forge.prs();
    assert_eq!(prs.len(), 1, "the same pull request, updated");
    assert!(prs[0].open);
    assert_eq!(
        prs[0].title,
        format!("Auto-release {}/acme/web:master-3", s.host)
    );
    assert!(
        s.file_on("tagpilot/images", "apps/web.yaml")
            .contains("acme/web:master-3")
    );
    let ahead = s.remote_git(&["rev-list", "--count", "main..tagpilot/images"]);
    assert_eq!(
        ahead.trim(),
        "1",
        "the branch is rebuilt on main, one commit"
    );
    s.untouched();

    let writes = s.forge.writes().len();
    let tip = s.remote_git(&["rev-parse", "tagpilot/images"]);
    let third = ok(s.sync(&[]));
    assert_eq!(third["branches"][0]["pushed"], false, "{third}");
    assert_eq!(third["pullRequests"][0]["created"], false);
    assert_eq!(
        s.remote_git(&["rev-parse", "tagpilot/images"]),
        tip,
        "nothing pushed"
    );
    assert_eq!(
        s.forge.writes().len(),
        writes,
        "nothing changed on the forge"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn github_pull_request_is_opened_then_updated_then_left_alone() {
    open_update_and_rest(Dialect::GitHub).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gitlab_merge_request_is_opened_then_updated_then_left_alone() {
    open_update_and_rest(Dialect::GitLab).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gitea_pull_request_is_opened_then_updated_then_left_alone() {
    open_update_and_rest(Dialect::Gitea).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_branch_and_pull_request_per_image() {
    let s = Setup::new(Dialect::GitHub, &["web", "api"]).await;
    let report = ok(s.sync(&["--push-branch", "tagpilot/{image}", "--group", "image"]));
    let mut branches = s.branches();
    branches.sort();
    assert_eq!(branches, ["main", "tagpilot/acme-api", "tagpilot/acme-web"]);
    let prs = s.forge.prs();
    assert_eq!(prs.len(), 2, "{report}");
    assert_eq!(prs[0].head, "tagpilot/acme-api");
    assert_eq!(prs[1].head, "tagpilot/acme-web");
    let api_branch = s.file_on("tagpilot/acme-api", "apps/web.yaml");
    assert!(
        api_branch.contains("acme/web:master-1"),
        "only the api change on its branch"
    );
    assert!(
        s.file_on("tagpilot/acme-api", "apps/api.yaml")
            .contains("acme/api:master-2")
    );
    assert_eq!(report["pullRequests"].as_array().map(Vec::len), Some(2));
    s.untouched();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_branch_someone_pushed_to_is_left_alone() {
    let s = Setup::new(Dialect::GitHub, &["web"]).await;
    ok(s.sync(&[]));
    // A person adds a commit of their own to tagpilot's branch.
    let other = s.sandbox.path().join("person");
    let remote = s.repo.remote.to_str().unwrap();
    s.sandbox.git(
        s.sandbox.path(),
        &["clone", "-q", "-b", "tagpilot/images", remote, "person"],
    );
    std::fs::write(other.join("NOTES"), "mine\n").unwrap();
    s.sandbox.git(&other, &["add", "NOTES"]);
    s.sandbox
        .git(&other, &["commit", "-q", "-m", "Keep my notes"]);
    s.sandbox
        .git(&other, &["push", "-q", "origin", "tagpilot/images"]);
    let theirs = s.remote_git(&["rev-parse", "tagpilot/images"]);

    push(&s.registry, "web", "master-3", 3).await;
    let run = s.sync(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.starts_with("error: tagpilot/images: branch tagpilot/images on origin has commits that tagpilot did not make ("))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(
        line.contains(" by Dev: \"Keep my notes\"), so it is left alone"),
        "{line}"
    );
    assert_eq!(
        s.remote_git(&["rev-parse", "tagpilot/images"]),
        theirs,
        "not overwritten"
    );
    assert_eq!(
        s.forge.prs()[0].title,
        format!("Auto-release {}/acme/web:master-2", s.host)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_or_refused_token_pushes_nothing() {
    let s = Setup::new(Dialect::GitHub, &["web"]).await;
    let run = s.sync_with(&[], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: --pull-request needs a GitHub token that may push to and open pull requests in \
         acme/deploy; set GITHUB_TOKEN (or TAGPILOT_FORGE_TOKEN)\n"
    );
    let run = s.sync_with(&[], &[("GITHUB_TOKEN", "wrong-token-77")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "error: the GitHub API at {}: GET /repos/acme/deploy: HTTP 401 Unauthorized: Bad \
             credentials; check that the token in GITHUB_TOKEN is valid and may write to acme/deploy\n",
            s.forge.api()
        )
    );
    assert!(!run.stderr.contains("wrong-token-77"));
    // TAGPILOT_FORGE_TOKEN wins over the forge's own variable.
    let run = s.sync_with(
        &[],
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("TAGPILOT_FORGE_TOKEN", "wrong-token-77"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("check that the token in TAGPILOT_FORGE_TOKEN")
    );
    assert_eq!(s.branches(), ["main"], "nothing pushed");
    assert!(s.forge.prs().is_empty());
    s.untouched();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pull_request_whose_change_landed_elsewhere_is_closed_only_when_asked() {
    let s = Setup::new(Dialect::GitHub, &["web"]).await;
    ok(s.sync(&[]));
    // The change lands on main another way: a plain sync pushes it there.
    let plain = s.sandbox.tagpilot(&s.repo.work, &["sync"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let run = s.sync(&[]);
    let report = ok(run);
    assert_eq!(report["pullRequests"][0]["closed"], false, "{report}");
    assert!(s.forge.prs()[0].open);
    let run = s.sync(&["--close-stale"]);
    assert!(
        run.stderr
            .contains("Closed pull request #1: nothing left to change"),
        "{}",
        run.stderr
    );
    let report = ok(run);
    assert_eq!(report["pullRequests"][0]["closed"], true);
    let pr = &s.forge.prs()[0];
    assert!(!pr.open);
    assert_eq!(pr.comments.len(), 1);
    assert!(pr.comments[0].starts_with("tagpilot finds nothing left to change on `main`"));
}

#[tokio::test(flavor = "multi_thread")]
async fn push_branch_without_a_forge_and_in_a_dry_run() {
    let (_registry, host) = with_tags("acme/web", &[("master-1", 1), ("master-2", 2)]).await;
    let sandbox = Sandbox::new();
    let text = workload(&host, "web");
    let repo = sandbox.repo(&[("apps/web.yaml", text.as_bytes())]);
    let dry = sandbox.tagpilot(&repo.work, &["sync", "--push-branch", "bump", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stderr.contains("Dry run: nothing written"),
        "{}",
        dry.stderr
    );
    let run = sandbox.tagpilot(&repo.work, &["sync", "--push-branch", "bump"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Commit pushed to bump: "),
        "{}",
        run.stderr
    );
    let remote = repo.remote.to_str().unwrap();
    let shown = sandbox.git(
        sandbox.path(),
        &["--git-dir", remote, "show", "bump:apps/web.yaml"],
    );
    assert_eq!(shown, text.replace("web:master-1", "web:master-2"));
    assert_eq!(String::from_utf8(repo.read("apps/web.yaml")).unwrap(), text);
    let usage = sandbox.tagpilot(
        &repo.work,
        &["sync", "--push-branch", "bump", "--group", "image"],
    );
    assert_eq!(usage.code, 2, "{}", usage.stderr);
    assert_eq!(
        usage.stderr,
        "error: --push-branch bump: with --group image each group needs a branch of its own; put {image} in the name\n"
    );
    // Pull request options without a push branch would do nothing: refused, also from
    // the configuration file, where clap does not see them.
    let alone = sandbox.tagpilot(&repo.work, &["sync", "--group", "image"]);
    assert_eq!(alone.code, 2, "{}", alone.stderr);
    assert_eq!(
        alone.stderr,
        "error: --group needs --push-branch (pushBranch in the configuration file): without it tagpilot pushes to the checked-out branch and opens no pull request\n"
    );
    let config = sandbox.path().join("own.yaml");
    std::fs::write(&config, "pullRequest: true\n").unwrap();
    let from_file = sandbox.tagpilot(&repo.work, &["sync", "--config", config.to_str().unwrap()]);
    assert_eq!(from_file.code, 2, "{}", from_file.stderr);
    assert!(
        from_file
            .stderr
            .starts_with("error: --pull-request needs --push-branch"),
        "{}",
        from_file.stderr
    );
    let base = sandbox.tagpilot(&repo.work, &["sync", "--push-branch", "main"]);
    assert_eq!(base.code, 2, "{}", base.stderr);
    assert_eq!(
        base.stderr,
        "error: --push-branch main: that is the base branch; name a branch of tagpilot's own, such as tagpilot/images\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_verify_pushes_no_branch() {
    let s = Setup::new(Dialect::GitHub, &["web"]).await;
    let check = "grep -q master-9 apps/web.yaml";
    let run = s.sync(&["--verify", check]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: tagpilot/images: --verify {check:?} failed (exit status: 1)"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(s.branches(), ["main"]);
    assert!(s.forge.prs().is_empty());
    s.untouched();
    let passing = "grep -q master-2 apps/web.yaml";
    ok(s.sync(&["--verify", passing]));
    assert_eq!(s.forge.prs().len(), 1);
    s.untouched();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_change_goes_to_its_branch_and_pull_request() {
    let s = Setup::new(Dialect::Gitea, &["web"]).await;
    let api = s.forge.api();
    let args = [
        "lock",
        "-w",
        "deployment/web",
        "-m",
        "Hold web",
        "--push-branch",
        "tagpilot/lock-web",
        "--pull-request",
        "--forge",
        "gitea",
        "--forge-url",
        &api,
        "--forge-repo",
        "acme/deploy",
        "--label",
        "images",
        "--label",
        "nonesuch",
    ];
    let run = s
        .sandbox
        .tagpilot_env(&s.repo.work, &args, &[("GITEA_TOKEN", TOKEN)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: label nonesuch: acme/deploy has no such label; create it first"),
        "{}",
        run.stderr
    );
    let file = s.file_on("tagpilot/lock-web", "apps/web.yaml");
    assert!(file.contains("fluxcd.io/locked: 'true'"), "{file}");
    let prs = s.forge.prs();
    assert_eq!(prs.len(), 1);
    assert_eq!(prs[0].labels, ["images"]);
    assert!(prs[0].title.starts_with("Hold web"), "{}", prs[0].title);
    s.untouched();
}

#[tokio::test(flavor = "multi_thread")]
async fn one_merge_request_per_workload_and_stale_ones_closed() {
    let s = Setup::new(Dialect::GitLab, &["web", "api"]).await;
    let per_workload = ["--push-branch", "bump/{workload}", "--group", "workload"];
    let report = ok(s.sync(&[&per_workload[..], &["--reviewer", "bob"]].concat()));
    let mut branches = s.branches();
    branches.sort();
    assert_eq!(
        branches,
        [
            "bump/default-deployment-api",
            "bump/default-deployment-web",
            "main"
        ],
        "{report}"
    );
    let prs = s.forge.prs();
    assert_eq!(prs.len(), 2);
    assert!(prs.iter().all(|pr| pr.reviewers == ["bob"]));
    // The web change reaches main another way; its merge request is stale, api's is not.
    let web = s.file_on("bump/default-deployment-web", "apps/web.yaml");
    s.sandbox.push_elsewhere(&s.repo, "apps/web.yaml", &web);
    s.sandbox.git(&s.repo.work, &["pull", "-q", "--ff-only"]);
    let run = s.sync(&[&per_workload[..], &["--close-stale"]].concat());
    assert!(
        run.stderr
            .contains("Closed merge request #2: nothing left to change: "),
        "{}",
        run.stderr
    );
    let report = ok(run);
    let listed: Vec<(&str, bool)> = report["pullRequests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pr| {
            (
                pr["branch"].as_str().unwrap(),
                pr["closed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("bump/default-deployment-api", false),
            ("bump/default-deployment-web", true)
        ]
    );
    let prs = s.forge.prs();
    assert!(prs[0].open && !prs[1].open);
}
