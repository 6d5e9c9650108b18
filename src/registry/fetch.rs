//! Reading what a tag is: its manifest (by tag or by digest), the platform's manifest
//! from an index, the config blob and the creation time, every body checked against the
//! digest it is known by (as go-containerregistry's `fetcher.go` does).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use reqwest::Method;

use super::oci::{self, MANIFEST_ACCEPT, Manifest};
use super::transport::Reply;
use super::{
    Availability, Client, MANIFEST_BODY_LIMIT, RegistryError, RepoKey, TagDetails, check_repository,
};
use crate::image::is_valid_tag;

/// The `Accept` of a config blob request.
const CONFIG_ACCEPT: &str =
    "application/vnd.oci.image.config.v1+json, application/vnd.docker.container.image.v1+json, */*";

/// An error unless `body` has the digest it was fetched by.
fn verify(doing: &str, expected: &str, body: &[u8]) -> Result<(), RegistryError> {
    oci::verify_digest(expected, body).map_err(|actual| RegistryError::DigestMismatch {
        doing: doing.to_owned(),
        expected: expected.to_owned(),
        actual,
    })
}

impl Client {
    /// The digest, platform availability and creation time of one tag.
    pub async fn tag_facts(&self, repo: &RepoKey, tag: &str) -> Result<TagDetails, RegistryError> {
        let doing = format!("reading manifest {tag:?} of {repo}");
        check_repository(repo, &doing)?;
        if !is_valid_tag(tag) {
            return Err(RegistryError::invalid(&doing, "the tag is not valid"));
        }
        let reply = self
            .get(
                repo,
                &format!("/v2/{}/manifests/{tag}", repo.repository),
                MANIFEST_ACCEPT,
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        // The digest the registry names must be the digest of what it sent: a lying
        // registry must not get its digest pinned into a manifest.
        let digest = match reply.header("docker-content-digest") {
            Some(d) if oci::is_digest(d.trim()) => {
                verify(&doing, d.trim(), &reply.body)?;
                d.trim().to_owned()
            }
            _ => oci::sha256_digest(&reply.body),
        };
        self.resolve(repo, tag, digest, &reply).await
    }

    /// Facts of a manifest known by digest (after a `HEAD` found a new digest).
    pub(super) async fn digest_facts(
        &self,
        repo: &RepoKey,
        tag: &str,
        digest: &str,
    ) -> Result<TagDetails, RegistryError> {
        let doing = format!("reading manifest {digest} (tag {tag:?}) of {repo}");
        if !oci::is_digest(digest) {
            return Err(RegistryError::invalid(
                &doing,
                "the registry reported an invalid digest",
            ));
        }
        let reply = self
            .get(
                repo,
                &format!("/v2/{}/manifests/{digest}", repo.repository),
                MANIFEST_ACCEPT,
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        verify(&doing, digest, &reply.body)?;
        self.resolve(repo, tag, digest.to_owned(), &reply).await
    }

    /// Facts of a multi-platform tag whose platform image a listing named: that image's
    /// manifest and config are read, not the index.
    pub(super) async fn platform_facts(
        &self,
        repo: &RepoKey,
        tag: &str,
        digest: &str,
        child: &str,
    ) -> Result<TagDetails, RegistryError> {
        let created = self
            .child_created(repo, tag, child, &BTreeMap::new())
            .await?;
        Ok(TagDetails {
            digest: digest.to_owned(),
            created,
            availability: Availability::Available,
        })
    }

    /// Reads a fetched manifest: picks the platform from an index, then the config.
    async fn resolve(
        &self,
        repo: &RepoKey,
        tag: &str,
        digest: String,
        reply: &Reply,
    ) -> Result<TagDetails, RegistryError> {
        let doing = format!("reading manifest {tag:?} of {repo}");
        let manifest = Manifest::parse(reply.header("content-type"), &reply.body)
            .map_err(|e| RegistryError::invalid(&doing, e))?;
        let (created, availability) = match manifest {
            Manifest::Index(index) => match index.select(&self.platform) {
                None => (None, Availability::NotForPlatform),
                Some(entry) => (
                    self.child_created(repo, tag, &entry.digest, &index.annotations)
                        .await?,
                    Availability::Available,
                ),
            },
            Manifest::Image(m) => (
                self.image_created(repo, tag, &m, None).await?,
                Availability::Available,
            ),
            Manifest::Schema1(cfg) => (
                oci::creation_time(&cfg, None, None),
                Availability::Available,
            ),
        };
        Ok(TagDetails {
            digest,
            created,
            availability,
        })
    }

    /// The creation time of the platform's manifest `digest` in an index.
    async fn child_created(
        &self,
        repo: &RepoKey,
        tag: &str,
        digest: &str,
        index_annotations: &BTreeMap<String, String>,
    ) -> Result<Option<DateTime<Utc>>, RegistryError> {
        let doing = format!(
            "reading the {} manifest {digest} of tag {tag:?} of {repo}",
            self.platform
        );
        if !oci::is_digest(digest) {
            return Err(RegistryError::invalid(
                &doing,
                "the index entry has an invalid digest",
            ));
        }
        let child = self
            .get(
                repo,
                &format!("/v2/{}/manifests/{digest}", repo.repository),
                MANIFEST_ACCEPT,
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        verify(&doing, digest, &child.body)?;
        match Manifest::parse(child.header("content-type"), &child.body)
            .map_err(|e| RegistryError::invalid(&doing, e))?
        {
            Manifest::Image(m) => {
                self.image_created(repo, tag, &m, Some(index_annotations))
                    .await
            }
            Manifest::Schema1(cfg) => Ok(oci::creation_time(&cfg, None, Some(index_annotations))),
            Manifest::Index(_) => Err(RegistryError::invalid(
                &doing,
                "an index inside an index is not supported",
            )),
        }
    }

    /// Fetches and verifies an image's config blob, then applies the creation-time chain.
    async fn image_created(
        &self,
        repo: &RepoKey,
        tag: &str,
        manifest: &oci::ImageManifest,
        index_annotations: Option<&BTreeMap<String, String>>,
    ) -> Result<Option<DateTime<Utc>>, RegistryError> {
        let digest = &manifest.config.digest;
        let doing = format!("reading config blob {digest} of tag {tag:?} of {repo}");
        if !oci::is_digest(digest) {
            return Err(RegistryError::invalid(
                &doing,
                "the manifest names an invalid config digest",
            ));
        }
        let reply = self
            .get(
                repo,
                &format!("/v2/{}/blobs/{digest}", repo.repository),
                CONFIG_ACCEPT,
                MANIFEST_BODY_LIMIT,
                &doing,
            )
            .await?;
        verify(&doing, digest, &reply.body)?;
        let config =
            oci::ImageConfig::parse(&reply.body).map_err(|e| RegistryError::invalid(&doing, e))?;
        Ok(oci::creation_time(
            &config,
            Some(&manifest.annotations),
            index_annotations,
        ))
    }

    /// The current digest of a tag by `HEAD`; `None` when the registry does not say.
    pub(super) async fn head_digest(
        &self,
        repo: &RepoKey,
        tag: &str,
    ) -> Result<Option<String>, RegistryError> {
        let doing = format!("checking manifest {tag:?} of {repo}");
        if !is_valid_tag(tag) {
            return Err(RegistryError::invalid(&doing, "the tag is not valid"));
        }
        let reply = self
            .call(
                Method::HEAD,
                repo,
                &format!("/v2/{}/manifests/{tag}", repo.repository),
                MANIFEST_ACCEPT,
                0,
                &doing,
            )
            .await?;
        Ok(reply
            .header("docker-content-digest")
            .map(str::trim)
            .filter(|d| oci::is_digest(d))
            .map(str::to_owned))
    }
}
