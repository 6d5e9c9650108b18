//! Docker's reference grammar, checked by hand on byte slices.
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ registry "/" ] path-component [ "/" path-component ]*
//! registry   := host [ ":" port ]
//! host       := domain-label [ "." domain-label ]* | "[" ipv6-address "]"
//! domain-label := [A-Za-z0-9] | [A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]
//! path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*
//! separator  := "." | "_" | "__" | "-"+
//! tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! digest     := algorithm ":" encoded
//! algorithm  := [a-z0-9]+ ( [+._-] [a-z0-9]+ )*
//! encoded    := [a-zA-Z0-9=_-]{32,}   (sha256: 64 lower hex, sha512: 128 lower hex)
//! ```
//!
//! The first `/`-separated part of the name is a registry only when it contains `.` or
//! `:` or is exactly `localhost`; otherwise the whole name is a Docker Hub path. Hand-written
//! rather than a regex so a failure can say which part is wrong, and so parsing tens of
//! thousands of references costs no more than a few scans of each.

use std::net::Ipv6Addr;
use std::ops::Range;

use super::error::Problem;

/// The registry every Docker Hub spelling is canonicalized to.
pub const DOCKER_HUB_REGISTRY: &str = "index.docker.io";

/// The host that serves Docker Hub's registry API.
pub const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";

/// Registry spellings (lower case) that all mean Docker Hub: the canonical domain, the
/// legacy index name, the API host, and the legacy web name that also serves the API.
pub const DOCKER_HUB_ALIASES: [&str; 4] = [
    "docker.io",
    DOCKER_HUB_REGISTRY,
    DOCKER_HUB_API_HOST,
    "registry.hub.docker.com",
];

/// The longest name (registry and path as written) Docker accepts.
const NAME_MAX: usize = 255;

/// The longest tag Docker accepts.
const TAG_MAX: usize = 128;

/// Where the parts of a valid reference are, and its canonical name.
#[derive(Debug)]
pub(super) struct Parsed {
    /// End of the name as written (start of `:tag`, `@digest`, or the end of the text).
    pub name_end: usize,
    /// The tag's byte range in the text, without the `:`.
    pub tag: Option<Range<usize>>,
    /// Where the digest starts in the text, after the `@`; it runs to the end.
    pub digest_start: Option<usize>,
    /// `registry/repository`, canonical.
    pub canonical: String,
    /// Length of the registry at the start of `canonical`.
    pub registry_len: usize,
    /// Whether the registry is Docker Hub.
    pub docker_hub: bool,
}

/// Checks `text` against the grammar and finds its parts.
pub(super) fn parse(text: &str) -> Result<Parsed, Problem> {
    if text.is_empty() {
        return Err(Problem::Empty);
    }
    // Before the whitespace check: `{{ .Values.image }}` is better reported as a template.
    if text.contains("{{") || text.contains("}}") || text.contains("${") {
        return Err(Problem::Template);
    }
    if text.chars().any(char::is_whitespace) {
        return Err(Problem::Whitespace);
    }

    // Neither names nor tags contain `@`, so the first one starts the digest.
    let (before_digest, digest) = match text.split_once('@') {
        Some((before, digest)) => (before, Some(digest)),
        None => (text, None),
    };
    // A `:` is a tag separator only after the last `/`; before it, it is a registry port.
    let last_slash = before_digest.rfind('/');
    let (name, tag) = match before_digest.rfind(':') {
        Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
            (&before_digest[..colon], Some(&before_digest[colon + 1..]))
        }
        _ => (before_digest, None),
    };

    let (canonical, registry_len, docker_hub) = check_name(name)?;
    if let Some(tag) = tag {
        check_tag(tag)?;
    }
    if let Some(digest) = digest {
        check_digest(digest)?;
    }

    Ok(Parsed {
        name_end: name.len(),
        tag: tag.map(|_| name.len() + 1..before_digest.len()),
        digest_start: digest.map(|_| before_digest.len() + 1),
        canonical,
        registry_len,
        docker_hub,
    })
}

/// Checks a name and returns its canonical form, the registry's length in it, and whether
/// the registry is Docker Hub.
fn check_name(name: &str) -> Result<(String, usize, bool), Problem> {
    if name.is_empty() {
        return Err(Problem::Name("name is empty".to_owned()));
    }
    if name.len() > NAME_MAX {
        // Count characters only when the byte length is over; any non-ASCII character is
        // rejected below anyway.
        let len = name.chars().count();
        if len > NAME_MAX {
            return Err(Problem::NameTooLong(len));
        }
    }
    if name.contains("://") {
        return Err(Problem::Name(
            "name must not include a URL scheme".to_owned(),
        ));
    }
    if name.starts_with('/') {
        return Err(Problem::Name("name starts with \"/\"".to_owned()));
    }
    if name.ends_with('/') {
        return Err(Problem::Name("name ends with \"/\"".to_owned()));
    }
    if name.contains("//") {
        return Err(Problem::Name(
            "name has an empty path component (\"//\")".to_owned(),
        ));
    }

    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if is_registry(first) => (Some(first), rest),
        _ => (None, name),
    };
    let registry = match registry {
        Some(registry) => Some(check_registry(registry)?),
        None => None,
    };
    check_path(path)?;

    let registry = match registry.as_deref() {
        Some(written) if !DOCKER_HUB_ALIASES.contains(&written) => written,
        _ => DOCKER_HUB_REGISTRY,
    };
    let docker_hub = registry == DOCKER_HUB_REGISTRY;
    // Docker Hub keeps official images under `library/`; `nginx` means `library/nginx`.
    let library = if docker_hub && !path.contains('/') {
        "library/"
    } else {
        ""
    };
    let canonical = format!("{registry}/{library}{path}");
    Ok((canonical, registry.len(), docker_hub))
}

/// Docker's rule for telling a registry from the first path component.
fn is_registry(first: &str) -> bool {
    first.contains(['.', ':']) || first == "localhost"
}

/// Checks `host[:port]` and returns it in lower case (host names are case-insensitive, and
/// one spelling keeps one cache entry and one credential lookup per registry).
fn check_registry(registry: &str) -> Result<String, Problem> {
    let port = if let Some(bracketed) = registry.strip_prefix('[') {
        let Some((address, after)) = bracketed.split_once(']') else {
            return Err(Problem::Registry(format!(
                "registry {registry:?} has \"[\" without \"]\""
            )));
        };
        if address.parse::<Ipv6Addr>().is_err() {
            return Err(Problem::Registry(format!(
                "invalid IPv6 address {address:?} in registry {registry:?}"
            )));
        }
        if after.is_empty() {
            None
        } else if let Some(port) = after.strip_prefix(':') {
            Some(port)
        } else {
            return Err(Problem::Registry(format!(
                "unexpected {after:?} after the IPv6 address in registry {registry:?}"
            )));
        }
    } else {
        let (host, port) = match registry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (registry, None),
        };
        check_host(host, registry)?;
        port
    };
    if let Some(port) = port {
        let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        if !digits || port.parse::<u16>().is_err() {
            return Err(Problem::Registry(format!(
                "invalid port {port:?} in registry {registry:?}"
            )));
        }
    }
    Ok(registry.to_ascii_lowercase())
}

/// Checks a DNS name or IPv4 address: dot-separated labels of letters, digits and inner `-`.
fn check_host(host: &str, registry: &str) -> Result<(), Problem> {
    if host.is_empty() {
        return Err(Problem::Registry(format!(
            "registry {registry:?} has an empty host"
        )));
    }
    if let Some(c) = host
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(Problem::Registry(format!(
            "invalid character {c:?} in registry host {host:?}"
        )));
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err(Problem::Registry(format!(
                "registry host {host:?} has an empty label"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Problem::Registry(format!(
                "label {label:?} in registry host {host:?} must not start or end with \"-\""
            )));
        }
    }
    Ok(())
}

/// Checks the repository path: lower case, `/`-separated components (none empty; the
/// caller has already rejected leading, trailing and doubled `/`).
fn check_path(path: &str) -> Result<(), Problem> {
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Problem::UpperCase);
    }
    path.split('/').try_for_each(check_component)
}

/// Whether a byte may appear between separators in a path component.
fn is_path_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Checks one path component: runs of `[a-z0-9]` joined by `.`, `_`, `__` or `-`+.
fn check_component(component: &str) -> Result<(), Problem> {
    let bytes = component.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return Err(Problem::Name("name has an empty path component".to_owned()));
    };
    if let Some(c) = component
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(Problem::Name(format!(
            "invalid character {c:?} in path component {component:?}"
        )));
    }
    if !is_path_alnum(first) || !is_path_alnum(last) {
        return Err(Problem::Name(format!(
            "path component {component:?} must start and end with a lower-case letter or digit"
        )));
    }
    let mut i = 0;
    while i < bytes.len() {
        if is_path_alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_path_alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let valid = matches!(separator, "." | "_" | "__") || separator.bytes().all(|b| b == b'-');
        if !valid {
            return Err(Problem::Name(format!(
                "invalid separator {separator:?} in path component {component:?}"
            )));
        }
    }
    Ok(())
}

/// Checks a tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub(crate) fn check_tag(tag: &str) -> Result<(), Problem> {
    let Some(first) = tag.chars().next() else {
        return Err(Problem::Tag("tag is empty".to_owned()));
    };
    if let Some(c) = tag
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(Problem::Tag(format!(
            "invalid character {c:?} in tag {tag:?}"
        )));
    }
    if !(first.is_ascii_alphanumeric() || first == '_') {
        return Err(Problem::Tag(format!(
            "tag {tag:?} must start with a letter, digit or \"_\""
        )));
    }
    // Only ASCII is left, so bytes are characters.
    if tag.len() > TAG_MAX {
        return Err(Problem::Tag(format!(
            "tag is {} characters long, at most {TAG_MAX} are allowed",
            tag.len()
        )));
    }
    Ok(())
}

/// Checks a digest: `algorithm:encoded`, with the lengths the OCI spec registers for
/// sha256 and sha512, and the general form for other algorithms.
pub(super) fn check_digest(digest: &str) -> Result<(), Problem> {
    if digest.is_empty() {
        return Err(Problem::Digest("digest after \"@\" is empty".to_owned()));
    }
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return Err(Problem::Digest(format!(
            "digest {digest:?} must have the form algorithm:hex"
        )));
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['+', '.', '_', '-']).all(|component| {
            !component.is_empty()
                && component
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !algorithm_ok {
        return Err(Problem::Digest(format!(
            "invalid algorithm {algorithm:?} in digest {digest:?}"
        )));
    }
    let lower_hex = |len: usize| {
        encoded.len() == len
            && encoded
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let (valid, expected) = match algorithm {
        "sha256" => (lower_hex(64), "64 lower-case hex digits"),
        "sha512" => (lower_hex(128), "128 lower-case hex digits"),
        _ => (
            encoded.len() >= 32
                && encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-')),
            "at least 32 characters of [A-Za-z0-9=_-]",
        ),
    };
    if !valid {
        return Err(Problem::Digest(format!(
            "digest {digest:?} must have {expected} after {algorithm:?}"
        )));
    }
    Ok(())
}
