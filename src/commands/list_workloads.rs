//! `list-workloads`: the workloads, containers, images and policies, without any network.

use anyhow::Result;

use super::{Outcome, locate, scan, select};
use crate::cli::{Format, GlobalArgs, ListWorkloadsArgs};
use crate::manifest::flux::Resolved;
use crate::output::{self, Ui, markdown, report};

/// Run `list-workloads`.
pub fn run(global: &GlobalArgs, args: &ListWorkloadsArgs, ui: &mut Ui) -> Result<Outcome> {
    let location = locate(global, false, ui)?;
    let scan = scan(global, &location.root, ui)?;
    let workloads = select(&scan, &args.workloads, global)?;
    // A marker that cannot be used is said, as sync would fail on it.
    for container in workloads.iter().flat_map(|w| &w.containers) {
        if let Some(Resolved::Broken(why)) = container.marker.as_ref().map(|m| &m.resolved) {
            ui.warn(why);
        }
    }
    match global.output {
        Format::Table if workloads.is_empty() => ui.status(&nothing_found(global)),
        Format::Table => report::workloads_table(ui.out(), &workloads)?,
        Format::Markdown => markdown::workloads(ui.out(), &workloads)?,
        Format::Json => {
            let views: Vec<_> = workloads
                .iter()
                .map(|w| report::WorkloadView::new(w))
                .collect();
            output::json(ui.out(), &views)?;
        }
    }
    Ok(Outcome::Success)
}

/// What an empty table says instead, as kubectl's "No resources found": where it looked.
fn nothing_found(global: &GlobalArgs) -> String {
    let mut text = "No workloads found".to_owned();
    if let Some(namespace) = &global.namespace {
        text.push_str(&format!(" in namespace {namespace}"));
    }
    if !global.paths.is_empty() {
        let paths: Vec<String> = global
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        text.push_str(&format!(" under {}", paths.join(", ")));
    }
    text
}
