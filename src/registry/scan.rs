//! A repository's scan: list its tags, then find out, for each tag the caller wants, the
//! digest, whether it has the platform and when it was built, spending as few requests
//! (and as few of Docker Hub's pulls) as the cache and the registry's listings allow.
//!
//! Each wanted tag gets a plan from the cache (known, to re-check, to fetch). Tags that
//! need the network are first looked up in the vendor listing, if the registry has one:
//! it gives their digests, so a digest the cache knows costs nothing, and a new one costs
//! one manifest (the platform's own, when the listing names it). On a registry that
//! counts pulls, a tag the listing does not cover is checked with a `HEAD` before any
//! manifest is fetched, so a known digest spends no pull.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use futures::future::Either;
use tokio::sync::OnceCell;

use super::cache::{Plan, RepoCache};
use super::vendor::{Listed, Shape};
use super::{Availability, Client, RegistryError, RepoKey, RepoScan, TagDetails, list};

/// Tags worked on at once within one repository. The semaphore of the transport bounds
/// requests; this bounds tags in progress, which keeps memory flat for repositories with
/// many tags.
const TAGS_IN_FLIGHT: usize = 64;

/// What one tag of a scan came to: its details, and whether to record them in the cache
/// (`None`: nothing learnt; `Some(scheduled)`: record, as a scheduled re-check or not).
type TagOutcome = (String, Result<TagDetails, RegistryError>, Option<bool>);

/// The work for one digest: every tag that has it, and what the listing says it is.
type DigestWork = (Listed, Vec<String>);

/// Push times of a repository's tags, or why there are none.
type PushTimes = Result<BTreeMap<String, DateTime<Utc>>, RegistryError>;

/// What this scan learnt of each digest it read, shared by the tags that have it: a digest
/// is read once however many tags point at it, even when they are worked on at once.
#[derive(Default)]
struct Learnt(Mutex<HashMap<String, Arc<OnceCell<TagResult>>>>);

/// What reading one tag (or digest) came to.
type TagResult = Result<TagDetails, RegistryError>;

impl Learnt {
    /// The details of `digest`: from an earlier or concurrent read, else from `read`.
    async fn get<F>(&self, digest: &str, read: F) -> Result<TagDetails, RegistryError>
    where
        F: Future<Output = Result<TagDetails, RegistryError>>,
    {
        let cell = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(digest.to_owned())
            .or_default()
            .clone();
        cell.get_or_init(|| read).await.clone()
    }
}

impl Client {
    /// Lists every tag of a repository and reads the details of the tags that `want`
    /// accepts, `concurrency` requests at a time, through the cache when there is one.
    ///
    /// Fails only when the tags cannot be listed; a tag that cannot be read is an
    /// error in [`RepoScan::details`].
    pub async fn scan(
        &self,
        repo: &RepoKey,
        want: impl Fn(&str) -> bool,
    ) -> Result<RepoScan, RegistryError> {
        self.scan_rechecking(repo, want, |_| false).await
    }

    /// [`Client::scan`], also checking the digest of each wanted tag that `recheck` names
    /// with the registry now, whatever the cache says (one `HEAD` each): for a reference
    /// written with a digest, whose tag may have been pushed again since.
    ///
    /// A scan not finished by the client's deadline fails with [`RegistryError::Deadline`].
    pub async fn scan_rechecking(
        &self,
        repo: &RepoKey,
        want: impl Fn(&str) -> bool,
        recheck: impl Fn(&str) -> bool,
    ) -> Result<RepoScan, RegistryError> {
        let scan = self.scan_unbounded(repo, want, recheck);
        let Some((at, length)) = self.deadline else {
            return scan.await;
        };
        match tokio::time::timeout_at(at, scan).await {
            Ok(result) => result,
            Err(_) => Err(RegistryError::Deadline {
                doing: format!("scanning {repo}"),
                secs: length.as_secs(),
            }),
        }
    }

    async fn scan_unbounded(
        &self,
        repo: &RepoKey,
        want: impl Fn(&str) -> bool,
        recheck: impl Fn(&str) -> bool,
    ) -> Result<RepoScan, RegistryError> {
        let list::Listing {
            tags,
            pages,
            mut known,
            uploaded,
        } = self.list_tags_paged(repo).await?;
        // What the listing told needs no request, unless the tag is to be checked now.
        known.retain(|tag, _| want(tag) && !recheck(tag));
        let want = |tag: &str| want(tag) && !known.contains_key(tag);
        let mut warnings = Vec::new();
        let mut cache = match &self.cache_dir {
            Some(dir) => {
                let (c, w) = RepoCache::load(dir, repo);
                warnings.extend(w);
                Some(c)
            }
            None => None,
        };
        let now = Utc::now().timestamp();
        let platform = self.platform.to_string();
        let jobs = self.plan(&tags, cache.as_ref(), now, want, recheck);
        let (jobs, by_digest, pushed) = self.use_listing(repo, jobs, uploaded).await;
        let cache_ref = cache.as_ref();
        let learnt = &Learnt::default();
        let planned = futures::stream::iter(jobs).map(|(tag, plan)| {
            Either::Left(
                async move { vec![self.run_plan(repo, tag, plan, cache_ref, learnt).await] },
            )
        });
        let listed = futures::stream::iter(by_digest)
            .map(|(_, work)| Either::Right(self.run_listed(repo, work, cache_ref)));
        let results: Vec<TagOutcome> = planned
            .chain(listed)
            .buffer_unordered(TAGS_IN_FLIGHT)
            .flat_map(futures::stream::iter)
            .collect()
            .await;
        let mut details: BTreeMap<String, Result<TagDetails, RegistryError>> =
            known.into_iter().map(|(tag, d)| (tag, Ok(d))).collect();
        for (tag, result, record) in results {
            if let (Some(c), Ok(d), Some(scheduled)) = (cache.as_mut(), &result, record) {
                c.record(&tag, &platform, d, now, scheduled);
            }
            details.insert(tag, result);
        }
        if let Some(c) = cache.as_mut() {
            c.retain_tags(&tags.iter().map(String::as_str).collect());
            if let Err(w) = c.save() {
                warnings.push(w);
            }
        }
        Ok(RepoScan {
            tags,
            details,
            warnings,
            pages,
            pushed,
        })
    }

    /// Reads the vendor listing where it helps: the jobs it does not cover, the others
    /// grouped by digest, and the push times when they were asked for.
    async fn use_listing(
        &self,
        repo: &RepoKey,
        jobs: Vec<(String, Plan)>,
        uploaded: Option<BTreeMap<String, DateTime<Utc>>>,
    ) -> (
        Vec<(String, Plan)>,
        BTreeMap<String, DigestWork>,
        Option<PushTimes>,
    ) {
        let api = self.api(repo);
        let needed: HashSet<&str> = jobs
            .iter()
            .filter(|(_, plan)| !matches!(plan, Plan::Fresh(_)))
            .map(|(tag, _)| tag.as_str())
            .collect();
        let wanted = self.push_times || !needed.is_empty();
        let listing = match (api.lists_tags() && wanted, &uploaded) {
            (true, _) => Some(self.vendor_listing(repo, &needed, self.push_times).await),
            _ => None,
        };
        let pushed = self.push_times.then(|| match (&listing, uploaded) {
            (Some(Ok(Some(l))), _) => Ok(l
                .tags
                .iter()
                .filter_map(|(tag, listed)| Some((tag.clone(), listed.pushed?)))
                .collect()),
            (Some(Err(e)), _) => Err(e.clone()),
            (_, Some(times)) => Ok(times),
            _ => Err(RegistryError::NoPushTimes {
                doing: format!("reading push times of {repo}"),
                api: api.to_string(),
            }),
        });
        let Some(Ok(Some(listing))) = listing else {
            return (jobs, BTreeMap::new(), pushed);
        };
        let mut rest = Vec::new();
        let mut by_digest: BTreeMap<String, DigestWork> = BTreeMap::new();
        for (tag, plan) in jobs {
            match (listing.tags.get(&tag), &plan) {
                (Some(listed), plan) if !matches!(plan, Plan::Fresh(_)) => {
                    by_digest
                        .entry(listed.digest.clone())
                        .or_insert_with(|| (listed.clone(), Vec::new()))
                        .1
                        .push(tag);
                }
                _ => rest.push((tag, plan)),
            }
        }
        (rest, by_digest, pushed)
    }

    /// What to do for each wanted tag: answer from the cache, re-check, or fetch.
    fn plan(
        &self,
        tags: &[String],
        cache: Option<&RepoCache>,
        now: i64,
        want: impl Fn(&str) -> bool,
        recheck: impl Fn(&str) -> bool,
    ) -> Vec<(String, Plan)> {
        let platform = self.platform.to_string();
        tags.iter()
            .filter(|t| want(t))
            .map(|t| {
                let plan = match cache {
                    Some(c) => c.plan(t, &platform, now, self.refresh),
                    None => Plan::Fetch,
                };
                let plan = match plan {
                    Plan::Fresh(d) if recheck(t) => Plan::Recheck(d.digest),
                    Plan::Resolve(digest) if recheck(t) => Plan::Recheck(digest),
                    plan => plan,
                };
                (t.clone(), plan)
            })
            .collect()
    }

    /// Carries out the plan of one tag.
    async fn run_plan(
        &self,
        repo: &RepoKey,
        tag: String,
        plan: Plan,
        cache: Option<&RepoCache>,
        learnt: &Learnt,
    ) -> TagOutcome {
        match plan {
            Plan::Fresh(d) => (tag, Ok(d), None),
            // Where manifests count as pulls, a `HEAD` first finds a digest already known.
            Plan::Fetch if cache.is_some() && self.counts_pulls(repo) => {
                let r = self.head_then_facts(repo, &tag, cache, learnt).await;
                (tag, r, Some(false))
            }
            Plan::Fetch => {
                let r = self.tag_facts(repo, &tag).await;
                (tag, r, Some(false))
            }
            Plan::Resolve(digest) => {
                let r = learnt
                    .get(&digest, self.digest_facts(repo, &tag, &digest))
                    .await;
                (tag, r, Some(false))
            }
            Plan::Recheck(old) => {
                let r = self.head_then_facts(repo, &tag, cache, learnt).await;
                // A forced refresh of a tag that is not due keeps its interval.
                let scheduled = !self.refresh || r.as_ref().is_ok_and(|d| d.digest != old);
                (tag, r, Some(scheduled))
            }
        }
    }

    /// A tag's details from its current digest (by `HEAD`): from the cache when it knows
    /// the digest, else from the registry, once per digest.
    async fn head_then_facts(
        &self,
        repo: &RepoKey,
        tag: &str,
        cache: Option<&RepoCache>,
        learnt: &Learnt,
    ) -> Result<TagDetails, RegistryError> {
        let platform = self.platform.to_string();
        match self.head_digest(repo, tag).await? {
            Some(d) => match cache.and_then(|c| c.facts(&d, &platform)) {
                Some(details) => Ok(details),
                None => learnt.get(&d, self.digest_facts(repo, tag, &d)).await,
            },
            None => self.tag_facts(repo, tag).await,
        }
    }

    /// The details of every tag of one listed digest: from the cache when it knows the
    /// digest, else read once for all of them.
    async fn run_listed(
        &self,
        repo: &RepoKey,
        (listed, tags): DigestWork,
        cache: Option<&RepoCache>,
    ) -> Vec<TagOutcome> {
        let platform = self.platform.to_string();
        let Some(first) = tags.first() else {
            return Vec::new();
        };
        let result = match cache.and_then(|c| c.facts(&listed.digest, &platform)) {
            Some(details) => Ok(details),
            None => match listed.shape {
                Shape::Index(None) => Ok(TagDetails {
                    digest: listed.digest.clone(),
                    created: None,
                    availability: Availability::NotForPlatform,
                }),
                Shape::Index(Some(child)) => {
                    self.platform_facts(repo, first, &listed.digest, &child)
                        .await
                }
                Shape::Unknown => self.digest_facts(repo, first, &listed.digest).await,
            },
        };
        // The listing checked each tag's digest now, as a `HEAD` would have.
        tags.into_iter()
            .map(|tag| (tag, result.clone(), Some(true)))
            .collect()
    }

    /// Whether the registry counts manifest `GET`s against a pull budget: Docker Hub, or
    /// any host that has announced one.
    fn counts_pulls(&self, repo: &RepoKey) -> bool {
        self.api(repo) == super::vendor::Api::DockerHub
            || self.transport.announces_pulls(&repo.api_host)
    }
}
