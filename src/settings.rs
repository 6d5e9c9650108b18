//! Settings: what the command line, the environment and the configuration file say, resolved
//! once into the `cli` structs with the precedence flag > environment > file > default;
//! then the values that come from the environment rather than the command line.
//! With `cli`, the only module that reads the environment and configuration files.
//!
//! clap applies flags, `TAGPILOT_*` variables and defaults; [`ArgMatches::value_source`] then
//! tells which options a flag or a variable set, and the file fills the others. The file is
//! parsed into a tree with lines (`file`), read into the serde struct `FileSettings`
//! (`from_file`, through the deserializer in `de`), and its `registries`, `notify` and
//! `exclude`, which have rules beyond their types, are read here.

mod de;
mod env;
mod file;
mod from_file;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::parser::ValueSource;
use clap::{ArgMatches, FromArgMatches as _};

use crate::cli::{
    Cli, ColorChoice, Command, GlobalArgs, NotifyFormat, RegistryArgs, RegistrySetting, TimeSource,
    WriteArgs,
};
use crate::git::{Auth, Repo, Secret};
use crate::image::{DOCKER_HUB_API_HOST, is_docker_hub_host};
use crate::registry::{Api, ClientOptions, Platform};
use file::{ConfigFile, Item, Kind, Problem, field};
use from_file::{CONFLICTS, FileSettings, Open};

/// The configuration file looked for in the repository when `--config` names none.
pub const CONFIG_FILE_NAME: &str = ".tagpilot.yaml";

/// Why the arguments gave no [`Cli`].
#[derive(Debug)]
pub enum ArgsError {
    /// clap's own: a usage error or `--version`; [`clap::Error::exit`] prints it.
    Clap(clap::Error),
    /// `-h`, `--help` or `help`: the help to print on stdout.
    Help(String),
    /// The configuration file could not be read, or holds an unknown key or a wrong value.
    Config(anyhow::Error),
}

/// Parse the command line (`args`, the program name first) and fill every option that
/// neither a flag nor a `TAGPILOT_*` variable set from the configuration file, if there is
/// one: `--config`, else [`CONFIG_FILE_NAME`] in the repository.
/// `completions` reads no file.
pub fn parse_args<I, T>(args: I) -> Result<Cli, ArgsError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let (mut command, env_warnings) = command().map_err(ArgsError::Config)?;
    let matches = command
        .try_get_matches_from_mut(&args)
        .map_err(|err| match err.kind() {
            clap::error::ErrorKind::DisplayHelp => ArgsError::Help(crate::cli::help_text(&args)),
            _ => ArgsError::Clap(err),
        })?;
    let mut cli =
        Cli::from_arg_matches(&matches).map_err(|err| ArgsError::Clap(err.format(&mut command)))?;
    cli.global.config_warnings = env_warnings;
    resolve_conflicts(&mut cli, &matches, &mut command)?;
    if matches!(cli.command, Command::Completions(_)) {
        return Ok(cli);
    }
    let Some(path) = config_path(&cli.global) else {
        return Ok(cli);
    };
    // A file named by --config is the user's own; the repository's is anyone's who can
    // push to it.
    let trusted = cli.global.config.is_some() || cli.global.trust_repo_config;
    let subcommand = matches.subcommand().map_or(&matches, |(_, m)| m);
    let mut warnings = Vec::new();
    ConfigFile::load(&path)
        .and_then(|mut file| {
            if !trusted {
                warnings = untrusted(&mut file, &path);
            }
            Ok(apply(&mut cli, subcommand, &file)?)
        })
        .with_context(|| format!("reading the configuration file {}", path.display()))
        .map_err(ArgsError::Config)?;
    cli.global.config_warnings.extend(warnings);
    Ok(cli)
}

/// The command line's definition, with the `TAGPILOT_*` variables prepared ([`env`]): the
/// variables' warnings, or an error naming a variable with a wrong value.
fn command() -> Result<(clap::Command, Vec<String>), anyhow::Error> {
    env::prepare(crate::cli::command(), |name| std::env::var_os(name)).map_err(anyhow::Error::msg)
}

/// The file's `exclude`: path patterns of files and directories not to scan.
fn exclude(file: &ConfigFile) -> Result<Vec<glob::Pattern>, Problem> {
    let Some(item) = file.get("exclude") else {
        return Ok(Vec::new());
    };
    let texts = item.strings("exclude")?;
    texts
        .iter()
        .map(|text| {
            glob::Pattern::new(text).map_err(|err| {
                item.expected("exclude", &format!("path patterns ({text:?}: {})", err.msg))
            })
        })
        .collect()
}

/// With `--git-url` (and no `--config`): fill `cli` from the clone's own
/// [`CONFIG_FILE_NAME`] in `dir`, if there is one, as [`parse_args`] does for a work tree.
/// The keys that decide how and where to clone cannot apply to a clone already made and
/// are ignored with a warning, as are the keys that widen trust (without
/// `--trust-repo-config`). The warnings are returned.
pub fn apply_clone_file(cli: &mut Cli, dir: &Path) -> Result<Vec<String>> {
    let path = dir.join(CONFIG_FILE_NAME);
    if cli.global.config.is_some() || !path.is_file() {
        return Ok(Vec::new());
    }
    let (mut command, _) = command()?;
    let matches = command.try_get_matches_from_mut(std::env::args_os())?;
    let subcommand = matches.subcommand().map_or(&matches, |(_, m)| m);
    let mut warnings = Vec::new();
    ConfigFile::load(&path)
        .and_then(|mut file| {
            warnings = file
                .remove(&CLONE_KEYS, "", |_, _| false)
                .into_iter()
                .map(|(line, key)| {
                    format!(
                        "{}: line {line}: {key} is ignored with --git-url: it says how and where \
                         to clone, so it must be given as a flag, in the environment or with --config",
                        path.display()
                    )
                })
                .collect();
            if !cli.global.trust_repo_config {
                warnings.extend(untrusted(&mut file, &path));
            }
            Ok(apply(cli, subcommand, &file)?)
        })
        .with_context(|| format!("reading the configuration file {}", path.display()))?;
    Ok(warnings)
}

/// The keys that decide how and where a `--git-url` repository is cloned.
const CLONE_KEYS: [&str; 8] = [
    "repo",
    "gitUrl",
    "gitBranch",
    "gitRemote",
    "gitSshKey",
    "gitKnownHosts",
    "cacheDir",
    "noCache",
];

/// The URLs to notify, each with its format: the configuration file's `notify` entries may
/// name one, otherwise `--notify-format` applies.
pub fn notify_targets(args: &WriteArgs) -> Vec<crate::notify::Target<'_>> {
    args.notify
        .iter()
        .map(|url| crate::notify::Target {
            url,
            format: match args
                .notify_formats
                .get(url)
                .copied()
                .unwrap_or(args.notify_format)
            {
                NotifyFormat::Json => crate::notify::Format::Json,
                NotifyFormat::Slack => crate::notify::Format::Slack,
            },
        })
        .collect()
}

/// The keys of the configuration file that widen what tagpilot trusts: where it sends
/// data, what it lets in without verifying, where it reads credentials and writes files.
const TRUST_KEYS: [&str; 14] = [
    "insecureRegistries",
    "registryCas",
    "notify",
    "cacheDir",
    "dockerConfig",
    "gitSshKey",
    "gitKnownHosts",
    "reportHtml",
    "metricsFile",
    "verify",
    "afterPush",
    "signKey",
    "forgeUrl",
    "forgeRepo",
];

/// Whether a key of a `registries` entry widens trust: a CA, a vendor API and its address
/// (which decide where requests and tokens go), or `insecure` unless it is `false` (which
/// narrows trust, turning off the loopback default).
fn widens(key: &str, value: &Item) -> bool {
    match key {
        "ca" | "vendorUrl" | "api" => true,
        "insecure" => value.boolean(key).unwrap_or(true),
        _ => false,
    }
}

/// Drop the keys that widen trust from the repository's own file, with a warning for each.
fn untrusted(file: &mut ConfigFile, path: &Path) -> Vec<String> {
    file.remove(&TRUST_KEYS, "registries", widens)
        .into_iter()
        .map(|(line, key)| {
            format!(
                "{}: line {line}: {key} is ignored: the repository's own configuration file \
                 may not widen what tagpilot trusts; pass it as a flag, in the environment or \
                 in a file named by --config, or pass --trust-repo-config",
                path.display()
            )
        })
        .collect()
}

/// Options that exclude each other ([`CONFLICTS`]): a flag wins over the other's
/// `TAGPILOT_*` variable, which is then dropped; both given the same way is a usage error.
fn resolve_conflicts(
    cli: &mut Cli,
    matches: &ArgMatches,
    command: &mut clap::Command,
) -> Result<(), ArgsError> {
    let source = |id: &str| {
        let in_sub = matches.subcommand().and_then(|(_, sub)| {
            sub.try_get_raw(id)
                .ok()
                .flatten()
                .map(|_| sub.value_source(id))
        });
        in_sub.flatten().or_else(|| {
            matches
                .try_get_raw(id)
                .ok()
                .flatten()
                .and(matches.value_source(id))
        })
    };
    for [a, b] in CONFLICTS {
        let given = |id: &str| {
            source(id).filter(|s| matches!(s, ValueSource::CommandLine | ValueSource::EnvVariable))
        };
        let (Some(sa), Some(sb)) = (given(a), given(b)) else {
            continue;
        };
        let drop = match (sa, sb) {
            (ValueSource::CommandLine, ValueSource::EnvVariable) => b,
            (ValueSource::EnvVariable, ValueSource::CommandLine) => a,
            _ => {
                let flag = |id: &str| format!("--{}", id.replace('_', "-"));
                return Err(ArgsError::Clap(command.error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!("{} cannot be used with {}", flag(a), flag(b)),
                )));
            }
        };
        match drop {
            "repo" => cli.global.repo = None,
            "git_url" => cli.global.git_url = None,
            "quiet" => cli.global.quiet = false,
            _ => cli.global.verbose = 0,
        }
    }
    Ok(())
}

/// The configuration file to read: `--config`; else, unless `--git-url`, [`CONFIG_FILE_NAME`]
/// in the `--repo` directory, or at the top of the work tree around `.` (in `.` outside
/// one), if it exists. A clone made for `--git-url` is read once it exists
/// ([`apply_clone_file`]).
fn config_path(global: &GlobalArgs) -> Option<PathBuf> {
    if let Some(path) = &global.config {
        return Some(path.clone());
    }
    if global.git_url.is_some() {
        return None;
    }
    let dir = match &global.repo {
        Some(dir) => dir.clone(),
        None => Repo::discover(Path::new("."))
            .map_or_else(|_| PathBuf::from("."), |repo| repo.workdir().to_path_buf()),
    };
    let path = dir.join(CONFIG_FILE_NAME);
    path.is_file().then_some(path)
}

/// Apply the file to `cli`; `matches` are the running subcommand's.
fn apply(cli: &mut Cli, matches: &ArgMatches, file: &ConfigFile) -> Result<(), Problem> {
    if let Some(item) = file.get("config") {
        return Err(Problem::at(
            item.line,
            "config: a configuration file cannot name another one",
        ));
    }
    // Unknown keys, and the type of every value, whether or not it is used.
    let mut settings = FileSettings::read(file)?;
    let notify = match file.get("notify") {
        Some(item) => Some(notify(item, "notify")?),
        None => None,
    };
    cli.global.registry.registries = registries(file)?;
    cli.global.exclude = exclude(file)?;
    let open = Open {
        matches,
        dir: file.dir(),
    };
    settings.fill_global(&open, &mut cli.global);
    match &mut cli.command {
        Command::Automate(args)
        | Command::Deautomate(args)
        | Command::Lock(args)
        | Command::Unlock(args) => settings.fill_write(&open, &mut args.write, notify),
        Command::Policy(args) => settings.fill_write(&open, &mut args.write, notify),
        Command::Release(args) => settings.fill_write(&open, &mut args.write, notify),
        Command::Sync(args) => settings.fill_write(&open, &mut args.write, notify),
        Command::ListImages(args) => {
            settings.fill_list_images(&open, &mut args.limit, &mut args.no_headers);
        }
        Command::ListWorkloads(_) | Command::Completions(_) => {}
    }
    if let (Some(_), Some(_), Some(item)) =
        (&cli.global.repo, &cli.global.git_url, file.get("gitUrl"))
    {
        return Err(Problem::at(
            item.line,
            "repo and gitUrl are both set; keep one",
        ));
    }
    Ok(())
}

/// The `notify` list: URLs, or `{url, format}` mappings; a URL without a format gets
/// `notifyFormat`.
fn notify(
    item: &Item,
    key: &str,
) -> Result<(Vec<String>, BTreeMap<String, NotifyFormat>), Problem> {
    let mut urls: Vec<String> = Vec::new();
    let mut formats = BTreeMap::new();
    for (i, entry) in item.list().iter().enumerate() {
        let at = format!("{key}[{i}]");
        let url = match &entry.kind {
            Kind::Map(_) => {
                let fields = entry.map(&at, &["url", "format"])?;
                let url = field(fields, "url")
                    .ok_or_else(|| Problem::at(entry.line, format!("{at}: url is missing")))?
                    .string(&format!("{at}.url"))?;
                if let Some(format) = field(fields, "format") {
                    formats.insert(url.clone(), format.choice(&format!("{at}.format"))?);
                }
                url
            }
            _ => entry.string(&at)?,
        };
        if urls.contains(&url) {
            return Err(Problem::at(
                entry.line,
                format!("{at}: {url:?} is listed twice"),
            ));
        }
        urls.push(url);
    }
    Ok((urls, formats))
}

/// The `registries` list: `{host, insecure, rps, ca}` mappings; a relative `ca` path is
/// relative to the file's directory.
fn registries(file: &ConfigFile) -> Result<Vec<RegistrySetting>, Problem> {
    let Some(item) = file.get("registries") else {
        return Ok(Vec::new());
    };
    let Kind::List(entries) = &item.kind else {
        return Err(item.expected(
            "registries",
            "a list of {host, insecure, rps, ca, api, vendorUrl} mappings",
        ));
    };
    let mut out: Vec<RegistrySetting> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("registries[{i}]");
        let fields = entry.map(&at, &["host", "insecure", "rps", "ca", "api", "vendorUrl"])?;
        let host_item = field(fields, "host")
            .ok_or_else(|| Problem::at(entry.line, format!("{at}: host is missing")))?;
        let host = host_item.string(&format!("{at}.host"))?;
        if host.is_empty() || host.contains(['/', ' ']) {
            return Err(host_item.expected(&format!("{at}.host"), "a host or host:port"));
        }
        if out.iter().any(|r| api_host(&r.host) == api_host(&host)) {
            return Err(Problem::at(
                host_item.line,
                format!("{at}.host: {host:?} is listed twice"),
            ));
        }
        let insecure = match field(fields, "insecure") {
            Some(flag) => Some(flag.boolean(&format!("{at}.insecure"))?),
            None => None,
        };
        let rps = match field(fields, "rps") {
            Some(rate) => {
                let key = format!("{at}.rps");
                match rate.number(&key)? {
                    n if n >= 0.0 => Some(n),
                    _ => return Err(rate.expected(&key, "a number, 0 for no fixed cap")),
                }
            }
            None => None,
        };
        let ca = match field(fields, "ca") {
            Some(path) => Some(file.dir().join(path.string(&format!("{at}.ca"))?)),
            None => None,
        };
        let api = match field(fields, "api") {
            Some(item) => {
                let key = format!("{at}.api");
                let text = item.string(&key)?;
                let names: Vec<&str> = Api::NAMES.iter().map(|(name, _)| *name).collect();
                let one_of = format!("one of {}", names.join(", "));
                Some(
                    text.parse()
                        .map_err(|_: String| item.expected(&key, &one_of))?,
                )
            }
            None => None,
        };
        let vendor_url = match field(fields, "vendorUrl") {
            Some(item) => {
                let key = format!("{at}.vendorUrl");
                let text = item.string(&key)?;
                if !(text.starts_with("https://") || text.starts_with("http://")) {
                    return Err(item.expected(&key, "an http:// or https:// URL"));
                }
                Some(text)
            }
            None => None,
        };
        out.push(RegistrySetting {
            host,
            insecure,
            rps,
            ca,
            api,
            vendor_url,
        });
    }
    Ok(out)
}

/// The host registry requests go to for a registry as written: Docker Hub's names all
/// become its API host, as image references do.
fn api_host(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if is_docker_hub_host(&host) {
        DOCKER_HUB_API_HOST.to_owned()
    } else {
        host
    }
}

/// Git credentials: `--git-ssh-key`, `GIT_USERNAME` + `GIT_PASSWORD` or `GIT_TOKEN`, on top of
/// ssh-agent and git's credential helpers.
pub fn git_auth(ssh_key: Option<&Path>, known_hosts: Option<&Path>) -> Auth {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    let mut auth = Auth::new().with_known_hosts(known_hosts_files(
        known_hosts,
        home.as_deref().map(Path::new),
    ));
    if let Some(key) = ssh_key {
        auth = auth.with_ssh_key(key, None);
    }
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("GIT_USERNAME"), var("GIT_PASSWORD"), var("GIT_TOKEN")) {
        (Some(user), Some(password), _) => auth.with_user_password(user, Secret::new(password)),
        (_, _, Some(token)) => auth.with_token(Secret::new(token)),
        _ => auth,
    }
}

/// The forge's token and the variable it came from: `TAGPILOT_FORGE_TOKEN`, else the
/// forge's own (`GITHUB_TOKEN`, `GITLAB_TOKEN`, `GITEA_TOKEN`).
pub fn forge_token(kind: crate::forge::Kind) -> Option<(Secret, &'static str)> {
    ["TAGPILOT_FORGE_TOKEN", kind.token_variable()]
        .into_iter()
        .find_map(|name| {
            let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
            Some((Secret::new(value.trim()), name))
        })
}

/// The SSH known-hosts files to trust: `--git-known-hosts` alone, else `~/.ssh/known_hosts`
/// then `/etc/ssh/ssh_known_hosts`, as ssh reads them.
fn known_hosts_files(given: Option<&Path>, home: Option<&Path>) -> Vec<PathBuf> {
    match given {
        Some(file) => vec![file.to_path_buf()],
        None => home
            .map(|h| h.join(".ssh/known_hosts"))
            .into_iter()
            .chain([PathBuf::from("/etc/ssh/ssh_known_hosts")])
            .collect(),
    }
}

/// The cache directory: `--cache-dir`, else `$XDG_CACHE_HOME/tagpilot`, else
/// `~/.cache/tagpilot`; none with `--no-cache`.
pub fn cache_dir(args: &RegistryArgs) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    args.cache_dir.clone().or_else(|| {
        var("XDG_CACHE_HOME")
            .map(|dir| dir.join("tagpilot"))
            .or_else(|| var("HOME").map(|h| h.join(".cache/tagpilot")))
    })
}

/// An error for a number of the registry options that cannot work.
fn check_numbers(args: &RegistryArgs) -> Result<()> {
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    if !args.registry_rps.is_finite() || args.registry_rps < 0.0 {
        bail!("--registry-rps must be a number of requests per second, or 0 for no fixed cap");
    }
    if args.timeout == 0 {
        bail!("--timeout must be at least 1 second");
    }
    if args.deadline == 0 {
        bail!("--deadline must be at least 1 second");
    }
    if args.max_tags == 0 {
        bail!("--max-tags must be at least 1");
    }
    Ok(())
}

/// The Docker config file: `--docker-config` (a directory means its `config.json`), else
/// `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
fn docker_config(args: &RegistryArgs) -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = var("HOME");
    // A directory means its config.json, as Docker's --config and DOCKER_CONFIG take it.
    let named = args.docker_config.as_ref().map(|path| {
        if path.is_dir() {
            path.join("config.json")
        } else {
            path.clone()
        }
    });
    named.or_else(|| {
        var("DOCKER_CONFIG")
            .map(|dir| dir.join("config.json"))
            .or_else(|| home.as_ref().map(|h| h.join(".docker/config.json")))
    })
}

/// The registry client's options from the settings: the Docker config file and cache
/// directory defaults come from `DOCKER_CONFIG`, `XDG_CACHE_HOME` and `HOME`;
/// the file's `registries` add insecure hosts and per-host rates.
pub fn client_options(args: &RegistryArgs) -> Result<ClientOptions> {
    let platform: Platform = args
        .platform
        .parse()
        .map_err(|err| anyhow!("--platform {}: {err}", args.platform))?;
    check_numbers(args)?;
    let docker_config = docker_config(args);
    let cache_dir = cache_dir(args);
    if let Some(bad) = args.insecure_registry.iter().find(|h| h.contains("://")) {
        bail!("insecureRegistries: {bad:?} has a scheme; give HOST[:PORT]");
    }
    let mut insecure_hosts = args.insecure_registry.clone();
    let mut secure_hosts = Vec::new();
    let mut rps_by_host = BTreeMap::new();
    let mut ca_by_host = BTreeMap::new();
    let (mut apis, mut vendor_urls) = (BTreeMap::new(), BTreeMap::new());
    for registry in &args.registries {
        let host = api_host(&registry.host);
        match registry.insecure {
            Some(true) => insecure_hosts.push(host.clone()),
            Some(false) => secure_hosts.push(host.clone()),
            None => {}
        }
        if let Some(ca) = &registry.ca {
            ca_by_host.insert(host.clone(), ca.clone());
        }
        if let Some(api) = registry.api {
            apis.insert(host.clone(), api);
        }
        if let Some(url) = &registry.vendor_url {
            vendor_urls.insert(host.clone(), url.clone());
        }
        if let Some(rps) = registry.rps {
            rps_by_host.insert(host, rps);
        }
    }
    Ok(ClientOptions {
        concurrency: args.concurrency,
        rps: args.registry_rps,
        rps_by_host,
        timeout: Duration::from_secs(args.timeout),
        insecure_hosts,
        secure_hosts,
        ca_files: args.registry_ca.clone(),
        ca_by_host,
        platform,
        docker_config,
        cache_dir,
        refresh: args.refresh,
        max_tags: args.max_tags,
        deadline: Some(Duration::from_secs(args.deadline)),
        apis,
        vendor_urls,
        push_times: args.time_source == TimeSource::Pushed,
        ..ClientOptions::default()
    })
}

/// Whether to colour the `warning:` and `error:` prefixes on stderr.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fs;

    use clap::ArgAction;

    use super::*;
    use crate::cli::Format;

    /// Parse `args` after `tagpilot` with `yaml` as the `--config` file.
    fn parse_with(yaml: &str, args: &[&str]) -> Result<Cli, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tagpilot.yaml");
        fs::write(&path, yaml).unwrap();
        let mut argv = vec!["tagpilot".to_owned()];
        argv.extend(args.iter().map(|a| (*a).to_owned()));
        argv.extend(["--config".to_owned(), path.display().to_string()]);
        parse_args(argv).map_err(|err| match err {
            ArgsError::Clap(err) => err.to_string(),
            ArgsError::Help(text) => text,
            ArgsError::Config(err) => format!("{err:#}").replace(&path.display().to_string(), "F"),
        })
    }

    #[test]
    fn keys_are_the_long_options_in_camel_case() {
        let mut command = crate::cli::command();
        command.build();
        let sync = command.find_subcommand("sync").unwrap();
        let list_images = command.find_subcommand("list-images").unwrap();
        let mut want = BTreeSet::new();
        for arg in sync.get_arguments().chain(list_images.get_arguments()) {
            let (Some(long), Some(_)) = (arg.get_long(), arg.get_env()) else {
                continue;
            };
            if long == "config" || long == "trust-repo-config" {
                continue;
            }
            let mut key = String::new();
            let mut upper = false;
            for c in long.chars() {
                match c {
                    '-' => upper = true,
                    c if upper => {
                        key.push(c.to_ascii_uppercase());
                        upper = false;
                    }
                    c => key.push(c),
                }
            }
            let singular = ["notify", "verify", "after-push"].contains(&long);
            if matches!(arg.get_action(), ArgAction::Append) && !singular {
                key = match key.strip_suffix('y') {
                    Some(stem) => format!("{stem}ies"),
                    None => format!("{key}s"),
                };
            }
            want.insert(key);
        }
        // The file's own keys: per-registry settings and files not to scan.
        let have: BTreeSet<String> = from_file::file_keys()
            .iter()
            .filter(|k| !["registries", "exclude"].contains(k))
            .map(|k| (*k).to_owned())
            .collect();
        assert_eq!(have, want);
    }

    #[test]
    fn every_key_sets_its_option() {
        let yaml = "repo: r\ngitSshKey: /keys/id\ngitBranch: b\ngitRemote: up\npaths: [p1, p2]\n\
            namespace: ns\ndefaultNamespace: dns\noutput: json\nquiet: true\nplatform: linux/arm64\n\
            dockerConfig: d.json\ninsecureRegistries: [i1]\nincludeImages: [in*]\n\
            excludeImages: ex*\nconcurrency: 3\nregistryRps: 2.5\ntimeout: 9\ncacheDir: c\n\
            noCache: true\nrefresh: true\ndryRun: true\ndiff: true\nnoCommit: true\nnoPush: true\n\
            gitUser: gu\ngitEmail: ge\nmessage: m\nuser: U <u@x>\nciSkip: true\nciSkipMessage: '[skip]'\n\
            exitCode: true\nallowDirty: true\npushRetries: 7\nnotify: [http://n]\nnotifyFormat: slack\n";
        let cli = parse_with(yaml, &["sync"]).unwrap();
        let g = &cli.global;
        let Command::Sync(sync) = &cli.command else {
            panic!("not sync")
        };
        let w = &sync.write;
        // Relative file-system paths are the file's directory's; --config was absolute.
        assert!(g.repo.as_ref().unwrap().is_absolute() && g.repo.as_ref().unwrap().ends_with("r"));
        assert_eq!(g.git_ssh_key.as_deref(), Some(Path::new("/keys/id")));
        assert!(
            g.registry
                .docker_config
                .as_ref()
                .unwrap()
                .ends_with("d.json")
        );
        assert!(g.registry.cache_dir.as_ref().unwrap().ends_with("c"));
        assert_eq!(
            (g.git_branch.as_deref(), g.git_remote.as_str()),
            (Some("b"), "up")
        );
        assert_eq!(g.paths, [PathBuf::from("p1"), PathBuf::from("p2")]);
        assert_eq!(
            (g.namespace.as_deref(), g.default_namespace.as_str()),
            (Some("ns"), "dns")
        );
        assert_eq!((g.output, g.quiet), (Format::Json, true));
        let r = &g.registry;
        assert_eq!(r.platform, "linux/arm64");
        assert_eq!(
            (&r.insecure_registry, &r.include_image, &r.exclude_image),
            (&vec!["i1".into()], &vec!["in*".into()], &vec!["ex*".into()])
        );
        assert_eq!((r.concurrency, r.registry_rps, r.timeout), (3, 2.5, 9));
        assert!(r.no_cache && r.refresh);
        assert!(w.dry_run && w.diff && w.no_commit && w.no_push && w.ci_skip);
        assert!(w.exit_code && w.allow_dirty);
        assert_eq!(
            (
                w.git_user.as_deref(),
                w.git_email.as_deref(),
                w.message.as_deref(),
                w.user.as_deref()
            ),
            (Some("gu"), Some("ge"), Some("m"), Some("U <u@x>"))
        );
        assert_eq!((w.ci_skip_message.as_str(), w.push_retries), ("[skip]", 7));
        assert_eq!(
            (&w.notify, w.notify_format),
            (&vec!["http://n".to_owned()], NotifyFormat::Slack)
        );
        // gitUrl conflicts with repo, so it is checked on its own.
        let cli = parse_with("gitUrl: file:///r.git\n", &["sync"]).unwrap();
        assert_eq!(cli.global.git_url.as_deref(), Some("file:///r.git"));
    }

    #[test]
    fn flags_win_and_conflicting_file_values_are_dropped() {
        let yaml = "gitUrl: file:///r.git\nquiet: true\nciSkip: false\npaths: [a]\nnotify: [{url: http://f, format: slack}]\n";
        let cli = parse_with(
            yaml,
            &[
                "sync",
                "--repo",
                ".",
                "-v",
                "--ci-skip",
                "--path",
                "b",
                "--notify",
                "http://c",
            ],
        )
        .unwrap();
        let Command::Sync(sync) = &cli.command else {
            panic!("not sync")
        };
        assert_eq!(cli.global.git_url, None);
        assert!(!cli.global.quiet);
        assert!(sync.write.ci_skip);
        assert_eq!(cli.global.paths, [PathBuf::from("b")]);
        assert_eq!(
            notify_targets(&sync.write),
            [crate::notify::Target {
                url: "http://c",
                format: crate::notify::Format::Json
            }]
        );
        assert_eq!(
            parse_with("repo: .\ngitUrl: file:///r.git\n", &["sync"]).err(),
            Some(
                "reading the configuration file F: line 2: repo and gitUrl are both set; keep one"
                    .to_owned()
            )
        );
    }

    #[test]
    fn write_keys_are_checked_but_ignored_by_the_list_commands() {
        assert!(parse_with("ciSkip: true\ndryRun: false\n", &["list-workloads"]).is_ok());
        assert_eq!(
            parse_with("ciSkip: 1\n", &["list-workloads"]).err(),
            Some(
                "reading the configuration file F: line 1: ciSkip: expected true or false, found 1"
                    .to_owned()
            )
        );
        assert_eq!(
            parse_with("config: other.yaml\n", &["list-workloads"]).err(),
            Some("reading the configuration file F: line 1: config: a configuration file cannot name another one".to_owned())
        );
    }

    #[test]
    fn notify_entries_carry_their_format() {
        let yaml = "notifyFormat: json\nnotify:\n  - https://hooks.slack.com/services/x\n  - url: http://a\n    format: slack\n  - {url: http://b}\n";
        let cli = parse_with(yaml, &["sync"]).unwrap();
        let Command::Sync(sync) = &cli.command else {
            panic!("not sync")
        };
        let got: Vec<(&str, crate::notify::Format)> = notify_targets(&sync.write)
            .iter()
            .map(|t| (t.url, t.format))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "https://hooks.slack.com/services/x",
                    crate::notify::Format::Json
                ),
                ("http://a", crate::notify::Format::Slack),
                ("http://b", crate::notify::Format::Json),
            ]
        );
        let cases = [
            (
                "notify: [{format: slack}]\n",
                "line 1: notify[0]: url is missing",
            ),
            (
                "notify: [{url: http://a, fmt: slack}]\n",
                "line 1: notify[0]: unknown key \"fmt\"",
            ),
            (
                "notify: [{url: http://a, format: xml}]\n",
                "line 1: notify[0].format: expected one of json, slack, found \"xml\"",
            ),
            (
                "notify: [http://a, http://a]\n",
                "line 1: notify[1]: \"http://a\" is listed twice",
            ),
        ];
        for (yaml, message) in cases {
            assert_eq!(
                parse_with(yaml, &["sync"]).err(),
                Some(format!("reading the configuration file F: {message}")),
                "{yaml}"
            );
        }
    }

    #[test]
    fn registries_reach_the_client_options() {
        let yaml = "registryRps: 20\ninsecureRegistries: [plain.local]\nregistries:\n  - host: Registry.Internal:5000\n    insecure: true\n    rps: 10\n  - host: docker.io\n    rps: 0.5\n  - host: ghcr.io\n";
        let cli = parse_with(yaml, &["list-images"]).unwrap();
        let options = client_options(&cli.global.registry).unwrap();
        assert_eq!(options.rps, 20.0);
        assert_eq!(
            options.rps_by_host,
            BTreeMap::from([
                ("registry-1.docker.io".to_owned(), 0.5),
                ("registry.internal:5000".to_owned(), 10.0),
            ])
        );
        assert_eq!(
            options.insecure_hosts,
            ["plain.local", "registry.internal:5000"]
        );
        // A flag replaces the file's list; the per-registry settings still add to it.
        let yaml_vendor = "registries:\n  - host: mirror.internal:5000\n    api: dockerhub\n    vendorUrl: http://hub.internal:8080\ntimeSource: pushed\n";
        let options = client_options(
            &parse_with(yaml_vendor, &["list-images"])
                .unwrap()
                .global
                .registry,
        )
        .unwrap();
        assert_eq!(
            options.apis,
            BTreeMap::from([("mirror.internal:5000".to_owned(), Api::DockerHub)])
        );
        assert_eq!(
            options.vendor_urls,
            BTreeMap::from([(
                "mirror.internal:5000".to_owned(),
                "http://hub.internal:8080".to_owned()
            )])
        );
        assert!(options.push_times);
        let flag = parse_with(yaml_vendor, &["list-images", "--time-source", "built"]).unwrap();
        assert!(!client_options(&flag.global.registry).unwrap().push_times);
        let cli = parse_with(yaml, &["list-images", "--insecure-registry", "cli.local"]).unwrap();
        let options = client_options(&cli.global.registry).unwrap();
        assert_eq!(
            options.insecure_hosts,
            ["cli.local", "registry.internal:5000"]
        );
        let cases = [
            (
                "registries: [{insecure: true}]\n",
                "line 1: registries[0]: host is missing",
            ),
            (
                "registries: [{host: a, rps: -1}]\n",
                "line 1: registries[0].rps: expected a number, 0 for no fixed cap, found -1",
            ),
            (
                "registries: [{host: a, rps: fast}]\n",
                "line 1: registries[0].rps: expected a number, found \"fast\"",
            ),
            (
                "registries: [{host: a, insecure: 'yes'}]\n",
                "line 1: registries[0].insecure: expected true or false, found \"yes\"",
            ),
            (
                "registries: [{host: a, port: 1}]\n",
                "line 1: registries[0]: unknown key \"port\"",
            ),
            (
                "registries:\n  - host: docker.io\n  - host: index.docker.io\n",
                "line 3: registries[1].host: \"index.docker.io\" is listed twice",
            ),
            (
                "registries: [{host: 'a/b'}]\n",
                "line 1: registries[0].host: expected a host or host:port, found \"a/b\"",
            ),
            (
                "registries: {host: a}\n",
                "line 1: registries: expected a list of {host, insecure, rps, ca, api, vendorUrl} mappings, found a mapping",
            ),
            (
                "registries: [{host: a, api: hub}]\n",
                "line 1: registries[0].api: expected one of auto, oci, gcr, dockerhub, quay, acr, github, found \"hub\"",
            ),
            (
                "registries: [{host: a, vendorUrl: hub.internal}]\n",
                "line 1: registries[0].vendorUrl: expected an http:// or https:// URL, found \"hub.internal\"",
            ),
        ];
        for (yaml, message) in cases {
            assert_eq!(
                parse_with(yaml, &["list-images"]).err(),
                Some(format!("reading the configuration file F: {message}")),
                "{yaml}"
            );
        }
    }

    #[test]
    fn known_hosts_are_the_flag_alone_else_the_users_then_the_systems() {
        assert_eq!(
            known_hosts_files(None, Some(Path::new("/home/u"))),
            [
                PathBuf::from("/home/u/.ssh/known_hosts"),
                PathBuf::from("/etc/ssh/ssh_known_hosts")
            ]
        );
        assert_eq!(
            known_hosts_files(None, None),
            [PathBuf::from("/etc/ssh/ssh_known_hosts")]
        );
        assert_eq!(
            known_hosts_files(
                Some(Path::new("/etc/tagpilot/hosts")),
                Some(Path::new("/h"))
            ),
            [PathBuf::from("/etc/tagpilot/hosts")]
        );
    }
}
