//! Scan throughput: a generated tree of 10,000 workload documents in 1,000 files, scanned
//! by tagpilot's manifest engine, against simply reading the same files.
//!
//! Run with `cargo bench --bench scan`. It prints MB/s for both and their ratio, measured
//! in the same run (the best of several rounds, to keep the page cache warm for both).

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

const FILES: usize = 1_000;
const DOCS_PER_FILE: usize = 10;
const ROUNDS: usize = 7;

/// One workload document, varied a little so the parser sees several shapes.
fn document(file: usize, doc: usize) -> String {
    let name = format!("app-{file}-{doc}");
    let kind = ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"][doc % 5];
    let (prefix, indent) = if kind == "CronJob" {
        (
            "  jobTemplate:\n    spec:\n      template:\n        spec:\n",
            "          ",
        )
    } else {
        ("  template:\n    spec:\n", "      ")
    };
    format!(
        "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: team-{ns}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: \"shop\"\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.main: semver:~1.{doc}\n    description: 'A workload with a few lines of text, like real manifests carry'\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: {name}}}\n{prefix}{indent}containers:\n{indent}- name: main\n{indent}  image: ghcr.io/acme/{name}:1.{doc}.{file}  # pinned by CI\n{indent}  ports:\n{indent}  - containerPort: 8080\n{indent}  env:\n{indent}  - name: LOG_LEVEL\n{indent}    value: info\n{indent}  resources:\n{indent}    limits: {{cpu: 500m, memory: 256Mi}}\n{indent}- name: sidecar\n{indent}  image: \"docker.io/envoyproxy/envoy:v1.29.{doc}\"\n{indent}initContainers:\n{indent}- name: migrate\n{indent}  image: 'ghcr.io/acme/migrate:2.{file}'\n",
        ns = file % 17,
    )
}

fn generate(root: &Path) -> u64 {
    let mut bytes = 0;
    for file in 0..FILES {
        let dir = root.join(format!("team-{}", file % 37));
        fs::create_dir_all(&dir).expect("creating the tree");
        let text: Vec<String> = (0..DOCS_PER_FILE).map(|doc| document(file, doc)).collect();
        let text = text.join("---\n");
        bytes += text.len() as u64;
        fs::write(dir.join(format!("workload-{file}.yaml")), text).expect("writing a file");
    }
    bytes
}

/// Read every file of the tree, as the baseline a scan cannot beat.
fn read_all(root: &Path) -> u64 {
    let (files, _) = tagpilot::manifest::discover(root, &[]).expect("discover");
    files
        .iter()
        .map(|f| fs::read(root.join(f)).expect("read").len() as u64)
        .sum()
}

fn best(mut run: impl FnMut()) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = generate(dir.path());
    let mb = bytes as f64 / 1e6;
    let read = best(|| {
        assert_eq!(read_all(dir.path()), bytes);
    });
    let scan = best(|| {
        let scan = tagpilot::manifest::scan(dir.path(), &[], "default").expect("scan");
        assert_eq!(scan.workloads.len(), FILES * DOCS_PER_FILE);
    });
    let rate = |d: Duration| mb / d.as_secs_f64();
    println!(
        "tree: {FILES} files, {} workload documents, {mb:.1} MB",
        FILES * DOCS_PER_FILE
    );
    println!(
        "read only: {:>8.1} ms  {:>8.1} MB/s",
        read.as_secs_f64() * 1e3,
        rate(read)
    );
    println!(
        "scan:      {:>8.1} ms  {:>8.1} MB/s",
        scan.as_secs_f64() * 1e3,
        rate(scan)
    );
    println!(
        "scan takes {:.1}x the time of reading the files",
        scan.as_secs_f64() / read.as_secs_f64()
    );
}
