//! Registry scan benchmark: `tagpilot list-images` against a real registry, cold (empty
//! cache) and warm (same cache), side by side with the script a user would write instead:
//! `skopeo list-tags`, then `skopeo inspect --config` for every tag, one after the other.
//!
//! Run with `cargo bench --bench registry`. It starts Debian's `docker-registry`
//! (distribution 2.8; `$REGISTRY_BIN` overrides the binary) on 127.0.0.1 with its access
//! log on, pushes 20 repositories × 100 tags and one repository × 2,000 tags (one shared
//! layer, a config with its own creation time per tag), and writes one manifest directory
//! per set whose Deployments use every repository. Each set is scanned cold then warm,
//! with the defaults (no fixed rate cap; 16 requests in flight). The cold run's own requests
//! are then replayed straight from this process, 16 at a time on kept-alive connections:
//! that is the registry-bound floor of a cold scan, and the cold run is reported as a
//! ratio to it (aim: within 10%). Requests are counted from the
//! registry's access log (the lines added during a run) and wall time is measured around
//! each process; tagpilot's own count (`-v`, one line per request) is shown too, since it
//! also sees the HTTPS attempt that precedes plain HTTP on an insecure registry, which the
//! registry's access log cannot record.
//!
//! The binary measured is the `tagpilot` that `cargo bench` builds beside this benchmark
//! (release profile): Cargo builds a package's binaries for its benchmarks and tells them
//! where through `CARGO_BIN_EXE_tagpilot`.
//!
//! `skopeo` is needed for the script's column (`apt-get install -y skopeo`); without it
//! that column is skipped. `BENCH_QUICK=1` pushes a tenth of the tags, for a smoke run
//! whose figures mean little.
//!
//! A last part measures the vendor registries (Docker Hub with and without its Hub API,
//! Google, Quay, ACR) against local servers speaking their formats: requests and pulls
//! spent cold, warm, with every tag due and after a new image (`registry/vendors.rs`).
//! `BENCH_PART=vendors` runs that part alone.

#[path = "../tests/support/fake_http.rs"]
mod fake_http;
#[path = "../tests/support/registry.rs"]
mod registry;
#[path = "../tests/support/vendor.rs"]
mod vendor;
#[path = "registry/vendors.rs"]
mod vendors;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use serde_json::Value;

use registry::{ImageSpec, Kind, Pusher, Registry};

/// Repositories of the many-repositories set, and tags in each.
const SMALL_REPOS: usize = 20;
const SMALL_TAGS: usize = 100;
/// Tags of the one big repository.
const BIG_TAGS: usize = 2_000;
/// Pushes in flight at once.
const PUSHES_IN_FLIGHT: usize = 8;
/// Aims: script time over tagpilot time, and a default cold run over the floor.
const COLD_AIM: f64 = 10.0;
const WARM_AIM: f64 = 100.0;
const FLOOR_AIM: f64 = 1.10;
/// Requests in flight in the replay, as tagpilot's default `--concurrency`.
const REPLAY_IN_FLIGHT: usize = 16;

/// One set of repositories, scanned as a whole.
struct Scenario {
    name: String,
    /// Repository → tag → creation time pushed.
    repos: BTreeMap<String, BTreeMap<String, DateTime<Utc>>>,
    /// The manifest directory that uses every repository.
    manifests: PathBuf,
}

impl Scenario {
    fn tags(&self) -> usize {
        self.repos.values().map(BTreeMap::len).sum()
    }
}

/// What one measured run cost.
struct Cost {
    /// Requests the registry logged during the run.
    requests: usize,
    /// Requests the client itself reported (`-v`), when it can tell.
    client_requests: Option<usize>,
    wall: Duration,
    /// CPU seconds of the tool's processes, and of the registry, during the run.
    cpu: f64,
    registry_cpu: f64,
    /// The access log lines of the run.
    lines: Vec<String>,
}

/// One row of the table.
struct Row {
    scenario: String,
    tool: String,
    cost: Option<Cost>,
    /// The script's wall time over this row's, for tagpilot rows.
    ratio: Option<f64>,
}

fn main() {
    if std::env::var("BENCH_PART").is_ok_and(|part| part == "vendors") {
        print_vendors();
        return;
    }
    let quick = std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let (small_tags, big_tags) = if quick {
        (SMALL_TAGS / 10, BIG_TAGS / 10)
    } else {
        (SMALL_TAGS, BIG_TAGS)
    };
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_tagpilot"));
    let registry_bin = std::env::var("REGISTRY_BIN").unwrap_or_else(|_| "docker-registry".into());
    let Some(registry_version) = version(&registry_bin) else {
        eprintln!(
            "{registry_bin} not found: install Debian's registry with\n  \
             apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker-registry\n\
             or set REGISTRY_BIN"
        );
        std::process::exit(1);
    };
    let skopeo = version("skopeo");
    if skopeo.is_none() {
        eprintln!(
            "skopeo not found: the script column is skipped; install it with\n  \
             apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y skopeo"
        );
    }
    println!("machine: {} (load average {})", machine(), load());
    println!("registry: {registry_version}");
    if let Some(v) = &skopeo {
        println!("skopeo: {v}");
    }
    if quick {
        println!("BENCH_QUICK: a tenth of the tags; not the figures to report");
    }

    let work = tempfile::tempdir().expect("creating the work dir");
    let home = work.path().join("home");
    fs::create_dir_all(&home).expect("creating a home dir");
    let registry = Registry::start();
    let host = registry.host.clone();

    let mut small = BTreeMap::new();
    for r in 0..SMALL_REPOS {
        small.insert(format!("bench/small-{r:02}"), small_tags);
    }
    let big = BTreeMap::from([("bench/big".to_owned(), big_tags)]);
    let started = Instant::now();
    let scenarios = push(
        &registry,
        work.path(),
        &[
            (format!("{SMALL_REPOS} repos × {small_tags} tags"), small),
            (format!("1 repo × {big_tags} tags"), big),
        ],
    );
    let pushed: usize = scenarios.iter().map(Scenario::tags).sum();
    println!(
        "pushed {pushed} tags in {} repositories in {:.1} s ({} requests)",
        scenarios.iter().map(|s| s.repos.len()).sum::<usize>(),
        started.elapsed().as_secs_f64(),
        registry.access_log().len()
    );

    let mut rows = Vec::new();
    let mut verdicts = Vec::new();
    for (n, scenario) in scenarios.iter().enumerate() {
        let run = |cache: &Path, extra: &[&str]| {
            run_tagpilot(&bin, &registry, &home, scenario, cache, extra)
        };
        let cache = work.path().join(format!("cache-{n}"));
        let cold = run(&cache, &[]);
        let warm = run(&cache, &[]);
        let replayed = replay(&registry, &cold.lines);
        let script = skopeo
            .as_ref()
            .map(|_| run_script(&registry, &home, &host, scenario));

        // Cold: one tags list per repository, then a manifest and a config blob per tag.
        let repos = scenario.repos.len();
        let tags = scenario.tags();
        let lists = |c: &Cost| c.lines.iter().filter(|l| l.contains("/tags/list")).count();
        assert_eq!(
            lists(&cold),
            repos,
            "one tags-list request per repository in a cold run"
        );
        let floor = warm.requests == repos && lists(&warm) == repos;
        let over_floor = secs(cold.wall) / secs(replayed.wall);
        verdicts.push(format!(
            "{}: cold run / its requests replayed = {over_floor:.2}x, aim {FLOOR_AIM}x: {}",
            scenario.name,
            if over_floor <= FLOOR_AIM {
                "met"
            } else {
                "NOT met"
            }
        ));
        verdicts.push(format!(
            "{}: cold {} requests (floor 1 list + 2 per tag = {}), warm {} = {repos} \
             tags-list pages: {}",
            scenario.name,
            cold.requests,
            repos + 2 * tags,
            warm.requests,
            if floor {
                "at the floor"
            } else {
                "NOT at the floor"
            }
        ));

        // tagpilot asks for pages of 1,000; a repository with more tags read in one
        // request shows that the registry ignored `n`.
        let most = scenario
            .repos
            .values()
            .map(BTreeMap::len)
            .max()
            .unwrap_or(0);
        let asked_n = cold
            .lines
            .iter()
            .filter(|l| l.contains("/tags/list"))
            .all(|l| l.contains("n=1000"));
        if most > 1000 && asked_n {
            verdicts.push(format!(
                "{}: the tags list asked for n=1000 and held all {most} tags in one reply",
                scenario.name
            ));
        }
        for (what, cost) in [("tagpilot cold", Some(&cold)), ("script", script.as_ref())] {
            if let Some(c) = cost {
                verdicts.push(format!("{}: {what}: {}", scenario.name, breakdown(c)));
            }
        }
        let ratio = |c: &Cost| script.as_ref().map(|s| secs(s.wall) / secs(c.wall));
        let mut row = |tool: &str, cost: Cost| {
            rows.push(Row {
                scenario: scenario.name.clone(),
                tool: tool.to_owned(),
                ratio: ratio(&cost),
                cost: Some(cost),
            });
        };
        if let Some(s) = &script {
            for (what, c, aim) in [
                ("cold, defaults", &cold, COLD_AIM),
                ("warm, defaults", &warm, WARM_AIM),
            ] {
                let r = secs(s.wall) / secs(c.wall);
                verdicts.push(format!(
                    "{}: {what}: script/tagpilot {r:.1}x, aim {aim}x: {}",
                    scenario.name,
                    if r >= aim { "met" } else { "NOT met" }
                ));
            }
        }
        row("tagpilot cold", cold);
        row("tagpilot warm", warm);
        rows.push(Row {
            scenario: scenario.name.clone(),
            tool: format!("floor: the cold run's requests replayed, {REPLAY_IN_FLIGHT} at a time"),
            cost: Some(replayed),
            ratio: None,
        });
        rows.push(Row {
            scenario: scenario.name.clone(),
            tool: "script: skopeo list-tags + inspect --config".into(),
            cost: script,
            ratio: None,
        });
    }
    drop(registry);

    println!();
    print!("{}", table(&rows));
    println!();
    println!("load average at the end: {}", load());
    for v in &verdicts {
        println!("{v}");
    }
    println!(
        "requests: lines of the registry's access log during the run; sent: what tagpilot \
         logged with -v, including its HTTPS attempts, which never reach the access log; \
         CPU: user + system time of the tool's processes and of the registry's"
    );
    println!(
        "registry 2.8 ignores `n` and `last` and sends no `Link`: every tags list is one page \
         holding all the tags, so the floor of a warm run is one request per repository"
    );
    println!();
    print_vendors();
}

/// The vendor part: requests and pulls per vendor, cold and warm.
fn print_vendors() {
    println!("vendor registries (local servers speaking each vendor's format):");
    print!("{}", vendors::run());
    println!(
        "pulls: manifest GETs, what Docker Hub counts against its budget; all due: every tag \
         re-checked (--refresh); warm: nothing due, so one tags-list request"
    );
}

/// The requests of a run by kind, from their access log lines.
fn breakdown(cost: &Cost) -> String {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for line in &cost.lines {
        // … "GET /v2/bench/big/manifests/1.0.7 HTTP/1.1" 200 …
        let path = line
            .split('"')
            .nth(1)
            .and_then(|r| r.split(' ').nth(1))
            .unwrap_or("");
        let kind = if path == "/v2/" {
            "/v2/ pings"
        } else if path.contains("/tags/list") {
            "tags lists"
        } else if path.contains("/manifests/") {
            "manifests"
        } else if path.contains("/blobs/") {
            "blobs"
        } else {
            "other"
        };
        *kinds.entry(kind).or_default() += 1;
    }
    kinds
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The load average, since the machine may be shared.
fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split(' ').next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `PROGRAM --version`, first line, if it runs.
fn version(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned()
    })
}

/// Cores and CPU model, from the OS.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores, {model}")
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64().max(1e-6)
}

/// Pushes every set (repository name → tag count) and writes its manifest directory.
/// Creation times are distinct over all tags: one minute apart from 2024-01-01.
fn push(
    registry: &Registry,
    work: &Path,
    sets: &[(String, BTreeMap<String, usize>)],
) -> Vec<Scenario> {
    let base = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .expect("a valid time")
        .with_timezone(&Utc);
    let mut minute = 0i64;
    let mut scenarios = Vec::new();
    let mut first = Vec::new();
    let mut rest = Vec::new();
    for (n, (name, repos)) in sets.iter().enumerate() {
        let mut times = BTreeMap::new();
        for (repo, &count) in repos {
            let mut tags = BTreeMap::new();
            for i in 0..count {
                let tag = format!("1.0.{i}");
                let created = base + chrono::Duration::minutes(minute);
                minute += 1;
                let spec = ImageSpec::new(&tag, Kind::Docker)
                    .created(&created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                // The first tag of a repository uploads the shared layer; the others
                // wait for it, since the registry checks that a manifest's blobs exist.
                if i == 0 { &mut first } else { &mut rest }.push((repo.clone(), spec));
                tags.insert(tag, created);
            }
            times.insert(repo.clone(), tags);
        }
        let manifests = work.join(format!("manifests-{n}"));
        write_manifests(&manifests, &registry.host, times.keys());
        scenarios.push(Scenario {
            name: name.clone(),
            repos: times,
            manifests,
        });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("starting the async runtime");
    let pusher = Pusher::new(registry);
    runtime.block_on(async {
        for batch in [first, rest] {
            futures::stream::iter(batch)
                .map(|(repo, spec)| {
                    let pusher = &pusher;
                    async move {
                        pusher.push(&repo, &spec).await;
                    }
                })
                .buffer_unordered(PUSHES_IN_FLIGHT)
                .collect::<Vec<()>>()
                .await;
        }
    });
    scenarios
}

/// One Deployment per repository, one container each, automated like a real setup.
fn write_manifests<'a>(dir: &Path, host: &str, repos: impl Iterator<Item = &'a String>) {
    fs::create_dir_all(dir).expect("creating the manifest dir");
    for repo in repos {
        let name = repo.rsplit('/').next().unwrap_or(repo);
        fs::write(
            dir.join(format!("{name}.yaml")),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  \
                 annotations:\n    fluxcd.io/automated: \"true\"\nspec:\n  template:\n    \
                 spec:\n      containers:\n      - name: app\n        image: {host}/{repo}:1.0.0\n"
            ),
        )
        .expect("writing a manifest");
    }
}

/// CPU seconds from `/proc/<pid>/stat`: (utime + stime, cutime + cstime), the latter
/// being the children the process has waited for. The kernel reports them in USER_HZ,
/// which is 100 on Linux.
fn cpu(pid: &str) -> (f64, f64) {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses: state is field 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let field = |n: usize| -> f64 {
        rest.split_whitespace()
            .nth(n - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 100.0
    };
    (field(14) + field(15), field(16) + field(17))
}

/// What a measured run gave: its result, wall time, CPU seconds of the children run
/// and of the registry, and the access log lines it caused.
struct Measured<T> {
    out: T,
    wall: Duration,
    cpu: f64,
    registry_cpu: f64,
    lines: Vec<String>,
}

/// Runs `body` (which waits for the processes it starts), timing it and collecting the
/// access log lines it caused.
fn measure<T>(registry: &Registry, body: impl FnOnce() -> T) -> Measured<T> {
    let before = registry.access_log().len();
    let registry_pid = registry.pid().to_string();
    let (_, children_before) = cpu("self");
    let (registry_before, _) = cpu(&registry_pid);
    let started = Instant::now();
    let out = body();
    let wall = started.elapsed();
    // The registry writes a line just after answering: wait until the log is still.
    let mut lines = registry.access_log();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        std::thread::sleep(Duration::from_millis(150));
        let now = registry.access_log();
        if now.len() == lines.len() || Instant::now() > deadline {
            lines = now;
            break;
        }
        lines = now;
    }
    Measured {
        out,
        wall,
        cpu: cpu("self").1 - children_before,
        registry_cpu: cpu(&registry_pid).0 - registry_before,
        lines: lines.split_off(before.min(lines.len())),
    }
}

/// The requests of `lines` (access log lines of a run) sent again from this process,
/// [`REPLAY_IN_FLIGHT`] at a time over kept-alive connections: what the registry needs to
/// answer them, with no client work around them.
fn replay(registry: &Registry, lines: &[String]) -> Cost {
    // … "GET /v2/bench/big/manifests/1.0.7 HTTP/1.1" 200 …
    let requests: Vec<(String, String)> = lines
        .iter()
        .filter_map(|line| {
            let mut words = line.split('"').nth(1)?.split(' ');
            Some((words.next()?.to_owned(), words.next()?.to_owned()))
        })
        .collect();
    let base = format!("http://{}", registry.host);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    // reqwest is built without a TLS provider of its own; plain HTTP needs none, but the
    // client builder asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let accept = "application/vnd.oci.image.index.v1+json, \
                  application/vnd.oci.image.manifest.v1+json, \
                  application/vnd.docker.distribution.manifest.list.v2+json, \
                  application/vnd.docker.distribution.manifest.v2+json";
    let run = measure(registry, || {
        runtime.block_on(
            futures::stream::iter(requests.iter().map(|(method, path)| {
                let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
                let request = client
                    .request(method, format!("{base}{path}"))
                    .header("accept", accept);
                async move {
                    let reply = request.send().await.expect("replaying a request");
                    reply
                        .bytes()
                        .await
                        .expect("reading a replayed answer")
                        .len()
                }
            }))
            .buffer_unordered(REPLAY_IN_FLIGHT)
            .collect::<Vec<_>>(),
        )
    });
    Cost {
        requests: run.lines.len(),
        client_requests: Some(requests.len()),
        wall: run.wall,
        cpu: run.cpu,
        registry_cpu: run.registry_cpu,
        lines: run.lines,
    }
}

/// A child process with a scrubbed environment: no user config, no `TAGPILOT_*`.
fn command(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("LANG", "C");
    cmd
}

/// `tagpilot list-images -o json` over a scenario's manifests; checks that every pushed tag
/// is listed with its digest and creation time.
fn run_tagpilot(
    bin: &Path,
    registry: &Registry,
    home: &Path,
    scenario: &Scenario,
    cache: &Path,
    extra: &[&str],
) -> Cost {
    let mut cmd = command(bin, home);
    cmd.arg("list-images")
        .args(["-o", "json", "-l", "0", "-v"])
        .arg("--insecure-registry")
        .arg(&registry.host)
        .arg("--cache-dir")
        .arg(cache)
        .arg("--repo")
        .arg(&scenario.manifests)
        .args(extra);
    let run = measure(registry, || cmd.output().expect("running tagpilot"));
    let out = &run.out;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tagpilot failed ({}):\n{stderr}",
        out.status
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("tagpilot's JSON");
    check_listing(&json, &registry.host, scenario);
    // `-v`: "GET http://… -> 200 (3 ms)", one line per request.
    let client_requests = stderr
        .lines()
        .filter(|l| {
            let method = l.split(' ').next().unwrap_or("");
            matches!(method, "GET" | "HEAD" | "POST") && l.contains(" -> ")
        })
        .count();
    Cost {
        requests: run.lines.len(),
        client_requests: Some(client_requests),
        wall: run.wall,
        cpu: run.cpu,
        registry_cpu: run.registry_cpu,
        lines: run.lines,
    }
}

/// Every container lists exactly the pushed tags, each with a digest and its creation time.
fn check_listing(json: &Value, host: &str, scenario: &Scenario) {
    let workloads = json.as_array().expect("a JSON array");
    let mut seen = 0;
    for workload in workloads {
        for container in workload["containers"].as_array().expect("containers") {
            assert!(
                container["error"].is_null(),
                "error listing {}: {}",
                container["image"],
                container["error"]
            );
            let image = container["image"].as_str().expect("image");
            let repo = image
                .strip_prefix(&format!("{host}/"))
                .and_then(|r| r.rsplit_once(':'))
                .map(|(r, _)| r)
                .unwrap_or_else(|| panic!("unexpected image {image}"));
            let pushed = &scenario.repos[repo];
            let available = container["available"].as_array().expect("available");
            assert_eq!(available.len(), pushed.len(), "tags of {repo}");
            for row in available {
                let tag = row["tag"].as_str().expect("tag");
                let created = row["created"]
                    .as_str()
                    .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                    .unwrap_or_else(|| panic!("{repo}:{tag} has no creation time: {row}"));
                assert_eq!(
                    Some(&created.with_timezone(&Utc)),
                    pushed.get(tag),
                    "{repo}:{tag}"
                );
                assert!(row["digest"].is_string(), "{repo}:{tag} has no digest");
            }
            seen += 1;
        }
    }
    assert_eq!(seen, scenario.repos.len(), "one container per repository");
}

/// The script a user would write: list the tags, then read each tag's config, one skopeo
/// process after the other, as a shell loop runs them. Checks what it read.
fn run_script(registry: &Registry, home: &Path, host: &str, scenario: &Scenario) -> Cost {
    let skopeo = |args: &[&str]| -> Value {
        let out = command(Path::new("skopeo"), home)
            .args(args)
            .output()
            .expect("running skopeo");
        assert!(
            out.status.success(),
            "skopeo {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("skopeo's JSON")
    };
    let run = measure(registry, || {
        for (repo, pushed) in &scenario.repos {
            let listing = skopeo(&[
                "list-tags",
                "--tls-verify=false",
                &format!("docker://{host}/{repo}"),
            ]);
            let tags = listing["Tags"].as_array().expect("Tags");
            assert_eq!(tags.len(), pushed.len(), "skopeo's tags of {repo}");
            for tag in tags {
                let tag = tag.as_str().expect("a tag");
                let config = skopeo(&[
                    "inspect",
                    "--config",
                    "--tls-verify=false",
                    &format!("docker://{host}/{repo}:{tag}"),
                ]);
                let created = config["created"]
                    .as_str()
                    .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                    .map(|c| c.with_timezone(&Utc));
                assert_eq!(created.as_ref(), pushed.get(tag), "skopeo: {repo}:{tag}");
            }
        }
    });
    Cost {
        requests: run.lines.len(),
        client_requests: None,
        wall: run.wall,
        cpu: run.cpu,
        registry_cpu: run.registry_cpu,
        lines: run.lines,
    }
}

fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let header = [
        "scenario",
        "tool",
        "requests",
        "sent",
        "wall time",
        "CPU",
        "registry CPU",
        "script/tagpilot",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            let (requests, client, wall, cpu, registry_cpu) = match &r.cost {
                Some(c) => (
                    c.requests.to_string(),
                    c.client_requests.map_or(String::new(), |n| n.to_string()),
                    format_wall(c.wall),
                    format!("{:.2} s", c.cpu),
                    format!("{:.2} s", c.registry_cpu),
                ),
                None => (
                    "skipped".into(),
                    String::new(),
                    "–".into(),
                    String::new(),
                    String::new(),
                ),
            };
            [
                r.scenario.clone(),
                r.tool.clone(),
                requests,
                client,
                wall,
                cpu,
                registry_cpu,
                r.ratio.map_or(String::new(), |x| format!("{x:.1}x")),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut line = |row: &[String]| {
        let mut text = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            let pad = w - c.chars().count();
            if i >= 2 {
                // Numbers are right-aligned.
                let _ = write!(text, "{}{c}  ", " ".repeat(pad));
            } else {
                let _ = write!(text, "{c}{}  ", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(&header.map(String::from));
    for row in &cells {
        line(row);
    }
    out
}

fn format_wall(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{s:.1} s")
    }
}
