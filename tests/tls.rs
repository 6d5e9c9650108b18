//! A real registry (distribution 2.8) serving HTTPS with a certificate from a CA the test
//! makes: refused while nobody trusts the CA, with a message that names the host and says
//! how to trust it; trusted by `--registry-ca`, by a registry's `ca` in the configuration
//! file (for that host alone) and by `SSL_CERT_FILE`; and a whole sync over it.

use std::fs;

use crate::support::registry::{ImageSpec, Kind, Pusher, Registry};
use crate::support::tls::TestCa;
use crate::support::{Repo, Run, Sandbox};

/// A TLS registry with `acme/web` tags `master-1` and the newer `master-2`, and its CA.
async fn tls_registry() -> (Registry, TestCa) {
    let ca = TestCa::new("tagpilot test CA");
    let registry = Registry::start_tls(&ca.cert_file(), &ca.key_file());
    let pusher = Pusher::with_ca(&registry, &ca.ca_file());
    for (tag, day) in [("master-1", 1), ("master-2", 2)] {
        let spec =
            ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
        pusher.push("acme/web", &spec).await;
    }
    (registry, ca)
}

/// One automated workload on the registry, and a `.tagpilot.yaml` that takes the loopback
/// registry as a secure one (as a real registry on another host would be), plus `extra`.
fn repo(sandbox: &Sandbox, host: &str, extra: &str) -> Repo {
    let workload = format!(
        "kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/automated: \"true\"\n    fluxcd.io/tag.web: glob:master-*\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {host}/acme/web:master-1\n"
    );
    let config = format!("registries:\n  - host: {host}\n    insecure: false\n{extra}");
    sandbox.repo(&[
        ("web.yaml", workload.as_bytes()),
        (".tagpilot.yaml", config.as_bytes()),
    ])
}

fn list(sandbox: &Sandbox, repo: &Repo, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut all = vec!["list-images", "-w", "deployment/web", "-o", "json"];
    all.extend(args);
    sandbox.tagpilot_env(&repo.work, &all, vars)
}

/// The tags listed for the one container.
fn tags(run: &Run) -> Vec<String> {
    let json = run.json();
    json[0]["containers"][0]["available"]
        .as_array()
        .unwrap_or_else(|| panic!("{json:#}"))
        .iter()
        .map(|t| t["tag"].as_str().expect("tag").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_ca_is_refused_naming_the_host_and_how_to_trust_it() {
    let (registry, _ca) = tls_registry().await;
    let sandbox = Sandbox::new();
    let repo = repo(&sandbox, &registry.host, "");
    let pushed = registry.access_log().len();
    let run = list(&sandbox, &repo, &[], &[]).code(1);
    let host = &registry.host;
    let json = run.json();
    let error = json[0]["containers"][0]["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(
        error,
        format!(
            "listing tags of {host}/acme/web: the TLS certificate of {host} is not trusted \
             (invalid peer certificate: UnknownIssuer); trust its CA with --registry-ca FILE \
             or the registry's `ca` in the configuration file"
        )
    );
    assert_eq!(run.stderr, format!("error: {error}\n"));
    // Refused at once: a certificate problem is not retried.
    assert_eq!(
        registry.access_log().len(),
        pushed,
        "nothing was asked over an untrusted connection"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ca_is_trusted_by_flag_by_the_registrys_ca_and_by_ssl_cert_file() {
    let (registry, ca) = tls_registry().await;
    let ca_file = ca.ca_file();
    let ca_path = ca_file.to_str().expect("utf-8");
    let sandbox = Sandbox::new();
    let expected = ["master-2", "master-1"];

    let plain = repo(&sandbox, &registry.host, "");
    let run = list(&sandbox, &plain, &["--registry-ca", ca_path], &[]).ok();
    assert_eq!(tags(&run), expected);
    let run = list(&sandbox, &plain, &[], &[("TAGPILOT_REGISTRY_CA", ca_path)]).ok();
    assert_eq!(tags(&run), expected);
    let run = list(&sandbox, &plain, &[], &[("SSL_CERT_FILE", ca_path)]).ok();
    assert_eq!(tags(&run), expected);

    // A registry's own `ca`, relative to the configuration file; trusted with
    // --trust-repo-config when the file is the repository's own, so it is given by
    // --config here.
    let other = Sandbox::new();
    let with_ca = repo(&other, &registry.host, "");
    let config = other.path().join("tagpilot.yaml");
    fs::copy(&ca_file, other.path().join("internal-ca.pem")).expect("copy the CA");
    fs::write(
        &config,
        format!(
            "registries:\n  - host: {}\n    insecure: false\n    ca: internal-ca.pem\n",
            registry.host
        ),
    )
    .expect("config");
    let run = list(
        &other,
        &with_ca,
        &["--config", config.to_str().expect("utf-8")],
        &[],
    )
    .ok();
    assert_eq!(tags(&run), expected);

    // A CA file that is not one says so, naming the file and the setting.
    let bogus = other.path().join("bogus.pem");
    fs::write(&bogus, "not a certificate\n").expect("bogus");
    let run = list(
        &other,
        &with_ca,
        &["--registry-ca", bogus.to_str().expect("utf-8")],
        &[],
    )
    .code(1);
    assert!(
        run.stderr.contains(&format!(
            "reading the CA certificates in {} (--registry-ca): no PEM certificate in it",
            bogus.display()
        )),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_over_tls_commits_the_new_tag() {
    let (registry, ca) = tls_registry().await;
    let sandbox = Sandbox::new();
    let repo = repo(&sandbox, &registry.host, "");
    let ca_file = ca.ca_file();
    sandbox
        .tagpilot(
            &repo.work,
            &["sync", "--registry-ca", ca_file.to_str().expect("utf-8")],
        )
        .ok();
    let text = String::from_utf8(repo.read("web.yaml")).expect("utf-8");
    assert!(
        text.contains(&format!("image: {}/acme/web:master-2\n", registry.host)),
        "{text}"
    );
    assert_eq!(sandbox.git(&repo.work, &["status", "--porcelain"]), "");
}
