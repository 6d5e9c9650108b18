//! The command line as clap sees it. Doc comments here are the help text; every option can
//! also come from the environment as `TAGPILOT_<NAME>` and from the configuration file, which
//! `settings` reads and applies.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod help;

/// The command line: [`Cli`]'s definition, with headings and examples in its help.
pub fn command() -> clap::Command {
    help::shape(<Cli as clap::CommandFactory>::command())
}

/// The command line as its help and completions show it: each subcommand with only the
/// options it reads.
pub fn shown() -> clap::Command {
    help::hide_unread(command())
}

/// The help text that `args` (a command line with `-h`, `--help` or `help`) asks for.
pub fn help_text(args: &[std::ffi::OsString]) -> String {
    help::render(shown(), args)
}

/// Keep the container images in a GitOps manifest repository up to date.
///
/// tagpilot reads the Kubernetes manifests in a git repository, finds the workloads marked
/// for automation with Flux v1's annotations (`fluxcd.io/automated: "true"`,
/// `fluxcd.io/tag.<container>: <pattern>`), and rewrites only the bytes that change.
#[derive(Debug, Parser)]
#[command(
    name = "tagpilot",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options every command takes, before or after the subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by all commands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The git work tree that holds the manifests (searched upwards for `.git`); the list
    /// commands also accept a plain directory
    #[arg(long, global = true, value_name = "DIR", env = "TAGPILOT_REPO")]
    pub repo: Option<PathBuf>,

    /// Instead of --repo: clone (or fetch into a clone kept under the cache dir) and work there
    #[arg(long, global = true, value_name = "URL", env = "TAGPILOT_GIT_URL")]
    pub git_url: Option<String>,

    /// SSH private key for git over SSH [default: ssh-agent]
    #[arg(long, global = true, value_name = "FILE", env = "TAGPILOT_GIT_SSH_KEY")]
    pub git_ssh_key: Option<PathBuf>,

    /// SSH host keys to trust (OpenSSH known_hosts format) [default: ~/.ssh/known_hosts,
    /// then /etc/ssh/ssh_known_hosts]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "TAGPILOT_GIT_KNOWN_HOSTS"
    )]
    pub git_known_hosts: Option<PathBuf>,

    /// Branch to read, commit to and push; in --repo mode it must be the checked-out branch
    #[arg(long, global = true, value_name = "B", env = "TAGPILOT_GIT_BRANCH")]
    pub git_branch: Option<String>,

    /// Remote to push to
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        default_value = "origin",
        env = "TAGPILOT_GIT_REMOTE"
    )]
    pub git_remote: String,

    /// Only scan below these paths, relative to the repository root (repeatable)
    #[arg(
        long = "path",
        global = true,
        value_name = "P",
        env = "TAGPILOT_PATH",
        value_delimiter = ','
    )]
    pub paths: Vec<PathBuf>,

    /// Only workloads in this namespace
    #[arg(
        short = 'n',
        long,
        global = true,
        value_name = "NS",
        env = "TAGPILOT_NAMESPACE"
    )]
    pub namespace: Option<String>,

    /// Namespace of a manifest that names none
    #[arg(
        long,
        global = true,
        value_name = "NS",
        default_value = "default",
        env = "TAGPILOT_DEFAULT_NAMESPACE"
    )]
    pub default_namespace: String,

    /// Output format of the command's result
    #[arg(
        short = 'o',
        long,
        global = true,
        value_enum,
        default_value_t = Format::Table,
        env = "TAGPILOT_OUTPUT"
    )]
    pub output: Format,

    /// Also write the result as a self-contained HTML page to FILE (list-images, release, sync)
    #[arg(long, global = true, value_name = "FILE", env = "TAGPILOT_REPORT_HTML")]
    pub report_html: Option<PathBuf>,

    /// Write Prometheus metrics of the run to FILE, for node_exporter's textfile collector
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "TAGPILOT_METRICS_FILE"
    )]
    pub metrics_file: Option<PathBuf>,

    /// More log detail on stderr: -v one line per registry request, -vv also its answer's headers
    #[arg(short = 'v', long = "verbose", global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only print errors on stderr
    #[arg(short = 'q', long, global = true, env = "TAGPILOT_QUIET")]
    pub quiet: bool,

    /// Configuration file (YAML; keys are the long options in camelCase) [default:
    /// .tagpilot.yaml at the top of the repository, if present]
    #[arg(long, global = true, value_name = "FILE", env = "TAGPILOT_CONFIG")]
    pub config: Option<PathBuf>,

    /// Let the repository's own .tagpilot.yaml set the keys that widen what tagpilot trusts
    /// (insecure registries, CA files, notification URLs, report files, the cache and
    /// credential locations); without it they are ignored with a warning
    #[arg(long, global = true, env = "TAGPILOT_TRUST_REPO_CONFIG")]
    pub trust_repo_config: bool,

    /// Files and directories not to scan; only the configuration file's `exclude` sets them.
    #[arg(skip)]
    pub exclude: Vec<glob::Pattern>,

    /// Warnings found while reading the configuration file, printed when the run starts.
    #[arg(skip)]
    pub config_warnings: Vec<String>,

    /// Colour on a terminal (`auto` honours NO_COLOR)
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorChoice::Auto,
        env = "TAGPILOT_COLOR"
    )]
    pub color: ColorChoice,

    /// How to reach the registries.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// When to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is not set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Options of the commands that ask registries.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// Which image of a multi-platform tag to read
    #[arg(
        long,
        global = true,
        value_name = "OS/ARCH[/VARIANT]",
        default_value = "linux/amd64",
        env = "TAGPILOT_PLATFORM"
    )]
    pub platform: String,

    /// Registry credentials: a Docker config.json, or a directory holding one [default:
    /// $DOCKER_CONFIG/config.json, else ~/.docker/config.json]
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        env = "TAGPILOT_DOCKER_CONFIG"
    )]
    pub docker_config: Option<PathBuf>,

    /// Allow plain HTTP and unverified TLS for this registry (repeatable) [default: loopback hosts]
    #[arg(
        long,
        global = true,
        value_name = "HOST[:PORT]",
        env = "TAGPILOT_INSECURE_REGISTRY",
        value_delimiter = ',',
        value_parser = registry_host
    )]
    pub insecure_registry: Vec<String>,

    /// Also trust the CA certificates in this PEM file for every registry (repeatable)
    /// [default: the system's, which SSL_CERT_FILE and SSL_CERT_DIR can change]
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "TAGPILOT_REGISTRY_CA",
        value_delimiter = ','
    )]
    pub registry_ca: Vec<PathBuf>,

    /// Only images whose canonical name matches this glob (repeatable)
    #[arg(
        long,
        global = true,
        value_name = "GLOB",
        env = "TAGPILOT_INCLUDE_IMAGE",
        value_delimiter = ','
    )]
    pub include_image: Vec<String>,

    /// Skip images whose canonical name matches this glob (repeatable)
    #[arg(
        long,
        global = true,
        value_name = "GLOB",
        env = "TAGPILOT_EXCLUDE_IMAGE",
        value_delimiter = ','
    )]
    pub exclude_image: Vec<String>,

    /// Registry requests in flight at once
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 16,
        env = "TAGPILOT_CONCURRENCY"
    )]
    pub concurrency: usize,

    /// Requests per second per registry host; 0 for no fixed cap (concurrency bounds the
    /// load). A 429 halves a host's rate, which then recovers over ten seconds
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 0.0,
        env = "TAGPILOT_REGISTRY_RPS"
    )]
    pub registry_rps: f64,

    /// Timeout of one HTTP request, in seconds
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 30,
        env = "TAGPILOT_TIMEOUT"
    )]
    pub timeout: u64,

    /// Time for the whole registry phase, in seconds; repositories not finished by then fail
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = 900,
        env = "TAGPILOT_DEADLINE"
    )]
    pub deadline: u64,

    /// Most tags one repository may have; a longer tags list is an error for it
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = 100_000,
        env = "TAGPILOT_MAX_TAGS"
    )]
    pub max_tags: usize,

    /// Which time orders glob and regex candidates: when the image was built, or when the
    /// tag was last pushed (from the registry's own API: Docker Hub, Quay, ACR, GitHub, Google)
    #[arg(
        long,
        global = true,
        value_name = "SOURCE",
        value_enum,
        default_value_t = TimeSource::Built,
        env = "TAGPILOT_TIME_SOURCE"
    )]
    pub time_source: TimeSource,

    /// On-disk cache [default: $XDG_CACHE_HOME/tagpilot, else ~/.cache/tagpilot]
    #[arg(long, global = true, value_name = "DIR", env = "TAGPILOT_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Do not use the cache
    #[arg(long, global = true, env = "TAGPILOT_NO_CACHE")]
    pub no_cache: bool,

    /// Re-check every tag now
    #[arg(long, global = true, env = "TAGPILOT_REFRESH")]
    pub refresh: bool,

    /// Per-registry settings; only the configuration file's `registries` sets them.
    #[arg(skip)]
    pub registries: Vec<RegistrySetting>,
}

/// One entry of the configuration file's `registries` list.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistrySetting {
    /// `host[:port]` as written in image references; without a port it covers every port.
    pub host: String,
    /// `true`: allow plain HTTP and unverified TLS, as `--insecure-registry HOST` does;
    /// `false`: not even for a loopback host; unset: the default.
    pub insecure: Option<bool>,
    /// Request rate for this host instead of `--registry-rps`.
    pub rps: Option<f64>,
    /// A PEM file of CA certificates trusted for this host (besides the system's and
    /// `--registry-ca`).
    pub ca: Option<PathBuf>,
    /// The API dialect the registry speaks, where its host does not tell.
    pub api: Option<crate::registry::Api>,
    /// The base URL of the registry's vendor API, where it is not the default.
    pub vendor_url: Option<String>,
}

/// Which time orders glob and regex candidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// When the image was built (its config's `created`)
    Built,
    /// When the tag was last pushed, as the registry's own API says
    Pushed,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Aligned columns, as fluxctl prints them
    Table,
    /// One JSON document
    Json,
    /// Markdown tables, for CI job summaries and pull request bodies
    Markdown,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the workloads, their containers, images and policies (no network)
    ListWorkloads(ListWorkloadsArgs),
    /// List the tags of every container's image, newest allowed first, with build times
    ListImages(ListImagesArgs),
    /// Turn on automated image updates for a workload
    Automate(PolicyVerbArgs),
    /// Turn off automated image updates for a workload
    Deautomate(PolicyVerbArgs),
    /// Lock a workload: no image updates by sync or release
    Lock(PolicyVerbArgs),
    /// Unlock a workload
    Unlock(PolicyVerbArgs),
    /// Change a workload's policies: tag filters, automation, lock
    Policy(PolicyArgs),
    /// Move workloads to an image tag, or every container to its newest allowed tag
    Release(ReleaseArgs),
    /// Update every automated, unlocked workload to its newest allowed tags
    Sync(SyncArgs),
    /// Print a shell completion script to stdout
    Completions(CompletionsArgs),
}

/// `list-workloads`.
#[derive(Debug, Args)]
pub struct ListWorkloadsArgs {
    /// Only this workload: `namespace:kind/name` or `kind/name` (repeatable)
    #[arg(short = 'w', long = "workload", value_name = "ID")]
    pub workloads: Vec<String>,
}

/// `list-images`.
#[derive(Debug, Args)]
pub struct ListImagesArgs {
    /// Only this workload: `namespace:kind/name` or `kind/name` (repeatable)
    #[arg(short = 'w', long = "workload", value_name = "ID")]
    pub workloads: Vec<String>,

    /// Show at most N tags per container (0 = all); the current tag is always shown
    #[arg(
        short = 'l',
        long,
        value_name = "N",
        default_value_t = 10,
        env = "TAGPILOT_LIMIT"
    )]
    pub limit: usize,

    /// Leave out the header row
    #[arg(long, env = "TAGPILOT_NO_HEADERS")]
    pub no_headers: bool,
}

/// Options of every command that writes.
#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Compute and print the result, write nothing
    #[arg(long, env = "TAGPILOT_DRY_RUN")]
    pub dry_run: bool,

    /// Also print a unified diff of every file changed or to be changed
    #[arg(long, env = "TAGPILOT_DIFF")]
    pub diff: bool,

    /// Write the files, do not commit
    #[arg(long, env = "TAGPILOT_NO_COMMIT")]
    pub no_commit: bool,

    /// Commit, do not push
    #[arg(long, env = "TAGPILOT_NO_PUSH")]
    pub no_push: bool,

    /// Committer name [default: the repository's git config, else tagpilot]
    #[arg(long, value_name = "NAME", env = "TAGPILOT_GIT_USER")]
    pub git_user: Option<String>,

    /// Committer email [default: the repository's git config, else tagpilot@localhost]
    #[arg(long, value_name = "EMAIL", env = "TAGPILOT_GIT_EMAIL")]
    pub git_email: Option<String>,

    /// Commit message; for lock also the lock message
    #[arg(short = 'm', long, value_name = "MSG", env = "TAGPILOT_MESSAGE")]
    pub message: Option<String>,

    /// Recorded as the commit author and the lock's user: "Name <email>" [default for the
    /// lock: the committer, from --git-user/--git-email or git's user.name/user.email]
    #[arg(long, value_name = "U", env = "TAGPILOT_USER")]
    pub user: Option<String>,

    /// Append "\n\n[ci skip]" to every commit message
    #[arg(long, env = "TAGPILOT_CI_SKIP")]
    pub ci_skip: bool,

    /// The text --ci-skip appends
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "[ci skip]",
        env = "TAGPILOT_CI_SKIP_MESSAGE"
    )]
    pub ci_skip_message: String,

    /// Exit with 3 when something was (or, with --dry-run, would be) changed
    #[arg(long, env = "TAGPILOT_EXIT_CODE")]
    pub exit_code: bool,

    /// Allow writing files that have uncommitted changes
    #[arg(long, env = "TAGPILOT_ALLOW_DIRTY")]
    pub allow_dirty: bool,

    /// Sign commits with this key (gpg.format openpgp: a key ID; ssh: a key file or public
    /// key) [default: user.signingkey when commit.gpgsign is true]
    #[arg(long, value_name = "KEY", env = "TAGPILOT_SIGN_KEY")]
    pub sign_key: Option<String>,

    /// Run this shell command in the work tree after the files are written and before
    /// anything is committed; if it fails, the files are put back, nothing is committed and
    /// tagpilot exits 1 (repeatable)
    #[arg(long, value_name = "CMD", env = "TAGPILOT_VERIFY")]
    pub verify: Vec<String>,

    /// Run this shell command after a successful push, with the JSON report on its stdin;
    /// if it fails, tagpilot warns and exits 4 (repeatable)
    #[arg(long, value_name = "CMD", env = "TAGPILOT_AFTER_PUSH")]
    pub after_push: Vec<String>,

    /// On a rejected push: fetch, re-plan on the new head, commit and push again, this often
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        env = "TAGPILOT_PUSH_RETRIES"
    )]
    pub push_retries: u32,

    /// Branches and pull requests instead of pushing to the base branch
    #[command(flatten)]
    pub propose: ProposeArgs,

    /// Post the result to this URL after a change or a failure (repeatable)
    #[arg(
        long,
        value_name = "URL",
        env = "TAGPILOT_NOTIFY",
        value_delimiter = ','
    )]
    pub notify: Vec<String>,

    /// Format of the notifications
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t = NotifyFormat::Json,
        env = "TAGPILOT_NOTIFY_FORMAT"
    )]
    pub notify_format: NotifyFormat,

    /// Formats of single `--notify` URLs; only the configuration file's `notify` entries set
    /// them. A URL not in here gets `--notify-format`.
    #[arg(skip)]
    pub notify_formats: BTreeMap<String, NotifyFormat>,
}

/// Where a write command's commits go when the base branch is not to be pushed to.
#[derive(Debug, Args, Default)]
pub struct ProposeArgs {
    /// Commit on top of the base branch and push to this branch instead; `{image}` and
    /// `{workload}` expand per group (see --group)
    #[arg(
        long,
        value_name = "NAME",
        env = "TAGPILOT_PUSH_BRANCH",
        conflicts_with_all = ["no_commit", "no_push"]
    )]
    pub push_branch: Option<String>,

    /// With --push-branch: open or update a pull (merge) request into the base branch
    #[arg(long, env = "TAGPILOT_PULL_REQUEST", requires = "push_branch")]
    pub pull_request: bool,

    /// The forge's API [default: from the remote URL's host]
    #[arg(long, value_enum, value_name = "FORGE", env = "TAGPILOT_FORGE")]
    pub forge: Option<ForgeKind>,

    /// The forge's API root, for a self-hosted forge (GitHub Enterprise:
    /// https://HOST/api/v3)
    #[arg(long, value_name = "URL", env = "TAGPILOT_FORGE_URL")]
    pub forge_url: Option<String>,

    /// The repository on the forge [default: the remote URL's last two path parts]
    #[arg(long, value_name = "OWNER/NAME", env = "TAGPILOT_FORGE_REPO")]
    pub forge_repo: Option<String>,

    /// One branch (and pull request) per run, per workload or per image
    #[arg(
        long,
        value_enum,
        value_name = "GROUP",
        default_value_t = Group::All,
        env = "TAGPILOT_GROUP"
    )]
    pub group: Group,

    /// Add this label to a new pull request (repeatable)
    #[arg(long, value_name = "L", env = "TAGPILOT_LABEL", value_delimiter = ',')]
    pub label: Vec<String>,

    /// Ask this user to review a new pull request (repeatable)
    #[arg(
        long,
        value_name = "U",
        env = "TAGPILOT_REVIEWER",
        value_delimiter = ','
    )]
    pub reviewer: Vec<String>,

    /// Close tagpilot's open pull request, with a comment, when nothing is left to change
    #[arg(long, env = "TAGPILOT_CLOSE_STALE", requires = "pull_request")]
    pub close_stale: bool,
}

/// The forges whose pull request APIs tagpilot speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForgeKind {
    /// GitHub and GitHub Enterprise
    Github,
    /// GitLab
    Gitlab,
    /// Gitea and Forgejo
    Gitea,
}

/// How changes are split into branches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// One branch for the whole run
    #[default]
    All,
    /// One branch per workload
    Workload,
    /// One branch per image
    Image,
}

/// Notification formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyFormat {
    /// The JSON report
    Json,
    /// `{"text": …}` for a Slack incoming webhook
    Slack,
}

/// `release`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["workloads", "all"])))]
#[command(group(clap::ArgGroup::new("what").required(true).args(["image", "update_all_images"])))]
pub struct ReleaseArgs {
    /// A workload to release: `namespace:kind/name` or `kind/name` (repeatable)
    #[arg(short = 'w', long = "workload", value_name = "ID")]
    pub workloads: Vec<String>,

    /// Release every workload under --path
    #[arg(long)]
    pub all: bool,

    /// The image to release, with its tag: every container using this image moves to the tag
    #[arg(short = 'i', long = "update-image", value_name = "IMAGE:TAG", value_parser = image_with_tag)]
    pub image: Option<String>,

    /// Move every container to its newest allowed tag
    #[arg(long)]
    pub update_all_images: bool,

    /// Leave this workload alone (repeatable)
    #[arg(long = "exclude", value_name = "ID")]
    pub exclude: Vec<String>,

    /// Release locked workloads named with -w, and ignore tag filters with -i
    #[arg(long)]
    pub force: bool,

    /// Do not check that the tag of -i exists in the registry
    #[arg(long)]
    pub no_verify: bool,

    /// How to write it.
    #[command(flatten)]
    pub write: WriteArgs,
}

/// `sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// How to write it.
    #[command(flatten)]
    pub write: WriteArgs,
}

/// `automate`, `deautomate`, `lock`, `unlock`.
#[derive(Debug, Args)]
pub struct PolicyVerbArgs {
    /// The workload: `namespace:kind/name` or `kind/name`
    #[arg(short = 'w', long = "workload", value_name = "ID", required = true)]
    pub workload: String,

    /// How to write it.
    #[command(flatten)]
    pub write: WriteArgs,
}

/// `policy`.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("change")
        .required(true)
        .multiple(true)
        .args(["tag_all", "tags", "automate", "deautomate", "lock", "unlock"])
))]
pub struct PolicyArgs {
    /// The workload: `namespace:kind/name` or `kind/name`
    #[arg(short = 'w', long = "workload", value_name = "ID", required = true)]
    pub workload: String,

    /// Tag filter for every container (`*` removes the filters)
    #[arg(long, value_name = "P")]
    pub tag_all: Option<String>,

    /// Tag filter for one container: CONTAINER=PATTERN (`*` removes it; repeatable)
    #[arg(long = "tag", value_name = "C=P")]
    pub tags: Vec<String>,

    /// Turn on automated image updates
    #[arg(long, conflicts_with = "deautomate")]
    pub automate: bool,

    /// Turn off automated image updates
    #[arg(long)]
    pub deautomate: bool,

    /// Lock the workload
    #[arg(long, conflicts_with = "unlock")]
    pub lock: bool,

    /// Unlock the workload
    #[arg(long)]
    pub unlock: bool,

    /// How to write it.
    #[command(flatten)]
    pub write: WriteArgs,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `-i`: an image reference that names a tag.
/// A registry as `--insecure-registry` takes it: `host[:port]`, no scheme or path.
fn registry_host(text: &str) -> Result<String, String> {
    if text.contains("://") {
        return Err(format!(
            "{text:?} has a scheme; give HOST[:PORT] (the flag allows plain HTTP and unverified HTTPS both)"
        ));
    }
    if text.is_empty() || text.contains(['/', ' ']) {
        return Err(format!("{text:?} is not a HOST[:PORT]"));
    }
    Ok(text.to_owned())
}

fn image_with_tag(text: &str) -> Result<String, String> {
    let image = crate::image::ImageRef::parse(text).map_err(|e| e.to_string())?;
    if image.tag().is_none() {
        return Err(format!("{text:?} names no tag; give IMAGE:TAG"));
    }
    Ok(text.to_owned())
}
