//! The reports of a run: the HTML page loaded in a real headless Chromium, the Markdown
//! summary as a golden text, and the metrics file checked by `promtool`.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::{Repo, Sandbox};

/// A Deployment with one container, in `namespace` when given.
fn deployment(name: &str, namespace: Option<&str>, annotations: &str, image: &str) -> String {
    let namespace = namespace.map_or(String::new(), |ns| format!("  namespace: {ns}\n"));
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{namespace}  \
         annotations:\n    note: reports\n{annotations}spec:\n  template:\n    spec:\n      \
         containers:\n      - name: {name}\n        image: {image}\n"
    )
}

/// A registry with `acme/web` main-1..3 and `acme/api` 1.0.0 and 1.1.0, and a repository
/// with one workload to update, one up to date, one not automated and one whose
/// repository does not exist.
async fn setup(sandbox: &Sandbox) -> (Registry, String, Repo) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in [("main-1", 1), ("main-2", 2), ("main-3", 3)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        pusher.push("acme/web", &spec).await;
    }
    for (tag, day) in [("1.0.0", 1), ("1.1.0", 2)] {
        let spec = ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z"));
        pusher.push("acme/api", &spec).await;
    }
    let h = registry.url().trim_start_matches("http://").to_owned();
    let auto = "    fluxcd.io/automated: \"true\"\n";
    let files = [
        (
            "web.yaml",
            deployment(
                "web",
                None,
                &format!("{auto}    fluxcd.io/tag.web: glob:main-*\n"),
                &format!("{h}/acme/web:main-1"),
            ),
        ),
        (
            "api.yaml",
            deployment(
                "api",
                None,
                &format!("{auto}    fluxcd.io/tag.api: semver:~1\n"),
                &format!("{h}/acme/api:1.1.0"),
            ),
        ),
        (
            "manual.yaml",
            deployment("manual", None, "", &format!("{h}/acme/web:main-1")),
        ),
        (
            "gone.yaml",
            deployment("gone", Some("legacy"), auto, &format!("{h}/acme/missing:1")),
        ),
    ];
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, text)| (*name, text.as_bytes()))
        .collect();
    let repo = sandbox.repo(&files);
    (registry, h, repo)
}

/// The page's DOM after its script ran, in headless Chromium, at `fragment`.
fn dom(page: &Path, fragment: &str) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let out = chromium()
        .args(["--dump-dom", &url])
        .output()
        .expect("running chromium (install Debian's chromium package)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Headless Chromium, as root in CI too.
fn chromium() -> Command {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
    ]);
    let profile = tempfile::tempdir().expect("profile").keep();
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The body rows of the containers table: (hidden, status, workload).
fn rows(dom: &str) -> Vec<(bool, String, String)> {
    let body = &dom[dom.find("<tbody>").expect("tbody")..dom.find("</tbody>").expect("/tbody")];
    body.split("<tr ")
        .skip(1)
        .map(|row| {
            let tag = &row[..row.find('>').expect("tag end")];
            let status = attribute(tag, "data-status");
            let workload = row
                .split("<td")
                .nth(1)
                .and_then(|cell| cell.split('>').nth(1))
                .map(|text| text.split('<').next().unwrap_or_default().to_owned())
                .unwrap_or_default();
            (tag.contains(" hidden"), status, workload)
        })
        .collect()
}

fn attribute(tag: &str, name: &str) -> String {
    let start = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
    tag[start..start + tag[start..].find('"').expect("quote")].to_owned()
}

const SYNC_MARKDOWN: &str = "\
### tagpilot sync

1 updated, 1 up to date, 1 skipped, 1 failed · commit `SHA` pushed on `main`

| Workload | Container | Image | Current | Newest allowed | Status | Reason |
|---|---|---|---|---|---|---|
| `default:deployment/api` | api | `HOST/acme/api` | `1.1.0` (2024-05-02 10:00 UTC) | `1.1.0` (2024-05-02 10:00 UTC) | up to date |  |
| `default:deployment/manual` | manual | `HOST/acme/web` | `main-1` (2024-05-01 10:00 UTC) | `main-3` (2024-05-03 10:00 UTC) | skipped | not automated |
| `default:deployment/web` | web | `HOST/acme/web` | `main-1` (2024-05-01 10:00 UTC) | `main-3` (2024-05-03 10:00 UTC) | updated | HOST/acme/web:main-1 -\\> main-3 |
| `legacy:deployment/gone` | gone | `HOST/acme/missing` | `1` |  | failed | listing tags of HOST/acme/missing: HTTP 404 NAME\\_UNKNOWN: repository name not known to registry |

**Errors**

- legacy:deployment/gone: gone: listing tags of HOST/acme/missing: HTTP 404 NAME\\_UNKNOWN: repository name not known to registry

";

/// The value of the sample `series` (name and labels) in a metrics text.
fn sample(metrics: &str, series: &str) -> Option<String> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{series} ")))
        .map(str::to_owned)
}

/// `promtool check metrics` accepts the text.
fn promtool_accepts(metrics: &str) {
    use std::io::Write as _;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("running promtool (install Debian's prometheus package)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(metrics.as_bytes())
        .expect("writing to promtool");
    let out = child.wait_with_output().expect("promtool");
    assert!(
        out.status.success(),
        "{}{}\n{metrics}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_writes_a_page_markdown_and_metrics() {
    let sandbox = Sandbox::new();
    let (_registry, h, repo) = setup(&sandbox).await;
    let out = sandbox.path().join("out");
    fs::create_dir(&out).expect("out");
    let page = out.join("report.html");
    let metrics = out.join("tagpilot.prom");
    let files = [
        "--report-html",
        page.to_str().expect("utf-8"),
        "--metrics-file",
        metrics.to_str().expect("utf-8"),
    ];
    let sync = |args: &[&str]| {
        let mut all = vec!["sync"];
        all.extend_from_slice(args);
        all.extend_from_slice(&files);
        sandbox.tagpilot(&repo.work, &all)
    };
    let run = sync(&["-o", "markdown"]).code(4);
    let commit = sandbox.git(&repo.work, &["rev-parse", "--short=7", "HEAD"]);
    let markdown = run.stdout.replace(&h, "HOST").replace(commit.trim(), "SHA");
    assert_eq!(markdown, SYNC_MARKDOWN);

    // The page, as a browser runs it: every row, then each filter narrowing them.
    let all = rows(&dom(&page, ""));
    let expected = [
        ("up_to_date", "default:deployment/api"),
        ("skipped", "default:deployment/manual"),
        ("updated", "default:deployment/web"),
        ("failed", "legacy:deployment/gone"),
    ];
    let listed: Vec<(bool, &str, &str)> = all
        .iter()
        .map(|(hidden, status, workload)| (*hidden, status.as_str(), workload.as_str()))
        .collect();
    let visible: Vec<(bool, &str, &str)> = expected.iter().map(|(s, w)| (false, *s, *w)).collect();
    assert_eq!(listed, visible);
    let shown = |fragment: &str| -> Vec<String> {
        let dom = dom(&page, fragment);
        assert!(
            !dom.contains("<form id=\"filters\" hidden"),
            "the script shows the filters"
        );
        rows(&dom)
            .into_iter()
            .filter(|(hidden, _, _)| !hidden)
            .map(|(_, _, workload)| workload)
            .collect()
    };
    assert_eq!(shown("#status=failed"), ["legacy:deployment/gone"]);
    assert_eq!(shown("#namespace=legacy"), ["legacy:deployment/gone"]);
    assert_eq!(shown("#q=automated"), ["default:deployment/manual"]);
    assert_eq!(
        shown("#status=updated&q=main-3"),
        ["default:deployment/web"]
    );
    let dom = dom(&page, "#status=skipped");
    assert!(
        dom.contains("<output id=\"shown\" aria-live=\"polite\">1 of 4 containers shown</output>"),
        "{dom}"
    );
    assert!(dom.contains("not automated"));
    assert!(dom.contains("HTTP 404 NAME_UNKNOWN"));

    // A screenshot, for people to look at.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    let status = chromium()
        .args([
            "--window-size=1400,600",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("chromium");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(fs::read(&shot).expect("screenshot").starts_with(b"\x89PNG"));

    // The metrics, checked by promtool.
    let text = fs::read_to_string(&metrics).expect("metrics");
    promtool_accepts(&text);
    let series = |s: &str| sample(&text, s);
    assert_eq!(
        series("tagpilot_last_run_exit_code{command=\"sync\"}").as_deref(),
        Some("4")
    );
    assert_eq!(
        series("tagpilot_last_run_updates{command=\"sync\"}").as_deref(),
        Some("1")
    );
    assert_eq!(
        series("tagpilot_last_run_containers{command=\"sync\",status=\"failed\"}").as_deref(),
        Some("1")
    );
    assert_eq!(
        series(&format!(
            "tagpilot_last_run_registry_errors{{command=\"sync\",host=\"{h}\"}}"
        ))
        .as_deref(),
        Some("1")
    );
    assert_eq!(
        series("tagpilot_last_success_timestamp_seconds{command=\"sync\"}"),
        None
    );

    // A run that succeeds, then one that fails before asking anything: the page shows the
    // error, and the metrics keep the time of the last success.
    sync(&["--include-image", &format!("{h}/acme/api")]).code(0);
    let text = fs::read_to_string(&metrics).expect("metrics");
    let success = series_of(
        &text,
        "tagpilot_last_success_timestamp_seconds{command=\"sync\"}",
    );
    sync(&["--git-branch", "nope"]).code(1);
    let text = fs::read_to_string(&metrics).expect("metrics");
    promtool_accepts(&text);
    assert_eq!(
        series_of(&text, "tagpilot_last_run_exit_code{command=\"sync\"}"),
        "1"
    );
    assert_eq!(
        series_of(
            &text,
            "tagpilot_last_success_timestamp_seconds{command=\"sync\"}"
        ),
        success
    );
    let html = fs::read_to_string(&page).expect("page");
    assert!(
        html.contains("--git-branch nope: the work tree at"),
        "{html}"
    );
    assert!(html.contains("<dt>Exit code</dt><dd>1</dd>"), "{html}");

    // Replaced atomically: no temporary file is left, and the files are readable by others.
    let mut names: Vec<String> = fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.html", "tagpilot.prom"]);
    use std::os::unix::fs::PermissionsExt as _;
    let mode = fs::metadata(&page).expect("page").permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
}

fn series_of(text: &str, series: &str) -> String {
    sample(text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn list_images_reports_what_could_move() {
    let sandbox = Sandbox::new();
    let (_registry, h, repo) = setup(&sandbox).await;
    let page = sandbox.path().join("images.html");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "list-images",
                "-o",
                "markdown",
                "--report-html",
                page.to_str().expect("utf-8"),
            ],
        )
        .code(4);
    let markdown = run.stdout.replace(&h, "HOST");
    assert!(
        markdown.starts_with(
            "### tagpilot list-images\n\n2 update available, 1 up to date, 1 failed\n\n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("| `default:deployment/web` | web | `HOST/acme/web` | `main-1` (2024-05-01 10:00 UTC) | `main-3` (2024-05-03 10:00 UTC) | update available | HOST/acme/web:main-3 is newer |"),
        "{markdown}"
    );
    let shown: Vec<(String, String)> = rows(&dom(&page, "#status=update_available"))
        .into_iter()
        .filter(|(hidden, _, _)| !hidden)
        .map(|(_, status, workload)| (status, workload))
        .collect();
    assert_eq!(
        shown,
        [
            (
                "update_available".to_owned(),
                "default:deployment/manual".to_owned()
            ),
            (
                "update_available".to_owned(),
                "default:deployment/web".to_owned()
            ),
        ]
    );
}

#[test]
fn a_report_that_cannot_be_written_names_the_file() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo(&[(
        "app.yaml",
        deployment("app", None, "", "example.com/app:1").as_bytes(),
    )]);
    let page = sandbox.path().join("no/such/dir/report.html");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "list-workloads",
                "--metrics-file",
                page.to_str().expect("utf-8"),
            ],
        )
        .code(4);
    assert!(
        run.stderr.starts_with(&format!(
            "error: --metrics-file {}: creating a temporary file for {}: ",
            page.display(),
            page.display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("; check that its directory exists and is writable\n"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pull_budget_is_spent_no_further_than_it_goes_and_reported() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use crate::support::fake_http::{Content, FakeServer, Response};
    use crate::support::registry::build;
    // A registry that counts manifest GETs against a budget of two, as Docker Hub does.
    let mut content = Content::default();
    for (tag, day) in [("1", 1), ("2", 2), ("3", 3)] {
        content.add(&build(
            &ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-0{day}T10:00:00Z")),
        ));
    }
    let left = Arc::new(AtomicU64::new(2));
    let budget = Arc::clone(&left);
    let registry = FakeServer::start("127.0.0.1", move |req| {
        let pulling = req.method == "GET" && req.path().contains("/manifests/");
        if pulling && budget.load(Ordering::SeqCst) == 0 {
            return Response::error(429, "TOOMANYREQUESTS", "pull rate limit");
        }
        if pulling {
            budget.fetch_sub(1, Ordering::SeqCst);
        }
        let remaining = budget.load(Ordering::SeqCst);
        content
            .serve("acme/app", req)
            .unwrap_or_else(|| Response::new(404))
            .header("ratelimit-limit", "100;w=21600")
            .header("ratelimit-remaining", &format!("{remaining};w=21600"))
    })
    .await;
    let host = registry.host();
    let sandbox = Sandbox::new();
    let text = deployment("app", None, "", &format!("{host}/acme/app:1"));
    let repo = sandbox.repo(&[("app.yaml", text.as_bytes())]);
    let metrics = sandbox.path().join("m.prom");
    let run = sandbox
        .tagpilot(
            &repo.work,
            &[
                "list-images",
                "--no-cache",
                "--metrics-file",
                metrics.to_str().expect("utf-8"),
            ],
        )
        .ok();
    // Two pulls were spent; the third manifest was not asked for, and says why.
    assert!(
        run.stderr
            .contains(&format!("{host}: 2 pulls used, 0 left of 100\n")),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("pull budget is used up"),
        "{}",
        run.stdout
    );
    assert_eq!(left.load(Ordering::SeqCst), 0);
    assert_eq!(
        registry.count(|r| r.method == "GET" && r.path().contains("/manifests/")),
        2
    );
    let text = fs::read_to_string(&metrics).expect("metrics");
    promtool_accepts(&text);
    let series = |name: &str| {
        series_of(
            &text,
            &format!("{name}{{command=\"list-images\",host=\"{host}\"}}"),
        )
    };
    assert_eq!(series("tagpilot_last_run_registry_pulls"), "2");
    assert_eq!(series("tagpilot_registry_pulls_remaining"), "0");
}
