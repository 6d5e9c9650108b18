//! Flux v1's own image-update test cases, re-created as golden cases in `fixtures/flux-v1/`
//! (sources in its `SOURCE.txt`). Each case is scanned and rewritten through the library, the
//! way `release` and `sync` do it, and must give Flux v1's values with the input's own
//! formatting, byte for byte.
//!
//! A case directory holds:
//! - `input.yaml`: the manifest;
//! - `containers.txt`: what the input reads as, one `<workload> <container> <image> [init]`
//!   per line (Flux v1's containers and values; compared in sorted order, as Flux sorted its
//!   HelmRelease containers by name);
//! - `updates.txt`: the updates to apply, one `<workload> <container> <new image>` per line;
//!   the new image is Flux v1's value, and must equal the current reference with the new tag
//!   (and digest), the name kept as written;
//! - `expected.yaml`: the file after the updates.

use std::fs;
use std::path::Path;

use tagpilot::image::ImageRef;
use tagpilot::manifest::edit::{ImageUpdate, update_images};
use tagpilot::manifest::scan::{Workload, scan_file};

use crate::support::fixtures;

/// The cases the acceptance list of issue 4 names, at least.
const REQUIRED: [&str; 14] = [
    "common-case",
    "multi-document",
    "kind-list",
    "single-quotes",
    "double-quotes",
    "init-container",
    "reordered-keys-and-comment",
    "comments-and-blank-lines",
    "helmrelease-image-string",
    "helmrelease-image-object",
    "helmrelease-mapped-paths",
    "helmrelease-registry-port",
    "registry-port",
    "digest-pinned",
];

/// The non-empty, non-comment lines of a case file, split on whitespace.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// `<workload> <container> <image> [init]` for every container, sorted.
fn containers(workloads: &[Workload]) -> Vec<String> {
    let mut out: Vec<String> = workloads
        .iter()
        .flat_map(|w| {
            w.containers.iter().map(move |c| {
                let image = c
                    .image
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |site| site.reference());
                let init = if c.init { " init" } else { "" };
                format!("{} {} {image}{init}", w.id, c.name)
            })
        })
        .collect();
    out.sort();
    out
}

/// Run one case; `Err` says what differs.
fn run_case(dir: &Path) -> Result<(), String> {
    let read = |name: &str| fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    let input = read("input.yaml")?;
    let expected = read("expected.yaml")?;
    let mut want_before: Vec<String> = rows(&dir.join("containers.txt"))
        .into_iter()
        .map(|r| r.join(" "))
        .collect();
    want_before.sort();
    let wanted = rows(&dir.join("updates.txt"));

    let scan = scan_file("input.yaml", &input, "default");
    if !scan.warnings.is_empty() {
        return Err(format!("warnings: {:?}", scan.warnings));
    }
    let before = containers(&scan.workloads);
    if before != want_before {
        return Err(format!(
            "the input reads as\n{}\ninstead of\n{}",
            before.join("\n"),
            want_before.join("\n")
        ));
    }

    // The new references, made the way the planner makes them: the current reference with
    // the new tag (and digest). They must be Flux v1's values.
    let mut planned = Vec::new();
    for row in &wanted {
        let [id, container, image] = row.as_slice() else {
            return Err(format!("updates.txt: bad line {row:?}"));
        };
        let workload = scan
            .workloads
            .iter()
            .find(|w| w.id.to_string() == *id)
            .ok_or_else(|| format!("no workload {id}"))?;
        let site = workload
            .containers
            .iter()
            .find(|c| c.name == *container)
            .and_then(|c| c.image.as_ref())
            .ok_or_else(|| format!("no image for container {container} of {id}"))?;
        let target = ImageRef::parse(image).map_err(|e| format!("{image}: {e}"))?;
        let tag = target.tag().ok_or_else(|| format!("{image} has no tag"))?;
        let current = ImageRef::parse(&site.reference()).map_err(|e| format!("{e}"))?;
        let reference = current
            .with_tag(tag, target.digest())
            .map_err(|e| format!("{e}"))?
            .to_string();
        if reference != *image {
            return Err(format!(
                "{container} of {id}: the new reference is {reference}, Flux v1's is {image}"
            ));
        }
        planned.push((
            workload,
            container.as_str(),
            site,
            reference,
            tag.to_owned(),
        ));
    }
    let updates: Vec<ImageUpdate<'_>> = planned
        .iter()
        .map(|(workload, container, site, reference, tag)| ImageUpdate {
            workload,
            container,
            site,
            reference,
            tag,
        })
        .collect();
    let out = update_images(&input, "input.yaml", &updates).map_err(|e| format!("{e:#}"))?;
    if out != expected {
        let diff = similar::TextDiff::from_lines(&expected, &out)
            .unified_diff()
            .header("expected.yaml", "written")
            .to_string();
        return Err(format!("the written text differs:\n{diff}"));
    }

    // The written file reads as the input with exactly the updated values changed.
    let mut want_after: Vec<String> = rows(&dir.join("containers.txt"))
        .into_iter()
        .map(|mut r| {
            if let Some(update) = wanted.iter().find(|u| u[..2] == r[..2]) {
                r[2].clone_from(&update[2]);
            }
            r.join(" ")
        })
        .collect();
    want_after.sort();
    let after = containers(&scan_file("expected.yaml", &out, "default").workloads);
    if after != want_after {
        return Err(format!(
            "the written text reads as\n{}\ninstead of\n{}",
            after.join("\n"),
            want_after.join("\n")
        ));
    }
    Ok(())
}

#[test]
fn flux_v1_cases_give_flux_values_with_the_formatting_kept() {
    let root = fixtures().join("flux-v1");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .expect("fixtures/flux-v1")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let names: Vec<String> = cases
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_owned))
        .collect();
    for required in REQUIRED {
        assert!(
            names.iter().any(|n| n == required),
            "case {required} is missing"
        );
    }
    let failures: Vec<String> = cases
        .iter()
        .zip(&names)
        .filter_map(|(dir, name)| run_case(dir).err().map(|e| format!("{name}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
