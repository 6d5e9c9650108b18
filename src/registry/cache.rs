//! The on-disk cache: one JSON file per repository under the cache directory.
//!
//! What a digest's manifest and config say never changes, so digest facts are kept. A
//! tag's digest is trusted until its re-check is due: one hour after it was first seen,
//! the interval doubling each time a `HEAD` finds it unchanged (up to seven days), and
//! dropping to five minutes when it moved. Files are replaced by rename, so two runs at
//! once can lose each other's updates but never leave a broken file; a file that cannot
//! be read is reported as a warning and rebuilt.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::oci::sha256_digest;
use super::{Availability, RepoKey, TagDetails};

const FORMAT_VERSION: u32 = 1;
/// Re-check interval of a tag seen for the first time.
pub(crate) const FIRST_INTERVAL: i64 = 3600;
/// Re-check interval of a tag that just moved.
pub(crate) const MOVED_INTERVAL: i64 = 300;
/// Longest re-check interval.
pub(crate) const MAX_INTERVAL: i64 = 7 * 24 * 3600;

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    host: String,
    repository: String,
    #[serde(default)]
    tags: BTreeMap<String, TagEntry>,
    #[serde(default)]
    digests: BTreeMap<String, DigestEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TagEntry {
    digest: String,
    /// When the digest was last confirmed, Unix seconds.
    checked: i64,
    /// Seconds from `checked` until the next re-check.
    interval: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct DigestEntry {
    /// Facts by platform (`linux/amd64`).
    #[serde(default)]
    platforms: BTreeMap<String, PlatformFacts>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PlatformFacts {
    available: bool,
    #[serde(default)]
    created: Option<DateTime<Utc>>,
}

/// What a scan must do for one tag.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Known and not due: nothing to ask.
    Fresh(TagDetails),
    /// The tag's digest is current but its facts for this platform are unknown.
    Resolve(String),
    /// Due (or `--refresh`): `HEAD` the tag and compare with this digest.
    Recheck(String),
    /// Not in the cache: fetch it.
    Fetch,
}

/// The cache of one repository, loaded in memory.
pub(crate) struct RepoCache {
    path: PathBuf,
    file: CacheFile,
    /// Whether anything differs from the file on disk, so a run that learnt nothing new
    /// writes nothing (and cannot overwrite a concurrent run's newer file).
    dirty: bool,
}

/// The cache file of a repository: a hash of the key keeps any name a safe file name.
fn cache_path(dir: &Path, repo: &RepoKey) -> PathBuf {
    let digest = sha256_digest(format!("{}/{}", repo.api_host, repo.repository).as_bytes());
    let hex = digest.trim_start_matches("sha256:");
    dir.join("registry-v1")
        .join(format!("{}.json", &hex[..32.min(hex.len())]))
}

impl RepoCache {
    /// Loads the cache of a repository. A missing file is an empty cache; a file that
    /// cannot be read or parsed is a warning and an empty cache, rebuilt on save.
    pub(crate) fn load(dir: &Path, repo: &RepoKey) -> (RepoCache, Option<String>) {
        let path = cache_path(dir, repo);
        let empty = || CacheFile {
            version: FORMAT_VERSION,
            host: repo.api_host.clone(),
            repository: repo.repository.clone(),
            tags: BTreeMap::new(),
            digests: BTreeMap::new(),
        };
        let (file, warning) = match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<CacheFile>(&bytes) {
                Ok(f)
                    if f.version == FORMAT_VERSION
                        && f.host == repo.api_host
                        && f.repository == repo.repository =>
                {
                    (f, None)
                }
                // Another format version or (impossibly) another repository: start afresh.
                Ok(_) => (empty(), None),
                Err(e) => (
                    empty(),
                    Some(format!(
                        "the registry cache file {} for {repo} is corrupt ({e}); rebuilding it",
                        path.display()
                    )),
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (empty(), None),
            Err(e) => (
                empty(),
                Some(format!(
                    "cannot read the registry cache file {} for {repo} ({e}); rebuilding it",
                    path.display()
                )),
            ),
        };
        let dirty = warning.is_some();
        (RepoCache { path, file, dirty }, warning)
    }

    /// What to do for `tag` at `now` (Unix seconds).
    pub(crate) fn plan(&self, tag: &str, platform: &str, now: i64, refresh: bool) -> Plan {
        let Some(entry) = self.file.tags.get(tag) else {
            return Plan::Fetch;
        };
        // A check time far in the future means the clock moved back: re-check.
        let due =
            now >= entry.checked.saturating_add(entry.interval) || entry.checked > now + 86_400;
        if due || refresh {
            return Plan::Recheck(entry.digest.clone());
        }
        match self.facts(&entry.digest, platform) {
            Some(details) => Plan::Fresh(details),
            None => Plan::Resolve(entry.digest.clone()),
        }
    }

    /// The cached facts of a digest for a platform.
    pub(crate) fn facts(&self, digest: &str, platform: &str) -> Option<TagDetails> {
        let f = self.file.digests.get(digest)?.platforms.get(platform)?;
        Some(TagDetails {
            digest: digest.to_owned(),
            created: f.created,
            availability: if f.available {
                Availability::Available
            } else {
                Availability::NotForPlatform
            },
        })
    }

    /// Records what a scan learnt about a tag at `now`. `rechecked` says whether this
    /// was a scheduled re-check (which doubles the interval of an unchanged tag) rather
    /// than a `--refresh` or a first fetch.
    pub(crate) fn record(
        &mut self,
        tag: &str,
        platform: &str,
        details: &TagDetails,
        now: i64,
        rechecked: bool,
    ) {
        let entry = match self.file.tags.get(tag) {
            None => TagEntry {
                digest: details.digest.clone(),
                checked: now,
                interval: FIRST_INTERVAL,
            },
            Some(old) if old.digest != details.digest => TagEntry {
                digest: details.digest.clone(),
                checked: now,
                interval: MOVED_INTERVAL,
            },
            Some(old) => TagEntry {
                digest: old.digest.clone(),
                checked: now,
                interval: if rechecked {
                    old.interval
                        .saturating_mul(2)
                        .clamp(MOVED_INTERVAL, MAX_INTERVAL)
                } else {
                    old.interval
                },
            },
        };
        self.dirty = true;
        self.file.tags.insert(tag.to_owned(), entry);
        self.file
            .digests
            .entry(details.digest.clone())
            .or_default()
            .platforms
            .insert(
                platform.to_owned(),
                PlatformFacts {
                    available: details.availability == Availability::Available,
                    created: details.created,
                },
            );
    }

    /// Forgets tags that the registry no longer lists; digest facts stay.
    pub(crate) fn retain_tags(&mut self, listed: &HashSet<&str>) {
        let before = self.file.tags.len();
        self.file.tags.retain(|t, _| listed.contains(t.as_str()));
        self.dirty |= self.file.tags.len() != before;
    }

    /// Writes the cache, if anything changed: a temporary file beside it, then a rename.
    pub(crate) fn save(&self) -> Result<(), String> {
        if !self.dirty {
            return Ok(());
        }
        let fail = |e: &dyn std::fmt::Display| {
            format!(
                "cannot write the registry cache file {}: {e}",
                self.path.display()
            )
        };
        let dir = self
            .path
            .parent()
            .ok_or_else(|| fail(&"no parent directory"))?;
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
        let bytes = serde_json::to_vec(&self.file).map_err(|e| fail(&e))?;
        tmp.write_all(&bytes).map_err(|e| fail(&e))?;
        tmp.as_file().sync_all().map_err(|e| fail(&e))?;
        tmp.persist(&self.path).map_err(|e| fail(&e.error))?;
        Ok(())
    }

    /// The file this cache is kept in.
    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RepoKey {
        RepoKey {
            api_host: "127.0.0.1:5000".into(),
            repository: "team/app".into(),
        }
    }

    fn details(digest: &str) -> TagDetails {
        TagDetails {
            digest: digest.into(),
            created: None,
            availability: Availability::Available,
        }
    }

    #[test]
    fn schedule_doubles_while_unchanged_and_drops_when_moved() {
        let dir = tempfile::tempdir().unwrap();
        let (mut c, w) = RepoCache::load(dir.path(), &key());
        assert!(w.is_none());
        let p = "linux/amd64";
        let t0 = 1_700_000_000;
        assert_eq!(c.plan("1.0", p, t0, false), Plan::Fetch);
        c.record("1.0", p, &details("sha256:a"), t0, false);
        assert_eq!(
            c.plan("1.0", p, t0 + 3599, false),
            Plan::Fresh(details("sha256:a"))
        );
        assert_eq!(
            c.plan("1.0", p, t0 + 10, true),
            Plan::Recheck("sha256:a".into())
        );
        assert_eq!(
            c.plan("1.0", "linux/arm64", t0 + 10, false),
            Plan::Resolve("sha256:a".into())
        );
        assert_eq!(
            c.plan("1.0", p, t0 + 3600, false),
            Plan::Recheck("sha256:a".into())
        );
        // unchanged at the scheduled re-check: 2 h, then 4 h
        let t1 = t0 + 3600;
        c.record("1.0", p, &details("sha256:a"), t1, true);
        assert!(matches!(c.plan("1.0", p, t1 + 7199, false), Plan::Fresh(_)));
        assert!(matches!(
            c.plan("1.0", p, t1 + 7200, false),
            Plan::Recheck(_)
        ));
        let t2 = t1 + 7200;
        c.record("1.0", p, &details("sha256:a"), t2, true);
        assert!(matches!(
            c.plan("1.0", p, t2 + 4 * 3600 - 1, false),
            Plan::Fresh(_)
        ));
        // moved: five minutes
        let t3 = t2 + 4 * 3600;
        c.record("1.0", p, &details("sha256:b"), t3, true);
        assert!(matches!(c.plan("1.0", p, t3 + 299, false), Plan::Fresh(_)));
        assert!(matches!(
            c.plan("1.0", p, t3 + 300, false),
            Plan::Recheck(_)
        ));
        // a forced refresh that finds it unchanged keeps the interval
        c.record("1.0", p, &details("sha256:b"), t3 + 10, false);
        assert!(matches!(
            c.plan("1.0", p, t3 + 310, false),
            Plan::Recheck(_)
        ));
        // capped at seven days
        let mut t = t3;
        for _ in 0..20 {
            c.record("1.0", p, &details("sha256:b"), t, true);
            t += 1;
        }
        assert_eq!(c.file.tags["1.0"].interval, MAX_INTERVAL);
        // the clock went back a long way: re-check
        assert!(matches!(
            c.plan("1.0", p, t - 10 * 86_400, false),
            Plan::Recheck(_)
        ));
    }

    #[test]
    fn saves_loads_and_rebuilds_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let (mut c, _) = RepoCache::load(dir.path(), &key());
        c.record("1.0", "linux/amd64", &details("sha256:a"), 100, false);
        c.record("gone", "linux/amd64", &details("sha256:b"), 100, false);
        c.retain_tags(&["1.0"].into_iter().collect());
        c.save().unwrap();
        let (c2, w) = RepoCache::load(dir.path(), &key());
        assert!(w.is_none());
        assert!(matches!(
            c2.plan("1.0", "linux/amd64", 101, false),
            Plan::Fresh(_)
        ));
        assert_eq!(c2.plan("gone", "linux/amd64", 101, false), Plan::Fetch);
        assert!(
            c2.facts("sha256:b", "linux/amd64").is_some(),
            "digest facts are kept"
        );
        std::fs::write(c2.path(), b"{\"version\":1,\"tags\":[").unwrap();
        let (c3, w) = RepoCache::load(dir.path(), &key());
        let w = w.unwrap();
        assert!(
            w.contains("corrupt") && w.contains("127.0.0.1:5000/team/app"),
            "{w}"
        );
        assert_eq!(c3.plan("1.0", "linux/amd64", 101, false), Plan::Fetch);
        c3.save().unwrap();
        assert!(RepoCache::load(dir.path(), &key()).1.is_none());
    }
}
