//! A real registry for tests: Debian's `docker-registry` (distribution 2.8) started on
//! 127.0.0.1 with a generated config in a temporary directory and killed on drop, plus
//! a pusher that uploads synthetic images over the HTTP API with chosen creation times,
//! labels and annotations (Docker schema 2, OCI manifests, Docker manifest lists and OCI
//! indexes with attestations). The image builder is shared with the fake server.
//!
//! The binary is `$REGISTRY_BIN`, else `docker-registry` on `PATH` (Debian's
//! docker-registry package).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::from("sha256:");
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A free TCP port on an address (tiny race between closing and reuse; fine for tests).
pub fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding a free port")
}

/// An address where nothing listens, so a connection is refused at once. A port freed
/// after binding it would do until another test's server is given the same port (then
/// one test's requests reach the other's server); port 1 is privileged and unused.
pub const REFUSED: &str = "127.0.0.1:1";

/// The user of [`Registry::start_htpasswd`].
pub const BASIC_USER: &str = "testuser";
/// Their password.
pub const BASIC_PASSWORD: &str = "testpass";
/// `htpasswd -Bbn testuser testpass`, made once: distribution accepts only bcrypt, and a
/// fixed hash spares the tests a dependency on apache2-utils.
const HTPASSWD: &str = "testuser:$2y$05$KCxjKwIIPQ9TCl/CAatsNeuyPjTREmXOPwcwdRpAAXoegGWF/5tq6\n";

/// A running `docker-registry serve`.
pub struct Registry {
    child: Child,
    dir: tempfile::TempDir,
    /// `127.0.0.1:<port>`.
    pub host: String,
    /// Whether it serves HTTPS.
    tls: bool,
}

impl Registry {
    /// A registry without auth.
    pub fn start() -> Registry {
        Registry::launch(false, None)
    }

    /// A registry with htpasswd (Basic) auth for [`BASIC_USER`] and [`BASIC_PASSWORD`].
    pub fn start_htpasswd() -> Registry {
        Registry::launch(true, None)
    }

    /// A registry serving HTTPS only, with this certificate and key (PEM files).
    pub fn start_tls(certificate: &std::path::Path, key: &std::path::Path) -> Registry {
        Registry::launch(false, Some((certificate, key)))
    }

    fn launch(basic: bool, tls: Option<(&std::path::Path, &std::path::Path)>) -> Registry {
        let dir = tempfile::tempdir().expect("creating a temp dir for the registry");
        let port = free_port("127.0.0.1");
        let root = dir.path();
        let mut auth = String::new();
        if basic {
            std::fs::write(root.join("htpasswd"), HTPASSWD).expect("writing htpasswd");
            auth = format!(
                "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                root.join("htpasswd").display()
            );
        }
        // Under `http:`, so before the top-level `auth:`.
        let https = tls.map_or(String::new(), |(certificate, key)| {
            format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                certificate.display(),
                key.display()
            )
        });
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\n\
             storage:\n  filesystem:\n    rootdirectory: {data}\n  delete:\n    enabled: true\n  \
             cache:\n    blobdescriptor: inmemory\n  redirect:\n    disable: true\n\
             http:\n  addr: 127.0.0.1:{port}\n  secret: tagpilot-tests-not-secret\n{https}{auth}",
            data = root.join("data").display(),
        );
        std::fs::write(root.join("config.yml"), config).expect("writing the registry config");
        let bin = std::env::var("REGISTRY_BIN").unwrap_or_else(|_| "docker-registry".into());
        let stdout =
            std::fs::File::create(root.join("access.log")).expect("creating the access log");
        let stderr =
            std::fs::File::create(root.join("registry.log")).expect("creating the registry log");
        let child = Command::new(&bin)
            .arg("serve")
            .arg(root.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("starting {bin}: {e}; install Debian's docker-registry package or set REGISTRY_BIN")
            });
        let mut reg = Registry {
            child,
            dir,
            host: format!("127.0.0.1:{port}"),
            tls: tls.is_some(),
        };
        reg.wait_ready();
        reg
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Some(status) = self
                .child
                .try_wait()
                .expect("checking the registry process")
            {
                panic!("the registry exited ({status}): {}", self.server_log());
            }
            if let Ok(mut s) = TcpStream::connect(&self.host) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let req = format!("GET /v2/ HTTP/1.0\r\nHost: {}\r\n\r\n", self.host);
                let mut answer = String::new();
                if s.write_all(req.as_bytes()).is_ok()
                    && s.read_to_string(&mut answer).is_ok()
                    && (answer.starts_with("HTTP/1.0 200")
                        || answer.starts_with("HTTP/1.0 401")
                        // Go's answer to plain HTTP on a TLS port: up, and speaking TLS.
                        || (self.tls && answer.starts_with("HTTP/1.0 400")))
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the registry did not come up: {}", self.server_log());
    }

    /// The registry's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Remove the stored bytes of blob `digest` (a manifest or a config), as a damaged
    /// storage loses them: the registry still lists its tag but cannot serve it.
    pub fn break_blob(&self, digest: &str) {
        let hex = digest.trim_start_matches("sha256:");
        let path = self
            .dir
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data");
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("removing {}: {e}", path.display()));
    }

    /// `http://127.0.0.1:<port>`, or `https://` for a TLS registry.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.host)
    }

    /// The registry's own log (errors).
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// The access log lines so far (Apache combined format).
    pub fn access_log(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits until the access log has at least `n` lines that contain `needle` (the
    /// registry writes a line just after answering).
    pub async fn wait_for_log(&self, needle: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let count = self
                .access_log()
                .iter()
                .filter(|l| l.contains(needle))
                .count();
            if count >= n {
                // Let any other line of the same burst land too.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {n} access log lines with {needle:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The kinds of image the builder makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Docker,
    Oci,
    DockerList,
    OciIndex,
}

/// A synthetic image to build: one tag, its kind, times, labels and annotations.
#[derive(Clone, Debug)]
pub struct ImageSpec {
    pub tag: String,
    pub kind: Kind,
    /// The config's `created`; `None` leaves the field out.
    pub created: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub index_annotations: BTreeMap<String, String>,
    /// Platforms (`linux/arm64/v8`); single-image kinds use the first.
    pub platforms: Vec<String>,
    /// Per-platform `created` overrides.
    pub platform_created: BTreeMap<String, String>,
    /// An attestation manifest per platform (OCI index only).
    pub attestation: bool,
    /// Changes the config bytes without changing anything else, to move a tag.
    pub salt: String,
}

impl ImageSpec {
    pub fn new(tag: &str, kind: Kind) -> ImageSpec {
        let platforms = match kind {
            Kind::Docker | Kind::Oci => vec!["linux/amd64".to_owned()],
            Kind::DockerList | Kind::OciIndex => {
                vec!["linux/amd64".to_owned(), "linux/arm64/v8".to_owned()]
            }
        };
        ImageSpec {
            tag: tag.to_owned(),
            kind,
            created: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            index_annotations: BTreeMap::new(),
            platforms,
            platform_created: BTreeMap::new(),
            attestation: false,
            salt: String::new(),
        }
    }
    pub fn created(mut self, t: &str) -> Self {
        self.created = Some(t.to_owned());
        self
    }
    pub fn label(mut self, k: &str, v: &str) -> Self {
        self.labels.insert(k.to_owned(), v.to_owned());
        self
    }
    pub fn annotation(mut self, k: &str, v: &str) -> Self {
        self.annotations.insert(k.to_owned(), v.to_owned());
        self
    }
    pub fn index_annotation(mut self, k: &str, v: &str) -> Self {
        self.index_annotations.insert(k.to_owned(), v.to_owned());
        self
    }
    pub fn platforms(mut self, p: &[&str]) -> Self {
        self.platforms = p.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn platform_created(mut self, p: &str, t: &str) -> Self {
        self.platform_created.insert(p.to_owned(), t.to_owned());
        self
    }
    pub fn attestation(mut self) -> Self {
        self.attestation = true;
        self
    }
    pub fn salt(mut self, s: &str) -> Self {
        self.salt = s.to_owned();
        self
    }
}

/// Everything an image consists of, built in memory: blobs, child manifests (by digest)
/// and the tagged manifest.
#[derive(Clone, Debug)]
pub struct Built {
    pub tag: String,
    pub blobs: Vec<Vec<u8>>,
    /// (media type, bytes), pushed by digest before the tag.
    pub children: Vec<(String, Vec<u8>)>,
    pub media_type: String,
    pub manifest: Vec<u8>,
    /// The tag's digest.
    pub digest: String,
    /// Config digests by platform.
    pub configs: BTreeMap<String, String>,
}

fn platform_json(p: &str) -> Value {
    let parts: Vec<&str> = p.split('/').collect();
    let mut v = json!({"os": parts[0], "architecture": parts[1]});
    if let Some(var) = parts.get(2) {
        v["variant"] = json!(var);
    }
    v
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": sha256(bytes), "size": bytes.len()})
}

/// Builds an image from its spec.
pub fn build(spec: &ImageSpec) -> Built {
    let oci = matches!(spec.kind, Kind::Oci | Kind::OciIndex);
    let mut blobs = Vec::new();
    let mut children = Vec::new();
    let mut configs = BTreeMap::new();
    let mut image = |platform: &str, blobs: &mut Vec<Vec<u8>>| -> (String, Vec<u8>) {
        let layer = format!("synthetic layer for {platform}\n").into_bytes();
        let plat = platform_json(platform);
        let mut labels = spec.labels.clone();
        labels.insert("test.tag".into(), spec.tag.clone());
        let mut config = json!({
            "architecture": plat["architecture"],
            "os": plat["os"],
            "config": {"Labels": labels, "Env": [format!("SALT={}", spec.salt)]},
            "rootfs": {"type": "layers", "diff_ids": [sha256(&layer)]},
        });
        if let Some(v) = plat.get("variant") {
            config["variant"] = v.clone();
        }
        let created = spec
            .platform_created
            .get(platform)
            .or(spec.created.as_ref());
        if let Some(c) = created {
            config["created"] = json!(c);
        }
        let config = serde_json::to_vec(&config).expect("serializing a config");
        configs.insert(platform.to_owned(), sha256(&config));
        let (mt, cfg_mt, layer_mt) = if oci {
            (
                OCI_MANIFEST,
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        } else {
            (
                DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
            )
        };
        let mut manifest = json!({
            "schemaVersion": 2,
            "mediaType": mt,
            "config": descriptor(cfg_mt, &config),
            "layers": [descriptor(layer_mt, &layer)],
        });
        if !spec.annotations.is_empty() {
            manifest["annotations"] = json!(spec.annotations);
        }
        blobs.push(layer);
        blobs.push(config);
        (
            mt.to_owned(),
            serde_json::to_vec(&manifest).expect("serializing a manifest"),
        )
    };
    let (media_type, manifest) = match spec.kind {
        Kind::Docker | Kind::Oci => image(&spec.platforms[0], &mut blobs),
        Kind::DockerList | Kind::OciIndex => {
            let mut entries = Vec::new();
            for p in &spec.platforms {
                let (mt, bytes) = image(p, &mut blobs);
                let mut d = descriptor(&mt, &bytes);
                d["platform"] = platform_json(p);
                entries.push(d);
                children.push((mt, bytes));
            }
            if spec.attestation {
                for i in 0..entries.len() {
                    let subject = entries[i]["digest"].as_str().unwrap_or_default().to_owned();
                    let statement = serde_json::to_vec(&json!({
                        "_type": "https://in-toto.io/Statement/v0.1",
                        "predicateType": "https://slsa.dev/provenance/v0.2",
                        "subject": [{"name": "test", "digest": {"sha256": subject.trim_start_matches("sha256:")}}],
                    }))
                    .expect("serializing a statement");
                    let config = serde_json::to_vec(&json!({"architecture": "unknown", "os": "unknown", "config": {}, "rootfs": {"type": "layers", "diff_ids": [sha256(&statement)]}})).expect("serializing");
                    let att = serde_json::to_vec(&json!({
                        "schemaVersion": 2,
                        "mediaType": OCI_MANIFEST,
                        "config": descriptor("application/vnd.oci.image.config.v1+json", &config),
                        "layers": [descriptor("application/vnd.in-toto+json", &statement)],
                    }))
                    .expect("serializing");
                    let mut d = descriptor(OCI_MANIFEST, &att);
                    d["platform"] = json!({"os": "unknown", "architecture": "unknown"});
                    d["annotations"] = json!({
                        "vnd.docker.reference.type": "attestation-manifest",
                        "vnd.docker.reference.digest": subject,
                    });
                    entries.push(d);
                    blobs.push(statement);
                    blobs.push(config);
                    children.push((OCI_MANIFEST.to_owned(), att));
                }
            }
            let mt = if oci { OCI_INDEX } else { DOCKER_LIST };
            let mut index = json!({"schemaVersion": 2, "mediaType": mt, "manifests": entries});
            if !spec.index_annotations.is_empty() {
                index["annotations"] = json!(spec.index_annotations);
            }
            (
                mt.to_owned(),
                serde_json::to_vec(&index).expect("serializing an index"),
            )
        }
    };
    Built {
        tag: spec.tag.clone(),
        blobs,
        children,
        digest: sha256(&manifest),
        media_type,
        manifest,
        configs,
    }
}

/// Pushes images to a registry over its HTTP API (monolithic blob uploads).
pub struct Pusher {
    base: String,
    http: reqwest::Client,
    auth: Option<String>,
    uploaded: Mutex<HashSet<(String, String)>>,
}

impl Pusher {
    pub fn new(registry: &Registry) -> Pusher {
        Pusher::with_base(&registry.url(), None)
    }

    pub fn with_basic(registry: &Registry, user: &str, password: &str) -> Pusher {
        Pusher::with_base(&registry.url(), Some((user, password)))
    }

    /// A pusher to a TLS registry whose certificate this CA (a PEM file) signed.
    pub fn with_ca(registry: &Registry, ca: &std::path::Path) -> Pusher {
        let pem = std::fs::read(ca).expect("reading the CA");
        let ca = reqwest::Certificate::from_pem(&pem).expect("a PEM CA");
        Pusher::with_client(
            &registry.url(),
            None,
            reqwest::Client::builder().tls_certs_merge([ca]),
        )
    }

    fn with_base(base: &str, basic: Option<(&str, &str)>) -> Pusher {
        Pusher::with_client(base, basic, reqwest::Client::builder())
    }

    fn with_client(
        base: &str,
        basic: Option<(&str, &str)>,
        builder: reqwest::ClientBuilder,
    ) -> Pusher {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Pusher {
            base: base.to_owned(),
            http: builder.build().expect("building the pusher's client"),
            auth: basic.map(|(u, p)| {
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
                )
            }),
            uploaded: Mutex::new(HashSet::new()),
        }
    }

    fn req(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, url);
        match &self.auth {
            Some(a) => r.header("authorization", a),
            None => r,
        }
    }

    pub async fn put_blob(&self, repo: &str, bytes: &[u8]) {
        let digest = sha256(bytes);
        if !self
            .uploaded
            .lock()
            .unwrap()
            .insert((repo.to_owned(), digest.clone()))
        {
            return;
        }
        let r = self
            .req(
                reqwest::Method::POST,
                &format!("{}/v2/{repo}/blobs/uploads/", self.base),
            )
            .header("content-length", "0")
            .send()
            .await
            .expect("starting a blob upload");
        assert_eq!(
            r.status().as_u16(),
            202,
            "POST upload: {:?}",
            r.text().await
        );
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let location = if location.starts_with('/') {
            format!("{}{location}", self.base)
        } else {
            location
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        let r = self
            .req(
                reqwest::Method::PUT,
                &format!("{location}{sep}digest={digest}"),
            )
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await
            .expect("finishing a blob upload");
        assert_eq!(r.status().as_u16(), 201, "PUT blob: {:?}", r.text().await);
    }

    pub async fn put_manifest(&self, repo: &str, reference: &str, media_type: &str, bytes: &[u8]) {
        let r = self
            .req(
                reqwest::Method::PUT,
                &format!("{}/v2/{repo}/manifests/{reference}", self.base),
            )
            .header("content-type", media_type)
            .body(bytes.to_vec())
            .send()
            .await
            .expect("putting a manifest");
        assert_eq!(
            r.status().as_u16(),
            201,
            "PUT manifest {reference}: {:?}",
            r.text().await
        );
        let got = r
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(got.as_deref(), Some(sha256(bytes).as_str()));
    }

    /// Builds and pushes one image; returns what was pushed.
    pub async fn push(&self, repo: &str, spec: &ImageSpec) -> Built {
        let built = build(spec);
        for b in &built.blobs {
            self.put_blob(repo, b).await;
        }
        for (mt, bytes) in &built.children {
            self.put_manifest(repo, &sha256(bytes), mt, bytes).await;
        }
        self.put_manifest(repo, &built.tag, &built.media_type, &built.manifest)
            .await;
        built
    }
}

/// A Docker config file in a temp dir holding `auths` for one host.
pub fn docker_config_with_auth(
    host: &str,
    user: &str,
    password: &str,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let path = dir.path().join("config.json");
    std::fs::write(
        &path,
        serde_json::to_vec(&json!({"auths": {host: {"auth": auth}}})).unwrap(),
    )
    .unwrap();
    (dir, path)
}

/// A real registry holding `repository` with `tags`, each a single-platform image built at
/// 10:00 on the given day of May 2024; and the registry's `host:port`.
pub async fn with_tags(repository: &str, tags: &[(&str, u32)]) -> (Registry, String) {
    let registry = Registry::start();
    let pusher = Pusher::new(&registry);
    for (tag, day) in tags {
        let spec =
            ImageSpec::new(tag, Kind::Docker).created(&format!("2024-05-{day:02}T10:00:00Z"));
        pusher.push(repository, &spec).await;
    }
    let host = registry.url().trim_start_matches("http://").to_owned();
    (registry, host)
}
