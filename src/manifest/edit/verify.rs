//! Verification by re-scanning: after an edit, the file is read again and every workload
//! in it must read exactly as intended, or nothing is written.

use anyhow::{Result, ensure};

use crate::manifest::scan::{ImageSite, Workload, scan_file};

/// What a workload says, without where it says it: its ID, annotations and containers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadReading {
    /// The workload ID as text.
    pub id: String,
    /// Every annotation as `(key, value)`, in source order.
    pub annotations: Vec<(String, String)>,
    /// Every container, in scan order.
    pub containers: Vec<ContainerReading>,
}

/// What one container says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerReading {
    /// The container's name.
    pub name: String,
    /// The full image reference it spells, if it has an image.
    pub image: Option<String>,
    /// Whether it is an init container.
    pub init: bool,
}

/// How a workload reads.
pub fn reading(w: &Workload) -> WorkloadReading {
    WorkloadReading {
        id: w.id.to_string(),
        annotations: w
            .annotations
            .iter()
            .map(|a| (a.key.clone(), a.value.clone()))
            .collect(),
        containers: w
            .containers
            .iter()
            .map(|c| ContainerReading {
                name: c.name.clone(),
                image: c.image.as_ref().map(ImageSite::reference),
                init: c.init,
            })
            .collect(),
    }
}

/// Whether two scans of one file name the same workload document.
pub(super) fn same_place(a: &Workload, b: &Workload) -> bool {
    a.doc == b.doc && a.item == b.item
}

/// Re-scan `new` and check that each workload reads as `expect` says it should, given its
/// scan in `old`. Spans and lines are not compared; everything read from them is.
pub fn verify(
    old: &str,
    new: &str,
    file: &str,
    expect: impl Fn(&Workload) -> WorkloadReading,
) -> Result<()> {
    let before = scan_file(file, old, "default");
    let after = scan_file(file, new, "default");
    ensure!(
        after.warnings.len() <= before.warnings.len(),
        "{file}: the edited text no longer reads as it should: {}",
        after.warnings.join("; ")
    );
    ensure!(
        before.workloads.len() == after.workloads.len(),
        "{file}: the edited text reads as {} workloads instead of {}",
        after.workloads.len(),
        before.workloads.len()
    );
    for (old, new) in before.workloads.iter().zip(&after.workloads) {
        let want = expect(old);
        let got = reading(new);
        ensure!(
            want == got,
            "{file}: after editing, {} reads as {got:?} instead of {want:?}; nothing was written",
            old.id
        );
    }
    Ok(())
}
