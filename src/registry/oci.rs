//! Manifests, indexes and image configs as the registry serves them: media types, platform
//! selection from an index, and the creation-time chain.
//!
//! Pure functions over bytes; the client fetches, this module reads.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Deserialize;
use sha2::{Digest as _, Sha256, Sha512};

use super::platform::Platform;

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker image manifest, schema 1, signed.
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";
/// Docker image manifest, schema 1.
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";

/// The `Accept` header of every manifest request: the four modern types, then schema 1
/// as a fallback. The digest of a tag is the one the registry reports for this header.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.v1+prettyjws;q=0.5, \
application/vnd.docker.distribution.manifest.v1+json;q=0.5";

/// The annotation and label that carry a build time.
pub const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";
const LABEL_SCHEMA_BUILD_DATE: &str = "org.label-schema.build-date";

/// A manifest as read from a registry.
#[derive(Debug)]
pub enum Manifest {
    /// An OCI index or Docker manifest list.
    Index(Index),
    /// An OCI or Docker schema 2 image manifest.
    Image(ImageManifest),
    /// A Docker schema 1 manifest, which carries its config inline.
    Schema1(ImageConfig),
}

/// An OCI index or Docker manifest list.
#[derive(Debug, Default, Deserialize)]
pub struct Index {
    /// The entries, in order.
    #[serde(default)]
    pub manifests: Vec<IndexEntry>,
    /// The index's annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// One entry of an index.
#[derive(Debug, Deserialize)]
pub struct IndexEntry {
    /// The entry's manifest digest.
    pub digest: String,
    /// The entry's platform, if given.
    #[serde(default)]
    pub platform: Option<RawPlatform>,
    /// The entry's annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A platform object as written in an index or config.
#[derive(Debug, Default, Deserialize)]
pub struct RawPlatform {
    /// Operating system.
    #[serde(default)]
    pub os: String,
    /// Architecture.
    #[serde(default)]
    pub architecture: String,
    /// Variant.
    #[serde(default)]
    pub variant: Option<String>,
}

/// An image manifest (OCI or Docker schema 2).
#[derive(Debug, Deserialize)]
pub struct ImageManifest {
    /// The config blob's descriptor.
    pub config: Descriptor,
    /// The manifest's annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// A content descriptor.
#[derive(Debug, Deserialize)]
pub struct Descriptor {
    /// The blob's digest.
    pub digest: String,
}

/// What tagpilot reads from an image config.
#[derive(Debug, Default)]
pub struct ImageConfig {
    /// The config's `created`, as written.
    pub created: Option<String>,
    /// The image's string labels.
    pub labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default)]
    created: Option<serde_json::Value>,
    #[serde(default)]
    config: Option<RawConfigConfig>,
}

#[derive(Deserialize)]
struct RawConfigConfig {
    #[serde(rename = "Labels", default)]
    labels: Option<BTreeMap<String, serde_json::Value>>,
}

impl ImageConfig {
    /// Reads a config blob. Labels that are not strings are ignored.
    pub fn parse(bytes: &[u8]) -> Result<ImageConfig, String> {
        let raw: RawConfig = serde_json::from_slice(bytes)
            .map_err(|e| format!("image config is not valid JSON: {e}"))?;
        let created = raw.created.and_then(|v| v.as_str().map(str::to_owned));
        let labels = raw
            .config
            .and_then(|c| c.labels)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect();
        Ok(ImageConfig { created, labels })
    }
}

#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<i64>,
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    #[serde(default)]
    manifests: Option<serde_json::Value>,
    #[serde(default)]
    config: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Schema1 {
    #[serde(default)]
    history: Vec<Schema1History>,
}

#[derive(Deserialize)]
struct Schema1History {
    #[serde(rename = "v1Compatibility")]
    v1_compatibility: String,
}

impl Manifest {
    /// Reads a manifest body; the media type comes from the body's `mediaType`, else from
    /// the `Content-Type` header, else from its shape.
    pub fn parse(content_type: Option<&str>, bytes: &[u8]) -> Result<Manifest, String> {
        let probe: Probe = serde_json::from_slice(bytes)
            .map_err(|e| format!("manifest is not valid JSON: {e}"))?;
        let header_type = content_type
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|c| !c.is_empty());
        let media_type = probe.media_type.clone().or(header_type);
        let kind = match media_type.as_deref() {
            Some(OCI_INDEX | DOCKER_LIST) => Kind::Index,
            Some(OCI_MANIFEST | DOCKER_MANIFEST) => Kind::Image,
            Some(DOCKER_SCHEMA1 | DOCKER_SCHEMA1_SIGNED) => Kind::Schema1,
            _ if probe.schema_version == Some(1) => Kind::Schema1,
            _ if probe.manifests.is_some() => Kind::Index,
            _ if probe.config.is_some() => Kind::Image,
            Some(other) => return Err(format!("unsupported manifest media type {other:?}")),
            None => return Err("manifest has no media type and an unknown shape".into()),
        };
        let bad = |e: serde_json::Error| format!("malformed manifest: {e}");
        Ok(match kind {
            Kind::Index => Manifest::Index(serde_json::from_slice(bytes).map_err(bad)?),
            Kind::Image => Manifest::Image(serde_json::from_slice(bytes).map_err(bad)?),
            Kind::Schema1 => {
                let s: Schema1 = serde_json::from_slice(bytes).map_err(bad)?;
                let first = s
                    .history
                    .first()
                    .ok_or_else(|| "schema 1 manifest has no history".to_owned())?;
                Manifest::Schema1(ImageConfig::parse(first.v1_compatibility.as_bytes())?)
            }
        })
    }
}

enum Kind {
    Index,
    Image,
    Schema1,
}

impl IndexEntry {
    /// Whether this entry is an attestation or other non-image entry to skip.
    pub fn is_attestation(&self) -> bool {
        if self.annotations.contains_key("vnd.docker.reference.type") {
            return true;
        }
        match &self.platform {
            Some(p) => p.os == "unknown" || p.architecture == "unknown",
            None => false,
        }
    }
}

impl Index {
    /// The first entry that serves `want`, skipping attestations.
    pub fn select(&self, want: &Platform) -> Option<&IndexEntry> {
        self.manifests.iter().find(|e| {
            !e.is_attestation()
                && e.platform.as_ref().is_some_and(|p| {
                    want.matches(&Platform::new(&p.os, &p.architecture, p.variant.as_deref()))
                })
        })
    }
}

/// Parses an RFC 3339 time with any number of fractional digits and any offset.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Times before this are reproducible-build placeholders (the Unix epoch, Go's zero time,
/// Buildpacks' `1980-01-01T00:00:01Z`), not build times.
fn plausible(t: DateTime<Utc>) -> bool {
    Utc.with_ymd_and_hms(1980, 1, 2, 0, 0, 0)
        .single()
        .is_some_and(|floor| t >= floor)
}

/// The creation time chain: the config's `created`; if it is missing or a
/// placeholder before 1980, the manifest's then the index's `org.opencontainers.image.created`
/// annotation; then the config labels `org.opencontainers.image.created` and
/// `org.label-schema.build-date`. Unparseable or placeholder values are skipped.
pub fn creation_time(
    config: &ImageConfig,
    manifest_annotations: Option<&BTreeMap<String, String>>,
    index_annotations: Option<&BTreeMap<String, String>>,
) -> Option<DateTime<Utc>> {
    fn from_annotations(a: Option<&BTreeMap<String, String>>) -> Option<&str> {
        a.and_then(|a| a.get(CREATED_ANNOTATION))
            .map(String::as_str)
    }
    [
        config.created.as_deref(),
        from_annotations(manifest_annotations),
        from_annotations(index_annotations),
        config.labels.get(CREATED_ANNOTATION).map(String::as_str),
        config
            .labels
            .get(LABEL_SCHEMA_BUILD_DATE)
            .map(String::as_str),
    ]
    .into_iter()
    .flatten()
    .filter_map(parse_time)
    .find(|t| plausible(*t))
}

/// Checks bytes against a `sha256:` or `sha512:` digest; returns the actual digest when
/// they differ.
pub fn verify_digest(expected: &str, bytes: &[u8]) -> Result<(), String> {
    let actual = match expected.split_once(':') {
        Some(("sha512", _)) => format!("sha512:{}", hex(&Sha512::digest(bytes))),
        Some(("sha256", _)) => sha256_digest(bytes),
        _ => return Err(format!("unsupported digest {expected:?}")),
    };
    if actual == expected {
        Ok(())
    } else {
        Err(actual)
    }
}

/// `sha256:<hex>` of some bytes.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Whether a string looks like a content digest (`algorithm:hex`).
pub fn is_digest(s: &str) -> bool {
    s.split_once(':').is_some_and(|(alg, hex)| {
        !alg.is_empty()
            && alg.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'+'
                    || b == b'.'
                    || b == b'_'
                    || b == b'-'
            })
            && hex.len() >= 32
            && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<DateTime<Utc>> {
        parse_time(s)
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_rfc3339_variants() {
        let base = Utc.with_ymd_and_hms(2024, 3, 3, 10, 0, 0).unwrap();
        assert_eq!(t("2024-03-03T12:00:00+02:00"), Some(base));
        assert_eq!(t("2024-03-03T10:00:00Z"), Some(base));
        assert_eq!(t("2024-03-03T05:00:00-05:00"), Some(base));
        let nanos = t("2024-03-02T10:00:00.123456789Z").unwrap();
        assert_eq!(nanos.timestamp_subsec_nanos(), 123_456_789);
        assert_eq!(
            t("2024-03-02T10:00:00.1Z")
                .unwrap()
                .timestamp_subsec_millis(),
            100
        );
        assert_eq!(t("yesterday"), None);
        assert_eq!(t(""), None);
    }

    #[test]
    fn creation_time_chain() {
        let cfg = |created: Option<&str>, labels: &[(&str, &str)]| ImageConfig {
            created: created.map(str::to_owned),
            labels: map(labels),
        };
        let ann = map(&[(CREATED_ANNOTATION, "2024-03-06T10:00:00Z")]);
        let idx = map(&[(CREATED_ANNOTATION, "2024-03-09T09:00:00Z")]);
        // (config, manifest annotations, index annotations, expected)
        type Annotations<'a> = Option<&'a BTreeMap<String, String>>;
        let cases: Vec<(ImageConfig, Annotations, Annotations, Option<&str>)> = vec![
            (
                cfg(Some("2024-03-01T10:00:00Z"), &[]),
                Some(&ann),
                None,
                Some("2024-03-01T10:00:00Z"),
            ),
            (
                cfg(Some("1970-01-01T00:00:00Z"), &[]),
                Some(&ann),
                None,
                Some("2024-03-06T10:00:00Z"),
            ),
            (
                cfg(Some("0001-01-01T00:00:00Z"), &[]),
                None,
                Some(&idx),
                Some("2024-03-09T09:00:00Z"),
            ),
            (
                cfg(Some("1980-01-01T00:00:01Z"), &[]),
                Some(&ann),
                Some(&idx),
                Some("2024-03-06T10:00:00Z"),
            ),
            (
                cfg(None, &[(CREATED_ANNOTATION, "2024-03-04T10:00:00Z")]),
                None,
                None,
                Some("2024-03-04T10:00:00Z"),
            ),
            (
                cfg(None, &[(LABEL_SCHEMA_BUILD_DATE, "2024-03-05T10:00:00Z")]),
                None,
                None,
                Some("2024-03-05T10:00:00Z"),
            ),
            (
                cfg(
                    None,
                    &[
                        (LABEL_SCHEMA_BUILD_DATE, "2024-03-05T10:00:00Z"),
                        (CREATED_ANNOTATION, "2024-03-04T10:00:00Z"),
                    ],
                ),
                None,
                None,
                Some("2024-03-04T10:00:00Z"),
            ),
            (cfg(Some("garbage"), &[]), None, None, None),
            (cfg(Some("1970-01-01T00:00:00Z"), &[]), None, None, None),
            (cfg(None, &[]), None, None, None),
        ];
        for (i, (c, m, x, want)) in cases.iter().enumerate() {
            assert_eq!(
                creation_time(c, *m, *x),
                want.and_then(parse_time),
                "case {i}"
            );
        }
    }

    #[test]
    fn index_selection_skips_attestations() {
        let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
            {"digest":"sha256:att","platform":{"os":"unknown","architecture":"unknown"}},
            {"digest":"sha256:att2","platform":{"os":"linux","architecture":"arm64"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}},
            {"digest":"sha256:arm","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
            {"digest":"sha256:arm2","platform":{"os":"linux","architecture":"arm64"}},
            {"digest":"sha256:amd","platform":{"os":"linux","architecture":"amd64"}}]}"#;
        let Ok(Manifest::Index(index)) = Manifest::parse(None, body) else {
            panic!("not an index")
        };
        let pick = |p: &str| index.select(&p.parse().unwrap()).map(|e| e.digest.as_str());
        assert_eq!(pick("linux/arm64"), Some("sha256:arm"));
        assert_eq!(pick("linux/aarch64"), Some("sha256:arm"));
        assert_eq!(pick("linux/amd64"), Some("sha256:amd"));
        assert_eq!(pick("linux/arm/v7"), None);
        assert_eq!(pick("windows/amd64"), None);
    }

    #[test]
    fn manifest_kinds() {
        let docker = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:c"}}"#;
        assert!(matches!(
            Manifest::parse(None, docker),
            Ok(Manifest::Image(_))
        ));
        let oci_no_type =
            br#"{"schemaVersion":2,"config":{"digest":"sha256:c"},"annotations":{"a":"b"}}"#;
        assert!(matches!(
            Manifest::parse(
                Some("application/vnd.oci.image.manifest.v1+json; charset=utf-8"),
                oci_no_type
            ),
            Ok(Manifest::Image(_))
        ));
        let s1 = br#"{"schemaVersion":1,"history":[{"v1Compatibility":"{\"created\":\"2024-01-01T00:00:00Z\",\"config\":{\"Labels\":null}}"}]}"#;
        let Ok(Manifest::Schema1(cfg)) = Manifest::parse(Some(DOCKER_SCHEMA1_SIGNED), s1) else {
            panic!("not schema 1")
        };
        assert_eq!(cfg.created.as_deref(), Some("2024-01-01T00:00:00Z"));
        let err = |content_type: Option<&str>, body: &[u8]| {
            Manifest::parse(content_type, body).map(|_| ()).unwrap_err()
        };
        assert_eq!(
            err(None, b"{}"),
            "manifest has no media type and an unknown shape"
        );
        assert_eq!(
            err(None, b"not json"),
            "manifest is not valid JSON: expected ident at line 1 column 2"
        );
        assert_eq!(
            err(Some("application/vnd.example+json"), b"{}"),
            "unsupported manifest media type \"application/vnd.example+json\""
        );
    }

    #[test]
    fn digests() {
        let d = sha256_digest(b"abc");
        assert_eq!(
            d,
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(verify_digest(&d, b"abc").is_ok());
        assert_eq!(
            verify_digest(&d, b"abd").unwrap_err(),
            sha256_digest(b"abd")
        );
        assert_eq!(
            verify_digest("md5:00", b"abc").unwrap_err(),
            "unsupported digest \"md5:00\""
        );
        assert!(is_digest(&d));
        assert!(!is_digest("latest"));
    }
}
