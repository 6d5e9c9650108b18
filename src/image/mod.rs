//! Image references: parse once, keep the written form, derive the canonical name.
//!
//! An [`ImageRef`] is parsed from text such as `nginx:1.27`, `docker.io/redis:8.8.0`,
//! `localhost:5000/team/app@sha256:…` or `[::1]:5000/x:1`, by Docker's reference grammar
//! (spelled out at the top of `grammar.rs`). It keeps the text exactly as written,
//! because every output and every rewrite shows the name as the user wrote it, and it
//! derives the canonical name (`index.docker.io/library/nginx`) used for registry calls,
//! caching and image filters. Malformed text is an [`ImageRefError`] quoting the input.
//!
//! ```
//! use tagpilot::image::ImageRef;
//!
//! let image = ImageRef::parse("docker.io/redis:8.8.0").unwrap();
//! assert_eq!(image.canonical_name(), "index.docker.io/library/redis");
//! assert_eq!(image.api_host(), "registry-1.docker.io");
//! let newer = image.with_tag("8.9.0", None).unwrap();
//! assert_eq!(newer.to_string(), "docker.io/redis:8.9.0");
//! ```

mod error;
mod grammar;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

pub use error::ImageRefError;
pub use grammar::{DOCKER_HUB_ALIASES, DOCKER_HUB_API_HOST, DOCKER_HUB_REGISTRY};

/// Whether a registry host (`host[:port]`, any case) is one of Docker Hub's names.
pub fn is_docker_hub_host(host: &str) -> bool {
    let host = host.trim().to_ascii_lowercase();
    DOCKER_HUB_ALIASES.contains(&host.as_str())
}

/// Whether `tag` is a valid tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. Registry calls check
/// a tag with this before putting it in a URL path.
pub fn is_valid_tag(tag: &str) -> bool {
    grammar::check_tag(tag).is_ok()
}

/// A parsed image reference that keeps the text exactly as written.
///
/// Two references are equal when they were written the same way; compare
/// [`ImageRef::canonical_name`] to ask whether they name the same repository.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The whole reference as written.
    text: String,
    /// End of the name in `text`.
    name_end: usize,
    /// The tag's byte range in `text`, without the `:`.
    tag: Option<Range<usize>>,
    /// Start of the digest in `text`, after the `@`; it runs to the end.
    digest_start: Option<usize>,
    /// `registry/repository`, canonical.
    canonical: String,
    /// Length of the registry at the start of `canonical`.
    registry_len: usize,
    /// Whether the registry is Docker Hub.
    docker_hub: bool,
}

impl ImageRef {
    /// Parses `[registry/]path[:tag][@digest]` by Docker's rules.
    ///
    /// The first `/`-separated part is a registry when it contains `.` or `:` or is
    /// `localhost`; otherwise the reference is on Docker Hub. With no `/` there is no
    /// registry part, so `localhost:5000` is the Hub image `library/localhost` with tag
    /// `5000`, as Docker reads it. Nothing is trimmed: surrounding white space is an error.
    pub fn parse(text: &str) -> Result<ImageRef, ImageRefError> {
        let parsed = grammar::parse(text).map_err(|problem| problem.at(text))?;
        Ok(ImageRef {
            text: text.to_owned(),
            name_end: parsed.name_end,
            tag: parsed.tag,
            digest_start: parsed.digest_start,
            canonical: parsed.canonical,
            registry_len: parsed.registry_len,
            docker_hub: parsed.docker_hub,
        })
    }

    /// The whole reference, unchanged.
    pub fn as_written(&self) -> &str {
        &self.text
    }

    /// The reference without `:tag` and `@digest`, as written: `nginx`, `docker.io/redis`,
    /// `localhost:5000/a/b`.
    pub fn name_as_written(&self) -> &str {
        &self.text[..self.name_end]
    }

    /// The canonical registry `host[:port]`, in lower case: [`DOCKER_HUB_REGISTRY`]
    /// (`index.docker.io`) for Docker Hub however it was written (`docker.io`,
    /// `index.docker.io`, `registry-1.docker.io`, or no registry at all).
    pub fn registry(&self) -> &str {
        &self.canonical[..self.registry_len]
    }

    /// The host to send registry API calls to: [`DOCKER_HUB_API_HOST`]
    /// (`registry-1.docker.io`) for Docker Hub, otherwise [`ImageRef::registry`].
    pub fn api_host(&self) -> &str {
        if self.docker_hub {
            DOCKER_HUB_API_HOST
        } else {
            self.registry()
        }
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.docker_hub
    }

    /// The canonical repository path: `library/nginx` for the one-part Hub name `nginx`,
    /// otherwise the path as written (`acme/app` in `ghcr.io/acme/app`).
    pub fn repository(&self) -> &str {
        &self.canonical[self.registry_len + 1..]
    }

    /// The canonical name, `registry/repository`: `index.docker.io/library/nginx`,
    /// `ghcr.io/acme/app`, `localhost:5000/x`. Differently written names of one repository
    /// have the same canonical name.
    pub fn canonical_name(&self) -> String {
        self.canonical.clone()
    }

    /// The canonical name without allocating; see [`ImageRef::canonical_name`].
    pub fn canonical_name_str(&self) -> &str {
        &self.canonical
    }

    /// The tag as written, or `None` when no tag is written (the runtime then pulls
    /// `latest`, but this reports what is in the text).
    pub fn tag(&self) -> Option<&str> {
        self.tag.clone().map(|range| &self.text[range])
    }

    /// The digest as written (`sha256:…`), if any.
    pub fn digest(&self) -> Option<&str> {
        self.digest_start.map(|start| &self.text[start..])
    }

    /// The reference with tag `tag`, keeping the name exactly as written.
    ///
    /// The digest follows what was written:
    /// - no digest written: none is added, and `digest` is ignored (not even checked);
    /// - a digest written and `digest` is `Some`: it is replaced by `digest`;
    /// - a digest written and `digest` is `None`: [`ImageRefError::DigestRequired`]. Keeping
    ///   the old digest would keep running the old image under the new tag (the runtime
    ///   pulls by digest), and dropping it would silently unpin the reference, so the
    ///   caller must supply the new tag's digest.
    ///
    /// An invalid `tag` or `digest` is an error quoting the reference that would have
    /// resulted.
    pub fn with_tag(&self, tag: &str, digest: Option<&str>) -> Result<ImageRef, ImageRefError> {
        let digest = match (self.digest_start, digest) {
            (None, _) => None,
            (Some(_), Some(digest)) => Some(digest),
            (Some(_), None) => {
                return Err(ImageRefError::DigestRequired {
                    input: self.text.clone(),
                    tag: tag.to_owned(),
                });
            }
        };

        let name = self.name_as_written();
        let digest_len = digest.map_or(0, |d| d.len() + 1);
        let mut text = String::with_capacity(name.len() + 1 + tag.len() + digest_len);
        text.push_str(name);
        text.push(':');
        text.push_str(tag);
        let tag_range = name.len() + 1..text.len();
        let digest_start = digest.map(|digest| {
            text.push('@');
            text.push_str(digest);
            tag_range.end + 1
        });

        // Checked on their own rather than by re-parsing the whole text: a "tag" holding
        // `/` or `@` would otherwise be read as part of the name or as a digest.
        grammar::check_tag(tag).map_err(|problem| problem.at(&text))?;
        if let Some(digest) = digest {
            grammar::check_digest(digest).map_err(|problem| problem.at(&text))?;
        }

        Ok(ImageRef {
            text,
            name_end: self.name_end,
            tag: Some(tag_range),
            digest_start,
            canonical: self.canonical.clone(),
            registry_len: self.registry_len,
            docker_hub: self.docker_hub,
        })
    }
}

impl fmt::Display for ImageRef {
    /// Prints the reference as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageRef")
            .field("written", &self.text)
            .field("canonical", &self.canonical)
            .field("tag", &self.tag())
            .field("digest", &self.digest())
            .finish()
    }
}

impl FromStr for ImageRef {
    type Err = ImageRefError;

    /// Same as [`ImageRef::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ImageRef::parse(text)
    }
}

#[cfg(test)]
mod tests;
