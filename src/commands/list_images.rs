//! `list-images`: every tag of each container's repository in the container's pattern order,
//! with build times, the current tag marked.

use anyhow::Result;

use super::facts::{self, Facts, Site, TimeNames};
use super::{Outcome, locate, rows, scan, select};
use crate::cli::{Format, GlobalArgs, ListImagesArgs};
use crate::output::images::{self, ContainerImages, TagRow, WorkloadImages};
use crate::output::{self, Ui, markdown};
use crate::policy::Pattern;
use crate::policy::{self, TagFacts};
use crate::registry::{Availability, RepoScan};
use crate::settings;

/// Run `list-images`.
pub fn run(global: &GlobalArgs, args: &ListImagesArgs, ui: &mut Ui) -> Result<Outcome> {
    let options = settings::client_options(&global.registry)?;
    let location = locate(global, false, ui)?;
    let scan = scan(global, &location.root, ui)?;
    let workloads = select(&scan, &args.workloads, global)?;
    for workload in &workloads {
        for warning in facts::bad_references(workload) {
            ui.warn(&warning);
        }
    }
    let sites = facts::sites(&workloads, &global.registry);
    let facts = facts::gather(&sites.iter().collect::<Vec<_>>(), options, ui)?;
    let platform = &global.registry.platform;
    let time = facts::time_names(&global.registry);

    let mut listing: Vec<WorkloadImages> = Vec::new();
    for site in &sites {
        let container = container_images(site, &facts, platform, time);
        match listing.last_mut() {
            Some(last)
                if last.id == site.workload.id.to_string() && last.file == site.workload.file =>
            {
                last.containers.push(container);
            }
            _ => listing.push(WorkloadImages {
                id: site.workload.id.to_string(),
                file: site.workload.file.clone(),
                containers: vec![container],
            }),
        }
    }
    ui.overview().containers = rows::listing_rows(&sites, &facts);
    let outcome = outcome(&facts, ui);
    match global.output {
        Format::Table => images::table(ui.out(), &listing, args.limit, !args.no_headers)?,
        Format::Json => output::json(ui.out(), &listing)?,
        Format::Markdown => {
            let overview = ui.overview().clone();
            markdown::overview(ui.out(), &overview, &overview.errors, &overview.warnings)?;
        }
    }
    Ok(outcome)
}

/// An `error:` line per repository that could not be read; exit 4 when some could and 1
/// when none could (the listing is printed either way).
fn outcome(facts: &Facts, ui: &mut Ui) -> Outcome {
    let failed: Vec<String> = facts
        .values()
        .filter_map(|result| result.as_ref().err().map(ToString::to_string))
        .collect();
    for error in &failed {
        ui.error(error);
    }
    if failed.is_empty() {
        Outcome::Success
    } else if failed.len() == facts.len() {
        Outcome::Failed
    } else {
        Outcome::Partial
    }
}

/// One tag's row: its digest and time, whether the pattern allows it, and why an allowed
/// tag is not a candidate.
fn tag_row(tag: &str, scan: &RepoScan, pattern: &Pattern, platform: &str, time: &str) -> TagRow {
    let found = scan.details.get(tag);
    let ok = found.and_then(|d| d.as_ref().ok());
    let note = match found {
        Some(Err(err)) => Some(err.to_string()),
        Some(Ok(d)) if d.availability == Availability::NotForPlatform => {
            Some(format!("not available for {platform}"))
        }
        Some(Ok(d))
            if d.created.is_none() && pattern.allows(tag) && !pattern.orders_by_version() =>
        {
            Some(format!("no {time} time"))
        }
        _ => None,
    };
    TagRow {
        tag: tag.to_owned(),
        digest: ok.map(|d| d.digest.clone()),
        created: ok.and_then(|d| d.created),
        allowed: pattern.allows(tag),
        note,
    }
}

/// One container's listing.
fn container_images(
    site: &Site<'_>,
    facts: &Facts,
    platform: &str,
    time: TimeNames,
) -> ContainerImages {
    let mut out = ContainerImages {
        name: site.container.name.clone(),
        image: site.written.clone(),
        name_as_written: site.written.clone(),
        pattern: String::new(),
        current: None,
        latest_allowed: None,
        available: Vec::new(),
        error: None,
        time_source: time.source,
    };
    let image = match &site.image {
        Ok(image) => image,
        Err(err) => {
            out.error = Some(err.clone());
            return out;
        }
    };
    out.name_as_written = image.name_as_written().to_owned();
    let pattern = match &site.pattern {
        Ok(pattern) => pattern,
        Err(err) => {
            out.error = Some(format!(
                "tag pattern of container {}: {err}",
                site.container.name
            ));
            return out;
        }
    };
    out.pattern = pattern.to_string();
    out.current = site.current_tag().map(|tag| TagRow {
        tag: tag.to_owned(),
        digest: None,
        created: None,
        allowed: pattern.allows(tag),
        note: None,
    });
    let Some(repo) = site.repo() else {
        return out;
    };
    let scan = match facts.get(&repo) {
        Some(Ok(scan)) => scan,
        Some(Err(err)) => {
            out.error = Some(err.to_string());
            return out;
        }
        None => return out,
    };
    let details = |tag: &str| scan.details.get(tag).and_then(|d| d.as_ref().ok());
    let row = |tag: &str| tag_row(tag, scan, pattern, platform, time.word);

    // All tags in the pattern's order, then the candidates ahead of the rest.
    let mut order: Vec<TagFacts> = scan
        .tags
        .iter()
        .map(|tag| TagFacts::new(tag.clone(), details(tag).and_then(|d| d.created)))
        .collect();
    policy::sort_for_listing(pattern, &mut order);
    let mut rows: Vec<TagRow> = order.iter().map(|f| row(&f.tag)).collect();
    rows.sort_by_key(|r| !r.allowed);

    let candidates = facts::candidates(pattern, scan);
    out.latest_allowed = policy::newest_allowed(pattern, &candidates).map(|f| row(&f.tag));
    out.current = site.current_tag().map(row);
    out.available = rows;
    out
}
