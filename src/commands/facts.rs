//! Registry facts for the images of a set of workloads: containers grouped by repository,
//! each repository asked once, and details fetched only for the tags that some container's
//! pattern can use.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;

use crate::cli::{RegistryArgs, TimeSource};
use crate::image::{ImageRef, ImageRefError};
use crate::manifest::flux::{Marked, Resolved};
use crate::manifest::{Container, Workload};
use crate::output::overview::HostCount;
use crate::output::{Progress, Ui};
use crate::policy::{self, FluxPolicy, Pattern, PolicySpec, TagFacts, glob_match};
use crate::registry::{Availability, Client, ClientOptions, RegistryError, RepoKey, RepoScan};

/// One container image to look up.
pub struct Site<'a> {
    /// The workload.
    pub workload: &'a Workload,
    /// The container.
    pub container: &'a Container,
    /// The reference as written (HelmRelease parts joined).
    pub written: String,
    /// The parsed reference, or why it could not be parsed.
    pub image: Result<ImageRef, String>,
    /// The container's tag pattern, or why it is invalid.
    pub pattern: Result<Pattern, String>,
    /// Why a marked site is left alone (a suspended Flux object).
    pub suspended: Option<String>,
}

impl Site<'_> {
    /// The repository to ask, when the reference parsed.
    pub fn repo(&self) -> Option<RepoKey> {
        self.image
            .as_ref()
            .ok()
            .map(|image| RepoKey::new(image.api_host(), image.repository()))
    }

    /// The tag in use: the one written, else `latest`; none for a reference pinned by
    /// digest alone.
    pub fn current_tag(&self) -> Option<&str> {
        self.image
            .as_ref()
            .ok()
            .filter(|i| i.tag().is_some() || i.digest().is_none())
            .map(|i| i.tag().unwrap_or("latest"))
    }
}

/// The containers with an image, in workload order, with `--include-image` and
/// `--exclude-image` applied to canonical names. A reference that does not parse is kept, to
/// be reported on its container.
pub fn sites<'a>(workloads: &[&'a Workload], args: &RegistryArgs) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    for workload in workloads {
        for container in &workload.containers {
            let Some(site) = &container.image else {
                continue;
            };
            let written = site.reference();
            let image = ImageRef::parse(&written)
                .and_then(|image| policy_image(container, image))
                .map_err(|e| e.to_string());
            if let Ok(image) = &image {
                let name = image.canonical_name();
                let included = args.include_image.is_empty()
                    || args.include_image.iter().any(|g| glob_match(g, &name));
                if !included || args.exclude_image.iter().any(|g| glob_match(g, &name)) {
                    continue;
                }
            }
            let (pattern, suspended) = match &container.marker {
                Some(marked) => marker_pattern(&workload.file, marked),
                None => {
                    let text = workload
                        .policies
                        .tags
                        .get(&container.name)
                        .map_or("glob:*", String::as_str);
                    (Pattern::parse(text).map_err(|e| e.to_string()), None)
                }
            };
            out.push(Site {
                workload,
                container,
                written,
                image,
                pattern,
                suspended,
            });
        }
    }
    out
}

/// The reference a site is read as: for a site an ImagePolicy governs, its tag (and
/// digest) on the ImageRepository's `spec.image`, which Flux writes as it is spelled there.
fn policy_image(container: &Container, written: ImageRef) -> Result<ImageRef, ImageRefError> {
    let Some(Resolved::Policy(rules)) = container.marker.as_ref().map(|m| &m.resolved) else {
        return Ok(written);
    };
    let mut text = rules.image.clone();
    if let Some(tag) = written.tag() {
        text.push(':');
        text.push_str(tag);
    }
    if let Some(digest) = written.digest() {
        text.push('@');
        text.push_str(digest);
    }
    ImageRef::parse(&text)
}

/// The pattern a marker gives its site, or why it gives none (naming the file, the line
/// and the marker); and why the site is left alone, for a suspended Flux object.
fn marker_pattern(file: &str, marked: &Marked) -> (Result<Pattern, String>, Option<String>) {
    let place = || {
        format!(
            "{file}:{}: marker {}",
            marked.marker.line, marked.marker.text
        )
    };
    let pattern = match &marked.resolved {
        Resolved::Pattern(text) => Pattern::parse(text).map_err(|e| format!("{}: {e}", place())),
        Resolved::Policy(rules) => {
            let spec = PolicySpec {
                semver: rules.semver.clone(),
                alphabetical: rules.alphabetical.clone(),
                numerical: rules.numerical.clone(),
                pattern: rules.pattern.clone(),
                extract: rules.extract.clone(),
                exclusions: rules.exclusions.clone(),
            };
            FluxPolicy::new(&rules.policy, &spec)
                .map(|policy| Pattern::Flux(Box::new(policy)))
                .map_err(|e| {
                    format!(
                        "{}: ImagePolicy {} cannot select: {e}",
                        place(),
                        rules.policy
                    )
                })
        }
        Resolved::Broken(why) => Err(why.clone()),
        Resolved::Suspended(why) => return (Ok(Pattern::default()), Some(why.clone())),
        Resolved::Pending => Err(format!("{}: the marker was not resolved", place())),
    };
    (pattern, None)
}

/// A warning for each container of `workload` whose image reference does not parse,
/// naming the file, the workload, the container and the reference.
pub fn bad_references(workload: &Workload) -> Vec<String> {
    workload
        .containers
        .iter()
        .filter_map(|container| {
            let written = container.image.as_ref()?.reference();
            let err = ImageRef::parse(&written).err()?;
            Some(format!(
                "{}: {}: container {}: {err}",
                workload.file, workload.id, container.name
            ))
        })
        .collect()
}

/// What each repository said.
pub type Facts = BTreeMap<RepoKey, Result<RepoScan, RegistryError>>;

/// Ask every repository of `sites` for its tags, and for the details of each tag that a
/// site's pattern matches or that a site uses now. Warnings are printed; one repository's
/// failure is its own entry.
pub fn gather(sites: &[&Site<'_>], options: ClientOptions, ui: &mut Ui) -> Result<Facts> {
    let mut repos: BTreeMap<RepoKey, Vec<&Site<'_>>> = BTreeMap::new();
    for &site in sites {
        if let Some(repo) = site.repo() {
            repos.entry(repo).or_default().push(site);
        }
    }
    let mut facts = Facts::new();
    if repos.is_empty() {
        return Ok(facts);
    }
    let mut progress = Progress::new(ui, "scanning registries", repos.len());
    let push_times = options.push_times;
    let mut options = options;
    options.request_log = ui.request_log();
    options.wait_log = progress.lines(ui);
    options.log_headers = ui.request_headers();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let client = Client::new(options)?;
    runtime.block_on(async {
        let mut pending: FuturesUnordered<_> = repos
            .iter()
            .map(|(repo, users)| {
                let client = &client;
                async move {
                    let want = |tag: &str| {
                        users.iter().any(|site| {
                            site.current_tag() == Some(tag)
                                || site.pattern.as_ref().is_ok_and(|p| p.matches(tag))
                        })
                    };
                    // A digest written beside a tag is compared with the registry's
                    // digest of that tag as it is now, never with a cached one.
                    let recheck = |tag: &str| {
                        users.iter().any(|site| {
                            site.current_tag() == Some(tag)
                                && site.image.as_ref().is_ok_and(|i| i.digest().is_some())
                        })
                    };
                    (
                        repo.clone(),
                        client.scan_rechecking(repo, want, recheck).await,
                    )
                }
            })
            .collect();
        while let Some((repo, result)) = pending.next().await {
            facts.insert(repo, result);
            progress.step();
        }
    });
    progress.finish();
    if push_times {
        use_push_times(&mut facts, &repos);
        ui.overview().push_times = true;
    }
    for result in facts.values().flatten() {
        for warning in &result.warnings {
            ui.warn(warning);
        }
    }
    report_hosts(&client, ui);
    Ok(facts)
}

/// What each registry host was sent, and the pulls spent where a host counts them: on
/// stderr, and for the reports.
fn report_hosts(client: &Client, ui: &mut Ui) {
    ui.info(&format!("{} registry requests", client.requests_sent()));
    let counts = client.host_counts();
    for count in counts.iter().filter(|c| c.pulls.limit.is_some()) {
        let pulls = count.pulls;
        ui.status(&format!(
            "{}: {} pulls used, {} left of {}",
            count.host,
            pulls.used,
            pulls.left.map_or("?".to_owned(), |n| n.to_string()),
            pulls.limit.unwrap_or_default()
        ));
    }
    let counts = counts.into_iter().map(|c| HostCount {
        host: c.host,
        requests: c.requests,
        errors: c.errors,
        pulls: c.pulls.limit.map(|_| c.pulls.used),
        pulls_left: c.pulls.left,
    });
    ui.overview().add_hosts(counts.collect());
}

/// With `--time-source pushed`, each tag's time is when it was last pushed, as the
/// registry's listing says. A repository without push times fails for the containers that
/// order their tags by time; for the others its tags simply have no time.
fn use_push_times(facts: &mut Facts, repos: &BTreeMap<RepoKey, Vec<&Site<'_>>>) {
    for (repo, result) in facts.iter_mut() {
        let Ok(scan) = result else {
            continue;
        };
        let times = match scan.pushed.take() {
            Some(Ok(times)) => times,
            Some(Err(err)) => {
                let by_time = repos.get(repo).into_iter().flatten().any(|site| {
                    site.pattern
                        .as_ref()
                        .is_ok_and(|pattern| !pattern.orders_by_version())
                });
                if by_time {
                    *result = Err(err);
                    continue;
                }
                BTreeMap::new()
            }
            None => continue,
        };
        for (tag, details) in &mut scan.details {
            if let Ok(details) = details {
                details.created = times.get(tag).copied();
            }
        }
    }
}

/// How the time that orders candidates is named: in a note (`no build time`), and as the
/// JSON `timeSource`.
#[derive(Clone, Copy)]
pub struct TimeNames {
    /// `build` or `push`.
    pub word: &'static str,
    /// `built` or `pushed`.
    pub source: &'static str,
}

/// The names of the time `--time-source` chose.
pub fn time_names(args: &RegistryArgs) -> TimeNames {
    match args.time_source {
        TimeSource::Built => TimeNames {
            word: "build",
            source: "built",
        },
        TimeSource::Pushed => TimeNames {
            word: "push",
            source: "pushed",
        },
    }
}

/// What the policy functions take of each tag of a repository that was read without error.
pub fn readable(scan: &RepoScan) -> Vec<TagFacts> {
    scan.tags
        .iter()
        .filter_map(|tag| {
            let details = scan.details.get(tag)?.as_ref().ok()?;
            Some(TagFacts {
                tag: tag.clone(),
                created: details.created,
                available: details.availability == Availability::Available,
            })
        })
        .collect()
}

/// The candidates of a repository under `pattern`, as [`policy::is_candidate`] decides.
pub fn candidates(pattern: &Pattern, scan: &RepoScan) -> Vec<TagFacts> {
    readable(scan)
        .into_iter()
        .filter(|facts| policy::is_candidate(pattern, facts))
        .collect()
}
