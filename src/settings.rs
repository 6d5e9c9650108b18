//! Values that come from the environment rather than the command line; the only module
//! besides `cli` that reads it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, anyhow, bail};

use crate::cli::RegistryArgs;
use crate::git::{Auth, Secret};
use crate::registry::{ClientOptions, Platform};

/// Git credentials: `--git-ssh-key`, `GIT_USERNAME` + `GIT_PASSWORD` or `GIT_TOKEN`, on top of
/// ssh-agent and git's credential helpers (SPEC §7.2).
pub fn git_auth(ssh_key: Option<&Path>) -> Auth {
    let mut auth = Auth::new();
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

/// The registry client's options from the command line and the environment: the Docker
/// config file and cache directory defaults come from `DOCKER_CONFIG`, `XDG_CACHE_HOME` and
/// `HOME` (SPEC §1.1).
pub fn client_options(args: &RegistryArgs) -> Result<ClientOptions> {
    let platform: Platform = args
        .platform
        .parse()
        .map_err(|err| anyhow!("--platform {}: {err}", args.platform))?;
    if args.concurrency == 0 {
        bail!("--concurrency must be at least 1");
    }
    if args.registry_rps.is_nan() || args.registry_rps <= 0.0 {
        bail!("--registry-rps must be more than 0");
    }
    if args.timeout == 0 {
        bail!("--timeout must be at least 1 second");
    }
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = var("HOME");
    let docker_config = args.docker_config.clone().or_else(|| {
        var("DOCKER_CONFIG")
            .map(|dir| dir.join("config.json"))
            .or_else(|| home.as_ref().map(|h| h.join(".docker/config.json")))
    });
    let cache_dir = cache_dir(args);
    Ok(ClientOptions {
        concurrency: args.concurrency,
        rps: args.registry_rps,
        timeout: Duration::from_secs(args.timeout),
        insecure_hosts: args.insecure_registry.clone(),
        platform,
        docker_config,
        cache_dir,
        refresh: args.refresh,
        ..ClientOptions::default()
    })
}
