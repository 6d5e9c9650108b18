//! Scan throughput: a generated tree of 10,000 workload documents in 1,000 files, scanned
//! by tagpilot's manifest engine, against simply reading the same files.
//!
//! Run with `cargo bench --bench scan`. It prints MB/s for each, and the ratio of scanning
//! to reading, measured in the same run (the best of several rounds, with a warm page cache
//! for all). The YAML parser's own event stream is measured too: it bounds what a scan on
//! one thread can reach.
//!
//! A second part scans a realistic mix: the real repositories of `fixtures/corpus`
//! (workloads beside services, CRDs, kustomizations, Helm templates that do not parse),
//! copied until the tree holds about 50 MB, each copy with Flux v2 setter markers and
//! tagpilot markers added. `BENCH_PART=mix` runs that part alone.

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
    let (files, _) = tagpilot::manifest::discover(root, Default::default()).expect("discover");
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

/// Peak resident memory (`VmHWM`, bytes) of `tagpilot list-workloads` scanning `dir`,
/// sampled from `/proc` while it runs.
fn peak_memory(dir: &Path) -> u64 {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tagpilot"))
        .args(["list-workloads", "--repo"])
        .arg(dir)
        .args(["-w", "default:deployment/none", "-q"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("running tagpilot");
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = fs::read_to_string(&status) {
            let kib = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok());
            peak = peak.max(kib.unwrap_or(0) * 1024);
        }
        if child.try_wait().expect("waiting").is_some() {
            return peak;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One file of about 60 MiB of workload documents.
fn one_large_file(dir: &Path) -> u64 {
    let mut text = String::new();
    let mut doc = 0;
    while text.len() < 60 * 1024 * 1024 {
        if doc > 0 {
            text.push_str("---\n");
        }
        text.push_str(&document(doc, doc % 10));
        doc += 1;
    }
    fs::write(dir.join("large.yaml"), &text).expect("writing the large file");
    text.len() as u64
}

/// Peak memory of a scan of the tree and of one large file, as ratios to their sizes.
fn memory(tree: &Path, tree_bytes: u64) {
    let large = tempfile::tempdir().expect("tempdir");
    let large_bytes = one_large_file(large.path());
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    for (what, dir, bytes, largest) in [
        ("the tree", tree, tree_bytes, tree_bytes / FILES as u64),
        ("one large file", large.path(), large_bytes, large_bytes),
    ] {
        let peak = peak_memory(dir);
        println!(
            "peak memory scanning {what} ({:.1} MiB): {:.0} MiB, {:.1}x its size, {:.0}x its largest file",
            mib(bytes),
            mib(peak),
            peak as f64 / bytes as f64,
            peak as f64 / largest as f64
        );
    }
}

/// Markers each copy of the corpus gets: a kustomization and a values file.
const MARKED: [(&str, &str); 2] = [
    (
        "marked/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- app.yaml\nimages:\n- name: podinfo\n  newName: ghcr.io/stefanprodan/podinfo # {\"$imagepolicy\": \"flux-system:podinfo:name\"}\n  newTag: 6.8.0 # {\"$imagepolicy\": \"flux-system:podinfo:tag\"}\n",
    ),
    (
        "marked/values.yaml",
        "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/web\n  tag: main-4f2a9c1 # {\"$tagpilot\": \"glob:main-*\", \"image\": \"ghcr.io/acme/web\", \"part\": \"tag\"}\nservice:\n  port: 80\n",
    ),
];

/// Copies of the corpus with markers, up to about 50 MB; the bytes written.
fn corpus_mix(root: &Path) -> u64 {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let (files, _) = tagpilot::manifest::discover(&corpus, Default::default()).expect("corpus");
    let texts: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| (f.clone(), fs::read(corpus.join(f)).expect("read")))
        .chain(
            MARKED
                .iter()
                .map(|(f, t)| ((*f).to_owned(), t.as_bytes().to_vec())),
        )
        .collect();
    let mut bytes = 0u64;
    let mut copy = 0;
    while bytes < 50_000_000 {
        for (file, text) in &texts {
            let path = root.join(format!("copy-{copy}")).join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
            fs::write(&path, text).expect("write");
            bytes += text.len() as u64;
        }
        copy += 1;
    }
    bytes
}

/// The realistic mix: reading against scanning on one thread.
fn mix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = corpus_mix(dir.path());
    let mb = bytes as f64 / 1e6;
    let read = best(|| {
        read_all(dir.path());
    });
    let one = best(|| {
        let scan =
            tagpilot::manifest::scan_with_threads(dir.path(), Default::default(), "default", 1)
                .expect("scan");
        assert!(!scan.workloads.is_empty());
    });
    println!("mix: the fixture corpus with markers, copied to {mb:.1} MB");
    for (what, d) in [("read the files", read), ("scan, 1 thread", one)] {
        println!(
            "{what:<34} {:>8.1} ms  {:>7.1} MB/s",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64()
        );
    }
    println!(
        "scan takes {:.1}x the time of reading the files",
        one.as_secs_f64() / read.as_secs_f64()
    );
}

fn main() {
    if std::env::var("BENCH_PART").as_deref() == Ok("mix") {
        return mix();
    }
    mix();
    let dir = tempfile::tempdir().expect("tempdir");
    let bytes = generate(dir.path());
    let mb = bytes as f64 / 1e6;
    let read = best(|| {
        assert_eq!(read_all(dir.path()), bytes);
    });
    let texts: Vec<String> = {
        let (files, _) =
            tagpilot::manifest::discover(dir.path(), Default::default()).expect("discover");
        files
            .iter()
            .map(|f| fs::read_to_string(dir.path().join(f)).expect("read"))
            .collect()
    };
    let events = best(|| {
        let mut n = 0usize;
        for text in &texts {
            for event in granit_parser::Parser::new_from_str(text) {
                event.expect("parse");
                n += 1;
            }
        }
        assert!(n > 0);
    });
    let tree = best(|| {
        for text in &texts {
            tagpilot::manifest::yaml::parse_stream(text).expect("parse");
        }
    });
    let found = best(|| {
        let n: usize = texts
            .iter()
            .map(|text| {
                tagpilot::manifest::scan::scan_file("f.yaml", text, "default")
                    .workloads
                    .len()
            })
            .sum();
        assert_eq!(n, FILES * DOCS_PER_FILE);
    });
    let scan_on = |threads: usize| {
        best(|| {
            let scan = tagpilot::manifest::scan_with_threads(
                dir.path(),
                Default::default(),
                "default",
                threads,
            )
            .expect("scan");
            assert_eq!(scan.workloads.len(), FILES * DOCS_PER_FILE);
        })
    };
    let one = scan_on(1);
    let cores = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    let scan = scan_on(cores);
    let line = |what: &str, d: Duration| {
        println!(
            "{what:<34} {:>8.1} ms  {:>7.1} MB/s",
            d.as_secs_f64() * 1e3,
            mb / d.as_secs_f64()
        );
    };
    println!(
        "tree: {FILES} files, {} workload documents, {mb:.1} MB",
        FILES * DOCS_PER_FILE
    );
    line("read the files", read);
    line("parser events only (in memory)", events);
    line("span tree (in memory)", tree);
    line("workloads found (in memory)", found);
    line("scan, 1 thread", one);
    line(&format!("scan, {cores} threads"), scan);
    println!(
        "scan takes {:.1}x (1 thread) and {:.1}x ({cores} threads) the time of reading the files",
        one.as_secs_f64() / read.as_secs_f64(),
        scan.as_secs_f64() / read.as_secs_f64()
    );
    memory(dir.path(), bytes);
}
