//! Table-driven tests for image reference parsing, canonical names and retagging.

use super::*;

const D1: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const D2: &str = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

fn parse(text: &str) -> ImageRef {
    match ImageRef::parse(text) {
        Ok(image) => image,
        Err(err) => panic!("{text:?} should parse: {err}"),
    }
}

fn error(text: &str) -> String {
    match ImageRef::parse(text) {
        Ok(image) => panic!("{text:?} should not parse, got {image:?}"),
        Err(err) => {
            assert_eq!(err.input(), text, "error keeps the input");
            err.to_string()
        }
    }
}

/// One valid reference and what it parses to.
struct Case {
    input: String,
    name: &'static str,
    registry: &'static str,
    repository: &'static str,
    tag: Option<&'static str>,
    digest: Option<String>,
}

fn case(
    input: impl Into<String>,
    name: &'static str,
    registry: &'static str,
    repository: &'static str,
    tag: Option<&'static str>,
    digest: Option<&str>,
) -> Case {
    Case {
        input: input.into(),
        name,
        registry,
        repository,
        tag,
        digest: digest.map(str::to_owned),
    }
}

const HUB: &str = "index.docker.io";

#[test]
fn parses_valid_references() {
    let sha512 = format!("sha512:{}", "ab".repeat(64));
    let multihash = "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8";
    let long_tag: &'static str = "t".repeat(128).leak();
    let long_name = format!("ghcr.io/{}", "a".repeat(247));
    let long_name: &'static str = long_name.leak();
    let long_repository = &long_name["ghcr.io/".len()..];

    #[rustfmt::skip]
    let cases = [
        // Docker Hub, one- and two-part paths, however the registry is written.
        case("nginx", "nginx", HUB, "library/nginx", None, None),
        case("nginx:1.27", "nginx", HUB, "library/nginx", Some("1.27"), None),
        case("nginx:latest", "nginx", HUB, "library/nginx", Some("latest"), None),
        case("bitnami/redis:7.2", "bitnami/redis", HUB, "bitnami/redis", Some("7.2"), None),
        case("docker.io/redis:8.8.0", "docker.io/redis", HUB, "library/redis", Some("8.8.0"), None),
        case("docker.io/library/redis", "docker.io/library/redis", HUB, "library/redis", None, None),
        case("docker.io/acme/app:1", "docker.io/acme/app", HUB, "acme/app", Some("1"), None),
        case("index.docker.io/library/x", "index.docker.io/library/x", HUB, "library/x", None, None),
        case("index.docker.io/x:2", "index.docker.io/x", HUB, "library/x", Some("2"), None),
        case("registry-1.docker.io/x:1", "registry-1.docker.io/x", HUB, "library/x", Some("1"), None),
        case("registry-1.docker.io/acme/x", "registry-1.docker.io/acme/x", HUB, "acme/x", None, None),
        case("Docker.IO/x", "Docker.IO/x", HUB, "library/x", None, None),
        case("a/b/c", "a/b/c", HUB, "a/b/c", None, None),
        // Other registries.
        case("ghcr.io/acme/app:v1.2.3", "ghcr.io/acme/app", "ghcr.io", "acme/app", Some("v1.2.3"), None),
        case("GHCR.io/acme/app", "GHCR.io/acme/app", "ghcr.io", "acme/app", None, None),
        case("ghcr.io/app", "ghcr.io/app", "ghcr.io", "app", None, None),
        case("quay.io/org/team/app:1", "quay.io/org/team/app", "quay.io", "org/team/app", Some("1"), None),
        case("docker.io:443/x", "docker.io:443/x", "docker.io:443", "x", None, None),
        // localhost and ports.
        case("localhost/x", "localhost/x", "localhost", "x", None, None),
        case("localhost:5000/x", "localhost:5000/x", "localhost:5000", "x", None, None),
        case("localhost:5000/a/b:1", "localhost:5000/a/b", "localhost:5000", "a/b", Some("1"), None),
        case("registry.internal:5000/team/app:1", "registry.internal:5000/team/app", "registry.internal:5000", "team/app", Some("1"), None),
        case("myhost:5000/app", "myhost:5000/app", "myhost:5000", "app", None, None),
        case("127.0.0.1:5000/app:v2", "127.0.0.1:5000/app", "127.0.0.1:5000", "app", Some("v2"), None),
        // With no `/` there is no registry part: a Hub name and a tag, as Docker reads it.
        case("localhost:5000", "localhost", HUB, "library/localhost", Some("5000"), None),
        case("localhost", "localhost", HUB, "library/localhost", None, None),
        case("ghcr.io", "ghcr.io", HUB, "library/ghcr.io", None, None),
        // IPv6 literals.
        case("[::1]:5000/x", "[::1]:5000/x", "[::1]:5000", "x", None, None),
        case("[::1]/x:2", "[::1]/x", "[::1]", "x", Some("2"), None),
        case(format!("[2001:db8::1]:443/a/b@{D1}"), "[2001:db8::1]:443/a/b", "[2001:db8::1]:443", "a/b", None, Some(D1)),
        case("[2001:DB8::1]:443/a", "[2001:DB8::1]:443/a", "[2001:db8::1]:443", "a", None, None),
        // Digests, alone and with a tag.
        case(format!("nginx@{D1}"), "nginx", HUB, "library/nginx", None, Some(D1)),
        case(format!("nginx:1.27@{D1}"), "nginx", HUB, "library/nginx", Some("1.27"), Some(D1)),
        case(format!("localhost:5000/x:1@{D2}"), "localhost:5000/x", "localhost:5000", "x", Some("1"), Some(D2)),
        case(format!("ghcr.io/a/b@{sha512}"), "ghcr.io/a/b", "ghcr.io", "a/b", None, Some(&sha512)),
        case(format!("x@{multihash}"), "x", HUB, "library/x", None, Some(multihash)),
        // Separators in path components, and tag edge cases.
        case("a/b_c/d__e/f-g/h---i/j.k:1", "a/b_c/d__e/f-g/h---i/j.k", HUB, "a/b_c/d__e/f-g/h---i/j.k", Some("1"), None),
        case("0a/1:_x", "0a/1", HUB, "0a/1", Some("_x"), None),
        case("app:V1.0-RC_1", "app", HUB, "library/app", Some("V1.0-RC_1"), None),
        case(format!("app:{long_tag}"), "app", HUB, "library/app", Some(long_tag), None),
        case(long_name, long_name, "ghcr.io", long_repository, None, None),
    ];

    for c in cases {
        let image = parse(&c.input);
        let what = &c.input;
        assert_eq!(image.as_written(), c.input, "as_written of {what:?}");
        assert_eq!(image.to_string(), c.input, "Display of {what:?}");
        assert_eq!(
            image.name_as_written(),
            c.name,
            "name_as_written of {what:?}"
        );
        assert_eq!(image.registry(), c.registry, "registry of {what:?}");
        assert_eq!(image.repository(), c.repository, "repository of {what:?}");
        assert_eq!(image.tag(), c.tag, "tag of {what:?}");
        assert_eq!(image.digest(), c.digest.as_deref(), "digest of {what:?}");
        assert_eq!(
            image.canonical_name(),
            format!("{}/{}", c.registry, c.repository),
            "canonical_name of {what:?}"
        );
        assert_eq!(image.canonical_name_str(), image.canonical_name());
        let hub = c.registry == HUB;
        assert_eq!(image.is_docker_hub(), hub, "is_docker_hub of {what:?}");
        let api_host = if hub {
            "registry-1.docker.io"
        } else {
            c.registry
        };
        assert_eq!(image.api_host(), api_host, "api_host of {what:?}");
        assert_eq!(
            c.input.parse::<ImageRef>().as_ref(),
            Ok(&image),
            "FromStr of {what:?}"
        );
    }
}

#[test]
fn canonical_names() {
    let cases = [
        ("nginx", "index.docker.io/library/nginx"),
        ("docker.io/nginx:1", "index.docker.io/library/nginx"),
        ("acme/app", "index.docker.io/acme/app"),
        ("ghcr.io/acme/app:1", "ghcr.io/acme/app"),
        ("GHCR.IO/acme/app", "ghcr.io/acme/app"),
        ("localhost:5000/x", "localhost:5000/x"),
        ("localhost/x", "localhost/x"),
        ("[::1]:5000/x", "[::1]:5000/x"),
        (
            "registry.internal:5000/team/app:1",
            "registry.internal:5000/team/app",
        ),
    ];
    for (input, canonical) in cases {
        assert_eq!(
            parse(input).canonical_name(),
            canonical,
            "canonical_name of {input:?}"
        );
    }
}

#[test]
fn differently_written_hub_names_have_one_canonical_name() {
    let spellings = [
        "nginx".to_owned(),
        "nginx:1.27".to_owned(),
        format!("nginx@{D1}"),
        "library/nginx".to_owned(),
        "docker.io/nginx".to_owned(),
        "docker.io/library/nginx:1.26".to_owned(),
        "index.docker.io/nginx".to_owned(),
        "index.docker.io/library/nginx".to_owned(),
        "registry-1.docker.io/nginx".to_owned(),
        "registry-1.docker.io/library/nginx".to_owned(),
    ];
    let images: Vec<ImageRef> = spellings.iter().map(|s| parse(s)).collect();
    for image in &images {
        assert_eq!(
            image.canonical_name(),
            "index.docker.io/library/nginx",
            "{image:?}"
        );
        assert_eq!(image.registry(), images[0].registry());
        assert_eq!(image.repository(), images[0].repository());
    }
    // Equality is about the text as written, not the repository.
    assert_ne!(images[0], images[4]);
    assert_eq!(images[0], parse("nginx"));

    // A name on another registry is another repository.
    assert_ne!(
        parse("ghcr.io/acme/app").canonical_name(),
        parse("acme/app").canonical_name()
    );
    assert_eq!(
        parse("docker.io/acme/app").canonical_name(),
        parse("acme/app:2").canonical_name()
    );
}

#[test]
fn rejects_malformed_references() {
    let bad_hex = format!("sha256:{}", "A".repeat(64));
    #[rustfmt::skip]
    let cases: Vec<(String, String)> = [
        ("", "reference is empty"),
        ("{{ .Values.image }}", "looks like an unrendered template"),
        ("{{.Values.image}}", "looks like an unrendered template"),
        ("repo/app:{{.Values.tag}}", "looks like an unrendered template"),
        ("${IMAGE}", "looks like an unrendered template"),
        ("nginx :1", "contains whitespace"),
        (" nginx", "contains whitespace"),
        ("nginx\n", "contains whitespace"),
        ("Foo:1", "repository name must be lower case"),
        ("ghcr.io/Acme/app", "repository name must be lower case"),
        ("nginx:", "tag is empty"),
        ("ghcr.io/a/b:@x", "tag is empty"),
        ("nginx:-1", "tag \"-1\" must start with a letter, digit or \"_\""),
        ("nginx:.1", "tag \".1\" must start with a letter, digit or \"_\""),
        ("nginx:1+2", "invalid character '+' in tag \"1+2\""),
        ("nginx@", "digest after \"@\" is empty"),
        ("nginx:1@", "digest after \"@\" is empty"),
        ("nginx@abc", "digest \"abc\" must have the form algorithm:hex"),
        ("nginx@sha256:abc", "digest \"sha256:abc\" must have 64 lower-case hex digits after \"sha256\""),
        ("nginx@sha512:abcd", "digest \"sha512:abcd\" must have 128 lower-case hex digits after \"sha512\""),
        ("nginx@SHA256:abc", "invalid algorithm \"SHA256\" in digest \"SHA256:abc\""),
        ("nginx@sha256+:abc", "invalid algorithm \"sha256+\" in digest \"sha256+:abc\""),
        ("nginx@:abc", "invalid algorithm \"\" in digest \":abc\""),
        ("nginx@md5:abc", "digest \"md5:abc\" must have at least 32 characters of [A-Za-z0-9=_-] after \"md5\""),
        ("/nginx", "name starts with \"/\""),
        ("nginx/", "name ends with \"/\""),
        ("ghcr.io/", "name ends with \"/\""),
        ("a//b", "name has an empty path component (\"//\")"),
        ("ghcr.io//b:1", "name has an empty path component (\"//\")"),
        ("http://ghcr.io/x", "name must not include a URL scheme"),
        (":1", "name is empty"),
        ("@sha256:abc", "name is empty"),
        ("-a", "path component \"-a\" must start and end with a lower-case letter or digit"),
        ("a/b_", "path component \"b_\" must start and end with a lower-case letter or digit"),
        ("a__-b", "invalid separator \"__-\" in path component \"a__-b\""),
        ("a...b", "invalid separator \"...\" in path component \"a...b\""),
        ("a___b", "invalid separator \"___\" in path component \"a___b\""),
        ("a._b", "invalid separator \"._\" in path component \"a._b\""),
        ("a+b", "invalid character '+' in path component \"a+b\""),
        ("ünïcode", "invalid character 'ü' in path component \"ünïcode\""),
        ("nginx:1.0:2", "invalid character ':' in path component \"nginx:1.0\""),
        ("[::1]:5000", "invalid character '[' in path component \"[::1]\""),
        ("ghcr.io:abc/x", "invalid port \"abc\" in registry \"ghcr.io:abc\""),
        ("ghcr.io:/x", "invalid port \"\" in registry \"ghcr.io:\""),
        ("localhost:99999/x", "invalid port \"99999\" in registry \"localhost:99999\""),
        ("localhost:5000:1/x", "invalid port \"5000:1\" in registry \"localhost:5000:1\""),
        (":5000/x", "registry \":5000\" has an empty host"),
        ("exa_mple.com/x", "invalid character '_' in registry host \"exa_mple.com\""),
        ("-bad.com/x", "label \"-bad\" in registry host \"-bad.com\" must not start or end with \"-\""),
        ("a..b.com/x", "registry host \"a..b.com\" has an empty label"),
        ("[::1/x", "registry \"[::1\" has \"[\" without \"]\""),
        ("[zz::1]:5000/x", "invalid IPv6 address \"zz::1\" in registry \"[zz::1]:5000\""),
        ("[::1]x/y", "unexpected \"x\" after the IPv6 address in registry \"[::1]x\""),
    ]
    .into_iter()
    .map(|(input, reason)| (input.to_owned(), reason.to_owned()))
    .chain([
        (format!("nginx@{bad_hex}"), format!("digest \"{bad_hex}\" must have 64 lower-case hex digits after \"sha256\"")),
        (format!("nginx@{D1}@{D1}"), format!("digest \"{D1}@{D1}\" must have 64 lower-case hex digits after \"sha256\"")),
        (format!("app:{}", "t".repeat(129)), "tag is 129 characters long, at most 128 are allowed".to_owned()),
        (format!("ghcr.io/{}:1", "a".repeat(248)), "name is 256 characters long, at most 255 are allowed".to_owned()),
    ])
    .collect();

    for (input, reason) in cases {
        let expected = format!("invalid image reference {input:?}: {reason}");
        assert_eq!(error(&input), expected, "error for {input:?}");
    }
}

#[test]
fn error_variants_and_exact_text() {
    // Spelled out once without format! so the quoting is pinned down, not just consistent.
    assert_eq!(
        error("Foo:1"),
        r#"invalid image reference "Foo:1": repository name must be lower case"#
    );
    assert_eq!(
        error("nginx\t"),
        r#"invalid image reference "nginx\t": contains whitespace"#
    );
    assert!(matches!(
        ImageRef::parse(""),
        Err(ImageRefError::Empty { .. })
    ));
    assert!(matches!(
        ImageRef::parse("Foo"),
        Err(ImageRefError::UpperCase { .. })
    ));
    assert!(matches!(
        ImageRef::parse("x:"),
        Err(ImageRefError::InvalidTag { .. })
    ));
    assert!(matches!(
        ImageRef::parse("x@y"),
        Err(ImageRefError::InvalidDigest { .. })
    ));
    assert!(matches!(
        ImageRef::parse("a:b/c"),
        Err(ImageRefError::InvalidRegistry { .. })
    ));
    assert!(matches!(
        ImageRef::parse("a//c"),
        Err(ImageRefError::InvalidName { .. })
    ));
    assert!(matches!(
        ImageRef::parse("{{ x }}"),
        Err(ImageRefError::Template { .. })
    ));
}

#[test]
fn with_tag_keeps_the_name_as_written() {
    #[rustfmt::skip]
    let cases = [
        ("docker.io/redis:8.8.0".to_owned(), "8.9.0", None, "docker.io/redis:8.9.0".to_owned()),
        ("nginx".to_owned(), "1.27", None, "nginx:1.27".to_owned()),
        // No digest was written, so none is added.
        ("nginx:1.26".to_owned(), "1.27", Some(D2), "nginx:1.27".to_owned()),
        ("nginx".to_owned(), "1.27", Some("not a digest"), "nginx:1.27".to_owned()),
        // A written digest is replaced by the new tag's.
        (format!("nginx@{D1}"), "1.27", Some(D2), format!("nginx:1.27@{D2}")),
        (format!("nginx:1.26@{D1}"), "1.27", Some(D2), format!("nginx:1.27@{D2}")),
        (format!("nginx:1.26@{D1}"), "1.26", Some(D1), format!("nginx:1.26@{D1}")),
        ("localhost:5000/a/b:1".to_owned(), "2", None, "localhost:5000/a/b:2".to_owned()),
        ("[::1]:5000/x".to_owned(), "v2", None, "[::1]:5000/x:v2".to_owned()),
        ("Docker.IO/x:1".to_owned(), "2", None, "Docker.IO/x:2".to_owned()),
        ("GHCR.io/acme/app:1".to_owned(), "_2", None, "GHCR.io/acme/app:_2".to_owned()),
    ];
    for (input, tag, digest, expected) in cases {
        let image = parse(&input);
        let retagged = match image.with_tag(tag, digest) {
            Ok(retagged) => retagged,
            Err(err) => panic!("{input:?} with tag {tag:?}: {err}"),
        };
        assert_eq!(
            retagged.as_written(),
            expected,
            "{input:?} with tag {tag:?}"
        );
        assert_eq!(retagged.name_as_written(), image.name_as_written());
        assert_eq!(retagged.canonical_name(), image.canonical_name());
        assert_eq!(retagged.api_host(), image.api_host());
        assert_eq!(retagged.tag(), Some(tag));
        // The result is exactly what parsing its text gives.
        assert_eq!(retagged, parse(&expected), "{input:?} with tag {tag:?}");
    }
}

#[test]
fn with_tag_rejects_bad_tags_and_digests() {
    let pinned = parse(&format!("nginx:1.26@{D1}"));
    let err = pinned.with_tag("1.27", None).map(|image| image.to_string());
    assert_eq!(
        err.map_err(|err| err.to_string()),
        Err(format!(
            "cannot change the tag of \"nginx:1.26@{D1}\" to \"1.27\": it is pinned by digest and no digest was given for the new tag"
        ))
    );

    let plain = parse("nginx:1");
    let with_digest = format!("1@{D2}");
    #[rustfmt::skip]
    let cases = [
        (&plain, "", None, "invalid image reference \"nginx:\": tag is empty".to_owned()),
        // A "tag" with `/` or `@` must not turn into a registry or a digest.
        (&plain, "1/x", None, "invalid image reference \"nginx:1/x\": invalid character '/' in tag \"1/x\"".to_owned()),
        (&plain, &with_digest, None, format!("invalid image reference \"nginx:1@{D2}\": invalid character '@' in tag \"1@{D2}\"")),
        (&plain, "-x", None, "invalid image reference \"nginx:-x\": tag \"-x\" must start with a letter, digit or \"_\"".to_owned()),
        (&pinned, "1.27", Some("sha256:abc"), "invalid image reference \"nginx:1.27@sha256:abc\": digest \"sha256:abc\" must have 64 lower-case hex digits after \"sha256\"".to_owned()),
        (&pinned, "1.27", Some(""), "invalid image reference \"nginx:1.27@\": digest after \"@\" is empty".to_owned()),
    ];
    for (image, tag, digest, expected) in cases {
        match image.with_tag(tag, digest) {
            Ok(retagged) => panic!("{image} with tag {tag:?} should fail, got {retagged:?}"),
            Err(err) => assert_eq!(err.to_string(), expected, "{image} with tag {tag:?}"),
        }
    }
}

#[test]
fn debug_shows_written_and_canonical_forms() {
    let image = parse("docker.io/redis:8.8.0");
    assert_eq!(
        format!("{image:?}"),
        r#"ImageRef { written: "docker.io/redis:8.8.0", canonical: "index.docker.io/library/redis", tag: Some("8.8.0"), digest: None }"#
    );
}

proptest::proptest! {
    /// Parsing never panics (byte slicing at non-ASCII input included), and whatever parses
    /// gives back its text and its name unchanged.
    #[test]
    fn parse_never_panics_and_keeps_the_text(text in "[a-zA-Z0-9.:/@_\\-\\[\\]é ]{0,40}") {
        if let Ok(image) = ImageRef::parse(&text) {
            proptest::prop_assert_eq!(image.as_written(), text.as_str());
            proptest::prop_assert!(text.starts_with(image.name_as_written()));
            proptest::prop_assert!(image.canonical_name().ends_with(image.repository()));
        }
    }

    /// Retagging a valid reference with a valid tag gives what parsing the new text gives.
    #[test]
    fn with_tag_agrees_with_parse(
        registry in "(|ghcr\\.io/|localhost:5000/|docker\\.io/|\\[::1\\]:5000/)",
        path in "[a-z0-9]{1,8}(/[a-z0-9]{1,8}(-[a-z0-9]{1,4})?){0,2}",
        old in "(|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,10})",
        pinned in proptest::bool::ANY,
        tag in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}",
    ) {
        let suffix = if pinned { format!("@{D1}") } else { String::new() };
        let image = parse(&format!("{registry}{path}{old}{suffix}"));
        let retagged = image.with_tag(&tag, Some(D2));
        let expected = if pinned {
            format!("{registry}{path}:{tag}@{D2}")
        } else {
            format!("{registry}{path}:{tag}")
        };
        proptest::prop_assert_eq!(retagged.ok(), Some(parse(&expected)));
    }
}

#[test]
fn one_list_of_docker_hub_names_and_one_tag_grammar() {
    for host in DOCKER_HUB_ALIASES {
        assert!(is_docker_hub_host(host), "{host}");
        assert!(is_docker_hub_host(&host.to_ascii_uppercase()), "{host}");
        let image = parse(&format!("{host}/nginx:1"));
        assert_eq!(image.canonical_name(), "index.docker.io/library/nginx");
    }
    assert!(!is_docker_hub_host("ghcr.io"));
    for ok in ["latest", "1.0.0", "_x", "V1-rc.2", &"a".repeat(128)] {
        assert!(is_valid_tag(ok), "{ok}");
    }
    for bad in ["", ".x", "-x", "a/b", "a?b", "..", &"a".repeat(129)] {
        assert!(!is_valid_tag(bad), "{bad}");
    }
}
