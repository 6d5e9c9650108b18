//! Report rendering: the HTML page (`--report-html`), the Markdown (`-o markdown`) and the
//! metrics (`--metrics-file`) of a run over 5,000 containers, each with a full timeline.
//!
//! Run with `cargo bench --bench report`. It prints the time to render each (the best of
//! several rounds) and the size of what was rendered.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tagpilot::output::overview::{ContainerRow, HISTORY, HostCount, Overview, RowStatus, TagTime};
use tagpilot::output::{html, markdown, metrics};

const CONTAINERS: usize = 5_000;
const ROUNDS: usize = 9;

/// A run over `CONTAINERS` containers in 50 namespaces, in every status.
fn overview(now: DateTime<Utc>) -> Overview {
    let day = chrono::Duration::days(1);
    let tag = |n: usize| TagTime {
        tag: format!("main-{n:07x}"),
        created: Some(now - day * i32::try_from(n % 400).unwrap_or(0)),
    };
    let containers = (0..CONTAINERS)
        .map(|i| {
            let status = RowStatus::ALL[i % RowStatus::ALL.len()];
            ContainerRow {
                workload: format!("team-{}:deployment/service-{i}", i % 50),
                namespace: format!("team-{}", i % 50),
                file: format!("apps/team-{}/service-{i}.yaml", i % 50),
                container: "app".to_owned(),
                image: format!("registry.example.com/team-{}/service-{i}", i % 50),
                pattern: "glob:main-*".to_owned(),
                current: Some(tag(i + 3)),
                newest: Some(tag(i)),
                status,
                reason: match status {
                    RowStatus::Failed => "listing tags of registry.example.com/x: HTTP 503".into(),
                    RowStatus::Skipped => "locked: incident 42".into(),
                    _ => String::new(),
                },
                history: (0..HISTORY).map(|h| tag(i + h)).collect(),
            }
        })
        .collect();
    Overview {
        command: "sync".to_owned(),
        repository: "https://git.example.com/platform/manifests.git".to_owned(),
        branch: Some("main".to_owned()),
        commit: Some("0123456789abcdef0123456789abcdef01234567".to_owned()),
        pushed: true,
        containers,
        hosts: vec![HostCount {
            host: "registry.example.com".to_owned(),
            requests: 12_000,
            errors: 12,
            pulls: None,
            pulls_left: None,
        }],
        exit_code: Some(4),
        ..Overview::default()
    }
}

/// The best time of `ROUNDS` calls of `render`, and the size of what it made.
fn best(render: impl Fn() -> Vec<u8>) -> (Duration, usize) {
    let mut fastest = Duration::MAX;
    let mut size = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let bytes = render();
        fastest = fastest.min(started.elapsed());
        size = bytes.len();
    }
    (fastest, size)
}

fn main() {
    let now = Utc::now();
    let run = overview(now);
    let results = [
        ("HTML page", best(|| html::render(&run, now).into_bytes())),
        (
            "Markdown",
            best(|| {
                let mut out = Vec::new();
                markdown::overview(&mut out, &run, &[], &[]).expect("markdown");
                out
            }),
        ),
        (
            "metrics",
            best(|| metrics::render(&run, now, 12.5, "").into_bytes()),
        ),
    ];
    println!("{CONTAINERS} containers, best of {ROUNDS} rounds");
    for (what, (time, size)) in results {
        println!(
            "{what:<10} {:>8.1} ms  {:>7.2} MB  ({} bytes per container)",
            time.as_secs_f64() * 1000.0,
            size as f64 / 1_000_000.0,
            size / CONTAINERS
        );
    }
}
