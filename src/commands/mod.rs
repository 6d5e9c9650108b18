//! One file per subcommand; the only place that combines the modules below it.

mod annotate;
mod completions;
mod facts;
mod hooks;
mod list_images;
mod list_workloads;
mod plan;
mod propose;
mod reason;
mod release;
mod reports;
mod rows;
mod sync;
mod update;
mod write;

use std::path::{Path, PathBuf};

use std::fs;

use anyhow::{Context as _, Result, bail};
use sha2::{Digest as _, Sha256};

use crate::cli::{Cli, Command, GlobalArgs};
use crate::git::{Auth, GitError, Repo, split_credentials};
use crate::manifest::{self, Scan, Workload, WorkloadId};
use crate::output::Ui;
use crate::settings;

/// How a run ended. Errors returned as `Err` are 1, or 2 when they carry a
/// [`UsageError`]; `main` decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success, including "nothing to do".
    Success,
    /// `--exit-code` and something was (or would be) changed.
    Changed,
    /// Some workloads or repositories failed; the rest was written.
    Partial,
    /// Everything that was tried failed; the errors are already printed (and the output
    /// document, so that a script still gets it).
    Failed,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failed => 1,
            Outcome::Changed => 3,
            Outcome::Partial => 4,
        }
    }
}

/// A value on the command line that cannot mean anything (a malformed workload ID or tag
/// pattern): exit code 2, like the usage errors clap finds.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Whether an error is the user's wrong input rather than a failure.
pub fn is_usage_error(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.is::<UsageError>())
}

/// Run a parsed command line, then write the reports it asks for (`--report-html`,
/// `--metrics-file`), also when the run failed.
pub fn run(mut cli: Cli, ui: &mut Ui) -> Result<Outcome> {
    let started = std::time::Instant::now();
    let overview = ui.overview();
    overview.command = command_name(&cli.command).to_owned();
    overview.started = Some(chrono::Utc::now());
    overview.repository = match (&cli.global.git_url, &cli.global.repo) {
        (Some(url), _) => crate::git::redact_url(url),
        (None, Some(dir)) => dir.display().to_string(),
        (None, None) => std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| ".".to_owned()),
    };
    let result = with_clone_settings(&mut cli, ui).and_then(|()| dispatch(&cli, ui));
    reports::write(&cli, ui, result, started.elapsed())
}

thread_local! {
    /// The clone made before the command ran, to read the repository's configuration
    /// file; the command's own `locate` takes it instead of cloning again.
    static CLONED: std::cell::Cell<Option<Location>> = const { std::cell::Cell::new(None) };
}

/// With `--git-url` and no `--config`: clone first, and fill the options the clone's own
/// `.tagpilot.yaml` sets (as `--repo` runs read the work tree's).
fn with_clone_settings(cli: &mut Cli, ui: &mut Ui) -> Result<()> {
    if cli.global.git_url.is_none()
        || cli.global.config.is_some()
        || matches!(cli.command, Command::Completions(_))
    {
        return Ok(());
    }
    let location = locate(&cli.global, true, ui)?;
    let warnings = settings::apply_clone_file(cli, &location.root)
        .map_err(|err| UsageError(format!("{err:#}")))?;
    for warning in &warnings {
        ui.warn(warning);
    }
    CLONED.set(Some(location));
    Ok(())
}

/// The subcommand's name as typed.
fn command_name(command: &Command) -> &'static str {
    match command {
        Command::ListWorkloads(_) => "list-workloads",
        Command::ListImages(_) => "list-images",
        Command::Automate(_) => "automate",
        Command::Deautomate(_) => "deautomate",
        Command::Lock(_) => "lock",
        Command::Unlock(_) => "unlock",
        Command::Policy(_) => "policy",
        Command::Release(_) => "release",
        Command::Sync(_) => "sync",
        Command::Completions(_) => "completions",
    }
}

/// Run the subcommand.
fn dispatch(cli: &Cli, ui: &mut Ui) -> Result<Outcome> {
    match &cli.command {
        Command::ListWorkloads(args) => list_workloads::run(&cli.global, args, ui),
        Command::ListImages(args) => list_images::run(&cli.global, args, ui),
        Command::Automate(args) => {
            annotate::run_verb(&cli.global, annotate::Verb::Automate, args, ui)
        }
        Command::Deautomate(args) => {
            annotate::run_verb(&cli.global, annotate::Verb::Deautomate, args, ui)
        }
        Command::Lock(args) => annotate::run_verb(&cli.global, annotate::Verb::Lock, args, ui),
        Command::Unlock(args) => annotate::run_verb(&cli.global, annotate::Verb::Unlock, args, ui),
        Command::Policy(args) => annotate::run(&cli.global, args, ui),
        Command::Release(args) => release::run(&cli.global, args, ui),
        Command::Sync(args) => sync::run(&cli.global, args, ui),
        Command::Completions(args) => completions::run(args, ui),
    }
}

/// Where the manifests are: a git work tree, or (for the list commands) a plain directory.
struct Location {
    /// The directory scanned; file names in results are relative to it.
    root: PathBuf,
    /// The repository, when `root` is in a git work tree.
    repo: Option<Repo>,
    /// `root` relative to the work tree's top (empty when they are the same).
    prefix: PathBuf,
    /// A temporary clone's directory, removed when the run ends (`--git-url` with
    /// `--no-cache`).
    _scratch: Option<tempfile::TempDir>,
    /// The lock on a kept clone (`--git-url`), held for the whole run so that two runs
    /// sharing a cache directory take turns.
    _lock: Option<fs::File>,
    /// Credentials for the remote: the settings', plus those of a `--git-url`'s userinfo.
    auth: Auth,
}

impl Location {
    /// The work-tree-relative path of a file named relative to `root`.
    fn git_path(&self, file: &str) -> PathBuf {
        self.prefix.join(file)
    }

    /// The repository, for the commands that write.
    fn repo(&self) -> Result<&Repo> {
        self.repo
            .as_ref()
            .context("a git work tree is needed to write")
    }
}

/// Find the manifests. `--git-url` clones (or updates the clone kept under the cache
/// directory); `--repo DIR` names the directory to scan, which is (or is inside) a git work
/// tree; without either the work tree around `.` is used, as git finds it. With `need_git`
/// false a plain directory is accepted.
fn locate(global: &GlobalArgs, need_git: bool, ui: &mut Ui) -> Result<Location> {
    if let Some(url) = &global.git_url {
        // Cloned already, to read its configuration file.
        if let Some(location) = CLONED.take() {
            return Ok(location);
        }
        return clone(global, url, ui);
    }
    let start = global.repo.clone().unwrap_or_else(|| PathBuf::from("."));
    if !start.is_dir() {
        bail!("--repo {}: not a directory", start.display());
    }
    match Repo::discover(&start) {
        Ok(repo) => {
            let top = repo.workdir().canonicalize()?;
            let (root, prefix) = if global.repo.is_some() {
                let root = start.canonicalize()?;
                let prefix = root
                    .strip_prefix(&top)
                    .unwrap_or(Path::new(""))
                    .to_path_buf();
                (root, prefix)
            } else {
                (top, PathBuf::new())
            };
            Ok(Location {
                root,
                repo: Some(repo),
                prefix,
                _scratch: None,
                _lock: None,
                auth: settings::git_auth(
                    global.git_ssh_key.as_deref(),
                    global.git_known_hosts.as_deref(),
                ),
            })
        }
        Err(GitError::NotARepository { .. }) if need_git => {
            let place = match &global.repo {
                Some(dir) => format!("--repo {}", dir.display()),
                None => "the current directory".to_owned(),
            };
            bail!(
                "{place} is not in a git work tree (no .git in it or above it); this command \
                 commits and pushes: run it in a clone of the manifest repository, or give --git-url"
            )
        }
        Err(err) if need_git => Err(anyhow::Error::new(err)
            .context(format!("opening the git work tree at {}", start.display()))),
        Err(_) => Ok(Location {
            root: start,
            repo: None,
            prefix: PathBuf::new(),
            _scratch: None,
            _lock: None,
            auth: Auth::default(),
        }),
    }
}

/// `--git-url`: the clone lives under `<cache>/git/<hash of the URL>` and is fetched on the
/// next run; with `--no-cache` it is a temporary directory.
fn clone(global: &GlobalArgs, url: &str, ui: &mut Ui) -> Result<Location> {
    let (dir, scratch) = match settings::cache_dir(&global.registry) {
        Some(cache) => (cache.join("git").join(url_key(url)), None),
        None => {
            let tmp = tempfile::tempdir().context("creating a directory for the clone")?;
            (tmp.path().join("clone"), Some(tmp))
        }
    };
    if let Some(parent) = dir.parent() {
        create_private_dir(parent)?;
    }
    let shown = crate::git::redact_url(url);
    let lock = match &scratch {
        Some(_) => None,
        None => Some(lock_clone(&dir, ui)?),
    };

    ui.info(&format!("using the clone of {shown} in {}", dir.display()));
    // The URL's username and password go to the credentials callback, never into the
    // clone's config.
    let (bare_url, from_url) = split_credentials(url);
    let mut auth = settings::git_auth(
        global.git_ssh_key.as_deref(),
        global.git_known_hosts.as_deref(),
    );
    if let Some((user, password)) = from_url {
        auth = auth.with_url_credentials(user, password);
    }
    let (repo, _) = Repo::clone_or_update(&bare_url, &dir, global.git_branch.as_deref(), &auth)
        .with_context(|| format!("cloning {shown}"))?;
    Ok(Location {
        root: repo.workdir().to_path_buf(),
        repo: Some(repo),
        prefix: PathBuf::new(),
        _scratch: scratch,
        _lock: lock,
        auth,
    })
}

/// Create a directory and its missing parents readable by the owner only (0700): the
/// cache holds clones of private repositories.
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Take the lock of a kept clone (`<cache>/git-locks/<name>.lock`, out of the clones'
/// directory), waiting while another run holds it.
fn lock_clone(dir: &Path, ui: &mut Ui) -> Result<fs::File> {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let locks = dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."))
        .join("git-locks");
    create_private_dir(&locks)?;
    let path = locks.join(format!("{name}.lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening the lock {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            ui.info(&format!(
                "waiting for another tagpilot run that uses {}",
                dir.display()
            ));
            file.lock()
                .with_context(|| format!("locking {}", path.display()))?;
        }
        Err(fs::TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("locking {}", path.display()));
        }
    }
    Ok(file)
}

/// A directory name for a clone of `url`.
fn url_key(url: &str) -> String {
    let digest = Sha256::digest(crate::git::redact_url(url).as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// Scan the manifests and report the scan's warnings, the skipped Helm chart directories in
/// one line (which names them with `-v`).
fn scan(global: &GlobalArgs, root: &Path, ui: &mut Ui) -> Result<Scan> {
    let selection = manifest::Selection {
        paths: &global.paths,
        exclude: &global.exclude,
    };
    let scan = manifest::scan(root, selection, &global.default_namespace)?;
    let mut charts = Vec::new();
    for warning in &scan.warnings {
        match warning.strip_suffix(manifest::HELM_CHART_SKIPPED) {
            Some(dir) => charts.push(dir.trim_end_matches(": ")),
            None => ui.warn(warning),
        }
    }
    if !charts.is_empty() {
        let n = charts.len();
        let (dirs, them) = if n == 1 {
            ("directory", "it")
        } else {
            ("directories", "them")
        };
        ui.warn(&if ui.verbose() {
            format!(
                "{n} Helm chart {dirs} not scanned (templates are not manifests): {}",
                charts.join(", ")
            )
        } else {
            format!("{n} Helm chart {dirs} not scanned (-v lists {them})")
        });
    }
    ui.info(&format!(
        "scanned {} files ({} bytes), found {} workloads",
        scan.files,
        scan.bytes,
        scan.workloads.len()
    ));
    Ok(scan)
}

/// A `-w` argument: `namespace:kind/name`, or `kind/name` in the `-n` (else default)
/// namespace; or `kustomization:<dir>` or `file:<path>` for markers outside objects.
fn parse_id(text: &str, global: &GlobalArgs) -> Result<WorkloadId> {
    // What holds markers without being an object: `kustomization:<dir>`, `file:<path>`.
    for what in ["kustomization", "file"] {
        if let Some(name) = text
            .strip_prefix(what)
            .and_then(|rest| rest.strip_prefix(':'))
            .filter(|name| !name.is_empty())
        {
            return Ok(WorkloadId {
                namespace: what.to_owned(),
                kind: String::new(),
                name: name.to_owned(),
            });
        }
    }
    let (namespace, rest) = match text.split_once(':') {
        Some((ns, rest)) => (ns.to_owned(), rest),
        None => (
            global
                .namespace
                .clone()
                .unwrap_or_else(|| global.default_namespace.clone()),
            text,
        ),
    };
    let malformed = || {
        UsageError(format!(
            "workload ID {text:?}: expected namespace:kind/name or kind/name, as \
             list-workloads shows them"
        ))
    };
    let Some((kind, name)) = rest.split_once('/') else {
        return Err(malformed().into());
    };
    if namespace.is_empty() || kind.is_empty() || name.is_empty() || name.contains('/') {
        return Err(malformed().into());
    }
    Ok(WorkloadId {
        namespace,
        kind: kind.to_lowercase(),
        name: name.to_owned(),
    })
}

/// The workloads that `-w` IDs (all when none) and `-n` select. An ID that matches nothing
/// is an error naming it.
fn select<'a>(scan: &'a Scan, ids: &[String], global: &GlobalArgs) -> Result<Vec<&'a Workload>> {
    let wanted = ids
        .iter()
        .map(|text| Ok((text, parse_id(text, global)?)))
        .collect::<Result<Vec<_>>>()?;
    for (_, id) in &wanted {
        if !scan.workloads.iter().any(|w| &w.id == id) {
            return Err(unknown(scan, id));
        }
    }
    Ok(scan
        .workloads
        .iter()
        .filter(|w| {
            global
                .namespace
                .as_ref()
                .is_none_or(|ns| &w.id.namespace == ns)
        })
        .filter(|w| wanted.is_empty() || wanted.iter().any(|(_, id)| &w.id == id))
        .collect())
}

/// The one workload a write command acts on: an ID found in several documents is an error
/// listing them.
fn select_one<'a>(scan: &'a Scan, text: &str, global: &GlobalArgs) -> Result<&'a Workload> {
    let id = parse_id(text, global)?;
    let found: Vec<&Workload> = scan.workloads.iter().filter(|w| w.id == id).collect();
    match found.as_slice() {
        [] => Err(unknown(scan, &id)),
        [one] => Ok(one),
        many => {
            let places: Vec<String> = many
                .iter()
                .map(|w| format!("{}:{}", w.file, w.line))
                .collect();
            bail!(
                "workload {id} is defined more than once: {}; choose one with --path",
                places.join(", ")
            )
        }
    }
}

/// The error for an ID that matches no workload: it names the ID once and suggests the
/// closest IDs found (at most three), as git suggests commands.
fn unknown(scan: &Scan, id: &WorkloadId) -> anyhow::Error {
    let wanted = id.to_string();
    let mut near: Vec<(f64, String)> = scan
        .workloads
        .iter()
        .map(|w| w.id.to_string())
        .map(|other| (strsim::jaro_winkler(&wanted, &other), other))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    near.dedup_by(|a, b| a.1 == b.1);
    let hint = match near.len() {
        0 => "; list-workloads shows the IDs found".to_owned(),
        _ => {
            let names: Vec<String> = near.into_iter().take(3).map(|(_, id)| id).collect();
            format!("; did you mean {}?", names.join(" or "))
        }
    };
    anyhow::anyhow!("no workload {wanted} in the scanned manifests{hint}")
}
